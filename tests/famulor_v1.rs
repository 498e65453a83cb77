//! Famulor Platform 2.0 (`api = "v1"`) against the sandbox's emulation: the requests sent (path,
//! `limit` / `offset`, exact `from` / `to`, filters, `Authorization`), the exact calls of a
//! window, a window split while the vendor's result cap is reached, the single call with each
//! transcript shape, fresh recording links on the other host, removal that hides, and the
//! vendor's errors and absurd numbers.

mod common;

use std::collections::HashSet;

use common::hostile::{self, Hostile};
use common::*;

use calls::call::{Call, Direction, Status};
use calls::query::Query;
use calls::sandbox::{Recorded, Sandbox};
use calls::vendors::{Backend, Vendor};

const LIST: &str = "/famulor-v1/api/v1/calls";
const TOKEN: &str = "fam_sandbox_v1_token";

fn query() -> Query {
    Query {
        from: at("2025-05-10T08:00:00Z"),
        to: at("2025-05-20T08:00:00Z"),
        tz: chrono_tz::Tz::UTC,
        direction: None,
        statuses: vec![],
        number: None,
        agents: vec![],
        campaigns: vec![],
        min_duration: None,
        max_duration: None,
        search: None,
        limit: None,
        params: vec![],
        page_size: 200,
        keep_raw: false,
        modified_since: None,
    }
}

fn backend_v1(sb: &Sandbox) -> Backend {
    let http = calls::http::Http::new(calls::http::HttpOptions::default()).unwrap();
    Backend::new(&sb.api_profile(Vendor::Famulor, "v1"), http).unwrap()
}

/// Every call of a query through the pager, as the commands run it.
fn fetch_v1(sb: &Sandbox, q: &Query, concurrency: usize) -> anyhow::Result<Vec<Call>> {
    let b = std::sync::Arc::new(backend_v1(sb));
    let plan = b.plan(q)?;
    let mut out = Vec::new();
    let pager = calls::pager::Pager {
        backend: b,
        query: std::sync::Arc::new(q.clone()),
        plan: &plan,
        concurrency,
        progress: false,
    };
    runtime().block_on(pager.run(&mut out))?;
    Ok(out)
}

fn expected(sb: &Sandbox, q: &Query) -> Vec<Call> {
    sb.expected_api(Vendor::Famulor, "v1", q.from, q.to)
}

fn list_requests(sb: &Sandbox) -> Vec<Recorded> {
    sb.requests()
        .into_iter()
        .filter(|r| r.path == LIST)
        .collect()
}

fn window(r: &Recorded) -> (String, String) {
    (
        r.param("from").unwrap().to_string(),
        r.param("to").unwrap().to_string(),
    )
}

#[test]
fn lists_the_exact_window_in_pages_of_200_with_bearer_auth() {
    let sb = sandbox(calls::sandbox::Options {
        calls: 4000,
        ..options()
    });
    let q = query();
    let want = expected(&sb, &q);
    assert!(want.len() > 400, "{} calls: three pages", want.len());
    for concurrency in [1, 4] {
        sb.clear_requests();
        let got = fetch_v1(&sb, &q, concurrency).unwrap();
        assert_eq!(got, want, "concurrency {concurrency}");
        let reqs = sb.requests();
        assert_eq!(reqs.len(), 3, "{reqs:?}");
        let mut offsets: Vec<&str> = reqs.iter().map(|r| r.param("offset").unwrap()).collect();
        offsets.sort();
        assert_eq!(offsets, ["0", "200", "400"]);
        for r in &reqs {
            assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", LIST));
            assert_eq!(r.header("authorization"), Some(&*format!("Bearer {TOKEN}")));
            assert_eq!(r.header("accept"), Some("application/json"));
            assert_eq!(r.param("limit"), Some("200"));
            // Exact date-times: no day rounding.
            assert_eq!(r.param("from"), Some("2025-05-10T08:00:00.000000Z"));
            assert_eq!(r.param("to"), Some("2025-05-20T08:00:00.000000Z"));
            for absent in ["status", "direction", "q", "assistant_id", "campaign_id"] {
                assert_eq!(r.param(absent), None, "{absent}");
            }
        }
    }
    // The same calls as classic Famulor, under their UUIDs.
    let classic = sb.expected(Vendor::Famulor, q.from, q.to);
    assert_eq!(classic.len(), want.len());
    assert!(want.iter().all(|c| c.id.len() == 36 && c.id.contains('-')));
}

#[test]
fn filters_map_to_platform_2_parameters_and_the_rest_runs_on_the_client() {
    let sb = sandbox(calls::sandbox::Options {
        calls: 4000,
        ..options()
    });
    let all = expected(&sb, &query());
    let agent = all
        .iter()
        .find(|c| c.direction == Direction::Inbound && c.status == Status::Missed)
        .and_then(|c| c.agent_id.clone())
        .unwrap();

    // One of each: at the vendor.
    let q = Query {
        direction: Some(Direction::Inbound),
        statuses: vec![Status::Missed],
        agents: vec![agent.clone()],
        ..query()
    };
    sb.clear_requests();
    let got = fetch_v1(&sb, &q, 1).unwrap();
    let want: Vec<Call> = all
        .iter()
        .filter(|c| {
            c.direction == Direction::Inbound
                && c.status == Status::Missed
                && c.agent_id.as_deref() == Some(&*agent)
        })
        .cloned()
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let r = &list_requests(&sb)[0];
    assert_eq!(r.param("direction"), Some("inbound"));
    assert_eq!(r.param("status"), Some("no_answer"));
    assert_eq!(r.param("assistant_id"), Some(&*agent));

    // Two assistants and a campaign: the assistants on the client, the campaign at the vendor.
    let other = all
        .iter()
        .filter_map(|c| c.agent_id.clone())
        .find(|a| *a != agent)
        .unwrap();
    let campaign = all.iter().find_map(|c| c.campaign_id.clone()).unwrap();
    let q = Query {
        agents: vec![agent.clone(), other.clone()],
        campaigns: vec![campaign.clone()],
        ..query()
    };
    sb.clear_requests();
    let got = fetch_v1(&sb, &q, 1).unwrap();
    let want: Vec<Call> = all
        .iter()
        .filter(|c| {
            [&agent, &other].contains(&c.agent_id.as_ref().unwrap())
                && c.campaign_id.as_deref() == Some(&*campaign)
        })
        .cloned()
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let r = &list_requests(&sb)[0];
    assert_eq!(r.param("assistant_id"), None);
    assert_eq!(r.param("campaign_id"), Some(&*campaign));

    // --search is the vendor's `q` over transcripts, which the list does not carry.
    let q = Query {
        search: Some("Rechnung".into()),
        keep_raw: true,
        modified_since: None,
        ..query()
    };
    sb.clear_requests();
    let got: Vec<String> = fetch_v1(&sb, &q, 1)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let truth: Vec<bool> = sb
        .world(Vendor::Famulor)
        .between(q.from, q.to)
        .iter()
        .rev()
        .map(|t| t.transcript().iter().any(|(_, l)| l.contains("Rechnung")))
        .collect();
    let want: Vec<String> = all
        .iter()
        .zip(truth)
        .filter(|(_, hit)| *hit)
        .map(|(c, _)| c.id.clone())
        .collect();
    assert!(!want.is_empty() && want.len() < all.len());
    assert_eq!(got, want);
    assert_eq!(list_requests(&sb)[0].param("q"), Some("Rechnung"));
}

#[test]
fn a_capped_window_is_split_until_no_part_is_capped_and_each_call_comes_once_newest_first() {
    let cap = 60;
    let sb = sandbox(calls::sandbox::Options {
        calls: 4000,
        famulor_v1_cap: cap,
        ..options()
    });
    let q = query();
    let want = expected(&sb, &q);
    assert!(want.len() > 6 * cap, "{} calls", want.len());
    for concurrency in [1, 8] {
        sb.clear_requests();
        let got = fetch_v1(&sb, &q, concurrency).unwrap();
        assert_eq!(got, want, "concurrency {concurrency}");
        let ids: HashSet<&str> = got.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), got.len());

        let reqs = list_requests(&sb);
        let probes: Vec<&Recorded> = reqs
            .iter()
            .filter(|r| r.param("limit") == Some("1"))
            .collect();
        let pages: Vec<&Recorded> = reqs
            .iter()
            .filter(|r| r.param("limit") == Some("200"))
            .collect();
        // The whole window first, then halves probed; the calls read from parts under the cap.
        assert_eq!(
            window(pages[0]),
            (
                "2025-05-10T08:00:00.000000Z".into(),
                "2025-05-20T08:00:00.000000Z".into()
            )
        );
        assert!(probes.len() >= 2 * 6, "{} probes", probes.len());
        let parts: HashSet<(String, String)> = pages[1..].iter().map(|r| window(r)).collect();
        assert!(parts.len() > 6, "{} parts", parts.len());
        let world = sb.world(Vendor::Famulor);
        for (from, to) in &parts {
            let held = world.between(at(from), at(to)).len();
            assert!(held <= cap, "{from}..{to} holds {held}");
            assert!(probes
                .iter()
                .any(|p| window(p) == (from.clone(), to.clone())));
        }
    }
}

#[test]
fn a_second_with_more_calls_than_the_cap_is_exit_1_and_writes_nothing() {
    let sb = sandbox(calls::sandbox::Options {
        famulor_v1_cap: 5,
        ..options()
    });
    let second = at("2025-05-19T12:00:00Z");
    sb.add_calls(
        Vendor::Famulor,
        8,
        second,
        second + chrono::Duration::seconds(1),
    );
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args([
        "-p",
        "famulor-v1",
        "export",
        "--from",
        "2025-05-19T00:00:00Z",
        "--to",
        "2025-05-20T00:00:00Z",
        "--output",
        "out.ndjson",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("error: famulor reached its result cap (meta.result_cap_reached) between 2025-05-19T12:00:00")
            && r.stderr.contains("cannot be split further"),
        "{}",
        r.stderr
    );
    assert!(!home.path("out.ndjson").exists());
    assert_eq!(r.stdout, "");
}

#[test]
fn export_through_the_binary_is_exact_over_a_split_window() {
    let sb = sandbox(calls::sandbox::Options {
        calls: 4000,
        famulor_v1_cap: 100,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args([
        "-p",
        "famulor-v1",
        "-v",
        "export",
        "--from",
        "2025-05-10T08:00:00Z",
        "--to",
        "2025-05-20T08:00:00Z",
        "-o",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let want: Vec<serde_json::Value> = expected(&sb, &query()).iter().map(call_json).collect();
    assert!(want.len() > 400);
    assert!(got == want, "{} calls, {} expected", got.len(), want.len());
    assert!(r.stderr.contains("result cap reached"), "{}", r.stderr);
}

#[test]
fn show_reads_each_transcript_shape() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let world = sb.world(Vendor::Famulor);
    let answered: Vec<u32> = world
        .calls
        .iter()
        .filter(|t| t.status == Status::Answered)
        .map(|t| t.seq)
        .collect();
    drop(world);
    let all = sb.expected_api(Vendor::Famulor, "v1", at("2025-01-01T00:00:00Z"), at(UNTIL));
    let by_seq = |seq: u32| {
        all.iter()
            .find(|c| c.id.ends_with(&format!("{seq:012x}")))
            .unwrap()
            .clone()
    };
    for shape in 0..3 {
        let seq = *answered.iter().find(|s| *s % 3 == shape).unwrap();
        let want = by_seq(seq);
        // The case of a UUID's hex digits is not part of it.
        let typed = if shape == 2 {
            want.id.to_uppercase()
        } else {
            want.id.clone()
        };
        let r = run(home
            .cmd()
            .args(["-p", "famulor-v1", "show", &typed, "-o", "json"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let got: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let mut normalized = got.clone();
        normalized.as_object_mut().unwrap().remove("raw");
        assert_eq!(normalized, call_json(&want), "shape {shape}");
        let t = &got["raw"]["transcript"];
        let first = match shape {
            0 => t.as_str().unwrap().lines().next().unwrap().to_string(),
            1 => t[0]["content"].as_str().unwrap().to_string(),
            _ => t["items"][0]["content"].as_str().unwrap().to_string(),
        };
        assert!(!first.is_empty(), "shape {shape}: {t}");
    }
    let r = run(home.cmd().args([
        "-p",
        "famulor-v1",
        "show",
        "00000000-0000-4000-8000-000000000001",
    ]));
    assert!(r.stderr.contains("has no call with id"), "{}", r.stderr);
}

#[test]
fn recordings_come_through_fresh_links_without_credentials_on_the_other_host() {
    // Listed links are expired from the start: only a fresh one works.
    let sb = sandbox(calls::sandbox::Options {
        signed_link_ttl: std::time::Duration::ZERO,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let all = sb.expected_api(Vendor::Famulor, "v1", at("2025-05-01T00:00:00Z"), at(UNTIL));
    let with = all.iter().find(|c| c.recording_url.is_some()).unwrap();
    let without = all.iter().find(|c| c.recording_url.is_none()).unwrap();

    let r = run(home
        .cmd()
        .args(["-p", "famulor-v1", "recording", &with.id, "--dir", "rec"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = std::fs::read(home.path(&format!("rec/famulor-{}.wav", with.id))).unwrap();
    assert!(file.starts_with(b"RIFF") && file.len() > 100_000);
    let api: Vec<String> = sb.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        api,
        [
            format!("{LIST}/{}", with.id),
            format!("{LIST}/{}/recording", with.id)
        ]
    );
    let fresh = &sb.requests()[1];
    assert_eq!(fresh.param("expires_in"), Some("3600"));
    assert_eq!(
        fresh.header("authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
    let rec = sb.recording_requests();
    assert_eq!(rec.len(), 2, "the expired link, then the fresh one");
    assert_ne!(rec[0].param("expires"), rec[1].param("expires"));
    for r in &rec {
        assert_eq!(r.path, format!("/famulor-v1/{}.wav", with.id));
        assert_eq!(r.header("authorization"), None);
        assert!(!format!("{r:?}").contains(TOKEN));
    }

    // No recording: the API says 404, and the call is without one.
    sb.clear_requests();
    let r = run(home.cmd().args([
        "-p",
        "famulor-v1",
        "recording",
        &without.id,
        "--output",
        "-",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("has no recording"), "{}", r.stderr);
    assert_eq!(
        sb.requests().last().unwrap().path,
        format!("{LIST}/{}/recording", without.id)
    );

    // By filters: those without are counted, not failed.
    let day = sb.expected_api(
        Vendor::Famulor,
        "v1",
        at("2025-05-20T00:00:00Z"),
        at("2025-05-23T00:00:00Z"),
    );
    let none = day.iter().filter(|c| c.recording_url.is_none()).count();
    assert!(none > 0 && none < day.len());
    let r = run(home.cmd().args([
        "-p",
        "famulor-v1",
        "recording",
        "--from",
        "2025-05-20T00:00:00Z",
        "--to",
        "2025-05-23T00:00:00Z",
        "--dir",
        "many",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("downloaded {}", day.len() - none))
            && r.stderr.contains(&format!("without recording {none}")),
        "{}",
        r.stderr
    );
}

#[test]
fn delete_hides_through_history_actions_and_says_so() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let all = sb.expected_api(Vendor::Famulor, "v1", at("2025-03-01T00:00:00Z"), at(UNTIL));
    let classic = truth(&sb, Vendor::Famulor).len();
    let (a, b) = (all[3].id.clone(), all[40].id.clone());
    let posts = || {
        sb.requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect::<Vec<_>>()
    };

    let r = run(home
        .cmd()
        .args(["-p", "famulor-v1", "delete", &a, &b, "--dry-run"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("note: Famulor Platform 2.0 hides removed calls from the history; it does not erase them.")
            && r.stdout.contains(&format!(
                "POST http://{}/famulor-v1/api/v1/history/actions {{\"action\":\"remove\",\"ids\":[\"{a}\",\"{b}\"],\"kind\":\"call\"}}",
                sb.addr
            )),
        "{}",
        r.stdout
    );
    assert!(posts().is_empty());

    let r = run(home.cmd().args(["-p", "famulor-v1", "delete", &a]));
    assert_eq!(r.code, 2, "no --yes without a terminal: {}", r.stderr);
    assert!(posts().is_empty());

    let r = run(home
        .cmd()
        .args(["-p", "famulor-v1", "delete", &a, &b, "--yes"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("deleted {a}\ndeleted {b}\n"));
    let sent = posts();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/famulor-v1/api/v1/history/actions");
    assert_eq!(
        sent[0].header("authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"action": "remove", "kind": "call", "ids": [a, b]})
    );
    let left = sb.expected_api(Vendor::Famulor, "v1", at("2025-03-01T00:00:00Z"), at(UNTIL));
    assert_eq!(left.len(), all.len() - 2);
    assert!(!left.iter().any(|c| c.id == a || c.id == b));
    let r = run(home.cmd().args(["-p", "famulor-v1", "show", &a]));
    assert!(r.stderr.contains("has no call with id"), "{}", r.stderr);
    // Hidden, not erased: the calls are still there.
    assert_eq!(truth(&sb, Vendor::Famulor).len(), classic);
}

#[cfg(unix)]
#[test]
fn the_question_on_a_terminal_says_the_call_is_hidden_not_erased() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let classic = truth(&sb, Vendor::Famulor).len();
    let v1 = sb.expected_api(Vendor::Famulor, "v1", at("2025-03-01T00:00:00Z"), at(UNTIL));
    let cmd = format!(
        "{} -p famulor-v1 delete {}",
        calls_bin().display(),
        v1[0].id
    );
    let mut child = home
        .std_cmd("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "no").unwrap();
    let said = String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).to_string();
    assert!(
        said.contains("Famulor Platform 2.0 hides removed calls from the history; it does not erase them. Type 'yes' to go on:")
            && !said.contains("cannot be undone")
            && said.contains("canceled: nothing was deleted"),
        "{said}"
    );
    assert_eq!(
        sb.expected_api(Vendor::Famulor, "v1", at("2025-03-01T00:00:00Z"), at(UNTIL))
            .len(),
        v1.len()
    );
    assert_eq!(truth(&sb, Vendor::Famulor).len(), classic);
}

#[test]
fn a_wrong_key_is_exit_3_naming_where_it_came_from() {
    let sb = sandbox(options());
    let home = Home::new();
    home.write_config(&sb.config_toml().replace(TOKEN, "fam_wrong_4711"));
    let r = run(home.cmd().args(["-p", "famulor-v1", "-vv", "list"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: famulor rejected the credentials (401 Unauthorized: unauthorized)")
            && r.stderr.contains("profile 'famulor-v1'"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("4711") && !r.stdout.contains("4711"));
    // Classic Famulor, with its own key, is not affected.
    let r = run(home.cmd().args(["-p", "famulor", "list", "--limit", "1"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn absurd_numbers_from_the_vendor_read_as_unknown() {
    let page = std::fs::read(format!(
        "{}/fixtures/famulor-v1/list-absurd.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let api = Hostile::start(move |_, _| {
        hostile::reply(200, &[("content-type", "application/json")], page.clone())
    });
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.h]\nvendor = \"famulor\"\napi = \"v1\"\nbase_url = \"{}\"\ntoken = \"fam_x\"\n",
        api.base
    ));
    let r = run(home.cmd().args([
        "-p",
        "h",
        "export",
        "--from",
        "2025-05-20",
        "--to",
        "2025-05-20",
        "--tz",
        "UTC",
        "-o",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got.len(), 2);
    for call in &got {
        assert_eq!(call["duration"], serde_json::Value::Null, "{call}");
        assert_eq!(call["talk_time"], serde_json::Value::Null, "{call}");
    }
    assert_eq!(got[0]["started_at"], "2025-05-20T07:15:02Z");
    // No total to number pages by: one short page is the end.
    assert_eq!(api.count(), 1);
    let seen = &api.seen()[0];
    assert!(seen.uri.starts_with("/api/v1/calls?"), "{}", seen.uri);
}

#[test]
fn the_sandbox_profiles_keep_famulor_classic_and_offer_v1() {
    let home = Home::new();
    let r = run(home.cmd().args([
        "--sandbox",
        "-p",
        "famulor-v1",
        "list",
        "--limit",
        "3",
        "-o",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("ignoring"), "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got.len(), 3);
    assert!(got
        .iter()
        .all(|c| c["id"].as_str().unwrap().len() == 36 && c["cost"].is_null()));
    let r = run(home.cmd().args([
        "--sandbox",
        "--vendor",
        "famulor",
        "list",
        "--limit",
        "3",
        "-o",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|c| c["id"]
        .as_str()
        .unwrap()
        .bytes()
        .all(|b| b.is_ascii_digit())));
}

#[test]
fn an_online_config_check_is_one_request_even_over_the_cap() {
    // Calls up to now, so that the check's default window holds some; each is over the cap.
    let sb = sandbox(calls::sandbox::Options {
        until: None,
        famulor_v1_cap: 1,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args(["config", "check", "--online"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("ok     famulor-v1 (famulor), credentials accepted"),
        "{}",
        r.stdout
    );
    let reqs = list_requests(&sb);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].param("limit"), Some("1"));
}

/// `sync` stops reading by modification time at the first call modified before the last run:
/// right only when the API really lists by `updated_at`. One that ignores `sort` (here: creation
/// order, a change on the first page and one on the second) is exit 1, not a run that misses
/// the second change and advances its state.
#[test]
fn a_listing_not_in_updated_at_order_is_exit_1_not_a_missed_change() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let t0 = at("2025-05-20T12:00:00Z");
    let changed = Arc::new(AtomicBool::new(false));
    let later = changed.clone();
    let api = Hostile::start(move |seen, _| {
        let param = |k: &str| {
            seen.uri
                .split(['?', '&'])
                .find_map(|p| p.strip_prefix(&format!("{k}=")))
                .and_then(|v| v.parse::<usize>().ok())
        };
        let (limit, offset) = (param("limit").unwrap_or(50), param("offset").unwrap_or(0));
        let data: Vec<serde_json::Value> = (0..450usize)
            .skip(offset)
            .take(limit)
            .map(|i| {
                let created = t0 - chrono::Duration::minutes(i as i64);
                let modified = if later.load(Ordering::SeqCst) && (i == 5 || i == 300) {
                    t0 + chrono::Duration::hours(1)
                } else {
                    created + chrono::Duration::seconds(30)
                };
                let stamp = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
                serde_json::json!({
                    "id": format!("00000000-0000-4000-8000-{i:012}"),
                    "direction": "inbound",
                    "status": if later.load(Ordering::SeqCst) && (i == 5 || i == 300) { "failed" } else { "completed" },
                    "started_at": stamp(created),
                    "created_at": stamp(created),
                    "updated_at": stamp(modified),
                })
            })
            .collect();
        // `sort` is ignored: always creation order, newest first.
        hostile::json(
            &serde_json::json!({"data": data, "meta": {"pagination": {"total": 450, "limit": limit, "offset": offset}}}),
        )
    });
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.h]\nvendor = \"famulor\"\napi = \"v1\"\nbase_url = \"{}\"\ntoken = \"fam_x\"\n",
        api.base
    ));
    let sync = || {
        run(home.cmd().args([
            "-p",
            "h",
            "sync",
            "calls.db",
            "--from",
            "2025-05-01",
            "--to",
            "2025-05-21",
        ]))
    };
    let r = sync();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("h: 450 new, "), "{}", r.stderr);
    changed.store(true, Ordering::SeqCst);
    let r = sync();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("did not list the calls by updated_at"),
        "{}",
        r.stderr
    );
    let sorted = api
        .seen()
        .iter()
        .filter(|s| s.uri.contains("sort=updated_at"))
        .count();
    assert_eq!(
        sorted, 1,
        "the check is on the first page read by modification time"
    );
}
