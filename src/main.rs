//! The `werkbank` binary: parse the command line, start logging, run, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = werkbank::config::Cli::parse();
    werkbank::init_logging();
    match werkbank::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("Fehler: {error:#}");
            ExitCode::FAILURE
        }
    }
}
