//! Limits on what one client may send and hold: request size, connections, timeouts.
//!
//! actix-http already refuses request heads over 128 KiB or with more than 96 headers
//! (431, connection closed) and never reads a body we do not ask for beyond its 32 KiB
//! buffer. werkbank is read-only and needs far less, so [`check_request_size`] answers
//! 414 for a target longer than [`MAX_URI_BYTES`] and 431 for headers larger than
//! [`MAX_HEADER_BYTES`], before any handler runs. Those answers go through the same
//! security headers as every page.
//!
//! Against slow clients (slowloris) the server gives each connection
//! [`CLIENT_REQUEST_TIMEOUT`] for its whole request head, closes idle keep-alive
//! connections after [`KEEP_ALIVE`], and caps open connections so that a flood cannot
//! use up the process's file descriptors, which would stall accepting for everyone.

use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use super::Shared;
use super::lang::PageLang;
use super::respond;

/// Longest request target (path and query) answered; longer ones get 414.
/// Every link werkbank makes is far shorter, but a pasted 5,000-character query (up to
/// six bytes a character once percent-encoded) must still be answered: the search cuts
/// it with a note instead of refusing it.
pub const MAX_URI_BYTES: usize = 32 * 1024;
/// Most bytes of all header names and values together; more gets 431.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Time a client has to send its complete request head (then 408 and close).
pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Time a client has to close after the server decided to end the connection.
pub const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Idle time after which a keep-alive connection is closed.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Most open connections for the whole server (split across the workers).
pub const MAX_CONNECTIONS: usize = 16_384;
/// File descriptors kept free beside client connections (listener, logs, content).
const RESERVED_FILE_DESCRIPTORS: u64 = 256;
/// Seconds in-flight requests get to finish on shutdown.
pub const SHUTDOWN_TIMEOUT_SECONDS: u64 = 10;

/// The middleware: 414 for over-long targets, 431 for oversized headers.
pub async fn check_request_size(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let uri_bytes = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    let refusal = if uri_bytes > MAX_URI_BYTES {
        Some(Refusal::UriTooLong)
    } else if header_bytes > MAX_HEADER_BYTES {
        Some(Refusal::HeadersTooLarge)
    } else {
        None
    };
    match refusal {
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        Some(refusal) => {
            let lang = PageLang::of_service(&req);
            let t = lang.lang.t();
            let (status, title, message) = match refusal {
                Refusal::UriTooLong => (
                    StatusCode::URI_TOO_LONG,
                    t.uri_too_long_title,
                    lang.lang.uri_too_long(MAX_URI_BYTES),
                ),
                Refusal::HeadersTooLarge => (
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    t.headers_too_large_title,
                    lang.lang.headers_too_large(MAX_HEADER_BYTES),
                ),
            };
            let response = match req.app_data::<web::Data<Shared>>() {
                Some(shared) => respond::problem(&shared.load(), lang, status, title, &message),
                None => HttpResponse::build(status)
                    .content_type("text/plain; charset=utf-8")
                    .body(message),
            };
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

/// Why a request is refused before any handler runs.
enum Refusal {
    /// The request target is longer than [`MAX_URI_BYTES`].
    UriTooLong,
    /// The headers are larger than [`MAX_HEADER_BYTES`].
    HeadersTooLarge,
}

/// Open connections allowed per worker: [`MAX_CONNECTIONS`] split across the workers,
/// but never more than the file descriptors the process may open.
///
/// The soft limit on open files is raised as far as needed, up to the hard limit (many systems start
/// services with a soft limit of 1024); if it stays low, the connection cap follows it,
/// because a server out of descriptors stops accepting anyone for a while.
pub fn connections_per_worker(workers: usize) -> usize {
    let wanted = MAX_CONNECTIONS as u64 + RESERVED_FILE_DESCRIPTORS;
    let available = match rlimit::increase_nofile_limit(wanted) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!("Grenze für offene Dateien nicht lesbar: {error}");
            1024
        }
    };
    let for_clients = available.saturating_sub(RESERVED_FILE_DESCRIPTORS).max(64);
    let total = (MAX_CONNECTIONS as u64).min(for_clients) as usize;
    if total < MAX_CONNECTIONS {
        tracing::warn!(
            connections = total,
            "Wenige Dateideskriptoren erlaubt (ulimit -n); höchstens {total} gleichzeitige Verbindungen"
        );
    }
    (total / workers.max(1)).max(1)
}
