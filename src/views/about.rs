//! "Über dieses Portal": what this portal is and how to check that it is genuine.

use maud::{Markup, html};

use super::{Chrome, Head, layout};

/// Where the about page is served.
pub const ABOUT_URL: &str = "/ueber-dieses-portal";

/// What the about page shows; none of it depends on the machine or the start time,
/// so every replica serves the same page.
#[derive(Debug, Clone)]
pub struct AboutInfo {
    /// The werkbank version.
    pub version: &'static str,
    /// All 64 hex digits of the content fingerprint.
    pub fingerprint: String,
    /// Its short form, as in the footer.
    pub short: String,
    /// Number of documents.
    pub documents: usize,
    /// Number of attachments.
    pub attachments: usize,
}

/// The about page.
pub fn about(chrome: &Chrome, info: &AboutInfo) -> Markup {
    let s = &chrome.settings;
    // The page explains the fingerprint in German only; on English pages it is marked
    // as German so that screen readers read it with a German voice.
    let main = html! {
        div lang=[chrome.content_lang()] {
        h1 { "Über dieses Portal" }
        p.lead {
            "Dies ist das Ausweichportal der " (s.name) " für Ausbildung, Prüfungen und Kurse. "
            "Es läuft unabhängig von den üblichen IT-Systemen der Kammer und lädt nichts von anderen Servern."
        }
        h2 #echtheit { "Ist dieses Portal echt?" }
        p {
            "Jede Fassung der Inhalte hat einen Fingerabdruck (SHA-256). Die Kammer nennt die aktuelle "
            "Inhaltsversion am Telefon und in ihren Aushängen. Stimmt sie mit der Angabe unten auf jeder "
            "Seite überein, sehen Sie die echten Inhalte."
        }
        dl.about-facts {
            dt { "Inhaltsversion (Kurzform)" }
            dd { code { (info.short) } }
            dt { "Fingerabdruck (SHA-256)" }
            dd { code.fingerprint { (info.fingerprint) } }
            dt { "Dokumente" }
            dd { (info.documents) }
            dt { "Dateien zum Herunterladen" }
            dd { (info.attachments) }
            dt { "Software" }
            dd { "werkbank " (info.version) }
        }
        @if s.phone.is_some() || s.email.is_some() {
            h2 { "Rückfragen" }
            p {
                @if let Some(phone) = &s.phone { "Telefon: " (phone) br; }
                @if let Some(email) = &s.email { "E-Mail: " a href={ "mailto:" (email) } { (email) } }
            }
        }
        }
    };
    layout(
        chrome,
        &Head {
            title: "Über dieses Portal",
            path: ABOUT_URL,
            description: Some("Inhaltsversion und Fingerabdruck dieses Portals"),
            ..Head::default()
        },
        main,
    )
}
