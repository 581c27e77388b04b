//! The command line: raw arguments (clap, with `WERKBANK_*` environment variables)
//! turned into a checked configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::content::ContentSource;
use crate::web::ratelimit::{self, Network, RateLimitConfig};

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

    /// Anzahl der Worker-Threads (Standard: einer pro CPU-Kern).
    #[arg(long, env = "WERKBANK_WORKERS", value_name = "ANZAHL", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub workers: Option<u16>,

    /// Reverse-Proxy, dessen X-Forwarded-For-Angabe geglaubt wird (IP-Adresse oder Netz,
    /// z. B. 127.0.0.1 oder 10.0.0.0/8; mehrfach angeben oder mit Kommas trennen).
    /// Ohne diese Angabe zählt für die Anfragebegrenzung die Adresse der Verbindung.
    #[arg(
        long = "trusted-proxy",
        env = "WERKBANK_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "ADRESSE[/PRÄFIX]"
    )]
    pub trusted_proxies: Vec<Network>,

    /// Suchanfragen je Sekunde und Client (Suche, Such-API, Vorschläge) auf Dauer;
    /// 0 schaltet die Begrenzung ab. Großzügig genug für eine Schulklasse hinter einer
    /// gemeinsamen Adresse.
    #[arg(long, env = "WERKBANK_SEARCH_RATE", value_name = "ANZAHL", default_value_t = ratelimit::DEFAULT_RATE_PER_SECOND)]
    pub search_rate: u32,

    /// So viele Suchanfragen darf ein Client auf einmal senden, bevor die Begrenzung greift.
    #[arg(long, env = "WERKBANK_SEARCH_BURST", value_name = "ANZAHL", default_value_t = ratelimit::DEFAULT_BURST, value_parser = clap::value_parser!(u32).range(1..))]
    pub search_burst: u32,
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
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<Network>,
    /// Per-client limit on search requests.
    pub search_limit: RateLimitConfig,
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
            trusted_proxies: args.trusted_proxies,
            search_limit: RateLimitConfig {
                per_second: args.search_rate,
                burst: args.search_burst,
            },
        }
    }

    /// The configuration tests use: embedded content on a free loopback port.
    pub fn for_tests() -> ServeConfig {
        ServeConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            source: ContentSource::Embedded,
            notice: None,
            workers: 2,
            trusted_proxies: Vec::new(),
            search_limit: RateLimitConfig::default(),
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
