//! The `spawn` helpers: start the real server on port 0 and talk to it with reqwest.

use std::path::{Path, PathBuf};

use werkbank::config::ServeConfig;
use werkbank::content::ContentSource;
use werkbank::web::Application;

/// A running server and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client that does not follow redirects, so tests see them.
    pub client: reqwest::Client,
}

impl TestApp {
    /// GET a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("request is answered")
    }

    /// GET a path and return status and body.
    pub async fn text(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body is text"))
    }

    /// GET a JSON API path; asserts 200 and JSON.
    pub async fn json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let ct = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        response.json().await.expect("valid JSON")
    }

    /// GET a JSON document of another JSON type (the manifest); asserts 200 and the type.
    pub async fn json_typed(&self, path: &str, content_type: &str) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], content_type, "{path}");
        response.json().await.expect("valid JSON")
    }

    /// The URLs of the hits of an API search.
    pub async fn hit_urls(&self, query: &str) -> Vec<String> {
        let path = format!("/api/v1/search?limit=10&q={}", encode(query));
        let json = self.json(&path).await;
        json["hits"]
            .as_array()
            .expect("hits is an array")
            .iter()
            .map(|h| h["url"].as_str().expect("url is a string").to_owned())
            .collect()
    }
}

/// Starts a server with this configuration.
pub async fn spawn(config: ServeConfig) -> TestApp {
    spawn_with_routes(config, |_| {}).await
}

/// Starts a server with extra routes that exist only in the tests.
pub async fn spawn_with_routes(
    config: ServeConfig,
    extra: fn(&mut actix_web::web::ServiceConfig),
) -> TestApp {
    let app = Application::build_with_routes(config, extra).expect("server starts");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

/// Starts a server on the embedded demo content.
pub async fn spawn_embedded() -> TestApp {
    spawn(ServeConfig::for_tests()).await
}

/// Starts a server on `tests/fixtures/site`.
pub async fn spawn_fixture() -> TestApp {
    spawn(ServeConfig {
        source: ContentSource::Folder(fixture_dir()),
        ..ServeConfig::for_tests()
    })
    .await
}

/// The fixture content folder.
pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site")
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Every Markdown file of the embedded content with the URL it must be served at,
/// worked out here from the file tree (not by asking the library).
pub fn embedded_documents() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(stem) = rel.strip_suffix(".md") else {
            continue;
        };
        let url = match stem.strip_suffix("_index") {
            Some(folder) => format!("/{folder}"),
            None => format!("/{stem}"),
        };
        out.push((rel.clone(), url));
    }
    out.sort();
    out
}

impl TestApp {
    /// Sends a request line exactly as given (no client-side URL normalisation) and
    /// returns the status and body.
    pub async fn raw_get(&self, target: &str) -> (u16, Vec<u8>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.base.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connects");
        let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        let head_end = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response head");
        let head = String::from_utf8_lossy(&response[..head_end]);
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        (status, response[head_end + 4..].to_vec())
    }
}

/// Copies a folder tree (the fixtures are read-only inputs; reload tests edit a copy).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
