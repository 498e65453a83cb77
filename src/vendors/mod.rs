//! The backend contract: every vendor lists pages of calls; `show`, `recording`, `assign` and
//! `delete` are capabilities a vendor declares. One module per vendor, wire types inside it.

pub mod brightcall;
pub mod callcap;
pub mod evolux;
pub mod famulor;
pub mod mycrm;
pub mod time;

use std::fmt;

use anyhow::Result;

use crate::call::Call;
use crate::config::{Profile, SecretKey};
use crate::error::{Exit, Failure};
use crate::http::{Http, Reply};
use crate::query::{Plan, Query};
pub use crate::types::Vendor;
use reqwest::Method;

/// An optional operation a vendor may support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Show,
    Recording,
    Assign,
    Delete,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::Show,
        Operation::Recording,
        Operation::Assign,
        Operation::Delete,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::Show => "show",
            Operation::Recording => "recording",
            Operation::Assign => "assign",
            Operation::Delete => "delete",
        }
    }
}

/// A request a destructive command will send: printed by `--dry-run`, sent otherwise.
#[derive(Debug, Clone)]
pub struct Planned {
    pub method: Method,
    pub url: url::Url,
    pub body: Option<serde_json::Value>,
    /// The calls this request acts on.
    pub ids: Vec<String>,
}

impl fmt::Display for Planned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = crate::redact::url(&self.url);
        write!(
            f,
            "{} {}",
            self.method,
            percent_encoding::percent_decode_str(&shown).decode_utf8_lossy()
        )?;
        if let Some(body) = &self.body {
            write!(f, " {body}")?;
        }
        Ok(())
    }
}

/// What `calls assign` sets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assignment {
    pub user: Option<u64>,
    pub property: Option<u64>,
    pub lead: Option<u64>,
    pub seen: bool,
}

/// What a vendor can do, and the facts the shared code needs about it (inherent methods on the
/// plain vendor id of `types.rs`, which knows nothing of the backends).
#[derive(Debug, Clone, Copy)]
pub struct Traits {
    pub product: &'static str,
    pub operations: &'static [Operation],
    /// The largest page the vendor serves (also the default page size).
    pub max_page_size: u32,
    /// `None` when every customer has their own host.
    pub default_base_url: Option<&'static str>,
    /// The secret that authenticates requests (named in hints).
    pub auth_secret: SecretKey,
    /// How requests authenticate, in words (`calls vendors`).
    pub auth: &'static str,
    /// The listing comes newest first, so paging may stop once a page is older than `--from`.
    pub newest_first: bool,
    /// The recording file extension when the URL does not show one.
    pub recording_ext: &'static str,
    /// Call ids are integers (a comma or a blank in one would widen a bulk filter).
    pub numeric_ids: bool,
    /// A call id as the vendor writes it, for hints.
    pub id_example: &'static str,
    /// The vendor's APIs in use, the default first (a profile's `api` picks another).
    pub apis: &'static [&'static str],
    /// The documented rate limit as (requests a second, burst): the default `rate` against
    /// the vendor's own host.
    pub documented_rate: Option<(f64, u32)>,
    /// The API lists by modification time ([`crate::query::Query::modified_since`]), and its
    /// records say when they were last modified ([`crate::call::Call::modified_at`]).
    pub lists_by_modification: bool,
}

impl Vendor {
    pub fn traits(self) -> Traits {
        match self {
            Vendor::Famulor => famulor::TRAITS,
            Vendor::Evolux => evolux::TRAITS,
            Vendor::Callcap => callcap::TRAITS,
            Vendor::Brightcall => brightcall::TRAITS,
            Vendor::Mycrm => mycrm::TRAITS,
        }
    }

    pub fn supports(self, op: Operation) -> bool {
        self.traits().operations.contains(&op)
    }

    /// The typed "does not support" error, raised before any request (exit 4).
    pub fn unsupported(self, op: Operation) -> Failure {
        let able: Vec<&str> = Vendor::ALL
            .iter()
            .filter(|v| v.supports(op))
            .map(|v| v.id())
            .collect();
        let who = if able.is_empty() {
            "no vendor supports it".to_string()
        } else {
            format!("vendors that can: {}", able.join(", "))
        };
        let why = match (self, op) {
            (Vendor::Evolux, Operation::Show) => ": its API has no single-call endpoint",
            _ => "",
        };
        Failure::new(
            Exit::Unsupported,
            format!("{self} does not support `{}`{why}", op.name()),
        )
        .hint(who)
    }
}

/// What the API a vendor's profile uses can do. NOTE: a vendor's second API differs from its
/// first in facts the shared code asks for (Famulor Platform 2.0: UUID ids, pages of 200, its
/// own host), so code that knows the profile asks here, and `Vendor::traits` is the default
/// API's.
pub fn api_traits(vendor: Vendor, api: Option<&str>, base_url: Option<&str>) -> Traits {
    match vendor {
        Vendor::Famulor if famulor::v1::selected(api, base_url) => famulor::v1::TRAITS,
        Vendor::Brightcall => {
            let api = brightcall::Api::of(api, base_url);
            Traits {
                max_page_size: api.max_page_size(),
                default_base_url: Some(api.default_base_url()),
                ..brightcall::TRAITS
            }
        }
        _ => vendor.traits(),
    }
}

/// The name of the API a profile uses (its `api`, else what its base URL's host says, else the
/// vendor's first): part of what identifies a job's state, since two APIs of one vendor list
/// different records.
pub fn api_name(vendor: Vendor, api: Option<&str>, base_url: Option<&str>) -> &'static str {
    match vendor {
        Vendor::Famulor if famulor::v1::selected(api, base_url) => "v1",
        Vendor::Brightcall => match brightcall::Api::of(api, base_url) {
            brightcall::Api::V1 => "v1",
            brightcall::Api::V3 => "v3",
        },
        _ => vendor.traits().apis[0],
    }
}

impl Profile {
    /// The traits of the API this profile uses (its `api`, else what its base URL's host says).
    pub fn traits(&self) -> Traits {
        api_traits(self.vendor, self.api.as_deref(), self.base_url.as_deref())
    }

    /// Call ids from the command line, checked before any request and without repeats: a blank
    /// id would turn `DELETE /calls/{id}` into the collection and myCRM's `filters[id]=` into
    /// "every record", and `1,2` into two ids.
    pub fn ids(&self, ids: &[String]) -> Result<Vec<String>, Failure> {
        let traits = self.traits();
        let vendor = self.vendor;
        let mut unique: Vec<String> = Vec::with_capacity(ids.len());
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            let bad = if id.trim().is_empty() {
                Some("is empty")
            } else if id == "." || id == ".." {
                // In a URL path `.` and `..` are the list or its parent, not a call.
                Some("is a path segment, not a call id")
            } else if traits.numeric_ids && !id.bytes().all(|b| b.is_ascii_digit()) {
                Some("is not a number, and this vendor's call ids are")
            } else if id.chars().any(|c| c.is_control() || c.is_whitespace()) {
                Some("contains a space or a control character")
            } else {
                None
            };
            if let Some(why) = bad {
                return Err(Failure::usage(format!("call id {id:?} {why}"))
                    .hint(format!("{vendor} ids look like {}", traits.id_example)));
            }
            if seen.insert(id.as_str()) {
                unique.push(id.clone());
            }
        }
        Ok(unique)
    }
}

/// Where to continue a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRef {
    Number(u64),
    Url(String),
}

/// One page of calls, already normalized, in the vendor's order, with what the vendor said about
/// its paging (the pager checks the calls against it: SPEC "Completeness").
#[derive(Debug, Default)]
pub struct Page {
    pub calls: Vec<Call>,
    pub next: Option<PageRef>,
    /// Known when the vendor reports its page count (lets the pager fetch ahead).
    pub total_pages: Option<u64>,
    /// The vendor's count of calls for the whole query (Laravel `total`, Callcap
    /// `total_records`, Brightcall `totalItems`, Evolux `pagination.total`, myCRM `count`).
    pub total_calls: Option<u64>,
    /// Calls per page as the vendor pages them (see [`page_size`]); `None` when unknown: the
    /// pager then expects what the page count implies, or (no page count either) learns the size
    /// from the first page.
    pub per_page: Option<u64>,
    /// How many calls the vendor says this very page holds (Evolux `items`, Callcap
    /// `records_returned`).
    pub items: Option<u64>,
}

/// The vendor's page size, when what it stated pins it down: its own `per_page` when that agrees
/// with its total and page count, else the size asked for when that does; `None` when neither
/// does (the pager then expects only what the page count implies). NOTE: vendors cap the page
/// size below what was asked, silently; paging by the size asked for would take their first
/// full page for a short last one.
pub fn page_size(
    stated: Option<u64>,
    asked: u64,
    total: Option<u64>,
    pages: Option<u64>,
) -> Option<u64> {
    let fits = |size: u64| match (total, pages) {
        (Some(t), Some(p)) if t > 0 => t.div_ceil(size) == p,
        _ => true,
    };
    match stated.filter(|s| *s > 0) {
        Some(s) if fits(s) => Some(s),
        _ => Some(asked).filter(|a| *a > 0 && fits(*a)),
    }
}

/// What every backend holds: the HTTP layer, its base URL and how to name its credentials.
#[derive(Debug, Clone)]
pub struct Conn {
    pub vendor: Vendor,
    pub http: Http,
    pub base: url::Url,
    /// Says where the credential came from, for a 401 (never its value).
    pub auth_hint: String,
    /// Puts every call's numbers in E.164 as it leaves the backend (SPEC "Output").
    pub numbers: std::sync::Arc<crate::phone::Normalizer>,
}

impl Conn {
    pub fn new(profile: &Profile, http: Http) -> Result<Self> {
        let vendor = profile.vendor;
        let base = match (&profile.base_url, profile.traits().default_base_url) {
            (Some(b), _) => b.clone(),
            (None, Some(d)) => d.to_string(),
            (None, None) => {
                return Err(Failure::usage(format!(
                    "{vendor} needs a base_url: every customer has their own host"
                ))
                .hint("set base_url in the profile, or pass --base-url https://<you>.example")
                .into())
            }
        };
        let base = url::Url::parse(&base)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            .ok_or_else(|| Failure::usage(format!("base URL '{base}' is not an http(s) URL")))?;
        if let Some(api) = &profile.api {
            let apis = vendor.traits().apis;
            if !apis.contains(&api.as_str()) {
                let which = profile
                    .name
                    .as_ref()
                    .map(|n| format!("profile '{n}': "))
                    .unwrap_or_default();
                return Err(Failure::usage(if apis.len() > 1 {
                    format!(
                        "{which}{vendor} has no api '{api}'; it has {}",
                        apis.join(", ")
                    )
                } else {
                    format!("{which}{vendor} has one API: leave `api` out")
                })
                .into());
            }
        }
        Ok(Conn {
            vendor,
            http,
            base,
            auth_hint: profile.secret_hint(vendor.traits().auth_secret),
            numbers: {
                crate::phone::warm_up();
                std::sync::Arc::new(crate::phone::Normalizer::new(profile.phone_country()))
            },
        })
    }

    /// `base` + `path`, keeping any path the base already has (`http://host/famulor`).
    pub fn url(&self, path: &str) -> url::Url {
        let mut url = self.base.clone();
        let joined = format!(
            "{}/{}",
            url.path().trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        url.set_path(&joined);
        url
    }

    /// A URL the vendor handed us (a `next_url`), accepted only on the API's own origin so that
    /// credentials never leave it.
    pub fn same_origin(&self, raw: &str) -> Result<url::Url> {
        let url = self
            .base
            .join(raw)
            .map_err(|e| anyhow::anyhow!("{} sent a bad next page URL: {e}", self.vendor))?;
        if url.origin() != self.base.origin() {
            anyhow::bail!(
                "{} sent a next page on another host ({}); refusing to send credentials there",
                self.vendor,
                crate::redact::url(&url)
            );
        }
        Ok(url)
    }

    /// A 403 that is a web page, not the API's answer: the firewall in front of the API
    /// refused the request (vendor-docs/README.md, mycrm: even under `application/json`). Not a
    /// credentials problem, so exit 1, with the status and what the page says.
    pub fn firewall(&self, reply: &Reply) -> Result<()> {
        if reply.status != reqwest::StatusCode::FORBIDDEN || !reply.is_html() {
            return Ok(());
        }
        Err(Failure::new(
            Exit::Failed,
            format!(
                "{} refused the request ({} from {}); its page says: \"{}\"",
                self.vendor,
                reply.status,
                reply.shown_url,
                reply.html_excerpt(120)
            ),
        )
        .hint("a firewall in front of the API refused it, not the API itself (the credentials were not judged): try again later or more slowly (--rate), from another network, or ask the vendor quoting the page")
        .into())
    }

    /// Turns a non-success reply into the right error: 401/403 is exit 3 with a hint naming
    /// the secret's source (unless a firewall's page answered); other statuses carry the
    /// vendor's own message.
    pub fn check(&self, reply: &Reply, message: impl Fn(&Reply) -> Option<String>) -> Result<()> {
        if reply.status.is_success() {
            return Ok(());
        }
        self.firewall(reply)?;
        let said = message(reply)
            .map(|m| format!(": {}", crate::redact::scrub(&m)))
            .unwrap_or_default();
        let status = reply.status;
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(Failure::new(
                Exit::Auth,
                format!("{} rejected the credentials ({status}{said})", self.vendor),
            )
            .hint(self.auth_hint.clone())
            .into());
        }
        if reply.status.as_u16() == 422 || reply.status.as_u16() == 400 {
            return Err(Failure::usage(format!(
                "{} refused the request ({status}{said})",
                self.vendor
            ))
            .hint(format!("request: {}", reply.shown_url))
            .into());
        }
        Err(anyhow::anyhow!(
            "{} answered {status}{said} ({})",
            self.vendor,
            reply.shown_url
        ))
    }
}

/// The backends, one variant per vendor.
#[derive(Debug)]
pub enum Backend {
    Famulor(famulor::Famulor),
    /// Famulor Platform 2.0 (`api = "v1"`).
    FamulorV1(famulor::v1::FamulorV1),
    Evolux(evolux::Evolux),
    Callcap(callcap::Callcap),
    Brightcall(brightcall::Brightcall),
    Mycrm(mycrm::Mycrm),
}

/// Calls the same method on whichever backend this is.
macro_rules! each {
    ($self:expr, $b:ident => $call:expr) => {
        match $self {
            Backend::Famulor($b) => $call,
            Backend::FamulorV1($b) => $call,
            Backend::Evolux($b) => $call,
            Backend::Callcap($b) => $call,
            Backend::Brightcall($b) => $call,
            Backend::Mycrm($b) => $call,
        }
    };
}

impl Backend {
    /// Builds the backend for a profile, resolving the secrets it needs.
    pub fn new(profile: &Profile, http: Http) -> Result<Self> {
        let conn = Conn::new(profile, http)?;
        Ok(match profile.vendor {
            Vendor::Famulor
                if famulor::v1::selected(profile.api.as_deref(), profile.base_url.as_deref()) =>
            {
                Backend::FamulorV1(famulor::v1::FamulorV1::new(conn, profile)?)
            }
            Vendor::Famulor => Backend::Famulor(famulor::Famulor::new(conn, profile)?),
            Vendor::Evolux => Backend::Evolux(evolux::Evolux::new(conn, profile)?),
            Vendor::Callcap => Backend::Callcap(callcap::Callcap::new(conn, profile)?),
            Vendor::Brightcall => Backend::Brightcall(brightcall::Brightcall::new(conn, profile)?),
            Vendor::Mycrm => Backend::Mycrm(mycrm::Mycrm::new(conn, profile)?),
        })
    }

    pub fn vendor(&self) -> Vendor {
        match self {
            Backend::Famulor(_) | Backend::FamulorV1(_) => Vendor::Famulor,
            Backend::Evolux(_) => Vendor::Evolux,
            Backend::Callcap(_) => Vendor::Callcap,
            Backend::Brightcall(_) => Vendor::Brightcall,
            Backend::Mycrm(_) => Vendor::Mycrm,
        }
    }

    /// What this backend's API can do (a vendor's second API may differ from its first).
    pub fn traits(&self) -> Traits {
        match self {
            Backend::FamulorV1(_) => famulor::v1::TRAITS,
            _ => self.vendor().traits(),
        }
    }

    /// Which filters the vendor applies; an error if the query cannot be expressed.
    pub fn plan(&self, q: &Query) -> Result<Plan> {
        if q.modified_since.is_some() && !self.traits().lists_by_modification {
            anyhow::bail!(
                "{} cannot list calls by modification time",
                self.traits().product
            );
        }
        each!(self, b => b.plan(q))
    }

    pub fn first_page(&self) -> PageRef {
        PageRef::Number(1)
    }

    /// One page of calls, their numbers in E.164 where they read as one: the one place a
    /// vendor's numbers are normalized, after each vendor's own conversion.
    pub async fn page(&self, q: &Query, at: &PageRef) -> Result<Page> {
        let mut page = each!(self, b => b.page(q, at).await)?;
        let numbers = &self.conn().numbers;
        page.calls.iter_mut().for_each(|c| numbers.call(c));
        Ok(page)
    }

    /// One call in full, with its raw record; the call the vendor answered with must be the one
    /// asked for.
    pub async fn show(&self, id: &str) -> Result<Call> {
        let mut call = self.show_unchecked(id).await?;
        self.conn().numbers.call(&mut call);
        let same = if self.traits().numeric_ids {
            call.id.trim_start_matches('0') == id.trim_start_matches('0')
        } else if let Backend::FamulorV1(_) = self {
            // UUIDs: the case of the hex digits is not part of the id.
            call.id.eq_ignore_ascii_case(id)
        } else {
            call.id == id
        };
        if !same {
            return Err(Failure::new(
                Exit::Failed,
                format!(
                    "{} answered a request for call '{id}' with call '{}'",
                    self.vendor(),
                    call.id
                ),
            )
            .hint("the vendor's single-call endpoint misbehaved; nothing was printed")
            .into());
        }
        Ok(call)
    }

    async fn show_unchecked(&self, id: &str) -> Result<Call> {
        match self {
            Backend::Famulor(b) => b.show(id).await,
            Backend::FamulorV1(b) => b.show(id).await,
            Backend::Callcap(b) => b.show(id).await,
            Backend::Brightcall(b) => b.show(id).await,
            Backend::Mycrm(b) => b.show(id).await,
            Backend::Evolux(_) => Err(self.vendor().unsupported(Operation::Show).into()),
        }
    }

    pub fn conn(&self) -> &Conn {
        each!(self, b => &b.conn)
    }

    /// Headers that authenticate a request to the API's own origin (recordings served there).
    pub async fn auth_headers(&self) -> Result<reqwest::header::HeaderMap> {
        Ok(match self {
            Backend::Famulor(b) => b.auth_headers(),
            Backend::FamulorV1(b) => b.auth_headers(),
            Backend::Evolux(b) => b.auth_headers(),
            Backend::Callcap(b) => b.auth_headers(),
            Backend::Mycrm(b) => b.auth_headers().await?,
            Backend::Brightcall(b) => b.auth_headers(),
        })
    }

    /// Where a call's recording is: its `recording_url`, or (myCRM and Famulor Platform 2.0,
    /// `fresh`) a new link from the API, since the listed one is signed and expires.
    pub async fn recording_url(&self, call: &Call, fresh: bool) -> Result<Option<String>> {
        match self {
            Backend::Mycrm(b) if fresh || call.recording_url.is_none() => {
                b.fresh_recording_url(&call.id).await
            }
            Backend::FamulorV1(b) if fresh || call.recording_url.is_none() => {
                b.fresh_recording_url(&call.id).await
            }
            _ => Ok(call.recording_url.clone()),
        }
    }

    pub fn plan_delete(&self, ids: &[String]) -> Result<Vec<Planned>> {
        match self {
            Backend::Famulor(b) => b.plan_delete(ids),
            Backend::FamulorV1(b) => b.plan_delete(ids),
            Backend::Mycrm(b) => b.plan_delete(ids),
            _ => Err(self.vendor().unsupported(Operation::Delete).into()),
        }
    }

    /// What a deletion does where it is not what the word says (said before it is sent).
    pub fn delete_note(&self) -> Option<&'static str> {
        match self {
            Backend::FamulorV1(_) => Some(famulor::v1::DELETE_NOTE),
            _ => None,
        }
    }

    pub fn plan_assign(&self, ids: &[String], a: &Assignment) -> Result<Vec<Planned>> {
        match self {
            Backend::Mycrm(b) => b.plan_assign(ids, a),
            _ => Err(self.vendor().unsupported(Operation::Assign).into()),
        }
    }

    /// Sends a planned request; `Ok` when the vendor confirmed it.
    pub async fn execute(&self, p: &Planned) -> Result<()> {
        match self {
            Backend::Famulor(b) => b.execute(p).await,
            Backend::FamulorV1(b) => b.execute(p).await,
            Backend::Mycrm(b) => b.execute(p).await,
            _ => anyhow::bail!("{} has no destructive operations", self.vendor()),
        }
    }

    /// One cheap authenticated request (`config check --online`).
    pub async fn ping(&self, q: &Query) -> Result<()> {
        let mut q = q.clone();
        q.page_size = 1;
        if let Backend::FamulorV1(b) = self {
            // One request, even where the window is over the result cap.
            return b.ping(&q).await;
        }
        self.page(&q, &self.first_page()).await.map(|_| ())
    }
}

/// An id as one URL path segment: everything but letters, digits and `-._~` is encoded (Callcap
/// ids hold `:`; any id could hold `/`).
pub fn path_segment(id: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(id, SEGMENT).to_string()
}

/// `Authorization: Bearer ...`, marked sensitive so it is never logged.
fn bearer_headers(token: &crate::config::Secret) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    if let Ok(mut v) = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
    {
        v.set_sensitive(true);
        h.insert(reqwest::header::AUTHORIZATION, v);
    }
    h
}

/// Destructive bulk requests in chunks of at most 100 ids; an empty list is never planned (on
/// myCRM it would mean "every record").
const CHUNK: usize = 100;

fn chunks(ids: &[String], plan: impl Fn(&[String]) -> Planned) -> Result<Vec<Planned>> {
    if ids.is_empty() {
        anyhow::bail!("refusing to plan a request without ids");
    }
    Ok(ids.chunks(CHUNK).map(plan).collect())
}

/// Our parameters plus `--param` pairs; a user's key replaces ours.
pub fn merge_params(
    mut ours: Vec<(String, String)>,
    theirs: &[(String, String)],
) -> Vec<(String, String)> {
    ours.retain(|(k, _)| !theirs.iter().any(|(t, _)| t == k));
    ours.extend(theirs.iter().cloned());
    ours
}

/// The error for an id the vendor does not know: bad input (exit 2, SPEC "Exit codes"), not
/// the transient failure (exit 1) a cron job would retry.
pub fn not_found(vendor: Vendor, id: &str) -> anyhow::Error {
    Failure::new(
        Exit::Usage,
        format!("not found: {vendor} has no call with id '{id}'"),
    )
    .hint("check the id with `calls list`")
    .into()
}

/// For the vendors' contract tests: a fixture from `fixtures/<vendor>/` as a 200 reply.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::http::Reply;

    pub fn reply(vendor: &str, name: &str) -> Reply {
        let path = format!("{}/fixtures/{vendor}/{name}", env!("CARGO_MANIFEST_DIR"));
        Reply {
            status: reqwest::StatusCode::OK,
            headers: Default::default(),
            body: std::fs::read(&path).expect("fixture").into(),
            shown_url: path,
        }
    }

    pub fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&chrono::Utc)
    }
}

/// Reads a JSON number or a numeric string as an integer (vendors disagree on which). Written as
/// visitors rather than `#[serde(untagged)]`, which buffers every value first: this sits on the
/// hot path of every call parsed.
pub mod lenient {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};

    /// A scalar as the vendor sent it.
    enum Scalar {
        Int(i64),
        Float(f64),
        Text(String),
        Null,
    }

    struct ScalarVisitor;

    impl<'de> Visitor<'de> for ScalarVisitor {
        type Value = Scalar;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number, a string or null")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
            Ok(Scalar::Int(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
            i64::try_from(v)
                .map(Scalar::Int)
                .or(Ok(Scalar::Float(v as f64)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
            Ok(Scalar::Float(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
            Ok(Scalar::Text(v.to_string()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
            Ok(Scalar::Text(v))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
            Ok(Scalar::Text(v.to_string()))
        }
        fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
            Ok(Scalar::Null)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
            Ok(Scalar::Null)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
            d.deserialize_any(ScalarVisitor)
        }
    }

    fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }

    /// An integer that may come as a number or a numeric string; a value beyond `i64` (or not
    /// a number) is unknown, never clamped to a wrong one.
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(match scalar(d)? {
            Scalar::Int(i) => Some(i),
            Scalar::Float(f) => float_to_i64(f),
            Scalar::Text(s) => {
                let s = s.trim();
                // Exact first: an integer string beyond 2^53 must not pass through a double.
                s.parse::<i64>()
                    .ok()
                    .or_else(|| s.parse::<f64>().ok().and_then(float_to_i64))
            }
            Scalar::Null => None,
        })
    }

    /// A finite double within `i64`, rounded; `None` otherwise.
    fn float_to_i64(f: f64) -> Option<i64> {
        // 2^63 exactly is beyond i64::MAX; every smaller double converts exactly.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        let r = f.round();
        (r.is_finite() && r > -LIMIT && r < LIMIT).then_some(r as i64)
    }

    pub use crate::types::limits::{CALL_SECONDS as MAX_CALL_SECONDS, COUNT as MAX_COUNT};

    /// A number of seconds (duration, talk time): an integer in `0..=MAX_CALL_SECONDS`, else
    /// null (said at `-v`): `9223372036854775807` or `1e300` must never reach date arithmetic.
    pub fn opt_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(in_range(opt_i64(d)?, 0, MAX_CALL_SECONDS, "seconds"))
    }

    /// A page count or a total: `0..=MAX_COUNT`, else null (said at `-v`).
    pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(in_range(opt_i64(d)?, 0, MAX_COUNT, "a count"))
    }

    fn in_range(v: Option<i64>, min: i64, max: i64, what: &str) -> Option<i64> {
        match v {
            Some(n) if !(min..=max).contains(&n) => {
                crate::term::debug(&format!(
                    "a vendor sent {n} as {what} (outside {min}..={max}): read as unknown"
                ));
                None
            }
            other => other,
        }
    }

    /// A scalar exactly as the vendor wrote it: a string's value, a number's or a boolean's own
    /// JSON text, `None` for null. NOTE: a number is never read through a double, which would
    /// turn the id `1740690774.23600` into `1740690774.236` and a 30-digit id into `1.2e29`:
    /// the token itself is kept (`RawValue`; behind a `serde_json::Value` the digits are lost
    /// already, so wire types are parsed from the body's text).
    fn as_written<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        use serde::Deserialize;
        let Some(raw) = Option::<Box<serde_json::value::RawValue>>::deserialize(d)? else {
            return Ok(None);
        };
        let text = raw.get().trim();
        match text.as_bytes().first() {
            Some(b'"') => serde_json::from_str::<String>(text)
                .map(Some)
                .map_err(de::Error::custom),
            Some(b'-' | b'0'..=b'9' | b't' | b'f') => Ok(Some(text.to_string())),
            Some(b'n') | None => Ok(None),
            Some(_) => Err(de::Error::custom(
                "expected a number, a string or null, found an object or a list",
            )),
        }
    }

    /// An optional id that may come as a number or a string, kept as written.
    pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(as_written(d)?.filter(|s| !s.is_empty()))
    }

    /// An id that may come as a number or a string.
    pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        opt_id(d)?.ok_or_else(|| de::Error::custom("an id is missing"))
    }

    /// A decimal that may come as a number or a string, kept as written (`0.10` stays `0.10`).
    pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(as_written(d)?.filter(|s| !s.trim().is_empty()))
    }

    #[cfg(test)]
    mod tests {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "super::opt_i64")]
            n: Option<i64>,
            #[serde(deserialize_with = "super::id")]
            id: String,
            #[serde(default, deserialize_with = "super::opt_decimal")]
            cost: Option<String>,
        }

        #[test]
        fn numbers_or_strings() {
            let t: T = serde_json::from_str(r#"{"n": "25", "id": 7, "cost": 0.5}"#).unwrap();
            assert_eq!(
                (t.n, t.id.as_str(), t.cost.as_deref()),
                (Some(25), "7", Some("0.5"))
            );
            let t: T = serde_json::from_str(r#"{"n": null, "id": "a:b", "cost": ""}"#).unwrap();
            assert_eq!((t.n, t.id.as_str(), t.cost), (None, "a:b", None));
            let t: T = serde_json::from_str(r#"{"n": 41.6, "id": "x"}"#).unwrap();
            assert_eq!(t.n, Some(42));
            assert!(serde_json::from_str::<T>(r#"{"id": null}"#).is_err());
            assert!(serde_json::from_str::<T>(r#"{"id": {"a": 1}}"#).is_err());
        }

        /// Ids and decimals keep their JSON text: a double would drop trailing zeros, round
        /// beyond 2^53 and write big integers as `1.2345678901234568e29`.
        #[test]
        fn numbers_keep_their_exact_text() {
            for (json, id, cost) in [
                (
                    r#"{"id": 1740690774.23600, "cost": 0.10}"#,
                    "1740690774.23600",
                    "0.10",
                ),
                (
                    r#"{"id": 123456789012345678901234567890, "cost": 12345678901234567.891}"#,
                    "123456789012345678901234567890",
                    "12345678901234567.891",
                ),
                (
                    r#"{"id": 18446744073709551616, "cost": -0.0}"#,
                    "18446744073709551616",
                    "-0.0",
                ),
                (
                    r#"{"id": "1740690774.23600", "cost": "1e2"}"#,
                    "1740690774.23600",
                    "1e2",
                ),
            ] {
                let t: T = serde_json::from_str(json).unwrap();
                assert_eq!(
                    (t.id.as_str(), t.cost.as_deref()),
                    (id, Some(cost)),
                    "{json}"
                );
            }
            // From bytes too, as `Reply::json` reads them, with escapes in strings.
            let t: T = serde_json::from_slice(br#"{ "id" :  "a\u00e9b" , "cost" : 7 }"#).unwrap();
            assert_eq!((t.id.as_str(), t.cost.as_deref()), ("a\u{e9}b", Some("7")));
        }
    }
}
