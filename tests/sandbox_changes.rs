//! The sandbox's calls change after they are first served (an in-progress call finishes, a
//! status is corrected, a recording appears), deterministically, within `SETTLE` of their
//! start: seen through every vendor's API as the backends read it, with the clock moved by the
//! test, and by `calls sync`.

mod common;

use std::collections::{BTreeSet, HashMap};

use calls::call::{Call, Status};
use calls::query::Query;
use calls::sandbox::world::{Change, ChangeKind, SETTLE};
use calls::sandbox::{Options, Sandbox};
use calls::vendors::{Backend, Vendor};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use common::{at, run, sandbox, Home};
use serde_json::Value;

/// A call every 2.6 minutes, each of which changes when it can: about 23 changes to come per
/// vendor at the pinned `until`.
fn options() -> Options {
    Options {
        calls: 50_000,
        change_rate: 1.0,
        ..common::options()
    }
}

/// Each API the sandbox serves: (profile name, vendor, second API).
const APIS: &[(&str, Vendor, Option<&str>)] = &[
    ("famulor", Vendor::Famulor, None),
    ("famulor-v1", Vendor::Famulor, Some("v1")),
    ("evolux", Vendor::Evolux, None),
    ("callcap", Vendor::Callcap, None),
    ("brightcall", Vendor::Brightcall, None),
    ("brightcall-v3", Vendor::Brightcall, Some("v3")),
    ("mycrm", Vendor::Mycrm, None),
];

fn backend(sb: &Sandbox, vendor: Vendor, api: Option<&str>) -> Backend {
    let http = calls::http::Http::new(calls::http::HttpOptions::default()).unwrap();
    let profile = match api {
        Some(api) => sb.api_profile(vendor, api),
        None => sb.profile(vendor),
    };
    Backend::new(&profile, http).unwrap()
}

/// Every call of `[from, to)` through the backend and the pager, with its raw record.
fn fetch(
    sb: &Sandbox,
    vendor: Vendor,
    api: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    params: &[(&str, &str)],
) -> Vec<Call> {
    let b = std::sync::Arc::new(backend(sb, vendor, api));
    let q = Query {
        from,
        to,
        keep_raw: true,
        modified_since: None,
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Query::everything(chrono_tz::Tz::UTC, b.traits().max_page_size)
    };
    let plan = b.plan(&q).unwrap();
    let mut out = Vec::new();
    let pager = calls::pager::Pager {
        backend: b,
        query: std::sync::Arc::new(q.clone()),
        plan: &plan,
        concurrency: 2,
        progress: false,
    };
    common::runtime().block_on(pager.run(&mut out)).unwrap();
    out
}

/// What a correct client reads in `[from, to)` now, newest first.
fn expected(
    sb: &Sandbox,
    vendor: Vendor,
    api: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<Call> {
    match api {
        Some("v1") => sb.expected_api(vendor, "v1", from, to),
        _ => sb.expected(vendor, from, to),
    }
}

fn without_raw(calls: &[Call]) -> Vec<Call> {
    calls
        .iter()
        .cloned()
        .map(|mut c| {
            c.raw = None;
            c
        })
        .collect()
}

/// Each call's id by its number, for the calls of `[from, to)` now.
fn ids(
    sb: &Sandbox,
    vendor: Vendor,
    api: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> HashMap<u32, String> {
    let seqs: Vec<u32> = sb
        .world(vendor)
        .between(from, to)
        .iter()
        .rev()
        .map(|t| t.seq)
        .collect();
    let calls = expected(sb, vendor, api, from, to);
    assert_eq!(seqs.len(), calls.len());
    seqs.into_iter()
        .zip(calls.into_iter().map(|c| c.id))
        .collect()
}

/// The changes a vendor's world makes in `(from, to]`.
fn changes(sb: &Sandbox, vendor: Vendor, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Change> {
    sb.world(vendor)
        .changes()
        .iter()
        .filter(|c| c.at > from && c.at <= to)
        .cloned()
        .collect()
}

fn raw(c: &Call) -> Value {
    c.raw.as_ref().expect("the raw record is kept").value()
}

fn instant(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn every_api_shows_the_calls_changing_as_the_clock_moves() {
    let sb = sandbox(options());
    let t = sb.now();
    assert_eq!(t, at(common::UNTIL));
    let (from, to) = (t - Duration::hours(3), t + Duration::hours(3));
    let mut before = HashMap::new();
    let mut id_of = HashMap::new();
    for (name, vendor, api) in APIS {
        let got = fetch(&sb, *vendor, *api, from, to, &[]);
        assert_eq!(
            without_raw(&got),
            expected(&sb, *vendor, *api, from, to),
            "{name}"
        );
        before.insert(*name, got);
        id_of.insert(*name, ids(&sb, *vendor, *api, from, to));
    }
    // Every change to come is made within SETTLE of its call's start.
    let step = SETTLE;
    sb.advance_clock(step);
    assert_eq!(sb.now(), t + step);
    for (name, vendor, api) in APIS {
        // The changes of the calls served at T (calls arriving since change too).
        let made: Vec<Change> = changes(&sb, *vendor, t, t + step)
            .into_iter()
            .filter(|c| id_of[name].contains_key(&c.seq))
            .collect();
        assert!(
            sb.world(*vendor)
                .changes()
                .iter()
                .all(|c| c.at <= t + step || c.started_at > t),
            "{name}: the changes of calls served at T are all made"
        );
        let after = fetch(&sb, *vendor, *api, from, to, &[]);
        assert_eq!(
            without_raw(&after),
            expected(&sb, *vendor, *api, from, to),
            "{name}"
        );
        let after: HashMap<&str, &Call> = after.iter().map(|c| (c.id.as_str(), c)).collect();
        let was: HashMap<&str, &Call> = before[name].iter().map(|c| (c.id.as_str(), c)).collect();
        let mut kinds = BTreeSet::new();
        for c in &made {
            let id = id_of[name][&c.seq].as_str();
            let (b, a) = (was[id], after[id]);
            assert_ne!(b, a, "{name}: {c:?}");
            kinds.insert(format!("{:?}", c.kind));
            match c.kind {
                ChangeKind::Finished => {
                    assert_eq!((b.status, b.ended_at), (Status::InProgress, None), "{name}");
                    assert_ne!(a.status, Status::InProgress, "{name}");
                    let end = a.ended_at.expect("a finished call has ended");
                    assert_eq!(end, a.started_at + Duration::seconds(a.duration.unwrap()));
                }
                ChangeKind::Corrected if *name == "famulor-v1" => {
                    // Platform 2.0 has no word for voicemail: `success` says it.
                    assert!(
                        (b.status, a.status) == (Status::Missed, Status::Answered)
                            || (raw(b)["success"].clone(), raw(a)["success"].clone())
                                == (Value::Bool(true), Value::Bool(false)),
                        "{name}: {b:?} {a:?}"
                    );
                }
                ChangeKind::Corrected => assert!(
                    matches!(
                        (b.status, a.status),
                        (Status::Missed, Status::Answered) | (Status::Answered, Status::Voicemail)
                    ),
                    "{name}: {:?} -> {:?}",
                    b.status,
                    a.status
                ),
                ChangeKind::Recording if *vendor == Vendor::Brightcall => {
                    // Half of Brightcall's recordings are a bare file name, not a link.
                    assert_eq!(raw(b)["isRecordReady"], Value::Bool(false));
                    assert_eq!(raw(a)["isRecordReady"], Value::Bool(true));
                    assert_eq!(b.recording_url, None);
                }
                ChangeKind::Recording => {
                    assert_eq!(b.recording_url, None, "{name}");
                    assert!(a.recording_url.is_some(), "{name}");
                }
            }
            // The vendor's modification time is the change's.
            let modified = match *name {
                "callcap" => {
                    Some(c.at.format("%Y-%m-%d %H:%M:%S").to_string() == raw(a)["last_modified"])
                }
                "famulor" | "famulor-v1" | "mycrm" => Some(instant(&raw(a)["updated_at"]) == c.at),
                _ => None,
            };
            assert_ne!(modified, Some(false), "{name}: {}", raw(a));
        }
        let want: &[&str] = match vendor {
            Vendor::Famulor | Vendor::Callcap => &["Corrected", "Finished", "Recording"],
            _ => &["Corrected", "Recording"],
        };
        assert_eq!(
            kinds.iter().map(String::as_str).collect::<Vec<_>>(),
            want,
            "{name}"
        );
        // Every other call served at T is as it was, raw record included.
        let changed: BTreeSet<&str> = made.iter().map(|c| id_of[name][&c.seq].as_str()).collect();
        for (id, b) in &was {
            if !changed.contains(id) {
                assert_eq!(Some(b), after.get(id), "{name}: {id} did not change");
            }
        }
    }
}

#[test]
fn the_same_seed_makes_the_same_changes_and_a_later_sandbox_agrees() {
    let t = at(common::UNTIL);
    let a = sandbox(options());
    let b = sandbox(options());
    let other = sandbox(Options {
        seed: 8,
        ..options()
    });
    let later = sandbox(Options {
        until: Some(t + Duration::hours(5)),
        ..options()
    });
    let (from, to) = (t - Duration::days(2), t + Duration::hours(5));
    for vendor in Vendor::ALL {
        let (wa, wb) = (a.world(vendor), b.world(vendor));
        assert!(wa.changes().len() > 500, "{vendor}");
        assert!(wa.changes().iter().all(|c| c.at <= c.started_at + SETTLE));
        assert_eq!(wa.changes(), wb.changes(), "{vendor}");
        assert_eq!(wa.calls, wb.calls, "{vendor}");
        assert_ne!(other.world(vendor).changes()[..10], wa.changes()[..10]);
    }
    a.advance_clock(Duration::hours(5));
    for vendor in Vendor::ALL {
        // Moved on by 5 h, the sandbox is the one started 5 h later.
        let first = later.world(vendor).calls[0].started_at;
        let made: Vec<Change> = a
            .world(vendor)
            .changes()
            .iter()
            .filter(|c| c.started_at >= first)
            .cloned()
            .collect();
        assert_eq!(made, later.world(vendor).changes(), "{vendor}");
        assert_eq!(
            a.world(vendor).between(from, to),
            later.world(vendor).between(from, to),
            "{vendor}"
        );
        assert_ne!(
            a.world(vendor).between(from, to),
            b.world(vendor).between(from, to)
        );
    }
}

#[test]
fn calls_older_than_the_bound_never_change() {
    let sb = sandbox(Options {
        calls: 20_000,
        ..options()
    });
    let t = sb.now();
    let (from, to) = (t - Duration::days(3), t - SETTLE);
    let mut before = HashMap::new();
    for (name, vendor, api) in APIS {
        assert!(
            sb.world(*vendor)
                .changes()
                .iter()
                .all(|c| c.started_at >= to || c.at <= t),
            "{name}: nothing to come for calls started before T - SETTLE"
        );
        before.insert(*name, fetch(&sb, *vendor, *api, from, to, &[]));
    }
    // Through three days of calls arriving and changing, hour by hour.
    for _ in 0..72 {
        sb.advance_clock(Duration::hours(1));
        for vendor in Vendor::ALL {
            drop(sb.world(vendor));
        }
    }
    for (name, vendor, api) in APIS {
        assert!(
            changes(&sb, *vendor, t, sb.now()).len() > 300,
            "{name}: calls changed meanwhile"
        );
        let after = fetch(&sb, *vendor, *api, from, to, &[]);
        assert!(after.len() > 500, "{name}");
        assert_eq!(before[name], after, "{name}");
    }
}

#[test]
fn callcap_lists_by_modification_time_exactly_the_calls_written_since() {
    let sb = sandbox(Options {
        calls: 20_000,
        ..options()
    });
    let t = sb.now();
    let served: BTreeSet<u32> = sb
        .world(Vendor::Callcap)
        .calls
        .iter()
        .map(|c| c.seq)
        .collect();
    sb.advance_clock(Duration::hours(3));
    let (from, to) = (t - Duration::days(1), t + Duration::hours(3));
    let id_of = ids(&sb, Vendor::Callcap, None, from, to);
    let made = changes(&sb, Vendor::Callcap, t, sb.now());
    let changed: BTreeSet<u32> = made
        .iter()
        .filter(|c| served.contains(&c.seq))
        .map(|c| c.seq)
        .collect();
    assert!(changed.len() >= 5, "{changed:?}");
    // Changed since T (T is 00:00): those, and the calls that arrived since.
    let arrived: BTreeSet<u32> = sb
        .world(Vendor::Callcap)
        .calls
        .iter()
        .map(|c| c.seq)
        .filter(|s| !served.contains(s))
        .collect();
    assert!(!arrived.is_empty());
    let got: BTreeSet<String> = fetch(
        &sb,
        Vendor::Callcap,
        None,
        from,
        to,
        &[("search_last_modified_start", "2025-06-01 00:00")],
    )
    .into_iter()
    .map(|c| c.id)
    .collect();
    let want: BTreeSet<String> = changed.union(&arrived).map(|s| id_of[s].clone()).collect();
    assert_eq!(got, want);
    // Within a range of minutes, both ends included: the calls written then, by the truth.
    let got: BTreeSet<String> = fetch(
        &sb,
        Vendor::Callcap,
        None,
        from,
        to,
        &[
            ("search_last_modified_start", "2025-06-01 00:30"),
            ("search_last_modified_end", "2025-06-01 01:29"),
        ],
    )
    .into_iter()
    .map(|c| c.id)
    .collect();
    let (lo, hi) = (t + Duration::minutes(30), t + Duration::minutes(90));
    let want: BTreeSet<String> = sb
        .world(Vendor::Callcap)
        .between(from, to)
        .iter()
        .filter(|c| c.modified_at >= lo && c.modified_at < hi)
        .map(|c| id_of[&c.seq].clone())
        .collect();
    assert!(
        want.len() >= 5 && want.len() < id_of.len() / 5,
        "{}",
        want.len()
    );
    assert!(want
        .iter()
        .any(|id| made.iter().any(|c| id_of[&c.seq] == *id)));
    assert_eq!(got, want);
    // A bound that is not a time is refused as the vendor words it.
    let http = reqwest::Client::new();
    let answer = common::runtime().block_on(async {
        let r = http
            .get(format!("{}/v2/get/calls/", sb.base_url(Vendor::Callcap)))
            .bearer_auth(calls::sandbox::Sandbox::credentials(Vendor::Callcap)[0].1)
            .query(&[("search_last_modified_start", "yesterday")])
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    });
    assert_eq!(
        answer,
        (
            400,
            r#"{"message":"search_last_modified_start must be yyyy-mm-dd HH:nn","status":"error"}"#
                .to_string()
        )
    );
}

#[test]
fn famulor_v1_sorts_by_updated_at_with_the_changed_calls_first() {
    let sb = sandbox(options());
    let t = sb.now();
    let served: BTreeSet<u32> = sb
        .world(Vendor::Famulor)
        .calls
        .iter()
        .map(|c| c.seq)
        .collect();
    sb.advance_clock(Duration::hours(1));
    let (from, to) = (t - Duration::days(1), t + Duration::hours(1));
    let id_of = ids(&sb, Vendor::Famulor, Some("v1"), from, to);
    let written: BTreeSet<String> = sb
        .world(Vendor::Famulor)
        .between(from, to)
        .iter()
        .filter(|c| c.modified_at > t)
        .map(|c| id_of[&c.seq].clone())
        .collect();
    let changed = changes(&sb, Vendor::Famulor, t, sb.now())
        .into_iter()
        .filter(|c| served.contains(&c.seq))
        .count();
    assert!(
        changed >= 5 && written.len() > changed,
        "{changed} {written:?}"
    );
    let http = reqwest::Client::new();
    let page: Value = common::runtime().block_on(async {
        http.get(format!(
            "{}/api/v1/calls",
            sb.api_base_url(Vendor::Famulor, "v1")
        ))
        .bearer_auth(calls::sandbox::Sandbox::api_credentials(Vendor::Famulor, "v1")[0].1)
        .query(&[
            ("sort", "updated_at"),
            ("limit", "200"),
            ("from", &from.to_rfc3339_opts(SecondsFormat::Secs, true)),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
    });
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), 200);
    let updated: Vec<DateTime<Utc>> = data.iter().map(|c| instant(&c["updated_at"])).collect();
    assert!(
        updated.windows(2).all(|w| w[0] >= w[1]),
        "newest update first"
    );
    let first: BTreeSet<String> = data[..written.len()]
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(first, written, "the calls written since T come first");
    assert!(updated[written.len()] <= t);
}

#[test]
fn a_second_sync_counts_the_changes_the_sandbox_made_meanwhile() {
    let sb = sandbox(Options {
        calls: 20_000,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let args = [
        "sync",
        "calls.db",
        "-p",
        "famulor",
        "-p",
        "callcap",
        "--from",
        "2025-05-25",
        "--to",
        "2025-06-03",
    ];
    let r = run(home.cmd().args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = sb.now();
    let from = at("2025-05-25T00:00:00Z");
    let served: HashMap<Vendor, (BTreeSet<u32>, DateTime<Utc>)> =
        [Vendor::Famulor, Vendor::Callcap]
            .into_iter()
            .map(|v| {
                let w = sb.world(v);
                let calls = w.between(from, t);
                (
                    v,
                    (
                        calls.iter().map(|c| c.seq).collect(),
                        calls.last().unwrap().started_at,
                    ),
                )
            })
            .collect();
    let step = Duration::hours(3);
    sb.advance_clock(step);
    let r = run(home.cmd().args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let db = home.path("calls.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    for (vendor, (seqs, newest)) in &served {
        let made: Vec<Change> = changes(&sb, *vendor, t, t + step)
            .into_iter()
            .filter(|c| seqs.contains(&c.seq))
            .collect();
        assert!(made.len() >= 3, "{vendor}: {made:?}");
        let now: Vec<u32> = sb
            .world(*vendor)
            .between(*newest - Duration::hours(24), t + step)
            .iter()
            .map(|c| c.seq)
            .collect();
        let new = now.iter().filter(|s| !seqs.contains(s)).count();
        assert!(new > 0);
        let unchanged = now.len() - new - made.len();
        if vendor.traits().lists_by_modification {
            // The calls started since and those modified since: what changed, and fewer
            // unchanged ones than the revisit window holds.
            let line = format!("{vendor}: {new} new, {} changed, 0 gone, ", made.len());
            let rest = r.stderr.split(&line).nth(1).unwrap_or_else(|| {
                panic!("{line}\n{}", r.stderr);
            });
            let read: usize = rest
                .split(' ')
                .next()
                .unwrap()
                .replace(',', "")
                .parse()
                .unwrap();
            assert!(
                read < unchanged,
                "{vendor}: {read} unchanged read, revisiting reads {unchanged}"
            );
        } else {
            let line = format!(
                "{vendor}: {new} new, {} changed, 0 gone, {unchanged} unchanged (",
                made.len()
            );
            assert!(r.stderr.contains(&line), "{line}\n{}", r.stderr);
        }
        // The rows a sync found changed are the calls the sandbox changed.
        let id_of = ids(&sb, *vendor, None, from, t + step);
        let want: BTreeSet<String> = made.iter().map(|c| id_of[&c.seq].clone()).collect();
        let got: BTreeSet<String> = conn
            .prepare("SELECT id FROM calls WHERE profile = ?1 AND changed_at IS NOT NULL")
            .unwrap()
            .query_map([vendor.id()], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(got, want, "{vendor}");
        // The README's query finds the corrected and finished ones.
        let status_changed: i64 = conn
            .query_row(
                "SELECT count(*) FROM calls WHERE profile = ?1 AND status <> first_status",
                [vendor.id()],
                |r| r.get(0),
            )
            .unwrap();
        let want = made
            .iter()
            .filter(|c| c.kind != ChangeKind::Recording)
            .count();
        assert_eq!(status_changed as usize, want, "{vendor}");
    }
}
