//! One pass over the matching documents: filters, facet counts and the top hits.
//!
//! Facet counts are "disjunctive": the counts for trades ignore the trade filter (but
//! apply the others), so a reader sees how many results each alternative would give.
//! With no filter set, each facet's counts add up to the total (for kinds exactly,
//! for trades a document with two trades counts twice).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::execute::Hits;
use crate::content::Kind;

/// The facet values of a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DocFacets {
    /// Indexes into the library's trades.
    pub trades: Vec<u16>,
    /// Index into [`Kind::ALL`].
    pub kind: u8,
    /// Training year, 0 if none.
    pub year: u8,
}

/// The distinct facet values of a library's documents: documents with the same values
/// share a class, and the collector counts classes, one count per matching document,
/// and turns them into facet counts at the end. A library has far fewer classes than
/// documents (a few hundred at most in practice, never more than documents).
#[derive(Debug, Clone)]
pub struct FacetClasses(Arc<[DocFacets]>);

impl FacetClasses {
    /// The classes of `facets`, and each one's class, in the same order.
    pub fn of(facets: &[DocFacets]) -> (FacetClasses, Vec<u32>) {
        // Class 0 is that of ids without a document: never counted, never a hit.
        let mut classes = vec![DocFacets::default()];
        let mut seen: std::collections::HashMap<&DocFacets, u32> = Default::default();
        let of_each = facets
            .iter()
            .map(|f| {
                *seen.entry(f).or_insert_with(|| {
                    classes.push(f.clone());
                    (classes.len() - 1) as u32
                })
            })
            .collect();
        (FacetClasses(classes.into()), of_each)
    }
}

/// An indexed document as the collector sees it: its library position and its facet
/// class in eight bytes, one load per matching document (most searches match half
/// the library, so this is the collector's inner loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexedDoc {
    /// Position in the library ([`IndexedDoc::MISSING`]'s is `u32::MAX`).
    pub library: u32,
    /// Its class in the library's [`FacetClasses`].
    class: u32,
}

impl IndexedDoc {
    /// A document id that no library document has (never matches).
    pub const MISSING: IndexedDoc = IndexedDoc {
        library: u32::MAX,
        class: 0,
    };

    /// The library document at `library`, of facet class `class` (from
    /// [`FacetClasses::of`]).
    pub fn new(library: u32, class: u32) -> IndexedDoc {
        IndexedDoc { library, class }
    }
}

/// A segment's indexed documents by document id, and for each run of 64 ids the
/// facet class all their documents share, if they do: most runs of a library are of
/// one class, and the collector counts a run's matches with one addition instead of
/// one per document (an addition to the same count for every document is a chain the
/// processor cannot overlap).
#[derive(Debug, Clone, Default)]
pub struct SegmentDocs {
    docs: Box<[IndexedDoc]>,
    /// Per run of 64 ids (`doc / 64`): the class of all of its documents, or
    /// [`SegmentDocs::MIXED`].
    runs: Box<[u32]>,
}

impl SegmentDocs {
    /// Ids per run: as many as the scorer's bit mask of matching documents holds.
    const RUN: usize = u64::BITS as usize;

    /// The entry of a run whose documents are of more than one class, or that has
    /// an id without a document.
    const MIXED: u32 = u32::MAX;

    /// The documents of a segment, by document id.
    pub fn new(docs: Vec<IndexedDoc>) -> SegmentDocs {
        let runs = docs
            .chunks(Self::RUN)
            .map(|run| match run {
                [first, rest @ ..]
                    if first.library != u32::MAX && rest.iter().all(|d| d.class == first.class) =>
                {
                    first.class
                }
                _ => Self::MIXED,
            })
            .collect();
        SegmentDocs {
            docs: docs.into(),
            runs,
        }
    }

    /// The document with id `doc` ([`IndexedDoc::MISSING`] past the end).
    fn get(&self, doc: DocId) -> IndexedDoc {
        self.docs
            .get(doc as usize)
            .copied()
            .unwrap_or(IndexedDoc::MISSING)
    }

    /// The class of all documents of the run of 64 ids from `first` (a multiple of
    /// 64), if they share one.
    fn run_class(&self, first: DocId) -> Option<u32> {
        let class = *self.runs.get(first as usize / Self::RUN)?;
        (class != Self::MIXED).then_some(class)
    }
}

/// Which facet values a result must have; `None` means any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    /// A trade index.
    pub trade: Option<u16>,
    /// A kind.
    pub kind: Option<Kind>,
    /// A training year.
    pub year: Option<u8>,
}

/// What the collector gathers.
#[derive(Debug, Default)]
pub struct Collected {
    /// Documents that pass all filters.
    pub total: usize,
    /// The best `limit` of them, best first.
    pub top: Vec<Ranked>,
    /// Counts per trade index.
    pub trades: Vec<usize>,
    /// Counts per kind, in [`Kind::ALL`] order.
    pub kinds: [usize; Kind::ALL.len()],
    /// Counts per training year, 1 to 4 (index 0 unused).
    pub years: [usize; 5],
}

/// One of the best hits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Relevance.
    pub score: Score,
    /// Position in the library.
    pub doc: u32,
    /// Where the index holds it (for the positions of its snippet).
    pub address: DocAddress,
}

/// Collects hits with filters and facet counts.
pub struct FacetedTopDocs {
    /// How many top hits to keep.
    pub limit: usize,
    /// Filters to apply.
    pub filter: Filter,
    /// The facet classes of the library's documents.
    pub classes: FacetClasses,
    /// Number of trades (for the counts vector).
    pub trade_count: usize,
    /// Each indexed document, by segment and document id.
    pub docs: Arc<[Arc<SegmentDocs>]>,
}

impl Collector for FacetedTopDocs {
    type Fruit = Collected;
    type Child = SegmentFacetedTopDocs;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        _segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(self.segment(segment_ord))
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Collected>) -> tantivy::Result<Collected> {
        self.merge(fruits)
    }
}

impl FacetedTopDocs {
    fn segment(&self, segment_ord: SegmentOrdinal) -> SegmentFacetedTopDocs {
        SegmentFacetedTopDocs {
            segment_ord,
            docs: self
                .docs
                .get(segment_ord as usize)
                .map_or_else(Default::default, Arc::clone),
            classes: self.classes.clone(),
            counts: vec![0; self.classes.0.len()],
            passes: (self.classes.0.iter().enumerate())
                .map(|(i, class)| i > 0 && self.passes(class))
                .collect(),
            limit: self.limit,
            heap: BinaryHeap::with_capacity(self.limit + 1),
            filter: self.filter,
            trade_count: self.trade_count,
        }
    }

    /// Whether documents of a class pass the filters.
    fn passes(&self, class: &DocFacets) -> bool {
        let FacetChecks { trade, kind, year } = FacetChecks::of(&self.filter, class);
        trade && kind && year
    }

    fn merge(&self, fruits: Vec<Collected>) -> tantivy::Result<Collected> {
        let mut merged = Collected {
            trades: vec![0; self.trade_count],
            ..Collected::default()
        };
        for fruit in fruits {
            merged.total += fruit.total;
            merged.top.extend(fruit.top);
            for (m, f) in merged.trades.iter_mut().zip(&fruit.trades) {
                *m += f;
            }
            for (m, f) in merged.kinds.iter_mut().zip(fruit.kinds) {
                *m += f;
            }
            for (m, f) in merged.years.iter_mut().zip(fruit.years) {
                *m += f;
            }
        }
        merged.top.sort_by(|a, b| rank(b, a));
        merged.top.truncate(self.limit);
        Ok(merged)
    }
}

/// Which filters a class of documents passes.
struct FacetChecks {
    trade: bool,
    kind: bool,
    year: bool,
}

impl FacetChecks {
    fn of(filter: &Filter, class: &DocFacets) -> FacetChecks {
        FacetChecks {
            trade: filter.trade.is_none_or(|t| class.trades.contains(&t)),
            kind: filter.kind.is_none_or(|k| class.kind == kind_index(k)),
            year: filter.year.is_none_or(|y| class.year == y),
        }
    }
}

/// The per-segment half of [`FacetedTopDocs`].
pub struct SegmentFacetedTopDocs {
    segment_ord: SegmentOrdinal,
    /// This segment's documents, by document id.
    docs: Arc<SegmentDocs>,
    classes: FacetClasses,
    /// Matching documents per class.
    counts: Vec<u32>,
    /// Per class, whether its documents pass the filters (never those of class 0).
    passes: Vec<bool>,
    filter: Filter,
    trade_count: usize,
    limit: usize,
    /// A min-heap of the best hits so far (worst on top).
    heap: BinaryHeap<Worst>,
}

impl SegmentCollector for SegmentFacetedTopDocs {
    type Fruit = Collected;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.admit(doc) {
            self.offer(doc, score);
        }
    }

    /// The facet counts from the classes' counts. Facet counts are disjunctive: those
    /// of a facet apply the filters of the others only.
    fn harvest(self) -> Collected {
        let mut c = Collected {
            trades: vec![0; self.trade_count],
            top: self.heap.into_iter().map(|w| w.0).collect(),
            ..Collected::default()
        };
        let classes = self.classes.0.iter().zip(&self.counts).skip(1);
        for (class, &count) in classes.filter(|(_, count)| **count > 0) {
            let count = count as usize;
            let FacetChecks { trade, kind, year } = FacetChecks::of(&self.filter, class);
            if kind && year {
                for &t in &class.trades {
                    if let Some(n) = c.trades.get_mut(t as usize) {
                        *n += count;
                    }
                }
            }
            if trade && year {
                c.kinds[class.kind as usize % Kind::ALL.len()] += count;
            }
            if trade && kind && class.year > 0 {
                c.years[class.year as usize % c.years.len()] += count;
            }
            if trade && kind && year {
                c.total += count;
            }
        }
        c
    }
}

impl super::execute::Hits for SegmentFacetedTopDocs {
    /// Counts a matching document in its class; whether it passes the filters.
    /// Always inlined: it runs for every matching document, and as a call it was a
    /// tenth of a search's instructions.
    #[inline(always)]
    fn admit(&mut self, doc: DocId) -> bool {
        let class = self.docs.get(doc).class as usize;
        match self.counts.get_mut(class) {
            Some(count) => {
                *count += 1;
                self.passes[class]
            }
            None => false,
        }
    }

    /// Counts the matching documents of a run of 64 in one go if they are all of one
    /// class; then all or none of them are admitted.
    #[inline(always)]
    fn admit_run(&mut self, first: DocId, matching: u64) -> Option<u64> {
        let class = self.docs.run_class(first)? as usize;
        let count = self.counts.get_mut(class)?;
        *count += matching.count_ones();
        Some(if self.passes[class] { matching } else { 0 })
    }

    /// Offers an admitted document to the best hits.
    fn offer(&mut self, doc: DocId, score: Score) {
        if self.limit == 0 {
            return;
        }
        let index = self.docs.get(doc).library;
        if index == u32::MAX {
            return;
        }
        let hit = Ranked {
            score,
            doc: index,
            address: DocAddress::new(self.segment_ord, doc),
        };
        if self.heap.len() < self.limit {
            self.heap.push(Worst(hit));
        } else if let Some(worst) = self.heap.peek()
            && rank(&hit, &worst.0) == Ordering::Greater
        {
            self.heap.pop();
            self.heap.push(Worst(hit));
        }
    }
}

/// The position of a kind in [`Kind::ALL`].
pub fn kind_index(kind: Kind) -> u8 {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u8
}

/// Orders hits: higher score first, then lower library index (stable across replicas).
fn rank(a: &Ranked, b: &Ranked) -> Ordering {
    a.score.total_cmp(&b.score).then(b.doc.cmp(&a.doc))
}

/// Heap entry ordered so that the worst hit is on top.
struct Worst(Ranked);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        rank(&self.0, &other.0) == Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        rank(&other.0, &self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three documents (one trade, two trades, none), an id without a document, and
    /// a fourth document with the facets of the first.
    fn collector(filter: Filter) -> SegmentFacetedTopDocs {
        let facets = [
            DocFacets {
                trades: vec![0],
                kind: 0,
                year: 1,
            },
            DocFacets {
                trades: vec![0, 2],
                kind: 1,
                year: 2,
            },
            DocFacets {
                trades: vec![],
                kind: 1,
                year: 0,
            },
            DocFacets {
                trades: vec![0],
                kind: 0,
                year: 1,
            },
        ];
        let (classes, class_of) = FacetClasses::of(&facets);
        assert_eq!(
            class_of,
            [1, 2, 3, 1],
            "class 0 is that of missing documents"
        );
        let docs = [0, 1, 2]
            .map(|i| IndexedDoc::new(i, class_of[i as usize]))
            .into_iter()
            .chain([IndexedDoc::MISSING, IndexedDoc::new(3, class_of[3])])
            .collect();
        FacetedTopDocs {
            limit: 10,
            filter,
            classes,
            trade_count: 3,
            docs: vec![Arc::new(SegmentDocs::new(docs))].into(),
        }
        .segment(0)
    }

    /// Whether each of documents 0 to 5 (3 has no document, 5 is past the end) is
    /// admitted, and the counts when 0 to 3 match.
    fn admitted(filter: Filter) -> (Vec<bool>, Collected) {
        let each: Vec<bool> = {
            let mut c = collector(filter);
            (0..6).map(|doc| c.admit(doc)).collect()
        };
        let mut matching = collector(filter);
        for doc in 0..4 {
            matching.admit(doc);
        }
        (each, matching.harvest())
    }

    #[test]
    fn facets_count_every_trade_of_a_document_and_filters_see_them_all() {
        let (each, c) = admitted(Filter::default());
        assert_eq!(each, [true, true, true, false, true, false]);
        assert_eq!((c.total, &c.trades[..]), (3, &[2, 0, 1][..]));
        assert_eq!((c.kinds[0], c.kinds[1]), (1, 2));
        assert_eq!((c.years[1], c.years[2]), (1, 1));

        // The second of two trades passes the filter; trade counts ignore it.
        let (each, c) = admitted(Filter {
            trade: Some(2),
            ..Filter::default()
        });
        assert_eq!(each, [false, true, false, false, false, false]);
        assert_eq!((c.total, &c.trades[..]), (1, &[2, 0, 1][..]));
        assert_eq!((c.kinds[0], c.kinds[1]), (0, 1));

        let (each, c) = admitted(Filter {
            trade: Some(0),
            year: Some(2),
            ..Filter::default()
        });
        assert_eq!(each, [false, true, false, false, false, false]);
        assert_eq!(c.trades, [1, 0, 1], "the year filter applies");
        assert_eq!(c.years[1..3], [1, 1], "the year counts ignore it");

        let (each, c) = admitted(Filter {
            kind: Some(Kind::ALL[1]),
            ..Filter::default()
        });
        assert_eq!(each, [false, true, true, false, false, false]);
        assert_eq!((c.total, &c.trades[..]), (2, &[1, 0, 1][..]));
        assert_eq!(
            (c.kinds[0], c.kinds[1]),
            (1, 2),
            "the kind counts ignore it"
        );
    }

    #[test]
    fn a_run_of_one_class_is_admitted_at_once_as_one_by_one() {
        // Ids 0 to 63 of kind 0; 64 to 127 of kinds 0 and 1 in turn; 128 to 191 of
        // kind 1 but for id 150, which has no document; 192 to 201 of kind 1.
        let kinds: Vec<u8> = (0..202)
            .map(|i| u8::from(i >= 128 || i % 2 == 1 && i >= 64))
            .collect();
        let facets: Vec<DocFacets> = (kinds.iter())
            .map(|&kind| DocFacets {
                kind,
                ..DocFacets::default()
            })
            .collect();
        let (classes, class_of) = FacetClasses::of(&facets);
        let docs: Vec<IndexedDoc> = (0..202u32)
            .map(|i| match i {
                150 => IndexedDoc::MISSING,
                _ => IndexedDoc::new(i, class_of[i as usize]),
            })
            .collect();
        let segment = |filter| {
            FacetedTopDocs {
                limit: 10,
                filter,
                classes: classes.clone(),
                trade_count: 0,
                docs: vec![Arc::new(SegmentDocs::new(docs.clone()))].into(),
            }
            .segment(0)
        };
        let matching = 0xF0F0_F0F0_0F0F_0F0Fu64;
        for kind in [None, Some(Kind::ALL[0]), Some(Kind::ALL[1])] {
            let filter = Filter {
                kind,
                ..Filter::default()
            };
            let (mut at_once, mut each) = (segment(filter), segment(filter));
            for (run, first) in [0, 64, 128, 192].into_iter().enumerate() {
                let mask = if first == 192 {
                    matching & 0x3FF
                } else {
                    matching
                };
                let one_by_one = (0..64)
                    .filter(|bit| mask & 1 << bit != 0)
                    .filter(|bit| each.admit(first + bit))
                    .fold(0u64, |m, bit| m | 1 << bit);
                match at_once.admit_run(first, mask) {
                    Some(admitted) => {
                        assert!(run == 0 || run == 3, "run {run} is not of one class");
                        assert_eq!(admitted, one_by_one, "run {run}, filter {filter:?}");
                    }
                    None => {
                        assert!(run == 1 || run == 2, "run {run} is of one class");
                        for bit in (0..64).filter(|bit| mask & 1 << bit != 0) {
                            at_once.admit(first + bit);
                        }
                    }
                }
            }
            let (at_once, each) = (at_once.harvest(), each.harvest());
            assert_eq!((at_once.total, at_once.kinds), (each.total, each.kinds));
            assert!(each.total > 0 || kind.is_some());
        }
    }
}
