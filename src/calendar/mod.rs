//! Dates and notices: every event of one content version with a stable id, the queries
//! the pages and feeds ask (upcoming from a day, by trade and kind, past), the notices
//! board, and the writers for iCalendar ([`ics`]) and Atom ([`atom`]).
//!
//! Nothing here knows HTTP, and nothing reads the clock except [`Clock`]: every query
//! takes "today" as an argument, so a server that runs for weeks moves on by itself
//! and tests can pin the date.
//!
//! Event times are wall-clock times in Germany ([`TIME_ZONE`]). They are kept as civil
//! times and only turned into instants where a format needs one (Atom's `updated`); the
//! iCalendar feeds carry them with `TZID=Europe/Berlin`, so summer and winter time are
//! the calendar app's business, described by the feed's VTIMEZONE.

pub mod atom;
pub mod ics;
pub mod notices;

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::content::{Date, DateTime, Document, Event, EventStatus, Kind};
use crate::library::Library;

/// The IANA name of the time zone all content times are in.
pub const TIME_ZONE: &str = "Europe/Berlin";

/// The domain part of every event UID: names the software, not the host, so all
/// replicas and rebuilds agree.
pub const UID_DOMAIN: &str = "werkbank";

/// The change date of events when no document in the content has a "Stand".
pub const FALLBACK_STAMP: Date = Date(jiff::civil::date(2000, 1, 1));

/// How many hex digits of the content hash an event id keeps (128 bits).
const ID_HEX_DIGITS: usize = 32;

/// The German time zone, from the tz database bundled into the binary.
pub fn berlin() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(TIME_ZONE).expect("the bundled tz database knows Europe/Berlin")
}

/// Where "today" comes from: the real date in Germany, or a fixed one (tests, previews).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The current date in Europe/Berlin, read anew for every question.
    #[default]
    System,
    /// Always this date.
    Fixed(Date),
}

impl Clock {
    /// Today's date in Germany.
    pub fn today(self) -> Date {
        match self {
            Clock::System => Date(jiff::Timestamp::now().to_zoned(berlin()).date()),
            Clock::Fixed(date) => date,
        }
    }
}

/// The content-derived id of an event: the first 128 bits of the SHA-256 of the
/// document's URL, the event's title and its original start, in hex.
///
/// The original start (not the new date of a postponed event) is part of the key so
/// that postponing an event keeps its id and calendar apps move the existing entry.
pub fn event_id(doc_url: &str, event: &Event) -> String {
    let mut hash = Sha256::new();
    hash.update(doc_url.as_bytes());
    hash.update(b"\n");
    hash.update(event.title.as_bytes());
    hash.update(b"\n");
    hash.update(event.start.to_string().as_bytes());
    hash.finalize()
        .iter()
        .take(ID_HEX_DIGITS / 2)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The URL of one event's own `.ics` file.
pub fn event_ics_url(id: &str) -> String {
    format!("/termin/{id}.ics")
}

/// One event in the calendar, with what the pages and feeds need of its document.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The content-derived id (see [`event_id`]).
    pub id: String,
    /// The event as written in the front matter.
    pub event: Event,
    /// The index of its document in [`Library::documents`].
    pub doc: usize,
    /// The document's URL.
    pub doc_url: String,
    /// The document's title.
    pub doc_title: String,
    /// The document's trades; empty for dates that concern everyone.
    pub trades: Vec<String>,
    /// The display names of those trades.
    pub trade_names: Vec<String>,
    /// The document's kind (exam, course, ÜLU, …).
    pub kind: Kind,
    /// The date the event was last changed as far as we know: its document's "Stand",
    /// else the newest "Stand" of the content, else [`FALLBACK_STAMP`].
    pub stamp: Date,
}

impl Entry {
    /// The globally unique iCalendar UID, e.g. `3f2a…@werkbank`.
    pub fn uid(&self) -> String {
        format!("{}@{UID_DOMAIN}", self.id)
    }

    /// When the event takes place: the new start for a postponed event with a new
    /// date, otherwise the start.
    pub fn start(&self) -> DateTime {
        match (self.event.status, self.event.new_start) {
            (EventStatus::Verschoben, Some(new_start)) => new_start,
            _ => self.event.start,
        }
    }

    /// When the event ends, if known. A postponed event without a new end keeps its
    /// original length.
    pub fn end(&self) -> Option<DateTime> {
        let event = &self.event;
        match (event.status, event.new_start) {
            (EventStatus::Verschoben, Some(new_start)) => event.new_end.or_else(|| {
                let length = event.start.0.duration_until(event.end?.0);
                new_start.0.checked_add(length).ok().map(DateTime)
            }),
            _ => event.end,
        }
    }

    /// Whether the event was moved to a known new date.
    pub fn is_moved(&self) -> bool {
        self.event.status == EventStatus::Verschoben && self.event.new_start.is_some()
    }

    /// Whether the event does not take place at the time it is listed at: cancelled,
    /// or postponed without a new date yet.
    pub fn is_off(&self) -> bool {
        match self.event.status {
            EventStatus::FindetStatt => false,
            EventStatus::Abgesagt => true,
            EventStatus::Verschoben => self.event.new_start.is_none(),
        }
    }

    /// The first day the event is listed on.
    pub fn first_day(&self) -> Date {
        self.start().date()
    }

    /// The last day the event is listed on.
    pub fn last_day(&self) -> Date {
        self.end().map_or(self.first_day(), |end| end.date())
    }

    /// Whether the event runs on this day.
    pub fn is_on(&self, day: Date) -> bool {
        self.first_day() <= day && day <= self.last_day()
    }

    /// The URL of this event's own `.ics` file.
    pub fn ics_url(&self) -> String {
        event_ics_url(&self.id)
    }
}

/// Which events a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this trade's events (and those for all trades).
    pub trade: Option<String>,
    /// Only events of documents of this kind.
    pub kind: Option<Kind>,
}

impl Filter {
    /// Whether an entry passes. Events of documents without a trade concern every
    /// trade (exam office hours, closing days) and pass every trade filter.
    pub fn matches(&self, entry: &Entry) -> bool {
        let trade_ok = self
            .trade
            .as_ref()
            .is_none_or(|t| entry.trades.is_empty() || entry.trades.contains(t));
        let kind_ok = self.kind.is_none_or(|k| entry.kind == k);
        trade_ok && kind_ok
    }

    /// Whether any filter is set.
    pub fn is_empty(&self) -> bool {
        self.trade.is_none() && self.kind.is_none()
    }
}

/// All events of one content version, in time order.
#[derive(Debug, Default)]
pub struct Calendar {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
}

impl Calendar {
    /// Collects the events of every document (section introductions included).
    pub fn build(library: &Library) -> Calendar {
        // An event needs a change date for DTSTAMP; one derived from the content keeps
        // the feeds identical on every replica.
        let fallback = library
            .documents
            .iter()
            .filter_map(|d| d.meta.updated)
            .max()
            .unwrap_or(FALLBACK_STAMP);
        let mut entries: Vec<Entry> = library
            .documents
            .iter()
            .enumerate()
            .flat_map(|(index, doc)| entries_of(library, index, doc, fallback))
            .collect();
        entries.sort_by(|a, b| {
            a.start()
                .cmp(&b.start())
                .then_with(|| a.event.title.cmp(&b.event.title))
                .then_with(|| a.id.cmp(&b.id))
        });
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Calendar { entries, by_id }
    }

    /// Every event, in time order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The event with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// Every event passing the filter, in time order (what the feeds carry).
    pub fn all(&self, filter: &Filter) -> Vec<&Entry> {
        self.entries.iter().filter(|e| filter.matches(e)).collect()
    }

    /// Events that have not ended before `today`, in time order.
    pub fn upcoming(&self, today: Date, filter: &Filter) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.last_day() >= today && filter.matches(e))
            .collect()
    }

    /// Events that ended before `today`, the most recent first.
    pub fn past(&self, today: Date, filter: &Filter) -> Vec<&Entry> {
        let mut past: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.last_day() < today && filter.matches(e))
            .collect();
        past.reverse();
        past
    }

    /// The upcoming events of one document, at most `limit`.
    pub fn next_for_document(&self, doc: usize, today: Date, limit: usize) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.doc == doc && e.last_day() >= today)
            .take(limit)
            .collect()
    }

    /// The kinds of documents that have events, in the usual order.
    pub fn kinds(&self) -> Vec<Kind> {
        Kind::ALL
            .into_iter()
            .filter(|k| self.entries.iter().any(|e| e.kind == *k))
            .collect()
    }
}

/// The entries of one document's events, in the order written. `index` is the
/// document's place in [`Library::documents`]; `fallback` the change date for a
/// document without "Stand".
pub fn entries_of<'a>(
    library: &'a Library,
    index: usize,
    doc: &'a Document,
    fallback: Date,
) -> impl Iterator<Item = Entry> + 'a {
    let trade_names: Vec<String> = doc
        .meta
        .trades
        .iter()
        .filter_map(|slug| library.trade(slug).map(|t| t.name.clone()))
        .collect();
    doc.meta.events.iter().map(move |event| Entry {
        id: event_id(&doc.url, event),
        event: event.clone(),
        doc: index,
        doc_url: doc.url.clone(),
        doc_title: doc.meta.title.clone(),
        trades: doc.meta.trades.clone(),
        trade_names: trade_names.clone(),
        kind: doc.meta.kind,
        stamp: doc.meta.updated.unwrap_or(fallback),
    })
}

/// German weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];

/// The German name of a day's weekday.
pub fn weekday_name(day: Date) -> &'static str {
    WEEKDAYS[day.0.weekday().to_monday_zero_offset() as usize]
}

/// A span of time in German words: `Freitag, 12. März 2027, 08:00 bis 12:00 Uhr`, or
/// across days `Montag, 1. Februar 2027, 07:30 Uhr bis Freitag, 5. Februar 2027, 15:00 Uhr`.
pub fn when_german(start: DateTime, end: Option<DateTime>) -> String {
    let day = |d: Date| format!("{}, {}", weekday_name(d), d.german());
    match end {
        None => format!("{}, {} Uhr", day(start.date()), start.clock()),
        Some(end) if end.date() == start.date() => format!(
            "{}, {} bis {} Uhr",
            day(start.date()),
            start.clock(),
            end.clock()
        ),
        Some(end) => format!(
            "{}, {} Uhr bis {}, {} Uhr",
            day(start.date()),
            start.clock(),
            day(end.date()),
            end.clock()
        ),
    }
}

/// A German local time as RFC 3339 with its offset, e.g. `2027-03-12T08:00:00+01:00`
/// (for the JSON API). A time skipped by the change to summer time is read as the
/// clocks would show it after the change.
pub fn rfc3339(time: DateTime) -> String {
    match berlin().to_ambiguous_zoned(time.0).compatible() {
        Ok(zoned) => zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => time.0.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
    }
}

/// The Monday and Sunday of the week `day` is in (weeks start on Monday in Germany).
pub fn week_of(day: Date) -> (Date, Date) {
    let back = i64::from(day.0.weekday().to_monday_zero_offset());
    let monday = day
        .0
        .checked_sub(jiff::Span::new().days(back))
        .unwrap_or(day.0);
    let sunday = monday
        .checked_add(jiff::Span::new().days(6))
        .unwrap_or(monday);
    (Date(monday), Date(sunday))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(title: &str, start: &str, end: Option<&str>, status: EventStatus) -> Event {
        Event {
            title: title.to_owned(),
            start: DateTime::parse(start).unwrap(),
            end: end.map(|e| DateTime::parse(e).unwrap()),
            location: None,
            status,
            note: None,
            new_start: None,
            new_end: None,
            line: 1,
        }
    }

    fn entry(event: Event, trades: &[&str], kind: Kind) -> Entry {
        Entry {
            id: event_id("/a", &event),
            event,
            doc: 0,
            doc_url: "/a".into(),
            doc_title: "A".into(),
            trades: trades.iter().map(|s| s.to_string()).collect(),
            trade_names: Vec::new(),
            kind,
            stamp: FALLBACK_STAMP,
        }
    }

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn ids_depend_on_content_only() {
        let a = event(
            "Prüfung",
            "2027-03-12T08:00",
            None,
            EventStatus::FindetStatt,
        );
        let id = event_id("/tischler/gp", &a);
        assert_eq!(id.len(), ID_HEX_DIGITS);
        assert_eq!(id, event_id("/tischler/gp", &a.clone()));
        assert_ne!(id, event_id("/tischler/gp2", &a));
        // Postponing keeps the id: the new date is not part of the key.
        let mut moved = a.clone();
        moved.status = EventStatus::Verschoben;
        moved.new_start = DateTime::parse("2027-04-01T08:00");
        assert_eq!(id, event_id("/tischler/gp", &moved));
    }

    #[test]
    fn postponed_events_move_with_their_length() {
        let mut e = event(
            "ÜLU",
            "2027-02-01T07:30",
            Some("2027-02-05T15:00"),
            EventStatus::Verschoben,
        );
        e.new_start = DateTime::parse("2027-02-22T07:30");
        let entry = entry(e, &[], Kind::Uelu);
        assert_eq!(entry.start().to_string(), "2027-02-22T07:30");
        assert_eq!(entry.end().unwrap().to_string(), "2027-02-26T15:00");
        assert!(entry.is_moved() && !entry.is_off());
        assert!(entry.is_on(date("2027-02-24")));
        assert!(!entry.is_on(date("2027-02-03")));
    }

    #[test]
    fn filters_treat_trade_less_events_as_for_everyone() {
        let general = entry(
            event(
                "Sprechstunde",
                "2027-01-01T10:00",
                None,
                EventStatus::FindetStatt,
            ),
            &[],
            Kind::Hinweis,
        );
        let tischler = entry(
            event("GP", "2027-01-01T10:00", None, EventStatus::FindetStatt),
            &["tischler"],
            Kind::Pruefung,
        );
        let f = Filter {
            trade: Some("baecker".into()),
            kind: None,
        };
        assert!(f.matches(&general));
        assert!(!f.matches(&tischler));
        let f = Filter {
            trade: Some("tischler".into()),
            kind: Some(Kind::Pruefung),
        };
        assert!(f.matches(&tischler));
        assert!(!f.matches(&general));
    }

    #[test]
    fn spans_read_as_german() {
        let t = |s: &str| DateTime::parse(s).unwrap();
        assert_eq!(
            when_german(t("2027-03-12T08:00"), Some(t("2027-03-12T12:00"))),
            "Freitag, 12. März 2027, 08:00 bis 12:00 Uhr"
        );
        assert_eq!(
            when_german(t("2027-02-01T07:30"), Some(t("2027-02-05T15:00"))),
            "Montag, 1. Februar 2027, 07:30 Uhr bis Freitag, 5. Februar 2027, 15:00 Uhr"
        );
        assert_eq!(
            when_german(t("2027-02-01T07:30"), None),
            "Montag, 1. Februar 2027, 07:30 Uhr"
        );
    }

    #[test]
    fn weeks_run_monday_to_sunday() {
        // 2026-11-26 is a Thursday.
        assert_eq!(
            week_of(date("2026-11-26")),
            (date("2026-11-23"), date("2026-11-29"))
        );
        assert_eq!(
            week_of(date("2026-11-23")),
            (date("2026-11-23"), date("2026-11-29"))
        );
        assert_eq!(
            week_of(date("2026-11-29")),
            (date("2026-11-23"), date("2026-11-29"))
        );
    }

    #[test]
    fn the_bundled_tz_database_knows_german_summer_time() {
        let tz = berlin();
        let winter = DateTime::parse("2027-03-27T08:00").unwrap().0;
        let summer = DateTime::parse("2027-03-29T08:00").unwrap().0;
        let offset = |dt: jiff::civil::DateTime| {
            tz.to_ambiguous_zoned(dt)
                .compatible()
                .unwrap()
                .offset()
                .seconds()
        };
        assert_eq!(offset(winter), 3600);
        assert_eq!(offset(summer), 7200);
    }
}
