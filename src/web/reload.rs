//! Live reload of a content folder: file changes (debounced) rebuild the whole state on
//! a background thread, and a state that built is swapped in whole.
//!
//! Requests keep being answered from the old state while the new one is built; each
//! request holds its own `Arc<State>`, so a swap never changes a state under a request
//! and a half-built state is never visible. A build that the folder changed under
//! (the files it read may be half old, half new) is not swapped in; the folder is
//! built again once it is quiet.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use actix_web::web;
use anyhow::Context;

use super::Shared;
use crate::content::source::ContentWatcher;
use crate::state::{BuildOptions, State};

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
                let Some((started, result)) = settled_build(&changed, debounce, || {
                    let started = Instant::now();
                    (started, build(&shared, &options))
                }) else {
                    return;
                };
                apply(&shared, started, result);
            }
        })
        .context("Thread für das Neuladen lässt sich nicht starten")?;
    tracing::info!(content = %description, "Inhaltsordner wird überwacht");
    Ok(Some(Reloader { _watcher: watcher }))
}

/// Builds in a row that the folder changed under, after which the next one counts:
/// a folder that never holds still for a build still gets reloaded.
const MAX_UNSETTLED_BUILDS: usize = 3;

/// Waits until the folder has been quiet for `debounce`, then runs `build`. If the
/// folder changed while it ran, the files it read may be half old, half new (a
/// folder being deleted or replaced step by step): it waits for quiet and builds
/// again, up to [`MAX_UNSETTLED_BUILDS`] times. `None` when the watch has ended.
fn settled_build<T>(
    changed: &mpsc::Receiver<()>,
    debounce: Duration,
    mut build: impl FnMut() -> T,
) -> Option<T> {
    let mut unsettled = 0;
    loop {
        loop {
            match changed.recv_timeout(debounce) {
                Ok(()) => continue,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        let built = build();
        let mut changed_meanwhile = false;
        while changed.try_recv().is_ok() {
            changed_meanwhile = true;
        }
        if !changed_meanwhile || unsettled == MAX_UNSETTLED_BUILDS {
            return Some(built);
        }
        unsettled += 1;
        tracing::debug!("Inhaltsordner hat sich während des Neuladens geändert, neuer Versuch");
    }
}

/// Rebuilds from the folder; a panic in the build is an error.
fn build(shared: &Shared, options: &BuildOptions) -> anyhow::Result<State> {
    let current = shared.load();
    // A bug in the build must not end live reloading for the rest of the incident.
    std::panic::catch_unwind(AssertUnwindSafe(|| current.rebuild(options)))
        .unwrap_or_else(|_| Err(anyhow::anyhow!("interner Fehler beim Aufbau")))
}

/// Swaps a built state in; after a failed build the old state stays.
fn apply(shared: &Shared, started: Instant, result: anyhow::Result<State>) {
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
            // The old version goes when its last reader is done; what it and the build
            // freed by now goes back to the system.
            shared.swap(next);
            shared.metrics.observe_reload(true);
            crate::memory::release();
        }
        Err(error) => {
            tracing::error!("Neuladen fehlgeschlagen, der bisherige Stand bleibt aktiv: {error:#}");
            shared.metrics.observe_reload(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIET: Duration = Duration::from_millis(20);

    #[test]
    fn a_build_that_the_folder_changed_under_is_done_again() {
        let (changes, changed) = mpsc::channel();
        let mut builds = 0;
        let built = settled_build(&changed, QUIET, || {
            builds += 1;
            // The first build sees the folder change while it reads it.
            if builds == 1 {
                changes.send(()).unwrap();
                changes.send(()).unwrap();
            }
            builds
        });
        assert_eq!(built, Some(2));
        assert_eq!(builds, 2);
    }

    #[test]
    fn a_folder_that_never_holds_still_is_reloaded_all_the_same() {
        let (changes, changed) = mpsc::channel();
        let mut builds = 0;
        let built = settled_build(&changed, QUIET, || {
            builds += 1;
            changes.send(()).unwrap();
            builds
        });
        assert_eq!(built, Some(MAX_UNSETTLED_BUILDS + 1));
    }

    #[test]
    fn the_changes_before_the_build_are_waited_out_and_an_ended_watch_ends_it() {
        let (changes, changed) = mpsc::channel();
        for _ in 0..5 {
            changes.send(()).unwrap();
        }
        let mut builds = 0;
        assert_eq!(
            settled_build(&changed, QUIET, || {
                builds += 1;
                builds
            }),
            Some(1)
        );
        drop(changes);
        assert_eq!(settled_build(&changed, QUIET, || 0), None);
    }
}
