//! One suite, every vendor: the same scenarios run over all five through the real binary and
//! the sandbox, skipping only what a vendor lacks (Evolux has no `show`).

mod common;

use common::*;

use calls::call::{phone_digits, Call, Direction, Status};
use calls::sandbox::Sandbox;
use calls::vendors::{Operation, Vendor};

fn export(home: &Home, vendor: Vendor, args: &[&str]) -> Run {
    let mut cmd = home.cmd();
    cmd.args(["-p", vendor.id(), "export"]);
    if !args.contains(&"--from") {
        cmd.args(["--from", FROM, "--to", TO]);
    }
    cmd.args(args);
    run(&mut cmd)
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

fn want_ids(truth: &[Call], pred: impl Fn(&Call) -> bool) -> Vec<String> {
    truth
        .iter()
        .filter(|c| pred(c))
        .map(|c| c.id.clone())
        .collect()
}

#[test]
fn export_equals_the_ground_truth_on_every_vendor() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in Vendor::ALL {
        let r = export(&home, vendor, &["-o", "json"]);
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
        let want: Vec<serde_json::Value> = truth(&sb, vendor).iter().map(call_json).collect();
        assert_eq!(want.len(), 400, "{vendor}");
        assert_eq!(got.len(), want.len(), "{vendor}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{vendor}");
        }
    }
}

#[test]
fn each_filter_narrows_the_same_way_on_every_vendor() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in Vendor::ALL {
        let truth = truth(&sb, vendor);
        // Each filter keeps some calls and leaves some out: its values come from the data,
        // so neither side of a check can be empty and pass on nothing.
        let check = |args: &[&str], pred: &dyn Fn(&Call) -> bool| {
            let want = want_ids(&truth, pred);
            assert!(!want.is_empty(), "{vendor} {args:?}: keeps no call");
            assert!(
                want.len() < truth.len(),
                "{vendor} {args:?}: leaves no call out"
            );
            let r = export(&home, vendor, &[&["-o", "ndjson"], args].concat());
            assert_eq!(r.code, 0, "{vendor} {args:?}: {}", r.stderr);
            assert_eq!(ids(&r.stdout), want, "{vendor} {args:?}");
        };
        // A status or direction the vendor never reports selects nothing, and says so by exit 0.
        let check_none = |args: &[&str]| {
            let r = export(&home, vendor, &[&["-o", "ndjson"], args].concat());
            assert_eq!(r.code, 0, "{vendor} {args:?}: {}", r.stderr);
            assert_eq!(r.stdout, "", "{vendor} {args:?}");
        };
        let statuses: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| truth.iter().any(|c| c.status == *s))
            .collect();
        assert!(statuses.len() >= 2, "{vendor}: {statuses:?}");
        for status in Status::ALL {
            if statuses.contains(&status) {
                check(&["--status", status.as_str()], &|c| c.status == status);
            } else {
                check_none(&["--status", status.as_str()]);
            }
        }
        // A filter that names everything the vendor has keeps every call.
        let check_all = |args: &[&str]| {
            let r = export(&home, vendor, &[&["-o", "ndjson"], args].concat());
            assert_eq!(r.code, 0, "{vendor} {args:?}: {}", r.stderr);
            assert_eq!(
                ids(&r.stdout),
                want_ids(&truth, |_| true),
                "{vendor} {args:?}"
            );
        };
        let two = [statuses[0], statuses[1]];
        let two_words = format!("{},{}", two[0].as_str(), two[1].as_str());
        if statuses.len() > 2 {
            check(&["--status", &two_words], &|c| two.contains(&c.status));
        } else {
            check_all(&["--status", &two_words]);
        }
        let directions = [
            Direction::Inbound,
            Direction::Outbound,
            Direction::Internal,
            Direction::Web,
        ];
        for direction in directions {
            let all_of_them = truth.iter().all(|c| c.direction == direction);
            if all_of_them {
                continue;
            }
            if truth.iter().any(|c| c.direction == direction) {
                check(&["--direction", direction.as_str()], &|c| {
                    c.direction == direction
                });
            } else {
                check_none(&["--direction", direction.as_str()]);
            }
        }
        if truth.iter().all(|c| c.direction == truth[0].direction) {
            // One direction only (Evolux dials out): its filter keeps everything.
            check_all(&["--direction", truth[0].direction.as_str()]);
        }
        let number = truth[7].customer_number.clone().unwrap();
        check(&["--number", &number], &|c| {
            c.customer_number.as_deref().map(phone_digits) == Some(phone_digits(&number))
        });
        // An agent and a campaign of the data, given by id; a call matches by id, or by name
        // where the vendor reports names only.
        let (agent, agent_name, campaign, campaign_name) = {
            let world = sb.world(vendor);
            let agent = world.calls[3].agent();
            let campaign = world
                .calls
                .iter()
                .find_map(|t| t.campaign())
                .unwrap_or_else(|| panic!("{vendor}: a call with a campaign"));
            (
                agent.id.to_string(),
                agent.name,
                campaign.id.to_string(),
                campaign.name,
            )
        };
        check(&["--agent", &agent], &|c| match &c.agent_id {
            Some(id) => *id == agent,
            None => c.agent.as_deref() == Some(agent_name),
        });
        check(&["--campaign", &campaign], &|c| match &c.campaign_id {
            Some(id) => *id == campaign,
            None => c.campaign.as_deref() == Some(campaign_name),
        });
        check(&["--min-duration", "60", "--max-duration", "300"], &|c| {
            c.duration.is_some_and(|d| (60..=300).contains(&d))
        });
        // The longest quarter of the calls.
        let mut durations: Vec<i64> = truth.iter().filter_map(|c| c.duration).collect();
        durations.sort_unstable();
        let long = durations[durations.len() * 3 / 4];
        check(&["--min-duration", &long.to_string()], &|c| {
            c.duration.is_some_and(|d| d >= long)
        });
        check(
            &[
                "--from",
                "2025-05-20T06:30:00Z",
                "--to",
                "2025-05-25T18:00:00Z",
            ],
            &|c| {
                c.started_at >= at("2025-05-20T06:30:00Z")
                    && c.started_at < at("2025-05-25T18:00:00Z")
            },
        );
    }
}

#[test]
fn every_format_fields_and_limit_on_every_vendor() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in Vendor::ALL {
        let truth = truth(&sb, vendor);
        let r = export(
            &home,
            vendor,
            &[
                "-o",
                "csv",
                "--fields",
                "id,status,started_at",
                "--limit",
                "7",
            ],
        );
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        let want: String = std::iter::once("id,status,started_at".to_string())
            .chain(truth.iter().take(7).map(|c| {
                let id = if c.id.contains(',') {
                    format!("\"{}\"", c.id)
                } else {
                    c.id.clone()
                };
                format!(
                    "{id},{},{}",
                    c.status,
                    c.started_at.format("%Y-%m-%dT%H:%M:%SZ")
                )
            }))
            .map(|l| l + "\n")
            .collect();
        assert_eq!(r.stdout, want, "{vendor}");

        let r = export(&home, vendor, &["-o", "ndjson", "--limit", "5", "--raw"]);
        let lines: Vec<serde_json::Value> = r
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 5, "{vendor}");
        assert!(
            lines.iter().all(|l| l["raw"].is_object()),
            "{vendor}: --raw keeps the vendor record"
        );

        let r = export(
            &home,
            vendor,
            &["-o", "table", "--limit", "3", "--tz", "UTC"],
        );
        assert_eq!(r.code, 0, "{vendor}");
        let rows: Vec<&str> = r.stdout.lines().collect();
        // The zone line, the header and three rows.
        assert_eq!(rows.len(), 5, "{vendor}: {}", r.stdout);
        assert_eq!(rows[0], "times in UTC", "{vendor}");
        assert!(
            rows[2].trim_start().starts_with(&truth[0].id),
            "{vendor}: {}",
            r.stdout
        );
    }
}

#[test]
fn faults_are_retried_and_the_export_stays_exact_on_every_vendor() {
    let sb = sandbox(calls::sandbox::Options {
        fail_rate: 0.25,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    // Small pages: many requests, so every vendor meets several faults.
    home.write_config(
        &sb.config_toml()
            .replace("\nvendor = ", "\npage_size = 10\nvendor = "),
    );
    // NOTE: the time is the retries' waits (backoff, `Retry-After: 1`), not work: the vendors'
    // exports run at once, each checked as it ends.
    std::thread::scope(|s| {
        for vendor in Vendor::ALL {
            let (sb, home) = (&sb, &home);
            s.spawn(move || {
                let r = export(home, vendor, &["-o", "json", "-v"]);
                assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
                let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
                let want: Vec<serde_json::Value> =
                    truth(sb, vendor).iter().map(call_json).collect();
                assert!(
                    got == want,
                    "{vendor}: {} calls, {} expected",
                    got.len(),
                    want.len()
                );
                assert!(
                    r.stderr.contains("; retry 1/5"),
                    "{vendor}: faults were met: {}",
                    r.stderr
                );
            });
        }
    });
}

#[test]
fn a_wrong_secret_is_exit_3_on_every_vendor_and_never_printed() {
    let sb = sandbox(options());
    let home = Home::new();
    let mut cfg = sb.config_toml();
    for vendor in Vendor::ALL {
        for (_, value) in Sandbox::credentials(vendor) {
            cfg = cfg.replace(value, &format!("wrong-{vendor}-4711"));
        }
    }
    home.write_config(&cfg);
    for vendor in Vendor::ALL {
        let r = export(&home, vendor, &["-o", "csv", "-vv"]);
        assert_eq!(r.code, 3, "{vendor}: {}", r.stderr);
        assert!(r.stderr.contains("rejected"), "{vendor}: {}", r.stderr);
        assert!(
            r.stderr.contains("hint:") && r.stderr.contains(&format!("profile '{vendor}'")),
            "{vendor}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("4711") && !r.stdout.contains("4711"),
            "{vendor}: {}",
            r.stderr
        );
    }
}

#[test]
fn show_where_the_vendor_has_it_and_exit_4_where_not() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in Vendor::ALL {
        let want = &truth(&sb, vendor)[3];
        let r = run(home
            .cmd()
            .args(["-p", vendor.id(), "show", &want.id, "-o", "json"]));
        if !vendor.supports(Operation::Show) {
            assert_eq!(r.code, 4, "{vendor}: {}", r.stderr);
            assert!(
                r.stderr
                    .contains(&format!("error: {vendor} does not support `show`")),
                "{}",
                r.stderr
            );
            assert!(
                r.stderr
                    .contains("hint: vendors that can: famulor, callcap, brightcall, mycrm"),
                "{}",
                r.stderr
            );
            assert!(
                sb.requests()
                    .iter()
                    .all(|q| !q.path.starts_with(&format!("/{vendor}/"))),
                "no request before exit 4"
            );
            continue;
        }
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        let mut got: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(got["raw"].is_object(), "{vendor}");
        got.as_object_mut().unwrap().remove("raw");
        assert_eq!(got, call_json(want), "{vendor}");
    }
}

#[test]
fn vendors_shows_the_capability_matrix() {
    let home = Home::new();
    let r = run(home.cmd().args(["vendors", "-o", "json"]));
    let v: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let matrix: Vec<(String, Vec<String>)> = v
        .iter()
        .map(|e| {
            let ops = e["operations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o.as_str().unwrap().to_string())
                .collect();
            (e["vendor"].as_str().unwrap().to_string(), ops)
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        matrix,
        vec![
            (
                "famulor".into(),
                s(&["list", "export", "show", "recording", "delete"])
            ),
            ("evolux".into(), s(&["list", "export", "recording"])),
            (
                "callcap".into(),
                s(&["list", "export", "show", "recording"])
            ),
            (
                "brightcall".into(),
                s(&["list", "export", "show", "recording"])
            ),
            (
                "mycrm".into(),
                s(&["list", "export", "show", "recording", "assign", "delete"])
            ),
        ]
    );
}
