//! myCRM as its clients use it (vendor-docs/README.md, "Seen in public client code"): users
//! expanded inline with `X-MyCRM-Expand-Data: true`, and the firewall's HTML 403 in front of the
//! API reported as a refusal, not as a JSON error or a credentials problem. Against the hostile
//! server, which answers as the vendor would.

mod common;

use common::hostile::{self, Hostile};
use common::*;

use serde_json::{json, Value};

const SECRET: &str = "pf-client-secret-4711";
const WINDOW: [&str; 4] = ["--from", "2023-01-01", "--to", "2023-09-30"];

fn config(base: &str) -> String {
    format!(
        "[profiles.h]\nvendor = \"mycrm\"\nbase_url = \"{base}\"\ntoken_url = \"{base}/token\"\n\
         client_id = \"pf-client\"\nclient_secret = \"{SECRET}\"\n"
    )
}

fn token() -> axum::response::Response {
    hostile::json(&json!({"access_token": "jwt-1", "token_type": "Bearer", "expires_in": 1800}))
}

/// The docs' example list; with the expand header its users carry `public` (one without a
/// last name).
fn records(expand: bool) -> Vec<Value> {
    let list: Value = serde_json::from_str(include_str!("../fixtures/mycrm/list.json")).unwrap();
    let mut calls = list["call_trackings"].as_array().unwrap().clone();
    if expand {
        calls[0]["user"]["public"] = json!({"first_name": "Sara", "last_name": "Haddad",
            "email": "sara@example.com", "phone": "+971 50 000 0000"});
        calls[1]["user"]["public"] = json!({"first_name": "Omar", "last_name": null,
            "email": null, "phone": null});
    }
    calls
}

fn expands(seen: &hostile::Seen) -> bool {
    seen.header("x-mycrm-expand-data") == Some("true")
}

#[test]
fn users_are_expanded_inline_so_the_agent_is_a_name_and_the_id_stays() {
    let api = Hostile::start(|seen, _| {
        let path = seen.uri.split('?').next().unwrap_or("");
        let calls = records(expands(seen));
        match path {
            "/token" => token(),
            "/calltrackings" => hostile::json(&json!({"count": 2, "call_trackings": calls})),
            "/calltrackings/2933498" => hostile::json(&calls[0]),
            _ => hostile::reply(404, &[], "{}"),
        }
    });
    let home = Home::new();
    home.write_config(&config(&api.base));
    let r = run(home
        .cmd()
        .args(["-p", "h", "export", "-o", "json", "--raw"])
        .args(WINDOW));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    let agents: Vec<&Value> = got.iter().map(|c| &c["agent"]).collect();
    assert_eq!(agents, [&json!("Sara Haddad"), &json!("Omar")]);
    // The id stays in the raw record.
    assert_eq!(got[0]["raw"]["user"]["id"], 41876);
    assert_eq!(got[1]["raw"]["user"]["id"], 76035);
    // `--agent` still takes the id.
    let r = run(home
        .cmd()
        .args(["-p", "h", "export", "-o", "json", "--agent", "76035"])
        .args(WINDOW));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(
        (&got[0]["id"], &got[0]["agent"]),
        (&json!("1957680"), &json!("Omar"))
    );
    let r = run(home
        .cmd()
        .args(["-p", "h", "show", "2933498", "-o", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(shown["agent"], "Sara Haddad");
    // One request a page or call, never one per user; every one asked for the expansion.
    let seen = api.seen();
    let reads: Vec<&hostile::Seen> = seen
        .iter()
        .filter(|s| s.uri.starts_with("/calltrackings"))
        .collect();
    assert_eq!(
        reads.len(),
        3,
        "{:?}",
        reads.iter().map(|s| &s.uri).collect::<Vec<_>>()
    );
    assert!(reads.iter().all(|s| s.method == "GET" && expands(s)));
    assert!(seen.iter().all(|s| !s.uri.contains("/users")));
}

/// The firewall's page, with a script, a style, a comment, entities, control characters, the
/// client secret echoed back, and far more text than a message can hold.
fn waf_page() -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>403 Forbidden</title>\
         <style>body {{ color: red }}</style><script>var blocked = \"yes\";</script></head>\
         <body><!-- ray 8f2c --><h1>Request blocked</h1>\n<p>Request ID: 7f3a &amp; IP \
         203.0.113.9 &lt;denied&gt;\u{1b}[31m; echo: {SECRET}</p><p>{}</p></body></html>",
        "This request was blocked by the security rules of the site. ".repeat(20)
    )
}

fn excerpt(stderr: &str) -> &str {
    let start = stderr
        .find("its page says: \"")
        .unwrap_or_else(|| panic!("{stderr}"))
        + "its page says: \"".len();
    let end = stderr[start..].find("\"\n").unwrap() + start;
    &stderr[start..end]
}

#[test]
fn a_firewall_page_under_a_json_content_type_is_a_refusal_not_a_credentials_error() {
    for at in ["/calltrackings", "/token"] {
        let api = Hostile::start(move |seen, _| {
            let path = seen.uri.split('?').next().unwrap_or("");
            if path == at {
                return hostile::reply(403, &[("content-type", "application/json")], waf_page());
            }
            match path {
                "/token" => token(),
                _ => hostile::json(&json!({"count": 2, "call_trackings": records(false)})),
            }
        });
        let home = Home::new();
        home.write_config(&config(&api.base));
        let r = run(home
            .cmd()
            .args(["-p", "h", "export", "-o", "csv", "--output", "out.csv"])
            .args(WINDOW));
        assert_eq!(r.code, 1, "{at}: {}", r.stderr);
        assert!(
            r.stderr.starts_with(
                "error: mycrm refused the request (403 Forbidden from http://127.0.0.1:"
            ),
            "{at}: {}",
            r.stderr
        );
        let said = excerpt(&r.stderr);
        assert!(
            said.starts_with(
                "403 Forbidden Request blocked Request ID: 7f3a & IP 203.0.113.9 <denied> [31m; echo: ***"
            ),
            "{at}: {said}"
        );
        assert!(said.ends_with('…') && said.chars().count() <= 121, "{said}");
        for never in ["<h1>", "color", "blocked = ", "ray 8f2c", "\u{1b}", SECRET] {
            assert!(!r.stderr.contains(never), "{at}: {never:?} in {}", r.stderr);
        }
        assert!(
            r.stderr
                .contains("hint: a firewall in front of the API refused it, not the API itself"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("rejected"), "{}", r.stderr);
        assert!(!r.stderr.contains("instead of JSON"), "{}", r.stderr);
        assert!(!home.path("out.csv").exists());
    }
    // A 403 from the API itself (JSON) is still the credentials' refusal.
    let api = Hostile::start(|seen, _| {
        if seen.uri.starts_with("/token") {
            return token();
        }
        hostile::reply(
            403,
            &[("content-type", "application/json")],
            r#"{"code": 403, "message": "Access denied"}"#,
        )
    });
    let home = Home::new();
    home.write_config(&config(&api.base));
    let r = run(home.cmd().args(["-p", "h", "list"]).args(WINDOW));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("mycrm rejected the credentials (403 Forbidden: Access denied)"),
        "{}",
        r.stderr
    );
}
