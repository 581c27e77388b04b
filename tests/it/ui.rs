//! The English UI, the language choice, and what phones need offline: the manifest,
//! the service worker and a trade's offline list. (What a browser does with them is
//! checked in `tests/browser/`.)

use actix_web::{HttpResponse, web};
use werkbank::config::ServeConfig;
use werkbank::web::ratelimit::RateLimitConfig;

use crate::helpers::{TestApp, spawn, spawn_embedded, spawn_with_routes};

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

/// Texts that must never reach an English page: pieces of the German notes and error
/// messages (content, which stays German, does not use them).
const GERMAN_ONLY: [&str; 11] = [
    "gibt es nicht",
    "wurde ignoriert",
    "Seitenzahl",
    "gekürzt",
    "Ungültige Anfrage",
    "Seite nicht gefunden",
    "Die Adresse",
    "Anfrage zu groß",
    "Interner Fehler",
    "Bitte versuchen Sie",
    "Zu viele Suchanfragen",
];

fn assert_english(what: &str, body: &str) {
    for german in GERMAN_ONLY {
        assert!(
            !body.contains(german),
            "{what}: German “{german}” in {body}"
        );
    }
}

#[tokio::test]
async fn notes_about_the_input_are_in_the_page_language() {
    let app = spawn_embedded().await;
    let query = "q=holz&gewerk=schmied&art=roman&jahr=9&seite=zwei";
    let (status, english) = app.text(&format!("/en/suche?{query}")).await;
    assert_eq!(status, 200);
    for expected in [
        "There is no trade “schmied”; the filter was ignored.",
        "There is no type “roman”; the filter was ignored.",
        "“9” is not a year of training (1 to 4); the filter was ignored.",
        "“zwei” is not a page number; page 1 is shown.",
    ] {
        assert!(english.contains(expected), "{expected}");
    }
    assert_english("notes", &english);
    let (_, german) = app.text(&format!("/suche?{query}")).await;
    for expected in [
        "Das Gewerk „schmied“ gibt es nicht; der Filter wurde ignoriert.",
        "Die Art „roman“ gibt es nicht; der Filter wurde ignoriert.",
        "„9“ ist kein Ausbildungsjahr (1 bis 4); der Filter wurde ignoriert.",
        "„zwei“ ist keine Seitenzahl; Seite 1 wird gezeigt.",
    ] {
        assert!(german.contains(expected), "{expected}");
    }

    let long = "holz+".repeat(40);
    let (_, english) = app.text(&format!("/en/suche?q={long}")).await;
    assert!(
        english
            .contains("The search query was very long and was cut to 300 characters or 24 words.")
    );
    assert_english("cut query", &english);
    let (_, german) = app.text(&format!("/suche?q={long}")).await;
    assert!(german.contains(
        "Die Suchanfrage war sehr lang und wurde auf 300 Zeichen bzw. 24 Wörter gekürzt."
    ));

    // A misspelt word: the offer to search for the corrected one.
    let (_, english) = app.text("/en/suche?q=tischlre").await;
    assert!(english.contains("Did you mean: "), "did you mean");
    assert_english("did you mean", &english);

    let (_, english) = app.text("/en/termine?gewerk=schmied&art=roman").await;
    assert!(english.contains("There is no trade “schmied”; the dates of all trades are shown."));
    assert!(english.contains("There is no type “roman”; dates of all types are shown."));
    assert_english("dates notes", &english);
    let (_, german) = app.text("/termine?gewerk=schmied").await;
    assert!(german.contains(
        "Das Gewerk „schmied“ gibt es nicht; es werden die Termine aller Gewerke gezeigt."
    ));
}

/// A route for the tests only, under `/en/` and at a German address: a handler that
/// panics, for the 500 page.
fn panic_routes(cfg: &mut web::ServiceConfig) {
    async fn panics() -> HttpResponse {
        panic!("Testpanik: dieser Handler existiert nur in den Tests");
    }
    cfg.route("/en/test/panic", web::get().to(panics))
        .route("/test/panik", web::get().to(panics));
}

/// GET with extra headers; returns status, `Vary` and body.
async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut request = app.client.get(format!("{}{}", app.base, path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let vary = response
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join(", ");
    (status, vary, response.text().await.unwrap())
}

#[tokio::test]
async fn error_pages_speak_english_under_en_and_german_by_default() {
    let app = spawn_with_routes(ServeConfig::for_tests(), panic_routes).await;
    // 400: a path that can never name a page.
    let (status, body) = app.raw_get("/en/a%00b").await;
    let body = String::from_utf8(body).unwrap();
    assert_eq!(status, 400);
    assert!(body.contains("<title>Invalid request"), "{body}");
    assert!(body.contains("The address contains characters that are not allowed."));
    assert_english("400", &body);
    let (status, body) = app.raw_get("/a%00b").await;
    let body = String::from_utf8(body).unwrap();
    assert_eq!(status, 400);
    assert!(body.contains("Die Adresse enthält unzulässige Zeichen."));

    // 404, also for a file name under /en/ and an unknown calendar.
    for path in ["/en/gibt-es-nicht", "/en/assets/nichts.css"] {
        let (status, body) = app.text(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("<h1>Page not found</h1>"), "{path}");
        assert_english(path, &body);
    }
    let (status, body) = app.text("/gibt-es-nicht").await;
    assert_eq!(status, 404);
    assert!(body.contains("<h1>Seite nicht gefunden</h1>"));

    // 405: plain text, in the language of the address.
    let response = app
        .client
        .post(format!("{}/en/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(
        response.text().await.unwrap(),
        "Only GET and HEAD are allowed: this portal is read-only.\n"
    );
    let response = app
        .client
        .post(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .starts_with("Nur GET und HEAD")
    );

    // 414 and 431.
    let long = format!(
        "/en/suche?q={}",
        "a".repeat(werkbank::web::limits::MAX_URI_BYTES)
    );
    let (status, body) = app.text(&long).await;
    assert_eq!(status, 414);
    assert!(body.contains("<h1>Address too long</h1>"));
    assert!(body.contains("Please shorten the search query."));
    assert_english("414", &body);
    let big = "c".repeat(500);
    let mut request = app.client.get(format!("{}/en/", app.base));
    for i in 0..40 {
        request = request.header(format!("x-h{i}"), &big);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 431);
    let body = response.text().await.unwrap();
    assert!(body.contains("<h1>Request too large</h1>"));
    assert!(body.contains("Please delete this site's cookies"));
    assert_english("431", &body);
    let (status, body) = app.text(&long[3..]).await;
    assert_eq!(status, 414);
    assert!(body.contains("<h1>Adresse zu lang</h1>"));

    // 500 after a panic.
    let (status, body) = app.text("/en/test/panic").await;
    assert_eq!(status, 500);
    assert!(body.contains("<h1>Internal error</h1>"));
    assert!(body.contains("The request could not be answered. Please try again later."));
    assert!(body.contains(r#"<html lang="en">"#));
    assert_english("500", &body);
    let (status, body) = app.text("/test/panik").await;
    assert_eq!(status, 500);
    assert!(body.contains("<h1>Interner Fehler</h1>"));
}

#[tokio::test]
async fn error_pages_at_german_addresses_follow_accept_language_like_the_start_page() {
    let app = spawn_with_routes(ServeConfig::for_tests(), panic_routes).await;
    let english = [("Accept-Language", "en-GB,en;q=0.9")];
    let (status, vary, body) = get_with(&app, "/gibt-es-nicht", &english).await;
    assert_eq!(status, 404);
    assert!(body.contains("<h1>Page not found</h1>"));
    assert!(vary.contains("Accept-Language"), "{vary}");
    let (_, _, body) = get_with(&app, "/test/panik", &english).await;
    assert!(body.contains("<h1>Internal error</h1>"));
    // Someone who followed a link on our German pages chose German.
    let referer = format!("{}/tischler/", app.base);
    let (status, _, body) = get_with(
        &app,
        "/gibt-es-nicht",
        &[english[0], ("Referer", referer.as_str())],
    )
    .await;
    assert_eq!(status, 404);
    assert!(body.contains("<h1>Seite nicht gefunden</h1>"));
    let (_, _, body) = get_with(
        &app,
        "/gibt-es-nicht",
        &[("Accept-Language", "de-DE,en;q=0.5")],
    )
    .await;
    assert!(body.contains("<h1>Seite nicht gefunden</h1>"));
    // An English address needs no negotiation.
    let (_, vary, _) = get_with(&app, "/en/gibt-es-nicht", &[]).await;
    assert!(!vary.contains("Accept-Language"), "{vary}");
}

#[tokio::test]
async fn the_rate_limit_page_is_in_the_page_language() {
    let app = spawn(ServeConfig {
        search_limit: RateLimitConfig {
            per_second: 1,
            burst: 2,
        },
        ..ServeConfig::for_tests()
    })
    .await;
    let refused = |path: &'static str| {
        let app = &app;
        async move {
            for _ in 0..100 {
                let response = app.get(path).await;
                if response.status() == 429 {
                    return response.text().await.unwrap();
                }
            }
            panic!("{path} was never limited");
        }
    };
    let body = refused("/en/suche?q=holz").await;
    assert!(body.contains("<h1>Please wait a moment</h1>"), "{body}");
    assert!(body.contains("Too many searches in a short time. Please wait"));
    assert_english("429", &body);
    let body = refused("/suche?q=holz").await;
    assert!(body.contains("<h1>Bitte kurz warten</h1>"));
    assert!(body.contains("Zu viele Suchanfragen in kurzer Zeit."));
}
