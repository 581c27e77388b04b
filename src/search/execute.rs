//! The scores of a query, computed list by list instead of through a tree of scorers.
//!
//! [`QueryFields::build`] states how a query scores as a tree of tantivy queries: a
//! disjunction per word over its alternatives, per alternative over the fields, plus the
//! proximity pairs and the required phrases. tantivy evaluates such a tree document by
//! document through nested union scorers, each with its own buffers, and for these
//! queries setting those up and merging them cost more than reading the postings
//! (`bench/README.md`, third profile round).
//!
//! This module computes the same scores another way: each term's postings are read once
//! into a list of `(document, score)` sorted by document, with tantivy's own BM25 weight;
//! lists are combined the way the tree combines its scorers (the best field plus
//! [`TIE_BREAKER`] of the others, all terms of an alternative, phrases required), and
//! the optional parts are added into one score array per segment. A test holds both
//! ways equal on every document.

use tantivy::query::{EnableScoring, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, Searcher, SegmentReader, Term};

use super::query::{
    Alternative, PROXIMITY_REACH, PROXIMITY_SLOP, PROXIMITY_WEIGHT, ParsedQuery, QueryFields,
    TIE_BREAKER,
};

/// Matching documents of one segment with their scores, sorted by document.
type Postings = Vec<(DocId, Score)>;

/// Scores one segment's documents for a parsed query.
pub struct SegmentScorer<'a> {
    fields: &'a QueryFields,
    scoring: EnableScoring<'a>,
    reader: &'a SegmentReader,
}

impl<'a> SegmentScorer<'a> {
    /// A scorer for the documents of `reader`, with the statistics of `searcher`.
    pub fn new(
        fields: &'a QueryFields,
        searcher: &'a Searcher,
        reader: &'a SegmentReader,
    ) -> SegmentScorer<'a> {
        SegmentScorer {
            fields,
            scoring: EnableScoring::enabled_from_searcher(searcher),
            reader,
        }
    }

    /// Calls `hit` with every live document that matches `parsed` and its score, in
    /// document order. An empty query matches every document with score 1.
    pub fn for_each(
        &self,
        parsed: &ParsedQuery,
        mut hit: impl FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        let max_doc = self.reader.max_doc();
        let alive = |doc: DocId| self.reader.alive_bitset().is_none_or(|a| a.is_alive(doc));
        if parsed.is_empty() {
            (0..max_doc).filter(|&d| alive(d)).for_each(|d| hit(d, 1.0));
            return Ok(());
        }

        // The optional parts: every alternative of every word, the proximity pairs and
        // the multi-word synonyms. A document matching any of them matches.
        let mut scores = vec![0.0 as Score; max_doc as usize];
        let mut matched = vec![false; max_doc as usize];
        let mut add = |postings: Postings| {
            for (doc, score) in postings {
                scores[doc as usize] += score;
                matched[doc as usize] = true;
            }
        };
        for group in &parsed.groups {
            for alternative in &group.alternatives {
                add(self.alternative(alternative)?);
            }
        }
        for (i, first) in parsed.groups.iter().enumerate() {
            let following = parsed.groups[i + 1..].iter().take(PROXIMITY_REACH);
            for (apart, second) in following.enumerate() {
                let weight = PROXIMITY_WEIGHT / (apart + 1) as Score;
                add(self.proximity(&first.term, &second.term, weight)?);
            }
        }
        for extra in &parsed.extra {
            add(self.alternative(extra)?);
        }

        // Phrases are required: only documents with all of them match, and then the
        // optional parts add to their scores.
        let mut required: Option<Postings> = None;
        for phrase in &parsed.phrases {
            let postings = self.phrase(phrase)?;
            required = Some(match required {
                Some(so_far) => intersect(&so_far, &postings),
                None => postings,
            });
        }
        match required {
            Some(required) => {
                for (doc, score) in required {
                    if alive(doc) {
                        hit(doc, score + scores[doc as usize]);
                    }
                }
            }
            None => {
                for (doc, &is_match) in matched.iter().enumerate() {
                    let doc = doc as DocId;
                    if is_match && alive(doc) {
                        hit(doc, scores[doc as usize]);
                    }
                }
            }
        }
        Ok(())
    }

    /// An alternative: all its terms, each in its best field, times its weight.
    fn alternative(&self, alternative: &Alternative) -> tantivy::Result<Postings> {
        let mut terms = alternative.terms.iter();
        let Some(first) = terms.next() else {
            return Ok(Vec::new());
        };
        let mut postings = self.best_field(first)?;
        for term in terms {
            if postings.is_empty() {
                break;
            }
            postings = intersect(&postings, &self.best_field(term)?);
        }
        scale(&mut postings, alternative.weight);
        Ok(postings)
    }

    /// One term in every weighted field: the best field's score plus [`TIE_BREAKER`]
    /// times the others'.
    fn best_field(&self, text: &str) -> tantivy::Result<Postings> {
        let mut merged: Vec<(DocId, Score, Score)> = Vec::new();
        for (field, boost) in self.fields.weighted_fields() {
            let mut postings = self.term(field, text)?;
            scale(&mut postings, boost);
            merged = merge(&merged, &postings, |(doc, max, sum), score| {
                (doc, max.max(score), sum + score)
            });
        }
        Ok(merged
            .into_iter()
            .map(|(doc, max, sum)| (doc, max + (sum - max) * TIE_BREAKER))
            .collect())
    }

    /// A quoted phrase: its best field (no share of the others).
    fn phrase(&self, words: &[String]) -> tantivy::Result<Postings> {
        let mut merged: Vec<(DocId, Score, Score)> = Vec::new();
        for (field, boost) in self.fields.weighted_fields() {
            let terms = words
                .iter()
                .map(|w| Term::from_field_text(field, w))
                .collect();
            let mut postings = self.matches(&PhraseQuery::new(terms))?;
            scale(&mut postings, boost);
            merged = merge(&merged, &postings, |(doc, max, _), score| {
                (doc, max.max(score), 0.0)
            });
        }
        Ok(merged.into_iter().map(|(doc, max, _)| (doc, max)).collect())
    }

    /// Two query words close together in the body.
    fn proximity(&self, first: &str, second: &str, weight: Score) -> tantivy::Result<Postings> {
        let mut phrase = PhraseQuery::new(vec![
            Term::from_field_text(self.fields.body, first),
            Term::from_field_text(self.fields.body, second),
        ]);
        phrase.set_slop(PROXIMITY_SLOP);
        let mut postings = self.matches(&phrase)?;
        scale(&mut postings, weight);
        Ok(postings)
    }

    /// One term's postings with their BM25 scores.
    fn term(&self, field: Field, text: &str) -> tantivy::Result<Postings> {
        let query = TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        );
        let weight = query.specialized_weight(self.scoring)?;
        let mut postings = Vec::new();
        tantivy::query::Weight::for_each(&weight, self.reader, &mut |doc, score| {
            postings.push((doc, score))
        })?;
        Ok(postings)
    }

    /// Any query's matches with their scores.
    fn matches(&self, query: &dyn Query) -> tantivy::Result<Postings> {
        let mut postings = Vec::new();
        query
            .weight(self.scoring)?
            .for_each(self.reader, &mut |doc, score| postings.push((doc, score)))?;
        Ok(postings)
    }
}

fn scale(postings: &mut Postings, weight: Score) {
    if weight != 1.0 {
        postings.iter_mut().for_each(|(_, score)| *score *= weight);
    }
}

/// The documents in both lists, their scores added.
fn intersect(a: &[(DocId, Score)], b: &[(DocId, Score)]) -> Postings {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The documents in either list, as `(document, best score, sum of scores)`; `join`
/// folds a score of `b` into an entry of `a`.
fn merge(
    a: &[(DocId, Score, Score)],
    b: &[(DocId, Score)],
    join: impl Fn((DocId, Score, Score), Score) -> (DocId, Score, Score),
) -> Vec<(DocId, Score, Score)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j == b.len() || (i < a.len() && a[i].0 < b[j].0);
        let take_b = i == a.len() || (j < b.len() && b[j].0 < a[i].0);
        if take_a {
            out.push(a[i]);
            i += 1;
        } else if take_b {
            out.push((b[j].0, b[j].1, b[j].1));
            j += 1;
        } else {
            out.push(join(a[i], b[j].1));
            i += 1;
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use tantivy::collector::TopDocs;
    use tantivy::schema::{STRING, Schema, TextFieldIndexing, TextOptions};
    use tantivy::{DocAddress, Index, TantivyDocument};

    use super::*;
    use crate::search::analysis;

    const WORDS: &[&str] = &[
        "Holz",
        "Leim",
        "Prüfung",
        "Gesellenprüfung",
        "Holzleim",
        "Säge",
        "Werkstatt",
        "Termin",
        "Meister",
        "und",
        "die",
        "Zwischenprüfung",
        "Fliese",
        "Bäcker",
        "Teig",
    ];

    /// Two segments of invented documents, one document deleted, and the fields.
    fn index() -> (Index, QueryFields) {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::GERMAN)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING);
        let fields = QueryFields {
            title: builder.add_text_field("title", text.clone()),
            headings: builder.add_text_field("headings", text.clone()),
            body: builder.add_text_field("body", text),
        };
        let index = Index::create_in_ram(builder.build());
        index
            .tokenizers()
            .register(analysis::GERMAN, analysis::german());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // A fixed pseudo-random sequence, so that every run tests the same corpus.
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for i in 0..80 {
            let mut words = |n: usize| -> String {
                (0..n)
                    .map(|_| WORDS[next(WORDS.len())])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let title = words(1 + i % 3);
            let mut body = words(3 + (i * 7) % 40);
            if i == 3 {
                // Deleted below: it must not match, not even a phrase.
                body = "Holz Leim Säge Termin Meister".into();
            }
            let mut doc = TantivyDocument::default();
            doc.add_text(id, i.to_string());
            doc.add_text(fields.title, &title);
            doc.add_text(fields.body, &body);
            writer.add_document(doc).unwrap();
            if i == 40 {
                writer.commit().unwrap();
            }
        }
        writer.delete_term(Term::from_field_text(id, "3"));
        writer.commit().unwrap();
        (index, fields)
    }

    /// Every matching document and its score, computed both ways.
    fn both_ways(
        index: &Index,
        fields: &QueryFields,
        parsed: &ParsedQuery,
    ) -> (BTreeMap<DocAddress, Score>, BTreeMap<DocAddress, Score>) {
        let searcher = index.reader().unwrap().searcher();
        let tree = searcher
            .search(
                &*fields.build(parsed),
                &TopDocs::with_limit(1000).order_by_score(),
            )
            .unwrap()
            .into_iter()
            .map(|(score, address)| (address, score))
            .collect();
        let mut lists = BTreeMap::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            SegmentScorer::new(fields, &searcher, reader)
                .for_each(parsed, |doc, score| {
                    lists.insert(DocAddress::new(ord as u32, doc), score);
                })
                .unwrap();
        }
        (tree, lists)
    }

    #[test]
    fn scores_equal_the_query_tree_on_every_document() {
        let (index, fields) = index();
        assert_eq!(index.searchable_segment_ids().unwrap().len(), 2);
        let mut queries: Vec<ParsedQuery> = [
            "Holz",
            "Holz Leim",
            "Holzleim Prüfung Säge",
            "Gesellenprüfung",
            "die und",
            "Meister Termin Werkstatt Teig Bäcker",
            "\"Holz Leim\"",
            "Säge \"Holz Leim\" \"Termin Meister\"",
            "\"Teig Bäcker\" Fliese",
            "Zwischenprüfung Holz Leim Säge",
            "unbekannt",
            "Holz unbekannt",
            "",
        ]
        .iter()
        .map(|text| ParsedQuery::parse(text, &mut analysis::german()))
        .collect();
        // A synonym of two words, a multi-word entry and a correction.
        let mut synonyms = ParsedQuery::parse("Leim Fliese", &mut analysis::german());
        synonyms.groups[0].add(&["holz".into(), "sag".into()], 0.8);
        synonyms.groups[1].add(&["werkstatt".into()], 0.7);
        synonyms.extra.push(Alternative {
            terms: vec!["meist".into(), "termin".into()],
            weight: 0.8,
        });
        queries.push(synonyms);

        let mut compared = 0;
        for parsed in &queries {
            let (tree, lists) = both_ways(&index, &fields, parsed);
            let documents: Vec<_> = tree.keys().collect();
            assert_eq!(documents, lists.keys().collect::<Vec<_>>(), "{parsed:?}");
            for (address, score) in &tree {
                let other = lists[address];
                assert!(
                    (score - other).abs() <= 1e-4 * score.abs().max(1.0),
                    "{parsed:?} {address:?}: {score} vs {other}"
                );
                compared += 1;
            }
        }
        assert!(
            compared > 300,
            "the queries match enough documents: {compared}"
        );
        let deleted = DocAddress::new(0, 3);
        for parsed in [&queries[1], &queries[6], &queries[12]] {
            let (tree, lists) = both_ways(&index, &fields, parsed);
            assert!(!tree.contains_key(&deleted) && !lists.contains_key(&deleted));
        }
        let (_, lists) = both_ways(&index, &fields, &queries[12]);
        assert_eq!(
            lists.len(),
            79,
            "an empty query matches every live document"
        );
    }
}
