//! Static assets (CSS, icons, scripts) embedded in the binary, with fingerprinted names.
//!
//! `style.css` is served as `/assets/style.3f2a9c1d0b.css`: the name changes with the
//! content, so browsers may cache it forever, and replicas agree on the name.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use bytes::Bytes;
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use crate::precompressed::{Effort, Precompressed};

#[derive(RustEmbed)]
#[folder = "assets/"]
struct EmbeddedAssets;

/// URL prefix of all assets.
pub const PREFIX: &str = "/assets/";

/// One asset.
#[derive(Debug)]
pub struct Asset {
    /// The fingerprinted file name, e.g. `style.3f2a9c1d0b.css`.
    pub name: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Cow<'static, [u8]>,
    /// Its bytes with their gzip and brotli forms (made on first use), for text types.
    pub text: Option<Precompressed>,
}

/// All assets, by plain and fingerprinted name.
pub struct Assets {
    by_plain: HashMap<String, usize>,
    by_fingerprint: HashMap<String, usize>,
    list: Vec<Asset>,
}

impl Assets {
    /// The asset served under a fingerprinted name.
    pub fn get(&self, fingerprinted: &str) -> Option<&Asset> {
        self.by_fingerprint
            .get(fingerprinted)
            .map(|&i| &self.list[i])
    }

    /// Every asset, in name order.
    pub fn all(&self) -> &[Asset] {
        &self.list
    }

    /// The URL of an asset by its plain name (`style.css` -> `/assets/style.….css`).
    ///
    /// Panics if the asset does not exist: asset names are constants in the views, and
    /// a missing file is a build mistake that the tests catch.
    pub fn url(&self, plain: &str) -> String {
        let i = self
            .by_plain
            .get(plain)
            .unwrap_or_else(|| panic!("no asset {plain}"));
        format!("{PREFIX}{}", self.list[*i].name)
    }
}

/// The embedded assets, fingerprinted once.
pub fn assets() -> &'static Assets {
    static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
        let mut list = Vec::new();
        let mut by_plain = HashMap::new();
        let mut by_fingerprint = HashMap::new();
        let mut names: Vec<_> = EmbeddedAssets::iter().collect();
        names.sort();
        for plain in names {
            let Some(file) = EmbeddedAssets::get(&plain) else {
                continue;
            };
            let hash = Sha256::digest(&file.data);
            let short: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
            let name = match plain.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
                None => format!("{plain}.{short}"),
            };
            let content_type = mime_guess::from_path(plain.as_ref())
                .first_or_octet_stream()
                .to_string();
            by_plain.insert(plain.to_string(), list.len());
            by_fingerprint.insert(name.clone(), list.len());
            // Styles and scripts shrink to a quarter; images are compressed already.
            let text = (content_type.starts_with("text/")
                || content_type.contains("javascript")
                || content_type.contains("svg")
                || content_type.contains("json"))
            .then(|| Precompressed::new(Bytes::copy_from_slice(&file.data), Effort::Kept));
            list.push(Asset {
                name,
                content_type,
                bytes: file.data,
                text,
            });
        }
        Assets {
            by_plain,
            by_fingerprint,
            list,
        }
    });
    &ASSETS
}
