//! Suggestions while typing: document titles and words of the content, by prefix.
//!
//! Everything is precomputed into sorted keys, so a suggestion is two binary searches.
//! Keys are folded twice — `ä` as `ae` and as `a` — so that `prüf`, `pruef` and `pruf`
//! all find `Prüfung`. Titles match at the start of any of their words, so `tisch`
//! finds "Gesellenprüfung – Tischler/in".

use super::compound::{Lexicon, fold};
use crate::library::Library;

/// Most titles and most words suggested.
pub const MAX_EACH: usize = 5;
/// Longest input that is looked at.
pub const MAX_INPUT_CHARS: usize = 64;
/// Shortest prefix that gets word suggestions (one letter would list half the content).
pub const MIN_PREFIX_CHARS: usize = 2;

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    /// What to show and, for words, what to search.
    pub text: String,
    /// `title` (a document) or `term` (a word to search for).
    pub kind: &'static str,
    /// For titles: the document's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The precomputed suggestion keys.
#[derive(Debug, Default)]
pub struct Suggester {
    /// (folded key from a word of the title on, document index), sorted.
    titles: Vec<(String, u32)>,
    /// (folded word, display form, frequency), sorted by key.
    words: Vec<(String, String, u32)>,
}

impl Suggester {
    /// Builds the keys from the library's titles and the lexicon's words.
    pub fn build(library: &Library, lexicon: &Lexicon) -> Suggester {
        let mut titles = Vec::new();
        for (i, doc) in library.documents.iter().enumerate() {
            let lower = doc.meta.title.to_lowercase();
            let mut starts = vec![0];
            let mut previous_alnum = false;
            for (at, c) in lower.char_indices() {
                if c.is_alphanumeric() && !previous_alnum && at > 0 {
                    starts.push(at);
                }
                previous_alnum = c.is_alphanumeric();
            }
            for start in starts {
                for key in keys(&lower[start..]) {
                    titles.push((key, i as u32));
                }
            }
        }
        titles.sort();
        titles.dedup();
        let mut words: Vec<(String, String, u32)> = Vec::new();
        for (word, freq) in lexicon.words() {
            if word.chars().count() < 3 || word.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let display = lexicon.display(word).to_owned();
            for key in keys(&display) {
                words.push((key, display.clone(), freq));
            }
        }
        words.sort();
        words.dedup();
        Suggester { titles, words }
    }

    /// Suggestions for what has been typed so far.
    pub fn suggest(&self, library: &Library, input: &str) -> Vec<Suggestion> {
        let input: String = input
            .chars()
            .take(MAX_INPUT_CHARS)
            .collect::<String>()
            .to_lowercase();
        let input = input.trim_start();
        if input.chars().count() < MIN_PREFIX_CHARS {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut seen_docs = Vec::new();
        for key in keys(input) {
            for (_, doc) in prefixed(&self.titles, &key, |t| &t.0) {
                if seen_docs.len() >= MAX_EACH {
                    break;
                }
                if !seen_docs.contains(doc) {
                    seen_docs.push(*doc);
                }
            }
        }
        seen_docs.sort_by_key(|&d| library.documents[d as usize].meta.title.len());
        for doc in seen_docs {
            let d = &library.documents[doc as usize];
            out.push(Suggestion {
                text: d.meta.title.clone(),
                kind: "title",
                url: Some(d.url.clone()),
            });
        }
        // Words complete the last word typed.
        let last = input
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        if last.chars().count() >= MIN_PREFIX_CHARS {
            let head = &input[..input.len() - last.len()];
            let mut found: Vec<(&String, u32)> = Vec::new();
            for key in keys(last) {
                for (_, display, freq) in prefixed(&self.words, &key, |w| &w.0) {
                    if !found.iter().any(|(d, _)| *d == display) {
                        found.push((display, *freq));
                    }
                }
            }
            found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            for (display, _) in found.into_iter().take(MAX_EACH) {
                out.push(Suggestion {
                    text: format!("{head}{display}"),
                    kind: "term",
                    url: None,
                });
            }
        }
        out
    }
}

/// The entries of a sorted list whose key starts with `prefix`.
fn prefixed<'a, T>(
    list: &'a [T],
    prefix: &str,
    key: impl Fn(&T) -> &String,
) -> impl Iterator<Item = &'a T> {
    let start = list.partition_point(|e| key(e).as_str() < prefix);
    list[start..]
        .iter()
        .take_while(move |e| key(e).starts_with(prefix))
}

/// The two folded forms of a lowercase text: umlauts as `ae` and as `a`.
fn keys(lower: &str) -> Vec<String> {
    let ae = fold(lower).into_owned();
    let a: String = lower
        .chars()
        .map(|c| match c {
            'ä' => 'a',
            'ö' => 'o',
            'ü' => 'u',
            c => c,
        })
        .collect::<String>()
        .replace('ß', "ss");
    if a == ae { vec![ae] } else { vec![ae, a] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourceFile;

    #[test]
    fn suggests_titles_and_words_by_folded_prefix() {
        let file = |path: &str, text: &str| SourceFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec().into(),
        };
        let library = Library::build(vec![
            file(
                "a.md",
                "---\ntitle: Gesellenprüfung Teil 1 – Tischler/in\n---\nPrüfung und Prüfungen",
            ),
            file("b.md", "---\ntitle: Prüfungsordnung\n---\nText"),
        ]);
        let lexicon = Lexicon::build(
            library
                .documents
                .iter()
                .map(|d| d.rendered.plain_text())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        );
        let s = Suggester::build(&library, &lexicon);
        for input in ["prüf", "pruef", "pruf", "PRÜF"] {
            let got = s.suggest(&library, input);
            assert!(
                got.iter()
                    .any(|g| g.kind == "title" && g.text == "Prüfungsordnung"),
                "{input}: {got:?}"
            );
            assert!(
                got.iter().any(|g| g.kind == "term" && g.text == "prüfung"),
                "{input}: {got:?}"
            );
        }
        let got = s.suggest(&library, "tisch");
        assert_eq!(
            got[0].url.as_deref(),
            Some("/a"),
            "a title matches at any word"
        );
        assert!(
            s.suggest(&library, "p").is_empty(),
            "one letter suggests nothing"
        );
        assert!(s.suggest(&library, "xyz").is_empty());
    }
}
