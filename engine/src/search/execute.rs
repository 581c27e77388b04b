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
//! lists are combined the way the tree combines its scorers (the best field plus a
//! share of the others, all terms of an alternative, phrases required), and the
//! optional parts are added into one score array per segment. The most frequent
//! terms' scores are kept between searches as arrays over the segment's documents
//! ([`DenseScores`]) and added as whole vectors. A test holds both ways equal on every
//! document, with and without the kept arrays.
//!
//! The proximity bonus (phrase matching on positions) was the costliest part of a
//! search. When only the best `limit` hits are wanted, it is computed for the documents
//! that can still be among them: those whose score without the bonus, plus the largest
//! bonus they could get (the bound of each pair of query words that both occur in
//! their body), reaches the `limit`-th best score without it. The others' final scores
//! stay below that, so the best hits are exactly the same.

use std::cell::RefCell;
use std::sync::{Arc, RwLock, RwLockReadGuard};

use tantivy::index::SegmentId;
use tantivy::postings::Postings as _;
use tantivy::postings::TermInfo;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, EnableScoring, PhraseQuery, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::query::{
    Alternative, PROXIMITY_REACH, PROXIMITY_SLOP, PROXIMITY_WEIGHT, ParsedQuery, QueryFields,
    TIE_BREAKER,
};

/// Matching documents of one segment with their scores, sorted by document.
type Postings = Vec<(DocId, Score)>;

/// Where the matching documents of a segment go.
pub trait Hits {
    /// Sees every matching document once, in document order; whether it is a hit (the
    /// filters, for instance, may say no).
    fn admit(&mut self, doc: DocId) -> bool;
    /// Sees the matching documents of a run of 64 ids from `first` (a multiple of 64;
    /// bit `i` of `matching` is document `first + i`) at once if it can, instead of
    /// each through [`Hits::admit`]: which of them are hits. `None` asks for them one
    /// by one.
    fn admit_run(&mut self, first: DocId, matching: u64) -> Option<u64> {
        let _ = (first, matching);
        None
    }
    /// Takes an admitted document with its score. Only documents that can be among
    /// the best `limit` come here.
    fn offer(&mut self, doc: DocId, score: Score);
}

/// The BM25 statistics of a searcher for one search, each looked up once. A search
/// asks for the document frequency of a term up to five times (the spelling check,
/// the term's weight, the proximity bound and weight, in each segment), and each ask
/// walks the term dictionaries of all segments.
pub struct Statistics<'a> {
    searcher: &'a Searcher,
    /// A search looks up a few dozen terms at most: a list is quicker than hashing.
    doc_freqs: RefCell<Vec<(Term, u64)>>,
    tokens: RefCell<Vec<(Field, u64)>>,
    /// Each term's entry in each segment's term dictionary, looked up once: the
    /// statistics, the postings, the proximity bonus and the snippets all need it.
    infos: RefCell<Vec<(SegmentOrdinal, Term, Option<TermInfo>)>>,
}

impl<'a> Statistics<'a> {
    /// The statistics of `searcher`, none looked up yet.
    pub fn new(searcher: &'a Searcher) -> Statistics<'a> {
        Statistics {
            searcher,
            doc_freqs: RefCell::new(Vec::new()),
            tokens: RefCell::new(Vec::new()),
            infos: RefCell::new(Vec::new()),
        }
    }

    /// The searcher the statistics are of.
    pub fn searcher(&self) -> &'a Searcher {
        self.searcher
    }

    /// A term's entry in a segment's term dictionary, `None` if it is not there.
    pub fn term_info(
        &self,
        segment: SegmentOrdinal,
        term: &Term,
    ) -> tantivy::Result<Option<TermInfo>> {
        let found =
            |(s, t, _): &&(SegmentOrdinal, Term, Option<TermInfo>)| *s == segment && t == term;
        if let Some((_, _, info)) = self.infos.borrow().iter().find(found) {
            return Ok(info.clone());
        }
        let reader = self.searcher.segment_reader(segment);
        let id = reader.segment_id();
        let info = match TERM_INFOS.with(|infos| infos.borrow().get(id, term)) {
            Some(info) => info,
            None => {
                let info = reader.inverted_index(term.field())?.get_term_info(term)?;
                TERM_INFOS.with(|infos| infos.borrow_mut().put(id, term, info.clone()));
                info
            }
        };
        self.infos
            .borrow_mut()
            .push((segment, term.clone(), info.clone()));
        Ok(info)
    }

    /// The BM25 weight of one term: what `Bm25Weight::for_terms` gives for it (and
    /// tantivy's term query scores with), without building its explanation.
    pub fn term_weight(&self, term: &Term) -> tantivy::Result<Bm25Weight> {
        let total_num_docs = self.total_num_docs()?;
        let average_fieldnorm =
            self.total_num_tokens(term.field())? as Score / total_num_docs as Score;
        Ok(Bm25Weight::for_one_term_without_explain(
            self.doc_freq(term)?,
            total_num_docs,
            average_fieldnorm,
        ))
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(&(_, n)) = self.tokens.borrow().iter().find(|(f, _)| *f == field) {
            return Ok(n);
        }
        let n = self.searcher.total_num_tokens(field)?;
        self.tokens.borrow_mut().push((field, n));
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some((_, n)) = self.doc_freqs.borrow().iter().find(|(t, _)| t == term) {
            return Ok(*n);
        }
        // What `Searcher::doc_freq` adds up, from the entries the postings use too.
        let mut n = 0;
        for segment in 0..self.searcher.segment_readers().len() as SegmentOrdinal {
            n += self
                .term_info(segment, term)?
                .map_or(0, |i| u64::from(i.doc_freq));
        }
        self.doc_freqs.borrow_mut().push((term.clone(), n));
        Ok(n)
    }
}

thread_local! {
    /// The term entries this thread looked up lately, across searches.
    static TERM_INFOS: RefCell<TermInfos> = RefCell::new(TermInfos::default());
}

/// Term dictionary entries by segment and term. A segment never changes once written,
/// so an entry holds as long as its segment exists; its id names it across indexes.
/// Searches repeat their words, and walking the dictionaries' automata for each of
/// them, in three fields, was 4 % of a search.
#[derive(Default)]
struct TermInfos {
    /// Per term, its entry in each segment looked up (most indexes have one or two).
    entries: foldhash::HashMap<Term, Vec<(SegmentId, Option<TermInfo>)>>,
    len: usize,
}

impl TermInfos {
    /// Most entries kept per thread (about 150 bytes each, 3 MB in all); then they
    /// are dropped.
    const MAX: usize = 20_000;

    fn get(&self, segment: SegmentId, term: &Term) -> Option<Option<TermInfo>> {
        let in_segments = self.entries.get(term)?;
        let (_, info) = in_segments.iter().find(|(s, _)| *s == segment)?;
        Some(info.clone())
    }

    /// Remembers an entry that [`TermInfos::get`] did not have.
    fn put(&mut self, segment: SegmentId, term: &Term, info: Option<TermInfo>) {
        if self.len >= Self::MAX {
            self.entries.clear();
            self.len = 0;
        }
        self.entries
            .entry(term.clone())
            .or_default()
            .push((segment, info));
        self.len += 1;
    }
}

/// The BM25 scores of a segment's most frequent terms, kept as arrays over all its
/// documents (0 for a document without the term) by the first search that uses them,
/// for the searches after it.
///
/// Most of what a search reads are the postings of a few common words: of the
/// postings the 1,546 rotated queries of `bench/perf.sh` read on the 10k set, 73 %
/// belong to terms in at least an eighth of a segment's documents (86 % to those in a
/// sixteenth, 362 terms). Decoding such a list and scoring each posting costs
/// several nanoseconds per document; adding a kept array to the sums is a loop over
/// whole vectors without a branch (`Sums::add_dense`). Only terms in at least
/// `1 / share` of a segment's documents are kept, where an array costs little more
/// than the postings, and only up to `room` scores in all; further terms are read
/// from their postings. A segment never changes, and the statistics the scores are
/// computed with stay those of the index that owns this ([`super::SearchIndex`]).
pub struct DenseScores {
    kept: RwLock<Kept>,
    share: u64,
    room: usize,
}

/// A term's scores in one segment, by document.
type TermScores = Arc<[Score]>;

#[derive(Default)]
struct Kept {
    /// Per term, its array in each segment that has one kept.
    arrays: foldhash::HashMap<Term, Vec<(SegmentId, TermScores)>>,
    /// The scores of all arrays.
    scores: usize,
}

impl Default for DenseScores {
    /// Terms in an eighth of a segment's documents, up to 4 Mi scores (16 MiB).
    fn default() -> DenseScores {
        DenseScores::new(8, 4 << 20)
    }
}

impl DenseScores {
    /// Keeps the scores of terms in at least `1 / share` of a segment's documents, up
    /// to `room` scores in all.
    pub fn new(share: u64, room: usize) -> DenseScores {
        DenseScores {
            kept: RwLock::default(),
            share,
            room,
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Kept> {
        self.kept
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a term in `doc_freq` of `max_doc` documents is kept as an array.
    fn wants(&self, doc_freq: u32, max_doc: DocId) -> bool {
        u64::from(doc_freq).saturating_mul(self.share) >= u64::from(max_doc)
    }

    fn get(&self, segment: SegmentId, term: &Term) -> Option<TermScores> {
        let kept = self.read();
        let in_segments = kept.arrays.get(term)?;
        let (_, scores) = in_segments.iter().find(|(s, _)| *s == segment)?;
        Some(Arc::clone(scores))
    }

    /// The scores kept in all.
    #[cfg(test)]
    fn kept(&self) -> usize {
        self.read().scores
    }

    /// Whether an array of `len` more scores may be kept.
    fn has_room(&self, len: usize) -> bool {
        self.read().scores + len <= self.room
    }

    /// Keeps `scores` unless the room is used up meanwhile (another thread may have
    /// kept the same term); returns the array to use.
    fn keep(&self, segment: SegmentId, term: Term, scores: Vec<Score>) -> TermScores {
        let scores: TermScores = scores.into();
        let mut kept = self
            .kept
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.scores + scores.len() <= self.room {
            let len = scores.len();
            let in_segments = kept.arrays.entry(term).or_default();
            if let Some((_, other)) = in_segments.iter().find(|(s, _)| *s == segment) {
                return Arc::clone(other);
            }
            in_segments.push((segment, Arc::clone(&scores)));
            kept.scores += len;
        }
        scores
    }
}

/// Scores one segment's documents for a parsed query.
pub struct SegmentScorer<'a> {
    fields: &'a QueryFields,
    statistics: &'a Statistics<'a>,
    dense: &'a DenseScores,
    scoring: EnableScoring<'a>,
    segment: SegmentOrdinal,
    reader: &'a SegmentReader,
}

impl<'a> SegmentScorer<'a> {
    /// A scorer for the documents of a segment of the statistics' searcher, with the
    /// frequent terms' scores kept in `dense` (which must belong to that searcher's
    /// index).
    pub fn new(
        fields: &'a QueryFields,
        statistics: &'a Statistics<'a>,
        dense: &'a DenseScores,
        segment: SegmentOrdinal,
    ) -> SegmentScorer<'a> {
        SegmentScorer {
            fields,
            statistics,
            dense,
            scoring: EnableScoring::enabled_from_statistics_provider(
                statistics,
                statistics.searcher,
            ),
            segment,
            reader: statistics.searcher.segment_reader(segment),
        }
    }

    /// Gives every live document that matches `parsed` to `hits`: each is admitted,
    /// in document order, and those that can be among the best `limit` admitted ones
    /// are offered with their scores (see the module documentation). An empty query
    /// matches every document with score 1.
    pub fn collect(
        &self,
        parsed: &ParsedQuery,
        limit: usize,
        hits: &mut impl Hits,
    ) -> tantivy::Result<()> {
        let max_doc = self.reader.max_doc();
        let alive = |doc: DocId| self.reader.alive_bitset().is_none_or(|a| a.is_alive(doc));
        if parsed.is_empty() {
            for doc in (0..max_doc).filter(|&d| alive(d)) {
                if hits.admit(doc) {
                    hits.offer(doc, 1.0);
                }
            }
            return Ok(());
        }

        // The optional parts: every alternative of every word and the multi-word
        // synonyms. A document matching any of them matches. `in_body` marks the
        // query words (the first 31) each document has in its body.
        let mut sums = Sums::take(max_doc);
        for (g, group) in parsed.groups.iter().enumerate() {
            for (a, alternative) in group.alternatives.iter().enumerate() {
                // The first alternative is the word itself.
                let bit = if a == 0 && g < MARKED_WORDS {
                    1 << g
                } else {
                    0
                };
                if let [term] = alternative.terms.as_slice() {
                    self.add_term(term, alternative.weight, bit, &mut sums)?;
                } else {
                    let words = &mut sums.words;
                    let mark = &mut |doc: DocId| words[doc as usize] |= bit;
                    let postings = self.alternative(alternative, mark)?;
                    sums.add(postings);
                }
            }
        }
        for extra in &parsed.extra {
            let postings = self.alternative(extra, &mut |_| {})?;
            sums.add(postings);
        }
        let (scores, words) = (&sums.scores, &sums.words);
        let in_body = |doc: DocId| words[doc as usize];

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
        // The proximity bonus's pairs, and the most it can add to any document.
        let pairs = if limit > 0 {
            proximity_pairs(parsed)
        } else {
            Vec::new()
        };
        let mut weights = Vec::with_capacity(pairs.len());
        for pair in &pairs {
            weights.push(self.proximity_weight(pair)?);
        }
        // The largest score a pair's phrase can give any document: its weight at an
        // unbounded frequency.
        let bounds: Vec<(u32, Score)> = pairs
            .iter()
            .zip(&weights)
            .map(|(pair, weight)| (pair.mask(), weight.max_score() * pair.weight))
            .collect();
        // A margin for rounding: a document kept in vain only costs time.
        let every = bounds.iter().map(|(_, bound)| bound).sum::<Score>() * 1.001;

        // The admitted documents that can still be among the best `limit` (see the
        // module documentation): a document that falls short of the `limit`-th best
        // score so far by more than every bonus together falls short of the final
        // one too, and is left out at once. This thread's list of the last search,
        // emptied.
        let mut admitted = std::mem::take(&mut sums.admitted);
        admitted.clear();
        let mut best = KBest::new(limit);
        let mut admit = |doc: DocId, score: Score| {
            if best.take(score) >= -every {
                admitted.push((doc, score));
            }
        };
        match required {
            Some(required) => {
                for (doc, score) in required {
                    if alive(doc) && hits.admit(doc) {
                        admit(doc, score + scores[doc as usize]);
                    }
                }
            }
            None => {
                // Which of 64 documents match, as bits, and then only those: testing
                // each document with a branch mispredicted about as often as a third of
                // them match. With every document alive, the hits may take all 64 at
                // once.
                let all_alive = self.reader.alive_bitset().is_none();
                for (chunk, sixty_four) in (0..).zip(words.chunks(64)) {
                    let mut matching = 0u64;
                    for (bit, words) in sixty_four.iter().enumerate() {
                        matching |= u64::from(words & MATCHED != 0) << bit;
                    }
                    let first = chunk * 64;
                    let run = if all_alive && matching != 0 {
                        hits.admit_run(first, matching)
                    } else {
                        None
                    };
                    let mut each = run.unwrap_or(matching);
                    while each != 0 {
                        let doc = first + each.trailing_zeros();
                        each &= each - 1;
                        if run.is_some() || (alive(doc) && hits.admit(doc)) {
                            admit(doc, scores[doc as usize]);
                        }
                    }
                }
            }
        }
        if limit == 0 || admitted.is_empty() {
            sums.admitted = admitted;
            sums.give_back();
            return Ok(());
        }

        // The proximity bonus, for the documents that can still be among the best:
        // their score, plus the bounds of the pairs whose words are both in their
        // body, reaches the `limit`-th best score of all admitted ones (none if fewer
        // were admitted).
        if !pairs.is_empty() {
            let threshold = best.kth();
            let most = |doc: DocId| -> Score {
                let present = in_body(doc);
                bounds
                    .iter()
                    .filter(|(mask, _)| present & mask == *mask)
                    .map(|(_, bound)| bound)
                    .sum()
            };
            // Most documents fall short even with every bonus, told by one comparison.
            let floor = threshold - every;
            admitted.retain(|&(doc, score)| {
                score >= floor && (score >= threshold || score + most(doc) * 1.001 >= threshold)
            });
        }
        if !pairs.is_empty() {
            self.add_proximity(&pairs, &weights, &mut admitted, in_body)?;
        }
        for &(doc, score) in &admitted {
            hits.offer(doc, score);
        }
        sums.admitted = admitted;
        sums.give_back();
        Ok(())
    }

    /// An alternative of one term: what [`SegmentScorer::alternative`] gives for it,
    /// added straight into `sums` without a list of its own (most alternatives are
    /// one term, and most terms are in one field). Each document's score is computed
    /// as there, operation for operation.
    fn add_term(
        &self,
        text: &str,
        weight: Score,
        bit: u32,
        sums: &mut Sums,
    ) -> tantivy::Result<()> {
        let mut present = Vec::with_capacity(3);
        for (field, boost) in self.fields.weighted_fields() {
            if self
                .statistics
                .doc_freq(&Term::from_field_text(field, text))?
                > 0
            {
                present.push((field, boost));
            }
        }
        let body = self.fields.body;
        let bit_in = |field: Field| if field == body { bit } else { 0 };
        let Some((&(last, last_boost), others)) = present.split_last() else {
            return Ok(());
        };
        if others.is_empty() {
            let bit = bit_in(last);
            if let Some(dense) = self.dense_scores(last, text)? {
                sums.add_dense(&dense, 0..dense.len(), last_boost, weight, bit);
                return Ok(());
            }
            return self.for_each_posting(last, text, |doc, score| {
                sums.add_one(doc, score * last_boost * weight, bit);
            });
        }
        // In several fields: the best field's score plus a share of the others, per
        // document. The fields before the last (the title: few documents) are merged
        // into a list, and the last one's postings (the body: most) are read past it.
        let mut merged = std::mem::take(&mut sums.merged);
        merged.clear();
        for &(field, boost) in others {
            let mut postings = self.term(field, text)?;
            scale(&mut postings, boost);
            let bit = bit_in(field);
            if bit != 0 {
                for &(doc, _) in &postings {
                    sums.words[doc as usize] |= bit;
                }
            }
            merged = merge(&merged, &postings, |(doc, max, sum), score| {
                (doc, max.max(score), sum + score)
            });
        }
        let combined = |(best, sum): (Score, Score)| combine_fields(best, sum) * weight;
        let bit = bit_in(last);
        if let Some(dense) = self.dense_scores(last, text)? {
            // The documents between those of the other fields take the last field's
            // score alone, which is what the combination gives for one field.
            let mut from = 0;
            for &(doc, best, sum) in &merged {
                let at = doc as usize;
                sums.add_dense(&dense, from..at, last_boost, weight, bit);
                if dense[at] > 0.0 {
                    let score = dense[at] * last_boost;
                    sums.add_one(doc, combined((best.max(score), sum + score)), bit);
                } else {
                    sums.add_one(doc, combined((best, sum)), 0);
                }
                from = at + 1;
            }
            sums.add_dense(&dense, from..dense.len(), last_boost, weight, bit);
            sums.merged = merged;
            return Ok(());
        }
        let mut next = 0;
        self.for_each_posting(last, text, |doc, score| {
            let score = score * last_boost;
            while let Some(&(before, best, sum)) = merged.get(next).filter(|m| m.0 < doc) {
                sums.add_one(before, combined((best, sum)), 0);
                next += 1;
            }
            let (best, sum) = match merged.get(next) {
                Some(&(same, best, sum)) if same == doc => {
                    next += 1;
                    (best.max(score), sum + score)
                }
                _ => (score, score),
            };
            sums.add_one(doc, combined((best, sum)), bit);
        })?;
        for &(doc, best, sum) in &merged[next..] {
            sums.add_one(doc, combined((best, sum)), 0);
        }
        sums.merged = merged;
        Ok(())
    }

    /// An alternative: all its terms, each in its best field, times its weight.
    /// `in_body` sees each document that has its first term in the body.
    fn alternative(
        &self,
        alternative: &Alternative,
        in_body: &mut dyn FnMut(DocId),
    ) -> tantivy::Result<Postings> {
        let mut terms = alternative.terms.iter();
        let Some(first) = terms.next() else {
            return Ok(Vec::new());
        };
        let mut postings = self.best_field(first, in_body)?;
        for term in terms {
            if postings.is_empty() {
                break;
            }
            postings = intersect(&postings, &self.best_field(term, &mut |_| {})?);
        }
        scale(&mut postings, alternative.weight);
        Ok(postings)
    }

    /// One term in every weighted field: the best field's score plus [`TIE_BREAKER`]
    /// times the others'. `in_body` sees each document that has it in the body.
    fn best_field(&self, text: &str, in_body: &mut dyn FnMut(DocId)) -> tantivy::Result<Postings> {
        let mut lists: Vec<Postings> = Vec::with_capacity(3);
        for (field, boost) in self.fields.weighted_fields() {
            let mut postings = self.term(field, text)?;
            if field == self.fields.body {
                postings.iter().for_each(|&(doc, _)| in_body(doc));
            }
            scale(&mut postings, boost);
            if !postings.is_empty() {
                lists.push(postings);
            }
        }
        // Most terms are in one field only (the body): their list is the result.
        Ok(match lists.len() {
            0 => Vec::new(),
            1 => lists.pop().unwrap_or_default(),
            2 => best_of_two(&lists[0], &lists[1]),
            _ => {
                let mut merged: Vec<(DocId, Score, Score)> = Vec::new();
                for list in &lists {
                    merged = merge(&merged, list, |(doc, max, sum), score| {
                        (doc, max.max(score), sum + score)
                    });
                }
                merged
                    .into_iter()
                    .map(|(doc, max, sum)| (doc, combine_fields(max, sum)))
                    .collect()
            }
        })
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

    /// The BM25 weight of two query words close together in the body: that of the
    /// phrase query of both ([`QueryFields::build`] has it with slop
    /// [`PROXIMITY_SLOP`]).
    fn proximity_weight(&self, pair: &Pair<'_>) -> tantivy::Result<Bm25Weight> {
        let terms = pair
            .terms
            .map(|t| Term::from_field_text(self.fields.body, t));
        Bm25Weight::for_terms(self.statistics, &terms)
    }

    /// Adds each pair's proximity bonus to the documents (in document order) that
    /// have both its words close together in the body: the score of the pair's
    /// phrase query times its weight, as the query tree adds it. Each word's
    /// positions in a document are read once for all pairs.
    fn add_proximity<'q>(
        &self,
        pairs: &[Pair<'q>],
        weights: &[Bm25Weight],
        documents: &mut Postings,
        in_body: impl Fn(DocId) -> u32,
    ) -> tantivy::Result<()> {
        let mut words: Vec<&str> = Vec::new();
        let mut word_of = |term: &'q str| match words.iter().position(|w| *w == term) {
            Some(i) => i,
            None => {
                words.push(term);
                words.len() - 1
            }
        };
        let pair_words: Vec<[usize; 2]> = pairs
            .iter()
            .map(|pair| [word_of(pair.terms[0]), word_of(pair.terms[1])])
            .collect();
        let body = self.fields.body;
        let inverted = self.reader.inverted_index(body)?;
        let mut postings = Vec::with_capacity(words.len());
        let mut doc_freqs = Vec::with_capacity(words.len());
        for word in &words {
            let term = Term::from_field_text(body, word);
            let info = self.statistics.term_info(self.segment, &term)?;
            doc_freqs.push(info.as_ref().map_or(0, |info| info.doc_freq));
            postings.push(match info {
                Some(info) => Some(inverted.read_postings_from_terminfo(
                    &info,
                    IndexRecordOption::WithFreqsAndPositions,
                )?),
                None => None,
            });
        }
        let norms = self.reader.get_fieldnorms_reader(body)?;
        let mut positions = vec![Vec::new(); words.len()];
        let mut read = vec![false; words.len()];
        for (doc, score) in documents.iter_mut() {
            let doc = *doc;
            let present = in_body(doc);
            read.fill(false);
            for ((pair, weight), &pair_words) in pairs.iter().zip(weights).zip(&pair_words) {
                let [first, second] = pair_words;
                // Only documents with both words in the body can have them close.
                let mask = pair.mask();
                if present & mask != mask {
                    continue;
                }
                for w in [first, second] {
                    if std::mem::replace(&mut read[w], true) {
                        continue;
                    }
                    positions[w].clear();
                    if let Some(postings) = &mut postings[w]
                        && postings.doc() <= doc
                        && postings.seek(doc) == doc
                    {
                        postings.positions(&mut positions[w]);
                    }
                }
                // In a phrase the second word stands one after the first. The phrase
                // query goes through the positions of the word in fewer documents
                // (the first if as few), and pairs the other's with them.
                let first = (&positions[first][..], 1);
                let second = (&positions[second][..], 0);
                let count = if doc_freqs[pair_words[0]] <= doc_freqs[pair_words[1]] {
                    sloppy_phrase_count(first, second)
                } else {
                    sloppy_phrase_count(second, first)
                };
                if count > 0 {
                    *score += weight.score(norms.fieldnorm_id(doc), count) * pair.weight;
                }
            }
        }
        Ok(())
    }

    /// A frequent term's scores in `field` over all the segment's documents, kept in
    /// [`DenseScores`] (computed now if it has room for them), or `None` for a term
    /// that is not frequent enough or not kept.
    fn dense_scores(&self, field: Field, text: &str) -> tantivy::Result<Option<TermScores>> {
        let term = Term::from_field_text(field, text);
        let Some(info) = self.statistics.term_info(self.segment, &term)? else {
            return Ok(None);
        };
        let max_doc = self.reader.max_doc();
        if !self.dense.wants(info.doc_freq, max_doc) {
            return Ok(None);
        }
        let segment = self.reader.segment_id();
        if let Some(scores) = self.dense.get(segment, &term) {
            return Ok(Some(scores));
        }
        if !self.dense.has_room(max_doc as usize) {
            return Ok(None);
        }
        let mut scores = vec![0.0; max_doc as usize];
        self.for_each_posting(field, text, |doc, score| scores[doc as usize] = score)?;
        Ok(Some(self.dense.keep(segment, term, scores)))
    }

    /// One term's postings with their BM25 scores.
    fn term(&self, field: Field, text: &str) -> tantivy::Result<Postings> {
        // At most the documents of all segments: no growing and copying on the way.
        let most = self
            .statistics
            .doc_freq(&Term::from_field_text(field, text))?;
        let mut postings = Vec::with_capacity(most.min(u64::from(self.reader.max_doc())) as usize);
        self.for_each_posting(field, text, |doc, score| postings.push((doc, score)))?;
        Ok(postings)
    }

    /// Calls `f` with each document of a term's postings, in order, and its BM25 score:
    /// the scores of tantivy's term query, bit for bit. tantivy's own loop
    /// (`Weight::for_each`) calls a `dyn` callback for every posting; this one is
    /// generic, so the caller's summing is compiled into it.
    fn for_each_posting(
        &self,
        field: Field,
        text: &str,
        mut f: impl FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        let term = Term::from_field_text(field, text);
        let Some(info) = self.statistics.term_info(self.segment, &term)? else {
            return Ok(());
        };
        let inverted = self.reader.inverted_index(field)?;
        let mut block =
            inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        let norms = self.reader.get_fieldnorms_reader(field)?;
        let weight = self.statistics.term_weight(&term)?;
        // Block by block (128 documents each): the loop over a decoded block's arrays
        // is the inner loop of a search. After the last block comes an empty one.
        loop {
            let docs = block.docs();
            if docs.is_empty() {
                return Ok(());
            }
            for (&doc, &term_freq) in docs.iter().zip(block.freqs()) {
                f(doc, weight.score(norms.fieldnorm_id(doc), term_freq));
            }
            block.advance();
        }
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

thread_local! {
    /// The sums of this thread's last search, for its next one ([`Sums::take`]).
    static SPARE_SUMS: RefCell<Option<Sums>> = const { RefCell::new(None) };
}

/// The query words whose presence in a document's body [`Sums::words`] marks.
const MARKED_WORDS: usize = 31;
/// The bit of [`Sums::words`] that says a document matches.
const MATCHED: u32 = 1 << 31;

/// The optional parts' scores of a segment's documents, added up densely, and the
/// lists a search reuses.
struct Sums {
    /// Per document: the sum of the optional parts' scores.
    scores: Vec<Score>,
    /// Per document: bit `g` (for `g` below [`MARKED_WORDS`]) if the body has query
    /// word `g`; [`MATCHED`] if an optional part matches. Apart from the scores, so
    /// that the scan for matches reads only these and the adding of a frequent term's
    /// [`DenseScores`] runs on whole vectors.
    words: Vec<u32>,
    /// The admitted documents with their scores (filled by `collect`).
    admitted: Postings,
    /// The fields before the last of a term in several fields (`add_term`).
    merged: Vec<(DocId, Score, Score)>,
}

impl Sums {
    /// Zeroed sums for `max_doc` documents, in the arrays of this thread's previous
    /// search (whatever the size of its segment: an index built on several cores has
    /// segments of different sizes). Zeroing them costs less than allocating new
    /// ones, which made the allocator consolidate its heap (3.5 % of a search's
    /// instructions).
    fn take(max_doc: DocId) -> Sums {
        let mut sums = SPARE_SUMS
            .with(|spare| spare.borrow_mut().take())
            .unwrap_or(Sums {
                scores: Vec::new(),
                words: Vec::new(),
                admitted: Vec::new(),
                merged: Vec::new(),
            });
        sums.scores.clear();
        sums.scores.resize(max_doc as usize, 0.0);
        sums.words.clear();
        sums.words.resize(max_doc as usize, 0);
        sums
    }

    /// Keeps the arrays for this thread's next search.
    fn give_back(self) {
        SPARE_SUMS.with(|spare| *spare.borrow_mut() = Some(self));
    }

    fn add_one(&mut self, doc: DocId, score: Score, words: u32) {
        self.scores[doc as usize] += score;
        self.words[doc as usize] |= MATCHED | words;
    }

    fn add(&mut self, postings: Postings) {
        for (doc, score) in postings {
            self.add_one(doc, score, 0);
        }
    }

    /// Adds a term's scores in one field to the documents `docs`: each one's score
    /// there (see [`DenseScores`]) times `boost` times `weight`, as
    /// [`SegmentScorer::add_term`] adds a posting's, and marks those that have the
    /// term with `bit`. A document without it gets 0, which leaves its sum as it
    /// was (sums are never negative), so the loop has no branch.
    fn add_dense(
        &mut self,
        dense: &[Score],
        docs: std::ops::Range<usize>,
        boost: Score,
        weight: Score,
        bit: u32,
    ) {
        let mark = MATCHED | bit;
        let scores = &mut self.scores[docs.clone()];
        let words = &mut self.words[docs.clone()];
        for ((sum, words), &score) in scores.iter_mut().zip(words).zip(&dense[docs]) {
            *sum += score * boost * weight;
            *words |= if score > 0.0 { mark } else { 0 };
        }
    }
}

/// Two query words that earn a bonus when they stand close together.
struct Pair<'q> {
    /// Their analysed terms.
    terms: [&'q str; 2],
    /// Their positions among the query's words.
    words: [usize; 2],
    /// The bonus's weight.
    weight: Score,
}

impl Pair<'_> {
    /// The bits of `in_body` that a document with both words in its body has: those of
    /// the words among the marked ones ([`MARKED_WORDS`]).
    fn mask(&self) -> u32 {
        self.words
            .iter()
            .filter(|&&g| g < MARKED_WORDS)
            .fold(0u32, |m, g| m | 1 << g)
    }
}

/// The pairs of query words that earn a proximity bonus: each word with the next
/// [`PROXIMITY_REACH`] words, at half the weight for a pair one word apart.
fn proximity_pairs(parsed: &ParsedQuery) -> Vec<Pair<'_>> {
    let mut pairs = Vec::new();
    for (i, first) in parsed.groups.iter().enumerate() {
        let following = parsed.groups[i + 1..].iter().take(PROXIMITY_REACH);
        for (apart, second) in following.enumerate() {
            pairs.push(Pair {
                terms: [first.term.as_str(), second.term.as_str()],
                words: [i, i + 1 + apart],
                weight: PROXIMITY_WEIGHT / (apart + 1) as Score,
            });
        }
    }
    pairs
}

/// The `k` best scores seen so far, in a min-heap: the worst of them is a lower bound
/// of the `k`-th best of all, and most scores fall below it after one comparison.
struct KBest {
    k: usize,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<Ordered>>,
    /// The `k`-th best so far; minus infinity until `k` scores were seen.
    kth: Score,
}

/// A score ordered by [`Score::total_cmp`].
#[derive(Clone, Copy, PartialEq)]
struct Ordered(Score);

impl Eq for Ordered {}
impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl KBest {
    fn new(k: usize) -> KBest {
        KBest {
            k,
            heap: std::collections::BinaryHeap::with_capacity(k.min(4096) + 1),
            kth: Score::NEG_INFINITY,
        }
    }

    /// Sees a score; how far it lies above the `k`-th best so far (`score` minus
    /// that), infinite while fewer than `k` were seen. With `k` 0, minus infinity.
    #[inline]
    fn take(&mut self, score: Score) -> Score {
        if self.k == 0 {
            return Score::NEG_INFINITY;
        }
        if score > self.kth {
            self.heap.push(std::cmp::Reverse(Ordered(score)));
            if self.heap.len() > self.k {
                self.heap.pop();
            }
            if self.heap.len() == self.k
                && let Some(std::cmp::Reverse(Ordered(worst))) = self.heap.peek()
            {
                self.kth = *worst;
            }
        }
        score - self.kth
    }

    /// The `k`-th best score of all seen, minus infinity if fewer were seen.
    fn kth(&self) -> Score {
        self.kth
    }
}

/// How often two words occur close together, within [`PROXIMITY_SLOP`]: the
/// frequency tantivy's two-word phrase query with that slop scores with. Each word
/// comes as its positions and the shift that puts it at the phrase's end. Going
/// through both lists in order, an occurrence of `right` close to one of `left`
/// counts once, paired with the last occurrence of `left` not after it, and both are
/// used up.
fn sloppy_phrase_count(
    (left, left_shift): (&[u32], u32),
    (right, right_shift): (&[u32], u32),
) -> u32 {
    let (mut i, mut j, mut count) = (0, 0, 0);
    while let (Some(&a), Some(&b)) = (left.get(i), right.get(j)) {
        let (a, b) = (a + left_shift, b + right_shift);
        if a.abs_diff(b) <= PROXIMITY_SLOP {
            while left.get(i + 1).is_some_and(|&next| next + left_shift <= b) {
                i += 1;
            }
            count += 1;
            i += 1;
            j += 1;
        } else if a < b {
            i += 1;
        } else {
            j += 1;
        }
    }
    count
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

/// A term's score from its best field's score and the sum over its fields: the best
/// plus [`TIE_BREAKER`] times the others. All ways of combining fields compute it
/// here, so that they agree to the last bit.
fn combine_fields(best: Score, sum: Score) -> Score {
    best + (sum - best) * TIE_BREAKER
}

/// The documents in either of two fields' lists, each with its best field's score plus
/// [`TIE_BREAKER`] times the other's: what [`merge`] and the final step of
/// [`SegmentScorer::best_field`] give for two lists, in one pass.
fn best_of_two(a: &[(DocId, Score)], b: &[(DocId, Score)]) -> Postings {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let ((doc_a, score_a), (doc_b, score_b)) = (a[i], b[j]);
        match doc_a.cmp(&doc_b) {
            std::cmp::Ordering::Less => {
                out.push((doc_a, score_a));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push((doc_b, score_b));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                // The sum in field order, as the general case adds it, to the last bit.
                let (max, sum) = (score_a.max(score_b), score_a + score_b);
                out.push((doc_a, combine_fields(max, sum)));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
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

    /// Each score seen tells how far it lies above the `k`-th best so far, and the
    /// last `k`-th best is that of all.
    #[test]
    fn the_kth_best_score_is_the_kth_in_descending_order() {
        let descending = |scores: &[Score]| {
            let mut sorted = scores.to_vec();
            sorted.sort_by(|a, b| b.total_cmp(a));
            sorted
        };
        let mut seed = 11u64;
        for n in [1usize, 2, 9, 10, 11, 100, 700] {
            let scores: Vec<Score> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    // Few distinct values, so that ties occur.
                    ((seed >> 33) % 50) as Score / 7.0
                })
                .collect();
            let sorted = descending(&scores);
            for k in [1, 2, 10, 64, 65, 500].into_iter().filter(|&k| k <= n) {
                let mut best = KBest::new(k);
                for (i, &score) in scores.iter().enumerate() {
                    let above = best.take(score);
                    if i + 1 < k {
                        assert_eq!(above, Score::INFINITY, "{n} {k} {i}");
                    } else {
                        let seen = descending(&scores[..=i]);
                        assert_eq!(above, score - seen[k - 1], "{n} {k} {i}");
                    }
                }
                assert_eq!(best.kth(), sorted[k - 1], "{n} {k}");
            }
        }
    }

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

    #[test]
    fn term_entries_remembered_across_searches_are_those_of_each_segment() {
        let (index, fields) = index();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let mut differ = 0;
        // Twice, each time with new statistics: the second round finds every entry
        // in this thread's memory.
        for _ in 0..2 {
            let statistics = Statistics::new(&searcher);
            for word in WORDS.iter().chain(&["fehlt"]) {
                let text = &analysis::terms(&mut analysis::german(), word)[0];
                for field in [fields.title, fields.body] {
                    let term = Term::from_field_text(field, text);
                    let mut seen = Vec::new();
                    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                        let own = reader.inverted_index(field).unwrap().get_term_info(&term);
                        let remembered = statistics.term_info(ord as SegmentOrdinal, &term);
                        assert_eq!(remembered.unwrap(), own.unwrap(), "{word} in {ord}");
                        seen.push(statistics.term_info(ord as SegmentOrdinal, &term).unwrap());
                    }
                    differ += usize::from(seen[0] != seen[1]);
                }
            }
        }
        // The segments' entries of a term differ, so a mix-up would show.
        assert!(differ > 10, "{differ}");
    }

    /// Admits every document and hands each offer to a closure.
    struct All<F>(F);

    impl<F: FnMut(DocId, Score)> Hits for All<F> {
        fn admit(&mut self, _: DocId) -> bool {
            true
        }
        fn offer(&mut self, doc: DocId, score: Score) {
            (self.0)(doc, score)
        }
    }

    /// Every matching document and its score, computed both ways.
    fn both_ways(
        index: &Index,
        fields: &QueryFields,
        dense: &DenseScores,
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
        for ord in 0..searcher.segment_readers().len() {
            let mut all = All(|doc, score| {
                lists.insert(DocAddress::new(ord as u32, doc), score);
            });
            let statistics = Statistics::new(&searcher);
            SegmentScorer::new(fields, &statistics, dense, ord as u32)
                .collect(parsed, usize::MAX, &mut all)
                .unwrap();
        }
        (tree, lists)
    }

    /// Keeps the best `limit` offers, like the search's collector; admits even
    /// documents only.
    struct Best {
        limit: usize,
        admitted: usize,
        offered: usize,
        top: Vec<(DocId, Score)>,
    }

    impl Hits for Best {
        fn admit(&mut self, doc: DocId) -> bool {
            self.admitted += 1;
            doc.is_multiple_of(2)
        }
        fn offer(&mut self, doc: DocId, score: Score) {
            self.offered += 1;
            self.top.push((doc, score));
            self.top
                .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            self.top.truncate(self.limit);
        }
    }

    #[test]
    fn the_best_hits_are_the_same_when_the_proximity_bonus_is_left_out_for_the_rest() {
        let (index, fields) = index();
        let searcher = index.reader().unwrap().searcher();
        let mut pruned_any = false;
        let dense = DenseScores::default();
        for text in [
            "Holz Leim",
            "Holz Leim Säge Termin",
            "Meister Termin Werkstatt Teig Bäcker",
            "Prüfung Holz",
            "Säge \"Holz Leim\" Meister",
        ] {
            let parsed = ParsedQuery::parse(text, &mut analysis::german());
            for limit in [1, 2, 5] {
                for ord in 0..searcher.segment_readers().len() {
                    let statistics = Statistics::new(&searcher);
                    let scorer = SegmentScorer::new(&fields, &statistics, &dense, ord as u32);
                    let run = |limit| {
                        let mut best = Best {
                            limit,
                            admitted: 0,
                            offered: 0,
                            top: Vec::new(),
                        };
                        scorer.collect(&parsed, limit, &mut best).unwrap();
                        best
                    };
                    let (full, pruned) = (run(usize::MAX), run(limit));
                    let want: Vec<_> = full.top.iter().take(limit).collect();
                    let got: Vec<_> = pruned.top.iter().collect();
                    assert_eq!(got.len(), want.len(), "{text} {limit} segment {ord}");
                    for (g, w) in got.iter().zip(&want) {
                        assert_eq!(g.0, w.0, "{text} {limit} segment {ord}");
                        assert!((g.1 - w.1).abs() <= 1e-4 * w.1.max(1.0));
                    }
                    assert_eq!(pruned.admitted, full.admitted, "every match is counted");
                    assert!(got.iter().all(|(doc, _)| doc.is_multiple_of(2)), "filtered");
                    pruned_any |= pruned.offered < full.offered;
                }
            }
        }
        assert!(pruned_any, "some documents were left out");
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

        // Every term read from its postings; every term kept as arrays; room for a
        // few arrays only, so that searches go both ways.
        let variants = [
            DenseScores::new(1, 0),
            DenseScores::new(u64::MAX, usize::MAX),
            DenseScores::new(u64::MAX, 120),
        ];
        let mut compared = 0;
        for dense in &variants {
            for parsed in &queries {
                let (tree, lists) = both_ways(&index, &fields, dense, parsed);
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
        }
        assert!(
            compared > 3 * 300,
            "the queries match enough documents: {compared}"
        );
        let kept: Vec<usize> = variants.iter().map(DenseScores::kept).collect();
        assert!(kept[0] == 0 && kept[1] > 120, "{kept:?}");
        assert!(kept[2] > 0 && kept[2] <= 120, "{kept:?}");

        let dense = &variants[1];
        let deleted = DocAddress::new(0, 3);
        for parsed in [&queries[1], &queries[6], &queries[12]] {
            let (tree, lists) = both_ways(&index, &fields, dense, parsed);
            assert!(!tree.contains_key(&deleted) && !lists.contains_key(&deleted));
        }
        let (_, lists) = both_ways(&index, &fields, dense, &queries[12]);
        assert_eq!(
            lists.len(),
            79,
            "an empty query matches every live document"
        );
    }
}
