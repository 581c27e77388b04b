//! What search engines are told: `robots.txt`, which results pages may be indexed and
//! under which canonical address, and the head of the pages they file.

use werkbank::config::ServeConfig;

use crate::helpers::{TestApp, spawn, spawn_embedded};

const NOINDEX: &str = r#"<meta name="robots" content="noindex">"#;
const CANONICAL: &str = r#"<link rel="canonical""#;

/// The `href` of the page's canonical link, if it has one.
fn canonical_of(body: &str) -> Option<String> {
    let start = body.find(CANONICAL)?;
    let rest = &body[start..];
    let href = rest.find("href=\"")? + "href=\"".len();
    let end = rest[href..].find('"')?;
    Some(rest[href..href + end].replace("&amp;", "&"))
}

async fn page(app: &TestApp, path: &str) -> String {
    let (status, body) = app.text(path).await;
    assert_eq!(status, 200, "{path}");
    body
}

#[tokio::test]
async fn robots_txt_lets_crawlers_read_results_but_not_the_api() {
    let app = spawn_embedded().await;
    let (status, body) = app.text("/robots.txt").await;
    assert_eq!(status, 200);
    let disallowed: Vec<&str> = body
        .lines()
        .filter_map(|l| l.strip_prefix("Disallow:"))
        .map(str::trim)
        .collect();
    assert_eq!(disallowed, ["/api/"], "{body}");
    assert!(body.lines().any(|l| l == "User-agent: *"));
}

#[tokio::test]
async fn results_for_a_real_query_are_indexable_under_their_normalised_address() {
    let app = spawn_embedded().await;
    // Odd spacing and capitals, a default page number, one filter: the canonical
    // address is the query as the search sees it, without the defaults.
    let body = page(
        &app,
        "/suche?q=%20Gesellenpr%C3%BCfung%20%20TISCHLER%20&art=pruefung&seite=1",
    )
    .await;
    assert!(!body.contains(NOINDEX), "a hit page is indexable");
    assert_eq!(
        canonical_of(&body).as_deref(),
        Some(
            format!(
                "{}/suche?q=gesellenpr%C3%BCfung+tischler&art=pruefung",
                app.base
            )
            .as_str()
        )
    );
    // Its description says what the page holds, not the portal's tagline.
    assert!(
        body.contains(r#"<meta name="description" content=""#)
            && body.contains("Treffer für „Gesellenprüfung  TISCHLER“: Lernmaterial"),
        "{}",
        &body[..body.find("</head>").unwrap()]
    );
    // The English results page is its own page, filed under its own address.
    let english = page(&app, "/en/suche?q=Holz").await;
    assert!(!english.contains(NOINDEX));
    assert_eq!(
        canonical_of(&english),
        Some(format!("{}/en/suche?q=holz", app.base))
    );
    assert!(english.contains("results for “Holz”: learning material, exams and courses."));
}

#[tokio::test]
async fn canonical_links_use_the_configured_public_address() {
    let app = spawn(ServeConfig {
        base_url: Some("https://portal.example.org".to_owned()),
        ..ServeConfig::for_tests()
    })
    .await;
    let body = page(&app, "/suche?q=Holz").await;
    assert_eq!(
        canonical_of(&body).as_deref(),
        Some("https://portal.example.org/suche?q=holz")
    );
}

#[tokio::test]
async fn thin_results_pages_stay_out_of_the_index() {
    let app = spawn_embedded().await;
    // The query has more than one page of hits, so page 2 exists.
    let first = page(&app, "/suche?q=pr%C3%BCfung").await;
    assert!(first.contains(r#"rel="next""#), "prüfung has a second page");
    for (why, path) in [
        ("zero hits", "/suche?q=xylophonwerkstatt"),
        ("zero hits, English", "/en/suche?q=xylophonwerkstatt"),
        ("no input", "/suche"),
        ("a filter without a query", "/suche?gewerk=tischler"),
        ("a blank query", "/suche?q=%20%20"),
        ("a later page", "/suche?q=pr%C3%BCfung&seite=2"),
        (
            "two filters",
            "/suche?q=pr%C3%BCfung&gewerk=tischler&art=pruefung",
        ),
        ("an ignored filter value", "/suche?q=pr%C3%BCfung&jahr=9"),
        (
            "a query cut to the limits",
            &format!("/suche?q={}", "holz+".repeat(40)),
        ),
    ] {
        let body = page(&app, path).await;
        assert!(body.contains(NOINDEX), "{why}: {path}");
        assert_eq!(canonical_of(&body), None, "{why}: {path}");
    }
}
