//! The promises against a hostile vendor and a careless user: credentials only to the API's
//! origin, secrets never printed, no panic on absurd numbers, no pagination without end, no
//! delete wider than asked.

mod common;

use common::hostile::{self, Hostile};
use common::*;

const SECRET: &str = "s3cr3t-tok3n-value";

/// A profile for `vendor` whose API is `base` and whose every secret is `SECRET`.
fn hostile_config(vendor: &str, base: &str) -> String {
    let secrets = match vendor {
        "brightcall" => format!("api_key = \"{SECRET}\"\n"),
        "mycrm" => format!(
            "client_id = \"{SECRET}-id\"\nclient_secret = \"{SECRET}\"\ntoken_url = \"{base}/token\"\n"
        ),
        _ => format!("token = \"{SECRET}\"\n"),
    };
    format!(
        "default_profile = \"h\"\n[profiles.h]\nvendor = \"{vendor}\"\nbase_url = \"{base}\"\n{secrets}"
    )
}

const VENDORS: [&str; 5] = ["famulor", "evolux", "callcap", "brightcall", "mycrm"];

/// Every request and redirect status: the other host sees no credential of any kind.
#[test]
fn no_credential_follows_a_redirect_to_another_host() {
    for status in [301u16, 302, 303, 307, 308] {
        let elsewhere = Hostile::start(|_, _| hostile::reply(404, &[], "nothing here"));
        let target = elsewhere.base.clone();
        let api = Hostile::start(move |seen, _| {
            // Keep the path and query, as a moved API would: a query credential stays behind
            // only if calls strips it.
            hostile::redirect(status, &format!("{target}{}", seen.uri))
        });
        for vendor in VENDORS {
            let home = Home::new();
            home.write_config(&hostile_config(vendor, &api.base));
            let r = run(home
                .cmd()
                .args(["-v", "--retries", "0", "list", "--limit", "1"]));
            assert_ne!(r.code, 0, "{vendor} {status}: {}", r.stderr);
            assert!(
                r.stderr.contains("redirected to"),
                "{vendor} {status}: -v logs the hop: {}",
                r.stderr
            );
            assert!(!r.stderr.contains(SECRET), "{vendor}: {}", r.stderr);
        }
        let seen = elsewhere.seen();
        assert!(
            seen.len() >= VENDORS.len(),
            "{status}: every vendor's request reached the other host: {seen:?}"
        );
        for s in &seen {
            let all = s.everything();
            assert!(
                !all.contains(SECRET),
                "{status}: leaked to another host:\n{all}"
            );
            assert!(
                s.header("referer").is_none(),
                "{status}: a Referer went out:\n{all}"
            );
            for h in ["authorization", "token", "api-key", "cookie"] {
                assert!(s.header(h).is_none(), "{status}: {h} went out:\n{all}");
            }
        }
        // The API itself got its credentials, and never a Referer.
        assert!(api.seen().iter().any(|s| s.everything().contains(SECRET)));
        assert!(api.seen().iter().all(|s| s.header("referer").is_none()));
    }
}

/// A redirect on the API's own origin keeps the credentials (a moved path, a trailing slash).
#[test]
fn a_redirect_on_the_same_origin_keeps_credentials() {
    let api = Hostile::start(|seen, _| {
        if seen.uri.starts_with("/moved") {
            hostile::json(&serde_json::json!({
                "current_page": 1, "data": [], "last_page": 1, "per_page": 100, "total": 0,
                "next_page_url": null
            }))
        } else {
            hostile::redirect(302, &format!("/moved{}", seen.uri))
        }
    });
    let home = Home::new();
    home.write_config(&hostile_config("famulor", &api.base));
    let r = run(home.cmd().args(["list", "--limit", "1", "-o", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let seen = api.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(
        seen[1].header("authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
}

fn config_error(config: &str, args: &[&str]) -> Run {
    let home = Home::new();
    home.write_config(config);
    run(home.cmd().args(args))
}

#[test]
fn secrets_in_bad_config_values_are_never_printed() {
    // A token written without quotes is a TOML integer.
    let r = config_error(
        "[profiles.a]\nvendor = \"famulor\"\ntoken = 123456789012345\n",
        &["list"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("123456789012345"), "{}", r.stderr);
    assert!(
        r.stderr.contains("line 3") && r.stderr.contains("`token`"),
        "{}",
        r.stderr
    );
    // A secret with a line break inside: named by its key, never shown.
    let r = config_error(
        &format!("[profiles.a]\nvendor = \"evolux\"\nbase_url = \"http://127.0.0.1:9\"\ntoken = \"{SECRET}\\nsecond-line\"\n"),
        &["list"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("`token` in profile 'a'") && r.stderr.contains("line break"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains(SECRET) && !r.stderr.contains("second-line"),
        "{}",
        r.stderr
    );
}

#[test]
fn config_show_redacts_passwords_inside_urls() {
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.a]\nvendor = \"evolux\"\nbase_url = \"https://user:{SECRET}@acme.evolux.io/?token={SECRET}x\"\ntoken = \"{SECRET}\"\n"
    ));
    let r = run(home.cmd().args(["config", "show"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(SECRET), "{}", r.stdout);
    assert!(
        r.stdout.contains("user:REDACTED@acme.evolux.io"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_unreadable_config_is_a_usage_error() {
    let home = Home::new();
    let path = home.write_config("[profiles.a]\nvendor = \"famulor\"\n");
    std::fs::write(&path, b"[profiles.a]\nvendor = \"fam\xffulor\"\n").unwrap();
    let r = run(home.cmd().args(["list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not UTF-8"), "{}", r.stderr);
    let r = run(home
        .cmd()
        .args(["--config", home.dir.path().to_str().unwrap(), "list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("it is a folder"), "{}", r.stderr);
}

#[test]
fn a_token_command_that_hangs_is_stopped_and_one_that_fails_says_why() {
    let home = Home::new();
    // The command's child (sleep) holds the pipes: the whole process group must go.
    home.write_config(
        "[profiles.a]\nvendor = \"famulor\"\ntoken_command = \"sleep 600\"\n\n[profiles.b]\nvendor = \"famulor\"\ntoken_command = \"echo 'gpg: decryption failed: No secret key' >&2; exit 3\"\n",
    );
    let r = run(home
        .cmd()
        .env("CALLS_SECRET_COMMAND_TIMEOUT", "0.5")
        .args(["-p", "a", "list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("`token_command` in profile 'a'")
            && r.stderr.contains("did not finish within 0.5 s"),
        "{}",
        r.stderr
    );
    let r = run(home.cmd().args(["-p", "b", "list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("exited with exit status: 3")
            && r.stderr.contains("gpg: decryption failed: No secret key"),
        "{}",
        r.stderr
    );
}

#[test]
fn mycrm_with_its_own_base_url_needs_its_own_token_url() {
    let home = Home::new();
    let r = run(home
        .cmd()
        .env("CALLS_CLIENT_ID", "id-1234")
        .env("CALLS_CLIENT_SECRET", SECRET)
        .args([
            "--vendor",
            "mycrm",
            "--base-url",
            "http://127.0.0.1:9",
            "list",
        ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("needs token_url"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("or pass --token-url URL (CALLS_TOKEN_URL)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(SECRET), "{}", r.stderr);
}

/// myCRM without a config: `--vendor mycrm --base-url ...` with `--token-url` (or
/// `CALLS_TOKEN_URL`) and the client credentials from the environment lists what a profile
/// does, with the token from the given endpoint.
#[test]
fn mycrm_without_a_config_takes_its_token_url_from_the_flag_or_the_environment() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let window = ["--from", FROM, "--to", TO, "-o", "ndjson"];
    let want = run(home.cmd().args(["-p", "mycrm", "list"]).args(window));
    assert_eq!(want.code, 0, "{}", want.stderr);
    assert!(want.stdout.lines().count() > 5);
    let bare = Home::new();
    let creds = calls::sandbox::Sandbox::credentials(calls::vendors::Vendor::Mycrm);
    let base = sb.base_url(calls::vendors::Vendor::Mycrm);
    let token_url = sb.token_url();
    let with = |cmd: &mut assert_cmd::Command| {
        for (key, value) in &creds {
            cmd.env(key.calls_env(), value);
        }
        cmd.args(["--vendor", "mycrm", "--base-url", &base]);
    };
    let mut flag = bare.cmd();
    with(&mut flag);
    flag.args(["--token-url", &token_url, "list"]).args(window);
    let mut env = bare.cmd();
    with(&mut env);
    env.env("CALLS_TOKEN_URL", &token_url)
        .arg("list")
        .args(window);
    for (how, cmd) in [("--token-url", &mut flag), ("CALLS_TOKEN_URL", &mut env)] {
        sb.clear_requests();
        let r = run(cmd);
        assert_eq!(r.code, 0, "{how}: {}", r.stderr);
        assert_eq!(r.stdout, want.stdout, "{how}");
        assert!(
            sb.requests()
                .iter()
                .any(|q| q.method == "POST" && q.path.ends_with("/auth/oauth/v1/token")),
            "{how}: a token from the given endpoint"
        );
    }
}

/// Every filter flag, with every empty, blank or separator-only value, on every command that
/// takes filters: a usage error before any request, never "every call".
#[test]
fn empty_filter_values_are_refused_on_every_command() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let flags = [
        "--from",
        "--to",
        "--direction",
        "--status",
        "--number",
        "--agent",
        "--campaign",
        "--min-duration",
        "--max-duration",
        "--search",
        "--limit",
        "--param",
    ];
    let values = ["", " ", ",", " , ", ",,", "\t", ";"];
    let commands: [&[&str]; 5] = [
        &["list"],
        &["export"],
        &["recording", "--dir", "rec"],
        &["delete", "--yes"],
        &["delete", "--dry-run"],
    ];
    let mut tried = 0;
    for vendor in ["mycrm", "famulor"] {
        for command in commands {
            for flag in flags {
                for value in values {
                    sb.clear_requests();
                    let r = run(home
                        .cmd()
                        .args(["-p", vendor])
                        .args(command)
                        .arg(format!("{flag}={value}")));
                    assert_eq!(
                        r.code, 2,
                        "{vendor} {command:?} {flag}={value:?}: {}{}",
                        r.stdout, r.stderr
                    );
                    assert!(
                        sb.requests().is_empty(),
                        "{vendor} {command:?} {flag}={value:?} sent requests"
                    );
                    tried += 1;
                }
            }
        }
    }
    assert_eq!(tried, 2 * 5 * 12 * 7);
    // --param alone is no filter for delete: what it narrows cannot be checked.
    let r = run(home
        .cmd()
        .args(["-p", "mycrm", "delete", "--yes", "--param", "foo=bar"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--param does not count"), "{}", r.stderr);
    assert!(sb.requests().is_empty());
}

/// stdout closed before the command writes: no panic, results still reported on stderr.
#[cfg(unix)]
#[test]
fn a_closed_stdout_loses_no_result_and_never_panics() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let famulor: Vec<String> = truth(&sb, calls::vendors::Vendor::Famulor)
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mycrm: Vec<String> = truth(&sb, calls::vendors::Vendor::Mycrm)
        .into_iter()
        .map(|c| c.id)
        .collect();
    let closed = |args: &[&str]| {
        let mut child = home
            .calls_std()
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = closed(&["delete", "--yes", &famulor[0], &famulor[1]]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("deleted {}", famulor[0]))
            && err.contains(&format!("deleted {}", famulor[1]))
            && err.contains("deleted 2 of 2 calls"),
        "{err}"
    );
    let (code, err) = closed(&["-p", "mycrm", "assign", &mycrm[0], "--user", "7"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("assigned {}", mycrm[0])), "{err}");
    for args in [
        &["delete", "--dry-run", famulor[2].as_str()][..],
        &["config", "check"],
        &["config", "show"],
        &["config", "path"],
        &["vendors"],
    ] {
        let (code, err) = closed(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// The doc's first Famulor call, with `edit` applied, dated inside the test window.
fn famulor_call(id: u64, edit: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
    let list: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/famulor/list.json")).unwrap();
    let mut call = list["data"][0].clone();
    call["id"] = id.into();
    call["created_at"] = "2024-01-15T10:30:00Z".into();
    edit(&mut call);
    call
}

fn laravel(calls: Vec<serde_json::Value>, page: u64, last_page: u64) -> serde_json::Value {
    serde_json::json!({
        "current_page": page, "data": calls, "last_page": last_page, "per_page": 100,
        "total": null, "next_page_url": null
    })
}

fn hostile_home(vendor: &str, api: &Hostile) -> Home {
    let home = Home::new();
    home.write_config(&hostile_config(vendor, &api.base));
    home
}

const WINDOW: [&str; 4] = ["--from", "2024-01-01", "--to", "2024-12-31"];

/// Absurd vendor numbers are unreadable data (null, said at -v), never a panic.
#[test]
fn absurd_vendor_numbers_are_null_not_a_crash() {
    let absurd: Vec<serde_json::Value> = vec![
        9_000_000_000_000u64.into(),
        serde_json::json!(9223372036854775807u64),
        serde_json::json!(18446744073709551615u64),
        serde_json::json!(1e300),
        serde_json::json!(-5),
        "1e19".into(),
        "9223372036854775807".into(),
        "inf".into(),
    ];
    let calls: Vec<serde_json::Value> = absurd
        .iter()
        .enumerate()
        .map(|(i, d)| famulor_call(i as u64 + 1, |c| c["duration"] = d.clone()))
        .collect();
    let n = calls.len();
    let api = Hostile::start(move |_, _| hostile::json(&laravel(calls.clone(), 1, 1)));
    let home = hostile_home("famulor", &api);
    let r = run(home.cmd().args(["-v", "export", "-o", "json"]).args(WINDOW));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got.len(), n);
    for c in &got {
        assert!(
            c["duration"].is_null() && c["ended_at"].is_null(),
            "{c} from {:?}",
            absurd
        );
    }
    assert!(r.stderr.contains("read as unknown"), "{}", r.stderr);

    // Brightcall's totalTime, and absurd page counts.
    let list: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/brightcall/list.json")).unwrap();
    let mut calls = list["calls"].as_array().unwrap().clone();
    calls.truncate(2);
    calls[0]["totalTime"] = 10_000_000_000_000u64.into();
    calls[0]["callTime"] = serde_json::json!(1e300);
    calls[1]["totalTime"] = "1e19".into();
    calls[1]["callTime"] = serde_json::json!(-1);
    let body = serde_json::json!({
        "success": true, "calls": calls, "page": 1,
        "pagesCount": -3, "totalItems": "1e300"
    });
    let api = Hostile::start(move |_, _| hostile::json(&body));
    let home = hostile_home("brightcall", &api);
    let r = run(home.cmd().args([
        "export",
        "-o",
        "json",
        "--from",
        "2024-05-01",
        "--to",
        "2024-05-31",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got.len(), 2, "{}", r.stdout);
    assert!(got
        .iter()
        .all(|c| c["duration"].is_null() && c["ended_at"].is_null()));
}

/// A vendor that serves the same page again and again ends the run (exit 1, said), whether it
/// is a growing last_page, a next_url to itself, or a `--param` that pins the page.
#[test]
fn pagination_that_never_ends_is_stopped() {
    // Famulor: the same full page, with a last_page that keeps growing.
    let page: Vec<serde_json::Value> = (1..=100).map(|i| famulor_call(i, |_| {})).collect();
    let api = Hostile::start(move |_, n| hostile::json(&laravel(page.clone(), 1, n as u64 + 5)));
    let home = hostile_home("famulor", &api);
    let r = run(home
        .cmd()
        .args(["export", "-o", "csv", "--output", "out.csv"])
        .args(WINDOW));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("kept repeating"), "{}", r.stderr);
    assert!(!home.path("out.csv").exists(), "no output committed");
    assert!(
        api.count() < 20,
        "stopped at once: {} requests",
        api.count()
    );

    // Evolux: next_url pointing to itself.
    let api = Hostile::start(|seen, _| {
        let mut list: serde_json::Value =
            serde_json::from_str(include_str!("../fixtures/evolux/list.json")).unwrap();
        list["pagination"]["next_url"] =
            format!("http://{}{}", seen.header("host").unwrap(), seen.uri).into();
        hostile::json(&list)
    });
    let home = hostile_home("evolux", &api);
    let r = run(home.cmd().args([
        "export",
        "-o",
        "ndjson",
        "--from",
        "2021-10-01",
        "--to",
        "2021-10-31",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("kept repeating"), "{}", r.stderr);
    assert!(api.count() <= 3, "{} requests", api.count());

    // A --param that pins the page on the sandbox: each id once, then exit 1 with the hint.
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args([
        "export",
        "-o",
        "ndjson",
        "--from",
        FROM,
        "--to",
        TO,
        "--param",
        "page=1",
        "--param",
        "per_page=10",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("kept repeating") && r.stderr.contains("--param"),
        "{}",
        r.stderr
    );
    let ids: Vec<String> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), 10, "{}", r.stdout);
    assert_eq!(unique.len(), ids.len(), "every id once");
}

/// `show .` and `show ..` never reach the list endpoint, and a single-call endpoint that answers
/// with another call is an error.
#[test]
fn show_refuses_dot_ids_and_answers_for_another_call() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in ["famulor", "callcap", "brightcall", "mycrm"] {
        for id in [".", ".."] {
            sb.clear_requests();
            let r = run(home.cmd().args(["-p", vendor, "show", id]));
            assert_eq!(r.code, 2, "{vendor} {id}: {}{}", r.stdout, r.stderr);
            assert!(r.stdout.is_empty());
            assert!(sb.requests().is_empty(), "{vendor} {id}");
        }
    }
    let api = Hostile::start(|_, _| hostile::json(&famulor_call(999, |_| {})));
    let home = hostile_home("famulor", &api);
    let r = run(home.cmd().args(["show", "123"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("answered a request for call '123' with call '999'"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

/// A vendor's value holding terminal escapes is printed harmless: tables, show and errors.
#[test]
fn terminal_escapes_from_a_vendor_are_neutralised() {
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}";
    let call = famulor_call(7, |c| {
        c["assistant_name"] = evil.into();
        c["client_phone_number"] = evil.into();
    });
    let page = laravel(vec![call.clone()], 1, 1);
    let api = Hostile::start(move |seen, _| {
        if seen.uri.contains("/calls/7") {
            hostile::json(&call)
        } else if seen.uri.contains("/calls/8") {
            hostile::reply(
                422,
                &[("content-type", "application/json")],
                serde_json::json!({"message": format!("no such call {evil}")}).to_string(),
            )
        } else {
            hostile::json(&page)
        }
    });
    let home = hostile_home("famulor", &api);
    let list: Vec<&str> = ["list", "-o", "table"].into_iter().chain(WINDOW).collect();
    for args in [&list[..], &["show", "7"], &["show", "8"]] {
        let r = run(home
            .cmd()
            .env("CALLS_ASSUME_TTY", "1")
            .env("COLUMNS", "200")
            .args(args));
        let both = format!("{}{}", r.stdout, r.stderr);
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(!both.contains(bad), "{args:?} printed {bad:?}: {both:?}");
        }
        assert!(both.contains("\\u{1b}]0;pwned"), "{args:?}: {both}");
        // In colour, the only escapes are calls' own colour sequences (ESC [ digits;... m).
        let colored = run(home
            .cmd()
            .env_remove("NO_COLOR")
            .env("CALLS_ASSUME_TTY", "1")
            .env("COLUMNS", "200")
            .args(args));
        let both = format!("{}{}", colored.stdout, colored.stderr);
        // (`show` prints its fields plain; its error, and the table, are in colour.)
        if args != ["show", "7"] {
            assert!(both.contains("\u{1b}[1"), "{args:?} is in colour: {both:?}");
        }
        let mut rest = both.as_str();
        while let Some(at) = rest.find('\u{1b}') {
            let sgr = &rest[at + 1..];
            let end = sgr.find('m').expect("an SGR sequence ends in m");
            assert!(
                sgr.starts_with('[')
                    && sgr[1..end].bytes().all(|b| b.is_ascii_digit() || b == b';'),
                "{args:?} printed a foreign escape: {both:?}"
            );
            rest = &sgr[end..];
        }
        for bad in ['\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(!both.contains(bad), "{args:?} printed {bad:?}: {both:?}");
        }
    }
}

/// SPEC "Output": csv, tsv, ndjson and json written to a terminal show a vendor's control
/// characters and bidi overrides escaped, as tables do (and `stats`' machine formats too); in a
/// pipe the bytes are the vendor's, and the values read back equal.
#[test]
fn machine_formats_on_a_terminal_escape_vendor_text_and_pipes_keep_it() {
    let evil = "a\u{1b}]0;pwned\u{7}b\u{1b}[2J\u{9b}31m\u{202e}z\u{2066}\u{7f}\u{85}";
    let call = famulor_call(7, |c| {
        c["assistant_name"] = evil.into();
        c["campaign_name"] = evil.into();
        c["client_phone_number"] = evil.into();
        c["status"] = evil.into();
        c["recording_url"] = serde_json::Value::Null;
    });
    let page = laravel(vec![call], 1, 1);
    let api = Hostile::start(move |_, _| hostile::json(&page));
    let home = hostile_home("famulor", &api);
    let unsafe_char = |c: char| {
        c.is_control() && c != '\n' && c != '\t'
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    };
    for format in ["csv", "tsv", "ndjson", "json"] {
        for (cmd, extra) in [("list", &["--raw"][..]), ("stats", &["--by", "agent"][..])] {
            let extra = if cmd == "list" && !format.contains("json") {
                &[][..]
            } else {
                extra
            };
            let args: Vec<&str> = [cmd, "-o", format]
                .into_iter()
                .chain(extra.iter().copied())
                .chain(WINDOW)
                .collect();
            let tty = run(home.cmd().env("CALLS_ASSUME_TTY", "1").args(&args));
            assert_eq!(tty.code, 0, "{args:?}: {}", tty.stderr);
            assert!(
                !tty.stdout.chars().any(unsafe_char),
                "{args:?} on a terminal printed a raw control or bidi character: {:?}",
                tty.stdout
            );
            assert!(
                tty.stdout.contains("pwned") && !tty.stdout.contains('\u{1b}'),
                "{args:?}: {:?}",
                tty.stdout
            );
            let pipe = run(home.cmd().args(&args));
            assert_eq!(pipe.code, 0, "{args:?}: {}", pipe.stderr);
            // The agent's name as each format reads back.
            let agent = |out: &str| -> Vec<String> {
                match format {
                    "csv" => csv::Reader::from_reader(out.as_bytes())
                        .deserialize::<std::collections::HashMap<String, String>>()
                        .map(|r| r.unwrap()["agent"].clone())
                        .collect(),
                    "tsv" => {
                        let mut lines = out.lines();
                        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
                        let at = header.iter().position(|h| *h == "agent").unwrap();
                        lines
                            .map(|l| l.split('\t').nth(at).unwrap().to_string())
                            .collect()
                    }
                    _ => {
                        let rows: Vec<serde_json::Value> = if format == "json" {
                            serde_json::from_str(out).unwrap()
                        } else {
                            out.lines()
                                .map(|l| serde_json::from_str(l).unwrap())
                                .collect()
                        };
                        rows.iter()
                            .map(|r| r["agent"].as_str().unwrap().to_string())
                            .collect()
                    }
                }
            };
            assert_eq!(agent(&pipe.stdout), [evil], "{args:?} in a pipe");
            if format.contains("json") {
                // JSON on a terminal is still JSON, and says the same.
                assert_eq!(agent(&tty.stdout), agent(&pipe.stdout), "{args:?}");
                if cmd == "list" {
                    let raw = |out: &str| -> serde_json::Value {
                        let line = out.lines().find(|l| l.contains("raw")).unwrap();
                        let line = line.trim_start_matches('[').trim_end_matches(',');
                        serde_json::from_str::<serde_json::Value>(line).unwrap()["raw"].clone()
                    };
                    assert_eq!(raw(&tty.stdout), raw(&pipe.stdout), "{args:?}");
                    assert_eq!(raw(&pipe.stdout)["assistant_name"], evil);
                }
            } else {
                assert!(pipe.stdout.contains(evil), "{args:?}: the vendor's bytes");
            }
        }
    }
}

/// A response larger than a page can be (64 MiB) is refused, with or without a Content-Length,
/// instead of filling the memory.
#[test]
fn a_huge_response_is_refused_not_read_into_memory() {
    for declared in [false, true] {
        let api = Hostile::start(move |_, _| {
            let mut r = hostile::huge("application/json", b"{\"data\": [\"", 65 << 20, b'x');
            if declared {
                r.headers_mut()
                    .insert("content-length", (65u64 << 20).to_string().parse().unwrap());
            }
            r
        });
        let home = hostile_home("famulor", &api);
        let r = run(home.cmd().args(["export", "-o", "csv"]).args(WINDOW));
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains("sent a response over 67.1 MB"),
            "{declared}: {}",
            r.stderr
        );
        assert_eq!(api.count(), 1, "not retried");
        assert!(r.stdout.is_empty());
    }
}
