//! HTML views: maud templates that escape every value unless it is marked as
//! pre-sanitized (`PreEscaped`), which only rendered Markdown is.
//!
//! Views know nothing of HTTP: they take the library and plain values and return
//! markup. The layout (header, banner, footer) is in [`layout`].

mod about;
mod calendar;
pub mod i18n;
mod offline;
mod pages;
mod pwa;
mod search;

use maud::{DOCTYPE, Markup, PreEscaped, html};

pub use about::{ABOUT_URL, AboutInfo, about};
pub use calendar::{
    DATES_URL, DatesPage, NOTICES_FEED_URL, NoticesPage, dates, notices, trade_ics_url,
};
pub use i18n::{Lang, Note, PathProblem, Texts};
pub use offline::offline_search;
pub use pages::{document, home, not_found, problem, section};
pub use pwa::{OFFLINE_URL, offline_page};
pub use search::{DATES_PER_HIT, SearchPage, search, search_url, snippet_html};

use crate::content::{Date, SiteSettings};
use crate::library::Library;

/// The notices board's address.
pub const NOTICES_URL: &str = "/hinweise";
/// The web app manifest's address.
pub const MANIFEST_URL: &str = "/manifest.webmanifest";
/// The colour of the browser's address bar and the installed app's title bar (the
/// header's green, so the bar and the page join).
pub const THEME_COLOR: &str = "#14532d";
/// The address bar's colour in the dark scheme (the dark header's green).
pub const THEME_COLOR_DARK: &str = "#1f6b3c";

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
    pub suggest_script_url: String,
    /// Footer links that exist in this content: (URL, label).
    pub footer_links: Vec<(String, String)>,
    /// The short content fingerprint shown in the footer, linking to the about page.
    pub content_version: Option<String>,
    /// The UI language of the pages rendered with this chrome.
    pub lang: Lang,
    /// The public address (`--base-url`), for absolute links in shared-link previews
    /// and printouts; without it, printouts show the path and the script adds the host.
    pub base_url: Option<String>,
    /// The newest "Stand" of any document: the date printed on pages without their own.
    pub content_stand: Option<Date>,
    /// URL of the script that adds offline saving and fills in the printed address.
    pub script_url: String,
    /// URL of the icon for home screens (180 px PNG).
    pub touch_icon_url: String,
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
        let content_stand = library
            .documents
            .iter()
            .filter_map(|d| d.meta.updated)
            .max();
        Chrome {
            settings,
            banner,
            banner_link,
            css_url: assets.url("style.css"),
            icon_url: assets.url("favicon.svg"),
            suggest_script_url: assets.url("suche.js"),
            footer_links,
            content_version: None,
            lang: Lang::De,
            base_url: None,
            content_stand,
            script_url: assets.url("offline.js"),
            touch_icon_url: assets.url("icon-180.png"),
        }
    }

    /// The same chrome for another UI language.
    pub fn in_lang(&self, lang: Lang) -> Chrome {
        Chrome {
            lang,
            ..self.clone()
        }
    }

    /// The UI texts.
    pub fn t(&self) -> &'static Texts {
        self.lang.t()
    }

    /// A site path in this chrome's language (`/suche` -> `/en/suche`).
    pub fn href(&self, path: &str) -> String {
        self.lang.url(path)
    }

    /// The `lang` attribute for German content on a page whose UI is in another
    /// language, so that screen readers switch voices; `None` on German pages.
    pub fn content_lang(&self) -> Option<&'static str> {
        (self.lang != Lang::De).then_some(Lang::De.code())
    }

    /// Rendered Markdown for this language: on English pages, links to the portal's
    /// own pages stay under `/en/`; links to files and other sites are unchanged.
    pub fn content_html(&self, lib: &Library, html: &str) -> String {
        if self.lang == Lang::De {
            return html.to_owned();
        }
        localize_links(
            html,
            |path| {
                let path = path.split(['#', '?']).next().unwrap_or("");
                path == "/" || lib.document(path).is_some() || lib.sections.contains_key(path)
            },
            self.lang,
        )
    }
}

/// Rewrites `href="/…"` in sanitized HTML to the language's prefix where `is_page`
/// says the target is a page. The sanitizer writes every attribute in double quotes,
/// so this scan sees every link.
fn localize_links(html: &str, is_page: impl Fn(&str) -> bool, lang: Lang) -> String {
    const HREF: &str = "href=\"";
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = rest.find(HREF) {
        let (before, after) = rest.split_at(at + HREF.len());
        out.push_str(before);
        let end = after.find('"').unwrap_or(after.len());
        let target = &after[..end];
        if target.starts_with('/') && !target.starts_with("//") && is_page(target) {
            out.push_str(&lang.url(target));
        } else {
            out.push_str(target);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
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
    /// Whether search engines should skip this page (thin results, errors).
    pub noindex: bool,
    /// The absolute address search engines should file this page under, where the
    /// same page has several addresses (results pages: `?q=Holz` and `?q=holz`).
    pub canonical: Option<&'a str>,
    /// The page's German path with its query (`/suche?q=x`), for the language switch
    /// and the printed address; empty means the start page.
    pub path: &'a str,
    /// The page's own "Stand", printed on paper; else the content's newest.
    pub stand: Option<Date>,
}

/// The page frame: head, skip link, header with search and language switch, banner,
/// main, footer, and a line that only appears on paper.
pub fn layout(chrome: &Chrome, head: &Head<'_>, main: Markup) -> Markup {
    let s = &chrome.settings;
    let t = chrome.t();
    let lang = chrome.lang;
    let path = if head.path.is_empty() { "/" } else { head.path };
    let other = lang.other();
    let description = head.description.or(s.tagline.as_deref());
    let page_url = chrome
        .base_url
        .as_ref()
        .map(|base| format!("{}{}", base.trim_end_matches('/'), lang.url(path)));
    let stand = head.stand.or(chrome.content_stand);
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (head.title) " – " (s.name) }
                @if let Some(d) = description { meta name="description" content=(d); }
                @if head.noindex { meta name="robots" content="noindex"; }
                @if let Some(url) = head.canonical { link rel="canonical" href=(url); }
                meta name="theme-color" content=(THEME_COLOR) media="(prefers-color-scheme: light)";
                meta name="theme-color" content=(THEME_COLOR_DARK) media="(prefers-color-scheme: dark)";
                meta property="og:type" content="website";
                meta property="og:site_name" content=(s.name);
                meta property="og:title" content=(head.title);
                @if let Some(d) = description { meta property="og:description" content=(d); }
                meta property="og:locale" content=(lang.locale());
                @if let Some(url) = &page_url { meta property="og:url" content=(url); }
                link rel="stylesheet" href=(chrome.css_url);
                link rel="icon" href=(chrome.icon_url) type="image/svg+xml";
                link rel="apple-touch-icon" href=(chrome.touch_icon_url);
                link rel="manifest" href=(MANIFEST_URL);
                script src=(chrome.script_url) defer {}
                script src=(chrome.suggest_script_url) defer {}
            }
            body {
                a.skip href="#inhalt" { (t.skip_link) }
                header.site-header {
                    div.wrap {
                        a.brand href=(chrome.href("/")) {
                            span.brand-name { (s.name) }
                            span.brand-title { (s.title) }
                        }
                        nav.main-nav aria-label=(t.main_nav) {
                            ul {
                                li { a href=(chrome.href(DATES_URL)) { (t.dates) } }
                                li { a href=(chrome.href(NOTICES_URL)) { (t.notices) } }
                                li {
                                    a.lang-switch href=(other.url(path)) lang=(other.code())
                                        hreflang=(other.code()) title=(t.switch_hint) { (t.switch_label) }
                                }
                            }
                        }
                        form.header-search role="search" action=(chrome.href(SEARCH_PATH)) method="get" {
                            label.visually-hidden for="kopf-suche" { (t.search_term) }
                            input #kopf-suche type="search" name="q" value=[head.query]
                                placeholder=(t.search_placeholder) autocomplete="off";
                            button type="submit" { (t.search_button) }
                        }
                    }
                }
                @if let Some(banner) = &chrome.banner {
                    div.banner role="region" aria-label=(t.banner_label) {
                        div.wrap {
                            p {
                                strong { (t.banner_prefix) }
                                span lang=[chrome.content_lang()] { (banner) }
                                @if let Some(link) = &chrome.banner_link {
                                    " " a href=(chrome.href(link)) { (t.read_more) }
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
                            @if let Some(phone) = &s.phone { (t.phone) (phone) br; }
                            @if let Some(email) = &s.email {
                                (t.email) a href={ "mailto:" (email) } { (email) }
                            }
                        }
                        @if let Some(version) = &chrome.content_version {
                            p.content-version {
                                a href=(chrome.href(ABOUT_URL)) { (t.content_version) code { (version) } }
                            }
                        }
                        @if !chrome.footer_links.is_empty() {
                            nav aria-label=(t.service_nav) {
                                ul.footer-links {
                                    @for (url, label) in &chrome.footer_links {
                                        li { a href=(chrome.href(url)) { (footer_label(t, url, label)) } }
                                    }
                                }
                            }
                        }
                        p.print-info {
                            (t.printed_from)
                            span data-print-url { (page_url.as_deref().unwrap_or(&lang.url(path))) }
                            @if let Some(stand) = stand { " · " (t.as_of) (lang.date(stand)) }
                            @if let Some(version) = &chrome.content_version { " · " (t.content_version) (version) }
                        }
                    }
                }
            }
        }
    }
}

/// The search page's German path.
const SEARCH_PATH: &str = "/suche";

/// A footer link's label in the UI language; links the catalogue does not know keep
/// their German label.
fn footer_label<'a>(t: &'static Texts, url: &str, label: &'a str) -> &'a str {
    match url {
        "/kontakt" => t.contact,
        "/impressum" => t.imprint,
        "/barrierefreiheit" => t.accessibility,
        _ => label,
    }
}

/// Marks already-sanitized HTML (rendered Markdown) for embedding.
fn trusted(html: String) -> PreEscaped<String> {
    PreEscaped(html)
}
