//! The browsing pages: start page, sections, documents and error pages.

use maud::{Markup, html};

use super::calendar::{document_events, home_sections};
use super::{Chrome, Head, layout, trusted};
use crate::calendar::{Calendar, Filter, notices};
use crate::content::{Date, Document, Kind};
use crate::library::{Library, Section};

/// How many documents the start page lists as new.
pub const NEWEST_ON_HOME: usize = 8;
/// How many upcoming dates the start page lists.
pub const DATES_ON_HOME: usize = 5;
/// How many current notices the start page lists.
pub const NOTICES_ON_HOME: usize = 5;

/// The start page: what the portal is, search, current notices, next dates, trades,
/// other sections, newest documents. It depends on `today`, so it is rendered per request.
pub fn home(chrome: &Chrome, lib: &Library, calendar: &Calendar, today: Date) -> Markup {
    let next: Vec<_> = calendar
        .upcoming(today, &Filter::default())
        .into_iter()
        .take(DATES_ON_HOME)
        .collect();
    let mut current = notices::current(lib, today);
    current.truncate(NOTICES_ON_HOME);
    let s = &chrome.settings;
    let root = lib.sections.get("/");
    let trade_urls: Vec<&str> = lib.trades.iter().map(|t| t.url.as_str()).collect();
    let other_sections: Vec<&Section> = root
        .map(|r| {
            r.subsections
                .iter()
                .filter(|u| !trade_urls.contains(&u.as_str()))
                .filter_map(|u| lib.sections.get(u))
                .collect()
        })
        .unwrap_or_default();
    let main = html! {
        div.hero {
            h1 { (s.title) " der " (s.name) }
            @if let Some(tagline) = &s.tagline { p.lead { (tagline) } }
            form.big-search role="search" action="/suche" method="get" {
                label for="start-suche" { "Lernmaterial, Prüfungen und Kurse durchsuchen" }
                div.search-row {
                    input #start-suche type="search" name="q" autocomplete="off"
                        placeholder="z. B. Gesellenprüfung Tischler";
                    button type="submit" { "Suchen" }
                }
            }
        }
        @if let Some(index) = root.and_then(|r| r.index) {
            div.prose { (trusted(&lib.documents[index].rendered.html)) }
        }
        (home_sections(&next, &current, today))
        @if !lib.trades.is_empty() {
            section aria-labelledby="gewerke" {
                h2 #gewerke { "Gewerke" }
                ul.cards {
                    @for trade in &lib.trades {
                        li {
                            a href=(trade.url) { (trade.name) }
                            @if let Some(summary) = lib.document(&trade.url).and_then(|d| d.meta.summary.as_ref()) {
                                p { (summary) }
                            }
                        }
                    }
                }
            }
        }
        @if !other_sections.is_empty() {
            section aria-labelledby="bereiche" {
                h2 #bereiche { "Weitere Bereiche" }
                ul.cards {
                    @for section in &other_sections {
                        li {
                            a href=(section.url) { (section.title) }
                            @if let Some(summary) = section.index.and_then(|i| lib.documents[i].meta.summary.as_ref()) {
                                p { (summary) }
                            }
                        }
                    }
                }
            }
        }
        @let newest: Vec<&Document> = lib
            .newest(usize::MAX)
            .into_iter()
            .filter(|d| !notices::is_notice(d) || notices::is_current(d, today))
            .take(NEWEST_ON_HOME)
            .collect();
        @if !newest.is_empty() {
            section aria-labelledby="neu" {
                h2 #neu { "Zuletzt aktualisiert" }
                ul.doc-list {
                    @for doc in newest { (doc_item(lib, doc)) }
                }
            }
        }
    };
    let description = s.tagline.as_deref();
    layout(
        chrome,
        &Head {
            title: &s.title,
            description,
            ..Head::default()
        },
        main,
    )
}

/// A section: its introduction, sub-sections and documents grouped by kind and year.
pub fn section(chrome: &Chrome, lib: &Library, section: &Section) -> Markup {
    let index = section.index.map(|i| &lib.documents[i]);
    let main = html! {
        (breadcrumbs(lib, &section.url, None))
        h1 { (section.title) }
        @if let Some(doc) = index {
            @if let Some(summary) = &doc.meta.summary { p.lead { (summary) } }
            div.prose { (trusted(&doc.rendered.html)) }
        }
        @if !section.subsections.is_empty() {
            h2 { "Bereiche" }
            ul.cards {
                @for url in &section.subsections {
                    @if let Some(sub) = lib.sections.get(url) {
                        li { a href=(sub.url) { (sub.title) } }
                    }
                }
            }
        }
        @for kind in Kind::ALL {
            @let docs: Vec<&Document> = section.documents.iter().map(|&i| &lib.documents[i]).filter(|d| d.meta.kind == kind).collect();
            @if !docs.is_empty() {
                section.group {
                    h2 { (kind.plural()) }
                    @let with_year = docs.iter().any(|d| d.meta.year.is_some());
                    @if with_year {
                        @for year in [None, Some(1), Some(2), Some(3), Some(4)] {
                            @let in_year: Vec<&&Document> = docs.iter().filter(|d| d.meta.year == year).collect();
                            @if !in_year.is_empty() {
                                @if let Some(y) = year { h3 { (y) ". Ausbildungsjahr" } } @else { h3 { "Alle Ausbildungsjahre" } }
                                ul.doc-list { @for doc in in_year { (doc_item(lib, doc)) } }
                            }
                        }
                    } @else {
                        ul.doc-list { @for doc in &docs { (doc_item(lib, doc)) } }
                    }
                }
            }
        }
        @if section.documents.is_empty() && section.subsections.is_empty() {
            p { "In diesem Bereich gibt es noch keine Dokumente." }
        }
    };
    let description = index.and_then(|d| d.meta.summary.as_deref());
    layout(
        chrome,
        &Head {
            title: &section.title,
            description,
            ..Head::default()
        },
        main,
    )
}

/// A document: breadcrumbs, title, "Stand", table of contents, body, dates,
/// attachments and the neighbours in its section.
pub fn document(chrome: &Chrome, lib: &Library, doc: &Document) -> Markup {
    let meta = &doc.meta;
    let attachments = lib.attachments_of(doc);
    let (previous, next) = neighbours(lib, doc);
    let main = html! {
        (breadcrumbs(lib, &doc.section, Some(&meta.title)))
        article {
            header.doc-header {
                h1 { (meta.title) }
                (doc_meta(lib, doc))
                @if let Some(summary) = &meta.summary { p.lead { (summary) } }
            }
            @if doc.rendered.toc.len() >= 2 {
                nav.toc aria-labelledby="toc-titel" {
                    h2 #toc-titel { "Inhalt" }
                    ol {
                        @for entry in &doc.rendered.toc {
                            li class={ "toc-" (entry.level) } { a href={ "#" (entry.id) } { (entry.text) } }
                        }
                    }
                }
            }
            div.prose { (trusted(&doc.rendered.html)) }
            (document_events(lib, doc))
            @if !attachments.is_empty() {
                section aria-labelledby="anhaenge-titel" {
                    h2 #anhaenge-titel { "Dateien zum Herunterladen" }
                    ul.attachments {
                        @for a in &attachments {
                            li {
                                a href=(a.url) download { (a.name) }
                                " (" (file_size(a.bytes.len())) ")"
                            }
                        }
                    }
                }
            }
        }
        @if previous.is_some() || next.is_some() {
            nav.pager aria-label="Weitere Dokumente in diesem Bereich" {
                @if let Some(p) = previous { a rel="prev" href=(p.url) { "← " (p.meta.title) } }
                @if let Some(n) = next { a rel="next" href=(n.url) { (n.meta.title) " →" } }
            }
        }
    };
    layout(
        chrome,
        &Head {
            title: &meta.title,
            description: meta.summary.as_deref(),
            ..Head::default()
        },
        main,
    )
}

/// The 404 page, in the site's layout, with a way on.
pub fn not_found(chrome: &Chrome) -> Markup {
    let main = html! {
        h1 { "Seite nicht gefunden" }
        p { "Unter dieser Adresse gibt es keine Seite. Vielleicht hilft die Suche weiter:" }
        form.big-search role="search" action="/suche" method="get" {
            label for="nf-suche" { "Suchbegriff" }
            div.search-row {
                input #nf-suche type="search" name="q" autocomplete="off";
                button type="submit" { "Suchen" }
            }
        }
        p { a href="/" { "Zur Startseite" } }
    };
    layout(
        chrome,
        &Head {
            title: "Seite nicht gefunden",
            noindex: true,
            ..Head::default()
        },
        main,
    )
}

/// A page for a request the server cannot answer (bad input, or its own fault).
pub fn problem(chrome: &Chrome, title: &str, message: &str) -> Markup {
    let main = html! {
        h1 { (title) }
        p { (message) }
        p { a href="/" { "Zur Startseite" } }
    };
    layout(
        chrome,
        &Head {
            title,
            noindex: true,
            ..Head::default()
        },
        main,
    )
}

/// "Start › Tischler/in › Gesellenprüfung".
fn breadcrumbs(lib: &Library, section_url: &str, current: Option<&str>) -> Markup {
    let chain = lib.breadcrumbs(section_url);
    html! {
        nav.breadcrumbs aria-label="Brotkrümelnavigation" {
            ol {
                @for (i, section) in chain.iter().enumerate() {
                    @let last = current.is_none() && i + 1 == chain.len();
                    @let title = if section.url == "/" { "Start" } else { section.title.as_str() };
                    @if last {
                        li { span aria-current="page" { (title) } }
                    } @else {
                        li { a href=(section.url) { (title) } }
                    }
                }
                @if let Some(title) = current { li { span aria-current="page" { (title) } } }
            }
        }
    }
}

/// The line under a document's title: kind, trades, year, "Stand".
fn doc_meta(lib: &Library, doc: &Document) -> Markup {
    let meta = &doc.meta;
    html! {
        p.doc-meta {
            span.tag { (meta.kind.label()) }
            @for slug in &meta.trades {
                @if let Some(trade) = lib.trade(slug) {
                    " " a.tag href=(trade.url) { (trade.name) }
                }
            }
            @if let Some(year) = meta.year { " " span.tag { (year) ". Ausbildungsjahr" } }
            @if let Some(updated) = meta.updated {
                " " span.stand { "Stand: " time datetime=(updated.to_string()) { (updated.german()) } }
            }
            @if let Some(until) = meta.valid_until {
                " " span.stand { "gültig bis " time datetime=(until.to_string()) { (until.german()) } }
            }
        }
    }
}

/// A document in a list: title link, summary, small meta line.
fn doc_item(lib: &Library, doc: &Document) -> Markup {
    html! {
        li {
            a href=(doc.url) { (doc.meta.title) }
            @if let Some(summary) = &doc.meta.summary { p { (summary) } }
            (doc_meta(lib, doc))
        }
    }
}

/// The documents before and after this one in its section's reading order.
fn neighbours<'a>(
    lib: &'a Library,
    doc: &Document,
) -> (Option<&'a Document>, Option<&'a Document>) {
    let Some(section) = lib.section_of(doc) else {
        return (None, None);
    };
    if doc.is_index {
        return (None, None);
    }
    let Some(pos) = section
        .documents
        .iter()
        .position(|&i| lib.documents[i].url == doc.url)
    else {
        return (None, None);
    };
    let previous = pos
        .checked_sub(1)
        .map(|p| &lib.documents[section.documents[p]]);
    let next = section.documents.get(pos + 1).map(|&n| &lib.documents[n]);
    (previous, next)
}

/// `12 KB`, `1,4 MB`.
fn file_size(bytes: usize) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
}
