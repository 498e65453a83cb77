//! Requests per hourly `calls sync`, per API: a sandbox with 2,000 calls a day, 5 % of which
//! change within 2 h of their start; a first sync of the last day, then 24 hourly runs (the
//! sandbox's clock moved on an hour before each). Where the API lists by modification time,
//! a later run reads the calls started since and what was modified since; elsewhere the last 24 h
//! again (`--revisit`'s default). Every run must end with the table equal to a fresh read.
//!
//!   cargo bench --bench requests            (or benches/run.sh requests)
//!
//! Runs the release binary `calls` (`CALLS_BIN` overrides) against the in-process sandbox.

use std::path::{Path, PathBuf};
use std::process::Command;

use calls::sandbox::{Options, Sandbox};
use chrono::{DateTime, Duration, Utc};

const APIS: &[&str] = &[
    "famulor",
    "famulor-v1",
    "evolux",
    "callcap",
    "brightcall",
    "brightcall-v3",
    "mycrm",
];

fn bin() -> PathBuf {
    std::env::var_os("CALLS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_calls")))
}

/// One `calls -v sync`: (requests, calls read).
fn sync(home: &Path, profile: &str, db: &str, from: &str) -> (u64, u64) {
    let out = Command::new(bin())
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TZ", "UTC")
        .args(["--config"])
        .arg(home.join("config.toml"))
        .args([
            "-p",
            profile,
            "-v",
            "--no-progress",
            "sync",
            db,
            "--from",
            from,
        ])
        .current_dir(home)
        .output()
        .expect("calls runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{profile}: {err}");
    let number = |line: &str, word: &str| -> u64 {
        let words: Vec<&str> = line.split_whitespace().collect();
        let i = words
            .iter()
            .position(|w| w.trim_end_matches(',') == word)
            .unwrap();
        words[i - 1].replace(',', "").parse().unwrap()
    };
    let mut requests = 0;
    let mut read = 0;
    for line in err.lines() {
        if line.ends_with(" request") || line.ends_with(" requests") {
            requests = line
                .split_whitespace()
                .rev()
                .nth(1)
                .unwrap()
                .replace(',', "")
                .parse()
                .unwrap();
        }
        if line.contains(" new, ") && line.contains(" unchanged (") {
            read = number(line, "new") + number(line, "changed") + number(line, "unchanged");
        }
    }
    (requests, read)
}

fn main() {
    let until: DateTime<Utc> = "2025-06-01T00:00:00Z".parse().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let sb: Sandbox = runtime
        .block_on(Sandbox::start(Options {
            port: 0,
            calls: 180_000,
            seed: 11,
            until: Some(until),
            ..Options::default()
        }))
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), sb.config_toml()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(home.path().join("config.toml"), mode).unwrap();
    }
    let from = (until - Duration::days(1)).to_rfc3339();
    let mut first = Vec::new();
    for api in APIS {
        first.push(sync(home.path(), api, &format!("{api}.db"), &from));
    }
    let hours = 24;
    let mut later = vec![(0u64, 0u64); APIS.len()];
    for _ in 0..hours {
        sb.advance_clock(Duration::hours(1));
        for (i, api) in APIS.iter().enumerate() {
            let (requests, read) = sync(home.path(), api, &format!("{api}.db"), &from);
            later[i].0 += requests;
            later[i].1 += read;
        }
    }
    println!(
        "requests per hourly sync, 2,000 calls a day, 5 % changing; {hours} runs after a first sync of one day"
    );
    println!(
        "{:14} {:>14} {:>16} {:>18}  reads",
        "api", "first run", "per hourly run", "calls read / run"
    );
    for (i, api) in APIS.iter().enumerate() {
        let by_modification = matches!(*api, "callcap" | "famulor-v1");
        println!(
            "{api:14} {:>5} requests {:>16.1} {:>18.0}  {}",
            first[i].0,
            later[i].0 as f64 / f64::from(hours),
            later[i].1 as f64 / f64::from(hours),
            if by_modification {
                "started since + modified since"
            } else {
                "the last 24 h again"
            }
        );
    }
    // Every table as a fresh read of the same window has it.
    for api in APIS {
        let fresh = format!("{api}-fresh.db");
        sync(home.path(), api, &fresh, &from);
        let rows = |db: &str| -> Vec<(String, String)> {
            let conn = rusqlite::Connection::open(home.path().join(db)).unwrap();
            let mut stmt = conn
                .prepare("SELECT id, hash FROM calls ORDER BY id")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.to_string())))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let (kept, fresh_rows) = (rows(&format!("{api}.db")), rows(&fresh));
        if kept != fresh_rows {
            let kept_set: std::collections::BTreeSet<_> = kept.iter().collect();
            let differ = fresh_rows.iter().filter(|r| !kept_set.contains(r)).count();
            println!(
                "{api}: {differ} of {} rows differ from a fresh read",
                fresh_rows.len()
            );
        }
    }
}
