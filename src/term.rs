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

/// Whether stdout gets colour: a terminal, and `NO_COLOR` unset or empty.
pub fn colors() -> bool {
    stdout_is_tty() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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
    let line = printable_lines(line);
    let slot = bar_slot().lock().unwrap_or_else(|e| e.into_inner());
    match slot.as_ref() {
        Some(bar) if !bar.is_hidden() => bar.suspend(|| eprintln!("{line}")),
        _ => eprintln!("{line}"),
    }
}

static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `-v`: [`debug`] lines are shown.
pub fn set_verbose(verbose: bool) {
    VERBOSE.store(verbose, std::sync::atomic::Ordering::Relaxed);
}

/// A line for `-v` only (what calls read as unknown, which filters ran where, ...).
pub fn debug(message: &str) {
    if VERBOSE.load(std::sync::atomic::Ordering::Relaxed) {
        log(message);
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

/// Text fit for a terminal: control characters (ESC, BEL, CR, backspace, C1 controls) and the
/// bidi overrides that reorder what a terminal shows are written as `\u{..}` escapes, so a
/// vendor's value cannot move the cursor, retitle the window or clear the screen.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`printable`], but keeping line breaks and tabs (multi-line text such as a transcript).
pub fn printable_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split('\t')
                .map(|part| printable(part).into_owned())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// One line of results on stdout. Once stdout is gone (`| head`, a closed pipe) the line goes
/// to stderr instead, so what was done is still reported; never a panic.
pub fn result_line(line: &str) {
    use std::io::Write;
    static STDOUT_GONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !STDOUT_GONE.load(std::sync::atomic::Ordering::Relaxed) {
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_ok() {
            return;
        }
        STDOUT_GONE.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    log(line);
}

/// One line of output on stdout; a closed stdout is an error the caller can return (a quiet
/// exit 0 at the top, like `calls export | head`).
pub fn out_line(line: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

/// 1 -> "1 call", 12345 -> "12,345 calls"
pub fn n_calls(n: u64) -> String {
    match n {
        1 => "1 call".into(),
        n => format!("{} calls", thousands(n)),
    }
}

/// 12345 -> "12,345"
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as people read a duration: `42s`, `4m 07s`, `12h 05m`.
pub fn duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s:02}s"),
        _ => format!("{h}h {m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(12345), "12,345");
        assert_eq!(super::thousands(1234567), "1,234,567");
        assert_eq!(super::n_calls(1), "1 call");
        assert_eq!(super::n_calls(2000), "2,000 calls");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(59), "59s");
        assert_eq!(duration(247), "4m 07s");
        assert_eq!(duration(3600), "1h 00m");
        assert_eq!(duration(450_000), "125h 00m");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("plain"), "plain");
        assert_eq!(printable("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(printable("x\u{202e}y\u{9b}2J"), "x\\u{202e}y\\u{9b}2J");
        assert_eq!(printable_lines("a\nb\x1b[2J\tc"), "a\nb\\u{1b}[2J\tc");
    }
}
