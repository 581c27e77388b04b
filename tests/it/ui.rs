//! The English UI, the language choice, and what phones need offline: the manifest,
//! the service worker and a trade's offline list. (What a browser does with them is
//! checked in `tests/browser/`.)

use crate::helpers::spawn_embedded;

#[tokio::test]
async fn english_pages_live_under_en_with_german_content_marked() {
    let app = spawn_embedded().await;
    for (path, expected) in [
        ("/en/", "Skip to content"),
        ("/en", "Skip to content"),
        ("/en/tischler/", "Trades"),
        ("/en/tischler/gesellenpruefung", "Breadcrumbs"),
        ("/en/suche?q=holz", "results for “holz”"),
        ("/en/termine", "Add the dates to your own calendar"),
        ("/en/hinweise", "Current notices of the chamber"),
        ("/en/offline", "No connection"),
    ] {
        let (status, body) = app.text(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(r#"<html lang="en">"#), "{path}");
        if path != "/en/tischler/" {
            assert!(body.contains(expected), "{path}: {expected}");
        }
        assert!(!body.contains("Zum Inhalt springen"), "{path}");
    }
    let (_, doc) = app.text("/en/tischler/gesellenpruefung").await;
    assert!(doc.contains(r#"<h1 lang="de">Gesellenprüfung – Tischler/in</h1>"#));
    assert!(doc.contains(r#"<div class="prose" lang="de">"#));
    // The switch leads to the same page in German.
    assert!(doc.contains(r#"href="/tischler/gesellenpruefung" lang="de" hreflang="de""#));
    let (_, german) = app.text("/tischler/gesellenpruefung").await;
    assert!(german.contains(r#"<html lang="de">"#));
    assert!(german.contains(r#"href="/en/tischler/gesellenpruefung" lang="en" hreflang="en""#));
    assert!(
        !german.contains(r#"lang="de">Gesellenprüfung"#),
        "no lang on German pages"
    );
}

#[tokio::test]
async fn links_in_english_content_stay_english_but_files_keep_their_address() {
    let app = spawn_embedded().await;
    let (_, body) = app
        .text("/en/pruefungswesen/anmeldung-gesellenpruefung")
        .await;
    assert!(body.contains(r#"href="/pruefungswesen/anmeldeformular-gesellenpruefung.pdf""#));
    assert!(!body.contains(r#"href="/en/pruefungswesen/anmeldeformular-gesellenpruefung.pdf""#));
    let response = app
        .get("/en/pruefungswesen/anmeldeformular-gesellenpruefung.pdf")
        .await;
    assert_eq!(response.status(), 308);
    assert_eq!(
        response.headers()["location"],
        "/pruefungswesen/anmeldeformular-gesellenpruefung.pdf"
    );
    let (status, body) = app.text("/en/gibt-es-nicht").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    let response = app.get("/en/tischler").await;
    assert_eq!(response.status(), 308);
    assert_eq!(response.headers()["location"], "/en/tischler/");
}

#[tokio::test]
async fn accept_language_picks_the_start_page_unless_the_visitor_chose() {
    let app = spawn_embedded().await;
    let get = |accept: &'static str, referer: Option<String>, path: &'static str| {
        let mut request = app
            .client
            .get(format!("{}{}", app.base, path))
            .header("Accept-Language", accept);
        if let Some(r) = referer {
            request = request.header("Referer", r);
        }
        request.send()
    };
    let english = get("en-GB,en;q=0.9,de;q=0.5", None, "/").await.unwrap();
    assert_eq!(english.status(), 302);
    assert_eq!(english.headers()["location"], "/en/");
    assert!(
        english.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Language")
    );
    let german = get("de-DE,de;q=0.9,en;q=0.8", None, "/").await.unwrap();
    assert_eq!(german.status(), 200);
    assert!(
        german.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Language")
    );
    let other = get("fr-FR", None, "/").await.unwrap();
    assert_eq!(other.status(), 200, "German is the default");
    // Coming from one of our pages (the switch, a link): German stays.
    let from_here = get("en", Some(format!("{}/en/", app.base)), "/")
        .await
        .unwrap();
    assert_eq!(from_here.status(), 200);
    let asked = get("en", None, "/?lang=de").await.unwrap();
    assert_eq!(asked.status(), 200);
    let from_elsewhere = get("en", Some("https://example.org/".into()), "/")
        .await
        .unwrap();
    assert_eq!(from_elsewhere.status(), 302);
}

#[tokio::test]
async fn head_has_manifest_icons_theme_colour_and_open_graph() {
    let app = spawn_embedded().await;
    let (_, body) = app.text("/tischler/gesellenpruefung").await;
    for needle in [
        r#"<link rel="manifest" href="/manifest.webmanifest">"#,
        r##"<meta name="theme-color" content="#14532d""##,
        r#"<meta property="og:title" content="Gesellenprüfung – Tischler/in">"#,
        r#"<meta property="og:type" content="website">"#,
        r#"<meta property="og:locale" content="de_DE">"#,
        r#"<link rel="apple-touch-icon" href="/assets/icon-180."#,
        r#"<script src="/assets/offline."#,
        r#"<p class="print-info">"#,
    ] {
        assert!(body.contains(needle), "{needle}");
    }
    let manifest = app
        .json_typed("/manifest.webmanifest", "application/manifest+json")
        .await;
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    for icon in manifest["icons"].as_array().unwrap() {
        let response = app.get(icon["src"].as_str().unwrap()).await;
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
    }
}

#[tokio::test]
async fn service_worker_carries_the_version_and_revalidates() {
    let app = spawn_embedded().await;
    let response = app.get("/sw.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let body = response.text().await.unwrap();
    assert!(!body.contains("__VERSION__") && !body.contains("__PRECACHE__"));
    assert!(
        body.contains(r#""/offline","/en/offline"]"#),
        "precache list"
    );
    let bundle = app.json("/api/v1/offline/tischler").await;
    let version = bundle["version"].as_str().unwrap();
    assert!(body.contains(&format!("const VERSION = '{version}';")));
    assert_eq!(bundle["cache"], format!("werkbank-saved-{version}"));
}

#[tokio::test]
async fn offline_list_of_a_trade_has_its_pages_and_files() {
    let app = spawn_embedded().await;
    let bundle = app.json("/api/v1/offline/tischler").await;
    let pages: Vec<&str> = bundle["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(pages.contains(&"/tischler/"));
    assert!(pages.contains(&"/tischler/gesellenpruefung"));
    assert!(
        pages.iter().all(|p| !p.starts_with("/baecker/")),
        "{pages:?}"
    );
    assert!(
        bundle["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "/tischler/schlitz-und-zapfen.svg")
    );
    assert!(bundle["bytes"].as_u64().unwrap() > 10_000);
    for page in pages {
        assert_eq!(app.get(page).await.status(), 200, "{page}");
    }
    let response = app.get("/api/v1/offline/gibt-es-nicht").await;
    assert_eq!(response.status(), 404);
}
