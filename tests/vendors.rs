//! Each vendor's quirks, asserting the requests sent to the sandbox and what came of them.

mod common;

use common::*;

use calls::call::{Direction, Status};
use calls::http::{Http, HttpOptions};
use calls::query::Query;
use calls::sandbox::{Options, Sandbox};
use calls::vendors::{Backend, Vendor};

fn query(vendor: Vendor) -> Query {
    Query {
        from: at("2025-05-10T08:00:00Z"),
        to: at("2025-05-20T08:00:00Z"),
        ..Query::everything(chrono_tz::Tz::UTC, vendor.traits().max_page_size)
    }
}

fn requests_to(sb: &Sandbox, vendor: Vendor) -> Vec<calls::sandbox::Recorded> {
    sb.requests()
        .into_iter()
        .filter(|r| r.path.starts_with(&format!("/{vendor}/")))
        .collect()
}

// ---- Evolux ------------------------------------------------------------------------------

#[test]
fn evolux_always_sends_the_window_and_all_contact_statuses() {
    let sb = sandbox(options());
    let q = Query {
        page_size: 20,
        ..query(Vendor::Evolux)
    };
    let got = fetch(&sb, Vendor::Evolux, &q, 4).unwrap();
    assert_eq!(got, sb.expected(Vendor::Evolux, q.from, q.to));
    assert!(
        got.iter().any(|c| c.status == Status::Missed),
        "unanswered calls too"
    );
    let reqs = requests_to(&sb, Vendor::Evolux);
    assert!(reqs.len() >= 2, "followed next_url");
    let first = &reqs[0];
    assert_eq!(first.path, "/evolux/api/v1/dialer/calls_history");
    assert_eq!(first.header("token"), Some("evolux-sandbox-token"));
    assert_eq!(first.param("start_date"), Some("2025-05-10T08:00:00+00:00"));
    assert_eq!(first.param("end_date"), Some("2025-05-20T08:00:00+00:00"));
    assert_eq!(first.param("contact_status"), Some("both"));
    assert_eq!(first.param("limit"), Some("20"));
    // The next pages are the vendor's own next_url, with the token still on the same host.
    assert!(reqs[1..]
        .iter()
        .all(|r| r.param("page").is_some() && r.header("token").is_some()));
}

#[test]
fn evolux_sends_repeated_agents_and_campaigns_and_narrows_contact_status() {
    let sb = sandbox(options());
    let q = Query {
        agents: vec!["11".into(), "12".into()],
        campaigns: vec!["376".into(), "377".into()],
        statuses: vec![Status::Missed],
        ..query(Vendor::Evolux)
    };
    let got = fetch(&sb, Vendor::Evolux, &q, 4).unwrap();
    let r = &requests_to(&sb, Vendor::Evolux)[0];
    let all = |k: &str| {
        r.query
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(all("agent_id"), vec!["11", "12"]);
    assert_eq!(all("campaign_id"), vec!["376", "377"]);
    assert_eq!(r.param("contact_status"), Some("error"));
    let want: Vec<_> = sb
        .expected(Vendor::Evolux, q.from, q.to)
        .into_iter()
        .filter(|c| {
            c.status == Status::Missed
                && ["11", "12"].contains(&c.agent_id.as_deref().unwrap())
                && ["376", "377"].contains(&c.campaign_id.as_deref().unwrap())
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn evolux_without_base_url_is_a_config_error() {
    let home = Home::new();
    home.write_config("[profiles.dialer]\nvendor = \"evolux\"\ntoken = \"abcd-1234\"\n");
    let r = run(home.cmd().args(["list"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: evolux needs a base_url: every customer has their own host"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: set base_url in the profile"),
        "{}",
        r.stderr
    );
    let r = run(home.cmd().args(["config", "check"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("error  dialer: evolux needs a base_url"),
        "{}",
        r.stdout
    );
}

#[test]
fn evolux_pages_are_at_most_fifty() {
    let sb = sandbox(options());
    let home = Home::new();
    home.write_config(&sb.config_toml().replace(
        "vendor = \"evolux\"\n",
        "vendor = \"evolux\"\npage_size = 60\n",
    ));
    let r = run(home.cmd().args(["-p", "evolux", "list"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("config.toml: profiles.evolux.page_size must be from 1 to 50"),
        "{}",
        r.stderr
    );
}

#[test]
fn evolux_next_url_on_another_host_is_refused() {
    // A vendor link (next_url, followed when its numbers are not the next page's) on another
    // host than the profile's: no token goes there.
    let sb = sandbox(options());
    let mut profile = sb.profile(Vendor::Evolux);
    profile.base_url = Some(format!("http://localhost:{}/evolux", sb.addr.port()));
    let b = Backend::new(&profile, Http::new(HttpOptions::default()).unwrap()).unwrap();
    let q = Query {
        page_size: 5,
        ..query(Vendor::Evolux)
    };
    let first = runtime().block_on(b.page(&q, &b.first_page())).unwrap();
    // Its pages are numbered as its own links number them: fetched by number from the API.
    assert_eq!(first.next, Some(calls::vendors::PageRef::Number(2)));
    let tampered = format!(
        "http://127.0.0.2:{}/evolux/api/v1/dialer/calls_history?page=2",
        sb.addr.port()
    );
    let err = runtime()
        .block_on(b.page(&q, &calls::vendors::PageRef::Url(tampered)))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("refusing to send credentials there"),
        "{err}"
    );
}

// ---- Callcap -----------------------------------------------------------------------------

#[test]
fn callcap_sends_a_strictly_later_end_date_and_utc_whatever_the_zone() {
    let sb = sandbox(options());
    let chicago: chrono_tz::Tz = "America/Chicago".parse().unwrap();
    // One UTC day: the end is sent as the start + 1 day (search_startdate must be strictly
    // less than search_enddate), in any user zone; one Chicago day spans two UTC days.
    for (from, to, tz, start, end) in [
        (
            "2025-05-12T00:00:00Z",
            "2025-05-13T00:00:00Z",
            chrono_tz::Tz::UTC,
            "2025-05-12",
            "2025-05-13",
        ),
        (
            "2025-05-12T00:00:00Z",
            "2025-05-13T00:00:00Z",
            chicago,
            "2025-05-12",
            "2025-05-13",
        ),
        (
            "2025-05-12T05:00:00Z",
            "2025-05-13T05:00:00Z",
            chicago,
            "2025-05-12",
            "2025-05-14",
        ),
    ] {
        sb.clear_requests();
        let q = Query {
            from: at(from),
            to: at(to),
            tz,
            ..query(Vendor::Callcap)
        };
        let got = fetch(&sb, Vendor::Callcap, &q, 4).unwrap();
        assert_eq!(got, sb.expected(Vendor::Callcap, q.from, q.to));
        let r = &requests_to(&sb, Vendor::Callcap)[0];
        assert_eq!(r.path, "/callcap/v2/get/calls/");
        assert_eq!(
            r.header("authorization"),
            Some("Bearer callcap-sandbox-token")
        );
        assert_eq!(r.param("search_startdate"), Some(start), "{from} in {tz}");
        assert_eq!(r.param("search_enddate"), Some(end), "{from} in {tz}");
        assert_eq!(r.param("search_timezone"), Some("UTC"));
        assert_eq!(r.param("show"), Some("1000"));
        assert_eq!(r.param("order"), Some("newest"));
    }
}

/// Callcap's times carry no offset: asked in the user's zone, the hour that repeats when
/// clocks go back read two ways (calls moved by an hour, one ending before it started). Asked
/// in UTC, the same calls come out under any `--tz`: here São Paulo's last DST changes (clocks
/// back on 2018-02-18, forward on 2018-11-04), with calls in the repeated hour and across the
/// skipped one.
#[test]
fn callcap_calls_are_the_same_under_any_tz_across_dst_changes() {
    let sb = sandbox(Options {
        calls: 300,
        until: Some(at("2018-11-20T00:00:00Z")),
        change_rate: 0.0,
        ..options()
    });
    // 23:00-24:00 on Feb 17 happened twice in São Paulo (01:00-03:00 UTC); Nov 4 had no
    // 00:00-01:00 (03:00 UTC).
    sb.add_calls(
        Vendor::Callcap,
        40,
        at("2018-02-18T00:30:00Z"),
        at("2018-02-18T03:30:00Z"),
    );
    sb.add_calls(
        Vendor::Callcap,
        40,
        at("2018-11-04T02:00:00Z"),
        at("2018-11-04T04:00:00Z"),
    );
    let home = Home::with_sandbox(&sb);
    let want: Vec<serde_json::Value> = sb
        .expected(
            Vendor::Callcap,
            at("2018-02-01T00:00:00Z"),
            at("2018-11-20T00:00:00Z"),
        )
        .iter()
        .map(call_json)
        .collect();
    assert!(want.len() > 300, "{}", want.len());
    let utc = |v: &serde_json::Value| {
        v.as_str().map(|t| {
            chrono::DateTime::parse_from_rfc3339(t)
                .unwrap()
                .with_timezone(&chrono::Utc)
        })
    };
    for tz in ["UTC", "America/Sao_Paulo", "US/Central"] {
        sb.clear_requests();
        let r = run(home.cmd().args([
            "-p",
            "callcap",
            "export",
            "-o",
            "json",
            "--tz",
            tz,
            "--from",
            "2018-02-01T00:00:00Z",
            "--to",
            "2018-11-20T00:00:00Z",
        ]));
        assert_eq!(r.code, 0, "{tz}: {}", r.stderr);
        let mut got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
        for call in &mut got {
            let (start, end) = (utc(&call["started_at"]).unwrap(), utc(&call["ended_at"]));
            assert!(
                end.is_none_or(|e| e >= start),
                "{tz}: ends before it starts: {call}"
            );
            for key in ["started_at", "ended_at"] {
                if let Some(t) = utc(&call[key]) {
                    call[key] = t.format("%Y-%m-%dT%H:%M:%SZ").to_string().into();
                }
            }
        }
        assert_eq!(got, want, "{tz}");
        let asked = requests_to(&sb, Vendor::Callcap);
        assert!(!asked.is_empty());
        assert!(
            asked
                .iter()
                .all(|r| r.param("search_timezone") == Some("UTC")),
            "{tz}"
        );
    }
}

#[test]
fn callcap_export_across_the_march_dst_change_is_exact() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    // US clocks went forward on 2025-03-09; Callcap is asked in UTC whatever --tz is.
    for tz in ["America/Chicago", "US/Eastern", "UTC"] {
        let r = run(home.cmd().args([
            "-p",
            "callcap",
            "export",
            "-o",
            "json",
            "--tz",
            tz,
            "--from",
            "2025-03-05",
            "--to",
            "2025-03-14",
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
        let zone: chrono_tz::Tz = tz.parse().unwrap();
        let from = calls::when::start_of_day("2025-03-05".parse().unwrap(), zone);
        let to = calls::when::start_of_day("2025-03-15".parse().unwrap(), zone);
        let want: Vec<serde_json::Value> = sb
            .expected(Vendor::Callcap, from, to)
            .iter()
            .map(|c| {
                let mut j = call_json(c);
                for key in ["started_at", "ended_at"] {
                    if let Some(t) = j[key].as_str() {
                        let t = at(t)
                            .with_timezone(&zone)
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                        j[key] = t.into();
                    }
                }
                j
            })
            .collect();
        assert!(want.len() > 20);
        assert_eq!(got, want, "{tz}");
        let r = &requests_to(&sb, Vendor::Callcap).last().cloned().unwrap();
        assert_eq!(r.param("search_timezone"), Some("UTC"));
    }
}

#[test]
fn callcap_show_encodes_ids_with_colons() {
    let sb = sandbox(options());
    let want = sb
        .expected(
            Vendor::Callcap,
            at("2025-05-01T00:00:00Z"),
            at("2025-05-02T00:00:00Z"),
        )
        .remove(0);
    assert!(want.id.contains(':') && want.id.contains('_'));
    let got = runtime()
        .block_on(backend(&sb, Vendor::Callcap).show(&want.id))
        .unwrap();
    assert_eq!(calls::call::Call { raw: None, ..got }, want);
    let r = &requests_to(&sb, Vendor::Callcap)[0];
    assert_eq!(
        r.path,
        format!("/callcap/v2/get/calls/{}/", want.id.replace(':', "%3A"))
    );
}

#[test]
fn callcap_filters_map_to_search_parameters() {
    let sb = sandbox(options());
    // Every filter at once, its values taken from one call of the data so that the answer
    // cannot be empty: an internal call, answered or blocked, on the main line.
    let (from, to) = (at("2025-03-01T00:00:00Z"), at(UNTIL));
    let all = sb.expected(Vendor::Callcap, from, to);
    let wanted = |c: &calls::call::Call| {
        c.direction == Direction::Internal
            && matches!(c.status, Status::Answered | Status::Failed)
            && c.campaign.as_deref() == Some("Main line")
            && c.duration.is_some_and(|d| (30..=900).contains(&d))
    };
    let pick = all
        .iter()
        .find(|c| {
            wanted(c)
                && !calls::call::phone_digits(c.customer_number.as_deref().unwrap()).ends_with('0')
        })
        .expect("an internal answered call on the main line");
    let digits = calls::call::phone_digits(pick.customer_number.as_deref().unwrap());
    let tail = digits[digits.len() - 4..].to_string();
    let agent = pick.agent_id.clone().unwrap();
    let other = all
        .iter()
        .filter_map(|c| c.agent_id.clone())
        .find(|a| *a != agent)
        .unwrap();
    let q = Query {
        from,
        to,
        direction: Some(Direction::Internal),
        statuses: vec![Status::Answered, Status::Failed],
        number: Some(format!("{}-{}", &tail[..3], &tail[3..])),
        agents: vec![agent.clone(), other.clone()],
        min_duration: Some(30),
        max_duration: Some(900),
        search: Some("Main".into()),
        ..query(Vendor::Callcap)
    };
    let want: Vec<_> = all
        .iter()
        .filter(|c| {
            wanted(c)
                && calls::call::phone_digits(c.customer_number.as_deref().unwrap())
                    .ends_with(tail.trim_start_matches('0'))
                && [&agent, &other].contains(&c.agent_id.as_ref().unwrap())
        })
        .cloned()
        .collect();
    assert!(want.contains(pick) && want.len() < all.len());
    let got = fetch(&sb, Vendor::Callcap, &q, 4).unwrap();
    assert_eq!(got, want);
    let r = &requests_to(&sb, Vendor::Callcap)[0];
    assert_eq!(r.param("search_direction"), Some("internal"));
    assert_eq!(r.param("search_action"), Some("ans,blocked"));
    assert_eq!(r.param("search_caller_id"), Some(tail.as_str()));
    assert_eq!(
        r.param("search_csr"),
        Some(format!("{agent},{other}").as_str())
    );
    assert_eq!(r.param("search_duration_min"), Some("30"));
    assert_eq!(
        r.param("search_duration_max"),
        None,
        "600 or more means no maximum to Callcap"
    );
    assert_eq!(r.param("search_term"), Some("Main"));
}

// ---- Brightcall --------------------------------------------------------------------------

#[test]
fn brightcall_posts_json_with_the_required_fields_and_codes() {
    let sb = sandbox(options());
    let q = Query {
        direction: Some(Direction::Outbound),
        statuses: vec![Status::Missed, Status::Failed],
        agents: vec!["12".into()],
        params: vec![("showTransfers".into(), "true".into())],
        ..query(Vendor::Brightcall)
    };
    let got = fetch(&sb, Vendor::Brightcall, &q, 4).unwrap();
    let want: Vec<_> = sb
        .expected(Vendor::Brightcall, q.from, q.to)
        .into_iter()
        .filter(|c| {
            c.direction == Direction::Outbound
                && matches!(c.status, Status::Missed | Status::Failed)
                && c.agent_id.as_deref() == Some("12")
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let r = &requests_to(&sb, Vendor::Brightcall)[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/brightcall/api/v1/stat/calls");
    assert_eq!(r.param("api-key"), Some("brightcall-sandbox-key"));
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn brightcall_never_shows_its_key() {
    let sb = sandbox(Options {
        fail_rate: 0.3,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args([
        "-p",
        "brightcall",
        "-vv",
        "export",
        "--from",
        FROM,
        "--to",
        TO,
        "-o",
        "csv",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("POST http://") && r.stderr.contains("api-key=REDACTED"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("brightcall-sandbox-key")
            && !r.stdout.contains("brightcall-sandbox-key")
    );
    // Errors carry the URL too: still redacted.
    let r = run(home.cmd().args([
        "-p",
        "brightcall",
        "--retries",
        "0",
        "--base-url",
        &format!("http://{}/nowhere", sb.addr),
        "list",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("error: brightcall answered with an HTML page instead of JSON")
            && r.stderr.contains("api-key=REDACTED"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("brightcall-sandbox-key"), "{}", r.stderr);
    let bad = sb
        .config_toml()
        .replace("brightcall-sandbox-key", "my-real-brightcall-key-999");
    home.write_config(&bad);
    let r = run(home.cmd().args(["-p", "brightcall", "-v", "list"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("`api_key` in profile 'brightcall'"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("my-real-brightcall-key-999"),
        "{}",
        r.stderr
    );
}

#[test]
fn brightcall_show_goes_through_unique_ids() {
    let sb = sandbox(options());
    let want = sb
        .expected(
            Vendor::Brightcall,
            at("2025-05-01T00:00:00Z"),
            at("2025-05-02T00:00:00Z"),
        )
        .remove(1);
    let got = runtime()
        .block_on(backend(&sb, Vendor::Brightcall).show(&want.id))
        .unwrap();
    assert_eq!(calls::call::Call { raw: None, ..got }, want);
    let err = runtime()
        .block_on(backend(&sb, Vendor::Brightcall).show("1746057600.99999"))
        .unwrap_err();
    assert!(
        err.to_string().contains("brightcall has no call with id"),
        "{err}"
    );
}

// ---- myCRM -------------------------------------------------------------------------------

#[test]
fn mycrm_fetches_a_token_then_pages_with_filters_until_a_short_page() {
    let sb = sandbox(options());
    // The commonest status and campaign of the window: more than a page of 3 calls.
    let all = sb.expected(
        Vendor::Mycrm,
        query(Vendor::Mycrm).from,
        query(Vendor::Mycrm).to,
    );
    let mut pairs: Vec<((Status, String), usize)> = Vec::new();
    for c in &all {
        let Some(campaign) = c.campaign_id.clone() else {
            continue;
        };
        match pairs
            .iter_mut()
            .find(|(k, _)| *k == (c.status, campaign.clone()))
        {
            Some((_, n)) => *n += 1,
            None => pairs.push(((c.status, campaign), 1)),
        }
    }
    let ((status, campaign), _) = pairs.iter().max_by_key(|(_, n)| *n).unwrap().clone();
    let q = Query {
        statuses: vec![status],
        page_size: 3,
        campaigns: vec![campaign.clone()],
        ..query(Vendor::Mycrm)
    };
    // One page at a time: a pager fetching ahead may ask for a page past the short one.
    let got = fetch(&sb, Vendor::Mycrm, &q, 1).unwrap();
    let want: Vec<_> = all
        .iter()
        .filter(|c| c.status == status && c.campaign_id.as_deref() == Some(campaign.as_str()))
        .cloned()
        .collect();
    assert!(want.len() > 3, "the filters keep more than a page");
    assert!(want.len() < all.len(), "and leave some out");
    assert_eq!(got, want);
    let reqs = requests_to(&sb, Vendor::Mycrm);
    let token = &reqs[0];
    assert_eq!(
        (token.method.as_str(), token.path.as_str()),
        ("POST", "/mycrm/auth/oauth/v1/token")
    );
    assert!(token.header("authorization").unwrap().starts_with("Basic "));
    let list = &reqs[1];
    assert_eq!(list.path, "/mycrm/calltrackings");
    assert!(list
        .header("authorization")
        .unwrap()
        .starts_with("Bearer sandbox-jwt-"));
    let word = match status {
        Status::Answered => "answered",
        Status::Missed => "notanswered",
        Status::Canceled => "canceled",
        _ => "voicemail",
    };
    assert_eq!(list.param("filters[status]"), Some(word));
    assert_eq!(list.param("filters[property][id]"), Some(campaign.as_str()));
    assert_eq!(list.param("filters[date_from]"), Some("2025-05-09"));
    assert_eq!(list.param("filters[date_to]"), Some("2025-05-21"));
    assert_eq!(
        (list.param("sort"), list.param("sort_order")),
        (Some("date"), Some("DESC"))
    );
    // One token for the whole run; paging ended on the first page shorter than 3.
    assert_eq!(
        reqs.iter().filter(|r| r.path.ends_with("/token")).count(),
        1
    );
    // The vendor filters whole days in its zone (UTC+4): it has the calls of those days.
    let vendor_side = sb
        .expected(
            Vendor::Mycrm,
            at("2025-05-08T20:00:00Z"),
            at("2025-05-21T20:00:00Z"),
        )
        .into_iter()
        .filter(|c| c.status == status && c.campaign_id.as_deref() == Some(campaign.as_str()))
        .count() as u64;
    assert!(vendor_side >= want.len() as u64);
    let pages = reqs.len() as u64 - 1;
    assert_eq!(pages, vendor_side / 3 + 1);
}

#[test]
fn mycrm_export_outlives_its_token() {
    // Tokens live one second; each page takes 150 ms: the export needs several tokens.
    let sb = sandbox(Options {
        token_ttl: std::time::Duration::from_secs(1),
        latency: std::time::Duration::from_millis(150),
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    home.write_config(&sb.config_toml().replace(
        "vendor = \"mycrm\"\n",
        "vendor = \"mycrm\"\npage_size = 20\n",
    ));
    let r = run(home.cmd().args([
        "-p", "mycrm", "-v", "export", "-o", "json", "--from", FROM, "--to", TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let want: Vec<serde_json::Value> = truth(&sb, Vendor::Mycrm).iter().map(call_json).collect();
    assert_eq!(got, want);
    assert!(
        r.stderr
            .contains("the access token was refused (expired?); fetching a new one"),
        "{}",
        r.stderr
    );
    let tokens = requests_to(&sb, Vendor::Mycrm)
        .iter()
        .filter(|r| r.path.ends_with("/token"))
        .count();
    assert!(tokens >= 2, "{tokens} tokens");
}

#[test]
fn mycrm_wrong_client_secret_is_exit_3_and_a_ready_token_works() {
    let sb = sandbox(options());
    let home = Home::new();
    home.write_config(
        &sb.config_toml()
            .replace("mycrm-sandbox-secret", "not-the-secret-31337"),
    );
    let r = run(home.cmd().args(["-p", "mycrm", "list"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the mycrm token endpoint rejected the client credentials"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("`client_secret` in profile 'mycrm'"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("31337"));
    // A ready bearer token (e.g. from another tool) instead of client credentials.
    let b = backend(&sb, Vendor::Mycrm);
    let q = query(Vendor::Mycrm);
    runtime().block_on(b.ping(&q)).unwrap();
    let listed = requests_to(&sb, Vendor::Mycrm)
        .into_iter()
        .rfind(|r| r.path == "/mycrm/calltrackings")
        .unwrap();
    let issued = listed
        .header("authorization")
        .unwrap()
        .trim_start_matches("Bearer ")
        .to_string();
    home.write_config(&format!(
        "[profiles.ready]\nvendor = \"mycrm\"\nbase_url = \"{}\"\ntoken_env = \"PF_TOKEN\"\n",
        sb.base_url(Vendor::Mycrm)
    ));
    let r = run(home
        .cmd()
        .args([
            "list", "--from", FROM, "--to", TO, "-o", "ndjson", "--limit", "2",
        ])
        .env("PF_TOKEN", &issued));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 2);
}

/// myCRM's `count` is the total (public client code), 100 a page: on each edge (none, a short
/// page, exactly one full page, one more, a partial third page: a public client computing
/// `count / 100` pages never reads page 3 of 250) every call is read, and the pages asked for
/// are exactly those needed. A full last page is followed by one more request: calls arriving
/// during the run push older ones onto the next page, and `count` may be the page's own count,
/// so only a short or empty page ends the listing.
#[test]
fn mycrm_reads_every_call_at_each_count_edge() {
    for (n, pages) in [
        (0usize, vec!["1"]),
        (99, vec!["1"]),
        (100, vec!["1", "2"]),
        (101, vec!["1", "2"]),
        (250, vec!["1", "2", "3"]),
    ] {
        let sb = sandbox(Options {
            calls: n,
            change_rate: 0.0,
            ..options()
        });
        let home = Home::with_sandbox(&sb);
        let r = run(home.cmd().args([
            "-p", "mycrm", "export", "-o", "json", "--from", FROM, "--to", TO,
        ]));
        assert_eq!(r.code, 0, "{n}: {}", r.stderr);
        let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
        let want: Vec<serde_json::Value> =
            truth(&sb, Vendor::Mycrm).iter().map(call_json).collect();
        assert_eq!(want.len(), n);
        assert_eq!(got, want, "{n}");
        let mut asked: Vec<String> = requests_to(&sb, Vendor::Mycrm)
            .iter()
            .filter(|r| r.path.ends_with("/calltrackings"))
            .map(|r| {
                assert_eq!(r.param("per_page"), Some("100"), "{n}");
                r.param("page").unwrap().to_string()
            })
            .collect();
        asked.sort();
        assert_eq!(asked, pages, "{n} calls");
    }
}

/// The vendor's `X-MyCRM-API-Warning` is shown on stderr, once a run however many pages carry
/// it, escaped; the export still succeeds.
#[test]
fn mycrm_shows_the_vendors_api_warning_once() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    home.write_config(&sb.config_toml().replace(
        "vendor = \"mycrm\"\n",
        "vendor = \"mycrm\"\npage_size = 50\n",
    ));
    let r = run(home.cmd().args([
        "-p",
        "mycrm",
        "export",
        "-o",
        "json",
        "--from",
        FROM,
        "--to",
        TO,
        "--param",
        "filters[date][from]=2025-02-28",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let want: Vec<serde_json::Value> = truth(&sb, Vendor::Mycrm).iter().map(call_json).collect();
    assert_eq!(got, want);
    let pages = requests_to(&sb, Vendor::Mycrm)
        .iter()
        .filter(|r| r.path.ends_with("/calltrackings"))
        .count();
    assert!(pages > 2, "{pages}");
    let warning = "warning: mycrm: filters[date][from] is deprecated and will be removed; use filters[date_from] / filters[date_to]";
    assert_eq!(r.stderr.matches(warning).count(), 1, "{}", r.stderr);
    // Without the deprecated parameter, no warning.
    let r = run(home
        .cmd()
        .args(["-p", "mycrm", "list", "--from", FROM, "--to", TO]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}
