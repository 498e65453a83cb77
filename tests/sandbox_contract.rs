//! The sandbox is not its own answer key: its raw answers are checked against each vendor's
//! documented examples (`fixtures/<vendor>/`, copied from the vendors' pages or written from
//! `shared/vendor-docs/README.md`): the same keys, recursively, in the envelope and in every call
//! record; the same JSON types per key; and status, direction and type words from the set the
//! docs name. Where the docs allow more than their examples show, the leeway is written down
//! here with its reason.

mod common;

use std::collections::BTreeSet;

use common::*;

use calls::sandbox::Sandbox;
use calls::vendors::Vendor;
use serde_json::{json, Value};

fn fixture(path: &str) -> Value {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    serde_json::from_str(&std::fs::read_to_string(&file).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// What the docs allow beyond their examples, each entry a path like `data[].duration`.
#[derive(Default)]
struct Leeway {
    /// May be null although no example shows it null.
    nullable: &'static [&'static str],
    /// May be absent although every example has it.
    optional: &'static [&'static str],
    /// Documented outside the examples (with the JSON kind the docs give).
    extra: &'static [(&'static str, &'static str)],
    /// Objects whose keys are the customer's own (custom fields): their keys are not checked.
    free: &'static [&'static str],
}

/// A value's JSON kind; integers and fractions apart (a reader expecting a whole number
/// refuses `41.5`).
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks `got` against the documented examples `docs` of the same place, recursively.
fn shape(path: &str, got: &Value, docs: &[&Value], leeway: &Leeway, errors: &mut Vec<String>) {
    let kinds: BTreeSet<&str> = docs.iter().map(|d| kind(d)).collect();
    let shown: BTreeSet<&str> = kinds.iter().copied().filter(|k| *k != "null").collect();
    match got {
        Value::Null => {
            if !kinds.contains("null") && !shown.is_empty() && !leeway.nullable.contains(&path) {
                errors.push(format!("{path}: null, the docs show {shown:?}"));
            }
            return;
        }
        // A whole number where the docs show fractions reads as well.
        v if shown.is_empty()
            || shown.contains(kind(v))
            || (kind(v) == "integer" && shown.contains("float")) => {}
        v => {
            errors.push(format!("{path}: {} {v}, the docs show {shown:?}", kind(v)));
            return;
        }
    }
    match got {
        Value::Object(map) => {
            let objects: Vec<&serde_json::Map<String, Value>> =
                docs.iter().filter_map(|d| d.as_object()).collect();
            if objects.is_empty() || leeway.free.contains(&path) {
                return;
            }
            let allowed: BTreeSet<&str> = objects
                .iter()
                .flat_map(|o| o.keys().map(String::as_str))
                .collect();
            for key in objects[0].keys() {
                let child = format!("{path}.{key}");
                if objects.iter().all(|o| o.contains_key(key))
                    && !map.contains_key(key)
                    && !leeway.optional.contains(&child.as_str())
                {
                    errors.push(format!("{child}: missing, every example has it"));
                }
            }
            for (key, value) in map {
                let child = format!("{path}.{key}");
                if let Some((_, documented)) = leeway.extra.iter().find(|(p, _)| *p == child) {
                    if kind(value) != *documented {
                        errors.push(format!("{child}: {}, documented {documented}", kind(value)));
                    }
                } else if !allowed.contains(key.as_str()) {
                    errors.push(format!("{child}: no example has this key"));
                } else {
                    let below: Vec<&Value> = objects.iter().filter_map(|o| o.get(key)).collect();
                    shape(&child, value, &below, leeway, errors);
                }
            }
        }
        Value::Array(items) => {
            let below: Vec<&Value> = docs.iter().filter_map(|d| d.as_array()).flatten().collect();
            if below.is_empty() {
                return;
            }
            let child = format!("{path}[]");
            for item in items {
                shape(&child, item, &below, leeway, errors);
            }
        }
        _ => {}
    }
}

/// Checks the words at `field` of every record against the documented set.
fn words(what: &str, records: &[Value], field: &str, allowed: &[Value], errors: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for r in records {
        let Some(v) = r.pointer(field) else { continue };
        if v.is_null() {
            continue;
        }
        if !allowed.contains(v) {
            errors.push(format!("{what} {field}: {v} is not a documented word"));
        }
        seen.insert(v.to_string());
    }
    assert!(!seen.is_empty(), "{what} {field}: no record has it");
}

fn report(vendor: Vendor, errors: Vec<String>) {
    let unique: BTreeSet<String> = errors.into_iter().collect();
    assert!(
        unique.is_empty(),
        "{vendor}: the sandbox disagrees with the docs:\n{}",
        unique.into_iter().collect::<Vec<_>>().join("\n")
    );
}

fn secret(vendor: Vendor, key: &str) -> &'static str {
    Sandbox::credentials(vendor)
        .into_iter()
        .find(|(k, _)| k.name() == key)
        .unwrap()
        .1
}

/// One request to the sandbox: its status and JSON body.
fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    runtime().block_on(async {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        (status, body)
    })
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn strs(words: &[&str]) -> Vec<Value> {
    words.iter().map(|w| json!(w)).collect()
}

#[test]
fn famulor_answers_as_its_docs_show() {
    let sb = sandbox(options());
    let base = sb.base_url(Vendor::Famulor);
    let auth = format!("Bearer {}", secret(Vendor::Famulor, "token"));
    let http = client();
    let get = |url: String| {
        send(
            http.get(url)
                .header("authorization", &auth)
                .header("accept", "application/json"),
        )
    };
    let list_doc = fixture("famulor/list.json");
    let show_doc = fixture("famulor/show.json");
    let leeway = Leeway {
        // Assumed: a call still going has no duration yet; an empty page has no from / to
        // (Laravel's paginator writes null, as for `prev_page_url`), the last page no next
        // one. The list shows `campaign_name` ("falls zutreffend") and `recording_url` ("falls
        // verfügbar") null: the single call may have them null too.
        nullable: &[
            ".data[].duration",
            ".from",
            ".to",
            ".next_page_url",
            ".duration",
            ".campaign_name",
            ".recording_url",
        ],
        ..Leeway::default()
    };
    let mut errors = Vec::new();
    let mut records = Vec::new();
    let mut page = 1;
    loop {
        let (status, body) = get(format!(
            "{base}/api/user/calls?per_page=100&page={page}&date_from=2025-03-01&date_to=2025-05-31"
        ));
        assert_eq!(status, 200, "{body}");
        shape("", &body, &[&list_doc], &leeway, &mut errors);
        records.extend(body["data"].as_array().unwrap().iter().cloned());
        if body["next_page_url"].is_null() {
            break;
        }
        page += 1;
    }
    assert_eq!(records.len(), 400);
    // The documented words: `status` and `type` from the list's filters, `answered_by` from
    // the response fields ("human, machine oder unknown").
    let statuses = strs(&[
        "initiated",
        "ringing",
        "busy",
        "in-progress",
        "ended",
        "completed",
        "ended_by_customer",
        "ended_by_assistant",
        "no-answer",
        "failed",
    ]);
    let types = strs(&["inbound", "outbound", "web"]);
    let answered_by = strs(&["human", "machine", "unknown"]);
    words("list", &records, "/status", &statuses, &mut errors);
    words("list", &records, "/type", &types, &mut errors);
    words("list", &records, "/answered_by", &answered_by, &mut errors);
    // The single call, for calls of every status.
    let mut shown = Vec::new();
    for r in records.iter().step_by(7) {
        let (status, body) = get(format!("{base}/api/user/calls/{}", r["id"]));
        assert_eq!(status, 200, "{body}");
        shape("", &body, &[&show_doc], &leeway, &mut errors);
        shown.push(body);
    }
    words("show", &shown, "/status", &statuses, &mut errors);
    words("show", &shown, "/type", &types, &mut errors);
    words("show", &shown, "/answered_by", &answered_by, &mut errors);
    let (status, body) = get(format!("{base}/api/user/calls/1"));
    assert_eq!(status, 404);
    assert_eq!(body, fixture("famulor/not-found.json"));
    report(Vendor::Famulor, errors);
}

#[test]
fn evolux_answers_as_its_docs_show() {
    let sb = sandbox(options());
    let base = sb.base_url(Vendor::Evolux);
    let token = secret(Vendor::Evolux, "token");
    let http = client();
    let doc = fixture("evolux/list.json");
    let mut errors = Vec::new();
    for campaign in [None, Some("376")] {
        let leeway = Leeway {
            // Assumed: an unanswered call has no answer time, a call without a recording no
            // download link (the example shows two answered, recorded calls).
            nullable: &[".data[].answer_time", ".data[].download_audio"],
            // `custom_fields` come only when a campaign_id is sent (confirmed in the README).
            optional: if campaign.is_none() {
                &[".data[].custom_fields"]
            } else {
                &[]
            },
            // The campaign's own fields, defined by each customer.
            free: &[".data[].custom_fields"],
            ..Leeway::default()
        };
        let mut url = format!(
            "{base}/api/v1/dialer/calls_history?start_date=2025-03-01&end_date=2025-05-31&contact_status=both&limit=50"
        );
        if let Some(c) = campaign {
            url.push_str(&format!("&campaign_id={c}"));
        }
        let mut records = Vec::new();
        loop {
            let (status, body) = send(http.get(&url).header("token", token));
            assert_eq!(status, 200, "{body}");
            shape("", &body, &[&doc], &leeway, &mut errors);
            records.extend(body["data"].as_array().unwrap().iter().cloned());
            match body["pagination"]["next_url"].as_str() {
                Some(next) => url = next.to_string(),
                None => break,
            }
        }
        assert!(!records.is_empty(), "campaign {campaign:?}");
        if campaign.is_some() {
            assert!(records.iter().all(|r| r["custom_fields"].is_object()));
        }
        // `end_by` as in the example (who hung up).
        words(
            "list",
            &records,
            "/end_by",
            &strs(&["Subscriber", "Agent"]),
            &mut errors,
        );
    }
    report(Vendor::Evolux, errors);
}

#[test]
fn callcap_answers_as_its_docs_show() {
    let sb = sandbox(options());
    let base = sb.base_url(Vendor::Callcap);
    let auth = format!("Bearer {}", secret(Vendor::Callcap, "token"));
    let http = client();
    let get = |url: String| send(http.get(url).header("authorization", &auth));
    // The page's example (every detail block) and the fields shown for every detail level.
    let full = fixture("callcap/list.json");
    let minimal = fixture("callcap/minimal.json");
    let leeway = Leeway {
        // Assumed: a call without a recording has none, a call in progress no end yet.
        nullable: &[".call[].recording", ".call[].end_datetime"],
        // The single-call endpoint: the page shows no example of its answer. A Callsurance
        // change request exists only for a call whose evaluation was disputed
        // (`search_evaluation_change_status`).
        optional: &[".pagination", ".call[].callsurance.change_request"],
        ..Leeway::default()
    };
    let list = |detail: &str| {
        let (status, body) = get(format!(
            "{base}/v2/get/calls/?search_range=custom&search_startdate=2025-03-01&search_enddate=2025-06-01&search_timezone=UTC&show=1000{detail}"
        ));
        assert_eq!(status, 200, "{body}");
        body
    };
    let mut errors = Vec::new();
    let body = list("");
    shape("", &body, &[&full, &minimal], &leeway, &mut errors);
    let records = body["call"].as_array().unwrap().clone();
    assert_eq!(records.len(), 400);
    // `action`: the example's "Answer", and the statuses `search_action` names (ans, missed,
    // blocked, inprogress) as the answer writes them.
    words(
        "list",
        &records,
        "/action",
        &strs(&["Answer", "Missed", "Blocked", "In Progress"]),
        &mut errors,
    );
    words(
        "list",
        &records,
        "/accounts/campaign/direction",
        &strs(&["inbound", "outbound", "internal"]),
        &mut errors,
    );
    // `detail`: notes, demographics, scorecards, import, summaries and sentiment come only
    // when asked for by name ("Must be explicitly set").
    for block in [
        "notes",
        "demographics",
        "scorecards",
        "import",
        "summaries",
        "sentiment",
    ] {
        if records.iter().any(|r| r.get(block).is_some()) {
            errors.push(format!(".call[].{block}: sent without detail={block}"));
        }
    }
    let noted = list("&detail=all,notes");
    shape("", &noted, &[&full, &minimal], &leeway, &mut errors);
    assert!(noted["call"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["notes"].is_string()));
    // The single call.
    for r in records.iter().step_by(37) {
        let id = r["call_id"].as_str().unwrap().replace(':', "%3A");
        let (status, body) = get(format!("{base}/v2/get/calls/{id}/"));
        assert_eq!(status, 200, "{body}");
        shape("", &body, &[&full, &minimal], &leeway, &mut errors);
        assert_eq!(body["call"][0]["call_id"], r["call_id"]);
    }
    report(Vendor::Callcap, errors);
}

#[test]
fn brightcall_answers_as_its_docs_show() {
    let sb = sandbox(options());
    let base = sb.base_url(Vendor::Brightcall);
    let key = secret(Vendor::Brightcall, "api_key");
    let http = client();
    let doc = fixture("brightcall/list.json");
    let mut errors = Vec::new();
    let mut records = Vec::new();
    for page in 1.. {
        let (status, body) = send(
            http.post(format!("{base}/api/v1/stat/calls?api-key={key}"))
                .json(&json!({"dayFrom": "2025-03-01", "dayTo": "2025-05-31",
                              "dateInterval": "day", "page": page, "itemsPerPage": 100})),
        );
        assert_eq!(status, 200, "{body}");
        shape("", &body, &[&doc], &Leeway::default(), &mut errors);
        records.extend(body["calls"].as_array().unwrap().iter().cloned());
        if page >= body["pagesCount"].as_u64().unwrap() {
            break;
        }
    }
    assert_eq!(records.len(), 400);
    // The documented codes (types 0 inbound, 1 outbound, 2 internal; states 0 unanswered,
    // 1 answered, 2 failed), as numbers or as those words.
    let types: Vec<Value> = [json!(0), json!(1), json!(2)]
        .into_iter()
        .chain(strs(&["inbound", "outbound", "internal"]))
        .collect();
    let states: Vec<Value> = [json!(0), json!(1), json!(2)]
        .into_iter()
        .chain(strs(&["unanswered", "answered", "failed"]))
        .collect();
    words("list", &records, "/type", &types, &mut errors);
    words("list", &records, "/state", &states, &mut errors);
    report(Vendor::Brightcall, errors);
}

#[test]
fn brightcall_v3_answers_as_its_client_code_shows() {
    let sb = sandbox(options());
    let base = sb.api_base_url(Vendor::Brightcall, "v3");
    let key = secret(Vendor::Brightcall, "api_key");
    let http = client();
    let count_doc = fixture("brightcall-v3/count.json");
    let list_doc = fixture("brightcall-v3/list.json");
    // The sandbox leaves out what it has no truth for; the records' own fields are v1's, and
    // v1's page documents recordName as nullable (calls without a recording).
    let leeway = Leeway {
        nullable: &[".calls[].recordName"],
        optional: &[
            ".calls[].insertOrigin",
            ".calls[].qualityRating",
            ".calls[].outcomeTag",
            ".calls[].outcomeType",
        ],
        ..Leeway::default()
    };
    let mut errors = Vec::new();
    let request = |page: u64| {
        json!({"dayFrom": "2025-03-01", "dayTo": "2025-05-31", "dateInterval": "day",
               "allUsers": true, "page": page, "itemsPerPage": 150,
               "sortBy": "timestamp", "sortDirection": "DESC"})
    };
    let (status, count) = send(
        http.post(format!("{base}/api/v3/stat/calls/count?api-key={key}"))
            .json(&request(1)),
    );
    assert_eq!(status, 200, "{count}");
    shape("", &count, &[&count_doc], &Leeway::default(), &mut errors);
    assert_eq!(count["pagesCount"], 3, "400 calls, 150 a page");
    let mut records = Vec::new();
    for page in 1..=3 {
        let (status, body) = send(
            http.post(format!("{base}/api/v3/stat/calls/list?api-key={key}"))
                .json(&request(page)),
        );
        assert_eq!(status, 200, "{body}");
        shape("", &body, &[&list_doc], &leeway, &mut errors);
        assert_eq!(
            (&body["page"], &body["pagesCount"]),
            (&json!(page), &json!(3))
        );
        records.extend(body["calls"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(records.len(), 400);
    let stamps: Vec<&str> = records
        .iter()
        .map(|r| r["timestamp"].as_str().unwrap())
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // Some recordNames are links on the recordings host, some bare file names.
    let names: Vec<&str> = records
        .iter()
        .filter_map(|r| r["recordName"].as_str())
        .collect();
    let links = names.iter().filter(|n| n.starts_with("http://")).count();
    assert!(
        links > 10 && links < names.len(),
        "{links} of {}",
        names.len()
    );
    // 500 a page at most; without allUsers only the key owner's calls.
    let mut big = request(1);
    big["itemsPerPage"] = json!(501);
    let (status, _) = send(
        http.post(format!("{base}/api/v3/stat/calls/list?api-key={key}"))
            .json(&big),
    );
    assert_eq!(status, 400);
    let mut own = request(1);
    own.as_object_mut().unwrap().remove("allUsers");
    let (_, body) = send(
        http.post(format!("{base}/api/v3/stat/calls/list?api-key={key}"))
            .json(&own),
    );
    let total = body["totalItems"].as_u64().unwrap();
    assert!(total > 0 && total < 400, "{total}");
    let (status, _) = send(
        http.post(format!("{base}/api/v3/stat/calls/count?api-key=wrong"))
            .json(&request(1)),
    );
    assert_eq!(status, 401);
    report(Vendor::Brightcall, errors);
}

#[test]
fn mycrm_answers_as_its_docs_show() {
    use base64::Engine;
    let sb = sandbox(options());
    let base = sb.base_url(Vendor::Mycrm);
    let http = client();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        secret(Vendor::Mycrm, "client_id"),
        secret(Vendor::Mycrm, "client_secret")
    ));
    let mut errors = Vec::new();
    let (status, token) = send(
        http.post(sb.token_url())
            .header("authorization", format!("Basic {basic}"))
            .json(&json!({"scope": "openid", "grant_type": "client_credentials"})),
    );
    assert_eq!(status, 200, "{token}");
    shape(
        "",
        &token,
        &[&fixture("mycrm/token.json")],
        &Leeway::default(),
        &mut errors,
    );
    assert_eq!(
        (&token["token_type"], &token["expires_in"]),
        (&json!("Bearer"), &json!(1800))
    );
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let get = |url: String| send(http.get(url).header("authorization", &bearer));
    let doc = fixture("mycrm/list.json");
    let leeway = Leeway {
        // `count`: seen in public client code, the total of matching records.
        extra: &[(".count", "integer")],
        ..Leeway::default()
    };
    let mut records = Vec::new();
    let mut counts = Vec::new();
    for page in 1.. {
        let (status, body) = get(format!(
            "{base}/calltrackings?filters[date_from]=2025-03-01&filters[date_to]=2025-05-31&per_page=100&page={page}"
        ));
        assert_eq!(status, 200, "{body}");
        shape("", &body, &[&doc], &leeway, &mut errors);
        let items = body["call_trackings"].as_array().unwrap();
        counts.push(body["count"].as_u64().unwrap());
        records.extend(items.iter().cloned());
        if items.len() < 100 {
            break;
        }
    }
    assert!(records.len() > 300, "{}", records.len());
    assert!(records
        .iter()
        .all(|r| r["user"].as_object().is_some_and(|u| u.keys().eq(["id"]))));
    // With `X-MyCRM-Expand-Data: true` (public client code) a user has `public` with names.
    let (status, body) = send(
        http.get(format!("{base}/calltrackings?per_page=20"))
            .header("authorization", &bearer)
            .header("X-MyCRM-Expand-Data", "true"),
    );
    assert_eq!(status, 200, "{body}");
    let expanded = Leeway {
        extra: &[
            (".count", "integer"),
            (".call_trackings[].user.public", "object"),
        ],
        ..Leeway::default()
    };
    shape("", &body, &[&doc], &expanded, &mut errors);
    let items = body["call_trackings"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    for r in items {
        let public = &r["user"]["public"];
        assert!(
            public["first_name"].is_string()
                && public["last_name"].is_string()
                && public["email"].is_string(),
            "{r}"
        );
    }
    if counts.iter().any(|c| *c != records.len() as u64) {
        errors.push(format!(
            ".count: {counts:?} on the pages of {} records; the docs: the total",
            records.len()
        ));
    }
    words(
        "list",
        &records,
        "/status",
        &strs(&["notanswered", "answered", "canceled", "voicemail"]),
        &mut errors,
    );
    let recorded = records
        .iter()
        .find(|r| r["download_url"].is_string())
        .unwrap();
    let (status, body) = get(format!("{base}/calltrackings/{}/recording", recorded["id"]));
    assert_eq!(status, 200, "{body}");
    shape(
        "",
        &body,
        &[&fixture("mycrm/recording.json")],
        &Leeway::default(),
        &mut errors,
    );
    report(Vendor::Mycrm, errors);
}

#[test]
fn famulor_platform_2_answers_in_the_documented_shapes() {
    let sb = sandbox(options());
    let base = sb.api_base_url(Vendor::Famulor, "v1");
    let token = Sandbox::api_credentials(Vendor::Famulor, "v1")[0].1;
    let http = client();
    let get = |url: String, auth: &str| {
        send(
            http.get(url)
                .header("authorization", format!("Bearer {auth}"))
                .header("accept", "application/json"),
        )
    };
    let list_docs = [
        fixture("famulor-v1/list.json"),
        fixture("famulor-v1/list-capped.json"),
    ];
    let show_docs = [
        fixture("famulor-v1/show-string.json"),
        fixture("famulor-v1/show-list.json"),
        fixture("famulor-v1/show-items.json"),
    ];
    // The single call in the fixtures is a finished outbound call with a campaign; calls of
    // the other kinds have these null, as the list's examples show.
    let leeway = Leeway {
        nullable: &[
            ".data.campaign_id",
            ".data.lead_id",
            ".data.from_number",
            ".data.started_at",
            ".data.answered_at",
            ".data.ended_at",
            ".data.duration_sec",
            ".data.recording_url",
        ],
        ..Leeway::default()
    };
    let mut errors = Vec::new();
    let mut records = Vec::new();
    let mut offset = 0;
    loop {
        let (status, body) = get(
            format!("{base}/api/v1/calls?limit=200&offset={offset}&from=2025-03-01T00:00:00Z&to=2025-06-01T00:00:00Z"),
            token,
        );
        assert_eq!(status, 200, "{body}");
        shape(
            "",
            &body,
            &list_docs.iter().collect::<Vec<_>>(),
            &leeway,
            &mut errors,
        );
        let page = body["data"].as_array().unwrap().clone();
        offset += page.len();
        let done = page.is_empty();
        records.extend(page);
        if done {
            break;
        }
    }
    assert_eq!(records.len(), 400);
    let statuses = strs(&[
        "queued",
        "ringing",
        "in_progress",
        "completed",
        "failed",
        "no_answer",
        "busy",
    ]);
    let directions = strs(&["inbound", "outbound", "web"]);
    words("list", &records, "/status", &statuses, &mut errors);
    words("list", &records, "/direction", &directions, &mut errors);
    let mut shown = Vec::new();
    for r in records.iter().step_by(7) {
        let id = r["id"].as_str().unwrap();
        let (status, body) = get(format!("{base}/api/v1/calls/{id}"), token);
        assert_eq!(status, 200, "{body}");
        shape(
            "",
            &body,
            &show_docs.iter().collect::<Vec<_>>(),
            &leeway,
            &mut errors,
        );
        shown.push(body["data"].clone());
    }
    words("show", &shown, "/status", &statuses, &mut errors);
    let kinds: BTreeSet<&str> = shown.iter().map(|s| kind(&s["transcript"])).collect();
    assert_eq!(kinds, BTreeSet::from(["array", "object", "string"]));
    let (status, body) = get(
        format!("{base}/api/v1/calls/00000000-0000-4000-8000-000000000001"),
        token,
    );
    assert_eq!(status, 404);
    assert_eq!(body, fixture("famulor-v1/error-not-found.json"));
    let (status, body) = get(format!("{base}/api/v1/calls"), "fam_wrong");
    assert_eq!(status, 401);
    assert_eq!(body, fixture("famulor-v1/error-unauthorized.json"));
    report(Vendor::Famulor, errors);
}
