//! The `werkbank` binary: parse the command line, run, turn errors into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        limit_arenas();
        werkbank::memory::on_release(trim_heap);
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

/// Returns the free pages of glibc's heaps to the operating system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim_heap() {
    // SAFETY: malloc_trim takes no pointers and only releases memory that glibc's
    // allocator itself holds as free; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
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
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_arenas() {
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
