//! The content model's small value types: document kinds, dates, events.

use std::fmt;

/// What kind of document a page is; drives grouping, filters and the start page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Learning material (Lernmaterial).
    Lernmaterial,
    /// Exam information (Prüfung).
    Pruefung,
    /// Further-training course (Kurs).
    Kurs,
    /// Inter-company apprentice training (ÜLU).
    Uelu,
    /// A notice (Hinweis).
    Hinweis,
    /// A plain page (contact, imprint, section introductions).
    Seite,
}

impl Kind {
    /// All kinds, in the order sections list them.
    pub const ALL: [Kind; 6] = [
        Kind::Pruefung,
        Kind::Uelu,
        Kind::Kurs,
        Kind::Lernmaterial,
        Kind::Hinweis,
        Kind::Seite,
    ];

    /// The front-matter and URL value.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Lernmaterial => "lernmaterial",
            Kind::Pruefung => "pruefung",
            Kind::Kurs => "kurs",
            Kind::Uelu => "uelu",
            Kind::Hinweis => "hinweis",
            Kind::Seite => "seite",
        }
    }

    /// The German label, singular.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Lernmaterial => "Lernmaterial",
            Kind::Pruefung => "Prüfung",
            Kind::Kurs => "Kurs",
            Kind::Uelu => "ÜLU",
            Kind::Hinweis => "Hinweis",
            Kind::Seite => "Seite",
        }
    }

    /// The German label for a group of documents of this kind.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Lernmaterial => "Lernmaterial",
            Kind::Pruefung => "Prüfungen",
            Kind::Kurs => "Kurse und Weiterbildung",
            Kind::Uelu => "Überbetriebliche Lehrlingsunterweisung (ÜLU)",
            Kind::Hinweis => "Hinweise",
            Kind::Seite => "Weitere Seiten",
        }
    }

    /// Parses the front-matter value.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.slug() == s.trim())
    }
}

/// A calendar date (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    /// Parses exactly `YYYY-MM-DD`, refusing impossible dates like 2026-02-30.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        if s.len() != 10 {
            return None;
        }
        s.parse::<jiff::civil::Date>().ok().map(Date)
    }

    /// German display form, e.g. `8. Januar 2026`.
    pub fn german(self) -> String {
        format!(
            "{}. {} {}",
            self.0.day(),
            MONTHS[self.0.month() as usize - 1],
            self.0.year()
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// German month names, January first.
pub const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// A local German date and time (`YYYY-MM-DDTHH:MM`), Europe/Berlin wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub jiff::civil::DateTime);

impl DateTime {
    /// Parses `YYYY-MM-DDTHH:MM` (a space instead of `T` is accepted too).
    pub fn parse(s: &str) -> Option<DateTime> {
        let s = s.trim();
        let (date, time) = s.split_once(['T', ' '])?;
        let date = Date::parse(date)?;
        let (hour, minute) = time.split_once(':')?;
        if hour.len() != 2 || minute.len() != 2 {
            return None;
        }
        let hour: i8 = hour.parse().ok()?;
        let minute: i8 = minute.parse().ok()?;
        let time = jiff::civil::Time::new(hour, minute, 0, 0).ok()?;
        Some(DateTime(date.0.to_datetime(time)))
    }

    /// The date part.
    pub fn date(self) -> Date {
        Date(self.0.date())
    }

    /// `HH:MM`.
    pub fn clock(self) -> String {
        format!("{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", self.date(), self.clock())
    }
}

/// Whether a date still takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventStatus {
    /// Takes place as planned.
    FindetStatt,
    /// Moved to another date.
    Verschoben,
    /// Cancelled.
    Abgesagt,
}

impl EventStatus {
    /// Parses the front-matter value.
    pub fn parse(s: &str) -> Option<EventStatus> {
        match s.trim() {
            "findet statt" => Some(EventStatus::FindetStatt),
            "verschoben" => Some(EventStatus::Verschoben),
            "abgesagt" => Some(EventStatus::Abgesagt),
            _ => None,
        }
    }

    /// The German label.
    pub fn label(self) -> &'static str {
        match self {
            EventStatus::FindetStatt => "findet statt",
            EventStatus::Verschoben => "verschoben",
            EventStatus::Abgesagt => "abgesagt",
        }
    }
}

/// A date in the calendar (exam, course, ÜLU week).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// What takes place.
    pub title: String,
    /// When it starts (local time).
    pub start: DateTime,
    /// When it ends (local time), if known.
    pub end: Option<DateTime>,
    /// Where.
    pub location: Option<String>,
    /// Whether it takes place.
    pub status: EventStatus,
    /// A one-line remark.
    pub note: Option<String>,
    /// For postponed dates: the new start.
    pub new_start: Option<DateTime>,
    /// For postponed dates: the new end.
    pub new_end: Option<DateTime>,
    /// The front-matter line the event starts on (for messages).
    pub line: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(Date::parse("2026-01-08").is_some());
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("2026-1-8").is_none());
        assert!(Date::parse("08.01.2026").is_none());
        assert_eq!(
            Date::parse("2026-01-08").unwrap().german(),
            "8. Januar 2026"
        );
    }

    #[test]
    fn date_times_are_strict() {
        assert_eq!(
            DateTime::parse("2026-03-12T08:00").unwrap().to_string(),
            "2026-03-12T08:00"
        );
        assert!(DateTime::parse("2026-03-12 08:30").is_some());
        assert!(DateTime::parse("2026-03-12T25:00").is_none());
        assert!(DateTime::parse("2026-03-12T8:00").is_none());
        assert!(DateTime::parse("2026-03-12").is_none());
    }

    #[test]
    fn kinds_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.slug()), Some(kind));
        }
        assert_eq!(Kind::parse("Prüfung"), None);
    }
}
