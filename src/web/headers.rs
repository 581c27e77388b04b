//! Security headers sent with every response, defined once as named constants.
//!
//! The content security policy allows only this origin's own styles, scripts and
//! images, no inline code, no framing and no foreign form targets, so even content
//! that slipped past the sanitizer cannot run or leak anything.

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

/// The middleware adding the headers (existing ones are kept).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", CONTENT_TYPE_OPTIONS))
        .add(("Referrer-Policy", REFERRER_POLICY))
        .add(("Permissions-Policy", PERMISSIONS_POLICY))
        .add(("Cross-Origin-Opener-Policy", CROSS_ORIGIN_OPENER_POLICY))
        .add(("Cross-Origin-Resource-Policy", CROSS_ORIGIN_RESOURCE_POLICY))
        .add(("X-Frame-Options", FRAME_OPTIONS))
}
