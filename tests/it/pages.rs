//! Browsing: start, section, document, attachment and error pages; HTTP behaviour.

use crate::helpers::{embedded_documents, spawn, spawn_embedded, spawn_fixture};
use werkbank::config::ServeConfig;

/// The text of the first `<h1>`, with maud's escapes undone.
fn h1(html: &str) -> String {
    let start = html.find("<h1>").expect("page has an h1") + 4;
    let end = start + html[start..].find("</h1>").expect("h1 is closed");
    html[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn every_embedded_document_is_served_and_found_by_its_title() {
    let app = spawn_embedded().await;
    let docs = embedded_documents();
    assert!(
        docs.len() >= 30,
        "demo content has {} documents",
        docs.len()
    );
    for (file, url) in docs {
        let (status, html) = app.text(&url).await;
        assert_eq!(status, 200, "{file} at {url}");
        assert_eq!(html.matches("<h1").count(), 1, "{url} has one h1");
        if url == "/" {
            continue;
        }
        let title = h1(&html);
        let hits = app.hit_urls(&title).await;
        assert!(
            hits.contains(&url),
            "search for {title:?} misses {url}: {hits:?}"
        );
    }
}

#[tokio::test]
async fn start_page_shows_site_trades_and_newest() {
    let app = spawn_embedded().await;
    let (status, html) = app.text("/").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="de">"#));
    assert!(html.contains("Handwerkskammer Musterstadt"));
    assert!(html.contains(r#"action="/suche""#));
    assert!(html.contains(r#"id="gewerke""#), "trades list");
    assert!(html.contains("Zuletzt aktualisiert"));
    assert!(html.contains(r#"class="banner""#), "banner from site.yml");
    // No request to any other host: every src and href is local or a mailto link.
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let value = &part[..part.find('"').unwrap()];
            assert!(
                value.starts_with('/') || value.starts_with('#') || value.starts_with("mailto:"),
                "external reference {value}"
            );
        }
    }
}

#[tokio::test]
async fn section_page_groups_documents() {
    let app = spawn_fixture().await;
    let (status, html) = app.text("/holz/").await;
    assert_eq!(status, 200);
    assert_eq!(h1(&html), "Holzbearbeitung");
    assert!(html.contains("Lernmaterial"), "group by kind");
    assert!(html.contains("1. Ausbildungsjahr"), "group by year");
    assert!(html.contains(r#"href="/holz/saegen""#));
    // Without the slash, the section redirects to its folder URL.
    let response = app.get("/holz").await;
    assert_eq!(response.status(), 308);
    assert_eq!(response.headers()["location"], "/holz/");
}

#[tokio::test]
async fn document_page_has_breadcrumbs_toc_stand_and_attachments() {
    let app = spawn_fixture().await;
    let (status, html) = app.text("/holz/saegen").await;
    assert_eq!(status, 200);
    assert_eq!(h1(&html), "Sägen und Fräsen");
    assert!(html.contains(r#"aria-label="Brotkrümelnavigation""#));
    assert!(
        html.contains(r#"<a href="/holz/">Holzbearbeitung</a>"#),
        "breadcrumb to section"
    );
    assert!(
        html.contains(r##"href="#sicherheit-an-der-kreissaege""##),
        "table of contents"
    );
    assert!(html.contains(r#"id="sicherheit-an-der-kreissaege""#));
    assert!(html.contains("Stand: "), "Stand date");
    assert!(html.contains("1. Februar 2026"));
    assert!(
        html.contains(r#"href="/pruefungen/ueberblick""#),
        "relative .md link rewritten"
    );
    assert!(
        html.contains(r#"href="/holz/plan.pdf""#),
        "attachment link rewritten"
    );
    assert!(
        html.contains("Dateien zum Herunterladen"),
        "attachment list"
    );
}

#[tokio::test]
async fn attachments_are_served_with_their_type() {
    let app = spawn_fixture().await;
    let response = app.get("/holz/plan.pdf").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    let on_disk = std::fs::read(crate::helpers::fixture_dir().join("holz/plan.pdf")).unwrap();
    assert_eq!(bytes.as_ref(), on_disk.as_slice());
}

#[tokio::test]
async fn embedded_attachments_are_served() {
    let app = spawn_embedded().await;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file()
            || name.ends_with(".md")
            || name == "site.yml"
            || name == "synonyme.txt"
        {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let response = app.get(&format!("/{rel}")).await;
        assert_eq!(response.status(), 200, "{rel}");
        let expected = mime_guess::from_path(&rel).first_or_octet_stream();
        assert_eq!(
            response.headers()["content-type"],
            expected.as_ref(),
            "{rel}"
        );
        seen += 1;
    }
    assert!(seen >= 2, "demo content ships attachments");
}

#[tokio::test]
async fn unknown_paths_get_the_404_page_in_the_layout() {
    let app = spawn_embedded().await;
    for path in [
        "/gibt-es-nicht",
        "/tischler/gibt-es-nicht",
        "/assets/style.css",
        "/x.md",
    ] {
        let (status, html) = app.text(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Seite nicht gefunden"), "{path}");
        assert!(html.contains("site-header"), "{path}: in the layout");
    }
}

#[tokio::test]
async fn bad_paths_get_400_not_500() {
    let app = spawn_embedded().await;
    for path in [
        "/%FF%FE",
        "/a%00b",
        "/a/%2e%2e/b",
        "/a/../b",
        "/a%5cb",
        "/%C0%AE%C0%AE/x",
    ] {
        let (status, body) = app.raw_get(path).await;
        assert_eq!(status, 400, "{path}");
        assert!(
            String::from_utf8_lossy(&body).contains("Ungültige Anfrage"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn folder_content_starts_without_its_broken_documents() {
    let app = spawn_fixture().await;
    assert_eq!(app.text("/holz/saegen").await.0, 200);
    assert_eq!(app.text("/holz/kaputt").await.0, 404);
    assert_eq!(
        app.text("/ls.1").await.0,
        200,
        "dots in file names stay in the URL"
    );
}

#[tokio::test]
async fn only_get_and_head_are_allowed() {
    let app = spawn_embedded().await;
    for path in ["/", "/suche", "/api/v1/search", "/tischler/"] {
        let response = app
            .client
            .post(format!("{}{}", app.base, path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{path}");
        assert_eq!(response.headers()["allow"], "GET, HEAD");
    }
    let head = app
        .client
        .head(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn pages_have_etags_and_answer_304() {
    let app = spawn_embedded().await;
    let response = app.get("/tischler/").await;
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10);
    let again = app
        .client
        .get(format!("{}/tischler/", app.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    // Two servers on the same content agree on the ETag (replicas).
    let other = spawn_embedded().await;
    assert_eq!(
        other.get("/tischler/").await.headers()["etag"],
        etag.as_str()
    );
}

#[tokio::test]
async fn security_headers_on_every_kind_of_response() {
    let app = spawn_embedded().await;
    let css = {
        let (_, html) = app.text("/").await;
        let start = html.find("/assets/style.").unwrap();
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    };
    for path in [
        "/",
        "/tischler/",
        "/suche?q=holz",
        "/api/v1/search?q=holz",
        &css,
        "/nichts",
    ] {
        let response = app.get(path).await;
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
    }
    let asset = app.get(&css).await;
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(asset.headers()["content-type"], "text/css");
}

#[tokio::test]
async fn notice_from_the_command_line_wins() {
    let app = spawn(ServeConfig {
        source: werkbank::content::ContentSource::Folder(crate::helpers::fixture_dir()),
        notice: Some("Prüfung am Montag <b>verlegt</b>".to_owned()),
        ..ServeConfig::for_tests()
    })
    .await;
    let (_, html) = app.text("/holz/saegen").await;
    assert!(
        html.contains("Prüfung am Montag &lt;b&gt;verlegt&lt;/b&gt;"),
        "escaped banner"
    );
    assert!(!html.contains("Testbanner aus site.yml"));
    let fixture = spawn_fixture().await;
    assert!(
        fixture
            .text("/")
            .await
            .1
            .contains("Testbanner aus site.yml")
    );
}
