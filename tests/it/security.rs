//! Hardening: security headers on every kind of response, size limits, path traversal,
//! hostile attachments, rate limits and panics, all against the real server.

use std::collections::HashMap;
use std::time::Duration;

use actix_web::{HttpResponse, web};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use werkbank::config::ServeConfig;
use werkbank::content::ContentSource;
use werkbank::web::limits::{MAX_HEADER_BYTES, MAX_URI_BYTES};
use werkbank::web::ratelimit::RateLimitConfig;

use crate::helpers::{TestApp, copy_tree, fixture_dir, spawn, spawn_embedded, spawn_with_routes};

/// A response read off the wire: status, headers (lower-case names), body.
struct Raw {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// Sends `head` (a complete request head) as raw bytes and reads the whole answer.
async fn raw_request(app: &TestApp, head: &[u8]) -> Raw {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    stream.write_all(head).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut response))
        .await
        .expect("the server answers and closes in time")
        .expect("the connection is closed cleanly, not reset");
    let head_end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no response head in {:?}",
                String::from_utf8_lossy(&response)
            )
        });
    let head = String::from_utf8_lossy(&response[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Raw {
        status,
        headers,
        body: response[head_end + 4..].to_vec(),
    }
}

/// GET with a request target sent exactly as given.
async fn raw_target(app: &TestApp, target: &[u8]) -> Raw {
    let mut head = b"GET ".to_vec();
    head.extend_from_slice(target);
    head.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    raw_request(app, &head).await
}

/// Asserts the complete set of security headers.
fn assert_security_headers(what: &str, get: impl Fn(&str) -> Option<String>) {
    let csp = get("content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP"));
    for directive in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: CSP lacks {directive}: {csp}"
        );
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(
        get("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    for name in [
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
        "cross-origin-resource-policy",
        "x-frame-options",
    ] {
        assert!(get(name).is_some(), "{what}: no {name}");
    }
    assert_eq!(
        get("strict-transport-security"),
        None,
        "{what}: HSTS over plain HTTP"
    );
}

fn assert_reqwest_headers(what: &str, response: &reqwest::Response) {
    assert_security_headers(what, |name| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    });
}

/// A route for the tests only: the shipped binary has no way to make a handler panic.
fn panic_route(cfg: &mut web::ServiceConfig) {
    async fn panics() -> HttpResponse {
        panic!("Testpanik: dieser Handler existiert nur in den Tests");
    }
    cfg.route("/test/panik", web::get().to(panics));
}

fn strict_limit() -> ServeConfig {
    ServeConfig {
        search_limit: RateLimitConfig {
            per_second: 1,
            burst: 3,
        },
        ..ServeConfig::for_tests()
    }
}

/// Sends requests until one is refused; returns it. Robust against slow machines:
/// a token that comes back in between only delays the refusal.
async fn until_refused(
    app: &TestApp,
    path: &str,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    for _ in 0..100 {
        let mut request = app.client.get(format!("{}{}", app.base, path));
        if let Some(xff) = forwarded_for {
            request = request.header("x-forwarded-for", xff);
        }
        let response = request.send().await.unwrap();
        if response.status() == 429 {
            return response;
        }
        assert_eq!(response.status(), 200, "{path}");
    }
    panic!("{path} was never limited");
}

#[tokio::test]
async fn security_headers_on_every_kind_of_response() {
    let app = spawn_with_routes(strict_limit(), panic_route).await;
    let (_, home) = app.text("/").await;
    let css_start = home.find("/assets/style.").expect("stylesheet link");
    let css = &home[css_start..css_start + home[css_start..].find('"').unwrap()];
    let long_path = format!("/{}", "a".repeat(MAX_URI_BYTES + 10));
    let cases: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        ("page", app.client.get(format!("{}/", app.base)), 200),
        (
            "section",
            app.client.get(format!("{}/tischler/", app.base)),
            200,
        ),
        ("asset", app.client.get(format!("{}{css}", app.base)), 200),
        (
            "api",
            app.client.get(format!("{}/api/v1/search?q=holz", app.base)),
            200,
        ),
        (
            "health",
            app.client.get(format!("{}/healthz", app.base)),
            200,
        ),
        (
            "robots",
            app.client.get(format!("{}/robots.txt", app.base)),
            200,
        ),
        ("head", app.client.head(format!("{}/", app.base)), 200),
        (
            "redirect",
            app.client.get(format!("{}/tischler", app.base)),
            308,
        ),
        ("404", app.client.get(format!("{}/nichts", app.base)), 404),
        ("405", app.client.post(format!("{}/", app.base)), 405),
        (
            "405 api",
            app.client.delete(format!("{}/api/v1/search", app.base)),
            405,
        ),
        (
            "414",
            app.client.get(format!("{}{long_path}", app.base)),
            414,
        ),
        (
            "431",
            app.client
                .get(format!("{}/", app.base))
                .header("x-gross", "b".repeat(MAX_HEADER_BYTES + 10)),
            431,
        ),
        (
            "500",
            app.client.get(format!("{}/test/panik", app.base)),
            500,
        ),
    ];
    for (what, request, status) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{what}");
        assert_reqwest_headers(what, &response);
    }
    // 304: conditional request.
    let etag = app.get("/tischler/").await.headers()["etag"].clone();
    let not_modified = app
        .client
        .get(format!("{}/tischler/", app.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), 304);
    assert_reqwest_headers("304", &not_modified);
    // 400: a path that is refused before routing.
    let bad = raw_target(&app, b"/a%00b").await;
    assert_eq!(bad.status, 400);
    assert_security_headers("400", |n| bad.headers.get(n).cloned());
    // 429 on the page and the API.
    for path in ["/suche?q=holz", "/api/v1/search?q=holz"] {
        let refused = until_refused(&app, path, None).await;
        assert_reqwest_headers("429", &refused);
    }
}

#[tokio::test]
async fn attachments_and_their_headers() {
    let dir = hostile_site();
    let app = spawn_folder(dir.path().join("inhalte")).await;
    let response = app.get("/holz/plan.pdf").await;
    assert_eq!(response.status(), 200);
    assert_reqwest_headers("attachment", &response);
    // Anything a browser would run or render as a page is a download, with the
    // security headers as a second line of defence.
    for (path, content_type) in [
        ("/holz/seite.html", "text/html"),
        ("/holz/bild.svg", "image/svg+xml"),
        ("/holz/daten.xml", "xml"),
        ("/holz/skript.js", "javascript"),
        ("/holz/alt.xhtml", "application/xhtml+xml"),
        ("/holz/unbekannt.wasauchimmer", "application/octet-stream"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let ct = response.headers()["content-type"].to_str().unwrap();
        assert!(ct.contains(content_type), "{path}: {ct}");
        let disposition = response.headers()["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment"),
            "{path}: {disposition}"
        );
        assert_reqwest_headers(path, &response);
    }
    // Plain images and PDFs are shown in the page.
    for path in ["/holz/plan.pdf", "/holz/foto.png"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers().get("content-disposition").is_none(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn request_size_limits_answer_414_and_431() {
    let app = spawn_embedded().await;
    // Right at the limit is fine, one byte over is not.
    let target = format!("/suche?q={}", "a".repeat(MAX_URI_BYTES - "/suche?q=".len()));
    assert_eq!(app.get(&target).await.status(), 200);
    let over = format!("{target}a");
    let response = app.get(&over).await;
    assert_eq!(response.status(), 414);
    assert!(response.text().await.unwrap().contains("Adresse zu lang"));
    // Many small headers add up.
    let mut request = app.client.get(format!("{}/", app.base));
    for i in 0..40 {
        request = request.header(format!("x-h{i}"), "c".repeat(500));
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 431);
    assert!(response.text().await.unwrap().contains("Anfrage zu groß"));
    // A head that fills actix-http's own 128 KiB buffer is refused before it reaches
    // us. Exactly that much, so the server has read every byte and closes cleanly.
    let mut head = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    let mut i = 0;
    while head.len() < ACTIX_HEAD_BUFFER {
        let line = format!("x-h{i}: {}\r\n", "d".repeat(2000));
        head.extend_from_slice(line.as_bytes());
        i += 1;
    }
    head.truncate(ACTIX_HEAD_BUFFER);
    assert_eq!(raw_request(&app, &head).await.status, 431);
    // More than actix-http's 96 headers.
    let mut head = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for i in 0..120 {
        head.extend_from_slice(format!("x-h{i}: e\r\n").as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    assert_eq!(raw_request(&app, &head).await.status, 431);
}

#[tokio::test]
async fn a_slow_client_is_cut_off_and_others_are_served() {
    let app = spawn_embedded().await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    // A client that starts a request and never finishes its head.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-a: b\r\n")
        .await
        .unwrap();
    // Others are answered meanwhile.
    assert_eq!(app.get("/").await.status(), 200);
    // The slow one is answered with 408 and closed after the request timeout,
    // without the test having to wait for it by the clock: reading blocks until then.
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), slow.read_to_end(&mut response))
        .await
        .expect("the server closes a connection whose head never completes")
        .unwrap();
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}

#[tokio::test]
async fn search_is_rate_limited_per_client() {
    let app = spawn(strict_limit()).await;
    let refused = until_refused(&app, "/api/v1/search?q=holz", None).await;
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After is whole seconds");
    assert!((1..=2).contains(&retry), "{retry}");
    assert!(
        refused.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let json: serde_json::Value = refused.json().await.unwrap();
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("Zu viele Suchanfragen")
    );
    // The results page shares the bucket and answers in HTML, in the layout.
    let page = app.get("/suche?q=holz").await;
    assert_eq!(page.status(), 429);
    assert!(page.headers().contains_key("retry-after"));
    let html = page.text().await.unwrap();
    assert!(html.contains("Bitte kurz warten"), "{html}");
    assert!(html.contains("site-header"));
    // Suggestions are limited by path, whether or not this build has the endpoint.
    assert_eq!(app.get("/api/v1/suggest?q=ho").await.status(), 429);
    // Pages are never limited.
    for _ in 0..20 {
        assert_eq!(app.get("/tischler/").await.status(), 200);
    }
    // A made-up X-Forwarded-For from an untrusted peer changes nothing.
    let spoofed = app
        .client
        .get(format!("{}/api/v1/search?q=holz", app.base))
        .header("x-forwarded-for", "198.51.100.77")
        .send()
        .await
        .unwrap();
    assert_eq!(spoofed.status(), 429);
}

#[tokio::test]
async fn forwarded_for_counts_behind_a_trusted_proxy() {
    let app = spawn(ServeConfig {
        trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
        ..strict_limit()
    })
    .await;
    let path = "/api/v1/search?q=holz";
    until_refused(&app, path, Some("198.51.100.1")).await;
    // Another client behind the same proxy has its own bucket.
    let other = app
        .client
        .get(format!("{}{path}", app.base))
        .header("x-forwarded-for", "198.51.100.2")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    // A client cannot escape by writing another address in front.
    let forged = app
        .client
        .get(format!("{}{path}", app.base))
        .header("x-forwarded-for", "203.0.113.9, 198.51.100.1")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 429);
}

#[tokio::test]
async fn a_panic_is_answered_with_500_and_the_worker_lives_on() {
    let app = spawn_with_routes(
        ServeConfig {
            workers: 1,
            ..ServeConfig::for_tests()
        },
        panic_route,
    )
    .await;
    for _ in 0..5 {
        let response = app.get("/test/panik").await;
        assert_eq!(response.status(), 500);
        let html = response.text().await.unwrap();
        assert!(html.contains("Interner Fehler"), "{html}");
        assert!(html.contains("site-header"), "500 page in the layout");
        assert!(
            !html.contains("Testpanik"),
            "the cause is logged, not shown"
        );
        // The one worker still answers, on the same kept-alive connection.
        assert_eq!(app.get("/").await.status(), 200);
    }
}

/// Traversal attempts: every one must be refused (400) or not found (404), and no
/// byte of the secret next to the content folder, of `/etc/passwd` or of the
/// repository may appear in the answer.
#[tokio::test]
async fn traversal_never_leaves_the_content() {
    let dir = hostile_site();
    let app = spawn_folder(dir.path().join("inhalte")).await;
    let targets: &[&[u8]] = &[
        b"/../geheim.txt",
        b"/../../geheim.txt",
        b"/%2e%2e/geheim.txt",
        b"/%2E%2E/geheim.txt",
        b"/.%2e/geheim.txt",
        b"/%2e./geheim.txt",
        b"/%252e%252e/geheim.txt",
        b"/%25252e%25252e/geheim.txt",
        b"/..%2fgeheim.txt",
        b"/..%2Fgeheim.txt",
        b"/%2e%2e%2fgeheim.txt",
        b"/..%252fgeheim.txt",
        b"/..\\geheim.txt",
        b"/..%5cgeheim.txt",
        b"/%2e%2e%5cgeheim.txt",
        b"/..%255cgeheim.txt",
        b"/%c0%ae%c0%ae/geheim.txt",
        b"/%c0%2e%c0%2e/geheim.txt",
        b"/%e0%80%ae%e0%80%ae/geheim.txt",
        b"/%c0%af../geheim.txt",
        b"/..%c0%afgeheim.txt",
        b"/..%c1%9cgeheim.txt",
        b"/..%c0%ae/geheim.txt",
        b"/%ef%bc%8e%ef%bc%8e/geheim.txt",
        b"/..%u2216geheim.txt",
        b"/%uff0e%uff0e/geheim.txt",
        b"/holz/../../geheim.txt",
        b"/holz/%2e%2e/%2e%2e/geheim.txt",
        b"/holz/..%2f..%2fgeheim.txt",
        b"/holz/plan.pdf/../../geheim.txt",
        b"/./../geheim.txt",
        b"//../geheim.txt",
        b"/%2e%2e//geheim.txt",
        b"/....//geheim.txt",
        b"/..;/geheim.txt",
        b"/geheim.txt%00.md",
        b"/..%00/geheim.txt",
        b"/%00../geheim.txt",
        b"/../../../../../../../../etc/passwd",
        b"/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        b"/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        b"/..%2f..%2f..%2f..%2f..%2f..%2fCargo.toml",
        b"/assets/..%2f..%2fgeheim.txt",
        b"/assets/%2e%2e%2f%2e%2e%2fCargo.toml",
        b"/assets/../../Cargo.toml",
        b"/file:///etc/passwd",
        b"/etc/passwd",
        b"/geheim.txt",
        b"/verweis.txt",
        b"/holz/verweis.md",
        b"http://localhost/../geheim.txt",
        b"/\x00/geheim.txt",
        b"/..\xc0\xae/geheim.txt",
    ];
    assert!(targets.len() >= 30);
    for target in targets {
        let shown = String::from_utf8_lossy(target);
        let response = raw_target(&app, target).await;
        assert!(
            [400, 404].contains(&response.status),
            "{shown}: {}",
            response.status
        );
        let body = String::from_utf8_lossy(&response.body);
        for secret in [CANARY, "root:x:0:", "[package]", "name = \"werkbank\""] {
            assert!(!body.contains(secret), "{shown} leaked {secret:?}");
        }
    }
    // The genuine documents are still there.
    assert_eq!(raw_target(&app, b"/holz/saegen").await.status, 200);
}

/// actix-http's buffer for a request head (`MAX_BUFFER_SIZE` in its h1 decoder).
const ACTIX_HEAD_BUFFER: usize = 128 * 1024;

/// The secret that must never be served.
const CANARY: &str = "GEHEIM-7f3a9c-nie-ausliefern";

/// A temporary folder: `inhalte/` (the fixture site plus hostile attachments and links
/// leading out) and `geheim.txt` next to it.
fn hostile_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("inhalte");
    copy_tree(&fixture_dir(), &root);
    std::fs::write(dir.path().join("geheim.txt"), CANARY).unwrap();
    let holz = root.join("holz");
    let files: &[(&str, &str)] = &[
        ("seite.html", "<script>alert(1)</script>"),
        (
            "bild.svg",
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
        ),
        ("daten.xml", "<x/>"),
        ("skript.js", "alert(1)"),
        (
            "alt.xhtml",
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
        ),
        ("unbekannt.wasauchimmer", "<script>alert(1)</script>"),
        ("foto.png", "\u{89}PNG\r\n"),
    ];
    for (name, body) in files {
        std::fs::write(holz.join(name), body).unwrap();
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("geheim.txt"), root.join("verweis.txt"))
            .unwrap();
        std::os::unix::fs::symlink(dir.path().join("geheim.txt"), holz.join("verweis.md")).unwrap();
    }
    dir
}

async fn spawn_folder(dir: std::path::PathBuf) -> TestApp {
    spawn(ServeConfig {
        source: ContentSource::Folder(dir),
        ..ServeConfig::for_tests()
    })
    .await
}
