//! Front matter: the YAML block between `---` lines at the top of every Markdown file.
//!
//! Parsing is strict on purpose. Staff edit these files by hand during an incident, and a
//! typo that silently drops an exam date is worse than a clear error. Every problem is
//! reported as `file:line: message`, with the line counted in the whole Markdown file.

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::ContentError;
use crate::content::model::{Date, DateTime, Event, EventStatus, Kind};

/// The validated front matter of one document.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    /// The document's title (required).
    pub title: String,
    /// One line used in lists and search results.
    pub summary: Option<String>,
    /// Trade slugs (Gewerke) the document belongs to.
    pub trades: Vec<String>,
    /// The line of the `trade:` key (for messages about unknown trades), or 1.
    pub trade_line: usize,
    /// What kind of document this is.
    pub kind: Kind,
    /// Training year (Ausbildungsjahr), 1 to 4.
    pub year: Option<u8>,
    /// Free keywords.
    pub tags: Vec<String>,
    /// "Stand": when the content was last checked.
    pub updated: Option<Date>,
    /// For notices: the last day the notice is current.
    pub valid_until: Option<Date>,
    /// Dates that go into the calendar.
    pub events: Vec<Event>,
}

/// A Markdown file split into its front matter and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    /// The YAML text between the `---` lines.
    pub yaml: &'a str,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// The 1-based line of the file on which the body starts.
    pub body_line: usize,
}

/// Splits a Markdown file into front matter and body.
pub fn split<'a>(file: &str, text: &'a str) -> Result<Split<'a>, ContentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(ContentError::new(
            file,
            1,
            "die Datei muss mit Front Matter beginnen: einer Zeile `---`, YAML mit mindestens `title:` und wieder `---`",
        ));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (index, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                body: &text[offset + line.len()..],
                // Line 1 is the opening `---`, the YAML starts on line 2, and
                // `index` counts from the YAML's first line.
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(ContentError::new(
        file,
        1,
        "Front Matter wird nicht geschlossen: es fehlt die zweite Zeile `---`",
    ))
}

/// Parses and validates the YAML of a split file.
pub fn parse(file: &str, yaml: &str) -> Result<FrontMatter, ContentError> {
    // The YAML starts on line 2 of the file.
    const LINE_OFFSET: usize = 1;
    let at = |location: &serde_saphyr::Location| location.line() as usize + LINE_OFFSET;

    let raw: RawFrontMatter = if yaml.trim().is_empty() {
        RawFrontMatter::default()
    } else {
        serde_saphyr::from_str(yaml).map_err(|error| {
            let line = error.location().map(|l| at(&l)).unwrap_or(1);
            ContentError::new(file, line, yaml_message(&error))
        })?
    };

    let title = match raw.title {
        Some(title) if !title.value.trim().is_empty() => title.value.trim().to_owned(),
        Some(title) => {
            return Err(ContentError::new(
                file,
                at(&title.referenced),
                "`title` ist leer",
            ));
        }
        None => {
            return Err(ContentError::new(file, 1, "Pflichtfeld `title` fehlt"));
        }
    };

    let kind = match raw.kind {
        Some(kind) => Kind::parse(&kind.value).ok_or_else(|| {
            ContentError::new(
                file,
                at(&kind.referenced),
                format!(
                    "unbekannte Art `kind: {}`; erlaubt sind: {}",
                    kind.value,
                    Kind::ALL.map(Kind::slug).join(", ")
                ),
            )
        })?,
        None => Kind::Seite,
    };

    let year = match raw.year {
        Some(year) if (1..=4).contains(&year.value) => Some(year.value as u8),
        Some(year) => {
            return Err(ContentError::new(
                file,
                at(&year.referenced),
                format!("`year: {}` liegt nicht zwischen 1 und 4", year.value),
            ));
        }
        None => None,
    };

    let trade_line = raw.trade.as_ref().map_or(1, |t| at(&t.referenced));
    let trades = match raw.trade {
        None => Vec::new(),
        Some(trades) => {
            let list = trades.value.into_vec();
            for slug in &list {
                if !is_slug(slug) {
                    return Err(ContentError::new(
                        file,
                        at(&trades.referenced),
                        format!(
                            "`trade: {slug}` ist kein gültiger Kurzname (nur a–z, 0–9 und -, z. B. `tischler`)"
                        ),
                    ));
                }
            }
            list
        }
    };

    let date = |value: Option<Spanned<String>>, key: &str| -> Result<Option<Date>, ContentError> {
        value
            .map(|v| {
                Date::parse(&v.value).ok_or_else(|| {
                    ContentError::new(
                        file,
                        at(&v.referenced),
                        format!(
                            "`{key}: {}` ist kein gültiges Datum (erwartet JJJJ-MM-TT)",
                            v.value
                        ),
                    )
                })
            })
            .transpose()
    };
    let updated = date(raw.updated, "updated")?;
    let valid_until = date(raw.valid_until, "valid_until")?;

    let mut events: Vec<Event> = Vec::with_capacity(raw.events.len());
    for event in raw.events {
        let event = event.validate(file, &at)?;
        // Title and original start identify an event in calendars (its UID); two
        // alike would overwrite each other in people's calendar apps.
        if let Some(twin) = events
            .iter()
            .find(|e| e.title == event.title && e.start == event.start)
        {
            return Err(ContentError::new(
                file,
                event.line,
                format!(
                    "Termin doppelt: gleicher Titel und Beginn wie der Termin in Zeile {}",
                    twin.line
                ),
            ));
        }
        events.push(event);
    }

    let summary = raw
        .summary
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty());
    let tags = raw
        .tags
        .into_iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();

    Ok(FrontMatter {
        title,
        summary,
        trades,
        trade_line,
        kind,
        year,
        tags,
        updated,
        valid_until,
        events,
    })
}

/// Whether `s` is a URL-safe short name: lowercase ASCII letters, digits and `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The message of a YAML error without the source snippet (we print `file:line`).
fn yaml_message(error: &serde_saphyr::Error) -> String {
    let text = error.without_snippet().to_string();
    // The library appends its own "at line X column Y"; we already name the line.
    let text = match text.find(" at line ") {
        Some(cut) => &text[..cut],
        None => &text,
    };
    format!("ungültiges Front Matter: {}", text.trim())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<Spanned<String>>,
    summary: Option<String>,
    trade: Option<Spanned<OneOrMany>>,
    kind: Option<Spanned<String>>,
    year: Option<Spanned<i64>>,
    #[serde(default)]
    tags: Vec<String>,
    updated: Option<Spanned<String>>,
    valid_until: Option<Spanned<String>>,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    title: Spanned<String>,
    start: Spanned<String>,
    end: Option<Spanned<String>>,
    location: Option<String>,
    status: Option<Spanned<String>>,
    note: Option<String>,
    new_start: Option<Spanned<String>>,
    new_end: Option<Spanned<String>>,
}

impl RawEvent {
    fn validate(
        self,
        file: &str,
        at: &dyn Fn(&serde_saphyr::Location) -> usize,
    ) -> Result<Event, ContentError> {
        let line = at(&self.title.referenced);
        let time = |value: &Spanned<String>, key: &str| {
            DateTime::parse(&value.value).ok_or_else(|| {
                ContentError::new(
                    file,
                    at(&value.referenced),
                    format!(
                        "`{key}: {}` ist kein gültiger Zeitpunkt (erwartet JJJJ-MM-TTTHH:MM, z. B. 2027-03-12T08:00)",
                        value.value
                    ),
                )
            })
        };
        let title = self.title.value.trim().to_owned();
        if title.is_empty() {
            return Err(ContentError::new(file, line, "Termin ohne `title`"));
        }
        let start = time(&self.start, "start")?;
        let end = self.end.as_ref().map(|v| time(v, "end")).transpose()?;
        if let (Some(end), Some(raw)) = (end, &self.end)
            && end < start
        {
            return Err(ContentError::new(
                file,
                at(&raw.referenced),
                format!(
                    "Termin endet ({}) vor seinem Beginn ({})",
                    raw.value, self.start.value
                ),
            ));
        }
        let status = match &self.status {
            None => EventStatus::FindetStatt,
            Some(raw) => EventStatus::parse(&raw.value).ok_or_else(|| {
                ContentError::new(
                    file,
                    at(&raw.referenced),
                    format!(
                        "unbekannter Status `{}`; erlaubt sind: findet statt, verschoben, abgesagt",
                        raw.value
                    ),
                )
            })?,
        };
        let new_start = self
            .new_start
            .as_ref()
            .map(|v| time(v, "new_start"))
            .transpose()?;
        let new_end = self
            .new_end
            .as_ref()
            .map(|v| time(v, "new_end"))
            .transpose()?;
        if (new_start.is_some() || new_end.is_some()) && status != EventStatus::Verschoben {
            let raw = self
                .new_start
                .as_ref()
                .or(self.new_end.as_ref())
                .expect("one is set");
            return Err(ContentError::new(
                file,
                at(&raw.referenced),
                "`new_start`/`new_end` gibt es nur bei `status: verschoben`",
            ));
        }
        if let (Some(new_start), Some(new_end), Some(raw)) = (new_start, new_end, &self.new_end)
            && new_end < new_start
        {
            return Err(ContentError::new(
                file,
                at(&raw.referenced),
                "der neue Termin endet vor seinem Beginn",
            ));
        }
        Ok(Event {
            title,
            start,
            end,
            location: self
                .location
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            status,
            note: self
                .note
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            new_start,
            new_end,
            line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a whole file and returns the error text, `file:line: message`.
    fn error_of(text: &str) -> String {
        let split = match split("a/b.md", text) {
            Ok(split) => split,
            Err(e) => return e.to_string(),
        };
        parse("a/b.md", split.yaml)
            .expect_err("should fail")
            .to_string()
    }

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let s = split("x.md", "---\ntitle: A\nkind: kurs\n---\n# Hallo\n").unwrap();
        assert_eq!(s.yaml, "title: A\nkind: kurs\n");
        assert_eq!(s.body, "# Hallo\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let s = split("x.md", "\u{feff}---\r\ntitle: A\r\n---\r\nText").unwrap();
        let fm = parse("x.md", s.yaml).unwrap();
        assert_eq!(fm.title, "A");
        assert_eq!(s.body, "Text");
    }

    #[test]
    fn parses_all_fields() {
        let text = "---\ntitle: Gesellenprüfung Teil 1\nsummary: Ablauf und\n  Termine\ntrade: [tischler, baecker]\nkind: pruefung\nyear: 2\ntags: [Holz]\nupdated: 2026-01-08\nvalid_until: 2026-06-30\nevents:\n  - title: Schriftlich\n    start: 2026-03-12T08:00\n    end: 2026-03-12T12:00\n    location: Raum 2.14\n    status: verschoben\n    new_start: 2026-04-02T08:00\n---\nText\n";
        let s = split("x.md", text).unwrap();
        let fm = parse("x.md", s.yaml).unwrap();
        assert_eq!(fm.summary.as_deref(), Some("Ablauf und Termine"));
        assert_eq!(fm.trades, ["tischler", "baecker"]);
        assert_eq!(fm.kind, Kind::Pruefung);
        assert_eq!(fm.year, Some(2));
        assert_eq!(fm.tags, ["holz"]);
        assert_eq!(fm.updated.unwrap().to_string(), "2026-01-08");
        assert_eq!(fm.events.len(), 1);
        assert_eq!(fm.events[0].status, EventStatus::Verschoben);
        assert_eq!(fm.events[0].line, 12);
        assert_eq!(
            fm.events[0].new_start.unwrap().to_string(),
            "2026-04-02T08:00"
        );
    }

    /// Each case: the file, and the `file:line: ` prefix plus a word the message must hold.
    #[test]
    fn errors_name_file_and_line() {
        let cases: &[(&str, &str, &str)] = &[
            ("Kein Front Matter\n", "a/b.md:1: ", "Front Matter"),
            ("---\ntitle: A\n", "a/b.md:1: ", "nicht geschlossen"),
            ("---\nsummary: x\n---\n", "a/b.md:1: ", "title"),
            ("---\ntitle: '  '\n---\n", "a/b.md:2: ", "leer"),
            ("---\ntitle: A\nautor: B\n---\n", "a/b.md:3: ", "autor"),
            (
                "---\ntitle: A\nkind: pruefungen\n---\n",
                "a/b.md:3: ",
                "pruefungen",
            ),
            (
                "---\ntitle: A\n\nyear: 7\n---\n",
                "a/b.md:4: ",
                "zwischen 1 und 4",
            ),
            (
                "---\ntitle: A\nupdated: 2026-02-30\n---\n",
                "a/b.md:3: ",
                "Datum",
            ),
            (
                "---\ntitle: A\nvalid_until: morgen\n---\n",
                "a/b.md:3: ",
                "Datum",
            ),
            (
                "---\ntitle: A\ntrade: Tischler\n---\n",
                "a/b.md:3: ",
                "Kurzname",
            ),
            (
                "---\ntitle: A\nevents:\n  - title: E\n    start: 2026-03-12 8 Uhr\n---\n",
                "a/b.md:5: ",
                "Zeitpunkt",
            ),
            (
                "---\ntitle: A\nevents:\n  - title: E\n    start: 2026-03-12T10:00\n    end: 2026-03-12T08:00\n---\n",
                "a/b.md:6: ",
                "vor seinem Beginn",
            ),
            (
                "---\ntitle: A\nevents:\n  - title: E\n    start: 2026-03-12T10:00\n    status: ausgefallen\n---\n",
                "a/b.md:6: ",
                "ausgefallen",
            ),
            (
                "---\ntitle: A\nevents:\n  - title: E\n    start: 2026-03-12T10:00\n    raum: 3\n---\n",
                "a/b.md:6: ",
                "raum",
            ),
            (
                "---\ntitle: A\nevents:\n  - title: E\n    start: 2026-03-12T10:00\n  - title: E\n    start: 2026-03-12T10:00\n---\n",
                "a/b.md:6: ",
                "Zeile 4",
            ),
            (
                "---\ntitle: [A\n---\n",
                "a/b.md:",
                "ungültiges Front Matter",
            ),
        ];
        for (text, prefix, needle) in cases {
            let error = error_of(text);
            assert!(
                error.starts_with(prefix) && error.contains(needle),
                "for {text:?}: expected `{prefix}…{needle}…`, got `{error}`"
            );
        }
    }
}
