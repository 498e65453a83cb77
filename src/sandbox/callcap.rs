//! Callcap as documented: Bearer auth and its 401 body, `search_startdate` strictly before
//! `search_enddate`, times local to `search_timezone` (default US/Central) without an offset,
//! `show` up to 1000, `order`, the search filters (`search_last_modified_start` / `_end` on the
//! record's modification time included), and ids with `:` and `_`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

use super::world::{Shape, TruthCall};
use super::{param, params, Shared};
use crate::call::{phone_digits, Call, Direction, Status};
use crate::config::SecretKey;
use crate::types::Vendor;

pub const TOKEN: &str = "callcap-sandbox-token";
pub const CREDENTIALS: &[(SecretKey, &str)] = &[(SecretKey::token, TOKEN)];

pub const SHAPE: Shape = Shape {
    directions: &[
        Direction::Inbound,
        Direction::Inbound,
        Direction::Outbound,
        Direction::Internal,
    ],
    statuses: &[
        (Status::Answered, 60),
        (Status::Missed, 30),
        (Status::Failed, 5),
        (Status::InProgress, 5),
    ],
};

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v2/get/calls/", get(list))
        .route("/v2/get/calls/{id}/", get(show))
}

/// The main line every call without a campaign comes in on.
const MAIN: (u32, &str) = (100, "Main line");

fn id(t: &TruthCall) -> String {
    let l = t.started_at.with_timezone(&chrono_tz::US::Central);
    // NOTE: written field by field: strftime parsing its pattern anew for every call was a
    // fifth of the sandbox's CPU on 1,000-call pages.
    format!(
        "987654_{}_{:02}_{:02}_{:04}_{:02}:{:02}:{:02}_{}",
        t.seq,
        l.month(),
        l.day(),
        l.year(),
        l.hour(),
        l.minute(),
        l.second(),
        t.seq % 97
    )
}

fn action(t: &TruthCall) -> &'static str {
    match t.status {
        Status::Answered => "Answer",
        Status::Missed => "Missed",
        Status::Failed => "Blocked",
        _ => "In Progress",
    }
}

fn caller(t: &TruthCall) -> String {
    t.customer_us()
}

fn campaign(t: &TruthCall) -> (u32, &'static str) {
    t.campaign().map_or(MAIN, |c| (c.id, c.name))
}

fn recording_url(t: &TruthCall, s: &Shared) -> Option<String> {
    t.recording
        .then(|| format!("{}/callcap/rec-{}.wav", s.recordings_base, t.seq))
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    let l = t.with_timezone(&tz);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        l.year(),
        l.month(),
        l.day(),
        l.hour(),
        l.minute(),
        l.second()
    )
}

/// One call as `detail=all` shows it: the blocks the page's example has, less the ones that
/// "must be explicitly set" (notes only with `notes`: `detail=all,notes`).
fn render(t: &TruthCall, s: &Shared, tz: Tz, notes: bool) -> Value {
    serde_json::from_str(&render_text(t, s, tz, notes)).expect("the sandbox writes JSON")
}

/// [`render`] as JSON text.
fn render_text(t: &TruthCall, s: &Shared, tz: Tz, notes: bool) -> String {
    let mut out = String::with_capacity(1_400);
    render_into(&mut out, t, s, tz, notes);
    out
}

/// [`render`] written onto `out` directly: a page holds up to 1,000 of these large records, and
/// building each as a `Value` (then as a dozen small strings) was most of the sandbox's CPU.
fn render_into(out: &mut String, t: &TruthCall, s: &Shared, tz: Tz, notes: bool) {
    use std::fmt::Write;
    let (campaign_id, campaign_name) = campaign(t);
    let agent = t.agent();
    let str_or_null = |out: &mut String, v: Option<&str>| match v {
        Some(v) => json_str(out, v),
        None => out.push_str("null"),
    };
    out.push_str("{\"call_id\": ");
    json_str(out, &id(t));
    out.push_str(", \"recording\": ");
    str_or_null(out, recording_url(t, s).as_deref());
    let _ = write!(
        out,
        ", \"action\": \"{}\", \"start_datetime\": \"{}\", \"last_modified\": \"{}\", \"end_datetime\": ",
        action(t),
        local(t.started_at, tz),
        local(t.modified_at, tz),
    );
    str_or_null(out, t.ended_at().map(|e| local(e, tz)).as_deref());
    let _ = write!(
        out,
        concat!(
            ", \"dtmf\": \"\", \"duration\": {duration}, \"rings\": {rings}, \"revenue\": 0, ",
            "\"caller\": {{\"city\": \"Wichita\", \"class\": \"Residential\", \"state\": \"KS\", ",
            "\"name\": \"Caller\", \"address\": \"NF\", \"zip\": \"67202\", \"caller_id\": \"{caller}\"}}, ",
            "\"callsurance\": {{\"major\": {{\"label\": \"Positive\", \"id\": 1}}, ",
            "\"minor\": {{\"label\": \"Appointment Booked\", \"id\": 54800824}}, ",
            "\"csr\": {{\"id\": {agent_id}, \"name\": "
        ),
        duration = t.duration(),
        rings = t.ring / 5,
        caller = caller(t),
        agent_id = agent.id,
    );
    json_str(out, agent.name);
    let _ = write!(
        out,
        concat!(
            "}}}}, \"accounts\": {{\"corporate\": {{\"id\": 1, \"name\": \"Sandbox\"}}, ",
            "\"division\": {{\"external_id\": \"div-1\", \"id\": 1669, \"name\": \"Sandbox division\", \"corporate_label\": \"\"}}, ",
            "\"location\": {{\"external_id\": \"loc-1\", \"id\": 222222, \"corporate_label\": \"\", \"name\": \"Sandbox location\"}}, ",
            "\"campaign\": {{\"id\": {campaign_id}, \"callcap_number\": "
        ),
        campaign_id = campaign_id,
    );
    json_str(out, agent.line);
    out.push_str(", \"dialed_number\": ");
    json_str(out, agent.line);
    out.push_str(concat!(
        ", \"destination_number\": \"316-555-5555\", \"ivr_option\": 0, \"medium\": \"Website\", ",
        "\"name\": "
    ));
    json_str(out, campaign_name);
    let _ = write!(
        out,
        concat!(
            ", \"line-memo\": \"\", \"default_revenue_value\": \"\", ",
            "\"medium_type\": \"Collateral\", \"cost_per_piece_final\": 0.0, \"addtl_line_memo\": \"\", ",
            "\"cost_per_piece_est\": 0.0, \"brand\": \"\", \"service_line\": \"\", \"target\": \"\", ",
            "\"offer\": \"\", \"direction\": \"{}\"}}}}"
        ),
        t.direction.as_str()
    );
    if notes {
        out.push_str(", \"notes\": ");
        json_str(
            out,
            &format!("Sandbox call {} for {}", t.seq, campaign_name),
        );
    }
    out.push('}');
}

/// A `search_last_modified_start` / `_end` as an instant: `yyyy-mm-dd HH:nn` local to `tz`
/// (seconds taken too). NOTE: the doc says a date alone means midnight for the start and
/// 23:59:59 for the end; a minute is read the same way, from its first second to its last.
fn modified_bound(v: &str, tz: Tz, end: bool) -> Option<DateTime<Utc>> {
    use chrono::{NaiveDateTime, NaiveTime, TimeZone};
    let v = v.trim();
    let local = if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        d.and_time(if end {
            NaiveTime::from_hms_opt(23, 59, 59)?
        } else {
            NaiveTime::MIN
        })
    } else if let Ok(t) = NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S") {
        t
    } else {
        let t = NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M").ok()?;
        if end {
            t + Duration::seconds(59)
        } else {
            t
        }
    };
    // A local time that DST skips or repeats: its earliest reading.
    let at = tz.from_local_datetime(&local);
    at.earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// `v` as a JSON string onto `out`.
fn json_str(out: &mut String, v: &str) {
    use std::fmt::Write;
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// True when `detail` asks for the call notes by name.
fn wants_notes(q: &[(String, String)]) -> bool {
    param(q, "detail").is_some_and(|d| d.split(',').any(|b| b.trim() == "notes"))
}

pub fn expected(t: &TruthCall, s: &Shared) -> Call {
    let (campaign_id, campaign_name) = campaign(t);
    let agent = t.agent();
    Call {
        vendor: Vendor::Callcap,
        id: id(t),
        started_at: t.started_at,
        ended_at: t.ended_at(),
        direction: t.direction,
        status: t.status,
        vendor_status: Some(action(t).to_string()),
        duration: Some(t.duration() as i64),
        talk_time: None,
        customer_number: Some(format!("+1{}", phone_digits(&caller(t)))),
        line_number: Some(agent.line.to_string()),
        agent: Some(agent.name.to_string()),
        campaign: Some(campaign_name.to_string()),
        recording_url: recording_url(t, s),
        cost: None,
        agent_id: Some(agent.id.to_string()),
        campaign_id: Some(campaign_id.to_string()),
        // `last_modified` is to the second.
        modified_at: DateTime::from_timestamp(t.modified_at.timestamp(), 0),
        raw: None,
    }
}

fn fail(status: StatusCode, message: &str) -> Response {
    super::json(status, json!({"status": "error", "message": message}))
}

/// The request's `search_timezone`, else the login's zone, US/Central as the vendor's default:
/// every time in the answer is local to it, without an offset. `None` for an unknown zone.
fn zone(q: &[(String, String)]) -> Option<Tz> {
    param(q, "search_timezone")
        .unwrap_or("US/Central")
        .parse::<Tz>()
        .ok()
}

fn unknown_zone() -> Response {
    fail(
        StatusCode::BAD_REQUEST,
        "search_timezone is not a known timezone",
    )
}

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

fn unauthorized() -> Response {
    super::json(
        StatusCode::UNAUTHORIZED,
        json!({"status": "unauthorized", "message": "Your key is invalid"}),
    )
}

async fn list(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let Some(tz) = zone(&q) else {
        return unknown_zone();
    };
    if param(&q, "search_range").is_some_and(|r| r != "custom") {
        return fail(
            StatusCode::BAD_REQUEST,
            "the sandbox emulates search_range=custom only",
        );
    }
    let today = s.now().with_timezone(&tz).date_naive();
    let date = |k: &str, default: NaiveDate| match param(&q, k) {
        None => Some(default),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").ok(),
    };
    let (Some(first), Some(last)) = (
        date("search_startdate", today - Duration::days(30)),
        date("search_enddate", today),
    ) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "search_startdate and search_enddate must be yyyy-mm-dd",
        );
    };
    if first >= last {
        return fail(
            StatusCode::BAD_REQUEST,
            "search_startdate must be less than search_enddate",
        );
    }
    let show = match param(&q, "show").map(str::parse::<u64>) {
        None => 50,
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        _ => {
            return fail(
                StatusCode::BAD_REQUEST,
                "show must be greater than 0 and at most 1000",
            )
        }
    };
    let page = match param(&q, "page").map(str::parse::<u64>) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        _ => return fail(StatusCode::BAD_REQUEST, "page must be at least 1"),
    };
    let direction = param(&q, "search_direction");
    let actions = params(&q, "search_action");
    let caller_id = param(&q, "search_caller_id").map(phone_digits);
    let csrs = params(&q, "search_csr");
    let campaigns = params(&q, "campaign_id");
    let min = param(&q, "search_duration_min").and_then(|v| v.parse::<u32>().ok());
    // A maximum of 600 or more means no maximum.
    let max = param(&q, "search_duration_max")
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|m| *m < 600);
    let term = param(&q, "search_term").map(str::to_lowercase);
    let modified =
        |k: &'static str, end: bool| param(&q, k).map(|v| modified_bound(v, tz, end).ok_or(k));
    let (since, until) = match (
        modified("search_last_modified_start", false),
        modified("search_last_modified_end", true),
    ) {
        (Some(Err(k)), _) | (_, Some(Err(k))) => {
            return fail(
                StatusCode::BAD_REQUEST,
                &format!("{k} must be yyyy-mm-dd HH:nn"),
            )
        }
        (a, b) => (a.and_then(Result::ok), b.and_then(Result::ok)),
    };
    let code = |t: &TruthCall| match t.status {
        Status::Answered => "ans",
        Status::Missed => "missed",
        Status::Failed => "blocked",
        _ => "inprogress",
    };
    let keep = |t: &TruthCall| {
        direction.is_none_or(|d| t.direction.as_str() == d)
            && (actions.is_empty() || actions.contains(&code(t)))
            && caller_id
                .as_deref()
                .is_none_or(|c| phone_digits(&caller(t)).contains(c))
            && (csrs.is_empty() || csrs.contains(&t.agent().id.to_string().as_str()))
            && (campaigns.is_empty() || campaigns.contains(&campaign(t).0.to_string().as_str()))
            && min.is_none_or(|m| t.duration() >= m)
            && max.is_none_or(|m| t.duration() <= m)
            && term.as_deref().is_none_or(|term| {
                campaign(t).1.to_lowercase().contains(term)
                    || phone_digits(&caller(t)).contains(term)
                    || format!("sandbox call {} for", t.seq).contains(term)
            })
            && since.is_none_or(|since| t.modified_at >= since)
            && until.is_none_or(|until| t.modified_at <= until)
    };
    let filtered = direction.is_some()
        || !actions.is_empty()
        || caller_id.is_some()
        || !csrs.is_empty()
        || !campaigns.is_empty()
        || min.is_some()
        || max.is_some()
        || term.is_some()
        || since.is_some()
        || until.is_some();
    let world = s.world(Vendor::Callcap);
    let skip = ((page - 1) * show) as usize;
    let (total, mut items) = s.page_of(
        world.days(first, last, tz),
        filtered.then_some(&keep as &dyn Fn(&TruthCall) -> bool),
        param(&q, "order") == Some("oldest"),
        skip,
        show as usize,
    );
    let total = total as u64;
    let returned = items.len();
    s.short_page(Vendor::Callcap, skip, show as usize, &mut items);
    let head = json!({"page": page, "last_page": total.div_ceil(show).max(1), "records_returned": returned,
                      "show": show, "total_records": total});
    let mut body = format!(
        "{{\"pagination\": {head}, \"status\": \"success\", \"search\": {{\"timezone\": {}}}, \"call\": [",
        Value::from(tz.name()),
    );
    body.reserve(items.len() * 1_400);
    let notes = wants_notes(&q);
    for (i, t) in items.iter().enumerate() {
        if i > 0 {
            body.push_str(", ");
        }
        render_into(&mut body, t, &s, tz, notes);
    }
    body.push_str("]}");
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn show(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(call_id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let Some(tz) = zone(&q) else {
        return unknown_zone();
    };
    let world = s.world(Vendor::Callcap);
    match world.calls.iter().find(|t| id(t) == call_id) {
        Some(t) => super::json(
            StatusCode::OK,
            json!({"status": "success", "search": {"timezone": tz.name()}, "call": [render(t, &s, tz, wants_notes(&q))]}),
        ),
        None => fail(StatusCode::NOT_FOUND, "Call not found"),
    }
}
