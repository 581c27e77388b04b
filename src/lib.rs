//! werkbank: an offline fallback portal for chambers of crafts.
//!
//! Data flows one way: [`content`] (files -> documents) -> [`library`] (sections,
//! trades) -> [`calendar`] (events, notices) and [`search`] (tantivy index) ->
//! [`state`] (everything; pages rendered on first use) -> [`web`] (actix-web handlers) using
//! [`views`] (maud templates). Only `web` knows HTTP.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod assets;
pub mod calendar;
pub mod check;
pub mod config;
pub mod export;
pub mod memory;
pub mod precompressed;
pub mod pwa;
pub mod state;
pub mod views;
pub mod web;

pub use werkbank_engine::{available_cores, content, index_cache, library, search};

use std::process::ExitCode;

use config::{Arguments, Command, LogFormat, ServeConfig, Settings};

/// Runs a parsed command line and returns the process exit code.
pub fn run(args: Arguments) -> anyhow::Result<ExitCode> {
    match &args.cli.command {
        Some(Command::Check(check)) => {
            init_logging(LogFormat::Text);
            Ok(check::run(&config::source_of(check.content.clone())))
        }
        Some(Command::Export(export)) => {
            init_logging(LogFormat::Text);
            export::run(export)
        }
        Some(Command::Config(serve)) => {
            let settings = Settings::resolve(serve, Some(args.serve_matches()))?;
            print!("{}", settings.report());
            // The same checks as `serve`, so that a mistake shows before a restart.
            settings.into_config()?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Serve(serve_args)) => {
            serve(Settings::resolve(serve_args, Some(args.serve_matches()))?.into_config()?)
        }
        None => {
            serve(Settings::resolve(&args.cli.serve, Some(args.serve_matches()))?.into_config()?)
        }
    }
}

fn serve(config: ServeConfig) -> anyhow::Result<ExitCode> {
    init_logging(config.log_format);
    actix_web::rt::System::new().block_on(async move {
        let app = web::Application::build(config)?;
        actix_web::rt::spawn(web::ops::stop_on_signals(app.handle()));
        app.run_until_stopped().await?;
        tracing::info!("werkbank ist beendet");
        Ok(ExitCode::SUCCESS)
    })
}

/// Sets up logging through `tracing` to standard error: one line (text or JSON) per
/// request and event, level from `RUST_LOG` (default `info`).
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    // A second call (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
