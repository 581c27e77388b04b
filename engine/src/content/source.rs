//! Where content comes from: the files embedded at build time, or a folder on disk.
//!
//! This is the only module that touches rust-embed or the file system for content.
//! Everything downstream sees a list of [`SourceFile`]s with `/`-separated relative paths,
//! so the embedded demo and a chamber's own folder go through exactly the same code.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use rayon::prelude::*;
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

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
    list_folder(dir)?.read(|_| true)
}

/// How long before a listing a file must have last changed for its stamp to be
/// trusted: a file written in the same moment as the listing may change again
/// without its time stamp moving (the "racy" case that git guards against too).
pub const SETTLE: Duration = Duration::from_secs(2);

/// The files of a content folder as the file system describes them, without their
/// bytes: what a restart compares with the index cache before reading anything.
#[derive(Debug, Clone)]
pub struct Listing {
    files: Vec<Listed>,
    taken: SystemTime,
}

#[derive(Debug, Clone)]
struct Listed {
    path: String,
    full: PathBuf,
    stamp: Stamp,
}

/// What tells a changed file from an unchanged one without reading it: size, inode,
/// and the modification and status-change times (the latter cannot be set back by
/// any tool that copies or restores files). The same test as git's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<Duration>,
    changed: Option<Duration>,
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The stamp of a file's metadata (read without following links).
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let since_epoch = |t: std::io::Result<SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        };
        #[cfg(unix)]
        let (changed, inode, device) = {
            use std::os::unix::fs::MetadataExt;
            let changed = u64::try_from(meta.ctime())
                .ok()
                .map(|secs| Duration::new(secs, u32::try_from(meta.ctime_nsec()).unwrap_or(0)));
            (changed, meta.ino(), meta.dev())
        };
        #[cfg(not(unix))]
        let (changed, inode, device) = (None, 0, 0);
        Stamp {
            len: meta.len(),
            modified: since_epoch(meta.modified()),
            changed,
            inode,
            device,
        }
    }

    /// Feeds the stamp into a hash.
    pub fn hash_into(&self, hasher: &mut Sha256) {
        let Stamp {
            len,
            modified,
            changed,
            inode,
            device,
        } = *self;
        for value in [len, inode, device] {
            hasher.update(value.to_le_bytes());
        }
        for time in [modified, changed] {
            hasher.update(time.map_or(u128::MAX, |t| t.as_nanos()).to_le_bytes());
        }
    }

    /// The latest of its times, if it has one.
    fn latest(&self) -> Option<Duration> {
        self.modified.max(self.changed)
    }
}

/// Lists the files of a content folder: the files [`ContentSource::read_all`] reads,
/// with their stamps, sorted by path.
pub fn list_folder(dir: &Path) -> anyhow::Result<Listing> {
    let meta = std::fs::metadata(dir)
        .with_context(|| format!("Inhaltsordner {} ist nicht lesbar", dir.display()))?;
    anyhow::ensure!(
        meta.is_dir(),
        "{} ist kein Ordner (erwartet: ein Ordner mit Markdown-Dateien)",
        dir.display()
    );
    let taken = SystemTime::now();
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
        if !is_hidden(&path) {
            found.push((entry, path));
        }
    }
    // Thousands of files: their metadata is asked for on all cores.
    let mut files = found
        .into_par_iter()
        .filter_map(|(entry, path)| {
            let meta = match entry.metadata() {
                Ok(meta) => meta,
                Err(error) => return Some(Err(anyhow::Error::new(error)
                    .context(format!("{} ist nicht lesbar", entry.path().display())))),
            };
            if meta.len() > MAX_FILE_BYTES {
                tracing::warn!(file = %path, bytes = meta.len(), "übersprungen: Datei ist größer als 64 MiB");
                return None;
            }
            Some(Ok(Listed {
                stamp: Stamp::of(&meta),
                full: entry.into_path(),
                path,
            }))
        })
        .collect::<anyhow::Result<Vec<Listed>>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Listing { files, taken })
}

impl Listing {
    /// A SHA-256 over every file's path and stamp: equal listings, equal keys.
    pub fn key(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        for file in &self.files {
            hasher.update((file.path.len() as u64).to_le_bytes());
            hasher.update(file.path.as_bytes());
            file.stamp.hash_into(&mut hasher);
        }
        hasher.finalize().into()
    }

    /// Whether every stamp can be trusted to change with its file: no file changed
    /// shortly before the listing, and every file has its times.
    pub fn is_settled(&self) -> bool {
        let Ok(taken) = self.taken.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        self.files.iter().all(|file| {
            file.stamp.changed.is_some()
                && file
                    .stamp
                    .latest()
                    .is_some_and(|latest| latest + SETTLE < taken)
        })
    }

    /// Reads the files whose paths `wanted` accepts, on all cores, sorted by path.
    pub fn read(&self, wanted: impl Fn(&str) -> bool + Sync) -> anyhow::Result<Vec<SourceFile>> {
        // A large folder is thousands of small files: read them on all cores.
        self.files
            .par_iter()
            .filter(|file| wanted(&file.path))
            .map(|file| {
                let bytes = std::fs::read(&file.full)
                    .with_context(|| format!("{} ist nicht lesbar", file.full.display()))?;
                Ok(SourceFile {
                    path: file.path.clone(),
                    bytes: Cow::Owned(bytes),
                })
            })
            .collect()
    }

    /// Like [`read`](Self::read), on the calling thread only (it is meant for the
    /// background), and leaving out every file that changed since the listing: what is
    /// returned is the content the listing describes.
    pub fn read_unchanged(&self, wanted: impl Fn(&str) -> bool) -> Vec<SourceFile> {
        self.files
            .iter()
            .filter(|file| wanted(&file.path))
            .filter_map(|file| {
                let bytes = std::fs::read(&file.full).ok()?;
                let meta = std::fs::symlink_metadata(&file.full).ok()?;
                (Stamp::of(&meta) == file.stamp).then(|| SourceFile {
                    path: file.path.clone(),
                    bytes: Cow::Owned(bytes),
                })
            })
            .collect()
    }
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
    fn a_listing_tells_changed_files_and_distrusts_fresh_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("holz")).unwrap();
        std::fs::write(dir.path().join("holz/a.md"), "eins").unwrap();
        std::fs::write(dir.path().join(".versteckt"), "x").unwrap();
        let first = list_folder(dir.path()).unwrap();
        let paths: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["holz/a.md"]);
        assert!(
            !first.is_settled(),
            "a file written just now may change unseen"
        );
        assert_eq!(first.key(), list_folder(dir.path()).unwrap().key());

        std::fs::write(dir.path().join("holz/a.md"), "zwei").unwrap();
        let rewritten = list_folder(dir.path()).unwrap();
        std::fs::write(dir.path().join("holz/b.md"), "").unwrap();
        let added = list_folder(dir.path()).unwrap();
        assert_ne!(added.key(), rewritten.key());
        let files = added.read(|path| path.ends_with("a.md")).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(&*files[0].bytes, b"zwei");
        assert_eq!(added.read_unchanged(|_| true).len(), 2);
        std::fs::write(dir.path().join("holz/b.md"), "neu").unwrap();
        let unchanged = added.read_unchanged(|_| true);
        assert_eq!(unchanged.len(), 1, "b.md changed after the listing");
    }

    #[test]
    fn embedded_content_is_sorted_and_has_markdown() {
        let files = ContentSource::Embedded.read_all().unwrap();
        assert!(files.iter().any(|f| f.path.ends_with(".md")));
        assert!(files.windows(2).all(|w| w[0].path < w[1].path));
    }
}
