//! The Atom writer (RFC 4287) for the notices board.
//!
//! Ids are `urn:uuid:` names derived from the chamber's name and the notice's URL
//! (SHA-256, laid out as an RFC 9562 version 8 UUID): stable across restarts, builds
//! and replicas, and different for two chambers that both run werkbank. `updated` is
//! the notice's "Stand" at midnight German time, never the time of the request.
//! Everything written is XML-escaped here; the notice bodies are the sanitized HTML
//! of the pages, sent as escaped `type="html"` content with `xml:base` so that their
//! site-relative links resolve.

use sha2::{Digest, Sha256};

use super::{FALLBACK_STAMP, berlin};
use crate::content::{Date, Document};

/// The media type of Atom feeds.
pub const CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";

/// What the feed is called and where it lives.
#[derive(Debug, Clone, Copy)]
pub struct AtomInfo<'a> {
    /// The chamber's name: the feed's author and part of every id.
    pub site_name: &'a str,
    /// The feed's title.
    pub title: &'a str,
    /// The portal's absolute address without a trailing slash.
    pub base_url: &'a str,
    /// The feed's own path, e.g. `/hinweise.xml`.
    pub self_path: &'a str,
    /// The path of the page the feed mirrors, e.g. `/hinweise`.
    pub page_path: &'a str,
}

/// The feed of these notices, in the given order.
pub fn notices_feed(notices: &[&Document], info: &AtomInfo<'_>) -> String {
    let newest = notices
        .iter()
        .filter_map(|d| d.meta.updated)
        .max()
        .unwrap_or(FALLBACK_STAMP);
    let base = info.base_url;
    let mut out = String::with_capacity(4096 + notices.len() * 2048);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"de\" xml:base=\"{}/\">\n",
        escape(base)
    ));
    out.push_str(&format!(
        "  <id>{}</id>\n",
        urn(info.site_name, info.self_path)
    ));
    out.push_str(&format!("  <title>{}</title>\n", escape(info.title)));
    out.push_str(&format!("  <updated>{}</updated>\n", timestamp(newest)));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(info.site_name)
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}{}\"/>\n",
        escape(base),
        escape(info.self_path)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}{}\"/>\n",
        escape(base),
        escape(info.page_path)
    ));
    out.push_str("  <generator>werkbank</generator>\n");
    for doc in notices {
        entry(&mut out, doc, info, newest);
    }
    out.push_str("</feed>\n");
    out
}

fn entry(out: &mut String, doc: &Document, info: &AtomInfo<'_>, newest: Date) {
    let meta = &doc.meta;
    let updated = meta.updated.unwrap_or(newest);
    out.push_str("  <entry>\n");
    out.push_str(&format!("    <id>{}</id>\n", urn(info.site_name, &doc.url)));
    out.push_str(&format!("    <title>{}</title>\n", escape(&meta.title)));
    out.push_str(&format!("    <updated>{}</updated>\n", timestamp(updated)));
    out.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}{}\"/>\n",
        escape(info.base_url),
        escape(&doc.url)
    ));
    if let Some(summary) = &meta.summary {
        out.push_str(&format!("    <summary>{}</summary>\n", escape(summary)));
    }
    out.push_str(&format!(
        "    <content type=\"html\">{}</content>\n",
        escape(&doc.rendered.html())
    ));
    out.push_str("  </entry>\n");
}

/// A stable `urn:uuid:` for a name within a site.
pub fn urn(site_name: &str, name: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(site_name.as_bytes());
    hash.update(b"\n");
    hash.update(name.as_bytes());
    let mut bytes: [u8; 16] = hash.finalize()[..16].try_into().expect("16 bytes");
    // RFC 9562: version 8 (custom) in the high nibble of byte 6, variant 10 in byte 8.
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Midnight of a date in Germany as an RFC 3339 timestamp with its offset.
fn timestamp(date: Date) -> String {
    match date.0.to_zoned(berlin()) {
        Ok(zoned) => zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => format!("{}T00:00:00Z", date.0),
    }
}

/// Escapes text for XML content and attribute values, dropping the control
/// characters XML 1.0 does not allow.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urns_are_stable_version_8_uuids() {
        let a = urn("HWK Musterstadt", "/aktuelles/x");
        assert_eq!(a, urn("HWK Musterstadt", "/aktuelles/x"));
        assert_ne!(a, urn("HWK Beispielstadt", "/aktuelles/x"));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a["urn:uuid:".len() + 14..][..1], "8");
    }

    #[test]
    fn timestamps_are_german_midnight() {
        let winter = timestamp(Date::parse("2026-11-26").unwrap());
        assert_eq!(winter, "2026-11-26T00:00:00+01:00");
        let summer = timestamp(Date::parse("2027-06-01").unwrap());
        assert_eq!(summer, "2027-06-01T00:00:00+02:00");
    }

    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{1}</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
    }
}
