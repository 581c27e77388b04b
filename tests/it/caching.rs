//! Compression, ETags and cache headers as a browser or proxy sees them, and the
//! index cache folder across restarts.

use std::io::Read;

use tantivy::directory::OwnedBytes;
use werkbank::calendar::Clock;
use werkbank::config::ServeConfig;
use werkbank::content::ContentSource;
use werkbank::content::source::SETTLE;
use werkbank::content::stored;
use werkbank::search::SearchRequest;
use werkbank::state::{BuildOptions, State};

use crate::helpers::{TestApp, copy_tree, fixture_dir, spawn, spawn_embedded};

const DOCUMENT: &str = "/aktuelles/stoerung-it-systeme";

/// GET with `Accept-Encoding` (and optionally `If-None-Match`).
async fn get_encoded(
    app: &TestApp,
    path: &str,
    accept: &str,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}{}", app.base, path))
        .header("accept-encoding", accept);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.expect("request is answered")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect::<Vec<_>>()
        .join(", ")
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("valid brotli");
    out
}

#[tokio::test]
async fn pages_come_in_the_encoding_the_client_accepts() {
    let app = spawn_embedded().await;
    let plain = app.get(DOCUMENT).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(header(&plain, "content-encoding"), "");
    assert!(header(&plain, "vary").contains("accept-encoding"));
    let plain = plain.bytes().await.unwrap();
    assert!(plain.starts_with(b"<!DOCTYPE html>"));

    let br = get_encoded(&app, DOCUMENT, "gzip, deflate, br", None).await;
    assert_eq!(header(&br, "content-encoding"), "br");
    assert!(header(&br, "vary").contains("accept-encoding"));
    let br = br.bytes().await.unwrap();
    assert!(
        br.len() < plain.len() / 2,
        "{} vs {}",
        br.len(),
        plain.len()
    );
    assert_eq!(unbrotli(&br), plain);

    let gz = get_encoded(&app, DOCUMENT, "gzip;q=1, br;q=0.5", None).await;
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    assert_eq!(gunzip(&gz.bytes().await.unwrap()), plain);

    let refused = get_encoded(&app, DOCUMENT, "br;q=0, gzip;q=0", None).await;
    assert_eq!(header(&refused, "content-encoding"), "");
    assert_eq!(refused.bytes().await.unwrap(), plain);
}

#[tokio::test]
async fn each_encoding_has_its_own_strong_etag_and_answers_304() {
    let app = spawn_embedded().await;
    let mut etags = Vec::new();
    for accept in ["identity", "gzip", "br"] {
        let response = get_encoded(&app, "/tischler/", accept, None).await;
        assert_eq!(response.status(), 200);
        let etag = header(&response, "etag");
        assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
        assert_eq!(header(&response, "cache-control"), "no-cache");
        // A 304 for the same encoding, without a body but with the validators.
        let again = get_encoded(&app, "/tischler/", accept, Some(&etag)).await;
        assert_eq!(again.status(), 304, "{accept}");
        assert_eq!(header(&again, "etag"), etag);
        assert!(header(&again, "vary").contains("accept-encoding"));
        assert!(again.bytes().await.unwrap().is_empty());
        etags.push(etag);
    }
    etags.dedup();
    assert_eq!(etags.len(), 3, "{etags:?}");
    // The brotli ETag does not validate the gzip body: the client gets it in full.
    let other = get_encoded(&app, "/tischler/", "gzip", Some(&etags[2])).await;
    assert_eq!(other.status(), 200);
    assert_eq!(header(&other, "content-encoding"), "gzip");
}

#[tokio::test]
async fn compressed_pages_are_byte_identical_on_replicas() {
    let (a, b) = (spawn_embedded().await, spawn_embedded().await);
    for accept in ["gzip", "br"] {
        let one = get_encoded(&a, DOCUMENT, accept, None).await;
        let two = get_encoded(&b, DOCUMENT, accept, None).await;
        assert_eq!(header(&one, "etag"), header(&two, "etag"));
        assert_eq!(one.bytes().await.unwrap(), two.bytes().await.unwrap());
    }
}

#[tokio::test]
async fn per_request_pages_are_compressed_too() {
    let app = spawn_embedded().await;
    for path in ["/", "/suche?q=pruefung", "/termine", "/hinweise"] {
        let plain = app.get(path).await.bytes().await.unwrap();
        let response = get_encoded(&app, path, "br", None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "content-encoding"), "br", "{path}");
        let vary = header(&response, "vary");
        assert!(vary.contains("accept-encoding"), "{path}: {vary}");
        let body = unbrotli(&response.bytes().await.unwrap());
        // The start page and dates may differ only if the day changed in between.
        assert_eq!(body.len(), plain.len(), "{path}");
    }
    // The dates page keeps its Vary on the host headers beside the encoding.
    let dates = get_encoded(&app, "/termine", "gzip", None).await;
    let vary = header(&dates, "vary");
    assert!(
        vary.contains("Host") && vary.contains("accept-encoding"),
        "{vary}"
    );
}

#[tokio::test]
async fn assets_are_immutable_and_pages_revalidate() {
    let app = spawn_embedded().await;
    let (_, home) = app.text("/").await;
    let css = home
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".css"))
        .expect("the start page links its stylesheet");
    let response = app.get(css).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        header(&app.get(DOCUMENT).await, "cache-control"),
        "no-cache"
    );

    // Styles are sent compressed to clients that accept it, each encoding with its
    // own ETag, and unpack to the very bytes sent plain.
    let plain = response.bytes().await.unwrap();
    let br = get_encoded(&app, css, "gzip, br", None).await;
    assert_eq!(header(&br, "content-encoding"), "br");
    assert!(header(&br, "vary").contains("accept-encoding"));
    let br_etag = header(&br, "etag");
    assert!(br_etag.ends_with("-br\""), "{br_etag}");
    let packed = br.bytes().await.unwrap();
    assert!(
        packed.len() * 2 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );
    assert_eq!(unbrotli(&packed), plain);
    let gz = get_encoded(&app, css, "gzip", None).await;
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    assert_eq!(gunzip(&gz.bytes().await.unwrap()), plain);
    let again = get_encoded(&app, css, "gzip, br", Some(&br_etag)).await;
    assert_eq!(again.status(), 304);
}

/// The entries (sub-folders) of an index cache folder.
fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

#[tokio::test]
async fn the_index_cache_is_filled_reused_and_rebuilt_when_broken() {
    let cache = tempfile::tempdir().unwrap();
    let config = || ServeConfig {
        source: ContentSource::Folder(fixture_dir()),
        index_cache: Some(cache.path().to_path_buf()),
        reload: false,
        ..ServeConfig::for_tests()
    };
    let expected = spawn(ServeConfig {
        source: ContentSource::Folder(fixture_dir()),
        ..ServeConfig::for_tests()
    })
    .await
    .hit_urls("Säge")
    .await;
    assert!(!expected.is_empty());

    // The first start builds the index into the cache.
    let first = spawn(config()).await;
    assert_eq!(first.hit_urls("Säge").await, expected);
    let filled = entries(cache.path());
    assert_eq!(filled.len(), 1, "{filled:?}");
    assert!(filled[0].join("meta.json").is_file());

    // A restart opens it (same entry, still one) and answers the same.
    let second = spawn(config()).await;
    assert_eq!(second.hit_urls("Säge").await, expected);
    assert_eq!(entries(cache.path()), filled);
    let lexicon = filled[0].join("werkbank-lexicon.bin");
    let kept = std::fs::read(&lexicon).expect("the lexicon is kept beside the index");
    assert!(kept.len() > 100);

    // A damaged lexicon is formed again from the texts; the index is still opened.
    std::fs::write(&lexicon, "kaputt").unwrap();
    let damaged = spawn(config()).await;
    assert_eq!(damaged.hit_urls("Säge").await, expected);
    assert_eq!(entries(cache.path()), filled);

    // A damaged entry is not trusted: the index is built again and search still works.
    std::fs::write(filled[0].join("meta.json"), "kaputt").unwrap();
    let third = spawn(config()).await;
    assert_eq!(third.hit_urls("Säge").await, expected);
    assert_eq!(entries(cache.path()), filled);
    assert!(
        std::fs::read_to_string(filled[0].join("meta.json"))
            .unwrap()
            .starts_with('{')
    );
    let read = |bytes: &[u8]| werkbank::search::compound::Lexicon::from_bytes(bytes);
    let rebuilt = std::fs::read(&lexicon).unwrap();
    assert!(
        read(&rebuilt).is_some() && read(&rebuilt) == read(&kept),
        "rebuilt with the index"
    );
}

#[tokio::test]
async fn an_unusable_index_cache_does_not_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be: nothing can be written there.
    let blocked = dir.path().join("datei");
    std::fs::write(&blocked, "kein Ordner").unwrap();
    let app = spawn(ServeConfig {
        source: ContentSource::Folder(fixture_dir()),
        index_cache: Some(blocked.clone()),
        reload: false,
        ..ServeConfig::for_tests()
    })
    .await;
    assert!(!app.hit_urls("Säge").await.is_empty());
    assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "kein Ordner");
}

/// A copy of the fixture site whose files are old enough for their stamps to be
/// trusted (see `content::source::SETTLE`).
async fn settled_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir(), dir.path());
    tokio::time::sleep(SETTLE + std::time::Duration::from_millis(200)).await;
    dir
}

/// Replaces the parsed documents kept in a cache entry by a copy with one title
/// changed, written the way werkbank writes (a new file renamed into place).
fn mark_stored_title(entry: &std::path::Path, url: &str, title: &str) {
    let file = entry.join("werkbank-documents.bin");
    let bytes = OwnedBytes::new(std::fs::read(&file).expect("the parsed documents are kept"));
    let mut parsed = stored::decode(&bytes).unwrap();
    let doc = parsed
        .iter_mut()
        .flatten()
        .find(|d| d.url == url)
        .expect("the document is stored");
    doc.meta.title = title.to_owned();
    let temp = entry.join("documents.neu");
    std::fs::write(&temp, stored::encode(&parsed)).unwrap();
    std::fs::rename(&temp, &file).unwrap();
}

/// A server on `content` with its index cache in `cache`; a reload follows an edit
/// quickly.
fn with_cache(content: &tempfile::TempDir, cache: &tempfile::TempDir, reload: bool) -> ServeConfig {
    ServeConfig {
        source: ContentSource::Folder(content.path().to_owned()),
        index_cache: Some(cache.path().to_path_buf()),
        reload,
        reload_debounce: std::time::Duration::from_millis(50),
        ..ServeConfig::for_tests()
    }
}

const SAEGEN: &str = "/holz/saegen";

#[tokio::test]
async fn a_restart_with_unchanged_files_uses_the_parsed_documents_of_the_cache() {
    let (content, cache) = (settled_copy().await, tempfile::tempdir().unwrap());
    let config = |reload: bool| with_cache(&content, &cache, reload);
    let first = spawn(config(false)).await;
    let expected = first.hit_urls("Säge").await;
    assert!(first.text(SAEGEN).await.1.contains("Sägen und Fräsen"));
    let health = first.json("/healthz").await;
    let filled = entries(cache.path());
    assert_eq!(filled.len(), 1, "{filled:?}");
    assert!(filled[0].join("werkbank-listing.bin").is_file());

    // Nothing changed: the restart takes the stored documents (marked here, so that
    // we can tell), and the fingerprint, errors and search are those of the folder.
    mark_stored_title(&filled[0], SAEGEN, "Aus dem Zwischenspeicher");
    let second = spawn(config(false)).await;
    assert!(
        second
            .text(SAEGEN)
            .await
            .1
            .contains("Aus dem Zwischenspeicher")
    );
    let again = second.json("/healthz").await;
    assert_eq!(again["content_version"], health["content_version"]);
    assert_eq!(again["broken_files"], health["broken_files"]);
    assert_eq!(again["documents"], health["documents"]);
    assert_eq!(second.hit_urls("Säge").await, expected);

    // A changed file is read and parsed again: never the stored copy.
    let file = content.path().join("holz/saegen.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Sägen und Fräsen", "Frisch bearbeitet")).unwrap();
    // Settled again, so that only its stamp tells the change.
    tokio::time::sleep(SETTLE + std::time::Duration::from_millis(200)).await;
    let third = spawn(config(false)).await;
    let (_, page) = third.text(SAEGEN).await;
    assert!(page.contains("Frisch bearbeitet"), "{page}");
    assert_ne!(
        third.json("/healthz").await["content_version"],
        health["content_version"]
    );
}

#[tokio::test]
async fn after_a_start_from_the_cache_a_broken_edit_keeps_the_last_good_version() {
    let (content, cache) = (settled_copy().await, tempfile::tempdir().unwrap());
    let config = |reload: bool| with_cache(&content, &cache, reload);
    drop(spawn(config(false)).await);
    // This start reads no Markdown file; the texts a reload falls back to are read
    // in the background.
    let app = spawn(config(true)).await;
    // Those of the few files of this folder are read in a moment.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let broken_before = app.json("/healthz").await["broken_files"].as_u64().unwrap();
    let file = content.path().join("holz/saegen.md");
    std::fs::write(&file, "---\ntitle: [kaputt\n---\nText\n").unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.json("/healthz").await["broken_files"].as_u64().unwrap() == broken_before {
        assert!(
            std::time::Instant::now() < deadline,
            "the broken file was never noticed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (status, page) = app.text(SAEGEN).await;
    assert_eq!(status, 200, "the last good version is still served");
    assert!(page.contains("Sägen und Fräsen"));
}

fn state_of(source: ContentSource) -> State {
    State::build(&BuildOptions {
        source,
        notice: None,
        threads: 2,
        clock: Clock::System,
        base_url: None,
        index_cache: None,
        reload: false,
    })
    .unwrap()
}

#[test]
fn the_embedded_content_starts_with_the_index_the_build_made() {
    let embedded = state_of(ContentSource::Embedded);
    assert!(embedded.index.was_opened());
    let request = SearchRequest {
        q: "Gesellenprüfung".to_owned(),
        ..SearchRequest::default()
    };
    let results = embedded.index.search(&embedded.library, &request).unwrap();
    assert!(results.total > 0);
    // A folder with the same files is the same content: it opens that index too.
    let copy = tempfile::tempdir().unwrap();
    copy_tree(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"),
        copy.path(),
    );
    let same = state_of(ContentSource::Folder(copy.path().to_owned()));
    assert!(same.index.was_opened());
    // Other content is indexed at its start.
    let other = state_of(ContentSource::Folder(fixture_dir()));
    assert!(!other.index.was_opened());
    assert!(other.library.documents.len() != embedded.library.documents.len());
}
