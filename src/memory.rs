//! Handing memory freed by a build back to the operating system.
//!
//! Building the state allocates far more than it keeps: file contents, the index
//! writer's buffers, the indexing threads' word memories. The C allocator keeps such
//! freed memory for later instead of returning it, so after a start on 10,000
//! documents a third of the resident memory was free heap (`bench/README.md`, peak
//! memory). The library forbids `unsafe`, so the binary registers how to release it
//! (on glibc: `malloc_trim`), and the server calls [`release`] after each build. The
//! binary also limits glibc to one heap per core (see `main.rs`).

use std::sync::OnceLock;

static RELEASE: OnceLock<fn()> = OnceLock::new();

/// Sets how [`release`] hands free memory back; the first call wins.
pub fn on_release(release: fn()) {
    let _ = RELEASE.set(release);
}

/// Hands free heap memory back to the operating system, if the binary said how.
pub fn release() {
    if let Some(release) = RELEASE.get() {
        release();
    }
}
