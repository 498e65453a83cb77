//! Famulor (AI phone assistants): Bearer auth, Laravel pagination, day-granular date filters.
//! Platform 2.0, the vendor's second API, is `v1`.

pub mod v1;
mod wire;

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use reqwest::Method;
use serde_json::value::RawValue;

use super::{not_found, Conn, Operation, Page, PageRef, Traits, Vendor};
use crate::call::{Call, Direction, Status};
use crate::config::{Profile, Secret, SecretKey};
use crate::error::usage;
use crate::http::Reply;
use crate::query::{is_numeric_id, vendor_ids, Applied, Filter, Plan, Query, Takes};

pub const TRAITS: Traits = Traits {
    product: "Famulor AI phone assistants",
    operations: &[Operation::Show, Operation::Recording, Operation::Delete],
    max_page_size: 100,
    default_base_url: Some("https://app.famulor.de"),
    auth_secret: SecretKey::token,
    auth: "token (Bearer)",
    newest_first: true,
    recording_ext: "mp3",
    numeric_ids: true,
    id_example: "123456",
    apis: &["classic", "v1"],
    // NOTE: 100 requests a minute and bursts of 20 per 10 s (vendor-docs README, from the
    // vendor's docs repository): a bucket of 5 refilled at 1.5 a second keeps both, for any
    // 10 s (5 + 15 = 20) and any minute (5 + 90 = 95).
    documented_rate: Some((1.5, 5)),
    lists_by_modification: false,
};

const LIST: &str = "api/user/calls";

/// Vendor statuses by normalized status. `answered_by = machine` turns an answered status into
/// voicemail, so only the client can tell answered from voicemail.
const STATUSES: &[(&str, Status)] = &[
    ("initiated", Status::InProgress),
    ("ringing", Status::InProgress),
    ("in-progress", Status::InProgress),
    ("busy", Status::Busy),
    ("ended", Status::Answered),
    ("completed", Status::Answered),
    ("ended_by_customer", Status::Answered),
    ("ended_by_assistant", Status::Answered),
    ("no-answer", Status::Missed),
    ("failed", Status::Failed),
];

#[derive(Debug)]
pub struct Famulor {
    pub(super) conn: Conn,
    token: Secret,
    /// The zone of times without an offset (`vendor_timezone`, default UTC).
    zone: Tz,
}

impl Famulor {
    pub fn new(conn: Conn, profile: &Profile) -> Result<Self> {
        let token = profile.secret(SecretKey::token)?;
        crate::redact::register(&token);
        Ok(Famulor {
            conn,
            token,
            zone: profile.vendor_zone(),
        })
    }

    pub fn plan(&self, q: &Query) -> Result<Plan> {
        // NOTE: the records carry names only, so an id (`assistant_id` / `campaign_id` are
        // integers in the captured page) can be checked by the vendor alone, one at a time;
        // names as shown are matched on the client, any number of them.
        let several_with_an_id = |v: &[String]| v.len() > 1 && v.iter().any(|v| is_numeric_id(v));
        if several_with_an_id(&q.agents) || several_with_an_id(&q.campaigns) {
            return usage("famulor filters by one assistant or campaign id at a time (its API takes a single assistant_id / campaign_id); names as shown can be several");
        }
        let mut plan = q.client_plan();
        plan.set(Filter::Window, Applied::Both);
        if q.direction.is_some_and(|d| direction_param(d).is_some()) {
            plan.set(Filter::Direction, Applied::Both);
        }
        if status_param(&q.statuses).is_some() {
            plan.set(Filter::Status, Applied::Both);
        }
        if q.number
            .as_deref()
            .is_some_and(|n| number_param(n).is_some())
        {
            plan.set(Filter::Number, Applied::Both);
        }
        plan.set_ids(q, is_numeric_id, Takes::Many, Applied::Vendor);
        Ok(plan)
    }

    fn params(&self, q: &Query, page: u64) -> Vec<(String, String)> {
        // NOTE: date_from/date_to are whole days in an undocumented zone; asking one day more on
        // each side covers any zone, and the client cuts the exact window.
        let from = (q.from.date_naive() - Duration::days(1)).format("%Y-%m-%d");
        let to =
            ((q.to - Duration::nanoseconds(1)).date_naive() + Duration::days(1)).format("%Y-%m-%d");
        let mut params: Vec<(String, String)> = vec![
            ("date_from".into(), from.to_string()),
            ("date_to".into(), to.to_string()),
            ("per_page".into(), q.page_size.to_string()),
            ("page".into(), page.to_string()),
        ];
        if let Some(t) = q.direction.and_then(direction_param) {
            params.push(("type".into(), t.into()));
        }
        if let Some(s) = status_param(&q.statuses) {
            params.push(("status".into(), s.into()));
        }
        if let Some(n) = q.number.as_deref().and_then(number_param) {
            params.push(("phone_number".into(), n));
        }
        if let [a] = vendor_ids(&q.agents, is_numeric_id) {
            params.push(("assistant_id".into(), a.clone()));
        }
        if let [c] = vendor_ids(&q.campaigns, is_numeric_id) {
            params.push(("campaign_id".into(), c.clone()));
        }
        super::merge_params(params, &q.params)
    }

    async fn get(&self, path: &str, params: &[(String, String)]) -> Result<Reply> {
        let req = self
            .conn
            .http
            .request(Method::GET, self.conn.url(path))
            .query(params)
            .bearer_auth(self.token.expose())
            // NOTE: Laravel answers HTML (login redirects, error pages) unless asked for JSON.
            .header(reqwest::header::ACCEPT, "application/json");
        self.conn.http.send(req).await
    }

    pub async fn page(&self, q: &Query, at: &PageRef) -> Result<Page> {
        let PageRef::Number(n) = at else {
            anyhow::bail!("famulor pages are numbered");
        };
        let params = self.params(q, *n);
        let asked = params
            .iter()
            .find(|(k, _)| k == "per_page")
            .and_then(|(_, v)| v.parse::<u64>().ok())
            .unwrap_or(u64::from(q.page_size));
        let reply = self.get(LIST, &params).await?;
        self.conn.check(&reply, error_message)?;
        let list = parse_list(&reply, q.keep_raw, self.zone, &self.conn.auth_hint)?;
        let (calls, last_page, total) = (list.calls, list.last_page, list.total);
        // NOTE: paged by the vendor's own per_page and last_page, not by the size asked for:
        // the docs' own example answers per_page 15 whatever was asked.
        let per_page = super::page_size(list.per_page, asked, total, Some(last_page));
        let full = per_page.unwrap_or(asked);
        // NOTE: calls arriving during an export push older ones back a page; a full last page
        // may have spilled over, so the next one is asked for too. When the last page is full
        // now, that page is counted, so that it is fetched ahead with the others.
        let more = *n < last_page || calls.len() as u64 >= full;
        let spill = total.is_some_and(|t| t > 0 && t == last_page * full);
        Ok(Page {
            next: (more && !calls.is_empty()).then(|| PageRef::Number(n + 1)),
            calls,
            total_pages: Some(last_page + u64::from(spill)),
            total_calls: total,
            per_page,
            items: None,
        })
    }

    pub fn auth_headers(&self) -> reqwest::header::HeaderMap {
        super::bearer_headers(&self.token)
    }

    /// One `DELETE /api/user/calls/{id}` per call (permanent; the recording goes too).
    pub fn plan_delete(&self, ids: &[String]) -> Result<Vec<super::Planned>> {
        Ok(ids
            .iter()
            .map(|id| super::Planned {
                method: Method::DELETE,
                url: self
                    .conn
                    .url(&format!("{LIST}/{}", super::path_segment(id))),
                body: None,
                ids: vec![id.clone()],
            })
            .collect())
    }

    pub async fn execute(&self, p: &super::Planned) -> Result<()> {
        let req = self
            .conn
            .http
            .request(p.method.clone(), p.url.clone())
            .bearer_auth(self.token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        let reply = self.conn.http.send(req).await?;
        if reply.status == reqwest::StatusCode::NOT_FOUND {
            anyhow::bail!(
                "{}",
                error_message(&reply).unwrap_or_else(|| "not found".into())
            );
        }
        self.conn.check(&reply, error_message)?;
        // A 200 that says `success: false` did not delete: never reported as deleted.
        refused(&reply, &self.conn.auth_hint)
    }

    pub async fn show(&self, id: &str) -> Result<Call> {
        let id_seg = super::path_segment(id);
        let reply = self.get(&format!("{LIST}/{id_seg}"), &[]).await?;
        if reply.status == reqwest::StatusCode::NOT_FOUND {
            return Err(not_found(Vendor::Famulor, id));
        }
        self.conn.check(&reply, error_message)?;
        refused(&reply, &self.conn.auth_hint)?;
        let raw: Box<RawValue> = reply.json("famulor")?;
        with_raw(&raw, &reply, self.zone)
    }
}

/// The normalized calls of one list page's body, with their raw records if asked (the
/// benchmarks' entry point).
pub fn parse_page(body: bytes::Bytes, keep_raw: bool) -> Result<Vec<Call>> {
    let reply = Reply {
        status: reqwest::StatusCode::OK,
        headers: Default::default(),
        body,
        shown_url: String::new(),
    };
    parse_list(&reply, keep_raw, Tz::UTC, "").map(|list| list.calls)
}

/// A list page as the vendor stated it.
struct List {
    calls: Vec<Call>,
    last_page: u64,
    total: Option<u64>,
    per_page: Option<u64>,
}

/// A list page: the normalized calls (with raw records if asked) and the paginator's numbers.
/// `auth_hint` names the credentials, for a body that says they were refused.
fn parse_list(reply: &Reply, keep_raw: bool, zone: Tz, auth_hint: &str) -> Result<List> {
    // An error body has no paginator, or (if it has) says `success: false`.
    let refused = |e: anyhow::Error| refused(reply, auth_hint).err().unwrap_or(e);
    if keep_raw {
        let list: wire::ListResponse<&RawValue> = reply.json("famulor").map_err(refused)?;
        if list.success == Some(false) {
            return Err(refused(anyhow::anyhow!("famulor answered success=false")));
        }
        let calls = list
            .data
            .iter()
            .map(|raw| with_raw(raw, reply, zone))
            .collect::<Result<Vec<_>>>()?;
        Ok(List {
            calls,
            last_page: list.last_page,
            total: list.total,
            per_page: list.per_page.map(|p| p as u64),
        })
    } else {
        let list: wire::ListResponse<wire::WireCall> = reply.json("famulor").map_err(refused)?;
        if list.success == Some(false) {
            return Err(refused(anyhow::anyhow!("famulor answered success=false")));
        }
        let calls = list
            .data
            .into_iter()
            .map(|w| normalize(w, zone))
            .collect::<Result<Vec<_>>>()?;
        Ok(List {
            calls,
            last_page: list.last_page,
            total: list.total,
            per_page: list.per_page.map(|p| p as u64),
        })
    }
}

/// The vendor's message in an error body: Laravel's `{"message"}`, or `{"error": ...}` where
/// `error` is a string or an object (its `message`, else its JSON).
fn error_message(reply: &Reply) -> Option<String> {
    let e = serde_json::from_slice::<wire::ErrorBody>(&reply.body).ok()?;
    let error = e.error.and_then(|v| match v {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        serde_json::Value::Object(ref o) => o
            .get("message")
            .and_then(|m| m.as_str())
            .map(str::to_string)
            .or_else(|| Some(v.to_string())),
        other => Some(other.to_string()),
    });
    let said: Vec<String> = [error, e.message]
        .into_iter()
        .flatten()
        .filter(|m| !m.trim().is_empty())
        .collect();
    let mut said = said.join(": ");
    if let Some(code) = e.error_code.filter(|c| !c.is_null()) {
        let code = code
            .as_str()
            .map_or_else(|| code.to_string(), str::to_string);
        said = if said.is_empty() {
            format!("error_code {code}")
        } else {
            format!("{said} (error_code {code})")
        };
    }
    (!said.is_empty()).then_some(said)
}

/// NOTE: some Famulor endpoints answer an error with HTTP 200 and `{"success": false, "error":
/// ..., "error_code": ...}` (vendor-docs/README.md, round 2, from client code). Such a body is
/// the vendor's error, never an empty page taken for the end of the listing: exit 3 when it
/// says the credentials were refused, else exit 1, with the vendor's message.
fn refused(reply: &Reply, auth_hint: &str) -> Result<()> {
    let Ok(flag) = serde_json::from_slice::<wire::SuccessFlag>(&reply.body) else {
        return Ok(());
    };
    if flag.success != Some(false) {
        return Ok(());
    }
    let said = error_message(reply).unwrap_or_else(|| "no message".into());
    let said = crate::redact::scrub(&said);
    let lower = said.to_ascii_lowercase();
    // NOTE: the words of Famulor's own auth errors (`Invalid API key`, `Insufficient
    // permissions`, a missing header: vendor-docs/README.md) and the usual codes.
    let auth = [
        "unauthori",
        "unauthenticated",
        "invalid api key",
        "invalid_api_key",
        "api key missing",
        "invalid token",
        "forbidden",
        "permission",
        "error_code 401)",
        "error_code 403)",
    ]
    .iter()
    .any(|w| lower.contains(w));
    let failure = if auth {
        crate::error::Failure::new(
            crate::error::Exit::Auth,
            format!("famulor rejected the credentials (HTTP 200 with success=false): {said}"),
        )
        .hint(if auth_hint.is_empty() {
            "check the profile's token".to_string()
        } else {
            auth_hint.to_string()
        })
    } else {
        crate::error::Failure::new(
            crate::error::Exit::Failed,
            format!("famulor answered an error (HTTP 200 with success=false): {said}"),
        )
        .hint(format!("request: {}", reply.shown_url))
    };
    Err(failure.into())
}

fn with_raw(raw: &RawValue, reply: &Reply, zone: Tz) -> Result<Call> {
    let wire: wire::WireCall =
        serde_json::from_str(raw.get()).map_err(|e| reply.not_json("famulor", e))?;
    let mut call = normalize(wire, zone)?;
    call.raw = Some(crate::call::Raw::new(raw));
    Ok(call)
}

fn direction_param(d: Direction) -> Option<&'static str> {
    match d {
        Direction::Inbound => Some("inbound"),
        Direction::Outbound => Some("outbound"),
        Direction::Web => Some("web"),
        Direction::Internal | Direction::Unknown => None,
    }
}

/// The vendor status to send: only when the wanted statuses come from exactly one.
fn status_param(wanted: &[Status]) -> Option<&'static str> {
    let mut vendor = STATUSES.iter().filter(|(_, s)| {
        wanted.contains(s) || (*s == Status::Answered && wanted.contains(&Status::Voicemail))
    });
    let first = vendor.next()?;
    vendor.next().is_none().then_some(first.0)
}

/// NOTE: how Famulor matches `phone_number` is undocumented; it stores numbers as `+49...`, so
/// only a full international number is sent, and the client checks every number again.
fn number_param(typed: &str) -> Option<String> {
    let digits = crate::call::phone_digits(typed);
    (typed.trim_start().starts_with('+') && digits.len() >= 6).then(|| format!("+{digits}"))
}

/// One of the vendor's time fields, named in the error. NOTE: Famulor's own examples write
/// `2024-01-15T10:30:00Z` and `2025-08-04 14:30:00`, without a zone and without saying which
/// (vendor-docs/README.md: "assume UTC"): `zone` is the profile's `vendor_timezone`, else UTC.
fn parse_time_of(field: &str, s: &str, zone: Tz) -> Result<DateTime<Utc>> {
    super::time::read(Vendor::Famulor, field, s, zone)
}

fn normalize(w: wire::WireCall, zone: Tz) -> Result<Call> {
    let started_at = parse_time_of("created_at", &w.created_at, zone)?;
    let vendor_status = w.status;
    let mut status = vendor_status
        .as_deref()
        .and_then(|s| STATUSES.iter().find(|(v, _)| *v == s))
        .map_or(Status::Unknown, |(_, s)| *s);
    if status == Status::Answered && w.answered_by.as_deref() == Some("machine") {
        status = Status::Voicemail;
    }
    let direction = match w.kind.as_deref() {
        Some("inbound") => Direction::Inbound,
        Some("outbound") => Direction::Outbound,
        Some("web") => Direction::Web,
        _ => Direction::Unknown,
    };
    // NOTE: Famulor gives the start and the duration; the end is derived for finished calls.
    let ended_at = match (w.duration, status) {
        (_, Status::InProgress) => None,
        (Some(d), _) => crate::call::plus_seconds(started_at, d),
        (None, _) => None,
    };
    Ok(Call {
        vendor: Vendor::Famulor,
        id: w.id,
        started_at,
        ended_at,
        direction,
        status,
        vendor_status,
        duration: w.duration,
        talk_time: None,
        customer_number: w.client_phone_number,
        line_number: w.assistant_phone_number,
        agent: w.assistant_name,
        campaign: w.campaign_name,
        recording_url: w.recording_url.filter(|u| !u.is_empty()),
        cost: w.total_cost,
        agent_id: None,
        campaign_id: None,
        modified_at: None,
        raw: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vendors::fixtures::at;

    fn fixture(name: &str) -> Reply {
        crate::vendors::fixtures::reply("famulor", name)
    }

    #[test]
    fn the_docs_list_example_normalizes() {
        let list = parse_list(&fixture("list.json"), false, Tz::UTC, "").unwrap();
        assert_eq!(
            (list.last_page, list.total, list.per_page),
            (4, Some(52), Some(15))
        );
        let calls = list.calls;
        let expected = vec![
            Call {
                vendor: Vendor::Famulor,
                id: "123456".into(),
                started_at: at("2024-01-15T10:30:00Z"),
                ended_at: Some(at("2024-01-15T10:33:00Z")),
                direction: Direction::Outbound,
                status: Status::Answered,
                vendor_status: Some("completed".into()),
                duration: Some(180),
                talk_time: None,
                customer_number: Some("+4915123456789".into()),
                line_number: Some("+4912345678".into()),
                agent: Some("Sales Assistant".into()),
                campaign: Some("Neukundenakquise Q1 2024".into()),
                recording_url: Some("https://recordings.famulor.de/call-123456.mp3".into()),
                cost: Some("0.12000000".into()),
                agent_id: None,
                campaign_id: None,
                modified_at: None,
                raw: None,
            },
            Call {
                vendor: Vendor::Famulor,
                id: "123457".into(),
                started_at: at("2024-01-15T14:20:00Z"),
                ended_at: Some(at("2024-01-15T14:22:00Z")),
                direction: Direction::Inbound,
                status: Status::Answered,
                vendor_status: Some("ended_by_customer".into()),
                duration: Some(120),
                talk_time: None,
                customer_number: Some("+4917123456789".into()),
                line_number: Some("+4912345678".into()),
                agent: Some("Support Assistant".into()),
                campaign: None,
                recording_url: None,
                cost: Some("0.08000000".into()),
                agent_id: None,
                campaign_id: None,
                modified_at: None,
                raw: None,
            },
        ];
        assert_eq!(calls, expected);
    }

    #[test]
    fn raw_records_keep_every_vendor_field() {
        let calls = parse_list(&fixture("list.json"), true, Tz::UTC, "")
            .unwrap()
            .calls;
        let raw = calls[0].raw.as_ref().unwrap().value();
        assert_eq!(raw["transcript"][1]["text"], "Hallo?");
        assert_eq!(raw["webhook_response"]["lead_score"], 75);
        assert_eq!(calls[0].id, "123456");
    }

    #[test]
    fn the_single_call_shape_normalizes() {
        let raw: Box<RawValue> = fixture("show.json").json("famulor").unwrap();
        let call = with_raw(&raw, &fixture("show.json"), Tz::UTC).unwrap();
        assert_eq!(call.id, "123458");
        assert_eq!(call.started_at, at("2025-08-04T14:30:00Z"));
        assert_eq!(call.ended_at, Some(at("2025-08-04T14:31:35Z")));
        // answered_by machine: the assistant reached a mailbox.
        assert_eq!(call.status, Status::Voicemail);
        assert_eq!(call.vendor_status.as_deref(), Some("completed"));
        let raw = call.raw.unwrap().value();
        assert!(raw["transcript"]
            .as_str()
            .unwrap()
            .starts_with("bot: Hallo"));
        assert_eq!(raw["evaluation"]["status"], true);
    }

    /// The German docs' list: no `next_page_url`, `links`, `from` or `to`, costs as numbers.
    #[test]
    fn the_german_docs_list_reads_without_next_page_url() {
        let list = parse_list(&fixture("list-de.json"), true, Tz::UTC, "").unwrap();
        assert_eq!(
            (list.last_page, list.total, list.per_page),
            (1, Some(2), Some(15))
        );
        let got: Vec<_> = list
            .calls
            .iter()
            .map(|c| {
                (
                    c.id.as_str(),
                    c.started_at,
                    c.ended_at,
                    c.status,
                    c.cost.as_deref(),
                    c.recording_url.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "123456",
                    at("2024-01-15T10:30:00Z"),
                    Some(at("2024-01-15T10:33:00Z")),
                    Status::Answered,
                    Some("0.12"),
                    Some("https://recordings.famulor.de/call-123456.mp3"),
                ),
                (
                    "123457",
                    at("2024-01-15T14:20:00Z"),
                    Some(at("2024-01-15T14:22:00Z")),
                    Status::Answered,
                    Some("0.08"),
                    None,
                ),
            ]
        );
        let raw = list.calls[1].raw.as_ref().unwrap().value();
        assert_eq!(raw["webhook_response"], serde_json::Value::Null);
        assert_eq!(raw["transcript"][0]["sender"], "human");
    }

    /// Both revisions of the single-call example: costs as numbers and as decimal strings,
    /// `transcript` a string, `evaluation` an object, `variables` an object or `[]`, a zoneless
    /// `created_at` in UTC (or the profile's `vendor_timezone`).
    #[test]
    fn both_revisions_of_the_single_call_example_read() {
        let read = |name: &str, zone: Tz| {
            let reply = fixture(name);
            let raw: Box<RawValue> = reply.json("famulor").unwrap();
            with_raw(&raw, &reply, zone).unwrap()
        };
        let old = read("show-docs-old.json", Tz::UTC);
        let new = read("show-docs-new.json", Tz::UTC);
        for c in [&old, &new] {
            assert_eq!(c.id, "123");
            assert_eq!(c.started_at, at("2025-08-04T14:30:00Z"));
            // created_at + duration 245 s: the record's updated_at.
            assert_eq!(c.ended_at, Some(at("2025-08-04T14:34:05Z")));
            assert_eq!(c.duration, Some(245));
            assert_eq!(c.direction, Direction::Outbound);
            assert_eq!(c.status, Status::Answered);
            assert_eq!(c.agent.as_deref(), Some("Sales Assistant"));
            assert_eq!(c.campaign.as_deref(), Some("Q4 Outreach Campaign"));
            assert_eq!(c.customer_number.as_deref(), Some("+1987654321"));
            assert_eq!(c.line_number.as_deref(), Some("+1234567890"));
        }
        assert_eq!(old.cost.as_deref(), Some("0.025"));
        assert_eq!(new.cost.as_deref(), Some("0.02500000"));
        assert_eq!(
            new.recording_url.as_deref(),
            Some("https://app.famulor.de/media/public/123/call_+491234567890_example.mp4")
        );
        let (old_raw, new_raw) = (
            old.raw.as_ref().unwrap().value(),
            new.raw.as_ref().unwrap().value(),
        );
        assert!(old_raw["transcript"].as_str().unwrap().starts_with("Hello"));
        assert_eq!(old_raw["evaluation"]["score"], 8.5);
        assert_eq!(old_raw["variables"]["interest_level"], "high");
        assert_eq!(new_raw["variables"], serde_json::json!([]));
        assert_eq!(new_raw["evaluation"][0]["value"], "qualified_lead");
        assert_eq!(new_raw["answered_by"], serde_json::Value::Null);
        // The account's zone, when the profile says its times are local.
        let berlin = read("show-docs-old.json", "Europe/Berlin".parse().unwrap());
        assert_eq!(berlin.started_at, at("2025-08-04T12:30:00Z"));
    }

    #[test]
    fn error_bodies_give_their_message() {
        assert_eq!(
            error_message(&fixture("not-found.json")).as_deref(),
            Some("Call not found or does not belong to the authenticated user")
        );
        let body = |json: &str| Reply {
            body: json.as_bytes().to_vec().into(),
            ..fixture("not-found.json")
        };
        for (json, said) in [
            (
                r#"{"error": "Invalid API key", "message": "Unauthorized"}"#,
                "Invalid API key: Unauthorized",
            ),
            (
                r#"{"message": "The per page must be at most 100.", "errors": {"per_page": ["..."]}}"#,
                "The per page must be at most 100.",
            ),
            (
                r#"{"success": false, "error": "Plan expired", "error_code": "PLAN_EXPIRED"}"#,
                "Plan expired (error_code PLAN_EXPIRED)",
            ),
            (
                r#"{"success": false, "error": {"message": "Broken", "code": 7}}"#,
                "Broken",
            ),
            (
                r#"{"success": false, "error": {"code": 7}}"#,
                r#"{"code":7}"#,
            ),
            (r#"{"success": false, "error_code": 42}"#, "error_code 42"),
        ] {
            assert_eq!(error_message(&body(json)).as_deref(), Some(said), "{json}");
        }
        assert_eq!(error_message(&body(r#"{"success": false}"#)), None);
    }

    #[test]
    fn statuses_are_sent_only_when_one_vendor_value_means_them() {
        assert_eq!(status_param(&[Status::Missed]), Some("no-answer"));
        assert_eq!(status_param(&[Status::Busy]), Some("busy"));
        assert_eq!(status_param(&[Status::Answered]), None);
        assert_eq!(status_param(&[Status::Voicemail]), None);
        assert_eq!(status_param(&[Status::Missed, Status::Busy]), None);
        assert_eq!(status_param(&[Status::Canceled]), None);
    }

    fn parse_time(s: &str) -> Result<DateTime<Utc>> {
        parse_time_of("created_at", s, Tz::UTC)
    }

    #[test]
    fn both_created_at_formats() {
        assert_eq!(
            parse_time("2024-01-15T10:30:00Z").unwrap().to_rfc3339(),
            "2024-01-15T10:30:00+00:00"
        );
        assert_eq!(
            parse_time("2025-08-04 14:30:00").unwrap().to_rfc3339(),
            "2025-08-04T14:30:00+00:00"
        );
        assert!(parse_time("04.08.2025").is_err());
    }

    #[test]
    fn only_international_numbers_are_sent() {
        assert_eq!(
            number_param("+49 151 2345-678").as_deref(),
            Some("+491512345678")
        );
        assert_eq!(number_param("0151 2345678"), None);
    }

    #[test]
    fn user_params_replace_ours() {
        let merged = super::super::merge_params(
            vec![("page".into(), "1".into()), ("a".into(), "b".into())],
            &[("page".into(), "9".into())],
        );
        assert_eq!(
            merged,
            vec![
                ("a".to_string(), "b".to_string()),
                ("page".to_string(), "9".to_string())
            ]
        );
    }
}
