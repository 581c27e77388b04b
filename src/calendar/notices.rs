//! The notices board: documents of kind `hinweis`, current until their `valid_until`
//! day has passed, newest first.
//!
//! Expired notices leave the board, the start page and the feed, but their pages stay
//! where they were, so links sent around during an incident keep working.

use crate::content::{Date, Document, Kind};
use crate::library::Library;

/// Whether a document is a notice (section introductions are not).
pub fn is_notice(doc: &Document) -> bool {
    doc.meta.kind == Kind::Hinweis && !doc.is_index
}

/// Whether a notice is still current on `today`: without `valid_until` it always is;
/// otherwise up to and including that day.
pub fn is_current(doc: &Document, today: Date) -> bool {
    doc.meta.valid_until.is_none_or(|until| until >= today)
}

/// The notices current on `today`, newest "Stand" first.
pub fn current(library: &Library, today: Date) -> Vec<&Document> {
    select(library, |doc| is_current(doc, today))
}

/// The notices that expired before `today`, newest "Stand" first.
pub fn expired(library: &Library, today: Date) -> Vec<&Document> {
    select(library, |doc| !is_current(doc, today))
}

fn select(library: &Library, keep: impl Fn(&Document) -> bool) -> Vec<&Document> {
    let mut docs: Vec<&Document> = library
        .documents
        .iter()
        .filter(|d| is_notice(d) && keep(d))
        .collect();
    // Notices without a date go last; equal dates keep a stable order by URL.
    docs.sort_by(|a, b| {
        b.meta
            .updated
            .cmp(&a.meta.updated)
            .then_with(|| a.url.cmp(&b.url))
    });
    docs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourceFile;

    fn notice(path: &str, updated: &str, until: Option<&str>) -> SourceFile {
        let until = until.map_or(String::new(), |u| format!("valid_until: {u}\n"));
        let text =
            format!("---\ntitle: {path}\nkind: hinweis\nupdated: {updated}\n{until}---\nText\n");
        SourceFile {
            path: path.to_owned(),
            bytes: text.into_bytes().into(),
        }
    }

    #[test]
    fn current_notices_are_newest_first_and_expire_after_their_last_day() {
        let lib = Library::build(vec![
            notice("a.md", "2026-11-01", Some("2026-11-30")),
            notice("b.md", "2026-11-20", None),
            notice("c.md", "2026-10-01", Some("2026-10-31")),
        ]);
        let urls = |docs: Vec<&Document>| docs.iter().map(|d| d.url.clone()).collect::<Vec<_>>();
        let day = |s| Date::parse(s).unwrap();
        assert_eq!(urls(current(&lib, day("2026-11-30"))), ["/b", "/a"]);
        assert_eq!(urls(current(&lib, day("2026-12-01"))), ["/b"]);
        assert_eq!(urls(expired(&lib, day("2026-12-01"))), ["/a", "/c"]);
        assert_eq!(urls(current(&lib, day("2026-10-15"))), ["/b", "/a", "/c"]);
    }
}
