//! What a signal (Ctrl-C, SIGTERM) finds the command doing, for `main` to say when it ends
//! it: `export --follow` stops as it is meant to (no `error:` line, still 130 / 143), and
//! `recording` and `sync` say what they had done by then (the files downloaded, the calls
//! stored), since their summary line never comes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

static QUIET: AtomicBool = AtomicBool::new(false);

/// Lines by key (a profile, `recording`), in the order first set.
static DONE: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// A signal is how this command normally ends (`export --follow`): no `error:` line.
pub fn quiet() {
    QUIET.store(true, Ordering::SeqCst);
}

pub fn is_quiet() -> bool {
    QUIET.load(Ordering::SeqCst)
}

/// Sets what `key` has done so far, said if a signal ends the command now.
pub fn done(key: &str, line: String) {
    let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
    match done.iter_mut().find(|(k, _)| k == key) {
        Some((_, old)) => *old = line,
        None => done.push((key.to_string(), line)),
    }
}

/// `key` has said what it did itself (its summary line): nothing more to say for it.
pub fn forget(key: &str) {
    DONE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(k, _)| k != key);
}

/// What was done before the signal, one line each.
pub fn so_far() -> Vec<String> {
    DONE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .map(|(_, line)| line.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_keeps_its_place_and_its_latest_line() {
        done("t-a", "a 1".into());
        done("t-b", "b 1".into());
        done("t-a", "a 2".into());
        let ours = |all: Vec<String>| -> Vec<String> {
            all.into_iter()
                .filter(|l| l.starts_with("a ") || l.starts_with("b "))
                .collect()
        };
        assert_eq!(ours(so_far()), ["a 2", "b 1"]);
        forget("t-a");
        assert_eq!(ours(so_far()), ["b 1"]);
        forget("t-b");
    }
}
