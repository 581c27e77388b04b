//! Typo correction against the content's own vocabulary.
//!
//! The vocabulary is the [`Lexicon`] (every word the content uses, folded), kept as an
//! FST; a Levenshtein automaton (with transpositions, so `Prüfnug` is one edit from
//! `Prüfung`) walks it and yields every word within reach in microseconds. Words of 5–8
//! letters may be one edit away, longer ones two; shorter words are never corrected,
//! because at that length almost every word is one edit from another.

use std::sync::{Arc, LazyLock};

use fst::{Automaton, IntoStreamer, Set, Streamer};
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};

use super::compound::{Lexicon, fold};

/// Shortest word that is corrected.
pub const MIN_LETTERS: usize = 5;
/// Longest word corrected with one edit; longer words allow two.
pub const ONE_EDIT_UP_TO: usize = 8;
/// Most candidates looked at per word (bounds the work for odd input).
const MAX_CANDIDATES: usize = 64;

static ONE_EDIT: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(1, true));
static TWO_EDITS: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(2, true));

/// A correction for one word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The corrected word as the content spells it (lowercase, with umlauts).
    pub word: String,
    /// Number of edits from what was typed.
    pub distance: u8,
}

/// Finds the nearest known words.
pub struct Speller {
    words: Set<Vec<u8>>,
    lexicon: Arc<Lexicon>,
}

impl Speller {
    /// Indexes the lexicon's words of at least four letters.
    pub fn new(lexicon: Arc<Lexicon>) -> Speller {
        let mut words: Vec<&str> = lexicon
            .words()
            .map(|(w, _)| w)
            .filter(|w| w.chars().count() >= MIN_LETTERS - 1)
            .collect();
        words.sort_unstable();
        let words = Set::from_iter(words).expect("sorted, unique words");
        Speller { words, lexicon }
    }

    /// The best correction of a lowercase word, if it is unknown and a known word is
    /// close enough: fewest edits first, then the most frequent.
    pub fn correct(&self, lowercase: &str) -> Option<Correction> {
        let folded = fold(lowercase);
        let letters = folded.chars().count();
        if letters < MIN_LETTERS || self.lexicon.frequency(&folded) > 0 {
            return None;
        }
        let builder = if letters <= ONE_EDIT_UP_TO {
            &*ONE_EDIT
        } else {
            &*TWO_EDITS
        };
        let dfa = builder.build_dfa(&folded);
        let mut stream = self.words.search(Dfa(&dfa)).into_stream();
        let mut best: Option<(u8, u32, String)> = None;
        let mut seen = 0;
        while let Some(candidate) = stream.next() {
            seen += 1;
            if seen > MAX_CANDIDATES {
                break;
            }
            let Distance::Exact(distance) = dfa.eval(candidate) else {
                continue;
            };
            let Ok(word) = std::str::from_utf8(candidate) else {
                continue;
            };
            let freq = self.lexicon.frequency(word);
            let better = match &best {
                None => true,
                Some((d, f, _)) => distance < *d || (distance == *d && freq > *f),
            };
            if better {
                best = Some((distance, freq, word.to_owned()));
            }
        }
        best.map(|(distance, _, word)| Correction {
            word: self.lexicon.display(&word).to_owned(),
            distance,
        })
    }
}

/// A Levenshtein DFA as an FST automaton.
struct Dfa<'a>(&'a DFA);

impl Automaton for Dfa<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrects_typos_within_the_allowed_distance() {
        let lexicon = Arc::new(Lexicon::build([
            "Prüfung Prüfung Prüfungen Lehrlingsunterweisung Maschinen Holz Tischler",
        ]));
        let speller = Speller::new(lexicon);
        let word = |w: &str| speller.correct(w).map(|c| c.word);
        assert_eq!(word("prüfnug").as_deref(), Some("prüfung"), "transposition");
        assert_eq!(
            word("pruefnug").as_deref(),
            Some("prüfung"),
            "folded spelling"
        );
        assert_eq!(word("maschinenn").as_deref(), Some("maschinen"));
        assert_eq!(
            word("lehrlingsunterwiesnug").as_deref(),
            Some("lehrlingsunterweisung"),
            "two edits"
        );
        assert_eq!(word("prüfung"), None, "known words stay");
        assert_eq!(word("holt"), None, "short words stay");
        assert_eq!(word("tischlxyz"), None, "too far");
    }
}
