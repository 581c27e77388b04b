//! The results page: a form that works without JavaScript, counts announced to screen
//! readers, snippets with highlights, facet filters and paging.

use maud::{Markup, html};

use super::{Chrome, Head, layout};
use crate::calendar::Calendar;
use crate::content::Date;
use crate::library::Library;
use crate::search::{Fragment, SearchRequest, SearchResults};

/// Everything the results page shows.
pub struct SearchPage<'a> {
    /// The checked request.
    pub request: &'a SearchRequest,
    /// The results.
    pub results: &'a SearchResults,
    /// Notes about the input (cut query, ignored filter values).
    pub notes: &'a [String],
    /// The events, for the upcoming dates of each hit.
    pub calendar: &'a Calendar,
    /// Today in Germany.
    pub today: Date,
}

/// How many upcoming dates a search hit shows.
pub const DATES_PER_HIT: usize = 3;

/// The results page.
pub fn search(chrome: &Chrome, lib: &Library, page: &SearchPage<'_>) -> Markup {
    let req = page.request;
    let res = page.results;
    let has_input =
        !req.q.trim().is_empty() || req.trade.is_some() || req.kind.is_some() || req.year.is_some();
    let main = html! {
        h1 { "Suche" }
        form.search-form role="search" action="/suche" method="get" {
            div.field {
                label for="suche-q" { "Suchbegriff" }
                input #suche-q type="search" name="q" value=(req.q) autocomplete="off";
            }
            div.filters {
                div.field {
                    label for="suche-gewerk" { "Gewerk" }
                    select #suche-gewerk name="gewerk" {
                        option value="" { "Alle Gewerke" }
                        @for f in &res.facets.trade {
                            @if let Some(trade) = lib.trade(&f.value) {
                                option value=(f.value) selected[req.trade.as_deref() == Some(f.value.as_str())] {
                                    (trade.name) " (" (f.count) ")"
                                }
                            }
                        }
                    }
                }
                div.field {
                    label for="suche-art" { "Art" }
                    select #suche-art name="art" {
                        option value="" { "Alle Arten" }
                        @for f in &res.facets.kind {
                            option value=(f.value.slug()) selected[req.kind == Some(f.value)] {
                                (f.value.label()) " (" (f.count) ")"
                            }
                        }
                    }
                }
                div.field {
                    label for="suche-jahr" { "Ausbildungsjahr" }
                    select #suche-jahr name="jahr" {
                        option value="" { "Alle Jahre" }
                        @for f in &res.facets.year {
                            option value=(f.value) selected[req.year == Some(f.value)] {
                                (f.value) ". Jahr (" (f.count) ")"
                            }
                        }
                    }
                }
            }
            button type="submit" { "Suchen" }
            @if req.trade.is_some() || req.kind.is_some() || req.year.is_some() {
                " " a.reset href=(search_url(&SearchRequest { q: req.q.clone(), page: 1, ..SearchRequest::default() })) { "Filter zurücksetzen" }
            }
        }
        @for note in page.notes { p.note role="note" { (note) } }
        @if has_input {
            p.result-count role="status" {
                @match res.total {
                    0 => { "Keine Treffer" }
                    1 => { "1 Treffer" }
                    n => { (n) " Treffer" }
                }
                @if !req.q.trim().is_empty() { " für „" (req.q.trim()) "“" }
                @if res.pages > 1 { ", Seite " (res.page) " von " (res.pages) }
            }
            @if let Some(corrected) = &res.did_you_mean {
                p.did-you-mean {
                    "Meinten Sie: "
                    a href=(search_url(&SearchRequest { q: corrected.clone(), page: 1, ..req.clone() })) { (corrected) }
                    "?"
                }
            }
            @if res.total == 0 {
                div.no-results {
                    p { "Tipps: Prüfen Sie die Schreibweise, verwenden Sie allgemeinere Begriffe oder entfernen Sie Filter." }
                    @if !lib.trades.is_empty() {
                        p { "Oder stöbern Sie in den Gewerken:" }
                        ul.inline-list { @for t in &lib.trades { li { a href=(t.url) { (t.name) } } } }
                    }
                }
            }
            ol.results start=((res.page - 1) * req.per_page + 1) {
                @for hit in &res.hits {
                    @let doc = &lib.documents[hit.doc];
                    li.result {
                        h2 { a href=(doc.url) { (doc.meta.title) } }
                        p.result-url { (doc.url) }
                        @if !hit.sections.is_empty() {
                            ul.section-hits aria-label="Passende Abschnitte" {
                                @for section in &hit.sections {
                                    li { a href={ (doc.url) "#" (section.id) } { (doc.meta.title) " › " (section.heading) } }
                                }
                            }
                        }
                        @if !hit.snippet.is_empty() {
                            p.snippet { (snippet_markup(&hit.snippet)) " …" }
                        } @else if let Some(summary) = &doc.meta.summary {
                            p.snippet { (summary) }
                        }
                        p.doc-meta {
                            span.tag { (doc.meta.kind.label()) }
                            @for slug in &doc.meta.trades {
                                @if let Some(trade) = lib.trade(slug) { " " span.tag { (trade.name) } }
                            }
                            @if let Some(year) = doc.meta.year { " " span.tag { (year) ". Ausbildungsjahr" } }
                        }
                        (super::calendar::hit_dates(&page.calendar.next_for_document(hit.doc, page.today, DATES_PER_HIT)))
                    }
                }
            }
            @if res.pages > 1 {
                nav.pager aria-label="Seiten der Trefferliste" {
                    @if res.page > 1 {
                        a rel="prev" href=(search_url(&SearchRequest { page: res.page - 1, ..req.clone() })) { "← Vorherige Seite" }
                    }
                    span { "Seite " (res.page) " von " (res.pages) }
                    @if res.page < res.pages {
                        a rel="next" href=(search_url(&SearchRequest { page: res.page + 1, ..req.clone() })) { "Nächste Seite →" }
                    }
                }
            }
        } @else {
            p { "Geben Sie einen Suchbegriff ein oder wählen Sie ein Gewerk, eine Art oder ein Ausbildungsjahr." }
        }
    };
    let title = if req.q.trim().is_empty() {
        "Suche".to_owned()
    } else {
        format!("Suche: {}", req.q.trim())
    };
    layout(
        chrome,
        &Head {
            title: &title,
            query: Some(&req.q),
            noindex: true,
            ..Head::default()
        },
        main,
    )
}

/// The `/suche` URL for a request (page 1 and empty values left out).
pub fn search_url(req: &SearchRequest) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !req.q.is_empty() {
        pairs.push(("q", req.q.clone()));
    }
    if let Some(t) = &req.trade {
        pairs.push(("gewerk", t.clone()));
    }
    if let Some(k) = req.kind {
        pairs.push(("art", k.slug().to_owned()));
    }
    if let Some(y) = req.year {
        pairs.push(("jahr", y.to_string()));
    }
    if req.page > 1 {
        pairs.push(("seite", req.page.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        "/suche".to_owned()
    } else {
        format!("/suche?{query}")
    }
}

/// A snippet as escaped HTML with `<mark>` around matches (for the JSON API).
pub fn snippet_html(fragments: &[Fragment]) -> String {
    snippet_markup(fragments).into_string()
}

fn snippet_markup(fragments: &[Fragment]) -> Markup {
    html! {
        @for f in fragments {
            @if f.highlighted { mark { (f.text) } } @else { (f.text) }
        }
    }
}
