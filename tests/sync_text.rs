//! Text the databases refuse, generated: NUL, controls and lone UTF-16 surrogates (a cut emoji)
//! in names and a transcript, and costs as JSON numbers, served by a hostile Famulor. Export
//! reads every call (lone surrogates as U+FFFD, NUL kept); SQLite stores each with NUL as
//! U+FFFD too, `-v` names each call so stored, and a second sync finds nothing changed.

mod common;

use std::collections::BTreeMap;

use common::text::{self, Record};
use common::{run_bounded as run, Home, FROM, TO};
use proptest::prelude::*;
use rusqlite::Connection;
use serde_json::Value;

/// Export's calls by id.
fn exported(home: &Home) -> BTreeMap<String, Value> {
    let r = run(home.cmd().args([
        "-p", "t", "export", "-o", "ndjson", "--raw", "--from", FROM, "--to", TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

/// The stored agent, campaign, transcript line and cost of each call, by id.
fn stored(db: &std::path::Path) -> BTreeMap<String, [Option<String>; 4]> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, agent, campaign, raw, cost FROM calls WHERE profile = 't'")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            let raw: String = r.get(3)?;
            let raw: Value = serde_json::from_str(&raw).expect("raw is JSON");
            let said = raw["transcript"][0]["text"].as_str().map(str::to_string);
            Ok((r.get(0)?, [r.get(1)?, r.get(2)?, said, r.get(4)?]))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn check(records: &[Record]) -> Result<(), TestCaseError> {
    let api = text::serve(records);
    let home = Home::new();
    home.write_config(&text::config(&api));
    let out = exported(&home);
    prop_assert_eq!(out.len(), records.len());
    for r in records {
        let c = &out[&r.id];
        let got = [
            c["agent"].as_str(),
            c["campaign"].as_str(),
            c["raw"]["transcript"][0]["text"].as_str(),
            c["cost"].as_str(),
        ]
        .map(|t| t.map(str::to_string));
        let want = [
            text::read(&r.agent),
            text::read(&r.campaign),
            text::read(&r.said),
            r.cost.clone(),
        ]
        .map(Some);
        prop_assert_eq!(got, want, "{}", r.id);
    }
    let sync = || {
        run(home.cmd().args([
            "-v", "-p", "t", "sync", "t.db", "--from", FROM, "--to", TO, "--full",
        ]))
    };
    let r = sync();
    prop_assert_eq!(r.code, 0, "{}", r.stderr);
    let n = records.len();
    prop_assert!(
        r.stderr
            .contains(&format!("t: {n} new, 0 changed, 0 gone, 0 unchanged")),
        "{}",
        r.stderr
    );
    for rec in records {
        let named = r
            .stderr
            .contains(&format!("t: call {}: text the database", rec.id));
        prop_assert_eq!(named, rec.mended(), "-v names {}: {}", rec.id, r.stderr);
    }
    let rows = stored(&home.path("t.db"));
    prop_assert_eq!(rows.len(), n);
    for rec in records {
        let want = [
            Some(text::stored(&rec.agent)),
            Some(text::stored(&rec.campaign)),
            Some(text::stored(&rec.said)),
            Some(rec.cost.clone()),
        ];
        prop_assert_eq!(&rows[&rec.id], &want, "{}", rec.id);
    }
    let r = sync();
    prop_assert_eq!(r.code, 0, "{}", r.stderr);
    prop_assert!(
        r.stderr
            .contains(&format!("t: 0 new, 0 changed, 0 gone, {n} unchanged")),
        "{}",
        r.stderr
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, failure_persistence: None, ..ProptestConfig::default() })]

    /// Generated text through export and SQLite (30 calls at most a case, each binary run
    /// three times).
    #[test]
    fn generated_text_is_read_and_stored_alike_and_nothing_is_lost(records in text::records(30)) {
        check(&records)?;
    }
}

/// The cases the issue names, always: a NUL in a name, `\u0000` in a transcript, a cut emoji.
#[test]
fn a_nul_and_a_cut_emoji_are_stored_replaced() {
    let r = |id: &str, agent: &str, said: &str| Record {
        id: id.into(),
        agent: agent.into(),
        campaign: "c".into(),
        said: said.into(),
        cost: "1e-07".into(),
    };
    check(&[
        r("1", "An\0na", "hi"),
        r("2", "Bo", "a\0b"),
        r("3", "Cy", "cut \u{e000}"),
        r("4", "Di", "whole \u{e000}\u{e001}"),
        r("5", "Ed", "-0.0"),
    ])
    .unwrap();
}
