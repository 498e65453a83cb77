//! Brightcall's dialer v3 (`api = "v3"`): the count request first, then every list page once
//! (fetched ahead), the body clients send, the key in the query string only, exact output
//! against the sandbox's truth, recordings without credentials, and absurd vendor numbers.

mod common;

use std::collections::BTreeMap;

use common::hostile::{self, Hostile};
use common::recording::*;
use common::*;

use calls::sandbox::Recorded;
use calls::vendors::Vendor;
use serde_json::{json, Value};

const KEY: &str = "brightcall-sandbox-key";

fn v3_requests(sb: &calls::sandbox::Sandbox) -> Vec<Recorded> {
    sb.requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/brightcall-v3/"))
        .collect()
}

fn body(r: &Recorded) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

/// Neither a header nor the body of any request carries the key; the query string does.
fn key_in_query_only(reqs: &[Recorded]) {
    assert!(!reqs.is_empty());
    for r in reqs {
        assert_eq!(r.param("api-key"), Some(KEY), "{}", r.path);
        assert!(!r.body.contains(KEY), "{}", r.body);
        assert!(
            r.headers.iter().all(|(_, v)| !v.contains(KEY)),
            "{:?}",
            r.headers
        );
    }
}

#[test]
fn v3_counts_first_then_reads_every_page_once_and_exports_exactly() {
    let sb = sandbox(options());
    let home = Home::new();
    // Pages of 40: 400 calls are 10 pages, fetched ahead.
    home.write_config(&sb.config_toml().replace(
        "[profiles.brightcall-v3]\n",
        "[profiles.brightcall-v3]\npage_size = 40\n",
    ));
    let r = run(home.cmd().args([
        "-p",
        "brightcall-v3",
        "--concurrency",
        "4",
        "export",
        "-o",
        "json",
        "--from",
        FROM,
        "--to",
        TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    let want: Vec<Value> = truth(&sb, Vendor::Brightcall)
        .iter()
        .map(call_json)
        .collect();
    assert_eq!(want.len(), 400);
    assert!(got == want, "{} calls, {} expected", got.len(), want.len());
    // Some calls have a recording link, and they come out with it.
    assert!(got.iter().any(|c| c["recording_url"].is_string()));

    let reqs = v3_requests(&sb);
    assert!(
        sb.requests()
            .iter()
            .all(|r| r.path.starts_with("/brightcall-v3/")),
        "v3 only"
    );
    assert_eq!(reqs[0].path, "/brightcall-v3/api/v3/stat/calls/count");
    assert_eq!(reqs[0].method, "POST");
    let lists: Vec<&Recorded> = reqs[1..].iter().collect();
    assert!(lists
        .iter()
        .all(|r| r.path == "/brightcall-v3/api/v3/stat/calls/list" && r.method == "POST"));
    let mut pages: BTreeMap<u64, usize> = BTreeMap::new();
    for r in &lists {
        *pages.entry(body(r)["page"].as_u64().unwrap()).or_default() += 1;
    }
    assert_eq!(
        pages,
        (1..=10).map(|p| (p, 1)).collect::<BTreeMap<_, _>>(),
        "every page once"
    );
    for r in &reqs {
        let b = body(r);
        for (k, v) in [
            ("dayFrom", json!("2025-03-01")),
            ("dayTo", json!("2025-05-31")),
            ("dateInterval", json!("day")),
            ("allUsers", json!(true)),
            ("itemsPerPage", json!(40)),
            ("sortBy", json!("timestamp")),
            ("sortDirection", json!("DESC")),
        ] {
            assert_eq!(b[k], v, "{k} in {b}");
        }
    }
    // The count asks for the same body as the first page.
    assert_eq!(body(&reqs[0]), body(lists[0]));
    key_in_query_only(&reqs);
    assert!(!r.stderr.contains(KEY));

    // `show` asks v3's list for the one uniqueId, of every user.
    sb.clear_requests();
    let want = &truth(&sb, Vendor::Brightcall)[7];
    let r = run(home
        .cmd()
        .args(["-p", "brightcall-v3", "show", &want.id, "-o", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut got: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(got["raw"].is_object());
    got.as_object_mut().unwrap().remove("raw");
    assert_eq!(got, call_json(want));
    let reqs = v3_requests(&sb);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, "/brightcall-v3/api/v3/stat/calls/list");
    let b = body(&reqs[0]);
    assert_eq!(
        (&b["uniqueIds"], &b["allUsers"]),
        (&json!([want.id]), &json!(true))
    );
}

#[test]
fn v3_asks_for_500_a_page_and_filters_at_the_vendor() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args([
        "-p",
        "brightcall-v3",
        "-v",
        "list",
        "-o",
        "json",
        "--limit",
        "1000",
        "--direction",
        "outbound",
        "--status",
        "missed",
        "--from",
        FROM,
        "--to",
        TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    let want: Vec<Value> = truth(&sb, Vendor::Brightcall)
        .iter()
        .filter(|c| {
            c.direction == calls::call::Direction::Outbound
                && c.status == calls::call::Status::Missed
        })
        .map(call_json)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let reqs = v3_requests(&sb);
    let paths: Vec<&str> = reqs.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/brightcall-v3/api/v3/stat/calls/count",
            "/brightcall-v3/api/v3/stat/calls/list"
        ]
    );
    let b = body(&reqs[1]);
    assert_eq!(
        (&b["itemsPerPage"], &b["types"], &b["states"], &b["page"]),
        (&json!(500), &json!([1]), &json!([0]), &json!(1))
    );
    assert!(
        r.stderr.contains("--direction vendor+client")
            && r.stderr.contains("--status vendor+client"),
        "{}",
        r.stderr
    );
    // A page size beyond v3's 500 is a config error that names the limit.
    home.write_config(&sb.config_toml().replace(
        "[profiles.brightcall-v3]\n",
        "[profiles.brightcall-v3]\npage_size = 501\n",
    ));
    let r = run(home.cmd().args(["-p", "brightcall-v3", "list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("profiles.brightcall-v3.page_size must be from 1 to 500"),
        "{}",
        r.stderr
    );
}

#[test]
fn v3_and_v1_recordings_come_from_their_links_without_the_key() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let window = ["--from", "2025-05-15", "--to", TO];
    let want = sb.expected(
        Vendor::Brightcall,
        at("2025-05-15T00:00:00Z"),
        at("2025-06-01T00:00:00Z"),
    );
    let with = want.iter().filter(|c| c.recording_url.is_some()).count();
    // Some calls have a recording named by a file only: those are without recording.
    let bare = want.len() - with;
    assert!(with > 3 && bare > 3, "{with} with, {bare} without");
    for profile in ["brightcall-v3", "brightcall"] {
        let dir = format!("r-{profile}");
        let before = sb.recording_requests().len();
        let r = run(home
            .cmd()
            .args(["-p", profile, "-v", "recording", "--dir", &dir])
            .args(["--manifest", "m.csv"])
            .args(window));
        assert_eq!(r.code, 0, "{profile}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("downloaded {with} (")),
            "{profile}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("without recording {bare}")),
            "{profile}: {}",
            r.stderr
        );
        let rows = manifest(&home.path("m.csv"));
        let downloaded: Vec<_> = rows
            .iter()
            .filter(|r| r["status"] == "downloaded")
            .collect();
        assert_eq!(downloaded.len(), with);
        for row in &downloaded {
            let saved = std::fs::read(home.path(&row["path"])).unwrap();
            assert_eq!(&saved[..4], b"RIFF", "real audio");
            assert!(row["path"].ends_with(".wav"), "{}", row["path"]);
        }
        let fetched = &sb.recording_requests()[before..];
        assert_eq!(fetched.len(), with, "{profile}: one request a recording");
        for f in fetched {
            assert!(f.path.starts_with("/brightcall/rec-"), "{}", f.path);
            assert!(f.query.is_empty(), "{:?}", f.query);
            assert!(f
                .headers
                .iter()
                .all(|(k, v)| !v.contains(KEY) && !k.eq_ignore_ascii_case("authorization")));
        }
        assert!(r.stderr.contains("no credentials"), "{}", r.stderr);
        assert!(!r.stderr.contains(KEY), "{}", r.stderr);
    }
}

#[test]
fn v3_with_a_wrong_key_is_exit_3_before_any_list_request() {
    let sb = sandbox(options());
    let home = Home::new();
    home.write_config(&sb.config_toml().replace(
        &format!("api_key = \"{KEY}\""),
        "api_key = \"not-the-key-31337\"",
    ));
    let r = run(home.cmd().args([
        "-p",
        "brightcall-v3",
        "export",
        "-o",
        "csv",
        "--output",
        "out.csv",
    ]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("brightcall rejected the credentials (401"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("`api_key` in profile 'brightcall-v3'"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not-the-key-31337"), "{}", r.stderr);
    assert!(!home.path("out.csv").exists());
    let paths: Vec<String> = v3_requests(&sb).into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/brightcall-v3/api/v3/stat/calls/count"]);
}

/// A v3 that answers its count and pages with absurd numbers: counts that are not counts are
/// unknown (paging then ends on a short page), ids keep their exact text, durations beyond any
/// call are null.
#[test]
fn v3_survives_absurd_numbers_and_keeps_ids_exact() {
    let list: Value =
        serde_json::from_str(include_str!("../fixtures/brightcall-v3/list.json")).unwrap();
    for count in [
        json!({"pagesCount": 1e300}),
        json!({"pagesCount": -3}),
        json!({"pagesCount": "many"}),
        json!({}),
    ] {
        let mut page = list.clone();
        page["pagesCount"] = json!("1e300");
        page["totalItems"] = json!(-1);
        page["calls"][0]["totalTime"] = json!(10_000_000_000_000u64);
        page["calls"][0]["callTime"] = json!(1e300);
        let count2 = count.clone();
        // Raw text, so the JSON number 1740690001.23510 keeps its trailing zero on the wire.
        let text = serde_json::to_string(&page).unwrap().replace(
            "\"uniqueId\":1740690001.2351,",
            "\"uniqueId\":1740690001.23510,",
        );
        let api = Hostile::start(move |seen, _| {
            if seen.uri.contains("/count") {
                hostile::json(&count2)
            } else {
                hostile::reply(200, &[("content-type", "application/json")], text.clone())
            }
        });
        let home = Home::new();
        home.write_config(&format!(
            "[profiles.h]\nvendor = \"brightcall\"\napi = \"v3\"\nbase_url = \"{}\"\napi_key = \"hostile-key-4711\"\n",
            api.base
        ));
        let r = run(home.cmd().args([
            "-p",
            "h",
            "export",
            "-o",
            "json",
            "--from",
            "2025-02-01",
            "--to",
            "2025-02-28",
        ]));
        assert_eq!(r.code, 0, "{count}: {}", r.stderr);
        let got: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
        let ids: Vec<&str> = got.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["1740690774.23600", "1740690001.23510"], "{count}");
        assert!(got[0]["duration"].is_null() && got[0]["ended_at"].is_null());
        assert_eq!(
            got[0]["recording_url"],
            "https://recordings.example.net/2025/02/27/1740690774.23600.mp3"
        );
        assert!(got[1]["recording_url"].is_null());
        let seen = api.seen();
        let uris: Vec<&str> = seen
            .iter()
            .map(|s| s.uri.split('?').next().unwrap())
            .collect();
        assert_eq!(
            uris,
            ["/api/v3/stat/calls/count", "/api/v3/stat/calls/list"],
            "{count}: a short first page is the end"
        );
        for s in &seen {
            assert!(s.uri.ends_with("?api-key=hostile-key-4711"), "{}", s.uri);
            let mut rest = s.everything();
            rest = rest.replacen("?api-key=hostile-key-4711", "", 1);
            assert!(!rest.contains("hostile-key-4711"), "{rest}");
        }
    }
}

/// `api = "v3"` without a `base_url` talks to the dialer's own host, v1's host serves only v1;
/// `calls vendors -o json` says so. Checked without a request: nothing leaves 127.0.0.1.
#[test]
fn v3_without_base_url_uses_the_dialers_host() {
    use calls::config::{Profile, Secret, SecretKey, SecretSource};
    for (api, host) in [
        (None, "https://api.ipmaxi.convolo.ai/"),
        (Some("v1"), "https://api.ipmaxi.convolo.ai/"),
        (Some("v3"), "https://api.dialer.brightcall.ai/"),
    ] {
        let mut profile = Profile::from_env(Vendor::Brightcall);
        profile.api = api.map(str::to_string);
        profile.secrets = vec![(
            SecretKey::api_key,
            SecretSource::Sandbox(Secret::new("k".to_string())),
        )];
        let http = calls::http::Http::new(calls::http::HttpOptions::default()).unwrap();
        let backend = calls::vendors::Backend::new(&profile, http).unwrap();
        assert_eq!(backend.conn().base.as_str(), host, "{api:?}");
    }
    let home = Home::new();
    let r = run(home.cmd().args(["vendors", "-o", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    let brightcall = v.iter().find(|e| e["vendor"] == "brightcall").unwrap();
    assert_eq!(brightcall["base_url"], "https://api.ipmaxi.convolo.ai");
    let hosts: Vec<(&Value, &Value)> = brightcall["apis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (&a["api"], &a["base_url"]))
        .collect();
    assert_eq!(
        hosts,
        [
            (&json!("v1"), &json!("https://api.ipmaxi.convolo.ai")),
            (&json!("v3"), &json!("https://api.dialer.brightcall.ai")),
        ]
    );
}
