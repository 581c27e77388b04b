//! HTTP for dates and notices: `/termine`, the iCalendar feeds and files, `/hinweise`
//! and its Atom feed. Handlers stay thin: parse, ask the calendar, render or write.
//!
//! Feeds need absolute links. They come from `--base-url` when set (recommended behind a
//! proxy), else from the request's host as the proxy forwards it; a host that is not
//! a plain name or address is replaced, so nothing odd is written into a feed.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::Shared;
use super::lang::PageLang;
use super::params::shorten;
use super::respond::{self, CACHE_REVALIDATE};
use crate::calendar::atom::{self, AtomInfo};
use crate::calendar::ics::{self, FeedInfo};
use crate::calendar::{Entry, Filter, notices, rfc3339};
use crate::content::Kind;
use crate::library::Library;
use crate::state::{Page, State, etag_of};
use crate::views::{self, DatesPage, Note, NoticesPage};

type Data = web::Data<Shared>;

/// The longest host name accepted from a request for feed links.
const MAX_HOST_LEN: usize = 255;
/// The file-name suffix of calendar files.
const ICS_SUFFIX: &str = ".ics";
/// Responses whose links depend on the request's host say so to caches.
const VARY_HOST: &str = "Host, X-Forwarded-Host, X-Forwarded-Proto, Forwarded";

/// `/termine?gewerk=&art=&vergangen=1`: the dates page.
pub async fn dates_page(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let (filter, past, notes) = dates_request(req.query_string(), &state.library);
    let base = public_base(&req, &state);
    let webcal_base = webcal(&base);
    let page = DatesPage {
        calendar: &state.calendar,
        filter: &filter,
        today: state.clock.today(),
        past,
        notes: &notes,
        webcal_base: &webcal_base,
    };
    let chrome = state.chrome(super::handlers::lang_of(&req));
    let html = views::dates(chrome, &state.library, &page).into_string();
    vary_host(respond::page(&req, &Page::per_request(html)))
}

/// `/termine.ics`: every date.
pub async fn all_ics(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let name = format!("Termine – {}", state.library.settings.name);
    let entries = state.calendar.all(&Filter::default());
    calendar_response(&req, &state, &entries, &name, "termine.ics", false)
}

/// `/termine/{gewerk}.ics`: one trade's dates and those for all trades.
pub async fn trade_ics(req: HttpRequest, path: web::Path<String>, shared: Data) -> HttpResponse {
    let state = shared.load();
    let Some(trade) = path
        .strip_suffix(ICS_SUFFIX)
        .and_then(|slug| state.library.trade(slug))
    else {
        return respond::not_found(&state, PageLang::of(&req));
    };
    let filter = Filter {
        trade: Some(trade.slug.clone()),
        kind: None,
    };
    let name = format!("Termine {} – {}", trade.name, state.library.settings.name);
    let file = format!("termine-{}.ics", trade.slug);
    let entries = state.calendar.all(&filter);
    calendar_response(&req, &state, &entries, &name, &file, false)
}

/// `/termin/{id}.ics`: one date, to put into a calendar app.
pub async fn event_ics(req: HttpRequest, path: web::Path<String>, shared: Data) -> HttpResponse {
    let state = shared.load();
    let Some(entry) = path
        .strip_suffix(ICS_SUFFIX)
        .and_then(|id| state.calendar.get(id))
    else {
        return respond::not_found(&state, PageLang::of(&req));
    };
    let file = format!(
        "{}-{}.ics",
        entry.event.start.date(),
        file_slug(&entry.event.title)
    );
    calendar_response(&req, &state, &[entry], &entry.event.title, &file, true)
}

/// `/hinweise` (and `?abgelaufen=1`): the notices board.
pub async fn notices_page(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let today = state.clock.today();
    let expired = query_pairs(req.query_string())
        .0
        .iter()
        .any(|(k, v)| k == "abgelaufen" && is_yes(v));
    let current = notices::current(&state.library, today);
    let old = notices::expired(&state.library, today);
    let (shown, other) = if expired {
        (&old, &current)
    } else {
        (&current, &old)
    };
    let page = NoticesPage {
        notices: shown,
        expired,
        other_count: other.len(),
    };
    let html = views::notices(state.chrome(super::handlers::lang_of(&req)), &page).into_string();
    respond::page(&req, &Page::per_request(html))
}

/// `/hinweise.xml`: the current notices as an Atom feed.
pub async fn notices_atom(req: HttpRequest, shared: Data) -> HttpResponse {
    let state = shared.load();
    let current = notices::current(&state.library, state.clock.today());
    let base = public_base(&req, &state);
    let title = format!("Hinweise – {}", state.library.settings.name);
    let xml = atom::notices_feed(
        &current,
        &AtomInfo {
            site_name: &state.library.settings.name,
            title: &title,
            base_url: &base,
            self_path: views::NOTICES_FEED_URL,
            page_path: views::NOTICES_URL,
        },
    );
    let etag = etag_of(xml.as_bytes());
    vary_host(respond::cached(
        &req,
        &etag,
        atom::CONTENT_TYPE,
        CACHE_REVALIDATE,
        xml,
    ))
}

/// An event in the JSON search API.
#[derive(Debug, Serialize)]
pub struct ApiEvent<'a> {
    title: &'a str,
    /// When it takes place (the new time for a postponed event), RFC 3339 with offset.
    start: String,
    end: Option<String>,
    /// For a postponed event: the original start.
    original_start: Option<String>,
    location: Option<&'a str>,
    /// `findet statt`, `verschoben` or `abgesagt`.
    status: &'static str,
    note: Option<&'a str>,
    /// The path of the event's `.ics` file.
    ics: String,
}

impl<'a> ApiEvent<'a> {
    /// The API view of an entry.
    pub fn new(entry: &'a Entry) -> ApiEvent<'a> {
        let e = &entry.event;
        ApiEvent {
            title: &e.title,
            start: rfc3339(entry.start()),
            end: entry.end().map(rfc3339),
            original_start: entry.is_moved().then(|| rfc3339(e.start)),
            location: e.location.as_deref(),
            status: e.status.label(),
            note: e.note.as_deref(),
            ics: entry.ics_url(),
        }
    }
}

/// A calendar with these entries; `single` files are offered as downloads.
fn calendar_response(
    req: &HttpRequest,
    state: &State,
    entries: &[&Entry],
    name: &str,
    file: &str,
    single: bool,
) -> HttpResponse {
    let base = public_base(req, state);
    let body = ics::calendar(
        entries,
        &FeedInfo {
            name,
            base_url: &base,
        },
    );
    let etag = etag_of(body.as_bytes());
    let mut response = respond::cached(req, &etag, ics::CONTENT_TYPE, CACHE_REVALIDATE, body);
    let disposition = if single { "attachment" } else { "inline" };
    if let Ok(value) = HeaderValue::from_str(&format!("{disposition}; filename=\"{file}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    vary_host(response)
}

/// Parses the dates page's query: trade, kind, past. Unknown values become notes.
fn dates_request(query: &str, library: &Library) -> (Filter, bool, Vec<Note>) {
    let (pairs, mut notes) = query_pairs(query);
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut filter = Filter::default();
    if let Some(trade) = first("gewerk") {
        match library.trade(trade) {
            Some(t) => filter.trade = Some(t.slug.clone()),
            None => notes.push(Note::DatesUnknownTrade(shorten(trade))),
        }
    }
    if let Some(kind) = first("art") {
        match Kind::parse(kind) {
            Some(k) => filter.kind = Some(k),
            None => notes.push(Note::DatesUnknownKind(shorten(kind))),
        }
    }
    let past = first("vergangen").is_some_and(is_yes);
    (filter, past, notes)
}

/// The query's pairs; a broken encoding gives none and a note.
fn query_pairs(query: &str) -> (Vec<(String, String)>, Vec<Note>) {
    let query = match query.char_indices().nth(super::params::MAX_QUERY_STRING) {
        Some((cut, _)) => &query[..cut],
        None => query,
    };
    match serde_urlencoded::from_str::<Vec<(String, String)>>(query) {
        Ok(pairs) => (pairs, Vec::new()),
        Err(_) => (Vec::new(), vec![Note::BadQueryString]),
    }
}

fn is_yes(value: &str) -> bool {
    matches!(value.trim(), "1" | "ja" | "true")
}

/// The portal's absolute address for links in feeds and canonical links, without a
/// trailing slash.
pub(super) fn public_base(req: &HttpRequest, state: &State) -> String {
    if let Some(base) = &state.base_url {
        return base.clone();
    }
    let info = req.connection_info();
    let scheme = if info.scheme() == "https" {
        "https"
    } else {
        "http"
    };
    let host = info.host();
    if is_plain_host(host) {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://localhost")
    }
}

/// A host name, IPv4 or bracketed IPv6 address with an optional port, nothing else.
fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= MAX_HOST_LEN
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
}

/// The `webcal://` form of an address, which phones open in their calendar app.
fn webcal(base: &str) -> String {
    let rest = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
        .unwrap_or(base);
    format!("webcal://{rest}")
}

/// Says in `Vary` that the answer names the request's host.
pub(super) fn vary_host(mut response: HttpResponse) -> HttpResponse {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static(VARY_HOST));
    response
}

/// A download file name from a title: ASCII letters, digits and `-`.
fn file_slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.to_lowercase().chars() {
        let mapped = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        if mapped == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(mapped);
        }
    }
    let out = out.trim_end_matches('-');
    let cut = out.char_indices().nth(60).map_or(out.len(), |(i, _)| i);
    if out.is_empty() {
        "termin".to_owned()
    } else {
        out[..cut].trim_end_matches('-').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(
            file_slug("Gesellenprüfung Teil 1, schriftlich"),
            "gesellenpruefung-teil-1-schriftlich"
        );
        assert_eq!(file_slug("«»"), "termin");
    }

    #[test]
    fn only_plain_hosts_are_trusted() {
        assert!(is_plain_host("portal.example.org:8443"));
        assert!(is_plain_host("[::1]:8080"));
        assert!(!is_plain_host("evil\"><script>"));
        assert!(!is_plain_host("a b"));
        assert_eq!(webcal("https://x.org/p"), "webcal://x.org/p");
    }
}
