//! `calls assign` and `calls delete`: the gate, and that exactly the given calls are touched.

mod common;

use common::*;

use calls::sandbox::Sandbox;
use calls::vendors::Vendor;

fn ids(sb: &Sandbox, vendor: Vendor) -> Vec<String> {
    truth(sb, vendor).into_iter().map(|c| c.id).collect()
}

fn writes(sb: &Sandbox, vendor: Vendor) -> Vec<calls::sandbox::Recorded> {
    sb.requests()
        .into_iter()
        .filter(|r| {
            r.path.starts_with(&format!("/{vendor}/"))
                && matches!(r.method.as_str(), "DELETE" | "PATCH")
        })
        .collect()
}

#[test]
fn dry_run_and_a_closed_stdin_change_nothing() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in [Vendor::Famulor, Vendor::Mycrm] {
        let all = ids(&sb, vendor);
        let some = &all[..3];
        let r = run(home
            .cmd()
            .args(["-p", vendor.id(), "delete", "--dry-run"])
            .args(some));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.starts_with(&format!(
                "dry run: would delete 3 calls on {vendor} (profile '{vendor}')"
            )),
            "{}",
            r.stdout
        );
        assert!(
            some.iter().all(|id| r.stdout.contains(id.as_str())),
            "{}",
            r.stdout
        );
        // assert_cmd gives no stdin: as in cron.
        let r = run(home.cmd().args(["-p", vendor.id(), "delete"]).args(some));
        assert_eq!(r.code, 2);
        assert!(
            r.stderr
                .contains("refusing to delete without --yes: stdin is not a terminal"),
            "{}",
            r.stderr
        );
        assert!(writes(&sb, vendor).is_empty(), "{vendor}: nothing was sent");
        assert_eq!(ids(&sb, vendor), all);
    }
    let r = run(home.cmd().args([
        "-p",
        "mycrm",
        "assign",
        "2900001",
        "--user",
        "7",
        "--dry-run",
    ]));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("PATCH http://") && r.stdout.contains("/calltrackings?filters[id]=2900001 {\"operations\":[{\"op\":\"replace\",\"path\":\"/assignment/user\",\"value\":7}]}"), "{}", r.stdout);
    assert!(writes(&sb, Vendor::Mycrm).is_empty());
}

#[cfg(unix)]
#[test]
fn on_a_terminal_delete_asks_first() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let all = ids(&sb, Vendor::Famulor);
    let bin = calls_bin();
    let ask = |answer: &str, id: &str| {
        // script(1) gives the command a terminal; the answer is typed into it.
        let cmd = format!("{} delete {id}", bin.display());
        let mut child = home
            .std_cmd("script")
            .args(["-qec", &cmd, "/dev/null"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{answer}").unwrap();
        let out = child.wait_with_output().unwrap();
        (
            String::from_utf8_lossy(&out.stdout).to_string(),
            out.status.code(),
        )
    };
    let (said, code) = ask("no", &all[0]);
    assert!(
        said.contains("This cannot be undone. Type 'yes' to go on:")
            && said.contains("canceled: nothing was deleted"),
        "{said}"
    );
    assert_eq!(ids(&sb, Vendor::Famulor), all);
    // Exactly what the prompt asks for: `y`, `YES` or a blank line are not a yes. A refusal
    // is no failure: a plain line, no `error:`, exit 0.
    for answer in ["no", "n", "y", "Y", "YES", "yes please", ""] {
        let (said, code) = ask(answer, &all[0]);
        assert!(
            said.trim_end().ends_with("canceled: nothing was deleted") && !said.contains("error"),
            "{answer:?}: {said}"
        );
        assert_eq!(code, Some(0), "{answer:?}: {said}");
    }
    assert_eq!(code, Some(0));
    assert_eq!(ids(&sb, Vendor::Famulor), all);
    let (said, _) = ask("yes", &all[0]);
    assert!(said.contains(&format!("deleted {}", all[0])), "{said}");
    assert_eq!(ids(&sb, Vendor::Famulor), all[1..].to_vec());
}

#[test]
fn famulor_deletes_exactly_the_given_ids_one_request_each() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let all = ids(&sb, Vendor::Famulor);
    let gone = [all[5].clone(), all[17].clone(), all[300].clone()];
    let r = run(home.cmd().args(["delete", "--yes"]).args(&gone).arg("4711"));
    assert_eq!(r.code, 5, "one unknown id: partly done: {}", r.stderr);
    for id in &gone {
        assert!(
            r.stdout.contains(&format!("deleted {id}\n")),
            "{}",
            r.stdout
        );
    }
    assert!(
        r.stderr
            .contains("failed 4711: Call not found or does not belong to the authenticated user"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("error: 1 failed: 4711"), "{}", r.stderr);
    let left = ids(&sb, Vendor::Famulor);
    assert_eq!(left.len(), all.len() - 3);
    assert!(all
        .iter()
        .filter(|id| !gone.contains(id))
        .all(|id| left.contains(id)));
    let sent = writes(&sb, Vendor::Famulor);
    assert_eq!(sent.len(), 4);
    assert!(sent
        .iter()
        .all(|r| r.method == "DELETE" && r.path.starts_with("/famulor/api/user/calls/")));
}

#[test]
fn mycrm_deletes_in_chunks_of_100_and_never_sends_an_empty_list() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let all = ids(&sb, Vendor::Mycrm);
    // A filter that matches nothing: nothing is sent (an empty list would delete everything).
    let r = run(home.cmd().args([
        "-p",
        "mycrm",
        "delete",
        "--yes",
        "--number",
        "+1 000 000 0000",
        "--from",
        FROM,
        "--to",
        TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("no calls match: nothing to delete"),
        "{}",
        r.stderr
    );
    assert!(writes(&sb, Vendor::Mycrm).is_empty());
    assert_eq!(ids(&sb, Vendor::Mycrm).len(), 400);

    let gone: Vec<String> = all.iter().step_by(2).take(150).cloned().collect();
    let r = run(home
        .cmd()
        .args(["-p", "mycrm", "delete", "--yes"])
        .args(&gone));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 150);
    let sent = writes(&sb, Vendor::Mycrm);
    assert_eq!(sent.len(), 2, "100 + 50");
    let left = ids(&sb, Vendor::Mycrm);
    assert_eq!(left.len(), 250);
    assert!(gone.iter().all(|id| !left.contains(id)));
    assert!(all
        .iter()
        .filter(|id| !gone.contains(id))
        .all(|id| left.contains(id)));
}

#[test]
fn mycrm_delete_by_filter_lists_first_then_deletes_those() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let canceled: Vec<String> = truth(&sb, Vendor::Mycrm)
        .into_iter()
        .filter(|c| c.status == calls::call::Status::Canceled)
        .map(|c| c.id)
        .collect();
    assert!(!canceled.is_empty());
    let r = run(home.cmd().args([
        "-p", "mycrm", "delete", "--yes", "--status", "canceled", "--from", FROM, "--to", TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{} calls match: ", canceled.len())),
        "{}",
        r.stderr
    );
    let left = ids(&sb, Vendor::Mycrm);
    assert_eq!(left.len(), 400 - canceled.len());
    assert!(canceled.iter().all(|id| !left.contains(id)));
    let r = run(home.cmd().args(["-p", "mycrm", "delete", "--yes"]));
    assert_eq!(r.code, 2, "neither ids nor filters: {}", r.stderr);
}

#[test]
fn mycrm_assign_touches_exactly_the_given_ids() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let all = ids(&sb, Vendor::Mycrm);
    let chosen: Vec<String> = all.iter().skip(10).take(120).cloned().collect();
    let r = run(home
        .cmd()
        .args([
            "-p",
            "mycrm",
            "assign",
            "--user",
            "77",
            "--property",
            "5",
            "--lead",
            "9",
            "--seen",
        ])
        .args(&chosen));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 120);
    let sent = writes(&sb, Vendor::Mycrm);
    assert_eq!(sent.len(), 2, "100 + 20");
    // The chunks go out concurrently, in either order.
    let mut sizes: Vec<usize> = sent
        .iter()
        .map(|q| q.param("filters[id]").unwrap().split(',').count())
        .collect();
    sizes.sort();
    assert_eq!(sizes, [20, 100]);
    let world = sb.world(Vendor::Mycrm);
    for t in &world.calls {
        let id = (2_900_000 + t.seq as u64).to_string();
        if chosen.contains(&id) {
            assert_eq!(
                (
                    t.assigned.user,
                    t.assigned.property,
                    t.assigned.lead,
                    t.assigned.seen
                ),
                (Some(77), Some(5), Some(9), true)
            );
        } else {
            assert_eq!(t.assigned, Default::default(), "{id} untouched");
        }
    }
    drop(world);
    let r = run(home.cmd().args(["-p", "mycrm", "assign", "2900001"]));
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .contains("assign needs at least one of --user, --property, --lead, --seen"));
}

#[test]
fn vendors_without_the_capability_exit_4_before_any_request() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args(["-p", "callcap", "delete", "--yes", "x"]));
    assert_eq!(r.code, 4);
    assert!(
        r.stderr
            .contains("error: callcap does not support `delete`")
            && r.stderr.contains("vendors that can: famulor, mycrm"),
        "{}",
        r.stderr
    );
    let r = run(home.cmd().args(["-p", "famulor", "assign", "1", "--seen"]));
    assert_eq!(r.code, 4);
    assert!(r.stderr.contains("vendors that can: mycrm"), "{}", r.stderr);
    assert!(sb.requests().is_empty());
}

/// A blank id would make `DELETE /calls/{id}` the collection and myCRM's `filters[id]=` every
/// record; `1,2` would be two records. Such ids are refused before any request, for every command
/// that takes ids; repeated ids are sent once.
#[test]
fn ids_that_would_widen_a_request_are_refused() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "mycrm",
            &["assign", "", "--user", "7"],
            "call id \"\" is empty",
        ),
        (
            "mycrm",
            &["assign", "2900001,2900002", "--user", "7"],
            "call id \"2900001,2900002\" is not a number",
        ),
        ("mycrm", &["delete", " ", "--yes"], "call id \" \" is empty"),
        ("famulor", &["delete", "", "--yes"], "call id \"\" is empty"),
        (
            "famulor",
            &["delete", "../1", "--yes"],
            "call id \"../1\" is not a number",
        ),
        ("famulor", &["show", ""], "call id \"\" is empty"),
        (
            "callcap",
            &["recording", "a b", "--dir", "r"],
            "call id \"a b\" contains a space",
        ),
    ];
    for (profile, args, message) in cases {
        let r = run(home.cmd().args(["-p", profile]).args(*args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!("error: {message}")),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("  hint: "), "{}", r.stderr);
    }
    assert!(sb.requests().is_empty(), "{:?}", sb.requests());

    let id = &ids(&sb, Vendor::Mycrm)[0];
    let r = run(home
        .cmd()
        .args(["-p", "mycrm", "delete", id, id, "--dry-run"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("dry run: would delete 1 call on"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("{{\"calltrackings\":[{id}]}}")),
        "{}",
        r.stdout
    );
}

/// What a `delete` by filters must do with a vendor that ignores the filter.
enum Want {
    /// Exactly the calls of the window this predicate picks are deleted.
    Exactly(Box<dyn Fn(&calls::call::Call) -> bool>),
    /// Refused (exit 2, naming the filter), no request sent at all.
    Refused(&'static str),
}

/// Query parameters a vendor that ignores every filter still reads: the window, the pages,
/// the order and the key. Everything else is dropped on the way.
const NOT_FILTERS: &[&str] = &[
    "date_from",
    "date_to",
    "filters[date_from]",
    "filters[date_to]",
    "from",
    "to",
    "per_page",
    "page",
    "limit",
    "offset",
    "sort",
    "sort_order",
    "api-key",
];

/// A vendor that ignores every filter: a proxy to the sandbox that drops every query parameter
/// but the window, the pages and the order.
fn ignoring(sb: &Sandbox) -> hostile::Hostile {
    let upstream = format!("http://{}", sb.addr);
    hostile::Hostile::start_async(move |mut seen, _| {
        let upstream = upstream.clone();
        Box::pin(async move {
            let (path, query) = seen.uri.split_once('?').unwrap_or((&seen.uri, ""));
            let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .filter(|(k, _)| NOT_FILTERS.contains(&k.as_str()))
                .collect();
            let query = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(kept)
                .finish();
            seen.uri = format!("{path}?{query}");
            hostile::forward(seen, &upstream).await
        })
    })
}

/// Every string and number of a raw record, searched case-insensitively (the test's own
/// reading of `--search` over `raw`).
fn mentions(value: &serde_json::Value, text: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s.to_lowercase().contains(&text.to_lowercase()),
        serde_json::Value::Number(n) => n.to_string().contains(text),
        serde_json::Value::Array(a) => a.iter().any(|v| mentions(v, text)),
        serde_json::Value::Object(m) => m.values().any(|v| mentions(v, text)),
        _ => false,
    }
}

/// The cases of one API: every filter flag (and one combination), with values taken from the
/// sandbox's calls so that each picks some calls and not all.
fn delete_cases(sb: &Sandbox, profile: &str) -> Vec<(Vec<String>, Want)> {
    use calls::call::{Direction, Status};
    let (vendor, api) = api_of(profile);
    let all = window(sb, vendor, api);
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let number = all.iter().find_map(|c| c.customer_number.clone()).unwrap();
    let agent = all.iter().find_map(|c| c.agent.clone()).unwrap();
    let campaign = all.iter().find_map(|c| c.campaign.clone()).unwrap();
    let mut cases: Vec<(Vec<String>, Want)> = vec![
        // One that picks some calls where there is one (myCRM tracks inbound calls only: none).
        {
            let count = |d: Direction| all.iter().filter(|c| c.direction == d).count();
            let d = [Direction::Inbound, Direction::Outbound]
                .into_iter()
                .find(|d| count(*d) > 0 && count(*d) < all.len())
                .unwrap_or(Direction::Outbound);
            (
                vec!["--direction".into(), d.as_str().into()],
                Want::Exactly(Box::new(move |c| c.direction == d)),
            )
        },
        (
            owned(&["--status", "missed"]),
            Want::Exactly(Box::new(|c| c.status == Status::Missed)),
        ),
        (
            owned(&["--min-duration", "60"]),
            Want::Exactly(Box::new(|c| c.duration.is_some_and(|d| d >= 60))),
        ),
        (
            owned(&["--max-duration", "30"]),
            Want::Exactly(Box::new(|c| c.duration.is_some_and(|d| d <= 30))),
        ),
        (
            owned(&[
                "--direction",
                "outbound",
                "--status",
                "answered",
                "--min-duration",
                "20",
            ]),
            Want::Exactly(Box::new(|c| {
                c.direction == Direction::Outbound
                    && c.status == Status::Answered
                    && c.duration.is_some_and(|d| d >= 20)
            })),
        ),
        (vec!["--number".into(), number.clone()], {
            let wanted = digits(&number);
            Want::Exactly(Box::new(move |c| {
                c.customer_number
                    .as_deref()
                    .is_some_and(|n| digits(n).ends_with(&wanted))
            }))
        }),
        (vec!["--agent".into(), agent.to_uppercase()], {
            let agent = agent.clone();
            Want::Exactly(Box::new(move |c| {
                c.agent
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&agent))
                    || c.agent_id.as_deref() == Some(agent.as_str())
            }))
        }),
        (vec!["--campaign".into(), campaign.clone()], {
            let campaign = campaign.clone();
            Want::Exactly(Box::new(move |c| {
                c.campaign
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&campaign))
                    || c.campaign_id.as_deref() == Some(campaign.as_str())
            }))
        }),
    ];
    // By id, where the records carry ids.
    if let Some(id) = all.iter().find_map(|c| c.agent_id.clone()) {
        cases.push((
            vec!["--agent".into(), id.clone()],
            Want::Exactly(Box::new(move |c| c.agent_id.as_deref() == Some(&*id))),
        ));
    }
    if let Some(id) = all.iter().find_map(|c| c.campaign_id.clone()) {
        cases.push((
            vec!["--campaign".into(), id.clone()],
            Want::Exactly(Box::new(move |c| c.campaign_id.as_deref() == Some(&*id))),
        ));
    }
    match profile {
        // Classic records name the assistant and the campaign, never by id.
        "famulor" => {
            cases.push((owned(&["--agent", "1"]), Want::Refused("--agent")));
            cases.push((owned(&["--campaign", "1"]), Want::Refused("--campaign")));
        }
        // Platform 2.0 searches transcripts and summaries the list does not carry.
        "famulor-v1" => cases.push((owned(&["--search", "a"]), Want::Refused("--search"))),
        _ => {}
    }
    if profile != "famulor-v1" {
        // Over the raw record: a word of one of the agents' names.
        let word = agent.split_whitespace().next().unwrap().to_string();
        let raw = raw_records(sb, vendor);
        cases.push((vec!["--search".into(), word.clone()], {
            Want::Exactly(Box::new(move |c| {
                raw.get(&c.id).is_some_and(|r| mentions(r, &word))
            }))
        }));
    }
    cases
}

/// The vendor and the second API (if any) of a sandbox profile (`famulor-v1`).
fn api_of(profile: &str) -> (Vendor, Option<&str>) {
    let (vendor, api) = match profile.split_once('-') {
        Some((v, api)) => (v, Some(api)),
        None => (profile, None),
    };
    let vendor = Vendor::ALL.into_iter().find(|v| v.id() == vendor).unwrap();
    (vendor, api)
}

/// The calls of the test window, as the sandbox holds them now.
fn window(sb: &Sandbox, vendor: Vendor, api: Option<&str>) -> Vec<calls::call::Call> {
    let (from, to) = (at("2025-03-01T00:00:00Z"), at("2025-06-01T00:00:00Z"));
    match api {
        Some(api) => sb.expected_api(vendor, api, from, to),
        None => sb.expected(vendor, from, to),
    }
}

/// Every call's raw record by id, fetched straight from the sandbox.
fn raw_records(
    sb: &Sandbox,
    vendor: Vendor,
) -> std::collections::HashMap<String, serde_json::Value> {
    let mut q = calls::query::Query::everything(chrono_tz::UTC, 100);
    q.from = at("2025-03-01T00:00:00Z");
    q.to = at("2025-06-01T00:00:00Z");
    q.keep_raw = true;
    fetch(sb, vendor, &q, 1)
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.raw.unwrap().value()))
        .collect()
}

/// SPEC "assign and delete": a vendor that ignores a filter never widens a delete. For every
/// API that deletes, every filter flag (and a combination) against a vendor that ignores all
/// filters, run as cron runs it (`--yes`, no stdin): exactly the calls matching every filter are
/// deleted, or the run is refused (exit 2, naming the filter) before any request. The APIs that
/// cannot delete say so (exit 4) before any request.
#[test]
fn a_vendor_ignoring_a_filter_never_widens_a_delete() {
    for profile in ["famulor", "famulor-v1", "mycrm"] {
        let cases = delete_cases(&sandbox(small()), profile);
        for (args, want) in cases {
            let sb = sandbox(small());
            let proxy = ignoring(&sb);
            let home = Home::new();
            home.write_config(
                &sb.config_toml()
                    .replace(&format!("http://{}", sb.addr), &proxy.base),
            );
            let (vendor, api) = api_of(profile);
            let before = window(&sb, vendor, api);
            let r = run(home
                .cmd()
                .args(["-p", profile, "delete", "--yes", "--from", FROM, "--to", TO])
                .args(&args));
            let after: Vec<String> = window(&sb, vendor, api).into_iter().map(|c| c.id).collect();
            let what = format!("{profile} delete {}", args.join(" "));
            match want {
                Want::Refused(flag) => {
                    assert_eq!(r.code, 2, "{what}: {}", r.stderr);
                    assert!(
                        r.stderr.contains(&format!("refusing to delete by {flag} "))
                            && r.stderr.contains(&format!(" on {vendor} "))
                            && r.stderr.contains("hint: delete by ids instead"),
                        "{what}: {}",
                        r.stderr
                    );
                    assert_eq!(proxy.count(), 0, "{what}: {:?}", proxy.seen());
                    assert_eq!(after.len(), before.len(), "{what}");
                }
                Want::Exactly(matching) => {
                    assert_eq!(r.code, 0, "{what}: {}", r.stderr);
                    let wanted: Vec<String> = before
                        .iter()
                        .filter(|c| matching(c))
                        .map(|c| c.id.clone())
                        .collect();
                    assert!(
                        wanted.len() < before.len(),
                        "{what}: the case picks {} of {} calls",
                        wanted.len(),
                        before.len()
                    );
                    let deleted: Vec<String> = before
                        .iter()
                        .map(|c| c.id.clone())
                        .filter(|id| !after.contains(id))
                        .collect();
                    assert_eq!(deleted, wanted, "{what}");
                    let reported: Vec<&str> = r.stdout.lines().collect();
                    assert_eq!(reported.len(), wanted.len(), "{what}: {}", r.stdout);
                }
            }
        }
    }
    let sb = sandbox(small());
    let proxy = ignoring(&sb);
    let home = Home::new();
    home.write_config(
        &sb.config_toml()
            .replace(&format!("http://{}", sb.addr), &proxy.base),
    );
    for profile in ["evolux", "callcap", "brightcall", "brightcall-v3"] {
        for filter in [
            ["--direction", "inbound"],
            ["--status", "missed"],
            ["--number", "+15551234567"],
            ["--agent", "1"],
            ["--campaign", "1"],
            ["--min-duration", "60"],
            ["--max-duration", "30"],
            ["--search", "a"],
        ] {
            let r = run(home
                .cmd()
                .args(["-p", profile, "delete", "--yes"])
                .args(filter));
            assert_eq!(r.code, 4, "{profile} {filter:?}: {}", r.stderr);
        }
    }
    assert_eq!(proxy.count(), 0, "{:?}", proxy.seen());
}

/// A sandbox small enough to run many deletes through.
fn small() -> calls::sandbox::Options {
    calls::sandbox::Options {
        calls: 120,
        ..options()
    }
}
