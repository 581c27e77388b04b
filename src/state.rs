//! The served state of one content version: library, search index and pre-rendered
//! pages, built completely before it is served and never changed afterwards.

use std::collections::HashMap;

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::calendar::{Calendar, Clock};
use crate::content::ContentSource;
use crate::library::Library;
use crate::search::SearchIndex;
use crate::views::{self, Chrome};

/// What the state is built from.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Where the content comes from.
    pub source: ContentSource,
    /// Banner text from the command line; wins over the settings file.
    pub notice: Option<String>,
    /// Threads for indexing.
    pub threads: usize,
    /// Where "today" comes from for dates and notices.
    pub clock: Clock,
    /// The public address for absolute links in feeds, if configured.
    pub base_url: Option<String>,
}

/// A pre-rendered HTML page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The HTML.
    pub body: String,
    /// A strong ETag derived from the body, identical on every replica.
    pub etag: String,
}

impl Page {
    /// Wraps rendered HTML and computes its ETag.
    pub fn new(body: String) -> Page {
        let etag = etag_of(body.as_bytes());
        Page { body, etag }
    }
}

/// One content version, ready to serve.
pub struct State {
    /// Documents, sections, trades, attachments.
    pub library: Library,
    /// Full-text search.
    pub index: SearchIndex,
    /// Layout values shared by all pages.
    pub chrome: Chrome,
    /// Every event, with stable ids, for the date pages and feeds.
    pub calendar: Calendar,
    /// Where "today" comes from. Pages that depend on the date (start page, dates,
    /// notices) are rendered per request, so a server that runs for weeks moves on.
    pub clock: Clock,
    /// The public address for absolute links in feeds, if configured.
    pub base_url: Option<String>,
    /// Documents and sections by URL, rendered once.
    pub pages: HashMap<String, Page>,
    /// The 404 page.
    pub not_found: Page,
}

impl State {
    /// Reads, validates, renders and indexes the content.
    ///
    /// Embedded content must be free of errors (whoever built the binary can fix it);
    /// a folder starts with its good documents and logs each broken one.
    pub fn build(options: &BuildOptions) -> anyhow::Result<State> {
        let files = options.source.read_all()?;
        let library = Library::build(files);
        if !library.errors.is_empty() {
            if options.source.is_strict() {
                let list: Vec<String> = library.errors.iter().map(ToString::to_string).collect();
                anyhow::bail!(
                    "die eingebetteten Inhalte haben {} Fehler:\n{}",
                    list.len(),
                    list.join("\n")
                );
            }
            for error in &library.errors {
                tracing::warn!("{error} (Dokument wird nicht angezeigt)");
            }
        }
        let index = SearchIndex::build(&library, options.threads).context("Suchindex")?;
        let chrome = Chrome::new(&library, options.notice.as_deref());

        let mut pages = HashMap::with_capacity(library.documents.len() + library.sections.len());
        for doc in library.documents.iter().filter(|d| !d.is_index) {
            let html = views::document(&chrome, &library, doc).into_string();
            pages.insert(doc.url.clone(), Page::new(html));
        }
        for section in library.sections.values().filter(|s| s.url != "/") {
            let html = views::section(&chrome, &library, section).into_string();
            pages.insert(section.url.clone(), Page::new(html));
        }
        let calendar = Calendar::build(&library);
        let not_found = Page::new(views::not_found(&chrome).into_string());
        Ok(State {
            library,
            index,
            chrome,
            calendar,
            clock: options.clock,
            base_url: options.base_url.clone(),
            pages,
            not_found,
        })
    }
}

/// A strong ETag: the first 128 bits of the body's SHA-256, quoted.
pub fn etag_of(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}
