//! German stop words: function words that a query can do without.
//!
//! Articles, pronouns, prepositions, conjunctions and auxiliaries occur in nearly
//! every document, so in a long query they add posting-list work and a little noise
//! to every score. The query builder leaves them out, but only when the query has
//! other words: a query made of stop words alone still searches for them.
//!
//! Measured on the known-item evaluation (bench/search-quality.sh): alone, leaving
//! them out changed MRR by less than 0.002 (BM25's IDF already weighs them low) but cut
//! the mean latency of long queries by a third; together with the proximity bonus of
//! the query builder it gained 0.009 on the full summaries, because the neighbouring
//! pairs are then pairs of content words (`Dateien … Verzeichnis`, not `in der`).

use std::collections::HashSet;
use std::sync::LazyLock;

use super::compound::fold;

/// The list, one word per line (`#` starts a comment). Written for werkbank from the
/// closed word classes of German grammar; licensed like the project.
const LIST: &str = include_str!("stoppwoerter.txt");

static WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    LIST.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|w| fold(&w.to_lowercase()).into_owned())
        .collect()
});

/// Whether a lowercase word as typed is a stop word (`für` and `fuer` both are).
pub fn is_stop_word(lowercase: &str) -> bool {
    WORDS.contains(fold(lowercase).as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_are_stop_words_and_content_words_are_not() {
        for word in ["der", "und", "für", "fuer", "über", "wird", "eine"] {
            assert!(is_stop_word(word), "{word}");
        }
        for word in ["prüfung", "holz", "nicht", "meister", "dieselben"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }
}
