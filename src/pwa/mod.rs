//! Offline use on phones: the web app manifest, the service worker's script with the
//! cache version baked in, and the list of everything one trade needs offline.
//!
//! The cache version is derived from the content fingerprint and the asset names, so a
//! new content version (or new styles) changes the service worker's bytes; the browser
//! then installs it, and its activation stores the saved trades anew and deletes the
//! old copies — nobody reads stale material after an update. Nothing here knows HTTP.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::content::{Document, Fingerprint};
use crate::library::Library;
use crate::views::{self, Lang};

/// Where the service worker is served: at the root, so that its scope is the site.
pub const SERVICE_WORKER_URL: &str = "/sw.js";
/// The offline list of a trade: `/api/v1/offline/{gewerk}`.
pub const OFFLINE_API_PREFIX: &str = "/api/v1/offline/";
/// The manifest's MIME type.
pub const MANIFEST_TYPE: &str = "application/manifest+json";
/// The service worker's MIME type.
pub const SCRIPT_TYPE: &str = "text/javascript; charset=utf-8";
/// The prefix of every cache the service worker keeps (also in `sw.js`).
pub const CACHE_PREFIX: &str = "werkbank-";

/// The service worker's source; `__VERSION__` and `__PRECACHE__` are filled in.
const SERVICE_WORKER_TEMPLATE: &str = include_str!("sw.js");

/// The manifest and service worker of one content version.
#[derive(Debug, Clone)]
pub struct Pwa {
    /// The cache version: content fingerprint and asset names, hashed.
    pub version: String,
    /// `sw.js` with the version and the files to store at installation.
    pub service_worker: String,
    /// `manifest.webmanifest`.
    pub manifest: String,
}

impl Pwa {
    /// Builds both files for a content version.
    pub fn build(library: &Library, fingerprint: &Fingerprint) -> Pwa {
        let assets = crate::assets::assets();
        let mut hasher = Sha256::new();
        hasher.update(fingerprint.hex().as_bytes());
        for asset in assets.all() {
            hasher.update(asset.name.as_bytes());
        }
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        let version: String = hasher
            .finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        // What every page needs (styles, script, icons) and the offline page in both
        // languages; pages themselves are stored when visited or saved.
        let mut precache: Vec<String> = ["style.css", "offline.js", "favicon.svg"]
            .into_iter()
            .map(|plain| assets.url(plain))
            .collect();
        precache.extend(Lang::ALL.map(|lang| lang.url(views::OFFLINE_URL)));
        let precache_json = serde_json::to_string(&precache).unwrap_or_else(|_| "[]".into());
        let service_worker = SERVICE_WORKER_TEMPLATE
            .replace("__VERSION__", &version)
            .replace("\"__PRECACHE__\"", &precache_json);
        let manifest = manifest(library, assets);
        Pwa {
            version,
            service_worker,
            manifest,
        }
    }
}

/// The web app manifest: name, colours, icons, start page.
fn manifest(library: &Library, assets: &crate::assets::Assets) -> String {
    let s = &library.settings;
    let icon = |plain: &str, sizes: &str, kind: &str, purpose: &str| {
        serde_json::json!({
            "src": assets.url(plain),
            "sizes": sizes,
            "type": kind,
            "purpose": purpose,
        })
    };
    let json = serde_json::json!({
        "name": format!("{} – {}", s.title, s.name),
        "short_name": short_name(&s.title),
        "description": s.tagline,
        "lang": Lang::De.code(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": views::THEME_COLOR,
        "icons": [
            icon("icon-192.png", "192x192", "image/png", "any"),
            icon("icon-512.png", "512x512", "image/png", "any"),
            icon("icon-maskable-512.png", "512x512", "image/png", "maskable"),
            icon("favicon.svg", "any", "image/svg+xml", "any"),
        ],
    });
    serde_json::to_string_pretty(&json).unwrap_or_default()
}

/// Home screens show about twelve characters under an icon.
const SHORT_NAME_CHARS: usize = 12;

/// The title, or its first word where the title is too long to fit under a
/// home-screen icon (a cut word would be harder to read than one the phone shortens).
fn short_name(title: &str) -> String {
    if title.chars().count() <= SHORT_NAME_CHARS {
        return title.to_owned();
    }
    title.split_whitespace().next().unwrap_or(title).to_owned()
}

/// Everything a trade needs offline, for `/api/v1/offline/{gewerk}`.
#[derive(Debug, Serialize)]
pub struct TradeBundle<'a> {
    /// The trade's slug.
    pub trade: &'a str,
    /// Its display name.
    pub name: &'a str,
    /// Its page (German path).
    pub url: &'a str,
    /// The cache version (as in `sw.js`).
    pub version: &'a str,
    /// The short content fingerprint, for people.
    pub content_version: String,
    /// The name of the cache the pages and files go into.
    pub cache: String,
    /// German page paths: the trade's sections and documents. The script asks for the
    /// `/en/` forms on English pages.
    pub pages: Vec<&'a str>,
    /// Attachments linked from those documents.
    pub files: Vec<&'a str>,
    /// Bytes of the German pages and the files, uncompressed.
    pub bytes: usize,
}

/// The pages and files of one trade: its sections, every document in them or naming
/// the trade, and their attachments. `None` for an unknown trade.
pub fn trade_bundle<'a>(
    library: &'a Library,
    page_bytes: impl Fn(&str) -> Option<usize>,
    pwa: &'a Pwa,
    fingerprint: &Fingerprint,
    slug: &str,
) -> Option<TradeBundle<'a>> {
    let trade = library.trade(slug)?;
    let mut urls: Vec<&'a str> = library
        .sections
        .values()
        .filter(|s| s.url.starts_with(&trade.url))
        .map(|s| s.url.as_str())
        .collect();
    let documents: Vec<&'a Document> = library
        .documents
        .iter()
        .filter(|d| !d.is_index)
        .filter(|d| d.section.starts_with(&trade.url) || d.meta.trades.iter().any(|t| t == slug))
        .collect();
    urls.extend(documents.iter().map(|d| d.url.as_str()));
    urls.sort_unstable();
    urls.dedup();
    let mut files: Vec<&'a str> = documents
        .iter()
        .flat_map(|d| library.attachments_of(d))
        .map(|a| a.url.as_str())
        .collect();
    files.sort_unstable();
    files.dedup();
    let bytes = urls.iter().filter_map(|u| page_bytes(u)).sum::<usize>()
        + files
            .iter()
            .filter_map(|f| library.attachments.get(*f))
            .map(|a| a.bytes.len())
            .sum::<usize>();
    Some(TradeBundle {
        trade: &trade.slug,
        name: &trade.name,
        url: &trade.url,
        version: &pwa.version,
        content_version: fingerprint.short(),
        cache: format!("{CACHE_PREFIX}saved-{}", pwa.version),
        pages: urls,
        files,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn short_names_fit_under_an_icon() {
        assert_eq!(short_name("Portal"), "Portal");
        assert_eq!(short_name("Ausbildungsportal Nord"), "Ausbildungsportal");
        assert_eq!(short_name("Kurse und Prüfungen"), "Kurse");
    }
}
