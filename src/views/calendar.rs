//! Dates and notices in HTML: the dates page (`/termine`), the notices board
//! (`/hinweise`), and the event items that document pages, the start page and search
//! results share.
//!
//! A status is always said in words with a symbol beside it (never by colour alone),
//! and changed times are shown next to the old ones, so that "what takes place when
//! and where, and what changed" can be read on a small black-and-white screen.

use maud::{Markup, html};

use super::{Chrome, Head, layout};
use crate::calendar::{Calendar, Entry, Filter, entries_of, week_of, when_german};
use crate::content::model::MONTHS;
use crate::content::{Date, DateTime, Document, EventStatus};
use crate::library::Library;

/// The dates page's address.
pub const DATES_URL: &str = "/termine";
/// The feed of all dates.
pub const ALL_ICS_URL: &str = "/termine.ics";
/// The notices feed.
pub const NOTICES_FEED_URL: &str = "/hinweise.xml";

/// Everything the dates page shows.
pub struct DatesPage<'a> {
    /// All events.
    pub calendar: &'a Calendar,
    /// The checked filter from the query string.
    pub filter: &'a Filter,
    /// Today in Germany.
    pub today: Date,
    /// Whether the past dates are asked for.
    pub past: bool,
    /// Notes about ignored filter values.
    pub notes: &'a [String],
    /// The portal's address with the `webcal://` scheme, for subscribe links.
    pub webcal_base: &'a str,
}

/// Everything the notices board shows.
pub struct NoticesPage<'a> {
    /// The notices to list, newest first.
    pub notices: &'a [&'a Document],
    /// Whether these are the expired ones.
    pub expired: bool,
    /// How many notices the other list has.
    pub other_count: usize,
}

/// The feed path of one trade.
pub fn trade_ics_url(slug: &str) -> String {
    format!("/termine/{slug}.ics")
}

/// `/termine`: upcoming (or past) dates grouped by month, a filter form that works
/// without JavaScript, and links to put the dates into a calendar app.
pub fn dates(chrome: &Chrome, lib: &Library, page: &DatesPage<'_>) -> Markup {
    let filter = page.filter;
    let entries = if page.past {
        page.calendar.past(page.today, filter)
    } else {
        page.calendar.upcoming(page.today, filter)
    };
    let trade = filter.trade.as_deref().and_then(|slug| lib.trade(slug));
    let feed = trade.map_or(ALL_ICS_URL.to_owned(), |t| trade_ics_url(&t.slug));
    let today = (!page.past).then_some(page.today);
    let title = if page.past {
        "Vergangene Termine"
    } else {
        "Termine"
    };
    let main = html! {
        h1 { (title) }
        p.lead {
            "Prüfungen, Kurse und überbetriebliche Lehrgänge (ÜLU). Bereits geplante Termine finden statt, wenn hier nichts anderes steht."
        }
        section.subscribe aria-labelledby="kalender-titel" {
            h2 #kalender-titel { "Termine in den eigenen Kalender übernehmen" }
            p {
                "Wer den Kalender abonniert, bekommt Änderungen automatisch aufs Handy. "
                "Einzelne Termine übernehmen Sie mit „In Kalender übernehmen“ am Termin."
            }
            ul.inline-list {
                li {
                    a href={ (page.webcal_base) (feed) } {
                        "Kalender abonnieren"
                        @if let Some(t) = trade { " (" (t.name) ")" }
                    }
                }
                li {
                    a href=(feed) type="text/calendar" {
                        "Kalenderdatei herunterladen (.ics)"
                        @if let Some(t) = trade { " (" (t.name) ")" }
                    }
                }
                @if trade.is_some() {
                    li { a href={ (page.webcal_base) (ALL_ICS_URL) } { "Alle Gewerke abonnieren" } }
                }
            }
        }
        form.search-form action=(DATES_URL) method="get" {
            div.filters {
                div.field {
                    label for="termine-gewerk" { "Gewerk" }
                    select #termine-gewerk name="gewerk" {
                        option value="" { "Alle Gewerke" }
                        @for t in &lib.trades {
                            option value=(t.slug) selected[filter.trade.as_deref() == Some(t.slug.as_str())] { (t.name) }
                        }
                    }
                }
                div.field {
                    label for="termine-art" { "Art" }
                    select #termine-art name="art" {
                        option value="" { "Alle Arten" }
                        @for kind in page.calendar.kinds() {
                            option value=(kind.slug()) selected[filter.kind == Some(kind)] { (kind.plural()) }
                        }
                    }
                }
            }
            @if page.past { input type="hidden" name="vergangen" value="1"; }
            button type="submit" { "Termine anzeigen" }
            @if !filter.is_empty() {
                " " a.reset href=(dates_url(&Filter::default(), page.past)) { "Filter zurücksetzen" }
            }
        }
        @for note in page.notes { p.note role="note" { (note) } }
        p.result-count role="status" {
            @match entries.len() {
                0 => { "Keine Termine" }
                1 => { "1 Termin" }
                n => { (n) " Termine" }
            }
            @if let Some(t) = trade { " für " (t.name) }
            @if trade.is_some() && filter.kind.is_none() { " (mit Terminen für alle Gewerke)" }
        }
        @if entries.is_empty() {
            p {
                @if page.past { "Es gibt keine vergangenen Termine" } @else { "Es stehen keine Termine an" }
                @if !filter.is_empty() { ", die zum Filter passen. " a href=(dates_url(&Filter::default(), page.past)) { "Alle Termine zeigen" } } @else { "." }
            }
        }
        @for (month, group) in by_month(&entries) {
            section.month aria-labelledby=(month.0) {
                h2 #(month.0) { (month.1) }
                ul.event-list {
                    @for entry in group { (entry_item(entry, today, true)) }
                }
            }
        }
        p.more {
            @if page.past {
                a href=(dates_url(filter, false)) { "Kommende Termine" }
            } @else {
                a href=(dates_url(filter, true)) { "Vergangene Termine" }
            }
        }
    };
    layout(
        chrome,
        &Head {
            title,
            description: Some(
                "Prüfungen, Kurse und ÜLU-Lehrgänge: wann, wo und was sich geändert hat",
            ),
            noindex: !filter.is_empty() || page.past,
            ..Head::default()
        },
        main,
    )
}

/// The `/termine` URL for a filter.
pub fn dates_url(filter: &Filter, past: bool) -> String {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if let Some(t) = &filter.trade {
        pairs.push(("gewerk", t));
    }
    if let Some(k) = filter.kind {
        pairs.push(("art", k.slug()));
    }
    if past {
        pairs.push(("vergangen", "1"));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        DATES_URL.to_owned()
    } else {
        format!("{DATES_URL}?{query}")
    }
}

/// `/hinweise`: current notices newest first; the expired ones behind a link.
pub fn notices(chrome: &Chrome, page: &NoticesPage<'_>) -> Markup {
    let title = if page.expired {
        "Abgelaufene Hinweise"
    } else {
        "Hinweise"
    };
    let main = html! {
        h1 { (title) }
        @if page.expired {
            p.lead { "Diese Hinweise gelten nicht mehr. Sie bleiben zum Nachlesen erreichbar." }
        } @else {
            p.lead { "Aktuelle Hinweise der Kammer, der neueste zuerst." }
            p { a href=(NOTICES_FEED_URL) type="application/atom+xml" { "Hinweise als Feed abonnieren (Atom)" } }
        }
        @if page.notices.is_empty() {
            p { @if page.expired { "Es gibt keine abgelaufenen Hinweise." } @else { "Zurzeit gibt es keine aktuellen Hinweise." } }
        }
        ul.doc-list {
            @for doc in page.notices { (notice_item(doc)) }
        }
        p.more {
            @if page.expired {
                a href=(super::NOTICES_URL) { "Aktuelle Hinweise" }
            } @else if page.other_count > 0 {
                a href={ (super::NOTICES_URL) "?abgelaufen=1" } { "Abgelaufene Hinweise (" (page.other_count) ")" }
            }
        }
    };
    layout(
        chrome,
        &Head {
            title,
            description: Some("Aktuelle Hinweise zu Prüfungen, Kursen und zur Erreichbarkeit"),
            noindex: page.expired,
            ..Head::default()
        },
        main,
    )
}

/// A notice in a list: title, summary, "Stand" and how long it is valid.
pub fn notice_item(doc: &Document) -> Markup {
    let meta = &doc.meta;
    html! {
        li {
            a href=(doc.url) { (meta.title) }
            @if let Some(summary) = &meta.summary { p { (summary) } }
            p.doc-meta {
                @if let Some(updated) = meta.updated {
                    span.stand { "Stand: " time datetime=(updated.to_string()) { (updated.german()) } }
                }
                @if let Some(until) = meta.valid_until {
                    " · " span.stand { "gültig bis " time datetime=(until.to_string()) { (until.german()) } }
                }
            }
        }
    }
}

/// The start page's "Nächste Termine" and "Aktuelle Hinweise" sections.
pub fn home_sections(next: &[&Entry], notices: &[&Document], today: Date) -> Markup {
    html! {
        @if !notices.is_empty() {
            section.home-notices aria-labelledby="hinweise-titel" {
                h2 #hinweise-titel { "Aktuelle Hinweise" }
                ul.doc-list { @for doc in notices { (notice_item(doc)) } }
                p.more { a href=(super::NOTICES_URL) { "Alle Hinweise" } }
            }
        }
        section aria-labelledby="termine-start-titel" {
            h2 #termine-start-titel { "Nächste Termine" }
            @if next.is_empty() {
                p { "Es stehen keine Termine an." }
            } @else {
                ul.event-list { @for entry in next { (entry_item(entry, Some(today), true)) } }
            }
            p.more { a href=(DATES_URL) { "Alle Termine" } " · " a href=(ALL_ICS_URL) type="text/calendar" { "Kalenderdatei (.ics)" } }
        }
    }
}

/// A document's own dates, in the order written, each with its calendar link. The
/// document page is rendered once, so nothing here depends on the day.
pub fn document_events(lib: &Library, doc: &Document) -> Markup {
    let index = lib.document_index(&doc.url).unwrap_or_default();
    let entries: Vec<Entry> =
        entries_of(lib, index, doc, crate::calendar::FALLBACK_STAMP).collect();
    html! {
        @if !entries.is_empty() {
            section.events aria-labelledby="termine-titel" {
                h2 #termine-titel { "Termine" }
                ul.event-list { @for entry in &entries { (entry_item(entry, None, false)) } }
                p.more { a href=(DATES_URL) { "Alle Termine der Kammer" } }
            }
        }
    }
}

/// A short line of upcoming dates under a search result.
pub fn hit_dates(entries: &[&Entry]) -> Markup {
    html! {
        @if !entries.is_empty() {
            ul.hit-dates aria-label="Nächste Termine" {
                @for entry in entries {
                    li {
                        (status_badge(entry)) " "
                        time datetime=(entry.start().to_string()) { (short_day(entry.first_day())) ", " (entry.start().clock()) " Uhr" }
                        ": " (entry.event.title)
                        " · " a href=(entry.ics_url()) { "In Kalender übernehmen" }
                    }
                }
            }
        }
    }
}

/// One event: highlight for today or this week, status in words, times (old and new),
/// place, note, and links to its document and its calendar file.
pub fn entry_item(entry: &Entry, today: Option<Date>, link_document: bool) -> Markup {
    let e = &entry.event;
    let mut class = String::from("event");
    match e.status {
        EventStatus::FindetStatt => {}
        EventStatus::Verschoben => class.push_str(" event-moved"),
        EventStatus::Abgesagt => class.push_str(" event-cancelled"),
    }
    let highlight = today.and_then(|today| {
        let (monday, sunday) = week_of(today);
        if entry.is_on(today) {
            Some(("Heute", "badge badge-today"))
        } else if entry.first_day() <= sunday && entry.last_day() >= monday {
            Some(("Diese Woche", "badge badge-week"))
        } else {
            None
        }
    });
    if let Some((_, badge)) = highlight {
        class.push_str(if badge.ends_with("today") {
            " event-today"
        } else {
            " event-week"
        });
    }
    html! {
        li class=(class) id={ "termin-" (entry.id) } {
            p.event-title {
                @if let Some((label, badge)) = highlight { span class=(badge) { (label) } " " }
                (status_badge(entry)) " "
                strong { (e.title) }
            }
            @match (e.status, e.new_start) {
                (EventStatus::Verschoben, Some(_)) => {
                    p.event-when { "Neuer Termin: " (when(entry.start(), entry.end())) }
                    p.event-was { "Ursprünglich: " del { (when(e.start, e.end)) } }
                }
                (EventStatus::Verschoben, None) => {
                    p.event-when { del { (when(e.start, e.end)) } }
                    p.event-was { "Der neue Termin wird noch bekannt gegeben." }
                }
                (EventStatus::Abgesagt, _) => {
                    p.event-when { del { (when(e.start, e.end)) } " – findet nicht statt" }
                }
                (EventStatus::FindetStatt, _) => {
                    p.event-when { (when(e.start, e.end)) }
                }
            }
            @if let Some(location) = &e.location { p.event-where { "Ort: " (location) } }
            @if let Some(note) = &e.note { p.event-note { (note) } }
            p.event-links {
                @if link_document {
                    a href=(entry.doc_url) { (entry.doc_title) }
                    @if !entry.trade_names.is_empty() { " (" (entry.trade_names.join(", ")) ")" }
                    " · "
                }
                a href=(entry.ics_url()) type="text/calendar" { "In Kalender übernehmen" }
            }
        }
    }
}

/// The status in words, with a symbol that is hidden from screen readers.
fn status_badge(entry: &Entry) -> Markup {
    let (symbol, class) = match entry.event.status {
        EventStatus::FindetStatt => ("✓", "status status-ok"),
        EventStatus::Verschoben => ("→", "status status-moved"),
        EventStatus::Abgesagt => ("✕", "status status-cancelled"),
    };
    html! {
        span class=(class) { span aria-hidden="true" { (symbol) } " " (entry.event.status.label()) }
    }
}

/// A span of time as a `<time>` element with the full German text.
fn when(start: DateTime, end: Option<DateTime>) -> Markup {
    html! { time datetime=(start.to_string()) { (when_german(start, end)) } }
}

/// `Fr. 12.03.2027`.
fn short_day(day: Date) -> String {
    let name = crate::calendar::weekday_name(day);
    format!(
        "{}. {:02}.{:02}.{}",
        &name[..2],
        day.0.day(),
        day.0.month(),
        day.0.year()
    )
}

/// Entries grouped by the month they start in: (anchor id, heading) and the entries.
fn by_month<'a>(entries: &[&'a Entry]) -> Vec<((String, String), Vec<&'a Entry>)> {
    let mut groups: Vec<((String, String), Vec<&'a Entry>)> = Vec::new();
    for entry in entries {
        let day = entry.first_day().0;
        let id = format!("monat-{}-{:02}", day.year(), day.month());
        match groups.last_mut() {
            Some((key, list)) if key.0 == id => list.push(entry),
            _ => {
                let heading = format!("{} {}", MONTHS[day.month() as usize - 1], day.year());
                groups.push(((id, heading), vec![entry]));
            }
        }
    }
    groups
}
