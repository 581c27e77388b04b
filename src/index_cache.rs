//! The index cache folder (`--index-cache`): keeps the search index of a content
//! version on disk, so that a restart with unchanged content opens it instead of
//! indexing again.
//!
//! Each entry is a sub-folder named after the content fingerprint and the binary (a
//! SHA-256 of the executable), so changed content or another werkbank build never reads
//! an index it did not make. An entry is built in a temporary folder and renamed into
//! place when complete: a crash never leaves a half-written entry under a final name.
//! The cache is only a speed-up: if it cannot be read or written, the index is built in
//! memory as without it, and a warning is logged. Only the start uses it; a content
//! reload builds in memory, so nothing is written while serving.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::content::Fingerprint;
use crate::library::Library;
use crate::search::{SearchIndex, Storage};

/// Hex digits of the content fingerprint in an entry's name.
const CONTENT_DIGITS: usize = 32;
/// Hex digits of the binary's hash in an entry's name.
const BINARY_DIGITS: usize = 16;
/// Marks a folder that is still being built.
const TEMP_MARK: &str = ".tmp-";
/// A temporary folder this old was left by a process that died; it is removed.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// Builds the search index of `library`, using and filling the cache folder `root`.
pub fn build(
    library: &Library,
    threads: usize,
    root: &Path,
    fingerprint: &Fingerprint,
) -> anyhow::Result<SearchIndex> {
    let key = match entry_name(fingerprint) {
        Ok(key) => key,
        Err(error) => {
            tracing::warn!("Index-Zwischenspeicher nicht nutzbar: {error:#}");
            return SearchIndex::build(library, threads);
        }
    };
    let entry = root.join(&key);
    if entry.is_dir() {
        match SearchIndex::build_in(library, threads, Storage::Open(&entry)) {
            Ok(index) => {
                tracing::info!(folder = %entry.display(), "Suchindex aus dem Zwischenspeicher geladen");
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
    match build_entry(library, threads, root, &key) {
        Ok(index) => {
            prune(root, &key);
            Ok(index)
        }
        Err(error) => {
            tracing::warn!(
                "Suchindex kann nicht in {} gespeichert werden, er bleibt nur im Arbeitsspeicher: {error:#}",
                root.display()
            );
            SearchIndex::build(library, threads)
        }
    }
}

/// Builds the index into a temporary folder and renames it to its entry name.
fn build_entry(
    library: &Library,
    threads: usize,
    root: &Path,
    key: &str,
) -> anyhow::Result<SearchIndex> {
    let temp = root.join(format!("{key}{TEMP_MARK}{}", std::process::id()));
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
    // another process finished the same entry first, ours is dropped at the next start.
    if let Err(error) = fs::rename(&temp, root.join(key)) {
        tracing::debug!("{} nicht umbenannt: {error}", temp.display());
    }
    tracing::info!(folder = %root.join(key).display(), "Suchindex im Zwischenspeicher abgelegt");
    Ok(index)
}

/// The entry name for this content and this binary.
fn entry_name(fingerprint: &Fingerprint) -> anyhow::Result<String> {
    let exe = std::env::current_exe().context("Pfad des Programms")?;
    let bytes = fs::read(&exe).with_context(|| format!("{} lesen", exe.display()))?;
    let binary: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!(
        "{}-{}",
        &fingerprint.hex()[..CONTENT_DIGITS],
        &binary[..BINARY_DIGITS]
    ))
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
