//! Search over HTTP: German spellings, phrases, facets, paging, the JSON shape and
//! hostile input.

use crate::helpers::{TestApp, encode, spawn_embedded, spawn_fixture};

/// Each row: a query and the fixture document it must find.
const GERMAN_SPELLINGS: &[(&str, &str)] = &[
    ("prüfung", "/pruefungen/ueberblick"),
    ("pruefung", "/pruefungen/ueberblick"),
    ("PRÜFUNGEN", "/pruefungen/ueberblick"),
    ("baecker", "/baeckerei"),
    ("backer", "/baeckerei"),
    ("Bäcker", "/baeckerei"),
    ("strasse", "/baeckerei"),
    ("Straße", "/baeckerei"),
    ("saege", "/holz/saegen"),
    ("ls", "/ls.1"),
];

/// Asserts that each query of `rows` finds its document.
async fn assert_each_finds(app: &TestApp, rows: &[(&str, &str)]) {
    for (query, url) in rows {
        let hits = app.hit_urls(query).await;
        assert!(
            hits.iter().any(|h| h == url),
            "{query} should find {url}: {hits:?}"
        );
    }
}

#[tokio::test]
async fn german_spellings_find_the_same_documents() {
    assert_each_finds(&spawn_fixture().await, GERMAN_SPELLINGS).await;
}

#[tokio::test]
async fn prufung_finds_pruefungen_in_the_demo() {
    let app = spawn_embedded().await;
    let json = app.json("/api/v1/search?q=pr%C3%BCfung&limit=50").await;
    let hits = json["hits"].as_array().unwrap();
    assert!(
        hits.iter()
            .any(|h| h["title"].as_str().unwrap().contains("Prüfungen")
                || h["snippet"]
                    .as_str()
                    .unwrap()
                    .contains("<mark>Prüfungen</mark>")),
        "{json}"
    );
}

#[tokio::test]
async fn phrase_queries_need_the_words_together() {
    let app = spawn_fixture().await;
    let loose = app.hit_urls("teil 1 schriftlich").await;
    assert!(loose.contains(&"/pruefungen/ueberblick".to_owned()));
    assert!(loose.contains(&"/pruefungen/getrennt".to_owned()));
    let phrase = app.hit_urls("\"teil 1 schriftlich\"").await;
    assert_eq!(phrase, ["/pruefungen/ueberblick"]);
}

#[tokio::test]
async fn snippets_highlight_and_escape() {
    let app = spawn_fixture().await;
    let json = app.json("/api/v1/search?q=Kreissäge").await;
    let snippet = json["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>Kreissäge</mark>"), "{snippet}");
    let (_, html) = app.text("/suche?q=Kreiss%C3%A4ge").await;
    assert!(html.contains("<mark>Kreissäge</mark>"));
}

#[tokio::test]
async fn facet_filters_narrow_results_and_counts_add_up() {
    let app = spawn_embedded().await;
    let all = app.json("/api/v1/search?q=pr%C3%BCfung&limit=50").await;
    let total = all["total"].as_u64().unwrap();
    assert!(total >= 5);
    let kinds = all["facets"]["kind"].as_object().unwrap();
    let sum: u64 = kinds.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(sum, total, "kind counts add up to the total");
    let years: u64 = all["facets"]["year"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(years <= total);

    let exams = kinds["pruefung"].as_u64().unwrap();
    let filtered = app
        .json("/api/v1/search?q=pr%C3%BCfung&kind=pruefung&limit=50")
        .await;
    assert_eq!(filtered["total"].as_u64().unwrap(), exams);
    assert!(exams < total, "the filter narrows");
    for hit in filtered["hits"].as_array().unwrap() {
        assert_eq!(hit["kind"], "pruefung");
    }

    let (trade, count) = all["facets"]["trade"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    let by_trade = app
        .json(&format!(
            "/api/v1/search?q=pr%C3%BCfung&trade={trade}&limit=50"
        ))
        .await;
    assert_eq!(by_trade["total"], *count);
    for hit in by_trade["hits"].as_array().unwrap() {
        assert!(
            hit["trade"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == trade.as_str()),
            "{hit}"
        );
    }

    // The HTML form uses the German parameter names.
    let (status, html) = app
        .text(&format!(
            "/suche?q=pr%C3%BCfung&gewerk={trade}&art=pruefung"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!(r#"<option value="{trade}" selected"#)),
        "filter kept in the form"
    );
}

#[tokio::test]
async fn results_page_pages_through_results() {
    let app = spawn_embedded().await;
    let all = app.json("/api/v1/search?q=ausbildung&limit=50").await;
    let total = all["total"].as_u64().unwrap();
    assert!(total > 10, "enough results to page: {total}");
    let (_, first) = app.text("/suche?q=ausbildung").await;
    assert!(first.contains(r#"role="status""#));
    assert!(first.contains(&format!("{total} Treffer")));
    assert!(first.contains(r#"rel="next""#));
    let (_, second) = app.text("/suche?q=ausbildung&seite=2").await;
    assert!(second.contains(r#"rel="prev""#));
    assert!(second.contains(r#"<ol class="results" start="11">"#));
    // Pages of the API do not overlap.
    let p1 = app.json("/api/v1/search?q=ausbildung&limit=5&page=1").await;
    let p2 = app.json("/api/v1/search?q=ausbildung&limit=5&page=2").await;
    let urls = |j: &serde_json::Value| -> Vec<String> {
        j["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["url"].as_str().unwrap().to_owned())
            .collect()
    };
    let (a, b) = (urls(&p1), urls(&p2));
    assert_eq!(a.len(), 5);
    assert!(a.iter().all(|u| !b.contains(u)), "{a:?} {b:?}");
}

#[tokio::test]
async fn json_api_has_the_documented_shape() {
    let app = spawn_fixture().await;
    let json = app.json("/api/v1/search?q=holz&limit=2").await;
    assert!(json["total"].is_u64());
    let hits = json["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 2);
    for hit in hits {
        assert!(hit["url"].as_str().unwrap().starts_with('/'));
        assert!(hit["title"].is_string());
        assert!(hit["snippet"].is_string());
        assert!(hit["trade"].is_array());
        assert!(hit["kind"].is_string());
    }
    for facet in ["trade", "kind", "year"] {
        assert!(json["facets"][facet].is_object(), "{facet}");
    }
}

#[tokio::test]
async fn hostile_queries_get_200() {
    let app = spawn_embedded().await;
    let long = "Prüfung ".repeat(250);
    let queries = [
        "\"",
        "\"\"",
        "\"unclosed phrase",
        "-",
        "--",
        "*",
        "***",
        "(",
        ")",
        "((()))",
        "[]{}",
        "a AND (b OR",
        "title:holz",
        "holz^10",
        "holz~2",
        "+-&&||!(){}[]^\"~*?:\\/",
        "🙂🔨🪚",
        "\u{0}",
        "%",
        "<script>alert(1)</script>",
        &long,
    ];
    for q in queries {
        for base in ["/suche?q=", "/api/v1/search?q="] {
            let path = format!("{base}{}", encode(q));
            let (status, body) = app.text(&path).await;
            assert_eq!(status, 200, "{path}");
            assert!(
                !body.contains("<script>alert"),
                "{path}: input echoed unescaped"
            );
        }
    }
    let json = app
        .json(&format!("/api/v1/search?q={}", encode(&long)))
        .await;
    assert!(
        !json["notes"].as_array().unwrap().is_empty(),
        "a cut query is noted"
    );
}

#[tokio::test]
async fn bad_filter_values_are_ignored_with_a_note() {
    let app = spawn_embedded().await;
    let (status, html) = app
        .text("/suche?q=holz&jahr=9&art=foo&gewerk=%3Cb%3E&seite=-1")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("kein Ausbildungsjahr"));
    assert!(html.contains("&lt;b&gt;"), "echoed value is escaped");
    let (status, _) = app
        .text("/suche?seite=99999999999999999999999999&q=holz")
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn empty_query_with_a_filter_lists_the_trade() {
    let app = spawn_fixture().await;
    let json = app.json("/api/v1/search?trade=holz&limit=50").await;
    let urls: Vec<&str> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap())
        .collect();
    assert!(urls.contains(&"/holz/saegen"));
    assert!(urls.contains(&"/pruefungen/ueberblick"));
    assert!(!urls.contains(&"/baeckerei"));
}

/// Each row: a query and a fixture document it must find (compounds both ways).
const COMPOUNDS: &[(&str, &str)] = &[
    ("prüfung", "/holz/ausbildung"),
    ("termine", "/holz/ausbildung"),
    ("unterweisung", "/holz/ausbildung"),
    ("Lehrlingsunterweisung", "/pruefungen/unterweisung"),
    ("rahmenplan", "/holz/ausbildung"),
    ("tischler", "/holz/ausbildung"),
    ("Gesellenprüfungstermine", "/holz/ausbildung"),
];

#[tokio::test]
async fn compounds_are_found_by_their_parts_and_the_reverse() {
    let app = spawn_fixture().await;
    assert_each_finds(&app, COMPOUNDS).await;
    // The whole word ranks above documents that only share a part.
    let hits = app.hit_urls("Lehrlingsunterweisung").await;
    assert_eq!(hits[0], "/holz/ausbildung", "{hits:?}");
}

#[tokio::test]
async fn a_typo_is_corrected_with_a_did_you_mean_link() {
    let app = spawn_fixture().await;
    let json = app.json("/api/v1/search?q=Kreisäge").await;
    assert_eq!(json["did_you_mean"], "kreissäge", "{json}");
    let urls: Vec<&str> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap())
        .collect();
    assert!(
        urls.contains(&"/holz/saegen"),
        "the corrected word is searched: {urls:?}"
    );
    let (_, html) = app.text("/suche?q=Kreis%C3%A4ge").await;
    assert!(html.contains("Meinten Sie: "), "HTML offers the correction");
    assert!(html.contains(r#"href="/suche?q=kreiss%C3%A4ge""#), "{html}");
    // Words the content knows are never "corrected".
    let json = app.json("/api/v1/search?q=Kreiss%C3%A4ge").await;
    assert!(json["did_you_mean"].is_null());
}

#[tokio::test]
async fn synonyms_from_the_content_file_are_searched() {
    let app = spawn_fixture().await;
    let hits = app.hit_urls("Absaugbehälter").await;
    assert!(hits.contains(&"/holz/ausbildung".to_owned()), "{hits:?}");
}

#[tokio::test]
async fn a_synonym_spelled_with_a_stop_word_is_still_expanded() {
    // The query builder drops "der"; the synonym entry must match without it, so the
    // other entry of its group ("Lehrlingsrolle") is searched and highlighted too.
    let app = spawn_embedded().await;
    let json = app
        .json("/api/v1/search?limit=10&q=Verzeichnis%20der%20Berufsausbildungsverh%C3%A4ltnisse")
        .await;
    let hits = json["hits"].as_array().unwrap();
    assert_eq!(
        hits[0]["url"], "/aktuelles/ausbildungsvertraege-eintragung",
        "{json}"
    );
    assert!(
        hits.iter().any(|h| h["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>Lehrlingsrolle</mark>")),
        "{json}"
    );
}

#[tokio::test]
async fn demo_synonyms_expand_abbreviations() {
    let app = spawn_embedded().await;
    let json = app.json("/api/v1/search?q=%C3%9CLU&limit=50").await;
    let total = json["total"].as_u64().unwrap();
    let long = app
        .json("/api/v1/search?q=%C3%BCberbetriebliche%20Lehrlingsunterweisung&limit=50")
        .await;
    assert!(total > 0 && long["total"].as_u64().unwrap() > 0);
    let short: Vec<&str> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap())
        .collect();
    let spelled: Vec<&str> = long["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap())
        .collect();
    assert!(
        spelled.iter().take(3).any(|u| short.contains(u)),
        "ÜLU and its long form meet: {short:?} / {spelled:?}"
    );
}

#[tokio::test]
async fn long_documents_link_to_the_matching_section() {
    let app = spawn_fixture().await;
    let json = app.json("/api/v1/search?q=Holzstaub").await;
    let hit = &json["hits"][0];
    assert_eq!(hit["url"], "/holz/ausbildung");
    assert_eq!(
        hit["sections"][0]["url"], "/holz/ausbildung#absaugung-und-staubschutz",
        "{hit}"
    );
    assert_eq!(hit["sections"][0]["heading"], "Absaugung und Staubschutz");
    // The snippet shows the section the link leads to, the match highlighted.
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(
        snippet.starts_with("<mark>Holzstaub</mark> wird an jeder Maschine abgesaugt"),
        "{snippet}"
    );
    // A compound found by its part is highlighted as the whole word.
    let json = app.json("/api/v1/search?q=unterweisung").await;
    let hit = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["url"] == "/holz/ausbildung")
        .expect("found by the compound's part");
    // It comes from the text under the matching heading, not from the heading.
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(
        snippet.starts_with("Die überbetriebliche <mark>Lehrlingsunterweisung</mark>"),
        "{snippet}"
    );
    let (_, html) = app.text("/suche?q=Holzstaub").await;
    assert!(html.contains(r#"href="/holz/ausbildung#absaugung-und-staubschutz""#));
    assert!(
        html.contains("Ausbildung in der Tischlerei › Absaugung und Staubschutz"),
        "breadcrumb"
    );
}

#[tokio::test]
async fn suggestions_by_prefix_ignore_umlaut_spelling() {
    let app = spawn_fixture().await;
    for prefix in ["pruef", "prüf", "pruf"] {
        let json = app
            .json(&format!("/api/v1/suggest?q={}", encode(prefix)))
            .await;
        let list = json["suggestions"].as_array().unwrap();
        assert!(
            list.iter().any(|s| s["kind"] == "title"
                && s["text"] == "Prüfungen im Überblick"
                && s["url"] == "/pruefungen/ueberblick"),
            "{prefix}: {json}"
        );
        assert!(list.iter().any(|s| s["kind"] == "term"), "{prefix}: {json}");
    }
    let json = app.json("/api/v1/suggest?q=%22%3C").await;
    assert!(json["suggestions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_hostile_5000_character_query_is_answered_in_bounded_time() {
    let app = spawn_embedded().await;
    let words = [
        "Prüfung",
        "Gesellenprüfungstermine",
        "\"Teil",
        "1\"",
        "((",
        "Kreisäge",
        "ÜLU",
        "*",
    ];
    let query: String = (0..1000)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let query: String = query.chars().take(5000).collect();
    assert_eq!(query.chars().count(), 5000);
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap();
    for base in ["/api/v1/search?q=", "/suche?q=", "/api/v1/suggest?q="] {
        let response = client
            .get(format!("{}{base}{}", app.base, encode(&query)))
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 200, "{base}");
    }
}
