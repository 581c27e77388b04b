//! Where content comes from: the files embedded at build time, or a folder on disk.
//!
//! This is the only module that touches rust-embed or the file system for content.
//! Everything downstream sees a list of [`SourceFile`]s with `/`-separated relative paths,
//! so the embedded demo and a chamber's own folder go through exactly the same code.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rust_embed::RustEmbed;

/// The demo content that ships inside the binary.
#[derive(RustEmbed)]
#[folder = "content/"]
struct EmbeddedContent;

/// Files larger than this are skipped with a warning: werkbank is a reading portal,
/// not a file store, and the whole content is held in memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// One file of the content tree.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the content root, `/`-separated, without a leading slash.
    pub path: String,
    /// The file's bytes.
    pub bytes: Cow<'static, [u8]>,
}

/// Where the content is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentSource {
    /// The `content/` folder embedded into the binary at build time.
    Embedded,
    /// A folder given at run time with `--content`.
    Folder(PathBuf),
}

impl ContentSource {
    /// Whether content errors must stop the server (embedded content was checked by
    /// whoever built the binary) or only drop the broken documents (a live folder).
    pub fn is_strict(&self) -> bool {
        matches!(self, ContentSource::Embedded)
    }

    /// A short human description for logs and the "about" page.
    pub fn describe(&self) -> String {
        match self {
            ContentSource::Embedded => "eingebettete Inhalte".to_owned(),
            ContentSource::Folder(dir) => dir.display().to_string(),
        }
    }

    /// Reads every file of the content tree, sorted by path so that everything built
    /// from it (ordering, fingerprints, ETags) is the same on every machine.
    pub fn read_all(&self) -> anyhow::Result<Vec<SourceFile>> {
        let mut files = match self {
            ContentSource::Embedded => read_embedded(),
            ContentSource::Folder(dir) => read_folder(dir)?,
        };
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }
}

fn read_embedded() -> Vec<SourceFile> {
    EmbeddedContent::iter()
        .filter(|path| !is_hidden(path))
        .filter_map(|path| {
            let file = EmbeddedContent::get(&path)?;
            Some(SourceFile {
                path: path.into_owned(),
                bytes: file.data,
            })
        })
        .collect()
}

fn read_folder(dir: &Path) -> anyhow::Result<Vec<SourceFile>> {
    let meta = std::fs::metadata(dir)
        .with_context(|| format!("Inhaltsordner {} ist nicht lesbar", dir.display()))?;
    anyhow::ensure!(
        meta.is_dir(),
        "{} ist kein Ordner (erwartet: ein Ordner mit Markdown-Dateien)",
        dir.display()
    );
    let mut files = Vec::new();
    // Links are not followed: a link inside the content folder must not publish
    // files from elsewhere on the machine.
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.with_context(|| format!("Fehler beim Lesen von {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths below its root");
        let Some(path) = relative_path(relative) else {
            tracing::warn!(file = %entry.path().display(), "übersprungen: Dateiname ist kein gültiges UTF-8");
            continue;
        };
        if is_hidden(&path) {
            continue;
        }
        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if len > MAX_FILE_BYTES {
            tracing::warn!(file = %path, bytes = len, "übersprungen: Datei ist größer als 64 MiB");
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("{} ist nicht lesbar", entry.path().display()))?;
        files.push(SourceFile {
            path,
            bytes: Cow::Owned(bytes),
        });
    }
    Ok(files)
}

/// Joins path components with `/`, refusing anything that is not plain UTF-8.
fn relative_path(relative: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    Some(parts?.join("/"))
}

/// Dot files and folders (`.git`, `.DS_Store`, editor swap files) are never content.
fn is_hidden(path: &str) -> bool {
    path.split('/')
        .any(|part| part.starts_with('.') || part.ends_with('~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_files_are_not_content() {
        assert!(is_hidden(".git/config"));
        assert!(is_hidden("tischler/.notiz.md"));
        assert!(is_hidden("tischler/text.md~"));
        assert!(!is_hidden("tischler/gesellenpruefung.md"));
    }

    #[test]
    fn embedded_content_is_sorted_and_has_markdown() {
        let files = ContentSource::Embedded.read_all().unwrap();
        assert!(files.iter().any(|f| f.path.ends_with(".md")));
        assert!(files.windows(2).all(|w| w[0].path < w[1].path));
    }
}
