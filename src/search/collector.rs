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

/// The facet values of one library document, by position in the library.
#[derive(Debug, Clone, Default)]
pub struct DocFacets {
    /// Indexes into the library's trades.
    pub trades: Vec<u16>,
    /// Index into [`Kind::ALL`].
    pub kind: u8,
    /// Training year, 0 if none.
    pub year: u8,
}

/// An indexed document as the collector sees it: its library position and its facet
/// values in eight bytes, one load per matching document (most searches match half
/// the library, so this is the collector's inner loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexedDoc {
    /// Position in the library ([`IndexedDoc::MISSING`]'s is `u32::MAX`).
    pub library: u32,
    /// Its trade, [`IndexedDoc::NO_TRADE`], or [`IndexedDoc::SEVERAL`] (then its
    /// [`DocFacets`] list them).
    trade: u16,
    kind: u8,
    year: u8,
}

impl IndexedDoc {
    const NO_TRADE: u16 = u16::MAX;
    const SEVERAL: u16 = u16::MAX - 1;

    /// A document id that no library document has (never matches).
    pub const MISSING: IndexedDoc = IndexedDoc {
        library: u32::MAX,
        trade: Self::NO_TRADE,
        kind: 0,
        year: 0,
    };

    /// The library document at `library` with these facets.
    pub fn new(library: u32, facets: &DocFacets) -> IndexedDoc {
        let trade = match facets.trades.as_slice() {
            [] => Self::NO_TRADE,
            &[t] if t < Self::SEVERAL => t,
            _ => Self::SEVERAL,
        };
        IndexedDoc {
            library,
            trade,
            kind: facets.kind,
            year: facets.year,
        }
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
    /// Facets of every library document (read for those of several trades).
    pub facets: Arc<[DocFacets]>,
    /// Number of trades (for the counts vector).
    pub trade_count: usize,
    /// Each indexed document, by segment and document id.
    pub docs: Arc<[Arc<[IndexedDoc]>]>,
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
                .map_or_else(|| Arc::from([]), Arc::clone),
            facets: Arc::clone(&self.facets),
            filter: self.filter,
            kind_filter: self.filter.kind.map(kind_index),
            unfiltered: self.filter == Filter::default(),
            limit: self.limit,
            heap: BinaryHeap::with_capacity(self.limit + 1),
            collected: Collected {
                trades: vec![0; self.trade_count],
                ..Collected::default()
            },
        }
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

/// The per-segment half of [`FacetedTopDocs`].
pub struct SegmentFacetedTopDocs {
    segment_ord: SegmentOrdinal,
    /// This segment's documents, by document id.
    docs: Arc<[IndexedDoc]>,
    facets: Arc<[DocFacets]>,
    filter: Filter,
    kind_filter: Option<u8>,
    /// No filter is set.
    unfiltered: bool,
    limit: usize,
    /// A min-heap of the best hits so far (worst on top).
    heap: BinaryHeap<Worst>,
    collected: Collected,
}

impl SegmentCollector for SegmentFacetedTopDocs {
    type Fruit = Collected;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.admit(doc) {
            self.offer(doc, score);
        }
    }

    fn harvest(self) -> Collected {
        let mut collected = self.collected;
        collected.top = self.heap.into_iter().map(|w| w.0).collect();
        collected
    }
}

impl super::execute::Hits for SegmentFacetedTopDocs {
    /// Counts a matching document in the facets and the total; whether it passes the
    /// filters. Always inlined: it runs for every matching document, and as a call
    /// it was a tenth of a search's instructions.
    #[inline(always)]
    fn admit(&mut self, doc: DocId) -> bool {
        let entry = self.indexed(doc);
        if entry.library == u32::MAX {
            return false;
        }
        if self.unfiltered {
            // Most searches: every count sees every document.
            self.count_trades(entry);
            let c = &mut self.collected;
            c.kinds[entry.kind as usize % Kind::ALL.len()] += 1;
            if entry.year > 0 {
                c.years[entry.year as usize % c.years.len()] += 1;
            }
            c.total += 1;
            return true;
        }
        let several = || {
            self.facets
                .get(entry.library as usize)
                .map_or(&[][..], |f| &f.trades[..])
        };
        let trade_ok = self.filter.trade.is_none_or(|t| match entry.trade {
            IndexedDoc::SEVERAL => several().contains(&t),
            one => one == t,
        });
        let kind_ok = self.kind_filter.is_none_or(|k| entry.kind == k);
        let year_ok = self.filter.year.is_none_or(|y| entry.year == y);
        if kind_ok && year_ok {
            self.count_trades(entry);
        }
        let c = &mut self.collected;
        if trade_ok && year_ok {
            c.kinds[entry.kind as usize % Kind::ALL.len()] += 1;
        }
        if trade_ok && kind_ok && entry.year > 0 {
            c.years[entry.year as usize % c.years.len()] += 1;
        }
        if !(trade_ok && kind_ok && year_ok) {
            return false;
        }
        c.total += 1;
        true
    }

    /// Offers an admitted document to the best hits.
    fn offer(&mut self, doc: DocId, score: Score) {
        if self.limit == 0 {
            return;
        }
        let index = self.indexed(doc).library;
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

impl SegmentFacetedTopDocs {
    /// Counts a document in the counts of its trades.
    fn count_trades(&mut self, entry: IndexedDoc) {
        let trades = &mut self.collected.trades;
        match entry.trade {
            IndexedDoc::NO_TRADE => {}
            IndexedDoc::SEVERAL => {
                let several = self
                    .facets
                    .get(entry.library as usize)
                    .map_or(&[][..], |f| &f.trades[..]);
                for &t in several {
                    if let Some(count) = trades.get_mut(t as usize) {
                        *count += 1;
                    }
                }
            }
            one => {
                if let Some(count) = trades.get_mut(one as usize) {
                    *count += 1;
                }
            }
        }
    }

    /// A document of this segment.
    fn indexed(&self, doc: DocId) -> IndexedDoc {
        self.docs
            .get(doc as usize)
            .copied()
            .unwrap_or(IndexedDoc::MISSING)
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

    /// Three documents (one trade, two trades, none) and an id without a document.
    fn collector(filter: Filter) -> SegmentFacetedTopDocs {
        let facets: Arc<[DocFacets]> = vec![
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
        ]
        .into();
        let docs: Arc<[IndexedDoc]> = facets
            .iter()
            .enumerate()
            .map(|(i, f)| IndexedDoc::new(i as u32, f))
            .chain([IndexedDoc::MISSING])
            .collect();
        FacetedTopDocs {
            limit: 10,
            filter,
            facets,
            trade_count: 3,
            docs: vec![docs].into(),
        }
        .segment(0)
    }

    fn admitted(c: &mut SegmentFacetedTopDocs) -> Vec<bool> {
        (0..5).map(|doc| c.admit(doc)).collect()
    }

    #[test]
    fn facets_count_every_trade_of_a_document_and_filters_see_them_all() {
        let mut all = collector(Filter::default());
        assert_eq!(admitted(&mut all), [true, true, true, false, false]);
        let c = &all.collected;
        assert_eq!((c.total, &c.trades[..]), (3, &[2, 0, 1][..]));
        assert_eq!((c.kinds[0], c.kinds[1]), (1, 2));
        assert_eq!((c.years[1], c.years[2]), (1, 1));

        // The second of two trades passes the filter; trade counts ignore it.
        let mut second = collector(Filter {
            trade: Some(2),
            ..Filter::default()
        });
        assert_eq!(admitted(&mut second), [false, true, false, false, false]);
        let c = &second.collected;
        assert_eq!((c.total, &c.trades[..]), (1, &[2, 0, 1][..]));
        assert_eq!((c.kinds[0], c.kinds[1]), (0, 1));

        let mut first = collector(Filter {
            trade: Some(0),
            year: Some(2),
            ..Filter::default()
        });
        assert_eq!(admitted(&mut first), [false, true, false, false, false]);
        assert_eq!(first.collected.trades, [1, 0, 1], "the year filter applies");
        assert_eq!(
            first.collected.years[1..3],
            [1, 1],
            "the year counts ignore it"
        );
    }
}
