//! Settings: the command line (clap), `WERKBANK_*` environment variables and an optional
//! TOML file, merged in that order of precedence into a checked configuration that
//! remembers where each value came from (for `werkbank config`).
//!
//! clap already merges flags and environment variables and reports which of the two
//! gave a value ([`clap::parser::ValueSource`]); a value that neither gave is looked up
//! in the settings file and otherwise takes its default.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

use crate::content::{ContentSource, Date};
use crate::web::ratelimit::{self, Network, RateLimitConfig};

/// The address the portal listens on when nothing else is set.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// How long the content folder must be quiet before a reload starts: editors write a
/// file in several steps, and a copy of many files should cause one reload, not many.
pub const RELOAD_DEBOUNCE: Duration = Duration::from_millis(250);

/// werkbank – das Ausweichportal für Ausbildung, Prüfungen und Kurse.
///
/// Ohne Befehl startet `serve`: die eingebetteten Inhalte (oder mit --content ein Ordner)
/// werden unter http://127.0.0.1:8080 bereitgestellt.
///
/// Einstellungen kommen aus der Befehlszeile, aus WERKBANK_*-Umgebungsvariablen und aus
/// einer TOML-Datei (--config), in dieser Rangfolge; `werkbank config` zeigt, was gilt.
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
    /// Inhalte prüfen, ohne das Portal zu starten; meldet Fehler und Warnungen als
    /// `datei:zeile: …` und endet mit 1, wenn es Fehler gibt.
    Check(CheckArgs),
    /// Die ganze Website als statische Dateien in einen Ordner schreiben (für einen
    /// USB-Stick oder einen beliebigen Webserver).
    Export(ExportArgs),
    /// Die wirksamen Einstellungen zeigen und woher jede stammt.
    Config(ServeArgs),
}

/// Options of `werkbank serve` (and `werkbank config`).
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Einstellungsdatei im TOML-Format (Schlüssel wie die Optionen, mit `_` statt `-`).
    /// Befehlszeile und Umgebungsvariablen haben Vorrang.
    #[arg(long, env = "WERKBANK_CONFIG", value_name = "DATEI")]
    pub config: Option<PathBuf>,

    /// Adresse und Port, auf denen das Portal antwortet [Standard: 127.0.0.1:8080]. Für
    /// den Zugriff aus dem Netz z. B. 0.0.0.0:8080 (besser: hinter einem Reverse-Proxy).
    #[arg(long, env = "WERKBANK_BIND", value_name = "ADRESSE:PORT")]
    pub bind: Option<SocketAddr>,

    /// Ordner mit eigenen Inhalten (Markdown mit Front Matter) statt der eingebetteten.
    /// Änderungen werden im laufenden Betrieb übernommen; fehlerhafte Dateien werden
    /// protokolliert, ihre letzte fehlerfreie Fassung bleibt sichtbar.
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

    /// Anzahl der Worker-Threads [Standard: einer pro CPU-Kern].
    #[arg(long, env = "WERKBANK_WORKERS", value_name = "ANZAHL", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub workers: Option<u16>,

    /// Zertifikatskette (PEM) für HTTPS; zusammen mit --tls-key.
    #[arg(long, env = "WERKBANK_TLS_CERT", value_name = "DATEI")]
    pub tls_cert: Option<PathBuf>,

    /// Privater Schlüssel (PEM) für HTTPS; zusammen mit --tls-cert.
    #[arg(long, env = "WERKBANK_TLS_KEY", value_name = "DATEI")]
    pub tls_key: Option<PathBuf>,

    /// Format des Protokolls auf der Standardfehlerausgabe [Standard: text].
    #[arg(long, env = "WERKBANK_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,

    /// Inhaltsordner auf Änderungen überwachen und neu laden [Standard: true].
    #[arg(long, env = "WERKBANK_RELOAD", value_name = "true|false")]
    pub reload: Option<bool>,

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

    /// Die Antworten auf die letzten 128 bis 256 verschiedenen Suchen aufbewahren, damit
    /// dieselbe Suche noch einmal ohne Suchlauf beantwortet wird (true/false). Nur zum
    /// Messen der Suche selbst ausschalten.
    #[arg(long, env = "WERKBANK_SEARCH_CACHE", value_name = "true|false", default_value_t = true, action = clap::ArgAction::Set)]
    pub search_cache: bool,
    /// Ordner, in dem der Suchindex zwischen Neustarts aufbewahrt wird (für große
    /// Inhaltsordner). Ein Neustart mit unveränderten Inhalten und derselben
    /// werkbank-Version liest ihn, statt neu zu indexieren. Ohne Angabe liegt der Index
    /// nur im Arbeitsspeicher.
    #[arg(long, env = "WERKBANK_INDEX_CACHE", value_name = "ORDNER")]
    pub index_cache: Option<PathBuf>,
}

/// Options of `werkbank check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Zu prüfender Inhaltsordner (Standard: die eingebetteten Inhalte).
    #[arg(long, env = "WERKBANK_CONTENT", value_name = "ORDNER")]
    pub content: Option<PathBuf>,
}

/// Options of `werkbank export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Zielordner; er darf noch nicht existieren oder muss leer sein.
    #[arg(value_name = "ZIELORDNER")]
    pub out: PathBuf,

    /// Inhaltsordner (Standard: die eingebetteten Inhalte).
    #[arg(long, env = "WERKBANK_CONTENT", value_name = "ORDNER")]
    pub content: Option<PathBuf>,

    /// Hinweis-Banner auf jeder Seite; ersetzt das Banner aus site.yml.
    #[arg(long, env = "WERKBANK_NOTICE", value_name = "TEXT")]
    pub notice: Option<String>,

    /// Öffentliche Adresse der exportierten Seiten, z. B. `https://portal.example.org`,
    /// für die Links in Kalender- und Hinweis-Feeds.
    #[arg(long, env = "WERKBANK_BASE_URL", value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        })
    }
}

/// Certificate and key for HTTPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
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
    /// Whether answers to the latest searches are kept for the same search again.
    pub search_cache: bool,
    /// The public address for absolute links in feeds (no trailing slash).
    pub base_url: Option<String>,
    /// A fixed "today" (previews and tests); `None` follows the real date.
    pub today: Option<Date>,
    /// HTTPS, if configured.
    pub tls: Option<TlsFiles>,
    /// Log format.
    pub log_format: LogFormat,
    /// Whether a content folder is watched and reloaded on changes.
    pub reload: bool,
    /// Quiet time before a reload starts.
    pub reload_debounce: Duration,
    /// Where the search index is kept between starts, if anywhere.
    pub index_cache: Option<PathBuf>,
}

impl ServeConfig {
    /// Checks the raw arguments alone (no settings file, no record of origins).
    pub fn from_args(args: ServeArgs) -> anyhow::Result<ServeConfig> {
        Settings::resolve(&args, None)?.into_config()
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
            tls: None,
            log_format: LogFormat::Text,
            reload: true,
            reload_debounce: RELOAD_DEBOUNCE,
            trusted_proxies: Vec::new(),
            search_limit: RateLimitConfig::default(),
            search_cache: true,
            index_cache: None,
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

/// The parsed command line together with clap's record of where values came from.
pub struct Arguments {
    /// The typed arguments.
    pub cli: Cli,
    matches: ArgMatches,
}

impl Arguments {
    /// Parses the process's command line; `--help`, `--version` and mistakes end the
    /// process with clap's message. The version line names the embedded content's
    /// fingerprint, so staff can tell which content a binary carries.
    pub fn parse() -> Arguments {
        let version = version_text();
        let long_version = long_version_text();
        let command = Cli::command()
            .version(leak(version))
            .long_version(leak(long_version));
        let matches = command.get_matches();
        match Cli::from_arg_matches(&matches) {
            Ok(cli) => Arguments { cli, matches },
            Err(error) => error.exit(),
        }
    }

    /// Parses the given arguments (for tests); the first is the program name.
    pub fn try_parse_from<I, T>(args: I) -> Result<Arguments, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Cli::command().try_get_matches_from(args)?;
        let cli = Cli::from_arg_matches(&matches)?;
        Ok(Arguments { cli, matches })
    }

    /// The matches of the serve options: those of `serve`/`config`, or the top level.
    pub fn serve_matches(&self) -> &ArgMatches {
        match self.matches.subcommand() {
            Some(("serve" | "config", sub)) => sub,
            _ => &self.matches,
        }
    }
}

/// clap wants `'static` version strings; they are built once per process.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// `werkbank 0.1.0 (Inhalte 1a2b-3c4d-5e6f)`, without the program name.
fn version_text() -> String {
    match crate::content::fingerprint_of_embedded() {
        Some(fp) => format!("{} (Inhalte {})", env!("CARGO_PKG_VERSION"), fp.short()),
        None => env!("CARGO_PKG_VERSION").to_owned(),
    }
}

fn long_version_text() -> String {
    match crate::content::fingerprint_of_embedded() {
        Some(fp) => format!(
            "{}\nInhaltsversion (SHA-256 der eingebetteten Inhalte): {}\nKurzform: {}",
            env!("CARGO_PKG_VERSION"),
            fp.hex(),
            fp.short()
        ),
        None => env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Nobody set it.
    Default,
    /// The settings file.
    File(PathBuf),
    /// An environment variable.
    Env(&'static str),
    /// A command-line flag.
    Flag(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("Standard"),
            Origin::File(path) => write!(f, "Datei {}", path.display()),
            Origin::Env(name) => write!(f, "Umgebungsvariable {name}"),
            Origin::Flag(name) => write!(f, "Befehlszeile {name}"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Its origin.
    pub origin: Origin,
}

/// The keys a settings file may contain: the long options, with `_` for `-`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<String>,
    content: Option<PathBuf>,
    notice: Option<String>,
    workers: Option<u16>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    log_format: Option<LogFormat>,
    reload: Option<bool>,
    base_url: Option<String>,
    today: Option<String>,
    index_cache: Option<PathBuf>,
}

/// Every effective setting with its origin.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The settings file, if one was given.
    pub config: Option<PathBuf>,
    /// `--bind`.
    pub bind: Setting<SocketAddr>,
    /// `--content` (`None`: embedded).
    pub content: Setting<Option<PathBuf>>,
    /// `--notice`.
    pub notice: Setting<Option<String>>,
    /// `--workers` (`None`: one per core).
    pub workers: Setting<Option<u16>>,
    /// `--tls-cert`.
    pub tls_cert: Setting<Option<PathBuf>>,
    /// `--tls-key`.
    pub tls_key: Setting<Option<PathBuf>>,
    /// `--log-format`.
    pub log_format: Setting<LogFormat>,
    /// `--reload`.
    pub reload: Setting<bool>,
    /// `--base-url`.
    pub base_url: Setting<Option<String>>,
    /// `--today`.
    pub today: Setting<Option<Date>>,
    /// `--trusted-proxy` (flags and environment only).
    pub trusted_proxies: Vec<Network>,
    /// `--search-rate` and `--search-burst` (flags and environment only).
    pub search_limit: RateLimitConfig,
    /// `--search-cache` (flag and environment only).
    pub search_cache: bool,
    /// `--index-cache` (`None`: index in memory only).
    pub index_cache: Setting<Option<PathBuf>>,
}

impl Settings {
    /// Merges flags and environment (from `matches`, if known) with the settings file.
    /// Without `matches` every given argument counts as a flag.
    pub fn resolve(args: &ServeArgs, matches: Option<&ArgMatches>) -> anyhow::Result<Settings> {
        let file = match &args.config {
            Some(path) => read_settings_file(path)?,
            None => FileSettings::default(),
        };
        let file_origin = || Origin::File(args.config.clone().unwrap_or_default());
        let base = args
            .config
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        // Relative paths in the settings file are relative to the file, so that a
        // folder can carry its configuration along.
        let relative_to_file = |p: PathBuf| if p.is_relative() { base.join(p) } else { p };

        let origin_of = |id: &str, flag: &'static str, env: &'static str| -> Option<Origin> {
            match matches.and_then(|m| m.value_source(id)) {
                Some(ValueSource::CommandLine) => Some(Origin::Flag(flag)),
                Some(ValueSource::EnvVariable) => Some(Origin::Env(env)),
                Some(_) => None,
                None if matches.is_none() => Some(Origin::Flag(flag)),
                None => None,
            }
        };
        macro_rules! pick {
            ($field:ident, $flag:literal, $env:literal, $file:expr, $default:expr) => {{
                match (
                    args.$field.clone(),
                    origin_of(stringify!($field), $flag, $env),
                ) {
                    (Some(value), Some(origin)) => Setting {
                        value: Some(value),
                        origin,
                    },
                    _ => match $file {
                        Some(value) => Setting {
                            value: Some(value),
                            origin: file_origin(),
                        },
                        None => Setting {
                            value: $default,
                            origin: Origin::Default,
                        },
                    },
                }
            }};
        }

        let file_bind = match &file.bind {
            Some(text) => Some(text.parse::<SocketAddr>().with_context(|| {
                format!(
                    "{}: `bind = \"{text}\"` ist keine Adresse mit Port (z. B. \"0.0.0.0:8080\")",
                    args.config.as_deref().unwrap_or(Path::new("")).display()
                )
            })?),
            None => None,
        };
        let bind = pick!(bind, "--bind", "WERKBANK_BIND", file_bind, None);
        let bind = Setting {
            value: bind
                .value
                .unwrap_or_else(|| DEFAULT_BIND.parse().expect("valid default")),
            origin: bind.origin,
        };
        let content = pick!(
            content,
            "--content",
            "WERKBANK_CONTENT",
            file.content.map(relative_to_file),
            None
        );
        let notice = pick!(notice, "--notice", "WERKBANK_NOTICE", file.notice, None);
        let workers = pick!(workers, "--workers", "WERKBANK_WORKERS", file.workers, None);
        if let Some(0) = workers.value {
            anyhow::bail!("`workers` muss mindestens 1 sein");
        }
        let tls_cert = pick!(
            tls_cert,
            "--tls-cert",
            "WERKBANK_TLS_CERT",
            file.tls_cert.map(relative_to_file),
            None
        );
        let tls_key = pick!(
            tls_key,
            "--tls-key",
            "WERKBANK_TLS_KEY",
            file.tls_key.map(relative_to_file),
            None
        );
        let log_format = pick!(
            log_format,
            "--log-format",
            "WERKBANK_LOG_FORMAT",
            file.log_format,
            None
        );
        let reload = pick!(reload, "--reload", "WERKBANK_RELOAD", file.reload, None);
        let file_name = args
            .config
            .as_deref()
            .unwrap_or(Path::new(""))
            .display()
            .to_string();
        let file_base_url = file
            .base_url
            .as_deref()
            .map(parse_base_url)
            .transpose()
            .map_err(|e| anyhow::anyhow!("{file_name}: base_url: {e}"))?;
        let base_url = pick!(
            base_url,
            "--base-url",
            "WERKBANK_BASE_URL",
            file_base_url,
            None
        );
        let file_today = file
            .today
            .as_deref()
            .map(parse_date)
            .transpose()
            .map_err(|e| anyhow::anyhow!("{file_name}: today: {e}"))?;
        let today = pick!(today, "--today", "WERKBANK_TODAY", file_today, None);
        let index_cache = pick!(
            index_cache,
            "--index-cache",
            "WERKBANK_INDEX_CACHE",
            file.index_cache.map(relative_to_file),
            None
        );
        Ok(Settings {
            config: args.config.clone(),
            bind,
            content,
            notice,
            workers,
            tls_cert,
            tls_key,
            log_format: Setting {
                value: log_format.value.unwrap_or_default(),
                origin: log_format.origin,
            },
            reload: Setting {
                value: reload.value.unwrap_or(true),
                origin: reload.origin,
            },
            base_url,
            today,
            trusted_proxies: args.trusted_proxies.clone(),
            search_limit: RateLimitConfig {
                per_second: args.search_rate,
                burst: args.search_burst,
            },
            search_cache: args.search_cache,
            index_cache,
        })
    }

    /// The checked server configuration.
    pub fn into_config(self) -> anyhow::Result<ServeConfig> {
        let tls = match (self.tls_cert.value, self.tls_key.value) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            (Some(_), None) => anyhow::bail!(
                "--tls-cert ist gesetzt, aber --tls-key fehlt: für HTTPS werden Zertifikat und Schlüssel gebraucht"
            ),
            (None, Some(_)) => anyhow::bail!(
                "--tls-key ist gesetzt, aber --tls-cert fehlt: für HTTPS werden Zertifikat und Schlüssel gebraucht"
            ),
        };
        Ok(ServeConfig {
            bind: self.bind.value,
            source: source_of(self.content.value),
            notice: self.notice.value.filter(|n| !n.trim().is_empty()),
            workers: self
                .workers
                .value
                .map(usize::from)
                .unwrap_or_else(crate::available_cores),
            base_url: self.base_url.value,
            today: self.today.value,
            trusted_proxies: self.trusted_proxies,
            search_limit: self.search_limit,
            search_cache: self.search_cache,
            tls,
            log_format: self.log_format.value,
            reload: self.reload.value,
            reload_debounce: RELOAD_DEBOUNCE,
            index_cache: self.index_cache.value,
        })
    }

    /// The table `werkbank config` prints: one line per setting, with its origin.
    pub fn report(&self) -> String {
        fn show<T: fmt::Display>(value: &Option<T>, none: &str) -> String {
            value
                .as_ref()
                .map_or_else(|| none.to_owned(), ToString::to_string)
        }
        fn path(value: &Option<PathBuf>, none: &str) -> String {
            value
                .as_ref()
                .map_or_else(|| none.to_owned(), |p| p.display().to_string())
        }
        let rows = [
            ("bind", self.bind.value.to_string(), &self.bind.origin),
            (
                "content",
                path(&self.content.value, "(eingebettete Inhalte)"),
                &self.content.origin,
            ),
            (
                "notice",
                show(&self.notice.value, "(Banner aus site.yml)"),
                &self.notice.origin,
            ),
            (
                "workers",
                show(
                    &self.workers.value,
                    &format!("{} (ein Thread je CPU-Kern)", crate::available_cores()),
                ),
                &self.workers.origin,
            ),
            (
                "tls_cert",
                path(&self.tls_cert.value, "(kein HTTPS)"),
                &self.tls_cert.origin,
            ),
            (
                "tls_key",
                path(&self.tls_key.value, "(kein HTTPS)"),
                &self.tls_key.origin,
            ),
            (
                "log_format",
                self.log_format.value.to_string(),
                &self.log_format.origin,
            ),
            ("reload", self.reload.value.to_string(), &self.reload.origin),
            (
                "base_url",
                show(&self.base_url.value, "(aus der Anfrage)"),
                &self.base_url.origin,
            ),
            (
                "today",
                show(&self.today.value, "(aktuelles Datum)"),
                &self.today.origin,
            ),
            (
                "index_cache",
                path(&self.index_cache.value, "(nur im Arbeitsspeicher)"),
                &self.index_cache.origin,
            ),
        ];
        let mut out = String::from(
            "Wirksame Einstellungen (Vorrang: Befehlszeile > Umgebungsvariable > Einstellungsdatei > Standard)\n",
        );
        match &self.config {
            Some(path) => out.push_str(&format!("Einstellungsdatei: {}\n\n", path.display())),
            None => out.push_str("Einstellungsdatei: keine (--config oder WERKBANK_CONFIG)\n\n"),
        }
        let width = rows
            .iter()
            .map(|(_, v, _)| v.chars().count())
            .max()
            .unwrap_or(0);
        for (key, value, origin) in &rows {
            out.push_str(&format!("{key:<11}= {value:<width$}  # {origin}\n"));
        }
        out
    }
}

/// Reads and checks a TOML settings file; unknown keys are errors (typos must not be
/// silently ignored during an incident).
fn read_settings_file(path: &Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("Einstellungsdatei {} ist nicht lesbar", path.display()))?;
    toml::from_str(&text).map_err(|error| {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        anyhow::anyhow!(
            "{}:{line}: {} (erlaubt sind: bind, content, notice, workers, tls_cert, tls_key, log_format, reload, base_url, today, index_cache)",
            path.display(),
            error.message()
        )
    })
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

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("werkbank.toml");
        std::fs::write(
            &file,
            "bind = \"0.0.0.0:9000\"\nworkers = 3\ncontent = \"inhalte\"\nlog_format = \"json\"\n",
        )
        .unwrap();
        let args = Arguments::try_parse_from([
            "werkbank",
            "config",
            "--config",
            file.to_str().unwrap(),
            "--workers",
            "5",
        ])
        .unwrap();
        let Some(Command::Config(serve)) = &args.cli.command else {
            panic!("config subcommand");
        };
        let settings = Settings::resolve(serve, Some(args.serve_matches())).unwrap();
        assert_eq!(settings.workers.value, Some(5));
        assert_eq!(settings.workers.origin, Origin::Flag("--workers"));
        assert_eq!(settings.bind.value.port(), 9000);
        assert!(matches!(settings.bind.origin, Origin::File(_)));
        assert_eq!(settings.content.value, Some(dir.path().join("inhalte")));
        assert_eq!(settings.log_format.value, LogFormat::Json);
        assert_eq!(settings.reload.origin, Origin::Default);
        assert!(settings.report().contains("# Befehlszeile --workers"));
    }

    #[test]
    fn unknown_keys_in_the_file_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w.toml");
        std::fs::write(&file, "bind = \"127.0.0.1:1\"\nport = 8080\n").unwrap();
        let args = ServeArgs {
            config: Some(file),
            ..ServeArgs::default()
        };
        let error = Settings::resolve(&args, None).unwrap_err().to_string();
        assert!(error.contains("w.toml:2:"), "{error}");
        assert!(error.contains("port"), "{error}");
    }

    #[test]
    fn tls_needs_both_files() {
        let args = ServeArgs {
            tls_cert: Some("cert.pem".into()),
            ..ServeArgs::default()
        };
        let error = ServeConfig::from_args(args).unwrap_err().to_string();
        assert!(error.contains("--tls-key"), "{error}");
    }
}
