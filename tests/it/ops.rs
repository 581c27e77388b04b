//! Operations: `check`, `export`, live reload, graceful shutdown, `/healthz`,
//! `/metrics`, TLS, settings and identical answers across replicas.
//!
//! Tests that are about the binary (exit codes, signals, output) run the real
//! `werkbank` executable; the others start the server in-process on a free port.

use std::collections::{BTreeSet, VecDeque};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use werkbank::config::{ServeConfig, TlsFiles};
use werkbank::content::ContentSource;

use crate::helpers::{TestApp, copy_tree, fixture_dir, spawn, spawn_embedded};

/// The binary under test.
const WERKBANK: &str = env!("CARGO_BIN_EXE_werkbank");
/// How long a test waits for a reload or a process before it fails.
const PATIENCE: Duration = Duration::from_secs(20);

fn check_fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// A port that was free a moment ago, for processes that need one on their command line.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections on the port.
fn wait_for_port(port: u16, child: &mut Child) {
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("process ended early with {status}");
        }
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Kills a child process we started, by its PID, when the test ends (also on failure).
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

// ---------------------------------------------------------------------------------
// werkbank check

#[test]
fn check_prints_each_problem_as_file_line_and_exits_1() {
    let output = Command::new(WERKBANK)
        .args(["check", "--content"])
        .arg(check_fixture())
        .env_remove("WERKBANK_CONTENT")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let expected = "\
doppelt.md:1: Fehler: die Adresse /doppelt ist zugleich der Ordner doppelt/; bitte Datei oder Ordner umbenennen
holz/saegen.md:10: Fehler: der Verweis auf /holz/formular.pdf führt ins Leere: es gibt keine Seite und keine Datei mit dieser Adresse
holz/saegen.md:12: Fehler: der Verweis auf /weg führt ins Leere: es gibt keine Seite und keine Datei mit dieser Adresse
holz/saegen.md:16: Warnung: das Bild bild.png hat keinen Alternativtext; bitte beschreiben: ![Was das Bild zeigt](bild.png)
kaputt.md:3: Fehler: ungültiges Front Matter: unknown field `titel`, expected one of title, summary, trade, kind, year, tags, updated, valid_until, events
lose/_index.md:1: Warnung: die Datei fehlt: der Ordner lose/ hat keine Beschreibung, seine Überschrift ist nur „Lose“
termin.md:6: Fehler: `start: 2027-02-30T08:00` ist kein gültiger Zeitpunkt (erwartet JJJJ-MM-TTTHH:MM, z. B. 2027-03-12T08:00)
5 Dokumente geprüft: 5 Fehler, 2 Warnungen.
";
    assert_eq!(stdout, expected);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn check_with_warnings_only_exits_0_and_embedded_content_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("ohne-index");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("a.md"), "---\ntitle: A\n---\n![](bild.png)\n").unwrap();
    std::fs::write(folder.join("bild.png"), b"png").unwrap();
    let output = Command::new(WERKBANK)
        .args(["check", "--content"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("ohne-index/a.md:4: Warnung: "), "{stdout}");
    assert!(
        stdout.contains("ohne-index/_index.md:1: Warnung: "),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 Dokumente geprüft: 0 Fehler, 2 Warnungen.\n"),
        "{stdout}"
    );
    assert_eq!(output.status.code(), Some(0));

    let output = Command::new(WERKBANK)
        .arg("check")
        .env_remove("WERKBANK_CONTENT")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.ends_with(": 0 Fehler, 0 Warnungen.\n"), "{stdout}");
    assert_eq!(output.status.code(), Some(0));
}

// ---------------------------------------------------------------------------------
// werkbank export

/// The site-local targets of `href` and `src` attributes, without fragments.
fn local_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            let value = &part[..part.find('"').unwrap()];
            let value = value.replace("&amp;", "&");
            if value.starts_with('/') && !value.starts_with("//") {
                let without_fragment = value.split('#').next().unwrap().to_owned();
                out.push(without_fragment);
            }
        }
    }
    out
}

#[tokio::test]
async fn export_served_by_a_plain_static_server_has_no_broken_links() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let status = Command::new(WERKBANK)
        .arg("export")
        .arg(&out)
        .env_remove("WERKBANK_CONTENT")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let again = Command::new(WERKBANK)
        .arg("export")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!again.status.success(), "refuses a non-empty folder");
    assert!(String::from_utf8_lossy(&again.stderr).contains("nicht leer"));

    let port = free_port();
    let child = Command::new("python3")
        .args(["-m", "http.server", "--bind", "127.0.0.1"])
        .arg(port.to_string())
        .arg("--directory")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs (the plain static server of this test)");
    let mut python = Reaper(child);
    wait_for_port(port, &mut python.0);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    // Crawl from the start page; every local link must answer 200.
    let mut seen = BTreeSet::from(["/".to_owned()]);
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut broken = Vec::new();
    let mut pages = 0;
    while let Some(path) = queue.pop_front() {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        if response.status() != 200 {
            broken.push(format!("{path}: {}", response.status()));
            continue;
        }
        let is_html = response
            .headers()
            .get("content-type")
            .is_some_and(|ct| ct.to_str().unwrap().starts_with("text/html"));
        let body = response.text().await.unwrap_or_default();
        if !is_html {
            continue;
        }
        pages += 1;
        for link in local_links(&body) {
            if seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    let documents = crate::helpers::embedded_documents().len();
    assert!(
        pages >= documents,
        "crawled {pages} pages for {documents} documents"
    );
    assert!(
        seen.iter().any(|u| u.starts_with("/assets/")),
        "assets linked"
    );
    assert!(
        seen.iter().any(|u| u.ends_with(".pdf")),
        "attachments linked"
    );

    // The search form's target explains the limitation and offers the lists.
    let response = client
        .get(format!("{base}/suche?q=pruefung"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Volltextsuche ist in dieser Kopie nicht verfügbar"));
    assert!(html.contains("Nach Gewerk") && html.contains("Nach Art"));
    assert!(html.contains(r#"href="/tischler/""#));

    // Exported pages are the served pages, byte for byte.
    let app = spawn_embedded().await;
    for path in [
        "/",
        "/tischler/",
        "/tischler/gesellenpruefung",
        "/ueber-dieses-portal",
    ] {
        let (status, served) = app.text(path).await;
        assert_eq!(status, 200, "{path}");
        let exported = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(exported.text().await.unwrap(), served, "{path}");
    }
}

// ---------------------------------------------------------------------------------
// Live reload

/// A server on a copy of the fixture site with live reload and a short debounce.
async fn spawn_live() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir(), dir.path());
    let app = spawn(ServeConfig {
        source: ContentSource::Folder(dir.path().to_owned()),
        reload: true,
        reload_debounce: Duration::from_millis(50),
        // The reload test hammers the search from several clients on one address.
        search_limit: werkbank::web::ratelimit::RateLimitConfig {
            per_second: 0,
            burst: 1,
        },
        ..ServeConfig::for_tests()
    })
    .await;
    (app, dir)
}

/// Polls `path` until its body contains `needle`.
async fn wait_for_text(app: &TestApp, path: &str, needle: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (_, body) = app.text(path).await;
        if body.contains(needle) {
            return body;
        }
        assert!(Instant::now() < deadline, "{path} never showed {needle:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn saegen(title: &str) -> String {
    format!(
        "---\ntitle: {title}\ntrade: holz\nkind: lernmaterial\nyear: 1\n---\n## Kreissäge\n\nText.\n"
    )
}

#[tokio::test]
async fn with_the_search_cache_off_every_search_runs() {
    let app = spawn(ServeConfig {
        search_cache: false,
        ..ServeConfig::for_tests()
    })
    .await;
    let first = app.json("/api/v1/search?q=gesellenpr%C3%BCfung").await;
    let again = app.json("/api/v1/search?q=gesellenpr%C3%BCfung").await;
    assert_eq!(first, again);
    let (_, metrics) = app.text("/metrics").await;
    assert!(
        metrics.contains("\nwerkbank_searches_total 2\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("\nwerkbank_cached_searches_total 0\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_search_asked_again_after_a_reload_finds_the_new_content() {
    let (app, dir) = spawn_live().await;
    let search = "/api/v1/search?q=Zwischenfrage";
    assert_eq!(app.json(search).await["total"], 0);
    assert_eq!(app.json(search).await["total"], 0, "asked twice, kept");

    std::fs::write(
        dir.path().join("holz/zwischenfrage.md"),
        "---\ntitle: Die Zwischenfrage\ntrade: holz\nkind: lernmaterial\n---\nText.\n",
    )
    .unwrap();
    wait_for_text(&app, "/holz/zwischenfrage", "Die Zwischenfrage").await;
    let after = app.json(search).await;
    assert_eq!(after["total"], 1, "{after}");
    assert_eq!(after["hits"][0]["title"], "Die Zwischenfrage");
}

#[tokio::test]
async fn live_reload_picks_up_edits_and_keeps_the_last_good_version() {
    let (app, dir) = spawn_live().await;
    let before = app.json("/healthz").await;
    let file = dir.path().join("holz/saegen.md");

    std::fs::write(&file, saegen("Sägen neu bearbeitet")).unwrap();
    wait_for_text(&app, "/holz/saegen", "Sägen neu bearbeitet").await;
    let after = app.json("/healthz").await;
    assert_ne!(after["content_version"], before["content_version"]);
    assert_eq!(after["documents"], before["documents"]);
    let response = app.get("/holz/saegen").await;
    assert_eq!(
        response.headers()["x-content-version"].to_str().unwrap(),
        after["content_version"].as_str().unwrap()
    );

    // A new document appears; a broken edit keeps the last good version.
    std::fs::write(dir.path().join("holz/neu.md"), saegen("Ganz neu")).unwrap();
    wait_for_text(&app, "/holz/neu", "Ganz neu").await;
    let broken_before = app.json("/healthz").await["broken_files"].as_u64().unwrap();
    std::fs::write(&file, "---\ntitle: [kaputt\n---\nText\n").unwrap();
    let deadline = Instant::now() + PATIENCE;
    while app.json("/healthz").await["broken_files"].as_u64().unwrap() == broken_before {
        assert!(
            Instant::now() < deadline,
            "the broken file was never noticed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, html) = app.text("/holz/saegen").await;
    assert_eq!(status, 200, "the last good version is still served");
    assert!(html.contains("Sägen neu bearbeitet"));
    assert!(app.text("/holz/neu").await.1.contains("Ganz neu"));

    // Fixed again: the fix is served.
    std::fs::write(&file, saegen("Wieder heil")).unwrap();
    wait_for_text(&app, "/holz/saegen", "Wieder heil").await;
    let metrics = app.text("/metrics").await.1;
    assert!(
        !metrics.contains("werkbank_content_reloads_total 0\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn fifty_reloads_under_concurrent_requests_give_no_errors() {
    let (app, dir) = spawn_live().await;
    let file = dir.path().join("holz/saegen.md");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for path in [
        "/holz/saegen",
        "/holz/",
        "/",
        "/suche?q=kreiss%C3%A4ge",
        "/api/v1/search?q=fr%C3%A4sen",
    ] {
        let base = app.base.clone();
        let stop = stop.clone();
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let (mut ok, mut errors) = (0u32, Vec::new());
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match client.get(format!("{base}{path}")).send().await {
                    Ok(r) if r.status() == 200 => {
                        let body = r.text().await.unwrap_or_default();
                        let complete = if path.starts_with("/api/") {
                            serde_json::from_str::<serde_json::Value>(&body).is_ok()
                        } else {
                            body.trim_end().ends_with("</html>")
                        };
                        if complete {
                            ok += 1
                        } else {
                            errors.push(format!("{path}: incomplete body"))
                        }
                    }
                    Ok(r) => errors.push(format!("{path}: {}", r.status())),
                    Err(e) => errors.push(format!("{path}: {e}")),
                }
            }
            (ok, errors)
        }));
    }
    for n in 1..=50 {
        let title = format!("Sägen Fassung {n}");
        std::fs::write(&file, saegen(&title)).unwrap();
        let html = wait_for_text(&app, "/holz/saegen", &format!("{title}</h1>")).await;
        assert!(html.trim_end().ends_with("</html>"));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    for client in clients {
        let (ok, errors) = client.await.unwrap();
        assert!(errors.is_empty(), "{errors:#?}");
        total += ok;
    }
    assert!(
        total >= 50,
        "requests were answered during the reloads: {total}"
    );
    let health = app.json("/healthz").await;
    assert!(health["reloads"].as_u64().unwrap() >= 50, "{health}");
    assert_eq!(health["reload_failures"], 0);
}

// ---------------------------------------------------------------------------------
// Graceful shutdown

#[test]
fn sigterm_lets_a_running_download_finish_and_exits_0() {
    const SIZE: usize = 40 * 1024 * 1024;
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture_dir(), dir.path());
    let payload: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("gross.bin"), &payload).unwrap();
    let port = free_port();
    let child = Command::new(WERKBANK)
        .args(["serve", "--reload", "false", "--workers", "1", "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--content")
        .arg(dir.path())
        .args(["--log-format", "json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Reaper(child);
    wait_for_port(port, &mut server.0);

    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /gross.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // Read the head and a little of the body, so the response is under way.
    let mut received = vec![0u8; 64 * 1024];
    let mut got = stream.read(&mut received).unwrap();
    received.truncate(got);
    assert!(
        received.starts_with(b"HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&received[..40.min(got)])
    );

    let status = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // Read the rest slowly: the server must keep sending after the signal.
    let mut chunk = vec![0u8; 256 * 1024];
    loop {
        let n = stream.read(&mut chunk).unwrap();
        if n == 0 {
            break;
        }
        received.extend_from_slice(&chunk[..n]);
        got += n;
        if got % (8 * 1024 * 1024) < 256 * 1024 {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let head_end = received.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(received.len() - head_end, SIZE, "the whole body arrived");
    assert!(received[head_end..] == payload[..], "the body is intact");

    let deadline = Instant::now() + PATIENCE;
    let exit = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "werkbank did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(exit.code(), Some(0), "graceful stop exits 0");

    // The access log is JSON, one object per line, and names the request.
    let mut log = String::new();
    server
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let events: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(
        events.iter().any(|e| e["fields"]["path"] == "/gross.bin"
            && e["fields"]["status"] == 200
            && e["fields"]["method"] == "GET"),
        "{log}"
    );
    assert!(log.contains("SIGTERM erhalten"), "{log}");
}

// ---------------------------------------------------------------------------------
// /healthz, /metrics, fingerprint, replicas

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_count_searches() {
    let app = spawn_embedded().await;
    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(app.get("/tischler/").await.status(), 200);
    assert_eq!(app.get("/gibt-es-nicht").await.status(), 404);
    let first = app.json("/api/v1/search?q=gesellenpr%C3%BCfung").await;
    app.json("/api/v1/search?q=xyzzyquux").await;
    assert_eq!(app.get("/suche?q=tischler").await.status(), 200);
    // Asked again: the same answer, from the cache of the latest answers.
    let again = app.json("/api/v1/search?q=gesellenpr%C3%BCfung").await;
    assert_eq!(first, again);
    assert!(first["total"].as_u64().unwrap() > 0);

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("valid Prometheus text");
    let value = |name: &str, labels: &[(&str, &str)]| -> f64 {
        scrape
            .samples
            .iter()
            .filter(|s| s.metric == name)
            .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => 0.0,
            })
            .sum()
    };
    assert_eq!(value("werkbank_searches_total", &[]), 4.0);
    assert_eq!(value("werkbank_cached_searches_total", &[]), 1.0);
    assert_eq!(value("werkbank_zero_hit_searches_total", &[]), 1.0);
    assert_eq!(
        value(
            "werkbank_http_requests_total",
            &[("route", "/"), ("status", "200")]
        ),
        1.0
    );
    assert_eq!(
        value(
            "werkbank_http_requests_total",
            &[("route", "fallback"), ("status", "200")]
        ),
        1.0
    );
    assert_eq!(
        value(
            "werkbank_http_requests_total",
            &[("route", "fallback"), ("status", "404")]
        ),
        1.0
    );
    assert_eq!(
        value(
            "werkbank_http_requests_total",
            &[("route", "/api/v1/search"), ("status", "200")]
        ),
        3.0
    );
    assert_eq!(value("werkbank_content_reloads_total", &[]), 0.0);
    assert!(value("werkbank_documents", &[]) >= 30.0);
    let histogram = scrape
        .samples
        .iter()
        .find(|s| s.metric == "werkbank_http_request_duration_seconds")
        .expect("latency histogram");
    let prometheus_parse::Value::Histogram(buckets) = &histogram.value else {
        panic!("histogram type: {:?}", histogram.value);
    };
    assert_eq!(
        buckets.last().unwrap().count,
        7.0,
        "seven requests before /metrics"
    );
}

#[tokio::test]
async fn healthz_footer_about_page_and_version_name_the_same_fingerprint() {
    let app = spawn_embedded().await;
    let health = app.json("/healthz").await;
    assert_eq!(health["status"], "ok");
    assert!(health["documents"].as_u64().unwrap() >= 30);
    assert!(health["uptime_seconds"].is_u64());
    let short = health["content_version"].as_str().unwrap().to_owned();
    let full = health["content_sha256"].as_str().unwrap().to_owned();
    assert_eq!(full.len(), 64);
    assert!(full.starts_with(&short.replace('-', "")));

    let response = app.get("/tischler/").await;
    assert_eq!(response.headers()["x-content-version"], short.as_str());
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("<code>{short}</code>")), "footer");
    assert!(html.contains(r#"href="/ueber-dieses-portal""#));
    let (status, about) = app.text("/ueber-dieses-portal").await;
    assert_eq!(status, 200);
    assert!(about.contains(&full) && about.contains("Ist dieses Portal echt?"));

    let output = Command::new(WERKBANK).arg("--version").output().unwrap();
    let version = String::from_utf8(output.stdout).unwrap();
    assert!(version.contains(&full), "{version}");
    let output = Command::new(WERKBANK).arg("-V").output().unwrap();
    assert!(String::from_utf8(output.stdout).unwrap().contains(&short));
}

#[tokio::test]
async fn two_instances_answer_byte_identically() {
    let one = spawn_embedded().await;
    let two = spawn_embedded().await;
    let mut paths: Vec<String> = crate::helpers::embedded_documents()
        .into_iter()
        .map(|(_, url)| url)
        .collect();
    paths.extend([
        "/ueber-dieses-portal".into(),
        "/suche?q=pr%C3%BCfung".into(),
        "/gibt-es-nicht".into(),
    ]);
    // Replicas behind a proxy get the same Host header; results pages name it in their
    // canonical link, so both are asked under one name.
    let get = |app: &crate::helpers::TestApp, path: &str| {
        app.client
            .get(format!("{}{path}", app.base))
            .header("host", "portal.example.org")
            .send()
    };
    for path in paths {
        let a = get(&one, &path).await.unwrap();
        let b = get(&two, &path).await.unwrap();
        assert_eq!(a.status(), b.status(), "{path}");
        for header in ["etag", "x-content-version", "content-type"] {
            assert_eq!(
                a.headers().get(header),
                b.headers().get(header),
                "{path} {header}"
            );
        }
        assert_eq!(a.bytes().await.unwrap(), b.bytes().await.unwrap(), "{path}");
    }
}

// ---------------------------------------------------------------------------------
// TLS

#[tokio::test]
async fn tls_with_a_self_signed_certificate_sends_hsts() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();

    let app = werkbank::web::Application::build(ServeConfig {
        tls: Some(TlsFiles { cert, key }),
        ..ServeConfig::for_tests()
    })
    .unwrap();
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .add_root_certificate(
            reqwest::Certificate::from_pem(certified.cert.pem().as_bytes()).unwrap(),
        )
        .resolve("localhost", SocketAddr::from(([127, 0, 0, 1], port)))
        .build()
        .unwrap();
    let response = client
        .get(format!("https://localhost:{port}/"))
        .send()
        .await
        .expect("HTTPS answers with the self-signed certificate");
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    assert!(response.text().await.unwrap().contains("</html>"));

    // Plain HTTP on the TLS port is refused, and a plain server sends no HSTS.
    let plain = reqwest::get(format!("http://127.0.0.1:{port}/")).await;
    assert!(plain.is_err() || plain.unwrap().status() != 200);
    let app = spawn_embedded().await;
    assert!(
        app.get("/")
            .await
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
}

// ---------------------------------------------------------------------------------
// Settings

#[test]
fn config_shows_flags_over_environment_over_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("werkbank.toml");
    std::fs::write(
        &file,
        "bind = \"0.0.0.0:9000\"\nnotice = \"aus der Datei\"\nworkers = 2\nlog_format = \"json\"\n",
    )
    .unwrap();
    let output = Command::new(WERKBANK)
        .args(["config", "--workers", "7"])
        .env("WERKBANK_CONFIG", &file)
        .env("WERKBANK_NOTICE", "aus der Umgebung")
        .env("WERKBANK_WORKERS", "3")
        .env_remove("WERKBANK_BIND")
        .env_remove("WERKBANK_CONTENT")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    let line = |key: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("{key} in {stdout}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("workers"), "workers = 7 # Befehlszeile --workers");
    assert_eq!(
        line("notice"),
        "notice = aus der Umgebung # Umgebungsvariable WERKBANK_NOTICE"
    );
    assert_eq!(
        line("bind"),
        format!("bind = 0.0.0.0:9000 # Datei {}", file.display())
    );
    assert_eq!(
        line("log_format"),
        format!("log_format = json # Datei {}", file.display())
    );
    assert_eq!(line("reload"), "reload = true # Standard");

    std::fs::write(&file, "bind = \"irgendwo\"\n").unwrap();
    let output = Command::new(WERKBANK)
        .arg("config")
        .env("WERKBANK_CONFIG", &file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("keine Adresse mit Port"));
}

#[tokio::test]
async fn a_vanished_content_folder_is_a_failed_reload_and_the_old_state_stays() {
    let (app, dir) = spawn_live().await;
    let (_, before) = app.text("/holz/saegen").await;
    // Gone at once: deleted file by file, the folder could be read half deleted if the
    // deletion paused for longer than the test's short reload debounce, which is a
    // successful reload of fewer files, not a vanished folder.
    let moved = dir.path().with_extension("weg");
    std::fs::rename(dir.path(), &moved).unwrap();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let health = app.json("/healthz").await;
        if health["reload_failures"].as_u64().unwrap() >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "no failed reload: {health}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, after) = app.text("/holz/saegen").await;
    assert_eq!(status, 200);
    assert_eq!(after, before, "the old state is served unchanged");
    let metrics = app.text("/metrics").await.1;
    assert!(
        !metrics.contains("werkbank_content_reload_failures_total 0\n"),
        "{metrics}"
    );
    std::fs::remove_dir_all(moved).unwrap();
}
