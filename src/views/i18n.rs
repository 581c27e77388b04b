//! The UI language and the one catalogue of every UI text, German and English.
//!
//! Content stays in its own language (German); only the frame around it, the labels,
//! forms and messages change. English pages live under the URL prefix `/en/`, so the
//! choice is remembered without cookies: every link on an English page stays under
//! `/en/`. Texts with values in them are methods on [`Lang`] that `match` on the
//! language, so that both versions of a sentence sit side by side.

use crate::calendar::{weekday_name, when_german};
use crate::content::{Date, DateTime, EventStatus, Kind};

/// The URL prefix of English pages.
pub const EN_PREFIX: &str = "/en";

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// German, the default.
    #[default]
    De,
    /// English.
    En,
}

impl Lang {
    /// Both languages, German first.
    pub const ALL: [Lang; 2] = [Lang::De, Lang::En];

    /// The BCP 47 code for `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The Open Graph locale.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::De => "de_DE",
            Lang::En => "en_GB",
        }
    }

    /// The other language (the target of the switch in the header).
    pub fn other(self) -> Lang {
        match self {
            Lang::De => Lang::En,
            Lang::En => Lang::De,
        }
    }

    /// All texts of this language.
    pub fn t(self) -> &'static Texts {
        match self {
            Lang::De => &DE,
            Lang::En => &EN,
        }
    }

    /// A site path (`/suche`, `/`) in this language (`/en/suche`, `/en/`).
    pub fn url(self, path: &str) -> String {
        match self {
            Lang::De => path.to_owned(),
            Lang::En if path.starts_with('/') && !path.starts_with("//") => {
                format!("{EN_PREFIX}{path}")
            }
            Lang::En => path.to_owned(),
        }
    }

    /// Splits a request path into its language and the German path:
    /// `/en/tischler/` -> (En, `/tischler/`), `/en` -> (En, `/`), `/tischler/` -> (De, same).
    pub fn of_path(path: &str) -> (Lang, &str) {
        match path.strip_prefix(EN_PREFIX) {
            Some("") => (Lang::En, "/"),
            Some(rest) if rest.starts_with('/') => (Lang::En, rest),
            _ => (Lang::De, path),
        }
    }

    /// The language an `Accept-Language` header prefers among ours, if it names one.
    /// Ties go to German; `*` and unknown languages do not count.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, u16)> = None;
        for item in header.split(',').take(MAX_ACCEPT_LANGUAGE_ITEMS) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "de" => Lang::De,
                "en" => Lang::En,
                _ => continue,
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(1000, parse_quality);
            if quality == 0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((held, q)) => {
                    quality > q || (quality == q && lang == Lang::De && held != lang)
                }
            };
            if better {
                best = Some((lang, quality));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// A note about the reader's input in this language.
    pub fn note(self, note: &Note) -> String {
        match (self, note) {
            (Lang::De, Note::UnknownTrade(v)) => {
                format!("Das Gewerk „{v}“ gibt es nicht; der Filter wurde ignoriert.")
            }
            (Lang::En, Note::UnknownTrade(v)) => {
                format!("There is no trade “{v}”; the filter was ignored.")
            }
            (Lang::De, Note::UnknownKind(v)) => {
                format!("Die Art „{v}“ gibt es nicht; der Filter wurde ignoriert.")
            }
            (Lang::En, Note::UnknownKind(v)) => {
                format!("There is no type “{v}”; the filter was ignored.")
            }
            (Lang::De, Note::BadYear(v)) => {
                format!("„{v}“ ist kein Ausbildungsjahr (1 bis 4); der Filter wurde ignoriert.")
            }
            (Lang::En, Note::BadYear(v)) => {
                format!("“{v}” is not a year of training (1 to 4); the filter was ignored.")
            }
            (Lang::De, Note::BadPage(v)) => {
                format!("„{v}“ ist keine Seitenzahl; Seite 1 wird gezeigt.")
            }
            (Lang::En, Note::BadPage(v)) => {
                format!("“{v}” is not a page number; page 1 is shown.")
            }
            (Lang::De, Note::BadLimit { value, default }) => {
                format!("„{value}“ ist keine gültige Anzahl; {default} Treffer je Seite.")
            }
            (Lang::En, Note::BadLimit { value, default }) => {
                format!("“{value}” is not a valid number; {default} results per page.")
            }
            (Lang::De, Note::QueryCut { chars, words }) => format!(
                "Die Suchanfrage war sehr lang und wurde auf {chars} Zeichen bzw. {words} Wörter gekürzt."
            ),
            (Lang::En, Note::QueryCut { chars, words }) => format!(
                "The search query was very long and was cut to {chars} characters or {words} words."
            ),
            (Lang::De, Note::DatesUnknownTrade(v)) => format!(
                "Das Gewerk „{v}“ gibt es nicht; es werden die Termine aller Gewerke gezeigt."
            ),
            (Lang::En, Note::DatesUnknownTrade(v)) => {
                format!("There is no trade “{v}”; the dates of all trades are shown.")
            }
            (Lang::De, Note::DatesUnknownKind(v)) => {
                format!("Die Art „{v}“ gibt es nicht; es werden Termine aller Arten gezeigt.")
            }
            (Lang::En, Note::DatesUnknownKind(v)) => {
                format!("There is no type “{v}”; dates of all types are shown.")
            }
            (Lang::De, Note::BadQueryString) => {
                "Die Adresse enthielt ungültige Zeichen; die Filter wurden ignoriert.".to_owned()
            }
            (Lang::En, Note::BadQueryString) => {
                "The address contained invalid characters; the filters were ignored.".to_owned()
            }
        }
    }

    /// The text of a 400 page for a path that can never name a page.
    pub fn path_problem(self, problem: PathProblem) -> &'static str {
        match (self, problem) {
            (Lang::De, PathProblem::InvalidEncoding) => "Die Adresse enthält ungültige Zeichen.",
            (Lang::En, PathProblem::InvalidEncoding) => "The address contains invalid characters.",
            (Lang::De, PathProblem::ForbiddenCharacters) => {
                "Die Adresse enthält unzulässige Zeichen."
            }
            (Lang::En, PathProblem::ForbiddenCharacters) => {
                "The address contains characters that are not allowed."
            }
            (Lang::De, PathProblem::DotSegments) => "Die Adresse enthält unzulässige Pfadangaben.",
            (Lang::En, PathProblem::DotSegments) => {
                "The address contains path segments that are not allowed."
            }
            (Lang::De, PathProblem::NotAbsolute) => "Die Adresse muss mit / beginnen.",
            (Lang::En, PathProblem::NotAbsolute) => "The address must start with /.",
        }
    }

    /// The text of the 414 page.
    pub fn uri_too_long(self, max_bytes: usize) -> String {
        match self {
            Lang::De => format!(
                "Die Adresse ist länger als {max_bytes} Zeichen. Bitte kürzen Sie die Suchanfrage."
            ),
            Lang::En => format!(
                "The address is longer than {max_bytes} characters. Please shorten the search query."
            ),
        }
    }

    /// The text of the 431 page.
    pub fn headers_too_large(self, max_bytes: usize) -> String {
        match self {
            Lang::De => format!(
                "Die Kopfzeilen der Anfrage sind größer als {max_bytes} Bytes. Bitte löschen Sie die Cookies dieser Seite oder versuchen Sie es mit einem anderen Browser."
            ),
            Lang::En => format!(
                "The request headers are larger than {max_bytes} bytes. Please delete this site's cookies or try another browser."
            ),
        }
    }

    /// The text of the 429 page and the API's 429 answer.
    pub fn too_many_requests(self, seconds: u64) -> String {
        match (self, seconds) {
            (Lang::De, 1) => "Zu viele Suchanfragen in kurzer Zeit. Bitte warten Sie 1 Sekunde und versuchen Sie es dann erneut.".to_owned(),
            (Lang::De, n) => format!("Zu viele Suchanfragen in kurzer Zeit. Bitte warten Sie {n} Sekunden und versuchen Sie es dann erneut."),
            (Lang::En, 1) => "Too many searches in a short time. Please wait 1 second and try again.".to_owned(),
            (Lang::En, n) => format!("Too many searches in a short time. Please wait {n} seconds and try again."),
        }
    }

    /// "3 Treffer für „x“, Seite 1 von 2".
    pub fn hits(self, total: usize) -> String {
        match (self, total) {
            (Lang::De, 0) => "Keine Treffer".to_owned(),
            (Lang::De, n) => format!("{n} Treffer"),
            (Lang::En, 0) => "No results".to_owned(),
            (Lang::En, 1) => "1 result".to_owned(),
            (Lang::En, n) => format!("{n} results"),
        }
    }

    /// " für „Prüfung“".
    pub fn for_query(self, query: &str) -> String {
        match self {
            Lang::De => format!(" für „{query}“"),
            Lang::En => format!(" for “{query}”"),
        }
    }

    /// The meta description of a results page: "12 Treffer für „prüfung“: …".
    pub fn search_description(self, total: usize, query: &str) -> String {
        let what = match self {
            Lang::De => "Lernmaterial, Prüfungen und Kurse",
            Lang::En => "learning material, exams and courses",
        };
        format!("{}{}: {what}.", self.hits(total), self.for_query(query))
    }

    /// "Seite 2 von 5".
    pub fn page_of(self, page: usize, pages: usize) -> String {
        match self {
            Lang::De => format!("Seite {page} von {pages}"),
            Lang::En => format!("Page {page} of {pages}"),
        }
    }

    /// "2. Ausbildungsjahr".
    pub fn training_year(self, year: u8) -> String {
        match self {
            Lang::De => format!("{year}. Ausbildungsjahr"),
            Lang::En => format!("Year {year} of training"),
        }
    }

    /// "2. Jahr (4)" in the year filter.
    pub fn year_option(self, year: u8, count: usize) -> String {
        match self {
            Lang::De => format!("{year}. Jahr ({count})"),
            Lang::En => format!("Year {year} ({count})"),
        }
    }

    /// "3 Termine".
    pub fn dates_count(self, n: usize) -> String {
        match (self, n) {
            (Lang::De, 0) => "Keine Termine".to_owned(),
            (Lang::De, 1) => "1 Termin".to_owned(),
            (Lang::De, n) => format!("{n} Termine"),
            (Lang::En, 0) => "No dates".to_owned(),
            (Lang::En, 1) => "1 date".to_owned(),
            (Lang::En, n) => format!("{n} dates"),
        }
    }

    /// " für Tischler/in" after the dates count.
    pub fn for_trade(self, trade: &str) -> String {
        match self {
            Lang::De => format!(" für {trade}"),
            Lang::En => format!(" for {trade}"),
        }
    }

    /// "Abgelaufene Hinweise (3)".
    pub fn expired_notices_link(self, n: usize) -> String {
        format!("{} ({n})", self.t().expired_notices)
    }

    /// The title of the start page: "Ausbildungsportal der Handwerkskammer Musterstadt".
    pub fn home_title(self, title: &str, name: &str) -> String {
        match self {
            Lang::De => format!("{title} der {name}"),
            Lang::En => format!("{title} – {name}"),
        }
    }

    /// A document kind, singular.
    pub fn kind(self, kind: Kind) -> &'static str {
        match self {
            Lang::De => kind.label(),
            Lang::En => match kind {
                Kind::Lernmaterial => "Learning material",
                Kind::Pruefung => "Exam",
                Kind::Kurs => "Course",
                Kind::Uelu => "ÜLU (inter-company training)",
                Kind::Hinweis => "Notice",
                Kind::Seite => "Page",
            },
        }
    }

    /// A document kind as a group heading.
    pub fn kind_plural(self, kind: Kind) -> &'static str {
        match self {
            Lang::De => kind.plural(),
            Lang::En => match kind {
                Kind::Lernmaterial => "Learning material",
                Kind::Pruefung => "Exams",
                Kind::Kurs => "Courses and further training",
                Kind::Uelu => "Inter-company apprentice training (ÜLU)",
                Kind::Hinweis => "Notices",
                Kind::Seite => "Other pages",
            },
        }
    }

    /// An event's status in words.
    pub fn status(self, status: EventStatus) -> &'static str {
        match self {
            Lang::De => status.label(),
            Lang::En => match status {
                EventStatus::FindetStatt => "takes place",
                EventStatus::Verschoben => "postponed",
                EventStatus::Abgesagt => "cancelled",
            },
        }
    }

    /// A date for people: "8. Januar 2026" / "8 January 2026".
    pub fn date(self, date: Date) -> String {
        match self {
            Lang::De => date.german(),
            Lang::En => format!(
                "{} {} {}",
                date.0.day(),
                MONTHS_EN[date.0.month() as usize - 1],
                date.0.year()
            ),
        }
    }

    /// A span of time in words: `Friday, 12 March 2027, 08:00 to 12:00`.
    pub fn when(self, start: DateTime, end: Option<DateTime>) -> String {
        if self == Lang::De {
            return when_german(start, end);
        }
        let day = |d: Date| format!("{}, {}", weekday_en(d), self.date(d));
        match end {
            None => format!("{}, {}", day(start.date()), start.clock()),
            Some(end) if end.date() == start.date() => format!(
                "{}, {} to {}",
                day(start.date()),
                start.clock(),
                end.clock()
            ),
            Some(end) => format!(
                "{}, {} to {}, {}",
                day(start.date()),
                start.clock(),
                day(end.date()),
                end.clock()
            ),
        }
    }

    /// A short day: `Fr. 12.03.2027` / `Fri 12.03.2027`.
    pub fn short_day(self, day: Date) -> String {
        let name = match self {
            Lang::De => format!("{}.", &weekday_name(day)[..2]),
            Lang::En => weekday_en(day)[..3].to_owned(),
        };
        format!(
            "{name} {:02}.{:02}.{}",
            day.0.day(),
            day.0.month(),
            day.0.year()
        )
    }

    /// A month heading: "März 2027" / "March 2027".
    pub fn month(self, year: i16, month: i8) -> String {
        let names = match self {
            Lang::De => &crate::content::model::MONTHS,
            Lang::En => &MONTHS_EN,
        };
        format!("{} {year}", names[month as usize - 1])
    }

    /// A file size: "12 KB", "1,4 MB" / "1.4 MB".
    pub fn file_size(self, bytes: usize) -> String {
        if bytes < 1024 * 1024 {
            format!("{} KB", bytes.div_ceil(1024))
        } else {
            let mb = format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0));
            match self {
                Lang::De => mb.replace('.', ","),
                Lang::En => mb,
            }
        }
    }
}

/// A note about the reader's input, shown above results: a value that was ignored or
/// a query that was cut. The values are the reader's own text, already shortened for
/// echoing; the sentence around them comes from [`Lang::note`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A search filter named a trade that does not exist.
    UnknownTrade(String),
    /// A search filter named a kind that does not exist.
    UnknownKind(String),
    /// The year filter was not 1 to 4.
    BadYear(String),
    /// The page number was not a number from 1 up.
    BadPage(String),
    /// The API's `limit` was not a number from 1 up; `default` hits per page are used.
    BadLimit {
        /// What was given.
        value: String,
        /// Hits per page used instead.
        default: usize,
    },
    /// The query was longer than the search reads.
    QueryCut {
        /// Most characters read.
        chars: usize,
        /// Most words read.
        words: usize,
    },
    /// The dates page's trade filter named a trade that does not exist.
    DatesUnknownTrade(String),
    /// The dates page's kind filter named a kind that does not exist.
    DatesUnknownKind(String),
    /// The query string could not be decoded at all.
    BadQueryString,
}

/// Why a request path can never name a page (the text of the 400 page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathProblem {
    /// Not valid UTF-8 once decoded.
    InvalidEncoding,
    /// Control characters or backslashes.
    ForbiddenCharacters,
    /// `.` or `..` segments.
    DotSegments,
    /// Does not start with `/`.
    NotAbsolute,
}

/// How many items of an `Accept-Language` header are looked at; browsers send a few.
const MAX_ACCEPT_LANGUAGE_ITEMS: usize = 16;

/// A quality value `0.8` as thousandths; anything unreadable counts as 0.
fn parse_quality(q: &str) -> u16 {
    let q = q.trim();
    match q.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => (v * 1000.0).round() as u16,
        _ => 0,
    }
}

/// The English name of a day's weekday.
fn weekday_en(day: Date) -> &'static str {
    WEEKDAYS_EN[day.0.weekday().to_monday_zero_offset() as usize]
}

/// English weekday names, Monday first.
const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// English month names, January first.
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Every fixed UI text. Field names say where a text is used.
#[derive(Debug)]
pub struct Texts {
    /// The skip link at the top of every page.
    pub skip_link: &'static str,
    /// Label of the main navigation landmark.
    pub main_nav: &'static str,
    /// Link to the dates page.
    pub dates: &'static str,
    /// Link to the notices board.
    pub notices: &'static str,
    /// Label of search inputs.
    pub search_term: &'static str,
    /// Placeholder of the header search.
    pub search_placeholder: &'static str,
    /// Search buttons.
    pub search_button: &'static str,
    /// The language switch's text (the name of the *other* language, in that language).
    pub switch_label: &'static str,
    /// Label of the language switch for screen readers.
    pub switch_hint: &'static str,
    /// Label of the banner region.
    pub banner_label: &'static str,
    /// "Hinweis: " before the banner text.
    pub banner_prefix: &'static str,
    /// The banner's link.
    pub read_more: &'static str,
    /// "Telefon: ".
    pub phone: &'static str,
    /// "E-Mail: ".
    pub email: &'static str,
    /// "Inhaltsversion " before the fingerprint.
    pub content_version: &'static str,
    /// Label of the footer navigation.
    pub service_nav: &'static str,
    /// Footer link labels.
    pub contact: &'static str,
    /// Footer link labels.
    pub imprint: &'static str,
    /// Footer link labels.
    pub accessibility: &'static str,
    /// Print line: where the page was printed from.
    pub printed_from: &'static str,
    /// "Stand: ".
    pub as_of: &'static str,
    /// "gültig bis ".
    pub valid_until: &'static str,
    /// Label of the start page's big search.
    pub home_search_label: &'static str,
    /// Placeholder of the start page's big search.
    pub home_search_placeholder: &'static str,
    /// Start page: trades heading.
    pub trades: &'static str,
    /// Start page: other sections heading.
    pub other_sections: &'static str,
    /// Start page: newest documents heading.
    pub recently_updated: &'static str,
    /// Section page: sub-sections heading.
    pub sections: &'static str,
    /// Section page: documents for every training year.
    pub all_years: &'static str,
    /// Section page: empty section.
    pub empty_section: &'static str,
    /// Document page: table of contents heading.
    pub toc: &'static str,
    /// Document page: attachments heading.
    pub downloads: &'static str,
    /// Label of the neighbours navigation.
    pub more_in_section: &'static str,
    /// Breadcrumbs label.
    pub breadcrumbs: &'static str,
    /// The first breadcrumb.
    pub start: &'static str,
    /// 404 title.
    pub not_found_title: &'static str,
    /// 404 text.
    pub not_found_text: &'static str,
    /// Link back to the start page.
    pub to_home: &'static str,
    /// Title of a 400 page.
    pub bad_request_title: &'static str,
    /// Title of a 500 page.
    pub internal_error_title: &'static str,
    /// Text of a 500 page.
    pub internal_error_text: &'static str,
    /// Title of a 414 page.
    pub uri_too_long_title: &'static str,
    /// Title of a 431 page.
    pub headers_too_large_title: &'static str,
    /// Title of a 429 page.
    pub too_many_requests_title: &'static str,
    /// The plain-text answer to methods other than GET and HEAD (405).
    pub method_not_allowed: &'static str,
    /// Search page heading.
    pub search_title: &'static str,
    /// Filter labels.
    pub trade: &'static str,
    /// Filter labels.
    pub kind: &'static str,
    /// Filter labels.
    pub training_year: &'static str,
    /// Filter "all" options.
    pub all_trades: &'static str,
    /// Filter "all" options.
    pub all_kinds: &'static str,
    /// Filter "all" options.
    pub all_years_option: &'static str,
    /// Link that clears the filters.
    pub reset_filters: &'static str,
    /// Tips under zero results.
    pub no_results_tips: &'static str,
    /// Before a corrected query: "Meinten Sie: …?".
    pub did_you_mean: &'static str,
    /// Label of the list of matching sections under a hit.
    pub matching_sections: &'static str,
    /// Lead-in to the trades under zero results.
    pub browse_trades: &'static str,
    /// Label of the results pager.
    pub results_pages: &'static str,
    /// Pager links.
    pub previous_page: &'static str,
    /// Pager links.
    pub next_page: &'static str,
    /// The search page without input.
    pub search_prompt: &'static str,
    /// Dates page title.
    pub past_dates: &'static str,
    /// Dates page lead.
    pub dates_lead: &'static str,
    /// Dates page: subscription box heading.
    pub subscribe_title: &'static str,
    /// Dates page: subscription box text.
    pub subscribe_text: &'static str,
    /// Dates page: subscribe link.
    pub subscribe: &'static str,
    /// Dates page: download link.
    pub download_ics: &'static str,
    /// Dates page: subscribe to all trades.
    pub subscribe_all: &'static str,
    /// Dates page: filter button.
    pub show_dates: &'static str,
    /// Dates count suffix when one trade is chosen.
    pub with_all_trade_dates: &'static str,
    /// No past dates.
    pub no_past_dates: &'static str,
    /// No upcoming dates (without the full stop).
    pub no_upcoming_dates: &'static str,
    /// Continues the two above when a filter is set.
    pub matching_filter: &'static str,
    /// Link to all dates.
    pub show_all_dates: &'static str,
    /// Link to the upcoming dates.
    pub upcoming_dates: &'static str,
    /// Description of the dates page.
    pub dates_description: &'static str,
    /// Notices: expired title.
    pub expired_notices: &'static str,
    /// Notices: expired lead.
    pub expired_lead: &'static str,
    /// Notices: current lead.
    pub notices_lead: &'static str,
    /// Notices: feed link.
    pub notices_feed: &'static str,
    /// No expired notices.
    pub no_expired_notices: &'static str,
    /// No current notices.
    pub no_current_notices: &'static str,
    /// Link to the current notices.
    pub current_notices: &'static str,
    /// Description of the notices board.
    pub notices_description: &'static str,
    /// Start page: notices heading.
    pub current_notices_heading: &'static str,
    /// Start page: link to all notices.
    pub all_notices: &'static str,
    /// Start page: dates heading (also the label of a hit's dates).
    pub next_dates: &'static str,
    /// "Es stehen keine Termine an."
    pub no_dates: &'static str,
    /// Link to all dates.
    pub all_dates: &'static str,
    /// Link to the calendar file.
    pub calendar_file: &'static str,
    /// A document's dates heading.
    pub dates_heading: &'static str,
    /// Link from a document's dates to the dates page.
    pub all_chamber_dates: &'static str,
    /// A single date's calendar link.
    pub add_to_calendar: &'static str,
    /// Highlight of today's dates.
    pub today: &'static str,
    /// Highlight of this week's dates.
    pub this_week: &'static str,
    /// "Neuer Termin: ".
    pub new_date: &'static str,
    /// "Ursprünglich: ".
    pub originally: &'static str,
    /// A postponed date without a new one.
    pub new_date_follows: &'static str,
    /// After a cancelled date.
    pub does_not_take_place: &'static str,
    /// "Ort: ".
    pub location: &'static str,
    /// "Uhr" after a time.
    pub oclock: &'static str,
    /// About page title.
    pub about_title: &'static str,
    /// Save-for-offline box heading on trade pages.
    pub offline_heading: &'static str,
    /// Save-for-offline explanation.
    pub offline_text: &'static str,
    /// Save-for-offline button.
    pub offline_save: &'static str,
    /// Button that deletes the stored copies.
    pub offline_remove: &'static str,
    /// The offline page's title.
    pub offline_title: &'static str,
    /// The offline page's explanation.
    pub offline_page_text: &'static str,
    /// Heading of the list of stored trades on the offline page.
    pub offline_saved_heading: &'static str,
    /// Shown when nothing is stored (or without scripts).
    pub offline_nothing: &'static str,
    /// Script message while saving: `{done}` of `{total}` files, `{size}` so far.
    pub offline_progress: &'static str,
    /// Script message after saving, with `{total}`, `{size}`, `{used}`, `{version}`.
    pub offline_done: &'static str,
    /// Script message when saving failed.
    pub offline_failed: &'static str,
    /// Script message after deleting the stored copy.
    pub offline_removed: &'static str,
    /// One stored trade on the offline page: `{count}`, `{size}`, `{date}`.
    pub offline_saved_item: &'static str,
    /// The export's search page: no full-text search here.
    pub export_search_unavailable: &'static str,
    /// The export's search page: why.
    pub export_search_why: &'static str,
    /// The export's search page: what instead.
    pub export_search_instead: &'static str,
    /// The export's search page: by trade.
    pub by_trade: &'static str,
    /// The export's search page: by kind.
    pub by_kind: &'static str,
}

/// German texts.
pub static DE: Texts = Texts {
    skip_link: "Zum Inhalt springen",
    main_nav: "Hauptnavigation",
    dates: "Termine",
    notices: "Hinweise",
    search_term: "Suchbegriff",
    search_placeholder: "Suchen …",
    search_button: "Suchen",
    switch_label: "English",
    switch_hint: "Diese Seite auf Englisch",
    banner_label: "Wichtiger Hinweis",
    banner_prefix: "Hinweis: ",
    read_more: "Mehr erfahren",
    phone: "Telefon: ",
    email: "E-Mail: ",
    content_version: "Inhaltsversion ",
    service_nav: "Service",
    contact: "Kontakt",
    imprint: "Impressum",
    accessibility: "Barrierefreiheit",
    printed_from: "Gedruckt aus dem Portal: ",
    as_of: "Stand: ",
    valid_until: "gültig bis ",
    home_search_label: "Lernmaterial, Prüfungen und Kurse durchsuchen",
    home_search_placeholder: "z. B. Gesellenprüfung Tischler",
    trades: "Gewerke",
    other_sections: "Weitere Bereiche",
    recently_updated: "Zuletzt aktualisiert",
    sections: "Bereiche",
    all_years: "Alle Ausbildungsjahre",
    empty_section: "In diesem Bereich gibt es noch keine Dokumente.",
    toc: "Inhalt",
    downloads: "Dateien zum Herunterladen",
    more_in_section: "Weitere Dokumente in diesem Bereich",
    breadcrumbs: "Brotkrümelnavigation",
    start: "Startseite",
    not_found_title: "Seite nicht gefunden",
    not_found_text: "Unter dieser Adresse gibt es keine Seite. Vielleicht hilft die Suche weiter:",
    to_home: "Zur Startseite",
    bad_request_title: "Ungültige Anfrage",
    internal_error_title: "Interner Fehler",
    internal_error_text: "Die Anfrage konnte nicht beantwortet werden. Bitte versuchen Sie es später noch einmal.",
    uri_too_long_title: "Adresse zu lang",
    headers_too_large_title: "Anfrage zu groß",
    too_many_requests_title: "Bitte kurz warten",
    method_not_allowed: "Nur GET und HEAD sind erlaubt: dieses Portal ist schreibgeschützt.\n",
    search_title: "Suche",
    trade: "Gewerk",
    kind: "Art",
    training_year: "Ausbildungsjahr",
    all_trades: "Alle Gewerke",
    all_kinds: "Alle Arten",
    all_years_option: "Alle Jahre",
    reset_filters: "Filter zurücksetzen",
    no_results_tips: "Tipps: Prüfen Sie die Schreibweise, verwenden Sie allgemeinere Begriffe oder entfernen Sie Filter.",
    did_you_mean: "Meinten Sie: ",
    matching_sections: "Passende Abschnitte",
    browse_trades: "Oder stöbern Sie in den Gewerken:",
    results_pages: "Seiten der Trefferliste",
    previous_page: "← Vorherige Seite",
    next_page: "Nächste Seite →",
    search_prompt: "Geben Sie einen Suchbegriff ein oder wählen Sie ein Gewerk, eine Art oder ein Ausbildungsjahr.",
    past_dates: "Vergangene Termine",
    dates_lead: "Prüfungen, Kurse und überbetriebliche Lehrgänge (ÜLU). Bereits geplante Termine finden statt, wenn hier nichts anderes steht.",
    subscribe_title: "Termine in den eigenen Kalender übernehmen",
    subscribe_text: "Wer den Kalender abonniert, bekommt Änderungen automatisch aufs Handy. Einzelne Termine übernehmen Sie mit „In Kalender übernehmen“ am Termin.",
    subscribe: "Kalender abonnieren",
    download_ics: "Kalenderdatei herunterladen (.ics)",
    subscribe_all: "Alle Gewerke abonnieren",
    show_dates: "Termine anzeigen",
    with_all_trade_dates: " (mit Terminen für alle Gewerke)",
    no_past_dates: "Es gibt keine vergangenen Termine",
    no_upcoming_dates: "Es stehen keine Termine an",
    matching_filter: ", die zum Filter passen. ",
    show_all_dates: "Alle Termine zeigen",
    upcoming_dates: "Kommende Termine",
    dates_description: "Prüfungen, Kurse und ÜLU-Lehrgänge: wann, wo und was sich geändert hat",
    expired_notices: "Abgelaufene Hinweise",
    expired_lead: "Diese Hinweise gelten nicht mehr. Sie bleiben zum Nachlesen erreichbar.",
    notices_lead: "Aktuelle Hinweise der Kammer, der neueste zuerst.",
    notices_feed: "Hinweise als Feed abonnieren (Atom)",
    no_expired_notices: "Es gibt keine abgelaufenen Hinweise.",
    no_current_notices: "Zurzeit gibt es keine aktuellen Hinweise.",
    current_notices: "Aktuelle Hinweise",
    notices_description: "Aktuelle Hinweise zu Prüfungen, Kursen und zur Erreichbarkeit",
    current_notices_heading: "Aktuelle Hinweise",
    all_notices: "Alle Hinweise",
    next_dates: "Nächste Termine",
    no_dates: "Es stehen keine Termine an.",
    all_dates: "Alle Termine",
    calendar_file: "Kalenderdatei (.ics)",
    dates_heading: "Termine",
    all_chamber_dates: "Alle Termine der Kammer",
    add_to_calendar: "In Kalender übernehmen",
    today: "Heute",
    this_week: "Diese Woche",
    new_date: "Neuer Termin: ",
    originally: "Ursprünglich: ",
    new_date_follows: "Der neue Termin wird noch bekannt gegeben.",
    does_not_take_place: " – findet nicht statt",
    location: "Ort: ",
    oclock: " Uhr",
    about_title: "Über dieses Portal",
    offline_heading: "Für unterwegs speichern",
    offline_text: "Speichert alle Dokumente und Dateien dieses Gewerks auf diesem Gerät. Sie öffnen sich dann auch ohne Netz, zum Beispiel in der Werkstatt oder im Zug.",
    offline_save: "Für offline speichern",
    offline_remove: "Gespeicherte Kopie löschen",
    offline_title: "Keine Verbindung",
    offline_page_text: "Diese Seite ist gerade nicht erreichbar und nicht auf diesem Gerät gespeichert. Seiten, die Sie schon einmal geöffnet haben, und gespeicherte Gewerke können Sie auch ohne Netz lesen.",
    offline_saved_heading: "Auf diesem Gerät gespeichert",
    offline_nothing: "Noch nichts gespeichert. Auf der Seite eines Gewerks können Sie mit „Für offline speichern“ alle seine Dokumente sichern.",
    offline_progress: "{done} von {total} Dateien gespeichert ({size}) …",
    offline_done: "Gespeichert: {total} Dateien, {size}. Dieses Portal belegt auf dem Gerät {used}. Inhaltsversion: {version}.",
    offline_failed: "Speichern fehlgeschlagen. Bitte prüfen Sie die Verbindung und den freien Speicher und versuchen Sie es noch einmal.",
    offline_removed: "Die gespeicherte Kopie wurde gelöscht.",
    offline_saved_item: "{count} Dateien, {size}, gespeichert am {date}",
    export_search_unavailable: "Die Volltextsuche ist in dieser Kopie nicht verfügbar. ",
    export_search_why: "Sie braucht das Programm werkbank auf dem Server; diese Seiten sind eine statische Kopie (zum Beispiel von einem USB-Stick oder einem einfachen Webserver).",
    export_search_instead: "Alle Inhalte finden Sie hier nach Gewerk und nach Art geordnet.",
    by_trade: "Nach Gewerk",
    by_kind: "Nach Art",
};

/// English texts.
pub static EN: Texts = Texts {
    skip_link: "Skip to content",
    main_nav: "Main navigation",
    dates: "Dates",
    notices: "Notices",
    search_term: "Search term",
    search_placeholder: "Search …",
    search_button: "Search",
    switch_label: "Deutsch",
    switch_hint: "This page in German",
    banner_label: "Important notice",
    banner_prefix: "Notice: ",
    read_more: "Details of this notice",
    phone: "Phone: ",
    email: "Email: ",
    content_version: "Content version ",
    service_nav: "Service",
    contact: "Contact",
    imprint: "Legal notice",
    accessibility: "Accessibility",
    printed_from: "Printed from the portal: ",
    as_of: "As of: ",
    valid_until: "valid until ",
    home_search_label: "Search learning material, exams and courses",
    home_search_placeholder: "e.g. Gesellenprüfung Tischler",
    trades: "Trades",
    other_sections: "More sections",
    recently_updated: "Recently updated",
    sections: "Sections",
    all_years: "All years of training",
    empty_section: "There are no documents in this section yet.",
    toc: "Contents",
    downloads: "Downloads",
    more_in_section: "More documents in this section",
    breadcrumbs: "Breadcrumbs",
    start: "Home",
    not_found_title: "Page not found",
    not_found_text: "There is no page at this address. The search may help:",
    to_home: "To the home page",
    bad_request_title: "Invalid request",
    internal_error_title: "Internal error",
    internal_error_text: "The request could not be answered. Please try again later.",
    uri_too_long_title: "Address too long",
    headers_too_large_title: "Request too large",
    too_many_requests_title: "Please wait a moment",
    method_not_allowed: "Only GET and HEAD are allowed: this portal is read-only.\n",
    search_title: "Search",
    trade: "Trade",
    kind: "Type",
    training_year: "Year of training",
    all_trades: "All trades",
    all_kinds: "All types",
    all_years_option: "All years",
    reset_filters: "Clear filters",
    no_results_tips: "Tips: check the spelling, use more general words or remove filters. The content is in German.",
    did_you_mean: "Did you mean: ",
    matching_sections: "Matching sections",
    browse_trades: "Or browse the trades:",
    results_pages: "Result pages",
    previous_page: "← Previous page",
    next_page: "Next page →",
    search_prompt: "Enter a search term or choose a trade, a type or a year of training.",
    past_dates: "Past dates",
    dates_lead: "Exams, courses and inter-company training (ÜLU). Dates take place as planned unless stated here.",
    subscribe_title: "Add the dates to your own calendar",
    subscribe_text: "Subscribe to the calendar and changes reach your phone automatically. Add single dates with “Add to calendar” at the date.",
    subscribe: "Subscribe to the calendar",
    download_ics: "Download the calendar file (.ics)",
    subscribe_all: "Subscribe to all trades",
    show_dates: "Show dates",
    with_all_trade_dates: " (including dates for all trades)",
    no_past_dates: "There are no past dates",
    no_upcoming_dates: "There are no upcoming dates",
    matching_filter: " matching the filter. ",
    show_all_dates: "Show all dates",
    upcoming_dates: "Upcoming dates",
    dates_description: "Exams, courses and ÜLU training: when, where and what has changed",
    expired_notices: "Expired notices",
    expired_lead: "These notices no longer apply. They remain available for reference.",
    notices_lead: "Current notices of the chamber, newest first.",
    notices_feed: "Subscribe to the notices (Atom feed)",
    no_expired_notices: "There are no expired notices.",
    no_current_notices: "There are no current notices.",
    current_notices: "Current notices",
    notices_description: "Current notices about exams, courses and how to reach us",
    current_notices_heading: "Current notices",
    all_notices: "All notices",
    next_dates: "Next dates",
    no_dates: "There are no upcoming dates.",
    all_dates: "All dates",
    calendar_file: "Calendar file (.ics)",
    dates_heading: "Dates",
    all_chamber_dates: "All dates of the chamber",
    add_to_calendar: "Add to calendar",
    today: "Today",
    this_week: "This week",
    new_date: "New date: ",
    originally: "Originally: ",
    new_date_follows: "The new date will be announced.",
    does_not_take_place: " – does not take place",
    location: "Place: ",
    oclock: "",
    about_title: "About this portal",
    offline_heading: "Save for on the go",
    offline_text: "Stores all documents and files of this trade on this device. They then open without a network, for example in the workshop or on the train.",
    offline_save: "Save for offline use",
    offline_remove: "Delete the stored copy",
    offline_title: "No connection",
    offline_page_text: "This page cannot be reached right now and is not stored on this device. Pages you have opened before and saved trades can be read without a network.",
    offline_saved_heading: "Stored on this device",
    offline_nothing: "Nothing stored yet. On a trade's page, “Save for offline use” stores all of its documents.",
    offline_progress: "{done} of {total} files stored ({size}) …",
    offline_done: "Stored: {total} files, {size}. This portal uses {used} on this device. Content version: {version}.",
    offline_failed: "Saving failed. Please check the connection and the free space on the device and try again.",
    offline_removed: "The stored copy was deleted.",
    offline_saved_item: "{count} files, {size}, stored on {date}",
    export_search_unavailable: "Full-text search is not available in this copy. ",
    export_search_why: "It needs the werkbank program on the server; these pages are a static copy (for example from a USB stick or a plain web server).",
    export_search_instead: "All content is listed here by trade and by type.",
    by_trade: "By trade",
    by_kind: "By type",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_language_and_german_path() {
        assert_eq!(Lang::of_path("/en/tischler/"), (Lang::En, "/tischler/"));
        assert_eq!(Lang::of_path("/en"), (Lang::En, "/"));
        assert_eq!(Lang::of_path("/en/"), (Lang::En, "/"));
        assert_eq!(Lang::of_path("/entwurf"), (Lang::De, "/entwurf"));
        assert_eq!(Lang::of_path("/tischler/"), (Lang::De, "/tischler/"));
        assert_eq!(Lang::En.url("/suche"), "/en/suche");
        assert_eq!(Lang::En.url("/"), "/en/");
        assert_eq!(Lang::De.url("/suche"), "/suche");
        assert_eq!(Lang::En.url("https://example.org/"), "https://example.org/");
    }

    #[test]
    fn accept_language_picks_the_preferred_of_ours() {
        let cases = [
            ("en-GB,en;q=0.9,de;q=0.8", Some(Lang::En)),
            ("de-DE,de;q=0.9,en;q=0.8", Some(Lang::De)),
            ("fr-FR,fr;q=0.9,en;q=0.5", Some(Lang::En)),
            ("fr-FR", None),
            ("*", None),
            ("", None),
            ("en;q=0,de;q=0.1", Some(Lang::De)),
            ("en;q=0.5,de;q=0.5", Some(Lang::De)),
            ("de;q=0.5,en;q=0.5", Some(Lang::De)),
            ("EN-us", Some(Lang::En)),
            ("en;q=banana", None),
        ];
        for (header, expected) in cases {
            assert_eq!(Lang::from_accept_language(header), expected, "{header}");
        }
    }

    #[test]
    fn english_dates_and_sizes() {
        let day = Date::parse("2026-01-08").unwrap();
        assert_eq!(Lang::De.date(day), "8. Januar 2026");
        assert_eq!(Lang::En.date(day), "8 January 2026");
        assert_eq!(Lang::De.file_size(1_468_006), "1,4 MB");
        assert_eq!(Lang::En.file_size(1_468_006), "1.4 MB");
        assert_eq!(Lang::En.file_size(2048), "2 KB");
    }
}
