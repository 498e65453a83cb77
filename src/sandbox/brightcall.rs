//! Brightcall as documented: `POST` with a JSON body, the key as `?api-key=`, required `dayFrom`
//! / `dayTo` / `dateInterval`, days in the body's `timezone`, integer `types` / `states` filters,
//! `page` / `pagesCount`. Where the doc is vague it varies on purpose: `type` and `state` come
//! as numbers for some calls and as words for others, some numbers as strings.
//!
//! The dialer's v3 (public client code) under `/brightcall-v3`, over the same calls: `POST
//! /api/v3/stat/calls/count` (`{"pagesCount"}`) and `/list` (`{"calls", "page", "pagesCount",
//! "totalItems"}`), `itemsPerPage` up to 500, newest first, and only the key owner's calls
//! unless `allUsers` is true. On both, some recordings' `recordName` is a URL on the
//! recordings host (the others a bare file name).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use chrono::{Duration, NaiveDate, SecondsFormat};
use chrono_tz::Tz;
use serde_json::{json, Value};

use super::world::{Shape, TruthCall};
use super::{param, Shared};
use crate::call::{phone_digits, Call, Direction, Status};
use crate::config::SecretKey;
use crate::types::Vendor;

pub const KEY: &str = "brightcall-sandbox-key";
pub const CREDENTIALS: &[(SecretKey, &str)] = &[(SecretKey::api_key, KEY)];

pub const SHAPE: Shape = Shape {
    directions: &[
        Direction::Inbound,
        Direction::Outbound,
        Direction::Outbound,
        Direction::Internal,
    ],
    statuses: &[
        (Status::Answered, 60),
        (Status::Missed, 30),
        (Status::Failed, 10),
    ],
};

pub fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/api/v1/stat/calls", post(list))
}

/// v3, nested under its own base path (`/brightcall-v3`).
pub fn v3_routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/api/v3/stat/calls/count", post(v3_count))
        .route("/api/v3/stat/calls/list", post(v3_list))
}

/// The user whose key the sandbox's key is: v3 without `allUsers` lists only their calls.
const KEY_OWNER: u32 = 11;

/// Which recordings are named by a URL (about half, chosen by the seed) and which by a file
/// name only (those count as without recording).
fn recording_link(t: &TruthCall, s: &Shared) -> Option<String> {
    let by_url =
        super::world::Rng::new(s.opts.seed ^ u64::from(t.seq).wrapping_mul(0x5851)).chance(0.5);
    (t.recording && by_url).then(|| format!("{}/brightcall/rec-{}.wav", s.recordings_base, t.seq))
}

fn unique_id(t: &TruthCall) -> String {
    format!("{}.{}", t.started_at.timestamp(), t.seq)
}

fn type_code(t: &TruthCall) -> u8 {
    match t.direction {
        Direction::Inbound => 0,
        Direction::Outbound => 1,
        _ => 2,
    }
}

fn state_code(t: &TruthCall) -> u8 {
    match t.status {
        Status::Missed => 0,
        Status::Answered => 1,
        _ => 2,
    }
}

/// Even calls say `type` / `state` with the documented integers, odd ones with words.
fn state_value(t: &TruthCall) -> Value {
    if t.seq.is_multiple_of(2) {
        json!(state_code(t))
    } else {
        json!(["unanswered", "answered", "failed"][state_code(t) as usize])
    }
}

fn numbers(t: &TruthCall) -> (String, String, Option<String>) {
    let customer = format!("+49{}", t.customer);
    let line = t.agent().line.to_string();
    match t.direction {
        Direction::Inbound => (customer.clone(), line, Some(customer)),
        Direction::Outbound => (line, customer.clone(), Some(customer)),
        _ => (format!("+4930999{:03}", t.seq % 1000), line, None),
    }
}

fn project(t: &TruthCall) -> (Value, Value) {
    t.campaign()
        .map_or((Value::Null, Value::Null), |c| (json!(c.id), json!(c.name)))
}

fn render(t: &TruthCall, s: &Shared) -> Value {
    let (from, to, client) = numbers(t);
    let (project_id, project_name) = project(t);
    let even = t.seq.is_multiple_of(2);
    json!({
        "answerTime": if t.status == Status::Answered { t.ring } else { 0 },
        "callTime": t.duration(),
        "campaign": project_name,
        "projectName": project_name,
        "projectId": project_id,
        "projectContactId": null,
        "crmInfo": null,
        "favorite": false,
        "fromNumber": from,
        "id": 900_000 + t.seq,
        "isRecordBlocked": false,
        "isRecordReady": t.recording,
        "label": "",
        "recordName": recording_link(t, s).or_else(|| t.recording.then(|| format!("rec-{}.mp3", t.seq))),
        "tags": [],
        "talkTime": t.talk,
        "aiTalkTime": 0,
        "timestamp": t.started_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "toAnswer": null,
        "toNumber": to,
        "totalTime": if even { json!(t.duration()) } else { json!(t.duration().to_string()) },
        "treeId": 7,
        "type": if even { json!(type_code(t)) } else { json!(t.direction.as_str()) },
        "state": state_value(t),
        "uniqueId": unique_id(t),
        "userId": if even { json!(t.agent().id) } else { json!(t.agent().id.to_string()) },
        "agentShortNumber": format!("{}", 100 + t.agent().id),
        "lineNumber": t.agent().line,
        "clientNumber": client,
    })
}

pub fn expected(t: &TruthCall, s: &Shared) -> Call {
    let (from, to, client) = numbers(t);
    let customer = client.or(Some(if t.direction == Direction::Outbound {
        to
    } else {
        from
    }));
    let state = match state_value(t) {
        Value::String(s) => s,
        other => other.to_string(),
    };
    Call {
        vendor: Vendor::Brightcall,
        id: unique_id(t),
        started_at: t.started_at,
        ended_at: Some(t.started_at + Duration::seconds(t.duration() as i64)),
        direction: t.direction,
        status: t.status,
        vendor_status: Some(state),
        duration: Some(t.duration() as i64),
        talk_time: Some(t.talk as i64),
        customer_number: customer,
        line_number: Some(t.agent().line.to_string()),
        agent: Some(t.agent().id.to_string()),
        campaign: t.campaign().map(|c| c.name.to_string()),
        recording_url: recording_link(t, s),
        cost: None,
        agent_id: Some(t.agent().id.to_string()),
        campaign_id: t.campaign().map(|c| c.id.to_string()),
        modified_at: None,
        raw: None,
    }
}

fn fail(status: StatusCode, message: &str) -> Response {
    super::json(status, json!({"success": false, "message": message}))
}

/// Ids in a body array, as strings (they may come as numbers or strings).
fn ids(body: &Value, key: &str) -> Option<Vec<String>> {
    body.get(key)?.as_array().map(|a| {
        a.iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect()
    })
}

/// The calls a list body selects, newest first unless `ASC`, and the page asked for.
struct Selection {
    calls: Vec<Value>,
    page: u64,
    pages: u64,
    total: u64,
    tz: Tz,
}

/// Which API a request came to (v3 differs in its page limit and `allUsers`).
#[derive(Clone, Copy, PartialEq)]
enum Api {
    V1,
    V3,
}

async fn list(
    State(s): State<Arc<Shared>>,
    Query(q): Query<Vec<(String, String)>>,
    body: String,
) -> Response {
    let sel = match select(&s, &q, &body, Api::V1) {
        Ok(sel) => sel,
        Err((status, why)) => return fail(status, &why),
    };
    super::json(
        StatusCode::OK,
        json!({
            "success": true,
            "calls": sel.calls,
            "tags": [], "outcomes": [], "projects": [],
            "minTalkTime": 0, "maxTalkTime": 900, "minAnswerTime": 0, "maxAnswerTime": 25,
            "timezone": sel.tz.name(),
            "page": sel.page,
            "pagesCount": sel.pages,
            "totalItems": sel.total,
        }),
    )
}

/// v3 `POST /api/v3/stat/calls/count`: the page count for the same body as the list.
async fn v3_count(
    State(s): State<Arc<Shared>>,
    Query(q): Query<Vec<(String, String)>>,
    body: String,
) -> Response {
    match select(&s, &q, &body, Api::V3) {
        Ok(sel) => super::json(StatusCode::OK, json!({"pagesCount": sel.pages})),
        Err((status, why)) => fail(status, &why),
    }
}

/// v3 `POST /api/v3/stat/calls/list`.
async fn v3_list(
    State(s): State<Arc<Shared>>,
    Query(q): Query<Vec<(String, String)>>,
    body: String,
) -> Response {
    match select(&s, &q, &body, Api::V3) {
        Ok(sel) => super::json(
            StatusCode::OK,
            json!({"calls": sel.calls, "page": sel.page, "pagesCount": sel.pages, "totalItems": sel.total}),
        ),
        Err((status, why)) => fail(status, &why),
    }
}

fn select(
    s: &Shared,
    q: &[(String, String)],
    body: &str,
    api: Api,
) -> Result<Selection, (StatusCode, String)> {
    if param(q, "api-key") != Some(KEY) {
        return Err((StatusCode::UNAUTHORIZED, "Invalid API key".into()));
    }
    let Ok(body) = serde_json::from_str::<Value>(body) else {
        return Err((
            StatusCode::BAD_REQUEST,
            "The request body must be JSON".into(),
        ));
    };
    for required in ["dayFrom", "dayTo", "dateInterval"] {
        if body.get(required).is_none_or(Value::is_null) {
            return Err((StatusCode::BAD_REQUEST, format!("{required} is required")));
        }
    }
    let day = |k: &str| {
        body[k]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    let (Some(first), Some(last)) = (day("dayFrom"), day("dayTo")) else {
        return Err((
            StatusCode::BAD_REQUEST,
            "dayFrom and dayTo must be YYYY-MM-DD".into(),
        ));
    };
    let Ok(tz) = body
        .get("timezone")
        .and_then(Value::as_str)
        .unwrap_or("UTC")
        .parse::<Tz>()
    else {
        return Err((StatusCode::BAD_REQUEST, "Unknown timezone".into()));
    };
    let per_page = body
        .get("itemsPerPage")
        .and_then(Value::as_u64)
        .unwrap_or(100);
    let max = if api == Api::V3 { 500 } else { 1000 };
    if !(1..=max).contains(&per_page) {
        return Err((
            StatusCode::BAD_REQUEST,
            format!("itemsPerPage must be between 1 and {max}"),
        ));
    }
    let page = body.get("page").and_then(Value::as_u64).unwrap_or(1).max(1);
    // NOTE: v3 lists the key owner's calls unless asked for everyone's.
    let owner_only = api == Api::V3 && body.get("allUsers") != Some(&Value::Bool(true));
    let codes = |k: &str| {
        body.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_u64).collect::<Vec<_>>())
    };
    let (types, states) = (codes("types"), codes("states"));
    let agents = ids(&body, "agentIds");
    let projects = ids(&body, "projectIds");
    let uniques = ids(&body, "uniqueIds");
    let number = body
        .get("number")
        .and_then(Value::as_str)
        .map(phone_digits)
        .filter(|n| !n.is_empty());
    let search = body
        .get("searchString")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    // NOTE: only a filtered listing looks at each call of the window (and formats its
    // numbers): one that did so for every page made paging through 10,000 calls cost ~50 ms of
    // the sandbox's CPU a page.
    let keep = |t: &TruthCall| {
        (!owner_only || t.agent().id == KEY_OWNER)
            && types
                .as_ref()
                .is_none_or(|c| c.contains(&(type_code(t) as u64)))
            && states
                .as_ref()
                .is_none_or(|c| c.contains(&(state_code(t) as u64)))
            && agents
                .as_ref()
                .is_none_or(|a| a.contains(&t.agent().id.to_string()))
            && projects
                .as_ref()
                .is_none_or(|p| t.campaign().is_some_and(|c| p.contains(&c.id.to_string())))
            && uniques.as_ref().is_none_or(|u| u.contains(&unique_id(t)))
            && (number.is_none() && search.is_none() || {
                let (from, to, _) = numbers(t);
                number.as_deref().is_none_or(|n| {
                    phone_digits(&from).contains(n) || phone_digits(&to).contains(n)
                }) && search.as_deref().is_none_or(|s| {
                    t.campaign()
                        .is_some_and(|c| c.name.to_lowercase().contains(s))
                        || from.contains(s)
                        || to.contains(s)
                })
            })
    };
    let filtered = owner_only
        || types.is_some()
        || states.is_some()
        || agents.is_some()
        || projects.is_some()
        || uniques.is_some()
        || number.is_some()
        || search.is_some();
    let world = s.world(Vendor::Brightcall);
    let skip = ((page - 1) * per_page) as usize;
    let (total, mut items) = s.page_of(
        world.days(first, last, tz),
        filtered.then_some(&keep as &dyn Fn(&TruthCall) -> bool),
        body.get("sortDirection").and_then(Value::as_str) == Some("ASC"),
        skip,
        per_page as usize,
    );
    s.short_page(Vendor::Brightcall, skip, per_page as usize, &mut items);
    let total = total as u64;
    let calls: Vec<Value> = items.iter().map(|t| render(t, s)).collect();
    Ok(Selection {
        calls,
        page,
        pages: total.div_ceil(per_page).max(1),
        total,
        tz,
    })
}
