//! Building responses: caching headers and conditional requests, error pages, and the
//! access log.
//!
//! Pages carry a strong ETag computed from their bytes and `Cache-Control: no-cache`:
//! browsers and proxies keep a copy but ask again, and get a 304 while the content is
//! unchanged — right for a portal whose notices change during an incident.
//! Fingerprinted assets never change under their name and are cached for a year.
//! Pages are sent gzip- or brotli-compressed when the client accepts it; each encoding
//! is compressed once per content version and has its own strong ETag.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse};

use super::encoding;
use super::lang::PageLang;
use crate::precompressed::{Encoding, Precompressed};
use crate::state::{Page, State};
use crate::views::{self, Lang, PathProblem};

/// For HTML pages and attachments: keep, but revalidate.
pub const CACHE_REVALIDATE: &str = "no-cache";
/// For fingerprinted assets.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The `Vary` value of responses whose body depends on `Accept-Encoding`.
pub const VARY_ENCODING: &str = "accept-encoding";
/// HTML content type.
pub const HTML: &str = "text/html; charset=utf-8";

/// A cacheable body: 304 if the client already has this ETag, else 200.
pub fn cached(
    req: &HttpRequest,
    etag: &str,
    content_type: &str,
    cache_control: &'static str,
    body: impl MessageBody + 'static,
) -> HttpResponse {
    let fresh = client_has(req, etag);
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control));
    if fresh {
        return response.finish();
    }
    response.content_type(content_type).body(body)
}

/// A page in the encoding the client prefers (see [`encoding::preferred`]), with the
/// ETag of that encoding and `Vary: Accept-Encoding`, so caches keep one copy per
/// encoding. Cloning the kept body shares its buffer: nothing is copied per request.
pub fn page(req: &HttpRequest, page: &Page) -> HttpResponse {
    let (encoding, body, etag) = page.variant(encoding::preferred(req.headers()));
    let mut response = cached(req, etag, HTML, CACHE_REVALIDATE, body.clone());
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static(VARY_ENCODING));
    if let Some(token) = encoding.token()
        && response.status() == StatusCode::OK
    {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(token));
    }
    response
}

/// A kept body in the encoding the client prefers, like [`page`]; the ETag is
/// `"stem"`, `"stem-gz"` or `"stem-br"`, one per exact byte sequence.
pub fn encoded(
    req: &HttpRequest,
    stem: &str,
    content_type: &str,
    cache_control: &'static str,
    bodies: &Precompressed,
) -> HttpResponse {
    let preferred = encoding::preferred(req.headers());
    let (encoding, body) = match bodies.encoded(preferred) {
        Some(body) => (preferred, body),
        None => (Encoding::Identity, bodies.identity()),
    };
    let etag = match encoding.token() {
        Some(token) => format!("\"{stem}-{}\"", if token == "gzip" { "gz" } else { token }),
        None => format!("\"{stem}\""),
    };
    let mut response = cached(req, &etag, content_type, cache_control, body.clone());
    let sent = response.status() == StatusCode::OK;
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static(VARY_ENCODING));
    if let Some(token) = encoding.token()
        && sent
    {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(token));
    }
    response
}

/// HTML rendered for this request.
pub fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, CACHE_REVALIDATE))
        .body(body)
}

/// The site's 404 page in the visitor's language.
pub fn not_found(state: &State, lang: PageLang) -> HttpResponse {
    let page = match lang.lang {
        Lang::De => &state.not_found,
        Lang::En => &state.not_found_en,
    };
    let mut response = HttpResponse::NotFound()
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, CACHE_REVALIDATE))
        .body(page.body.clone());
    lang.mark(response.headers_mut());
    response
}

/// A 400 page explaining why the path can never name a page.
pub fn bad_request(state: &State, lang: PageLang, why: PathProblem) -> HttpResponse {
    let t = lang.lang.t();
    problem(
        state,
        lang,
        StatusCode::BAD_REQUEST,
        t.bad_request_title,
        lang.lang.path_problem(why),
    )
}

/// An error page in the site's layout with a title and an explanation, both in
/// `lang` (the caller takes them from the catalogue).
pub fn problem(
    state: &State,
    lang: PageLang,
    status: StatusCode,
    title: &str,
    message: &str,
) -> HttpResponse {
    let mut response = html(
        status,
        views::problem(state.chrome(lang.lang), title, message).into_string(),
    );
    lang.mark(response.headers_mut());
    response
}

/// A 500 page; the cause is logged, not shown.
pub fn internal_error(state: &State, lang: PageLang, error: &anyhow::Error) -> HttpResponse {
    tracing::error!("interner Fehler: {error:#}");
    let t = lang.lang.t();
    problem(
        state,
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        t.internal_error_title,
        t.internal_error_text,
    )
}

/// 405 for anything but GET and HEAD: the portal is read-only.
pub fn method_not_allowed(lang: PageLang) -> HttpResponse {
    let mut response = HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "GET, HEAD"))
        .content_type("text/plain; charset=utf-8")
        .body(lang.lang.t().method_not_allowed);
    lang.mark(response.headers_mut());
    response
}

/// Whether the request is a GET or HEAD.
pub fn is_read(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

/// Whether `If-None-Match` names this ETag (or `*`).
fn client_has(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v: &HeaderValue| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().trim_start_matches("W/"))
        .any(|v| v == etag || v == "*")
}

/// One log line per request: method, path, status, duration.
pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // Without the log line (`RUST_LOG=warn`), skip copying the path for it.
    if !tracing::enabled!(tracing::Level::INFO) {
        return next.call(req).await;
    }
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let response = next.call(req).await?;
    tracing::info!(
        %method,
        path = %truncate(&path, 200),
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "Anfrage"
    );
    Ok(response)
}

/// Cuts `s` to at most `max` characters for a log line.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((cut, _)) => &s[..cut],
        None => s,
    }
}
