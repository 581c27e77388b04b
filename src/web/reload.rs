//! Live reload of a content folder: file changes (debounced) rebuild the whole state on
//! a background thread, and a state that built is swapped in whole.
//!
//! Requests keep being answered from the old state while the new one is built; each
//! request holds its own `Arc<State>`, so a swap never changes a state under a request
//! and a half-built state is never visible.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use actix_web::web;
use anyhow::Context;

use super::Shared;
use crate::content::source::ContentWatcher;
use crate::state::BuildOptions;

/// A running reloader; dropping it stops the watch and, soon after, the thread.
pub struct Reloader {
    _watcher: ContentWatcher,
}

/// Starts watching the content folder of `options`; `None` for embedded content.
pub fn start(
    shared: web::Data<Shared>,
    options: BuildOptions,
    debounce: Duration,
) -> anyhow::Result<Option<Reloader>> {
    let (changes, changed) = mpsc::channel::<()>();
    let Some(watcher) = options.source.watch(move || {
        // The receiver is gone only when the server stops.
        let _ = changes.send(());
    })?
    else {
        return Ok(None);
    };
    let description = options.source.describe();
    std::thread::Builder::new()
        .name("werkbank-reload".to_owned())
        .spawn(move || {
            while changed.recv().is_ok() {
                // Wait until the folder has been quiet for `debounce`.
                loop {
                    match changed.recv_timeout(debounce) {
                        Ok(()) => continue,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                reload_once(&shared, &options);
            }
        })
        .context("Thread für das Neuladen lässt sich nicht starten")?;
    tracing::info!(content = %description, "Inhaltsordner wird überwacht");
    Ok(Some(Reloader { _watcher: watcher }))
}

/// Rebuilds from the folder and swaps the result in; on failure the old state stays.
pub fn reload_once(shared: &Shared, options: &BuildOptions) {
    let started = Instant::now();
    let current = shared.load();
    // A bug in the build must not end live reloading for the rest of the incident.
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| current.rebuild(options)))
        .unwrap_or_else(|_| Err(anyhow::anyhow!("interner Fehler beim Aufbau")));
    match result {
        Ok(next) => {
            // The new version is complete before readers see it.
            next.index.warm(&next.library);
            tracing::info!(
                version = %next.fingerprint.short(),
                documents = next.library.documents.len(),
                skipped = next.library.errors.len(),
                kept_previous = next.kept_previous.len(),
                millis = started.elapsed().as_millis() as u64,
                "Inhalte neu geladen"
            );
            shared.swap(next);
            shared.metrics.observe_reload(true);
            // The old version goes when its last reader is done; what it and the build
            // freed by now goes back to the system.
            drop(current);
            crate::memory::release();
        }
        Err(error) => {
            tracing::error!("Neuladen fehlgeschlagen, der bisherige Stand bleibt aktiv: {error:#}");
            shared.metrics.observe_reload(false);
        }
    }
}
