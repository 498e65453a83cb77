//! Deletes at the source (SPEC, sync): a stored call that a complete, unfiltered read of its
//! window no longer returns gets `deleted_at`, is never removed, and is cleared when it comes
//! back; a read that was filtered, failed, was killed, or whose vendor total moved marks
//! nothing. On every API the sandbox serves, with the sandbox's own deletes.

mod common;

use std::collections::BTreeMap;

use calls::sandbox::world::TruthCall;
use calls::sandbox::{Options, Sandbox};
use calls::vendors::Vendor;
use common::{hostile, run_bounded as run, sandbox, seq_at, Home, FROM, TO};
use rusqlite::Connection;

/// Each API the sandbox serves: (profile name, vendor).
const APIS: &[(&str, Vendor)] = &[
    ("famulor", Vendor::Famulor),
    ("famulor-v1", Vendor::Famulor),
    ("evolux", Vendor::Evolux),
    ("callcap", Vendor::Callcap),
    ("brightcall", Vendor::Brightcall),
    ("brightcall-v3", Vendor::Brightcall),
    ("mycrm", Vendor::Mycrm),
];

/// `calls sync calls.db -p PROFILE` over the whole test window, with `extra`; its stderr.
fn sync(home: &Home, profile: &str, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "sync", "calls.db", "-p", profile, "--from", FROM, "--to", TO,
    ];
    args.extend_from_slice(extra);
    run(home.cmd().args(&args))
}

/// The summary line's counts: (new, changed, gone, unchanged).
fn counts(stderr: &str, profile: &str) -> (u64, u64, u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&format!("{profile}: ")) && l.contains(" new, "))
        .unwrap_or_else(|| panic!("no summary line of {profile}:\n{stderr}"));
    let n = |word: &str| -> u64 {
        let before = line.split(&format!(" {word}")).next().unwrap();
        let digits = before.rsplit([' ', ',']).find(|s| !s.is_empty()).unwrap();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("{word} in {line}"))
    };
    (n("new"), n("changed"), n("gone"), n("unchanged"))
}

/// Every stored row of `profile`: id → (started_at, deleted_at).
fn rows(home: &Home, profile: &str) -> BTreeMap<String, (String, Option<String>)> {
    let conn = Connection::open(home.path("calls.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, started_at, deleted_at FROM calls WHERE profile = ?1")
        .unwrap();
    let out = stmt
        .query_map([profile], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out
}

/// The ids marked gone.
fn gone(home: &Home, profile: &str) -> Vec<String> {
    rows(home, profile)
        .into_iter()
        .filter(|(_, (_, d))| d.is_some())
        .map(|(id, _)| id)
        .collect()
}

/// The stored call that started last and one started about a month before it (ids), and their
/// sandbox numbers.
fn newest_and_old(sb: &Sandbox, vendor: Vendor, home: &Home, profile: &str) -> [(String, u32); 2] {
    let mut by_start: Vec<(String, String)> = rows(home, profile)
        .into_iter()
        .map(|(id, (started, _))| (started, id))
        .collect();
    by_start.sort();
    let newest = by_start.last().unwrap().clone();
    let old = by_start[by_start.len() / 2].clone();
    [newest, old].map(|(started, id)| {
        let seq = seq_at(sb, vendor, common::at(&started));
        (id, seq)
    })
}

/// On every API: a delete the incremental window covers is marked by the next run; an older
/// one by `--full`; a mark is made once and kept; a call that comes back is cleared (counted
/// changed); nothing is ever removed.
#[test]
fn every_api_marks_the_calls_deleted_at_the_source_and_clears_those_that_return() {
    for &(profile, vendor) in APIS {
        let sb = sandbox(common::options());
        let home = Home::with_sandbox(&sb);
        let first = sync(&home, profile, &[]);
        assert_eq!(first.code, 0, "{profile}: {}", first.stderr);
        let (stored, ..) = counts(&first.stderr, profile);
        assert_eq!(counts(&first.stderr, profile).2, 0, "{profile}");
        let all = rows(&home, profile);
        assert_eq!(all.len() as u64, stored, "{profile}");

        let [(newest, newest_seq), (old, old_seq)] = newest_and_old(&sb, vendor, &home, profile);
        let deleted: Vec<TruthCall> = sb.delete_calls(vendor, &[newest_seq, old_seq]);

        // The next run reads the calls started since the last one: the newest is gone.
        let r = sync(&home, profile, &[]);
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(counts(&r.stderr, profile).2, 1, "{profile}: {}", r.stderr);
        assert_eq!(gone(&home, profile), vec![newest.clone()], "{profile}");

        // A whole window read finds the older one; the newest stays marked, once.
        let r = sync(&home, profile, &["--full"]);
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(counts(&r.stderr, profile).2, 1, "{profile}: {}", r.stderr);
        let mut want = vec![newest.clone(), old.clone()];
        want.sort();
        assert_eq!(gone(&home, profile), want, "{profile}");
        let marks = rows(&home, profile);
        let r = sync(&home, profile, &["--full"]);
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(
            counts(&r.stderr, profile),
            (0, 0, 0, stored - 2),
            "{profile}: {}",
            r.stderr
        );
        assert_eq!(rows(&home, profile), marks, "{profile}: marks kept as made");
        // Never removed: every call stored is still there.
        assert_eq!(marks.len(), all.len(), "{profile}");

        // They come back: cleared, counted as changed, as they were.
        sb.restore_calls(vendor, deleted);
        let r = sync(&home, profile, &["--full"]);
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(
            counts(&r.stderr, profile),
            (0, 2, 0, stored - 2),
            "{profile}: {}",
            r.stderr
        );
        assert!(gone(&home, profile).is_empty(), "{profile}");
        assert_eq!(rows(&home, profile), all, "{profile}");
    }
}

/// A window that starts and ends within a day (vendors that filter by date serve more, newest
/// first, and the read stops at the first page older than the window): the calls deleted
/// inside it are marked, one deleted just outside it is not, until a run reads its part.
#[test]
fn every_api_marks_exactly_the_deletes_inside_the_window_read() {
    const MID_FROM: &str = "2025-05-10T13:30:00Z";
    const MID_TO: &str = "2025-05-20T09:15:00Z";
    for &(profile, vendor) in APIS {
        // About 110 calls a day: windows of several pages, which Famulor and myCRM (filtering
        // by date, newest first) stop reading at the first page older than the window.
        let sb = sandbox(Options {
            calls: 10_000,
            ..common::options()
        });
        let home = Home::with_sandbox(&sb);
        let r = run(home.cmd().args([
            "sync",
            "calls.db",
            "-p",
            profile,
            "--from",
            "2025-05-08",
            "--to",
            "2025-05-22",
        ]));
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        let mut by_start: Vec<(String, String)> = rows(&home, profile)
            .into_iter()
            .map(|(id, (started, _))| (started, id))
            .collect();
        by_start.sort();
        let inside: Vec<&(String, String)> = by_start
            .iter()
            .filter(|(s, _)| s.as_str() >= MID_FROM && s.as_str() < MID_TO)
            .collect();
        assert!(inside.len() >= 3, "{profile}: {}", inside.len());
        let before = by_start.iter().rev().find(|(s, _)| s.as_str() < MID_FROM);
        let after = by_start.iter().find(|(s, _)| s.as_str() >= MID_TO);
        let (first, last) = (inside[0], inside[inside.len() - 1]);
        let outside = [before.unwrap(), after.unwrap()];
        let seq = |(started, _): &(String, String)| seq_at(&sb, vendor, common::at(started));
        let seqs: Vec<u32> = [first, last].into_iter().chain(outside).map(seq).collect();
        sb.delete_calls(vendor, &seqs);

        let r = run(home.cmd().args([
            "sync", "calls.db", "-p", profile, "--full", "--from", MID_FROM, "--to", MID_TO,
        ]));
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(counts(&r.stderr, profile).2, 2, "{profile}: {}", r.stderr);
        let mut want = vec![first.1.clone(), last.1.clone()];
        want.sort();
        assert_eq!(gone(&home, profile), want, "{profile}");

        let r = run(home.cmd().args([
            "sync",
            "calls.db",
            "-p",
            profile,
            "--full",
            "--from",
            "2025-05-08",
            "--to",
            "2025-05-22",
        ]));
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(counts(&r.stderr, profile).2, 2, "{profile}: {}", r.stderr);
        want.extend(outside.map(|(_, id)| id.clone()));
        want.sort();
        assert_eq!(gone(&home, profile), want, "{profile}");
    }
}

/// A run the vendor lists no call at all marks nothing, on every API: an empty answer is more
/// often the vendor's fault than every call deleted. The next run that lists calls marks those
/// that are gone.
#[test]
fn a_window_the_vendor_lists_empty_marks_nothing() {
    const MID_FROM: &str = "2025-05-10T00:00:00Z";
    const MID_TO: &str = "2025-05-14T00:00:00Z";
    // Deleted two days around the window too: vendors asked by date (in their zone) serve
    // the days around it, and any call served is an answer that is not empty.
    let (del_from, del_to) = ("2025-05-08T00:00:00Z", "2025-05-16T00:00:00Z");
    for &(profile, vendor) in APIS {
        let sb = sandbox(common::options());
        let home = Home::with_sandbox(&sb);
        assert_eq!(sync(&home, profile, &[]).code, 0, "{profile}");
        let inside: Vec<(String, u32)> = rows(&home, profile)
            .into_iter()
            .filter(|(_, (s, _))| s.as_str() >= del_from && s.as_str() < del_to)
            .map(|(id, (s, _))| (id, seq_at(&sb, vendor, common::at(&s))))
            .collect();
        assert!(!inside.is_empty(), "{profile}");
        let seqs: Vec<u32> = inside.iter().map(|(_, seq)| *seq).collect();
        sb.delete_calls(vendor, &seqs);

        let r = run(home.cmd().args([
            "sync", "calls.db", "-p", profile, "--full", "--from", MID_FROM, "--to", MID_TO, "-v",
        ]));
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(counts(&r.stderr, profile).2, 0, "{profile}: {}", r.stderr);
        assert!(
            r.stderr.contains("the vendor listed no call at all"),
            "{}",
            r.stderr
        );
        assert!(gone(&home, profile).is_empty(), "{profile}");

        // The whole window lists other calls: those of the empty days are gone.
        let r = sync(&home, profile, &["--full"]);
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        let mut want: Vec<String> = inside.into_iter().map(|(id, _)| id).collect();
        want.sort();
        assert_eq!(gone(&home, profile), want, "{profile}");
    }
}

/// A hostile vendor: Famulor answering every listing with an empty page in its own published
/// shape (`samples/famulor-classic-list-calls-docs-de.json`, `total: 0`), as an outage or a token
/// of another account would. The run ends 0 with nothing new, and marks none of the stored calls.
#[test]
fn a_vendor_answering_empty_never_gets_the_stored_calls_marked() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    assert_eq!(sync(&home, "famulor", &[]).code, 0);
    let empty = hostile::Hostile::start(|_, _| {
        hostile::json(&serde_json::json!({
            "data": [], "current_page": 1, "per_page": 15, "total": 0, "last_page": 1
        }))
    });
    let base = sb.base_url(Vendor::Famulor);
    let config = std::fs::read_to_string(home.config_path())
        .unwrap()
        .replace(&base, &format!("{}/famulor", empty.base));
    home.write_config(&config);
    let r = sync(&home, "famulor", &["--full"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(counts(&r.stderr, "famulor"), (0, 0, 0, 0), "{}", r.stderr);
    assert!(empty.count() > 0);
    assert!(gone(&home, "famulor").is_empty());
}

/// A window that starts within a second (`--from` with a fraction): the call of that very
/// second, before the window, is not read and not taken for deleted (times are stored to the
/// second), on every API.
#[test]
fn a_window_from_within_a_second_never_marks_the_call_of_that_second() {
    for &(profile, _) in APIS {
        let sb = sandbox(common::options());
        let home = Home::with_sandbox(&sb);
        assert_eq!(sync(&home, profile, &[]).code, 0, "{profile}");
        let mut starts: Vec<String> = rows(&home, profile)
            .into_values()
            .map(|(started, _)| started)
            .collect();
        starts.sort();
        let at = common::at(&starts[starts.len() / 2]);
        let from = (at + chrono::Duration::milliseconds(500))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let r = run(home.cmd().args([
            "sync", "calls.db", "-p", profile, "--full", "--from", &from, "--to", TO,
        ]));
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(counts(&r.stderr, profile).2, 0, "{profile}: {}", r.stderr);
        assert!(gone(&home, profile).is_empty(), "{profile}");
    }
}

/// The promise that matters most here: a call the vendor still has is never marked gone. The
/// same calls (the same seed, the same deletes) served by a vendor that misbehaves in each way
/// the sandbox can (any order, faults retried, a page served short once): whatever the run's
/// exit, it marks at most the calls deleted, never another; a clean run then marks exactly
/// those.
#[test]
fn a_misbehaving_vendor_never_gets_a_listed_call_marked() {
    let faults: [(&str, Options); 5] = [
        (
            "shuffled",
            Options {
                order: Some(calls::sandbox::Order::Shuffled),
                ..common::options()
            },
        ),
        (
            "oldest first",
            Options {
                order: Some(calls::sandbox::Order::OldestFirst),
                ..common::options()
            },
        ),
        (
            "faults",
            Options {
                fail_rate: 0.2,
                ..common::options()
            },
        ),
        (
            "short once",
            Options {
                short_page: Some(calls::sandbox::ShortPage::Once),
                ..common::options()
            },
        ),
        (
            "short always",
            Options {
                short_page: Some(calls::sandbox::ShortPage::Always),
                ..common::options()
            },
        ),
    ];
    for &(profile, vendor) in APIS {
        let clean = sandbox(common::options());
        let home = Home::with_sandbox(&clean);
        assert_eq!(sync(&home, profile, &[]).code, 0, "{profile}");
        let [(newest, a), (old, b)] = newest_and_old(&clean, vendor, &home, profile);
        clean.delete_calls(vendor, &[a, b]);
        let mut deleted = vec![newest, old];
        deleted.sort();
        for (what, opts) in &faults {
            let faulty = sandbox(opts.clone());
            faulty.delete_calls(vendor, &[a, b]);
            let there = Home::with_sandbox(&faulty);
            std::fs::copy(home.path("calls.db"), there.path("calls.db")).unwrap();
            let r = sync(&there, profile, &["--full"]);
            let marked = gone(&there, profile);
            assert!(
                marked.iter().all(|id| deleted.contains(id)),
                "{profile}, {what}: exit {}, marked {marked:?} of {deleted:?}\n{}",
                r.code,
                r.stderr
            );
            if r.code != 0 {
                assert!(marked.is_empty(), "{profile}, {what}: a failed run marked");
            }
        }
        let r = sync(&home, profile, &["--full"]);
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert_eq!(gone(&home, profile), deleted, "{profile}");
    }
}

/// A filtered read cannot tell a deleted call from one that stopped matching, and a read that
/// failed was not whole: neither marks anything, whatever it stored; the next complete read
/// does.
#[test]
fn a_filtered_or_failed_read_marks_nothing() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let r = sync(&home, "famulor", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let [(newest, seq), _] = newest_and_old(&sb, Vendor::Famulor, &home, "famulor");
    let deleted = sb.delete_calls(Vendor::Famulor, &[seq]);
    assert_eq!(deleted.len(), 1);

    for filter in [
        &[
            "--status",
            "answered,missed,busy,failed,voicemail,canceled,in-progress,unknown",
        ][..],
        &["--direction", "inbound"],
        &["--param", "foo=bar"],
        &["--min-duration", "0"],
    ] {
        let mut extra = vec!["--full"];
        extra.extend_from_slice(filter);
        let r = sync(&home, "famulor", &extra);
        assert_eq!(r.code, 0, "{filter:?}: {}", r.stderr);
        assert_eq!(
            counts(&r.stderr, "famulor").2,
            0,
            "{filter:?}: {}",
            r.stderr
        );
        assert!(gone(&home, "famulor").is_empty(), "{filter:?}");
    }

    // The same whole window from a vendor that serves one record short on every second
    // page: the run fails (exit 1) and marks nothing.
    let short = sandbox(Options {
        short_page: Some(calls::sandbox::ShortPage::Always),
        ..common::options()
    });
    short.delete_calls(Vendor::Famulor, &[seq]);
    let faulty = Home::with_sandbox(&short);
    std::fs::copy(home.path("calls.db"), faulty.path("calls.db")).unwrap();
    let r = sync(&faulty, "famulor", &["--full"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(gone(&faulty, "famulor").is_empty());

    // Unfiltered and whole: marked.
    let r = sync(&home, "famulor", &["--full"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(counts(&r.stderr, "famulor").2, 1, "{}", r.stderr);
    assert_eq!(gone(&home, "famulor"), vec![newest]);
}

/// A vendor whose total moves between the pages of one read (calls arriving or deleted
/// meanwhile) may have passed calls by without loss of any it counts: the run succeeds, and
/// marks nothing, since a call it did not see may only have moved.
#[test]
fn a_read_whose_vendor_total_moved_marks_nothing() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let r = sync(&home, "evolux", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let [(_, seq), _] = newest_and_old(&sb, Vendor::Evolux, &home, "evolux");
    sb.delete_calls(Vendor::Evolux, &[seq]);

    // Evolux through a proxy that takes one off `pagination.total` on every page but the
    // first (read again, the same: the vendor's count moved).
    let base = sb.base_url(Vendor::Evolux);
    let origin = base.trim_end_matches("/evolux").to_string();
    let proxy = hostile::Hostile::start_async(move |seen, n| {
        let origin = origin.clone();
        Box::pin(async move {
            let answer = hostile::forward(seen, &origin).await;
            if n == 0 {
                return answer;
            }
            let (parts, body) = answer.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            let mut v: serde_json::Value = match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(_) => return axum::response::Response::from_parts(parts, bytes.into()),
            };
            if let Some(t) = v.pointer_mut("/pagination/total") {
                *t = serde_json::json!(t.as_u64().unwrap() - 1);
            }
            hostile::reply(
                parts.status.as_u16(),
                &[("content-type", "application/json")],
                serde_json::to_vec(&v).unwrap(),
            )
        })
    });
    let config = std::fs::read_to_string(home.config_path())
        .unwrap()
        .replace(&base, &format!("{}/evolux", proxy.base));
    home.write_config(&config);
    let r = sync(&home, "evolux", &["--full", "-v"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(counts(&r.stderr, "evolux").2, 0, "{}", r.stderr);
    assert!(r.stderr.contains("not read whole"), "{}", r.stderr);
    assert!(gone(&home, "evolux").is_empty());
}

/// `kill -9` at any moment of a run that would mark calls: the marks are made with the state,
/// in one transaction, so a killed run leaves none (and every row whole); the next run makes
/// them.
#[cfg(unix)]
#[test]
fn a_killed_run_marks_nothing() {
    let sb = sandbox(Options {
        calls: 5_000,
        latency: std::time::Duration::from_millis(5),
        ..common::options()
    });
    let home = Home::with_sandbox(&sb);
    let r = sync(&home, "mycrm", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let [(newest, a), (old, b)] = newest_and_old(&sb, Vendor::Mycrm, &home, "mycrm");
    sb.delete_calls(Vendor::Mycrm, &[a, b]);
    let mut killed = 0;
    for ms in [30u64, 120, 300, 600] {
        let mut child = home
            .calls_std()
            .args([
                "sync", "calls.db", "-p", "mycrm", "--full", "--from", FROM, "--to", TO,
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        if finished {
            break;
        }
        killed += 1;
        assert!(gone(&home, "mycrm").is_empty(), "killed after {ms} ms");
    }
    assert!(killed > 0, "no run was killed before it ended");
    let r = sync(&home, "mycrm", &["--full"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut want = vec![newest, old];
    want.sort();
    assert_eq!(gone(&home, "mycrm"), want);
}

/// The report counts them.
#[test]
fn the_report_counts_the_calls_gone() {
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    assert_eq!(sync(&home, "callcap", &[]).code, 0);
    let [_, (_, seq)] = newest_and_old(&sb, Vendor::Callcap, &home, "callcap");
    sb.delete_calls(Vendor::Callcap, &[seq]);
    let report = home.path("report.ndjson");
    let r = sync(
        &home,
        "callcap",
        &["--full", "--report", report.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&report).unwrap().trim()).unwrap();
    assert_eq!(line["gone"], 1, "{line}");
}
