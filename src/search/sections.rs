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

/// Where a document's sections lie in its body field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// One entry per section of the document, in order.
    spans: Box<[Span]>,
    /// Whether the sections are shown as hits (enough of them have headings).
    linked: bool,
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
        let mut position = 0u32;
        let mut counted = 0;
        for (section, &part) in sections.iter().zip(section_parts) {
            position += parts[counted..part]
                .iter()
                .map(|p| count_words(p))
                .sum::<u32>();
            counted = part;
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
        }
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
        let mut scored: Vec<SectionMatch> = Vec::new();
        let mut words: Vec<usize> = Vec::new();
        let mut i = 0;
        while i < matches.len() {
            let Some(section) = self.section_at(matches[i].0) else {
                i += 1;
                continue;
            };
            let range = self.range(section);
            let heading_end = range.start + self.spans[section].heading_words;
            words.clear();
            let mut score = 0;
            while i < matches.len() && range.contains(&matches[i].0) {
                let (position, word) = matches[i];
                if !words.contains(&word) {
                    words.push(word);
                    score += 1;
                }
                if position < heading_end {
                    score += 1;
                }
                i += 1;
            }
            let headed = sections.get(section).is_some_and(|s| !s.heading.is_empty());
            if headed {
                scored.push(SectionMatch { section, score });
            }
        }
        // Best score first; among equals the earlier section.
        scored.sort_by(|a, b| b.score.cmp(&a.score).then(a.section.cmp(&b.section)));
        scored.truncate(SECTIONS_PER_HIT);
        scored
    }
}

/// Layouts are kept beside a cached index: counting the words of every document
/// again was a tenth of a cached restart.
impl Stored for Layout {
    fn put(&self, w: &mut Writer) {
        let Layout { spans, linked } = self;
        linked.put(w);
        // The same form as a `Vec<Span>`, which `take` reads.
        w.usize(spans.len());
        for span in spans.iter() {
            span.put(w);
        }
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        let linked = bool::take(r)?;
        let spans: Vec<Span> = Vec::take(r)?;
        Ok(Layout {
            spans: spans.into(),
            linked,
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
    fn short_documents_have_no_section_hits() {
        let d = document(&[("", "Text"), ("Nur eine Überschrift", "Text")]);
        assert!(layout(&d).best(&d, &[(2, 0)]).is_empty());
    }
}
