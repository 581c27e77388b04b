//! Where content comes from: the files embedded at build time, or a folder on disk.
//!
//! This is the only module that touches rust-embed or the file system for content.
//! Everything downstream sees a list of [`SourceFile`]s with `/`-separated relative paths,
//! so the embedded demo and a chamber's own folder go through exactly the same code.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;
use rust_embed::RustEmbed;

/// The content that ships inside the binary: `content/` (the demo), or the folder named
/// by `WERKBANK_CONTENT_DIR` at build time (resolved by `build.rs`).
#[derive(RustEmbed)]
#[folder = "$WERKBANK_EMBED_DIR"]
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
    let mut found = Vec::new();
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
        found.push((entry.into_path(), path));
    }
    // A large folder is thousands of small files: read them on all cores.
    found
        .into_par_iter()
        .map(|(full, path)| {
            let bytes = std::fs::read(&full)
                .with_context(|| format!("{} ist nicht lesbar", full.display()))?;
            Ok(SourceFile {
                path,
                bytes: Cow::Owned(bytes),
            })
        })
        .collect()
}

/// Keeps a content folder under watch; dropping it ends the watch.
pub struct ContentWatcher {
    _watcher: notify::RecommendedWatcher,
}

impl ContentSource {
    /// Watches a content folder (recursively) and calls `on_change` for every change
    /// of a content file: created, changed, removed or renamed. Reads (including our
    /// own) and hidden files are ignored. Embedded content never changes: `None`.
    /// Debouncing is the caller's business.
    pub fn watch(
        &self,
        on_change: impl Fn() + Send + 'static,
    ) -> anyhow::Result<Option<ContentWatcher>> {
        use notify::{EventKind, RecursiveMode, Watcher, event::MetadataKind, event::ModifyKind};
        let ContentSource::Folder(dir) = self else {
            return Ok(None);
        };
        let root = dir.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let event = match event {
                    Ok(event) => event,
                    Err(error) => {
                        tracing::warn!("Überwachung des Inhaltsordners: {error}");
                        on_change();
                        return;
                    }
                };
                let relevant = !matches!(
                    event.kind,
                    EventKind::Access(_)
                        | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
                );
                let visible = event.paths.is_empty()
                    || event.paths.iter().any(|path| {
                        path.strip_prefix(&root)
                            .ok()
                            .and_then(relative_path)
                            .is_none_or(|p| !is_hidden(&p))
                    });
                if relevant && visible {
                    on_change();
                }
            })
            .context("Dateiüberwachung lässt sich nicht einrichten")?;
        watcher
            .watch(dir, RecursiveMode::Recursive)
            .with_context(|| {
                format!(
                    "Inhaltsordner {} lässt sich nicht überwachen",
                    dir.display()
                )
            })?;
        Ok(Some(ContentWatcher { _watcher: watcher }))
    }
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
