//! The iCalendar writer (RFC 5545): feeds of many events and files of one.
//!
//! What the RFC asks and where it is done:
//! - Lines end in CRLF and are folded at 75 octets (3.1): [`fold_into`] breaks before
//!   a character that would cross the limit, never inside a UTF-8 sequence, and starts
//!   each continuation line with one space.
//! - TEXT values escape `\`, `;`, `,` and newlines (3.3.11): [`escape_text`].
//! - Local times carry `TZID=Europe/Berlin` and the calendar defines that zone in a
//!   VTIMEZONE (3.6.5) with the EU rules: summer time from the last Sunday of March,
//!   02:00, to the last Sunday of October, 03:00. A unit test checks these rules
//!   against the bundled tz database.
//! - DTSTAMP is a UTC time (3.8.7.2). We take the document's "Stand" date, never the
//!   time of the request, so that every replica and every restart answers the same
//!   bytes; UIDs come from the content too (see [`super::event_id`]).
//! - A cancelled event keeps its UID with `STATUS:CANCELLED` and a higher SEQUENCE, so
//!   that subscribed calendars mark or drop it; a postponed one keeps its UID at the
//!   new date and says in DESCRIPTION what changed.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::{Entry, TIME_ZONE, when_german};
use crate::content::{Date, DateTime, EventStatus};

/// The longest line in octets, not counting the CRLF (RFC 5545, 3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// The media type of iCalendar files.
pub const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

/// Identifies the writer (PRODID, RFC 5545 3.7.3).
pub const PRODUCT_ID: &str = "-//werkbank//Termine//DE";

/// How often subscribed calendars should fetch the feed again (RFC 7986 REFRESH-INTERVAL
/// and the older X-PUBLISHED-TTL). During an incident dates change at short notice.
pub const REFRESH_INTERVAL: &str = "PT6H";

/// Europe/Berlin as a VTIMEZONE: the EU summer-time rules in force since 1996.
const VTIMEZONE: &[(&str, &str)] = &[
    ("BEGIN", "VTIMEZONE"),
    ("TZID", TIME_ZONE),
    ("X-LIC-LOCATION", TIME_ZONE),
    ("BEGIN", "DAYLIGHT"),
    ("TZOFFSETFROM", "+0100"),
    ("TZOFFSETTO", "+0200"),
    ("TZNAME", "CEST"),
    ("DTSTART", "19700329T020000"),
    ("RRULE", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
    ("END", "DAYLIGHT"),
    ("BEGIN", "STANDARD"),
    ("TZOFFSETFROM", "+0200"),
    ("TZOFFSETTO", "+0100"),
    ("TZNAME", "CET"),
    ("DTSTART", "19701025T030000"),
    ("RRULE", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"),
    ("END", "STANDARD"),
    ("END", "VTIMEZONE"),
];

/// Characters of a URL path that are percent-encoded in the URL property (a URI must
/// be ASCII; document paths may hold umlauts).
const URI_PATH: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');

/// What a calendar is called and where its links point.
#[derive(Debug, Clone, Copy)]
pub struct FeedInfo<'a> {
    /// The calendar's name in calendar apps (NAME, X-WR-CALNAME).
    pub name: &'a str,
    /// The portal's absolute address without a trailing slash, e.g.
    /// `https://portal.example.org`, for the URL of each event's document.
    pub base_url: &'a str,
}

/// A complete calendar with these events.
pub fn calendar(entries: &[&Entry], info: &FeedInfo<'_>) -> String {
    let mut out = Lines::default();
    out.prop("BEGIN", "VCALENDAR");
    out.prop("VERSION", "2.0");
    out.prop("PRODID", PRODUCT_ID);
    out.prop("CALSCALE", "GREGORIAN");
    out.prop("METHOD", "PUBLISH");
    out.prop("NAME", &escape_text(info.name));
    out.prop("X-WR-CALNAME", &escape_text(info.name));
    out.prop("X-WR-TIMEZONE", TIME_ZONE);
    out.prop("REFRESH-INTERVAL;VALUE=DURATION", REFRESH_INTERVAL);
    out.prop("X-PUBLISHED-TTL", REFRESH_INTERVAL);
    for (name, value) in VTIMEZONE {
        out.prop(name, value);
    }
    for entry in entries {
        event(&mut out, entry, info);
    }
    out.prop("END", "VCALENDAR");
    out.text
}

/// One VEVENT.
fn event(out: &mut Lines, entry: &Entry, info: &FeedInfo<'_>) {
    let e = &entry.event;
    let tz = format!(";TZID={TIME_ZONE}");
    out.prop("BEGIN", "VEVENT");
    out.prop("UID", &entry.uid());
    out.prop("DTSTAMP", &utc_midnight(entry.stamp));
    out.prop(&format!("DTSTART{tz}"), &local(entry.start()));
    if let Some(end) = entry.end() {
        out.prop(&format!("DTEND{tz}"), &local(end));
    }
    let summary = match e.status {
        EventStatus::Abgesagt => format!("Abgesagt: {}", e.title),
        EventStatus::Verschoben if e.new_start.is_none() => format!("Verschoben: {}", e.title),
        _ => e.title.clone(),
    };
    out.prop("SUMMARY", &escape_text(&summary));
    if let Some(location) = &e.location {
        out.prop("LOCATION", &escape_text(location));
    }
    out.prop("DESCRIPTION", &escape_text(&description(entry, info)));
    out.prop("URL;VALUE=URI", &document_url(info, &entry.doc_url));
    // Kind and trades as categories, so calendar apps can filter by them.
    let categories: Vec<String> = std::iter::once(entry.kind.label())
        .chain(entry.trade_names.iter().map(String::as_str))
        .map(escape_text)
        .collect();
    out.prop("CATEGORIES", &categories.join(","));
    let (status, sequence) = if entry.is_off() {
        ("CANCELLED", 1)
    } else if entry.is_moved() {
        ("CONFIRMED", 1)
    } else {
        ("CONFIRMED", 0)
    };
    out.prop("STATUS", status);
    out.prop("SEQUENCE", &sequence.to_string());
    out.prop("TRANSP", "OPAQUE");
    out.prop("END", "VEVENT");
}

/// What changed, the note, and where to read more, one item per line.
fn description(entry: &Entry, info: &FeedInfo<'_>) -> String {
    let e = &entry.event;
    let mut lines = Vec::new();
    match e.status {
        EventStatus::FindetStatt => {}
        EventStatus::Abgesagt => lines.push("ABGESAGT: Dieser Termin findet nicht statt.".into()),
        EventStatus::Verschoben => {
            let was = when_german(e.start, e.end);
            match e.new_start {
                Some(_) => lines.push(format!(
                    "VERSCHOBEN: Neuer Termin {}. Ursprünglich geplant: {was}.",
                    when_german(entry.start(), entry.end())
                )),
                None => lines.push(format!(
                    "VERSCHOBEN: Der Termin am {was} entfällt; der neue Termin wird noch bekannt gegeben."
                )),
            }
        }
    }
    if let Some(note) = &e.note {
        lines.push(note.clone());
    }
    lines.push(format!(
        "Mehr dazu: {} – {}",
        entry.doc_title,
        document_url(info, &entry.doc_url)
    ));
    lines.join("\n")
}

/// The absolute, ASCII-only URL of a document.
fn document_url(info: &FeedInfo<'_>, path: &str) -> String {
    format!("{}{}", info.base_url, utf8_percent_encode(path, URI_PATH))
}

/// A local time as `YYYYMMDDTHHMMSS` (used with TZID).
fn local(time: DateTime) -> String {
    time.0.strftime("%Y%m%dT%H%M%S").to_string()
}

/// Midnight UTC of a date as `YYYYMMDDT000000Z`.
fn utc_midnight(date: Date) -> String {
    format!("{}T000000Z", date.0.strftime("%Y%m%d"))
}

/// Escapes a TEXT value: `\` `;` `,` get a backslash, line breaks become `\n`, other
/// control characters (not allowed in TEXT) are dropped.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let normalized = value.replace("\r\n", "\n").replace('\r', "\n");
    for c in normalized.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at [`MAX_LINE_OCTETS`], with CRLF.
pub fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
}

/// The output, line by line.
#[derive(Default)]
struct Lines {
    text: String,
}

impl Lines {
    /// `NAME;PARAMS:value`, where the value is already escaped as its type needs.
    fn prop(&mut self, name: &str, value: &str) {
        let mut line = String::with_capacity(name.len() + value.len() + 1);
        let _ = write!(line, "{name}:{value}");
        fold_into(&mut self.text, &line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape_text(r"a,b;c\d"), r"a\,b\;c\\d");
        assert_eq!(escape_text("eins\r\nzwei\ndrei"), r"eins\nzwei\ndrei");
        assert_eq!(escape_text("a\u{7}b"), "ab");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let value = "ä".repeat(100);
        let mut out = String::new();
        fold_into(&mut out, &format!("LOCATION:{value}"));
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(line.len() <= MAX_LINE_OCTETS, "{} octets", line.len());
        }
        for line in &lines[1..] {
            assert!(line.starts_with(' '));
        }
        let unfolded = out.trim_end().replace("\r\n ", "");
        assert_eq!(unfolded, format!("LOCATION:{value}"));
    }

    /// The VTIMEZONE's rules must match the tz database: for twenty years, summer time
    /// starts on the last Sunday of March at 02:00 and ends on the last Sunday of
    /// October at 03:00 local time.
    #[test]
    fn vtimezone_rules_match_the_tz_database() {
        let tz = super::super::berlin();
        let last_sunday = |year: i16, month: i8| {
            let last = jiff::civil::date(year, month, 1).last_of_month();
            let back = i64::from(last.weekday().to_sunday_zero_offset());
            last.checked_sub(jiff::Span::new().days(back)).unwrap()
        };
        let offset = |dt: jiff::civil::DateTime| {
            tz.to_ambiguous_zoned(dt)
                .compatible()
                .unwrap()
                .offset()
                .seconds()
        };
        for year in 2020..2040 {
            let march = last_sunday(year, 3);
            let october = last_sunday(year, 10);
            assert_eq!(offset(march.at(1, 59, 0, 0)), 3600, "{year}");
            assert_eq!(offset(march.at(3, 0, 0, 0)), 7200, "{year}");
            assert_eq!(offset(october.at(1, 59, 0, 0)), 7200, "{year}");
            assert_eq!(offset(october.at(3, 0, 0, 0)), 3600, "{year}");
            // The day before each change keeps the old offset all day.
            let before = march.yesterday().unwrap().at(12, 0, 0, 0);
            assert_eq!(offset(before), 3600, "{year}");
        }
    }
}
