//! The `werkbank` binary: parse the command line, run, turn errors into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        glibc_heap::limit_arenas();
        glibc_heap::pad_heap_growth();
        werkbank::memory::on_release(glibc_heap::trim_heap);
    }
    let args = werkbank::config::Arguments::parse();
    match werkbank::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("Fehler: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Tuning of glibc's allocator: `unsafe` calls, which the library (`forbid(unsafe_code)`)
/// leaves to the binary.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc_heap {
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Returns the free pages of glibc's heaps to the operating system, and ends the
    /// padding of [`pad_heap_growth`] (the first build, the one that needs it, is over).
    pub fn trim_heap() {
        // SAFETY: mallopt only sets a tuning value and malloc_trim takes no pointers and
        // only releases memory that glibc's allocator itself holds as free; both are
        // safe to call from any thread at any time.
        unsafe {
            if PADDED.swap(false, Ordering::Relaxed) {
                libc::mallopt(libc::M_TOP_PAD, DEFAULT_TOP_PAD);
            }
            libc::malloc_trim(0);
        }
    }

    /// glibc's padding of a heap's growth by default (`mallopt(3)`).
    const DEFAULT_TOP_PAD: libc::c_int = 128 * 1024;

    /// The padding while the first state is built.
    const BUILD_TOP_PAD: libc::c_int = 32 << 20;

    /// Whether [`pad_heap_growth`] set the padding.
    static PADDED: AtomicBool = AtomicBool::new(false);

    /// Lets glibc's heaps grow 32 MB at a time while the first state is built, instead
    /// of a page or so. A restart with the index cache decodes tens of megabytes of
    /// documents on all cores; each step by which a thread's heap grew was a call that
    /// takes the process's lock on its memory map, which the other threads' page faults
    /// then wait for: 28 % of such a restart's samples (`bench/README.md`). Growing
    /// writable memory costs nothing until it is used, and [`trim_heap`] sets the default
    /// back after the build. A padding set by the operator (`MALLOC_TOP_PAD_`, or in
    /// `GLIBC_TUNABLES`) wins.
    pub fn pad_heap_growth() {
        let tuned = std::env::var("GLIBC_TUNABLES").is_ok_and(|t| t.contains("top_pad"));
        if tuned || std::env::var_os("MALLOC_TOP_PAD_").is_some() {
            return;
        }
        // SAFETY: as in `limit_arenas`: a tuning value, set before any other thread exists.
        if unsafe { libc::mallopt(libc::M_TOP_PAD, BUILD_TOP_PAD) } == 1 {
            PADDED.store(true, Ordering::Relaxed);
        }
    }

    /// Gives glibc's allocator one heap ("arena") per core and one for the main thread,
    /// instead of its default of up to eight per core. Each thread that ever allocated
    /// (indexing, counting, the workers) otherwise keeps a heap of its own, each with its
    /// own free memory: on 10,000 documents this took the resident memory under search
    /// load from about 240 to 175 MB (`bench/README.md`, peak memory). With one heap per
    /// core only, the main thread kept one of them, and the two workers of a 2-core
    /// machine often shared the other: they then waited for each other's lock on every
    /// allocation, at 3,000 to 5,000 instead of 6,000 searches per second. A
    /// `MALLOC_ARENA_MAX` set by the operator wins.
    pub fn limit_arenas() {
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
            return;
        }
        let arenas = (werkbank::available_cores() + 1).clamp(2, 65) as libc::c_int;
        // SAFETY: mallopt only sets a tuning value of glibc's allocator; it is called at
        // the start of main, before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}
