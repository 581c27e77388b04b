//! Dates and notices: the iCalendar feeds and files read back with an independent
//! parser (the `icalendar` crate), the Atom feed with `feed-rs`, the dates page, the
//! notices board, the banner and dates in search — all with an injected "today".
//!
//! `tests/fixtures/calendar/` is written for these checks: events before and after the
//! change to summer time on 2027-03-28, one across it, a postponed and a cancelled
//! one, a 200-character location with `,;\`, a note with a line break, and three
//! notices with different `valid_until`.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use werkbank::config::ServeConfig;
use werkbank::content::{ContentSource, Date};

use crate::helpers::{TestApp, spawn};

/// The fixture's "today": a Monday, after the first notice's `updated`.
const TODAY: &str = "2027-02-01";

fn calendar_fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calendar")
}

/// A server on the calendar fixture, with "today" fixed.
async fn spawn_calendar(today: &str) -> TestApp {
    spawn(ServeConfig {
        source: ContentSource::Folder(calendar_fixture()),
        today: Some(Date::parse(today).unwrap()),
        ..ServeConfig::for_tests()
    })
    .await
}

/// A component as the parser saw it, owned.
#[derive(Debug, Clone)]
struct Comp {
    name: String,
    props: Vec<Prop>,
    children: Vec<Comp>,
}

#[derive(Debug, Clone)]
struct Prop {
    name: String,
    params: Vec<(String, String)>,
    /// The value as the parser crate returns it: TEXT values unescaped, others as written.
    value: String,
}

impl Comp {
    fn prop(&self, name: &str) -> &Prop {
        self.props
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{} has no {name}: {:?}", self.name, self.props))
    }

    fn text(&self, name: &str) -> &str {
        &self.prop(name).value
    }

    fn events(&self) -> Vec<&Comp> {
        self.children
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect()
    }

    fn child(&self, name: &str) -> &Comp {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{} has no {name}", self.name))
    }

    fn event(&self, summary: &str) -> &Comp {
        self.events()
            .into_iter()
            .find(|e| e.text("SUMMARY") == summary)
            .unwrap_or_else(|| panic!("no event {summary:?}"))
    }
}

fn own(component: &icalendar::parser::Component<'_>) -> Comp {
    Comp {
        name: component.name.as_str().to_owned(),
        props: component
            .properties
            .iter()
            .map(|p| Prop {
                name: p.name.as_str().to_owned(),
                params: p
                    .params
                    .iter()
                    .map(|param| {
                        (
                            param.key.as_str().to_owned(),
                            param
                                .val
                                .as_ref()
                                .map(|v| v.as_str().to_owned())
                                .unwrap_or_default(),
                        )
                    })
                    .collect(),
                value: p.val.as_str().to_owned(),
            })
            .collect(),
        children: component.components.iter().map(own).collect(),
    }
}

/// Fetches an iCalendar path, checks the transport and the line rules of RFC 5545
/// on the raw text, and parses it with the `icalendar` crate.
async fn fetch_ics(app: &TestApp, path: &str) -> (Comp, String) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/calendar"),
        "{path}: {content_type}"
    );
    let raw = response.text().await.unwrap();
    assert!(raw.ends_with("\r\n"), "{path} ends with CRLF");
    for line in raw.split_terminator("\r\n") {
        assert!(!line.contains('\n'), "bare LF in {line:?}");
        assert!(
            line.len() <= 75,
            "{path}: line of {} octets: {line:?}",
            line.len()
        );
    }
    let unfolded = icalendar::parser::unfold(&raw);
    let calendar = icalendar::parser::read_calendar(&unfolded)
        .unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
    let root = Comp {
        name: "VCALENDAR".into(),
        props: own(&icalendar::parser::Component {
            name: "VCALENDAR".into(),
            properties: calendar.properties.clone(),
            components: Vec::new(),
        })
        .props,
        children: calendar.components.iter().map(own).collect(),
    };
    assert_eq!(root.text("VERSION"), "2.0");
    assert!(!root.text("PRODID").is_empty());
    (root, raw)
}

/// A `TZID=Europe/Berlin` local time, turned into UTC with jiff's tz database.
fn utc_of(prop: &Prop) -> String {
    assert_eq!(
        prop.params,
        [("TZID".to_owned(), "Europe/Berlin".to_owned())],
        "{}",
        prop.name
    );
    let local = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", &prop.value).unwrap();
    local
        .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .unwrap()
        .timestamp()
        .strftime("%Y-%m-%dT%H:%MZ")
        .to_string()
}

#[tokio::test]
async fn feeds_have_the_right_events_for_all_and_per_trade() {
    let app = spawn_calendar(TODAY).await;
    let (all, _) = fetch_ics(&app, "/termine.ics").await;
    // Six Tischler dates (one past), one Bäcker date, one for every trade.
    assert_eq!(all.events().len(), 8);
    assert_eq!(all.child("VTIMEZONE").text("TZID"), "Europe/Berlin");
    let (holz, _) = fetch_ics(&app, "/termine/holz.ics").await;
    assert_eq!(
        holz.events().len(),
        7,
        "Tischler plus the date for all trades"
    );
    let (brot, _) = fetch_ics(&app, "/termine/brot.ics").await;
    let mut titles: Vec<&str> = brot.events().iter().map(|e| e.text("SUMMARY")).collect();
    titles.sort();
    assert_eq!(
        titles,
        [
            "Sauerteig, Hefe; Salz \\ Wasser",
            "Sprechstunde für alle Gewerke"
        ]
    );
    assert!(brot.text("X-WR-CALNAME").contains("Bäcker/in"));
    // An unknown trade or event is a 404 page, not an empty calendar.
    assert_eq!(app.get("/termine/maurer.ics").await.status(), 404);
    assert_eq!(app.get("/termine/holz").await.status(), 404);
    assert_eq!(app.get("/termin/0000.ics").await.status(), 404);
}

#[tokio::test]
async fn local_times_are_right_across_the_change_to_summer_time() {
    let app = spawn_calendar(TODAY).await;
    let (cal, _) = fetch_ics(&app, "/termine/holz.ics").await;
    let before = cal.event("Prüfung vor der Umstellung");
    assert_eq!(before.prop("DTSTART").value, "20270326T080000");
    assert_eq!(utc_of(before.prop("DTSTART")), "2027-03-26T07:00Z");
    assert_eq!(utc_of(before.prop("DTEND")), "2027-03-26T11:00Z");
    let after = cal.event("Prüfung nach der Umstellung");
    assert_eq!(after.prop("DTSTART").value, "20270329T080000");
    assert_eq!(utc_of(after.prop("DTSTART")), "2027-03-29T06:00Z");
    // Eight hours on the wall clock, seven real hours.
    let night = cal.event("Nachtschicht über die Umstellung");
    assert_eq!(utc_of(night.prop("DTSTART")), "2027-03-27T21:00Z");
    assert_eq!(utc_of(night.prop("DTEND")), "2027-03-28T04:00Z");
    // The calendar's own VTIMEZONE says the same to calendar apps.
    let tz = cal.child("VTIMEZONE");
    let daylight = tz.child("DAYLIGHT");
    assert_eq!(daylight.text("TZOFFSETFROM"), "+0100");
    assert_eq!(daylight.text("TZOFFSETTO"), "+0200");
    assert_eq!(daylight.text("RRULE"), "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
    let standard = tz.child("STANDARD");
    assert_eq!(standard.text("TZOFFSETTO"), "+0100");
    assert_eq!(standard.text("RRULE"), "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
    // DTSTAMP is the document's "Stand" in UTC, not the time of the request.
    assert_eq!(before.text("DTSTAMP"), "20270110T000000Z");
}

#[tokio::test]
async fn text_is_escaped_and_long_lines_are_folded() {
    let app = spawn_calendar(TODAY).await;
    let (cal, raw) = fetch_ics(&app, "/termine/brot.ics").await;
    let location = "Bildungszentrum Testhausen, Haus D; Lehrbackstube \\ Eingang Nord, \
Zufahrt über die Lindenallee, Tor2; Parkplätze hinter Halle E.4, Ofen3 und 4; \
bitte Schürze, Haarnetz und Sicherheitsschuhe mitbringen";
    assert_eq!(location.chars().count(), 200);
    let kurs = cal.event("Sauerteig, Hefe; Salz \\ Wasser");
    assert_eq!(kurs.text("LOCATION"), location);
    // Escaped as RFC 5545 3.3.11 asks, and folded over several lines.
    assert!(raw.contains("\r\nLOCATION:Bildungszentrum Testhausen\\, Haus D\\; Lehrbackstube \\\\ Eingang Nor\r\n d\\,"));
    assert!(raw.contains("SUMMARY:Sauerteig\\, Hefe\\; Salz \\\\ Wasser\r\n"));
    let folded_lines = raw
        .split("\r\n")
        .skip_while(|l| !l.starts_with("LOCATION:Bildungszentrum Testhausen"))
        .take_while(|l| l.starts_with("LOCATION:") || l.starts_with(' '))
        .count();
    assert!(
        folded_lines >= 3,
        "a 200-character location takes {folded_lines} lines"
    );
    // The note's line break survives as an escaped \n.
    let description = kurs.text("DESCRIPTION");
    assert!(
        description.contains("Erste Zeile der Notiz.\nZweite Zeile, mit Komma; und Semikolon."),
        "{description:?}"
    );
    assert!(raw.contains("Erste Zeile der Notiz.\\nZweite Zeile\\, mit Komma\\; und"));
}

#[tokio::test]
async fn uids_are_stable_between_two_server_starts_and_derived_from_content() {
    // With a configured public address the bytes do not even depend on the port.
    let start = |today: &str| {
        spawn(ServeConfig {
            source: ContentSource::Folder(calendar_fixture()),
            today: Some(Date::parse(today).unwrap()),
            base_url: Some("https://portal.example.org".into()),
            ..ServeConfig::for_tests()
        })
    };
    let first = start(TODAY).await;
    let second = start("2027-06-30").await;
    let uids = |cal: &Comp| {
        let mut uids: Vec<String> = cal
            .events()
            .iter()
            .map(|e| e.text("UID").to_owned())
            .collect();
        uids.sort();
        uids
    };
    let (a, raw_a) = fetch_ics(&first, "/termine.ics").await;
    let (b, raw_b) = fetch_ics(&second, "/termine.ics").await;
    assert_eq!(uids(&a), uids(&b));
    assert_eq!(
        raw_a, raw_b,
        "the feed does not depend on the day or the start"
    );
    assert!(raw_a.contains("URL;VALUE=URI:https://portal.example.org/holz/pruefung\r\n"));
    let mut unique = uids(&a);
    unique.dedup();
    assert_eq!(unique.len(), 8);
    // The documented derivation: SHA-256 of document URL, title and original start.
    let mut hash = Sha256::new();
    hash.update(b"/holz/pruefung\nVerschobene Pr\xc3\xbcfung\n2027-04-01T08:00");
    let hex: String = hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let moved = a.event("Verschobene Prüfung");
    assert_eq!(moved.text("UID"), format!("{hex}@werkbank"));
}

#[tokio::test]
async fn cancelled_and_postponed_events_say_so() {
    let app = spawn_calendar(TODAY).await;
    let (cal, _) = fetch_ics(&app, "/termine.ics").await;
    let cancelled = cal.event("Abgesagt: Abgesagte Prüfung");
    assert_eq!(cancelled.text("STATUS"), "CANCELLED");
    assert_eq!(cancelled.text("SEQUENCE"), "1");
    assert!(cancelled.text("DESCRIPTION").contains("findet nicht statt"));
    // A postponed event sits at its new date, keeps its length and explains the change.
    let moved = cal.event("Verschobene Prüfung");
    assert_eq!(moved.text("STATUS"), "CONFIRMED");
    assert_eq!(moved.text("SEQUENCE"), "1");
    assert_eq!(moved.prop("DTSTART").value, "20270415T080000");
    assert_eq!(moved.prop("DTEND").value, "20270415T120000");
    let description = moved.text("DESCRIPTION");
    assert!(
        description.contains("Ursprünglich geplant: Donnerstag, 1. April 2027"),
        "{description}"
    );
    assert!(description.contains("Verschoben wegen Karfreitag."));
    let normal = cal.event("Prüfung nach der Umstellung");
    assert_eq!(normal.text("STATUS"), "CONFIRMED");
    assert_eq!(normal.text("SEQUENCE"), "0");
    let url = normal.text("URL");
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/holz/pruefung"),
        "{url}"
    );
}

#[tokio::test]
async fn each_event_has_its_own_file_linked_from_its_page() {
    let app = spawn_calendar(TODAY).await;
    let (status, html) = app.text("/holz/pruefung").await;
    assert_eq!(status, 200);
    assert_eq!(
        html.matches("In Kalender übernehmen").count(),
        6,
        "one link per date"
    );
    let (all, _) = fetch_ics(&app, "/termine.ics").await;
    for href in html.split("href=\"/termin/").skip(1) {
        let path = format!("/termin/{}", &href[..href.find('"').unwrap()]);
        let response = app.get(&path).await;
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.starts_with("attachment; filename=\""),
            "{disposition}"
        );
        let (one, _) = fetch_ics(&app, &path).await;
        let events = one.events();
        assert_eq!(events.len(), 1, "{path}");
        assert_eq!(one.child("VTIMEZONE").text("TZID"), "Europe/Berlin");
        // The same UID as in the feed, so importing twice does not duplicate it.
        let uid = events[0].text("UID");
        assert!(all.events().iter().any(|e| e.text("UID") == uid), "{uid}");
        assert!(path.ends_with(&format!("{}.ics", uid.trim_end_matches("@werkbank"))));
    }
}

#[tokio::test]
async fn dates_page_groups_filters_and_marks_changes() {
    // 2027-03-26 is a Friday: the exam that day is "Heute", the night shift on
    // Saturday is "Diese Woche", the exam on Monday is neither.
    let app = spawn_calendar("2027-03-26").await;
    let (status, html) = app.text("/termine").await;
    assert_eq!(status, 200);
    for heading in ["März 2027", "April 2027"] {
        assert!(html.contains(&format!(">{heading}</h2>")), "{heading}");
    }
    assert!(!html.contains("Dezember 2026"), "past dates are not listed");
    assert!(!html.contains("Februar 2027"), "past dates are not listed");
    let item = |title: &str| {
        let at = html
            .find(&format!("<strong>{title}</strong>"))
            .unwrap_or_else(|| panic!("{title}"));
        let start = html[..at].rfind("<li").unwrap();
        let end = at + html[at..].find("</li>").unwrap();
        html[start..end].to_owned()
    };
    assert!(item("Prüfung vor der Umstellung").contains(">Heute<"));
    assert!(item("Nachtschicht über die Umstellung").contains(">Diese Woche<"));
    let monday = item("Prüfung nach der Umstellung");
    assert!(!monday.contains(">Heute<") && !monday.contains(">Diese Woche<"));
    // Changes are said in words, next to a symbol, not by colour alone.
    let cancelled = item("Abgesagte Prüfung");
    assert!(cancelled.contains("abgesagt") && cancelled.contains("findet nicht statt"));
    let moved = item("Verschobene Prüfung");
    assert!(moved.contains("verschoben"));
    assert!(moved.contains("Neuer Termin: "));
    assert!(moved.contains("Donnerstag, 15. April 2027"));
    assert!(moved.contains("Ursprünglich: "));
    assert!(item("Prüfung nach der Umstellung").contains("findet statt"));
    // Subscribe and download links.
    assert!(html.contains("href=\"webcal://127.0.0.1:"));
    assert!(html.contains("Kalender abonnieren"));
    assert!(html.contains("href=\"/termine.ics\""));
    // The filter form is a plain GET form.
    assert!(html.contains(r#"action="/termine" method="get""#));
    // Scripts only enhance: every script is a file (the CSP forbids inline code).
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=").count()
    );

    let (_, brot) = app.text("/termine?gewerk=brot").await;
    assert!(!brot.contains("Prüfung vor der Umstellung"));
    assert!(brot.contains("href=\"webcal://127.0.0.1:") && brot.contains("/termine/brot.ics"));
    let (_, kinds) = app.text("/termine?art=kurs").await;
    assert!(!kinds.contains("<strong>Prüfung nach der Umstellung</strong>"));
    let (status, unknown) = app.text("/termine?gewerk=maurer&art=party").await;
    assert_eq!(status, 200);
    assert!(unknown.contains("Das Gewerk „maurer“ gibt es nicht"));
    assert!(unknown.contains("Die Art „party“ gibt es nicht"));

    // Past dates sit behind a link, newest first.
    assert!(html.contains(r#"href="/termine?vergangen=1""#));
    let (_, past) = app.text("/termine?vergangen=1").await;
    assert!(past.contains("Vergangene Termine"));
    let (alt, sauerteig) = (
        past.find("<strong>Alte Prüfung</strong>").unwrap(),
        past.find("Sauerteig").unwrap(),
    );
    assert!(sauerteig < alt, "newest first");
    assert!(!past.contains("<strong>Prüfung nach der Umstellung</strong>"));
}

#[tokio::test]
async fn notices_feed_is_valid_atom_and_follows_valid_until() {
    // On its last day a notice is still current; the day after it has gone.
    for (today, expected) in [
        (
            "2027-01-31",
            vec![
                "Hinweis B ohne Ablauf",
                "Hinweis A gilt bis Februar",
                "Hinweis C endet im Januar",
            ],
        ),
        (
            "2027-02-01",
            vec!["Hinweis B ohne Ablauf", "Hinweis A gilt bis Februar"],
        ),
        ("2027-03-01", vec!["Hinweis B ohne Ablauf"]),
    ] {
        let app = spawn_calendar(today).await;
        let response = app.get("/hinweise.xml").await;
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("application/atom+xml"),
            "{content_type}"
        );
        let body = response.bytes().await.unwrap();
        let feed = feed_rs::parser::parse(&body[..]).expect("a valid feed");
        assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
        let titles: Vec<String> = feed
            .entries
            .iter()
            .map(|e| e.title.as_ref().unwrap().content.clone())
            .collect();
        assert_eq!(titles, expected, "on {today}");
        // RFC 4287: feed and entries have id, title and updated; the feed an author.
        assert!(feed.id.starts_with("urn:uuid:"));
        assert_eq!(
            feed.title.unwrap().content,
            "Hinweise – Handwerkskammer Testhausen"
        );
        assert_eq!(
            feed.authors[0].name.as_deref(),
            Some("Handwerkskammer Testhausen")
        );
        assert_eq!(
            feed.updated.unwrap().to_rfc3339(),
            "2027-01-24T23:00:00+00:00"
        );
        for entry in &feed.entries {
            assert!(entry.id.starts_with("urn:uuid:"), "{}", entry.id);
            assert!(entry.updated.is_some());
            let link = &entry.links[0].href;
            assert!(
                link.starts_with("http://127.0.0.1:") && link.contains("/aktuelles/"),
                "{link}"
            );
        }
        if let Some(a) = feed
            .entries
            .iter()
            .find(|e| e.title.as_ref().unwrap().content.starts_with("Hinweis A"))
        {
            assert_eq!(a.summary.as_ref().unwrap().content, "A & B <gelten>");
            let body = a.content.as_ref().unwrap().body.as_ref().unwrap();
            assert!(body.contains("href=\"/aktuelles/b\""), "{body}");
        }

        // The board lists the same notices; expired ones stay reachable.
        let (_, board) = app.text("/hinweise").await;
        for title in &expected {
            assert!(board.contains(title), "{title} on the board on {today}");
        }
        assert_eq!(app.get("/aktuelles/c").await.status(), 200);
        if expected.len() < 3 {
            assert!(!board.contains("Hinweis C endet im Januar"));
            let (_, old) = app.text("/hinweise?abgelaufen=1").await;
            assert!(old.contains("Hinweis C endet im Januar"));
        }
    }
    // Entry ids do not change between starts or days.
    let ids = |xml: Vec<u8>| {
        let feed = feed_rs::parser::parse(&xml[..]).unwrap();
        feed.entries
            .iter()
            .map(|e| e.id.clone())
            .collect::<Vec<_>>()
    };
    let one = spawn_calendar("2027-03-01")
        .await
        .get("/hinweise.xml")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let two = spawn_calendar("2027-03-02")
        .await
        .get("/hinweise.xml")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(ids(one), ids(two));
}

#[tokio::test]
async fn start_page_shows_next_dates_and_current_notices() {
    let app = spawn_calendar("2027-03-01").await;
    let (_, html) = app.text("/").await;
    assert!(html.contains("Nächste Termine"));
    assert!(html.contains("Prüfung vor der Umstellung"));
    assert!(
        !html.contains("Sauerteig"),
        "past dates are not on the start page"
    );
    assert!(html.contains("Hinweis B ohne Ablauf"));
    assert!(
        !html.contains("Hinweis A gilt bis Februar"),
        "expired on 2027-03-01"
    );
    assert!(html.contains(r#"href="/termine""#) && html.contains(r#"href="/hinweise""#));
}

#[tokio::test]
async fn banner_is_on_every_page_and_the_command_line_wins() {
    let app = spawn_calendar(TODAY).await;
    for path in [
        "/",
        "/termine",
        "/hinweise",
        "/holz/pruefung",
        "/suche?q=brot",
        "/gibt-es-nicht",
    ] {
        let (_, html) = app.text(path).await;
        assert!(
            html.contains("Störung: Prüfungen finden wie geplant statt."),
            "{path}"
        );
        assert!(
            html.contains(r#"href="/aktuelles/b""#),
            "{path}: banner link from site.yml"
        );
    }
    let app = spawn(ServeConfig {
        source: ContentSource::Folder(calendar_fixture()),
        notice: Some("Heute <b>geschlossen</b> & morgen offen".into()),
        today: Some(Date::parse(TODAY).unwrap()),
        ..ServeConfig::for_tests()
    })
    .await;
    for path in ["/", "/termine", "/hinweise", "/holz/pruefung"] {
        let (_, html) = app.text(path).await;
        assert!(
            html.contains("Heute &lt;b&gt;geschlossen&lt;/b&gt; &amp; morgen offen"),
            "{path}"
        );
        assert!(!html.contains("Störung: Prüfungen finden"), "{path}");
        let banner = &html[html.find(r#"class="banner""#).unwrap()..];
        let banner = &banner[..banner.find("</div>").unwrap()];
        assert!(banner.contains(r#"href="/hinweise""#), "{path}: {banner}");
    }
}

#[tokio::test]
async fn search_results_carry_upcoming_dates() {
    let app = spawn_calendar("2027-03-27").await;
    let json = app.json("/api/v1/search?q=Gesellenpr%C3%BCfung").await;
    let hit = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["url"] == "/holz/pruefung")
        .expect("the exam page is found");
    let events = hit["events"].as_array().unwrap();
    assert_eq!(events.len(), 3, "at most three, the next ones");
    assert_eq!(events[0]["title"], "Nachtschicht über die Umstellung");
    assert_eq!(events[0]["start"], "2027-03-27T22:00:00+01:00");
    assert_eq!(events[0]["end"], "2027-03-28T06:00:00+02:00");
    assert_eq!(events[1]["start"], "2027-03-29T08:00:00+02:00");
    assert_eq!(events[2]["status"], "abgesagt");
    assert!(events[0]["ics"].as_str().unwrap().starts_with("/termin/"));
    assert_eq!(events[0]["original_start"], serde_json::Value::Null);
    let (_, html) = app.text("/suche?q=Gesellenpr%C3%BCfung").await;
    assert!(html.contains("Nachtschicht über die Umstellung"));
    assert!(html.contains("In Kalender übernehmen"));
    // A postponed date is listed at its new time, with the original one beside it.
    let later = spawn_calendar("2027-04-13").await;
    let json_later = later.json("/api/v1/search?q=Gesellenpr%C3%BCfung").await;
    let hit = json_later["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["url"] == "/holz/pruefung")
        .unwrap();
    assert_eq!(hit["events"][0]["status"], "verschoben");
    assert_eq!(hit["events"][0]["start"], "2027-04-15T08:00:00+02:00");
    assert_eq!(
        hit["events"][0]["original_start"],
        "2027-04-01T08:00:00+02:00"
    );
    assert_eq!(hit["events"].as_array().unwrap().len(), 1);
    // Documents without upcoming dates have an empty list.
    let json = app.json("/api/v1/search?q=Hinweis").await;
    for hit in json["hits"].as_array().unwrap() {
        if hit["url"] == "/aktuelles/a" {
            assert_eq!(hit["events"], serde_json::json!([]));
        }
    }
}

#[tokio::test]
async fn demo_content_has_enough_dates_trades_changes_and_notices() {
    let app = spawn(ServeConfig {
        today: Some(Date::parse("2026-11-26").unwrap()),
        ..ServeConfig::for_tests()
    })
    .await;
    let (cal, _) = fetch_ics(&app, "/termine.ics").await;
    let upcoming: Vec<&Comp> = cal
        .events()
        .into_iter()
        .filter(|e| e.prop("DTSTART").value.as_str() >= "20261126")
        .collect();
    assert!(upcoming.len() >= 25, "{} upcoming dates", upcoming.len());
    let mut trades: Vec<String> = upcoming
        .iter()
        .flat_map(|e| {
            e.prop("CATEGORIES")
                .value
                .split(',')
                .skip(1)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    trades.sort();
    trades.dedup();
    assert!(trades.len() >= 5, "trades with upcoming dates: {trades:?}");
    assert!(upcoming.iter().any(|e| e.text("STATUS") == "CANCELLED"));
    assert!(
        upcoming
            .iter()
            .any(|e| e.text("DESCRIPTION").starts_with("VERSCHOBEN"))
    );
    let body = app.get("/hinweise.xml").await.bytes().await.unwrap();
    let feed = feed_rs::parser::parse(&body[..]).unwrap();
    assert!(
        feed.entries.len() >= 3,
        "{} current notices",
        feed.entries.len()
    );
    let (_, board) = app.text("/hinweise").await;
    assert!(board.contains("Abgelaufene Hinweise (1)"));
    let (_, home) = app.text("/").await;
    assert!(
        home.contains(">Heute<") || home.contains(">Diese Woche<"),
        "the demo has dates this week"
    );
}
