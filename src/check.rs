//! `werkbank check`: validate content without serving it, like a compiler.
//!
//! Errors are what a reader would run into: a document left out because its front
//! matter or a date is wrong, a link that leads nowhere (a 404 in the middle of exam
//! information), two files claiming one address. Warnings are what makes the portal
//! worse but still correct: a folder without `_index.md` (its heading is the folder
//! name) and an image without alternative text (a barrier for screen-reader users,
//! which a public body must fix, but no reason to stop a deployment during an incident).
//! Exit code 1 if there are errors, 0 with warnings only.

use std::fmt;
use std::process::ExitCode;

use crate::content::ContentSource;
use crate::library::Library;
use crate::state::SEARCH_URL;
use crate::views::ABOUT_URL;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Must be fixed: readers miss something.
    Error,
    /// Should be fixed.
    Warning,
}

/// One finding, printed as `file:line: Fehler: message`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Path relative to the content root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong and how to fix it, in German.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "Fehler",
            Severity::Warning => "Warnung",
        };
        write!(f, "{}:{}: {label}: {}", self.file, self.line, self.message)
    }
}

/// URLs the server answers besides documents, sections and attachments.
const BUILT_IN_URLS: &[&str] = &[
    "/",
    SEARCH_URL,
    ABOUT_URL,
    "/robots.txt",
    "/healthz",
    "/metrics",
    "/api/v1/search",
    "/api/v1/suggest",
    crate::views::DATES_URL,
    "/termine.ics",
    crate::views::NOTICES_URL,
    crate::views::NOTICES_FEED_URL,
];

/// Checks the content and prints `file:line: …` lines and a summary.
/// Exit code 1 if there are errors.
pub fn run(source: &ContentSource) -> ExitCode {
    let files = match source.read_all() {
        Ok(files) => files,
        Err(error) => {
            eprintln!("Fehler: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let library = Library::build(files);
    let findings = findings(&library);
    for finding in &findings {
        println!("{finding}");
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    println!(
        "{} Dokumente geprüft: {errors} Fehler, {warnings} Warnungen.",
        library.documents.len()
    );
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Everything wrong with a content version, sorted by file and line.
pub fn findings(library: &Library) -> Vec<Finding> {
    let mut out: Vec<Finding> = library
        .errors
        .iter()
        .map(|e| Finding {
            file: e.file.clone(),
            line: e.line,
            severity: Severity::Error,
            message: e.message.clone(),
        })
        .collect();
    for doc in &library.documents {
        let at = |line: usize| doc.body_line + line - 1;
        for (link, line) in doc
            .rendered
            .internal_links
            .iter()
            .zip(&doc.rendered.internal_link_lines)
        {
            if !target_exists(library, link) {
                out.push(Finding {
                    file: doc.file.clone(),
                    line: at(*line),
                    severity: Severity::Error,
                    message: format!(
                        "der Verweis auf {link} führt ins Leere: es gibt keine Seite und keine Datei mit dieser Adresse"
                    ),
                });
            }
        }
        for (image, line) in doc
            .rendered
            .images_without_alt
            .iter()
            .zip(&doc.rendered.images_without_alt_lines)
        {
            out.push(Finding {
                file: doc.file.clone(),
                line: at(*line),
                severity: Severity::Warning,
                message: format!(
                    "das Bild {image} hat keinen Alternativtext; bitte beschreiben: ![Was das Bild zeigt]({image})"
                ),
            });
        }
        if !doc.is_index && library.sections.contains_key(&format!("{}/", doc.url)) {
            out.push(Finding {
                file: doc.file.clone(),
                line: 1,
                severity: Severity::Error,
                message: format!(
                    "die Adresse {} ist zugleich der Ordner {}/; bitte Datei oder Ordner umbenennen",
                    doc.url,
                    doc.url.trim_start_matches('/')
                ),
            });
        }
    }
    for section in library.sections.values() {
        if section.url != "/" && section.index.is_none() {
            let folder = section.url.trim_start_matches('/');
            out.push(Finding {
                file: format!("{folder}_index.md"),
                line: 1,
                severity: Severity::Warning,
                message: format!(
                    "die Datei fehlt: der Ordner {folder} hat keine Beschreibung, seine Überschrift ist nur „{}“",
                    section.title
                ),
            });
        }
    }
    out.sort();
    out
}

/// Whether a site URL (from a link in the content) is served.
fn target_exists(library: &Library, url: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(url).decode_utf8_lossy();
    [url, decoded.as_ref()].into_iter().any(|url| {
        BUILT_IN_URLS.contains(&url)
            || url.starts_with(crate::assets::PREFIX)
            || (url.starts_with("/termine/") && url.ends_with(".ics"))
            || (url.starts_with("/termin/") && url.ends_with(".ics"))
            || library.document(url).is_some()
            || library.sections.contains_key(url)
            || library.sections.contains_key(&format!("{url}/"))
            || library.attachments.contains_key(url)
            || url
                .strip_suffix('/')
                .is_some_and(|doc| library.document(doc).is_some())
    })
}
