//! Catches a panic in a handler and answers it with a 500 page instead of losing the
//! worker thread.
//!
//! Without this, a panic unwinds through the worker's event loop: every connection on
//! that worker is dropped and actix starts a new worker. There should be no panic
//! anywhere, but if one slips in, it must cost one request, not a worker full of them.
//! The panic message and the path are logged; the reader sees the error page in their
//! language.
//!
//! The request cannot be kept for the answer (actix's router needs it unshared until
//! routing is done, which happens inside this middleware), so the 500 page travels out
//! as an error whose response carries the page and the security headers itself.
//!
//! Catching is safe here because request handling shares nothing mutable: the state is
//! immutable, and the rate limiter recovers from a poisoned lock.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::Poll;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError, web};

use super::lang::{LangHints, PageLang};
use super::respond::HTML;
use super::{Shared, headers};
use crate::views;

/// The middleware: runs the rest of the chain and turns a panic into a 500 page.
pub async fn catch_panics(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let shared = req.app_data::<web::Data<Shared>>().cloned();
    let path = req.path().to_owned();
    let hints = LangHints::of(&req);
    let mut inner = Box::pin(next.call(req));
    // Each poll of the handler's future runs inside `catch_unwind`, so a panic in
    // synchronous code between two awaits is caught too.
    let outcome = std::future::poll_fn(move |cx| {
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Ready(result)) => Poll::Ready(Ok(result)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(payload)),
        }
    })
    .await;
    match outcome {
        Ok(result) => result,
        Err(payload) => {
            tracing::error!(
                path = %super::respond::truncate(&path, 200),
                "Programmfehler (panic) bei der Anfrage: {}",
                panic_message(payload.as_ref())
            );
            let lang = hints.page_lang();
            let t = lang.lang.t();
            let page = shared.map(|shared| {
                views::problem(
                    shared.load().chrome(lang.lang),
                    t.internal_error_title,
                    t.internal_error_text,
                )
                .into_string()
            });
            Err(Panicked { page, lang }.into())
        }
    }
}

/// A request whose handler panicked; its response is the 500 page.
#[derive(Debug)]
struct Panicked {
    /// The error page in the site's layout, if the state was at hand.
    page: Option<String>,
    /// The page's language.
    lang: PageLang,
}

impl fmt::Display for Panicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Programmfehler bei der Anfrage")
    }
}

impl ResponseError for Panicked {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = match &self.page {
            Some(page) => HttpResponse::InternalServerError()
                .content_type(HTML)
                .body(page.clone()),
            None => HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body(self.lang.lang.t().internal_error_text),
        };
        let headers_out = response.headers_mut();
        self.lang.mark(headers_out);
        headers_out.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
        headers::insert_all(headers_out);
        response
    }
}

/// The text a panic was raised with, if it was a string.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(keine Meldung)")
}
