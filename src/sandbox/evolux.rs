//! Evolux as documented: a `token` header, `limit` at most 50, `next_url` paging, `start_date`
//! / `end_date` defaulting to today and `contact_status` to answered calls only, repeatable
//! `agent_id` / `campaign_id`, `custom_fields` only when a campaign is asked for, the repeated
//! `hangup_cause` key of the vendor's own example, and recordings on the API host.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use serde_json::json;

use super::world::{Shape, TruthCall};
use super::{host, param, params, Shared};
use crate::call::{phone_digits, Call, Direction, Status};
use crate::config::SecretKey;
use crate::types::Vendor;

pub const TOKEN: &str = "evolux-sandbox-token";
pub const CREDENTIALS: &[(SecretKey, &str)] = &[(SecretKey::token, TOKEN)];

pub const SHAPE: Shape = Shape {
    directions: &[Direction::Outbound],
    statuses: &[(Status::Answered, 60), (Status::Missed, 40)],
};

const PATH: &str = "/api/v1/dialer/calls_history";

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(PATH, get(list))
        .route("/api/v1/dialer/call/{id}/recording", get(recording))
}

fn id(t: &TruthCall) -> u64 {
    48_000_000 + t.seq as u64
}

fn answered(t: &TruthCall) -> bool {
    t.status == Status::Answered
}

fn hangup(t: &TruthCall) -> &'static str {
    if answered(t) {
        "Normal clearing"
    } else {
        "No answer"
    }
}

fn recording_url(t: &TruthCall, host: &str) -> Option<String> {
    t.recording.then(|| {
        format!(
            "http://{host}/evolux/api/v1/dialer/call/{}/recording",
            id(t)
        )
    })
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// One record as JSON text: it repeats `hangup_cause` like the vendor's example, which a JSON
/// value could not.
fn render(t: &TruthCall, host: &str, custom_fields: bool) -> String {
    let agent = t.agent();
    let campaign = t.campaign().map_or(
        json!({"id": 300, "name": "Discagem geral"}),
        |c| json!({"id": c.id, "name": c.name}),
    );
    let end = t.started_at + Duration::seconds(t.duration() as i64);
    let mut fields = vec![
        (
            "answer_time",
            json!(answered(t).then(|| stamp(t.started_at + Duration::seconds(t.ring as i64)))),
        ),
        ("classification", json!("-")),
        (
            "hangup_cause",
            json!(if answered(t) {
                "Desligamento normal"
            } else {
                "Sem resposta"
            }),
        ),
        (
            "uuid",
            json!(format!("{:08x}-3827-11ec-8190-{:012x}", t.seq, t.customer)),
        ),
        ("campaign", campaign),
        ("talking_duration", json!(t.talk)),
        ("trunk_name", json!("Sandbox trunk")),
        ("start_time", json!(stamp(t.started_at))),
        (
            "end_by",
            json!(if t.seq.is_multiple_of(2) {
                "Subscriber"
            } else {
                "Agent"
            }),
        ),
        ("agent", json!({"id": agent.id, "name": agent.name})),
        ("billable_duration", json!(t.duration() as f64)),
        (
            "subscriber",
            json!({"external_id": format!("{}", 19_000_000 + t.seq), "number": t.customer_br(), "name": "Cliente"}),
        ),
        ("survey", json!({"csat": null, "nps": null})),
        ("end_time", json!(stamp(end))),
        ("outcome", json!("-")),
        ("hangup_cause", json!(hangup(t))),
        ("id", json!(id(t))),
    ];
    if custom_fields {
        fields.push((
            "custom_fields",
            json!({"type": "VIP", "site": "www.example.com"}),
        ));
    }
    fields.push(("download_audio", json!(recording_url(t, host))));
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    format!("{{{}}}", body.join(", "))
}

pub fn expected(t: &TruthCall, s: &Shared) -> Call {
    let agent = t.agent();
    let (campaign_id, campaign) = t
        .campaign()
        .map_or(("300".to_string(), "Discagem geral".to_string()), |c| {
            (c.id.to_string(), c.name.to_string())
        });
    Call {
        vendor: Vendor::Evolux,
        id: id(t).to_string(),
        started_at: t.started_at,
        ended_at: Some(t.started_at + Duration::seconds(t.duration() as i64)),
        direction: Direction::Outbound,
        status: t.status,
        vendor_status: Some(hangup(t).to_string()),
        duration: Some(t.duration() as i64),
        talk_time: Some(t.talk as i64),
        customer_number: Some(format!("+55{}", t.customer_br())),
        line_number: None,
        agent: Some(agent.name.to_string()),
        campaign: Some(campaign),
        recording_url: recording_url(t, s.api_base.trim_start_matches("http://")),
        cost: None,
        agent_id: Some(agent.id.to_string()),
        campaign_id: Some(campaign_id),
        modified_at: None,
        raw: None,
    }
}

fn fail(status: StatusCode, message: &str) -> Response {
    super::json(
        status,
        json!({"meta": {"status": status.as_u16(), "message": message}, "data": null}),
    )
}

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("token").and_then(|v| v.to_str().ok()) == Some(TOKEN)
}

/// A date (`2024-05-01`, the whole day in UTC) or an ISO datetime.
fn bound(v: &str, end: bool) -> Option<DateTime<Utc>> {
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let start = d.and_hms_opt(0, 0, 0)?.and_utc();
        return Some(if end {
            start + Duration::days(1) - Duration::microseconds(1)
        } else {
            start
        });
    }
    DateTime::parse_from_rfc3339(v)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

async fn list(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    if !authorized(&headers) {
        return fail(StatusCode::UNAUTHORIZED, "Invalid token");
    }
    let today = s.now().date_naive().format("%Y-%m-%d").to_string();
    let (Some(start), Some(end)) = (
        bound(param(&q, "start_date").unwrap_or(&today), false),
        bound(param(&q, "end_date").unwrap_or(&today), true),
    ) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "start_date / end_date: use YYYY-MM-DD or ISO-8601",
        );
    };
    let limit = match param(&q, "limit").map(str::parse::<u64>) {
        None => 50,
        Some(Ok(n)) if n >= 1 => n.min(50),
        _ => return fail(StatusCode::BAD_REQUEST, "limit must be a positive integer"),
    };
    let page = match param(&q, "page").map(str::parse::<u64>) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        _ => return fail(StatusCode::BAD_REQUEST, "page must be a positive integer"),
    };
    let contact = param(&q, "contact_status").unwrap_or("success");
    if !["success", "both", "error"].contains(&contact) {
        return fail(
            StatusCode::BAD_REQUEST,
            "contact_status must be success, both or error",
        );
    }
    let number = param(&q, "number").map(phone_digits);
    let agents = params(&q, "agent_id");
    let campaigns = params(&q, "campaign_id");
    let external = param(&q, "external_id");
    let keep = |t: &TruthCall| {
        (match contact {
            "success" => answered(t),
            "error" => !answered(t),
            _ => true,
        }) && number
            .as_deref()
            .is_none_or(|n| t.customer_br().contains(n))
            && (agents.is_empty() || agents.contains(&t.agent().id.to_string().as_str()))
            && (campaigns.is_empty()
                || campaigns.contains(&t.campaign().map_or(300, |c| c.id).to_string().as_str()))
            && external.is_none_or(|e| (19_000_000 + t.seq).to_string() == e)
    };
    let filtered = contact != "both"
        || number.is_some()
        || !agents.is_empty()
        || !campaigns.is_empty()
        || external.is_some();
    let world = s.world(Vendor::Evolux);
    // `end` is inclusive.
    let window = world.between(start, end + Duration::nanoseconds(1));
    let skip = ((page - 1) * limit) as usize;
    let (total, mut items) = s.page_of(
        window,
        filtered.then_some(&keep as &dyn Fn(&TruthCall) -> bool),
        false,
        skip,
        limit as usize,
    );
    let total = total as u64;
    // The vendor's own count of the page, also when the page is served short.
    let stated_items = items.len();
    s.short_page(Vendor::Evolux, skip, limit as usize, &mut items);
    let host = host(&headers).to_string();
    let last = total.div_ceil(limit).max(1);
    let url = |p: u64| {
        let mut pairs: Vec<(String, String)> =
            q.iter().filter(|(k, _)| k != "page").cloned().collect();
        pairs.push(("page".into(), p.to_string()));
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("http://{host}/evolux{PATH}?{query}")
    };
    let pagination = json!({
        "max_limit": 50,
        "limit": limit,
        "first_url": url(1),
        "next_url": (page < last).then(|| url(page + 1)),
        "items": stated_items,
        "last_url": url(last),
        "total": total,
        "current_url": url(page),
        "prev_url": (page > 1).then(|| url(page - 1)),
    });
    let data: Vec<String> = items
        .iter()
        .map(|t| render(t, &host, !campaigns.is_empty()))
        .collect();
    let body = format!(
        "{{\"pagination\": {pagination}, \"meta\": {{\"status\": 200, \"message\": \"OK\"}}, \"data\": [{}]}}",
        data.join(", ")
    );
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `download_audio`: on the API host, behind the same token.
async fn recording(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(call): Path<u64>,
) -> Response {
    if !authorized(&headers) {
        return fail(StatusCode::UNAUTHORIZED, "Invalid token");
    }
    let world = s.world(Vendor::Evolux);
    let found = call
        .checked_sub(48_000_000)
        .and_then(|seq| world.by_seq(seq))
        .filter(|t| t.recording);
    match found {
        // Every third recording lives in storage: a redirect to another host, where the token
        // must not follow.
        Some(t) if t.seq % 3 == 0 => (
            StatusCode::FOUND,
            [(
                header::LOCATION,
                format!("{}/evolux/rec-{}.wav", s.recordings_base, id(t)),
            )],
        )
            .into_response(),
        Some(t) => super::recording_bytes(&s, &format!("rec-{}.wav", id(t))),
        None => fail(StatusCode::NOT_FOUND, "Recording not found"),
    }
}
