//! The `frontdoor` binary: parses the command line and hands over to the library.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    hand_freed_memory_back();
    server::telemetry::init();
    let cli = server::config::Cli::parse();
    match server::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("frontdoor: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// glibc raises its mmap threshold to the largest block freed so far (argon2's 19 MiB work
/// area, at the first login): from then on blocks that size come from the heap, and what is
/// freed stays with the process. Resident memory grew from 33 to 200 MiB over 90,000 passkey
/// logins with about 40 MiB in use (BENCHMARKS.md, "Memory"). Setting the thresholds to their
/// defaults turns that adjustment off: large blocks are mapped and unmapped again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn hand_freed_memory_back() {
    const DEFAULT: libc::c_int = 128 * 1024;
    // SAFETY: mallopt only sets the allocator's parameters; it is called once, at start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, DEFAULT);
        libc::mallopt(libc::M_TRIM_THRESHOLD, DEFAULT);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn hand_freed_memory_back() {}
