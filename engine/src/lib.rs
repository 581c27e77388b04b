//! werkbank's engine: everything between the content files and the search results,
//! without HTTP or HTML pages.
//!
//! Data flows one way: [`content`] (files -> documents) -> [`library`] (sections,
//! trades) -> [`search`] (tantivy index). [`index_cache`] keeps what a start built on
//! disk for the next one; [`built_in`] is the index the build made of the embedded
//! content.
//!
//! It is a crate of its own so that the portal's build script can use it too: the
//! build indexes the embedded content, and the binary starts with that index made.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod built_in;
pub mod content;
pub mod index_cache;
pub mod library;
pub mod search;

/// The number of CPU cores available to this process.
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
