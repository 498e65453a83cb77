//! `calls stats` end to end against the in-process sandbox: every vendor's total against the
//! sandbox's own calls, every `--by` against counts made here, empty days, the table as exact
//! text at 80 and 120 columns, and 100,000 calls folded into a handful of counters.

mod common;

use std::collections::{BTreeMap, HashMap};

use calls::call::{Call, Status};
use calls::sandbox::Options;
use calls::vendors::Vendor;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use common::*;
use serde_json::{json, Value};

fn stats(home: &Home, args: &[&str]) -> Vec<Value> {
    let r = run(home.cmd().arg("stats").args(args));
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    let rows: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!rows.is_empty(), "{args:?}");
    rows
}

/// The numbers of one group, counted here from the sandbox's calls.
fn numbers(calls: &[&Call]) -> Value {
    let n = calls.len() as u64;
    let count = |s: Status| calls.iter().filter(|c| c.status == s).count() as u64;
    let talk: Vec<i64> = calls.iter().filter_map(|c| c.talk_time).collect();
    let talked = talk.iter().filter(|t| **t > 0).count() as u64;
    let talk_sum: i64 = talk.iter().sum();
    let durations: Vec<i64> = calls.iter().filter_map(|c| c.duration).collect();
    let avg = |sum: i64, k: u64| (k > 0).then(|| (sum as u64 + k / 2) / k);
    let rate =
        (n > 0).then(|| (count(Status::Answered) as f64 / n as f64 * 10_000.0).round() / 10_000.0);
    json!({
        "calls": n,
        "answered": count(Status::Answered),
        "missed": count(Status::Missed),
        "busy": count(Status::Busy),
        "failed": count(Status::Failed),
        "voicemail": count(Status::Voicemail),
        "canceled": count(Status::Canceled),
        "in_progress": count(Status::InProgress),
        "unknown": count(Status::Unknown),
        "answer_rate": rate,
        "talk_time": (!talk.is_empty()).then_some(talk_sum),
        "talk_time_avg": avg(talk_sum, talked),
        "duration_avg": avg(durations.iter().sum(), durations.len() as u64),
        "duration_max": durations.iter().max(),
    })
}

fn with_keys(keys: &[(&str, Value)], numbers: Value) -> Value {
    let mut row = serde_json::Map::new();
    for (k, v) in keys {
        row.insert(k.to_string(), v.clone());
    }
    row.extend(numbers.as_object().unwrap().clone());
    Value::Object(row)
}

#[test]
fn the_total_row_is_the_sandboxs_calls_on_every_vendor() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in Vendor::ALL {
        let truth = truth(&sb, vendor);
        assert!(truth.len() > 300, "{vendor}");
        let want = numbers(&truth.iter().collect::<Vec<_>>());
        let r = run(home.cmd().args([
            "-p",
            vendor.id(),
            "-v",
            "stats",
            "--from",
            FROM,
            "--to",
            TO,
            "-o",
            "json",
        ]));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        let got: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(got, json!([want]), "{vendor}");
        // -v says where the numbers come from, in one line.
        let source: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.starts_with("stats: "))
            .collect();
        let want_source = match vendor {
            Vendor::Brightcall => "stats: counted from the calls (Brightcall's calls-detailedV2 totals cannot match the filters and groups: not used)".to_string(),
            v => format!("stats: counted from the calls ({v} has no statistics endpoint)"),
        };
        assert_eq!(source, [want_source.as_str()], "{vendor}");
    }
}

#[test]
fn filters_narrow_the_counts() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let truth = truth(&sb, Vendor::Mycrm);
    let picked: Vec<&Call> = truth
        .iter()
        .filter(|c| {
            matches!(c.status, Status::Missed | Status::Busy) && c.duration.unwrap_or(0) >= 10
        })
        .collect();
    assert!(picked.len() > 20 && picked.len() < truth.len() / 2);
    let got = stats(
        &home,
        &[
            "-p",
            "mycrm",
            "--from",
            FROM,
            "--to",
            TO,
            "--status",
            "missed,busy",
            "--min-duration",
            "10",
        ],
    );
    assert_eq!(got, [numbers(&picked)]);
}

/// Time keys made here, independently of the crate: in Berlin, where the window is read.
fn time_key(by: &str, t: DateTime<Utc>) -> Value {
    let l = t.with_timezone(&chrono_tz::Europe::Berlin);
    match by {
        "day" => json!(l.format("%Y-%m-%d").to_string()),
        "week" => json!(format!(
            "{}-W{:02}",
            l.iso_week().year(),
            l.iso_week().week()
        )),
        "month" => json!(l.format("%Y-%m").to_string()),
        "hour" => json!(l.hour()),
        "weekday" => json!(l.format("%a").to_string()),
        _ => unreachable!(),
    }
}

fn field_key(by: &str, c: &Call) -> Value {
    match by {
        "agent" => json!(c.agent),
        "campaign" => json!(c.campaign),
        "line" => json!(c.line_number),
        "direction" => json!(c.direction.as_str()),
        "status" => json!(c.status.as_str()),
        _ => unreachable!(),
    }
}

#[test]
fn every_by_counts_like_the_sandbox_in_the_runs_zone() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let berlin: Tz = chrono_tz::Europe::Berlin;
    let (from, to) = (
        berlin
            .with_ymd_and_hms(2025, 3, 1, 0, 0, 0)
            .unwrap()
            .to_utc(),
        berlin
            .with_ymd_and_hms(2025, 6, 1, 0, 0, 0)
            .unwrap()
            .to_utc(),
    );
    let truth = sb.expected(Vendor::Brightcall, from, to);
    // Every period of the window, in order: each day's key, once.
    let mut days = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    while d < NaiveDate::from_ymd_opt(2025, 6, 1).unwrap() {
        days.push(
            berlin
                .from_local_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
                .unwrap()
                .to_utc(),
        );
        d = d.succ_opt().unwrap();
    }
    for by in ["day", "week", "month", "hour", "weekday"] {
        let mut periods: Vec<Value> = Vec::new();
        let all_hours = (0..24u32).map(|h| json!(h));
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(|w| json!(w));
        match by {
            "hour" => periods.extend(all_hours),
            "weekday" => periods.extend(weekdays),
            _ => {
                for t in &days {
                    let k = time_key(by, *t);
                    if periods.last() != Some(&k) {
                        periods.push(k);
                    }
                }
            }
        }
        let want: Vec<Value> = periods
            .iter()
            .map(|p| {
                let group: Vec<&Call> = truth
                    .iter()
                    .filter(|c| time_key(by, c.started_at) == *p)
                    .collect();
                with_keys(&[(by, p.clone())], numbers(&group))
            })
            .collect();
        let got = stats(
            &home,
            &[
                "-p",
                "brightcall",
                "--tz",
                "Europe/Berlin",
                "--from",
                FROM,
                "--to",
                TO,
                "--by",
                by,
            ],
        );
        assert_eq!(
            got.len(),
            match by {
                "day" => 92,
                "week" => 14,
                "month" => 3,
                "hour" => 24,
                _ => 7,
            },
            "{by}"
        );
        assert_eq!(got, want, "{by}");
        let sum: u64 = got.iter().map(|r| r["calls"].as_u64().unwrap()).sum();
        assert_eq!(sum, truth.len() as u64, "{by}");
    }
    for by in ["agent", "campaign", "line", "direction", "status"] {
        let mut groups: BTreeMap<String, (Value, Vec<&Call>)> = BTreeMap::new();
        for c in &truth {
            let k = field_key(by, c);
            groups
                .entry(k.to_string())
                .or_insert_with(|| (k.clone(), Vec::new()))
                .1
                .push(c);
        }
        let mut groups: Vec<(Value, Vec<&Call>)> = groups.into_values().collect();
        // By calls, largest first; then by name, null last.
        groups.sort_by(|(ka, a), (kb, b)| {
            b.len()
                .cmp(&a.len())
                .then_with(|| match (ka.as_str(), kb.as_str()) {
                    (Some(x), Some(y)) => x.cmp(y),
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, None) => std::cmp::Ordering::Equal,
                })
        });
        assert!(groups.len() >= 3, "{by}: {}", groups.len());
        let want: Vec<Value> = groups
            .iter()
            .map(|(k, calls)| with_keys(&[(by, k.clone())], numbers(calls)))
            .collect();
        let got = stats(
            &home,
            &[
                "-p",
                "brightcall",
                "--tz",
                "Europe/Berlin",
                "--from",
                FROM,
                "--to",
                TO,
                "--by",
                by,
            ],
        );
        assert_eq!(got, want, "{by}");
    }
}

#[test]
fn two_bys_nest_agent_by_day() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let truth = truth(&sb, Vendor::Evolux);
    let got = stats(
        &home,
        &[
            "-p",
            "evolux",
            "--tz",
            "UTC",
            "--from",
            "2025-05-25",
            "--to",
            "2025-05-31",
            "--by",
            "agent",
            "--by",
            "day",
        ],
    );
    let week: Vec<&Call> = truth
        .iter()
        .filter(|c| c.started_at >= at("2025-05-25T00:00:00Z"))
        .collect();
    let mut agents: HashMap<Option<String>, usize> = HashMap::new();
    for c in &week {
        *agents.entry(c.agent.clone()).or_default() += 1;
    }
    let mut agents: Vec<(Option<String>, usize)> = agents.into_iter().collect();
    agents.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    assert!(agents.len() >= 3);
    let mut want = Vec::new();
    for (agent, _) in &agents {
        for day in 25..=31 {
            let key = format!("2025-05-{day}");
            let group: Vec<&Call> = week
                .iter()
                .copied()
                .filter(|c| c.agent == *agent && c.started_at.format("%Y-%m-%d").to_string() == key)
                .collect();
            want.push(with_keys(
                &[("agent", json!(agent)), ("day", json!(key))],
                numbers(&group),
            ));
        }
    }
    assert_eq!(got.len(), agents.len() * 7);
    assert_eq!(got, want);
    assert!(
        got.iter().any(|r| r["calls"] == 0),
        "some agent has an empty day: zero rows are there"
    );
}

#[test]
fn empty_days_are_zero_rows() {
    let sb = sandbox(Options {
        calls: 12,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let truth = truth(&sb, Vendor::Callcap);
    let got = stats(
        &home,
        &[
            "-p", "callcap", "--tz", "UTC", "--from", FROM, "--to", TO, "--by", "day", "-o",
            "ndjson",
        ],
    );
    let mut per_day: HashMap<String, u64> = HashMap::new();
    for c in &truth {
        *per_day
            .entry(c.started_at.format("%Y-%m-%d").to_string())
            .or_default() += 1;
    }
    let mut want = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    while d <= NaiveDate::from_ymd_opt(2025, 5, 31).unwrap() {
        let key = d.format("%Y-%m-%d").to_string();
        want.push((key.clone(), per_day.get(&key).copied().unwrap_or(0)));
        d = d.succ_opt().unwrap();
    }
    let got: Vec<(String, u64)> = got
        .iter()
        .map(|r| {
            (
                r["day"].as_str().unwrap().to_string(),
                r["calls"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        got.iter().filter(|(_, n)| *n == 0).count(),
        92 - per_day.len()
    );
    assert!(per_day.len() >= 5 && per_day.len() < 20);
    // A zero row has zero counts and no averages.
    let csv = run(home.cmd().args([
        "-p",
        "callcap",
        "stats",
        "--tz",
        "UTC",
        "--from",
        "2025-06-02",
        "--to",
        "2025-06-02",
        "--by",
        "day",
        "-o",
        "csv",
    ]));
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert_eq!(
        csv.stdout,
        "day,calls,answered,missed,busy,failed,voicemail,canceled,in_progress,unknown,answer_rate,talk_time,talk_time_avg,duration_avg,duration_max\n\
         2025-06-02,0,0,0,0,0,0,0,0,0,,,,,\n"
    );
}

fn table(home: &Home, columns: &str, colour: bool) -> String {
    let mut cmd = home.cmd();
    cmd.args([
        "-p",
        "callcap",
        "stats",
        "--tz",
        "UTC",
        "--from",
        "2025-05-22",
        "--to",
        "2025-05-31",
        "--by",
        "day",
    ])
    .env("CALLS_ASSUME_TTY", "1")
    .env("COLUMNS", columns);
    // The harness sets NO_COLOR=1; a colour run takes it away.
    if colour {
        cmd.env_remove("NO_COLOR");
    }
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn the_table_at_120_and_80_columns() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let wide = table(&home, "120", false);
    assert_eq!(
        wide,
        concat!(
            " DAY         CALLS  ANSWERED  MISSED  RATE  TALK  AVG TALK  AVG DUR  MAX DUR  █ answered  ▓ missed  ░ other\n",
            " 2025-05-22      4         3       1   75%     -         -     4:28    10:16  ██████████████████████████▓▓▓▓▓▓▓▓\n",
            " 2025-05-23      5         3       1   60%     -         -     5:43    15:08  █████████████████████████▓▓▓▓▓▓▓▓▓░░░░░░░░\n",
            " 2025-05-24      5         4       1   80%     -         -     7:07    12:10  ██████████████████████████████████▓▓▓▓▓▓▓▓\n",
            " 2025-05-25      4         3       1   75%     -         -     8:09    13:55  ██████████████████████████▓▓▓▓▓▓▓▓\n",
            " 2025-05-26      5         2       3   40%     -         -     4:28    13:33  █████████████████▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓\n",
            " 2025-05-27      3         3       0  100%     -         -     5:40    10:58  █████████████████████████\n",
            " 2025-05-28      5         3       1   60%     -         -     2:25     6:46  █████████████████████████▓▓▓▓▓▓▓▓▓░░░░░░░░\n",
            " 2025-05-29      5         0       2    0%     -         -     0:38     1:17  ▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓░░░░░░░░░░░░░░░░░░░░░░░░░\n",
            " 2025-05-30      4         2       1   50%     -         -     5:25    14:56  █████████████████▓▓▓▓▓▓▓▓▓░░░░░░░░\n",
            " 2025-05-31      4         3       1   75%     -         -     6:06    14:41  ██████████████████████████▓▓▓▓▓▓▓▓\n",
            " total          44        26      12   59%     -         -     4:53    15:08\n",
        )
    );
    let narrow = table(&home, "80", false);
    assert_eq!(
        narrow,
        concat!(
            " DAY         CALLS  ANSWERED  MISSED  RATE  AVG DUR  █ answered ▓ missed ░ other\n",
            " 2025-05-22      4         3       1   75%     4:28  █████████████████▓▓▓▓▓\n",
            " 2025-05-23      5         3       1   60%     5:43  ████████████████▓▓▓▓▓▓░░░░░\n",
            " 2025-05-24      5         4       1   80%     7:07  ██████████████████████▓▓▓▓▓\n",
            " 2025-05-25      4         3       1   75%     8:09  █████████████████▓▓▓▓▓\n",
            " 2025-05-26      5         2       3   40%     4:28  ███████████▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓\n",
            " 2025-05-27      3         3       0  100%     5:40  ████████████████\n",
            " 2025-05-28      5         3       1   60%     2:25  ████████████████▓▓▓▓▓▓░░░░░\n",
            " 2025-05-29      5         0       2    0%     0:38  ▓▓▓▓▓▓▓▓▓▓▓░░░░░░░░░░░░░░░░\n",
            " 2025-05-30      4         2       1   50%     5:25  ███████████▓▓▓▓▓▓░░░░░\n",
            " 2025-05-31      4         3       1   75%     6:06  █████████████████▓▓▓▓▓\n",
            " total          44        26      12   59%     4:53\n",
        )
    );
    // The calls column is the sandbox's calls of each day.
    let truth = truth(&sb, Vendor::Callcap);
    for line in wide.lines().skip(1).take(10) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let day = truth
            .iter()
            .filter(|c| c.started_at.format("%Y-%m-%d").to_string() == cells[0])
            .count();
        assert_eq!(cells[1], day.to_string(), "{line}");
    }
    // Colour: the same table, its bars and legend coloured.
    let coloured = table(&home, "120", true);
    assert!(coloured.contains("\x1b[32m█"), "{coloured}");
    assert!(coloured.contains("\x1b[31m▓"), "{coloured}");
    let stripped = coloured
        .replace("\x1b[32m", "")
        .replace("\x1b[31m", "")
        .replace("\x1b[90m", "")
        .replace("\x1b[1m", "")
        .replace("\x1b[0m", "");
    // The header bold, as `list`'s is.
    assert!(coloured.starts_with("\x1b[1m DAY"), "{coloured}");
    assert_eq!(stripped, wide);
}

/// 100,000 calls through the pager into the tally: it keeps one counter per group and nothing
/// per call.
#[test]
fn a_hundred_thousand_calls_fold_into_a_few_counters() {
    let sb = sandbox(Options {
        calls: 100_000,
        ..options()
    });
    let mut q = calls::query::Query::everything(Tz::UTC, 1000);
    (q.from, q.to) = (at("2025-03-01T00:00:00Z"), at("2025-06-01T00:00:00Z"));
    let b = std::sync::Arc::new(backend(&sb, Vendor::Callcap));
    let plan = b.plan(&q).unwrap();
    let pager = calls::pager::Pager {
        backend: b,
        query: std::sync::Arc::new(q.clone()),
        plan: &plan,
        concurrency: 4,
        progress: false,
    };
    let by = [calls::stats::By::Agent, calls::stats::By::Day];
    let mut tally = calls::stats::Tally::new(&by, Tz::UTC);
    let read = runtime().block_on(pager.run(&mut tally)).unwrap();
    let truth = truth(&sb, Vendor::Callcap);
    assert!(truth.len() > 90_000, "{}", truth.len());
    assert_eq!(read.calls, truth.len() as u64);
    assert_eq!(tally.total().calls, truth.len() as u64);
    // 5 agents on the 90 days with calls: the counters are the groups, however many calls.
    let mut groups = std::collections::HashSet::new();
    for c in &truth {
        groups.insert((c.agent.clone(), c.started_at.date_naive()));
    }
    assert_eq!(groups.len(), 5 * 90);
    assert_eq!(tally.groups(), groups.len());
    // The rows add the window's two days without calls, as zero rows.
    let rows = tally.rows(q.from, q.to);
    assert_eq!(rows.len(), 5 * 92);
    assert_eq!(
        rows.iter().map(|r| r.counts.calls).sum::<u64>(),
        truth.len() as u64
    );
}

/// Two groups of time (any two of day, week, month, hour, weekday, in either order) would make a
/// grid of one's periods by the other's: refused before any request, naming both.
#[test]
fn two_groups_of_time_are_refused_before_any_request() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let time = ["day", "week", "month", "hour", "weekday"];
    for a in time {
        for b in time.iter().filter(|b| **b != a) {
            for args in [
                vec![
                    "--by".to_string(),
                    a.to_string(),
                    "--by".into(),
                    b.to_string(),
                ],
                vec!["--by".to_string(), format!("{a},{b}")],
            ] {
                let r = run(home.cmd().arg("stats").args(&args).args(["-o", "csv"]));
                assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
                assert!(
                    r.stderr.contains(&format!(
                        "error: --by {a} and --by {b} are both groups of time"
                    )) && r.stderr.contains("  hint: "),
                    "{args:?}: {}",
                    r.stderr
                );
                assert_eq!(r.stdout, "");
            }
        }
    }
    assert!(sb.requests().is_empty(), "{:?}", sb.requests().len());
    // With a group of another kind each of them nests.
    for a in time {
        let r = run(home
            .cmd()
            .args(["stats", "--by", a, "--by", "direction", "-o", "csv"]));
        assert_eq!(r.code, 0, "--by {a} --by direction: {}", r.stderr);
        assert!(
            r.stdout.starts_with(&format!("{a},direction,calls,")),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn bad_by_is_a_usage_error() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for (args, message) in [
        (
            &["--by", "day", "--by", "agent", "--by", "hour"][..],
            "--by is given 3 times",
        ),
        (&["--by", "day,day"], "--by day is given twice"),
        (&["--by", "colour"], "invalid value 'colour'"),
    ] {
        let r = run(home.cmd().arg("stats").args(args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "");
    }
    assert!(
        sb.requests().is_empty(),
        "refused before any request: {:?}",
        sb.requests().len()
    );
}

/// A window too long for its groups of time (every period is a row, empty ones too) is refused
/// before any request, for each time group; the same window by a longer period, or a window
/// at the limit, is counted.
#[test]
fn a_window_with_too_many_periods_is_refused_before_any_request() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for (by, from, to) in [
        ("day", "1900-01-01", "9999-12-31"),
        ("day", "1900-01-01", "2025-06-01"),
        ("week", "1900-01-01", "9999-12-31"),
        ("month", "1900-01-01", "9999-12-31"),
    ] {
        let r = run(home.cmd().args([
            "stats", "--by", "agent", "--by", by, "--from", from, "--to", to, "-o", "csv",
        ]));
        assert_eq!(r.code, 2, "--by {by} {from}..{to}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("--by {by}: the window holds about")),
            "{}",
            r.stderr
        );
        assert_eq!(r.stdout, "");
    }
    assert!(sb.requests().is_empty(), "refused before any request");
    // 10,000 days is the limit: 1998-01-15 through 2025-06-01 is 10,000 days, a day more is not.
    let days = |from: &str| {
        run(home.cmd().args([
            "stats",
            "--by",
            "day",
            "--from",
            from,
            "--to",
            "2025-06-01",
            "-o",
            "csv",
            "--tz",
            "UTC",
        ]))
    };
    let r = days("1998-01-15");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1 + 10_000);
    assert_eq!(days("1998-01-14").code, 2);
    let r = run(home.cmd().args([
        "stats",
        "--by",
        "month",
        "--from",
        "1900-01-01",
        "--to",
        "2025-06-01",
        "-o",
        "csv",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}
