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
    let t = chrome.t();
    let lang = chrome.lang;
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
            h1 { (lang.home_title(&s.title, &s.name)) }
            @if let Some(tagline) = &s.tagline { p.lead lang=[chrome.content_lang()] { (tagline) } }
            form.big-search role="search" action=(chrome.href("/suche")) method="get" {
                label for="start-suche" { (t.home_search_label) }
                div.search-row {
                    input #start-suche type="search" name="q" autocomplete="off"
                        placeholder=(t.home_search_placeholder);
                    button type="submit" { (t.search_button) }
                }
            }
        }
        @if let Some(index) = root.and_then(|r| r.index) {
            div.prose lang=[chrome.content_lang()] { (trusted(chrome.content_html(lib, &lib.documents[index].rendered.html()))) }
        }
        (home_sections(chrome, &next, &current, today))
        @if !lib.trades.is_empty() {
            section aria-labelledby="gewerke" {
                h2 #gewerke { (t.trades) }
                ul.cards lang=[chrome.content_lang()] {
                    @for trade in &lib.trades {
                        li {
                            a href=(chrome.href(&trade.url)) { (trade.name) }
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
                h2 #bereiche { (t.other_sections) }
                ul.cards lang=[chrome.content_lang()] {
                    @for section in &other_sections {
                        li {
                            a href=(chrome.href(&section.url)) { (section.title) }
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
                h2 #neu { (t.recently_updated) }
                ul.doc-list {
                    @for doc in newest { (doc_item(chrome, lib, doc)) }
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
    let t = chrome.t();
    let lang = chrome.lang;
    let trade = lib.trades.iter().find(|tr| tr.url == section.url);
    let main = html! {
        (breadcrumbs(chrome, lib, &section.url, None))
        h1 lang=[chrome.content_lang()] { (section.title) }
        @if let Some(doc) = index {
            @if let Some(summary) = &doc.meta.summary { p.lead lang=[chrome.content_lang()] { (summary) } }
            div.prose lang=[chrome.content_lang()] { (trusted(chrome.content_html(lib, &doc.rendered.html()))) }
        }
        @if !section.subsections.is_empty() {
            h2 { (t.sections) }
            ul.cards lang=[chrome.content_lang()] {
                @for url in &section.subsections {
                    @if let Some(sub) = lib.sections.get(url) {
                        li { a href=(chrome.href(&sub.url)) { (sub.title) } }
                    }
                }
            }
        }
        @for kind in Kind::ALL {
            @let docs: Vec<&Document> = section.documents.iter().map(|&i| &lib.documents[i]).filter(|d| d.meta.kind == kind).collect();
            @if !docs.is_empty() {
                section.group {
                    h2 { (lang.kind_plural(kind)) }
                    @let with_year = docs.iter().any(|d| d.meta.year.is_some());
                    @if with_year {
                        @for year in [None, Some(1), Some(2), Some(3), Some(4)] {
                            @let in_year: Vec<&&Document> = docs.iter().filter(|d| d.meta.year == year).collect();
                            @if !in_year.is_empty() {
                                @if let Some(y) = year { h3 { (lang.training_year(y)) } } @else { h3 { (t.all_years) } }
                                ul.doc-list { @for doc in in_year { (doc_item(chrome, lib, doc)) } }
                            }
                        }
                    } @else {
                        ul.doc-list { @for doc in &docs { (doc_item(chrome, lib, doc)) } }
                    }
                }
            }
        }
        @if section.documents.is_empty() && section.subsections.is_empty() {
            p { (t.empty_section) }
        }
        // At the end, so that the box the script shows moves nothing the reader sees.
        @if let Some(trade) = trade { (super::pwa::save_box(chrome, &trade.slug)) }
    };
    let description = index.and_then(|d| d.meta.summary.as_deref());
    layout(
        chrome,
        &Head {
            title: &section.title,
            description,
            path: &section.url,
            stand: index.and_then(|d| d.meta.updated),
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
    let t = chrome.t();
    let main = html! {
        (breadcrumbs(chrome, lib, &doc.section, Some(&meta.title)))
        article {
            header.doc-header {
                h1 lang=[chrome.content_lang()] { (meta.title) }
                (doc_meta(chrome, lib, doc))
                @if let Some(summary) = &meta.summary { p.lead lang=[chrome.content_lang()] { (summary) } }
            }
            @if doc.rendered.toc.len() >= 2 {
                nav.toc aria-labelledby="toc-titel" {
                    h2 #toc-titel { (t.toc) }
                    ol lang=[chrome.content_lang()] {
                        @for entry in &doc.rendered.toc {
                            li class={ "toc-" (entry.level) } { a href={ "#" (entry.id) } { (entry.text) } }
                        }
                    }
                }
            }
            div.prose lang=[chrome.content_lang()] { (trusted(chrome.content_html(lib, &doc.rendered.html()))) }
            (document_events(chrome, lib, doc))
            @if !attachments.is_empty() {
                section aria-labelledby="anhaenge-titel" {
                    h2 #anhaenge-titel { (t.downloads) }
                    ul.attachments {
                        @for a in &attachments {
                            li {
                                a href=(a.url) download { (a.name) }
                                " (" (chrome.lang.file_size(a.bytes.len())) ")"
                            }
                        }
                    }
                }
            }
        }
        @if previous.is_some() || next.is_some() {
            nav.pager aria-label=(t.more_in_section) lang=[chrome.content_lang()] {
                @if let Some(p) = previous { a rel="prev" href=(chrome.href(&p.url)) { "← " (p.meta.title) } }
                @if let Some(n) = next { a rel="next" href=(chrome.href(&n.url)) { (n.meta.title) " →" } }
            }
        }
    };
    layout(
        chrome,
        &Head {
            title: &meta.title,
            description: meta.summary.as_deref(),
            path: &doc.url,
            stand: meta.updated,
            ..Head::default()
        },
        main,
    )
}

/// The 404 page, in the site's layout, with a way on.
pub fn not_found(chrome: &Chrome) -> Markup {
    let t = chrome.t();
    let main = html! {
        h1 { (t.not_found_title) }
        p { (t.not_found_text) }
        form.big-search role="search" action=(chrome.href("/suche")) method="get" {
            label for="nf-suche" { (t.search_term) }
            div.search-row {
                input #nf-suche type="search" name="q" autocomplete="off";
                button type="submit" { (t.search_button) }
            }
        }
        p { a href=(chrome.href("/")) { (t.to_home) } }
    };
    layout(
        chrome,
        &Head {
            title: t.not_found_title,
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
        p { a href=(chrome.href("/")) { (chrome.t().to_home) } }
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
fn breadcrumbs(chrome: &Chrome, lib: &Library, section_url: &str, current: Option<&str>) -> Markup {
    let chain = lib.breadcrumbs(section_url);
    let content_lang = chrome.content_lang();
    html! {
        nav.breadcrumbs aria-label=(chrome.t().breadcrumbs) {
            ol {
                @for (i, section) in chain.iter().enumerate() {
                    @let last = current.is_none() && i + 1 == chain.len();
                    @let home = section.url == "/";
                    @let title = if home { chrome.t().start } else { section.title.as_str() };
                    @let lang = if home { None } else { content_lang };
                    @if last {
                        li { span aria-current="page" lang=[lang] { (title) } }
                    } @else {
                        li { a href=(chrome.href(&section.url)) lang=[lang] { (title) } }
                    }
                }
                @if let Some(title) = current { li { span aria-current="page" lang=[content_lang] { (title) } } }
            }
        }
    }
}

/// The line under a document's title: kind, trades, year, "Stand".
fn doc_meta(chrome: &Chrome, lib: &Library, doc: &Document) -> Markup {
    let meta = &doc.meta;
    let t = chrome.t();
    let lang = chrome.lang;
    html! {
        p.doc-meta {
            span.tag { (lang.kind(meta.kind)) }
            @for slug in &meta.trades {
                @if let Some(trade) = lib.trade(slug) {
                    " " a.tag href=(chrome.href(&trade.url)) lang=[chrome.content_lang()] { (trade.name) }
                }
            }
            @if let Some(year) = meta.year { " " span.tag { (lang.training_year(year)) } }
            @if let Some(updated) = meta.updated {
                " " span.stand { (t.as_of) time datetime=(updated.to_string()) { (lang.date(updated)) } }
            }
            @if let Some(until) = meta.valid_until {
                " " span.stand { (t.valid_until) time datetime=(until.to_string()) { (lang.date(until)) } }
            }
        }
    }
}

/// A document in a list: title link, summary, small meta line.
fn doc_item(chrome: &Chrome, lib: &Library, doc: &Document) -> Markup {
    html! {
        li {
            a href=(chrome.href(&doc.url)) lang=[chrome.content_lang()] { (doc.meta.title) }
            @if let Some(summary) = &doc.meta.summary { p lang=[chrome.content_lang()] { (summary) } }
            (doc_meta(chrome, lib, doc))
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
