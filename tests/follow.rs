//! `calls export --follow`: each call printed once, a changed call printed again, whole lines,
//! SIGTERM ends it with 143.

mod common;

use std::collections::HashMap;
use std::io::BufRead;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use calls::call::Status;
use calls::sandbox::Options;
use calls::vendors::Vendor;
use common::{run, sandbox, Home};
use serde_json::Value;

/// The child's stdout, a line at a time, read on a thread.
fn lines_of(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The next line, whole JSON, by `deadline`; false when none came.
fn next_line(rx: &mpsc::Receiver<String>, lines: &mut Vec<Value>, deadline: Instant) -> bool {
    let left = deadline.saturating_duration_since(Instant::now());
    match rx.recv_timeout(left) {
        Ok(line) => {
            lines.push(serde_json::from_str(&line).expect("whole JSON lines"));
            true
        }
        Err(_) => false,
    }
}

/// How many times each id was printed, for those printed more than once.
fn printed_twice(lines: &[Value]) -> Vec<(String, usize)> {
    let mut times: HashMap<String, usize> = HashMap::new();
    for l in lines {
        *times
            .entry(l["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    times.into_iter().filter(|(_, n)| *n > 1).collect()
}

/// Corrects the status of the printed call `line` at the vendor (missed <-> answered): the
/// status it was printed with.
fn correct_status(sb: &calls::sandbox::Sandbox, vendor: Vendor, line: &Value) -> String {
    let started = common::at(line["started_at"].as_str().unwrap());
    let seq = common::seq_at(sb, vendor, started);
    sb.update_call(vendor, seq, |c| {
        c.status = if c.status == Status::Missed {
            Status::Answered
        } else {
            Status::Missed
        }
    });
    line["status"].as_str().unwrap().to_string()
}

#[test]
fn follow_prints_new_calls_once_and_changed_calls_again() {
    // Calls up to now, one about every 78 s: the last 2 h hold about ninety.
    let sb = sandbox(Options {
        calls: 100_000,
        until: None,
        // The one change is the test's: none of the sandbox's own while it runs.
        change_rate: 0.0,
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let mut child = home
        .calls_std()
        .args([
            "export", "--follow", "--from", "2h", "--every", "1s", "-o", "ndjson",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let rx = lines_of(&mut child);
    let mut lines: Vec<Value> = Vec::new();
    let next = |lines: &mut Vec<Value>, deadline: Instant| next_line(&rx, lines, deadline);
    let deadline = Instant::now() + Duration::from_secs(20);
    while lines.len() < 20 {
        assert!(next(&mut lines, deadline), "the first window's calls");
    }
    // A call of the last hour gets its status corrected at the vendor.
    let newest = lines
        .iter()
        .max_by_key(|l| l["started_at"].as_str().unwrap().to_string())
        .unwrap()
        .clone();
    let was = correct_status(&sb, Vendor::Famulor, &newest);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !lines
        .iter()
        .any(|l| l["id"] == newest["id"] && l["status"].as_str() != Some(&was))
    {
        assert!(next(&mut lines, deadline), "the changed call printed again");
    }
    home.signal(&child, "-TERM");
    assert_eq!(child.wait().unwrap().code(), Some(143));
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) {
        lines.push(serde_json::from_str(&line).expect("whole JSON lines"));
    }
    assert_eq!(
        printed_twice(&lines),
        vec![(newest["id"].as_str().unwrap().to_string(), 2)],
        "only the changed call is printed twice"
    );
    // Usage: --every without --follow, and a table, are refused.
    let r = run(home.cmd().args(["export", "--every", "1s"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(home.cmd().args(["export", "--follow", "-o", "json"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// Where the API lists by modification time (Callcap), a poll reads the calls modified since the
/// last one, however old: a call from weeks ago corrected at the vendor is printed again, which a
/// poll of the last `--revisit` (2 h) would never see; nothing else is printed twice.
#[test]
fn follow_by_modification_time_prints_an_old_call_that_changed() {
    let sb = sandbox(Options {
        calls: 20_000,
        until: None,
        change_rate: 0.0,
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let mut child = home
        .calls_std()
        .args([
            "-p", "callcap", "export", "--follow", "--from", "30d", "--every", "1s", "-o", "ndjson",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let rx = lines_of(&mut child);
    let mut lines: Vec<Value> = Vec::new();
    let next = |lines: &mut Vec<Value>, deadline: Instant| next_line(&rx, lines, deadline);
    let now = chrono::Utc::now();
    let window = sb
        .world(Vendor::Callcap)
        .between(now - chrono::Duration::days(29), now)
        .len();
    let deadline = Instant::now() + Duration::from_secs(30);
    while lines.len() < window {
        assert!(next(&mut lines, deadline), "the first window's calls");
    }
    let old = lines
        .iter()
        .find(|l| common::at(l["started_at"].as_str().unwrap()) < now - chrono::Duration::days(20))
        .expect("a call from weeks ago")
        .clone();
    let was = correct_status(&sb, Vendor::Callcap, &old);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !lines
        .iter()
        .any(|l| l["id"] == old["id"] && l["status"].as_str() != Some(&was))
    {
        assert!(
            next(&mut lines, deadline),
            "the old changed call printed again"
        );
    }
    // A few more polls: nothing else comes twice.
    let settle = Instant::now() + Duration::from_secs(3);
    while next(&mut lines, settle) {}
    home.signal(&child, "-TERM");
    assert_eq!(child.wait().unwrap().code(), Some(143));
    assert_eq!(
        printed_twice(&lines),
        vec![(old["id"].as_str().unwrap().to_string(), 2)],
        "only the changed call is printed twice"
    );
}

/// On a terminal (no `-o`), `--follow` prints a table: the zone line and the header once, then
/// a row per call as it comes (the window's first, then a changed call again); `-o tsv` works
/// the same, a header then a line per call. Ctrl-C and SIGTERM are how it ends: 130 / 143 and
/// no `error:` line.
#[test]
fn follow_on_a_terminal_prints_rows_as_calls_come_and_a_signal_is_a_quiet_end() {
    let sb = sandbox(Options {
        calls: 100_000,
        until: None,
        change_rate: 0.0,
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let table = |line: &str| -> Option<(String, String, String)> {
        let cells: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let [id, started, status] = cells[..] else {
            return None;
        };
        let t = chrono::NaiveDateTime::parse_from_str(started, "%Y-%m-%d %H:%M:%S").ok()?;
        Some((id.into(), t.and_utc().to_rfc3339(), status.into()))
    };
    let tsv = |line: &str| -> Option<(String, String, String)> {
        let cells: Vec<&str> = line.split('\t').collect();
        let [id, started, status] = cells[..] else {
            return None;
        };
        let t = chrono::DateTime::parse_from_rfc3339(started).ok()?;
        Some((id.into(), t.to_utc().to_rfc3339(), status.into()))
    };
    type Parse<'a> = &'a dyn Fn(&str) -> Option<(String, String, String)>;
    /// The format flags, the signal, the exit it gives, the lines before the rows, the parser.
    type Follow<'a> = (&'a [&'a str], &'a str, Option<i32>, Vec<&'a str>, Parse<'a>);
    let runs: [Follow; 2] = [
        (&[], "-INT", Some(130), vec!["times in UTC", "ID  "], &table),
        (
            &["-o", "tsv"],
            "-TERM",
            Some(143),
            vec!["id\tstarted_at\tstatus"],
            &tsv,
        ),
    ];
    for (format, signal, code, head, parse) in runs {
        let mut child = home
            .calls_std()
            .env("CALLS_ASSUME_TTY", "1")
            .env("COLUMNS", "120")
            .args(["export", "--follow", "--from", "2h", "--every", "1s"])
            .args(["--fields", "id,started_at,status"])
            .args(format)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let rx = lines_of(&mut child);
        let mut out: Vec<String> = Vec::new();
        let next = |out: &mut Vec<String>| {
            let line = rx
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("{format:?}: a line by now: {out:?}"));
            out.push(line);
        };
        while out.iter().filter(|l| parse(l).is_some()).count() < 20 {
            next(&mut out);
        }
        for (n, start) in head.iter().enumerate() {
            assert!(
                out[n].trim_start().starts_with(start),
                "{format:?}: {out:?}"
            );
        }
        // A call of the window changes at the vendor: printed again, as a row like the others.
        let (id, started, was) = out.iter().filter_map(|l| parse(l)).next_back().unwrap();
        let seq = common::seq_at(&sb, Vendor::Famulor, common::at(&started));
        sb.update_call(Vendor::Famulor, seq, |c| {
            c.status = if c.status == Status::Missed {
                Status::Answered
            } else {
                Status::Missed
            }
        });
        while !out
            .iter()
            .filter_map(|l| parse(l))
            .any(|(i, _, status)| i == id && status != was)
        {
            next(&mut out);
        }
        let rows = out.iter().filter(|l| parse(l).is_some()).count();
        assert_eq!(
            rows + head.len(),
            out.len(),
            "{format:?}: rows only after the head: {out:?}"
        );
        home.signal(&child, signal);
        let stderr = child.stderr.take().unwrap();
        assert_eq!(child.wait().unwrap().code(), code, "{format:?}");
        let said = std::io::read_to_string(stderr).unwrap();
        assert!(!said.contains("error"), "{format:?}: {said}");
    }
    // Still refused: a format that is not one line per call.
    let r = run(home.cmd().args(["export", "--follow", "-o", "json"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: --follow prints one line per call: a table on a terminal, or -o csv, tsv or ndjson\n"
    );
}
