//! A job's state identifies the job (SPEC "sync", "export"): two spellings of one filter set
//! share a state, two sets that select different calls never do, a `--state FILE` written by
//! another job is refused, and a window that reaches further back than before reads that older
//! part instead of silently starting from the newest call stored.

mod common;

use std::collections::BTreeSet;

use calls::vendors::Vendor;
use common::*;
use rusqlite::Connection;

fn count(db: &std::path::Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn ids_in(db: &std::path::Path, profile: &str) -> BTreeSet<String> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT id FROM calls WHERE profile = ?1")
        .unwrap();
    let ids = stmt
        .query_map([profile], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    ids
}

fn ndjson_ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

/// Two agent ids the sandbox's Evolux calls carry, and the ids of the calls of either.
fn two_agents(sb: &calls::sandbox::Sandbox) -> (String, String, BTreeSet<String>) {
    let calls = truth(sb, Vendor::Evolux);
    let mut agents: Vec<String> = calls.iter().filter_map(|c| c.agent_id.clone()).collect();
    agents.sort();
    agents.dedup();
    assert!(agents.len() >= 3, "{agents:?}");
    let (a, b) = (agents[0].clone(), agents[1].clone());
    let want: BTreeSet<String> = calls
        .iter()
        .filter(|c| c.agent_id.as_deref().is_some_and(|x| x == a || x == b))
        .map(|c| c.id.clone())
        .collect();
    assert!(want.len() > 20 && want.len() < calls.len());
    (a, b, want)
}

/// `--agent A,B` is the one value `A,B` (it matches no call); `--agent A --agent B` is another
/// job. Run first, the comma form used to leave a state that the other then resumed from,
/// storing and exporting only the last day of its window.
#[test]
fn the_comma_form_and_the_repeated_form_of_a_filter_are_two_jobs() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let (a, b, want) = two_agents(&sb);
    let comma = format!("{a},{b}");
    let window = ["--from", FROM, "--to", TO];

    let r = run(home
        .cmd()
        .args(["-p", "evolux", "sync", "x.db", "--agent", &comma])
        .args(window));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("evolux: 0 new"), "{}", r.stderr);
    let r = run(home
        .cmd()
        .args(["-p", "evolux", "sync", "x.db", "--agent", &a, "--agent", &b])
        .args(window));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(ids_in(&home.path("x.db"), "evolux"), want);
    // The same set spelled the other way round is the same job: nothing new, its state reused.
    let r = run(home
        .cmd()
        .args([
            "-p", "evolux", "sync", "x.db", "--agent", &b, "--agent", &a, "--agent", &b,
        ])
        .args(window));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("evolux: 0 new"), "{}", r.stderr);
    assert_eq!(
        count(&home.path("x.db"), "SELECT count(*) FROM sync_state"),
        2
    );
    // The state says which filter set it is for, readable by a person.
    let filters: Vec<String> = {
        let conn = Connection::open(home.path("x.db")).unwrap();
        let mut stmt = conn
            .prepare("SELECT filters FROM sync_state ORDER BY filters")
            .unwrap();
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows
    };
    assert!(
        filters.contains(&format!(
            r#"{{"profile":"evolux","vendor":"evolux","api":"v1","base_url":"{}","agent":["{a}","{b}"]}}"#,
            sb.base_url(Vendor::Evolux)
        )),
        "{filters:?}"
    );

    // export --since-last: the same two jobs, each with its own state file.
    let export = |agents: &[&str]| {
        let mut cmd = home.cmd();
        cmd.args(["-p", "evolux", "export", "--since-last", "-o", "ndjson"])
            .args(["--output", "calls.ndjson"])
            .args(window);
        for agent in agents {
            cmd.args(["--agent", agent]);
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{}", r.stderr);
        ndjson_ids(&std::fs::read_to_string(home.path("calls.ndjson")).unwrap())
    };
    assert_eq!(export(&[&comma]), BTreeSet::new());
    assert_eq!(export(&[&a, &b]), want);
}

/// `--param 'a=1&b=2'` (one parameter whose value holds `&`) and `--param a=1 --param b=2` are
/// two jobs with two states, whatever the vendor makes of them.
#[test]
fn a_parameter_holding_a_separator_is_not_two_parameters() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let window = ["--from", FROM, "--to", TO];
    for params in [&["x=1&y=2"][..], &["x=1", "y=2"], &["y=2", "x=1"]] {
        let mut cmd = home.cmd();
        cmd.args(["-p", "evolux", "sync", "x.db"]).args(window);
        for p in params {
            cmd.args(["--param", p]);
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert_eq!(
        count(&home.path("x.db"), "SELECT count(*) FROM sync_state"),
        2
    );
}

/// A profile's API is part of its job: Famulor classic, then Platform 2.0, into one database,
/// stores every call of each (switching used to store one day's), each under its own profile
/// (`famulor`, `famulor-v1`): their ids differ, and neither's full read may take the other's
/// calls for deleted at the source.
#[test]
fn switching_a_profiles_api_is_another_job() {
    let home = Home::new();
    let (from, to) = ("--from=45d", "--to=1d");
    let v1 = run(home.cmd().args([
        "--sandbox",
        "-p",
        "famulor-v1",
        "export",
        "-o",
        "ndjson",
        from,
        to,
    ]));
    assert_eq!(v1.code, 0, "{}", v1.stderr);
    let v1 = ndjson_ids(&v1.stdout);
    assert!(v1.len() > 100);
    for profile in ["famulor", "famulor-v1"] {
        let r = run(home
            .cmd()
            .args(["--sandbox", "-p", profile, "sync", "x.db", from, to]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let stored = ids_in(&home.path("x.db"), "famulor-v1");
    assert!(ids_in(&home.path("x.db"), "famulor").is_disjoint(&v1));
    assert_eq!(
        count(
            &home.path("x.db"),
            "SELECT count(*) FROM calls WHERE deleted_at IS NOT NULL"
        ),
        0
    );
    assert!(
        v1.is_subset(&stored),
        "{} of {} stored",
        stored.intersection(&v1).count(),
        v1.len()
    );
}

/// A `--state FILE` written by another job (another filter set, another output) is refused
/// with exit 2 naming both jobs, before any request; nothing is written and the state stays.
#[test]
fn a_state_file_of_another_job_is_refused() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let cron = |status: &str, output: &str| {
        run(home
            .cmd()
            .args(["export", "--since-last", "--state", "job.json", "-o", "csv"])
            .args(["--append", "--output", output, "--status", status])
            .args(["--from", FROM, "--to", TO]))
    };
    let r = cron("missed", "calls.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let state = std::fs::read(home.path("job.json")).unwrap();
    let csv = std::fs::read(home.path("calls.csv")).unwrap();
    sb.clear_requests();
    for (status, output) in [("answered", "calls.csv"), ("missed", "other.csv")] {
        let r = cron(status, output);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("error: the state file ")
                && r.stderr.contains("belongs to another job")
                && r.stderr
                    .contains(r#"belongs to another job: it was written by {"profile":"famulor""#)
                && r.stderr.contains(r#"(this job is {"profile":"famulor""#)
                && !r.stderr.contains("\\u{a}")
                && r.stderr.contains(&format!(r#""status":["{status}"]"#))
                && r.stderr.contains(r#""status":["missed"]"#)
                && r.stderr
                    .contains("hint: give each job its own --state FILE"),
            "{}",
            r.stderr
        );
        assert!(sb.requests().is_empty(), "refused before any request");
        assert_eq!(std::fs::read(home.path("job.json")).unwrap(), state);
        assert_eq!(std::fs::read(home.path("calls.csv")).unwrap(), csv);
        assert!(!home.path("other.csv").exists());
    }
    // The job that wrote it goes on.
    let r = cron("missed", "calls.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A later `sync` whose `--from` reaches further back than before reads that older part whole
/// (it used to report 0 new and keep a third of the window); an older window (`--from ...
/// --to ...`) never moves the stored position back; a gap between two windows is read when a
/// run reaches across it.
#[test]
fn a_widened_window_reads_its_older_part_and_the_stored_position_never_moves_back() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let db = home.path("x.db");
    let all = truth(&sb, Vendor::Famulor);
    let between = |from: &str, to: &str| -> BTreeSet<String> {
        let (from, to) = (at(from), at(to));
        all.iter()
            .filter(|c| c.started_at >= from && c.started_at < to)
            .map(|c| c.id.clone())
            .collect()
    };
    let sync = |from: &str, to: &str| {
        let r = run(home
            .cmd()
            .args(["sync", "x.db", "--from", from, "--to", to]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stderr
    };
    let state = || -> (String, String) {
        Connection::open(&db)
            .unwrap()
            .query_row("SELECT synced_from, synced_to FROM sync_state", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
    };
    let end = "2025-06-01T00:00:00Z";
    sync("2025-05-20T00:00:00Z", end);
    assert_eq!(ids_in(&db, "famulor"), between("2025-05-20T00:00:00Z", end));
    // Widened: the older part is read.
    let said = sync("2025-05-01T00:00:00Z", end);
    assert!(!said.contains("famulor: 0 new"), "{said}");
    assert_eq!(ids_in(&db, "famulor"), between("2025-05-01T00:00:00Z", end));
    assert_eq!(
        state(),
        ("2025-05-01T00:00:00Z".to_string(), end.to_string())
    );
    // An older window apart from it: read, and the stored position stays.
    sync("2025-03-10T00:00:00Z", "2025-03-20T00:00:00Z");
    let mut want = between("2025-05-01T00:00:00Z", end);
    want.extend(between("2025-03-10T00:00:00Z", "2025-03-20T00:00:00Z"));
    assert_eq!(ids_in(&db, "famulor"), want);
    assert_eq!(
        state(),
        ("2025-05-01T00:00:00Z".to_string(), end.to_string())
    );
    // Reaching across the gap reads it.
    sync("2025-03-01T00:00:00Z", end);
    assert_eq!(ids_in(&db, "famulor"), between("2025-03-01T00:00:00Z", end));
    assert_eq!(
        state(),
        ("2025-03-01T00:00:00Z".to_string(), end.to_string())
    );
    // --full with an older --to keeps the position too.
    sync("2025-03-01T00:00:00Z", "2025-04-01T00:00:00Z");
    let r = run(home.cmd().args([
        "sync",
        "x.db",
        "--full",
        "--from",
        "2025-03-01T00:00:00Z",
        "--to",
        "2025-04-01T00:00:00Z",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        state(),
        ("2025-03-01T00:00:00Z".to_string(), end.to_string())
    );
}
