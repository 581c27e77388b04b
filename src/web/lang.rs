//! The UI language of an answer. Pages take it from their path (`/en/…` is English).
//! Where the path does not say which language the visitor chose, the start page `/`
//! and the error pages, the browser's `Accept-Language` decides, but only for visitors
//! arriving from elsewhere: someone who followed a link on one of our German pages, or
//! asked for German with `?lang=de`, chose German. The choice thus needs no cookie.

use actix_web::HttpRequest;
use actix_web::dev::ServiceRequest;
use actix_web::http::header::{self, HeaderMap, HeaderValue};

use crate::views::Lang;

/// The request headers an answer depends on when its language was negotiated.
pub const VARY_LANGUAGE: &str = "Accept-Language, Referer";
/// The query that asks for German whatever the browser prefers (the language switch on
/// English pages links to it).
pub const GERMAN_QUERY: &str = "lang=de";

/// The UI language of a path: `/en/…` is English, everything else German.
pub fn of_path(path: &str) -> Lang {
    Lang::of_path(path).0
}

/// Whether a visitor at a German address would rather read English: the browser
/// prefers English, the visitor did not ask for German, and did not come from one of
/// our own pages (`host` is the address the request was sent to).
pub fn prefers_english(
    query: &str,
    accept_language: Option<&str>,
    referer: Option<&str>,
    host: &str,
) -> bool {
    if query.split('&').any(|p| p == GERMAN_QUERY) {
        return false;
    }
    if accept_language.and_then(Lang::from_accept_language) != Some(Lang::En) {
        return false;
    }
    let from_here = referer
        .and_then(|r| r.split_once("://"))
        .is_some_and(|(_, rest)| rest.split('/').next() == Some(host));
    !from_here
}

/// The language of an error page, and whether the request's headers chose it (then
/// the answer must say so in `Vary`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLang {
    /// The language to write the page in.
    pub lang: Lang,
    /// Whether `Accept-Language` and `Referer` were asked (the path was German).
    pub negotiated: bool,
}

impl PageLang {
    /// The language for an error page at `path`: English under `/en/`, else as the
    /// browser prefers (see [`prefers_english`]).
    pub fn for_error(path: &str, query: &str, headers: &HeaderMap, host: &str) -> PageLang {
        if of_path(path) == Lang::En {
            return PageLang {
                lang: Lang::En,
                negotiated: false,
            };
        }
        let english = prefers_english(
            query,
            header_str(headers, header::ACCEPT_LANGUAGE),
            header_str(headers, header::REFERER),
            host,
        );
        PageLang {
            lang: if english { Lang::En } else { Lang::De },
            negotiated: true,
        }
    }

    /// The language for an error page answering `req`.
    pub fn of(req: &HttpRequest) -> PageLang {
        PageLang::for_error(
            req.path(),
            req.query_string(),
            req.headers(),
            req.connection_info().host(),
        )
    }

    /// The same for a request that a middleware answers.
    pub fn of_service(req: &ServiceRequest) -> PageLang {
        PageLang::for_error(
            req.path(),
            req.query_string(),
            req.headers(),
            req.connection_info().host(),
        )
    }

    /// Adds `Vary: Accept-Language, Referer` where those headers chose the language.
    pub fn mark(self, headers: &mut HeaderMap) {
        if self.negotiated {
            headers.append(header::VARY, HeaderValue::from_static(VARY_LANGUAGE));
        }
    }
}

/// The few request values an error page's language depends on, kept for after the
/// request is gone (a panic's 500 page is made once the handler has consumed it).
/// Header values share the request's buffer, so keeping them copies no text.
#[derive(Debug, Clone, Default)]
pub struct LangHints {
    english_path: bool,
    asks_german: bool,
    accept_language: Option<HeaderValue>,
    referer: Option<HeaderValue>,
    host: Option<HeaderValue>,
}

impl LangHints {
    /// Keeps what [`PageLang::for_error`] looks at. The host is the `Host` header.
    pub fn of(req: &ServiceRequest) -> LangHints {
        if of_path(req.path()) == Lang::En {
            return LangHints {
                english_path: true,
                ..LangHints::default()
            };
        }
        let headers = req.headers();
        LangHints {
            english_path: false,
            asks_german: req.query_string().split('&').any(|p| p == GERMAN_QUERY),
            accept_language: headers.get(header::ACCEPT_LANGUAGE).cloned(),
            referer: headers.get(header::REFERER).cloned(),
            host: headers.get(header::HOST).cloned(),
        }
    }

    /// The language these hints choose.
    pub fn page_lang(&self) -> PageLang {
        if self.english_path {
            return PageLang {
                lang: Lang::En,
                negotiated: false,
            };
        }
        let english = !self.asks_german
            && prefers_english(
                "",
                text(&self.accept_language),
                text(&self.referer),
                text(&self.host).unwrap_or(""),
            );
        PageLang {
            lang: if english { Lang::En } else { Lang::De },
            negotiated: true,
        }
    }
}

/// A kept header value as text, if it is text.
fn text(value: &Option<HeaderValue>) -> Option<&str> {
    value.as_ref().and_then(|v| v.to_str().ok())
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_only_for_visitors_from_elsewhere_who_prefer_it() {
        let en = Some("en-GB,en;q=0.9");
        let host = "portal.example.org";
        assert!(prefers_english("", en, None, host));
        assert!(prefers_english("", en, Some("https://example.org/"), host));
        assert!(!prefers_english(
            "",
            en,
            Some("https://portal.example.org/tischler/"),
            host
        ));
        assert!(!prefers_english("q=x&lang=de", en, None, host));
        assert!(!prefers_english("", Some("de-DE,en;q=0.5"), None, host));
        assert!(!prefers_english("", None, None, host));
    }
}
