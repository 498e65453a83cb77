//! `export -o parquet`: the files read back through the `parquet` crate, every field's type and
//! value equal to what `-o json` gives for the same calls (nulls, `--raw`, `--fields`, several
//! row groups); an incremental job's folder (one new file per run, none when nothing is new,
//! earlier files untouched); a run killed mid-write leaving no `.parquet` under a final name;
//! and the targets it refuses.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::*;

use calls::sandbox::Options;
use calls::vendors::Vendor;
use parquet::basic::{LogicalType, Type as Physical};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field as Value;
use serde_json::{json, Value as Json};

/// A file's rows as JSON, the way `-o json` writes them (`cost_text` folded back into `cost`),
/// checking each column's Parquet type on the way; and its row group count.
fn read(path: &Path) -> (Vec<Json>, usize) {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    for col in schema.columns() {
        let (physical, logical) = (col.physical_type(), col.logical_type_ref().cloned());
        match col.name() {
            "started_at" | "ended_at" => {
                assert_eq!(physical, Physical::INT64);
                assert_eq!(
                    logical,
                    Some(LogicalType::timestamp(
                        true,
                        parquet::basic::TimeUnit::MICROS
                    ))
                );
            }
            "duration" | "talk_time" => {
                assert_eq!((physical, logical), (Physical::INT64, None))
            }
            "cost" => {
                assert_eq!(physical, Physical::FIXED_LEN_BYTE_ARRAY);
                assert_eq!(logical, Some(LogicalType::decimal(9, 38)));
            }
            _ => assert_eq!(
                (physical, logical),
                (Physical::BYTE_ARRAY, Some(LogicalType::String)),
                "{}",
                col.name()
            ),
        }
    }
    let groups = reader.metadata().num_row_groups();
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            let mut obj = serde_json::Map::new();
            let mut cost_text = None;
            for (name, value) in row.unwrap().get_column_iter() {
                let v = match value {
                    Value::Null => Json::Null,
                    Value::Str(s) if name == "raw" => serde_json::from_str(s).unwrap(),
                    Value::Str(s) => json!(s),
                    Value::Long(n) => json!(n),
                    Value::TimestampMicros(us) => {
                        let t = chrono::DateTime::from_timestamp_micros(*us).unwrap();
                        json!(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    }
                    Value::Decimal(d) => {
                        json!(plain(i128::from_be_bytes(d.data().try_into().unwrap()), 9))
                    }
                    other => panic!("{name}: an unexpected value {other:?}"),
                };
                if name == "cost_text" {
                    cost_text = Some(v);
                } else {
                    obj.insert(name.clone(), v);
                }
            }
            if let Some(Json::String(t)) = cost_text {
                assert_eq!(obj["cost"], Json::Null, "cost and cost_text both set");
                obj.insert("cost".into(), json!(t));
            }
            Json::Object(obj)
        })
        .collect();
    (rows, groups)
}

/// An unscaled decimal as the shortest plain text (`50000000`, 9 -> `0.05`).
fn plain(unscaled: i128, scale: u32) -> String {
    let sign = if unscaled < 0 { "-" } else { "" };
    let digits = format!(
        "{:0>width$}",
        unscaled.unsigned_abs(),
        width = scale as usize + 1
    );
    let (int, frac) = digits.split_at(digits.len() - scale as usize);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// `-o json`'s rows, with each cost as the shortest plain text of the same number.
fn json_rows(stdout: &str) -> Vec<Json> {
    let mut rows: Vec<Json> = serde_json::from_str(stdout).unwrap();
    for row in &mut rows {
        if let Some(Json::String(cost)) = row.get("cost").cloned() {
            if let Some((int, frac)) = cost.split_once('.') {
                let frac = frac.trim_end_matches('0');
                let int = match int.trim_start_matches('0') {
                    "" => "0",
                    i => i,
                };
                row["cost"] = json!(if frac.is_empty() {
                    int.to_string()
                } else {
                    format!("{int}.{frac}")
                });
            }
        }
    }
    rows
}

fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .collect();
    files.sort();
    files
}

/// Every vendor, every field (with `--raw`), in row groups of 64 rows: the same calls, values
/// and nulls as `-o json`, in the same order.
#[test]
fn every_field_reads_back_as_json_gives_it_on_every_vendor() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in Vendor::ALL {
        let window = ["--from", FROM, "--to", TO, "--raw"];
        let r = run(home
            .cmd()
            .args(["-p", vendor.id(), "export", "-o", "json", "-q"])
            .args(window));
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{vendor}");
        let want = json_rows(&r.stdout);
        assert!(want.len() > 100, "{vendor}: {}", want.len());
        let r = run(home
            .cmd()
            .env("CALLS_TEST_PARQUET_ROWS", "64")
            .args([
                "-p",
                vendor.id(),
                "export",
                "--output",
                "calls.parquet",
                "-q",
            ])
            .args(window));
        assert_eq!(
            (r.code, r.stderr.as_str(), r.stdout.as_str()),
            (0, "", ""),
            "{vendor}"
        );
        let (got, groups) = read(&home.path("calls.parquet"));
        assert_eq!(groups, want.len().div_ceil(64), "{vendor}: row groups");
        assert_eq!(got.len(), want.len(), "{vendor}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{vendor}");
        }
        // Nulls are there to be compared: some field of some call is null.
        assert!(
            want.iter()
                .any(|r| r.as_object().unwrap().values().any(Json::is_null)),
            "{vendor}: no null among the calls"
        );
    }
}

/// `--fields` picks and orders the columns (`cost` brings `cost_text`), without `raw`.
#[test]
fn fields_pick_and_order_the_columns() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let fields = "status,cost,id,started_at,duration";
    let r = run(home.cmd().args([
        "export", "--from", FROM, "--to", TO, "-o", "parquet", "--output", "x.out", "--fields",
        fields, "-q",
    ]));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let reader =
        SerializedFileReader::new(std::fs::File::open(home.path("x.out")).unwrap()).unwrap();
    let names: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "status",
            "cost",
            "cost_text",
            "id",
            "started_at",
            "duration"
        ]
    );
    let r = run(home.cmd().args([
        "export", "--from", FROM, "--to", TO, "-o", "json", "--fields", fields, "-q",
    ]));
    assert_eq!(read(&home.path("x.out")).0, json_rows(&r.stdout));
}

/// The cron job: one new file per run in the folder, together each call of all runs exactly
/// once; a run with nothing new adds no file; earlier files are never rewritten.
#[test]
fn a_folder_gets_one_new_file_per_run_and_none_when_nothing_is_new() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    std::fs::create_dir(home.path("calls")).unwrap();
    for vendor in Vendor::ALL {
        let dir = home.path(&format!("calls/{}", vendor.id()));
        std::fs::create_dir(&dir).unwrap();
        let out = format!("calls/{}/", vendor.id());
        let job = [
            "export",
            "--since-last",
            "--from",
            FROM,
            "-o",
            "parquet",
            "--output",
            &out,
        ];
        let r = run(home.cmd().args(["-p", vendor.id()]).args(job));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        let first = parquet_files(&dir);
        assert_eq!(first.len(), 1, "{vendor}");
        assert!(
            r.stderr
                .contains(&first[0].file_name().unwrap().to_string_lossy().to_string()),
            "{vendor}: the summary names the file: {}",
            r.stderr
        );
        let first_bytes = std::fs::read(&first[0]).unwrap();

        let newest = sb.world(vendor).calls.last().unwrap().started_at;
        sb.add_calls(
            vendor,
            12,
            at("2025-06-01T00:00:00Z"),
            at("2025-06-01T08:00:00Z"),
        );
        sb.add_calls(vendor, 3, newest - chrono::Duration::minutes(8), newest);
        let r = run(home.cmd().args(["-p", vendor.id()]).args(job));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        let second = parquet_files(&dir);
        assert_eq!(second.len(), 2, "{vendor}");
        assert_eq!(
            std::fs::read(&first[0]).unwrap(),
            first_bytes,
            "{vendor}: rewritten"
        );

        let ids: Vec<String> = second
            .iter()
            .flat_map(|f| read(f).0)
            .map(|row| row["id"].as_str().unwrap().to_string())
            .collect();
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{vendor}: a call in two files");
        let want: HashSet<String> = sb
            .expected(
                vendor,
                at("2025-03-01T00:00:00Z"),
                at("2026-01-01T00:00:00Z"),
            )
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            unique.into_iter().cloned().collect::<HashSet<_>>(),
            want,
            "{vendor}"
        );

        let r = run(home.cmd().args(["-p", vendor.id()]).args(job));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        assert!(r.stderr.contains("no file added"), "{vendor}: {}", r.stderr);
        let third: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(third.len(), 2, "{vendor}: {third:?}");
    }
}

/// `kill -9` while the file is being written (its row groups growing in the temporary file):
/// no `.parquet` under a final name, no state advanced; the next run removes the leftover and
/// writes every call once.
#[cfg(unix)]
#[test]
fn a_run_killed_mid_write_leaves_no_parquet_file() {
    let sb = sandbox(Options {
        calls: 3000,
        latency: Duration::from_millis(2),
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    home.write_config(&sb.config_toml().replace(
        "vendor = \"famulor\"\n",
        "vendor = \"famulor\"\npage_size = 100\n",
    ));
    let dir = home.path("calls");
    std::fs::create_dir(&dir).unwrap();
    let job = [
        "export",
        "--since-last",
        "--from",
        FROM,
        "--output",
        "calls/",
        "-o",
        "parquet",
        "-q",
    ];
    let temp_size = || -> u64 {
        std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .map(|e| e.metadata().map_or(0, |m| m.len()))
            .sum()
    };
    let mut child = home
        .calls_std()
        .env("CALLS_TEST_PARQUET_ROWS", "100")
        .args(job)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Several row groups are in the temporary file: the kill lands mid-write.
    wait_for("row groups written", || temp_size() > 20_000);
    home.signal(&child, "-KILL");
    child.wait().unwrap();
    assert!(parquet_files(&dir).is_empty(), "a .parquet after the kill");

    let r = run_bounded(home.cmd().args(job));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "the killed run's temporary file is gone: {names:?}"
    );
    let files = parquet_files(&dir);
    let ids: HashSet<String> = read(&files[0])
        .0
        .into_iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3000);
}

/// Where Parquet cannot go: exit 2, with a hint, before any request.
#[test]
fn parquet_is_refused_where_it_cannot_go() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    std::fs::write(home.path("old.parquet"), b"old").unwrap();
    for (args, words) in [
        (vec!["export", "-o", "parquet"], "never stdout"),
        (
            vec!["export", "-o", "parquet", "--output", "-"],
            "never stdout",
        ),
        (
            vec!["list", "-o", "parquet", "--output", "x.parquet"],
            "works with export",
        ),
        (
            vec!["export", "--append", "--output", "old.parquet"],
            "--since-last --output DIR/",
        ),
        (
            vec!["export", "--output", "missing/", "-o", "parquet"],
            "mkdir -p",
        ),
        (vec!["stats", "-o", "parquet"], "for calls"),
        (
            vec!["show", "1", "-o", "parquet", "--output", "x.parquet"],
            "for export",
        ),
        (vec!["vendors", "-o", "parquet"], "for calls"),
        (
            vec![
                "export",
                "-o",
                "parquet",
                "--output",
                "x.parquet",
                "--no-header",
            ],
            "--no-header",
        ),
    ] {
        let before = sb.requests().len();
        let r = run(home.cmd().args(&args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(words), "{args:?}: {}", r.stderr);
        assert_eq!(sb.requests().len(), before, "{args:?}: a request was sent");
    }
    assert_eq!(std::fs::read(home.path("old.parquet")).unwrap(), b"old");
    assert!(!home.path("x.parquet").exists());
}
