//! The search page of a static export: full-text search needs the server, so the page
//! says so and offers the trades and every document grouped by kind instead.

use maud::{Markup, html};

use super::{Chrome, Head, layout};
use crate::content::{Document, Kind};
use crate::library::Library;

/// The page served at `/suche` in a static export.
pub fn offline_search(chrome: &Chrome, lib: &Library) -> Markup {
    let main = html! {
        h1 { "Suche" }
        div.note role="note" {
            p {
                strong { "Die Volltextsuche ist in dieser Kopie nicht verfügbar. " }
                "Sie braucht das Programm werkbank auf dem Server; diese Seiten sind eine "
                "statische Kopie (zum Beispiel von einem USB-Stick oder einem einfachen Webserver)."
            }
            p { "Alle Inhalte finden Sie hier nach Gewerk und nach Art geordnet." }
        }
        @if !lib.trades.is_empty() {
            section aria-labelledby="nach-gewerk" {
                h2 #nach-gewerk { "Nach Gewerk" }
                ul.cards { @for t in &lib.trades { li { a href=(t.url) { (t.name) } } } }
            }
        }
        section aria-labelledby="nach-art" {
            h2 #nach-art { "Nach Art" }
            @for kind in Kind::ALL {
                @let docs: Vec<&Document> = lib.documents.iter().filter(|d| !d.is_index && d.meta.kind == kind).collect();
                @if !docs.is_empty() {
                    section.group {
                        h3 #{ "art-" (kind.slug()) } { (kind.plural()) " (" (docs.len()) ")" }
                        ul.doc-list {
                            @for doc in docs {
                                li {
                                    a href=(doc.url) { (doc.meta.title) }
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
            title: "Suche",
            noindex: true,
            ..Head::default()
        },
        main,
    )
}
