//! Synonyms and abbreviations from `synonyme.txt` in the content root.
//!
//! One group per line, comma-separated, `#` starts a comment:
//! `ÜLU, überbetriebliche Lehrlingsunterweisung`. Every entry is analysed like the
//! documents, so `Ülu`, `ülu` and `ULU` all match, and a query that contains any entry
//! also searches for the others (with a lower weight than what was typed).

use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use super::{analysis, stopwords};

/// Longest entry, in words, that is looked for in a query.
pub const MAX_ENTRY_WORDS: usize = 4;

/// The synonym groups, keyed by each entry's analysed words.
#[derive(Debug, Default)]
pub struct Synonyms {
    alternatives: HashMap<Vec<String>, Vec<Vec<String>>>,
}

/// A place in a query where an entry matched, with what else to search for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Index of the first matching query word.
    pub start: usize,
    /// Number of query words matched.
    pub len: usize,
    /// The other entries of the group, as analysed words.
    pub alternatives: Vec<Vec<String>>,
}

impl Synonyms {
    /// Parses the synonyms file.
    pub fn parse(text: &str, analyzer: &mut TextAnalyzer) -> Synonyms {
        let mut alternatives: HashMap<Vec<String>, Vec<Vec<String>>> = HashMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let entries: Vec<Vec<String>> = line
                .split(',')
                .map(|entry| content_words(analyzer, entry))
                .filter(|words| !words.is_empty() && words.len() <= MAX_ENTRY_WORDS)
                .collect();
            if entries.len() < 2 {
                continue;
            }
            for (i, entry) in entries.iter().enumerate() {
                let others = alternatives.entry(entry.clone()).or_default();
                for (j, other) in entries.iter().enumerate() {
                    if i != j && other != entry && !others.contains(other) {
                        others.push(other.clone());
                    }
                }
            }
        }
        Synonyms { alternatives }
    }

    /// Whether there are no synonyms.
    pub fn is_empty(&self) -> bool {
        self.alternatives.is_empty()
    }

    /// Finds entries in a query's analysed words (longest match first).
    pub fn expand(&self, words: &[&str]) -> Vec<Expansion> {
        let mut out = Vec::new();
        if self.alternatives.is_empty() {
            return out;
        }
        let mut start = 0;
        while start < words.len() {
            let longest = MAX_ENTRY_WORDS.min(words.len() - start);
            let found = (1..=longest).rev().find_map(|len| {
                let key: Vec<String> = words[start..start + len]
                    .iter()
                    .map(|w| (*w).to_owned())
                    .collect();
                self.alternatives.get(&key).map(|alts| (len, alts))
            });
            match found {
                Some((len, alternatives)) => {
                    out.push(Expansion {
                        start,
                        len,
                        alternatives: alternatives.clone(),
                    });
                    start += len;
                }
                None => start += 1,
            }
        }
        out
    }
}

/// The analysed words of an entry. Stop words are left out as in queries (unless the
/// entry has nothing else), so that `Verzeichnis der Lehrlinge` is found in a query
/// from which the builder dropped `der`.
fn content_words(analyzer: &mut TextAnalyzer, entry: &str) -> Vec<String> {
    let typed = analysis::words(entry);
    let groups = analysis::groups(analyzer, entry);
    let is_stop = |position: usize| {
        typed
            .iter()
            .any(|(p, w)| *p == position && stopwords::is_stop_word(w))
    };
    let content = groups.iter().any(|g| !is_stop(g.position));
    groups
        .into_iter()
        .filter(|g| !content || !is_stop(g.position))
        .map(|g| g.terms[0].clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_entries_both_ways() {
        let mut analyzer = analysis::german();
        let synonyms = Synonyms::parse(
            "# Kommentar\nÜLU, überbetriebliche Lehrlingsunterweisung\nKfz, Kraftfahrzeug\nnur eins\n",
            &mut analyzer,
        );
        let words = |q: &str| -> Vec<String> {
            analysis::groups(&mut analysis::german(), q)
                .into_iter()
                .map(|g| g.terms[0].clone())
                .collect()
        };
        let q = words("Kurse der ÜLU");
        let refs: Vec<&str> = q.iter().map(String::as_str).collect();
        let found = synonyms.expand(&refs);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].start, 2);
        assert_eq!(
            found[0].alternatives,
            [words("überbetriebliche Lehrlingsunterweisung")]
        );

        let q = words("Überbetriebliche Lehrlingsunterweisung Holz");
        let refs: Vec<&str> = q.iter().map(String::as_str).collect();
        let found = synonyms.expand(&refs);
        assert_eq!((found[0].start, found[0].len), (0, 2));
        assert_eq!(found[0].alternatives, [words("ülu")]);
        assert!(synonyms.expand(&["holz"]).is_empty());
    }

    #[test]
    fn entries_match_queries_without_their_stop_words() {
        let mut analyzer = analysis::german();
        let synonyms = Synonyms::parse(
            "Lehrlingsrolle, Verzeichnis der Lehrlinge\nund, oder\n",
            &mut analyzer,
        );
        let query = crate::search::ParsedQuery::parse("Verzeichnis der Lehrlinge", &mut analyzer);
        let terms: Vec<&str> = query.groups.iter().map(|g| g.term.as_str()).collect();
        let found = synonyms.expand(&terms);
        assert_eq!(found.len(), 1, "{terms:?}");
        assert_eq!(found[0].alternatives, [vec!["lehrlingsroll".to_owned()]]);
        assert_eq!(synonyms.expand(&["und"]).len(), 1, "stop words alone stay");
    }
}
