//! Terminal detection (in one place, with an override for tests), the colour decision, and
//! stderr logging that does not tear the progress bar.

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

/// The width tables wrap to: `COLUMNS` if set, else the terminal's, else none. A width of 0
/// (what `script -qc` and some serial consoles report) is unknown too, as when piped: wrapping
/// to it would put one character on a line.
pub fn width() -> Option<u16> {
    let cols = match std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
    {
        Some(cols) => Some(cols),
        None if std::io::stdout().is_terminal() => crossterm_width(),
        None => None,
    };
    cols.filter(|&c| c > 0)
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

/// The one style of a bar with an end (listing pages or calls, downloading recordings):
/// `⠋ [=====>     ] 3/12 pages, 1,200 calls of ~4,800, 310/s, eta 9s`. NOTE: the bar takes the
/// width the text leaves, so the line fits the terminal (a fixed 24-column bar with the elapsed
/// time made it 95 characters, wrapped at 80).
pub fn bar_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{spinner} [{wide_bar}] {pos}/{len} {msg}, eta {eta}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// Where progress bars draw: stderr, as a terminal a few columns narrower than it is. NOTE: a
/// bar line as wide as the terminal wraps when the terminal echoes `^C` after it, and clearing
/// the bar then clears the new line only, leaving the bar above `error: interrupted`.
pub fn bar_target() -> indicatif::ProgressDrawTarget {
    indicatif::ProgressDrawTarget::term_like(Box::new(BarTerm))
}

#[derive(Debug)]
struct BarTerm;

impl BarTerm {
    fn put(&self, s: &str) -> std::io::Result<()> {
        use std::io::Write;
        std::io::stderr().lock().write_all(s.as_bytes())
    }
}

impl indicatif::TermLike for BarTerm {
    fn width(&self) -> u16 {
        stderr_width().unwrap_or(80).saturating_sub(4).max(20)
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        self.put(&format!("\x1b[{n}A"))
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        self.put(&format!("\x1b[{n}B"))
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        self.put(&format!("\x1b[{n}C"))
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        self.put(&format!("\x1b[{n}D"))
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.put(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.put(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.put("\r\x1b[2K")
    }
    fn flush(&self) -> std::io::Result<()> {
        use std::io::Write;
        std::io::stderr().flush()
    }
}

/// The width of the terminal stderr is on (0 counts as unknown).
fn stderr_width() -> Option<u16> {
    #[cfg(unix)]
    {
        // SAFETY: TIOCGWINSZ fills the winsize it is given, and nothing else.
        let mut size: libc::winsize = unsafe { std::mem::zeroed() };
        let ok = unsafe { libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
        (ok && size.ws_col > 0).then_some(size.ws_col)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// A progress bar shown for as long as this lives: registered for [`log`], and cleared from
/// the terminal when dropped, however the work ends (done, an error such as a closed stdout
/// after `| head`, or Ctrl-C dropping the command), so no bar line is left behind and an
/// `error: ...` starts on a line of its own.
pub struct Shown(Option<ProgressBar>);

/// Shows `bar` (if any) until the returned guard is dropped.
pub fn show_bar(bar: Option<ProgressBar>) -> Shown {
    set_bar(bar.clone());
    Shown(bar)
}

impl Drop for Shown {
    fn drop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
        set_bar(None);
    }
}

/// Clears a bar still registered (before the final `error: ...`).
pub fn clear_bar() {
    if let Some(bar) = bar_slot().lock().unwrap_or_else(|e| e.into_inner()).take() {
        bar.finish_and_clear();
    }
}

/// Prints one line to stderr, above the progress bar if one is showing.
pub fn log(line: &str) {
    emit(&printable_lines(line));
}

/// Prints a line already made printable (it may hold our own colour sequences).
fn emit(line: &str) {
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
    emit(&format!(
        "{} {}",
        label("warning:", Paint::Yellow),
        printable_lines(message)
    ));
}

/// `error: MESSAGE` on stderr, for an error that does not end the run (`sync --every`).
pub fn error(message: &str) {
    emit(&format!(
        "{} {}",
        label("error:", Paint::BoldRed),
        printable_lines(message)
    ));
}

/// `--color WHEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set (or TERM=dumb).
    #[default]
    Auto,
    Always,
    Never,
}

/// 0: not set yet (auto), else `ColorChoice as u8 + 1`.
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Settles `--color` for the run (once, at the start).
pub fn set_color(choice: ColorChoice) {
    COLOR.store(choice as u8 + 1, std::sync::atomic::Ordering::Relaxed);
}

fn color_choice() -> ColorChoice {
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        2 => ColorChoice::Always,
        3 => ColorChoice::Never,
        _ => ColorChoice::Auto,
    }
}

/// The one colour decision, for a stream that is (or is not) a terminal: `--color always` and
/// `never` decide; `auto` colours a terminal unless `NO_COLOR` is set (to anything but empty,
/// as no-color.org says) or `TERM=dumb`.
fn color_for(tty: bool) -> bool {
    match color_choice() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            tty && !no_color && !dumb
        }
    }
}

/// Whether stdout gets colour (table headers and statuses); machine formats never do.
pub fn colors() -> bool {
    color_for(stdout_is_tty())
}

/// Whether stderr gets colour (`error:`, `warning:`).
pub fn stderr_colors() -> bool {
    color_for(stderr_is_tty())
}

/// The few styles calls uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    Bold,
    Red,
    Green,
    Yellow,
    /// The "other" shade of the stats chart.
    Grey,
    /// Red and bold: `error:`.
    BoldRed,
}

impl Paint {
    fn sgr(self) -> &'static str {
        match self {
            Paint::Bold => "1",
            Paint::Red => "31",
            Paint::Green => "32",
            Paint::Yellow => "1;33",
            Paint::Grey => "90",
            Paint::BoldRed => "1;31",
        }
    }
}

/// `text` in `paint` (an SGR sequence around it), for a stream that takes colour.
pub fn paint(text: &str, paint: Paint) -> String {
    format!("\x1b[{}m{text}\x1b[0m", paint.sgr())
}

/// Columns a line takes on a terminal: its characters, less the colour sequences (`ESC [ ... m`)
/// calls writes.
pub fn visible_width(line: &str) -> usize {
    let mut width = 0;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            width += 1;
        }
    }
    width
}

/// A stderr label (`error:`, `warning:`), coloured when stderr takes colour.
pub fn label(text: &str, style: Paint) -> String {
    if stderr_colors() {
        paint(text, style)
    } else {
        text.to_string()
    }
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

/// A character that must not reach a terminal raw: a control character (C0, DEL, C1) or a bidi
/// override, isolate or mark.
pub fn unsafe_char(c: char) -> bool {
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
    count(n, "call", "calls")
}

/// A number and its noun, singular for one: `count(1, "page", "pages")` -> "1 page",
/// `count(1200, ...)` -> "1,200 pages". Every count a message prints goes through it.
pub fn count(n: u64, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{} {many}", thousands(n)),
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

/// The width a summary line on stderr keeps to: the narrowest usual terminal.
pub const SUMMARY_WIDTH: usize = 80;

/// `parts` joined by ", ", broken (and indented by two) where a line would pass `width`.
pub fn join_wrapped(parts: &[String], width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for (i, part) in parts.iter().enumerate() {
        let len = part.chars().count();
        if i > 0 {
            if line + 2 + len + 1 > width {
                out.push_str(",\n  ");
                line = 2;
            } else {
                out.push_str(", ");
                line += 2;
            }
        }
        out.push_str(part);
        line += len;
    }
    out
}

/// Seconds as every table prints a duration (`list`'s DURATION, `stats`' talk time):
/// `0:42`, `4:07`, `12:05:00`. One form across commands, so a column reads the same anywhere.
pub fn duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count(0, "page", "pages"), "0 pages");
        assert_eq!(count(1, "page", "pages"), "1 page");
        assert_eq!(count(2, "attempt", "attempts"), "2 attempts");
        assert_eq!(count(12345, "request", "requests"), "12,345 requests");
        assert_eq!(n_calls(1), "1 call");
    }

    #[test]
    fn colour_sequences_take_no_width() {
        assert_eq!(visible_width("abc"), 3);
        assert_eq!(visible_width(&paint("missed", Paint::Red)), 6);
        assert_eq!(visible_width("\x1b[1mID\x1b[0m  x"), 5);
    }

    #[test]
    fn summaries_wrap_before_the_width() {
        let parts: Vec<String> = ["downloaded 12,345 (123.4 MB)", "skipped 12,345 complete"]
            .into_iter()
            .chain(["without recording 12,345", "failed 12,345"])
            .map(String::from)
            .collect();
        assert_eq!(
            join_wrapped(&parts, 80),
            "downloaded 12,345 (123.4 MB), skipped 12,345 complete, without recording 12,345,\n  failed 12,345"
        );
        assert_eq!(
            join_wrapped(&parts[..2], 80),
            "downloaded 12,345 (123.4 MB), skipped 12,345 complete"
        );
        for line in join_wrapped(&parts, 30).lines() {
            assert!(line.chars().count() <= 30, "{line}");
        }
    }

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
        assert_eq!(duration(0), "0:00");
        assert_eq!(duration(59), "0:59");
        assert_eq!(duration(247), "4:07");
        assert_eq!(duration(3600), "1:00:00");
        assert_eq!(duration(450_000), "125:00:00");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("plain"), "plain");
        assert_eq!(printable("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(printable("x\u{202e}y\u{9b}2J"), "x\\u{202e}y\\u{9b}2J");
        assert_eq!(printable_lines("a\nb\x1b[2J\tc"), "a\nb\\u{1b}[2J\tc");
    }
}
