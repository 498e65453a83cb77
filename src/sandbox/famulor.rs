//! Famulor as its docs describe it: Bearer auth, `per_page` 1–100 (422 beyond), Laravel
//! pagination, newest first, both `created_at` formats, the unwrapped single call with a string
//! transcript and an object evaluation, and `{"message": ...}` errors.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{NaiveDate, SecondsFormat};
use serde::Serialize;
use serde_json::{json, Value};

use super::world::{Shape, TruthCall};
use super::{wants_json, Shared};
use crate::call::{phone_digits, Call, Direction, Status};
use crate::config::SecretKey;
use crate::types::Vendor;

pub const TOKEN: &str = "famulor-sandbox-token";
pub const CREDENTIALS: &[(SecretKey, &str)] = &[(SecretKey::token, TOKEN)];

pub const SHAPE: Shape = Shape {
    directions: &[Direction::Inbound, Direction::Outbound, Direction::Web],
    statuses: &[
        (Status::Answered, 55),
        (Status::Missed, 15),
        (Status::Busy, 8),
        (Status::Failed, 5),
        (Status::Voicemail, 12),
        (Status::InProgress, 5),
    ],
};

const STATUSES: &[&str] = &[
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
];

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/api/user/calls", get(list))
        .route("/api/user/calls/{id}", get(show).delete(delete))
}

fn id(t: &TruthCall) -> u64 {
    100_000 + t.seq as u64
}

/// The vendor's status word for a call (answered calls vary, as in the docs' examples).
fn status_word(t: &TruthCall) -> &'static str {
    match t.status {
        Status::Answered => [
            "completed",
            "ended_by_customer",
            "ended_by_assistant",
            "ended",
        ][t.seq as usize % 4],
        Status::Voicemail => "completed",
        Status::Missed => "no-answer",
        Status::Busy => "busy",
        Status::Failed => "failed",
        Status::InProgress => ["in-progress", "ringing"][t.seq as usize % 2],
        Status::Canceled | Status::Unknown => "failed",
    }
}

fn recording_url(t: &TruthCall, s: &Shared) -> Option<String> {
    t.recording
        .then(|| format!("{}/famulor/call-{}.wav", s.recordings_base, id(t)))
}

fn duration(t: &TruthCall) -> Option<u32> {
    (t.status != Status::InProgress).then(|| t.duration())
}

/// One call in the list's shape, or (`single`) in the single-call endpoint's shape.
/// One call as Famulor writes it. Typed rather than built as a `Value`: the sandbox renders
/// thousands of pages for the benchmarks.
#[derive(Serialize)]
struct Record<'a> {
    id: u64,
    assistant_name: &'a str,
    campaign_name: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'a str,
    duration: Option<u32>,
    assistant_phone_number: &'a str,
    client_phone_number: String,
    status: &'a str,
    transcript: Transcript<'a>,
    variables: Variables,
    evaluation: Evaluation,
    webhook_response: Option<()>,
    carrier_cost: String,
    total_cost: String,
    answered_by: Option<&'a str>,
    recording_url: Option<String>,
    created_at: String,
    updated_at: String,
}

#[derive(Serialize)]
struct Variables {
    customer_name: &'static str,
}

/// An array of criteria in the list, one object in the single call.
#[derive(Serialize)]
#[serde(untagged)]
enum Evaluation {
    Criteria([Criterion; 1]),
    Summary { status: bool, summary: &'static str },
}

#[derive(Serialize)]
struct Criterion {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: bool,
    description: &'static str,
}

/// An array of lines in the list, one string in the single call.
#[derive(Serialize)]
#[serde(untagged)]
enum Transcript<'a> {
    Lines(Vec<Line<'a>>),
    Text(String),
}

#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    sender: &'a str,
    timestamp: f64,
}

fn render(t: &TruthCall, s: &Shared, single: bool) -> Record<'static> {
    let created = if single || t.seq.is_multiple_of(5) {
        t.started_at.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        t.started_at.to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    let lines = t.transcript();
    let transcript = if single {
        Transcript::Text(
            lines
                .iter()
                .map(|(who, text)| format!("{who}: {text}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    } else {
        Transcript::Lines(
            lines
                .iter()
                .enumerate()
                .map(|(i, (who, text))| Line {
                    text,
                    kind: "transcript",
                    sender: who,
                    timestamp: t.started_at.timestamp() as f64 + i as f64 * 3.5,
                })
                .collect(),
        )
    };
    let achieved = t.status == Status::Answered;
    let evaluation = if single {
        Evaluation::Summary {
            status: achieved,
            summary: "Generated by the calls sandbox.",
        }
    } else {
        Evaluation::Criteria([Criterion {
            name: "status",
            kind: "bool",
            value: achieved,
            description: "Whether the call objective was achieved or not.",
        }])
    };
    Record {
        id: id(t),
        assistant_name: t.agent().name,
        campaign_name: t.campaign().map(|c| c.name),
        kind: t.direction.as_str(),
        duration: duration(t),
        assistant_phone_number: t.agent().line,
        client_phone_number: t.customer_e164(),
        status: status_word(t),
        transcript,
        variables: Variables {
            customer_name: "Kunde",
        },
        evaluation,
        webhook_response: None,
        carrier_cost: t.cost_decimal(8),
        total_cost: t.cost_decimal(8),
        // NOTE: the docs name three answers, "human, machine oder unknown"; never null.
        answered_by: match t.status {
            Status::Answered => Some("human"),
            Status::Voicemail => Some("machine"),
            _ => Some("unknown"),
        },
        recording_url: recording_url(t, s),
        created_at: created,
        updated_at: t.modified_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

/// What a correct client makes of a call.
pub fn expected(t: &TruthCall, s: &Shared) -> Call {
    Call {
        vendor: Vendor::Famulor,
        id: id(t).to_string(),
        started_at: t.started_at,
        ended_at: t.ended_at(),
        direction: t.direction,
        status: t.status,
        vendor_status: Some(status_word(t).to_string()),
        duration: duration(t).map(i64::from),
        talk_time: None,
        customer_number: Some(t.customer_e164()),
        line_number: Some(t.agent().line.to_string()),
        agent: Some(t.agent().name.to_string()),
        campaign: t.campaign().map(|c| c.name.to_string()),
        recording_url: recording_url(t, s),
        cost: Some(t.cost_decimal(8)),
        agent_id: None,
        campaign_id: None,
        modified_at: None,
        raw: None,
    }
}

/// Laravel's answers: JSON when asked for it, an HTML error page otherwise.
fn error(headers: &HeaderMap, status: StatusCode, message: &str) -> Response {
    if wants_json(headers) {
        super::json(status, json!({"message": message}))
    } else {
        (
            status,
            [("content-type", "text/html")],
            format!("<!DOCTYPE html><html><body>{message}</body></html>"),
        )
            .into_response()
    }
}

fn validation(headers: &HeaderMap, field: &str, message: &str) -> Response {
    if wants_json(headers) {
        super::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"message": message, "errors": {field: [message]}}),
        )
    } else {
        error(headers, StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {TOKEN}"))
}

async fn list(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    if !authorized(&headers) {
        return error(&headers, StatusCode::UNAUTHORIZED, "Unauthenticated.");
    }
    let get = |k: &str| {
        q.iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let per_page = match get("per_page").map(str::parse::<u64>) {
        None => 15,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        _ => {
            return validation(
                &headers,
                "per_page",
                "The per page field must be between 1 and 100.",
            )
        }
    };
    let page = match get("page").map(str::parse::<u64>) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        _ => return validation(&headers, "page", "The page field must be at least 1."),
    };
    let date = |k: &str| get(k).map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d"));
    let (from, to) = match (date("date_from"), date("date_to")) {
        (Some(Err(_)), _) => {
            return validation(
                &headers,
                "date_from",
                "The date from field must match the format Y-m-d.",
            )
        }
        (_, Some(Err(_))) => {
            return validation(
                &headers,
                "date_to",
                "The date to field must match the format Y-m-d.",
            )
        }
        (f, t) => (f.and_then(Result::ok), t.and_then(Result::ok)),
    };
    let status = get("status");
    if status.is_some_and(|st| !STATUSES.contains(&st)) {
        return validation(&headers, "status", "The selected status is invalid.");
    }
    let kind = get("type");
    if kind.is_some_and(|k| !["inbound", "outbound", "web"].contains(&k)) {
        return validation(&headers, "type", "The selected type is invalid.");
    }
    let phone = get("phone_number").map(phone_digits);
    let assistant = get("assistant_id");
    let campaign = get("campaign_id");

    let world = s.world(Vendor::Famulor);
    let lo = from.map_or(chrono::DateTime::<chrono::Utc>::MIN_UTC, |d| {
        d.and_hms_opt(0, 0, 0).unwrap().and_utc()
    });
    let hi = to.map_or(chrono::DateTime::<chrono::Utc>::MAX_UTC, |d| {
        (d + chrono::Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
    });
    let in_range = world.between(lo, hi);
    let keep = |t: &TruthCall| {
        status.is_none_or(|st| status_word(t) == st)
            && kind.is_none_or(|k| t.direction.as_str() == k)
            && phone
                .as_deref()
                .is_none_or(|p| phone_digits(&t.customer_e164()).contains(p))
            && assistant.is_none_or(|a| t.agent().id.to_string() == a)
            && campaign.is_none_or(|c| t.campaign().is_some_and(|cp| cp.id.to_string() == c))
    };
    let filtered = status.is_some()
        || kind.is_some()
        || phone.is_some()
        || assistant.is_some()
        || campaign.is_some();
    let skip = ((page - 1) * per_page) as usize;
    let (total, mut items) = s.page_of(
        in_range,
        filtered.then_some(&keep as &dyn Fn(&TruthCall) -> bool),
        false,
        skip,
        per_page as usize,
    );
    s.short_page(Vendor::Famulor, skip, per_page as usize, &mut items);
    let last_page = (total as u64).div_ceil(per_page).max(1);
    let path = format!(
        "http://{}/famulor/api/user/calls",
        headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
    );
    let url = |p: u64| format!("{path}?page={p}");
    let from_n = (!items.is_empty()).then_some(skip as u64 + 1);
    let to_n = (!items.is_empty()).then_some(skip as u64 + items.len() as u64);
    let meta = json!({
        "current_page": page,
        "first_page_url": url(1),
        "from": from_n,
        "last_page": last_page,
        "last_page_url": url(last_page),
        "links": [
            {"url": (page > 1).then(|| url(page - 1)), "label": "« Previous", "active": false},
            {"url": url(page), "label": page.to_string(), "active": true},
            {"url": (page < last_page).then(|| url(page + 1)), "label": "Next »", "active": false},
        ],
        "next_page_url": (page < last_page).then(|| url(page + 1)),
        "path": path,
        "per_page": per_page,
        "prev_page_url": (page > 1).then(|| url(page - 1)),
        "to": to_n,
        "total": total,
    });
    /// `data` first, as Laravel writes it, then the paginator's fields.
    #[derive(Serialize)]
    struct Body {
        data: Vec<Record<'static>>,
        #[serde(flatten)]
        meta: Value,
    }
    let data = items.iter().map(|t| render(t, &s, false)).collect();
    (StatusCode::OK, axum::Json(Body { data, meta })).into_response()
}

async fn show(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(call_id): Path<String>,
) -> Response {
    if !authorized(&headers) {
        return error(&headers, StatusCode::UNAUTHORIZED, "Unauthenticated.");
    }
    let world = s.world(Vendor::Famulor);
    let found = call_id
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_sub(100_000))
        .and_then(|seq| world.by_seq(seq));
    match found {
        Some(t) => (StatusCode::OK, axum::Json(render(t, &s, true))).into_response(),
        None => error(
            &headers,
            StatusCode::NOT_FOUND,
            "Call not found or does not belong to the authenticated user",
        ),
    }
}

/// `DELETE /api/user/calls/{id}`: permanent, as the vendor documents.
async fn delete(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(call_id): Path<String>,
) -> Response {
    if !authorized(&headers) {
        return error(&headers, StatusCode::UNAUTHORIZED, "Unauthenticated.");
    }
    let seq = call_id
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_sub(100_000));
    let mut world = s.world_mut(Vendor::Famulor);
    let before = world.calls.len();
    world.calls.retain(|t| Some(t.seq as u64) != seq);
    if world.calls.len() == before {
        return error(
            &headers,
            StatusCode::NOT_FOUND,
            "Call not found or does not belong to the authenticated user",
        );
    }
    super::json(
        StatusCode::OK,
        json!({"message": "Call deleted successfully"}),
    )
}
