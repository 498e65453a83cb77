//! Callcap (call tracking): Bearer auth, dates as whole days with `search_startdate` strictly
//! before `search_enddate`, and response times that are local to `search_timezone` without an
//! offset, converted here with the zone database (DST included).

mod wire;

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use reqwest::Method;

use super::{not_found, Conn, Operation, Page, PageRef, Traits, Vendor};
use crate::call::{Call, Direction, Status};
use crate::config::{Profile, Secret, SecretKey};
use crate::http::Reply;
use crate::query::{is_numeric_id, vendor_ids, Applied, Filter, Plan, Query, Takes};

pub const TRAITS: Traits = Traits {
    product: "Callcap call tracking",
    operations: &[Operation::Show, Operation::Recording],
    max_page_size: 1000,
    default_base_url: Some("https://api.callcap.com"),
    auth_secret: SecretKey::token,
    auth: "token (Bearer)",
    newest_first: true,
    recording_ext: "mp3",
    numeric_ids: false,
    id_example: "987654_499_11_20_2026_22:01:42_14",
    apis: &["v2"],
    documented_rate: None,
    lists_by_modification: true,
};

const LIST: &str = "v2/get/calls/";

/// The zone Callcap is asked to answer in (`search_timezone`).
const ASKED: Tz = Tz::UTC;

/// `search_action` codes by normalized status.
const ACTIONS: &[(Status, &str)] = &[
    (Status::Answered, "ans"),
    (Status::Missed, "missed"),
    (Status::Failed, "blocked"),
    (Status::InProgress, "inprogress"),
];

#[derive(Debug)]
pub struct Callcap {
    pub(super) conn: Conn,
    token: Secret,
}

impl Callcap {
    pub fn new(conn: Conn, profile: &Profile) -> Result<Self> {
        let token = profile.secret(SecretKey::token)?;
        crate::redact::register(&token);
        Ok(Callcap { conn, token })
    }

    pub fn plan(&self, q: &Query) -> Result<Plan> {
        let mut plan = q.client_plan();
        plan.set(Filter::Window, Applied::Both);
        if q.direction.is_some_and(|d| direction_param(d).is_some()) {
            plan.set(Filter::Direction, Applied::Both);
        }
        if action_param(&q.statuses).is_some() {
            plan.set(Filter::Status, Applied::Both);
        }
        plan.set(Filter::Number, Applied::Both);
        // NOTE: search_csr is "a comma-delimited list of numeric CSR IDs" (the captured page),
        // campaign_id a number: a name as shown is matched on the client, and then every value.
        plan.set_ids(q, is_numeric_id, Takes::Many, Applied::Both);
        plan.set(Filter::Duration, Applied::Both);
        // NOTE: search_term looks at fields Callcap does not list ("subject to change"):
        // only the vendor can apply it.
        plan.set(Filter::Search, Applied::Vendor);
        Ok(plan)
    }

    fn params(&self, q: &Query, page: u64) -> Vec<(String, String)> {
        // NOTE: Callcap is asked in UTC whatever `--tz` is (`search_timezone`, vendor-docs
        // 002_*.txt: "all datetimes returned will be converted to this timezone"). Its times
        // carry no offset: in a zone with daylight saving, the hour that repeats reads two
        // ways and a call across it could end before it starts; UTC has neither.
        // The days are UTC days too. The end day is one past the last: search_enddate must be
        // strictly after search_startdate, and whether it is inclusive is not documented; the
        // client cuts the exact window.
        let first = q.from.date_naive();
        let last = (q.to - Duration::nanoseconds(1)).date_naive();
        let mut params: Vec<(String, String)> = vec![
            ("search_range".into(), "custom".into()),
            (
                "search_startdate".into(),
                first.format("%Y-%m-%d").to_string(),
            ),
            (
                "search_enddate".into(),
                (last + Duration::days(1)).format("%Y-%m-%d").to_string(),
            ),
            ("search_timezone".into(), ASKED.name().into()),
            ("order".into(), "newest".into()),
            ("show".into(), q.page_size.to_string()),
            ("page".into(), page.to_string()),
        ];
        if let Some(d) = q.direction.and_then(direction_param) {
            params.push(("search_direction".into(), d.into()));
        }
        if let Some(a) = action_param(&q.statuses) {
            params.push(("search_action".into(), a));
        }
        if let Some(n) = &q.number {
            params.push((
                "search_caller_id".into(),
                crate::phone::national_digits(n, None),
            ));
        }
        let (agents, campaigns) = (
            vendor_ids(&q.agents, is_numeric_id),
            vendor_ids(&q.campaigns, is_numeric_id),
        );
        if !agents.is_empty() {
            params.push(("search_csr".into(), agents.join(",")));
        }
        if !campaigns.is_empty() {
            params.push(("campaign_id".into(), campaigns.join(",")));
        }
        if let Some(min) = q.min_duration {
            params.push(("search_duration_min".into(), min.to_string()));
        }
        // NOTE: a maximum of 600 s or more means "no maximum" to Callcap; the client still checks.
        if let Some(max) = q.max_duration.filter(|m| *m < 600) {
            params.push(("search_duration_max".into(), max.to_string()));
        }
        if let Some(s) = &q.search {
            params.push(("search_term".into(), s.clone()));
        }
        // NOTE: `yyyy-mm-dd HH:nn` in search_timezone: minutes, so the instant is taken down to
        // its minute (a few calls more, never one fewer). No end: "no restriction".
        if let Some(since) = q.modified_since {
            params.push((
                "search_last_modified_start".into(),
                minute_at_or_before(since, ASKED),
            ));
        }
        super::merge_params(params, &q.params)
    }

    async fn get(&self, path: &str, params: &[(String, String)]) -> Result<Reply> {
        let req = self
            .conn
            .http
            .request(Method::GET, self.conn.url(path))
            .query(params)
            .bearer_auth(self.token.expose());
        self.conn.http.send(req).await
    }

    pub fn auth_headers(&self) -> reqwest::header::HeaderMap {
        super::bearer_headers(&self.token)
    }

    pub async fn page(&self, q: &Query, at: &PageRef) -> Result<Page> {
        let PageRef::Number(n) = at else {
            anyhow::bail!("callcap pages are numbered");
        };
        let reply = self.get(LIST, &self.params(q, *n)).await?;
        self.conn.check(&reply, error_message)?;
        let (calls, pagination) = parse(&reply, ASKED, q.keep_raw)?;
        let count = |f: fn(&wire::Pagination) -> Option<i64>| {
            pagination.as_ref().and_then(f).map(|v| v as u64)
        };
        let last_page = count(|p| p.last_page).map(|l| l.max(1));
        let total = count(|p| p.total_records);
        let per_page =
            super::page_size(count(|p| p.show), u64::from(q.page_size), total, last_page);
        let full = per_page.unwrap_or(u64::from(q.page_size));
        let more = last_page.map_or(calls.len() as u64 >= full, |l| *n < l);
        Ok(Page {
            next: (more && !calls.is_empty()).then(|| PageRef::Number(n + 1)),
            calls,
            total_pages: last_page,
            total_calls: total,
            per_page,
            items: count(|p| p.records_returned),
        })
    }

    pub async fn show(&self, id: &str) -> Result<Call> {
        // NOTE: call ids hold `:` and `_`; the id is one encoded path segment.
        let seg = super::path_segment(id);
        let zone = [("search_timezone".to_string(), ASKED.name().to_string())];
        let reply = self.get(&format!("{LIST}{seg}/"), &zone).await?;
        if reply.status == reqwest::StatusCode::NOT_FOUND {
            return Err(not_found(Vendor::Callcap, id));
        }
        self.conn.check(&reply, error_message)?;
        // The zone the times are in: the answer says, else the one asked for.
        let (calls, _) = parse(&reply, ASKED, true)?;
        calls
            .into_iter()
            .next()
            .ok_or_else(|| not_found(Vendor::Callcap, id))
    }
}

fn error_message(reply: &Reply) -> Option<String> {
    let e: wire::ErrorReply = serde_json::from_slice(&reply.body).ok()?;
    e.message.or(e.status)
}

/// The calls of an answer. A 200 whose `status` is not `success` is an error too.
fn parse(
    reply: &Reply,
    asked_tz: Tz,
    keep_raw: bool,
) -> Result<(Vec<Call>, Option<wire::Pagination>)> {
    // NOTE: without the raw record, one pass over the body reads the typed records; with it,
    // each record is read twice (its raw tree and its fields).
    if !keep_raw {
        let env: wire::Envelope<wire::WireCall> =
            serde_json::from_slice(&reply.body).map_err(|e| reply.not_json("callcap", e))?;
        let tz = answer_zone(&env.status, &env.message, &env.search, asked_tz)?;
        let calls = env
            .call
            .into_iter()
            .map(|w| normalize(w, tz))
            .collect::<Result<_>>()?;
        return Ok((calls, env.pagination));
    }
    let env: wire::RawEnvelope<'_> =
        serde_json::from_slice(&reply.body).map_err(|e| reply.not_json("callcap", e))?;
    let tz = answer_zone(&env.status, &env.message, &env.search, asked_tz)?;
    let records = env.calls().map_err(|e| reply.not_json("callcap", e))?;
    let calls = records
        .iter()
        .map(|raw| {
            let w: wire::WireCall =
                serde_json::from_str(raw.get()).map_err(|e| reply.not_json("callcap", e))?;
            let mut call = normalize(w, tz)?;
            call.raw = Some(crate::call::Raw::new(raw));
            Ok(call)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((calls, env.pagination))
}

/// The zone the answer's times are in (the one asked for, or the login's, as it says), after
/// refusing an answer whose `status` is not `success`.
fn answer_zone(
    status: &Option<String>,
    message: &Option<String>,
    search: &Option<wire::Search>,
    asked_tz: Tz,
) -> Result<Tz> {
    if let Some(status) = status.as_deref().filter(|s| *s != "success") {
        anyhow::bail!(
            "callcap answered status '{status}': {}",
            message.as_deref().unwrap_or("no message")
        );
    }
    match search.as_ref().and_then(|s| s.timezone.as_deref()) {
        Some(name) => {
            crate::when::parse_tz(name).map_err(|e| anyhow::anyhow!("callcap answered in {e}"))
        }
        None => Ok(asked_tz),
    }
}

fn direction_param(d: Direction) -> Option<&'static str> {
    match d {
        Direction::Inbound => Some("inbound"),
        Direction::Outbound => Some("outbound"),
        Direction::Internal => Some("internal"),
        Direction::Web | Direction::Unknown => None,
    }
}

/// `search_action` for the wanted statuses, when each of them has a code.
fn action_param(wanted: &[Status]) -> Option<String> {
    let codes: Option<Vec<&str>> = wanted
        .iter()
        .map(|s| ACTIONS.iter().find(|(st, _)| st == s).map(|(_, c)| *c))
        .collect();
    codes.filter(|c| !c.is_empty()).map(|c| c.join(","))
}

/// A zone-less local time in `tz` (the answer's `search.timezone`) to UTC.
fn local(field: &str, s: &str, tz: Tz) -> Result<DateTime<Utc>> {
    super::time::read(Vendor::Callcap, field, s, tz)
}

/// `yyyy-mm-dd HH:nn` local to `tz`, at or before `t` however the vendor reads it: in the hour
/// that repeats when clocks go back, a local time means two instants, so an hour earlier is sent.
fn minute_at_or_before(t: DateTime<Utc>, tz: Tz) -> String {
    use chrono::TimeZone;
    let mut local = t.with_timezone(&tz).naive_local();
    if let chrono::LocalResult::Ambiguous(..) = tz.from_local_datetime(&local) {
        local -= Duration::hours(1);
    }
    local.format("%Y-%m-%d %H:%M").to_string()
}

fn status(action: Option<&str>) -> Status {
    let a: String = action
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_lowercase();
    match a.as_str() {
        "answer" | "answered" | "ans" => Status::Answered,
        "missed" | "miss" => Status::Missed,
        "blocked" => Status::Failed,
        "inprogress" => Status::InProgress,
        _ => Status::Unknown,
    }
}

fn normalize(w: wire::WireCall, tz: Tz) -> Result<Call> {
    let started_at = local("start_datetime", &w.start_datetime, tz)?;
    let ended_at = w
        .end_datetime
        .as_deref()
        .filter(|e| !e.is_empty())
        .map(|e| local("end_datetime", e, tz))
        .transpose()?;
    // NOTE: only `sync` reads it (to resume from): unreadable is unknown, said at `-v`.
    let modified_at = w
        .last_modified
        .as_deref()
        .filter(|m| !m.is_empty())
        .and_then(|m| match local("last_modified", m, tz) {
            Ok(t) => Some(t),
            Err(e) => {
                crate::term::debug(&format!("{e:#}: last_modified read as unknown"));
                None
            }
        });
    let campaign = w.accounts.and_then(|a| a.campaign);
    let csr = w.callsurance.and_then(|c| c.csr);
    let direction = match campaign.as_ref().and_then(|c| c.direction.as_deref()) {
        Some("inbound") => Direction::Inbound,
        Some("outbound") => Direction::Outbound,
        Some("internal") => Direction::Internal,
        _ => Direction::Unknown,
    };
    let (campaign_id, campaign_name, line) = match campaign {
        Some(c) => (c.id, c.name, c.callcap_number),
        None => (None, None, None),
    };
    let (agent_id, agent) = csr.map_or((None, None), |c| (c.id, c.name));
    Ok(Call {
        vendor: Vendor::Callcap,
        id: w.call_id,
        started_at,
        ended_at,
        direction,
        status: status(w.action.as_deref()),
        vendor_status: w.action,
        duration: w.duration,
        talk_time: None,
        customer_number: w.caller.and_then(|c| c.caller_id),
        line_number: line,
        agent: agent.or_else(|| agent_id.clone()),
        campaign: campaign_name.or_else(|| campaign_id.clone()),
        recording_url: w.recording.filter(|r| !r.is_empty()),
        cost: None,
        agent_id,
        campaign_id,
        modified_at,
        raw: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vendors::fixtures::at;

    fn fixture(name: &str) -> Reply {
        crate::vendors::fixtures::reply("callcap", name)
    }

    #[test]
    fn the_one_pass_and_the_raw_reading_agree_on_every_shape_of_call() {
        let list = fixture("list.json");
        let record = {
            let v: serde_json::Value = serde_json::from_slice(&list.body).unwrap();
            v["call"][0].clone()
        };
        let with_call = |call: serde_json::Value| Reply {
            body: serde_json::to_vec(&serde_json::json!({
                "status": "success", "search": {"timezone": "US/Central"}, "call": call
            }))
            .unwrap()
            .into(),
            ..fixture("list.json")
        };
        for (shape, reply, n) in [
            ("the docs' list", fixture("list.json"), 1),
            ("one object", with_call(record.clone()), 1),
            (
                "two in a list",
                with_call(serde_json::json!([record, record])),
                2,
            ),
            ("null", with_call(serde_json::Value::Null), 0),
            ("an empty list", with_call(serde_json::json!([])), 0),
        ] {
            let (typed, _) = parse(&reply, Tz::UTC, false).unwrap();
            let (raw, _) = parse(&reply, Tz::UTC, true).unwrap();
            assert_eq!(typed.len(), n, "{shape}");
            let unraw: Vec<Call> = raw.into_iter().map(|c| Call { raw: None, ..c }).collect();
            assert_eq!(typed, unraw, "{shape}");
        }
    }

    #[test]
    fn a_call_block_of_another_type_is_an_error_either_way_never_a_panic() {
        for call in [
            serde_json::json!("x"),
            serde_json::json!(5),
            serde_json::json!([5]),
            serde_json::json!([{"call_id": "a"}]),
            serde_json::json!({"call_id": 7, "start_datetime": "2025-01-01 00:00:00"}),
            serde_json::json!([{"call_id": "a", "start_datetime": "yesterday"}]),
        ] {
            let reply = Reply {
                body: serde_json::to_vec(&serde_json::json!({"status": "success", "call": call}))
                    .unwrap()
                    .into(),
                ..fixture("list.json")
            };
            assert!(parse(&reply, Tz::UTC, false).is_err(), "{call}");
            assert!(parse(&reply, Tz::UTC, true).is_err(), "{call}");
        }
    }

    #[test]
    fn the_docs_example_normalizes() {
        let (calls, pagination) = parse(&fixture("list.json"), Tz::UTC, false).unwrap();
        assert_eq!(pagination.unwrap().last_page, Some(1));
        let want = Call {
            vendor: Vendor::Callcap,
            id: "987654_23_11_19_2012_17:07:29_12".into(),
            // US/Central, daylight time in September: UTC-5.
            started_at: at("2020-09-01T14:07:15Z"),
            ended_at: Some(at("2020-09-01T14:47:15Z")),
            direction: Direction::Inbound,
            status: Status::Answered,
            vendor_status: Some("Answer".into()),
            duration: Some(570),
            talk_time: None,
            customer_number: Some("316-555-3333".into()),
            line_number: Some("866-555-4444".into()),
            agent: Some("Administrator".into()),
            campaign: Some("Website number".into()),
            recording_url: Some(
                "https://app.callcap.com/recording/987654_23_11_19_2012_10_01_29_12.mp3".into(),
            ),
            cost: None,
            agent_id: Some("0".into()),
            campaign_id: Some("111111".into()),
            // last_modified, 2021-11-01 19:10:46 local: still daylight time.
            modified_at: Some(at("2021-11-02T00:10:46Z")),
            raw: None,
        };
        assert_eq!(calls, vec![want]);
    }

    #[test]
    fn optional_blocks_may_be_missing_and_dst_is_honoured() {
        let (calls, _) = parse(&fixture("minimal.json"), Tz::UTC, true).unwrap();
        let c = &calls[0];
        // 01:59:30 EST, then clocks jump to 03:00 EDT: 40 seconds later, not an hour.
        assert_eq!(c.started_at, at("2024-03-10T06:59:30Z"));
        assert_eq!(c.ended_at, Some(at("2024-03-10T07:00:10Z")));
        assert_eq!(c.status, Status::Missed);
        assert_eq!(
            (
                c.direction,
                c.agent.as_deref(),
                c.customer_number.as_deref()
            ),
            (Direction::Unknown, None, None)
        );
        assert!(c.raw.is_some());
    }

    #[test]
    fn a_200_with_an_error_status_is_an_error() {
        let reply = Reply { body: br#"{"status":"error","message":"search_startdate must be less than search_enddate"}"#.to_vec().into(), ..fixture("list.json") };
        let err = parse(&reply, Tz::UTC, false).unwrap_err();
        assert!(
            err.to_string().contains("search_startdate must be less"),
            "{err}"
        );
    }

    #[test]
    fn the_repeated_hour_takes_the_first_instant() {
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(
            local("start_datetime", "2024-11-03 01:30:00", ny).unwrap(),
            at("2024-11-03T05:30:00Z")
        );
    }

    #[test]
    fn actions() {
        assert_eq!(status(Some("Answer")), Status::Answered);
        assert_eq!(status(Some("In Progress")), Status::InProgress);
        assert_eq!(status(Some("Blocked")), Status::Failed);
        assert_eq!(status(Some("???")), Status::Unknown);
        assert_eq!(
            action_param(&[Status::Answered, Status::Missed]).as_deref(),
            Some("ans,missed")
        );
        assert_eq!(action_param(&[Status::Voicemail]), None);
    }
}
