//! Section hits: which headings of a long document match the query best.
//!
//! Documents are ranked as a whole, but a reader of a 30-page text wants to land at the
//! right heading. The body field of the index holds a document's sections one after
//! the other (see `body_parts` in the parent module), so the word positions of the
//! query's terms in a hit (which its snippet reads anyway) tell which sections they
//! fall in. Each document's section boundaries, in word positions, are counted once
//! when the index is built. A section scores by the distinct query words it contains,
//! a word in its heading counting twice; the best one or two are linked as
//! `/doc#heading-id`, and the snippet is taken from the best.
//!
//! (An earlier version indexed every section once more in an index of its own and ran
//! the query there for the shown hits: twice the indexing work and memory, and under
//! load it cost more than the search itself.)

use super::snippet;
use crate::content::markdown::TextSection;
use crate::content::stored::{Damaged, Reader, Stored, Writer};

/// Sections shown under one hit.
pub const SECTIONS_PER_HIT: usize = 2;
/// A document needs this many headed sections before its sections are shown as hits.
const MIN_HEADED_SECTIONS: usize = 2;
/// Every this many words, a [`Mark`] tells where the word begins. A snippet walks
/// half of this on average before its first word: with 128, that walk was half of the
/// time spent cutting snippets. A mark takes 8 bytes, a quarter of a byte per word.
const MARK_EVERY: u32 = 32;

/// Where a document's sections lie in its body field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// One entry per section of the document, in order.
    spans: Box<[Span]>,
    /// Whether the sections are shown as hits (enough of them have headings).
    linked: bool,
    /// Where every [`MARK_EVERY`]th word begins, in order (mark `i` is word
    /// `(i + 1) * MARK_EVERY`): a snippet deep in a long section starts its walk at
    /// the mark before it rather than at the section's first word (for man pages and
    /// handbook chapters, most of a snippet's time).
    marks: Box<[Mark]>,
}

/// Where a word of the body field begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Index of the body part holding it.
    pub part: u32,
    /// Its first byte in that part.
    pub offset: u32,
}

/// One section in the body field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Index of the body part where the section begins (its heading or its text).
    pub part: usize,
    /// Word position of the section's first word.
    pub start: u32,
    /// Number of words of its heading.
    pub heading_words: u32,
}

/// A section that matched: its position in the document's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionMatch {
    /// Index into the document's `rendered.sections`.
    pub section: usize,
    /// Distinct query words in it, heading words counting twice.
    pub score: usize,
}

impl Layout {
    /// Counts the words of a document's body parts; `section_parts[i]` is the index of
    /// the part where section `i` of `sections` begins.
    pub fn new(sections: &[TextSection], parts: &[&str], section_parts: &[usize]) -> Layout {
        let mut spans = Vec::with_capacity(section_parts.len());
        let mut marks = Vec::new();
        let mut starts = sections.iter().zip(section_parts).peekable();
        let mut position = 0u32;
        for (index, part) in parts.iter().enumerate() {
            while let Some((section, &part)) = starts.next_if(|(_, p)| **p <= index) {
                spans.push(Span {
                    part,
                    start: position,
                    heading_words: count_words(&section.heading),
                });
            }
            let mut at = 0;
            loop {
                let (start, end) = snippet::next_word(part, at);
                if start == part.len() {
                    break;
                }
                if position > 0 && position.is_multiple_of(MARK_EVERY) {
                    // Every mark is pushed, so that its place gives its word. A part
                    // or an offset past 4 GiB cannot occur: content files are at most
                    // `MAX_FILE_BYTES` (64 MiB).
                    marks.push(Mark {
                        part: u32::try_from(index).unwrap_or(u32::MAX),
                        offset: u32::try_from(start).unwrap_or(u32::MAX),
                    });
                }
                position += 1;
                at = end;
            }
        }
        // Sections past the last part (none in a well-formed body) start at its end.
        for (section, &part) in starts {
            spans.push(Span {
                part,
                start: position,
                heading_words: count_words(&section.heading),
            });
        }
        let headed = sections.iter().filter(|s| !s.heading.is_empty()).count();
        Layout {
            spans: spans.into(),
            linked: headed >= MIN_HEADED_SECTIONS,
            marks: marks.into(),
        }
    }

    /// The body parts from a word at or before `first` on, and that word's number. The
    /// walk to `first` starts at the mark before it or at its section's start,
    /// whichever is later, not at the start of the text.
    pub fn walk_to<'a>(
        &self,
        parts: &[&'a str],
        first: u32,
    ) -> (impl Iterator<Item = &'a str>, u32) {
        let (part, start) = self
            .section_at(first)
            .and_then(|s| self.span(s))
            .map_or((0, 0), |s| (s.part, s.start));
        let (part, offset, start) = match self.mark_before(first) {
            Some((mark, position)) if position > start => {
                (mark.part as usize, mark.offset as usize, position)
            }
            _ => (part, 0, start),
        };
        let head = parts.get(part).and_then(|p| p.get(offset..)).unwrap_or("");
        let rest = parts.get(part + 1..).unwrap_or(&[]).iter().copied();
        (std::iter::once(head).chain(rest), start)
    }

    /// The last mark at or before word `position`, with the number of its word.
    fn mark_before(&self, position: u32) -> Option<(Mark, u32)> {
        let marks_up_to = (position / MARK_EVERY) as usize;
        let i = marks_up_to.min(self.marks.len()).checked_sub(1)?;
        Some((self.marks[i], (i as u32 + 1) * MARK_EVERY))
    }

    /// The section holding a word position (`None` before the first section: the
    /// summary).
    pub fn section_at(&self, position: u32) -> Option<usize> {
        self.spans
            .partition_point(|s| s.start <= position)
            .checked_sub(1)
    }

    /// The span of a section.
    pub fn span(&self, section: usize) -> Option<Span> {
        self.spans.get(section).copied()
    }

    /// The word positions `[start, end)` of a section.
    pub fn range(&self, section: usize) -> std::ops::Range<u32> {
        let start = self.spans.get(section).map_or(0, |s| s.start);
        let end = self.spans.get(section + 1).map_or(u32::MAX, |s| s.start);
        start..end
    }

    /// The best headed sections for a document's matches (word position, query word;
    /// sorted by position), best first.
    pub fn best(&self, sections: &[TextSection], matches: &[(u32, usize)]) -> Vec<SectionMatch> {
        if !self.linked {
            return Vec::new();
        }
        // The best so far, best first. Sections come in order, so a later section
        // takes a place only with a higher score: among equals the earlier one wins.
        let mut best: Vec<SectionMatch> = Vec::with_capacity(SECTIONS_PER_HIT + 1);
        let mut i = 0;
        while i < matches.len() {
            let Some(section) = self.section_at(matches[i].0) else {
                i += 1;
                continue;
            };
            let range = self.range(section);
            let heading_end = range.start + self.spans[section].heading_words;
            // The query words seen in this section, as bits.
            let mut words = 0u128;
            let mut score = 0;
            while i < matches.len() && range.contains(&matches[i].0) {
                let (position, word) = matches[i];
                let bit = snippet::word_bit(word);
                if words & bit == 0 {
                    words |= bit;
                    score += 1;
                }
                if position < heading_end {
                    score += 1;
                }
                i += 1;
            }
            let headed = sections.get(section).is_some_and(|s| !s.heading.is_empty());
            let place = best
                .iter()
                .position(|b| score > b.score)
                .unwrap_or(best.len());
            if headed && place < SECTIONS_PER_HIT {
                best.insert(place, SectionMatch { section, score });
                best.truncate(SECTIONS_PER_HIT);
            }
        }
        best
    }
}

/// Layouts are kept beside a cached index: counting the words of every document
/// again was a tenth of a cached restart.
impl Stored for Layout {
    fn put(&self, w: &mut Writer) {
        let Layout {
            spans,
            linked,
            marks,
        } = self;
        linked.put(w);
        spans.put(w);
        marks.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(Layout {
            linked: Stored::take(r)?,
            spans: Stored::take(r)?,
            marks: Stored::take(r)?,
        })
    }
}

impl Stored for Mark {
    fn put(&self, w: &mut Writer) {
        let Mark { part, offset } = self;
        part.put(w);
        offset.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(Mark {
            part: Stored::take(r)?,
            offset: Stored::take(r)?,
        })
    }
}

impl Stored for Span {
    fn put(&self, w: &mut Writer) {
        let Span {
            part,
            start,
            heading_words,
        } = self;
        part.put(w);
        start.put(w);
        heading_words.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(Span {
            part: Stored::take(r)?,
            start: Stored::take(r)?,
            heading_words: Stored::take(r)?,
        })
    }
}

/// Words as the index's tokenizer counts them (see [`snippet::next_word`]).
pub fn count_words(text: &str) -> u32 {
    let mut words = 0;
    let mut at = 0;
    loop {
        let (start, end) = snippet::next_word(text, at);
        if start == text.len() {
            return words;
        }
        words += 1;
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer};

    #[test]
    fn counts_words_like_the_tokenizer() {
        let mut tokenizer = TextAnalyzer::from(SimpleTokenizer::default());
        for text in [
            "",
            "  ",
            "Ein Satz.",
            "Kfz-Mechatroniker/in (SHK) — 3,5 m² über Größe; 12x",
            "日本語 テキスト and émoji 🙂 done",
            "ends with word",
        ] {
            let mut stream = tokenizer.token_stream(text);
            let mut n = 0;
            while stream.advance() {
                n += 1;
            }
            assert_eq!(count_words(text), n, "{text}");
        }
    }

    fn document(sections: &[(&str, &str)]) -> Vec<TextSection> {
        sections
            .iter()
            .map(|(heading, text)| TextSection {
                id: heading.to_lowercase(),
                heading: (*heading).to_owned(),
                text: (*text).to_owned(),
            })
            .collect()
    }

    /// The parts as the parent module builds them (no summary, no tags).
    fn layout(d: &[TextSection]) -> Layout {
        let mut parts = Vec::new();
        let mut starts = Vec::new();
        for s in d {
            starts.push(parts.len());
            if !s.heading.is_empty() {
                parts.extend([s.heading.as_str(), "\n"]);
            }
            parts.extend([s.text.as_str(), "\n"]);
        }
        Layout::new(d, &parts, &starts)
    }

    #[test]
    fn places_positions_in_sections() {
        let d = document(&[
            ("", "Vorwort in drei"),
            ("Erste Hilfe", "Verbandkasten prüfen"),
            ("Termine", "Im März"),
        ]);
        let l = layout(&d);
        // Vorwort(0) in(1) drei(2) Erste(3) Hilfe(4) Verbandkasten(5) prüfen(6) Termine(7) Im(8) März(9)
        assert_eq!(l.section_at(2), Some(0));
        assert_eq!(l.section_at(3), Some(1));
        assert_eq!(l.section_at(6), Some(1));
        assert_eq!(l.section_at(7), Some(2));
        assert_eq!(l.section_at(99), Some(2));
        assert_eq!(l.range(1), 3..7);
        // "März" and "Verbandkasten" once each: the heading match makes "Termine" win.
        let best = l.best(&d, &[(5, 0), (7, 1), (9, 0)]);
        assert_eq!(
            best,
            [
                SectionMatch {
                    section: 2,
                    score: 3
                },
                SectionMatch {
                    section: 1,
                    score: 1
                }
            ]
        );
        // The untitled first section is never a section hit.
        assert!(l.best(&d, &[(0, 0), (1, 1), (2, 2)]).is_empty());
    }

    #[test]
    fn the_best_two_sections_win_and_the_earlier_of_equals() {
        let d = document(&[
            ("", "Vorwort"),
            ("Eins", "a b"),
            ("Zwei", "c d"),
            ("Drei", "e f"),
            ("Vier", "g h"),
        ]);
        let l = layout(&d);
        // Vorwort(0) Eins(1) a(2) b(3) Zwei(4) c(5) d(6) Drei(7) e(8) f(9) Vier(10) g(11) h(12)
        let sections = |matches: &[(u32, usize)]| -> Vec<(usize, usize)> {
            let best = l.best(&d, matches);
            best.iter().map(|m| (m.section, m.score)).collect()
        };
        // A word found twice in a section counts once.
        let ties = [(2, 0), (3, 0), (5, 0), (6, 1), (8, 1), (9, 0), (12, 1)];
        assert_eq!(sections(&ties), [(2, 2), (3, 2)]);
        assert_eq!(sections(&[(2, 0), (12, 1)]), [(1, 1), (4, 1)]);
        // A heading word counts twice: the last section comes first.
        assert_eq!(
            sections(&[(3, 0), (6, 0), (10, 1), (11, 0)]),
            [(4, 3), (1, 1)]
        );
    }

    #[test]
    fn a_walk_from_a_mark_shows_the_same_snippet_as_one_from_the_start() {
        // Long sections of mixed words, so that marks fall inside their texts.
        let text = |n: usize, salt: usize| -> String {
            (0..n)
                .map(|i| match (i + salt) % 5 {
                    0 => "Gesellenprüfung,",
                    1 => "Kfz-Mechatroniker/in",
                    2 => "über",
                    3 => "(SHK)",
                    _ => "3,5 m²",
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let d = document(&[
            ("", &text(50, 0)),
            ("Erster Teil", &text(700, 1)),
            ("Zweiter Teil", &text(90, 2)),
            ("Dritter Teil", &text(400, 3)),
        ]);
        let l = layout(&d);
        let parts: Vec<&str> = d
            .iter()
            .flat_map(|s| {
                let heading = (!s.heading.is_empty()).then_some([s.heading.as_str(), "\n"]);
                heading.into_iter().flatten().chain([s.text.as_str(), "\n"])
            })
            .collect();
        let total: u32 = parts.iter().map(|p| count_words(p)).sum();
        assert!(l.marks.len() >= 10, "{} marks", l.marks.len());
        // Each mark points at the word its place numbers.
        for (i, mark) in l.marks.iter().enumerate() {
            let part = parts[mark.part as usize];
            let offset = mark.offset as usize;
            assert_eq!(snippet::next_word(part, offset).0, offset);
            let before: u32 = parts[..mark.part as usize]
                .iter()
                .map(|p| count_words(p))
                .sum::<u32>()
                + count_words(&part[..offset]);
            assert_eq!(before, (i as u32 + 1) * MARK_EVERY);
        }
        let matches: Vec<(u32, usize)> = (0..total).step_by(7).map(|p| (p, 0)).collect();
        let mut skipped = 0;
        for first in (0..total)
            .step_by(13)
            .chain([31, 32, 33, 127, 128, 129, 255, 256])
        {
            let (walk, start) = l.walk_to(&parts, first);
            assert!(start <= first);
            skipped += u32::from(start > l.range(l.section_at(first).unwrap_or(0)).start);
            let marked = snippet::cut(walk, start, first, &matches, 160, false);
            let whole = snippet::cut(parts.iter().copied(), 0, first, &matches, 160, false);
            assert_eq!(marked, whole, "from word {first}");
        }
        assert!(skipped > 50, "marks were used: {skipped}");
    }

    #[test]
    fn short_documents_have_no_section_hits() {
        let d = document(&[("", "Text"), ("Nur eine Überschrift", "Text")]);
        assert!(layout(&d).best(&d, &[(2, 0)]).is_empty());
    }
}
