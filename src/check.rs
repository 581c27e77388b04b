//! `werkbank check`: validate content without serving it, like a compiler.

use std::process::ExitCode;

use crate::content::ContentSource;
use crate::library::Library;

/// Checks the content and prints `file:line: message` lines and a summary.
/// Exit code 1 if there are errors.
pub fn run(source: &ContentSource) -> ExitCode {
    let files = match source.read_all() {
        Ok(files) => files,
        Err(error) => {
            eprintln!("Fehler: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let library = Library::build(files);
    for error in &library.errors {
        println!("{error}");
    }
    let docs = library.documents.len();
    if library.errors.is_empty() {
        println!("{docs} Dokumente geprüft, keine Fehler.");
        ExitCode::SUCCESS
    } else {
        println!("{docs} Dokumente geprüft, {} Fehler.", library.errors.len());
        ExitCode::FAILURE
    }
}
