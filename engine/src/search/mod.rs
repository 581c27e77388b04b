//! Full-text search over the library: a tantivy index in RAM with German analysis.
//!
//! The index holds only what search needs (analysed title, headings and text, and the
//! library position of each document); titles, URLs and text for snippets come from the
//! [`Library`], which the caller passes in. Nothing here knows about HTTP.

pub mod analysis;
pub mod cache;
pub mod collector;
pub mod compound;
pub mod execute;
pub mod memo;
pub mod query;
pub mod sections;
pub mod snippet;
pub mod spelling;
pub mod stopwords;
pub mod suggest;
pub mod synonyms;

pub use snippet::{Fragment, Snippet};

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use arc_swap::ArcSwap;
use rayon::prelude::*;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes, RamDirectory};
use tantivy::schema::Field;
use tantivy::schema::{FAST, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};
use tantivy::{Index, IndexBuilder, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::content::Kind;
use crate::content::stored;
use crate::library::Library;
use collector::{
    DocFacets, FacetClasses, FacetedTopDocs, Filter, IndexedDoc, SegmentDocs, kind_index,
};
pub use query::ParsedQuery;
use query::{Alternative, CORRECTION_WEIGHT, PART_WEIGHT, QueryFields, SYNONYM_WEIGHT};
use spelling::Speller;
use synonyms::Synonyms;

/// Results per page on the HTML results page.
pub const DEFAULT_PER_PAGE: usize = 10;
/// Most results per page (the API's `limit`).
pub const MAX_PER_PAGE: usize = 50;
/// Deepest page that can be requested; nobody reads further, and deep pages cost.
pub const MAX_PAGE: usize = 100;
/// Characters per snippet.
pub const SNIPPET_CHARS: usize = 220;
/// Most words of one query that are spell-corrected.
pub const MAX_CORRECTIONS: usize = 4;
/// Memory for the index writer, per indexing thread.
const WRITER_BYTES_PER_THREAD: usize = 32 * 1024 * 1024;
/// The least memory tantivy accepts per indexing thread.
const WRITER_BYTES_MIN: usize = 15_000_000;
/// Documents per indexing thread: below this, another thread does not pay for its
/// set-up.
const DOCS_PER_THREAD: usize = 25;
/// Libraries smaller than this are indexed on the calling thread into one segment.
const SINGLE_SEGMENT_DOCS: usize = 200;
/// The least memory for the single-segment writer (its term table is a third of it).
const SINGLE_SEGMENT_BYTES_MIN: usize = 1024 * 1024;
/// Documents from which the index is merged into one segment after indexing: below
/// this, a merge costs more start-up time (11 ms for the demo) than it saves queries.
const MERGE_MIN_DOCS: usize = 1_000;
/// The fast field holding a document's position in the library.
const DOC_FIELD: &str = "doc";

/// A search as the reader asked for it, already checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    /// The query text (may be empty: then the filters alone list documents).
    pub q: String,
    /// Trade slug filter.
    pub trade: Option<String>,
    /// Kind filter.
    pub kind: Option<Kind>,
    /// Training-year filter.
    pub year: Option<u8>,
    /// 1-based page.
    pub page: usize,
    /// Results per page.
    pub per_page: usize,
}

/// One result.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Position in the library.
    pub doc: usize,
    /// Relevance score.
    pub score: f32,
    /// The text around the best match, in plain and highlighted parts.
    pub snippet: Snippet,
    /// The best-matching sections of a long document, best first, as indexes into
    /// its `rendered.sections` (not copies of their ids and headings: cloning those
    /// was 3 % of a search).
    pub sections: Vec<usize>,
}

impl Hit {
    /// The best-matching sections themselves; `document` is the hit's.
    pub fn sections_in<'a>(
        &self,
        document: &'a crate::content::Document,
    ) -> impl Iterator<Item = &'a crate::content::markdown::TextSection> {
        self.sections
            .iter()
            .filter_map(|&s| document.rendered.sections.get(s))
    }
}

/// A facet value with its count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount<T> {
    /// The value.
    pub value: T,
    /// How many results have it (given the other filters).
    pub count: usize,
}

/// Counts per facet value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// By trade slug, in the library's trade order.
    pub trade: Vec<FacetCount<String>>,
    /// By kind.
    pub kind: Vec<FacetCount<Kind>>,
    /// By training year.
    pub year: Vec<FacetCount<u8>>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// Documents matching the query and filters.
    pub total: usize,
    /// This page's hits.
    pub hits: Vec<Hit>,
    /// Facet counts.
    pub facets: Facets,
    /// Whether the query was cut to the limits.
    pub truncated: bool,
    /// The query with misspelt words corrected, if any were ("Meinten Sie …?").
    pub did_you_mean: Option<String>,
    /// The page shown (1-based, clamped to the last page).
    pub page: usize,
    /// Number of pages.
    pub pages: usize,
}

/// Where [`SearchIndex::build_in`] keeps the tantivy index.
#[derive(Debug, Clone, Copy)]
pub enum Storage<'a> {
    /// In memory only.
    Ram,
    /// Build it into this empty folder (memory-mapped afterwards).
    Build(&'a Path),
    /// Open the index that this binary built earlier from the same library, instead
    /// of indexing again.
    Open(Saved<'a>),
}

/// An index that [`Storage::Build`] wrote: still in its folder, or its files compiled
/// into the binary.
#[derive(Debug, Clone, Copy)]
pub enum Saved<'a> {
    /// The folder it was built in (memory-mapped when opened).
    Folder(&'a Path),
    /// The folder's files, name and bytes (copied into memory when opened).
    Files(&'static [(&'static str, &'static [u8])]),
}

impl Saved<'_> {
    /// The tantivy index.
    fn index(self) -> anyhow::Result<Index> {
        match self {
            Saved::Folder(dir) => {
                Index::open_in_dir(dir).with_context(|| format!("Suchindex in {}", dir.display()))
            }
            Saved::Files(files) => {
                let directory = RamDirectory::create();
                for (name, bytes) in files {
                    directory.atomic_write(Path::new(name), bytes)?;
                }
                Index::open(directory).context("eingebauter Suchindex")
            }
        }
    }

    /// One of werkbank's own files beside the index.
    pub(crate) fn read(self, name: &str) -> Option<OwnedBytes> {
        match self {
            Saved::Folder(dir) => std::fs::read(dir.join(name)).ok().map(OwnedBytes::new),
            Saved::Files(files) => files
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, bytes)| OwnedBytes::new(*bytes)),
        }
    }

    /// Where a file of it is, for messages.
    fn describe(self, name: &str) -> String {
        match self {
            Saved::Folder(dir) => dir.join(name).display().to_string(),
            Saved::Files(_) => format!("{name} (eingebaut)"),
        }
    }
}

/// The lexicon's file in an index folder (tantivy leaves files it did not write alone).
const LEXICON_FILE: &str = "werkbank-lexicon.bin";

/// The lexicon kept beside a saved index; `None` (and a warning) if it is missing or
/// damaged, so that it is built again from the texts.
fn read_lexicon(saved: Saved<'_>) -> Option<compound::Lexicon> {
    let lexicon = saved
        .read(LEXICON_FILE)
        .and_then(|bytes| compound::Lexicon::from_bytes(&bytes));
    if lexicon.is_none() {
        tracing::warn!(file = %saved.describe(LEXICON_FILE), "gespeicherter Wortschatz unbrauchbar, wird neu gebildet");
    }
    lexicon
}

/// The section layouts' file in an index folder, and its first line.
const LAYOUTS_FILE: &str = "werkbank-layouts.bin";
const LAYOUTS_MAGIC: &[u8] = b"werkbank-layouts-2\n";

/// The section layouts kept beside a saved index, one per document; `None` (and a
/// warning) if the file is missing, damaged or made for another number of documents.
fn read_layouts(saved: Saved<'_>, documents: usize) -> Option<Vec<sections::Layout>> {
    let layouts = saved
        .read(LAYOUTS_FILE)
        .and_then(|bytes| stored::decode_all(LAYOUTS_MAGIC, &bytes).ok())
        .filter(|layouts: &Vec<sections::Layout>| layouts.len() == documents);
    if layouts.is_none() {
        tracing::warn!(file = %saved.describe(LAYOUTS_FILE), "gespeicherte Abschnitte unbrauchbar, werden neu gezählt");
    }
    layouts
}

/// What a search reads of the tantivy index: its segments as the reader last loaded
/// them, and what is kept per segment. Replaced whole when the segments are merged
/// ([`SearchIndex::warm`]), so that each search sees one consistent set.
struct Segments {
    searcher: tantivy::Searcher,
    /// Each indexed document's library position and facet class, by segment and
    /// document id.
    docs: Arc<[Arc<SegmentDocs>]>,
    /// The scores of the frequent terms (see [`execute::DenseScores`]).
    dense: execute::DenseScores,
}

impl Segments {
    fn of(searcher: tantivy::Searcher, class_of: &[u32]) -> tantivy::Result<Segments> {
        let docs = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                let column = segment.fast_fields().u64(DOC_FIELD)?;
                let docs = (0..segment.max_doc())
                    .map(|d| {
                        column
                            .first(d)
                            .and_then(|i| Some((u32::try_from(i).ok()?, class_of.get(i as usize)?)))
                            .map_or(IndexedDoc::MISSING, |(i, &c)| IndexedDoc::new(i, c))
                    })
                    .collect();
                Ok(Arc::new(SegmentDocs::new(docs)))
            })
            .collect::<tantivy::Result<Vec<_>>>()?
            .into();
        Ok(Segments {
            searcher,
            docs,
            dense: execute::DenseScores::default(),
        })
    }
}

/// The search index of one library.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// What searches read: the reader's segments and what is kept for each.
    segments: ArcSwap<Segments>,
    /// Each library document's facet class, for [`Segments::docs`].
    class_of: Vec<u32>,
    fields: QueryFields,
    body: tantivy::schema::Field,
    analyzer: TextAnalyzer,
    /// The content's words, for compound splitting, corrections and suggestions.
    lexicon: Arc<compound::Lexicon>,
    /// Built on first use or by [`SearchIndex::warm`] after the start, so that they do
    /// not delay the first answer (most searches need neither).
    speller: std::sync::OnceLock<Speller>,
    synonyms: Synonyms,
    /// The distinct facet values of the library's documents.
    classes: FacetClasses,
    /// Where each library document's sections lie in its body field.
    layouts: Vec<sections::Layout>,
    suggester: std::sync::OnceLock<suggest::Suggester>,
    trade_slugs: Vec<String>,
    /// The latest answers (see [`cache`]).
    cache: cache::ResultCache,
    /// Whether the tantivy index was opened from saved files ([`Storage::Open`])
    /// rather than built.
    opened: bool,
}

impl SearchIndex {
    /// Whether the tantivy index was opened from saved files (an index cache entry,
    /// the built-in index) rather than built at this start.
    pub fn was_opened(&self) -> bool {
        self.opened
    }

    /// Indexes every document of the library, using up to `threads` threads.
    pub fn build(library: &Library, threads: usize) -> anyhow::Result<SearchIndex> {
        SearchIndex::build_in(library, threads, Storage::Ram)
    }

    /// Like [`build`](Self::build), with the tantivy index in `storage`. An opened index
    /// must have this build's schema and one entry per document, or this fails.
    pub fn build_in(
        library: &Library,
        threads: usize,
        storage: Storage<'_>,
    ) -> anyhow::Result<SearchIndex> {
        let (schema, fields) = IndexFields::schema();
        let IndexFields {
            title,
            headings,
            body,
            ..
        } = fields;
        // A saved index is opened now; a new one is made once the analyzer
        // for indexing is ready (a single-segment writer creates its index itself).
        let opened = match storage {
            Storage::Open(saved) => {
                let index = saved.index()?;
                anyhow::ensure!(
                    index.schema() == schema,
                    "der gespeicherte Suchindex hat ein anderes Schema"
                );
                Some(index)
            }
            _ => None,
        };

        // The texts to index, and from them the lexicon for compound splitting. An
        // index opened from saved files needs neither: its lexicon is saved beside it.
        let started = std::time::Instant::now();
        let cached = match storage {
            Storage::Open(saved) => read_lexicon(saved),
            _ => None,
        };
        let texts: Vec<IndexText> = match cached {
            Some(_) => Vec::new(),
            None => library.documents.par_iter().map(IndexText::of).collect(),
        };
        let lexicon = Arc::new(cached.unwrap_or_else(|| {
            compound::Lexicon::build(
                texts
                    .iter()
                    .flat_map(|t| [t.title.as_str(), t.headings.as_str(), t.body.as_str()]),
            )
        }));
        if let Storage::Build(dir) = storage {
            let file = dir.join(LEXICON_FILE);
            std::fs::write(&file, lexicon.to_bytes())
                .with_context(|| format!("{} schreiben", file.display()))?;
        }
        tracing::debug!(
            millis = started.elapsed().as_millis(),
            "Wortschatz gebildet"
        );
        let analyzer = analysis::german_with_compounds(Arc::clone(&lexicon));
        let index = match opened {
            Some(index) => index,
            None => {
                // Indexing analyses whole texts: remember each word's analysis.
                let tokenizers = TokenizerManager::default();
                let memoized = TextAnalyzer::from(memo::Memoized::new(analyzer.clone()));
                tokenizers.register(analysis::GERMAN, memoized);
                let builder = Index::builder().schema(schema).tokenizers(tokenizers);
                let index = if texts.len() < SINGLE_SEGMENT_DOCS {
                    write_single_segment(builder, storage, &texts, fields)?
                } else {
                    write_segments(builder, storage, &texts, fields, threads)?
                };
                tracing::debug!(
                    millis = started.elapsed().as_millis(),
                    "Dokumente indexiert"
                );
                index
            }
        };
        drop(texts);
        let cached = match storage {
            Storage::Open(saved) => read_layouts(saved, library.documents.len()),
            _ => None,
        };
        let layouts: Vec<sections::Layout> = cached.unwrap_or_else(|| {
            library
                .documents
                .par_iter()
                .map(|d| {
                    let body = BodyParts::of(d);
                    sections::Layout::new(&d.rendered.sections, &body.parts, &body.sections)
                })
                .collect()
        });
        if let Storage::Build(dir) = storage {
            let file = dir.join(LAYOUTS_FILE);
            std::fs::write(&file, stored::encode_all(LAYOUTS_MAGIC, &layouts))
                .with_context(|| format!("{} schreiben", file.display()))?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        anyhow::ensure!(
            searcher.num_docs() == library.documents.len() as u64,
            "der Suchindex passt nicht zu den Inhalten"
        );
        tracing::debug!(millis = started.elapsed().as_millis(), "Suchindex fertig");

        let trade_slugs: Vec<String> = library.trades.iter().map(|t| t.slug.clone()).collect();
        let facets: Vec<DocFacets> = library
            .documents
            .iter()
            .map(|d| DocFacets {
                trades: d
                    .meta
                    .trades
                    .iter()
                    .filter_map(|s| trade_slugs.iter().position(|t| t == s))
                    .map(|i| i as u16)
                    .collect(),
                kind: kind_index(d.meta.kind),
                year: d.meta.year.unwrap_or(0),
            })
            .collect();
        let (classes, class_of) = FacetClasses::of(&facets);
        let segments = Segments::of(searcher, &class_of)?;

        Ok(SearchIndex {
            index,
            reader,
            segments: ArcSwap::from_pointee(segments),
            class_of,
            fields: QueryFields {
                title,
                headings,
                body,
            },
            body,
            synonyms: Synonyms::parse(
                library.synonyms.as_deref().unwrap_or(""),
                &mut analyzer.clone(),
            ),
            suggester: std::sync::OnceLock::new(),
            speller: std::sync::OnceLock::new(),
            lexicon,
            // Queries repeat their words too: each is stemmed and split once per
            // worker (the stemmer was 3.5 % of a search).
            analyzer: TextAnalyzer::from(memo::Memoized::with_limit(
                analyzer,
                memo::MAX_QUERY_WORDS,
            )),
            classes,
            layouts,
            trade_slugs,
            cache: cache::ResultCache::default(),
            opened: matches!(storage, Storage::Open(_)),
        })
    }

    /// Like [`search`](Self::search), but a search asked again is answered from the
    /// cache of the latest answers ([`cache`]); says whether it was.
    pub fn search_cached(
        &self,
        library: &Library,
        request: &SearchRequest,
    ) -> anyhow::Result<(Arc<SearchResults>, bool)> {
        if let Some(results) = self.cache.get(request) {
            return Ok((results, true));
        }
        let results = Arc::new(self.search(library, request)?);
        self.cache.put(request.clone(), Arc::clone(&results));
        Ok((results, false))
    }

    /// Runs a search. The request's page and size are clamped to the limits.
    pub fn search(
        &self,
        library: &Library,
        request: &SearchRequest,
    ) -> anyhow::Result<SearchResults> {
        let mut analyzer = self.analyzer.clone();
        let segments = self.segments.load();
        let searcher = &segments.searcher;
        let statistics = execute::Statistics::new(searcher);
        let mut parsed = ParsedQuery::parse(&request.q, &mut analyzer);
        let did_you_mean = self.correct(&mut parsed, &request.q, &statistics, &mut analyzer)?;
        self.add_synonyms(&mut parsed);
        let per_page = request.per_page.clamp(1, MAX_PER_PAGE);
        let page = request.page.clamp(1, MAX_PAGE);

        let trade_filter = match &request.trade {
            Some(slug) => match self.trade_slugs.iter().position(|t| t == slug) {
                Some(i) => Some(i as u16),
                // An unknown trade matches nothing; the caller reports it.
                None => Some(u16::MAX),
            },
            None => None,
        };
        let collector = FacetedTopDocs {
            limit: page * per_page,
            filter: Filter {
                trade: trade_filter,
                kind: request.kind,
                year: request.year,
            },
            classes: self.classes.clone(),
            trade_count: self.trade_slugs.len(),
            docs: Arc::clone(&segments.docs),
        };
        let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let mut segment = collector.for_segment(ord as u32, reader)?;
            execute::SegmentScorer::new(&self.fields, &statistics, &segments.dense, ord as u32)
                .collect(&parsed, collector.limit, &mut segment)?;
            fruits.push(segment.harvest());
        }
        let collected = collector.merge_fruits(fruits)?;

        let pages = collected.total.div_ceil(per_page).clamp(1, MAX_PAGE);
        let page = page.min(pages);
        let shown = collected
            .top
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page);
        let shown: Vec<_> = shown.collect();
        let terms = snippet::Terms::of(&parsed);
        let positions = if terms.is_empty() {
            vec![Vec::new(); shown.len()]
        } else {
            let addresses: Vec<tantivy::DocAddress> =
                shown.iter().map(|ranked| ranked.address).collect();
            snippet::PositionReader::new(&terms, &statistics, self.body).read(&addresses)?
        };
        let hits: Vec<Hit> = shown
            .into_iter()
            .zip(positions)
            .map(|(ranked, positions)| {
                let doc = ranked.doc as usize;
                let document = &library.documents[doc];
                let layout = &self.layouts[doc];
                let best = layout.best(&document.rendered.sections, &positions);
                let sections = best.iter().map(|m| m.section).collect();
                // The snippet comes from the best section if there is one, so that
                // it shows what the section link leads to.
                let section = best.first().map(|m| m.section);
                Hit {
                    doc,
                    score: ranked.score,
                    snippet: snippet_of(document, layout, &positions, section),
                    sections,
                }
            })
            .collect();

        let facets = Facets {
            trade: self
                .trade_slugs
                .iter()
                .zip(&collected.trades)
                .map(|(slug, &count)| FacetCount {
                    value: slug.clone(),
                    count,
                })
                .collect(),
            kind: Kind::ALL
                .iter()
                .zip(collected.kinds)
                .map(|(&value, count)| FacetCount { value, count })
                .collect(),
            year: (1..=4u8)
                .map(|y| FacetCount {
                    value: y,
                    count: collected.years[y as usize],
                })
                .collect(),
        };
        Ok(SearchResults {
            total: collected.total,
            hits,
            facets,
            truncated: parsed.truncated,
            did_you_mean,
            page,
            pages,
        })
    }

    /// Suggestions for a search box: titles and words starting with what was typed.
    pub fn suggest(&self, library: &Library, input: &str) -> Vec<suggest::Suggestion> {
        self.suggester(library).suggest(library, input)
    }

    /// Builds what the index makes on first use (spelling corrections, suggestions), so
    /// that no reader waits for it. Call it from a background thread after the start.
    ///
    /// An index built in memory from many documents on several cores has several
    /// segments at first; they are merged here, and searches use the merged one
    /// from then on (the results are the same, they only cost less).
    pub fn warm(&self, library: &Library) {
        self.speller();
        self.suggester(library);
        if let Err(error) = self.merge() {
            // Searches go on with the segments as they are, only more slowly.
            tracing::warn!("Suchindex nicht zusammengeführt: {error:#}");
        }
    }

    /// The number of segments searches read.
    pub fn segment_count(&self) -> usize {
        self.segments.load().searcher.segment_readers().len()
    }

    /// Merges the segments of an index built in memory (see [`SearchIndex::warm`]).
    fn merge(&self) -> anyhow::Result<()> {
        // A saved index was merged before it was saved, and others may read it.
        if self.opened || self.segment_count() < 2 {
            return Ok(());
        }
        let mut writer = self
            .index
            .writer_with_num_threads::<TantivyDocument>(1, WRITER_BYTES_MIN)?;
        let merged = merge_segments(&self.index, &mut writer)?;
        writer.wait_merging_threads()?;
        if merged {
            self.reader.reload()?;
            let segments = Segments::of(self.reader.searcher(), &self.class_of)?;
            self.segments.store(Arc::new(segments));
        }
        Ok(())
    }

    fn speller(&self) -> &Speller {
        self.speller
            .get_or_init(|| Speller::new(Arc::clone(&self.lexicon)))
    }

    /// The suggester; `library` must be the one this index was built from.
    fn suggester(&self, library: &Library) -> &suggest::Suggester {
        self.suggester
            .get_or_init(|| suggest::Suggester::build(library, &self.lexicon))
    }

    /// Adds spelling corrections for words the index does not know, and returns the
    /// corrected query text for "Meinten Sie …?".
    fn correct(
        &self,
        parsed: &mut ParsedQuery,
        text: &str,
        statistics: &execute::Statistics<'_>,
        analyzer: &mut TextAnalyzer,
    ) -> anyhow::Result<Option<String>> {
        let mut corrected = text.to_owned();
        let mut any = false;
        let mut done = 0;
        for group in &mut parsed.groups {
            if done >= MAX_CORRECTIONS {
                break;
            }
            if self.document_frequency(statistics, &group.term)? > 0 {
                continue;
            }
            let Some(correction) = self.speller().correct(&group.word) else {
                continue;
            };
            done += 1;
            for (i, alt) in analysis::groups(analyzer, &correction.word)
                .into_iter()
                .take(1)
                .flat_map(|g| g.terms)
                .enumerate()
            {
                let weight = if i == 0 {
                    CORRECTION_WEIGHT
                } else {
                    CORRECTION_WEIGHT * PART_WEIGHT
                };
                group.add(&[alt], weight);
            }
            if let Some(replaced) = replace_word(&corrected, &group.word, &correction.word) {
                corrected = replaced;
                any = true;
            }
        }
        Ok(any.then_some(corrected))
    }

    /// Adds the other entries of synonym groups that the query's words match.
    fn add_synonyms(&self, parsed: &mut ParsedQuery) {
        if self.synonyms.is_empty() {
            return;
        }
        let terms: Vec<String> = parsed.groups.iter().map(|g| g.term.clone()).collect();
        let refs: Vec<&str> = terms.iter().map(String::as_str).collect();
        for expansion in self.synonyms.expand(&refs) {
            for alternative in expansion.alternatives {
                if expansion.len == 1 {
                    parsed.groups[expansion.start].add(&alternative, SYNONYM_WEIGHT);
                } else {
                    parsed.extra.push(Alternative {
                        terms: alternative,
                        weight: SYNONYM_WEIGHT,
                    });
                }
            }
        }
    }

    /// In how many documents a term occurs in any text field.
    fn document_frequency(
        &self,
        statistics: &execute::Statistics<'_>,
        term: &str,
    ) -> anyhow::Result<u64> {
        use tantivy::query::Bm25StatisticsProvider;
        let mut total = 0;
        for field in [self.fields.title, self.fields.headings, self.fields.body] {
            total += statistics.doc_freq(&tantivy::Term::from_field_text(field, term))?;
        }
        Ok(total)
    }
}

/// Replaces a lowercase word in the reader's text, whatever its case there.
fn replace_word(text: &str, word: &str, replacement: &str) -> Option<String> {
    // Lowercasing can change a character's byte length (`Ⱥ` has two bytes, `ⱥ`
    // three), and then positions in the lowercase text are not those of the text.
    // Only replace when every character keeps its length; a change in one place can
    // make up for one in another, so the total length is not enough.
    let same_lengths = text
        .chars()
        .all(|c| c.to_lowercase().map(char::len_utf8).sum::<usize>() == c.len_utf8());
    if !same_lengths {
        return None;
    }
    let lower = text.to_lowercase();
    let at = lower.match_indices(word).find(|(i, _)| {
        let before = lower[..*i].chars().next_back();
        let after = lower[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })?;
    let mut out = String::with_capacity(text.len() + replacement.len());
    out.push_str(text.get(..at.0)?);
    out.push_str(replacement);
    out.push_str(text.get(at.0 + word.len()..)?);
    Some(out)
}

/// The text of one document as it is indexed.
struct IndexText {
    title: String,
    headings: String,
    body: String,
}

impl IndexText {
    /// The bytes of text to index.
    fn len(&self) -> usize {
        self.title.len() + self.headings.len() + self.body.len()
    }

    fn of(d: &crate::content::Document) -> IndexText {
        let mut headings = String::new();
        for section in &d.rendered.sections {
            headings.push_str(&section.heading);
            headings.push('\n');
        }
        IndexText {
            title: d.meta.title.clone(),
            headings,
            body: BodyParts::of(d).parts.concat(),
        }
    }
}

/// The fields of the index schema.
#[derive(Clone, Copy)]
struct IndexFields {
    title: Field,
    headings: Field,
    body: Field,
    doc: Field,
}

impl IndexFields {
    /// The schema of the index and its fields.
    fn schema() -> (Schema, IndexFields) {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::GERMAN)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", text.clone());
        let headings = builder.add_text_field("headings", text.clone());
        let body = builder.add_text_field("body", text);
        // Read as a fast field only: nothing is stored, so no document store is
        // compressed and written.
        let doc = builder.add_u64_field(DOC_FIELD, FAST);
        let fields = IndexFields {
            title,
            headings,
            body,
            doc,
        };
        (builder.build(), fields)
    }

    /// The tantivy document for the library's `i`-th document.
    fn document(&self, i: usize, text: &IndexText) -> TantivyDocument {
        let mut document = TantivyDocument::default();
        document.add_text(self.title, &text.title);
        document.add_text(self.headings, &text.headings);
        document.add_text(self.body, &text.body);
        document.add_u64(self.doc, i as u64);
        document
    }
}

/// The tantivy directory for a new index in `storage`. A folder must not hold an
/// index yet: both writers would otherwise add to it.
fn new_directory(storage: Storage<'_>) -> anyhow::Result<Box<dyn Directory>> {
    Ok(match storage {
        Storage::Build(dir) => {
            let directory = MmapDirectory::open(dir)
                .with_context(|| format!("Suchindex in {}", dir.display()))?;
            if Index::exists(&directory)? {
                return Err(tantivy::TantivyError::IndexAlreadyExists)
                    .with_context(|| format!("Suchindex in {}", dir.display()));
            }
            Box::new(directory)
        }
        _ => Box::new(RamDirectory::create()),
    })
}

/// Indexes a small library on this thread into one segment: no indexing threads, no
/// commit, no merge, and a term table sized for the texts rather than tantivy's
/// fifteen megabytes per thread.
fn write_single_segment(
    builder: IndexBuilder,
    storage: Storage<'_>,
    texts: &[IndexText],
    fields: IndexFields,
) -> anyhow::Result<Index> {
    let text_bytes: usize = texts.iter().map(IndexText::len).sum();
    let budget = (text_bytes * 4).clamp(SINGLE_SEGMENT_BYTES_MIN, WRITER_BYTES_PER_THREAD);
    let mut writer = builder
        .single_segment_index_writer::<TantivyDocument>(new_directory(storage)?, budget)
        .context("Suchindex konnte nicht angelegt werden")?;
    for (i, text) in texts.iter().enumerate() {
        writer.add_document(fields.document(i, text))?;
    }
    writer
        .finalize()
        .context("Suchindex konnte nicht geschrieben werden")
}

/// Indexes a library with up to `threads` threads, and merges the segments of a large
/// one.
fn write_segments(
    builder: IndexBuilder,
    storage: Storage<'_>,
    texts: &[IndexText],
    fields: IndexFields,
    threads: usize,
) -> anyhow::Result<Index> {
    // The directory is new and empty, so this creates the index.
    let index = builder
        .open_or_create(new_directory(storage)?)
        .context("Suchindex konnte nicht angelegt werden")?;
    let threads = threads
        .min(texts.len().div_ceil(DOCS_PER_THREAD))
        .clamp(1, 8);
    let text_bytes: usize = texts.iter().map(IndexText::len).sum();
    let per_thread = (text_bytes * 4).clamp(WRITER_BYTES_MIN, WRITER_BYTES_PER_THREAD);
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, threads * per_thread)
        .context("Suchindex konnte nicht angelegt werden")?;
    for (i, text) in texts.iter().enumerate() {
        writer.add_document(fields.document(i, text))?;
    }
    writer
        .commit()
        .context("Suchindex konnte nicht geschrieben werden")?;
    // An index in memory is merged after the start (`SearchIndex::warm`), so that the
    // first answers need not wait; a saved one now, so that it is saved merged.
    if !matches!(storage, Storage::Ram) {
        merge_segments(&index, &mut writer)?;
    }
    writer
        .wait_merging_threads()
        .context("Suchindex konnte nicht geschrieben werden")?;
    Ok(index)
}

/// Merges the index's segments into one if it has several and enough documents for
/// it to pay: every segment repeats the term look-ups and scorer set-up of each
/// query, for the whole life of the index. Says whether it merged.
fn merge_segments(index: &Index, writer: &mut IndexWriter) -> anyhow::Result<bool> {
    let metas = index.searchable_segment_metas()?;
    let documents: u64 = metas.iter().map(|meta| u64::from(meta.num_docs())).sum();
    let segments: Vec<_> = metas.iter().map(|meta| meta.id()).collect();
    if segments.len() < 2 || documents < MERGE_MIN_DOCS as u64 {
        return Ok(false);
    }
    let started = std::time::Instant::now();
    writer
        .merge(&segments)
        .wait()
        .context("Suchindex konnte nicht zusammengeführt werden")?;
    tracing::debug!(
        millis = started.elapsed().as_millis(),
        segments = segments.len(),
        "Segmente zusammengeführt"
    );
    Ok(true)
}

/// The body field's text of a document in pieces that end between words: summary,
/// headings and texts of the sections, tags. Indexing joins them; snippets and section
/// hits walk them in place, so the word positions of the index point into them.
struct BodyParts<'a> {
    parts: Vec<&'a str>,
    /// The index of the part where each section begins.
    sections: Vec<usize>,
}

impl BodyParts<'_> {
    fn of(d: &crate::content::Document) -> BodyParts<'_> {
        let mut parts =
            Vec::with_capacity(2 + 4 * d.rendered.sections.len() + 2 * d.meta.tags.len());
        let mut sections = Vec::with_capacity(d.rendered.sections.len());
        if let Some(summary) = &d.meta.summary {
            parts.extend([summary.as_str(), "\n"]);
        }
        for section in &d.rendered.sections {
            sections.push(parts.len());
            if !section.heading.is_empty() {
                parts.extend([section.heading.as_str(), "\n"]);
            }
            parts.extend([section.text.as_str(), "\n"]);
        }
        for (i, tag) in d.meta.tags.iter().enumerate() {
            if i > 0 {
                parts.push(" ");
            }
            parts.push(tag);
        }
        BodyParts { parts, sections }
    }
}

/// The snippet of a hit: the passage with the most distinct query words, inside
/// `section` (the best one) if given.
fn snippet_of(
    document: &crate::content::Document,
    layout: &sections::Layout,
    positions: &[(u32, usize)],
    section: Option<usize>,
) -> Snippet {
    let range = section.map_or(0..u32::MAX, |s| layout.range(s));
    // The section's heading is shown beside the snippet already: the snippet is taken
    // from its text, and from the heading only if nothing matched in the text.
    let text_start = section
        .and_then(|s| layout.span(s))
        .map_or(0, |s| s.start + s.heading_words);
    let within = |start: u32| {
        let from = positions.partition_point(|(p, _)| *p < start);
        let to = positions.partition_point(|(p, _)| *p < range.end);
        &positions[from..to]
    };
    let Some(passage) = snippet::best_passage(within(text_start))
        .or_else(|| snippet::best_passage(within(range.start)))
    else {
        return Snippet::default();
    };
    let first = snippet::first_word(passage).max(text_start).min(passage);
    let body = BodyParts::of(document);
    let (parts, start) = layout.walk_to(&body.parts, first);
    // "… " in front when the snippet starts after the text it is taken from.
    let continued = first > text_start;
    snippet::cut(parts, start, first, positions, SNIPPET_CHARS, continued)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use tantivy::postings::Postings;
    use tantivy::{DocId, DocSet};

    use super::*;
    use crate::content::SourceFile;

    /// Every term of every field with its postings (library position, positions), and
    /// every document's field lengths: what searches read from an index.
    type Contents = (
        BTreeMap<(u32, Vec<u8>), Vec<(u64, Vec<u32>)>>,
        Vec<Vec<u32>>,
    );

    fn contents(index: &Index, fields: IndexFields) -> Contents {
        let searcher = index.reader().unwrap().searcher();
        let mut postings: BTreeMap<_, Vec<_>> = BTreeMap::new();
        let mut lengths = vec![Vec::new(); searcher.num_docs() as usize];
        for reader in searcher.segment_readers() {
            let column = reader.fast_fields().u64(DOC_FIELD).unwrap();
            let library = |doc: DocId| column.first(doc).unwrap();
            for field in [fields.title, fields.headings, fields.body] {
                let norms = reader.get_fieldnorms_reader(field).unwrap();
                for doc in 0..reader.max_doc() {
                    lengths[library(doc) as usize].push(norms.fieldnorm(doc));
                }
                let inverted = reader.inverted_index(field).unwrap();
                let mut terms = inverted.terms().stream().unwrap();
                while terms.advance() {
                    let mut list = inverted
                        .read_postings_from_terminfo(
                            terms.value(),
                            IndexRecordOption::WithFreqsAndPositions,
                        )
                        .unwrap();
                    let entry = postings
                        .entry((field.field_id(), terms.key().to_vec()))
                        .or_default();
                    while list.doc() != tantivy::TERMINATED {
                        let mut positions = Vec::new();
                        list.positions(&mut positions);
                        entry.push((library(list.doc()), positions));
                        list.advance();
                    }
                }
            }
        }
        for list in postings.values_mut() {
            list.sort();
        }
        (postings, lengths)
    }

    #[test]
    fn a_word_is_replaced_only_where_lowercasing_keeps_the_positions() {
        assert_eq!(
            replace_word("Kurs für TISCHLER", "tischler", "tischlerin").as_deref(),
            Some("Kurs für tischlerin")
        );
        // Not inside another word.
        assert_eq!(replace_word("Tischlerei", "tischler", "x"), None);
        // The Ohm sign loses a byte in lowercase and `Ⱥ` gains one: the lengths add
        // up, the positions do not (this panicked).
        assert_eq!(
            replace_word("\u{2126} tischler\u{1138B} \u{23A}", "tischler", "x"),
            None
        );
        // Here they would fall between characters, a letter off.
        assert_eq!(
            replace_word("\u{23A} tischler \u{2126}", "tischler", "x"),
            None
        );
    }

    #[test]
    fn neither_writer_adds_to_an_index_already_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let texts = vec![IndexText {
            title: "Holz".into(),
            headings: String::new(),
            body: "Säge und Leim".into(),
        }];
        let builder = || {
            let (schema, fields) = IndexFields::schema();
            let tokenizers = TokenizerManager::default();
            tokenizers.register(analysis::GERMAN, analysis::german());
            (
                Index::builder().schema(schema).tokenizers(tokenizers),
                fields,
            )
        };
        let (first, fields) = builder();
        write_single_segment(first, Storage::Build(dir.path()), &texts, fields).unwrap();
        let (again, _) = builder();
        let error = write_single_segment(again, Storage::Build(dir.path()), &texts, fields);
        assert!(error.is_err());
        let (threaded, _) = builder();
        let error = write_segments(threaded, Storage::Build(dir.path()), &texts, fields, 2);
        assert!(error.is_err());
        let index = Index::open_in_dir(dir.path()).unwrap();
        assert_eq!(index.reader().unwrap().searcher().num_docs(), 1);
    }

    /// Words for generated test documents.
    const WORDS: [&str; 10] = [
        "Gesellenprüfung",
        "Holz",
        "Tischler",
        "Anmeldung",
        "Prüfungstermin",
        "Werkstatt",
        "Säge",
        "Leim",
        "Ausbildung",
        "Bäcker",
    ];

    #[test]
    fn segments_merged_after_the_start_answer_as_before() {
        let word = |i: usize| WORDS[i % WORDS.len()];
        // Enough documents to be merged, of different lengths and words, some alike.
        let files: Vec<SourceFile> = (0..MERGE_MIN_DOCS + 200)
            .map(|i| {
                let body: Vec<&str> = (0..i % 17 + 3).map(|w| word(i * w + w)).collect();
                let text = format!(
                    "---\ntitle: {} {}\n---\n{}\n\n## {}\n\n{}\n",
                    word(i),
                    i % 50,
                    body.join(" "),
                    word(i / 3),
                    body[..body.len() / 2].join(" ")
                );
                SourceFile {
                    path: format!("d{i}.md"),
                    bytes: text.into_bytes().into(),
                }
            })
            .collect();
        let library = Library::build(files);
        // Which indexing thread takes which document is up to the scheduler.
        let index = (0..20)
            .map(|_| SearchIndex::build(&library, 3).unwrap())
            .find(|index| index.segment_count() > 1)
            .expect("several segments from three indexing threads");
        let answers = |index: &SearchIndex| -> Vec<String> {
            let queries = [
                "Holz Leim",
                "Prüfung",
                "Säge 7",
                "Tischler Werkstatt Holz",
                "",
            ];
            let mut answers = Vec::new();
            for q in queries {
                for page in [1, 3] {
                    let request = SearchRequest {
                        q: q.to_owned(),
                        page,
                        ..SearchRequest::default()
                    };
                    answers.push(format!("{:?}", index.search(&library, &request).unwrap()));
                }
            }
            answers
        };
        let before = answers(&index);
        assert!(
            before.iter().all(|a| !a.contains("total: 0,")),
            "{before:?}"
        );

        index.warm(&library);
        assert_eq!(index.segment_count(), 1);
        assert_eq!(answers(&index), before);
        // A saved index is not merged: others may read its folder.
        let dir = tempfile::tempdir().unwrap();
        SearchIndex::build_in(&library, 3, Storage::Build(dir.path())).unwrap();
        let opened =
            SearchIndex::build_in(&library, 1, Storage::Open(Saved::Folder(dir.path()))).unwrap();
        assert_eq!(opened.segment_count(), 1, "saved merged");
        opened.warm(&library);
        assert_eq!(answers(&opened), before);
    }

    #[test]
    fn one_segment_on_this_thread_indexes_what_the_indexing_threads_do() {
        let words = WORDS;
        // Enough documents for several indexing threads and segments.
        let texts: Vec<IndexText> = (0..3 * DOCS_PER_THREAD)
            .map(|i| IndexText {
                title: format!("{} {i}", words[i % words.len()]),
                headings: format!("{}\n{}\n", words[i % 7], words[i % 3]),
                body: (0..i % 13 + 2)
                    .map(|w| words[(i * w + w) % words.len()])
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect();
        let index_with = |write: &dyn Fn(IndexBuilder, IndexFields) -> anyhow::Result<Index>| {
            let (schema, fields) = IndexFields::schema();
            let tokenizers = TokenizerManager::default();
            tokenizers.register(analysis::GERMAN, analysis::german());
            let index = write(
                Index::builder().schema(schema).tokenizers(tokenizers),
                fields,
            );
            (index.unwrap(), fields)
        };
        // Which indexing thread takes which document is up to the scheduler: all of
        // them fit in tantivy's queue, and one thread may take them all. Try again
        // until the documents end up in several segments.
        let (threaded, fields) = (0..100)
            .map(|_| {
                index_with(&|builder, fields| {
                    write_segments(builder, Storage::Ram, &texts, fields, 3)
                })
            })
            .find(|(index, _)| index.searchable_segment_ids().unwrap().len() > 1)
            .expect("several segments from three indexing threads");
        let (single, _) = index_with(&|builder, fields| {
            write_single_segment(builder, Storage::Ram, &texts, fields)
        });
        assert_eq!(single.searchable_segment_ids().unwrap().len(), 1);

        let (postings, lengths) = contents(&single, fields);
        assert!(postings.len() > words.len(), "terms of all fields");
        assert_eq!(lengths.len(), texts.len());
        assert_eq!((postings, lengths), contents(&threaded, fields));
    }
}
