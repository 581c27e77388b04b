//! Operations: `/healthz`, `/metrics`, the `X-Content-Version` header, request
//! metrics, HSTS and graceful shutdown on SIGTERM/SIGINT.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use super::Shared;
use super::metrics::{CONTENT_TYPE, ContentGauges};

/// The header that names the content version on every response, so that a phone call
/// ("what does your browser show?") or a script can tell which content a replica serves.
pub const CONTENT_VERSION_HEADER: &str = "x-content-version";
/// HSTS, sent only when werkbank itself speaks TLS: one year, without subdomains (a
/// chamber's other hosts may not have TLS during an incident).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";
/// The route label of requests answered by the fallback (documents, sections, files).
pub const FALLBACK_ROUTE: &str = "fallback";

/// Marks an answer of the fallback handler (documents, sections, files).
pub struct Fallback;

/// Counts the request for `/metrics` and adds `X-Content-Version`.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let shared = req.app_data::<web::Data<Shared>>().cloned();
    let mut response = next.call(req).await?;
    if let Some(shared) = shared {
        // Looking for a pattern walks the route table; the fallback has none.
        let fallback = response.response().extensions().contains::<Fallback>();
        let pattern = if fallback {
            None
        } else {
            response.request().match_pattern()
        };
        let route = pattern.as_deref().unwrap_or(FALLBACK_ROUTE);
        shared
            .metrics
            .observe_request(route, response.status().as_u16(), started.elapsed());
        // The short form is kept in the state's layout values, so it is not formatted
        // again for every response.
        if let Some(version) = &shared.load().chrome.content_version
            && let Ok(value) = HeaderValue::from_str(version)
        {
            response
                .headers_mut()
                .insert(HeaderName::from_static(CONTENT_VERSION_HEADER), value);
        }
    }
    Ok(response)
}

/// `/healthz`: status, content version, document count and uptime, for load balancers
/// and monitoring.
pub async fn healthz(shared: web::Data<Shared>) -> HttpResponse {
    let state = shared.load();
    let (reloads, reload_failures) = shared.metrics.reloads();
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({
            "status": "ok",
            "content_version": state.fingerprint.short(),
            "content_sha256": state.fingerprint.hex(),
            "documents": state.library.documents.len(),
            "broken_files": state.library.errors.len() + state.kept_previous.len(),
            "uptime_seconds": shared.started.elapsed().as_secs(),
            "reloads": reloads,
            "reload_failures": reload_failures,
        }))
}

/// `/metrics`: Prometheus text format.
pub async fn metrics(shared: web::Data<Shared>) -> HttpResponse {
    let state = shared.load();
    let gauges = ContentGauges {
        version: state.fingerprint.short(),
        documents: state.library.documents.len(),
        broken_files: state.library.errors.len() + state.kept_previous.len(),
        search_segments: state.index.segment_count(),
        uptime_seconds: shared.started.elapsed().as_secs_f64(),
    };
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(shared.metrics.render(&gauges))
}

/// Waits for SIGTERM or SIGINT and stops the server gracefully: no new connections,
/// in-flight requests finish (up to the shutdown timeout). A second signal stops at once.
pub async fn stop_on_signals(handle: ServerHandle) {
    use actix_web::rt::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("Signale lassen sich nicht abfangen; Beenden nur hart möglich");
        return;
    };
    let name = next_signal(&mut term, &mut int).await;
    tracing::info!("{name} erhalten: laufende Anfragen werden beendet, dann stoppt werkbank");
    let graceful = handle.clone();
    actix_web::rt::spawn(async move { graceful.stop(true).await });
    // The process ends when the graceful stop is done; until then a second signal
    // cuts it short.
    let name = next_signal(&mut term, &mut int).await;
    tracing::warn!("{name} erneut erhalten: werkbank stoppt sofort");
    handle.stop(false).await;
}

/// The name of the next of two signals.
async fn next_signal(
    term: &mut actix_web::rt::signal::unix::Signal,
    int: &mut actix_web::rt::signal::unix::Signal,
) -> &'static str {
    std::future::poll_fn(|cx| {
        if term.poll_recv(cx).is_ready() {
            return std::task::Poll::Ready("SIGTERM");
        }
        if int.poll_recv(cx).is_ready() {
            return std::task::Poll::Ready("SIGINT");
        }
        std::task::Poll::Pending
    })
    .await
}
