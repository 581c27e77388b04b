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
//! documents that match more of the query's words rank first; neighbouring query
//! words that stand close together in a document add a bonus. Stop words are left out
//! when the query has other words (see [`stopwords`]).

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::analysis;
use super::stopwords;

/// Longest query text that is searched; the rest is cut with a note to the reader.
pub const MAX_QUERY_CHARS: usize = 300;
/// Most words (outside and inside phrases) that are searched.
pub const MAX_TERMS: usize = 24;
// The weights below were set on the known-item evaluation of bench/search-quality.sh
// (German man pages; MRR@10 on full summaries / nouns only / nouns with a typo), one
// knob at a time around the chosen values, each change judged on all three sets.

/// Weight of a title match relative to the body. 1.25 keeps titles ahead of body
/// text; 1.0 lost 0.004 on the summaries, 1.5 and 2 lost up to 0.007 and 0.014 (short
/// titles outweigh the text), and 4 lost up to 0.2.
pub const TITLE_BOOST: f32 = 1.25;
/// Weight of the headings field. Headings are part of the body text already; weighting
/// them again as a short field of their own lost on nouns and typos at every weight
/// tried, while the summaries moved by less than 0.001 (0.05: -0.002 and -0.004; 0.1:
/// -0.003 and -0.005; 0.5: -0.009 and -0.013; 2 to 4: up to -0.2, as generic headings
/// such as "Beschreibung" or "Optionen" dominated). So they count through the body
/// only, are left out of the query (no scorer per term), and drive the section hits.
pub const HEADINGS_BOOST: f32 = 0.0;
/// Weight of a compound's part relative to the whole word. 0.5 beat 0.4 by 0.001–0.002
/// on every set; 0.25–0.3 lost up to 0.004, 0.6 lost up to 0.0025.
pub const PART_WEIGHT: f32 = 0.5;
/// Weight of a spelling correction relative to a word typed correctly. 0.5 and 0.6 lost
/// 0.014 and 0.008 on typos; 0.8–0.85 were within 0.002.
pub const CORRECTION_WEIGHT: f32 = 0.7;
/// Weight of a synonym relative to the word typed.
pub const SYNONYM_WEIGHT: f32 = 0.8;
/// How much the other fields count beside the best-matching field of a term. 0.5 won
/// 0.006 on the summaries over 0.2 (typos -0.004, within noise); 0.1 lost 0.005 on the
/// summaries, 0.7 and 1.0 (a plain sum) lost 0.004–0.01 on nouns and typos.
pub(super) const TIE_BREAKER: f32 = 0.5;
/// Weight of the bonus for two query words next to each other in the query that stand
/// close together in the body. With [`PROXIMITY_SLOP`] 5, stop words left out and
/// neighbours only: +0.015 on the summaries,
/// +0.027 on nouns, +0.015 on typos; 0.1 gave about half of that, 0.45–0.6 lost again
/// on the summaries. Adding the title as a field for it changed nothing (and costs
/// scorers).
pub const PROXIMITY_WEIGHT: f32 = 0.3;
/// How many following query words each query word is paired with for the proximity
/// bonus (stop words left out), the pair one word apart at half the weight. 2 gained
/// +0.007 on the summaries and +0.002–0.003 on the others over neighbours only (1);
/// 3 and 4 gained nothing more and cost more scorers.
pub const PROXIMITY_REACH: usize = 2;
/// How far apart (in word moves) the pair may stand for the proximity bonus. 0 or 1 (next
/// to each other) gained mostly on the summaries; 4–6 gained on all sets, 8 began to
/// lose.
pub const PROXIMITY_SLOP: u32 = 5;

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
        parsed.drop_stop_words();
        parsed
    }

    /// Leaves out stop words, if the query has other words to search for.
    fn drop_stop_words(&mut self) {
        let content = self
            .groups
            .iter()
            .any(|g| !stopwords::is_stop_word(&g.word));
        if content || !self.phrases.is_empty() {
            self.groups.retain(|g| !stopwords::is_stop_word(&g.word));
        }
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
    /// alternatives; every phrase must match. This states how a query scores; searches
    /// compute the same scores faster with [`super::execute::SegmentScorer`].
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
            // of the query's words rank first. (Measured and dropped: a constant
            // bonus per matched word, -0.005 to -0.01 MRR, and scaling the sum by the
            // matched share of the words, plain or IDF-weighted, -0.015 to -0.06 on
            // the summaries: both reward documents that match common words.)
            clauses.push((Occur::Should, Box::new(BooleanQuery::new(alternatives))));
        }
        // Query words that stand close together in a document, as in the query, make
        // it a better match: a bonus for each pair of query words up to
        // PROXIMITY_REACH places apart in the query, halved for a pair with a word
        // between them.
        for (i, first) in parsed.groups.iter().enumerate() {
            let following = parsed.groups[i + 1..].iter().take(PROXIMITY_REACH);
            for (apart, second) in following.enumerate() {
                let bonus = self.proximity(&first.term, &second.term);
                clauses.push((Occur::Should, boosted(bonus, 1.0 / (apart + 1) as f32)));
            }
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

    /// The proximity bonus for two query words: both in the body, at most
    /// [`PROXIMITY_SLOP`] moves apart.
    fn proximity(&self, first: &str, second: &str) -> Box<dyn Query> {
        let mut phrase = PhraseQuery::new(vec![
            Term::from_field_text(self.body, first),
            Term::from_field_text(self.body, second),
        ]);
        phrase.set_slop(PROXIMITY_SLOP);
        boosted(Box::new(phrase), PROXIMITY_WEIGHT)
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

    /// The fields searched, with their weights (fields weighted 0 are left out).
    pub(super) fn weighted_fields(&self) -> impl Iterator<Item = (Field, f32)> {
        [
            (self.title, TITLE_BOOST),
            (self.headings, HEADINGS_BOOST),
            (self.body, 1.0),
        ]
        .into_iter()
        .filter(|(_, boost)| *boost > 0.0)
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
    fn stop_words_are_left_out_only_beside_other_words() {
        let terms = |text: &str| -> Vec<String> {
            parse(text).groups.into_iter().map(|g| g.term).collect()
        };
        assert_eq!(terms("die Prüfung für den Bäcker"), ["prufung", "back"]);
        assert_eq!(terms("Fuer die Pruefung"), ["prufung"]);
        assert_eq!(terms("und oder"), ["und", "oder"], "only stop words: kept");
        let p = parse(r#"die "Teil 1" und"#);
        assert!(p.groups.is_empty(), "a phrase is another word");
        assert_eq!(p.phrases, [vec!["teil", "1"]]);
    }

    /// A small index with the real analyzer and schema shape, and its query fields.
    fn index(bodies: &[&str]) -> (tantivy::Index, QueryFields) {
        use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::GERMAN)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut builder = Schema::builder();
        let fields = QueryFields {
            title: builder.add_text_field("title", text.clone()),
            headings: builder.add_text_field("headings", text.clone()),
            body: builder.add_text_field("body", text),
        };
        let index = tantivy::Index::create_in_ram(builder.build());
        index
            .tokenizers()
            .register(analysis::GERMAN, analysis::german());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for body in bodies {
            let mut doc = tantivy::TantivyDocument::default();
            doc.add_text(fields.title, "Seite");
            doc.add_text(fields.body, body);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, fields)
    }

    /// The documents matching `text`, best first.
    fn ranked(index: &tantivy::Index, fields: &QueryFields, text: &str) -> Vec<u32> {
        let searcher = index.reader().unwrap().searcher();
        let query = fields.build(&parse(text));
        let top = searcher
            .search(
                &*query,
                &tantivy::collector::TopDocs::with_limit(10).order_by_score(),
            )
            .unwrap();
        top.into_iter().map(|(_, address)| address.doc_id).collect()
    }

    #[test]
    fn neighbouring_words_close_together_rank_first() {
        let filler = "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf";
        // The same words and the same length, only the distance differs; with equal
        // scores the first document would come first.
        let far = format!("Holz {filler} Leim");
        let near = format!("{filler} Holz Leim");
        let (index, fields) = index(&[&far, &near]);
        assert_eq!(ranked(&index, &fields, "Holz und Leim"), [1, 0]);
        assert_eq!(ranked(&index, &fields, "Leim"), [0, 1], "no pair: a tie");
    }

    #[test]
    fn words_one_apart_in_the_query_count_too() {
        let filler = "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf";
        // Only the first and the third query word stand close together, and only in
        // the second document.
        let apart = format!("Holz {filler} Leim {filler} Nagel");
        let close = format!("Leim {filler} Holz Nagel {filler}");
        let (index, fields) = index(&[&apart, &close]);
        assert_eq!(ranked(&index, &fields, "Holz Leim Nagel"), [1, 0]);
    }

    #[test]
    fn a_query_of_stop_words_still_finds_them() {
        let (index, fields) = index(&["Holz und Leim", "Metall"]);
        assert_eq!(ranked(&index, &fields, "und"), [0]);
        assert_eq!(ranked(&index, &fields, "und Metall"), [1]);
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
