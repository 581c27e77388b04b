//! The results page: a form that works without JavaScript, counts announced to screen
//! readers, snippets with highlights, facet filters and paging.

use maud::{Markup, PreEscaped, html};

use super::{Chrome, Head, Note, layout};
use crate::calendar::Calendar;
use crate::content::Date;
use crate::library::Library;
use crate::search::{SearchRequest, SearchResults, Snippet};

/// Everything the results page shows.
pub struct SearchPage<'a> {
    /// The checked request.
    pub request: &'a SearchRequest,
    /// The results.
    pub results: &'a SearchResults,
    /// Notes about the input (cut query, ignored filter values).
    pub notes: &'a [Note],
    /// The events, for the upcoming dates of each hit.
    pub calendar: &'a Calendar,
    /// Today in Germany.
    pub today: Date,
    /// The portal's absolute address without a trailing slash, for the canonical link.
    pub public_base: &'a str,
}

/// How many upcoming dates a search hit shows.
pub const DATES_PER_HIT: usize = 3;

/// The results page.
pub fn search(chrome: &Chrome, lib: &Library, page: &SearchPage<'_>) -> Markup {
    let req = page.request;
    let res = page.results;
    let t = chrome.t();
    let lang = chrome.lang;
    let content_lang = chrome.content_lang();
    let has_input =
        !req.q.trim().is_empty() || req.trade.is_some() || req.kind.is_some() || req.year.is_some();
    let main = html! {
        h1 { (t.search_title) }
        form.search-form role="search" action=(chrome.href("/suche")) method="get" {
            div.field {
                label for="suche-q" { (t.search_term) }
                input #suche-q type="search" name="q" value=(req.q) autocomplete="off";
            }
            div.filters {
                div.field {
                    label for="suche-gewerk" { (t.trade) }
                    select #suche-gewerk name="gewerk" {
                        option value="" { (t.all_trades) }
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
                    label for="suche-art" { (t.kind) }
                    select #suche-art name="art" {
                        option value="" { (t.all_kinds) }
                        @for f in &res.facets.kind {
                            option value=(f.value.slug()) selected[req.kind == Some(f.value)] {
                                (lang.kind(f.value)) " (" (f.count) ")"
                            }
                        }
                    }
                }
                div.field {
                    label for="suche-jahr" { (t.training_year) }
                    select #suche-jahr name="jahr" {
                        option value="" { (t.all_years_option) }
                        @for f in &res.facets.year {
                            option value=(f.value) selected[req.year == Some(f.value)] {
                                (lang.year_option(f.value, f.count))
                            }
                        }
                    }
                }
            }
            button type="submit" { (t.search_button) }
            @if req.trade.is_some() || req.kind.is_some() || req.year.is_some() {
                " " a.reset href=(chrome.href(&search_url(&SearchRequest { q: req.q.clone(), page: 1, ..SearchRequest::default() }))) { (t.reset_filters) }
            }
        }
        @for note in page.notes { p.note role="note" { (lang.note(note)) } }
        @if has_input {
            p.result-count role="status" {
                (lang.hits(res.total))
                @if !req.q.trim().is_empty() { (lang.for_query(req.q.trim())) }
                @if res.pages > 1 { ", " (lang.page_of(res.page, res.pages)) }
            }
            @if let Some(corrected) = &res.did_you_mean {
                p.did-you-mean {
                    (chrome.t().did_you_mean)
                    a href=(chrome.href(&search_url(&SearchRequest { q: corrected.clone(), page: 1, ..req.clone() }))) lang=[content_lang] { (corrected) }
                    "?"
                }
            }
            @if res.total == 0 {
                div.no-results {
                    p { (t.no_results_tips) }
                    @if !lib.trades.is_empty() {
                        p { (t.browse_trades) }
                        ul.inline-list lang=[content_lang] { @for tr in &lib.trades { li { a href=(chrome.href(&tr.url)) { (tr.name) } } } }
                    }
                }
            }
            ol.results start=((res.page - 1) * req.per_page + 1) {
                @for hit in &res.hits {
                    @let doc = &lib.documents[hit.doc];
                    li.result {
                        h2 lang=[content_lang] { a href=(chrome.href(&doc.url)) { (doc.meta.title) } }
                        p.result-url { (chrome.href(&doc.url)) }
                        @if !hit.sections.is_empty() {
                            ul.section-hits aria-label=(chrome.t().matching_sections) {
                                @for section in hit.sections_in(doc) {
                                    li lang=[content_lang] { a href={ (chrome.href(&doc.url)) "#" (section.id) } { (doc.meta.title) " › " (section.heading) } }
                                }
                            }
                        }
                        @if !hit.snippet.is_empty() {
                            p.snippet lang=[content_lang] { (PreEscaped(snippet_html(&hit.snippet))) " …" }
                        } @else if let Some(summary) = &doc.meta.summary {
                            p.snippet lang=[content_lang] { (summary) }
                        }
                        p.doc-meta {
                            span.tag { (lang.kind(doc.meta.kind)) }
                            @for slug in &doc.meta.trades {
                                @if let Some(trade) = lib.trade(slug) { " " span.tag lang=[content_lang] { (trade.name) } }
                            }
                            @if let Some(year) = doc.meta.year { " " span.tag { (lang.training_year(year)) } }
                        }
                        (super::calendar::hit_dates(chrome, &page.calendar.next_for_document(hit.doc, page.today, DATES_PER_HIT)))
                    }
                }
            }
            @if res.pages > 1 {
                nav.pager aria-label=(t.results_pages) {
                    @if res.page > 1 {
                        a rel="prev" href=(chrome.href(&search_url(&SearchRequest { page: res.page - 1, ..req.clone() }))) { (t.previous_page) }
                    }
                    span { (lang.page_of(res.page, res.pages)) }
                    @if res.page < res.pages {
                        a rel="next" href=(chrome.href(&search_url(&SearchRequest { page: res.page + 1, ..req.clone() }))) { (t.next_page) }
                    }
                }
            }
        } @else {
            p { (t.search_prompt) }
        }
    };
    let title = if req.q.trim().is_empty() {
        t.search_title.to_owned()
    } else {
        format!("{}: {}", t.search_title, req.q.trim())
    };
    let description =
        (!req.q.trim().is_empty()).then(|| lang.search_description(res.total, req.q.trim()));
    let canonical = is_indexable(page).then(|| {
        format!(
            "{}{}",
            page.public_base,
            chrome.href(&search_url(&canonical_request(req)))
        )
    });
    let path = search_url(req);
    layout(
        chrome,
        &Head {
            title: &title,
            description: description.as_deref(),
            query: Some(&req.q),
            noindex: canonical.is_none(),
            canonical: canonical.as_deref(),
            path: &path,
            ..Head::default()
        },
        main,
    )
}

/// Most filters a results page may combine and still be offered to search engines.
pub const MAX_INDEXED_FILTERS: usize = 1;

/// Whether search engines may index a results page. A fallback portal wants its
/// material found, and the results for a real query ("gesellenprüfung tischler") are
/// a useful landing page. Thin pages are kept out: no query, no hits, later pages,
/// combinations of filters (which multiply without end), and pages whose input had to
/// be corrected (they echo the reader's mistakes).
pub fn is_indexable(page: &SearchPage<'_>) -> bool {
    let req = page.request;
    let filters = usize::from(req.trade.is_some())
        + usize::from(req.kind.is_some())
        + usize::from(req.year.is_some());
    !req.q.trim().is_empty()
        && page.results.total > 0
        && req.page == 1
        && page.results.page == 1
        && filters <= MAX_INDEXED_FILTERS
        && page.notes.is_empty()
        && !page.results.truncated
}

/// The request as the search sees it, for the canonical link: the query trimmed,
/// with single spaces and in lower case (the analyser lowercases every word), page 1.
/// [`search_url`] then leaves out every default.
pub fn canonical_request(req: &SearchRequest) -> SearchRequest {
    SearchRequest {
        q: req
            .q
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
        page: 1,
        ..req.clone()
    }
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

/// A snippet as escaped HTML with `<mark>` around matches (the results page and the
/// JSON API). Escapes what maud escapes, a run of plain text at a time rather than
/// byte by byte (maud's escaping was 1.2 % of a search request).
pub fn snippet_html(snippet: &Snippet) -> String {
    let mut html = String::with_capacity(snippet.text_len() + snippet.text_len() / 4);
    for fragment in snippet.fragments() {
        if fragment.highlighted {
            html.push_str("<mark>");
            escape_into(fragment.text, &mut html);
            html.push_str("</mark>");
        } else {
            escape_into(fragment.text, &mut html);
        }
    }
    html
}

/// Appends `text` escaped for HTML text and attribute values: `&`, `<`, `>` and `"`.
fn escape_into(text: &str, out: &mut String) {
    let mut plain = 0;
    for (at, special) in text.match_indices(['&', '<', '>', '"']) {
        out.push_str(&text[plain..at]);
        out.push_str(match special {
            "&" => "&amp;",
            "<" => "&lt;",
            ">" => "&gt;",
            _ => "&quot;",
        });
        plain = at + special.len();
    }
    out.push_str(&text[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Kind;

    #[test]
    fn snippet_html_escapes_as_maud_does() {
        let text = "a&b <Schweißen> \"Zitat\" 'Apostroph' & Öl<>& x\"<mark>";
        // Highlight every second word, so that special characters fall inside and
        // outside the marks.
        let matches: Vec<(u32, usize)> = (0..12).step_by(2).map(|p| (p, 0)).collect();
        for continued in [false, true] {
            let snippet = crate::search::snippet::cut([text], 0, 0, &matches, 200, continued);
            assert!(snippet.fragments().any(|f| f.highlighted));
            let by_maud = html! {
                @for f in snippet.fragments() {
                    @if f.highlighted { mark { (f.text) } } @else { (f.text) }
                }
            };
            assert_eq!(snippet_html(&snippet), by_maud.into_string());
        }
        assert!(snippet_html(&Snippet::default()).is_empty());
    }

    #[test]
    fn canonical_request_is_the_query_as_searched_without_defaults() {
        let req = SearchRequest {
            q: "  Gesellenprüfung   TISCHLER ".to_owned(),
            kind: Some(Kind::Pruefung),
            page: 3,
            per_page: 10,
            ..SearchRequest::default()
        };
        assert_eq!(
            search_url(&canonical_request(&req)),
            "/suche?q=gesellenpr%C3%BCfung+tischler&art=pruefung"
        );
    }
}
