//! What a new user meets first: help, messages, colour, completions, the man page, `list`'s
//! footer, TSV and `--no-header`, and the config's profiles (issue 11, items 13–19).

mod common;

use common::*;

use calls::vendors::Vendor;

fn window(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.args(["--from", FROM, "--to", TO])
}

/// The headings of a help text, in order (`Options:`, `Filters:`, ...).
fn headings(help: &str) -> Vec<&str> {
    help.lines()
        .filter(|l| {
            l.ends_with(':')
                && l.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && !l.starts_with("Usage")
        })
        .collect()
}

/// The long options listed under `heading` in a help text.
fn options_under<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter_map(|l| l.trim_start().split("--").nth(1))
        .map(|rest| rest.split([' ', ',', '[', '.']).next().unwrap_or(rest))
        .filter(|name| !name.is_empty())
        .collect()
}

// ---- 13: help ------------------------------------------------------------------------------

#[test]
fn own_options_come_first_and_the_globals_last_under_their_heading() {
    let home = Home::new();
    let help = |args: &[&str]| {
        let r = run(home.cmd().args(args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r.stdout
    };
    let export = help(&["export", "--help"]);
    assert_eq!(
        headings(&export),
        [
            "Options:",
            "Filters:",
            "Output:",
            "Incremental (cron):",
            "Follow:",
            "Global options:",
            "Examples:"
        ]
    );
    let globals = [
        "profile",
        "vendor",
        "config",
        "base-url",
        "token-url",
        "sandbox",
        "tz",
        "verbose",
        "quiet",
        "no-progress",
        "timeout",
        "retries",
        "concurrency",
        "rate",
        "color",
    ];
    assert_eq!(options_under(&export, "Global options:"), globals);
    assert_eq!(options_under(&export, "Options:"), ["help"]);
    assert_eq!(
        headings(&help(&["list", "-h"])),
        ["Options:", "Filters:", "Output:", "Global options:"]
    );

    let delete = help(&["delete", "--help"]);
    assert_eq!(
        headings(&delete),
        [
            "Arguments:",
            "Options:",
            "Filters:",
            "Global options:",
            "Examples:"
        ]
    );
    assert_eq!(
        options_under(&delete, "Options:"),
        ["dry-run", "yes", "help"]
    );
    assert!(!options_under(&delete, "Filters:").contains(&"dry-run"));

    let assign = help(&["assign", "--help"]);
    assert_eq!(
        options_under(&assign, "Options:"),
        ["user", "property", "lead", "seen", "dry-run", "help"]
    );
    assert_eq!(options_under(&assign, "Global options:"), globals);
    let sandbox = help(&["sandbox", "--help"]);
    let own = options_under(&sandbox, "Options:");
    assert_eq!(own.first(), Some(&"port"));
    assert!(
        !own.contains(&"profile") && !own.contains(&"timeout"),
        "{own:?}"
    );
    assert_eq!(options_under(&sandbox, "Global options:"), globals);
    // The top level lists the globals under the same heading.
    assert_eq!(
        options_under(&help(&["--help"]), "Global options:"),
        globals
    );
}

#[test]
fn long_help_ends_with_real_recipes_and_from_names_every_form() {
    let home = Home::new();
    let r = run(home.cmd().args(["help", "export"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let examples: Vec<&str> = r
        .stdout
        .split("\nExamples:\n")
        .nth(1)
        .expect("examples")
        .lines()
        .filter(|l| l.starts_with("  calls "))
        .collect();
    assert_eq!(
        examples,
        [
            "  calls export --from 2025-01-01 --to 2025-03-31 --output q1.csv",
            "  calls export --from last-week --status missed --output missed.csv",
            "  calls export --from 7d -o ndjson | jq -r 'select(.status == \"missed\") | .customer_number'",
            "  calls -p sales export --since-last --append --output /data/calls.csv",
            "  calls export --follow --status missed",
        ]
    );
    // Each recipe parses as written (up to a pipe).
    for recipe in &examples {
        let words: Vec<&str> = recipe
            .split('|')
            .next()
            .unwrap()
            .split_whitespace()
            .skip(1)
            .chain(["--help"])
            .collect();
        let r = run(home.cmd().args(&words));
        assert_eq!(r.code, 0, "{recipe}: {}", r.stderr);
    }
    for command in [
        "list",
        "sync",
        "show",
        "recording",
        "assign",
        "delete",
        "vendors",
        "config",
        "completions",
        "sandbox",
    ] {
        let r = run(home.cmd().args(["help", command]));
        assert!(
            r.stdout.contains("\nExamples:\n  calls "),
            "{command}: {}",
            r.stdout
        );
    }
    // The short help stays short.
    let short = run(home.cmd().args(["export", "-h"]));
    assert!(!short.stdout.contains("Examples:"), "{}", short.stdout);

    let from = run(home.cmd().args(["list", "--help"])).stdout;
    let from: String = from
        .split("--from <WHEN>")
        .nth(1)
        .unwrap()
        .split("--to <WHEN>")
        .next()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for form in [
        "YYYY-MM-DD,",
        "YYYY-MM-DD HH:MM[:SS]",
        "RFC 3339",
        "now,",
        "today,",
        "yesterday,",
        "30m, 12h, 7d, 2w, 3mo, 1y ago",
        "this-week, last-week, this-month, last-month, this-year, last-year",
        "weeks start on Monday",
        "Read in --tz, else the profile's timezone, else the local zone",
    ] {
        assert!(from.contains(form), "{form}: {from}");
    }
    // --tz, --rate and the example config say what the tool does (issue 20 §2).
    let global = run(home.cmd().args(["list", "--help"])).stdout;
    let global = global.split_whitespace().collect::<Vec<_>>().join(" ");
    for said in [
        "--tz <ZONE> IANA zone for reading dates and printing times [default: reading dates and tables: the profile's timezone, else the local zone; csv, tsv, json, ndjson: UTC]",
        "--rate <N> At most N requests per second to the vendor API [default: the profile's, else the vendor's documented limit on its own host (famulor: 100 a minute), else none]",
    ] {
        assert!(global.contains(said), "{said}: {global}");
    }
    let example = calls::config::EXAMPLE
        .split_whitespace()
        .filter(|w| *w != "#")
        .collect::<Vec<_>>()
        .join(" ");
    for said in [
        "timezone IANA zone for reading --from/--to and for tables (default: the local zone); csv, tsv, json and ndjson print times in --tz alone, else UTC",
        "rate at most this many requests per second (default: the vendor's documented limit on its own host, famulor 100 a minute; else no limit)",
        "country ISO 3166 code national phone numbers are read in",
    ] {
        assert!(example.contains(said), "{said}");
    }
}

// ---- 14: messages --------------------------------------------------------------------------

#[test]
fn durations_take_seconds_or_units_and_say_seconds_otherwise() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let ids = |min: &str| {
        let r = run(window(home.cmd().args([
            "export",
            "-o",
            "csv",
            "--fields",
            "id,duration",
            "--min-duration",
            min,
            "--max-duration",
            "2m",
        ])));
        assert_eq!(r.code, 0, "{min}: {}", r.stderr);
        r.stdout
    };
    let want: String = std::iter::once("id,duration\n".to_string())
        .chain(
            truth(&sb, Vendor::Famulor)
                .iter()
                .filter(|c| c.duration.is_some_and(|d| (90..=120).contains(&d)))
                .map(|c| format!("{},{}\n", c.id, c.duration.unwrap())),
        )
        .collect();
    assert!(want.lines().count() > 2, "{want}");
    assert_eq!(ids("90"), want);
    assert_eq!(ids("1m30s"), want);
    assert_eq!(ids("90s"), want);
    for flag in ["--min-duration", "--max-duration"] {
        let r = run(home.cmd().args(["list", flag, "1.5m"]));
        assert_eq!(r.code, 2);
        assert!(
            r.stderr.contains(&format!(
                "invalid value '1.5m' for '{flag} <SECS>': cannot read '1.5m' as a length of call: give seconds (90), or 2m, 1m30s, 1h"
            )),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn a_file_name_after_o_suggests_output_and_unknown_fields_are_all_named() {
    let home = Home::new();
    let r = run(home.cmd().args(["--sandbox", "list", "-o", "calls.csv"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: invalid value 'calls.csv' for '--format <FORMAT>'"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("tip: did you mean --output calls.csv?"),
        "{}",
        r.stderr
    );
    let r = run(home.cmd().args(["vendors", "-o", "out/v.json"]));
    assert!(
        r.stderr.contains("tip: did you mean --output out/v.json?"),
        "{}",
        r.stderr
    );

    let r = run(home
        .cmd()
        .args(["--sandbox", "list", "--fields", "id,foo,stauts,agnet"]));
    assert_eq!(r.code, 2);
    let first = r.stderr.lines().next().unwrap();
    assert!(
        first.starts_with(
            "error: --fields: unknown fields 'foo', 'stauts' (did you mean status?), 'agnet' (did you mean agent?) (fields: vendor, id,"
        ),
        "{first}"
    );
}

#[test]
fn config_messages_suggest_the_key_and_say_no_profiles() {
    let home = Home::new();
    let path = home.write_config("[profiles.a]\nvendor = \"famulor\"\ntoekn_env = \"X\"\n");
    let r = run(home.cmd().args(["list"]));
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.lines().next().unwrap(),
        format!(
            "error: {} line 3: unknown key `toekn_env` (did you mean token_env?)",
            path.display()
        )
    );
    assert!(!r.stderr.contains("expected one of"), "{}", r.stderr);

    home.write_config("");
    let r = run(home.cmd().args(["list"]));
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.lines().next().unwrap(),
        format!("error: {} has no profiles", path.display())
    );
    assert!(!r.stderr.contains("default_profile"), "{}", r.stderr);
}

#[test]
fn a_port_in_use_gets_a_hint() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let home = Home::new();
    let r = run(home.cmd().args(["sandbox", "--port", &port]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with(&format!("error: cannot listen on 127.0.0.1:{port}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "hint: another program (perhaps another `calls sandbox`) uses port {port}: pass --port N for another, or --port 0 for any free one"
        )),
        "{}",
        r.stderr
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_that_cannot_be_created_is_named_not_its_temporary_file() {
    let home = Home::new();
    let r = run(home
        .cmd()
        .args(["--sandbox", "list", "--output", "/proc/x.csv"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let first = r.stderr.lines().next().unwrap();
    assert!(
        first.starts_with("error: cannot write /proc/x.csv: cannot create a file in /proc: "),
        "{first}"
    );
    assert!(!r.stderr.contains(".tmp"), "{}", r.stderr);
}

// ---- 15: colour ----------------------------------------------------------------------------

/// Our own colour sequences removed.
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('m').unwrap();
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn colour_on_a_terminal_only() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let list = |color: Option<&str>, no_color: bool, tty: bool, extra: &[&str]| {
        let mut cmd = home.cmd();
        window(
            cmd.args(["list", "--limit", "6", "--tz", "UTC"])
                .args(extra),
        )
        .env("CALLS_ASSUME_TTY", if tty { "1" } else { "0" })
        .env("COLUMNS", "120");
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        if let Some(c) = color {
            cmd.args(["--color", c]);
        }
        run(&mut cmd)
    };
    let colored = list(None, false, true, &[]);
    assert_eq!(colored.code, 0, "{}", colored.stderr);
    let uncolored = list(None, true, true, &[]);
    assert!(!uncolored.stdout.contains('\u{1b}'));
    assert_eq!(plain(&colored.stdout), uncolored.stdout);
    // Below the line naming the zone of the times.
    assert_eq!(colored.stdout.lines().next(), Some("times in UTC"));
    let header = colored.stdout.lines().nth(1).unwrap();
    assert!(
        header.starts_with(" \u{1b}[1mID\u{1b}[0m") && header.contains("\u{1b}[1mSTATUS\u{1b}[0m"),
        "{header:?}"
    );
    let calls = &truth(&sb, Vendor::Famulor)[..6];
    for (line, call) in colored.stdout.lines().skip(2).zip(calls) {
        let status = call.status.as_str();
        let want = match status {
            "missed" => format!("\u{1b}[31m{status}\u{1b}[0m"),
            "answered" => format!("\u{1b}[32m{status}\u{1b}[0m"),
            _ => format!("  {status}  "),
        };
        assert!(line.contains(&want), "{status}: {line:?}");
    }
    assert!(
        calls.iter().any(|c| c.status.as_str() == "answered"),
        "the sample has an answered call"
    );
    assert_eq!(
        list(Some("never"), false, true, &[]).stdout,
        uncolored.stdout
    );
    // Piped, or a machine format: never, whatever --color says for the table.
    assert!(!list(None, false, false, &["-o", "table"])
        .stdout
        .contains('\u{1b}'));
    for format in ["csv", "json", "ndjson", "tsv"] {
        let r = list(Some("always"), false, true, &["-o", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stdout.contains('\u{1b}'), "{format}: {}", r.stdout);
    }
    assert!(list(Some("always"), true, false, &["-o", "table"])
        .stdout
        .contains("\u{1b}[1mID"));

    // error: in colour on a terminal's stderr; not when NO_COLOR is set or stderr is a pipe.
    let bad = |no_color: bool, tty: &str| {
        let mut cmd = home.cmd();
        cmd.args(["--sandbox", "list", "--status", "happy"])
            .env("CALLS_ASSUME_TTY", tty);
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        run(&mut cmd).stderr
    };
    assert!(
        bad(false, "1").starts_with("\u{1b}[1;31merror:\u{1b}[0m --status: "),
        "{:?}",
        bad(false, "1")
    );
    assert!(bad(true, "1").starts_with("error: --status: "));
    assert!(bad(false, "0").starts_with("error: --status: "));
}

// ---- 16: man page and version ------------------------------------------------------------

#[test]
fn version_names_the_commit_when_built_from_git() {
    let home = Home::new();
    let version = env!("CARGO_PKG_VERSION");
    let short = run(home.cmd().arg("-V"));
    assert_eq!(short.stdout, format!("calls {version}\n"));
    let long = run(home.cmd().arg("--version")).stdout;
    let rest = long
        .strip_prefix(&format!("calls {version}"))
        .unwrap_or_else(|| panic!("{long}"));
    let git = std::process::Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "log",
            "-1",
            "--format=%h %cs",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8(o.stdout).unwrap().trim().to_string());
    match git {
        // (A commit made since the build is picked up by the next build: build.rs reruns.)
        Some(commit) => assert_eq!(rest, format!(" ({commit})\n")),
        None => assert_eq!(rest, "\n"),
    }
}

// ---- 17: completions -----------------------------------------------------------------------

#[test]
fn completions_offer_values_and_the_configs_profiles() {
    let home = Home::new();
    let bash = run(home.cmd().args(["completions", "bash"])).stdout;
    // The `--status` case of the `list` command offers the statuses, `--direction` the
    // directions, `--fields` the fields; `-p` asks calls for the profiles.
    let case = |flag: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut lines = bash.lines();
        while let Some(l) = lines.next() {
            if l.trim() == format!("{flag})") {
                out.push(lines.next().unwrap().trim().to_string());
            }
        }
        out
    };
    let statuses = "COMPREPLY=($(compgen -W \"answered missed busy failed voicemail canceled in-progress unknown\" -- \"${cur}\"))";
    assert!(
        case("--status").iter().all(|l| l == statuses),
        "{:?}",
        case("--status")
    );
    assert_eq!(
        case("--status").len(),
        6,
        "list export sync recording delete stats"
    );
    assert!(case("--direction")
        .iter()
        .all(|l| l == "COMPREPLY=($(compgen -W \"inbound outbound internal web\" -- \"${cur}\"))"));
    // A call's fields; stats' columns (its groups, then its numbers).
    assert!(case("--fields").iter().all(|l| l
        .starts_with("COMPREPLY=($(compgen -W \"vendor id started_at ended_at direction status")
        || l.starts_with("COMPREPLY=($(compgen -W \"day week month hour weekday agent campaign line direction status calls answered")));
    let profiles =
        "COMPREPLY=($(compgen -W \"$(calls __complete profiles 2>/dev/null)\" -- \"${cur}\"))";
    assert!(!case("--profile").is_empty());
    assert!(
        case("--profile").iter().all(|l| l == profiles),
        "{:?}",
        case("--profile")
    );
    assert!(case("-p").iter().all(|l| l == profiles));
    assert!(!bash.contains("__complete ") || !bash.contains(" __complete help"));
    let zsh = run(home.cmd().args(["completions", "zsh"])).stdout;
    assert!(zsh.contains(":NAME:_calls_profiles'") && zsh.contains("_calls_profiles() {"));
    let fish = run(home.cmd().args(["completions", "fish"])).stdout;
    assert!(fish.contains("-s p -l profile -d 'Profile from the config"));
    assert!(fish.contains("-r -f -a \"(calls __complete profiles 2>/dev/null)\""));

    // The completer itself: the config's profile names, and nothing (no error) without one.
    let none = run(home.cmd().args(["__complete", "profiles"]));
    assert_eq!(
        (none.code, none.stdout.as_str(), none.stderr.as_str()),
        (0, "", "")
    );
    home.write_config(
        "default_profile = \"sales\"\n[profiles.sales]\nvendor = \"famulor\"\n[profiles.pf]\nvendor = \"mycrm\"\n",
    );
    let r = run(home.cmd().args(["__complete", "profiles"]));
    assert_eq!((r.code, r.stdout.as_str()), (0, "pf\nsales\n"));
    let other = home.path("other.toml");
    std::fs::write(&other, "[profiles.night]\nvendor = \"evolux\"\n").unwrap();
    let r = run(home
        .cmd()
        .args(["__complete", "profiles"])
        .env("CALLS_CONFIG", &other));
    assert_eq!(r.stdout, "night\n");
}

// ---- 18: list's footer, 2w, --no-header, tsv -----------------------------------------------

#[test]
fn list_on_a_terminal_says_how_many_more_there_are() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let list = |tty: &str, extra: &[&str]| {
        run(
            window(home.cmd().args(["list", "--limit", "3"]).args(extra))
                .env("CALLS_ASSUME_TTY", tty)
                .env("COLUMNS", "120"),
        )
    };
    let r = list("1", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 5, "the zone, the header, 3 rows");
    assert_eq!(r.stderr, "3 of ~400 calls (use --limit or export)\n");
    // Not in a pipe, not for another format, not with -q, not when the limit was not reached.
    assert_eq!(
        list("0", &["-o", "table"]).stderr,
        "3 of ~400 calls (use --limit or export)\n"
    );
    assert_eq!(list("1", &["-o", "csv"]).stderr, "");
    assert_eq!(list("0", &[]).stderr, "");
    assert_eq!(list("1", &["-q"]).stderr, "");
    let all = run(window(home.cmd().args(["list", "--limit", "1000"]))
        .env("CALLS_ASSUME_TTY", "1")
        .env("COLUMNS", "120"));
    assert_eq!((all.code, all.stderr.as_str()), (0, ""));
}

#[test]
fn weeks_no_header_and_tsv() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(home
        .cmd()
        .args(["--sandbox", "list", "--from", "2w", "--limit", "1"]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    let csv = |extra: &[&str]| {
        let r = run(window(
            home.cmd()
                .args(["export", "-q", "--fields", "id,status,agent"])
                .args(extra),
        ));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let with = csv(&["-o", "csv"]);
    assert!(with.starts_with("id,status,agent\n"));
    assert_eq!(
        csv(&["-o", "csv", "--no-header"]),
        with["id,status,agent\n".len()..]
    );
    let tsv = csv(&["-o", "tsv"]);
    let want: String = with.lines().map(|l| l.replace(',', "\t") + "\n").collect();
    assert!(!with.contains('"'), "plain values");
    assert_eq!(tsv, want);
    assert_eq!(
        csv(&["-o", "tsv", "--no-header"]),
        want["id\tstatus\tagent\n".len()..]
    );
    // The file's extension says tsv.
    let r = run(window(home.cmd().args([
        "export",
        "-q",
        "--fields",
        "id,status,agent",
        "--output",
        "c.tsv",
    ])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(home.path("c.tsv")).unwrap(), want);
    let r = run(home
        .cmd()
        .args(["--sandbox", "list", "-o", "json", "--no-header"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--no-header works with -o csv and -o tsv"),
        "{}",
        r.stderr
    );
}

// ---- 19: config show -p, config profiles ---------------------------------------------------

#[test]
fn config_show_one_profile_and_list_profiles_with_their_secrets_sources() {
    let home = Home::new();
    home.write_config(concat!(
        "default_profile = \"sales\"\n",
        "database = \"sqlite:calls.db\"\n",
        "[profiles.sales]\nvendor = \"famulor\"\ntoken = \"inline-secret-123\"\n",
        "[profiles.pf]\nvendor = \"mycrm\"\nclient_id_env = \"PF_ID\"\nclient_secret_command = \"echo cmd-secret-456\"\n",
        "[profiles.v3]\nvendor = \"brightcall\"\napi = \"v3\"\napi_key_env = \"BC_KEY\"\n",
        "[profiles.none]\nvendor = \"callcap\"\n",
    ));
    let r = run(home.cmd().args(["config", "show", "-p", "sales"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "[profiles.sales]\nvendor = \"famulor\"\ntoken = \"<redacted>\"\n"
    );
    let r = run(home.cmd().args(["config", "show", "-p", "sale"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown profile 'sale'")
            && r.stderr.contains("hint: did you mean sales?"),
        "{}",
        r.stderr
    );

    let r = run(home
        .cmd()
        .args(["config", "profiles"])
        .env("CALLS_API_KEY", "from-env-789"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        concat!(
            "PROFILE  VENDOR      API      SECRETS\n",
            "none     callcap     v2       none configured\n",
            "pf       mycrm       v2       client_id: env PF_ID, client_secret: client_secret_command\n",
            "sales *  famulor     classic  token: config file\n",
            "v3       brightcall  v3       api_key: env CALLS_API_KEY (wins over the file)\n",
        )
    );
    for secret in [
        "inline-secret-123",
        "cmd-secret-456",
        "echo",
        "from-env-789",
    ] {
        assert!(
            !r.stdout.contains(secret) && !r.stderr.contains(secret),
            "{secret}"
        );
    }
}
