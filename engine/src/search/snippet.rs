//! Snippets placed by the index's own word positions, not by analysing text again.
//!
//! A profile of the search path under load (`bench/profile-search.sh`, set large) put
//! three quarters of the time into snippets: every shown hit's whole text, up to 25,000
//! words, went through the German analyzer again to find where the query's terms occur.
//! The index already knows: its postings hold each term's word positions per document.
//! So a snippet asks the postings of the query's terms for the shown document (a seek
//! per term), picks the passage with the most distinct query words, and walks the text
//! with the tokenizer's own word rule (runs of alphanumeric characters, numbered from
//! 0) to cut that passage out. No stemming, no compound splitting, no hashing per word.
//!
//! Positions agree with the text only if it is the very text that was indexed in that
//! field, split into the same words; the callers pass it as a list of parts whose
//! boundaries fall between words.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, SegmentOrdinal, Term};

use super::execute::Statistics;
use super::query::ParsedQuery;

/// Words of context shown before the first match of the chosen passage.
const CONTEXT_WORDS: u32 = 4;
/// Length in words of the passage whose distinct query words are counted.
const WINDOW_WORDS: u32 = 24;
/// Most matches considered per document (a common word can occur thousands of times).
const MAX_MATCHES: usize = 4096;

/// The analysed terms to highlight, each with the query word it stands for.
#[derive(Debug, Clone, Default)]
pub struct Terms(Vec<(String, usize)>);

impl Terms {
    /// Every term of the query; the alternatives of one word (its parts, corrections,
    /// synonyms) share the word's number, so a passage is not preferred for matching
    /// one word in several ways.
    pub fn of(parsed: &ParsedQuery) -> Terms {
        let mut terms: Vec<(String, usize)> = Vec::new();
        let mut word = 0;
        let mut push = |term: &String, word: usize| {
            if !terms.iter().any(|(t, _)| t == term) {
                terms.push((term.clone(), word));
            }
        };
        for group in &parsed.groups {
            for term in group.alternatives.iter().flat_map(|a| &a.terms) {
                push(term, word);
            }
            word += 1;
        }
        for term in parsed.phrases.iter().flatten() {
            push(term, word);
            word += 1;
        }
        for alternative in &parsed.extra {
            for term in &alternative.terms {
                push(term, word);
            }
            word += 1;
        }
        Terms(terms)
    }

    /// Whether there is nothing to highlight.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Reads where the query's terms occur in shown documents. The documents are visited
/// in index order, so that each term's posting list is opened once per segment and
/// only ever moves forward (opening one per document and term was a twentieth of a
/// search).
pub struct PositionReader<'a> {
    terms: &'a Terms,
    statistics: &'a Statistics<'a>,
    field: Field,
}

impl<'a> PositionReader<'a> {
    /// A reader for the terms in `field`, in the searcher of `statistics` (whose
    /// term look-ups the search has mostly done already).
    pub fn new(
        terms: &'a Terms,
        statistics: &'a Statistics<'a>,
        field: Field,
    ) -> PositionReader<'a> {
        PositionReader {
            terms,
            statistics,
            field,
        }
    }

    /// Where the terms occur in each of the documents: (word position, query word),
    /// sorted by position; one list per document, in the order given.
    pub fn read(&self, addresses: &[DocAddress]) -> tantivy::Result<Vec<Vec<(u32, usize)>>> {
        let mut order: Vec<usize> = (0..addresses.len()).collect();
        order.sort_unstable_by_key(|&i| (addresses[i].segment_ord, addresses[i].doc_id));
        let mut found = vec![Vec::new(); addresses.len()];
        let mut segment: Option<(SegmentOrdinal, Vec<Option<SegmentPostings>>)> = None;
        let mut positions = Vec::new();
        // A document's matches are merged back and forth between these two, which
        // all documents share; each keeps a copy of its own at the end (a list per
        // document grown term by term was a few dozen reallocations per search).
        let mut matches = Vec::new();
        let mut merged = Vec::new();
        for i in order {
            let address = addresses[i];
            if segment
                .as_ref()
                .is_none_or(|(ord, _)| *ord != address.segment_ord)
            {
                segment = Some((address.segment_ord, self.open(address.segment_ord)?));
            }
            let Some((_, lists)) = segment.as_mut() else {
                continue;
            };
            let doc = address.doc_id;
            matches.clear();
            for ((_, word), postings) in self.terms.0.iter().zip(lists.iter_mut()) {
                let Some(postings) = postings else {
                    continue;
                };
                // Documents come in increasing order: a list past this one (or at its
                // end) does not have it.
                if postings.doc() > doc || postings.seek(doc) != doc {
                    continue;
                }
                positions.clear();
                postings.positions(&mut positions);
                // Each term's positions come in order: merged into the others'
                // instead of sorting them all.
                merged.clear();
                merge_positions(&matches, &positions, *word, &mut merged);
                std::mem::swap(&mut matches, &mut merged);
                if matches.len() >= MAX_MATCHES {
                    break;
                }
            }
            matches.dedup_by_key(|(p, _)| *p);
            found[i] = matches.clone();
        }
        Ok(found)
    }

    /// Each term's posting list in a segment, with positions (`None` for a term the
    /// segment does not have).
    fn open(&self, ord: SegmentOrdinal) -> tantivy::Result<Vec<Option<SegmentPostings>>> {
        let inverted = self
            .statistics
            .searcher()
            .segment_reader(ord)
            .inverted_index(self.field)?;
        self.terms
            .0
            .iter()
            .map(|(term, _)| {
                let term = Term::from_field_text(self.field, term);
                match self.statistics.term_info(ord, &term)? {
                    Some(info) => Ok(Some(inverted.read_postings_from_terminfo(
                        &info,
                        IndexRecordOption::WithFreqsAndPositions,
                    )?)),
                    None => Ok(None),
                }
            })
            .collect()
    }
}

/// `sorted` and one term's `positions` (ascending) of query word `word`, sorted as
/// `(position, word)` pairs into `out`.
fn merge_positions(
    sorted: &[(u32, usize)],
    positions: &[u32],
    word: usize,
    out: &mut Vec<(u32, usize)>,
) {
    out.reserve(sorted.len() + positions.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&have), Some(&position)) = (sorted.get(i), positions.get(j)) {
        if have < (position, word) {
            out.push(have);
            i += 1;
        } else {
            out.push((position, word));
            j += 1;
        }
    }
    out.extend_from_slice(&sorted[i..]);
    out.extend(positions[j..].iter().map(|&p| (p, word)));
}

/// The first word of the passage with the most distinct query words (the earliest
/// of equals), or `None` without matches.
pub fn best_passage(matches: &[(u32, usize)]) -> Option<u32> {
    let mut best: Option<(u32, u32)> = None;
    for (i, &(start, _)) in matches.iter().enumerate() {
        let mut words = 0u128;
        for &(position, word) in &matches[i..] {
            if position >= start + WINDOW_WORDS {
                break;
            }
            words |= word_bit(word);
        }
        let count = words.count_ones();
        if best.is_none_or(|(most, _)| count > most) {
            best = Some((count, start));
        }
    }
    best.map(|(_, start)| start)
}

/// A query word's bit in a set of the query's words, as `u128`: a query has fewer
/// than 128 words (`query::MAX_TERMS`), so no two of them share a bit.
pub fn word_bit(word: usize) -> u128 {
    1 << word.min(127)
}

/// The first word shown for a passage: a few words of context before it.
pub fn first_word(passage: u32) -> u32 {
    passage.saturating_sub(CONTEXT_WORDS)
}

/// A snippet: plain text (not HTML) in fragments, the words that match highlighted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    /// The text of all fragments, one after the other.
    text: String,
    /// Where each fragment ends in `text`, and whether it is highlighted.
    ends: Vec<(usize, bool)>,
}

/// One part of a snippet; highlighted parts matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment<'a> {
    /// Plain text (not HTML).
    pub text: &'a str,
    /// Whether it matched a query term.
    pub highlighted: bool,
}

impl Snippet {
    /// Whether there is no text.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The length of its text in bytes.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The fragments, in order; neighbours differ in highlighting.
    pub fn fragments(&self) -> impl Iterator<Item = Fragment<'_>> {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&(end, _)| end));
        starts
            .zip(&self.ends)
            .map(|(start, &(end, highlighted))| Fragment {
                text: self.text.get(start..end).unwrap_or_default(),
                highlighted,
            })
    }
}

/// The text from word `first` of the indexed text, about `max_chars` characters long,
/// cut at word boundaries, with the words at the `matches`' positions highlighted,
/// and with "… " in front if `continued` (the text it is cut from goes on before it).
/// `parts` is the indexed text in pieces that end between words, starting with the
/// word numbered `start` (at or before `first`).
pub fn cut<'a>(
    parts: impl IntoIterator<Item = &'a str>,
    start: u32,
    first: u32,
    matches: &[(u32, usize)],
    max_chars: usize,
    continued: bool,
) -> Snippet {
    let mut highlighted = matches.iter().map(|&(p, _)| p).skip_while(|&p| p < first);
    let mut next_match = highlighted.next();
    let mut out = Builder::for_chars(max_chars, continued);
    // The number of the next word.
    let mut position = start;
    for part in parts {
        let mut at = 0;
        while at < part.len() {
            let (word_start, word_end) = next_word(part, at);
            // The text between words is shown once the snippet has begun.
            if word_start > at && position > first {
                out.push_separators(&part[at..word_start]);
            }
            if word_start == part.len() {
                break;
            }
            let p = position;
            position += 1;
            at = word_end;
            if p < first {
                continue;
            }
            if out.chars >= max_chars {
                return out.snippet;
            }
            while next_match.is_some_and(|m| m < p) {
                next_match = highlighted.next();
            }
            out.push(&part[word_start..word_end], next_match == Some(p));
        }
    }
    out.snippet
}

/// The next word of `text` at or after byte `from`, as the index's tokenizer sees words
/// (runs of alphanumeric characters): its start and end, or `(len, len)` if none is
/// left. ASCII, most of any German text, is decided byte by byte.
pub fn next_word(text: &str, from: usize) -> (usize, usize) {
    let is_word_at = |i: usize| -> (bool, usize) {
        let b = text.as_bytes()[i];
        if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        }
    };
    let mut i = from;
    let start = loop {
        if i >= text.len() {
            return (text.len(), text.len());
        }
        let (word, len) = is_word_at(i);
        if word {
            break i;
        }
        i += len;
    };
    while i < text.len() {
        let (word, len) = is_word_at(i);
        if !word {
            break;
        }
        i += len;
    }
    (start, i)
}

/// Builds a snippet, merging neighbours of the same kind and collapsing white space.
/// Its text goes into one buffer as it comes, word by word (a string per fragment,
/// grown word by word, was a tenth of a search, most of it in copies on reallocation).
struct Builder {
    snippet: Snippet,
    /// Characters so far, the "… " in front not counted.
    chars: usize,
    pending_space: bool,
}

impl Builder {
    /// An empty snippet with room for about `max_chars` characters, with "… " in
    /// front if `continued`.
    fn for_chars(max_chars: usize, continued: bool) -> Builder {
        let mut builder = Builder {
            snippet: Snippet {
                // German text has a few two-byte letters, and the last word may run over.
                text: String::with_capacity(max_chars + max_chars / 2),
                ends: Vec::with_capacity(8),
            },
            chars: 0,
            pending_space: false,
        };
        if continued {
            builder.snippet.text.push_str("… ");
            builder
                .snippet
                .ends
                .push((builder.snippet.text.len(), false));
        }
        builder
    }

    fn push(&mut self, text: &str, highlighted: bool) {
        if self.pending_space {
            self.pending_space = false;
            self.append(" ", false);
        }
        self.append(text, highlighted);
    }

    /// Text between words: white space collapses to one space, the rest is shown.
    fn push_separators(&mut self, text: &str) {
        // Most often one space between two words.
        if text == " " {
            self.pending_space = self.chars > 0;
            return;
        }
        for (at, c) in text.char_indices() {
            if c.is_whitespace() {
                self.pending_space = self.chars > 0;
            } else {
                self.push(&text[at..at + c.len_utf8()], false);
            }
        }
    }

    fn append(&mut self, text: &str, highlighted: bool) {
        self.chars += text.chars().count();
        let snippet = &mut self.snippet;
        snippet.text.push_str(text);
        match snippet.ends.last_mut() {
            Some((end, last)) if *last == highlighted => *end = snippet.text.len(),
            _ => snippet.ends.push((snippet.text.len(), highlighted)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer};

    fn rendered(snippet: &Snippet) -> String {
        snippet
            .fragments()
            .map(|f| {
                if f.highlighted {
                    format!("[{}]", f.text)
                } else {
                    f.text.to_owned()
                }
            })
            .collect()
    }

    /// Word positions as tantivy's tokenizer numbers them, so the walk here agrees.
    fn positions_of(text: &str, words: &[&str]) -> Vec<(u32, usize)> {
        let mut tokenizer = TextAnalyzer::from(SimpleTokenizer::default());
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            if let Some(w) = words.iter().position(|w| *w == token.text) {
                out.push((token.position as u32, w));
            }
        }
        out
    }

    /// The snippet of the best passage of a whole text.
    fn snippet<'a>(
        parts: impl IntoIterator<Item = &'a str>,
        matches: &[(u32, usize)],
        max_chars: usize,
    ) -> Snippet {
        match best_passage(matches) {
            Some(passage) => {
                let first = first_word(passage);
                cut(parts, 0, first, matches, max_chars, first > 0)
            }
            None => Snippet::default(),
        }
    }

    #[test]
    fn positions_of_many_documents_are_those_of_each_alone() {
        use tantivy::schema::{Schema, TEXT};
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let index = tantivy::Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let texts = [
            "säge und hobel",
            "der hobel",
            "nichts davon",
            "hobel hobel säge",
            "eine säge",
        ];
        for text in texts {
            writer.add_document(tantivy::doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let terms = Terms(vec![("säge".to_owned(), 0), ("hobel".to_owned(), 1)]);
        let statistics = Statistics::new(&searcher);
        let reader = PositionReader::new(&terms, &statistics, body);
        let address = |doc| DocAddress::new(0, doc);
        // Shown hits come by score, not in index order.
        let shown = [address(3), address(0), address(4), address(2), address(1)];
        let together = reader.read(&shown).unwrap();
        let alone: Vec<_> = shown
            .iter()
            .map(|&a| reader.read(&[a]).unwrap().remove(0))
            .collect();
        assert_eq!(together, alone);
        assert_eq!(together[0], [(0, 1), (1, 1), (2, 0)]);
        assert_eq!(together[3], []);
        assert_eq!(together[4], [(1, 1)]);
    }

    #[test]
    fn merged_positions_are_sorted_as_all_together() {
        let mut seed = 3u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            (seed >> 33) % n
        };
        for _ in 0..200 {
            let mut merged = Vec::new();
            let mut all = Vec::new();
            for _ in 0..next(5) {
                // Terms of the same word may share positions (a compound's parts).
                let word = next(3) as usize;
                let mut positions: Vec<u32> = (0..next(12)).map(|_| next(40) as u32).collect();
                positions.sort_unstable();
                positions.dedup();
                all.extend(positions.iter().map(|&p| (p, word)));
                let mut out = Vec::new();
                merge_positions(&merged, &positions, word, &mut out);
                merged = out;
            }
            all.sort_unstable();
            assert_eq!(merged, all);
        }
    }

    #[test]
    fn highlights_the_words_at_the_indexed_positions() {
        let text = "Die Gesellenprüfung im Tischler-Handwerk (Teil 2) findet im März statt.";
        let matches = positions_of(text, &["Gesellenprüfung", "März"]);
        assert_eq!(
            rendered(&snippet([text], &matches, 200)),
            "Die [Gesellenprüfung] im Tischler-Handwerk (Teil 2) findet im [März] statt."
        );
    }

    #[test]
    fn parts_join_between_words_and_white_space_collapses() {
        let parts = ["Prüfung", "\n", "Termine\n\n  und   Orte", "\n", "Ende"];
        let text: String = parts.concat();
        let matches = positions_of(&text, &["Orte"]);
        assert_eq!(
            rendered(&snippet(parts, &matches, 200)),
            "Prüfung Termine und [Orte] Ende"
        );
        // Punctuation between words is shown as it is, white space around it
        // collapses.
        let text = "Lehrgang: 12.–14. März (ÜLU)  ,\n Raum \t 3";
        let matches = positions_of(text, &["März"]);
        assert_eq!(
            rendered(&snippet([text], &matches, 200)),
            "Lehrgang: 12.–14. [März] (ÜLU) , Raum 3"
        );
    }

    #[test]
    fn a_passage_counts_each_query_word_once_and_the_earliest_of_equals_wins() {
        // Word 0 five times at 0..5; words 1 and 2 at 100 and 101; words 1 and 3
        // further on, at 200 and 200 + WINDOW_WORDS (outside one window).
        let mut matches: Vec<(u32, usize)> = (0..5).map(|p| (p, 0)).collect();
        matches.extend([(100, 1), (101, 2), (200, 1), (200 + WINDOW_WORDS, 3)]);
        assert_eq!(best_passage(&matches), Some(100));
        // Two passages with two words each: the first one.
        matches.extend([(300, 2), (301, 3)]);
        assert_eq!(best_passage(&matches), Some(100));
        // Three distinct words in one window win over repeats and pairs.
        matches.extend([(400, 0), (401, 1), (402, 2)]);
        assert_eq!(best_passage(&matches), Some(400));
        assert_eq!(best_passage(&[]), None);
    }

    #[test]
    fn picks_the_passage_with_most_distinct_words_and_cuts_at_a_word() {
        let filler = "Wort ".repeat(60);
        let text =
            format!("Anfang Prüfung {filler} hier Prüfung und Termin zusammen {filler} Schluss");
        let matches = positions_of(&text, &["Prüfung", "Termin"]);
        let snippet = rendered(&snippet([text.as_str()], &matches, 60));
        let chars = snippet
            .trim_start_matches("… ")
            .replace(['[', ']'], "")
            .chars()
            .count();
        assert!(
            snippet.starts_with("… Wort Wort Wort hier [Prüfung] und [Termin]"),
            "{snippet}"
        );
        // It stops at the first word that starts past the limit.
        assert!(
            (60..=60 + " Wort".len()).contains(&chars),
            "{chars}: {snippet}"
        );
        assert!(snippet.ends_with("Wort"), "{snippet}");
    }

    #[test]
    fn words_are_the_tokenizers_words() {
        let mut tokenizer = TextAnalyzer::from(SimpleTokenizer::default());
        for text in [
            "",
            " ,;",
            "Ein Satz.",
            "Kfz-Mechatroniker/in (SHK) — 3,5 m² über Größe; 12x",
            "日本語 テキスト and émoji 🙂 done",
            "ßtraße\u{0301}x",
        ] {
            let mut expected = Vec::new();
            let mut stream = tokenizer.token_stream(text);
            while stream.advance() {
                expected.push((stream.token().offset_from, stream.token().offset_to));
            }
            let mut found = Vec::new();
            let mut at = 0;
            loop {
                let (start, end) = next_word(text, at);
                if start == text.len() {
                    break;
                }
                found.push((start, end));
                at = end;
            }
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn no_matches_no_snippet() {
        assert!(snippet(["Text ohne Treffer"], &[], 100).is_empty());
    }

    #[test]
    fn a_walk_can_start_at_a_later_part() {
        let parts = ["Eins zwei", "\n", "drei vier fünf sechs"];
        let text: String = parts.concat();
        let matches = positions_of(&text, &["fünf"]);
        assert_eq!(
            rendered(&cut(parts[2..].iter().copied(), 2, 3, &matches, 100, false)),
            "vier [fünf] sechs"
        );
    }

    #[test]
    fn umlauts_and_digits_are_word_characters_like_the_tokenizer() {
        let text = "über 3,5 m² — Größe: 12x Öl";
        let matches = positions_of(text, &["Öl", "5"]);
        assert_eq!(
            rendered(&snippet([text], &matches, 100)),
            "über 3,[5] m² — Größe: 12x [Öl]"
        );
    }
}
