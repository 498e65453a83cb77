//! SPEC "Rate limits": the vendor's signals pace the whole run. Under the sandbox's emulation of
//! Famulor's limit (per credential, `X-RateLimit-*` on every answer, a 429 whose body says
//! `retry_after`), a large export at `--concurrency 8` completes exactly, hardly ever refused.

mod common;

use common::hostile::{self, Hostile};
use common::*;

use calls::sandbox::limit::RateLimit;
use calls::vendors::Vendor;

fn limited(headers: bool) -> calls::sandbox::Sandbox {
    sandbox(calls::sandbox::Options {
        calls: 700,
        latency: std::time::Duration::from_millis(40),
        rate_limit: Some(RateLimit {
            requests: 30,
            per: std::time::Duration::from_secs(3),
            headers,
        }),
        ..options()
    })
}

/// One at a time: the count of 429s depends on how fast the client hears of the first one, and
/// two limited exports side by side on two cores slow each other.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn export_under_the_limit(headers: bool) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let sb = limited(headers);
    let home = Home::new();
    // Pages of 10: 70 pages, over two windows of 30.
    home.write_config(&sb.config_toml().replace(
        "vendor = \"famulor\"\n",
        "vendor = \"famulor\"\npage_size = 10\n",
    ));
    let r = run(home.cmd().args([
        "-v",
        "--concurrency",
        "8",
        "export",
        "-o",
        "json",
        "--from",
        FROM,
        "--to",
        TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let want: Vec<serde_json::Value> = truth(&sb, Vendor::Famulor).iter().map(call_json).collect();
    assert_eq!(want.len(), 700);
    assert!(got == want, "exact, in order");
    let pages = sb
        .requests()
        .iter()
        .filter(|q| q.path.ends_with("/api/user/calls"))
        .count();
    assert!(pages >= 64, "{pages} pages");
    let refused = sb.rate_limited();
    assert!(
        refused <= 3,
        "{refused} requests refused (headers: {headers}):\n{}",
        r.stderr
    );
    if !headers {
        // Without the headers only a 429 tells: at least one, and each paused the run.
        assert!(refused >= 1, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("the vendor's rate limit: every request waits"),
            "{}",
            r.stderr
        );
    }
    assert!(!r.stderr.contains("gave up"), "{}", r.stderr);
}

#[test]
fn the_rate_limit_headers_pace_the_whole_run() {
    export_under_the_limit(true);
}

#[test]
fn a_429_with_only_a_body_retry_after_pauses_the_whole_run() {
    export_under_the_limit(false);
}

/// A 429 that says when does not use up --retries; one that asks for more than five minutes
/// fails the run at once, naming the limit.
#[test]
fn waits_do_not_use_up_retries_and_are_bounded() {
    let page = serde_json::json!({
        "current_page": 1, "data": [], "last_page": 1, "per_page": 100, "total": 0,
        "next_page_url": null
    });
    // Three 429s of one second each, then the page: with --retries 0 it still succeeds.
    let api = Hostile::start(move |_, n| {
        if n < 3 {
            hostile::reply(
                429,
                &[
                    ("content-type", "application/json"),
                    ("x-ratelimit-limit", "100"),
                ],
                r#"{"error":"Rate limit exceeded","message":"Too many.","retry_after":1}"#,
            )
        } else {
            hostile::json(&page)
        }
    });
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.h]\nvendor = \"famulor\"\nbase_url = \"{}\"\ntoken = \"tok-12345\"\n",
        api.base
    ));
    let r = run(home.cmd().args(["--retries", "0", "export", "-o", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(api.count(), 4);

    let api = Hostile::start(|_, _| {
        hostile::reply(
            429,
            &[
                ("content-type", "application/json"),
                ("x-ratelimit-limit", "100"),
            ],
            r#"{"error":"Rate limit exceeded","retry_after":3600}"#,
        )
    });
    home.write_config(&format!(
        "[profiles.h]\nvendor = \"famulor\"\nbase_url = \"{}\"\ntoken = \"tok-12345\"\n",
        api.base
    ));
    let r = run(home.cmd().args(["export", "-o", "json"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "asked calls to wait 3600 s (its limit: 100 requests a window): more than 5 minutes"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(api.count(), 1, "no waiting an hour, no retry");
}
