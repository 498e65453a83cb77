//! The values `calls` shows are the values it accepts: `--agent` / `--campaign` take a name as
//! printed (any case) or an id, on every vendor and second API; a name is never sent to an id
//! filter; a name that matches nothing warns with the closest names seen.

mod common;

use common::recording::*;
use common::*;

use calls::call::Call;
use calls::query::{id_or_name_is, is_numeric_id, is_uuid};
use calls::sandbox::Sandbox;
use calls::vendors::{Operation, Vendor};

/// Every profile of the sandbox's config: the five vendors and the second APIs.
fn profiles() -> Vec<(String, Vendor, Option<&'static str>)> {
    let mut out: Vec<_> = Vendor::ALL
        .into_iter()
        .map(|v| (v.id().to_string(), v, None))
        .collect();
    out.extend(
        calls::sandbox::SECOND_APIS
            .iter()
            .map(|(v, api)| (format!("{v}-{api}"), *v, Some(*api))),
    );
    out
}

fn truth_of(sb: &Sandbox, vendor: Vendor, api: Option<&str>) -> Vec<Call> {
    let (from, to) = (at("2025-03-01T00:00:00Z"), at("2025-06-01T00:00:00Z"));
    // Brightcall v3's records are v1's; Famulor v1 has its own.
    match api {
        Some("v1") => sb.expected_api(vendor, "v1", from, to),
        _ => sb.expected(vendor, from, to),
    }
}

fn ids(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Famulor classic records carry no ids: the id of a shown name, from the sandbox's world.
fn world_agent_id(name: &str) -> String {
    calls::sandbox::world::AGENTS
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.id.to_string())
        .unwrap()
}

fn world_campaign_id(name: &str) -> String {
    calls::sandbox::world::CAMPAIGNS
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.id.to_string())
        .unwrap()
}

/// Every profile × agent and campaign × name as shown, upper case, lower case, and id: the
/// calls of exactly that agent / campaign; and no request carries the name.
#[test]
fn names_as_shown_and_ids_select_the_same_calls_on_every_profile() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for (profile, vendor, api) in profiles() {
        let truth = truth_of(&sb, vendor, api);
        for field in ["agent", "campaign"] {
            let pick = |c: &Call| match field {
                "agent" => (c.agent_id.clone(), c.agent.clone()),
                _ => (c.campaign_id.clone(), c.campaign.clone()),
            };
            let (id, name) = truth
                .iter()
                .skip(3)
                .map(pick)
                .find(|(_, n)| n.is_some())
                .unwrap();
            let name = name.unwrap();
            let id = id.unwrap_or_else(|| match field {
                "agent" => world_agent_id(&name),
                _ => world_campaign_id(&name),
            });
            let want: Vec<String> = truth
                .iter()
                .filter(|c| {
                    let (cid, cname) = pick(c);
                    cname.as_deref() == Some(&*name) && cid.as_deref().is_none_or(|cid| cid == id)
                })
                .map(|c| c.id.clone())
                .collect();
            assert!(
                !want.is_empty() && want.len() < truth.len(),
                "{profile} {field}"
            );
            for value in [
                name.clone(),
                name.to_uppercase(),
                name.to_lowercase(),
                id.clone(),
            ] {
                let before = sb.requests().len();
                let r = run(home.cmd().args([
                    "-p",
                    &profile,
                    "export",
                    "-v",
                    "-o",
                    "ndjson",
                    "--from",
                    FROM,
                    "--to",
                    TO,
                    &format!("--{field}"),
                    &value,
                ]));
                assert_eq!(r.code, 0, "{profile} --{field} {value}: {}", r.stderr);
                assert_eq!(ids(&r.stdout), want, "{profile} --{field} {value}");
                assert!(!r.stderr.contains("warning:"), "{profile}: {}", r.stderr);
                let sent: Vec<_> = sb.requests()[before..].to_vec();
                let carried = |v: &str| {
                    sent.iter()
                        .any(|q| q.query.iter().any(|(_, p)| p.contains(v)) || q.body.contains(v))
                };
                let is_id = match api {
                    Some("v1") => is_uuid(&value),
                    _ => is_numeric_id(&value),
                };
                let at = if is_id {
                    "vendor"
                } else {
                    assert!(
                        !carried(&value),
                        "{profile}: the name {value:?} was sent: {sent:?}"
                    );
                    "client"
                };
                let line = format!("--{field} {at}");
                assert!(
                    r.stderr.contains(&line),
                    "{profile} --{field} {value}: -v says where it ran: {}",
                    r.stderr
                );
            }
        }
    }
}

/// Two names (one in another case) select the calls of both, matched on the client.
#[test]
fn several_names_select_the_calls_of_each() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in [Vendor::Famulor, Vendor::Evolux, Vendor::Callcap] {
        let truth = truth_of(&sb, vendor, None);
        let want: Vec<String> = truth
            .iter()
            .filter(|c| {
                ["Night Line", "anna schmidt"]
                    .iter()
                    .any(|w| id_or_name_is(w, None, c.agent.as_deref()))
            })
            .map(|c| c.id.clone())
            .collect();
        assert!(!want.is_empty(), "{vendor}");
        let r = run(home.cmd().args([
            "-p",
            vendor.id(),
            "export",
            "--from",
            FROM,
            "--to",
            TO,
            "--agent",
            "Night Line",
            "--agent",
            "anna schmidt",
        ]));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        assert_eq!(ids(&r.stdout), want, "{vendor}");
    }
}

/// A name no call of the window has: exit 0, no calls, and a warning naming the closest name
/// seen, on every command that lists by filters.
#[test]
fn a_misspelt_name_warns_with_the_closest_names_seen() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let window = ["--from", FROM, "--to", TO];
    let commands: [&[&str]; 5] = [
        &["list"],
        &["export"],
        &["stats", "-o", "csv"],
        &["recording", "--dir", "rec"],
        &["delete", "--dry-run"],
    ];
    for vendor in [Vendor::Famulor, Vendor::Evolux, Vendor::Mycrm] {
        for command in commands {
            let operation = match command[0] {
                "recording" => Some(Operation::Recording),
                "delete" => Some(Operation::Delete),
                _ => None,
            };
            if operation.is_some_and(|o| !vendor.supports(o)) {
                continue;
            }
            let r = run(home
                .cmd()
                .args(["-p", vendor.id()])
                .args(command)
                .args(window)
                .args(["--agent", "Nite Line"]));
            assert_eq!(r.code, 0, "{vendor} {command:?}: {}", r.stderr);
            assert!(
                r.stderr.contains(
                    "warning: no call of the window has the agent \"Nite Line\"; closest: Night Line\n"
                ),
                "{vendor} {command:?}: {}",
                r.stderr
            );
        }
    }
    let r = run(home
        .cmd()
        .args(["-p", "callcap", "export", "--campaign", "Zzzz"])
        .args(window));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("warning: no call of the window has the campaign \"Zzzz\"; closest: "),
        "{}",
        r.stderr
    );
    // A name that matches says nothing.
    let r = run(home
        .cmd()
        .args(["-p", "famulor", "export", "--agent", "night line"])
        .args(window));
    assert_eq!(r.code, 0);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

/// The blocker, as typed: `calls recording --agent "Night Line" --from 7d` downloads
/// that agent's recordings, on every vendor whose records show agent names.
#[test]
fn recording_by_an_agent_name_downloads_that_agents_recordings() {
    // Data up to a moment just past, so that `--from 7d` reads the sandbox's last week.
    let now = chrono::Utc::now();
    let sb = sandbox(calls::sandbox::Options {
        until: Some(now),
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    for vendor in recording_vendors() {
        let truth = sb.expected(vendor, now - chrono::Duration::days(8), now);
        if !truth
            .iter()
            .any(|c| c.agent.as_deref() == Some("Night Line"))
        {
            continue; // the vendor shows agent ids only (brightcall)
        }
        let dir = format!("rec-{vendor}");
        let manifest = format!("{vendor}.csv");
        let r = run(home.cmd().args([
            "-p",
            vendor.id(),
            "recording",
            "--agent",
            "Night Line",
            "--from",
            "7d",
            "--dir",
            &dir,
            "--manifest",
            &manifest,
        ]));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        // The command's window starts a moment after `now - 7d`: calls right at the edge are
        // left out of the comparison.
        let edge = now - chrono::Duration::days(7) + chrono::Duration::minutes(1);
        let mut want: Vec<String> = truth
            .iter()
            .filter(|c| {
                c.started_at >= edge
                    && c.agent.as_deref() == Some("Night Line")
                    && c.recording_url.is_some()
            })
            .map(|c| c.id.clone())
            .collect();
        let mut got: Vec<String> = manifest_rows(&home, &manifest)
            .into_iter()
            .filter(|(_, status)| status == "downloaded")
            .map(|(id, _)| id)
            .filter(|id| truth.iter().any(|c| c.id == *id && c.started_at >= edge))
            .collect();
        want.sort();
        got.sort();
        assert!(!want.is_empty(), "{vendor}");
        assert_eq!(got, want, "{vendor}: {}", r.stderr);
        assert!(
            manifest_rows(&home, &manifest).iter().all(|(id, _)| truth
                .iter()
                .any(|c| c.id == *id && c.agent.as_deref() == Some("Night Line"))),
            "{vendor}: only that agent's calls"
        );
    }
}

fn manifest_rows(home: &Home, name: &str) -> Vec<(String, String)> {
    manifest(&home.path(name))
        .into_iter()
        .map(|row| (row["id"].clone(), row["status"].clone()))
        .collect()
}

/// An unknown name is exit 2 with did-you-mean, never another vendor's calls or a silent
/// nothing: a sandbox profile, a config profile, a status, a field.
#[test]
fn unknown_names_are_usage_errors_with_did_you_mean() {
    let home = Home::new();
    let r = run(home.cmd().args(["--sandbox", "-p", "calcap", "list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "error: --sandbox has no profile 'calcap' (did you mean callcap?)\n  hint: its profiles: famulor, evolux, callcap, brightcall, mycrm, famulor-v1, brightcall-v3\n"
    );
    let r = run(home
        .cmd()
        .args(["--sandbox", "--vendor", "evolux", "-p", "callcap", "list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: sandbox profile 'callcap' is for callcap, not evolux\n"
    );
    let r = run(home
        .cmd()
        .args(["--sandbox", "list", "--status", "answered,mised"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: --status: unknown status 'mised' (did you mean missed?) (expected one of: answered, missed, busy, failed, voicemail, canceled, in-progress, unknown)\n"
    );
    let r = run(home
        .cmd()
        .args(["--sandbox", "list", "--direction", "inbund"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("error: --direction: unknown direction 'inbund' (did you mean inbound?)"),
        "{}",
        r.stderr
    );

    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let path = home.config_path();
    let r = run(home.cmd().args(["-p", "evolx", "list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "error: unknown profile 'evolx' in {} (did you mean evolux?)\n  hint: profiles: brightcall, brightcall-v3, callcap, evolux, famulor, famulor-v1, mycrm\n",
            path.display()
        )
    );
}

/// `--fields` takes names in any case (`ID,Status` as a table's header spells them), and the
/// header is the field's own name.
#[test]
fn fields_are_case_insensitive() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let export = |fields: &str| {
        run(home.cmd().args([
            "export", "-o", "csv", "--from", FROM, "--to", TO, "--limit", "3", "--fields", fields,
        ]))
    };
    let lower = export("id,status,customer_number");
    assert_eq!(lower.code, 0, "{}", lower.stderr);
    assert!(lower.stdout.starts_with("id,status,customer_number\n"));
    for spelling in [
        "ID,Status,Customer_Number",
        "ID,STATUS,customer_NUMBER",
        " Id , status ,CUSTOMER_NUMBER",
    ] {
        let r = export(spelling);
        assert_eq!(r.code, 0, "{spelling}: {}", r.stderr);
        assert_eq!(r.stdout, lower.stdout, "{spelling}");
    }
    let r = export("ID,id");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("field 'id' is listed twice"),
        "{}",
        r.stderr
    );
    let r = export("ID,Stauts");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "error: --fields: unknown field 'Stauts' (did you mean status?) (fields: "
        ),
        "{}",
        r.stderr
    );
}
