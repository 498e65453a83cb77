//! myCRM (PF Expert) as documented: an OAuth2 client-credentials token endpoint whose tokens
//! expire (`--token-ttl`, 30 minutes by default) and are refused once expired, `filters[...]`,
//! `sort` / `sort_order` (ASC by default), `page` / `per_page`, and an envelope whose `count` is
//! the total of matching records (public client code), not the size of the page. Users are
//! `{"id"}` only, unless the request says `X-MyCRM-Expand-Data: true`: then `user.public`
//! carries the user's name. The deprecated `filters[date][from]` / `[to]` work, with an
//! `X-MyCRM-API-Warning` header saying so.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use chrono::{NaiveDate, SecondsFormat};
use chrono_tz::Tz;
use serde_json::{json, Value};

use super::world::{Shape, TruthCall, World};
use super::{param, Shared};
use crate::call::{phone_digits, Call, Direction, Status};
use crate::config::SecretKey;
use crate::types::Vendor;

pub const CLIENT_ID: &str = "mycrm-sandbox-client";
pub const CLIENT_SECRET: &str = "mycrm-sandbox-secret";
pub const CREDENTIALS: &[(SecretKey, &str)] = &[
    (SecretKey::client_id, CLIENT_ID),
    (SecretKey::client_secret, CLIENT_SECRET),
];

pub const SHAPE: Shape = Shape {
    directions: &[Direction::Inbound],
    statuses: &[
        (Status::Answered, 55),
        (Status::Missed, 25),
        (Status::Canceled, 10),
        (Status::Voicemail, 10),
    ],
};

/// Where the examples' offsets (+04:00) come from.
const ZONE: Tz = chrono_tz::Asia::Dubai;

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/auth/oauth/v1/token", post(token))
        .route("/calltrackings", get(list).patch(assign).delete(delete))
        .route("/calltrackings/{id}", get(show))
        .route("/calltrackings/{id}/recording", get(recording))
}

fn id(t: &TruthCall) -> u64 {
    2_900_000 + t.seq as u64
}

/// The user a call is assigned to (its agent, unless a PATCH said otherwise).
fn user(t: &TruthCall) -> u64 {
    t.assigned.user.unwrap_or(t.agent().id as u64)
}

fn property(t: &TruthCall) -> Option<u64> {
    t.assigned.property.or(t.campaign().map(|c| c.id as u64))
}

fn status_word(t: &TruthCall) -> &'static str {
    match t.status {
        Status::Answered => "answered",
        Status::Missed => "notanswered",
        Status::Canceled => "canceled",
        _ => "voicemail",
    }
}

fn phone(t: &TruthCall) -> String {
    let d = t.customer.to_string();
    format!("+971 {} {} {}", &d[..2], &d[2..5], &d[5..])
}

fn download_url(t: &TruthCall, s: &Shared) -> Option<String> {
    t.recording.then(|| {
        format!(
            "{}/mycrm/{}.mp3?X-Amz-Signature=sandbox{}",
            s.recordings_base,
            id(t),
            t.seq
        )
    })
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&ZONE)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A user's first and last name: the agent's, or a generated one for a user a PATCH assigned.
fn user_name(t: &TruthCall) -> (String, String) {
    let u = user(t);
    match super::world::AGENTS.iter().find(|a| u64::from(a.id) == u) {
        Some(a) => {
            let (first, last) = a.name.split_once(' ').unwrap_or((a.name, ""));
            (first.to_string(), last.to_string())
        }
        None => ("User".to_string(), u.to_string()),
    }
}

/// True when the request asks for related records inline.
fn expands(headers: &HeaderMap) -> bool {
    headers
        .get("x-mycrm-expand-data")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

fn render(t: &TruthCall, s: &Shared, expand: bool) -> Value {
    let user_json = if expand {
        let (first, last) = user_name(t);
        json!({"id": user(t), "public": {
            "first_name": first, "last_name": last,
            "email": format!("user{}@example.com", user(t)), "phone": "+971 4 000 0000",
        }})
    } else {
        json!({"id": user(t)})
    };
    json!({
        "id": id(t),
        "reference": format!("pfflex-{}", id(t)),
        "phone": phone(t),
        "status": status_word(t),
        "call_start": stamp(t.started_at),
        "call_end": t.ended_at().map(stamp),
        "call_time": t.duration(),
        "talk_time": t.talk,
        "wait_time": t.ring,
        "user": user_json,
        "property": property(t).map(|p| json!({"id": p, "reference": format!("pf-{p}")})),
        "lead": t.assigned.lead.map(|l| json!({"id": l})),
        "download_url": download_url(t, s),
        "imported_id": format!("AE-{}", 6_000_000 + t.seq),
        "imported_from": "propertyfinder",
        "created_at": stamp(t.started_at + chrono::Duration::seconds(t.duration() as i64 + 5)),
        "updated_at": stamp(t.modified_at),
        "acl_rule": "full",
        "marked_as_seen": t.assigned.seen,
    })
}

pub fn expected(t: &TruthCall, s: &Shared) -> Call {
    Call {
        vendor: Vendor::Mycrm,
        id: id(t).to_string(),
        started_at: t.started_at,
        ended_at: t.ended_at(),
        direction: Direction::Inbound,
        status: t.status,
        vendor_status: Some(status_word(t).to_string()),
        duration: Some(t.duration() as i64),
        talk_time: Some(t.talk as i64),
        customer_number: Some(format!("+971{}", t.customer)),
        line_number: None,
        // What a client sending `X-MyCRM-Expand-Data: true` (as calls does) makes of it.
        agent: Some({
            let (first, last) = user_name(t);
            format!("{first} {last}").trim().to_string()
        }),
        campaign: property(t).map(|p| format!("pf-{p}")),
        recording_url: download_url(t, s),
        cost: None,
        agent_id: Some(user(t).to_string()),
        campaign_id: property(t).map(|p| p.to_string()),
        modified_at: None,
        raw: None,
    }
}

fn fail(status: StatusCode, message: &str) -> Response {
    super::json(status, json!({"code": status.as_u16(), "message": message}))
}

/// `POST /auth/oauth/v1/token` with `Authorization: Basic base64(id:secret)`.
async fn token(State(s): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    let expected =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Basic {expected}"))
    {
        return super::json(
            StatusCode::UNAUTHORIZED,
            json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
        );
    }
    let grant = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|b| b.get("grant_type").cloned());
    if grant != Some(json!("client_credentials")) {
        return super::json(
            StatusCode::BAD_REQUEST,
            json!({"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"}),
        );
    }
    let token = format!(
        "sandbox-jwt-{:016x}",
        super::world::Rng::new(s.tick() ^ 0xA5A5).next_u64()
    );
    // The answer always says 1800 s, as the vendor does; the sandbox refuses the token after
    // `token_ttl`, as if it had been revoked early: clients must cope with a 401 mid-export.
    s.tokens
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((token.clone(), Instant::now() + s.opts.token_ttl));
    super::json(
        StatusCode::OK,
        json!({"access_token": token, "token_type": "Bearer", "expires_in": 1800}),
    )
}

/// `None` when the bearer token is good, else the 401 to send.
fn refused(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let tokens = s.tokens.lock().unwrap_or_else(|e| e.into_inner());
    match bearer.and_then(|b| tokens.iter().find(|(t, _)| t == b)) {
        Some((_, expires)) if Instant::now() < *expires => None,
        Some(_) => Some(fail(StatusCode::UNAUTHORIZED, "Expired JWT Token")),
        None => Some(fail(StatusCode::UNAUTHORIZED, "Invalid JWT Token")),
    }
}

async fn list(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = refused(&s, &headers) {
        return r;
    }
    // NOTE: `filters[date][from]` / `[to]`, which public client code sends, are taken as the
    // documented `filters[date_from]` / `[date_to]` and answered with the vendor's
    // `X-MyCRM-API-Warning` (vendor-docs/README.md, round 2), so that clients can show it.
    let deprecated: Vec<&str> = ["filters[date][from]", "filters[date][to]"]
        .into_iter()
        .filter(|k| param(&q, k).is_some())
        .collect();
    let date = |k: &str, old: &str| {
        param(&q, k)
            .or_else(|| param(&q, old))
            .map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d"))
    };
    let (first, last) = match (
        date("filters[date_from]", "filters[date][from]"),
        date("filters[date_to]", "filters[date][to]"),
    ) {
        (Some(Err(_)), _) | (_, Some(Err(_))) => {
            return fail(StatusCode::BAD_REQUEST, "date filters must be YYYY-MM-DD")
        }
        (f, l) => (f.and_then(Result::ok), l.and_then(Result::ok)),
    };
    let per_page = match param(&q, "per_page").map(str::parse::<u64>) {
        None => 50,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        _ => {
            return fail(
                StatusCode::BAD_REQUEST,
                "per_page must be between 1 and 100",
            )
        }
    };
    let page = param(&q, "page")
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1)
        .max(1);
    let status = param(&q, "filters[status]");
    let user_f = param(&q, "filters[user_id]");
    let phone_f = param(&q, "filters[phone]").map(phone_digits);
    let property_f = param(&q, "filters[property][id]");
    let keep = |t: &TruthCall| {
        status.is_none_or(|st| status_word(t) == st)
            && user_f.is_none_or(|u| user(t).to_string() == u)
            && phone_f
                .as_deref()
                .is_none_or(|p| phone_digits(&phone(t)).contains(p))
            && property_f.is_none_or(|p| property(t).is_some_and(|c| c.to_string() == p))
    };
    let filtered =
        status.is_some() || user_f.is_some() || phone_f.is_some() || property_f.is_some();
    // Time order is id order; `sort=date|id` in `sort_order` (ASC unless told).
    let sort = param(&q, "sort").unwrap_or("id");
    if !["id", "date", "created", "call_time"].contains(&sort) {
        return fail(StatusCode::BAD_REQUEST, "unsupported sort in the sandbox");
    }
    let world = s.world(Vendor::Mycrm);
    let window = match (first, last) {
        (None, None) => &world.calls[..],
        (f, l) => world.days(
            f.unwrap_or(NaiveDate::MIN),
            l.unwrap_or(NaiveDate::MAX),
            ZONE,
        ),
    };
    let skip = ((page - 1) * per_page) as usize;
    let (total, mut items) = s.page_of(
        window,
        filtered.then_some(&keep as &dyn Fn(&TruthCall) -> bool),
        !param(&q, "sort_order").is_some_and(|o| o.eq_ignore_ascii_case("DESC")),
        skip,
        per_page as usize,
    );
    s.short_page(Vendor::Mycrm, skip, per_page as usize, &mut items);
    let items: Vec<Value> = items
        .iter()
        .map(|t| render(t, &s, expands(&headers)))
        .collect();
    // NOTE: `count` is the total of matching records, not the page's (public client code,
    // shared/vendor-docs/README.md).
    let mut response = super::json(
        StatusCode::OK,
        json!({"count": total, "call_trackings": items}),
    );
    if !deprecated.is_empty() {
        let warning = format!(
            "{} is deprecated and will be removed; use filters[date_from] / filters[date_to]",
            deprecated.join(" and ")
        );
        if let Ok(v) = axum::http::HeaderValue::from_str(&warning) {
            response.headers_mut().insert(WARNING, v);
        }
    }
    response
}

/// The vendor's warning about a request.
pub const WARNING: &str = "x-mycrm-api-warning";

/// The call an id in a path names (ids are `2_900_000 + seq`).
fn by_id<'a>(world: &'a World, id: &str) -> Option<&'a TruthCall> {
    id.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_sub(2_900_000))
        .and_then(|seq| world.by_seq(seq))
}

async fn show(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(call): Path<String>,
) -> Response {
    if let Some(r) = refused(&s, &headers) {
        return r;
    }
    let world = s.world(Vendor::Mycrm);
    let found = by_id(&world, &call);
    match found {
        Some(t) => super::json(StatusCode::OK, render(t, &s, expands(&headers))),
        None => fail(StatusCode::NOT_FOUND, "Call tracking not found"),
    }
}

/// The calls a bulk request targets: `filters[id]=1,2,3`, or, as the vendor does, every call
/// when no id is given.
fn targets(ids: Option<Vec<u64>>, t: &TruthCall) -> bool {
    ids.as_ref().is_none_or(|ids| ids.contains(&id(t)))
}

fn id_list(v: Option<&str>) -> Option<Vec<u64>> {
    let ids: Vec<u64> = v?
        .split(',')
        .filter_map(|i| i.trim().parse().ok())
        .collect();
    (!ids.is_empty()).then_some(ids)
}

/// `PATCH /calltrackings?filters[id]=...` with `{"operations": [...]}`.
async fn assign(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
    body: String,
) -> Response {
    if let Some(r) = refused(&s, &headers) {
        return r;
    }
    let Some(ops) = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|b| b.get("operations").and_then(Value::as_array).cloned())
    else {
        return fail(StatusCode::BAD_REQUEST, "operations are required");
    };
    let ids = id_list(param(&q, "filters[id]"));
    let now = s.now();
    let mut world = s.world_mut(Vendor::Mycrm);
    for t in world.calls.iter_mut().filter(|t| targets(ids.clone(), t)) {
        t.modified_at = t.modified_at.max(now);
        for op in &ops {
            let value = op.get("value").and_then(Value::as_u64);
            match op.get("path").and_then(Value::as_str) {
                Some("/assignment/user") => t.assigned.user = value,
                Some("/assignment/property") => t.assigned.property = value,
                Some("/assignment/lead") => t.assigned.lead = value,
                Some("/seen") => t.assigned.seen = true,
                _ => {}
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `DELETE /calltrackings` with `{"calltrackings": [...]}`: an empty or missing list deletes
/// everything, as the vendor documents.
async fn delete(State(s): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    if let Some(r) = refused(&s, &headers) {
        return r;
    }
    let ids: Option<Vec<u64>> = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|b| b.get("calltrackings").and_then(Value::as_array).cloned())
        .map(|a| a.iter().filter_map(Value::as_u64).collect::<Vec<_>>())
        .filter(|ids| !ids.is_empty());
    s.world_mut(Vendor::Mycrm)
        .calls
        .retain(|t| !targets(ids.clone(), t));
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /calltrackings/{id}/recording`: a freshly signed link.
async fn recording(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(call): Path<String>,
) -> Response {
    if let Some(r) = refused(&s, &headers) {
        return r;
    }
    let world = s.world(Vendor::Mycrm);
    let found = by_id(&world, &call);
    match found.filter(|t| t.recording) {
        Some(t) => super::json(
            StatusCode::OK,
            json!({"recording": {"url": format!("{}/mycrm/{}.mp3?X-Amz-Signature=fresh{}", s.recordings_base, id(t), s.tick())}}),
        ),
        None => fail(StatusCode::NOT_FOUND, "Recording not found"),
    }
}
