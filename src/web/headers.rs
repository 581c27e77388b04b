//! Security headers sent with every response, defined once as named constants.
//!
//! The content security policy allows only this origin's own styles, scripts and
//! images, no inline code, no framing and no foreign form targets, so even content
//! that slipped past the sanitizer cannot run or leak anything.
//!
//! `Strict-Transport-Security` is sent only when werkbank itself speaks TLS
//! ([`security_headers_tls`]): over plain HTTP the header is meaningless, and behind a
//! reverse proxy that terminates TLS it is the proxy's to send.

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::DefaultHeaders;

/// Only our own resources; no inline scripts or styles; no plugins; no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// Browsers must not guess content types.
pub const CONTENT_TYPE_OPTIONS: &str = "nosniff";
/// Other sites learn at most our origin.
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";
/// The portal needs none of these device features.
pub const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";
/// No other window may script ours.
pub const CROSS_ORIGIN_OPENER_POLICY: &str = "same-origin";
/// Our resources are for our pages.
pub const CROSS_ORIGIN_RESOURCE_POLICY: &str = "same-origin";
/// Legacy framing protection for browsers without CSP level 2.
pub const FRAME_OPTIONS: &str = "DENY";

/// Browsers use only HTTPS for this host for a year once they have seen it over TLS.
/// No `preload`: that is a decision for the chamber's domain, not for this program.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// Every header sent with every response, by name.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", CONTENT_TYPE_OPTIONS),
    ("Referrer-Policy", REFERRER_POLICY),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", CROSS_ORIGIN_OPENER_POLICY),
    ("Cross-Origin-Resource-Policy", CROSS_ORIGIN_RESOURCE_POLICY),
    ("X-Frame-Options", FRAME_OPTIONS),
];

/// The middleware adding the headers (existing ones are kept), for plain HTTP.
pub fn security_headers() -> DefaultHeaders {
    SECURITY_HEADERS
        .iter()
        .fold(DefaultHeaders::new(), |headers, &pair| headers.add(pair))
}

/// The same headers plus HSTS, for a listener that serves TLS itself.
pub fn security_headers_tls() -> DefaultHeaders {
    security_headers().add(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
}

/// Adds the headers to a response built outside the middleware chain (an error that
/// travels past it, see `panics`).
pub fn insert_all(headers: &mut HeaderMap) {
    for (name, value) in SECURITY_HEADERS {
        // The names are constants above; `from_bytes` accepts their capitals.
        if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}
