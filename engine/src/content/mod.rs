//! Content: reading the tree, parsing front matter, rendering Markdown.
//!
//! Nothing here knows about HTTP. The output is a list of [`Document`]s and
//! [`Attachment`]s plus the errors found on the way, each naming `file:line`.

pub mod fingerprint;
pub mod front_matter;
pub mod markdown;
pub mod model;
pub mod site;
pub mod source;
pub mod stored;

use std::fmt;

pub use fingerprint::{Fingerprint, fingerprint_of_embedded};
pub use front_matter::FrontMatter;
pub use markdown::Rendered;
pub use model::{Date, DateTime, Event, EventStatus, Kind};
pub use site::SiteSettings;
pub use source::{ContentSource, SourceFile};

/// A problem in a content file, reported as `file:line: message` like a compiler.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ContentError {
    /// Path relative to the content root.
    pub file: String,
    /// 1-based line in that file.
    pub line: usize,
    /// What is wrong, in German, with a hint how to fix it.
    pub message: String,
}

impl ContentError {
    /// Creates an error for `file` at `line`.
    pub fn new(file: &str, line: usize, message: impl Into<String>) -> Self {
        ContentError {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }
}

/// A Markdown document: its URL, front matter and rendered body.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Path relative to the content root, e.g. `tischler/gesellenpruefung.md`.
    pub file: String,
    /// The URL path, e.g. `/tischler/gesellenpruefung`; a section index gets `/tischler/`.
    pub url: String,
    /// The section's URL (`/` for top-level files, `/tischler/` for its files and for
    /// `tischler/_index.md` itself the parent, `/`).
    pub section: String,
    /// Whether this is a section's `_index.md`.
    pub is_index: bool,
    /// Validated front matter.
    pub meta: FrontMatter,
    /// Sanitized HTML, table of contents and plain text.
    pub rendered: Rendered,
    /// The 1-based line of the file on which the Markdown body starts, to turn lines
    /// within the body ([`Rendered::internal_link_lines`]) into lines of the file.
    pub body_line: usize,
}

/// Any other file in the tree, served as it is.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// The URL path, e.g. `/pruefungswesen/anmeldeformular.pdf`.
    pub url: String,
    /// The file name, for lists.
    pub name: String,
    /// The bytes.
    pub bytes: std::borrow::Cow<'static, [u8]>,
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.url, self.file)
    }
}
