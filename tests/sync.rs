//! `calls sync` into SQLite, against the in-process sandbox: exact table contents, changes,
//! several profiles, a failing profile, schema versions, the lock, `kill -9` and `--every`.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use calls::call::Status;
use calls::sandbox::Options;
use calls::vendors::Vendor;
use common::store::{self, kill_at_random, rows, sync_args, Store};
use common::{
    run_bounded as run, sandbox, stderr_lines, truth, wait_exit, wait_for, Home, Rows, FROM, HANG,
    TO,
};
use rusqlite::Connection;
use serde_json::{json, Value};

/// The table's rows of `profile` as the normalized JSON of `call_json`, by id.
fn table(db: &std::path::Path, profile: &str) -> BTreeMap<String, Value> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT vendor, id, started_at, ended_at, direction, status, vendor_status, duration, \
             talk_time, customer_number, line_number, agent, campaign, recording_url, cost, raw, \
             first_seen_at FROM calls WHERE profile = ?1",
        )
        .unwrap();
    let rows = stmt
        .query_map([profile], |r| {
            let s = |i: usize| r.get::<_, Option<String>>(i);
            let n = |i: usize| r.get::<_, Option<i64>>(i);
            let raw: Option<String> = r.get(15)?;
            let first_seen: String = r.get(16)?;
            Ok((
                json!({
                    "vendor": s(0)?, "id": s(1)?, "started_at": s(2)?, "ended_at": s(3)?,
                    "direction": s(4)?, "status": s(5)?, "vendor_status": s(6)?,
                    "duration": n(7)?, "talk_time": n(8)?, "customer_number": s(9)?,
                    "line_number": s(10)?, "agent": s(11)?, "campaign": s(12)?,
                    "recording_url": s(13)?, "cost": s(14)?,
                }),
                raw,
                first_seen,
            ))
        })
        .unwrap();
    let mut out = BTreeMap::new();
    for row in rows {
        let (row, raw, first_seen) = row.unwrap();
        // Each row complete: its vendor record kept, and when it was first stored.
        let raw: Value = serde_json::from_str(raw.as_deref().expect("raw is kept")).unwrap();
        assert!(raw.is_object() && !raw.as_object().unwrap().is_empty());
        assert!(first_seen.ends_with('Z'), "{first_seen}");
        let id = row["id"].as_str().unwrap().to_string();
        assert!(out.insert(id, row).is_none(), "one row per id");
    }
    out
}

/// A `--report` file read back: each line one JSON object with the fields SPEC names, by
/// profile, in the order written.
fn report(path: &std::path::Path) -> BTreeMap<String, Vec<Value>> {
    let mut by: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        for key in ["vendor", "started_at", "ended_at", "window", "requests"] {
            assert!(v.get(key).is_some(), "{key} missing: {line}");
        }
        let time = |k: &str| common::at(v[k].as_str().unwrap());
        assert!(time("started_at") <= time("ended_at"), "{line}");
        by.entry(v["profile"].as_str().unwrap().to_string())
            .or_default()
            .push(v);
    }
    by
}

/// A SQLite file in a test's HOME, as [`Store`] reads it.
struct Sqlite {
    dest: String,
    path: std::path::PathBuf,
}

impl Sqlite {
    fn new(home: &Home, dest: &str) -> Sqlite {
        Sqlite {
            dest: dest.to_string(),
            path: home.path(dest),
        }
    }
}

impl Store for Sqlite {
    fn dest(&self) -> String {
        self.dest.clone()
    }

    fn table(&self, profile: &str) -> Rows {
        table(&self.path, profile)
    }

    fn count(&self) -> u64 {
        query(&self.path, "SELECT count(*) FROM calls")[0][0]
            .as_u64()
            .unwrap()
    }

    fn synced(&self) -> Vec<String> {
        query(&self.path, "SELECT profile FROM sync_state ORDER BY 1")
            .into_iter()
            .map(|row| row[0].as_str().unwrap().to_string())
            .collect()
    }

    fn refuse_famulor_after_2500(&self) {
        Connection::open(&self.path)
            .unwrap()
            .execute_batch(
                "CREATE TABLE n (k INTEGER); INSERT INTO n VALUES (0); \
                 CREATE TRIGGER boom BEFORE INSERT ON calls WHEN new.profile = 'famulor' BEGIN \
                 UPDATE n SET k = k + 1; \
                 SELECT RAISE(ABORT, 'boom: no room') WHERE (SELECT k FROM n) > 2500; END;",
            )
            .unwrap();
    }

    fn accept(&self) {
        Connection::open(&self.path)
            .unwrap()
            .execute_batch("DROP TRIGGER boom")
            .unwrap();
    }
}

fn query(db: &std::path::Path, sql: &str) -> Vec<Vec<Value>> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => Value::Null,
                        rusqlite::types::ValueRef::Integer(v) => json!(v),
                        rusqlite::types::ValueRef::Text(t) => {
                            json!(String::from_utf8_lossy(t))
                        }
                        other => json!(format!("{other:?}")),
                    })
                })
                .collect()
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn a_sync_stores_exactly_the_sandbox_calls() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args(sync_args("calls.db", &[])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = truth(&sb, Vendor::Famulor);
    assert!(want.len() > 100);
    let db = home.path("calls.db");
    assert_eq!(table(&db, "famulor"), rows(&want));
    assert!(
        r.stderr.contains(&format!(
            "famulor: {} new, 0 changed, 0 gone, 0 unchanged (",
            want.len()
        )),
        "{}",
        r.stderr
    );
    // Never changed yet; the first status kept beside the status.
    let changed = query(
        &db,
        "SELECT count(*) FROM calls WHERE changed_at IS NOT NULL OR first_status IS NOT status",
    );
    assert_eq!(changed, vec![vec![json!(0)]]);
    assert_eq!(
        query(&db, "SELECT version FROM schema_version"),
        vec![vec![json!(calls::db::sqlite::MIGRATIONS.len())]]
    );
    // A new file has 16 KB pages (a row is about 2 KB).
    assert_eq!(query(&db, "PRAGMA page_size"), vec![vec![json!(16_384)]]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The config's database is the default DEST; `sqlite:` names a file with any name.
    let home2 = Home::new();
    home2.write_config(&format!(
        "database = \"sqlite:data/x\"\n{}",
        sb.config_toml()
    ));
    std::fs::create_dir(home2.path("data")).unwrap();
    let mut args = sync_args("", &[]);
    args.remove(1);
    let r = run(home2.cmd().args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(table(&home2.path("data/x"), "famulor"), rows(&want));
}

#[test]
fn a_second_sync_updates_the_changed_calls_and_writes_nothing_else() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let db = home.path("calls.db");
    let r = run(home.cmd().args(sync_args("calls.db", &[])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Every write to a stored row is logged from here on.
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE writes (id TEXT); \
             CREATE TRIGGER w AFTER UPDATE ON calls BEGIN INSERT INTO writes VALUES (new.id); END;",
        )
        .unwrap();
    let newest = truth(&sb, Vendor::Famulor)[0].started_at;
    let week = newest - chrono::Duration::days(7);
    let mut recent: Vec<(u32, chrono::DateTime<chrono::Utc>)> = sb
        .world(Vendor::Famulor)
        .calls
        .iter()
        .filter(|c| c.started_at >= week && c.started_at <= newest)
        .map(|c| (c.seq, c.started_at))
        .collect();
    recent.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    assert!(recent.len() >= 3, "{recent:?}");
    let before: BTreeMap<String, Value> = rows(&truth(&sb, Vendor::Famulor));
    // A status corrected, a longer talk, a recording that arrived later.
    sb.update_call(Vendor::Famulor, recent[0].0, |c| {
        c.status = if c.status == Status::Missed {
            Status::Answered
        } else {
            Status::Missed
        }
    });
    sb.update_call(Vendor::Famulor, recent[1].0, |c| c.talk += 30);
    sb.update_call(Vendor::Famulor, recent[2].0, |c| c.recording = !c.recording);
    sb.add_calls(
        Vendor::Famulor,
        2,
        newest - chrono::Duration::hours(12),
        newest,
    );
    let after = truth(&sb, Vendor::Famulor);
    let changed: Vec<String> = rows(&after)
        .into_iter()
        .filter(|(id, v)| before.get(id).is_some_and(|b| b != v))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        changed.len(),
        3,
        "the three changes show in the vendor's data"
    );
    let new = after.len() - before.len();
    assert_eq!(new, 2);
    let in_window = after.iter().filter(|c| c.started_at >= week).count();

    let r = run(home.cmd().args(sync_args("calls.db", &["--revisit", "7d"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "famulor: 2 new, 3 changed, 0 gone, {} unchanged (",
            in_window - 5
        )),
        "{}",
        r.stderr
    );
    assert_eq!(table(&db, "famulor"), rows(&after));
    let mut written: Vec<String> = query(&db, "SELECT id FROM writes")
        .into_iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect();
    written.sort();
    assert_eq!(written, changed, "only the changed rows were written");
    let mut with_changed_at: Vec<String> =
        query(&db, "SELECT id FROM calls WHERE changed_at IS NOT NULL")
            .into_iter()
            .map(|r| r[0].as_str().unwrap().to_string())
            .collect();
    with_changed_at.sort();
    assert_eq!(with_changed_at, changed);
    // The corrected status is found by the README's query.
    let status_changed = query(
        &db,
        "SELECT id, first_status, status FROM calls WHERE status <> first_status",
    );
    assert_eq!(status_changed.len(), 1, "{status_changed:?}");

    // Nothing changed since: a third run writes nothing.
    let r = run(home.cmd().args(sync_args("calls.db", &["--revisit", "7d"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "famulor: 0 new, 0 changed, 0 gone, {in_window} unchanged ("
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        query(&db, "SELECT count(*) FROM writes"),
        vec![vec![json!(3)]]
    );
    // --full reads the whole window again.
    let r = run(home.cmd().args(sync_args("calls.db", &["--full"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "famulor: 0 new, 0 changed, 0 gone, {} unchanged (",
            after.len()
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn several_profiles_each_keep_their_own_rows_and_state() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let db = home.path("calls.db");
    let r = run(home
        .cmd()
        .args(sync_args("calls.db", &["-p", "famulor", "-p", "evolux"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for vendor in [Vendor::Famulor, Vendor::Evolux] {
        let want = truth(&sb, vendor);
        assert!(!want.is_empty());
        assert_eq!(table(&db, vendor.id()), rows(&want), "{vendor}");
        assert!(
            r.stderr.contains(&format!(
                "{}: {} new, 0 changed, 0 gone, 0 unchanged (",
                vendor.id(),
                want.len()
            )),
            "{}",
            r.stderr
        );
    }
    assert_eq!(
        query(&db, "SELECT profile FROM sync_state ORDER BY 1"),
        vec![vec![json!("evolux")], vec![json!("famulor")]]
    );
    // Every other command takes one profile.
    let r = run(home.cmd().args(["-p", "famulor", "-p", "evolux", "list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("only `calls sync`"), "{}", r.stderr);
}

#[test]
fn a_failing_profile_does_not_stop_the_others_and_is_exit_5() {
    let sb = sandbox(common::options());
    let home = store::home_with_a_broken_profile(&sb);
    let db = Sqlite::new(&home, "calls.db");
    store::a_failing_profile_does_not_stop_the_others(
        &db,
        &home,
        &sb,
        &["broken", "famulor"],
        &["--report", "report.ndjson"],
    );
    let want = truth(&sb, Vendor::Famulor);
    // The report: the failed profile with its error (no secret) and exit code (3: the vendor
    // refused the credentials), the other with its counts and no error.
    let text = std::fs::read_to_string(home.path("report.ndjson")).unwrap();
    assert!(!text.contains("not-the-token"), "{text}");
    let lines = report(&home.path("report.ndjson"));
    let broken = &lines["broken"][0];
    assert_eq!(broken["exit"], json!(3), "{broken}");
    assert!(
        broken["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{broken}"
    );
    assert_eq!(broken["vendor"], json!("famulor"));
    assert!(broken.get("new").is_none(), "{broken}");
    let famulor = &lines["famulor"][0];
    assert!(famulor.get("error").is_none() && famulor.get("exit").is_none());
    assert_eq!(famulor["new"], json!(want.len()));
}

#[test]
fn an_older_schema_is_migrated_and_a_newer_one_refused() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let db = home.path("old.db");
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(include_str!("../migrations/sqlite/001_calls.sql"))
            .unwrap();
        conn.execute_batch(
            "UPDATE schema_version SET version = 1; \
             INSERT INTO calls (profile, vendor, id, started_at, direction, status, \
             first_seen_at, hash) VALUES ('kept', 'famulor', '1', '2025-01-01T00:00:00Z', \
             'inbound', 'missed', '2025-01-02T00:00:00Z', 7); \
             INSERT INTO sync_state (profile, filters, newest_started_at, synced_to, synced_at) \
             VALUES ('kept', 'x', NULL, '2025-01-02T00:00:00Z', '2025-01-02T00:00:00Z');",
        )
        .unwrap();
    }
    let r = run(home.cmd().args(sync_args("old.db", &[])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        query(&db, "SELECT version FROM schema_version"),
        vec![vec![json!(calls::db::sqlite::MIGRATIONS.len())]]
    );
    assert_eq!(
        query(
            &db,
            "SELECT id, status, first_status, deleted_at FROM calls WHERE profile = 'kept'"
        ),
        // Kept as it was: not taken for deleted (it was never read again).
        vec![vec![
            json!("1"),
            json!("missed"),
            json!("missed"),
            Value::Null
        ]]
    );
    // The state kept, with no modification time yet (its next run revisits once).
    assert_eq!(
        query(
            &db,
            "SELECT profile, newest_modified_at FROM sync_state WHERE profile = 'kept'"
        ),
        vec![vec![json!("kept"), Value::Null]]
    );
    assert_eq!(table(&db, "famulor"), rows(&truth(&sb, Vendor::Famulor)));

    let newer = home.path("newer.db");
    {
        let conn = Connection::open(&newer).unwrap();
        conn.execute_batch(include_str!("../migrations/sqlite/001_calls.sql"))
            .unwrap();
        conn.execute_batch("UPDATE schema_version SET version = 99")
            .unwrap();
    }
    let r = run(home.cmd().args(sync_args("newer.db", &[])));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("schema version 99"), "{}", r.stderr);
    assert_eq!(
        query(&newer, "SELECT count(*) FROM calls"),
        vec![vec![json!(0)]]
    );
}

#[test]
fn the_same_profile_twice_at_once_is_refused_and_another_runs_beside_it() {
    let sb = sandbox(Options {
        calls: 2_000,
        latency: std::time::Duration::from_millis(300),
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let mut first = home
        .calls_std()
        .args(sync_args("calls.db", &["--concurrency", "1"]))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lock = home.path(&calls::db::lock_name("calls.db".as_ref(), "famulor"));
    wait_for("the first sync to hold its lock and ask the vendor", || {
        lock.exists() && !sb.requests().is_empty()
    });
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&lock).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the lock file is the user's alone");
    }
    let r = run(home.cmd().args(sync_args("calls.db", &[])));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("another sync of famulor"), "{}", r.stderr);
    let r = run(home.cmd().args([
        "sync",
        "calls.db",
        "-p",
        "evolux",
        "--from",
        "2025-05-31",
        "--to",
        TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("evolux: "), "{}", r.stderr);
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first sync was still running throughout"
    );
    home.signal(&first, "-KILL");
    wait_exit(&mut first, "the first sync, killed", HANG);
}

#[test]
fn syncs_killed_at_random_points_then_run_to_the_end_store_each_call_once_and_complete() {
    let sb = sandbox(Options {
        calls: 6_000,
        latency: std::time::Duration::from_millis(20),
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let db = Sqlite::new(&home, "calls.db");
    store::killed_at_random_points_then_run_to_the_end(&db, &home, &sb, 0x5eed, 5, 3);
}

/// `--every`: a signal between runs is exit 0, during a run 143 with no state advanced.
#[test]
fn sync_every_ends_cleanly_between_runs_and_with_143_during_one() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let db = home.path("calls.db");
    let mut child = home
        .calls_std()
        .args(sync_args("calls.db", &["--every", "1h"]))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let line = stderr_lines(&mut child)
        .recv_timeout(HANG)
        .expect("the summary");
    common::every_line(&line, "famulor: ");
    home.signal(&child, "-TERM");
    assert_eq!(
        wait_exit(&mut child, "sync --every, signalled idle", HANG).code(),
        Some(0)
    );
    assert_eq!(table(&db, "famulor"), rows(&truth(&sb, Vendor::Famulor)));

    let slow = sandbox(Options {
        latency: std::time::Duration::from_millis(500),
        ..common::options()
    });
    let home = Home::with_sandbox(&slow);
    let db = home.path("calls.db");
    let mut child = home
        .calls_std()
        .args(sync_args(
            "calls.db",
            &["--every", "1h", "--concurrency", "1"],
        ))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the run to ask the vendor", || !slow.requests().is_empty());
    home.signal(&child, "-TERM");
    assert_eq!(
        wait_exit(&mut child, "sync --every, signalled during a run", HANG).code(),
        Some(143)
    );
    assert_eq!(
        query(&db, "SELECT count(*) FROM sync_state"),
        vec![vec![json!(0)]]
    );
}

/// Where the API lists by modification time (Callcap `search_last_modified_start`, Famulor
/// Platform 2.0 `sort=updated_at`), a later run reads the calls started since and what was
/// modified since, not a revisit window: a call changed weeks after it started is caught with
/// `--revisit 1m`, and the run reads a handful of calls, not the window.
#[test]
fn by_modification_time_a_later_sync_reads_what_changed_and_ends_exact() {
    for (profile, vendor, marker) in [
        ("callcap", Vendor::Callcap, "search_last_modified_start="),
        ("famulor-v1", Vendor::Famulor, "sort=updated_at"),
    ] {
        let sb = sandbox(Options {
            calls: 2_000,
            ..common::options()
        });
        let home = Home::with_sandbox(&sb);
        let db = home.path("calls.db");
        let sync = |extra: &[&str]| {
            run(home
                .cmd()
                .args(["-p", profile, "-v"])
                .args(sync_args("calls.db", extra)))
        };
        let r = sync(&[]);
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert!(
            !r.stderr.contains(marker),
            "{profile}: a first run reads the window"
        );
        let stored = table(&db, profile).len();
        assert!(stored > 1_000, "{profile}: {stored}");

        // A recent call and one from weeks before the newest change; two calls arrive.
        let mut calls: Vec<(u32, chrono::DateTime<chrono::Utc>)> = sb
            .world(vendor)
            .calls
            .iter()
            .map(|c| (c.seq, c.started_at))
            .collect();
        calls.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
        let newest = calls[0].1;
        let old = calls
            .iter()
            .find(|(_, t)| *t < newest - chrono::Duration::days(20))
            .unwrap()
            .0;
        sb.update_call(vendor, calls[1].0, |c| c.recording = !c.recording);
        sb.update_call(vendor, old, |c| {
            c.status = if c.status == Status::Missed {
                Status::Answered
            } else {
                Status::Missed
            }
        });
        sb.add_calls(vendor, 2, newest - chrono::Duration::hours(1), newest);

        let r = sync(&["--revisit", "1m"]);
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert!(r.stderr.contains(marker), "{profile}: {}", r.stderr);
        assert!(
            r.stderr.contains("(started since the last run)")
                && r.stderr.contains("(modified since the last run)"),
            "{profile}: {}",
            r.stderr
        );
        let summary = r
            .stderr
            .lines()
            .find(|l| l.contains(" new, "))
            .unwrap_or_default()
            .to_string();
        assert!(
            summary.contains(": 2 new, 2 changed, "),
            "{profile}: {summary}"
        );
        let unchanged: usize = summary
            .split(" changed, 0 gone, ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.replace(',', "").parse().ok())
            .unwrap();
        // Famulor reads whole pages of 200 by modification time; Callcap only what changed.
        assert!(
            unchanged <= 200,
            "{profile}: read {unchanged} unchanged calls"
        );

        // The same as a fresh read of everything.
        let fresh = home.path("fresh.db");
        let r = run(home.cmd().args([
            "-p",
            profile,
            "sync",
            fresh.to_str().unwrap(),
            "--from",
            FROM,
            "--to",
            TO,
        ]));
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(table(&db, profile), table(&fresh, profile), "{profile}");
        assert_eq!(table(&db, profile).len(), stored + 2, "{profile}");
    }
}

/// SIGTERM to `sync --every 1h` at the moment a profile's summary appears, or a few ms after,
/// again and again: the run ends at once, with 0 (between runs) or 143 (during the next
/// profile's run), never hangs; what is stored is whole, and no lock is left held.
#[test]
fn sync_every_signalled_as_each_summary_appears_ends_at_once() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let want: Vec<(Vendor, common::Rows)> = [Vendor::Famulor, Vendor::Evolux]
        .into_iter()
        .map(|v| (v, rows(&truth(&sb, v))))
        .collect();
    // Four runs to a database: first runs and reruns both.
    let name = |i: usize| format!("every{}.db", i / 4);
    let codes = common::sigterm_at_each_summary(
        &home,
        &want,
        |i| {
            let mut cmd = home.calls_std();
            cmd.args(sync_args(
                &name(i),
                &["-p", "famulor", "-p", "evolux", "--every", "1h"],
            ))
            .stderr(std::process::Stdio::piped());
            cmd
        },
        |i, vendor| table(&home.path(&name(i)), vendor.id()),
        |_| {},
    );
    // Every lock was released with its process: the same profiles sync again at once.
    let r = run(home
        .cmd()
        .args(sync_args("every0.db", &["-p", "famulor", "-p", "evolux"])));
    assert_eq!(r.code, 0, "{codes:?} {}", r.stderr);
}

/// A batch the database refuses (here a trigger) stops that profile's run with the database's
/// own error, written on the database's thread while the pager went on: the profile keeps its
/// state, its lock is released, and the next profile syncs.
#[test]
fn a_batch_the_database_refuses_fails_that_profile_with_its_error() {
    let sb = sandbox(Options {
        calls: 6_000,
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let db = Sqlite::new(&home, "calls.db");
    store::a_refused_batch_fails_that_profile_with_its_error(&db, &home, &sb);
}

/// Calls stored by an earlier run of an older window come late in a first run of the whole
/// window, after batches of new calls only: they are counted unchanged, not written twice.
#[test]
fn counts_stay_exact_when_stored_calls_come_after_new_ones() {
    let sb = sandbox(Options {
        calls: 8_000,
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let db = Sqlite::new(&home, "calls.db");
    store::stored_calls_after_new_ones_count_unchanged(&db, &home, &sb);
}

/// A database that does not take the batches (another writer holds its lock) fills the queue
/// and holds the sink in its wait: SIGTERM ends the run all the same, at once (143), with
/// nothing written, instead of after SQLite's 60 s of waiting for the lock.
#[test]
fn sigterm_ends_a_sync_whose_database_does_not_answer() {
    let sb = sandbox(Options {
        calls: 12_000,
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let db = home.path("calls.db");
    let r = run(home.cmd().args([
        "sync", "calls.db", "-p", "callcap", "--from", TO, "--to", TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    sb.clear_requests();
    let mut child = home
        .calls_std()
        .args(sync_args("calls.db", &["--concurrency", "1"]))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Once it reads (its schema checked, less than a batch read), another writer takes the lock.
    wait_for("the sync to read", || {
        !sb.requests().is_empty() || child.try_wait().unwrap().is_some()
    });
    let other = Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    // 8,000 calls read: three batches handed over and a fourth full, none written.
    wait_for("the sync to read 8,000 calls", || {
        sb.requests().len() >= 80 || child.try_wait().unwrap().is_some()
    });
    std::thread::sleep(Duration::from_millis(200));
    let asked = sb.requests().len();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        sb.requests().len() < 110 && sb.requests().len() <= asked + 5,
        "reading stopped while the database took nothing ({asked}, then {})",
        sb.requests().len()
    );
    let signalled = std::time::Instant::now();
    home.signal(&child, "-TERM");
    let code = wait_exit(
        &mut child,
        "a sync signalled while its database waits",
        HANG,
    )
    .code();
    assert_eq!(code, Some(143));
    assert!(
        signalled.elapsed() < Duration::from_secs(10),
        "ended {:?} after the signal",
        signalled.elapsed()
    );
    other.execute_batch("ROLLBACK").unwrap();
    assert!(table(&db, "famulor").is_empty());
}

/// A later run reading by modification time, killed at random points (`kill -9`) while calls
/// changed and arrived meanwhile: whatever is stored is whole, and a run to the end leaves the
/// table a fresh read would (a killed run never advances the modification time it resumes from).
#[test]
fn later_syncs_by_modification_time_killed_at_random_points_end_exact() {
    let sb = sandbox(Options {
        calls: 3_000,
        latency: std::time::Duration::from_millis(20),
        ..common::options()
    });
    let home = Home::new();
    // Pages of 5: a later run is many requests, to be killed between.
    home.write_config(&sb.config_toml().replace(
        "[profiles.famulor-v1]\n",
        "[profiles.famulor-v1]\npage_size = 5\n",
    ));
    fn sync(db: &str) -> Vec<String> {
        sync_args(db, &["-p", "famulor-v1"])
    }
    let r = run(home.cmd().args(sync("calls.db")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut calls: Vec<(u32, chrono::DateTime<chrono::Utc>)> = sb
        .world(Vendor::Famulor)
        .calls
        .iter()
        .map(|c| (c.seq, c.started_at))
        .collect();
    calls.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    let newest = calls[0].1;
    for (i, (seq, _)) in calls.iter().step_by(97).take(20).enumerate() {
        sb.update_call(Vendor::Famulor, *seq, |c| {
            if i % 2 == 0 {
                c.recording = !c.recording
            } else {
                c.talk += 7
            }
        });
    }
    sb.add_calls(
        Vendor::Famulor,
        5,
        newest - chrono::Duration::hours(2),
        newest,
    );
    let db = home.path("calls.db");
    let before = table(&db, "famulor-v1");
    let mut seed: u64 = 0xc0ffee;
    let mut kills = 0;
    for _ in 0..5 {
        kills += usize::from(kill_at_random(&home, &sb, &sync("calls.db"), &mut seed, 5));
        // Every row whole: as it was, or as the vendor has it now.
        let now = table(&db, "famulor-v1");
        assert!(now.len() >= before.len());
        for (id, row) in &now {
            assert!(row.is_object() && row["id"] == id.as_str(), "{id}");
        }
    }
    assert!(kills >= 3, "most runs were killed mid-way ({kills})");
    let r = run(home.cmd().args(sync("calls.db")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(home.cmd().args(sync("fresh.db")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        table(&db, "famulor-v1"),
        table(&home.path("fresh.db"), "famulor-v1")
    );
}

/// A disk that fills up mid-sync (here the file size limit, `ulimit -f`, with SIGXFSZ ignored
/// so that writes fail instead): exit 1 naming the database, the committed batches whole, the
/// state not advanced, the lock released; once there is room, a rerun ends exact. Checkpoints
/// run on a thread of their own and also hit the limit: they must not lose or corrupt a page.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_stops_the_sync_and_a_rerun_ends_exact() {
    use std::os::unix::process::CommandExt;
    let sb = sandbox(Options {
        calls: 8_000,
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let db = home.path("calls.db");
    let want = rows(&truth(&sb, Vendor::Famulor));
    let mut cmd = home.calls_std();
    cmd.args(sync_args("calls.db", &[]));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 3 << 20,
                rlim_max: 3 << 20,
            };
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("calls.db"), "{stderr}");
    let stored = table(&db, "famulor");
    assert!(stored.len() < want.len(), "the limit stopped it mid-way");
    for (id, row) in &stored {
        assert_eq!(Some(row), want.get(id), "{id}");
    }
    assert_eq!(query(&db, "SELECT count(*) FROM sync_state"), [[json!(0)]]);
    assert_eq!(query(&db, "PRAGMA integrity_check"), [[json!("ok")]]);
    let r = run(home.cmd().args(sync_args("calls.db", &[])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(table(&db, "famulor"), want);
}

/// A config with the sandbox's profiles and, for each of `names`, a Famulor profile so named.
fn famulor_profiles(sb: &calls::sandbox::Sandbox, names: &[&str]) -> String {
    let mut config = sb.config_toml();
    for name in names {
        // A TOML basic string takes JSON's escapes.
        config.push_str(&format!(
            "\n[profiles.{}]\nvendor = \"famulor\"\nbase_url = \"{}\"\n",
            serde_json::to_string(name).unwrap(),
            sb.base_url(Vendor::Famulor)
        ));
        for (key, value) in calls::sandbox::Sandbox::credentials(Vendor::Famulor) {
            config.push_str(&format!("{} = \"{value}\"\n", key.name()));
        }
    }
    config
}

/// Profile names a file system or a terminal trips on (a path, the hex of another, 300 bytes of
/// non-ASCII, a newline and an escape sequence) each sync into their own rows under their own
/// lock (no lock file left after), and every message shows them escaped.
#[test]
fn any_profile_name_syncs_under_its_own_lock_and_is_shown_escaped() {
    let sb = sandbox(common::options());
    let home = Home::new();
    let long = "ü".repeat(150);
    let names = ["../x", "2e2e2f78", long.as_str(), "a\nb\x1b[31m"];
    home.write_config(&famulor_profiles(&sb, &names));
    let mut args = sync_args("calls.db", &[]);
    for n in names {
        args.extend(["-p".to_string(), n.to_string()]);
    }
    let r = run(home.cmd().args(&args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = rows(&truth(&sb, Vendor::Famulor));
    for n in names {
        assert_eq!(table(&home.path("calls.db"), n), want, "{n:?}");
    }
    assert!(
        r.stderr
            .contains(&format!("a\\u{{a}}b\\u{{1b}}[31m: {} new, ", want.len())),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("a\nb") && !r.stderr.contains('\x1b'),
        "{}",
        r.stderr
    );
    let left: Vec<String> = std::fs::read_dir(home.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "lock files left: {left:?}");
}

/// A DEST reached through a symlink takes the lock of the file it points to: a sync through
/// either name is refused while another holds the profile's lock.
#[cfg(unix)]
#[test]
fn a_symlinked_dest_takes_the_lock_of_its_target() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args(sync_args("calls.db", &[])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::os::unix::fs::symlink(home.path("calls.db"), home.path("link.db")).unwrap();
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(home.path(&calls::db::lock_name("calls.db".as_ref(), "famulor")))
        .unwrap();
    held.try_lock().unwrap();
    for dest in ["link.db", "calls.db"] {
        let r = run(home.cmd().args(sync_args(dest, &[])));
        assert_eq!(r.code, 1, "{dest}: {}", r.stderr);
        assert!(r.stderr.contains("another sync of famulor"), "{}", r.stderr);
    }
    drop(held);
    let r = run(home.cmd().args(sync_args("link.db", &[])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("famulor: 0 new, 0 changed, "),
        "{}",
        r.stderr
    );
}

/// A DEST that exists but is no SQLite database is the user's to mend (exit 2), named, and
/// left as it was.
#[test]
fn a_dest_that_is_not_a_database_is_a_usage_error_naming_it() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    for (name, text) in [
        ("notes.db", "my notes\n".repeat(500)),
        ("short.sqlite", "x".to_string()),
    ] {
        std::fs::write(home.path(name), &text).unwrap();
        let r = run(home.cmd().args(sync_args(name, &[])));
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("{name} is not a SQLite database")),
            "{}",
            r.stderr
        );
        assert_eq!(std::fs::read_to_string(home.path(name)).unwrap(), text);
    }
}

/// A `calls` table rebuilt without its primary key (every run would store its calls again) or
/// without a column is refused on open (exit 2) with what to do; nothing is written.
#[test]
fn a_calls_table_without_its_key_or_a_column_is_refused() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let db = home.path("calls.db");
    let r = run(home.cmd().args(sync_args("calls.db", &[])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let n = truth(&sb, Vendor::Famulor).len();
    for (rebuild, said) in [
        (
            "CREATE TABLE c2 AS SELECT * FROM calls; DROP TABLE calls; \
             ALTER TABLE c2 RENAME TO calls;",
            "no PRIMARY KEY (profile, id)",
        ),
        (
            "CREATE TABLE c2 AS SELECT * FROM calls; DROP TABLE calls; \
             ALTER TABLE c2 RENAME TO calls; ALTER TABLE calls DROP COLUMN agent; \
             CREATE UNIQUE INDEX k ON calls (id, profile);",
            "lacks the column(s) agent",
        ),
    ] {
        Connection::open(&db)
            .unwrap()
            .execute_batch(rebuild)
            .unwrap();
        let r = run(home.cmd().args(sync_args("calls.db", &["--full"])));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(said), "{}", r.stderr);
        assert!(r.stderr.contains("ALTER TABLE"), "what to do: {}", r.stderr);
        assert_eq!(
            query(&db, "SELECT count(*) FROM calls"),
            vec![vec![json!(n)]]
        );
    }
    // A unique index on the two is as good as the key.
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TABLE c3 AS SELECT * FROM calls; DROP TABLE calls; ALTER TABLE c3 RENAME TO calls; \
         ALTER TABLE calls ADD COLUMN agent TEXT; CREATE UNIQUE INDEX k2 ON calls (id, profile);",
    )
    .unwrap();
    drop(conn);
    let r = run(home.cmd().args(sync_args("calls.db", &["--full"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        query(&db, "SELECT count(*) FROM calls"),
        vec![vec![json!(n)]]
    );
}

/// Ctrl-C during a sync: exit 130, and what its committed batches stored is said (the summary
/// line never comes), no more than the database holds.
#[test]
fn ctrl_c_during_a_sync_says_what_was_stored_before_it_stopped() {
    let sb = sandbox(Options {
        calls: 6_000,
        latency: Duration::from_millis(30),
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let db = home.path("calls.db");
    let mut child = home
        .calls_std()
        .args(sync_args("calls.db", &["--concurrency", "1"]))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stored = || -> i64 {
        if !db.exists() {
            return 0;
        }
        let Ok(conn) = Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        else {
            return 0;
        };
        conn.query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
            .unwrap_or(0)
    };
    wait_for("a first batch committed", || stored() > 0);
    let seen = stored();
    home.signal(&child, "-INT");
    let lines = stderr_lines(&mut child);
    assert_eq!(
        wait_exit(&mut child, "sync, Ctrl-C during a run", HANG).code(),
        Some(130)
    );
    let said: Vec<String> = lines.iter().collect();
    let line = said
        .iter()
        .find(|l| l.starts_with("famulor: ") && l.contains(" stored before it stopped"))
        .unwrap_or_else(|| panic!("{said:?}"));
    let n: i64 = line["famulor: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(
        n >= seen && n <= stored(),
        "{line}: {seen} seen before, {} after",
        stored()
    );
    assert_eq!(
        said.last().map(String::as_str),
        Some("error: interrupted"),
        "{said:?}"
    );
    assert_eq!(
        query(&db, "SELECT count(*) FROM sync_state"),
        vec![vec![json!(0)]],
        "the state is not advanced"
    );
}

#[test]
fn sync_jobs_outside_1_to_64_is_a_usage_error() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    for n in ["0", "65", "-1", "four", ""] {
        let flag = format!("--jobs={n}");
        let r = run(home.cmd().args(sync_args("calls.db", &[&flag])));
        assert_eq!(r.code, 2, "--jobs {n:?}: {}", r.stderr);
        assert!(r.stderr.contains("--jobs"), "{}", r.stderr);
    }
    assert!(!home.path("calls.db").exists());
    for n in ["1", "64"] {
        let r = run(home.cmd().args(sync_args("calls.db", &["--jobs", n])));
        assert_eq!(r.code, 0, "--jobs {n}: {}", r.stderr);
    }
}

/// Ten profiles synced eight at once into one SQLite database (one writer at a time, the
/// pages fetched side by side): every table exact, one whole summary line per profile, and
/// one `--report` line per profile per run with its counts, window and requests.
#[test]
fn sync_jobs_syncs_ten_profiles_at_once_exactly_and_reports_each() {
    let sb = sandbox(Options {
        latency: Duration::from_millis(20),
        ..common::options()
    });
    let home = Home::new();
    let (config, profiles) = common::many_profiles(&sb, 2);
    home.write_config(&config);
    let db = home.path("calls.db");
    let args = ["--all-profiles", "--jobs", "8", "--report", "r.ndjson"];
    for round in 0..2 {
        // The second reads the whole window again: every call unchanged.
        let full: &[&str] = if round == 0 { &[] } else { &["--full"] };
        let r = run(home.cmd().args(sync_args("calls.db", &args)).args(full));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), profiles.len(), "{}", r.stderr);
        let reported = report(&home.path("r.ndjson"));
        for (name, vendor) in &profiles {
            let want = truth(&sb, *vendor);
            assert_eq!(table(&db, name), rows(&want), "{name}");
            let (new, unchanged) = if round == 0 {
                (want.len(), 0)
            } else {
                (0, want.len())
            };
            let line = format!("{name}: {new} new, 0 changed, 0 gone, {unchanged} unchanged (");
            assert_eq!(
                lines.iter().filter(|l| l.starts_with(&line)).count(),
                1,
                "{line}\n{}",
                r.stderr
            );
            let entries = &reported[name];
            assert_eq!(entries.len(), round + 1, "{name}");
            let e = &entries[round];
            assert_eq!(e["vendor"], json!(vendor.id()));
            assert_eq!(
                (&e["new"], &e["changed"], &e["gone"], &e["unchanged"]),
                (&json!(new), &json!(0), &json!(0), &json!(unchanged)),
                "{e}"
            );
            assert!(e["requests"].as_u64().unwrap() >= 1, "{e}");
            assert_eq!(
                e["window"]["from"],
                json!("2025-03-01T00:00:00.000Z"),
                "{e}"
            );
            assert_eq!(e["window"]["to"], json!("2025-06-01T00:00:00.000Z"), "{e}");
            assert!(e.get("error").is_none(), "{e}");
        }
    }
}

/// `--every`: each run's summary lines start with the time, and each run appends its own
/// report line; times increase from run to run.
#[test]
fn sync_every_stamps_each_run_and_reports_it() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let mut child = home
        .calls_std()
        .args(sync_args(
            "calls.db",
            &["--every", "1s", "--report", "r.ndjson"],
        ))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    let mut times = Vec::new();
    for _ in 0..3 {
        let line = lines.recv_timeout(HANG).expect("a run's summary");
        times.push(common::every_line(&line, "famulor: "));
    }
    home.signal(&child, "-TERM");
    let code = wait_exit(&mut child, "sync --every", HANG).code();
    assert!(matches!(code, Some(0 | 143)), "{code:?}");
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    let runs = &report(&home.path("r.ndjson"))["famulor"];
    assert!(runs.len() >= 3, "{runs:?}");
    let started: Vec<_> = runs
        .iter()
        .map(|r| common::at(r["started_at"].as_str().unwrap()))
        .collect();
    assert!(started.windows(2).all(|w| w[0] < w[1]), "{started:?}");
    let want = truth(&sb, Vendor::Famulor).len();
    assert_eq!(runs[0]["new"], json!(want));
    assert_eq!(
        (&runs[1]["new"], &runs[1]["changed"]),
        (&json!(0), &json!(0))
    );
}

/// `export --report`: a run's line with what it exported (and what `--since-last` skipped),
/// and a failed run's with its error (no secret) and exit code.
#[test]
fn export_report_says_what_each_run_exported_or_why_it_failed() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let export = [
        "export", "--from", FROM, "--to", TO, "-o", "csv", "--report", "r.ndjson",
    ];
    let r = run(home
        .cmd()
        .args(export)
        .args(["--output", "calls.csv", "--since-last"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(home
        .cmd()
        .args(export)
        .args(["--output", "calls.csv", "--since-last"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut config = sb.config_toml();
    config.push_str(&format!(
        "\n[profiles.broken]\nvendor = \"famulor\"\nbase_url = \"{}\"\n",
        sb.base_url(Vendor::Famulor)
    ));
    for (key, _) in calls::sandbox::Sandbox::credentials(Vendor::Famulor) {
        config.push_str(&format!("{} = \"not-the-token\"\n", key.name()));
    }
    home.write_config(&config);
    let r = run(home
        .cmd()
        .args(export)
        .args(["-p", "broken", "--retries", "0"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    let text = std::fs::read_to_string(home.path("r.ndjson")).unwrap();
    assert!(!text.contains("not-the-token"), "{text}");
    let reported = report(&home.path("r.ndjson"));
    let want = truth(&sb, Vendor::Famulor).len();
    let runs = &reported["famulor"];
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["exported"], json!(want), "{}", runs[0]);
    assert_eq!(runs[1]["exported"], json!(0), "{}", runs[1]);
    for r in runs {
        assert!(r.get("error").is_none() && r.get("new").is_none(), "{r}");
        assert!(r["requests"].as_u64().unwrap() >= 1, "{r}");
    }
    let broken = &reported["broken"][0];
    assert_eq!(broken["exit"], json!(3), "{broken}");
    assert!(
        broken["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{broken}"
    );
}

/// A `--report` FILE that cannot be appended to (a folder, a missing folder) is exit 2 before
/// any work, on sync and export alike: never a run whose report silently goes nowhere.
#[test]
fn a_report_file_that_cannot_be_appended_to_is_a_usage_error_before_any_work() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    std::fs::create_dir(home.path("folder")).unwrap();
    for file in ["folder", "missing/r.ndjson"] {
        let r = run(home.cmd().args(sync_args("calls.db", &["--report", file])));
        assert_eq!(r.code, 2, "{file}: {}", r.stderr);
        assert!(r.stderr.contains("--report"), "{}", r.stderr);
        assert!(!home.path("calls.db").exists(), "{file}");
        let r = run(home.cmd().args([
            "export", "--from", FROM, "--to", TO, "-o", "csv", "--output", "c.csv", "--report",
            file,
        ]));
        assert_eq!(r.code, 2, "{file}: {}", r.stderr);
        assert!(!home.path("c.csv").exists(), "{file}");
    }
    assert!(sb.requests().is_empty(), "no vendor asked");
}
