//! The real binary end to end against the in-process sandbox: every format, filters, faults and
//! every kind of bad input, each with its exit code and message.

mod common;

use common::*;

use calls::call::{Direction, Status};
use calls::vendors::Vendor;

fn window(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.args(["--from", FROM, "--to", TO])
}

#[test]
fn export_json_is_exactly_the_ground_truth() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(window(home.cmd().args(["export", "-o", "json"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let want: Vec<serde_json::Value> = truth(&sb, Vendor::Famulor).iter().map(call_json).collect();
    assert_eq!(want.len(), 400);
    assert_eq!(got, want);
    assert!(r.stderr.contains("exported 400 calls"), "{}", r.stderr);
}

#[test]
fn csv_is_exact_text() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(window(home.cmd().args(["export", "-o", "csv", "-q"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let mut want = String::from("vendor,id,started_at,ended_at,direction,status,vendor_status,duration,talk_time,customer_number,line_number,agent,campaign,recording_url,cost\n");
    let keys = want
        .trim_end()
        .split(',')
        .map(str::to_string)
        .collect::<Vec<_>>();
    for c in truth(&sb, Vendor::Famulor) {
        let j = call_json(&c);
        let cells: Vec<String> = keys
            .iter()
            .map(|k| match &j[k] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        want.push_str(&cells.join(","));
        want.push('\n');
    }
    assert_eq!(r.stdout.lines().count(), want.lines().count());
    for (got, want) in r.stdout.lines().zip(want.lines()) {
        assert_eq!(got, want);
    }
    assert_eq!(r.stdout, want);
}

#[test]
fn table_is_exact_text() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(window(home.cmd().args([
        "list",
        "-o",
        "table",
        "--tz",
        "Europe/Berlin",
        "--limit",
        "4",
    ]))
    .env("COLUMNS", "120"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Times as Berlin's clocks showed them (UTC+2 in May), and the table says so.
    let want = concat!(
        "times in Europe/Berlin\n",
        " ID      STARTED AT           DIRECTION  STATUS     DURATION  CUSTOMER NUMBER  AGENT         CAMPAIGN\n",
        " 189954  2025-05-31 22:01:31  web        answered   6:12      +4915111805473   João Silva    Neukundenakquise Q1\n",
        " 189953  2025-05-31 12:29:37  inbound    failed     0:00      +4915124450257   Night Line    -\n",
        " 189952  2025-05-31 10:58:51  outbound   voicemail  1:01      +4915172849061   Anna Schmidt  Webinar ../../follow-up\n",
        " 189951  2025-05-31 02:39:32  web        voicemail  1:20      +4915131613679   João Silva    -\n",
    );
    assert_eq!(r.stdout, want);
}

#[test]
fn table_wraps_to_a_narrow_terminal() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(window(home.cmd().args(["list", "--limit", "3"]))
        .env("CALLS_ASSUME_TTY", "1")
        .env("COLUMNS", "60"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.lines().all(|l| l.chars().count() <= 60),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("189954"), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("note: left out campaign, agent, customer_number"),
        "{}",
        r.stderr
    );
    let quiet = run(window(home.cmd().args(["-q", "list", "--limit", "3"]))
        .env("CALLS_ASSUME_TTY", "1")
        .env("COLUMNS", "60"));
    assert_eq!((quiet.stdout, quiet.stderr.as_str()), (r.stdout, ""));
}

#[test]
fn ndjson_is_the_default_when_piped_and_one_object_per_line() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(window(home.cmd().args(["export"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let want: Vec<serde_json::Value> = truth(&sb, Vendor::Famulor).iter().map(call_json).collect();
    assert_eq!(lines, want);
}

#[test]
fn fields_pick_and_order_and_limit_stops() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(window(home.cmd().args([
        "list",
        "-o",
        "csv",
        "--fields",
        "status,id",
        "--limit",
        "3",
    ])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = truth(&sb, Vendor::Famulor);
    let want: String = std::iter::once("status,id".to_string())
        .chain(t.iter().take(3).map(|c| format!("{},{}", c.status, c.id)))
        .map(|l| l + "\n")
        .collect();
    assert_eq!(r.stdout, want);
    // list defaults to 25
    let r = run(window(home.cmd().args(["list", "-o", "ndjson"])));
    assert_eq!(r.stdout.lines().count(), 25);
    // unknown field
    let r = run(window(home.cmd().args(["list", "--fields", "id,colour"])));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown field 'colour'"), "{}", r.stderr);
}

#[test]
fn raw_adds_the_vendor_record() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(window(home.cmd().args([
        "list", "-o", "ndjson", "--raw", "--limit", "2", "--status", "answered",
    ])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want: Vec<String> = truth(&sb, Vendor::Famulor)
        .into_iter()
        .filter(|c| c.status == Status::Answered)
        .take(2)
        .map(|c| c.id)
        .collect();
    assert_eq!(want.len(), 2);
    let got: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), 2, "{}", r.stdout);
    for (v, id) in got.iter().zip(&want) {
        assert_eq!(v["id"], *id);
        assert_eq!(v["raw"]["id"].to_string(), *id);
        assert!(v["raw"]["transcript"].is_array());
    }
}

fn ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn each_filter_narrows_like_the_ground_truth() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let guard = sb.world(Vendor::Famulor);
    let truth = truth(&sb, Vendor::Famulor);
    let seq = |id: &str| guard.by_seq(id.parse::<u64>().unwrap() - 100_000).unwrap();
    let one = &truth[10];
    let number = one.customer_number.clone().unwrap();
    type Pred<'a> = Box<dyn Fn(&calls::call::Call) -> bool + 'a>;
    let cases: Vec<(Vec<&str>, Pred)> = vec![
        (
            vec!["--status", "missed"],
            Box::new(|c| c.status == Status::Missed),
        ),
        (
            vec!["--status", "voicemail,busy"],
            Box::new(|c| matches!(c.status, Status::Voicemail | Status::Busy)),
        ),
        (
            vec!["--status", "answered"],
            Box::new(|c| c.status == Status::Answered),
        ),
        (
            vec!["--direction", "inbound"],
            Box::new(|c| c.direction == Direction::Inbound),
        ),
        (vec!["--direction", "internal"], Box::new(|_| false)),
        (
            vec!["--number", &number],
            Box::new(|c| c.customer_number == Some(number.clone())),
        ),
        (
            vec!["--agent", "12"],
            Box::new(|c| seq(&c.id).agent().id == 12),
        ),
        (
            vec!["--campaign", "376"],
            Box::new(|c| seq(&c.id).campaign().is_some_and(|k| k.id == 376)),
        ),
        (
            vec!["--min-duration", "60", "--max-duration", "300"],
            Box::new(|c| c.duration.is_some_and(|d| (60..=300).contains(&d))),
        ),
        (
            vec!["--search", "rechnung"],
            Box::new(|c| {
                seq(&c.id)
                    .transcript()
                    .iter()
                    .any(|(_, t)| t.contains("Rechnung"))
            }),
        ),
        (
            vec!["--from", "2025-05-20T12:00:00Z", "--to", "2025-05-21"],
            Box::new(|c| {
                c.started_at >= at("2025-05-20T12:00:00Z")
                    && c.started_at < at("2025-05-22T00:00:00Z")
            }),
        ),
    ];
    for (args, pred) in cases {
        let mut cmd = home.cmd();
        cmd.args(["export", "-o", "ndjson"]);
        if !args.contains(&"--from") {
            window(&mut cmd);
        }
        let r = run(cmd.args(&args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let want: Vec<String> = truth
            .iter()
            .filter(|c| pred(c))
            .map(|c| c.id.clone())
            .collect();
        assert_eq!(ids(&r.stdout), want, "{args:?}");
        if !args.contains(&"internal") {
            assert!(!want.is_empty(), "{args:?} should match something");
        }
    }
}

#[test]
fn retries_exhausted_exit_1_and_leave_no_output_file() {
    let sb = sandbox(calls::sandbox::Options {
        fail_rate: 1.0,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    std::fs::write(home.path("keep.csv"), "old contents\n").unwrap();
    for target in ["calls.csv", "keep.csv"] {
        let r = run(window(home.cmd().args([
            "export",
            "--retries",
            "1",
            "--output",
            target,
        ])));
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains("gave up after 2 attempts"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.lines().count() <= 2, "{}", r.stderr);
    }
    assert!(!home.path("calls.csv").exists());
    assert_eq!(
        std::fs::read_to_string(home.path("keep.csv")).unwrap(),
        "old contents\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(home.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_file_is_written_whole() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(window(home.cmd().args([
        "export",
        "--output",
        "out/calls.csv",
    ])));
    assert_eq!(r.code, 2, "a missing folder is an error: {}", r.stderr);
    assert!(r.stderr.contains("out"), "{}", r.stderr);
    let r = run(window(home.cmd().args(["export", "--output", "calls.csv"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let text = std::fs::read_to_string(home.path("calls.csv")).unwrap();
    assert!(
        text.starts_with("vendor,id,started_at,"),
        "format follows the extension"
    );
    assert_eq!(text.lines().count(), 401);
}

#[test]
fn wrong_token_is_exit_3_and_never_printed() {
    let sb = sandbox(options());
    let home = Home::new();
    let secret = "sk-live-DO-NOT-PRINT-4711";
    home.write_config(&sb.config_toml().replace(
        calls::sandbox::Sandbox::credentials(Vendor::Famulor)[0].1,
        secret,
    ));
    for verbose in ["-v", "-vv", "-q"] {
        let r = run(window(home.cmd().args(["export", "-o", "csv", verbose])));
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert_eq!(
            r.stdout, "",
            "nothing on stdout when the first request fails"
        );
        assert!(
            r.stderr.contains("rejected the credentials"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr
                .contains("hint: the token comes from `token` in profile 'famulor'"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains(secret), "{}", r.stderr);
    }
    // The same through the environment: the hint names the variable.
    let r = run(home
        .cmd()
        .args([
            "--vendor",
            "famulor",
            "--base-url",
            &sb.base_url(Vendor::Famulor),
            "list",
        ])
        .env("CALLS_TOKEN", secret));
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("CALLS_TOKEN") && !r.stderr.contains(secret),
        "{}",
        r.stderr
    );
}

#[test]
fn verbose_logs_requests_with_secrets_redacted() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r =
        run(window(home.cmd().args([
            "list", "--limit", "1", "-vv", "--status", "missed",
        ])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("GET {}/api/user/calls?date_from=2025-02-28&date_to=2025-06-01&per_page=100&page=1&status=no-answer -> 200 OK", sb.base_url(Vendor::Famulor))), "{}", r.stderr);
    assert!(r.stderr.contains("authorization: REDACTED"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("filters: --from/--to vendor+client, --status vendor+client"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("famulor-sandbox-token"), "{}", r.stderr);
}

#[test]
fn html_instead_of_json_is_a_clear_error() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(home
        .cmd()
        .args(["list", "--base-url", &format!("http://{}/", sb.addr)]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("famulor answered with an HTML page instead of JSON"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: check --base-url"), "{}", r.stderr);
}

#[test]
fn bad_dates_are_usage_errors() {
    let home = Home::new();
    let cases = [
        (
            vec!["--from", "2025-02-30"],
            "--from: cannot read '2025-02-30'",
        ),
        (vec!["--to", "next week"], "--to: cannot read 'next week'"),
        (
            vec!["--from", "2025-05-02", "--to", "2025-05-01"],
            "--from (2025-05-02T00:00:00Z) is not before --to (2025-05-02T00:00:00Z)",
        ),
        (
            vec!["--tz", "Mars/Base"],
            "--tz: unknown time zone 'Mars/Base'",
        ),
    ];
    for (args, message) in cases {
        let r = run(home.cmd().args(["--sandbox", "list"]).args(&args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!("error: {message}")),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.lines().count() <= 2);
    }
}

/// The embedded sandbox (`--sandbox`) follows the clock by design: its calls end "now" and its
/// default window is the last 30 days. A run of it is compared with the newest `n` Famulor ids
/// an in-process sandbox of the same seed holds at that time; when a new call's slot ended
/// during the run (the two sides of it disagree), the run is repeated, so the check is exact.
fn embedded_run(n: usize, run_it: impl Fn() -> Run) -> (Run, Vec<String>) {
    let newest = || {
        let now = chrono::Utc::now();
        let sb = sandbox(calls::sandbox::Options {
            until: Some(now),
            ..calls::sandbox::Options::default()
        });
        sb.expected(Vendor::Famulor, now - chrono::Duration::days(30), now)
            .into_iter()
            .take(n)
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };
    for _ in 0..3 {
        let before = newest();
        let r = run_it();
        if newest() == before {
            assert_eq!(before.len(), n);
            return (r, before);
        }
    }
    panic!("the embedded sandbox's newest calls kept changing");
}

/// `--sandbox` brings its own credentials; a secret set in the environment is not silently
/// used or silently ignored: the user is told, without its value.
#[test]
fn sandbox_says_which_settings_it_ignores() {
    let home = Home::new();
    let (r, newest) = embedded_run(1, || {
        run(home
            .cmd()
            .env("CALLS_TOKEN", "not-the-sandbox-token-123")
            .args([
                "--sandbox",
                "--base-url",
                "http://example.invalid",
                "list",
                "--limit",
                "1",
                "--fields",
                "id",
                "-o",
                "csv",
            ]))
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("id\n{}\n", newest[0]));
    assert!(
        r.stderr.starts_with(
            "warning: --sandbox uses its own URLs and credentials; ignoring CALLS_TOKEN, --base-url"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not-the-sandbox-token-123"));
    let quiet = run(home.cmd().args(["--sandbox", "-q", "list", "--limit", "1"]));
    assert_eq!(quiet.stderr, "");
}

#[test]
fn config_problems_name_the_file_key_and_line() {
    let home = Home::new();
    let path = home.config_path();
    let r = run(home.cmd().args(["list"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no vendor chosen and no config at") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );

    home.write_config(
        "default_profile = \"a\"\n\n[profiles.a]\nvendor = \"famulor\"\ntoken = \"x\n",
    );
    let r = run(home.cmd().args(["list"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with(&format!("error: {} line 5:", path.display())),
        "{}",
        r.stderr
    );

    home.write_config("[profiles.a]\nvendor = \"famulor\"\ntoken_env = \"NOT_SET_ANYWHERE_42\"\n[profiles.b]\nvendor = \"famulor\"\n");
    let r = run(home.cmd().args(["-p", "nope", "list"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown profile 'nope'") && r.stderr.contains("profiles: a, b"),
        "{}",
        r.stderr
    );
    let r = run(home.cmd().args(["-p", "a", "list"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the environment variable NOT_SET_ANYWHERE_42 is not set"),
        "{}",
        r.stderr
    );
    let r = run(home.cmd().args(["-p", "b", "list"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no token for famulor") && r.stderr.contains("token_env"),
        "{}",
        r.stderr
    );
    let r = run(home.cmd().args(["list"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("sets no default_profile"), "{}", r.stderr);

    home.write_config("[profiles.a]\nvendor = \"famulor\"\ntimezone = \"Europe/Berln\"\n");
    let r = run(home.cmd().args(["list"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("profiles.a.timezone: unknown time zone 'Europe/Berln'"),
        "{}",
        r.stderr
    );
}

#[test]
fn token_command_and_env_supply_the_secret() {
    let sb = sandbox(options());
    let home = Home::new();
    let token = calls::sandbox::Sandbox::credentials(Vendor::Famulor)[0].1;
    let base = sb.base_url(Vendor::Famulor);
    // The newest call, as the secret's owner sees it.
    let newest = format!("id\n{}\n", truth(&sb, Vendor::Famulor)[0].id);
    let list = ["list", "--limit", "1", "--fields", "id", "-o", "csv"];
    home.write_config(&format!("[profiles.cmd]\nvendor = \"famulor\"\nbase_url = \"{base}\"\ntoken_command = \"echo {token}\"\n"));
    let r = run(window(home.cmd().args(list)));
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, newest.as_str()),
        "{}",
        r.stderr
    );
    home.write_config(&format!(
        "[profiles.env]\nvendor = \"famulor\"\nbase_url = \"{base}\"\ntoken_env = \"MY_FAMULOR\"\n"
    ));
    let r = run(window(home.cmd().args(list)).env("MY_FAMULOR", token));
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, newest.as_str()),
        "{}",
        r.stderr
    );
    // CALLS_TOKEN wins over the file.
    let r = run(window(home.cmd().args(list))
        .env("MY_FAMULOR", token)
        .env("CALLS_TOKEN", "wrong-wrong"));
    assert_eq!((r.code, r.stdout.as_str()), (3, ""), "{}", r.stderr);
    assert!(
        r.stderr.contains("CALLS_TOKEN") && !r.stderr.contains("wrong-wrong"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_config_readable_by_others_warns() {
    use std::os::unix::fs::PermissionsExt;
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    std::fs::set_permissions(home.config_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = run(window(home.cmd().args(["list", "--limit", "1"])));
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.starts_with("warning:") && r.stderr.contains("chmod 600"),
        "{}",
        r.stderr
    );
}

#[test]
fn show_prints_one_call_in_full() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let want = &truth(&sb, Vendor::Famulor)[3];
    let r = run(home.cmd().args(["show", &want.id, "-o", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut expected = call_json(want);
    expected["raw"] = got["raw"].clone();
    assert_eq!(got, expected);
    assert!(
        got["raw"]["transcript"].is_string(),
        "the single call has a string transcript"
    );
    assert!(got["raw"]["evaluation"].is_object());

    let r = run(home
        .cmd()
        .args(["show", &want.id, "-o", "table", "--tz", "UTC"]));
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with(&format!(
            "vendor           famulor\nid               {}\n",
            want.id
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("famulor record:\n{"), "{}", r.stdout);

    let r = run(home.cmd().args(["show", "999"]));
    assert_eq!(r.code, 2, "bad input, not a transient failure");
    assert!(
        r.stderr
            .contains("not found: famulor has no call with id '999'"),
        "{}",
        r.stderr
    );
}

#[test]
fn embedded_sandbox_needs_no_config() {
    let home = Home::new();
    let (r, newest) = embedded_run(3, || {
        run(home.cmd().args([
            "--sandbox",
            "--vendor",
            "famulor",
            "list",
            "-o",
            "json",
            "--limit",
            "3",
        ]))
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert!(got.iter().all(|c| c["vendor"] == "famulor"));
    let ids: Vec<&str> = got.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, newest);
}

#[test]
fn a_closed_pipe_is_a_silent_success() {
    use std::io::Read;
    let sb = sandbox(calls::sandbox::Options {
        calls: 3000,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let mut child = home
        .calls_std()
        .args(["export", "-o", "ndjson", "--from", FROM, "--to", TO])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn vendors_lists_the_capabilities() {
    let home = Home::new();
    let r = run(home.cmd().args(["vendors", "-o", "json"]));
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["vendor"], "famulor");
    assert_eq!(
        v[0]["operations"],
        serde_json::json!(["list", "export", "show", "recording", "delete"])
    );
    // Every API of a vendor, with what it supports.
    let apis = |i: usize| -> Vec<(String, u64)> {
        v[i]["apis"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["api"].as_str().unwrap().to_string(),
                    a["max_page_size"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(apis(0), vec![("classic".into(), 100), ("v1".into(), 200)]);
    assert_eq!(v[3]["vendor"], "brightcall");
    assert_eq!(apis(3), vec![("v1".into(), 100), ("v3".into(), 500)]);
    assert_eq!(v[0]["apis"][1]["base_url"], "https://app.famulor.io");
    let r = run(home
        .cmd()
        .env("COLUMNS", "120")
        .args(["vendors", "-o", "table"]));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines[0].contains("VENDOR") && lines[0].contains("API"),
        "{}",
        r.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.trim_start().starts_with("famulor") && l.contains(" v1 ")),
        "{}",
        r.stdout
    );
    assert!(
        lines.iter().all(|l| l.chars().count() <= 120),
        "{}",
        r.stdout
    );
}

#[test]
fn config_init_path_show_check() {
    let sb = sandbox(options());
    let home = Home::new();
    let r = run(home.cmd().args(["config", "path"]));
    assert_eq!(r.stdout.trim(), home.config_path().display().to_string());
    let r = run(home.cmd().args(["config", "init"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(home.config_path())
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    assert_eq!(
        run(home.cmd().args(["config", "init"])).code,
        2,
        "no silent overwrite"
    );
    // The starter config names env vars that are not set: check says so per profile.
    let r = run(home.cmd().args(["config", "check"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stdout
            .contains("error  sales: the environment variable FAMULOR_API_KEY is not set"),
        "{}",
        r.stdout
    );

    home.write_config(
        &(sb.config_toml()
            + "\n[profiles.bad]\nvendor = \"famulor\"\nbase_url = \""
            + &sb.base_url(Vendor::Famulor)
            + "\"\ntoken = \"wrong-token-0815\"\n"),
    );
    let r = run(home.cmd().args(["config", "show"]));
    assert!(
        !r.stdout.contains("wrong-token-0815") && !r.stdout.contains("famulor-sandbox-token"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("token = \"<redacted>\""), "{}", r.stdout);
    let r = run(home.cmd().args(["config", "check"]));
    assert_eq!(
        r.code, 0,
        "offline, both profiles are well-formed: {}",
        r.stdout
    );
    let r = run(home.cmd().args(["config", "check", "--online"]));
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("ok     famulor (famulor), credentials accepted"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("error  bad: famulor rejected the credentials"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("wrong-token-0815"));
}

/// The first hour: `config init [--vendor V]` writes one active profile (V's, Famulor's by
/// default; the others as comments), which `config check` accepts once its secrets are set;
/// `config check -p NAME` checks that profile alone.
#[test]
fn config_init_writes_one_profile_that_check_accepts_once_its_secret_is_set() {
    let cases: [(Option<&str>, &str, &str, &[&str]); 6] = [
        (None, "sales", "famulor", &["FAMULOR_API_KEY"]),
        (Some("famulor"), "sales", "famulor", &["FAMULOR_API_KEY"]),
        (Some("evolux"), "dialer", "evolux", &["EVOLUX_TOKEN"]),
        (Some("callcap"), "tracking", "callcap", &["CALLCAP_TOKEN"]),
        (
            Some("brightcall"),
            "convolo",
            "brightcall",
            &["BRIGHTCALL_API_KEY"],
        ),
        (
            Some("mycrm"),
            "pf",
            "mycrm",
            &["PF_CLIENT_ID", "PF_CLIENT_SECRET"],
        ),
    ];
    for (vendor, name, id, vars) in cases {
        let home = Home::new();
        let mut init = home.cmd();
        init.args(["config", "init"]);
        if let Some(v) = vendor {
            init.args(["--vendor", v]);
        }
        let r = run(&mut init);
        assert_eq!(r.code, 0, "{vendor:?}: {}", r.stderr);
        assert_eq!(
            r.stderr,
            format!(
                "wrote {} (mode 0600) with one profile, '{name}' ({id}); set {} (or edit the file), then run `calls config check`\n",
                home.config_path().display(),
                vars.join(" and ")
            )
        );
        let text = std::fs::read_to_string(home.config_path()).unwrap();
        assert!(
            text.contains(&format!("\ndefault_profile = \"{name}\"\n")),
            "{text}"
        );
        assert_eq!(
            text.matches("\n[profiles.").count(),
            1,
            "{vendor:?}: {text}"
        );
        assert_eq!(
            text.matches("\n# [profiles.").count(),
            4,
            "{vendor:?}: {text}"
        );
        // Before its secrets are set: named, exit 2.
        let r = run(home.cmd().args(["config", "check"]));
        assert_eq!(r.code, 2, "{vendor:?}: {}", r.stdout);
        assert!(
            r.stdout.starts_with(&format!(
                "error  {name}: the environment variable {}",
                vars[0]
            )),
            "{vendor:?}: {}",
            r.stdout
        );
        // Once set: ok, and only that profile.
        let mut check = home.cmd();
        for var in vars {
            check.env(var, "a-secret-value");
        }
        let r = run(check.args(["config", "check"]));
        assert_eq!(r.code, 0, "{vendor:?}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stdout, format!("ok     {name} ({id})\n"));
    }

    // -p NAME checks that profile alone; an unknown one is named with the nearest.
    let home = Home::new();
    home.write_config(
        "[profiles.good]\nvendor = \"famulor\"\ntoken = \"t\"\n\n\
         [profiles.broken]\nvendor = \"famulor\"\ntoken_env = \"CALLS_TEST_UNSET_VAR\"\n",
    );
    let r = run(home.cmd().args(["config", "check"]));
    assert_eq!(r.code, 2, "{}", r.stdout);
    let r = run(home.cmd().args(["config", "check", "-p", "good"]));
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "ok     good (famulor)\n"),
        "{}",
        r.stderr
    );
    let r = run(home.cmd().args(["-p", "broken", "config", "check"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.starts_with("error  broken: ") && !r.stdout.contains("good"),
        "{}",
        r.stdout
    );
    let r = run(home.cmd().args(["config", "check", "-p", "godo"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("error: unknown profile 'godo'")
            && r.stderr.contains("did you mean good?"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_130_and_leaves_no_file() {
    let sb = sandbox(calls::sandbox::Options {
        latency: std::time::Duration::from_millis(100),
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    // 40 pages of 10 at 100 ms each: about 4 s, so the interrupt lands midway.
    home.write_config(&sb.config_toml().replace(
        "vendor = \"famulor\"\n",
        "vendor = \"famulor\"\npage_size = 10\n",
    ));
    let child = home
        .calls_std()
        .args([
            "--concurrency",
            "1",
            "export",
            "--output",
            "calls.csv",
            "--from",
            FROM,
            "--to",
            TO,
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Under way: the sandbox has seen a page request and the output's temporary file exists.
    let output_files = || {
        std::fs::read_dir(home.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("calls.csv"))
            .collect::<Vec<_>>()
    };
    wait_for("a page request and the temporary output file", || {
        !sb.requests().is_empty() && !output_files().is_empty()
    });
    home.signal(&child, "-INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: interrupted"));
    let left: Vec<_> = std::fs::read_dir(home.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(
        !left
            .iter()
            .any(|n| n.to_string_lossy().contains("calls.csv")),
        "{left:?}"
    );
}

/// A bad --output is found before any request, not after the whole export.
#[test]
fn a_bad_output_path_is_refused_before_any_request() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    std::fs::create_dir_all(home.path("out")).unwrap();
    for (path, message) in [
        ("out", "error: --output out is a folder; give a file name"),
        (
            "missing/calls.csv",
            "error: --output missing/calls.csv: there is no folder missing",
        ),
    ] {
        let r = run(window(
            home.cmd().args(["export", "-o", "csv", "--output", path]),
        ));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.starts_with(message), "{}", r.stderr);
    }
    assert!(sb.requests().is_empty());
}
