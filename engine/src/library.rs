//! The library: every document, section, trade and attachment of one content version,
//! cross-referenced and validated.
//!
//! Built once from the files of a [`ContentSource`](crate::content::ContentSource) and
//! never changed afterwards; a content reload builds a new library.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::content::stored::Parsed;
use crate::content::{
    Attachment, ContentError, Document, Kind, SiteSettings, SourceFile, front_matter, markdown,
    site,
};

/// The file in the content root that lists synonyms for search.
pub const SYNONYMS_FILE: &str = "synonyme.txt";

/// A folder of the content tree.
#[derive(Debug, Clone)]
pub struct Section {
    /// `/` for the root, `/tischler/` for a folder.
    pub url: String,
    /// From `_index.md`, else the folder name.
    pub title: String,
    /// The section's own `_index.md`, if any.
    pub index: Option<usize>,
    /// The documents directly in this folder (not `_index.md`), in reading order.
    pub documents: Vec<usize>,
    /// URLs of the sub-folders.
    pub subsections: Vec<String>,
    /// The parent section's URL (`None` for the root).
    pub parent: Option<String>,
}

/// A trade (Gewerk), defined by a top-level section whose `_index.md` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trade {
    /// The short name used in front matter and URLs, e.g. `tischler`.
    pub slug: String,
    /// The display name, e.g. `Tischler/in`.
    pub name: String,
    /// The section's URL, e.g. `/tischler/`.
    pub url: String,
}

/// One content version, validated and cross-referenced.
#[derive(Debug, Default)]
pub struct Library {
    /// Site-wide settings.
    pub settings: SiteSettings,
    /// All documents, sorted by URL.
    pub documents: Vec<Document>,
    /// Sections by URL (sorted), the root `/` included.
    pub sections: BTreeMap<String, Section>,
    /// Trades in display order.
    pub trades: Vec<Trade>,
    /// Attachments by URL.
    pub attachments: HashMap<String, Attachment>,
    /// The synonyms file's text, if the content has one.
    pub synonyms: Option<String>,
    /// Files that could not be used; the documents they describe are missing.
    pub errors: Vec<ContentError>,
    by_url: HashMap<String, usize>,
}

impl Library {
    /// Builds the library from the files of one content version. Broken files end
    /// up in [`Library::errors`] and are left out; everything else is kept.
    pub fn build(files: Vec<SourceFile>) -> Library {
        let (markdown, others): (Vec<SourceFile>, Vec<SourceFile>) =
            files.into_iter().partition(|f| is_markdown(&f.path));
        Library::from_parsed(parse(&markdown), others)
    }

    /// Builds the library from its parsed Markdown files (see [`parse`]) and its other
    /// files.
    pub fn from_parsed(parsed: Vec<Parsed>, files: Vec<SourceFile>) -> Library {
        let mut lib = Library::default();
        let mut documents = Vec::with_capacity(parsed.len());
        for result in parsed {
            match result {
                Ok(doc) => documents.push(doc),
                Err(e) => lib.errors.push(e),
            }
        }
        for file in files {
            if file.path == site::SETTINGS_FILE {
                match std::str::from_utf8(&file.bytes) {
                    Ok(text) => match SiteSettings::parse(text) {
                        Ok(settings) => lib.settings = settings,
                        Err(e) => lib.errors.push(e),
                    },
                    Err(_) => lib.errors.push(ContentError::new(
                        &file.path,
                        1,
                        "die Datei ist kein UTF-8-Text",
                    )),
                }
            } else if file.path == SYNONYMS_FILE {
                lib.synonyms = Some(String::from_utf8_lossy(&file.bytes).into_owned());
            } else {
                let url = format!("/{}", file.path);
                let name = file.path.rsplit('/').next().unwrap_or_default().to_owned();
                lib.attachments.insert(
                    url.clone(),
                    Attachment {
                        url,
                        name,
                        bytes: file.bytes,
                    },
                );
            }
        }
        lib.assemble(documents);
        lib
    }

    /// The document at a URL.
    pub fn document(&self, url: &str) -> Option<&Document> {
        self.by_url.get(url).map(|&i| &self.documents[i])
    }

    /// The index of the document at a URL, as used by sections and the search index.
    pub fn document_index(&self, url: &str) -> Option<usize> {
        self.by_url.get(url).copied()
    }

    /// The trade with this slug.
    pub fn trade(&self, slug: &str) -> Option<&Trade> {
        self.trades.iter().find(|t| t.slug == slug)
    }

    /// The section a document is listed in.
    pub fn section_of(&self, doc: &Document) -> Option<&Section> {
        self.sections.get(&doc.section)
    }

    /// The chain of sections from the root down to (and including) `url`.
    pub fn breadcrumbs(&self, url: &str) -> Vec<&Section> {
        let mut chain = Vec::new();
        let mut current = self.sections.get(url);
        while let Some(section) = current {
            chain.push(section);
            current = section.parent.as_ref().and_then(|p| self.sections.get(p));
        }
        chain.reverse();
        chain
    }

    /// The attachments a document links to, in link order, without repeats.
    pub fn attachments_of(&self, doc: &Document) -> Vec<&Attachment> {
        let mut seen = Vec::new();
        for link in &doc.rendered.internal_links {
            if let Some(a) = self.attachments.get(link)
                && !seen.iter().any(|s: &&Attachment| s.url == a.url)
            {
                seen.push(a);
            }
        }
        seen
    }

    /// Documents (no section indexes) sorted by their "Stand" date, newest first.
    pub fn newest(&self, limit: usize) -> Vec<&Document> {
        let mut docs: Vec<&Document> = self
            .documents
            .iter()
            .filter(|d| !d.is_index && d.meta.updated.is_some())
            .collect();
        docs.sort_by(|a, b| b.meta.updated.cmp(&a.meta.updated).then(a.url.cmp(&b.url)));
        docs.truncate(limit);
        docs
    }

    /// Cross-references the parsed documents: URLs, sections, trades, ordering.
    fn assemble(&mut self, documents: Vec<Document>) {
        // Duplicate URLs cannot come from distinct paths with our mapping, except
        // `x/index.md` beside `x/_index.md`; keep the first and report the other.
        let mut docs: Vec<Document> = Vec::with_capacity(documents.len());
        // A set, not a scan of `docs`: a folder of 10,000 documents would otherwise
        // make 50 million comparisons.
        let mut taken: HashSet<String> = HashSet::with_capacity(documents.len());
        for doc in documents {
            if !taken.insert(doc.url.clone()) {
                self.errors.push(ContentError::new(
                    &doc.file,
                    1,
                    format!(
                        "die Adresse {} ist schon durch eine andere Datei belegt",
                        doc.url
                    ),
                ));
            } else {
                docs.push(doc);
            }
        }

        // Trades are the top-level sections whose index names their own folder.
        for doc in &docs {
            let depth = doc.file.matches('/').count();
            if doc.is_index && depth == 1 {
                let folder = doc.file.split('/').next().unwrap_or_default();
                if doc.meta.trades.len() == 1 && doc.meta.trades[0] == folder {
                    self.trades.push(Trade {
                        slug: folder.to_owned(),
                        name: doc.meta.title.clone(),
                        url: doc.url.clone(),
                    });
                }
            }
        }
        self.trades.sort_by(|a, b| a.name.cmp(&b.name));

        // A document naming an unknown trade is an error: it would be invisible
        // under the trade filters.
        let trades = &self.trades;
        let errors = &mut self.errors;
        docs.retain(|doc| {
            let unknown: Vec<&String> = doc
                .meta
                .trades
                .iter()
                .filter(|slug| !trades.iter().any(|t| &t.slug == *slug))
                .collect();
            if unknown.is_empty() {
                return true;
            }
            let known: Vec<&str> = trades.iter().map(|t| t.slug.as_str()).collect();
            errors.push(ContentError::new(
                &doc.file,
                doc.meta.trade_line,
                format!(
                    "unbekanntes Gewerk `{}`; bekannt sind: {}",
                    unknown[0],
                    if known.is_empty() {
                        "(keine)".to_owned()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
            false
        });

        docs.sort_by(|a, b| a.url.cmp(&b.url));
        self.by_url = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.url.clone(), i))
            .collect();

        // Sections: every folder on the way to a document or an index.
        let mut sections: BTreeMap<String, Section> = BTreeMap::new();
        let ensure = |url: &str, sections: &mut BTreeMap<String, Section>| {
            let mut path = String::from("/");
            let mut parent: Option<String> = None;
            let segments: Vec<&str> = url
                .trim_matches('/')
                .split('/')
                .filter(|s| !s.is_empty())
                .collect();
            let mut chain = vec![String::from("/")];
            for seg in &segments {
                path.push_str(seg);
                path.push('/');
                chain.push(path.clone());
            }
            for section_url in chain {
                sections
                    .entry(section_url.clone())
                    .or_insert_with(|| Section {
                        title: folder_title(&section_url),
                        url: section_url.clone(),
                        index: None,
                        documents: Vec::new(),
                        subsections: Vec::new(),
                        parent: parent.clone(),
                    });
                parent = Some(section_url);
            }
        };
        for (i, doc) in docs.iter().enumerate() {
            let own = if doc.is_index {
                doc.url.clone()
            } else {
                doc.section.clone()
            };
            ensure(&own, &mut sections);
            let section = sections.get_mut(&own).expect("just ensured");
            if doc.is_index {
                section.index = Some(i);
                section.title = doc.meta.title.clone();
            } else {
                section.documents.push(i);
            }
        }
        let urls: Vec<(String, Option<String>)> = sections
            .values()
            .map(|s| (s.url.clone(), s.parent.clone()))
            .collect();
        for (url, parent) in urls {
            if let Some(parent) = parent {
                sections
                    .get_mut(&parent)
                    .expect("parents exist")
                    .subsections
                    .push(url);
            }
        }
        for section in sections.values_mut() {
            section
                .documents
                .sort_by(|&a, &b| reading_order(&docs[a], &docs[b]));
        }
        // Sub-sections sort by title, after the documents have their titles.
        let titles: HashMap<String, String> = sections
            .values()
            .map(|s| (s.url.clone(), s.title.clone()))
            .collect();
        for section in sections.values_mut() {
            section
                .subsections
                .sort_by(|a, b| titles[a].cmp(&titles[b]));
        }
        self.sections = sections;
        self.documents = docs;
    }
}

/// Reading order inside a section: by kind (exams first), then training year, then title.
fn reading_order(a: &Document, b: &Document) -> std::cmp::Ordering {
    let kind_rank = |d: &Document| Kind::ALL.iter().position(|k| *k == d.meta.kind);
    kind_rank(a)
        .cmp(&kind_rank(b))
        .then(a.meta.year.unwrap_or(0).cmp(&b.meta.year.unwrap_or(0)))
        .then_with(|| a.meta.title.cmp(&b.meta.title))
}

/// A title for a folder without `_index.md`: its name, capitalised.
fn folder_title(url: &str) -> String {
    let name = url.trim_matches('/').rsplit('/').next().unwrap_or_default();
    if name.is_empty() {
        return "Start".to_owned();
    }
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars)
            .collect::<String>()
            .replace('-', " "),
        None => String::new(),
    }
}

/// Whether a file is readable on its own: a Markdown file's front matter, or the site
/// settings. Errors that involve other files (unknown trades, taken URLs) are not
/// found here. Attachments are always fine.
pub fn validate_file(file: &SourceFile) -> Result<(), ContentError> {
    let text = || {
        std::str::from_utf8(&file.bytes)
            .map_err(|_| ContentError::new(&file.path, 1, "die Datei ist kein UTF-8-Text"))
    };
    if file.path == site::SETTINGS_FILE {
        SiteSettings::parse(text()?).map(|_| ())
    } else if file.path.ends_with(".md") {
        let split = front_matter::split(&file.path, text()?)?;
        front_matter::parse(&file.path, split.yaml).map(|_| ())
    } else {
        Ok(())
    }
}

/// Whether a file is text the library parses (Markdown, site settings, synonyms), as
/// opposed to an attachment served as it is.
pub fn is_text_file(path: &str) -> bool {
    path.ends_with(".md") || path == site::SETTINGS_FILE || path == SYNONYMS_FILE
}

/// Whether a file of the content is a Markdown document (see [`parse`]).
pub fn is_markdown(path: &str) -> bool {
    path.ends_with(".md")
}

/// Parses and renders Markdown files, in their order. Parsing and rendering Markdown
/// is most of the work of a start: it runs on all cores.
pub fn parse(markdown: &[SourceFile]) -> Vec<Parsed> {
    markdown.par_iter().map(load_document).collect()
}

/// Parses and renders one Markdown file.
fn load_document(file: &SourceFile) -> Result<Document, ContentError> {
    let text = std::str::from_utf8(&file.bytes)
        .map_err(|_| ContentError::new(&file.path, 1, "die Datei ist kein UTF-8-Text"))?;
    let split = front_matter::split(&file.path, text)?;
    let meta = front_matter::parse(&file.path, split.yaml)?;
    // The body is the end of the text; embedded content keeps it without a copy.
    let rendered = match &file.bytes {
        Cow::Borrowed(bytes) => {
            let start = bytes.len() - split.body.len();
            match std::str::from_utf8(&bytes[start..]) {
                Ok(body) => markdown::render_embedded(&file.path, body),
                Err(_) => markdown::render(&file.path, split.body),
            }
        }
        Cow::Owned(_) => markdown::render(&file.path, split.body),
    };
    let (url, section, is_index) = urls_for(&file.path);
    Ok(Document {
        file: file.path.clone(),
        url,
        section,
        is_index,
        meta,
        rendered,
        body_line: split.body_line,
    })
}

/// The document URL, its section URL and whether it is a section index, for a path.
///
/// `tischler/a.md` -> (`/tischler/a`, `/tischler/`, false);
/// `tischler/_index.md` -> (`/tischler/`, `/`, true); `_index.md` -> (`/`, `/`, true).
pub fn urls_for(path: &str) -> (String, String, bool) {
    let dir = markdown::parent_dir(path);
    let name = &path[dir.len()..];
    let stem = name.strip_suffix(".md").unwrap_or(name);
    if stem == "_index" {
        let url = format!("/{dir}");
        let parent_dir = markdown::parent_dir(dir.trim_end_matches('/'));
        (url, format!("/{parent_dir}"), true)
    } else {
        (format!("/{dir}{stem}"), format!("/{dir}"), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn urls_follow_the_file_tree() {
        assert_eq!(
            urls_for("tischler/a.md"),
            ("/tischler/a".into(), "/tischler/".into(), false)
        );
        assert_eq!(
            urls_for("tischler/_index.md"),
            ("/tischler/".into(), "/".into(), true)
        );
        assert_eq!(
            urls_for("a/b/_index.md"),
            ("/a/b/".into(), "/a/".into(), true)
        );
        assert_eq!(urls_for("_index.md"), ("/".into(), "/".into(), true));
        assert_eq!(
            urls_for("kontakt.md"),
            ("/kontakt".into(), "/".into(), false)
        );
        assert_eq!(urls_for("ls.1.md"), ("/ls.1".into(), "/".into(), false));
    }

    #[test]
    fn builds_sections_trades_and_keeps_going_after_errors() {
        let lib = Library::build(vec![
            file(
                "tischler/_index.md",
                "---\ntitle: Tischler/in\ntrade: tischler\n---\nText",
            ),
            file(
                "tischler/b.md",
                "---\ntitle: B\nkind: lernmaterial\nyear: 2\ntrade: tischler\n---\n",
            ),
            file(
                "tischler/a.md",
                "---\ntitle: A\nkind: pruefung\ntrade: tischler\n---\n[B](b.md)",
            ),
            file("tischler/kaputt.md", "---\ntitel: X\n---\n"),
            file("tischler/fremd.md", "---\ntitle: F\ntrade: maurer\n---\n"),
            file("tischler/plan.pdf", "%PDF"),
            file("site.yml", "name: HWK Test\n"),
        ]);
        assert_eq!(lib.settings.name, "HWK Test");
        assert_eq!(lib.trades.len(), 1);
        assert_eq!(lib.trades[0].name, "Tischler/in");
        let errors: Vec<String> = lib.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("tischler/kaputt.md:2: "),
            "{errors:?}"
        );
        assert!(errors[1].starts_with("tischler/fremd.md:3: ") && errors[1].contains("maurer"));
        let section = &lib.sections["/tischler/"];
        assert_eq!(section.title, "Tischler/in");
        let titles: Vec<&str> = section
            .documents
            .iter()
            .map(|&i| lib.documents[i].meta.title.as_str())
            .collect();
        assert_eq!(titles, ["A", "B"], "exams before learning material");
        assert_eq!(lib.sections["/"].subsections, ["/tischler/"]);
        assert!(lib.attachments.contains_key("/tischler/plan.pdf"));
        let crumbs: Vec<&str> = lib
            .breadcrumbs("/tischler/")
            .iter()
            .map(|s| s.url.as_str())
            .collect();
        assert_eq!(crumbs, ["/", "/tischler/"]);
    }
}
