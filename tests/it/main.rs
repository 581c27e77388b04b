//! Integration tests: the real server on a free loopback port, over HTTP.
//!
//! How to add a test: pick the module for the area (pages, search, …), start a
//! server with [`helpers::spawn_embedded`] or [`helpers::spawn_fixture`], and check
//! what a browser or script would see. Fixture content lives in `tests/fixtures/site/`;
//! it is small and written for the tests, so tests may rely on its exact documents.

mod caching;
mod calendar;
mod helpers;
mod ops;
mod pages;
mod search;
mod security;
mod seo;
mod ui;
