//! Section hits: which headings of a long document match the query best.
//!
//! Documents are ranked as a whole (a separate index would change their scores), but
//! a reader of a 30-page text wants to land at the right heading. So every section of
//! a document with at least two headed sections is indexed once more on its own, and
//! for the hits shown on a page — never for the whole result set — the same query runs
//! over their sections to find the best one or two, linked as `/doc#heading-id`.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermSetQuery};
use tantivy::schema::{FAST, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

use super::analysis;
use super::query::{ParsedQuery, QueryFields};
use super::snippet;
use crate::library::Library;

/// Sections shown under one hit.
pub const SECTIONS_PER_HIT: usize = 2;
const DOC_FIELD: &str = "doc";
const SECTION_FIELD: &str = "section";
const WRITER_BYTES: usize = 32 * 1024 * 1024;

/// The per-section index.
pub struct SectionIndex {
    reader: IndexReader,
    fields: QueryFields,
    doc: tantivy::schema::Field,
}

/// A section that matched: its position in the document's sections and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SectionMatch {
    /// Index into the document's `rendered.sections`.
    pub section: usize,
    /// Relevance within the document.
    pub score: f32,
    /// Where the section index holds it.
    pub address: DocAddress,
}

impl SectionIndex {
    /// Indexes the headed sections of every document that has at least two.
    /// Returns `None` when no document is long enough to need it.
    pub fn build(
        library: &Library,
        analyzer: &TextAnalyzer,
    ) -> anyhow::Result<Option<SectionIndex>> {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::GERMAN)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut builder = Schema::builder();
        let heading = builder.add_text_field("heading", text.clone());
        let body = builder.add_text_field("body", text);
        let doc = builder.add_u64_field(DOC_FIELD, FAST | INDEXED);
        let section = builder.add_u64_field(SECTION_FIELD, FAST);
        let index = Index::create_in_ram(builder.build());
        index
            .tokenizers()
            .register(analysis::GERMAN, analyzer.clone());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_BYTES)?;
        let mut any = false;
        for (i, d) in library.documents.iter().enumerate() {
            let headed = d
                .rendered
                .sections
                .iter()
                .filter(|s| !s.heading.is_empty())
                .count();
            if headed < 2 {
                continue;
            }
            for (j, s) in d.rendered.sections.iter().enumerate() {
                if s.heading.is_empty() {
                    continue;
                }
                let mut document = TantivyDocument::default();
                document.add_text(heading, &s.heading);
                document.add_text(body, &s.text);
                document.add_u64(doc, i as u64);
                document.add_u64(section, j as u64);
                writer.add_document(document)?;
                any = true;
            }
        }
        if !any {
            return Ok(None);
        }
        writer.commit()?;
        drop(writer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Some(SectionIndex {
            reader,
            // A section's heading plays the part of both title and headings.
            fields: QueryFields {
                title: heading,
                headings: heading,
                body,
            },
            doc,
        }))
    }

    /// The best sections of each of `docs` for the query, best first.
    pub fn best(
        &self,
        parsed: &ParsedQuery,
        docs: &[usize],
    ) -> anyhow::Result<HashMap<usize, Vec<SectionMatch>>> {
        let mut out: HashMap<usize, Vec<SectionMatch>> = HashMap::new();
        if parsed.is_empty() || docs.is_empty() {
            return Ok(out);
        }
        let only_these = TermSetQuery::new(
            docs.iter()
                .map(|&d| Term::from_field_u64(self.doc, d as u64)),
        );
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.fields.build(parsed)),
            (Occur::Must, Box::new(only_these) as Box<dyn Query>),
        ]);
        let searcher = self.reader.searcher();
        let limit = docs.len() * SECTIONS_PER_HIT * 4;
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        for (score, address) in top {
            let fast = searcher.segment_reader(address.segment_ord).fast_fields();
            let (Some(doc), Some(section)) = (
                fast.u64(DOC_FIELD)?.first(address.doc_id),
                fast.u64(SECTION_FIELD)?.first(address.doc_id),
            ) else {
                continue;
            };
            let list = out.entry(doc as usize).or_default();
            if list.len() < SECTIONS_PER_HIT {
                list.push(SectionMatch {
                    section: section as usize,
                    score,
                    address,
                });
            }
        }
        Ok(out)
    }

    /// Where the query's terms occur in a matched section's text (for its snippet).
    pub fn positions(
        &self,
        terms: &snippet::Terms,
        section: &SectionMatch,
    ) -> tantivy::Result<Vec<(u32, usize)>> {
        terms.positions(&self.reader.searcher(), self.fields.body, section.address)
    }
}
