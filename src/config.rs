//! The command line: raw arguments (clap, with `WERKBANK_*` environment variables)
//! turned into a checked configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::content::{ContentSource, Date};

/// werkbank – das Ausweichportal für Ausbildung, Prüfungen und Kurse.
///
/// Ohne Befehl startet `serve`: die eingebetteten Inhalte (oder mit --content ein Ordner)
/// werden unter http://127.0.0.1:8080 bereitgestellt.
#[derive(Debug, Parser)]
#[command(name = "werkbank", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Was zu tun ist.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Optionen für `serve`, wenn kein Befehl angegeben ist.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Portal starten (Standard).
    Serve(ServeArgs),
    /// Inhalte prüfen, ohne das Portal zu starten; meldet Fehler als `datei:zeile: meldung`.
    Check(CheckArgs),
}

/// Options of `werkbank serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Adresse und Port, auf denen das Portal antwortet. Für den Zugriff aus dem Netz
    /// z. B. 0.0.0.0:8080 (besser: hinter einem Reverse-Proxy mit TLS).
    #[arg(
        long,
        env = "WERKBANK_BIND",
        default_value = "127.0.0.1:8080",
        value_name = "ADRESSE:PORT"
    )]
    pub bind: SocketAddr,

    /// Ordner mit eigenen Inhalten (Markdown mit Front Matter) statt der eingebetteten.
    /// Fehlerhafte Dateien werden protokolliert und ausgelassen.
    #[arg(long, env = "WERKBANK_CONTENT", value_name = "ORDNER")]
    pub content: Option<PathBuf>,

    /// Hinweis-Banner auf jeder Seite, z. B. zur aktuellen Störung. Ersetzt das Banner
    /// aus site.yml.
    #[arg(long, env = "WERKBANK_NOTICE", value_name = "TEXT")]
    pub notice: Option<String>,

    /// Öffentliche Adresse des Portals, z. B. `https://portal.hwk-musterstadt.de`, für die
    /// Links in Kalender- und Hinweis-Feeds. Ohne Angabe wird sie aus der Anfrage
    /// (Host-Kopfzeile) abgeleitet.
    #[arg(long, env = "WERKBANK_BASE_URL", value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,

    /// Vorschau: Termine und Hinweise so zeigen, als wäre heute dieses Datum
    /// (JJJJ-MM-TT). Ohne Angabe gilt das aktuelle Datum in Deutschland.
    #[arg(long, env = "WERKBANK_TODAY", value_name = "DATUM", value_parser = parse_date)]
    pub today: Option<Date>,

    /// Anzahl der Worker-Threads (Standard: einer pro CPU-Kern).
    #[arg(long, env = "WERKBANK_WORKERS", value_name = "ANZAHL", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub workers: Option<u16>,
}

/// Options of `werkbank check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Zu prüfender Inhaltsordner (Standard: die eingebetteten Inhalte).
    #[arg(long, env = "WERKBANK_CONTENT", value_name = "ORDNER")]
    pub content: Option<PathBuf>,
}

/// The checked configuration of the server.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where to listen.
    pub bind: SocketAddr,
    /// Where the content comes from.
    pub source: ContentSource,
    /// Banner text from the command line.
    pub notice: Option<String>,
    /// HTTP worker threads.
    pub workers: usize,
    /// The public address for absolute links in feeds (no trailing slash).
    pub base_url: Option<String>,
    /// A fixed "today" (previews and tests); `None` follows the real date.
    pub today: Option<Date>,
}

impl ServeConfig {
    /// Checks the raw arguments.
    pub fn from_args(args: ServeArgs) -> ServeConfig {
        ServeConfig {
            bind: args.bind,
            source: source_of(args.content),
            notice: args.notice.filter(|n| !n.trim().is_empty()),
            workers: args
                .workers
                .map(usize::from)
                .unwrap_or_else(crate::available_cores),
            base_url: args.base_url,
            today: args.today,
        }
    }

    /// The configuration tests use: embedded content on a free loopback port.
    pub fn for_tests() -> ServeConfig {
        ServeConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            source: ContentSource::Embedded,
            notice: None,
            workers: 2,
            base_url: None,
            today: None,
        }
    }
}

/// `--content DIR` or the embedded content.
pub fn source_of(content: Option<PathBuf>) -> ContentSource {
    match content {
        Some(dir) => ContentSource::Folder(dir),
        None => ContentSource::Embedded,
    }
}

/// Parses `--today`: exactly `JJJJ-MM-TT`.
fn parse_date(value: &str) -> Result<Date, String> {
    Date::parse(value)
        .ok_or_else(|| format!("„{value}“ ist kein gültiges Datum (erwartet JJJJ-MM-TT)"))
}

/// Parses `--base-url`: `http://` or `https://`, a host, optionally a port and a path;
/// no query, fragment, spaces or quotes (it is written into feeds and links).
fn parse_base_url(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| format!("„{value}“ muss mit http:// oder https:// beginnen"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~/:[]%".contains(c);
    if host.is_empty() || !rest.chars().all(allowed) {
        return Err(format!(
            "„{value}“ ist keine gültige Adresse (z. B. https://portal.example.org)"
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        assert_eq!(
            parse_base_url("https://portal.example.org/").unwrap(),
            "https://portal.example.org"
        );
        assert_eq!(
            parse_base_url("http://127.0.0.1:8080/werkbank").unwrap(),
            "http://127.0.0.1:8080/werkbank"
        );
        for bad in [
            "portal.example.org",
            "https://",
            "https://a b",
            "https://a\"<x",
        ] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn today_must_be_a_date() {
        assert!(parse_date("2026-11-26").is_ok());
        assert!(parse_date("26.11.2026").is_err());
    }
}
