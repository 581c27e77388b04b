//! Property tests: no input makes front-matter parsing, Markdown rendering or query
//! building panic, and what comes out keeps its promises.
//!
//! Inputs are random Unicode and "token soup" built from the pieces these parsers care
//! about (fences, YAML keys, Markdown and HTML syntax, URL schemes, quotes), which finds
//! the corners far more often than random text alone. `cargo test` runs proptest's
//! default of 256 cases per property; CI sets `PROPTEST_CASES=100000`.

use std::sync::LazyLock;

use proptest::prelude::*;
use werkbank::content::{front_matter, markdown};
use werkbank::search::ParsedQuery;
use werkbank::search::analysis;
use werkbank::search::query::{MAX_TERMS, QueryFields};
use werkbank::search::{MAX_PAGE, MAX_PER_PAGE};
use werkbank::state::{BuildOptions, State};

/// Pieces of front matter files, valid and broken.
const FRONT_MATTER_TOKENS: &[&str] = &[
    "---",
    "---\n",
    "\n",
    "\r\n",
    "\u{feff}",
    "title: ",
    "summary: ",
    "trade: ",
    "kind: ",
    "year: ",
    "tags: ",
    "updated: ",
    "valid_until: ",
    "events:\n",
    "  - ",
    "    start: ",
    "    end: ",
    "    status: ",
    "new_start: ",
    "pruefung",
    "findet statt",
    "verschoben",
    "2026-02-30",
    "2027-03-12T08:00",
    "99999-01-01",
    "[a, b]",
    "{x: y}",
    "&a ",
    "*a",
    "<<: ",
    "!!binary ",
    "'",
    "\"",
    "|",
    ">",
    "#",
    ": ",
    "- ",
    "  ",
    "\t",
    "4",
    "-1",
    "1e999",
    "~",
    "null",
    "ü",
    "\u{0}",
    "Prüfung",
    "tischler",
];

/// Pieces of Markdown and HTML, including hostile ones.
const MARKDOWN_TOKENS: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "\n",
    "\n\n",
    "*",
    "**",
    "_",
    "`",
    "```\n",
    "~~",
    "> ",
    "- ",
    "1. ",
    "- [ ] ",
    "- [x] ",
    "|",
    "|---|",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "[^1]",
    "[^1]: ",
    " {#id}",
    "<",
    ">",
    "</",
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"",
    "\">",
    "javascript:",
    "JaVaScRiPt:",
    "data:text/html,",
    "vbscript:",
    "<svg>",
    "<iframe>",
    "<style>",
    "<div style=\"",
    "expression(",
    "&",
    "&#",
    "&#x6a;",
    ";",
    "\"",
    "'",
    "../",
    "plan.pdf",
    "a.md",
    "#anker",
    "http://x/",
    "mailto:a@b",
    "ß",
    "ä",
    "\u{0}",
    "\t",
    "    ",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<math>",
    "<template>",
    "<noscript>",
];

/// Pieces of search input.
const QUERY_TOKENS: &[&str] = &[
    "\"",
    " ",
    "säge",
    "Prüfung",
    "baecker",
    "AND",
    "OR",
    "NOT",
    "-",
    "+",
    "*",
    "?",
    "~",
    "^2",
    ":",
    "title:",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\\",
    "/",
    "&",
    "=",
    "%",
    "%00",
    "%ff",
    "q=",
    "&gewerk=",
    "&art=",
    "&jahr=",
    "&seite=",
    "&limit=",
    "tischler",
    "kurs",
    "0",
    "4",
    "5",
    "99999999999999999999",
    "-1",
    "\u{0}",
    "🙂",
    "ß",
    "\u{202e}",
    "ｆｕｌｌ",
];

fn soup(tokens: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(tokens).prop_map(str::to_owned),
            1 => any::<String>(),
        ],
        0..max,
    )
    .prop_map(|parts| parts.concat())
}

fn input(tokens: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop_oneof![3 => soup(tokens, max), 1 => any::<String>()]
}

/// Elements that must never reach a reader.
const FORBIDDEN_TAGS: &[&str] = &[
    "script", "iframe", "svg", "style", "math", "object", "embed", "form", "template", "noscript",
    "base", "meta", "link", "frame", "frameset",
];

/// The tags of sanitized HTML: the text between each `<` and its `>`, quotes respected.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let mut quote = None;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        out.push(&after[..end]);
        rest = &after[end.min(after.len())..];
    }
    out
}

/// The `name="value"` pairs of a tag (html5ever always quotes with `"`).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(' ').map_or("", |(_, r)| r);
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].trim().to_owned();
        let value_start = eq + 2;
        let value_end = rest[value_start..]
            .find('"')
            .map_or(rest.len(), |e| value_start + e);
        out.push((name, rest[value_start..value_end].to_owned()));
        rest = rest.get(value_end + 1..).unwrap_or("");
    }
    out
}

/// The embedded content, built once for the search properties.
static STATE: LazyLock<State> = LazyLock::new(|| {
    State::build(&BuildOptions {
        source: werkbank::content::ContentSource::Embedded,
        notice: None,
        threads: 1,
        clock: werkbank::calendar::Clock::Fixed(
            werkbank::content::Date::parse("2026-11-26").expect("a date"),
        ),
        base_url: None,
        index_cache: None,
        reload: false,
    })
    .expect("embedded content builds")
});

proptest! {
    #[test]
    fn front_matter_never_panics(text in input(FRONT_MATTER_TOKENS, 60)) {
        match front_matter::split("t/a.md", &text) {
            Ok(split) => {
                prop_assert!(split.body_line >= 3);
                if let Err(error) = front_matter::parse("t/a.md", split.yaml) {
                    prop_assert!(error.line >= 1);
                    prop_assert!(!error.message.is_empty());
                }
            }
            Err(error) => prop_assert_eq!(error.line, 1),
        }
    }

    #[test]
    fn markdown_renders_safe_html(text in input(MARKDOWN_TOKENS, 80)) {
        let rendered = markdown::render("t/a.md", &text);
        // The sanitizer escapes every `<` in text, so each `<` left starts a real tag.
        for tag in tags(&rendered.html()) {
            let tag = tag.to_ascii_lowercase();
            let name = tag.trim_start_matches('/').split([' ', '/', '\n']).next().unwrap_or("");
            prop_assert!(!FORBIDDEN_TAGS.contains(&name), "{:?} left <{}>", text, tag);
            for (attribute, value) in attributes(&tag) {
                prop_assert!(!attribute.starts_with("on"), "{:?} left <{}>", text, tag);
                prop_assert!(attribute != "style", "{:?} left <{}>", text, tag);
                if attribute == "href" || attribute == "src" {
                    let value = value.trim_start();
                    for scheme in ["javascript:", "data:", "vbscript:"] {
                        prop_assert!(!value.starts_with(scheme), "{:?} left <{}>", text, tag);
                    }
                }
            }
        }
        for entry in &rendered.toc {
            prop_assert!((2..=3).contains(&entry.level));
            prop_assert!(!entry.id.is_empty());
        }
    }

    #[test]
    fn query_building_never_fails(text in input(QUERY_TOKENS, 40)) {
        let parsed = ParsedQuery::parse(&text, &mut analysis::german());
        let words = parsed.groups.len() + parsed.phrases.iter().map(Vec::len).sum::<usize>();
        prop_assert!(words <= MAX_TERMS);
        let mut builder = tantivy::schema::Schema::builder();
        let fields = QueryFields {
            title: builder.add_text_field("title", tantivy::schema::TEXT),
            headings: builder.add_text_field("headings", tantivy::schema::TEXT),
            body: builder.add_text_field("body", tantivy::schema::TEXT),
        };
        let _query = fields.build(&parsed);
    }

    #[test]
    fn query_strings_always_search(text in input(QUERY_TOKENS, 40)) {
        let state = &*STATE;
        let (request, _notes) = werkbank::web::params::search_request(&text, &state.library);
        prop_assert!((1..=MAX_PAGE).contains(&request.page));
        prop_assert!((1..=MAX_PER_PAGE).contains(&request.per_page));
        let results = state.index.search(&state.library, &request);
        prop_assert!(results.is_ok(), "{:?}: {:?}", text, results.err());
        let results = results.unwrap();
        prop_assert!(results.hits.len() <= request.per_page);
    }
}
