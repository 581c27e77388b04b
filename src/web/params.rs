//! Query strings parsed into checked requests. Bad values are never an error page:
//! they are dropped with a note the reader sees, because a search link that someone
//! shortened or mistyped should still lead somewhere useful.

use crate::content::Kind;
use crate::library::Library;
use crate::search::{DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, SearchRequest};
use crate::views::Note;

/// Longest query string that is looked at at all; longer ones are cut.
pub const MAX_QUERY_STRING: usize = 4096;

/// Parses `q`, `gewerk`, `art`, `jahr`, `seite` (and for the API `limit`, plus the
/// English aliases `trade`, `kind`, `year`, `page`). Returns the request and notes,
/// which the page words in its language.
pub fn search_request(query_string: &str, library: &Library) -> (SearchRequest, Vec<Note>) {
    let mut notes = Vec::new();
    let query_string = match query_string.char_indices().nth(MAX_QUERY_STRING) {
        Some((cut, _)) => &query_string[..cut],
        None => query_string,
    };
    // Invalid encodings are read leniently, never refused.
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query_string).unwrap_or_else(|_| {
            query_string
                .split('&')
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (lossy_decode(k), lossy_decode(v))
                })
                .collect()
        });
    let first = |names: &[&str]| {
        pairs
            .iter()
            .find(|(k, _)| names.contains(&k.as_str()))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };

    let mut request = SearchRequest {
        q: first(&["q"]).unwrap_or("").to_owned(),
        page: 1,
        per_page: DEFAULT_PER_PAGE,
        ..SearchRequest::default()
    };
    if let Some(trade) = first(&["gewerk", "trade"]) {
        if library.trade(trade).is_some() {
            request.trade = Some(trade.to_owned());
        } else {
            notes.push(Note::UnknownTrade(shorten(trade)));
        }
    }
    if let Some(kind) = first(&["art", "kind"]) {
        match Kind::parse(kind) {
            Some(kind) => request.kind = Some(kind),
            None => notes.push(Note::UnknownKind(shorten(kind))),
        }
    }
    if let Some(year) = first(&["jahr", "year"]) {
        match year.parse::<u8>() {
            Ok(y @ 1..=4) => request.year = Some(y),
            _ => notes.push(Note::BadYear(shorten(year))),
        }
    }
    if let Some(page) = first(&["seite", "page"]) {
        match page.parse::<usize>() {
            Ok(p @ 1..) => request.page = p.min(MAX_PAGE),
            _ => notes.push(Note::BadPage(shorten(page))),
        }
    }
    if let Some(limit) = first(&["limit"]) {
        match limit.parse::<usize>() {
            Ok(l @ 1..) => request.per_page = l.min(MAX_PER_PAGE),
            _ => notes.push(Note::BadLimit {
                value: shorten(limit),
                default: DEFAULT_PER_PAGE,
            }),
        }
    }
    (request, notes)
}

/// Percent-decodes leniently (invalid UTF-8 becomes U+FFFD), `+` as space.
fn lossy_decode(s: &str) -> String {
    let s = s.replace('+', " ");
    percent_encoding::percent_decode_str(&s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Cuts echoed input to a readable length.
pub(crate) fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_become_notes() {
        let lib = Library::default();
        let (r, notes) = search_request("q=s%C3%A4ge&art=kurs&jahr=9&seite=abc&gewerk=x", &lib);
        assert_eq!(r.q, "säge");
        assert_eq!(r.kind, Some(Kind::Kurs));
        assert_eq!(r.year, None);
        assert_eq!(r.page, 1);
        assert_eq!(r.trade, None);
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn broken_encoding_is_read_leniently() {
        let lib = Library::default();
        let (r, _) = search_request("q=%FF%FEabc&seite=99999999999999999999999", &lib);
        assert!(r.q.ends_with("abc"));
        assert_eq!(r.page, 1);
        let (r, _) = search_request("seite=5000&limit=500", &lib);
        assert_eq!(r.page, MAX_PAGE);
        assert_eq!(r.per_page, MAX_PER_PAGE);
    }
}
