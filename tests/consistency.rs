//! Consistency between commands (issue 20 §5): `stats` speaks like `list` / `export` (help
//! examples, `--output`, `--fields`, `--no-header`, `no calls match`, every column in a pipe),
//! `--limit` is offered only where it means something, `sync --help` names both databases, and
//! every count in a message agrees with its noun.

mod common;

use common::*;

use calls::vendors::Vendor;

const WINDOW: [&str; 4] = ["--from", "2025-05-22", "--to", "2025-05-31"];

fn help(home: &Home, command: &str) -> String {
    let r = run(home.cmd().args([command, "--help"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn help_offers_limit_only_where_it_means_something_and_names_both_databases() {
    let home = Home::new();
    let stats = help(&home, "stats");
    assert!(
        stats.ends_with(
            "Examples:\n  calls stats --from 7d                        one total row: calls, answer rate, talk time\n  calls stats --by agent                       calls per agent, as a chart\n  calls stats --by day --status missed         missed calls per day\n  calls stats --by agent --by day -o csv --output agents.csv\n"
        ),
        "{stats}"
    );
    for flag in ["--output <FILE>", "--fields <A,B,C>", "--no-header"] {
        assert!(stats.contains(flag), "stats --help lacks {flag}");
    }
    let sync = help(&home, "sync");
    for text in [&stats, &sync] {
        assert!(!text.contains("--limit"), "{text}");
    }
    assert!(help(&home, "list").contains("--limit <N>"));
    assert!(sync.starts_with(
        "Keep a database (SQLite or PostgreSQL) up to date: new calls inserted, changed calls updated\n"
    ));
    assert!(
        sync.contains("postgres://USER@HOST/DB"),
        "sync --help names PostgreSQL DESTs: {sync}"
    );

    let r = run(home.cmd().args(["--sandbox", "stats", "--limit", "5"]));
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: stats counts every call of the window: --limit does not apply\n  hint: narrow the window with --from / --to, or the calls with a filter\n"
    );
}

fn stats(home: &Home, args: &[&str]) -> Run {
    run(home
        .cmd()
        .args(["-p", "callcap", "stats", "--tz", "UTC"])
        .args(WINDOW)
        .args(args))
}

/// `-o table` in a pipe keeps every column (as `list`); on a terminal with nothing to count,
/// `no calls match` on stderr and no bare header.
#[test]
fn stats_tables_in_a_pipe_keep_every_column_and_say_when_nothing_matches() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let piped = stats(&home, &["--by", "day", "-o", "table"]);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert!(piped.stdout.starts_with(
        " DAY         CALLS  ANSWERED  MISSED  RATE  TALK  AVG TALK  AVG DUR  MAX DUR  █ answered  ▓ missed  ░ other\n"
    ), "{}", piped.stdout);
    assert!(!piped.stderr.contains("left out"), "{}", piped.stderr);
    // The busiest day's bar is the chart's whole width.
    assert!(
        piped.stdout.lines().any(|l| l.ends_with(&format!(
            "  {}",
            "█".repeat(l.matches('█').count())
                + &"▓".repeat(l.matches('▓').count())
                + &"░".repeat(l.matches('░').count())
        )) && l.chars().filter(|c| "█▓░".contains(*c)).count() == 40),
        "{}",
        piped.stdout
    );

    for args in [
        &["--agent", "Nobody At All"][..],
        &["--status", "canceled"][..],
    ] {
        let mut cmd = home.cmd();
        cmd.args(["-p", "callcap", "stats"])
            .args(WINDOW)
            .args(args)
            .env("CALLS_ASSUME_TTY", "1")
            .env("COLUMNS", "80");
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
        assert!(r.stderr.contains("no calls match\n"), "{}", r.stderr);
    }
}

/// `stats --output FILE` (format from the extension, written whole), `--fields` (any case,
/// did-you-mean) and `--no-header`, as `export` has them.
#[test]
fn stats_takes_output_fields_and_no_header() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let all = stats(&home, &["--by", "agent", "-o", "csv"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let picked = stats(
        &home,
        &[
            "--by",
            "agent",
            "-o",
            "csv",
            "--fields",
            "Agent,CALLS,answer_rate",
        ],
    );
    assert_eq!(picked.code, 0, "{}", picked.stderr);
    // The same rows, the picked columns only, in the order given.
    let want: String = all
        .stdout
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{},{},{}\n", cells[0], cells[1], cells[10])
        })
        .collect();
    assert_eq!(picked.stdout, want);
    assert!(want.starts_with("agent,calls,answer_rate\n"));

    let bare = stats(
        &home,
        &[
            "--by",
            "agent",
            "-o",
            "tsv",
            "--fields",
            "agent,calls",
            "--no-header",
        ],
    );
    assert_eq!(bare.code, 0, "{}", bare.stderr);
    assert_eq!(
        bare.stdout,
        want.lines()
            .skip(1)
            .map(|l| format!("{}\n", l.rsplit_once(',').unwrap().0.replace(',', "\t")))
            .collect::<String>()
    );

    let nd = stats(&home, &["--by", "agent", "--fields", "calls,agent"]);
    let first = nd.stdout.lines().next().unwrap();
    assert!(first.starts_with("{\"calls\":"), "{first}");
    let first: serde_json::Value = serde_json::from_str(first).unwrap();
    let mut keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["agent", "calls"]);

    let r = stats(&home, &["--fields", "calls,answr_rate"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "error: --fields: unknown field 'answr_rate' (did you mean answer_rate?) (fields: calls, answered,"
        ),
        "{}",
        r.stderr
    );
    let r = stats(&home, &["--no-header"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: --no-header works with -o csv and -o tsv\n"
    );

    let r = stats(&home, &["--by", "agent", "--output", "agents.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        std::fs::read_to_string(home.path("agents.csv")).unwrap(),
        all.stdout
    );
    let r = stats(&home, &["--output", "agents.txt"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!home.path("agents.txt").exists());
}

/// One duration form in every table: `list`'s DURATION and `stats`' AVG DUR / MAX DUR are
/// both `m:ss` (`h:mm:ss` past the hour), never `4m 07s`.
#[test]
fn list_and_stats_print_durations_alike() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let tty = |args: &[&str]| {
        let mut cmd = home.cmd();
        cmd.args(["-p", "callcap", "--tz", "UTC"])
            .args(args)
            .args(WINDOW)
            .env("CALLS_ASSUME_TTY", "1")
            .env("COLUMNS", "200");
        run(&mut cmd).stdout
    };
    let clock = regex_lite(r"^\d+:\d\d(:\d\d)?$");
    let list = tty(&["list", "--fields", "id,duration"]);
    let stats = tty(&["stats", "--by", "day"]);
    let mut seen = 0;
    for line in list.lines().skip(2) {
        let d = line.split_whitespace().nth(1).unwrap();
        assert!(clock(d), "{d:?} in {list}");
        seen += 1;
    }
    for line in stats.lines().skip(1) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        for d in &cells[7..9] {
            assert!(*d == "-" || clock(d), "{d:?} in {line}");
            seen += 1;
        }
    }
    assert!(seen > 20);
    assert!(!stats.contains("m ") && !list.contains("m "), "{stats}");
}

/// `^\d+:\d\d(:\d\d)?$` without a regex crate: digits, then one or two `:dd` groups.
fn regex_lite(_: &str) -> impl Fn(&str) -> bool {
    |s: &str| {
        let mut parts = s.split(':');
        let head = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        !head.is_empty()
            && head.bytes().all(|b| b.is_ascii_digit())
            && (1..=2).contains(&rest.len())
            && rest
                .iter()
                .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// Every count a message prints agrees with its noun: `1 request`, `1 attempt`, `1 page`,
/// `1 already exported was skipped`, and the plural for any other number.
#[test]
fn counts_agree_with_their_nouns() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let ids: Vec<String> = truth(&sb, Vendor::Mycrm)
        .into_iter()
        .take(2)
        .map(|c| c.id)
        .collect();
    let r = run(home
        .cmd()
        .args(["-p", "mycrm", "delete", &ids[0], "--dry-run"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .next()
            .unwrap()
            .ends_with(" with 1 request:"),
        "{}",
        r.stdout
    );
    // A page's worth of ids in one request still says `1 request`; more say `requests`.
    let r = run(home
        .cmd()
        .args(["-p", "famulor", "delete", "189954", "189953", "--dry-run"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .next()
            .unwrap()
            .ends_with(" with 2 requests:"),
        "{}",
        r.stdout
    );

    let failing = sandbox(calls::sandbox::Options {
        fail_rate: 1.0,
        ..options()
    });
    let home = Home::with_sandbox(&failing);
    for (retries, want) in [
        ("0", "(gave up after 1 attempt)"),
        ("1", "(gave up after 2 attempts)"),
    ] {
        let r = run(home
            .cmd()
            .args(["export", "--retries", retries])
            .args(WINDOW));
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains(want), "{retries}: {}", r.stderr);
    }

    // `-v` says how many pages the calls arrived in.
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for (profile, window, want) in [
        ("callcap", WINDOW, " in 1 page"),
        ("famulor", ["--from", FROM, "--to", TO], " pages"),
    ] {
        let r = run(home
            .cmd()
            .args(["-p", profile, "-v", "export"])
            .args(window));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let line = r
            .stderr
            .lines()
            .find(|l| l.contains(" arrived in "))
            .unwrap_or_else(|| panic!("{}", r.stderr));
        assert!(line.contains(want), "{line}");
        assert!(!line.contains(" 1 pages"), "{line}");
    }
}
