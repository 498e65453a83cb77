//! No silent under-fetch (SPEC "Completeness"): a page that holds fewer calls than the vendor's
//! own numbers say is read again; still short, the run fails with the numbers and commits
//! nothing. Vendors that page by less than was asked are paged by what they serve.

mod common;

use common::hostile::{self, Hostile};
use common::*;

use calls::sandbox::{Options, ShortPage};
use calls::vendors::Vendor;

/// The sandbox's config with every profile paging by `page_size` (several pages of 400 calls).
fn paged_config(sb: &calls::sandbox::Sandbox, page_size: u32) -> String {
    let mut toml = sb.config_toml();
    for v in Vendor::ALL {
        toml = toml.replace(
            &format!("vendor = \"{v}\"\n"),
            &format!("vendor = \"{v}\"\npage_size = {page_size}\n"),
        );
    }
    toml
}

fn export_json(home: &Home, vendor: Vendor, extra: &[&str]) -> Run {
    run(home
        .cmd()
        .args(["-p", vendor.id(), "-v", "export", "-o", "json"])
        .args(["--from", FROM, "--to", TO])
        .args(extra))
}

fn expected_json(sb: &calls::sandbox::Sandbox, vendor: Vendor) -> Vec<serde_json::Value> {
    let want: Vec<serde_json::Value> = truth(sb, vendor).iter().map(call_json).collect();
    assert!(want.len() > 100, "several pages of calls");
    want
}

/// A page served short once is read again: the export is exact and says so at -v.
#[test]
fn a_page_short_once_is_read_again_and_the_export_is_exact_on_every_vendor() {
    for vendor in Vendor::ALL {
        let sb = sandbox(Options {
            short_page: Some(ShortPage::Once),
            ..options()
        });
        let home = Home::new();
        home.write_config(&paged_config(&sb, 50));
        let r = export_json(&home, vendor, &[]);
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
        assert!(got == expected_json(&sb, vendor), "{vendor}: not exact");
        assert!(
            r.stderr.contains(
                "page 2 held 49 calls where the vendor's numbers say 50; reading it again"
            ),
            "{vendor}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("completeness: "),
            "{vendor}: -v prints the check: {}",
            r.stderr
        );
    }
}

/// A page short every time fails the run with the numbers: the `--output` file is not
/// written and the `--since-last` state stays where the last good run left it.
#[test]
fn a_page_short_every_time_fails_the_run_and_commits_nothing_on_every_vendor() {
    for vendor in Vendor::ALL {
        let sb = sandbox(Options {
            short_page: Some(ShortPage::Always),
            ..options()
        });
        let home = Home::new();
        home.write_config(&paged_config(&sb, 50));
        let state = home.path("job.state");
        let cron = |out: &str| {
            run(home.cmd().args([
                "-p",
                vendor.id(),
                "export",
                "--since-last",
                "--state",
                state.to_str().unwrap(),
                "--from",
                "2025-05-31",
                "-o",
                "csv",
                "--output",
                out,
            ]))
        };
        // A first run over the last day: one page, nothing short.
        let first = cron("calls.csv");
        assert_eq!(first.code, 0, "{vendor}: {}", first.stderr);
        let saved = std::fs::read(&state).unwrap();
        let written = std::fs::read(home.path("calls.csv")).unwrap();
        // Then the vendor receives enough calls for three pages.
        sb.add_calls(
            vendor,
            120,
            at("2025-06-01T00:00:00Z"),
            at("2025-06-01T10:00:00Z"),
        );
        let r = cron("calls.csv");
        assert_eq!(r.code, 1, "{vendor}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("error: {vendor} reported ")),
            "{vendor}: {}",
            r.stderr
        );
        assert!(
            r.stderr
                .contains("page 2 held 49 of 50, also when read again"),
            "{vendor}: {}",
            r.stderr
        );
        assert_eq!(
            std::fs::read(&state).unwrap(),
            saved,
            "{vendor}: state kept"
        );
        assert_eq!(
            std::fs::read(home.path("calls.csv")).unwrap(),
            written,
            "{vendor}: output kept"
        );
        // A new file is not left behind at all.
        let r = export_json(&home, vendor, &["--output", "new.json"]);
        assert_eq!(r.code, 1, "{vendor}: {}", r.stderr);
        assert!(!home.path("new.json").exists(), "{vendor}");
        let leftovers: Vec<_> = std::fs::read_dir(home.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("new.json"))
            .collect();
        assert!(leftovers.is_empty(), "{vendor}: {leftovers:?}");
    }
}

/// The page-size parameter of each vendor's list request.
fn page_size_key(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Famulor | Vendor::Mycrm => "per_page",
        Vendor::Callcap => "show",
        Vendor::Evolux => "limit",
        Vendor::Brightcall => "itemsPerPage",
    }
}

/// A vendor that serves 30 calls a page whatever was asked (and says so only in its page
/// counts, if at all) is paged by what it serves: the export is complete.
#[test]
fn a_vendor_capping_the_page_size_silently_is_exported_completely() {
    const CAP: &str = "30";
    for vendor in Vendor::ALL {
        let sb = sandbox(options());
        let upstream = format!("http://{}", sb.addr);
        let key = page_size_key(vendor);
        let proxy = {
            let upstream = upstream.clone();
            Hostile::start_async(move |mut seen, _| {
                let upstream = upstream.clone();
                Box::pin(async move {
                    if seen.uri.contains(&format!("{key}=")) {
                        seen.uri = hostile::with_param(&seen.uri, key, CAP);
                    }
                    if key == "itemsPerPage" && !seen.body.is_empty() {
                        let mut body: serde_json::Value =
                            serde_json::from_slice(&seen.body).unwrap();
                        body[key] = serde_json::json!(30);
                        seen.body = serde_json::to_vec(&body).unwrap();
                    }
                    hostile::forward(seen, &upstream).await
                })
            })
        };
        let home = Home::new();
        home.write_config(&sb.config_toml().replace(&upstream, &proxy.base));
        let r = export_json(&home, vendor, &[]);
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        // Links on the API host (Evolux recordings) name the host the client called.
        let stdout = r.stdout.replace(&proxy.base, &upstream);
        let got: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
        assert!(
            got == expected_json(&sb, vendor),
            "{vendor}: {} calls",
            got.len()
        );
        // calls asked for its own page size; the vendor served 30.
        let asked: Vec<String> = proxy
            .seen()
            .iter()
            .map(|s| s.everything())
            .filter(|s| s.contains(key))
            .collect();
        assert!(!asked.is_empty(), "{vendor}");
        assert!(
            asked.iter().all(|s| !s.contains(&format!("{key}={CAP}"))
                && !s.contains(&format!("\"{key}\":{CAP}"))),
            "{vendor} asked for the cap itself: {asked:?}"
        );
    }
}

/// The Famulor docs repository's example served as it is (`per_page` 15, `last_page` 4, `total`
/// 52, two records a page): every page is read, the short ones twice, and the run fails with
/// the numbers instead of exiting 0 over 2 calls.
#[test]
fn famulors_own_docs_example_served_as_is_fails_with_the_numbers() {
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/famulor/list.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (
            &fixture["per_page"],
            &fixture["last_page"],
            &fixture["total"]
        ),
        (
            &serde_json::json!(15),
            &serde_json::json!(4),
            &serde_json::json!(52)
        )
    );
    let vendor = Hostile::start(move |seen, _| {
        let page: u64 =
            url::form_urlencoded::parse(seen.uri.split_once('?').map_or("", |q| q.1).as_bytes())
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
        // The same two records on each page, with ids of the page's own.
        let mut body = fixture.clone();
        for (i, call) in body["data"].as_array_mut().unwrap().iter_mut().enumerate() {
            call["id"] = serde_json::json!(1000 * page + i as u64);
        }
        body["current_page"] = serde_json::json!(page);
        hostile::json(&body)
    });
    let home = Home::new();
    let r = run(home
        .cmd()
        .env("CALLS_TOKEN", "docs-token")
        .args(["--vendor", "famulor", "--base-url", &vendor.base, "export"])
        .args(["--from", "2024-01-01", "--to", "2024-02-01", "-o", "csv"])
        .args(["--output", "calls.csv"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: famulor reported 52 calls in the window, 8 arrived (page 1 held 2 of 15, page 2 held 2 of 15, page 3 held 2 of 15, page 4 held 2 of 7, also when read again)"
        ),
        "{}",
        r.stderr
    );
    assert!(!home.path("calls.csv").exists());
    let mut pages: Vec<String> = vendor
        .seen()
        .iter()
        .map(|s| {
            url::form_urlencoded::parse(s.uri.split_once('?').unwrap().1.as_bytes())
                .find(|(k, _)| k == "page")
                .unwrap()
                .1
                .to_string()
        })
        .collect();
    pages.sort();
    assert_eq!(pages, ["1", "1", "2", "2", "3", "3", "4", "4"]);
}

/// Evolux installations that count pages from 0: the pages are those the vendor's own links
/// name, fetched ahead by those numbers, none skipped and none assumed.
#[test]
fn evolux_pages_counted_from_zero_are_all_read() {
    const TOTAL: u64 = 13;
    const LIMIT: u64 = 5;
    let vendor = Hostile::start(move |seen, _| {
        let query = seen.uri.split_once('?').map_or("", |q| q.1);
        let page: u64 = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let host = seen.header("host").unwrap().to_string();
        let link = |p: u64| {
            format!(
                "http://{host}{}",
                hostile::with_param(&seen.uri, "page", &p.to_string())
            )
        };
        let last = TOTAL.div_ceil(LIMIT) - 1;
        let data: Vec<serde_json::Value> = (page * LIMIT..TOTAL.min((page + 1) * LIMIT))
            .map(|i| {
                serde_json::json!({
                    "id": 500 + i,
                    "start_time": format!("2025-05-20T10:{:02}:00+00:00", 59 - i),
                    "end_time": format!("2025-05-20T11:{:02}:00+00:00", 59 - i),
                    "answer_time": null,
                })
            })
            .collect();
        hostile::json(&serde_json::json!({
            "pagination": {
                "limit": LIMIT, "items": data.len(), "total": TOTAL,
                "first_url": link(0), "current_url": link(page), "last_url": link(last),
                "next_url": (page < last).then(|| link(page + 1)),
            },
            "meta": {"status": 200, "message": "OK"},
            "data": data,
        }))
    });
    let home = Home::new();
    let r = run(home
        .cmd()
        .env("CALLS_TOKEN", "evolux-token")
        .args([
            "--vendor",
            "evolux",
            "--base-url",
            &vendor.base,
            "--concurrency",
            "4",
        ])
        .args([
            "export", "--from", FROM, "--to", TO, "-o", "csv", "--fields", "id",
        ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ids: Vec<String> = (0..TOTAL).map(|i| (500 + i).to_string()).collect();
    assert_eq!(r.stdout, format!("id\n{}\n", ids.join("\n")));
    let mut pages: Vec<Option<String>> = vendor
        .seen()
        .iter()
        .map(|s| {
            url::form_urlencoded::parse(s.uri.split_once('?').unwrap().1.as_bytes())
                .find(|(k, _)| k == "page")
                .map(|p| p.1.to_string())
        })
        .collect();
    pages.sort();
    assert_eq!(pages, [None, Some("1".into()), Some("2".into())]);
}

/// Every profile the sandbox serves, second APIs included, with what a correct client makes of
/// its calls in `[from, to)`, newest first.
fn profiles_and_truth(
    sb: &calls::sandbox::Sandbox,
    from: &str,
    to: &str,
) -> Vec<(&'static str, Vec<serde_json::Value>)> {
    let (from, to) = (at(from), at(to));
    let json = |calls: Vec<calls::call::Call>| calls.iter().map(call_json).collect::<Vec<_>>();
    vec![
        ("famulor", json(sb.expected(Vendor::Famulor, from, to))),
        (
            "famulor-v1",
            json(sb.expected_api(Vendor::Famulor, "v1", from, to)),
        ),
        ("evolux", json(sb.expected(Vendor::Evolux, from, to))),
        ("callcap", json(sb.expected(Vendor::Callcap, from, to))),
        (
            "brightcall",
            json(sb.expected(Vendor::Brightcall, from, to)),
        ),
        (
            "brightcall-v3",
            json(sb.expected(Vendor::Brightcall, from, to)),
        ),
        ("mycrm", json(sb.expected(Vendor::Mycrm, from, to))),
    ]
}

fn by_id(mut calls: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    calls.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    calls
}

/// The newest-first early stop checks the vendor's order instead of trusting it: a vendor that
/// answers oldest first, or in no order at all, whatever `sort` asked, is read to its last page
/// and the export is exact (it used to end after page 1: 0 of 130 calls, exit 0). Every
/// profile, second APIs included, for a window that starts in the middle of a day (the vendors'
/// date filters are by day, so the first pages hold calls older than --from), with pages of 5
/// calls and pages fetched ahead or one at a time.
#[test]
fn a_vendor_ignoring_the_newest_first_order_is_read_to_the_end_on_every_vendor() {
    use calls::sandbox::Order;
    let (from, to) = ("2025-05-10T18:30:00Z", "2025-05-24T07:00:00Z");
    for order in [Order::OldestFirst, Order::Shuffled, Order::NewestFirst] {
        let sb = sandbox(Options {
            order: Some(order),
            ..options()
        });
        let home = Home::new();
        home.write_config(&paged_config(&sb, 5));
        for (profile, want) in profiles_and_truth(&sb, from, to) {
            assert!(want.len() > 40, "{profile}: several pages in the window");
            for concurrency in ["1", "4"] {
                let r = run(home
                    .cmd()
                    .args(["-p", profile, "--concurrency", concurrency, "-v"])
                    .args(["export", "-o", "json", "--from", from, "--to", to]));
                assert_eq!(r.code, 0, "{profile} {order:?}: {}", r.stderr);
                let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
                assert_eq!(
                    got.len(),
                    want.len(),
                    "{profile} {order:?} --concurrency {concurrency}: {}",
                    r.stderr
                );
                assert!(
                    by_id(got) == by_id(want.clone()),
                    "{profile} {order:?}: not exact"
                );
                if order != Order::NewestFirst && profile != "evolux" {
                    assert!(
                        r.stderr.contains("is not newest first"),
                        "{profile} {order:?}: -v says why every page is read: {}",
                        r.stderr
                    );
                }
            }
        }
    }
}

/// Two records with one id, the vendor's total unchanged: the run fails, and says what
/// happened (which id came twice, on which page) instead of "run it again later". On a page of
/// its own and across pages.
#[test]
fn a_call_served_twice_with_the_total_unchanged_is_named() {
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/famulor/list.json"
        ))
        .unwrap(),
    )
    .unwrap();
    // (ids on page 1, ids on page 2)
    for (one, two) in [(vec![7, 7], vec![]), (vec![8, 7], vec![7, 6])] {
        let pages = if two.is_empty() { 1 } else { 2 };
        let total = one.len() + two.len();
        let (one2, two2, template) = (one.clone(), two.clone(), fixture["data"][0].clone());
        let vendor = Hostile::start(move |seen, _| {
            let page: u64 = url::form_urlencoded::parse(
                seen.uri.split_once('?').map_or("", |q| q.1).as_bytes(),
            )
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
            let none = Vec::new();
            let ids = match page {
                1 => &one2,
                2 => &two2,
                _ => &none,
            };
            let data: Vec<serde_json::Value> = ids
                .iter()
                .map(|id| {
                    let mut c = template.clone();
                    c["id"] = serde_json::json!(id);
                    c
                })
                .collect();
            hostile::json(&serde_json::json!({
                "data": data, "current_page": page, "per_page": 2,
                "total": total, "last_page": pages,
            }))
        });
        let home = Home::new();
        let r = run(home
            .cmd()
            .env("CALLS_TOKEN", "docs-token")
            .args([
                "-v",
                "--vendor",
                "famulor",
                "--base-url",
                &vendor.base,
                "export",
            ])
            .args(["--from", "2024-01-01", "--to", "2024-02-01", "-o", "csv"])
            .args(["--output", "calls.csv"]));
        assert_eq!(r.code, 1, "{}", r.stderr);
        let again = if pages == 1 { 1 } else { 2 };
        assert!(
            r.stderr.contains(&format!(
                "error: famulor reported {total} calls in the window, {} arrived: it served 1 call twice: 7 (again on page {again})",
                total - 1
            )),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("the vendor lists those calls twice"),
            "{}",
            r.stderr
        );
        assert!(!home.path("calls.csv").exists());
    }
}
