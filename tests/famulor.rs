//! The Famulor adapter against the sandbox: the requests it sends (path, parameters, headers)
//! and what it makes of the answers.

mod common;

use common::*;

use calls::call::{Direction, Status};
use calls::query::Query;
use calls::vendors::Vendor;

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
        page_size: 10,
        keep_raw: false,
        modified_since: None,
    }
}

#[test]
fn sends_whole_days_with_auth_and_json_accept_and_cuts_the_exact_window() {
    let sb = sandbox(calls::sandbox::Options {
        calls: 4000,
        ..options()
    });
    let q = query();
    let got = fetch(&sb, Vendor::Famulor, &q, 1).unwrap();
    assert_eq!(got, sb.expected(Vendor::Famulor, q.from, q.to));
    let reqs = sb.requests();
    assert!(reqs.len() > 2, "several pages of 10");
    assert!(got.len() > 300);
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/famulor/api/user/calls");
        assert_eq!(
            r.header("authorization"),
            Some("Bearer famulor-sandbox-token")
        );
        assert_eq!(r.header("accept"), Some("application/json"));
        // One day more on each side: the vendor's day zone is undocumented.
        assert_eq!(r.param("date_from"), Some("2025-05-09"));
        assert_eq!(r.param("date_to"), Some("2025-05-21"));
        assert_eq!(r.param("per_page"), Some("10"));
        assert_eq!(r.param("page"), Some((i + 1).to_string().as_str()));
    }
    // Newest first: paging stops at the first page wholly older than --from, well before the
    // last page of the padded days.
    let last: u64 = reqs.last().unwrap().param("page").unwrap().parse().unwrap();
    let padded = sb
        .world(Vendor::Famulor)
        .between(at("2025-05-09T00:00:00Z"), at("2025-05-22T00:00:00Z"))
        .len() as u64;
    assert!(last < padded.div_ceil(10), "stopped early: {last} pages");
}

#[test]
fn filters_map_to_vendor_parameters() {
    let sb = sandbox(options());
    let q = Query {
        direction: Some(Direction::Inbound),
        statuses: vec![Status::Missed],
        number: Some("+49 151 1111".into()),
        agents: vec!["12".into()],
        campaigns: vec!["376".into()],
        params: vec![("per_page".into(), "7".into())],
        ..query()
    };
    fetch(&sb, Vendor::Famulor, &q, 1).unwrap();
    let r = &sb.requests()[0];
    assert_eq!(r.param("type"), Some("inbound"));
    assert_eq!(r.param("status"), Some("no-answer"));
    assert_eq!(r.param("phone_number"), Some("+491511111"));
    assert_eq!(r.param("assistant_id"), Some("12"));
    assert_eq!(r.param("campaign_id"), Some("376"));
    assert_eq!(r.param("per_page"), Some("7"), "--param wins");
    assert_eq!(r.query.iter().filter(|(k, _)| k == "per_page").count(), 1);
}

#[test]
fn statuses_without_one_vendor_word_are_checked_on_the_client() {
    let sb = sandbox(options());
    let q = Query {
        statuses: vec![Status::Voicemail],
        direction: Some(Direction::Web),
        from: at("2025-04-01T00:00:00Z"),
        ..query()
    };
    let got = fetch(&sb, Vendor::Famulor, &q, 1).unwrap();
    assert_eq!(sb.requests()[0].param("status"), None);
    let want: Vec<_> = sb
        .expected(Vendor::Famulor, q.from, q.to)
        .into_iter()
        .filter(|c| c.status == Status::Voicemail && c.direction == Direction::Web)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn two_agents_are_refused_before_any_request() {
    let sb = sandbox(options());
    let q = Query {
        agents: vec!["11".into(), "12".into()],
        ..query()
    };
    let err = fetch(&sb, Vendor::Famulor, &q, 1).unwrap_err();
    assert_eq!(calls::error::classify(&err).0, calls::error::Exit::Usage);
    assert!(
        err.to_string().contains("one assistant or campaign id"),
        "{err}"
    );
    assert!(sb.requests().is_empty());
}

#[test]
fn pages_fetched_ahead_come_out_in_order() {
    let sb = sandbox(calls::sandbox::Options {
        latency: std::time::Duration::from_millis(5),
        ..options()
    });
    let q = Query {
        from: at("2025-03-01T00:00:00Z"),
        to: at("2025-06-01T00:00:00Z"),
        ..query()
    };
    let got = fetch(&sb, Vendor::Famulor, &q, 6).unwrap();
    assert_eq!(got, sb.expected(Vendor::Famulor, q.from, q.to));
    assert_eq!(got.len(), 400);
    // 400 calls fill 40 pages exactly: the page after them (where calls arriving meanwhile
    // would have spilled) is counted in, so it is fetched ahead with the rest, once.
    let mut pages: Vec<u64> = sb
        .requests()
        .iter()
        .map(|r| r.param("page").unwrap().parse().unwrap())
        .collect();
    pages.sort();
    assert_eq!(pages, (1..=41).collect::<Vec<u64>>());
    let first = runtime()
        .block_on(backend(&sb, Vendor::Famulor).page(&q, &calls::vendors::PageRef::Number(1)))
        .unwrap();
    assert_eq!(first.total_pages, Some(41));
}

#[test]
fn the_vendors_422_is_a_usage_error() {
    let sb = sandbox(options());
    let q = Query {
        params: vec![("per_page".into(), "500".into())],
        ..query()
    };
    let err = fetch(&sb, Vendor::Famulor, &q, 1).unwrap_err();
    assert_eq!(calls::error::classify(&err).0, calls::error::Exit::Usage);
    assert!(
        format!("{err:#}").contains("The per page field must be between 1 and 100."),
        "{err:#}"
    );
}

#[test]
fn show_reads_the_single_call_shape() {
    let sb = sandbox(options());
    let want = sb
        .expected(
            Vendor::Famulor,
            at("2025-05-01T00:00:00Z"),
            at("2025-05-02T00:00:00Z"),
        )
        .remove(0);
    let got = runtime()
        .block_on(backend(&sb, Vendor::Famulor).show(&want.id))
        .unwrap();
    assert_eq!(
        sb.requests()[0].path,
        format!("/famulor/api/user/calls/{}", want.id)
    );
    let raw = got.raw.clone().unwrap().value();
    assert!(
        raw["created_at"].as_str().unwrap().contains(' '),
        "single call uses the zone-less format"
    );
    assert_eq!(calls::call::Call { raw: None, ..got }, want);
}

/// `assistant_id` / `campaign_id` are integers: a name (`--agent "Night Line"`, as `calls list`
/// prints it) is matched on the client, never sent as an id (which matched nothing).
#[test]
fn agent_and_campaign_names_are_matched_on_the_client() {
    let sb = sandbox(options());
    let want = truth(&sb, Vendor::Famulor);
    let agent = want.iter().find_map(|c| c.agent.clone()).unwrap();
    let campaign = want.iter().find_map(|c| c.campaign.clone()).unwrap();
    let q = Query {
        from: at("2025-03-01T00:00:00Z"),
        to: at("2025-06-01T00:00:00Z"),
        agents: vec![agent.to_lowercase()],
        campaigns: vec![campaign.clone()],
        ..query()
    };
    let got: Vec<String> = fetch(&sb, Vendor::Famulor, &q, 1)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let expected: Vec<String> = want
        .into_iter()
        .filter(|c| {
            c.agent.as_deref() == Some(&*agent) && c.campaign.as_deref() == Some(&*campaign)
        })
        .map(|c| c.id)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    for r in sb.requests() {
        assert_eq!(
            (r.param("assistant_id"), r.param("campaign_id")),
            (None, None)
        );
    }
}
