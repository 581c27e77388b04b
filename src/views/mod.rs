//! HTML views: maud templates that escape every value unless it is marked as
//! pre-sanitized (`PreEscaped`), which only rendered Markdown is.
//!
//! Views know nothing of HTTP: they take the library and plain values and return
//! markup. The layout (header, banner, footer) is in [`layout`].

mod about;
mod calendar;
mod offline;
mod pages;
mod search;

use maud::{DOCTYPE, Markup, PreEscaped, html};

pub use about::{ABOUT_URL, AboutInfo, about};
pub use calendar::{
    DATES_URL, DatesPage, NOTICES_FEED_URL, NoticesPage, dates, notices, trade_ics_url,
};
pub use offline::offline_search;
pub use pages::{document, home, not_found, problem, section};
pub use search::{DATES_PER_HIT, SearchPage, search, search_url, snippet_html};

use crate::content::SiteSettings;
use crate::library::Library;

/// The notices board's address.
pub const NOTICES_URL: &str = "/hinweise";

/// What every page shows around its content, fixed for one content version.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// Site settings.
    pub settings: SiteSettings,
    /// The banner text (`--notice` wins over the settings file).
    pub banner: Option<String>,
    /// Where the banner links to.
    pub banner_link: Option<String>,
    /// URL of the stylesheet.
    pub css_url: String,
    /// URL of the favicon.
    pub icon_url: String,
    /// URL of the search-suggestion script.
    pub script_url: String,
    /// Footer links that exist in this content: (URL, label).
    pub footer_links: Vec<(String, String)>,
    /// The short content fingerprint shown in the footer, linking to the about page.
    pub content_version: Option<String>,
}

impl Chrome {
    /// Gathers the chrome from the library and the command line's banner.
    pub fn new(library: &Library, notice: Option<&str>) -> Chrome {
        let assets = crate::assets::assets();
        let settings = library.settings.clone();
        let notice = notice.map(str::trim).filter(|n| !n.is_empty());
        let banner = notice
            .map(str::to_owned)
            .or_else(|| settings.banner.clone());
        // The settings file's link belongs to its own banner text; a banner from the
        // command line links to the notices board, where the details will be.
        let banner_link = match notice {
            Some(_) => Some(NOTICES_URL.to_owned()),
            None => settings
                .banner_link
                .clone()
                .filter(|link| link.starts_with('/') && !link.starts_with("//")),
        };
        let footer_links = [
            ("/kontakt", "Kontakt"),
            ("/impressum", "Impressum"),
            ("/barrierefreiheit", "Barrierefreiheit"),
        ]
        .into_iter()
        .filter(|(url, _)| library.document(url).is_some())
        .map(|(url, label)| (url.to_owned(), label.to_owned()))
        .collect();
        Chrome {
            settings,
            banner,
            banner_link,
            css_url: assets.url("style.css"),
            icon_url: assets.url("favicon.svg"),
            script_url: assets.url("suche.js"),
            footer_links,
            content_version: None,
        }
    }
}

/// Page-specific head values.
#[derive(Debug, Clone, Default)]
pub struct Head<'a> {
    /// The page title (the site name is appended).
    pub title: &'a str,
    /// The meta description.
    pub description: Option<&'a str>,
    /// The current query, to fill the header's search box.
    pub query: Option<&'a str>,
    /// Whether search engines should skip this page (results, errors).
    pub noindex: bool,
}

/// The page frame: head, skip link, header with search, banner, main, footer.
pub fn layout(chrome: &Chrome, head: &Head<'_>, main: Markup) -> Markup {
    let s = &chrome.settings;
    html! {
        (DOCTYPE)
        html lang="de" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (head.title) " – " (s.name) }
                @if let Some(d) = head.description { meta name="description" content=(d); }
                @if head.noindex { meta name="robots" content="noindex"; }
                link rel="stylesheet" href=(chrome.css_url);
                link rel="icon" href=(chrome.icon_url) type="image/svg+xml";
                script src=(chrome.script_url) defer {}
            }
            body {
                a.skip href="#inhalt" { "Zum Inhalt springen" }
                header.site-header {
                    div.wrap {
                        a.brand href="/" {
                            span.brand-name { (s.name) }
                            span.brand-title { (s.title) }
                        }
                        nav.main-nav aria-label="Hauptnavigation" {
                            ul {
                                li { a href=(DATES_URL) { "Termine" } }
                                li { a href=(NOTICES_URL) { "Hinweise" } }
                            }
                        }
                        form.header-search role="search" action="/suche" method="get" {
                            label.visually-hidden for="kopf-suche" { "Suchbegriff" }
                            input #kopf-suche type="search" name="q" value=[head.query]
                                placeholder="Suchen …" autocomplete="off";
                            button type="submit" { "Suchen" }
                        }
                    }
                }
                @if let Some(banner) = &chrome.banner {
                    div.banner role="region" aria-label="Wichtiger Hinweis" {
                        div.wrap {
                            p {
                                strong { "Hinweis: " }
                                (banner)
                                @if let Some(link) = &chrome.banner_link {
                                    " " a href=(link) { "Mehr erfahren" }
                                }
                            }
                        }
                    }
                }
                main #inhalt.wrap tabindex="-1" { (main) }
                footer.site-footer {
                    div.wrap {
                        p.footer-name { strong { (s.name) } " – " (s.title) }
                        @if let Some(a) = &s.address { p { (a) } }
                        p {
                            @if let Some(phone) = &s.phone { "Telefon: " (phone) br; }
                            @if let Some(email) = &s.email {
                                "E-Mail: " a href={ "mailto:" (email) } { (email) }
                            }
                        }
                        @if let Some(version) = &chrome.content_version {
                            p.content-version {
                                a href=(ABOUT_URL) { "Inhaltsversion " code { (version) } }
                            }
                        }
                        @if !chrome.footer_links.is_empty() {
                            nav aria-label="Service" {
                                ul.footer-links {
                                    @for (url, label) in &chrome.footer_links {
                                        li { a href=(url) { (label) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Marks already-sanitized HTML (rendered Markdown) for embedding.
fn trusted(html: &str) -> PreEscaped<&str> {
    PreEscaped(html)
}
