//! Famulor Platform 2.0 (`api = "v1"`, or a base URL on `app.famulor.io`): UUID ids, `limit` /
//! `offset` pages with the total known, exact date-time windows split while the vendor says its
//! result cap is reached, signed recording links, and a removal that hides rather than erases.

mod wire;

use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use chrono_tz::Tz;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use reqwest::Method;
use serde_json::value::RawValue;

use crate::call::{Call, Direction, Status};
use crate::config::{Profile, Secret, SecretKey};
use crate::error::{Exit, Failure};
use crate::http::Reply;
use crate::query::{is_uuid, vendor_ids, Applied, Filter, Plan, Query, Takes};
use crate::vendors::{not_found, Conn, Operation, Page, PageRef, Planned, Traits, Vendor};

/// The host whose base URL means Platform 2.0 when a profile sets no `api`.
pub const HOST: &str = "app.famulor.io";

pub const TRAITS: Traits = Traits {
    product: "Famulor Platform 2.0",
    operations: &[Operation::Show, Operation::Recording, Operation::Delete],
    max_page_size: 200,
    default_base_url: Some("https://app.famulor.io"),
    auth_secret: SecretKey::token,
    auth: "token (Bearer fam_...)",
    newest_first: true,
    recording_ext: "mp3",
    // NOTE: Platform 2.0 ids are UUIDs; the ids of the classic API are numbers.
    numeric_ids: false,
    id_example: "3f2c9a1e-7b4d-4e2a-9c1f-5d6e7f8a9b0c",
    apis: super::TRAITS.apis,
    // NOTE: Platform 2.0's limits are not documented: its headers, if any, pace the run.
    documented_rate: None,
    lists_by_modification: true,
};

const LIST: &str = "api/v1/calls";
const ACTIONS: &str = "api/v1/history/actions";

/// What `calls delete` does here, said in its confirmation and its dry run.
pub const DELETE_NOTE: &str =
    "Famulor Platform 2.0 hides removed calls from the history; it does not erase them";

/// How long a fresh recording link is asked to live (the vendor's links last an hour).
const LINK_SECONDS: u32 = 3600;

/// A capped window shorter than this is not split again: the vendor holds more calls in it
/// than it pages through, and no narrower date-time can be asked for.
const MIN_SPLIT: TimeDelta = TimeDelta::seconds(1);

/// Windows probed at once while a capped window is split.
const PROBES: usize = 4;

/// Vendor statuses and what they mean; Platform 2.0 has no word for voicemail or canceled.
const STATUSES: &[(&str, Status)] = &[
    ("queued", Status::InProgress),
    ("ringing", Status::InProgress),
    ("in_progress", Status::InProgress),
    ("completed", Status::Answered),
    ("failed", Status::Failed),
    ("no_answer", Status::Missed),
    ("busy", Status::Busy),
];

/// Whether a profile uses Platform 2.0: its `api` says so, or (no `api`) its base URL is on
/// [`HOST`].
pub fn selected(api: Option<&str>, base_url: Option<&str>) -> bool {
    match api {
        Some(api) => api == "v1",
        None => base_url
            .and_then(|u| url::Url::parse(u).ok())
            .is_some_and(|u| u.host_str().is_some_and(|h| h.eq_ignore_ascii_case(HOST))),
    }
}

#[derive(Debug)]
pub struct FamulorV1 {
    pub(crate) conn: Conn,
    token: Secret,
    /// The zone of times without an offset (`vendor_timezone`, default UTC).
    zone: Tz,
    /// How the last query's window is cut into windows the vendor pages through whole.
    layout: tokio::sync::Mutex<Option<Arc<Layout>>>,
}

/// A query's window as the vendor pages through it: one window, or (when the vendor's result
/// cap was reached) the halves of halves that are not capped, newest first.
#[derive(Debug)]
struct Layout {
    /// The query it was made for.
    query: Query,
    limit: u64,
    slices: Vec<Slice>,
    /// The first page of an unsplit window: the request that found the layout fetched it.
    first: std::sync::Mutex<Option<Listed>>,
}

#[derive(Debug, Clone)]
struct Slice {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    /// `None` when the vendor did not say (or said something absurd).
    total: Option<u64>,
}

/// One answer of the list endpoint.
#[derive(Debug)]
struct Listed {
    calls: Vec<Call>,
    total: Option<u64>,
    capped: bool,
}

impl Layout {
    /// Pages of each slice, when every total is known.
    fn pages(&self) -> Option<Vec<u64>> {
        self.slices
            .iter()
            .map(|s| s.total.map(|t| t.div_ceil(self.limit)))
            .collect()
    }

    /// Page `n` (from 1) as (slice, offset), when every total is known; `None` past the end.
    fn locate(&self, n: u64) -> Option<(usize, u64)> {
        let mut first = 1;
        for (i, pages) in self.pages()?.into_iter().enumerate() {
            if n < first + pages {
                return Some((i, (n - first) * self.limit));
            }
            first += pages;
        }
        None
    }

    fn total_calls(&self) -> Option<u64> {
        self.slices.iter().map(|s| s.total).sum()
    }
}

/// NOTE: pages whose totals are unknown cannot be numbered ahead; they are read one after the
/// other, each naming the next by this cursor (never sent anywhere).
fn cursor(slice: usize, offset: u64) -> PageRef {
    PageRef::Url(format!("famulor-v1:{slice}:{offset}"))
}

/// The next page by modification time: its offset, and the last modification time read so far
/// (the order is checked across pages).
fn modified_cursor(offset: u64, before: Option<DateTime<Utc>>) -> PageRef {
    let micros = before.map_or(String::new(), |t| t.timestamp_micros().to_string());
    PageRef::Url(format!("famulor-v1-modified:{offset}:{micros}"))
}

fn parse_modified_cursor(s: &str) -> Option<(u64, Option<DateTime<Utc>>)> {
    let (offset, micros) = s.strip_prefix("famulor-v1-modified:")?.split_once(':')?;
    let before = match micros {
        "" => None,
        m => Some(DateTime::from_timestamp_micros(m.parse().ok()?)?),
    };
    Some((offset.parse().ok()?, before))
}

fn parse_cursor(s: &str) -> Option<(usize, u64)> {
    let mut parts = s.strip_prefix("famulor-v1:")?.split(':');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

impl FamulorV1 {
    pub fn new(conn: Conn, profile: &Profile) -> Result<Self> {
        let token = profile.secret(SecretKey::token)?;
        crate::redact::register(&token);
        Ok(FamulorV1 {
            conn,
            token,
            zone: profile.vendor_zone(),
            layout: tokio::sync::Mutex::new(None),
        })
    }

    pub fn plan(&self, q: &Query) -> Result<Plan> {
        let mut plan = q.client_plan();
        // NOTE: `from` / `to` are exact date-times; the client checks again only because the
        // vendor does not say whether `to` is inclusive, and split windows meet there.
        plan.set(Filter::Window, Applied::Both);
        if q.direction
            .is_some_and(|d| super::direction_param(d).is_some())
        {
            plan.set(Filter::Direction, Applied::Both);
        }
        if status_param(&q.statuses).is_some() {
            plan.set(Filter::Status, Applied::Both);
        }
        // One assistant / campaign id (a UUID): the vendor's filter, checked again on the ids every
        // record carries (a vendor that ignores it never widens a delete); more, or a value that
        // is no UUID: the client alone.
        plan.set_ids(q, is_uuid, Takes::One, Applied::Both);
        // NOTE: `q` searches the transcript and the summary, which the list does not carry:
        // only the vendor can check it.
        plan.set(Filter::Search, Applied::Vendor);
        Ok(plan)
    }

    fn params(
        &self,
        q: &Query,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u64,
        offset: u64,
    ) -> Vec<(String, String)> {
        let mut params: Vec<(String, String)> = vec![
            ("limit".into(), limit.to_string()),
            ("offset".into(), offset.to_string()),
            ("from".into(), stamp(floor_micros(from))),
            ("to".into(), stamp(ceil_micros(to))),
        ];
        if let Some(d) = q.direction.and_then(super::direction_param) {
            params.push(("direction".into(), d.into()));
        }
        if let Some(s) = status_param(&q.statuses) {
            params.push(("status".into(), s.into()));
        }
        if let [a] = vendor_ids(&q.agents, is_uuid) {
            params.push(("assistant_id".into(), a.clone()));
        }
        if let [c] = vendor_ids(&q.campaigns, is_uuid) {
            params.push(("campaign_id".into(), c.clone()));
        }
        if let Some(text) = &q.search {
            params.push(("q".into(), text.clone()));
        }
        if q.modified_since.is_some() {
            params.push(("sort".into(), "updated_at".into()));
        }
        crate::vendors::merge_params(params, &q.params)
    }

    /// The page size in use: ours, unless a `--param limit=` replaced it.
    fn limit(q: &Query) -> u64 {
        q.params
            .iter()
            .rev()
            .find(|(k, _)| k == "limit")
            .and_then(|(_, v)| v.parse::<u64>().ok())
            .unwrap_or(u64::from(q.page_size))
            .max(1)
    }

    async fn get(&self, path: &str, params: &[(String, String)]) -> Result<Reply> {
        let req = self
            .conn
            .http
            .request(Method::GET, self.conn.url(path))
            .query(params)
            .bearer_auth(self.token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        self.conn.http.send(req).await
    }

    async fn list(
        &self,
        q: &Query,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u64,
        offset: u64,
    ) -> Result<Listed> {
        let reply = self
            .get(LIST, &self.params(q, from, to, limit, offset))
            .await?;
        self.conn.check(&reply, error_message)?;
        parse_list(&reply, q.keep_raw, self.zone)
    }

    /// The layout of `q`'s window, found once per query.
    async fn layout(&self, q: &Query) -> Result<Arc<Layout>> {
        let mut cached = self.layout.lock().await;
        if let Some(layout) = cached.as_ref().filter(|l| l.query == *q) {
            return Ok(layout.clone());
        }
        let layout = Arc::new(self.find_layout(q).await?);
        *cached = Some(layout.clone());
        Ok(layout)
    }

    /// NOTE: the vendor pages through a window only up to its result cap and says so with
    /// `meta.result_cap_reached`. A capped window is cut in halves, and each capped half again,
    /// until no part is capped; the parts are read newest first, each whole, so the output stays
    /// newest first and holds every call once. Parts are probed with `limit=1`: only their
    /// totals are needed.
    async fn find_layout(&self, q: &Query) -> Result<Layout> {
        let limit = Self::limit(q);
        let whole = self.list(q, q.from, q.to, limit, 0).await?;
        let layout = |slices, first| Layout {
            query: q.clone(),
            limit,
            slices,
            first: std::sync::Mutex::new(first),
        };
        if !whole.capped {
            let slice = Slice {
                from: q.from,
                to: q.to,
                total: whole.total,
            };
            return Ok(layout(vec![slice], Some(whole)));
        }
        // Each part with whether it is still capped.
        let part = |from, to| {
            let slice = Slice {
                from,
                to,
                total: None,
            };
            (slice, true)
        };
        let mut parts: Vec<(Slice, bool)> = vec![part(q.from, q.to)];
        while parts.iter().any(|(_, capped)| *capped) {
            let mut next = Vec::with_capacity(parts.len() * 2);
            let mut halves = Vec::new();
            for (slice, capped) in parts {
                if !capped {
                    next.push((slice, false));
                    continue;
                }
                let (from, to) = (slice.from, slice.to);
                if to - from < MIN_SPLIT {
                    return Err(self::capped(from, to));
                }
                let half = (to - from).num_microseconds().unwrap_or(i64::MAX) / 2;
                let mid = from + TimeDelta::microseconds(half);
                halves.push((next.len(), mid, to));
                next.push(part(mid, to));
                halves.push((next.len(), from, mid));
                next.push(part(from, mid));
            }
            let probed: Vec<(usize, Listed)> =
                stream::iter(halves)
                    .map(|(i, from, to)| async move {
                        self.list(q, from, to, 1, 0).await.map(|l| (i, l))
                    })
                    .buffered(PROBES)
                    .try_collect()
                    .await?;
            crate::term::debug(&format!(
                "famulor: result cap reached; probed {} windows",
                probed.len()
            ));
            for (i, listed) in probed {
                next[i].1 = listed.capped;
                next[i].0.total = listed.total;
            }
            parts = next;
        }
        let slices: Vec<Slice> = parts.into_iter().map(|(slice, _)| slice).collect();
        crate::term::debug(&format!(
            "famulor: the window is read as {} windows under the result cap",
            slices.len()
        ));
        Ok(layout(slices, None))
    }

    pub async fn page(&self, q: &Query, at: &PageRef) -> Result<Page> {
        if let Some(since) = q.modified_since {
            return self.modified_page(q, since, at).await;
        }
        let layout = self.layout(q).await?;
        let (slice, offset) = match at {
            PageRef::Number(n) => match layout.locate(*n) {
                Some(at) => at,
                // The first page of an empty window, or of totals not known.
                None if *n == 1 => (0, 0),
                None => anyhow::bail!("famulor has no page {n} for this window"),
            },
            PageRef::Url(c) => parse_cursor(c).context("not a famulor page cursor")?,
        };
        let Some(s) = layout.slices.get(slice) else {
            anyhow::bail!("famulor has no window {slice} for this query");
        };
        let cached = if (slice, offset) == (0, 0) {
            layout
                .first
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
        } else {
            None
        };
        let listed = match cached {
            Some(listed) => listed,
            None => self.list(q, s.from, s.to, layout.limit, offset).await?,
        };
        if listed.capped {
            return Err(Failure::new(
                Exit::Failed,
                "famulor reached its result cap in a window that was under it a moment ago",
            )
            .hint("calls arrived or changed while the window was read: run the command again")
            .into());
        }
        let numbered = layout.pages().map(|p| p.iter().sum::<u64>().max(1));
        let next = match (numbered, at) {
            (Some(last), PageRef::Number(n)) => (*n < last).then(|| PageRef::Number(n + 1)),
            _ if listed.calls.len() as u64 >= layout.limit => {
                Some(cursor(slice, offset + layout.limit))
            }
            _ => (slice + 1 < layout.slices.len()).then(|| cursor(slice + 1, 0)),
        };
        // The pager reads a page again when its total falls below the one before: a slice
        // that shrank says so through the run's total.
        let total_calls = layout
            .total_calls()
            .map(|t| (t + listed.total.unwrap_or(0)).saturating_sub(s.total.unwrap_or(0)));
        // NOTE: the completeness check (pager.rs) expects what each page should hold. Over a
        // split window pages are not of one size (each part ends with a short one), so the
        // page says its own count and no run-wide total or size.
        let sliced = layout.slices.len() > 1;
        let items = s.total.map(|t| t.saturating_sub(offset).min(layout.limit));
        Ok(Page {
            calls: listed.calls,
            next,
            total_pages: numbered,
            total_calls: if sliced { None } else { total_calls },
            per_page: (!sliced).then_some(layout.limit),
            items,
        })
    }

    /// A page of the calls modified since `since`: `sort=updated_at` lists the last modified
    /// first, so the pages are read one after the other until one reaches back past `since`.
    /// NOTE: the window is not split (its order would be lost): the few calls modified since
    /// a recent run are far under the result cap; reaching it before `since` is an error.
    async fn modified_page(&self, q: &Query, since: DateTime<Utc>, at: &PageRef) -> Result<Page> {
        let (offset, mut before) = match at {
            PageRef::Number(1) => (0, None),
            PageRef::Url(c) => parse_modified_cursor(c).context("not a famulor page cursor")?,
            PageRef::Number(n) => anyhow::bail!("famulor has no page {n} by modification time"),
        };
        let limit = Self::limit(q);
        let listed = self.list(q, q.from, q.to, limit, offset).await?;
        // NOTE: reading stops at the first call modified before `since`, which is only right
        // when the list really is in `updated_at` order: an API that ignored `sort` would have
        // the rest of the changes on pages never read.
        for m in listed.calls.iter().filter_map(|c| c.modified_at) {
            if before.is_some_and(|b| m > b) {
                return Err(Failure::new(
                    Exit::Failed,
                    "famulor did not list the calls by updated_at (sort=updated_at), so the calls modified since the last run cannot be found that way",
                )
                .hint("run `calls sync --full` to read the whole window; report it if it keeps happening")
                .into());
            }
            before = Some(m);
        }
        // Unknown counts as modified: reading on is never wrong.
        let past = before.is_some_and(|m| m < since);
        let full = listed.calls.len() as u64 >= limit;
        if listed.capped && !past && !full {
            return Err(Failure::new(
                Exit::Failed,
                format!(
                    "famulor reached its result cap listing the calls modified since {}: more changed than it pages through",
                    stamp(since)
                ),
            )
            .hint("run `calls sync --full` once: it reads the whole window again")
            .into());
        }
        // NOTE: no totals: they count the whole window, not what was modified since.
        Ok(Page {
            next: (full && !past).then(|| modified_cursor(offset + limit, before)),
            calls: listed.calls,
            ..Page::default()
        })
    }

    /// One list request of one call (`config check --online`), never a split.
    pub async fn ping(&self, q: &Query) -> Result<()> {
        self.list(q, q.from, q.to, 1, 0).await.map(|_| ())
    }

    pub async fn show(&self, id: &str) -> Result<Call> {
        let reply = self
            .get(&format!("{LIST}/{}", crate::vendors::path_segment(id)), &[])
            .await?;
        if reply.status == reqwest::StatusCode::NOT_FOUND {
            return Err(not_found(Vendor::Famulor, id));
        }
        self.conn.check(&reply, error_message)?;
        let body: wire::ShowResponse<Box<RawValue>> = reply.json("famulor")?;
        with_raw(&body.data, &reply, self.zone)
    }

    /// `GET /api/v1/calls/{id}/recording`: a freshly signed link; `None` without a recording.
    pub async fn fresh_recording_url(&self, id: &str) -> Result<Option<String>> {
        let reply = self
            .get(
                &format!("{LIST}/{}/recording", crate::vendors::path_segment(id)),
                &[("expires_in".into(), LINK_SECONDS.to_string())],
            )
            .await?;
        if reply.status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        self.conn.check(&reply, error_message)?;
        let body: serde_json::Value = reply.json("famulor")?;
        Ok(link(&body))
    }

    pub fn auth_headers(&self) -> reqwest::header::HeaderMap {
        crate::vendors::bearer_headers(&self.token)
    }

    /// `POST /api/v1/history/actions` `remove`, at most 100 ids a request.
    pub fn plan_delete(&self, ids: &[String]) -> Result<Vec<Planned>> {
        crate::vendors::chunks(ids, |chunk| Planned {
            method: Method::POST,
            url: self.conn.url(ACTIONS),
            body: Some(serde_json::json!({"action": "remove", "kind": "call", "ids": chunk})),
            ids: chunk.to_vec(),
        })
    }

    pub async fn execute(&self, p: &Planned) -> Result<()> {
        let mut req = self
            .conn
            .http
            .request(p.method.clone(), p.url.clone())
            .bearer_auth(self.token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = &p.body {
            req = req.json(body);
        }
        let reply = self.conn.http.send(req).await?;
        if reply.status == reqwest::StatusCode::NOT_FOUND {
            anyhow::bail!(
                "{}",
                error_message(&reply).unwrap_or_else(|| "not found".into())
            );
        }
        self.conn.check(&reply, error_message)
    }
}

/// The error for a window that holds more calls than the vendor pages through and cannot be
/// cut any finer.
fn capped(from: DateTime<Utc>, to: DateTime<Utc>) -> anyhow::Error {
    Failure::new(
        Exit::Failed,
        format!(
            "famulor reached its result cap (meta.result_cap_reached) between {} and {}: more calls than it pages through within a second, so the window cannot be split further",
            stamp(from),
            stamp(to)
        ),
    )
    .hint("narrow the query with --status, --direction, --agent or --campaign")
    .into()
}

/// The vendor status to send: only when the wanted statuses come from exactly one.
fn status_param(wanted: &[Status]) -> Option<&'static str> {
    let mut vendor = STATUSES.iter().filter(|(_, s)| wanted.contains(s));
    let first = vendor.next()?;
    vendor.next().is_none().then_some(first.0)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The vendor's times have microseconds: a bound finer than that is widened (the client cuts
/// the exact window).
fn floor_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    let extra = t.timestamp_subsec_nanos() % 1000;
    t - TimeDelta::nanoseconds(i64::from(extra))
}

fn ceil_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    let floor = floor_micros(t);
    if floor == t {
        t
    } else {
        floor + TimeDelta::microseconds(1)
    }
}

/// The link of a fresh-recording answer. NOTE: its shape is not documented; a link is taken
/// from `data` or the top level, as a string or as `url` / `recording_url` / `signed_url`.
fn link(body: &serde_json::Value) -> Option<String> {
    let inner = body.get("data").unwrap_or(body);
    let found = match inner {
        serde_json::Value::String(s) => Some(s.as_str()),
        serde_json::Value::Object(map) => ["url", "recording_url", "signed_url"]
            .iter()
            .find_map(|k| map.get(*k).and_then(|v| v.as_str())),
        _ => None,
    };
    found.filter(|u| !u.is_empty()).map(str::to_string)
}

fn error_message(reply: &Reply) -> Option<String> {
    let body: wire::ErrorBody = serde_json::from_slice(&reply.body).ok()?;
    Some(match body.error {
        wire::ErrorField::Code(code) => code,
        wire::ErrorField::Object { code, message } => match (code, message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (c, m) => c.or(m)?,
        },
    })
}

fn parse_list(reply: &Reply, keep_raw: bool, zone: Tz) -> Result<Listed> {
    let (calls, meta) = if keep_raw {
        let list: wire::ListResponse<&RawValue> = reply.json("famulor")?;
        let calls = list
            .data
            .iter()
            .map(|raw| with_raw(raw, reply, zone))
            .collect::<Result<Vec<_>>>()?;
        (calls, list.meta)
    } else {
        let list: wire::ListResponse<wire::WireCall> = reply.json("famulor")?;
        let calls = list
            .data
            .into_iter()
            .map(|w| normalize(w, zone))
            .collect::<Result<Vec<_>>>()?;
        (calls, list.meta)
    };
    Ok(Listed {
        calls,
        total: meta
            .pagination
            .and_then(|p| p.total)
            .and_then(|t| u64::try_from(t).ok()),
        capped: meta.result_cap_reached == Some(true),
    })
}

fn with_raw(raw: &RawValue, reply: &Reply, zone: Tz) -> Result<Call> {
    let wire: wire::WireCall =
        serde_json::from_str(raw.get()).map_err(|e| reply.not_json("famulor", e))?;
    let mut call = normalize(wire, zone)?;
    call.raw = Some(crate::call::Raw::new(raw));
    Ok(call)
}

/// An optional time: unreadable is unknown (said at `-v`), not a failed export.
fn opt_time(field: &str, s: Option<&str>, zone: Tz) -> Option<DateTime<Utc>> {
    let s = s?;
    match super::parse_time_of(field, s, zone) {
        Ok(t) => Some(t),
        Err(e) => {
            crate::term::debug(&format!("{e:#}: read as unknown"));
            None
        }
    }
}

fn normalize(w: wire::WireCall, zone: Tz) -> Result<Call> {
    // NOTE: a queued call has not started: its creation time stands in.
    let started_at = match (&w.started_at, &w.created_at) {
        (Some(s), _) => super::parse_time_of("started_at", s, zone)?,
        (None, Some(c)) => super::parse_time_of("created_at", c, zone)?,
        (None, None) => anyhow::bail!(
            "famulor sent call '{}' with neither started_at nor created_at",
            w.id
        ),
    };
    let ended_at = opt_time("ended_at", w.ended_at.as_deref(), zone);
    let answered_at = opt_time("answered_at", w.answered_at.as_deref(), zone);
    let talk_time = answered_at
        .zip(ended_at)
        .map(|(a, e)| (e - a).num_seconds())
        .filter(|s| (0..=crate::vendors::lenient::MAX_CALL_SECONDS).contains(s));
    let status = w
        .status
        .as_deref()
        .and_then(|s| STATUSES.iter().find(|(v, _)| *v == s))
        .map_or(Status::Unknown, |(_, s)| *s);
    let direction = match w.direction.as_deref() {
        Some("inbound") => Direction::Inbound,
        Some("outbound") => Direction::Outbound,
        Some("web") => Direction::Web,
        _ => Direction::Unknown,
    };
    // Our side called out: the customer is the one called.
    let (customer_number, line_number) = if direction == Direction::Outbound {
        (w.to_number, w.from_number)
    } else {
        (w.from_number, w.to_number)
    };
    let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Ok(Call {
        vendor: Vendor::Famulor,
        id: w.id,
        started_at,
        ended_at,
        direction,
        status,
        vendor_status: w.status,
        duration: w.duration_sec,
        talk_time,
        customer_number: nonempty(customer_number),
        line_number: nonempty(line_number),
        // NOTE: the record names the assistant and the campaign by id only.
        agent: w.assistant_id.clone(),
        campaign: w.campaign_id.clone(),
        recording_url: nonempty(w.recording_url),
        cost: None,
        agent_id: w.assistant_id,
        campaign_id: w.campaign_id,
        modified_at: opt_time("updated_at", w.updated_at.as_deref(), zone),
        raw: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vendors::fixtures::at;

    fn fixture(name: &str) -> Reply {
        crate::vendors::fixtures::reply("famulor-v1", name)
    }

    #[test]
    fn the_documented_list_shape_normalizes() {
        let listed = parse_list(&fixture("list.json"), false, Tz::UTC).unwrap();
        assert_eq!((listed.total, listed.capped), (Some(2), false));
        let expected = vec![
            Call {
                vendor: Vendor::Famulor,
                id: "8d0f6f0e-2b7c-4d8e-9a35-0c1b2a3d4e5f".into(),
                started_at: at("2025-05-20T09:15:02.123456+02:00"),
                ended_at: Some(at("2025-05-20T09:18:44.654321+02:00")),
                direction: Direction::Outbound,
                status: Status::Answered,
                vendor_status: Some("completed".into()),
                duration: Some(222),
                talk_time: Some(214),
                customer_number: Some("+4915123456789".into()),
                line_number: Some("+4930123456".into()),
                agent: Some("b1a2c3d4-0000-4000-8000-000000000011".into()),
                campaign: Some("c0ffee00-0000-4000-8000-000000000376".into()),
                recording_url: Some(
                    "https://storage.famulor.io/recordings/8d0f6f0e.mp3?X-Amz-Expires=3600&X-Amz-Signature=abc123"
                        .into(),
                ),
                cost: None,
                agent_id: Some("b1a2c3d4-0000-4000-8000-000000000011".into()),
                campaign_id: Some("c0ffee00-0000-4000-8000-000000000376".into()),
                modified_at: Some(at("2025-05-20T09:18:50+02:00")),
                raw: None,
            },
            Call {
                vendor: Vendor::Famulor,
                id: "1e2d3c4b-5a69-4788-8695-a4b3c2d1e0f9".into(),
                // Queued: not started, so the creation time stands in.
                started_at: at("2025-05-20T07:00:00.000001+00:00"),
                ended_at: None,
                direction: Direction::Inbound,
                status: Status::InProgress,
                vendor_status: Some("queued".into()),
                duration: None,
                talk_time: None,
                customer_number: Some("+4917612345678".into()),
                line_number: Some("+4930123457".into()),
                agent: Some("b1a2c3d4-0000-4000-8000-000000000012".into()),
                campaign: None,
                recording_url: None,
                cost: None,
                agent_id: Some("b1a2c3d4-0000-4000-8000-000000000012".into()),
                campaign_id: None,
                modified_at: Some(at("2025-05-20T07:00:00.000001+00:00")),
                raw: None,
            },
        ];
        assert_eq!(listed.calls, expected);
    }

    #[test]
    fn a_capped_page_says_so() {
        let listed = parse_list(&fixture("list-capped.json"), true, Tz::UTC).unwrap();
        assert!(listed.capped);
        assert_eq!(listed.total, Some(10000));
        assert_eq!(listed.calls.len(), 1);
        assert_eq!(listed.calls[0].direction, Direction::Web);
        // A web call has no caller number.
        assert_eq!(listed.calls[0].customer_number, None);
        assert_eq!(listed.calls[0].status, Status::Missed);
        let raw = listed.calls[0].raw.as_ref().unwrap().value();
        assert_eq!(raw["sentiment"], "neutral");
    }

    #[test]
    fn every_transcript_shape_is_read() {
        for (name, check) in [
            ("show-string.json", "string"),
            ("show-list.json", "list"),
            ("show-items.json", "items"),
        ] {
            let reply = fixture(name);
            let body: wire::ShowResponse<Box<RawValue>> = reply.json("famulor").unwrap();
            let call = with_raw(&body.data, &reply, Tz::UTC).unwrap();
            assert_eq!(call.id, "8d0f6f0e-2b7c-4d8e-9a35-0c1b2a3d4e5f", "{name}");
            assert_eq!(call.status, Status::Answered, "{name}");
            let t = &call.raw.unwrap().value()["transcript"];
            let ok = match check {
                "string" => t.as_str().is_some_and(|s| s.contains("Guten Tag")),
                "list" => t[1]["content"] == "Guten Tag, ich habe eine Frage.",
                _ => t["items"][1]["content"] == "Guten Tag, ich habe eine Frage.",
            };
            assert!(ok, "{name}: {t}");
        }
    }

    #[test]
    fn both_error_shapes_give_their_code() {
        assert_eq!(
            error_message(&fixture("error-unauthorized.json")).as_deref(),
            Some("unauthorized")
        );
        assert_eq!(
            error_message(&fixture("error-not-found.json")).as_deref(),
            Some("not_found: Call not found")
        );
    }

    #[test]
    fn absurd_numbers_are_unknown() {
        let listed = parse_list(&fixture("list-absurd.json"), false, Tz::UTC).unwrap();
        assert_eq!(listed.total, None);
        assert_eq!(listed.calls[0].duration, None);
        assert_eq!(listed.calls[1].duration, None);
        // An end before the answer is no talk time.
        assert_eq!(listed.calls[1].talk_time, None);
    }

    #[test]
    fn the_fresh_link_is_found_in_any_plausible_shape() {
        for body in [
            serde_json::json!({"data": {"url": "https://s/x.mp3"}}),
            serde_json::json!({"data": {"recording_url": "https://s/x.mp3"}}),
            serde_json::json!({"url": "https://s/x.mp3", "expires_in": 3600}),
            serde_json::json!({"data": "https://s/x.mp3"}),
        ] {
            assert_eq!(link(&body).as_deref(), Some("https://s/x.mp3"), "{body}");
        }
        assert_eq!(link(&serde_json::json!({"data": {"url": ""}})), None);
    }

    #[test]
    fn the_host_or_the_api_key_picks_platform_2() {
        assert!(selected(None, Some("https://app.famulor.io")));
        assert!(selected(None, Some("https://APP.famulor.io/")));
        assert!(selected(Some("v1"), None));
        assert!(selected(Some("v1"), Some("https://app.famulor.de")));
        assert!(!selected(None, None));
        assert!(!selected(None, Some("https://app.famulor.de")));
        assert!(!selected(None, Some("https://app.famulor.io.example.com")));
        assert!(!selected(None, Some("not a url")));
        // An explicit `api` wins over the host.
        assert!(!selected(Some("classic"), Some("https://app.famulor.io")));
    }

    /// The selection as the backend, the id check and the page size see it.
    #[test]
    fn a_profile_on_the_platform_2_host_gets_its_backend_ids_and_page_size() {
        use crate::vendors::Backend;
        let profile = |api: Option<&str>, base: Option<&str>| {
            let mut p = Profile::from_env(Vendor::Famulor);
            p.api = api.map(str::to_string);
            p.base_url = base.map(str::to_string);
            p.secrets = vec![(
                SecretKey::token,
                crate::config::SecretSource::Sandbox(Secret::new("fam_x")),
            )];
            p
        };
        let http = || crate::http::Http::new(Default::default()).unwrap();
        let uuid = vec!["3f2c9a1e-7b4d-4e2a-9c1f-5d6e7f8a9b0c".to_string()];

        let v1 = profile(None, Some("https://app.famulor.io"));
        let b = Backend::new(&v1, http()).unwrap();
        assert!(matches!(b, Backend::FamulorV1(_)));
        assert_eq!(b.vendor(), Vendor::Famulor);
        assert_eq!(
            (b.traits().max_page_size, b.traits().numeric_ids),
            (200, false)
        );
        assert_eq!(v1.ids(&uuid).unwrap(), uuid);
        assert_eq!(v1.traits().max_page_size, 200);

        // `api = "v1"` alone: the Platform 2.0 host is the default base URL.
        let b = Backend::new(&profile(Some("v1"), None), http()).unwrap();
        assert!(matches!(b, Backend::FamulorV1(_)));
        assert_eq!(
            b.conn().url(LIST).as_str(),
            "https://app.famulor.io/api/v1/calls"
        );

        let classic = profile(None, Some("https://app.famulor.de"));
        let b = Backend::new(&classic, http()).unwrap();
        assert!(matches!(b, Backend::Famulor(_)));
        assert!(classic.ids(&uuid).is_err());
        assert_eq!(classic.traits().max_page_size, 100);
        let pinned = profile(Some("classic"), Some("https://app.famulor.io"));
        assert!(matches!(
            Backend::new(&pinned, http()).unwrap(),
            Backend::Famulor(_)
        ));
    }

    #[test]
    fn statuses_are_sent_only_when_one_vendor_value_means_them() {
        assert_eq!(status_param(&[Status::Missed]), Some("no_answer"));
        assert_eq!(status_param(&[Status::Answered]), Some("completed"));
        assert_eq!(status_param(&[Status::Busy]), Some("busy"));
        assert_eq!(status_param(&[Status::InProgress]), None);
        assert_eq!(status_param(&[Status::Voicemail]), None);
        assert_eq!(status_param(&[Status::Missed, Status::Busy]), None);
    }

    #[test]
    fn bounds_are_whole_microseconds_that_cover_the_window() {
        let t = at("2025-05-10T08:00:00.123456789Z");
        assert_eq!(stamp(floor_micros(t)), "2025-05-10T08:00:00.123456Z");
        assert_eq!(stamp(ceil_micros(t)), "2025-05-10T08:00:00.123457Z");
        let whole = at("2025-05-10T08:00:00Z");
        assert_eq!(stamp(ceil_micros(whole)), "2025-05-10T08:00:00.000000Z");
    }

    #[test]
    fn pages_are_numbered_across_split_windows() {
        let slice = |total| Slice {
            from: at("2025-05-10T00:00:00Z"),
            to: at("2025-05-11T00:00:00Z"),
            total,
        };
        let q = Query::everything(chrono_tz::Tz::UTC, 200);
        let layout = Layout {
            query: q,
            limit: 200,
            slices: vec![slice(Some(450)), slice(Some(0)), slice(Some(200))],
            first: std::sync::Mutex::new(None),
        };
        assert_eq!(layout.pages(), Some(vec![3, 0, 1]));
        assert_eq!(layout.locate(1), Some((0, 0)));
        assert_eq!(layout.locate(3), Some((0, 400)));
        assert_eq!(layout.locate(4), Some((2, 0)));
        assert_eq!(layout.locate(5), None);
        assert_eq!(layout.total_calls(), Some(650));
        assert_eq!(parse_cursor("famulor-v1:2:400"), Some((2, 400)));
        assert_eq!(parse_cursor("https://x/2:400"), None);
    }
}
