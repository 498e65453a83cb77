//! Famulor Platform 2.0 as "Seen in public client code" describes it, on the same calls as the
//! classic Famulor emulation: `Bearer fam_...`, UUID ids, `limit` (1–200) / `offset`, exact
//! `from` / `to` date-times on the creation time, newest first (by `updated_at` with
//! `sort=updated_at`: when a call arrived or changed since), `meta.result_cap_reached` over
//! more than `Options::famulor_v1_cap` calls, the single call in `data` with its transcript in
//! one of three shapes, recording links signed for `Options::signed_link_ttl` and fresh ones
//! from `/calls/{id}/recording`, removal through `/history/actions` that hides a call (it stays
//! in the world, and in the classic API), and `{"error": ...}` bodies.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::world::{Rng, Shape, TruthCall, World};
use super::{param, Shared};
use crate::call::{Call, Direction, Status};
use crate::config::SecretKey;
use crate::types::Vendor;

/// Served under `http://127.0.0.1:PORT/famulor-v1`; its links under the recordings host's
/// `/famulor-v1/`.
pub const PATH: &str = "famulor-v1";
pub const TOKEN: &str = "fam_sandbox_v1_token";
pub const CREDENTIALS: &[(SecretKey, &str)] = &[(SecretKey::token, TOKEN)];
/// The calls are classic Famulor's.
pub const SHAPE: Shape = super::famulor::SHAPE;

const STATUSES: &[&str] = &[
    "queued",
    "ringing",
    "in_progress",
    "completed",
    "failed",
    "no_answer",
    "busy",
];

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/api/v1/calls", get(list))
        .route("/api/v1/calls/{id}", get(show))
        .route("/api/v1/calls/{id}/recording", get(fresh_link))
        .route("/api/v1/history/actions", post(actions))
}

/// Kinds of UUID, so that a call's never equals an assistant's.
const CALL: u64 = 1;
const ASSISTANT: u64 = 2;
const CAMPAIGN: u64 = 3;
const LINE: u64 = 4;

/// A version-4-shaped UUID made from `n`, which its last 12 hex digits hold.
fn uuid(kind: u64, n: u64) -> String {
    let mut rng = Rng::new(n.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ kind);
    let (a, b) = (rng.next_u64(), rng.next_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 48) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

pub fn id(t: &TruthCall) -> String {
    uuid(CALL, t.seq as u64)
}

/// The call a UUID names, hidden ones included.
fn by_id<'a>(world: &'a World, id: &str) -> Option<&'a TruthCall> {
    let id = id.to_ascii_lowercase();
    let seq = u64::from_str_radix(id.get(24..)?, 16).ok()?;
    world.by_seq(seq).filter(|t| self::id(t) == id)
}

fn assistant(t: &TruthCall) -> String {
    uuid(ASSISTANT, t.agent().id as u64)
}

fn campaign(t: &TruthCall) -> Option<String> {
    t.campaign().map(|c| uuid(CAMPAIGN, c.id as u64))
}

fn status_word(t: &TruthCall) -> &'static str {
    match t.status {
        // NOTE: Platform 2.0 has no word for a call a mailbox took.
        Status::Answered | Status::Voicemail => "completed",
        Status::Missed => "no_answer",
        Status::Busy => "busy",
        Status::InProgress => ["queued", "ringing", "in_progress"][t.seq as usize % 3],
        Status::Failed | Status::Canceled | Status::Unknown => "failed",
    }
}

/// What a correct client reads as the status.
fn status(t: &TruthCall) -> Status {
    match t.status {
        Status::Voicemail => Status::Answered,
        Status::Canceled | Status::Unknown => Status::Failed,
        s => s,
    }
}

fn answered_at(t: &TruthCall) -> Option<DateTime<Utc>> {
    let answered =
        matches!(t.status, Status::Answered | Status::Voicemail) || status_word(t) == "in_progress";
    answered.then(|| t.started_at + chrono::Duration::seconds(t.ring as i64))
}

fn duration(t: &TruthCall) -> Option<u32> {
    (t.status != Status::InProgress).then(|| t.duration())
}

/// (from_number, to_number): the customer calls in, or is called; a web call has no caller
/// number.
fn numbers(t: &TruthCall) -> (Option<String>, Option<String>) {
    let line = t.agent().line.to_string();
    match t.direction {
        Direction::Outbound => (Some(line), Some(t.customer_e164())),
        Direction::Web => (None, Some(line)),
        _ => (Some(t.customer_e164()), Some(line)),
    }
}

/// ISO 8601 with microseconds and an offset: Berlin's for half the calls.
fn stamp(t: DateTime<Utc>, seq: u32) -> String {
    if seq.is_multiple_of(2) {
        t.with_timezone(&chrono_tz::Europe::Berlin)
            .to_rfc3339_opts(SecondsFormat::Micros, false)
    } else {
        t.to_rfc3339_opts(SecondsFormat::Micros, false)
    }
}

fn summary(t: &TruthCall) -> String {
    format!("{} call with {}", status_word(t), t.agent().name)
}

/// When links handed out now stop working: at the end of the `signed_link_ttl` period under
/// way since the sandbox started, plus one period, so links of one test run are the same.
fn link_expiry(s: &Shared, now: DateTime<Utc>) -> i64 {
    let ttl = s.opts.signed_link_ttl.as_secs() as i64;
    if ttl == 0 {
        return s.epoch;
    }
    s.epoch + ttl * ((now.timestamp() - s.epoch).div_euclid(ttl) + 1)
}

fn signature(file: &str, expires: i64) -> String {
    let h = file.bytes().fold(expires as u64, |h, b| {
        h.wrapping_mul(131).wrapping_add(b as u64)
    });
    format!("{:016x}", Rng::new(h).next_u64())
}

fn signed(s: &Shared, t: &TruthCall, expires: i64) -> String {
    let file = format!("{}.wav", id(t));
    format!(
        "{}/{PATH}/{file}?expires={expires}&signature={}",
        s.recordings_base,
        signature(&file, expires)
    )
}

fn recording_url(t: &TruthCall, s: &Shared) -> Option<String> {
    t.recording
        .then(|| signed(s, t, link_expiry(s, Utc::now())))
}

/// The recordings host's answer to a link that is not (or no longer) signed: S3's.
pub fn refuse_link(file: &str, query: Option<&str>) -> Option<Response> {
    let q: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let expires = param(&q, "expires").and_then(|e| e.parse::<i64>().ok());
    let why = match expires {
        Some(e) if param(&q, "signature") == Some(signature(file, e).as_str()) => {
            if Utc::now().timestamp() < e {
                return None;
            }
            "Request has expired"
        }
        _ => "The request signature we calculated does not match the signature you provided",
    };
    Some(
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/xml")],
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>{why}</Message></Error>"),
        )
            .into_response(),
    )
}

fn lines(t: &TruthCall) -> Vec<Value> {
    t.transcript()
        .iter()
        .map(|(who, text)| {
            json!({"role": if *who == "bot" { "assistant" } else { "user" }, "content": text})
        })
        .collect()
}

/// The transcript in each of the three shapes seen, by the call's number.
fn transcript(t: &TruthCall) -> Value {
    match t.seq % 3 {
        0 => Value::String(
            t.transcript()
                .iter()
                .map(|(who, text)| format!("{who}: {text}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        1 => Value::Array(lines(t)),
        _ => json!({"items": lines(t)}),
    }
}

fn render(t: &TruthCall, s: &Shared, single: bool) -> Value {
    let (from_number, to_number) = numbers(t);
    let started = (status_word(t) != "queued").then(|| stamp(t.started_at, t.seq));
    let sentiment = ["positive", "neutral", "negative"][t.seq as usize % 3];
    let mut record = json!({
        "id": id(t),
        "assistant_id": assistant(t),
        "campaign_id": campaign(t),
        "phone_number_id": uuid(LINE, t.agent().id as u64),
        "lead_id": campaign(t).map(|_| uuid(CALL ^ LINE, t.seq as u64)),
        "direction": t.direction.as_str(),
        "from_number": from_number,
        "to_number": to_number,
        "status": status_word(t),
        "started_at": started,
        "answered_at": answered_at(t).map(|a| stamp(a, t.seq)),
        "ended_at": t.ended_at().map(|e| stamp(e, t.seq)),
        "created_at": stamp(t.started_at, t.seq),
        "updated_at": stamp(t.modified_at, t.seq),
        "duration_sec": duration(t),
        "summary": summary(t),
        "sentiment": sentiment,
        "success": t.status == Status::Answered,
        "recording_url": recording_url(t, s),
    });
    if single {
        record["transcript"] = transcript(t);
    }
    record
}

/// What a correct client makes of a call.
pub fn expected(t: &TruthCall, s: &Shared) -> Call {
    let (from_number, to_number) = numbers(t);
    let (customer, line) = if t.direction == Direction::Outbound {
        (to_number, from_number)
    } else {
        (from_number, to_number)
    };
    let talk_time = answered_at(t)
        .zip(t.ended_at())
        .map(|(a, e)| (e - a).num_seconds());
    Call {
        vendor: Vendor::Famulor,
        id: id(t),
        started_at: t.started_at,
        ended_at: t.ended_at(),
        direction: t.direction,
        status: status(t),
        vendor_status: Some(status_word(t).to_string()),
        duration: duration(t).map(i64::from),
        talk_time,
        customer_number: customer,
        line_number: line,
        agent: Some(assistant(t)),
        campaign: campaign(t),
        recording_url: recording_url(t, s),
        cost: None,
        agent_id: Some(assistant(t)),
        campaign_id: campaign(t),
        modified_at: Some(t.modified_at),
        raw: None,
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    super::json(status, json!({"error": {"code": code, "message": message}}))
}

fn invalid(message: &str) -> Response {
    error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        message,
    )
}

/// `None` for the sandbox's key; else the 401, in the short error shape.
fn refused(headers: &HeaderMap) -> Option<Response> {
    let ok = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {TOKEN}"));
    (!ok).then(|| super::json(StatusCode::UNAUTHORIZED, json!({"error": "unauthorized"})))
}

fn hidden(s: &Shared, t: &TruthCall) -> bool {
    s.hidden
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&t.seq)
}

/// Search in the transcript and the summary, as `q` does.
fn mentions(t: &TruthCall, q: &str) -> bool {
    let q = q.to_lowercase();
    summary(t).to_lowercase().contains(&q)
        || t.transcript()
            .iter()
            .any(|(_, text)| text.to_lowercase().contains(&q))
}

async fn list(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = refused(&headers) {
        return r;
    }
    let limit = match param(&q, "limit").map(str::parse::<usize>) {
        None => 50,
        Some(Ok(n)) if (1..=200).contains(&n) => n,
        _ => return invalid("limit must be an integer from 1 to 200"),
    };
    let offset = match param(&q, "offset").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        _ => return invalid("offset must be a non-negative integer"),
    };
    let time = |k: &str| param(&q, k).map(DateTime::parse_from_rfc3339);
    let (from, to) = match (time("from"), time("to")) {
        (Some(Err(_)), _) => return invalid("from must be an ISO 8601 date-time"),
        (_, Some(Err(_))) => return invalid("to must be an ISO 8601 date-time"),
        (f, t) => (
            f.and_then(Result::ok).map(|t| t.with_timezone(&Utc)),
            t.and_then(Result::ok).map(|t| t.with_timezone(&Utc)),
        ),
    };
    let status = param(&q, "status");
    if status.is_some_and(|st| !STATUSES.contains(&st)) {
        return invalid(
            "status is not one of queued, ringing, in_progress, completed, failed, no_answer, busy",
        );
    }
    let direction = param(&q, "direction");
    if direction.is_some_and(|d| !["inbound", "outbound", "web"].contains(&d)) {
        return invalid("direction is not one of inbound, outbound, web");
    }
    let by_update = match param(&q, "sort") {
        None | Some("created_at") => false,
        Some("updated_at") => true,
        Some(_) => return invalid("sort is not one of created_at, updated_at"),
    };
    let assistant_id = param(&q, "assistant_id");
    let campaign_id = param(&q, "campaign_id");
    let text = param(&q, "q").filter(|t| !t.is_empty());

    let world = s.world(Vendor::Famulor);
    let in_range = world.between(
        from.unwrap_or(DateTime::<Utc>::MIN_UTC),
        to.unwrap_or(DateTime::<Utc>::MAX_UTC),
    );
    let keep = |t: &&TruthCall| {
        !hidden(&s, t)
            && status.is_none_or(|st| status_word(t) == st)
            && direction.is_none_or(|d| t.direction.as_str() == d)
            && assistant_id.is_none_or(|a| assistant(t) == a)
            && campaign_id.is_none_or(|c| campaign(t).as_deref() == Some(c))
            && text.is_none_or(|x| mentions(t, x))
    };
    let mut matching: Vec<&TruthCall> = in_range.iter().rev().filter(keep).collect();
    if by_update {
        // The time `updated_at` shows: when the call arrived, or changed since.
        matching.sort_by_key(|t| std::cmp::Reverse(t.modified_at));
    }
    s.reorder(&mut matching);
    let total = matching.len();
    let cap = s.opts.famulor_v1_cap;
    // NOTE: past its cap the vendor pages no further; it says so, with the full total.
    let end = (offset + limit).min(total).min(cap);
    let data: Vec<Value> = matching
        .get(offset.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(|t| render(t, &s, false))
        .collect();
    let mut meta = json!({"pagination": {"total": total, "limit": limit, "offset": offset}});
    if total > cap {
        meta["result_cap_reached"] = json!(true);
    }
    super::json(StatusCode::OK, json!({"data": data, "meta": meta}))
}

async fn show(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(call): Path<String>,
) -> Response {
    if let Some(r) = refused(&headers) {
        return r;
    }
    let world = s.world(Vendor::Famulor);
    match by_id(&world, &call).filter(|t| !hidden(&s, t)) {
        Some(t) => super::json(StatusCode::OK, json!({"data": render(t, &s, true)})),
        None => error(StatusCode::NOT_FOUND, "not_found", "Call not found"),
    }
}

/// `GET /api/v1/calls/{id}/recording?expires_in=S`: a link signed now, for S seconds.
async fn fresh_link(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(call): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = refused(&headers) {
        return r;
    }
    let seconds = match param(&q, "expires_in").map(str::parse::<i64>) {
        None => 3600,
        Some(Ok(n)) if (60..=7 * 24 * 3600).contains(&n) => n,
        _ => return invalid("expires_in must be from 60 to 604800 seconds"),
    };
    let world = s.world(Vendor::Famulor);
    match by_id(&world, &call).filter(|t| !hidden(&s, t) && t.recording) {
        Some(t) => {
            let expires = Utc::now().timestamp() + seconds;
            let at = DateTime::from_timestamp(expires, 0).unwrap_or_default();
            super::json(
                StatusCode::OK,
                json!({"data": {"url": signed(&s, t, expires), "expires_at": at.to_rfc3339()}}),
            )
        }
        None => error(StatusCode::NOT_FOUND, "not_found", "Recording not found"),
    }
}

/// `POST /api/v1/history/actions` `{"action": "remove", "kind": "call", "ids": [...]}`: the calls
/// leave the history (all or none), and stay in the world.
async fn actions(State(s): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    if let Some(r) = refused(&headers) {
        return r;
    }
    let Ok(body) = serde_json::from_str::<Value>(&body) else {
        return invalid("the body must be JSON");
    };
    if body["action"] != "remove" || body["kind"] != "call" {
        return invalid("action must be remove and kind must be call");
    }
    let ids: Option<Vec<&str>> = body["ids"]
        .as_array()
        .map(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
        .unwrap_or(None);
    let Some(ids) = ids.filter(|ids| !ids.is_empty() && ids.len() <= 100) else {
        return invalid("ids must be a list of 1 to 100 call ids");
    };
    let world = s.world(Vendor::Famulor);
    let found: Option<Vec<u32>> = ids
        .iter()
        .map(|id| by_id(&world, id).filter(|t| !hidden(&s, t)).map(|t| t.seq))
        .collect();
    let Some(seqs) = found else {
        return error(StatusCode::NOT_FOUND, "not_found", "Call not found");
    };
    s.hidden
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend(seqs.iter().copied());
    super::json(
        StatusCode::OK,
        json!({"data": {"action": "remove", "kind": "call", "affected": seqs.len()}}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_well_formed_distinct_and_give_back_their_number() {
        let a = uuid(CALL, 7);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert!(a.ends_with("000000000007"));
        assert_ne!(a, uuid(ASSISTANT, 7));
        assert_ne!(a, uuid(CALL, 8));
        assert_eq!(u64::from_str_radix(&a[24..], 16).unwrap(), 7);
    }
}
