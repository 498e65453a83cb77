//! myCRM (PF Expert call trackings): OAuth2 client credentials for a 30-minute token that
//! cannot be refreshed (a new one is fetched, also in the middle of an export), `filters[...]`
//! parameters, and `count` (the total) to page ahead by.

mod wire;

use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, Result};
use base64::Engine;
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::value::RawValue;
use tokio::sync::Mutex;

use super::{not_found, Conn, Operation, Page, PageRef, Traits, Vendor};
use crate::call::{Call, Direction, Status};
use crate::config::{Profile, Secret, SecretKey};
use crate::error::{Exit, Failure};
use crate::http::Reply;
use crate::query::{is_numeric_id, vendor_ids, Applied, Filter, Plan, Query, Takes};

pub const TRAITS: Traits = Traits {
    product: "PF Expert (myCRM) call trackings",
    operations: &[
        Operation::Show,
        Operation::Recording,
        Operation::Assign,
        Operation::Delete,
    ],
    // NOTE: `per_page` is assumed (public client code); 100 is asked for.
    max_page_size: 100,
    default_base_url: Some("https://api-v2.mycrm.com"),
    auth_secret: SecretKey::client_secret,
    auth: "client_id + client_secret (OAuth2), or token",
    newest_first: true,
    recording_ext: "mp3",
    numeric_ids: true,
    id_example: "2933498",
    apis: &["v2"],
    documented_rate: None,
    lists_by_modification: false,
};

pub const DEFAULT_TOKEN_URL: &str = "https://auth.propertyfinder.com/auth/oauth/v1/token";

const LIST: &str = "calltrackings";

/// Asks for related records (the user's name) inline.
const EXPAND: &str = "X-MyCRM-Expand-Data";

/// The vendor's warning about a request (vendor-docs/README.md, round 2): shown on stderr.
const WARNING: &str = "X-MyCRM-API-Warning";

const STATUSES: [(&str, Status); 4] = [
    ("answered", Status::Answered),
    ("notanswered", Status::Missed),
    ("canceled", Status::Canceled),
    ("voicemail", Status::Voicemail),
];

#[derive(Debug)]
enum Auth {
    /// A bearer token given as `token`: used as is, never renewed.
    Ready(Secret),
    Client {
        id: Secret,
        secret: Secret,
        token_url: url::Url,
    },
}

#[derive(Debug, Clone)]
struct Token {
    value: Secret,
    renew_at: Instant,
}

#[derive(Debug)]
pub struct Mycrm {
    pub(super) conn: Conn,
    auth: Auth,
    /// Shared by concurrent requests: one fetch serves them all.
    token: Mutex<Option<Token>>,
    /// The zone of times without an offset (`vendor_timezone`, default UTC).
    zone: chrono_tz::Tz,
    /// The `X-MyCRM-API-Warning`s shown so far: each once a run.
    warned: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl Mycrm {
    pub fn new(mut conn: Conn, profile: &Profile) -> Result<Self> {
        let has = |k: SecretKey| profile.secrets.iter().any(|(key, _)| *key == k);
        let auth = if has(SecretKey::token) {
            let token = profile.secret(SecretKey::token)?;
            crate::redact::register(&token);
            conn.auth_hint = profile.secret_hint(SecretKey::token);
            Auth::Ready(token)
        } else if has(SecretKey::client_id) || has(SecretKey::client_secret) {
            let id = profile.secret(SecretKey::client_id)?;
            let secret = profile.secret(SecretKey::client_secret)?;
            crate::redact::register(&id);
            crate::redact::register(&secret);
            // NOTE: a base URL of one's own (a test, a rehearsal, a proxy) with the real token
            // endpoint would send real client credentials to the real host: require both.
            let own_base = profile
                .base_url
                .as_deref()
                .is_some_and(|b| b.trim_end_matches('/') != TRAITS.default_base_url.unwrap_or(""));
            if own_base && profile.token_url.is_none() {
                return Err(Failure::usage(
                    "mycrm with its own base_url needs token_url too: calls will not send client credentials to the real token endpoint on a guess",
                )
                .hint(format!("set token_url in the profile, or pass --token-url URL (CALLS_TOKEN_URL); the vendor's is {DEFAULT_TOKEN_URL}"))
                .into());
            }
            let raw = profile.token_url.as_deref().unwrap_or(DEFAULT_TOKEN_URL);
            let token_url = url::Url::parse(raw)
                .map_err(|e| Failure::usage(format!("token_url '{raw}' is not a URL: {e}")))?;
            conn.auth_hint = format!(
                "{}; {}",
                profile.secret_hint(SecretKey::client_id),
                profile.secret_hint(SecretKey::client_secret)
            );
            Auth::Client {
                id,
                secret,
                token_url,
            }
        } else {
            return Err(Failure::usage("mycrm needs client_id and client_secret, or a ready token")
                .hint("set client_id / client_secret (or their _env / _command forms) in the profile, or CALLS_CLIENT_ID and CALLS_CLIENT_SECRET")
                .into());
        };
        Ok(Mycrm {
            conn,
            auth,
            token: Mutex::new(None),
            zone: profile.vendor_zone(),
            warned: Default::default(),
        })
    }

    pub fn plan(&self, q: &Query) -> Result<Plan> {
        let mut plan = q.client_plan();
        plan.set(Filter::Window, Applied::Both);
        if status_param(&q.statuses).is_some() {
            plan.set(Filter::Status, Applied::Both);
        }
        // NOTE: filters[user_id] / filters[property][id] take one numeric id: a name as shown
        // is matched on the client.
        plan.set_ids(q, is_numeric_id, Takes::One, Applied::Both);
        // NOTE: numbers are stored with spaces (`+971 55 487 9009`) and how filters[phone]
        // matches is undocumented: --number runs on the client.
        Ok(plan)
    }

    fn params(&self, q: &Query, page: u64) -> Vec<(String, String)> {
        // NOTE: whole days in an undocumented zone (the examples are +04:00): one more day on
        // each side, and the client cuts the exact window.
        let from = q.from.date_naive() - Duration::days(1);
        let to = (q.to - Duration::nanoseconds(1)).date_naive() + Duration::days(1);
        let mut params: Vec<(String, String)> = vec![
            (
                "filters[date_from]".into(),
                from.format("%Y-%m-%d").to_string(),
            ),
            ("filters[date_to]".into(), to.format("%Y-%m-%d").to_string()),
            ("sort".into(), "date".into()),
            ("sort_order".into(), "DESC".into()),
            ("page".into(), page.to_string()),
            ("per_page".into(), q.page_size.to_string()),
        ];
        if let Some(s) = status_param(&q.statuses) {
            params.push(("filters[status]".into(), s.into()));
        }
        if let [agent] = vendor_ids(&q.agents, is_numeric_id) {
            params.push(("filters[user_id]".into(), agent.clone()));
        }
        if let [campaign] = vendor_ids(&q.campaigns, is_numeric_id) {
            params.push(("filters[property][id]".into(), campaign.clone()));
        }
        super::merge_params(params, &q.params)
    }

    /// The bearer token to use: the ready one, or a fetched one that is not about to expire.
    /// `failed` is a token the API just refused: a new one replaces it (once per refusal).
    async fn bearer(&self, failed: Option<&Secret>) -> Result<Secret> {
        let (id, secret, token_url) = match &self.auth {
            Auth::Ready(t) => return Ok(t.clone()),
            Auth::Client {
                id,
                secret,
                token_url,
            } => (id, secret, token_url),
        };
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref() {
            let refused = failed.is_some_and(|f| *f == t.value);
            if !refused && Instant::now() < t.renew_at {
                return Ok(t.value.clone());
            }
        }
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            id.expose(),
            secret.expose()
        ));
        let req = self
            .conn
            .http
            .request(Method::POST, token_url.clone())
            .header(reqwest::header::AUTHORIZATION, format!("Basic {basic}"))
            .json(&wire::TokenRequest {
                scope: "openid",
                grant_type: "client_credentials",
            });
        let reply = self
            .conn
            .http
            .send(req)
            .await
            .context("cannot get a mycrm access token")?;
        self.conn.firewall(&reply)?;
        if matches!(
            reply.status,
            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) {
            let said = error_message(&reply)
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            return Err(Failure::new(
                Exit::Auth,
                format!(
                    "the mycrm token endpoint rejected the client credentials ({}{said})",
                    reply.status
                ),
            )
            .hint(self.conn.auth_hint.clone())
            .into());
        }
        self.conn.check(&reply, error_message)?;
        let t: wire::TokenResponse = reply.json("mycrm token endpoint")?;
        let value = Secret::new(t.access_token);
        crate::redact::register(&value);
        // Renew a minute before the vendor's expiry (30 minutes by default).
        let lifetime = t.expires_in.unwrap_or(1800).clamp(0, 24 * 3600) as u64;
        let renew_at = Instant::now() + StdDuration::from_secs(lifetime.saturating_sub(60));
        *slot = Some(Token {
            value: value.clone(),
            renew_at,
        });
        Ok(value)
    }

    /// A request with the bearer token; a 401 fetches a new token once and tries again.
    async fn send(&self, method: Method, path: &str, params: &[(String, String)]) -> Result<Reply> {
        self.send_to(method, self.conn.url(path), params, None)
            .await
    }

    /// A request with the bearer token; a 401 fetches a new token once and tries again.
    async fn send_to(
        &self,
        method: Method,
        url: url::Url,
        params: &[(String, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<Reply> {
        let build = |token: &Secret| {
            let mut req = self
                .conn
                .http
                .request(method.clone(), url.clone())
                .query(params)
                .bearer_auth(token.expose())
                .header(reqwest::header::ACCEPT, "application/json");
            if method == Method::GET {
                // NOTE: with this header records carry `user.public.{first_name,last_name}`,
                // else `user: {"id"}` only (public client code, vendor-docs/README.md).
                req = req.header(EXPAND, "true");
            }
            match body {
                Some(b) => req.json(b),
                None => req,
            }
        };
        let token = self.bearer(None).await?;
        let reply = self.conn.http.send(build(&token)).await?;
        self.warn(&reply);
        if reply.status != StatusCode::UNAUTHORIZED || matches!(self.auth, Auth::Ready(_)) {
            return Ok(reply);
        }
        // NOTE: tokens live 30 minutes and cannot be refreshed; a long export outlives them.
        if self.conn.http.options().verbose > 0 {
            crate::term::log("mycrm: the access token was refused (expired?); fetching a new one");
        }
        let token = self.bearer(Some(&token)).await?;
        let reply = self.conn.http.send(build(&token)).await?;
        self.warn(&reply);
        Ok(reply)
    }

    /// Shows the vendor's `X-MyCRM-API-Warning` on stderr, once per distinct warning a run
    /// (a warning about a parameter comes with every page). `term::warn` escapes it.
    fn warn(&self, reply: &Reply) {
        for value in reply.headers.get_all(WARNING) {
            let text = String::from_utf8_lossy(value.as_bytes()).trim().to_string();
            if text.is_empty() {
                continue;
            }
            let new = self
                .warned
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(text.clone());
            if new {
                crate::term::warn(&format!("mycrm: {}", crate::redact::scrub(&text)));
            }
        }
    }

    /// `Authorization` for requests to the API's own host (recordings served there).
    pub async fn auth_headers(&self) -> Result<reqwest::header::HeaderMap> {
        let token = self.bearer(None).await?;
        Ok(super::bearer_headers(&token))
    }

    /// `GET /calltrackings/{id}/recording`: a fresh link (`download_url` is pre-signed and
    /// expires).
    pub async fn fresh_recording_url(&self, id: &str) -> Result<Option<String>> {
        let reply = self
            .send(
                Method::GET,
                &format!("{LIST}/{}/recording", super::path_segment(id)),
                &[],
            )
            .await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        self.conn.check(&reply, error_message)?;
        let body: wire::RecordingResponse = reply.json("mycrm")?;
        Ok(body.recording.and_then(|r| r.url).filter(|u| !u.is_empty()))
    }

    /// Bulk `DELETE /calltrackings` with an explicit id list, at most 100 ids a request.
    pub fn plan_delete(&self, ids: &[String]) -> Result<Vec<super::Planned>> {
        super::chunks(ids, |chunk| super::Planned {
            method: Method::DELETE,
            url: self.conn.url(LIST),
            body: Some(serde_json::json!({ "calltrackings": numeric(chunk) })),
            ids: chunk.to_vec(),
        })
    }

    /// Bulk `PATCH /calltrackings?filters[id]=1,2,3` with the operations body.
    pub fn plan_assign(
        &self,
        ids: &[String],
        a: &super::Assignment,
    ) -> Result<Vec<super::Planned>> {
        let mut operations = Vec::new();
        for (path, value) in [
            ("/assignment/user", a.user),
            ("/assignment/property", a.property),
            ("/assignment/lead", a.lead),
        ] {
            if let Some(v) = value {
                operations.push(serde_json::json!({"op": "replace", "path": path, "value": v}));
            }
        }
        if a.seen {
            // NOTE: the doc types /seen's value as an integer without saying which; 1 is sent.
            operations.push(serde_json::json!({"op": "replace", "path": "/seen", "value": 1}));
        }
        super::chunks(ids, |chunk| {
            let mut url = self.conn.url(LIST);
            url.query_pairs_mut()
                .append_pair("filters[id]", &chunk.join(","));
            super::Planned {
                method: Method::PATCH,
                url,
                body: Some(serde_json::json!({ "operations": operations })),
                ids: chunk.to_vec(),
            }
        })
    }

    pub async fn execute(&self, p: &super::Planned) -> Result<()> {
        let reply = self
            .send_to(p.method.clone(), p.url.clone(), &[], p.body.as_ref())
            .await?;
        self.conn.check(&reply, error_message)
    }

    pub async fn page(&self, q: &Query, at: &PageRef) -> Result<Page> {
        let PageRef::Number(n) = at else {
            anyhow::bail!("mycrm pages are numbered");
        };
        let reply = self.send(Method::GET, LIST, &self.params(q, *n)).await?;
        self.conn.check(&reply, error_message)?;
        let list: wire::ListResponse<Box<RawValue>> = reply.json("mycrm")?;
        let calls = list
            .call_trackings
            .iter()
            .map(|raw| with_raw(raw, q.keep_raw, &reply, self.zone))
            .collect::<Result<Vec<_>>>()?;
        // NOTE: `count` is the total (public client code), so the pager fetches ahead from it;
        // should it not be, paging ends on the first short page, as it always has.
        Ok(Page {
            next: (calls.len() as u64 >= u64::from(q.page_size)).then(|| PageRef::Number(n + 1)),
            calls,
            total_pages: None,
            total_calls: list.count.map(|c| c as u64),
            per_page: None,
            items: None,
        })
    }

    pub async fn show(&self, id: &str) -> Result<Call> {
        let seg = super::path_segment(id);
        let reply = self
            .send(Method::GET, &format!("{LIST}/{seg}"), &[])
            .await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Err(not_found(Vendor::Mycrm, id));
        }
        self.conn.check(&reply, error_message)?;
        // The record itself, or wrapped as {"call_tracking": {...}}; read from the body's text,
        // where numbers are exact.
        let whole: Box<RawValue> = reply.json("mycrm")?;
        let wrapped: wire::Wrapped =
            serde_json::from_str(whole.get()).map_err(|e| reply.not_json("mycrm", e))?;
        with_raw(
            wrapped.call_tracking.as_ref().unwrap_or(&whole),
            true,
            &reply,
            self.zone,
        )
    }
}

/// Ids as numbers where they are (the doc's examples), else as given.
fn numeric(ids: &[String]) -> Vec<serde_json::Value> {
    ids.iter()
        .map(|i| {
            i.parse::<u64>()
                .map_or_else(|_| i.clone().into(), serde_json::Value::from)
        })
        .collect()
}

fn error_message(reply: &Reply) -> Option<String> {
    let e: wire::ErrorBody = serde_json::from_slice(&reply.body).ok()?;
    e.message.or(e.error_description).or(e.error)
}

fn status_param(wanted: &[Status]) -> Option<&'static str> {
    match wanted {
        [one] => STATUSES.iter().find(|(_, s)| s == one).map(|(v, _)| *v),
        _ => None,
    }
}

fn with_raw(raw: &RawValue, keep_raw: bool, reply: &Reply, zone: chrono_tz::Tz) -> Result<Call> {
    let w: wire::WireCall =
        serde_json::from_str(raw.get()).map_err(|e| reply.not_json("mycrm", e))?;
    let mut call = normalize(w, zone)?;
    if keep_raw {
        call.raw = Some(crate::call::Raw::new(raw));
    }
    Ok(call)
}

/// `first last`, either alone, or `None` when both are blank.
fn full_name(first: Option<String>, last: Option<String>) -> Option<String> {
    let parts: Vec<String> = [first, last]
        .into_iter()
        .flatten()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn normalize(w: wire::WireCall, zone: chrono_tz::Tz) -> Result<Call> {
    let time = |field: &str, s: &str| super::time::read(Vendor::Mycrm, field, s, zone);
    let started_at = match (&w.call_start, &w.created_at) {
        (Some(s), _) => time("call_start", s)?,
        (None, Some(c)) => time("created_at", c)?,
        (None, None) => anyhow::bail!("mycrm sent a call without call_start"),
    };
    let ended_at = w
        .call_end
        .as_deref()
        .filter(|e| !e.is_empty())
        .map(|e| time("call_end", e))
        .transpose()?;
    let status = w
        .status
        .as_deref()
        .and_then(|s| STATUSES.iter().find(|(v, _)| v.eq_ignore_ascii_case(s)))
        .map_or(Status::Unknown, |(_, s)| *s);
    // The user's name: `user.public` (expanded), else names on the user itself, else its id.
    let user = w.user.map(|u| {
        let public = u.public.and_then(|p| full_name(p.first_name, p.last_name));
        let own = full_name(u.first_name, u.last_name);
        (u.id.clone(), public.or(u.name).or(own).or(u.id))
    });
    let property = w.property.map(|p| (p.id.clone(), p.reference.or(p.id)));
    Ok(Call {
        vendor: Vendor::Mycrm,
        id: w.id,
        started_at,
        ended_at,
        // NOTE: call trackings are calls to tracking numbers: inbound.
        direction: Direction::Inbound,
        status,
        vendor_status: w.status,
        duration: w.call_time,
        talk_time: w.talk_time,
        customer_number: w.phone,
        line_number: None,
        agent: user.as_ref().and_then(|u| u.1.clone()),
        campaign: property.as_ref().and_then(|p| p.1.clone()),
        recording_url: w.download_url.filter(|u| !u.is_empty()),
        cost: None,
        agent_id: user.and_then(|u| u.0),
        campaign_id: property.and_then(|p| p.0),
        modified_at: None,
        raw: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vendors::fixtures::at;

    fn fixture(name: &str) -> Reply {
        crate::vendors::fixtures::reply("mycrm", name)
    }

    #[test]
    fn the_docs_example_normalizes() {
        let reply = fixture("list.json");
        let list: wire::ListResponse<Box<RawValue>> = reply.json("mycrm").unwrap();
        let calls: Vec<Call> = list
            .call_trackings
            .iter()
            .map(|r| with_raw(r, false, &reply, chrono_tz::Tz::UTC).unwrap())
            .collect();
        let first = Call {
            vendor: Vendor::Mycrm,
            id: "2933498".into(),
            started_at: at("2023-09-02T08:40:43Z"),
            ended_at: Some(at("2023-09-02T08:43:17Z")),
            direction: Direction::Inbound,
            status: Status::Answered,
            vendor_status: Some("answered".into()),
            duration: Some(154),
            talk_time: Some(153),
            customer_number: Some("+971 55 487 9009".into()),
            line_number: None,
            agent: Some("41876".into()),
            campaign: None,
            recording_url: Some("https://pf-ae-documents.s3.ap-southeast-1.amazonaws.com/calls/2023/09/02/bbb063430a3be887006deb3d70c4789b.mp3?X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAJJ3RDDOM5WMNAPNA%2F20230902%2Fap-southeast-1%2Fs3%2Fa".into()),
            cost: None,
            agent_id: Some("41876".into()),
            campaign_id: None,
            modified_at: None,
            raw: None,
        };
        assert_eq!(calls[0], first);
        assert_eq!(
            (calls[1].status, calls[1].recording_url.as_deref()),
            (Status::Canceled, None)
        );
        assert_eq!(calls[1].started_at, at("2023-01-17T10:29:05Z"));
    }

    #[test]
    fn token_and_recording_answers_parse() {
        let t: wire::TokenResponse = fixture("token.json").json("mycrm").unwrap();
        assert_eq!(t.expires_in, Some(1800));
        let rec: serde_json::Value = fixture("recording.json").json("mycrm").unwrap();
        assert_eq!(rec["recording"]["url"], "http://foo.com");
    }

    #[test]
    fn one_status_maps_to_one_filter() {
        assert_eq!(status_param(&[Status::Missed]), Some("notanswered"));
        assert_eq!(status_param(&[Status::Missed, Status::Answered]), None);
        assert_eq!(status_param(&[Status::Busy]), None);
    }
}
