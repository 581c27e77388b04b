//! Markdown to a table of contents, plain text and safe HTML.
//!
//! All pulldown-cmark options are set in [`options`], all sanitizer rules in `sanitizer`.
//! [`render`] reads a body once when the content is built: headings, sections of text,
//! links and images. The HTML comes from [`Rendered::html`] when a page is first
//! rendered, by the same walk over the same events: sanitizing is the slowest step of
//! rendering (about half of a large folder's start-up), and most pages of a large
//! folder are never opened. Raw HTML in a Markdown file is never passed through: the
//! whole rendered body goes through an allow-list sanitizer, so what is served needs no
//! further care.

use std::collections::HashMap;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use tantivy::directory::OwnedBytes;

use super::stored::{Damaged, Reader, Stored, Writer};

/// The rendered form of one Markdown body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    /// The body, kept for [`Rendered::html`].
    source: Source,
    /// The folder of the file, against which relative links resolve.
    base: String,
    /// Headings of level 2 and 3, for the table of contents.
    pub toc: Vec<TocEntry>,
    /// The text split at headings: the part before the first heading, then one
    /// entry per heading. Used by the search index.
    pub sections: Vec<TextSection>,
    /// Every link and image target inside the content, resolved to a site URL
    /// (without `#fragment`), for link checks.
    pub internal_links: Vec<String>,
    /// The 1-based line within the body of each entry of `internal_links`, in the same
    /// order, so that `werkbank check` can name `file:line`.
    pub internal_link_lines: Vec<usize>,
    /// Images without alternative text, by their target.
    pub images_without_alt: Vec<String>,
    /// The 1-based line within the body of each entry of `images_without_alt`.
    pub images_without_alt_lines: Vec<usize>,
}

/// A document's Markdown body, kept to render its HTML from.
#[derive(Clone)]
enum Source {
    /// Embedded content: the text in the binary itself.
    Embedded(&'static str),
    /// Read from a folder: the text, LZ4-compressed (about half its size; deflate
    /// saved a third more but took a quarter of a large folder's start-up).
    Compressed(Box<[u8]>),
    /// The same, read back from the index cache: it stays in the cache file.
    Stored(OwnedBytes),
}

impl Default for Source {
    fn default() -> Source {
        Source::Embedded("")
    }
}

impl Source {
    /// Keeps a compressed copy of `text`.
    fn compress(text: &str) -> Source {
        Source::Compressed(lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice())
    }

    /// The text.
    fn text(&self) -> std::borrow::Cow<'static, str> {
        let compressed = match self {
            Source::Embedded(text) => return std::borrow::Cow::Borrowed(text),
            Source::Compressed(bytes) => &bytes[..],
            Source::Stored(bytes) => bytes.as_slice(),
        };
        let text = lz4_flex::decompress_size_prepended(compressed)
            .map_err(|e| e.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()));
        // Only a bug or a damaged cache file could make it fail: the bytes were
        // compressed by `compress`.
        std::borrow::Cow::Owned(text.unwrap_or_else(|error| {
            tracing::error!("gespeicherter Text unlesbar: {error}");
            String::new()
        }))
    }
}

/// Two sources are equal if they hold the same text, however they keep it.
impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        self.text() == other.text()
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Source").field(&self.text()).finish()
    }
}

impl Rendered {
    /// The sanitized HTML of the body, ready to be embedded in a page. It is the same
    /// on every call.
    pub fn html(&self) -> String {
        walk(&self.base, &self.source.text(), true).1
    }

    /// All text of the document, for the index and summaries.
    pub fn plain_text(&self) -> String {
        let mut text = String::new();
        for section in &self.sections {
            if !section.heading.is_empty() {
                text.push_str(&section.heading);
                text.push('\n');
            }
            text.push_str(&section.text);
            text.push('\n');
        }
        text
    }
}

impl Stored for Rendered {
    fn put(&self, w: &mut Writer) {
        let Rendered {
            source,
            base,
            toc,
            sections,
            internal_links,
            internal_link_lines,
            images_without_alt,
            images_without_alt_lines,
        } = self;
        match source {
            Source::Compressed(bytes) => w.bytes(bytes),
            Source::Stored(bytes) => w.bytes(bytes.as_slice()),
            // Read back, it is a compressed body like any other.
            Source::Embedded(text) => w.bytes(&lz4_flex::compress_prepend_size(text.as_bytes())),
        }
        base.put(w);
        toc.put(w);
        sections.put(w);
        internal_links.put(w);
        internal_link_lines.put(w);
        images_without_alt.put(w);
        images_without_alt_lines.put(w);
    }

    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(Rendered {
            source: {
                let bytes = r.shared_bytes()?;
                // The text's length leads the compressed bytes; a damaged length must not
                // make a first page view reserve gigabytes.
                let len = bytes
                    .as_slice()
                    .first_chunk::<4>()
                    .map(|n| u32::from_le_bytes(*n));
                if len.is_none_or(|len| u64::from(len) > super::source::MAX_FILE_BYTES) {
                    return Err(Damaged("Textlänge unmöglich"));
                }
                Source::Stored(bytes)
            },
            base: Stored::take(r)?,
            toc: Stored::take(r)?,
            sections: Stored::take(r)?,
            internal_links: Stored::take(r)?,
            internal_link_lines: Stored::take(r)?,
            images_without_alt: Stored::take(r)?,
            images_without_alt_lines: Stored::take(r)?,
        })
    }
}

/// One heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// 2 or 3 (after shifting, see [`render`]).
    pub level: u8,
    /// The `id` attribute, the link target `#id`.
    pub id: String,
    /// The heading's text.
    pub text: String,
}

/// The text under one heading.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextSection {
    /// The heading's id (empty for the text before the first heading).
    pub id: String,
    /// The heading's text (empty for the text before the first heading).
    pub heading: String,
    /// The text below it, up to the next heading.
    pub text: String,
}

/// The Markdown extensions werkbank supports: tables, footnotes, strikethrough,
/// task lists and `{#id}` heading attributes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a Markdown body that lives at `file` (relative to the content root).
///
/// Relative links to other Markdown files and attachments are rewritten to site URLs.
/// If the body uses `#` headings, all headings move one level down, because the page
/// title is the page's only `h1`.
pub fn render(file: &str, markdown: &str) -> Rendered {
    let mut rendered = walk(parent_dir(file), markdown, false).0;
    rendered.source = Source::compress(markdown);
    rendered
}

/// Like [`render`], for a body in the binary: it is kept without a copy.
pub fn render_embedded(file: &str, markdown: &'static str) -> Rendered {
    let mut rendered = walk(parent_dir(file), markdown, false).0;
    rendered.source = Source::Embedded(markdown);
    rendered
}

/// One walk over the events of `markdown`: the rendered form (without its source) and,
/// if `with_html`, the sanitized HTML.
fn walk(base: &str, markdown: &str, with_html: bool) -> (Rendered, String) {
    // Events with their byte offsets; only links and images need a line number.
    let lines = LineIndex::new(markdown);
    let events: Vec<(Event<'_>, usize)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .map(|(event, range)| (event, range.start))
        .collect();
    let shift = events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });

    let mut out = Rendered {
        base: base.to_owned(),
        ..Rendered::default()
    };
    let mut ids = IdAllocator::default();
    let mut section = TextSection::default();
    let mut events = events.into_iter().peekable();
    let mut html_events = HtmlEvents {
        events: Vec::new(),
        keep: with_html,
    };
    let mut image_alt: Option<(String, String, usize)> = None;

    while let Some((event, at)) = events.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                // Gather the heading's inline events to learn its text before its id.
                let mut inner = Vec::new();
                for (e, l) in events.by_ref() {
                    if matches!(e, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                    inner.push((e, l));
                }
                let text = inline_text(inner.iter().map(|(e, _)| e));
                let level = if shift { deeper(level) } else { level };
                let id = ids.allocate(id.as_deref().map(slug).unwrap_or_else(|| slug(&text)));
                let depth = level as u8;
                if (2..=3).contains(&depth) {
                    out.toc.push(TocEntry {
                        level: depth,
                        id: id.clone(),
                        text: text.clone(),
                    });
                }
                out.sections.push(std::mem::take(&mut section));
                section.id = id.clone();
                section.heading = text;
                html_events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes,
                    attrs,
                }));
                html_events.extend(
                    inner
                        .into_iter()
                        .map(|(e, at)| rewrite(e, at, &lines, base, &mut out)),
                );
                html_events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                if let Some((_, alt, _)) = image_alt.as_mut() {
                    alt.push_str(text);
                }
                section.text.push_str(text);
                html_events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                section.text.push(' ');
                html_events.push(event);
            }
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                image_alt = Some((dest_url.to_string(), String::new(), lines.line_of(at)));
                html_events.push(rewrite(event, at, &lines, base, &mut out));
            }
            Event::End(TagEnd::Image) => {
                if let Some((target, alt, image_line)) = image_alt.take()
                    && alt.trim().is_empty()
                {
                    out.images_without_alt.push(target);
                    out.images_without_alt_lines.push(image_line);
                }
                html_events.push(event);
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => {
                section.text.push('\n');
                html_events.push(event);
            }
            // Raw HTML stays in the stream for the sanitizer, which keeps only what
            // its allow-list permits; its text does not go into the index.
            Event::Start(Tag::Link { .. }) => {
                html_events.push(rewrite(event, at, &lines, base, &mut out));
            }
            other => html_events.push(other),
        }
    }
    out.sections.push(section);
    out.sections
        .retain(|s| !s.heading.is_empty() || !s.text.trim().is_empty());
    for s in &mut out.sections {
        let mut squeezed = String::with_capacity(s.text.len());
        for word in s.text.split_whitespace() {
            if !squeezed.is_empty() {
                squeezed.push(' ');
            }
            squeezed.push_str(word);
        }
        s.text = squeezed;
    }

    if !with_html {
        return (out, String::new());
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, html_events.events.into_iter());
    (out, sanitizer().clean(&html).to_string())
}

/// Turns a heading text into an `id`: lowercase ASCII, umlauts spelled out, words
/// joined by `-` (`Prüfung & Ablauf` -> `pruefung-ablauf`).
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c if c.is_alphanumeric() => out.push(c),
            _ => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "abschnitt".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Resolves a link found in `base` (the folder of the linking file, `""` for the root,
/// else `tischler/`) to a site URL. Returns `None` for links that leave the site
/// (a scheme, `//host`), and for pure `#fragment` links.
///
/// `gesellenpruefung.md#ablauf` -> `/tischler/gesellenpruefung#ablauf`,
/// `../baecker/_index.md` -> `/baecker/`, `plan.pdf` -> `/tischler/plan.pdf`.
pub fn resolve_link(base: &str, dest: &str) -> Option<String> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with("//") || has_scheme(dest) {
        return None;
    }
    let (path, suffix) = match dest.find(['#', '?']) {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    let joined = if let Some(absolute) = path.strip_prefix('/') {
        absolute.to_owned()
    } else {
        format!("{base}{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let trailing = joined.ends_with('/') || path.is_empty();
    let mut url = String::from("/");
    if let Some((last, dirs)) = parts.split_last() {
        for dir in dirs {
            url.push_str(dir);
            url.push('/');
        }
        if *last == "_index.md" || *last == "index.md" {
            // A section's index: the section itself.
        } else if let Some(stem) = last.strip_suffix(".md") {
            url.push_str(stem);
        } else {
            url.push_str(last);
            if trailing {
                url.push('/');
            }
        }
    }
    url.push_str(suffix);
    Some(url)
}

/// The folder of a content file, with a trailing `/` (or `""` at the root).
pub fn parent_dir(file: &str) -> &str {
    match file.rfind('/') {
        Some(i) => &file[..=i],
        None => "",
    }
}

/// Whether a URL points away from this site (a scheme or `//host`). Control
/// characters and spaces, which browsers strip, do not hide a scheme.
fn is_foreign(url: &str) -> bool {
    // Browsers also read `\` as `/`, so `/\host` is another host too.
    let url: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    url.starts_with("//") || has_scheme(&url)
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && !scheme.contains('/')
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Rewrites link and image targets to site URLs and records them with their line.
fn rewrite<'a>(
    event: Event<'a>,
    at: usize,
    lines: &LineIndex<'_>,
    base: &str,
    out: &mut Rendered,
) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rewrite_url(dest_url, lines.line_of(at), base, out),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: rewrite_url(dest_url, lines.line_of(at), base, out),
            title,
            id,
        }),
        other => other,
    }
}

fn rewrite_url<'a>(dest: CowStr<'a>, line: usize, base: &str, out: &mut Rendered) -> CowStr<'a> {
    match resolve_link(base, &dest) {
        Some(url) => {
            let without_fragment = url.split(['#', '?']).next().unwrap_or("/").to_owned();
            out.internal_links.push(without_fragment);
            out.internal_link_lines.push(line);
            CowStr::from(url)
        }
        None => dest,
    }
}

/// Finds the 1-based line of a byte offset.
struct LineIndex<'a> {
    text: &'a str,
    /// Offsets of the line starts, found on the first question.
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        starts.partition_point(|&start| start <= offset)
    }
}

/// The events the HTML is rendered from, kept only when it is.
struct HtmlEvents<'a> {
    events: Vec<Event<'a>>,
    keep: bool,
}

impl<'a> HtmlEvents<'a> {
    fn push(&mut self, event: Event<'a>) {
        if self.keep {
            self.events.push(event);
        }
    }

    fn extend(&mut self, events: impl IntoIterator<Item = Event<'a>>) {
        // The iterator runs either way: rewriting records the links.
        for event in events {
            self.push(event);
        }
    }
}

/// The text of a run of inline events (a heading's content).
fn inline_text<'e>(events: impl Iterator<Item = &'e Event<'e>>) -> String {
    let mut text = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            text.push_str(t);
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn deeper(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// Hands out unique heading ids within one document (`ablauf`, `ablauf-2`, …).
#[derive(Default)]
struct IdAllocator {
    seen: HashMap<String, usize>,
}

impl IdAllocator {
    fn allocate(&mut self, id: String) -> String {
        let count = self.seen.entry(id.clone()).or_insert(0);
        *count += 1;
        if *count == 1 {
            id
        } else {
            format!("{id}-{count}")
        }
    }
}

/// Tags allowed in rendered content: what Markdown produces, plus harmless
/// formatting a chamber might write as raw HTML. No forms, frames, media, styles
/// or scripts.
const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// URL schemes allowed in links and images; everything else (`javascript:`, `data:`,
/// `vbscript:` …) is removed. Relative URLs stay.
const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The one sanitizer for all content, built once.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let mut b = ammonia::Builder::empty();
        b.add_tags(ALLOWED_TAGS)
            .add_generic_attributes(["title", "lang"])
            .add_tag_attributes("a", ["href", "id"])
            .add_tag_attributes("img", ["src", "alt", "width", "height"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("ol", ["start"])
            .add_tag_attributes("td", ["align", "colspan", "rowspan"])
            .add_tag_attributes("th", ["align", "colspan", "rowspan", "scope"])
            .add_tag_attributes("abbr", ["title"])
            .add_tag_attributes("div", ["id"])
            .add_tag_attributes("li", ["id"])
            .add_tag_attributes("sup", ["id"])
            .add_tag_attributes("details", ["open"])
            .url_schemes(ALLOWED_SCHEMES.iter().copied().collect())
            // The Referrer-Policy header already limits what links pass on.
            .link_rel(None)
            .clean_content_tags(["script", "style", "template"].into_iter().collect());
        for h in ["h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b.add_allowed_classes("div", ["footnote-definition"])
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            .add_allowed_classes("ul", ["contains-task-list"])
            .add_allowed_classes("li", ["task-list-item"]);
        // A task-list checkbox is the only input that may appear, and it cannot be used.
        // Images only from this site: a picture from another host would tell that host
        // who reads what, and the portal must work on an isolated network.
        b.attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") if value != "checkbox" => None,
            ("img", "src") if is_foreign(value) => None,
            _ => Some(value.into()),
        });
        b
    });
    &SANITIZER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_kept_compressed_and_renders_the_same_html_every_time() {
        let body = "Prüfung für Bäcker, Termin 12.03.2027 – Raum 4\n\n".repeat(200);
        for text in ["", "ß", body.as_str()] {
            assert_eq!(Source::compress(text).text(), text);
        }
        let Source::Compressed(bytes) = Source::compress(&body) else {
            panic!("compressed");
        };
        assert!(bytes.len() < body.len() / 4, "compressed");
        let markdown = "# T\n\nText mit **Holz** und [Plan](plan.pdf).";
        let rendered = render("t/a.md", markdown);
        let html = rendered.html();
        assert!(html.contains("<strong>Holz</strong>"), "{html}");
        assert!(html.contains(r#"href="/t/plan.pdf""#), "{html}");
        assert_eq!(rendered.html(), html);
        assert_eq!(render_embedded("t/a.md", markdown).html(), html);
    }

    #[test]
    fn renders_extensions() {
        let r = render(
            "t/a.md",
            "| A | B |\n|---|---|\n| 1 | 2 |\n\n~~alt~~\n\n- [x] erledigt\n- [ ] offen\n\nText[^1]\n\n[^1]: Fußnote\n",
        );
        assert!(r.html().contains("<table>"), "{}", r.html());
        assert!(r.html().contains("<del>alt</del>"), "{}", r.html());
        assert!(r.html().contains(r#"type="checkbox""#), "{}", r.html());
        assert!(r.html().contains("footnote-definition"), "{}", r.html());
    }

    #[test]
    fn headings_get_ids_toc_and_sections() {
        let r = render(
            "t/a.md",
            "Vorwort\n\n## Prüfung & Ablauf\n\nText eins\n\n### Hilfsmittel\n\nText zwei\n\n## Prüfung & Ablauf\n",
        );
        let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["pruefung-ablauf", "hilfsmittel", "pruefung-ablauf-2"]);
        assert!(
            r.html().contains(r#"<h2 id="pruefung-ablauf">"#),
            "{}",
            r.html()
        );
        assert_eq!(r.sections[0].text, "Vorwort");
        assert_eq!(r.sections[1].heading, "Prüfung & Ablauf");
        assert_eq!(r.sections[1].text, "Text eins");
        assert_eq!(r.sections[2].id, "hilfsmittel");
    }

    #[test]
    fn h1_in_body_moves_down_a_level() {
        let r = render("a.md", "# Eins\n\n## Zwei\n");
        assert!(r.html().contains(r#"<h2 id="eins">"#), "{}", r.html());
        assert!(r.html().contains(r#"<h3 id="zwei">"#), "{}", r.html());
        assert!(!r.html().contains("<h1"));
    }

    #[test]
    fn relative_links_become_site_urls() {
        let cases = [
            (
                "tischler/",
                "gesellenpruefung.md",
                Some("/tischler/gesellenpruefung"),
            ),
            (
                "tischler/",
                "teil-2.md#ablauf",
                Some("/tischler/teil-2#ablauf"),
            ),
            ("tischler/", "../baecker/_index.md", Some("/baecker/")),
            ("tischler/", "../baecker/", Some("/baecker/")),
            ("tischler/", "plan.pdf", Some("/tischler/plan.pdf")),
            ("", "kontakt.md", Some("/kontakt")),
            ("a/b/", "../../x.md", Some("/x")),
            ("a/", "../../../etc/passwd", Some("/etc/passwd")),
            ("a/", "/kontakt.md", Some("/kontakt")),
            ("a/", "https://example.org/x.md", None),
            ("a/", "mailto:info@example.org", None),
            ("a/", "#abschnitt", None),
            ("a/", "//example.org/", None),
        ];
        for (base, dest, want) in cases {
            assert_eq!(resolve_link(base, dest).as_deref(), want, "{base} + {dest}");
        }
        let r = render(
            "tischler/a.md",
            "[B](b.md) [PDF](plan.pdf) [ext](https://example.org)",
        );
        assert!(r.html().contains(r#"href="/tischler/b""#), "{}", r.html());
        assert!(
            r.html().contains(r#"href="/tischler/plan.pdf""#),
            "{}",
            r.html()
        );
        assert_eq!(r.internal_links, ["/tischler/b", "/tischler/plan.pdf"]);
    }

    #[test]
    fn images_without_alt_are_reported() {
        let r = render("a.md", "![](bild.png) ![Ein Bild](zwei.png)");
        assert_eq!(r.images_without_alt, ["bild.png"]);
    }

    #[test]
    fn links_and_images_know_their_line() {
        let r = render(
            "t/a.md",
            "Text\n\n## [Kopf](k.md)\n\n- [B](b.md)\n- ![](c.png)\n\n[ref]\n\n[ref]: d.md\n",
        );
        assert_eq!(r.internal_links, ["/t/k", "/t/b", "/t/c.png", "/t/d"]);
        assert_eq!(r.internal_link_lines, [3, 5, 6, 8]);
        assert_eq!(r.images_without_alt_lines, [6]);
    }

    /// Hostile Markdown: nothing that can run may survive the sanitizer.
    #[test]
    fn sanitizes_hostile_markdown() {
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[klick](javascript:alert(1))",
            "[klick](JaVaScRiPt:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<iframe src=\"https://example.org\"></iframe>",
            "<svg><script>alert(1)</script></svg>",
            "<div onclick=\"alert(1)\" style=\"background:url(javascript:alert(1))\">x</div>",
            "<form action=\"https://example.org\"><input type=\"text\" name=\"p\"></form>",
            "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<style>body{background:red}</style>",
            "<p style=\"x:expression(alert(1))\">y</p>",
        ];
        for md in hostile {
            let html = render("a.md", md).html().to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onclick",
                "javascript:",
                "data:",
                "<iframe",
                "<svg",
                "style",
                "<form",
                "type=\"text\"",
                "<object",
                "<embed",
                "<math",
            ] {
                assert!(!html.contains(bad), "{md:?} left {bad:?} in {html:?}");
            }
        }
    }

    #[test]
    fn images_from_other_hosts_are_dropped() {
        for md in [
            "![x](https://example.org/a.png)",
            "<img src=\"http://example.org/a.png\" alt=\"x\">",
            "<img src=\"//example.org/a.png\" alt=\"x\">",
            "<img src=\" https://example.org/a.png\" alt=\"x\">",
            "<img src=\"/\\example.org/a.png\" alt=\"x\">",
        ] {
            let html = render("a.md", md).html();
            assert!(!html.contains("example.org"), "{md}: {html}");
        }
        let html = render("t/a.md", "![Plan](plan.png)").html();
        assert!(html.contains(r#"src="/t/plan.png""#), "{html}");
    }

    #[test]
    fn plain_text_has_no_markup() {
        let r = render(
            "a.md",
            "## Titel\n\nEin **fetter** Text mit `code` und <b>HTML</b>.\n",
        );
        let text = r.plain_text();
        assert!(text.contains("Titel"));
        assert!(text.contains("Ein fetter Text mit code und"), "{text}");
        assert!(!text.contains('<'));
    }

    #[test]
    fn slugs_are_ascii_and_stable() {
        assert_eq!(slug("Prüfung & Ablauf"), "pruefung-ablauf");
        assert_eq!(slug("  Größe der Straße "), "groesse-der-strasse");
        assert_eq!(slug("!!!"), "abschnitt");
    }
}
