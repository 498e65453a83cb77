//! Brightcall / Convolo (multi-line dialer): `POST` with a JSON body and the key in the URL
//! (`?api-key=`), required `dayFrom` / `dayTo` / `dateInterval`, integer codes for types and
//! states, `page` / `pagesCount`.

mod wire;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use reqwest::Method;
use serde_json::value::RawValue;

use super::{not_found, Conn, Operation, Page, PageRef, Traits, Vendor};
use crate::call::{Call, Direction, Status};
use crate::config::{Profile, Secret, SecretKey};
use crate::http::Reply;
use crate::query::{Applied, Filter, Plan, Query};

pub const TRAITS: Traits = Traits {
    product: "Brightcall / Convolo multi-line dialer",
    operations: &[Operation::Show],
    // NOTE: itemsPerPage defaults to 100 and no maximum is documented; 100 is what we ask.
    max_page_size: 100,
    default_base_url: Some("https://api.ipmaxi.convolo.ai"),
    auth_secret: SecretKey::api_key,
    auth: "api_key (?api-key=)",
    newest_first: true,
    recording_ext: "mp3",
    numeric_ids: false,
    id_example: "1795261527.499",
    apis: &["v1", "v3"],
};

const LIST: &str = "api/v1/stat/calls";

const TYPES: [(Direction, u8, &str); 3] = [
    (Direction::Inbound, 0, "inbound"),
    (Direction::Outbound, 1, "outbound"),
    (Direction::Internal, 2, "internal"),
];

const STATES: [(Status, u8, &[&str]); 3] = [
    (
        Status::Missed,
        0,
        &["unanswered", "missed", "noanswer", "no-answer"],
    ),
    (Status::Answered, 1, &["answered", "completed", "success"]),
    (Status::Failed, 2, &["failed", "error"]),
];

#[derive(Debug)]
pub struct Brightcall {
    pub(super) conn: Conn,
    key: Secret,
}

impl Brightcall {
    pub fn new(conn: Conn, profile: &Profile) -> Result<Self> {
        let key = profile.secret(SecretKey::api_key)?;
        crate::redact::register(&key);
        Ok(Brightcall { conn, key })
    }

    pub fn plan(&self, q: &Query) -> Result<Plan> {
        let mut plan = q.client_plan();
        plan.set(Filter::Window, Applied::Both);
        if q.direction.is_some_and(|d| type_code(d).is_some()) {
            plan.set(Filter::Direction, Applied::Both);
        }
        if state_codes(&q.statuses).is_some() {
            plan.set(Filter::Status, Applied::Both);
        }
        plan.set(Filter::Number, Applied::Both);
        plan.set(Filter::Agent, Applied::Both);
        plan.set(Filter::Campaign, Applied::Both);
        plan.set(Filter::Search, Applied::Vendor);
        Ok(plan)
    }

    fn body(&self, q: &Query, page: u64) -> Result<serde_json::Value> {
        let day = |t: DateTime<Utc>| t.with_timezone(&q.tz).format("%Y-%m-%d").to_string();
        let ids = |v: &[String]| {
            (!v.is_empty()).then(|| {
                v.iter()
                    .map(|s| {
                        s.parse::<i64>()
                            .map_or_else(|_| s.clone().into(), serde_json::Value::from)
                    })
                    .collect()
            })
        };
        let req = wire::Request {
            // Days in the user's zone, sent along as `timezone`; dayTo is the last day.
            day_from: day(q.from),
            day_to: day(q.to - Duration::nanoseconds(1)),
            // NOTE: dateInterval is required and its values undocumented: `day` (assumed).
            date_interval: "day",
            timezone: q.tz.name(),
            page,
            items_per_page: q.page_size,
            sort_by: "timestamp",
            sort_direction: "DESC",
            types: q.direction.and_then(type_code).map(|t| vec![t]),
            states: state_codes(&q.statuses),
            agent_ids: ids(&q.agents),
            project_ids: ids(&q.campaigns),
            unique_ids: None,
            number: q.number.as_deref().map(crate::call::phone_digits),
            search_string: q.search.clone(),
        };
        let mut body = serde_json::to_value(req)?;
        // `--param KEY=VALUE` sets a body field; VALUE is JSON when it parses as JSON.
        for (k, v) in &q.params {
            body[k] = serde_json::from_str(v).unwrap_or_else(|_| v.clone().into());
        }
        Ok(body)
    }

    async fn post(&self, body: &serde_json::Value) -> Result<Reply> {
        // NOTE: the key travels in the URL; the HTTP layer redacts `api-key` wherever a URL is
        // shown.
        let req = self
            .conn
            .http
            .request(Method::POST, self.conn.url(LIST))
            .query(&[("api-key", self.key.expose())])
            .json(body);
        let reply = self.conn.http.send(req).await?;
        self.conn.check(&reply, error_message)?;
        Ok(reply)
    }

    pub async fn page(&self, q: &Query, at: &PageRef) -> Result<Page> {
        let PageRef::Number(n) = at else {
            anyhow::bail!("brightcall pages are numbered");
        };
        let reply = self.post(&self.body(q, *n)?).await?;
        let (calls, pages, total) = parse(&reply, q.tz, q.keep_raw)?;
        let asked = u64::from(q.page_size);
        // NOTE: the answer does not say its page size; pagesCount does, if it disagrees with
        // the size asked for.
        let per_page = super::page_size(None, asked, total, pages);
        let more = pages.map_or(calls.len() as u64 >= asked, |p| *n < p);
        Ok(Page {
            next: (more && !calls.is_empty()).then(|| PageRef::Number(n + 1)),
            calls,
            total_pages: pages,
            total_calls: total,
            per_page,
            items: None,
        })
    }

    /// One call, found through the `uniqueIds` filter (the window is required too).
    pub async fn show(&self, id: &str) -> Result<Call> {
        let now = Utc::now();
        // NOTE: a uniqueId starts with the call's Unix time (`1715679000.4411`); when it does,
        // the window is that day, else the last 400 days.
        let start = id
            .split('.')
            .next()
            .and_then(|s| s.parse::<i64>().ok())
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .filter(|t| *t > now - Duration::days(20 * 365) && *t <= now + Duration::days(1));
        let (from, to) = match start {
            Some(t) => (t - Duration::days(1), t + Duration::days(1)),
            None => (now - Duration::days(400), now + Duration::days(1)),
        };
        let q = Query {
            from,
            to,
            ..Query::everything(Tz::UTC, TRAITS.max_page_size)
        };
        let mut body = self.body(&q, 1)?;
        body["uniqueIds"] = serde_json::json!([id]);
        let reply = self.post(&body).await?;
        let (calls, ..) = parse(&reply, q.tz, true)?;
        calls
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| not_found(Vendor::Brightcall, id))
    }
}

fn error_message(reply: &Reply) -> Option<String> {
    serde_json::from_slice::<wire::ErrorBody>(&reply.body)
        .ok()
        .and_then(|e| e.message.or(e.error))
}

fn type_code(d: Direction) -> Option<u8> {
    TYPES.iter().find(|(dir, ..)| *dir == d).map(|(_, c, _)| *c)
}

fn state_codes(wanted: &[Status]) -> Option<Vec<u8>> {
    let codes: Option<Vec<u8>> = wanted
        .iter()
        .map(|s| STATES.iter().find(|(st, ..)| st == s).map(|(_, c, _)| *c))
        .collect();
    codes.filter(|c| !c.is_empty())
}

fn parse(
    reply: &Reply,
    asked_tz: Tz,
    keep_raw: bool,
) -> Result<(Vec<Call>, Option<u64>, Option<u64>)> {
    let list: wire::ListResponse<Box<RawValue>> = reply.json("brightcall")?;
    if list.success == Some(false) {
        anyhow::bail!(
            "brightcall answered success=false: {}",
            error_message(reply).unwrap_or_default()
        );
    }
    let tz = list
        .timezone
        .as_deref()
        .and_then(|z| z.parse::<Tz>().ok())
        .unwrap_or(asked_tz);
    let calls = list
        .calls
        .iter()
        .map(|raw| {
            let w: wire::WireCall =
                serde_json::from_str(raw.get()).map_err(|e| reply.not_json("brightcall", e))?;
            let mut call = normalize(w, tz)?;
            if keep_raw {
                call.raw = Some(serde_json::from_str(raw.get())?);
            }
            Ok(call)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((
        calls,
        list.pages_count.map(|p| p.max(1) as u64),
        list.total_items.map(|t| t as u64),
    ))
}

/// An ISO timestamp; one without an offset is local to the answer's `timezone`.
fn time(s: &str, tz: Tz) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
        .with_context(|| format!("brightcall sent an unreadable timestamp '{s}'"))?;
    crate::when::from_local(naive, tz)
        .with_context(|| format!("brightcall sent '{s}', which does not exist in {tz}"))
}

fn normalize(w: wire::WireCall, tz: Tz) -> Result<Call> {
    let started_at = time(&w.timestamp, tz)?;
    let kind = w.kind.as_deref().map(str::to_ascii_lowercase);
    let direction = TYPES
        .iter()
        .find(|(_, code, word)| {
            kind.as_deref()
                .is_some_and(|k| k == code.to_string() || k == *word)
        })
        .map_or(Direction::Unknown, |(d, ..)| *d);
    let state = w
        .state
        .as_deref()
        .map(|s| s.to_ascii_lowercase().replace([' ', '_'], ""));
    let status = STATES
        .iter()
        .find(|(_, code, words)| {
            state
                .as_deref()
                .is_some_and(|s| s == code.to_string() || words.contains(&s))
        })
        .map_or(Status::Unknown, |(s, ..)| *s);
    let duration = w.total_time.or(w.call_time);
    let customer = w.client_number.clone().or(match direction {
        Direction::Outbound => w.to_number.clone(),
        _ => w.from_number.clone(),
    });
    let id = w
        .unique_id
        .clone()
        .or(w.id.clone())
        .context("brightcall sent a call without an id")?;
    Ok(Call {
        vendor: Vendor::Brightcall,
        id,
        started_at,
        ended_at: duration.and_then(|d| crate::call::plus_seconds(started_at, d)),
        direction,
        status,
        vendor_status: w.state,
        duration,
        talk_time: w.talk_time,
        customer_number: customer,
        line_number: w.line_number,
        agent: w.user_id.clone(),
        campaign: w.campaign.or(w.project_name).or(w.project_id.clone()),
        // NOTE: Brightcall documents no recording download (recordName and isRecordReady only).
        recording_url: None,
        cost: None,
        agent_id: w.user_id,
        campaign_id: w.project_id,
        raw: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vendors::fixtures::at;

    fn fixture(name: &str) -> Reply {
        crate::vendors::fixtures::reply("brightcall", name)
    }

    #[test]
    fn the_described_fields_normalize_as_numbers_or_words() {
        let (calls, pages, total) = parse(&fixture("list.json"), Tz::UTC, false).unwrap();
        assert_eq!((pages, total), (Some(1), Some(2)));
        let first = Call {
            vendor: Vendor::Brightcall,
            id: "1715679000.4411".into(),
            started_at: at("2024-05-14T09:30:00Z"),
            ended_at: Some(at("2024-05-14T09:33:07Z")),
            direction: Direction::Inbound,
            status: Status::Answered,
            vendor_status: Some("1".into()),
            duration: Some(187),
            talk_time: Some(180),
            customer_number: Some("+14155550123".into()),
            line_number: Some("+14155550100".into()),
            agent: Some("3051".into()),
            campaign: Some("Spring Promo".into()),
            recording_url: None,
            cost: None,
            agent_id: Some("3051".into()),
            campaign_id: Some("42".into()),
            raw: None,
        };
        assert_eq!(calls[0], first);
        let second = &calls[1];
        assert_eq!(
            (second.direction, second.status),
            (Direction::Outbound, Status::Missed)
        );
        assert_eq!(second.vendor_status.as_deref(), Some("unanswered"));
        assert_eq!(second.duration, Some(25), "a numeric string");
        assert_eq!(
            second.customer_number.as_deref(),
            Some("+14155550777"),
            "outbound: the number called"
        );
        assert_eq!(second.agent_id.as_deref(), Some("3052"));
        assert_eq!(second.campaign, None);
    }

    #[test]
    fn codes_both_ways() {
        assert_eq!(type_code(Direction::Internal), Some(2));
        assert_eq!(type_code(Direction::Web), None);
        assert_eq!(
            state_codes(&[Status::Missed, Status::Failed]),
            Some(vec![0, 2])
        );
        assert_eq!(state_codes(&[Status::Voicemail]), None);
    }

    #[test]
    fn zone_less_timestamps_are_read_in_the_answers_zone() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            time("2024-05-14T11:30:00", berlin).unwrap(),
            at("2024-05-14T09:30:00Z")
        );
        assert_eq!(
            time("2024-05-14T09:30:00.000Z", berlin).unwrap(),
            at("2024-05-14T09:30:00Z")
        );
    }
}
