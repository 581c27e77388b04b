//! The search index of the embedded content, made while the binary is built.
//!
//! Indexing the demo took about 60 of the 80 milliseconds of a start with the embedded
//! content. So the portal's build script calls [`write()`]: it reads the embedded content
//! through [`ContentSource::Embedded`], as the binary will, and builds its index into
//! a folder ([`Storage::Build`], the same files as an index cache entry). The build
//! script compiles these files into the binary as a [`BuiltIn`], and a start opens
//! them ([`Saved::Files`]) instead of indexing, if they were made from the same
//! content (same fingerprint).

use std::path::Path;

use anyhow::Context;

use crate::content::{ContentSource, Fingerprint};
use crate::library::Library;
use crate::search::{Saved, SearchIndex, Storage};

/// The file beside the index that holds the fingerprint (hex) of the content it was
/// made from.
pub const FINGERPRINT_FILE: &str = "werkbank-fingerprint.txt";

/// Builds the index of the embedded content into the empty folder `dir`, and the
/// content's fingerprint into [`FINGERPRINT_FILE`]. Fails if the content has errors:
/// a binary with them does not start, and says why when it is started (as does
/// `werkbank check`).
pub fn write(dir: &Path) -> anyhow::Result<Fingerprint> {
    let files = ContentSource::Embedded.read_all()?;
    let fingerprint = Fingerprint::of(&files);
    let library = Library::build(files);
    if let Some(error) = library.errors.first() {
        anyhow::bail!(
            "die eingebetteten Inhalte haben {} Fehler, der erste: {error}",
            library.errors.len()
        );
    }
    SearchIndex::build_in(&library, crate::available_cores(), Storage::Build(dir))?;
    let file = dir.join(FINGERPRINT_FILE);
    std::fs::write(&file, fingerprint.hex())
        .with_context(|| format!("{} schreiben", file.display()))?;
    Ok(fingerprint)
}

/// The names of the files in a folder made by [`write()`] that the build compiles in,
/// sorted: all but tantivy's lock files (empty, and only a writer needs them).
pub fn files_to_compile_in(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().into_string().map_err(|name| {
            std::io::Error::other(format!("{} ist kein UTF-8", name.to_string_lossy()))
        })?;
        if !name.ends_with(".lock") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The files [`write()`] made, compiled into the binary: name and bytes of each.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn {
    files: &'static [(&'static str, &'static [u8])],
}

impl BuiltIn {
    /// The files of an index folder made by [`write()`]; none if the build made no
    /// index.
    pub const fn new(files: &'static [(&'static str, &'static [u8])]) -> BuiltIn {
        BuiltIn { files }
    }

    /// The index, if it was made from the content with this fingerprint.
    pub fn saved_for(&self, fingerprint: &Fingerprint) -> Option<Saved<'static>> {
        let saved = Saved::Files(self.files);
        let made_from = saved.read(FINGERPRINT_FILE)?;
        (made_from.as_slice() == fingerprint.hex().as_bytes()).then_some(saved)
    }

    /// The search index of `library` (whose files have `fingerprint`): opened from
    /// the built-in files if they were made from the same content, otherwise built
    /// with up to `threads` threads.
    pub fn index(
        &self,
        library: &Library,
        threads: usize,
        fingerprint: &Fingerprint,
    ) -> anyhow::Result<SearchIndex> {
        if let Some(saved) = self.saved_for(fingerprint) {
            match SearchIndex::build_in(library, threads, Storage::Open(saved)) {
                Ok(index) => {
                    tracing::debug!("eingebauter Suchindex geöffnet");
                    return Ok(index);
                }
                Err(error) => {
                    tracing::warn!(
                        "eingebauter Suchindex unbrauchbar, wird neu aufgebaut: {error:#}"
                    );
                }
            }
        }
        SearchIndex::build(library, threads)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SearchRequest;

    /// The files of an index folder as the build script compiles them in.
    fn compiled_in(dir: &Path) -> &'static [(&'static str, &'static [u8])] {
        let files: Vec<(&'static str, &'static [u8])> = files_to_compile_in(dir)
            .unwrap()
            .into_iter()
            .map(|name| {
                let bytes = std::fs::read(dir.join(&name)).unwrap();
                (&*name.leak(), &*bytes.leak())
            })
            .collect();
        assert!(files.iter().any(|(name, _)| *name == "meta.json"));
        assert!(!files.iter().any(|(name, _)| name.ends_with(".lock")));
        files.leak()
    }

    fn embedded_library() -> (Library, Fingerprint) {
        let files = ContentSource::Embedded.read_all().unwrap();
        let fingerprint = Fingerprint::of(&files);
        (Library::build(files), fingerprint)
    }

    /// Every document's title as a query, a misspelt word and a filter: whole answers
    /// (hits, scores, snippets, sections, facets, corrections) as text.
    fn answers(index: &SearchIndex, library: &Library) -> Vec<String> {
        let mut queries: Vec<String> = library
            .documents
            .iter()
            .map(|d| d.meta.title.clone())
            .collect();
        queries.extend(["Prüfugn Termine".to_owned(), "Ausbildung".to_owned()]);
        let mut answers = Vec::new();
        for q in queries {
            let request = SearchRequest {
                q,
                ..SearchRequest::default()
            };
            answers.push(format!("{:?}", index.search(library, &request).unwrap()));
        }
        answers
    }

    #[test]
    fn the_built_in_index_answers_like_one_built_at_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let written = write(dir.path()).unwrap();
        let (library, fingerprint) = embedded_library();
        assert_eq!(written, fingerprint);
        let built_in = BuiltIn::new(compiled_in(dir.path()));
        let saved = built_in
            .saved_for(&fingerprint)
            .expect("made from this content");
        let opened = SearchIndex::build_in(&library, 1, Storage::Open(saved)).unwrap();
        let fresh = SearchIndex::build(&library, 1).unwrap();
        let expected = answers(&fresh, &library);
        assert!(expected.iter().any(|a| a.contains("did_you_mean: Some")));
        assert_eq!(answers(&opened, &library), expected);
        assert!(opened.was_opened() && !fresh.was_opened());
        let used = built_in.index(&library, 1, &fingerprint).unwrap();
        assert!(used.was_opened());
        assert_eq!(answers(&used, &library), expected);
    }

    #[test]
    fn an_index_of_other_content_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path()).unwrap();
        let built_in = BuiltIn::new(compiled_in(dir.path()));
        let (library, fingerprint) = embedded_library();
        let other = Fingerprint::from_bytes([7; 32]);
        assert!(built_in.saved_for(&other).is_none());
        assert!(BuiltIn::new(&[]).saved_for(&fingerprint).is_none());
        // Built at the start instead: a whole, working index.
        let index = BuiltIn::new(&[]).index(&library, 1, &fingerprint).unwrap();
        assert!(!index.was_opened());
        assert_eq!(
            answers(&index, &library),
            answers(&SearchIndex::build(&library, 1).unwrap(), &library)
        );
    }

    #[test]
    fn a_damaged_built_in_index_is_built_again() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path()).unwrap();
        let (library, fingerprint) = embedded_library();
        let damaged: Vec<(&'static str, &'static [u8])> = compiled_in(dir.path())
            .iter()
            .map(|&(name, bytes)| match name {
                "meta.json" => (name, &b"{ kaputt"[..]),
                _ => (name, bytes),
            })
            .collect();
        let built_in = BuiltIn::new(damaged.leak());
        assert!(built_in.saved_for(&fingerprint).is_some());
        let index = built_in.index(&library, 1, &fingerprint).unwrap();
        assert!(!index.was_opened());
        assert_eq!(
            answers(&index, &library),
            answers(&SearchIndex::build(&library, 1).unwrap(), &library)
        );
    }
}
