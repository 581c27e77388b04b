//! From what a person typed to a tantivy query, without tantivy's `QueryParser`.
//!
//! User text is never handed to a query language: quotes mark phrases, everything else
//! is words, and every word goes through the same German analyzer as the documents.
//! Punctuation, operators and unbalanced quotes are therefore just text, and no input
//! can make query building fail.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::analysis;

/// Longest query text that is searched; the rest is cut with a note to the reader.
pub const MAX_QUERY_CHARS: usize = 300;
/// Most analysed terms (words and phrase words together) that are searched.
pub const MAX_TERMS: usize = 24;
/// Weight of a title match relative to the body.
pub const TITLE_BOOST: f32 = 4.0;
/// Weight of a heading match relative to the body.
pub const HEADINGS_BOOST: f32 = 2.0;
/// How much the other fields count beside the best-matching field of a term.
const TIE_BREAKER: f32 = 0.2;

/// A query as the reader typed it, split into analysed words and phrases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Analysed terms of the words outside quotes, without repeats.
    pub terms: Vec<String>,
    /// Analysed terms of each quoted phrase.
    pub phrases: Vec<Vec<String>>,
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
            let terms = analysis::terms(analyzer, piece);
            if terms.len() > budget {
                truncated = true;
            }
            let terms: Vec<String> = terms.into_iter().take(budget).collect();
            budget -= terms.len();
            if i % 2 == 1 && terms.len() > 1 {
                parsed.phrases.push(terms);
            } else {
                for term in terms {
                    if !parsed.terms.contains(&term) {
                        parsed.terms.push(term);
                    }
                }
            }
        }
        parsed.truncated = truncated;
        parsed
    }

    /// Whether nothing searchable is left (then filters alone decide).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty()
    }

    /// Every analysed term, for highlighting.
    pub fn all_terms(&self) -> impl Iterator<Item = &String> {
        self.terms.iter().chain(self.phrases.iter().flatten())
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
    /// Builds the tantivy query: every word may match (OR), each in its best field
    /// (title over headings over body); every phrase must match.
    pub fn build(&self, parsed: &ParsedQuery) -> Box<dyn Query> {
        if parsed.is_empty() {
            return Box::new(AllQuery);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for term in &parsed.terms {
            clauses.push((Occur::Should, self.term_query(term)));
        }
        for phrase in &parsed.phrases {
            let per_field: Vec<Box<dyn Query>> = [
                (self.title, TITLE_BOOST),
                (self.headings, HEADINGS_BOOST),
                (self.body, 1.0),
            ]
            .into_iter()
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

    fn term_query(&self, term: &str) -> Box<dyn Query> {
        let per_field: Vec<Box<dyn Query>> = [
            (self.title, TITLE_BOOST),
            (self.headings, HEADINGS_BOOST),
            (self.body, 1.0),
        ]
        .into_iter()
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
        assert_eq!(p.terms, ["back", "prufung"]);
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
            assert!(p.terms.len() + p.phrases.len() <= MAX_TERMS, "{text}");
        }
        assert!(parse("\"*()\"").is_empty());
    }

    #[test]
    fn long_text_is_cut_with_a_note() {
        let p = parse(&"wort ".repeat(1000));
        assert!(p.truncated);
        let p = parse(&(0..100).map(|i| format!("w{i} ")).collect::<String>());
        assert!(p.truncated);
        assert_eq!(p.terms.len(), MAX_TERMS);
    }
}
