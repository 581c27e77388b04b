//! Dates and notices in HTML: the dates page (`/termine`), the notices board
//! (`/hinweise`), and the event items that document pages, the start page and search
//! results share.
//!
//! A status is always said in words with a symbol beside it (never by colour alone),
//! and changed times are shown next to the old ones, so that "what takes place when
//! and where, and what changed" can be read on a small black-and-white screen.

use maud::{Markup, html};

use super::{Chrome, Head, layout};
use crate::calendar::{Calendar, Entry, Filter, entries_of, week_of};
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
    pub notes: &'a [super::Note],
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
    let t = chrome.t();
    let lang = chrome.lang;
    let trade = filter.trade.as_deref().and_then(|slug| lib.trade(slug));
    let feed = trade.map_or(ALL_ICS_URL.to_owned(), |t| trade_ics_url(&t.slug));
    let today = (!page.past).then_some(page.today);
    let title = if page.past { t.past_dates } else { t.dates };
    let main = html! {
        h1 { (title) }
        p.lead { (t.dates_lead) }
        section.subscribe aria-labelledby="kalender-titel" {
            h2 #kalender-titel { (t.subscribe_title) }
            p { (t.subscribe_text) }
            ul.inline-list {
                li {
                    a href={ (page.webcal_base) (feed) } {
                        (t.subscribe)
                        @if let Some(tr) = trade { " (" span lang=[chrome.content_lang()] { (tr.name) } ")" }
                    }
                }
                li {
                    a href=(feed) type="text/calendar" {
                        (t.download_ics)
                        @if let Some(tr) = trade { " (" span lang=[chrome.content_lang()] { (tr.name) } ")" }
                    }
                }
                @if trade.is_some() {
                    li { a href={ (page.webcal_base) (ALL_ICS_URL) } { (t.subscribe_all) } }
                }
            }
        }
        form.search-form action=(chrome.href(DATES_URL)) method="get" {
            div.filters {
                div.field {
                    label for="termine-gewerk" { (t.trade) }
                    select #termine-gewerk name="gewerk" {
                        option value="" { (t.all_trades) }
                        @for tr in &lib.trades {
                            option value=(tr.slug) selected[filter.trade.as_deref() == Some(tr.slug.as_str())] { (tr.name) }
                        }
                    }
                }
                div.field {
                    label for="termine-art" { (t.kind) }
                    select #termine-art name="art" {
                        option value="" { (t.all_kinds) }
                        @for kind in page.calendar.kinds() {
                            option value=(kind.slug()) selected[filter.kind == Some(kind)] { (lang.kind_plural(kind)) }
                        }
                    }
                }
            }
            @if page.past { input type="hidden" name="vergangen" value="1"; }
            button type="submit" { (t.show_dates) }
            @if !filter.is_empty() {
                " " a.reset href=(chrome.href(&dates_url(&Filter::default(), page.past))) { (t.reset_filters) }
            }
        }
        @for note in page.notes { p.note role="note" { (lang.note(note)) } }
        p.result-count role="status" {
            (lang.dates_count(entries.len()))
            @if let Some(tr) = trade { (lang.for_trade(&tr.name)) }
            @if trade.is_some() && filter.kind.is_none() { (t.with_all_trade_dates) }
        }
        @if entries.is_empty() {
            p {
                @if page.past { (t.no_past_dates) } @else { (t.no_upcoming_dates) }
                @if !filter.is_empty() { (t.matching_filter) a href=(chrome.href(&dates_url(&Filter::default(), page.past))) { (t.show_all_dates) } } @else { "." }
            }
        }
        @for (month, group) in by_month(lang, &entries) {
            section.month aria-labelledby=(month.0) {
                h2 #(month.0) { (month.1) }
                ul.event-list {
                    @for entry in group { (entry_item(chrome, entry, today, true)) }
                }
            }
        }
        p.more {
            @if page.past {
                a href=(chrome.href(&dates_url(filter, false))) { (t.upcoming_dates) }
            } @else {
                a href=(chrome.href(&dates_url(filter, true))) { (t.past_dates) }
            }
        }
    };
    let path = dates_url(filter, page.past);
    layout(
        chrome,
        &Head {
            title,
            description: Some(t.dates_description),
            noindex: !filter.is_empty() || page.past,
            path: &path,
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
    let t = chrome.t();
    let title = if page.expired {
        t.expired_notices
    } else {
        t.notices
    };
    let expired_url = format!("{}?abgelaufen=1", super::NOTICES_URL);
    let main = html! {
        h1 { (title) }
        @if page.expired {
            p.lead { (t.expired_lead) }
        } @else {
            p.lead { (t.notices_lead) }
            p { a href=(NOTICES_FEED_URL) type="application/atom+xml" { (t.notices_feed) } }
        }
        @if page.notices.is_empty() {
            p { @if page.expired { (t.no_expired_notices) } @else { (t.no_current_notices) } }
        }
        ul.doc-list {
            @for doc in page.notices { (notice_item(chrome, doc)) }
        }
        p.more {
            @if page.expired {
                a href=(chrome.href(super::NOTICES_URL)) { (t.current_notices) }
            } @else if page.other_count > 0 {
                a href=(chrome.href(&expired_url)) { (chrome.lang.expired_notices_link(page.other_count)) }
            }
        }
    };
    layout(
        chrome,
        &Head {
            title,
            description: Some(t.notices_description),
            noindex: page.expired,
            path: if page.expired {
                expired_url.as_str()
            } else {
                super::NOTICES_URL
            },
            ..Head::default()
        },
        main,
    )
}

/// A notice in a list: title, summary, "Stand" and how long it is valid.
pub fn notice_item(chrome: &Chrome, doc: &Document) -> Markup {
    let meta = &doc.meta;
    let t = chrome.t();
    let lang = chrome.lang;
    html! {
        li {
            a href=(chrome.href(&doc.url)) lang=[chrome.content_lang()] { (meta.title) }
            @if let Some(summary) = &meta.summary { p lang=[chrome.content_lang()] { (summary) } }
            p.doc-meta {
                @if let Some(updated) = meta.updated {
                    span.stand { (t.as_of) time datetime=(updated.to_string()) { (lang.date(updated)) } }
                }
                @if let Some(until) = meta.valid_until {
                    " · " span.stand { (t.valid_until) time datetime=(until.to_string()) { (lang.date(until)) } }
                }
            }
        }
    }
}

/// The start page's "Nächste Termine" and "Aktuelle Hinweise" sections.
pub fn home_sections(
    chrome: &Chrome,
    next: &[&Entry],
    notices: &[&Document],
    today: Date,
) -> Markup {
    let t = chrome.t();
    html! {
        @if !notices.is_empty() {
            section.home-notices aria-labelledby="hinweise-titel" {
                h2 #hinweise-titel { (t.current_notices_heading) }
                ul.doc-list { @for doc in notices { (notice_item(chrome, doc)) } }
                p.more { a href=(chrome.href(super::NOTICES_URL)) { (t.all_notices) } }
            }
        }
        section aria-labelledby="termine-start-titel" {
            h2 #termine-start-titel { (t.next_dates) }
            @if next.is_empty() {
                p { (t.no_dates) }
            } @else {
                ul.event-list { @for entry in next { (entry_item(chrome, entry, Some(today), true)) } }
            }
            p.more { a href=(chrome.href(DATES_URL)) { (t.all_dates) } " · " a href=(ALL_ICS_URL) type="text/calendar" { (t.calendar_file) } }
        }
    }
}

/// A document's own dates, in the order written, each with its calendar link. The
/// document page is rendered once, so nothing here depends on the day.
pub fn document_events(chrome: &Chrome, lib: &Library, doc: &Document) -> Markup {
    let t = chrome.t();
    let index = lib.document_index(&doc.url).unwrap_or_default();
    let entries: Vec<Entry> =
        entries_of(lib, index, doc, crate::calendar::FALLBACK_STAMP).collect();
    html! {
        @if !entries.is_empty() {
            section.events aria-labelledby="termine-titel" {
                h2 #termine-titel { (t.dates_heading) }
                ul.event-list { @for entry in &entries { (entry_item(chrome, entry, None, false)) } }
                p.more { a href=(chrome.href(DATES_URL)) { (t.all_chamber_dates) } }
            }
        }
    }
}

/// A short line of upcoming dates under a search result.
pub fn hit_dates(chrome: &Chrome, entries: &[&Entry]) -> Markup {
    let t = chrome.t();
    let lang = chrome.lang;
    html! {
        @if !entries.is_empty() {
            ul.hit-dates aria-label=(t.next_dates) {
                @for entry in entries {
                    li {
                        (status_badge(lang, entry)) " "
                        time datetime=(entry.start().to_string()) { (lang.short_day(entry.first_day())) ", " (entry.start().clock()) (t.oclock) }
                        ": " span lang=[chrome.content_lang()] { (entry.event.title) }
                        " · " a href=(entry.ics_url()) { (t.add_to_calendar) }
                    }
                }
            }
        }
    }
}

/// One event: highlight for today or this week, status in words, times (old and new),
/// place, note, and links to its document and its calendar file.
pub fn entry_item(
    chrome: &Chrome,
    entry: &Entry,
    today: Option<Date>,
    link_document: bool,
) -> Markup {
    let e = &entry.event;
    let t = chrome.t();
    let lang = chrome.lang;
    let content_lang = chrome.content_lang();
    let mut class = String::from("event");
    match e.status {
        EventStatus::FindetStatt => {}
        EventStatus::Verschoben => class.push_str(" event-moved"),
        EventStatus::Abgesagt => class.push_str(" event-cancelled"),
    }
    let highlight = today.and_then(|today| {
        let (monday, sunday) = week_of(today);
        if entry.is_on(today) {
            Some((t.today, "badge badge-today"))
        } else if entry.first_day() <= sunday && entry.last_day() >= monday {
            Some((t.this_week, "badge badge-week"))
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
                (status_badge(lang, entry)) " "
                strong lang=[content_lang] { (e.title) }
            }
            @match (e.status, e.new_start) {
                (EventStatus::Verschoben, Some(_)) => {
                    p.event-when { (t.new_date) (when(lang, entry.start(), entry.end())) }
                    p.event-was { (t.originally) del { (when(lang, e.start, e.end)) } }
                }
                (EventStatus::Verschoben, None) => {
                    p.event-when { del { (when(lang, e.start, e.end)) } }
                    p.event-was { (t.new_date_follows) }
                }
                (EventStatus::Abgesagt, _) => {
                    p.event-when { del { (when(lang, e.start, e.end)) } (t.does_not_take_place) }
                }
                (EventStatus::FindetStatt, _) => {
                    p.event-when { (when(lang, e.start, e.end)) }
                }
            }
            @if let Some(location) = &e.location { p.event-where { (t.location) span lang=[content_lang] { (location) } } }
            @if let Some(note) = &e.note { p.event-note lang=[content_lang] { (note) } }
            p.event-links {
                @if link_document {
                    a href=(chrome.href(&entry.doc_url)) lang=[content_lang] { (entry.doc_title) }
                    @if !entry.trade_names.is_empty() { " (" span lang=[content_lang] { (entry.trade_names.join(", ")) } ")" }
                    " · "
                }
                a href=(entry.ics_url()) type="text/calendar" { (t.add_to_calendar) }
            }
        }
    }
}

/// The status in words, with a symbol that is hidden from screen readers.
fn status_badge(lang: super::Lang, entry: &Entry) -> Markup {
    let (symbol, class) = match entry.event.status {
        EventStatus::FindetStatt => ("✓", "status status-ok"),
        EventStatus::Verschoben => ("→", "status status-moved"),
        EventStatus::Abgesagt => ("✕", "status status-cancelled"),
    };
    html! {
        span class=(class) { span aria-hidden="true" { (symbol) } " " (lang.status(entry.event.status)) }
    }
}

/// A span of time as a `<time>` element with the full text.
fn when(lang: super::Lang, start: DateTime, end: Option<DateTime>) -> Markup {
    html! { time datetime=(start.to_string()) { (lang.when(start, end)) } }
}

/// Entries grouped by the month they start in: (anchor id, heading) and the entries.
fn by_month<'a>(
    lang: super::Lang,
    entries: &[&'a Entry],
) -> Vec<((String, String), Vec<&'a Entry>)> {
    let mut groups: Vec<((String, String), Vec<&'a Entry>)> = Vec::new();
    for entry in entries {
        let day = entry.first_day().0;
        let id = format!("monat-{}-{:02}", day.year(), day.month());
        match groups.last_mut() {
            Some((key, list)) if key.0 == id => list.push(entry),
            _ => {
                let heading = lang.month(day.year(), day.month());
                groups.push(((id, heading), vec![entry]));
            }
        }
    }
    groups
}
