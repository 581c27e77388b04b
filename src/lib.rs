//! werkbank: an offline fallback portal for chambers of crafts.
//!
//! Data flows one way: [`content`] (files -> documents) -> [`library`] (sections,
//! trades) -> [`calendar`] (events, notices) and [`search`] (tantivy index) ->
//! [`state`] (everything, pre-rendered) -> [`web`] (actix-web handlers) using
//! [`views`] (maud templates). Only `web` knows HTTP.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod assets;
pub mod calendar;
pub mod check;
pub mod config;
pub mod content;
pub mod library;
pub mod search;
pub mod state;
pub mod views;
pub mod web;

use std::process::ExitCode;

use config::{Cli, Command, ServeConfig};

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Check(args)) => Ok(check::run(&config::source_of(args.content))),
        Some(Command::Serve(args)) => serve(ServeConfig::from_args(args)),
        None => serve(ServeConfig::from_args(cli.serve)),
    }
}

fn serve(config: ServeConfig) -> anyhow::Result<ExitCode> {
    actix_web::rt::System::new().block_on(async move {
        let app = web::Application::build(config)?;
        app.run_until_stopped().await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Sets up logging through `tracing`: one line per request, level from `RUST_LOG`
/// (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
}

/// The number of CPU cores available to this process.
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
