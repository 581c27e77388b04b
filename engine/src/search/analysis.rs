//! German text analysis: the one place the tantivy tokenizer chain is defined.
//!
//! `Gesellenprüfungen` -> `gesellenprufung` (+ `gesell`, `prufung`): split on
//! non-alphanumerics, drop absurdly long tokens, lowercase, add the parts of compound
//! words (see [`compound`](super::compound)), German Snowball stemming (which also folds
//! ä/ö/ü and the spellings ae/oe/ue), then ASCII folding (ß -> ss and other accents).

use std::sync::Arc;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenStream,
};

use super::compound::{Decompounder, Lexicon};

/// The name under which the German analyzer is registered with the index.
pub const GERMAN: &str = "de";

/// Tokens longer than this many bytes are dropped. tantivy's default (40) would drop
/// long German compounds such as `Ausbildungsrahmenplanverordnung`; anything past
/// 100 bytes is a hash, a URL fragment or garbage.
pub const MAX_TOKEN_BYTES: usize = 100;

/// Builds the German analyzer without compound splitting.
pub fn german() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::German))
        .filter(AsciiFoldingFilter)
        .build()
}

/// Builds the German analyzer that also indexes the parts of compound words.
pub fn german_with_compounds(lexicon: Arc<Lexicon>) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(Decompounder::new(lexicon))
        .filter(Stemmer::new(Language::German))
        .filter(AsciiFoldingFilter)
        .build()
}

/// The analysed terms of a text, in order (parts of compounds included).
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    groups(analyzer, text)
        .into_iter()
        .flat_map(|g| g.terms)
        .collect()
}

/// The analysed terms at one position of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermGroup {
    /// The word's position (index among the text's words).
    pub position: usize,
    /// The analysed word first, then the parts of a compound (without repeats).
    pub terms: Vec<String>,
}

/// The analysed terms of a text grouped by position.
pub fn groups(analyzer: &mut TextAnalyzer, text: &str) -> Vec<TermGroup> {
    let mut stream = analyzer.token_stream(text);
    let mut out: Vec<TermGroup> = Vec::new();
    while stream.advance() {
        let token = stream.token();
        match out.last_mut() {
            Some(group) if group.position == token.position => {
                if !group.terms.contains(&token.text) {
                    group.terms.push(token.text.clone());
                }
            }
            _ => out.push(TermGroup {
                position: token.position,
                terms: vec![token.text.clone()],
            }),
        }
    }
    out
}

/// The words of a text as typed, lowercased, with their positions (to show and
/// correct what the reader wrote, rather than its stems).
pub fn words(text: &str) -> Vec<(usize, String)> {
    let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .build();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push((stream.token().position, stream.token().text.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> String {
        let t = terms(&mut german(), text);
        assert_eq!(t.len(), 1, "{text}: {t:?}");
        t[0].clone()
    }

    /// Spellings that must meet in the index: each row analyses to one term.
    #[test]
    fn german_spellings_meet() {
        let rows: &[&[&str]] = &[
            &[
                "Prüfung",
                "prüfung",
                "Prüfungen",
                "pruefung",
                "Pruefungen",
                "PRÜFUNG",
            ],
            &["Bäcker", "baecker", "backer", "Baeckers", "Bäckers"],
            &["Straße", "strasse", "Strasse"],
            &["Gesellenprüfung", "Gesellenpruefung", "gesellenprüfungen"],
            &["Größe", "groesse", "Grösse"],
        ];
        for row in rows {
            let first = one(row[0]);
            for word in &row[1..] {
                assert_eq!(one(word), first, "{word} vs {}", row[0]);
            }
        }
    }

    #[test]
    fn keeps_long_compounds_and_splits_punctuation() {
        assert_eq!(
            terms(&mut german(), "Ausbildungsrahmenplanverordnungsentwurf").len(),
            1
        );
        assert_eq!(terms(&mut german(), "Kfz-Mechatroniker/in (SHK)").len(), 4);
        assert!(terms(&mut german(), "\"*()-–—").is_empty());
    }
}
