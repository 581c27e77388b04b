//! The `werkbank` binary: parse the command line, run, turn errors into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = werkbank::config::Arguments::parse();
    match werkbank::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("Fehler: {error:#}");
            ExitCode::FAILURE
        }
    }
}
