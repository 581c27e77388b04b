//! Thin handlers: parse the request, ask the state, render a view.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::Shared;
use super::lang::{self as language, PageLang, VARY_LANGUAGE};
use super::params;
use super::respond::{self, CACHE_IMMUTABLE, CACHE_REVALIDATE};
use crate::search::SearchResults;
use crate::state::{Page, State, etag_of};
use crate::views::{self, Lang, Note, PathProblem, SearchPage};
use crate::{assets, pwa};

type Data = web::Data<Shared>;

/// `/` and `/en/`: the start page. A visitor arriving at `/` from elsewhere whose
/// browser prefers English is sent to `/en/`; see [`language_redirect`].
pub async fn home(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let lang = lang_of(&req);
    if lang == Lang::De
        && let Some(redirect) = language_redirect(&req)
    {
        return redirect;
    }
    let today = state.clock.today();
    let html = views::home(state.chrome(lang), &state.library, &state.calendar, today);
    let mut response = respond::page(&req, &Page::per_request(html.into_string()));
    if lang == Lang::De {
        // The page already varies by Accept-Encoding: name both in one header.
        let vary = match response
            .headers()
            .get(header::VARY)
            .and_then(|v| v.to_str().ok())
        {
            Some(existing) => format!("{existing}, {VARY_LANGUAGE}"),
            None => VARY_LANGUAGE.to_owned(),
        };
        if let Ok(value) = header::HeaderValue::from_str(&vary) {
            response.headers_mut().insert(header::VARY, value);
        }
    }
    response
}

/// The UI language of a request, from its path prefix (`/en/…` is English).
pub fn lang_of(req: &HttpRequest) -> Lang {
    language::of_path(req.path())
}

/// `/` for a browser that prefers English: a redirect to `/en/`, unless the visitor
/// came from one of our own pages (they chose German there, by the switch or by
/// following a German link) or asked for German with `?lang=de`. The choice is thus
/// remembered without cookies.
fn language_redirect(req: &HttpRequest) -> Option<HttpResponse> {
    let english = language::prefers_english(
        req.query_string(),
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
        req.headers()
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok()),
        req.connection_info().host(),
    );
    english.then(|| {
        HttpResponse::Found()
            .insert_header((header::LOCATION, Lang::En.url("/")))
            .insert_header((header::VARY, VARY_LANGUAGE))
            .insert_header((header::CACHE_CONTROL, CACHE_REVALIDATE))
            .finish()
    })
}

/// `/suche?q=&gewerk=&art=&jahr=&seite=`: the results page.
pub async fn search_page(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let (mut request, mut notes) = params::search_request(req.query_string(), &state.library);
    request.per_page = crate::search::DEFAULT_PER_PAGE;
    let results = match run_search(&shared, &state, &request, &mut notes) {
        Ok(results) => results,
        Err(error) => return respond::internal_error(&state, PageLang::of(&req), &error),
    };
    let public_base = super::calendar::public_base(&req, &state);
    let page = SearchPage {
        request: &request,
        results: &results,
        notes: &notes,
        calendar: &state.calendar,
        today: state.clock.today(),
        public_base: &public_base,
    };
    // Results pages are compressed for clients that accept it: phones on weak mobile
    // data gain the most from it. Their canonical link names the host.
    let html = views::search(state.chrome(lang_of(&req)), &state.library, &page).into_string();
    super::calendar::vary_host(respond::page(&req, &Page::per_request(html)))
}

/// `/api/v1/search?q=&limit=&page=&trade=&kind=&year=`: results as JSON.
pub async fn search_api(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let (request, mut notes) = params::search_request(req.query_string(), &state.library);
    let answer = run_search(&shared, &state, &request, &mut notes).and_then(|results| {
        // Written into a buffer of about the answer's size: actix's `json` starts from
        // a small string that doubles about six times for ten hits, copying what it has.
        let mut body = Vec::with_capacity(API_BYTES + API_BYTES_PER_HIT * results.hits.len());
        serde_json::to_writer(&mut body, &ApiResults::new(&state, &results, &notes))?;
        Ok(body)
    });
    match answer {
        Ok(body) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, CACHE_REVALIDATE))
            .insert_header(header::ContentType::json())
            .body(body),
        Err(error) => {
            tracing::error!("Suche fehlgeschlagen: {error:#}");
            HttpResponse::InternalServerError()
                .json(serde_json::json!({"error": "interner Fehler"}))
        }
    }
}

/// About the bytes of a JSON answer without its hits (facets, notes), and per hit
/// (snippet, sections, dates).
const API_BYTES: usize = 1024;
const API_BYTES_PER_HIT: usize = 1024;

/// `/api/v1/suggest?q=pruef`: titles and words for the search box while typing.
pub async fn suggest_api(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let (request, _) = params::search_request(req.query_string(), &state.library);
    let suggestions = state.index.suggest(&state.library, &request.q);
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, CACHE_REVALIDATE))
        .json(serde_json::json!({ "query": request.q, "suggestions": suggestions }))
}

/// `/assets/{name}`: fingerprinted static files.
pub async fn asset(req: HttpRequest, path: web::Path<String>, shared: Data) -> HttpResponse {
    match assets::assets().get(&path) {
        Some(asset) => match &asset.text {
            Some(text) => respond::encoded(
                &req,
                &asset.name,
                &asset.content_type,
                CACHE_IMMUTABLE,
                text,
            ),
            None => respond::cached(
                &req,
                &format!("\"{}\"", asset.name),
                &asset.content_type,
                CACHE_IMMUTABLE,
                asset.bytes.clone().into_owned(),
            ),
        },
        None => respond::not_found(&shared.load(), PageLang::of(&req)),
    }
}

/// `/sw.js`: the service worker of the current content version. It must be served
/// from the root (its scope) and revalidated, so that a new version is noticed.
pub async fn service_worker(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let body = state.pwa.service_worker.clone();
    respond::cached(
        &req,
        &etag_of(body.as_bytes()),
        pwa::SCRIPT_TYPE,
        CACHE_REVALIDATE,
        body,
    )
}

/// `/manifest.webmanifest`: name, icons and colours for installing the portal.
pub async fn manifest(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let body = state.pwa.manifest.clone();
    respond::cached(
        &req,
        &etag_of(body.as_bytes()),
        pwa::MANIFEST_TYPE,
        CACHE_REVALIDATE,
        body,
    )
}

/// `/api/v1/offline/{gewerk}`: the pages and files to store for a trade.
pub async fn offline_bundle(path: web::Path<String>, shared: Data) -> HttpResponse {
    let state = shared.load();
    match pwa::trade_bundle(
        &state.library,
        |url| state.page(url).map(|p| p.body.len()),
        &state.pwa,
        &state.fingerprint,
        &path,
    ) {
        Some(bundle) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, CACHE_REVALIDATE))
            .json(bundle),
        None => HttpResponse::NotFound()
            .insert_header((header::CACHE_CONTROL, CACHE_REVALIDATE))
            .json(serde_json::json!({"error": "Dieses Gewerk gibt es nicht."})),
    }
}

/// `/robots.txt`: everything may be crawled except the API.
pub async fn robots() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(crate::state::ROBOTS_TXT)
}

/// Everything else: documents, sections and attachments by path; 404 otherwise.
/// The answer is marked as the fallback's, so that the metrics need not look for a
/// route pattern that no such request has.
pub async fn fallback(req: HttpRequest, shared: Data) -> HttpResponse {
    let mut response = fallback_answer(&req, &shared);
    response.extensions_mut().insert(super::ops::Fallback);
    response
}

fn fallback_answer(req: &HttpRequest, shared: &Data) -> HttpResponse {
    if !respond::is_read(req.method()) {
        return respond::method_not_allowed(PageLang::of(req));
    }
    let state = shared.load();
    let path = match normalize_path(req.uri().path()) {
        Ok(path) => path,
        Err(why) => return respond::bad_request(&state, PageLang::of(req), why),
    };
    if let Some(page) = state.page(&path) {
        return respond::page(req, page);
    }
    if let Some(attachment) = state.library.attachments.get(&path) {
        return attachment_response(req, &attachment.name, &attachment.bytes);
    }
    let (lang, german) = Lang::of_path(&path);
    // Files are content, not UI: `/en/tischler/plan.pdf` is the German address's file.
    if lang == Lang::En && state.library.attachments.contains_key(german) {
        return HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, german.to_owned()))
            .finish();
    }
    // `/tischler` -> `/tischler/`: sections live at their folder URL.
    if !path.ends_with('/') {
        let folder = format!("{path}/");
        if state.pages.contains_key(&folder) {
            return HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, folder))
                .finish();
        }
    }
    // `/tischler/a/` -> `/tischler/a`: a document asked for as a folder.
    if let Some(doc) = german.strip_suffix('/')
        && state.library.document(doc).is_some()
        && !doc.is_empty()
    {
        return HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, lang.url(doc)))
            .finish();
    }
    respond::not_found(&state, PageLang::of(req))
}

/// Decodes a request path once and refuses what can never name content:
/// invalid UTF-8, NUL and control characters, backslashes, `.` and `..` segments.
pub fn normalize_path(raw: &str) -> Result<String, PathProblem> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| PathProblem::InvalidEncoding)?;
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return Err(PathProblem::ForbiddenCharacters);
    }
    if decoded
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Err(PathProblem::DotSegments);
    }
    if !decoded.starts_with('/') {
        return Err(PathProblem::NotAbsolute);
    }
    Ok(decoded.into_owned())
}

/// MIME types shown in the browser; every other attachment is a download. An
/// allow-list, because the formats a browser would run or render as a page (HTML,
/// SVG, XML with stylesheets, scripts, …) are many and keep growing.
const INLINE_TYPES: &[&str] = &[
    "application/pdf",
    "image/avif",
    "image/gif",
    "image/jpeg",
    "image/png",
    "image/webp",
    "text/csv",
    "text/plain",
];

/// An attachment with its MIME type; anything but plain images, PDF and text is
/// forced to download.
fn attachment_response(req: &HttpRequest, name: &str, bytes: &[u8]) -> HttpResponse {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let essence = mime.essence_str().to_owned();
    let mut response = respond::cached(
        req,
        &etag_of(bytes),
        mime.as_ref(),
        CACHE_REVALIDATE,
        bytes.to_vec(),
    );
    if !INLINE_TYPES.contains(&essence.as_str()) {
        let safe_name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if let Ok(value) =
            header::HeaderValue::from_str(&format!("attachment; filename=\"{safe_name}\""))
        {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

/// Runs a search; an unknown trade in the request was already turned into a note.
fn run_search(
    shared: &Shared,
    state: &State,
    request: &crate::search::SearchRequest,
    notes: &mut Vec<Note>,
) -> anyhow::Result<Arc<SearchResults>> {
    let (results, cached) = if shared.search_cache {
        state.index.search_cached(&state.library, request)?
    } else {
        (
            Arc::new(state.index.search(&state.library, request)?),
            false,
        )
    };
    shared.metrics.observe_search(results.total, cached);
    if results.truncated {
        notes.push(Note::QueryCut {
            chars: crate::search::query::MAX_QUERY_CHARS,
            words: crate::search::query::MAX_TERMS,
        });
    }
    Ok(results)
}

/// The JSON shape of `/api/v1/search`.
#[derive(Serialize)]
struct ApiResults<'a> {
    total: usize,
    page: usize,
    pages: usize,
    hits: Vec<ApiHit<'a>>,
    facets: ApiFacets,
    /// The query with misspelt words corrected, if any were.
    did_you_mean: Option<&'a str>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct ApiHit<'a> {
    url: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    snippet: String,
    trade: &'a [String],
    kind: &'static str,
    year: Option<u8>,
    score: f32,
    /// The document's next dates (see [`super::calendar::ApiEvent`]).
    events: Vec<super::calendar::ApiEvent<'a>>,
    /// The best-matching sections of a long document: `url#id` and the heading.
    sections: Vec<ApiSection<'a>>,
}

#[derive(Serialize)]
struct ApiSection<'a> {
    url: String,
    heading: &'a str,
}

#[derive(Serialize)]
struct ApiFacets {
    trade: serde_json::Map<String, serde_json::Value>,
    kind: serde_json::Map<String, serde_json::Value>,
    year: serde_json::Map<String, serde_json::Value>,
}

impl<'a> ApiResults<'a> {
    /// The notes are German: the API has no UI language.
    fn new(state: &'a State, results: &'a SearchResults, notes: &[Note]) -> ApiResults<'a> {
        let lib = &state.library;
        let today = state.clock.today();
        let hits = results
            .hits
            .iter()
            .map(|hit| {
                let doc = &lib.documents[hit.doc];
                ApiHit {
                    url: &doc.url,
                    title: &doc.meta.title,
                    summary: doc.meta.summary.as_deref(),
                    snippet: views::snippet_html(&hit.snippet),
                    trade: &doc.meta.trades,
                    kind: doc.meta.kind.slug(),
                    year: doc.meta.year,
                    score: hit.score,
                    sections: hit
                        .sections_in(doc)
                        .map(|s| ApiSection {
                            url: format!("{}#{}", doc.url, s.id),
                            heading: &s.heading,
                        })
                        .collect(),
                    events: state
                        .calendar
                        .next_for_document(hit.doc, today, views::DATES_PER_HIT)
                        .into_iter()
                        .map(super::calendar::ApiEvent::new)
                        .collect(),
                }
            })
            .collect();
        let f = &results.facets;
        let counts = |pairs: Vec<(String, usize)>| {
            pairs
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| (k, serde_json::Value::from(n)))
                .collect()
        };
        ApiResults {
            did_you_mean: results.did_you_mean.as_deref(),
            total: results.total,
            page: results.page,
            pages: results.pages,
            hits,
            facets: ApiFacets {
                trade: counts(f.trade.iter().map(|c| (c.value.clone(), c.count)).collect()),
                kind: counts(
                    f.kind
                        .iter()
                        .map(|c| (c.value.slug().to_owned(), c.count))
                        .collect(),
                ),
                year: counts(
                    f.year
                        .iter()
                        .map(|c| (c.value.to_string(), c.count))
                        .collect(),
                ),
            },
            notes: notes.iter().map(|n| Lang::De.note(n)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_path;

    #[test]
    fn paths_are_decoded_once_and_checked() {
        assert_eq!(normalize_path("/tischler/a").unwrap(), "/tischler/a");
        assert_eq!(normalize_path("/B%C3%A4cker").unwrap(), "/Bäcker");
        assert_eq!(normalize_path("/%252e%252e/x").unwrap(), "/%2e%2e/x");
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/a/%2E%2E",
            "/a%5c..%5cb",
            "/a%00",
            "/%C0%AE%C0%AE/",
            "/a/./b",
        ] {
            assert!(normalize_path(bad).is_err(), "{bad}");
        }
    }
}
