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
