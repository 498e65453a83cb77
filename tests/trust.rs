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
