//! The search page of a static export: full-text search needs the server, so the page
//! says so and offers the trades and every document grouped by kind instead.

use maud::{Markup, html};

use super::{Chrome, Head, layout};
use crate::content::{Document, Kind};
use crate::library::Library;

/// The page served at `/suche` in a static export.
pub fn offline_search(chrome: &Chrome, lib: &Library) -> Markup {
    let t = chrome.t();
    let content_lang = chrome.content_lang();
    let main = html! {
        h1 { (t.search_title) }
        div.note role="note" {
            p {
                strong { (t.export_search_unavailable) }
                (t.export_search_why)
            }
            p { (t.export_search_instead) }
        }
        @if !lib.trades.is_empty() {
            section aria-labelledby="nach-gewerk" {
                h2 #nach-gewerk { (t.by_trade) }
                ul.cards lang=[content_lang] { @for tr in &lib.trades { li { a href=(chrome.href(&tr.url)) { (tr.name) } } } }
            }
        }
        section aria-labelledby="nach-art" {
            h2 #nach-art { (t.by_kind) }
            @for kind in Kind::ALL {
                @let docs: Vec<&Document> = lib.documents.iter().filter(|d| !d.is_index && d.meta.kind == kind).collect();
                @if !docs.is_empty() {
                    section.group {
                        h3 #{ "art-" (kind.slug()) } { (chrome.lang.kind_plural(kind)) " (" (docs.len()) ")" }
                        ul.doc-list lang=[content_lang] {
                            @for doc in docs {
                                li {
                                    a href=(chrome.href(&doc.url)) { (doc.meta.title) }
                                    @if let Some(summary) = &doc.meta.summary { p { (summary) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(
        chrome,
        &Head {
            title: t.search_title,
            noindex: true,
            path: "/suche",
            ..Head::default()
        },
        main,
    )
}
