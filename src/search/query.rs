//! From what a person typed to a tantivy query, without tantivy's `QueryParser`.
//!
//! User text is never handed to a query language: quotes mark phrases, everything else
//! is words, and every word goes through the same German analyzer as the documents.
//! Punctuation, operators and unbalanced quotes are therefore just text, and no input
//! can make query building fail.
//!
//! Each word becomes a group of weighted alternatives: the word itself, the parts of a
//! compound, a spelling correction, synonyms. A document scores for the best field of
//! each alternative (title over body), and the scores of all matched words add up, so
//! documents that match more of the query's words rank first.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::analysis;

/// Longest query text that is searched; the rest is cut with a note to the reader.
pub const MAX_QUERY_CHARS: usize = 300;
/// Most words (outside and inside phrases) that are searched.
pub const MAX_TERMS: usize = 24;
/// Weight of a title match relative to the body. Measured on a real German corpus
/// (bench/search-quality.sh): 1.25 keeps titles ahead of body text; 2 to 4 let short
/// titles outweigh the text and cost 0.01–0.2 MRR.
pub const TITLE_BOOST: f32 = 1.25;
/// Weight of the headings field. Headings are part of the body text already; weighting
/// them again as a short field of their own cost 0.02–0.2 MRR on the evaluation corpus
/// (generic headings such as "Beschreibung" or "Optionen" dominated), so they count
/// through the body only, and drive the section hits instead.
pub const HEADINGS_BOOST: f32 = 0.0;
/// Weight of a compound's part relative to the whole word.
pub const PART_WEIGHT: f32 = 0.4;
/// Weight of a spelling correction relative to a word typed correctly.
pub const CORRECTION_WEIGHT: f32 = 0.7;
/// Weight of a synonym relative to the word typed.
pub const SYNONYM_WEIGHT: f32 = 0.8;
/// How much the other fields count beside the best-matching field of a term.
const TIE_BREAKER: f32 = 0.2;

/// One way to match a query word: all of `terms` (usually one), with a weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// Analysed terms that must all match.
    pub terms: Vec<String>,
    /// Relative weight (1.0 for the word as typed).
    pub weight: f32,
}

impl Alternative {
    fn single(term: &str, weight: f32) -> Alternative {
        Alternative {
            terms: vec![term.to_owned()],
            weight,
        }
    }
}

/// A query word with the ways it may match.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The word as typed, lowercased (for corrections and "Meinten Sie").
    pub word: String,
    /// The analysed word.
    pub term: String,
    /// The word itself first, then compound parts, corrections and synonyms.
    pub alternatives: Vec<Alternative>,
}

impl Group {
    /// Adds the analysed terms of another spelling or synonym, weighted.
    pub fn add(&mut self, terms: &[String], weight: f32) {
        if terms.is_empty() || self.alternatives.iter().any(|a| a.terms == terms) {
            return;
        }
        self.alternatives.push(Alternative {
            terms: terms.to_vec(),
            weight,
        });
    }
}

/// A query as the reader typed it, split into analysed words and phrases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedQuery {
    /// One group per word outside quotes; words are not repeated.
    pub groups: Vec<Group>,
    /// Analysed words of each quoted phrase (without compound parts).
    pub phrases: Vec<Vec<String>>,
    /// Alternatives that span several words (a multi-word synonym entry matched).
    pub extra: Vec<Alternative>,
    /// Whether the text was cut to the limits.
    pub truncated: bool,
}

impl ParsedQuery {
    /// Splits and analyses `text`.
    pub fn parse(text: &str, analyzer: &mut TextAnalyzer) -> ParsedQuery {
        let mut truncated = false;
        let text = match text.char_indices().nth(MAX_QUERY_CHARS) {
            Some((cut, _)) => {
                truncated = true;
                &text[..cut]
            }
            None => text,
        };
        let mut parsed = ParsedQuery::default();
        let mut budget = MAX_TERMS;
        // Odd-numbered pieces between `"` are phrases; an unclosed quote simply
        // makes the rest a phrase.
        for (i, piece) in text.split('"').enumerate() {
            let groups = analysis::groups(analyzer, piece);
            if groups.len() > budget {
                truncated = true;
            }
            let groups: Vec<analysis::TermGroup> = groups.into_iter().take(budget).collect();
            budget -= groups.len();
            if i % 2 == 1 && groups.len() > 1 {
                parsed
                    .phrases
                    .push(groups.into_iter().map(|g| g.terms[0].clone()).collect());
                continue;
            }
            let words = analysis::words(piece);
            for group in groups {
                let term = group.terms[0].clone();
                if parsed.groups.iter().any(|g| g.term == term) {
                    continue;
                }
                let word = words
                    .iter()
                    .find(|(p, _)| *p == group.position)
                    .map(|(_, w)| w.clone())
                    .unwrap_or_else(|| term.clone());
                let mut alternatives = vec![Alternative::single(&term, 1.0)];
                alternatives.extend(
                    group.terms[1..]
                        .iter()
                        .map(|t| Alternative::single(t, PART_WEIGHT)),
                );
                parsed.groups.push(Group {
                    word,
                    term,
                    alternatives,
                });
            }
        }
        parsed.truncated = truncated;
        parsed
    }

    /// Whether nothing searchable is left (then filters alone decide).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.phrases.is_empty()
    }

    /// Every analysed term, for highlighting.
    pub fn all_terms(&self) -> impl Iterator<Item = &String> {
        self.groups
            .iter()
            .flat_map(|g| g.alternatives.iter().flat_map(|a| a.terms.iter()))
            .chain(self.phrases.iter().flatten())
            .chain(self.extra.iter().flat_map(|a| a.terms.iter()))
    }
}

/// The text fields a query searches, with their weights.
#[derive(Debug, Clone, Copy)]
pub struct QueryFields {
    /// The title.
    pub title: Field,
    /// All headings.
    pub headings: Field,
    /// Summary and body text.
    pub body: Field,
}

impl QueryFields {
    /// Builds the tantivy query: every word may match (OR) through any of its
    /// alternatives; every phrase must match.
    pub fn build(&self, parsed: &ParsedQuery) -> Box<dyn Query> {
        if parsed.is_empty() {
            return Box::new(AllQuery);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &parsed.groups {
            let alternatives: Vec<(Occur, Box<dyn Query>)> = group
                .alternatives
                .iter()
                .map(|a| (Occur::Should, self.alternative(a)))
                .collect();
            // The scores of all matched words add up, so documents that match more
            // of the query's words rank first. (An extra constant bonus per matched
            // word was measured and lost 0.005–0.01 MRR: it rewards common words.)
            clauses.push((Occur::Should, Box::new(BooleanQuery::new(alternatives))));
        }
        for extra in &parsed.extra {
            clauses.push((Occur::Should, self.alternative(extra)));
        }
        for phrase in &parsed.phrases {
            let per_field: Vec<Box<dyn Query>> = self
                .weighted_fields()
                .map(|(field, boost)| {
                    let terms: Vec<Term> = phrase
                        .iter()
                        .map(|t| Term::from_field_text(field, t))
                        .collect();
                    boosted(Box::new(PhraseQuery::new(terms)), boost)
                })
                .collect();
            clauses.push((Occur::Must, Box::new(DisjunctionMaxQuery::new(per_field))));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// One alternative: all its terms must match, each in its best field.
    fn alternative(&self, alternative: &Alternative) -> Box<dyn Query> {
        let query = if alternative.terms.len() == 1 {
            self.term_query(&alternative.terms[0])
        } else {
            let musts = alternative
                .terms
                .iter()
                .map(|t| (Occur::Must, self.term_query(t)))
                .collect();
            Box::new(BooleanQuery::new(musts))
        };
        boosted(query, alternative.weight)
    }

    fn term_query(&self, term: &str) -> Box<dyn Query> {
        let per_field: Vec<Box<dyn Query>> = self
            .weighted_fields()
            .map(|(field, boost)| {
                let query = TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                boosted(Box::new(query), boost)
            })
            .collect();
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            per_field,
            TIE_BREAKER,
        ))
    }

    fn weighted_fields(&self) -> impl Iterator<Item = (Field, f32)> {
        [
            (self.title, TITLE_BOOST),
            (self.headings, HEADINGS_BOOST),
            (self.body, 1.0),
        ]
        .into_iter()
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParsedQuery {
        ParsedQuery::parse(text, &mut analysis::german())
    }

    #[test]
    fn words_and_phrases() {
        let p = parse(r#"Bäcker "Teil 1 schriftlich" Prüfung bäcker"#);
        let terms: Vec<&str> = p.groups.iter().map(|g| g.term.as_str()).collect();
        assert_eq!(terms, ["back", "prufung"]);
        let words: Vec<&str> = p.groups.iter().map(|g| g.word.as_str()).collect();
        assert_eq!(words, ["bäcker", "prüfung"]);
        assert_eq!(p.phrases, [vec!["teil", "1", "schriftlich"]]);
        assert!(!p.truncated);
    }

    #[test]
    fn hostile_text_never_fails() {
        for text in [
            "",
            "\"",
            "\"\"\"",
            "-*()[]{}:^~",
            "AND OR NOT",
            "title:x",
            "🙂🔥",
            "a\"b",
        ] {
            let p = parse(text);
            assert!(p.groups.len() + p.phrases.len() <= MAX_TERMS, "{text}");
        }
        assert!(parse("\"*()\"").is_empty());
    }

    #[test]
    fn long_text_is_cut_with_a_note() {
        let p = parse(&"wort ".repeat(1000));
        assert!(p.truncated);
        let p = parse(&(0..100).map(|i| format!("w{i} ")).collect::<String>());
        assert!(p.truncated);
        assert_eq!(p.groups.len(), MAX_TERMS);
    }
}
