//! `werkbank export OUT`: the whole site as static files for a USB stick or any web
//! server.
//!
//! Every page goes to `<url>/index.html` (a section `/tischler/` to
//! `tischler/index.html`, a document `/tischler/a` to `tischler/a/index.html`), so the
//! site's own links work on any server that answers a folder with its `index.html`:
//! `/tischler/a` is redirected to `/tischler/a/` and finds the page. Attachments and
//! assets keep their names. Pages are those the server pre-renders, byte for byte; only
//! the search page differs, since a static copy cannot search.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::calendar::atom::{self, AtomInfo};
use crate::calendar::ics::{self, FeedInfo};
use crate::calendar::{Clock, Entry, Filter, notices};
use crate::config::{ExportArgs, source_of};
use crate::state::{BuildOptions, ROBOTS_TXT, SEARCH_URL, State};
use crate::views::{self, DatesPage, Lang, NoticesPage};

/// The file name web servers (nginx `error_page`, many static hosts) use for a 404 page.
pub const NOT_FOUND_FILE: &str = "404.html";

/// How a route is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An HTML page: `<url>/index.html`.
    Page,
    /// A file under its own name.
    File,
}

/// One route with a static rendering.
#[derive(Debug)]
pub struct StaticRoute<'a> {
    /// The URL path.
    pub url: String,
    /// How it is stored.
    pub shape: Shape,
    /// Its bytes.
    pub bytes: Cow<'a, [u8]>,
}

/// What an export wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExportReport {
    /// HTML pages written.
    pub pages: usize,
    /// Other files written (attachments, assets, robots.txt).
    pub files: usize,
    /// Total bytes.
    pub bytes: u64,
}

/// Every route that has a static rendering, in a stable order. Pages added to the
/// server that have a static form (feeds, calendars, notices) belong in this list.
pub fn static_routes(state: &State) -> Vec<StaticRoute<'_>> {
    let page = |url: &str, body: &str| StaticRoute {
        url: url.to_owned(),
        shape: Shape::Page,
        bytes: Cow::Owned(body.as_bytes().to_vec()),
    };
    fn file(url: String, bytes: Cow<'_, [u8]>) -> StaticRoute<'_> {
        StaticRoute {
            url,
            shape: Shape::File,
            bytes,
        }
    }
    let today = state.clock.today();
    let mut routes = Vec::new();
    for lang in Lang::ALL {
        let home =
            views::home(state.chrome(lang), &state.library, &state.calendar, today).into_string();
        routes.push(page(&lang.url("/"), &home));
    }
    let mut urls: Vec<&String> = state.pages.keys().collect();
    urls.sort();
    routes.extend(
        urls.into_iter()
            .filter_map(|url| Some(page(url, &state.page(url)?.body))),
    );
    for lang in Lang::ALL {
        routes.push(page(
            &lang.url(SEARCH_URL),
            &state.offline_search_page(lang).body,
        ));
    }
    routes.extend(calendar_routes(state, today));
    routes.push(file(
        format!("/{NOT_FOUND_FILE}"),
        Cow::Owned(state.not_found.body.as_bytes().to_vec()),
    ));
    routes.push(file(
        "/robots.txt".to_owned(),
        Cow::Borrowed(ROBOTS_TXT.as_bytes()),
    ));
    routes.push(file(
        views::MANIFEST_URL.to_owned(),
        Cow::Borrowed(state.pwa.manifest.as_bytes()),
    ));
    routes.push(file(
        crate::pwa::SERVICE_WORKER_URL.to_owned(),
        Cow::Borrowed(state.pwa.service_worker.as_bytes()),
    ));
    let mut attachments: Vec<_> = state.library.attachments.values().collect();
    attachments.sort_by(|a, b| a.url.cmp(&b.url));
    routes.extend(
        attachments
            .into_iter()
            .map(|a| file(a.url.clone(), Cow::Borrowed(&a.bytes[..]))),
    );
    for asset in crate::assets::assets().all() {
        routes.push(file(
            format!("{}{}", crate::assets::PREFIX, asset.name),
            Cow::Borrowed(&asset.bytes[..]),
        ));
    }
    routes
}

/// The dates page, the notices board and every feed, as of `today`.
fn calendar_routes(state: &State, today: crate::content::Date) -> Vec<StaticRoute<'static>> {
    let base = state.base_url.clone().unwrap_or_default();
    let webcal = format!(
        "webcal://{}",
        base.trim_start_matches("https://")
            .trim_start_matches("http://")
    );
    let page = |url: &str, body: String| StaticRoute {
        url: url.to_owned(),
        shape: Shape::Page,
        bytes: Cow::Owned(body.into_bytes()),
    };
    let file = |url: String, body: String| StaticRoute {
        url,
        shape: Shape::File,
        bytes: Cow::Owned(body.into_bytes()),
    };
    let lib = &state.library;
    let all = Filter::default();
    let dates = DatesPage {
        calendar: &state.calendar,
        filter: &all,
        today,
        past: false,
        notes: &[],
        webcal_base: &webcal,
    };
    let current = notices::current(lib, today);
    let board = NoticesPage {
        notices: &current,
        expired: false,
        other_count: notices::expired(lib, today).len(),
    };
    let mut routes = Vec::new();
    for lang in Lang::ALL {
        let chrome = state.chrome(lang);
        routes.push(page(
            &lang.url(views::DATES_URL),
            views::dates(chrome, lib, &dates).into_string(),
        ));
        routes.push(page(
            &lang.url(views::NOTICES_URL),
            views::notices(chrome, &board).into_string(),
        ));
    }
    let feed_title = format!("Hinweise – {}", lib.settings.name);
    routes.push(file(
        views::NOTICES_FEED_URL.to_owned(),
        atom::notices_feed(
            &current,
            &AtomInfo {
                site_name: &lib.settings.name,
                title: &feed_title,
                base_url: &base,
                self_path: views::NOTICES_FEED_URL,
                page_path: views::NOTICES_URL,
            },
        ),
    ));
    let ics_of = |entries: &[&Entry], name: &str| {
        ics::calendar(
            entries,
            &FeedInfo {
                name,
                base_url: &base,
            },
        )
    };
    let name = format!("Termine – {}", lib.settings.name);
    routes.push(file(
        "/termine.ics".to_owned(),
        ics_of(&state.calendar.all(&all), &name),
    ));
    for trade in &lib.trades {
        let filter = Filter {
            trade: Some(trade.slug.clone()),
            kind: None,
        };
        let name = format!("Termine {} – {}", trade.name, lib.settings.name);
        routes.push(file(
            views::trade_ics_url(&trade.slug),
            ics_of(&state.calendar.all(&filter), &name),
        ));
    }
    for entry in state.calendar.entries() {
        routes.push(file(entry.ics_url(), ics_of(&[entry], &entry.event.title)));
    }
    routes
}

/// The relative file path of a route, or `None` for a URL that cannot be a file name.
pub fn file_path(url: &str, shape: Shape) -> Option<PathBuf> {
    let relative = url.strip_prefix('/')?;
    let mut path = PathBuf::new();
    for segment in relative.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.contains('\\') {
            return None;
        }
        path.push(segment);
    }
    match shape {
        Shape::Page => path.push("index.html"),
        Shape::File if relative.ends_with('/') || relative.is_empty() => return None,
        Shape::File => {}
    }
    Some(path)
}

/// Writes every static route below `out`, which must not exist or be empty.
pub fn export(state: &State, out: &Path) -> anyhow::Result<ExportReport> {
    if out.exists() {
        let mut entries = std::fs::read_dir(out)
            .with_context(|| format!("{} ist kein lesbarer Ordner", out.display()))?;
        anyhow::ensure!(
            entries.next().is_none(),
            "der Zielordner {} ist nicht leer; bitte einen neuen oder leeren Ordner angeben",
            out.display()
        );
    }
    // Two routes on one file (a document `/a` beside a section `/a/`) would overwrite
    // each other: the first in the list wins, and the other is reported.
    let mut planned: BTreeMap<PathBuf, StaticRoute<'_>> = BTreeMap::new();
    for route in static_routes(state) {
        let Some(path) = file_path(&route.url, route.shape) else {
            tracing::warn!(url = %route.url, "übersprungen: keine gültige Dateiadresse");
            continue;
        };
        if let Some(first) = planned.get(&path) {
            tracing::warn!(
                url = %route.url,
                other = %first.url,
                "übersprungen: dieselbe Datei wie eine andere Adresse"
            );
            continue;
        }
        planned.insert(path, route);
    }
    let mut report = ExportReport::default();
    for (path, route) in &planned {
        let target = out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("Ordner {} lässt sich nicht anlegen", parent.display()))?;
        }
        std::fs::write(&target, &route.bytes)
            .with_context(|| format!("{} lässt sich nicht schreiben", target.display()))?;
        match route.shape {
            Shape::Page => report.pages += 1,
            Shape::File => report.files += 1,
        }
        report.bytes += route.bytes.len() as u64;
    }
    Ok(report)
}

/// `werkbank export`: builds the state and writes it out.
pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let source = source_of(args.content.clone());
    let state = State::build(&BuildOptions {
        source: source.clone(),
        notice: args.notice.clone(),
        threads: crate::available_cores(),
        clock: Clock::System,
        base_url: args.base_url.clone(),
        index_cache: None,
        reload: false,
    })?;
    let report = export(&state, &args.out)?;
    println!(
        "{} Seiten und {} Dateien ({:.1} MB) nach {} geschrieben; Inhaltsversion {}.",
        report.pages,
        report.files,
        report.bytes as f64 / 1_000_000.0,
        args.out.display(),
        state.fingerprint.short()
    );
    if !state.library.errors.is_empty() {
        println!(
            "{} fehlerhafte Dateien wurden ausgelassen; `werkbank check` zeigt sie.",
            state.library.errors.len()
        );
    }
    println!(
        "Die Seiten brauchen einen Webserver, der die Dateien ab der Wurzel ausliefert, z. B.: python3 -m http.server -d {} 8000",
        args.out.display()
    );
    println!("Die Volltextsuche gibt es nur mit dem werkbank-Server.");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files_that_plain_servers_find() {
        let p = |url, shape| file_path(url, shape).map(|p| p.to_string_lossy().into_owned());
        assert_eq!(p("/", Shape::Page).as_deref(), Some("index.html"));
        assert_eq!(
            p("/tischler/", Shape::Page).as_deref(),
            Some("tischler/index.html")
        );
        assert_eq!(
            p("/tischler/a", Shape::Page).as_deref(),
            Some("tischler/a/index.html")
        );
        assert_eq!(p("/ls.1", Shape::Page).as_deref(), Some("ls.1/index.html"));
        assert_eq!(p("/t/plan.pdf", Shape::File).as_deref(), Some("t/plan.pdf"));
        assert_eq!(p("/a/../b", Shape::File), None);
        assert_eq!(p("/a/", Shape::File), None);
    }
}
