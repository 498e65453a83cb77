//! The vendors' own published examples (`fixtures/<vendor>/`, copied verbatim from
//! `shared/vendor-docs/samples/`) served as a vendor would, through the real binary: each shape
//! is read, or is a clear error that names the vendor and leaves the state as it was; never a
//! call dropped or a listing cut short in silence.

mod common;

use std::sync::{Arc, Mutex};

use common::hostile::{self, Hostile};
use common::*;

use serde_json::{json, Value};

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A server that answers every request with the body the test last set.
fn serving(body: &str) -> (Hostile, Arc<Mutex<String>>) {
    let current = Arc::new(Mutex::new(body.to_string()));
    let shared = current.clone();
    let api = Hostile::start(move |_, _| {
        let body = shared.lock().unwrap().clone();
        hostile::reply(200, &[("content-type", "application/json")], body)
    });
    (api, current)
}

fn profile(vendor: &str, base: &str, extra: &str) -> String {
    format!(
        "[profiles.h]\nvendor = \"{vendor}\"\nbase_url = \"{base}\"\ntoken = \"tok-4711\"\n{extra}"
    )
}

const SINCE_LAST: [&str; 10] = [
    "-p",
    "h",
    "export",
    "--since-last",
    "--state",
    "state.json",
    "--from",
    "2019-01-01",
    "-o",
    "json",
];

/// Evolux's published examples that are not JSON (`"uuid": ,`, a cut-off excerpt, a doubled
/// comma): served as the list, each fails the run with exit 1 and an error naming the vendor
/// and the page; the state is not created, nor changed when it exists.
#[test]
fn evolux_bodies_that_are_not_json_fail_the_run_and_leave_the_state() {
    for sample in [
        "evolux/history-2020-as-published.txt",
        "evolux/history-2021-excerpt-as-published.txt",
        "evolux/studio-as-published.txt",
    ] {
        let (api, body) = serving(&fixture(sample));
        let home = Home::new();
        home.write_config(&profile("evolux", &api.base, ""));
        let r = run(home.cmd().args(SINCE_LAST).args(["--output", "out.json"]));
        assert_eq!(r.code, 1, "{sample}: {}", r.stderr);
        assert!(
            r.stderr.starts_with("error: reading evolux's page 1: evolux sent a response calls cannot read (200 OK from http://127.0.0.1:"),
            "{sample}: {}",
            r.stderr
        );
        assert!(!home.path("state.json").exists(), "{sample}");
        assert!(!home.path("out.json").exists(), "{sample}");
        // A state from a good run stays exactly as it was.
        *body.lock().unwrap() = fixture("evolux/list.json");
        let r = run(home.cmd().args(SINCE_LAST).args(["--output", "out.json"]));
        assert_eq!(r.code, 0, "{sample}: {}", r.stderr);
        let got: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(home.path("out.json")).unwrap()).unwrap();
        assert_eq!(got.len(), 2);
        let (state, out) = (
            std::fs::read(home.path("state.json")).unwrap(),
            std::fs::read(home.path("out.json")).unwrap(),
        );
        *body.lock().unwrap() = fixture(sample);
        let r = run(home.cmd().args(SINCE_LAST).args(["--output", "out.json"]));
        assert_eq!(r.code, 1, "{sample}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("evolux sent a response calls cannot read"),
            "{}",
            r.stderr
        );
        assert_eq!(
            std::fs::read(home.path("state.json")).unwrap(),
            state,
            "{sample}"
        );
        assert_eq!(
            std::fs::read(home.path("out.json")).unwrap(),
            out,
            "{sample}"
        );
    }
}

/// Evolux's 2020 example (repaired into JSON): `+00` offsets read, and the end before the start
/// is no duration; the 2021 example's repeated `hangup_cause`: the last one.
#[test]
fn evolux_offsets_without_minutes_and_an_end_before_the_start() {
    let (api, body) = serving(&fixture("evolux/history-2020.json"));
    let home = Home::new();
    home.write_config(&profile("evolux", &api.base, ""));
    let export = [
        "-p",
        "h",
        "export",
        "-o",
        "json",
        "--tz",
        "UTC",
        "--from",
        "2020-01-01",
    ];
    // As published, the example counts 2 calls (`total`, `items`) and holds one: a run that
    // got fewer calls than the vendor counted fails, naming the numbers.
    let r = run(home.cmd().args(export).args(["--to", "2020-02-01"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("evolux reported 2 calls in the window, 1 arrived"),
        "{}",
        r.stderr
    );
    // Its counts made to agree with its one record, it reads.
    let mut page: Value = serde_json::from_str(&fixture("evolux/history-2020.json")).unwrap();
    page["pagination"]["total"] = json!(1);
    page["pagination"]["items"] = json!(1);
    *body.lock().unwrap() = page.to_string();
    let r = run(home.cmd().args(export).args(["--to", "2020-02-01"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got.len(), 1);
    let c = &got[0];
    assert_eq!(
        (
            &c["id"],
            &c["started_at"],
            &c["ended_at"],
            &c["duration"],
            &c["talk_time"],
            &c["customer_number"]
        ),
        (
            &json!("1"),
            &json!("2020-01-11T23:00:00Z"),
            &json!("2020-01-11T00:01:00Z"),
            &Value::Null,
            &json!(400),
            &Value::Null
        )
    );
    *body.lock().unwrap() = fixture("evolux/list.json");
    let r = run(home.cmd().args(export).args(["--to", "2022-01-01"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    let first = got.iter().find(|c| c["id"] == "48582566").unwrap();
    assert_eq!(first["vendor_status"], "Normal clearing");
}

/// Famulor classic's German docs list has no `next_page_url`: read whole in one request, the
/// costs (numbers) as written.
#[test]
fn famulor_list_without_next_page_url_is_read_in_one_request() {
    let (api, _) = serving(&fixture("famulor/list-de.json"));
    let home = Home::new();
    home.write_config(&profile("famulor", &api.base, ""));
    let r = run(home.cmd().args([
        "-p",
        "h",
        "export",
        "-o",
        "json",
        "--tz",
        "UTC",
        "--from",
        "2024-01-15",
        "--to",
        "2024-01-15",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    let seen: Vec<(&Value, &Value, &Value)> = got
        .iter()
        .map(|c| (&c["id"], &c["started_at"], &c["cost"]))
        .collect();
    assert_eq!(
        seen,
        [
            (
                &json!("123456"),
                &json!("2024-01-15T10:30:00Z"),
                &json!("0.12")
            ),
            (
                &json!("123457"),
                &json!("2024-01-15T14:20:00Z"),
                &json!("0.08")
            ),
        ]
    );
    assert_eq!(api.count(), 1);
}

/// A list holding the single-call examples' records: zoneless `created_at` is UTC unless the
/// profile's `vendor_timezone` says otherwise (never `--tz`); decimal-string costs kept.
#[test]
fn famulor_zoneless_times_are_utc_unless_the_profile_says() {
    let record = |name: &str| serde_json::from_str::<Value>(&fixture(name)).unwrap();
    let mut new = record("famulor/show-docs-new.json");
    new["id"] = json!(124);
    // The same instant with the offsets other revisions write (`+0200`, `+02`): whatever
    // the profile's zone, an offset wins.
    let (mut hhmm, mut hh) = (new.clone(), new.clone());
    (hhmm["id"], hhmm["created_at"]) = (json!(125), json!("2025-08-04T16:30:00+0200"));
    (hh["id"], hh["created_at"]) = (json!(126), json!("2025-08-04 16:30:00.000000+02"));
    let page = json!({"data": [new, record("famulor/show-docs-old.json"), hhmm, hh],
                      "current_page": 1, "per_page": 15, "total": 4, "last_page": 1});
    let (api, _) = serving(&page.to_string());
    let home = Home::new();
    let export = [
        "-p",
        "h",
        "export",
        "-o",
        "json",
        "--tz",
        "America/Sao_Paulo",
        "--from",
        "2025-08-01",
        "--to",
        "2025-08-10",
    ];
    let starts = |r: &Run| -> Vec<(String, String, Value)> {
        let got: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
        got.iter()
            .map(|c| {
                let t = chrono::DateTime::parse_from_rfc3339(c["started_at"].as_str().unwrap())
                    .unwrap();
                (
                    c["id"].as_str().unwrap().to_string(),
                    t.to_utc().to_rfc3339(),
                    c["cost"].clone(),
                )
            })
            .collect()
    };
    home.write_config(&profile("famulor", &api.base, ""));
    let r = run(home.cmd().args(export));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        starts(&r),
        [
            (
                "124".into(),
                "2025-08-04T14:30:00+00:00".into(),
                json!("0.02500000")
            ),
            (
                "123".into(),
                "2025-08-04T14:30:00+00:00".into(),
                json!("0.025")
            ),
            (
                "125".into(),
                "2025-08-04T14:30:00+00:00".into(),
                json!("0.02500000")
            ),
            (
                "126".into(),
                "2025-08-04T14:30:00+00:00".into(),
                json!("0.02500000")
            ),
        ]
    );
    home.write_config(&profile(
        "famulor",
        &api.base,
        "vendor_timezone = \"Europe/Berlin\"\n",
    ));
    let r = run(home.cmd().args(export));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<(String, String)> = starts(&r).into_iter().map(|(id, t, _)| (id, t)).collect();
    let berlin = "2025-08-04T12:30:00+00:00".to_string();
    let offset = "2025-08-04T14:30:00+00:00".to_string();
    assert_eq!(
        got,
        [
            ("124".into(), berlin.clone()),
            ("123".into(), berlin),
            ("125".into(), offset.clone()),
            ("126".into(), offset),
        ]
    );
    // A zone that does not exist is the config's error, named by its key.
    home.write_config(&profile(
        "famulor",
        &api.base,
        "vendor_timezone = \"Europe/Berln\"\n",
    ));
    let r = run(home.cmd().args(export));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("profiles.h.vendor_timezone: unknown time zone 'Europe/Berln'"),
        "{}",
        r.stderr
    );
}

/// Famulor endpoints that answer an error with HTTP 200 (`{"success": false, ...}`, `error` a
/// string or an object): an error with the vendor's message, exit 3 for the credentials, else
/// exit 1; never an empty page taken for the end; nothing written, no state.
#[test]
fn famulor_errors_sent_with_http_200_are_errors() {
    for (body, code, said) in [
        (json!({"success": false, "error": "Plan expired", "error_code": "PLAN_EXPIRED"}), 1, "famulor answered an error (HTTP 200 with success=false): Plan expired (error_code PLAN_EXPIRED)"),
        (json!({"success": false, "error": {"message": "Temporarily unavailable", "code": 503}}), 1, "success=false): Temporarily unavailable"),
        (json!({"success": false, "error": "Quota", "data": [], "current_page": 1, "last_page": 1, "total": 0}), 1, "success=false): Quota"),
        (json!({"success": false, "error": "Invalid API key", "error_code": 401}), 3, "famulor rejected the credentials (HTTP 200 with success=false): Invalid API key (error_code 401)"),
        (json!({"success": false, "error": {"message": "Session expired"}, "error_code": 403}), 3, "famulor rejected the credentials (HTTP 200 with success=false): Session expired (error_code 403)"),
        (json!({"success": false, "error": "Token limit reached for this month", "error_code": "QUOTA"}), 1, "famulor answered an error (HTTP 200 with success=false): Token limit reached"),
    ] {
        let (api, _) = serving(&body.to_string());
        let home = Home::new();
        home.write_config(&profile("famulor", &api.base, ""));
        let r = run(home.cmd().args(SINCE_LAST).args(["--output", "out.json"]));
        assert_eq!(r.code, code, "{body}: {}", r.stderr);
        assert!(r.stderr.contains(said), "{body}: {}", r.stderr);
        assert!(!home.path("out.json").exists() && !home.path("state.json").exists());
        let r = run(home.cmd().args(["-p", "h", "show", "123"]));
        assert_eq!(r.code, code, "{body}: {}", r.stderr);
        assert!(r.stderr.contains(said), "{body}: {}", r.stderr);
        if code == 3 {
            assert!(r.stderr.contains("hint: "), "{}", r.stderr);
        }
        assert!(!r.stderr.contains("tok-4711"), "{}", r.stderr);
    }
}

/// A Famulor delete answered with HTTP 200 and `success: false` did not delete: the id is
/// reported as failed with the vendor's message, exit 1, never `deleted`.
#[test]
fn famulor_delete_answered_with_success_false_is_a_failure() {
    let (api, _) =
        serving(&json!({"success": false, "error": "Call is still in progress"}).to_string());
    let home = Home::new();
    home.write_config(&profile("famulor", &api.base, ""));
    let r = run(home.cmd().args(["-p", "h", "delete", "123456", "--yes"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("deleted"), "{}", r.stdout);
    assert!(
        r.stderr.contains("failed 123456: famulor answered an error (HTTP 200 with success=false): Call is still in progress"),
        "{}",
        r.stderr
    );
    let sent: Vec<String> = api
        .seen()
        .iter()
        .map(|s| format!("{} {}", s.method, s.uri))
        .collect();
    assert_eq!(sent, ["DELETE /api/user/calls/123456"]);
}
