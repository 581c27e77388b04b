//! The index cache folder (`--index-cache`): keeps what a start builds from a content
//! version on disk (the search index, the lexicon, the section layouts and the parsed
//! Markdown files), so that a restart with unchanged content opens it instead of
//! reading, parsing and indexing again.
//!
//! Each entry is a sub-folder named after the content fingerprint and the binary (a
//! hash of its file's stamp: size, times and inode), so changed content or another
//! werkbank build never reads an entry it did not make. An entry is built in a
//! temporary folder and renamed into place when complete, and files added later are
//! renamed into place too: a crash never leaves a half-written file under a final name,
//! and no file is ever changed in place (the documents and the index are
//! memory-mapped while they are served).
//!
//! A restart first lists the content folder without reading it. If every file has the
//! path and stamp recorded in an entry (see [`Listing`]), that entry's fingerprint and
//! parsed documents are used and no Markdown file is read. Otherwise the files are read
//! and fingerprinted as without a cache, and the entry of that fingerprint is used if
//! there is one.
//!
//! The cache is only a speed-up: if it cannot be read or written, the index is built in
//! memory as without it, and a warning is logged. Only the start uses it; a content
//! reload builds in memory, so nothing is written while serving.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use sha2::{Digest, Sha256};
use tantivy::Directory;
use tantivy::directory::MmapDirectory;

use crate::content::Fingerprint;
use crate::content::source::{Listing, Stamp};
use crate::content::stored::{self, Parsed};
use crate::library::Library;
use crate::search::{Saved, SearchIndex, Storage};

/// Hex digits of the content fingerprint in an entry's name.
const CONTENT_DIGITS: usize = 32;
/// Hex digits of the binary's hash in an entry's name.
const BINARY_DIGITS: usize = 16;
/// Marks a folder that is still being built.
const TEMP_MARK: &str = ".tmp-";
/// A temporary folder this old was left by a process that died; it is removed.
const STALE_TEMP: Duration = Duration::from_secs(3600);
/// The parsed Markdown files of the content version (see [`stored`]).
const DOCUMENTS_FILE: &str = "werkbank-documents.bin";
/// The key of the folder listing the entry was filled from (32 bytes), then the full
/// content fingerprint (32 bytes): lets a restart find its entry without reading the
/// files.
const LISTING_FILE: &str = "werkbank-listing.bin";

/// An index cache folder, for this werkbank build.
pub struct IndexCache {
    root: PathBuf,
    /// The hex digits of the binary's hash in entry names.
    binary: String,
}

/// What the cache holds, or will hold, for one content version.
pub struct Entry<'a> {
    cache: &'a IndexCache,
    name: String,
}

impl IndexCache {
    /// The cache in `root`; fails if this binary's file cannot be found to name its
    /// entries.
    pub fn new(root: &Path) -> anyhow::Result<IndexCache> {
        // The binary is told apart by its file's stamp (size, times, inode), as ccache
        // tells compilers apart: reading and hashing all of it took longer than the
        // rest of a cached restart's file checks together. Installing or building a
        // binary writes a new file, with a new stamp.
        let exe = std::env::current_exe().context("Pfad des Programms")?;
        let meta = fs::metadata(&exe).with_context(|| format!("{} lesen", exe.display()))?;
        let mut hasher = Sha256::new();
        Stamp::of(&meta).hash_into(&mut hasher);
        let binary: String = hasher
            .finalize()
            .iter()
            .take(BINARY_DIGITS / 2)
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(IndexCache {
            root: root.to_owned(),
            binary,
        })
    }

    /// The entry of a content version.
    pub fn entry(&self, fingerprint: &Fingerprint) -> Entry<'_> {
        Entry {
            cache: self,
            name: format!("{}-{}", &fingerprint.hex()[..CONTENT_DIGITS], self.binary),
        }
    }

    /// The content version of the entry that was filled from a folder listed exactly
    /// like `listing`, if there is one and the listing can be trusted (see
    /// [`Listing::is_settled`]).
    pub fn find(&self, listing: &Listing) -> Option<(Fingerprint, Entry<'_>)> {
        if !listing.is_settled() {
            return None;
        }
        let key = listing.key();
        let suffix = format!("-{}", self.binary);
        for dir in fs::read_dir(&self.root).ok()?.flatten() {
            let name = dir.file_name().to_string_lossy().into_owned();
            if !is_entry(&name) || !name.ends_with(&suffix) {
                continue;
            }
            let Ok(record) = fs::read(dir.path().join(LISTING_FILE)) else {
                continue;
            };
            let Some((found, fingerprint)) = record.split_at_checked(32) else {
                continue;
            };
            let Ok(fingerprint) = <[u8; 32]>::try_from(fingerprint) else {
                continue;
            };
            let fingerprint = Fingerprint::from_bytes(fingerprint);
            let entry = self.entry(&fingerprint);
            if found == key && entry.name == name {
                return Some((fingerprint, entry));
            }
        }
        None
    }
}

impl Entry<'_> {
    fn dir(&self) -> PathBuf {
        self.cache.root.join(&self.name)
    }

    /// The parsed Markdown files of this content version, if the entry has them. A
    /// damaged file is removed (with a warning), so that it is written again.
    pub fn documents(&self) -> Option<Vec<Parsed>> {
        let file = self.dir().join(DOCUMENTS_FILE);
        // Mapped, not read: the documents' bodies stay in the file until a page needs
        // them (tantivy maps its index files the same way).
        let bytes = MmapDirectory::open(self.dir())
            .ok()?
            .open_read(Path::new(DOCUMENTS_FILE))
            .ok()?
            .read_bytes()
            .ok()?;
        match stored::decode(&bytes) {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                tracing::warn!(
                    "{}: {error}; die Inhalte werden neu gelesen",
                    file.display()
                );
                let _ = fs::remove_file(&file);
                None
            }
        }
    }

    /// The search index of `library`: opened from the entry, or built and stored in
    /// it. Missing parts of the entry are added: `documents` (the stored form of the
    /// parsed files, see [`stored::encode`]) if the entry has none, and the
    /// `listing`'s key if it can be trusted. If the cache cannot be used, the index
    /// is built in memory and a warning logged.
    pub fn index(
        &self,
        library: &Library,
        threads: usize,
        documents: Option<&[u8]>,
        listing: Option<&Listing>,
        fingerprint: &Fingerprint,
    ) -> anyhow::Result<SearchIndex> {
        let entry = self.dir();
        if entry.is_dir() {
            match SearchIndex::build_in(library, threads, Storage::Open(Saved::Folder(&entry))) {
                Ok(index) => {
                    tracing::info!(folder = %entry.display(), "Suchindex aus dem Zwischenspeicher geladen");
                    self.complete(documents, listing, fingerprint);
                    return Ok(index);
                }
                Err(error) => {
                    tracing::warn!(
                        "Suchindex im Zwischenspeicher unbrauchbar, wird neu aufgebaut: {error:#}"
                    );
                    let _ = fs::remove_dir_all(&entry);
                }
            }
        }
        match self.build(library, threads) {
            Ok(index) => {
                prune(&self.cache.root, &self.name);
                self.complete(documents, listing, fingerprint);
                Ok(index)
            }
            Err(error) => {
                tracing::warn!(
                    "Suchindex kann nicht in {} gespeichert werden, er bleibt nur im Arbeitsspeicher: {error:#}",
                    self.cache.root.display()
                );
                SearchIndex::build(library, threads)
            }
        }
    }

    /// Builds the index into a temporary folder and renames it to the entry's name.
    fn build(&self, library: &Library, threads: usize) -> anyhow::Result<SearchIndex> {
        let root = &self.cache.root;
        let temp = root.join(format!("{}{TEMP_MARK}{}", self.name, std::process::id()));
        let _ = fs::remove_dir_all(&temp);
        fs::create_dir_all(&temp).with_context(|| format!("{} anlegen", temp.display()))?;
        let index = match SearchIndex::build_in(library, threads, Storage::Build(&temp)) {
            Ok(index) => index,
            Err(error) => {
                let _ = fs::remove_dir_all(&temp);
                return Err(error);
            }
        };
        // The open index keeps reading its memory-mapped files after the rename. If
        // another process finished the same entry first, ours is dropped at the next
        // start.
        if let Err(error) = fs::rename(&temp, self.dir()) {
            tracing::debug!("{} nicht umbenannt: {error}", temp.display());
        }
        tracing::info!(folder = %self.dir().display(), "Suchindex im Zwischenspeicher abgelegt");
        Ok(index)
    }

    /// Adds the stored documents if the entry has none, and the listing's key if it
    /// can be trusted and differs from the one recorded. Failures only cost speed at
    /// the next start: they are logged, not returned.
    fn complete(
        &self,
        documents: Option<&[u8]>,
        listing: Option<&Listing>,
        fingerprint: &Fingerprint,
    ) {
        let dir = self.dir();
        if let Some(bytes) = documents
            && !dir.join(DOCUMENTS_FILE).is_file()
        {
            write_into(&dir, DOCUMENTS_FILE, bytes);
        }
        if let Some(listing) = listing.filter(|l| l.is_settled()) {
            let mut record = listing.key().to_vec();
            record.extend_from_slice(fingerprint.as_bytes());
            if fs::read(dir.join(LISTING_FILE)).ok().as_deref() != Some(record.as_slice()) {
                write_into(&dir, LISTING_FILE, &record);
            }
        }
    }
}

/// Writes a file of an entry under a temporary name and renames it into place, so
/// that a reader never sees half a file.
fn write_into(dir: &Path, name: &str, bytes: &[u8]) {
    let temp = dir.join(format!("{name}{TEMP_MARK}{}", std::process::id()));
    let result = fs::write(&temp, bytes).and_then(|()| fs::rename(&temp, dir.join(name)));
    if let Err(error) = result {
        let _ = fs::remove_file(&temp);
        tracing::warn!("{} nicht geschrieben: {error}", dir.join(name).display());
    }
}

/// Removes other finished entries (older content or builds) and stale temporary
/// folders; leaves everything that does not look like ours alone.
fn prune(root: &Path, keep: &str) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == keep {
            continue;
        }
        let path: PathBuf = entry.path();
        let stale_temp = is_temp(&name)
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age > STALE_TEMP);
        if is_entry(&name) || stale_temp {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// Whether a name has the shape of a finished entry.
fn is_entry(name: &str) -> bool {
    let Some((content, binary)) = name.split_once('-') else {
        return false;
    };
    content.len() == CONTENT_DIGITS
        && binary.len() == BINARY_DIGITS
        && name
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// Whether a name has the shape of a temporary folder.
fn is_temp(name: &str) -> bool {
    name.split_once(TEMP_MARK)
        .is_some_and(|(entry, pid)| is_entry(entry) && pid.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_recognised() {
        let entry = format!("{}-{}", "a".repeat(32), "0".repeat(16));
        assert!(is_entry(&entry));
        assert!(is_temp(&format!("{entry}.tmp-123")));
        assert!(!is_entry("notizen"));
        assert!(!is_entry(&format!("{}-{}", "g".repeat(32), "0".repeat(16))));
        assert!(!is_temp(&format!("{entry}.tmp-abc")));
    }
}
