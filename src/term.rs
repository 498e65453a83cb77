//! Terminal detection (in one place, with an override for tests) and stderr logging that
//! does not tear the progress bar.

use std::io::IsTerminal;
use std::sync::{Mutex, OnceLock};

use indicatif::ProgressBar;

/// `CALLS_ASSUME_TTY=1` makes calls behave as if stdout and stderr were terminals (tests);
/// `CALLS_ASSUME_TTY=0` as if they were not.
fn assumed() -> Option<bool> {
    match std::env::var("CALLS_ASSUME_TTY").ok()?.as_str() {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

pub fn stdout_is_tty() -> bool {
    assumed().unwrap_or_else(|| std::io::stdout().is_terminal())
}

pub fn stderr_is_tty() -> bool {
    assumed().unwrap_or_else(|| std::io::stderr().is_terminal())
}

pub fn stdin_is_tty() -> bool {
    std::io::stdin().is_terminal()
}

/// The width tables wrap to: `COLUMNS` if set, else the terminal's, else none.
pub fn width() -> Option<u16> {
    if let Some(cols) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(cols);
    }
    if std::io::stdout().is_terminal() {
        return crossterm_width();
    }
    None
}

fn crossterm_width() -> Option<u16> {
    comfy_table::Table::new().width()
}

fn bar_slot() -> &'static Mutex<Option<ProgressBar>> {
    static BAR: OnceLock<Mutex<Option<ProgressBar>>> = OnceLock::new();
    BAR.get_or_init(|| Mutex::new(None))
}

/// Registers the progress bar that `log` must print around (`None` when it is done).
pub fn set_bar(bar: Option<ProgressBar>) {
    *bar_slot().lock().unwrap_or_else(|e| e.into_inner()) = bar;
}

/// Prints one line to stderr, above the progress bar if one is showing.
pub fn log(line: &str) {
    let slot = bar_slot().lock().unwrap_or_else(|e| e.into_inner());
    match slot.as_ref() {
        Some(bar) if !bar.is_hidden() => bar.suspend(|| eprintln!("{line}")),
        _ => eprintln!("{line}"),
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `-q`: notes are not shown (errors and warnings still are).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// A note on stderr, unless `-q`.
pub fn note(message: &str) {
    if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        log(&format!("note: {message}"));
    }
}

/// A warning on stderr (shown even with `-q`, like errors).
pub fn warn(message: &str) {
    log(&format!("warning: {message}"));
}
