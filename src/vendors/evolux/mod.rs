//! Evolux (contact-center dialer): a host per customer, a `token` header, pages numbered as its
//! own `current_url` / `last_url` number them (fetched ahead), and defaults that hide calls
//! (today only, answered only) unless overridden.

mod wire;

use anyhow::{Context, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Conn, Operation, Page, PageRef, Traits, Vendor};
use crate::call::{Call, Direction, Status};
use crate::config::{Profile, Secret, SecretKey};
use crate::http::Reply;
use crate::query::{is_numeric_id, vendor_ids, Applied, Filter, Plan, Query, Takes};

pub const TRAITS: Traits = Traits {
    product: "Evolux contact-center dialer",
    operations: &[Operation::Recording],
    max_page_size: 50,
    default_base_url: None,
    auth_secret: SecretKey::token,
    auth: "token (token header)",
    // NOTE: the doc's example lists newest first, but no order is documented: page to the end.
    newest_first: false,
    recording_ext: "wav",
    numeric_ids: false,
    id_example: "48000499",
    apis: &["v1"],
    documented_rate: None,
    lists_by_modification: false,
};

const LIST: &str = "api/v1/dialer/calls_history";

#[derive(Debug)]
pub struct Evolux {
    pub(super) conn: Conn,
    token: Secret,
    /// The vendor's number for its first page, read from its first answer (`current_url` of a
    /// request without `page`): the pager's page k is the vendor's `first + k - 1`.
    first: std::sync::OnceLock<u64>,
    /// The zone of times without an offset (`vendor_timezone`, default UTC).
    zone: chrono_tz::Tz,
}

impl Evolux {
    pub fn new(conn: Conn, profile: &Profile) -> Result<Self> {
        let token = profile.secret(SecretKey::token)?;
        crate::redact::register(&token);
        Ok(Evolux {
            conn,
            token,
            first: std::sync::OnceLock::new(),
            zone: profile.vendor_zone(),
        })
    }

    pub fn plan(&self, q: &Query) -> Result<Plan> {
        let mut plan = q.client_plan();
        plan.set(Filter::Window, Applied::Both);
        if contact_status(&q.statuses) != "both" {
            plan.set(Filter::Status, Applied::Both);
        }
        plan.set(Filter::Number, Applied::Both);
        // NOTE: agent_id / campaign_id take numeric ids (the captured page's examples): a name
        // as shown is matched on the client, and then every value is.
        plan.set_ids(q, is_numeric_id, Takes::Many, Applied::Both);
        Ok(plan)
    }

    /// The list's parameters; `page` is the vendor's own page number, none for its first page.
    fn params(&self, q: &Query, page: Option<u64>) -> Vec<(String, String)> {
        // NOTE: the vendor defaults to today and to answered calls only: always send the window
        // and contact_status. Datetimes are accepted, so the window is exact.
        let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, false);
        let mut params: Vec<(String, String)> = vec![
            ("start_date".into(), stamp(q.from)),
            ("end_date".into(), stamp(q.to)),
            ("contact_status".into(), contact_status(&q.statuses).into()),
            ("limit".into(), q.page_size.to_string()),
        ];
        // NOTE: whether pages count from 0 or 1 differs between installations (public client
        // code): the first page is asked for without a number.
        if let Some(page) = page {
            params.push(("page".into(), page.to_string()));
        }
        if let Some(n) = &q.number {
            params.push(("number".into(), crate::phone::national_digits(n, None)));
        }
        params.extend(
            vendor_ids(&q.agents, is_numeric_id)
                .iter()
                .map(|a| ("agent_id".to_string(), a.clone())),
        );
        params.extend(
            vendor_ids(&q.campaigns, is_numeric_id)
                .iter()
                .map(|c| ("campaign_id".to_string(), c.clone())),
        );
        super::merge_params(params, &q.params)
    }

    pub fn auth_headers(&self) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        if let Ok(v) = reqwest::header::HeaderValue::from_str(self.token.expose()) {
            h.insert("token", v);
        }
        h
    }

    pub async fn page(&self, q: &Query, at: &PageRef) -> Result<Page> {
        let list = |page: Option<u64>| {
            self.conn
                .http
                .request(Method::GET, self.conn.url(LIST))
                .query(&self.params(q, page))
        };
        let (req, ordinal) = match at {
            PageRef::Number(1) => (list(None), Some(1)),
            PageRef::Number(k) => {
                let Some(first) = self.first.get() else {
                    anyhow::bail!("evolux page {k} was asked for before the first page told how the vendor numbers its pages");
                };
                (list(Some(first + k - 1)), Some(*k))
            }
            PageRef::Url(next) => {
                let url = self.conn.same_origin(next)?;
                (self.conn.http.request(Method::GET, url), None)
            }
        };
        let reply = self
            .conn
            .http
            .send(req.header("token", self.token.expose()))
            .await?;
        self.conn.check(&reply, error_message)?;
        // NOTE: the vendor's own published examples are not JSON (`"uuid": ,`, a doubled
        // comma, a cut-off body: vendor-docs/README.md): such an answer is the vendor's error,
        // said with the page it came on, and the run fails (exit 1) before anything is kept.
        let which = || match ordinal {
            Some(k) => format!("reading evolux's page {k}"),
            None => "reading evolux's next page".to_string(),
        };
        let list: wire::ListResponse = reply.json("evolux").with_context(which)?;
        let calls = list
            .data
            .into_iter()
            .map(|raw| normalize(raw, q.keep_raw, &reply, self.zone))
            .collect::<Result<Vec<_>>>()
            .with_context(which)?;
        let p = list.pagination;
        let number = |url: &Option<String>| url.as_deref().and_then(|u| self.page_number(u));
        let current = number(&p.current_url);
        let next_number = number(&p.next_url);
        if ordinal == Some(1) {
            // The page asked for without a number is the vendor's first, whatever it calls it.
            let first = current
                .or(number(&p.first_url))
                .or(next_number.and_then(|n| n.checked_sub(1)));
            if let Some(first) = first {
                let _ = self.first.set(first);
            }
        }
        let first = self.first.get().copied();
        let ordinal = ordinal.or_else(|| Some(current?.checked_sub(first?)? + 1));
        let total_pages = number(&p.last_url)
            .zip(first)
            .and_then(|(last, first)| last.checked_sub(first))
            .map(|l| l + 1);
        let next = p
            .next_url
            .filter(|u| !u.is_empty() && !calls.is_empty())
            .map(|u| {
                // By number when the vendor's next page is the one after this (so that pages can
                // be fetched ahead), else the vendor's link as it is.
                match (ordinal, current, next_number) {
                    (Some(k), Some(c), Some(n)) if n == c + 1 => PageRef::Number(k + 1),
                    _ => PageRef::Url(u),
                }
            });
        let total = p.total.map(|t| t as u64);
        Ok(Page {
            next,
            calls,
            total_pages,
            total_calls: total,
            per_page: super::page_size(
                p.limit.map(|l| l as u64),
                u64::from(q.page_size),
                total,
                total_pages,
            ),
            items: p.items.map(|i| i as u64),
        })
    }

    /// The `page` of one of the vendor's page links.
    fn page_number(&self, link: &str) -> Option<u64> {
        let url = self.conn.base.join(link).ok()?;
        let page = url.query_pairs().filter(|(k, _)| k == "page").last()?.1;
        page.parse().ok()
    }
}

/// `success` (answered only), `error` (unanswered only) or `both`.
fn contact_status(wanted: &[Status]) -> &'static str {
    if !wanted.is_empty() && wanted.iter().all(|s| *s == Status::Answered) {
        "success"
    } else if !wanted.is_empty() && wanted.iter().all(|s| *s == Status::Missed) {
        "error"
    } else {
        "both"
    }
}

fn error_message(reply: &Reply) -> Option<String> {
    serde_json::from_slice::<wire::ErrorBody>(&reply.body)
        .ok()
        .and_then(|e| e.meta.message)
}

fn normalize(
    raw: impl AsRef<RawValue>,
    keep_raw: bool,
    reply: &Reply,
    zone: chrono_tz::Tz,
) -> Result<Call> {
    let raw = raw.as_ref();
    let not_json = |e| reply.not_json("evolux", e);
    let value: serde_json::Value = serde_json::from_str(raw.get()).map_err(not_json)?;
    let w = wire::WireCall::deserialize(&value).map_err(not_json)?;
    let wire::Id { id } = serde_json::from_str(raw.get()).map_err(not_json)?;
    // NOTE: `+00:00` and `+00` both appear in the vendor's examples (vendor-docs/README.md).
    let time = |field: &str, s: &str| super::time::read(Vendor::Evolux, field, s, zone);
    let started_at = time("start_time", &w.start_time)?;
    let ended_at = w
        .end_time
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| time("end_time", e))
        .transpose()?;
    let answered = w.answer_time.as_deref().is_some_and(|a| !a.is_empty());
    let (agent_id, agent) = named(w.agent);
    let (campaign_id, campaign) = named(w.campaign);
    Ok(Call {
        vendor: Vendor::Evolux,
        id,
        started_at,
        ended_at,
        // NOTE: an end before the start (the vendor's 2020 example) is no length, not a
        // negative one: `duration` below is null then.
        // NOTE: the dialer's history holds the calls it placed for campaigns (assumed outbound).
        direction: Direction::Outbound,
        // NOTE: contact_status success = answered; anything without an answer_time is missed.
        status: if answered {
            Status::Answered
        } else {
            Status::Missed
        },
        vendor_status: w.hangup_cause,
        duration: ended_at
            .map(|e| (e - started_at).num_seconds())
            .filter(|d| (0..=crate::vendors::lenient::MAX_CALL_SECONDS).contains(d)),
        talk_time: w.talking_duration,
        customer_number: w
            .subscriber
            .and_then(|s| s.number)
            .filter(|n| !n.trim().is_empty()),
        line_number: None,
        agent: agent.or_else(|| agent_id.clone()),
        campaign: campaign.or_else(|| campaign_id.clone()),
        recording_url: w.download_audio.filter(|u| !u.is_empty()),
        cost: None,
        agent_id,
        campaign_id,
        modified_at: None,
        raw: keep_raw.then(|| crate::call::Raw::new(raw)),
    })
}

fn named(n: Option<wire::Named>) -> (Option<String>, Option<String>) {
    n.map_or((None, None), |n| (n.id, n.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vendors::fixtures::at;

    fn fixture(name: &str) -> Reply {
        crate::vendors::fixtures::reply("evolux", name)
    }

    #[test]
    fn the_docs_example_normalizes_despite_its_repeated_key() {
        let reply = fixture("list.json");
        let list: wire::ListResponse = reply.json("evolux").unwrap();
        assert_eq!(list.pagination.total, Some(2));
        assert_eq!(list.pagination.next_url, None);
        let calls: Vec<Call> = list
            .data
            .into_iter()
            .map(|r| normalize(r, false, &reply, chrono_tz::Tz::UTC).unwrap())
            .collect();
        let first = Call {
            vendor: Vendor::Evolux,
            id: "48582566".into(),
            started_at: at("2021-10-28T19:41:33Z"),
            ended_at: Some(at("2021-10-28T19:42:30Z")),
            direction: Direction::Outbound,
            status: Status::Answered,
            // The record says hangup_cause twice; JSON readers keep the last.
            vendor_status: Some("Normal clearing".into()),
            duration: Some(57),
            talk_time: Some(30),
            customer_number: Some("8488888888".into()),
            line_number: None,
            agent: Some("Atendente Evolux".into()),
            campaign: Some("Campanha de Teste Evolux".into()),
            recording_url: Some(
                "https://maissaude.edev-multi/api/v1/dialer/call/48582566/recording".into(),
            ),
            cost: None,
            agent_id: Some("149".into()),
            campaign_id: Some("376".into()),
            modified_at: None,
            raw: None,
        };
        assert_eq!(calls[0], first);
        assert_eq!(calls[1].id, "48582498");
        assert_eq!(calls[1].duration, Some(35));
        assert_eq!(calls[1].talk_time, Some(13));
        assert_eq!(calls[1].customer_number.as_deref(), Some("84999999999"));
    }

    /// The 2020 revision of the vendor's example (repaired into JSON, see the fixtures'
    /// README): `+00` offsets, an end before the start, an empty number, int durations.
    #[test]
    fn the_2020_example_reads_its_offsets_without_minutes() {
        let reply = fixture("history-2020.json");
        let list: wire::ListResponse = reply.json("evolux").unwrap();
        let calls: Vec<Call> = list
            .data
            .into_iter()
            .map(|r| normalize(r, true, &reply, chrono_tz::Tz::UTC).unwrap())
            .collect();
        let want = Call {
            vendor: Vendor::Evolux,
            id: "1".into(),
            started_at: at("2020-01-11T23:00:00Z"),
            // As the vendor wrote it: 23 hours before the start.
            ended_at: Some(at("2020-01-11T00:01:00Z")),
            direction: Direction::Outbound,
            status: Status::Answered,
            vendor_status: Some("hangup cause".into()),
            // An end before the start is no length: never a negative duration.
            duration: None,
            talk_time: Some(400),
            // `"number": ""` is no number.
            customer_number: None,
            line_number: None,
            agent: Some("Agent name".into()),
            campaign: Some("Capaign 1".into()),
            recording_url: None,
            cost: None,
            agent_id: Some("1".into()),
            campaign_id: Some("1".into()),
            modified_at: None,
            raw: None,
        };
        assert_eq!(calls.len(), 1);
        let raw = calls[0].raw.as_ref().unwrap().value();
        assert_eq!(raw["billable_duration"], 400);
        assert_eq!(raw["outcome"], "Não Interessado");
        assert_eq!(
            Call {
                raw: None,
                ..calls[0].clone()
            },
            want
        );
        // The 2021 example's `billable_duration` is a float, kept as sent.
        let reply = fixture("list.json");
        let list: wire::ListResponse = reply.json("evolux").unwrap();
        let first = normalize(&list.data[0], true, &reply, chrono_tz::Tz::UTC).unwrap();
        assert_eq!(first.raw.unwrap().value()["billable_duration"], 41.0);
    }

    /// The published examples that are not JSON are errors that name the vendor, never a
    /// page read as empty.
    #[test]
    fn the_examples_that_are_not_json_are_errors() {
        for name in [
            "history-2020-as-published.txt",
            "history-2021-excerpt-as-published.txt",
            "studio-as-published.txt",
        ] {
            let reply = fixture(name);
            let e = reply.json::<wire::ListResponse>("evolux").unwrap_err();
            assert!(
                format!("{e:#}").contains("evolux sent a response calls cannot read"),
                "{name}: {e:#}"
            );
        }
    }

    #[test]
    fn contact_status_follows_the_wanted_statuses() {
        assert_eq!(contact_status(&[]), "both");
        assert_eq!(contact_status(&[Status::Answered]), "success");
        assert_eq!(contact_status(&[Status::Missed]), "error");
        assert_eq!(contact_status(&[Status::Missed, Status::Answered]), "both");
        assert_eq!(contact_status(&[Status::Busy]), "both");
    }
}
