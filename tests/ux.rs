//! What a new user meets first (issue 11): one time zone per run, tables that keep their layout
//! and never break a token, a closed pipe on every vendor, a 0-column terminal, `--output`
//! names without a format, the manifest's folder, `show`'s conversation and unknown ids.

mod common;

use std::collections::BTreeSet;
use std::io::BufRead;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use common::*;

use calls::vendors::Vendor;

fn window(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.args(["--from", FROM, "--to", TO])
}

/// A table as a terminal of `cols` columns gets it.
fn terminal(cmd: &mut assert_cmd::Command, cols: &str) -> Run {
    run(cmd.env("CALLS_ASSUME_TTY", "1").env("COLUMNS", cols))
}

/// The ids of a table's rows (its first column), below the zone line and the header.
fn table_ids(table: &str) -> Vec<String> {
    table
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

fn ids(calls: &[calls::call::Call]) -> BTreeSet<String> {
    calls.iter().map(|c| c.id.clone()).collect()
}

fn midnight(tz: Tz, day: chrono::NaiveDate) -> DateTime<Utc> {
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// Item 1: with no --tz and no profile zone, TZ decides both the days `--from`/`--to` read and
/// the times a table prints, and the table says which zone; machine formats stay UTC.
#[test]
fn one_zone_reads_the_dates_and_prints_the_table() {
    let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let day = chrono::NaiveDate::from_ymd_opt(2025, 5, 31).unwrap();
    let want = ids(&sb.expected(
        Vendor::Famulor,
        midnight(tokyo, day),
        midnight(tokyo, day.succ_opt().unwrap()),
    ));
    assert!(want.len() > 2, "{want:?}");
    let args = [
        "list",
        "--from",
        "2025-05-31",
        "--to",
        "2025-05-31",
        "--limit",
        "1000",
    ];
    let r = terminal(
        home.cmd()
            .env("TZ", "Asia/Tokyo")
            .args(args)
            .args(["--fields", "id,started_at"]),
        "120",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[..2], ["times in Asia/Tokyo", " ID      STARTED AT"]);
    assert!(
        lines[2..].iter().all(|l| l.contains(" 2025-05-31 ")),
        "every row is of the day asked for, as the table shows it: {}",
        r.stdout
    );
    assert_eq!(
        table_ids(&r.stdout).into_iter().collect::<BTreeSet<_>>(),
        want
    );
    // Machine formats: RFC 3339 in UTC, the same calls.
    let r = run(home
        .cmd()
        .env("TZ", "Asia/Tokyo")
        .args(args)
        .args(["-o", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert!(got
        .iter()
        .all(|c| c["started_at"].as_str().unwrap().ends_with('Z')));
    let got: BTreeSet<String> = got
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, want);
}

/// Item 1, as the issue met it: in Tokyo, `list --from today` holds exactly the calls the table
/// shows as today (and `yesterday` the whole previous day).
#[test]
fn from_today_is_today_as_the_table_shows_it() {
    let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
    let sb = sandbox(calls::sandbox::Options {
        calls: 3000,
        until: None,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    for (word, back) in [("yesterday", 1), ("today", 0)] {
        // A run that straddles midnight in Tokyo is run again.
        let (r, day) = loop {
            let before = Utc::now().with_timezone(&tokyo).date_naive();
            let r = terminal(
                home.cmd().env("TZ", "Asia/Tokyo").args([
                    "list",
                    "--from",
                    word,
                    "--to",
                    if back == 1 { word } else { "now" },
                    "--limit",
                    "5000",
                    "--fields",
                    "id,started_at",
                ]),
                "120",
            );
            if Utc::now().with_timezone(&tokyo).date_naive() == before {
                break (r, before - Duration::days(back));
            }
        };
        assert_eq!(r.code, 0, "{word}: {}", r.stderr);
        let want = ids(&sb.expected(
            Vendor::Famulor,
            midnight(tokyo, day),
            midnight(tokyo, day.succ_opt().unwrap()).min(Utc::now()),
        ));
        if back == 1 {
            assert!(want.len() > 5, "a whole day of calls: {want:?}");
        }
        let shown = day.format(" %Y-%m-%d ").to_string();
        assert!(
            r.stdout.lines().skip(2).all(|l| l.contains(&shown)),
            "{word}: {}",
            r.stdout
        );
        let got: BTreeSet<String> = table_ids(&r.stdout).into_iter().collect();
        assert_eq!(got, want, "{word}");
    }
}

/// Item 2: `export | head -3` on every vendor, in every streaming format, whatever the page size
/// (Callcap's pages of 1,000 outgrow the output buffer in the middle of a page): exit 0, silent.
#[test]
fn a_closed_pipe_is_a_silent_success_on_every_vendor_and_format() {
    let sb = sandbox(calls::sandbox::Options {
        calls: 3000,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    for vendor in Vendor::ALL {
        for format in ["csv", "ndjson", "json"] {
            let mut child = home
                .calls_std()
                .args(["-p", vendor.id(), "export", "-o", format])
                .args(["--from", FROM, "--to", TO])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
            for _ in 0..3 {
                assert!(lines.next().unwrap().is_ok(), "{vendor} {format}");
            }
            drop(lines);
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                (
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).as_ref()
                ),
                (Some(0), ""),
                "{vendor} {format}"
            );
        }
    }
}

/// Item 3: a table of more than 1,000 rows (printed a block at a time) keeps the first block's
/// layout to its last row.
#[test]
fn a_long_table_keeps_one_layout() {
    let sb = sandbox(calls::sandbox::Options {
        calls: 1500,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let r = terminal(
        window(home.cmd().args(["export", "-o", "table", "--tz", "UTC"])),
        "120",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    // A row's first line starts with its id; names wrapped onto more lines do not.
    let rows: Vec<&str> = lines[2..]
        .iter()
        .copied()
        .filter(|l| l.as_bytes().get(1).is_some_and(u8::is_ascii_digit))
        .collect();
    assert_eq!(rows.len(), 1500);
    let header = lines[1];
    // Every row's columns start under their headers.
    let starts: Vec<usize> = ["STARTED", "DIRECTION", "STATUS", "DURATION", "CUSTOMER"]
        .iter()
        .map(|h| header.find(h).unwrap())
        .collect();
    for line in &rows {
        for &at in &starts {
            assert!(
                line[..at].ends_with("  ") && !line[at..].starts_with(' '),
                "misaligned at {at}:\n{header}\n{line}"
            );
        }
    }
    assert_eq!(lines[..4], FIRST_LINES);
    assert_eq!(rows[rows.len() - 1], LAST_ROW);
}

const FIRST_LINES: [&str; 4] = ["times in UTC", " ID      STARTED AT           DIRECTION  STATUS       DURATION  CUSTOMER        AGENT              CAMPAIGN", "                                                                NUMBER", " 437332  2025-05-31 23:17:35  outbound   in-progress  -         +4915169454798  Sales Assistant    Winback 2025"];
const LAST_ROW: &str = " 435833  2025-03-03 00:39:27  web        in-progress  -         +4915187066444  Support Assistant  Webinar";

/// Item 6: a terminal that reports 0 columns is one of unknown width (as when piped), not one
/// character a line.
#[test]
fn a_terminal_of_zero_columns_has_no_width_limit() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let args = ["list", "--limit", "3", "--tz", "UTC"];
    let zero = terminal(window(home.cmd().args(args)), "0");
    assert_eq!(zero.code, 0, "{}", zero.stderr);
    let unlimited = run(window(home.cmd().args(args).args(["-o", "table"])));
    assert_eq!(zero.stdout, unlimited.stdout);
    assert_eq!(zero.stdout, ZERO_COLUMNS);
}

const ZERO_COLUMNS: &str = "times in UTC\n ID      STARTED AT           DIRECTION  STATUS     DURATION  CUSTOMER NUMBER  AGENT         CAMPAIGN\n 189954  2025-05-31 20:01:31  web        answered   6:12      +4915111805473   João Silva    Neukundenakquise Q1\n 189953  2025-05-31 10:29:37  inbound    failed     0:00      +4915124450257   Night Line    -\n 189952  2025-05-31 08:58:51  outbound   voicemail  1:01      +4915172849061   Anna Schmidt  Webinar ../../follow-up\n";

/// Item 7: `--fields` tables wrap names at spaces and never split a time, id or number; what
/// cannot fit is cut with an ellipsis.
#[test]
fn picked_columns_never_break_a_token() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for (cols, want) in [("80", PICKED_80), ("60", PICKED_60)] {
        let r = terminal(
            window(home.cmd().args([
                "list",
                "--limit",
                "3",
                "--tz",
                "UTC",
                "--fields",
                "id,started_at,ended_at,status,vendor_status,duration,agent,campaign,cost",
            ])),
            cols,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout
                .lines()
                .all(|l| l.chars().count() <= cols.parse().unwrap()),
            "{}",
            r.stdout
        );
        assert_eq!(r.stdout, want, "{cols} columns");
    }
}

const PICKED_80: &str = "times in UTC\n ID      STARTED AT  ENDED AT    STATUS     VEN…  DUR…  AGENT  CAMP…  COST\n                                            STA…\n 189954  2025-05-31  2025-05-31  answered   end…  6:12  João   Neuk…  0.26290000\n         20:01:31    20:07:43                           Silva  Q1\n 189953  2025-05-31  2025-05-31  failed     fai…  0:00  Night  -      0.00290000\n         10:29:37    10:29:37                           Line\n 189952  2025-05-31  2025-05-31  voicemail  com…  1:01  Anna   Webi…  0.04370000\n         08:58:51    08:59:52                           Schm…  ../.…\n";
const PICKED_60: &str = "times in UTC\n ID      START…  ENDED    STATUS   V…  DUR…  A…  C…  COST\n         AT      AT                S…\n 189954  2025-…  2025-0…  answer…  e…  6:12  J…  N…  0.2629…\n         20:01…  20:07:…                     S…  Q1\n 189953  2025-…  2025-0…  failed   f…  0:00  N…  -   0.0029…\n         10:29…  10:29:…                     L…\n 189952  2025-…  2025-0…  voicem…  c…  1:01  A…  W…  0.0437…\n         08:58…  08:59:…                     S…  .…\n";

/// Item 11, issue 20: an id is never cut (Callcap's 36 characters, Famulor v1's UUIDs, an
/// agent shown by its id), at 80 and 120 columns, on every profile: the other columns give way.
/// `--fields id` gives the whole id too.
#[test]
fn tables_never_cut_an_id_at_80_and_120_columns_on_every_profile() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for (profile, cols, want) in TABLES {
        let r = terminal(
            window(
                home.cmd()
                    .args(["-p", profile, "list", "--limit", "3", "--tz", "UTC"]),
            ),
            cols,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout
                .lines()
                .all(|l| l.chars().count() <= cols.parse().unwrap()),
            "{profile} {cols}: {}",
            r.stdout
        );
        assert!(
            !r.stdout.contains('\u{2026}'),
            "{profile} {cols}: {}",
            r.stdout
        );
        assert_eq!(
            r.stdout, *want,
            "{profile} at {cols} columns:\n{:?}",
            r.stdout
        );
    }
    let r = terminal(
        window(
            home.cmd()
                .args(["-p", "callcap", "list", "--limit", "1", "--fields", "id"]),
        ),
        "80",
    );
    let whole = &truth(&sb, Vendor::Callcap)[0].id;
    assert!(whole.len() > 30, "{whole}");
    assert_eq!(r.stdout, format!(" ID\n {whole}\n"));
}

const TABLES: &[(&str, &str, &str)] = &[
    ("famulor", "80", "times in UTC\n ID      STARTED AT           DIRECTION  STATUS     DURATION  CUSTOMER NUMBER\n 189954  2025-05-31 20:01:31  web        answered   6:12      +4915111805473\n 189953  2025-05-31 10:29:37  inbound    failed     0:00      +4915124450257\n 189952  2025-05-31 08:58:51  outbound   voicemail  1:01      +4915172849061\n"),
    ("famulor", "120", "times in UTC\n ID      STARTED AT           DIRECTION  STATUS     DURATION  CUSTOMER NUMBER  AGENT         CAMPAIGN\n 189954  2025-05-31 20:01:31  web        answered   6:12      +4915111805473   João Silva    Neukundenakquise Q1\n 189953  2025-05-31 10:29:37  inbound    failed     0:00      +4915124450257   Night Line    -\n 189952  2025-05-31 08:58:51  outbound   voicemail  1:01      +4915172849061   Anna Schmidt  Webinar ../../follow-up\n"),
    ("famulor-v1", "80", "times in UTC\n ID                                    STARTED AT           DIRECTION  STATUS\n f306346c-661f-4912-b69a-000000015f62  2025-05-31 20:01:31  web        answered\n d62909cb-39e4-42cd-92b2-000000015f61  2025-05-31 10:29:37  inbound    failed\n 188bb2c2-e796-48e2-ad46-000000015f60  2025-05-31 08:58:51  outbound   answered\n"),
    ("famulor-v1", "120", "times in UTC\n ID                                    STARTED AT           DIRECTION  STATUS    DURATION  CUSTOMER NUMBER\n f306346c-661f-4912-b69a-000000015f62  2025-05-31 20:01:31  web        answered  6:12      -\n d62909cb-39e4-42cd-92b2-000000015f61  2025-05-31 10:29:37  inbound    failed    0:00      +4915124450257\n 188bb2c2-e796-48e2-ad46-000000015f60  2025-05-31 08:58:51  outbound   answered  1:01      +4915172849061\n"),
    ("evolux", "80", "times in UTC\n ID        STARTED AT           DIRECTION  STATUS    DURATION  CUSTOMER NUMBER\n 48089954  2025-05-31 16:06:36  outbound   answered  3:09      +5511989091048\n 48089953  2025-05-31 13:39:03  outbound   answered  8:29      +5511976197579\n 48089952  2025-05-31 08:32:03  outbound   missed    0:25      +5511931003241\n"),
    ("evolux", "120", "times in UTC\n ID        STARTED AT           DIRECTION  STATUS    DURATION  CUSTOMER        AGENT              CAMPAIGN\n                                                               NUMBER\n 48089954  2025-05-31 16:06:36  outbound   answered  3:09      +5511989091048  Sales Assistant    Neukundenakquise Q1\n 48089953  2025-05-31 13:39:03  outbound   answered  8:29      +5511976197579  Support Assistant  Webinar\n                                                                                                  ../../follow-up\n 48089952  2025-05-31 08:32:03  outbound   missed    0:25      +5511931003241  Sales Assistant    Webinar\n                                                                                                  ../../follow-up\n"),
    ("callcap", "80", "times in UTC\n ID                                   STARTED AT           DIRECTION  STATUS\n 987654_89954_05_31_2025_14:42:11_35  2025-05-31 19:42:11  inbound    answered\n 987654_89953_05_31_2025_06:11:52_34  2025-05-31 11:11:52  inbound    missed\n 987654_89952_05_31_2025_01:36:49_33  2025-05-31 06:36:49  outbound   answered\n"),
    ("callcap", "120", "times in UTC\n ID                                   STARTED AT           DIRECTION  STATUS    DURATION  CUSTOMER       AGENT\n                                                                                          NUMBER\n 987654_89954_05_31_2025_14:42:11_35  2025-05-31 19:42:11  inbound    answered  8:12      +13167763822   Sales Assistant\n 987654_89953_05_31_2025_06:11:52_34  2025-05-31 11:11:52  inbound    missed    0:35      +13162290432   Night Line\n 987654_89952_05_31_2025_01:36:49_33  2025-05-31 06:36:49  outbound   answered  14:41     +13163633238   Anna Schmidt\n"),
    ("brightcall", "80", "times in UTC\n ID                STARTED AT           DIRECTION  STATUS    DURATION\n 1748720414.89954  2025-05-31 19:40:14  inbound    failed    0:00\n 1748694264.89953  2025-05-31 12:24:24  inbound    answered  0:43\n 1748671504.89952  2025-05-31 06:05:04  internal   answered  3:09\n"),
    ("brightcall", "120", "times in UTC\n ID                STARTED AT           DIRECTION  STATUS    DURATION  CUSTOMER NUMBER  AGENT  CAMPAIGN\n 1748720414.89954  2025-05-31 19:40:14  inbound    failed    0:00      +4915193274693   11     -\n 1748694264.89953  2025-05-31 12:24:24  inbound    answered  0:43      +4915105096666   14     Winback 2025\n 1748671504.89952  2025-05-31 06:05:04  internal   answered  3:09      +4930999952      11     -\n"),
    ("brightcall-v3", "80", "times in UTC\n ID                STARTED AT           DIRECTION  STATUS    DURATION\n 1748720414.89954  2025-05-31 19:40:14  inbound    failed    0:00\n 1748694264.89953  2025-05-31 12:24:24  inbound    answered  0:43\n 1748671504.89952  2025-05-31 06:05:04  internal   answered  3:09\n"),
    ("brightcall-v3", "120", "times in UTC\n ID                STARTED AT           DIRECTION  STATUS    DURATION  CUSTOMER NUMBER  AGENT  CAMPAIGN\n 1748720414.89954  2025-05-31 19:40:14  inbound    failed    0:00      +4915193274693   11     -\n 1748694264.89953  2025-05-31 12:24:24  inbound    answered  0:43      +4915105096666   14     Winback 2025\n 1748671504.89952  2025-05-31 06:05:04  internal   answered  3:09      +4930999952      11     -\n"),
    ("mycrm", "80", "times in UTC\n ID       STARTED AT           DIRECTION  STATUS    DURATION  CUSTOMER NUMBER\n 2989954  2025-05-31 17:25:55  inbound    answered  2:20      +97115131572822\n 2989953  2025-05-31 13:01:42  inbound    missed    0:06      +97115166916779\n 2989952  2025-05-31 06:43:42  inbound    missed    0:12      +97115146664456\n"),
    ("mycrm", "120", "times in UTC\n ID       STARTED AT           DIRECTION  STATUS    DURATION  CUSTOMER NUMBER  AGENT            CAMPAIGN\n 2989954  2025-05-31 17:25:55  inbound    answered  2:20      +97115131572822  Anna Schmidt     pf-376\n 2989953  2025-05-31 13:01:42  inbound    missed    0:06      +97115166916779  Sales Assistant  -\n 2989952  2025-05-31 06:43:42  inbound    missed    0:12      +97115146664456  João Silva       pf-376\n"),
];

/// Item 8: the README's `--dir rec/ --manifest rec/manifest.csv` in a new folder, and a
/// manifest in a new folder below --dir; a folder that leads out of --dir is still refused.
#[test]
fn the_manifest_folder_inside_dir_is_made() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let recording = |dir: &str, manifest: &str| {
        run(home.cmd().args([
            "recording",
            "--from",
            "2025-05-30",
            "--to",
            TO,
            "--dir",
            dir,
            "--manifest",
            manifest,
        ]))
    };
    let want = sb.expected(Vendor::Famulor, at("2025-05-30T00:00:00Z"), at(UNTIL));
    for (dir, manifest) in [("rec/", "rec/manifest.csv"), ("r2", "r2/logs/day/m.csv")] {
        let r = recording(dir, manifest);
        assert_eq!(r.code, 0, "{manifest}: {}", r.stderr);
        let text = std::fs::read_to_string(home.path(manifest)).unwrap();
        let mut rows = text.lines();
        assert_eq!(rows.next(), Some("id,path,bytes,sha256,status"));
        assert_eq!(rows.count(), want.len(), "{manifest}: one row a call");
    }
    // A folder elsewhere must exist, as before.
    let r = recording("r3", "elsewhere/m.csv");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("there is no folder elsewhere"),
        "{}",
        r.stderr
    );
    // A symlink in --dir that leads out of it: nothing is made through it.
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path("r4")).unwrap();
    std::os::unix::fs::symlink(outside.path(), home.path("r4/out")).unwrap();
    let r = recording("r4", "r4/out/new/m.csv");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("outside --dir"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

/// Item 9: an --output name whose extension names no format is exit 2 without -o, saying what
/// the extension can pick; nothing is written.
#[test]
fn an_output_name_without_a_format_needs_dash_o() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for (name, why) in [
        ("calls.xls", "calls.xls: its extension .xls names no format"),
        ("x.xlsx", "x.xlsx: its extension .xlsx names no format"),
        ("calls", "calls: it has no extension to pick a format"),
    ] {
        let r = run(window(home.cmd().args(["export", "--output", name])));
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert_eq!(
            r.stderr,
            format!(
                "error: --output {why}\n  hint: the extension picks csv (.csv), tsv (.tsv), json (.json), ndjson (.ndjson, .jsonl), parquet (.parquet); for any other name pass -o FORMAT (-o csv, -o ndjson, ...)\n"
            )
        );
        assert!(!home.path(name).exists());
        let r = run(window(
            home.cmd()
                .args(["export", "-q", "--output", name, "-o", "csv"]),
        ));
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let text = std::fs::read_to_string(home.path(name)).unwrap();
        assert!(text.starts_with("vendor,id,started_at,"), "{text}");
    }
}

/// Item 10: on a terminal a Famulor transcript reads as `speaker: text` lines and the
/// evaluation as a small table, in each transcript shape both APIs send; JSON keeps both as
/// they came.
#[test]
fn show_renders_the_conversation() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for (profile, vendor_api) in [("famulor", None), ("famulor-v1", Some("v1"))] {
        let calls = match vendor_api {
            Some(api) => {
                sb.expected_api(Vendor::Famulor, api, at("2025-03-01T00:00:00Z"), at(UNTIL))
            }
            None => truth(&sb, Vendor::Famulor),
        };
        let (mut shown, mut shapes) = (0, BTreeSet::new());
        for call in calls.iter().take(12) {
            let json = run(home
                .cmd()
                .args(["-p", profile, "show", &call.id, "-o", "json"]));
            assert_eq!(json.code, 0, "{}", json.stderr);
            let record: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
            let t = &record["raw"]["transcript"];
            assert!(!t.is_null(), "{profile}: {record}");
            let spoken: Vec<String> = match t {
                serde_json::Value::String(s) => s.lines().map(str::to_string).collect(),
                other => {
                    let items = other.get("items").unwrap_or(other);
                    items
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|l| {
                            format!(
                                "{}: {}",
                                l["role"].as_str().unwrap(),
                                l["content"].as_str().unwrap()
                            )
                        })
                        .collect()
                }
            };
            if spoken.is_empty() {
                // A call nobody spoke on.
                continue;
            }
            shown += 1;
            shapes.insert(match t {
                serde_json::Value::String(_) => "string",
                serde_json::Value::Array(_) => "list",
                _ => "items",
            });
            let r = run(home.cmd().args([
                "-p", profile, "show", &call.id, "-o", "table", "--tz", "UTC",
            ]));
            assert_eq!(r.code, 0, "{}", r.stderr);
            let mut want = String::from("\ntranscript:\n");
            for line in &spoken {
                want.push_str(&format!("  {line}\n"));
            }
            assert!(r.stdout.contains(&want), "{profile}: {}", r.stdout);
            assert!(!r.stdout.contains("\\n"), "{profile}: {}", r.stdout);
            assert!(!r.stdout.contains("\"transcript\""), "{}", r.stdout);
            if vendor_api.is_none() {
                let e = &record["raw"]["evaluation"];
                let want = format!(
                    "\nevaluation:\n  status   {}\n  summary  {}\n",
                    e["status"],
                    e["summary"].as_str().unwrap()
                );
                assert!(r.stdout.contains(&want), "{}", r.stdout);
            }
        }
        assert!(shown >= 3, "{profile}: {shown}");
        let want: BTreeSet<&str> = match vendor_api {
            Some(_) => ["string", "list", "items"].into(),
            None => ["string"].into(),
        };
        assert_eq!(shapes, want, "{profile}");
    }
}

/// Item 12: an id the vendor does not know is exit 2, `not found`, on every vendor with `show`.
#[test]
fn an_unknown_id_is_not_found_on_every_vendor() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for (profile, id) in [
        ("famulor", "999"),
        ("famulor-v1", "00000000-0000-4000-8000-000000000999"),
        ("callcap", "999"),
        ("brightcall", "1746057600.99999"),
        ("brightcall-v3", "1746057600.99999"),
        ("mycrm", "999"),
    ] {
        let r = run(home.cmd().args(["-p", profile, "show", id]));
        assert_eq!(r.code, 2, "{profile}: {}", r.stderr);
        let vendor = profile.split('-').next().unwrap();
        assert_eq!(
            r.stderr,
            format!("error: not found: {vendor} has no call with id '{id}'\n  hint: check the id with `calls list`\n"),
            "{profile}"
        );
    }
}
