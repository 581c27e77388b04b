//! The served state of one content version: library, search index and pre-rendered
//! pages, built completely before it is served and never changed afterwards.
//!
//! A reload ([`State::rebuild`]) builds a new state beside the old one. A file that is
//! broken now but was fine in the previous state keeps its previous version, so a typo
//! saved during an incident does not take a page offline.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Context;
use bytes::Bytes;
use bytestring::ByteString;
use sha2::{Digest, Sha256};

use crate::calendar::{Calendar, Clock};
use crate::content::source::{self, Listing};
use crate::content::stored;
use crate::content::{ContentError, ContentSource, Fingerprint, SourceFile};
use crate::index_cache::{Entry, IndexCache};
use crate::library::{self, Library};
use crate::precompressed::{Effort, Encoding, Precompressed};
use crate::pwa::Pwa;
use crate::search::SearchIndex;
use crate::views::{self, AboutInfo, Chrome, Lang};
use werkbank_engine::built_in::BuiltIn;

/// The search index the build made of the embedded content (`build.rs`). Used when
/// the content has the fingerprint it was made from: the embedded content, or a
/// folder with the same files.
pub static BUILT_IN_INDEX: BuiltIn =
    BuiltIn::new(include!(concat!(env!("OUT_DIR"), "/built_in_index.rs")));

/// The index cache as one build uses it.
struct CacheUse<'a> {
    cache: &'a IndexCache,
    /// The listing of the content folder, read before its files (none for embedded
    /// content).
    listing: Option<&'a Listing>,
}

/// The URL of the search page.
pub const SEARCH_URL: &str = "/suche";
/// `robots.txt`: everything may be crawled except the API. Results pages are crawled:
/// those worth indexing carry a canonical link, the thin ones `noindex`, which a
/// crawler can only read on a page it may fetch.
pub const ROBOTS_TXT: &str = "User-agent: *\nDisallow: /api/\n";

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
    /// The folder that keeps the search index between starts (see [`index_cache`]).
    ///
    /// [`index_cache`]: crate::index_cache
    pub index_cache: Option<PathBuf>,
    /// Whether the content will be reloaded: then the text files that built without
    /// errors are kept, to stand in for a file that an edit breaks.
    pub reload: bool,
}

/// A page of the state: built with it, or rendered on its first request and then kept.
///
/// A folder of 10,000 documents has 20,000 document pages in two languages; rendering
/// all of them before the first request took about a second of a cold start and held
/// some 250 MB, while most are never asked for between two content versions. Rendering
/// is deterministic, so a page rendered later is byte for byte (and ETag for ETag) the
/// page a replica rendered earlier.
#[derive(Debug)]
pub enum Slot {
    /// Built with the state.
    Ready(Page),
    /// Rendered when first asked for.
    Lazy {
        /// What to render.
        source: Source,
        /// In which UI language.
        lang: Lang,
        /// The page, once rendered.
        page: OnceLock<Page>,
    },
}

/// What a lazily rendered page shows.
#[derive(Debug, Clone)]
pub enum Source {
    /// The document at this position of the library.
    Document(usize),
    /// The section under this key of the library's sections.
    Section(String),
}

impl Slot {
    fn lazy(source: Source, lang: Lang) -> Slot {
        Slot::Lazy {
            source,
            lang,
            page: OnceLock::new(),
        }
    }
}

/// A pre-rendered HTML page with its compressed forms (made on first use, then kept).
#[derive(Debug, Clone)]
pub struct Page {
    /// The HTML; cloning it shares the buffer.
    pub body: ByteString,
    /// A strong ETag derived from the body, identical on every replica.
    pub etag: String,
    /// The ETags of the gzip and brotli forms: a strong ETag names one exact byte
    /// sequence, so each encoding has its own (`"…-gz"`, `"…-br"`).
    encoded_etags: [String; 2],
    bodies: Precompressed,
}

impl Page {
    /// Wraps HTML that is served many times (documents, sections) and computes its
    /// ETags; compressed forms use the slowest, smallest settings.
    pub fn new(body: String) -> Page {
        Page::with_effort(body, Effort::Kept)
    }

    /// Wraps HTML rendered for one request (start page, dates, results): compressed
    /// with faster settings, since the work is not reused.
    pub fn per_request(body: String) -> Page {
        Page::with_effort(body, Effort::PerRequest)
    }

    fn with_effort(body: String, effort: Effort) -> Page {
        let etag = etag_of(body.as_bytes());
        let stem = etag.trim_end_matches('"');
        let encoded_etags = [format!("{stem}-gz\""), format!("{stem}-br\"")];
        let body = ByteString::from(body);
        let bodies = Precompressed::new(body.as_bytes().clone(), effort);
        Page {
            body,
            etag,
            encoded_etags,
            bodies,
        }
    }

    /// The body and ETag to send in `encoding`; the identity if that encoding would
    /// not make the page smaller.
    pub fn variant(&self, encoding: Encoding) -> (Encoding, &Bytes, &str) {
        match (encoding, self.bodies.encoded(encoding)) {
            (Encoding::Gzip, Some(bytes)) => (Encoding::Gzip, bytes, &self.encoded_etags[0]),
            (Encoding::Brotli, Some(bytes)) => (Encoding::Brotli, bytes, &self.encoded_etags[1]),
            _ => (Encoding::Identity, self.bodies.identity(), &self.etag),
        }
    }
}

/// One content version, ready to serve.
pub struct State {
    /// Documents, sections, trades, attachments.
    pub library: Library,
    /// Full-text search.
    pub index: SearchIndex,
    /// Layout values shared by all pages (German).
    pub chrome: Chrome,
    /// The same for English pages (under `/en/`).
    pub chrome_en: Chrome,
    /// Every event, with stable ids, for the date pages and feeds.
    pub calendar: Calendar,
    /// Where "today" comes from. Pages that depend on the date (start page, dates,
    /// notices) are rendered per request, so a server that runs for weeks moves on.
    pub clock: Clock,
    /// The public address for absolute links in feeds, if configured.
    pub base_url: Option<String>,
    /// Documents, sections, the about and offline pages by URL, in each UI language
    /// (English under `/en/`); read them with [`State::page`].
    pub pages: HashMap<String, Slot>,
    /// The 404 page.
    pub not_found: Page,
    /// The English 404 page.
    pub not_found_en: Page,
    /// The web app manifest and the service worker of this version.
    pub pwa: Pwa,
    /// SHA-256 over the files this state was built from.
    pub fingerprint: Fingerprint,
    /// Files that are broken in the folder now, whose previous version is served.
    pub kept_previous: Vec<ContentError>,
    /// The text files (Markdown, settings) that built without errors, kept so that a
    /// reload can fall back to them.
    good_texts: GoodTexts,
}

/// The text files of a folder that built without errors, by path.
type Texts = HashMap<String, Cow<'static, [u8]>>;

/// The text files a reload falls back to. A start from the index cache reads no
/// Markdown file; then they are read in the background after the start.
enum GoodTexts {
    Ready(Texts),
    Later {
        reading: std::sync::Mutex<Option<std::thread::JoinHandle<Texts>>>,
        read: OnceLock<Texts>,
    },
}

impl GoodTexts {
    fn get(&self) -> &Texts {
        match self {
            GoodTexts::Ready(texts) => texts,
            GoodTexts::Later { reading, read } => read.get_or_init(|| {
                let handle = reading.lock().map(|mut h| h.take()).unwrap_or(None);
                handle.and_then(|h| h.join().ok()).unwrap_or_default()
            }),
        }
    }
}

impl State {
    /// Reads, validates, renders and indexes the content.
    ///
    /// Embedded content must be free of errors (whoever built the binary can fix it);
    /// a folder starts with its good documents and logs each broken one.
    pub fn build(options: &BuildOptions) -> anyhow::Result<State> {
        if let Some(root) = &options.index_cache {
            return State::build_with_cache(options, root);
        }
        let started = std::time::Instant::now();
        let files = options.source.read_all()?;
        tracing::debug!(
            millis = started.elapsed().as_millis(),
            files = files.len(),
            "Inhalte gelesen"
        );
        State::from_files(options, files, Vec::new(), None)
    }

    /// Builds the first state with the index cache in `root`. If the folder is listed
    /// exactly as when an entry was filled (same paths, sizes, times and inodes), the
    /// entry's fingerprint, parsed documents and index are used and no Markdown file
    /// is read; otherwise the files are read and fingerprinted as without a cache.
    fn build_with_cache(options: &BuildOptions, root: &Path) -> anyhow::Result<State> {
        let cache = match IndexCache::new(root) {
            Ok(cache) => cache,
            Err(error) => {
                tracing::warn!("Index-Zwischenspeicher nicht nutzbar: {error:#}");
                let files = options.source.read_all()?;
                return State::from_files(options, files, Vec::new(), None);
            }
        };
        let started = std::time::Instant::now();
        let listing = match &options.source {
            ContentSource::Folder(dir) => Some(source::list_folder(dir)?),
            ContentSource::Embedded => None,
        };
        let hit = listing
            .as_ref()
            .and_then(|listing| cache.find(listing))
            .and_then(|(fingerprint, entry)| Some((fingerprint, entry.documents()?, entry)));
        if let (Some((fingerprint, parsed, entry)), Some(listing)) = (hit, listing.as_ref()) {
            let others = listing.read(|path| !library::is_markdown(path))?;
            tracing::debug!(
                millis = started.elapsed().as_millis(),
                "Inhalte aus dem Zwischenspeicher gelesen"
            );
            let library = Library::from_parsed(parsed, others);
            let mut state = State::assemble(
                options,
                fingerprint,
                library,
                Vec::new(),
                Vec::new(),
                |library| entry.index(library, options.threads, None, None, &fingerprint),
            )?;
            if options.reload {
                state.good_texts = State::read_good_texts_later(&state.library, listing);
            }
            return Ok(state);
        }
        let files = match &listing {
            Some(listing) => listing.read(|_| true)?,
            None => options.source.read_all()?,
        };
        tracing::debug!(
            millis = started.elapsed().as_millis(),
            files = files.len(),
            "Inhalte gelesen"
        );
        let cache = CacheUse {
            cache: &cache,
            listing: listing.as_ref(),
        };
        State::from_files(options, files, Vec::new(), Some(cache))
    }

    /// Reads the text files a reload falls back to in the background, as they were
    /// when the folder was listed. A file changed since then has no fallback: a broken
    /// edit saved while they are read (a fraction of a second for thousands of files)
    /// hides its document until it is fixed, as at a start without the cache.
    fn read_good_texts_later(library: &Library, listing: &Listing) -> GoodTexts {
        let broken: std::collections::HashSet<String> =
            library.errors.iter().map(|e| e.file.clone()).collect();
        let listing = listing.clone();
        let reading = std::thread::Builder::new()
            .name("werkbank-texts".to_owned())
            .spawn(move || {
                listing
                    .read_unchanged(|path| library::is_text_file(path) && !broken.contains(path))
                    .into_iter()
                    .map(|file| (file.path, file.bytes))
                    .collect()
            });
        match reading {
            Ok(handle) => GoodTexts::Later {
                reading: std::sync::Mutex::new(Some(handle)),
                read: OnceLock::new(),
            },
            Err(error) => {
                tracing::warn!("Texte für Neuladen nicht gelesen: {error}");
                GoodTexts::Ready(Texts::new())
            }
        }
    }

    /// Builds the next content version. A text file that is broken now and built
    /// without errors in `self` is replaced by its version from `self`; the errors of
    /// those files are in [`State::kept_previous`].
    pub fn rebuild(&self, options: &BuildOptions) -> anyhow::Result<State> {
        let mut files = options.source.read_all()?;
        let mut kept = Vec::new();
        for file in &mut files {
            if !library::is_text_file(&file.path) {
                continue;
            }
            if let Err(error) = library::validate_file(file)
                && let Some(previous) = self.good_texts.get().get(&file.path)
            {
                file.bytes = previous.clone();
                kept.push(error);
            }
        }
        // A reload builds its index in memory: nothing is written while serving.
        State::from_files(options, files, kept, None)
    }

    fn from_files(
        options: &BuildOptions,
        files: Vec<SourceFile>,
        kept_previous: Vec<ContentError>,
        cache: Option<CacheUse<'_>>,
    ) -> anyhow::Result<State> {
        let started = std::time::Instant::now();
        let fingerprint = Fingerprint::of(&files);
        let (markdown, others): (Vec<SourceFile>, Vec<SourceFile>) = files
            .into_iter()
            .partition(|f| library::is_markdown(&f.path));
        let entry = cache.as_ref().map(|c| c.cache.entry(&fingerprint));
        // A folder's parsed documents are kept in the cache entry; the embedded demo
        // is parsed in a moment and keeps its bodies in the binary.
        let folder_entry = entry
            .as_ref()
            .filter(|_| cache.as_ref().is_some_and(|c| c.listing.is_some()));
        let (parsed, stored) = match folder_entry.and_then(Entry::documents) {
            Some(parsed) => (parsed, None),
            None => {
                let parsed = library::parse(&markdown);
                let stored = folder_entry.map(|_| stored::encode(&parsed));
                (parsed, stored)
            }
        };
        // The text files a reload falls back to. Without reloads nothing does: a large
        // folder's text stays out of memory.
        let texts: Vec<SourceFile> = if options.reload {
            let settings = others.iter().filter(|f| library::is_text_file(&f.path));
            settings.cloned().chain(markdown).collect()
        } else {
            // Not kept through the indexing: 67 MB more at the peak of a 10k start.
            drop(markdown);
            Vec::new()
        };
        let library = Library::from_parsed(parsed, others);
        tracing::debug!(millis = started.elapsed().as_millis(), "Inhalte gerendert");
        State::assemble(
            options,
            fingerprint,
            library,
            texts,
            kept_previous,
            |library| match &entry {
                Some(entry) => entry.index(
                    library,
                    options.threads,
                    stored.as_deref(),
                    cache.as_ref().and_then(|c| c.listing),
                    &fingerprint,
                ),
                None => BUILT_IN_INDEX.index(library, options.threads, &fingerprint),
            },
        )
    }

    /// Everything after reading and parsing: checks, layout values, the search index
    /// (from `index`), pages, calendar.
    fn assemble(
        options: &BuildOptions,
        fingerprint: Fingerprint,
        library: Library,
        texts: Vec<SourceFile>,
        kept_previous: Vec<ContentError>,
        index: impl FnOnce(&Library) -> anyhow::Result<SearchIndex>,
    ) -> anyhow::Result<State> {
        let started = std::time::Instant::now();
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
        for error in &kept_previous {
            tracing::warn!("{error} (die letzte fehlerfreie Fassung wird weiter angezeigt)");
        }
        let good_texts = texts
            .into_iter()
            .filter(|file| !library.errors.iter().any(|e| e.file == file.path))
            .map(|file| (file.path, file.bytes))
            .collect();
        let mut chrome = Chrome::new(&library, options.notice.as_deref());
        chrome.content_version = Some(fingerprint.short());
        chrome.base_url = options.base_url.clone();
        let chrome_en = chrome.in_lang(Lang::En);

        let index = index(&library).context("Suchindex")?;
        let mut pages = page_slots(&library);
        for chrome in [&chrome, &chrome_en] {
            pages.insert(
                chrome.lang.url(views::OFFLINE_URL),
                Slot::Ready(Page::new(views::offline_page(chrome).into_string())),
            );
        }
        let calendar = Calendar::build(&library);
        // The about page is built in: it must show the true fingerprint even if the
        // content has a page of the same name.
        let about = AboutInfo {
            version: env!("CARGO_PKG_VERSION"),
            fingerprint: fingerprint.hex(),
            short: fingerprint.short(),
            documents: library.documents.len(),
            attachments: library.attachments.len(),
        };
        for chrome in [&chrome, &chrome_en] {
            pages.insert(
                chrome.lang.url(views::ABOUT_URL),
                Slot::Ready(Page::new(views::about(chrome, &about).into_string())),
            );
        }
        let not_found = Page::new(views::not_found(&chrome).into_string());
        let not_found_en = Page::new(views::not_found(&chrome_en).into_string());
        let pwa = Pwa::build(&library, &fingerprint);
        tracing::debug!(millis = started.elapsed().as_millis(), "Zustand gebaut");
        Ok(State {
            library,
            index,
            chrome,
            chrome_en,
            calendar,
            clock: options.clock,
            base_url: options.base_url.clone(),
            pages,
            not_found,
            not_found_en,
            pwa,
            fingerprint,
            kept_previous,
            good_texts: GoodTexts::Ready(good_texts),
        })
    }

    /// The layout values for a UI language.
    pub fn chrome(&self, lang: Lang) -> &Chrome {
        match lang {
            Lang::De => &self.chrome,
            Lang::En => &self.chrome_en,
        }
    }

    /// The page at a URL (a document, section, the about or offline page), rendered
    /// now if it is its first request.
    pub fn page(&self, url: &str) -> Option<&Page> {
        match self.pages.get(url)? {
            Slot::Ready(page) => Some(page),
            Slot::Lazy { source, lang, page } => Some(page.get_or_init(|| {
                let chrome = self.chrome(*lang);
                let html = match source {
                    Source::Document(i) => {
                        views::document(chrome, &self.library, &self.library.documents[*i])
                    }
                    Source::Section(key) => {
                        views::section(chrome, &self.library, &self.library.sections[key])
                    }
                };
                Page::new(html.into_string())
            })),
        }
    }

    /// The search page of a static export, which has no server to search with.
    pub fn offline_search_page(&self, lang: Lang) -> Page {
        Page::new(views::offline_search(self.chrome(lang), &self.library).into_string())
    }
}

/// The slots of every document and section page in both UI languages (not the start
/// page, which depends on the day).
fn page_slots(library: &Library) -> HashMap<String, Slot> {
    let pages = library.documents.len() + library.sections.len();
    let mut slots = HashMap::with_capacity(2 * pages);
    for lang in [Lang::De, Lang::En] {
        for (i, doc) in library.documents.iter().enumerate() {
            if !doc.is_index {
                slots.insert(lang.url(&doc.url), Slot::lazy(Source::Document(i), lang));
            }
        }
        for (key, section) in &library.sections {
            if section.url != "/" {
                slots.insert(
                    lang.url(&section.url),
                    Slot::lazy(Source::Section(key.clone()), lang),
                );
            }
        }
    }
    slots
}

/// A strong ETag: the first 128 bits of the body's SHA-256, quoted.
pub fn etag_of(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}
