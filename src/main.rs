//! `calls`: call history from telephony and call-tracking vendors into files, pipes and
//! databases.
//!
//! # Architecture (parse, resolve, run)
//!
//! ```text
//! argv ──clap──▶ cli.rs (the parsed words only)
//!                  │
//!                  ▼ resolve.rs: once, config + flags + terminal + zone
//!        Settings (Profile, HttpOptions) · Query · OutputOptions
//!                  │
//!                  ▼ commands/<name>.rs
//!        vendors::Backend ── one module per vendor (vendors/<name>/, wire types inside;
//!          │   every vendor's timestamps read by the one reader in vendors/time.rs)
//!          │   plan(query) → which filters run at the vendor, which on the client
//!          │   page(query, n) → normalized `Call`s (call.rs)
//!          ▼
//!        http.rs: the one HTTP layer (timeouts, retries, backoff + jitter, Retry-After,
//!                 rate limit, -v logging with redact.rs)
//!                  │
//!                  ▼ pager.rs: pages in order, fetched ahead, de-duplicated, filtered, --limit
//!        output/: table · csv · json · ndjson writers over any `W: Write`,
//!                 stdout, or a file replaced (or appended to) atomically
//! ```
//!
//! `calls sync` hands the pager's calls to `db/` instead (one module per database behind one
//! trait, migrations under `migrations/`); `calls stats` to `stats::Tally`, one counter per group
//! (the table with its chart and the machine formats in `stats/`). `window.rs` is the incremental
//! window all three of `export --since-last` (its state file in `state.rs`), `sync` and `export
//! --follow` resume by. Beside the listing path: `recording.rs` (safe names,
//! downloads through `Http::download`, which alone decides where credentials go), and `gate.rs`,
//! the one gate `assign` and `delete` pass before a backend sends their planned requests.
//! `stop.rs` holds what a signal should say when it ends a command (what `recording` and `sync`
//! had done; nothing for `export --follow`, which a signal ends normally); `report.rs` the
//! `--report` lines `sync` and `export` append for monitoring.
//!
//! `sandbox/` serves fake vendor APIs (deterministic data, fault injection) for `calls
//! sandbox`, `--sandbox` and the tests. Errors are `anyhow` with context; `error::Failure`
//! carries the exit codes of SPEC.md. Adding a vendor: a module under `vendors/`, a variant in
//! `vendors::Vendor` and `Backend`, and its emulation under `sandbox/`. A vendor's second API
//! (a profile's `api`): a module inside the vendor's (`vendors/famulor/v1/`), a `Backend`
//! variant, its traits in `vendors::api_traits`, and its emulation in `sandbox::SECOND_APIS`.

use std::process::ExitCode;

use clap::Parser;

use calls::cli::Cli;
use calls::error::{classify, is_broken_pipe, Exit, Failure};
use calls::redact;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(result) = calls::commands::hidden(&args) {
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => report(e),
        };
    }
    let cli = Cli::parse_from(args);
    calls::term::set_color(cli.global.color);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return report(anyhow::Error::new(e).context("cannot start the async runtime")),
    };
    let result = runtime.block_on(async {
        tokio::select! {
            result = calls::commands::run(cli) => result,
            // Dropping the command's future removes any temporary output file.
            _ = tokio::signal::ctrl_c() => Err(Failure::interrupted().into()),
            _ = terminate() => Err(Failure::terminated().into()),
        }
    });
    // Do not wait for stray tasks (an embedded sandbox, requests in flight).
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // NOTE: looked at, not taken apart: a downcast would drop the error's context.
        Err(e) => match e.downcast_ref::<Failure>().map(|f| f.exit) {
            Some(exit @ (Exit::Interrupted | Exit::Terminated)) => stopped(e, exit),
            _ => report(e),
        },
    }
}

/// A signal ended the command. `sync --every` between two runs has nothing half done, and
/// `export --follow` is meant to end so: no error (the latter still exits 130 / 143). Else
/// what was done before it stopped, then `error: interrupted`.
fn stopped(err: anyhow::Error, exit: Exit) -> ExitCode {
    if calls::commands::idle() {
        return ExitCode::SUCCESS;
    }
    calls::term::clear_bar();
    if calls::stop::is_quiet() {
        return ExitCode::from(exit as u8);
    }
    for line in calls::stop::so_far() {
        calls::term::log(&line);
    }
    report(err)
}

/// SIGTERM, handled like Ctrl-C so that temporary files go and nothing is left half-done.
#[cfg(unix)]
async fn terminate() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            term.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminate() {
    std::future::pending().await
}

/// Prints `error: ...` and a hint, secrets scrubbed, and picks the exit code.
fn report(err: anyhow::Error) -> ExitCode {
    if is_broken_pipe(&err) {
        return ExitCode::SUCCESS;
    }
    // The error on a line of its own, not after a progress bar.
    calls::term::clear_bar();
    let (exit, hint) = classify(&err);
    // A vendor's error message is printed: never its escape sequences.
    let message = redact::scrub(&format!("{err:#}"));
    eprintln!(
        "{} {}",
        calls::term::label("error:", calls::term::Paint::BoldRed),
        calls::term::printable(&message)
    );
    if let Some(hint) = hint {
        eprintln!("  hint: {}", calls::term::printable(&redact::scrub(hint)));
    }
    ExitCode::from(exit as u8)
}
