//! `sync` by modification time against a hostile Callcap: a modification time in the far future,
//! or one that cannot be read, never makes later runs skip the changes to come (the newest
//! modification time a run keeps is never past this machine's clock).

mod common;

use common::hostile::{self, Hostile};
use common::*;

fn call(id: &str, started: &str, modified: &str) -> serde_json::Value {
    serde_json::json!({
        "call_id": id,
        "action": "Answer",
        "start_datetime": started,
        "end_datetime": started,
        "last_modified": modified,
        "duration": 10,
    })
}

#[test]
fn a_modification_time_in_the_future_or_unreadable_does_not_stop_later_runs() {
    let api = Hostile::start(move |_, _| {
        let calls = vec![
            call("a", "2025-05-10 10:00:00", "9999-12-31 23:59:59"),
            call("b", "2025-05-09 10:00:00", "not a time"),
            call("c", "2025-05-08 10:00:00", "2025-05-08 10:05:00"),
        ];
        hostile::json(&serde_json::json!({
            "status": "success",
            "search": {"timezone": "UTC"},
            "pagination": {"page": 1, "last_page": 1, "records_returned": 3, "show": 1000,
                           "total_records": 3},
            "call": calls,
        }))
    });
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.h]\nvendor = \"callcap\"\nbase_url = \"{}\"\ntoken = \"x\"\n",
        api.base
    ));
    let sync = || {
        run(home.cmd().args([
            "-p",
            "h",
            "--tz",
            "UTC",
            "sync",
            "calls.db",
            "--from",
            "2025-05-01",
            "--to",
            "2025-05-21",
        ]))
    };
    let r = sync();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("h: 3 new, "), "{}", r.stderr);
    let before = chrono::Utc::now();
    let r = sync();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let seen = api.seen();
    let since = seen
        .iter()
        .find_map(|s| {
            s.uri
                .split('&')
                .find_map(|p| p.strip_prefix("search_last_modified_start="))
        })
        .expect("the second run reads by modification time")
        .replace("+", " ")
        .replace("%20", " ")
        .replace("%3A", ":");
    let since = chrono::NaiveDateTime::parse_from_str(&since, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc();
    // This machine's clock when the first run read "9999", minus the overlap.
    assert!(since <= before, "{since}");
    assert!(since > before - chrono::Duration::minutes(15), "{since}");
}
