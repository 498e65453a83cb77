//! `calls sandbox`: fake vendor APIs on 127.0.0.1 with deterministic data and fault injection.
//! Vendor V lives under `http://127.0.0.1:PORT/V` (a second API A under `/V-A`, on V's calls);
//! recordings come from a second port so the "credentials only to the API host" rule is
//! exercised. One module per vendor (and per second API).

mod brightcall;
mod callcap;
mod evolux;
mod famulor;
mod famulor_v1;
pub mod limit;
mod mycrm;
pub mod world;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};
use std::time::Duration;

use anyhow::{Context, Result};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;

use crate::call::Call;
use crate::config::{Profile, Secret, SecretKey, SecretSource};
use crate::types::Vendor;
pub use world::TruthCall;
use world::{Rng, World};

/// How the sandbox behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// 0: any free port.
    pub port: u16,
    /// Calls per vendor.
    pub calls: usize,
    pub seed: u64,
    /// Calls lie in the 90 days before this; default now.
    pub until: Option<DateTime<Utc>>,
    pub latency: Duration,
    /// Share of API requests answered with a fault.
    pub fail_rate: f64,
    /// How long a myCRM access token lives (the vendor's is 30 minutes).
    pub token_ttl: Duration,
    /// Share of recording links that are broken: expired (403) or a 200 with an error page.
    pub recording_faults: f64,
    /// The vendors' rate limit, per credential (`--rate-limit 100/60s`).
    pub rate_limit: Option<limit::RateLimit>,
    /// Famulor Platform 2.0 pages through at most this many calls of a window, and says
    /// `result_cap_reached` for a window that holds more.
    pub famulor_v1_cap: usize,
    /// How long signed recording links in listings last (Famulor Platform 2.0: an hour); zero
    /// makes every listed link expired, so that only fresh ones work.
    pub signed_link_ttl: Duration,
    /// A list page served with a record missing (its counts still say the full page).
    pub short_page: Option<ShortPage>,
    /// The share of calls that change after they are first served (`--change-rate`): an
    /// in-progress call finishes, a status is corrected, a recording appears; each within
    /// [`world::SETTLE`] of the call's start.
    pub change_rate: f64,
    /// The order listings come in whatever the client asked (`--order`): a vendor that ignores
    /// `sort`, or sorts by something else. `None`: as asked (each vendor's default).
    pub order: Option<Order>,
}

/// `--order`: listings served oldest first, or in an order of no meaning (the same on every
/// request, so pages do not overlap), whatever the request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Order {
    OldestFirst,
    NewestFirst,
    Shuffled,
}

/// The share of calls that change after they are first served, unless told.
pub const CHANGE_RATE: f64 = 0.05;

/// When the sandbox serves a short page (`--short-page`): the second page of a listing loses
/// one record, the first time it is served or every time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShortPage {
    Once,
    Always,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 0,
            calls: 500,
            seed: 1,
            until: None,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            token_ttl: Duration::from_secs(1800),
            recording_faults: 0.0,
            rate_limit: None,
            famulor_v1_cap: 10_000,
            signed_link_ttl: Duration::from_secs(3600),
            short_page: None,
            change_rate: CHANGE_RATE,
            order: None,
        }
    }
}

/// A request the sandbox received, for tests that assert what calls sent.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    /// The request body as text (empty for most GETs).
    pub body: String,
}

impl Recorded {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// Shared by every handler.
pub struct Shared {
    pub opts: Options,
    /// One world per vendor, in `Vendor::ALL` order; tests add calls between runs.
    worlds: Vec<RwLock<World>>,
    /// `http://127.0.0.1:PORT`
    pub api_base: String,
    /// `http://127.0.0.1:RECPORT`
    pub recordings_base: String,
    requests: Mutex<Vec<Recorded>>,
    /// Requests that reached the recordings host (the "other host").
    recording_requests: Mutex<Vec<Recorded>>,
    counter: AtomicU64,
    /// Rate-limit windows per credential, and how many requests were refused.
    pub rate_windows: limit::Windows,
    /// myCRM access tokens handed out, with their expiry.
    pub tokens: Mutex<Vec<(String, std::time::Instant)>>,
    /// When the sandbox started (Unix seconds): signed links expire counted from it.
    pub epoch: i64,
    /// Calls that Famulor Platform 2.0's `remove` hid (by `seq`); they stay in the world.
    pub hidden: Mutex<std::collections::HashSet<u32>>,
    /// The vendors that have served their short page (`--short-page once`).
    shorted: Mutex<Vec<Vendor>>,
    /// Seconds the tests moved the sandbox's clock on ([`Sandbox::advance_clock`]).
    clock: AtomicI64,
}

impl Shared {
    /// The sandbox's clock: now, or `--until` when pinned, moved on by the tests.
    pub fn now(&self) -> DateTime<Utc> {
        self.opts.until.unwrap_or_else(Utc::now)
            + chrono::Duration::seconds(self.clock.load(Ordering::Relaxed))
    }

    /// A vendor's calls, as of the sandbox's clock: unless `--until` pinned the data, calls
    /// keep arriving and changing.
    pub fn world(&self, vendor: Vendor) -> RwLockReadGuard<'_, World> {
        let i = Vendor::ALL
            .iter()
            .position(|v| *v == vendor)
            .expect("every vendor has a world");
        let read = || self.worlds[i].read().unwrap_or_else(|e| e.into_inner());
        let now = self.now();
        if read().behind(now) {
            self.world_mut(vendor).advance(now);
        }
        read()
    }

    /// For the endpoints that change data (deletes, assignments).
    pub fn world_mut(&self, vendor: Vendor) -> std::sync::RwLockWriteGuard<'_, World> {
        let i = Vendor::ALL
            .iter()
            .position(|v| *v == vendor)
            .expect("every vendor has a world");
        self.worlds[i].write().unwrap_or_else(|e| e.into_inner())
    }

    /// `--short-page`: drops a record from the second page of a listing (`skip` calls in, of
    /// `per_page`), once per vendor or every time.
    pub fn short_page<T>(&self, vendor: Vendor, skip: usize, per_page: usize, items: &mut Vec<T>) {
        let Some(fault) = self.opts.short_page else {
            return;
        };
        if skip != per_page || items.len() < 2 {
            return;
        }
        let mut shorted = self.shorted.lock().unwrap_or_else(|e| e.into_inner());
        if fault == ShortPage::Once && shorted.contains(&vendor) {
            return;
        }
        shorted.push(vendor);
        items.remove(items.len() / 2);
    }

    /// One page of a listing: the calls of `window` that `keep`, in the order asked for
    /// (`oldest_first`) unless `--order` says otherwise; with the number of calls listed.
    pub fn page_of<'a>(
        &self,
        window: &'a [TruthCall],
        keep: Option<&dyn Fn(&TruthCall) -> bool>,
        oldest_first: bool,
        skip: usize,
        take: usize,
    ) -> (usize, Vec<&'a TruthCall>) {
        match self.opts.order {
            None => page_of(window, keep, oldest_first, skip, take),
            Some(Order::OldestFirst) => page_of(window, keep, true, skip, take),
            Some(Order::NewestFirst) => page_of(window, keep, false, skip, take),
            Some(Order::Shuffled) => {
                let mut all: Vec<&TruthCall> = window
                    .iter()
                    .filter(|t| keep.is_none_or(|k| k(t)))
                    .collect();
                let order = |t: &TruthCall| shuffled(t.seq);
                all.sort_by_key(|t| order(t));
                let total = all.len();
                (total, all.into_iter().skip(skip).take(take).collect())
            }
        }
    }

    /// A listing of the second API's own making reordered as `--order` says.
    pub fn reorder(&self, calls: &mut [&TruthCall]) {
        match self.opts.order {
            None => {}
            Some(Order::OldestFirst) => calls.sort_by_key(|t| (t.started_at, t.seq)),
            Some(Order::NewestFirst) => {
                calls.sort_by_key(|t| std::cmp::Reverse((t.started_at, t.seq)))
            }
            Some(Order::Shuffled) => calls.sort_by_key(|t| shuffled(t.seq)),
        }
    }

    /// The next number of the sandbox's request counter (fresh tokens, fault rolls).
    pub fn tick(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }
}

/// What every vendor emulation provides.
struct Emulation {
    shape: &'static world::Shape,
    routes: fn() -> Router<Arc<Shared>>,
    expected: fn(&world::TruthCall, &Shared) -> Call,
    credentials: &'static [(SecretKey, &'static str)],
}

fn emulation(vendor: Vendor) -> Emulation {
    macro_rules! of {
        ($m:ident) => {
            Emulation {
                shape: &$m::SHAPE,
                routes: $m::routes,
                expected: $m::expected,
                credentials: $m::CREDENTIALS,
            }
        };
    }
    match vendor {
        Vendor::Famulor => of!(famulor),
        Vendor::Evolux => of!(evolux),
        Vendor::Callcap => of!(callcap),
        Vendor::Brightcall => of!(brightcall),
        Vendor::Mycrm => of!(mycrm),
    }
}

/// The vendors' second APIs, each served under `/{vendor}-{api}` on its vendor's calls.
pub const SECOND_APIS: &[(Vendor, &str)] = &[(Vendor::Famulor, "v1"), (Vendor::Brightcall, "v3")];

fn api_emulation(vendor: Vendor, api: &str) -> Option<Emulation> {
    match (vendor, api) {
        (Vendor::Famulor, "v1") => Some(Emulation {
            shape: &famulor_v1::SHAPE,
            routes: famulor_v1::routes,
            expected: famulor_v1::expected,
            credentials: famulor_v1::CREDENTIALS,
        }),
        _ => None,
    }
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    pub addr: SocketAddr,
    pub recordings_addr: SocketAddr,
    shared: Arc<Shared>,
    _stop: tokio::sync::watch::Sender<()>,
}

impl Sandbox {
    /// Binds both ports and serves on the current tokio runtime.
    pub async fn start(opts: Options) -> Result<Sandbox> {
        let api = tokio::net::TcpListener::bind(("127.0.0.1", opts.port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{}", opts.port))?;
        let rec = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .context("cannot open the recordings port")?;
        let addr = api.local_addr()?;
        let recordings_addr = rec.local_addr()?;
        let until = opts.until.unwrap_or_else(|| {
            let now = Utc::now();
            now - chrono::Duration::nanoseconds(now.timestamp_subsec_nanos() as i64)
        });
        let shared = Arc::new(Shared {
            worlds: Vendor::ALL
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    RwLock::new(World::generate(
                        opts.seed.wrapping_add(i as u64 * 1_000_003),
                        opts.calls,
                        until,
                        emulation(*v).shape,
                        opts.change_rate,
                    ))
                })
                .collect(),
            tokens: Mutex::new(Vec::new()),
            epoch: Utc::now().timestamp(),
            hidden: Mutex::new(Default::default()),
            shorted: Mutex::new(Vec::new()),
            clock: AtomicI64::new(0),
            api_base: format!("http://{addr}"),
            recordings_base: format!("http://{recordings_addr}"),
            opts,
            requests: Mutex::new(Vec::new()),
            recording_requests: Mutex::new(Vec::new()),
            counter: AtomicU64::new(0),
            rate_windows: limit::Windows::default(),
        });
        let api_routes = Vendor::ALL
            .iter()
            .fold(Router::new(), |r, v| {
                r.nest(&format!("/{v}"), (emulation(*v).routes)())
            })
            .nest("/brightcall-v3", brightcall::v3_routes())
            .nest(&format!("/{}", famulor_v1::PATH), famulor_v1::routes())
            .layer(axum::middleware::from_fn_with_state(shared.clone(), faults))
            // Outside the faults: a refused request is answered at once, without latency.
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                limit::layer,
            ))
            .fallback(website)
            .with_state(shared.clone());
        let rec_routes = Router::new()
            .route("/{vendor}/{file}", axum::routing::get(recording))
            .with_state(shared.clone());
        // Dropping the sender (when the Sandbox is dropped) stops both servers.
        let (stop, stopped) = tokio::sync::watch::channel(());
        for (listener, routes) in [(api, api_routes), (rec, rec_routes)] {
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                let shutdown = async move {
                    let _ = stopped.changed().await;
                };
                let _ = axum::serve(listener, routes)
                    .with_graceful_shutdown(shutdown)
                    .await;
            });
        }
        Ok(Sandbox {
            addr,
            recordings_addr,
            shared,
            _stop: stop,
        })
    }

    /// How many requests the rate limit refused (429) so far.
    pub fn rate_limited(&self) -> u64 {
        self.shared.rate_windows.refused()
    }

    pub fn base_url(&self, vendor: Vendor) -> String {
        format!("http://{}/{}", self.addr, vendor.id())
    }

    /// The credentials the sandbox accepts for a vendor.
    pub fn credentials(vendor: Vendor) -> Vec<(SecretKey, &'static str)> {
        emulation(vendor).credentials.to_vec()
    }

    /// myCRM's token endpoint in this sandbox.
    pub fn token_url(&self) -> String {
        format!("{}/auth/oauth/v1/token", self.base_url(Vendor::Mycrm))
    }

    /// A ready profile pointing at this sandbox (what `--sandbox` runs with).
    pub fn profile(&self, vendor: Vendor) -> Profile {
        let mut p = Profile::from_env(vendor);
        p.name = Some(format!("sandbox-{vendor}"));
        p.sandbox = true;
        p.base_url = Some(self.base_url(vendor));
        if vendor == Vendor::Mycrm {
            p.token_url = Some(self.token_url());
        }
        p.secrets = Self::credentials(vendor)
            .into_iter()
            .map(|(k, v)| (k, SecretSource::Sandbox(Secret::new(v))))
            .collect();
        p
    }

    /// A vendor's second API in this sandbox (`http://127.0.0.1:PORT/famulor-v1`).
    pub fn api_base_url(&self, vendor: Vendor, api: &str) -> String {
        format!("http://{}/{vendor}-{api}", self.addr)
    }

    /// The credentials the sandbox accepts for a vendor's second API.
    pub fn api_credentials(vendor: Vendor, api: &str) -> Vec<(SecretKey, &'static str)> {
        // A second API with an emulation of its own has its own keys; Brightcall v3 takes v1's.
        api_emulation(vendor, api)
            .map(|e| e.credentials.to_vec())
            .unwrap_or_else(|| Self::credentials(vendor))
    }

    /// A ready profile for a vendor's second API (profile `famulor-v1`: `api = "v1"`).
    pub fn api_profile(&self, vendor: Vendor, api: &str) -> Profile {
        let mut p = Profile::from_env(vendor);
        p.name = Some(format!("sandbox-{vendor}-{api}"));
        p.sandbox = true;
        p.api = Some(api.to_string());
        p.base_url = Some(self.api_base_url(vendor, api));
        p.secrets = Self::api_credentials(vendor, api)
            .into_iter()
            .map(|(k, v)| (k, SecretSource::Sandbox(Secret::new(v))))
            .collect();
        p
    }

    /// The profile of [`Sandbox::config_toml`] with this name (`famulor`, `famulor-v1`, ...).
    pub fn named_profile(&self, name: &str) -> Option<Profile> {
        if let Some(v) = Vendor::ALL.into_iter().find(|v| v.id() == name) {
            return Some(self.profile(v));
        }
        SECOND_APIS
            .iter()
            .find(|(v, api)| format!("{v}-{api}") == name)
            .map(|(v, api)| self.api_profile(*v, api))
    }

    /// A config file with one profile per vendor, and one per second API, printed on start.
    pub fn config_toml(&self) -> String {
        let mut out = String::from("default_profile = \"famulor\"\n");
        // Written from the same profiles `--sandbox` uses, so the two cannot drift apart.
        let profiles = Vendor::ALL
            .iter()
            .map(|v| (v.id().to_string(), self.profile(*v)))
            .chain(
                SECOND_APIS
                    .iter()
                    .map(|(v, api)| (format!("{v}-{api}"), self.api_profile(*v, api))),
            );
        for (name, p) in profiles {
            let vendor = p.vendor;
            out.push_str(&format!("\n[profiles.{name}]\nvendor = \"{vendor}\"\n"));
            for (key, value) in [
                ("api", &p.api),
                ("base_url", &p.base_url),
                ("token_url", &p.token_url),
            ] {
                if let Some(v) = value {
                    out.push_str(&format!("{key} = \"{v}\"\n"));
                }
            }
            let credentials = match &p.api {
                Some(api) => Self::api_credentials(vendor, api),
                None => Self::credentials(vendor),
            };
            for (key, value) in credentials {
                out.push_str(&format!("{} = \"{value}\"\n", key.name()));
            }
        }
        out
    }

    pub fn world(&self, vendor: Vendor) -> RwLockReadGuard<'_, World> {
        self.shared.world(vendor)
    }

    /// The sandbox's clock (see [`Sandbox::advance_clock`]).
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.now()
    }

    /// Moves the sandbox's clock on by `by` (never back): calls arrive and change as if that
    /// time had passed, so tests see later data without waiting.
    pub fn advance_clock(&self, by: chrono::Duration) {
        self.shared
            .clock
            .fetch_add(by.num_seconds().max(0), Ordering::Relaxed);
    }

    /// Adds `n` calls to a vendor's world, started in `[from, to)`: the vendor "receives" calls
    /// between two runs of a test, including late ones dated before the newest.
    pub fn add_calls(&self, vendor: Vendor, n: usize, from: DateTime<Utc>, to: DateTime<Utc>) {
        let mut world = self.shared.world_mut(vendor);
        let seed = self.shared.opts.seed ^ (world.calls.len() as u64).wrapping_mul(0x9E37);
        world.add(seed, n, from, to, emulation(vendor).shape);
    }

    /// Changes a call in a vendor's world (say, an in-progress call that has now ended); its
    /// record's modification time moves to the sandbox's clock, and a change to come of the
    /// sandbox's own is dropped.
    pub fn update_call(&self, vendor: Vendor, seq: u32, change: impl FnOnce(&mut TruthCall)) {
        drop(self.world(vendor));
        let edited = self.shared.world_mut(vendor).edit(seq, change);
        assert!(edited, "a call with that seq");
    }

    /// Deletes calls from a vendor's world, as the vendor's own delete would: every API of the
    /// vendor stops listing them, and their ids answer not-found. The calls, for
    /// [`Sandbox::restore_calls`].
    pub fn delete_calls(&self, vendor: Vendor, seqs: &[u32]) -> Vec<TruthCall> {
        drop(self.world(vendor));
        let mut world = self.shared.world_mut(vendor);
        seqs.iter()
            .map(|&seq| world.remove(seq).expect("a call with that seq"))
            .collect()
    }

    /// Puts calls deleted by [`Sandbox::delete_calls`] back, as they were.
    pub fn restore_calls(&self, vendor: Vendor, calls: Vec<TruthCall>) {
        drop(self.world(vendor));
        let mut world = self.shared.world_mut(vendor);
        for call in calls {
            world.restore(call);
        }
    }

    /// What a correct client makes of the vendor's calls in `[from, to)`, newest first.
    pub fn expected(&self, vendor: Vendor, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Call> {
        let world = self.world(vendor);
        let calls = world.between(from, to);
        calls
            .iter()
            .rev()
            .map(|t| (emulation(vendor).expected)(t, &self.shared))
            .collect()
    }

    /// What a correct client makes of the calls of a vendor's second API in `[from, to)`,
    /// newest first (calls it hid left out).
    pub fn expected_api(
        &self,
        vendor: Vendor,
        api: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<Call> {
        let emulation = api_emulation(vendor, api).expect("a second API the sandbox serves");
        let hidden = self
            .shared
            .hidden
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let world = self.world(vendor);
        world
            .between(from, to)
            .iter()
            .rev()
            .filter(|t| !hidden.contains(&t.seq))
            .map(|t| (emulation.expected)(t, &self.shared))
            .collect()
    }

    /// Every request the recordings host received, with its headers.
    pub fn recording_requests(&self) -> Vec<Recorded> {
        self.shared
            .recording_requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Every API request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn clear_requests(&self) {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// Records each request, adds latency and, at `fail_rate`, answers with a fault instead:
/// 500, 503, 429 with `Retry-After`, or a body cut off before its Content-Length.
async fn faults(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let mut recorded = record(&req);
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    recorded.body = String::from_utf8_lossy(&body).into_owned();
    let req = Request::from_parts(parts, Body::from(body));
    s.requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(recorded);
    // Every answer takes `latency` from the request's arrival, the server's own work included,
    // as a page "taking 20 ms" does.
    let deadline = tokio::time::Instant::now() + s.opts.latency;
    let response = answer(&s, req, next).await;
    tokio::time::sleep_until(deadline).await;
    response
}

/// The handler's answer, or at `fail_rate` a fault in its place.
async fn answer(s: &Shared, req: Request, next: Next) -> Response {
    let n = s.tick();
    let mut rng = Rng::new(s.opts.seed.wrapping_mul(31).wrapping_add(n));
    if s.opts.fail_rate <= 0.0 || !rng.chance(s.opts.fail_rate) {
        return next.run(req).await;
    }
    match rng.below(4) {
        0 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "<html><body>Server Error</body></html>",
        )
            .into_response(),
        1 => (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response(),
        2 => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            axum::Json(serde_json::json!({"message": "Too Many Attempts."})),
        )
            .into_response(),
        _ => {
            let full = next.run(req).await;
            let (parts, body) = full.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            // The headers and half the body go out; then the connection drops.
            let cut = futures_util::stream::once(async move { Ok::<_, std::io::Error>(half) })
                .chain(futures_util::stream::once(async {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    Err(std::io::Error::other("sandbox cut the body"))
                }));
            let mut resp = Response::from_parts(parts, Body::from_stream(cut));
            resp.headers_mut()
                .insert(header::CONTENT_LENGTH, bytes.len().into());
            resp
        }
    }
}

fn record(req: &Request) -> Recorded {
    Recorded {
        method: req.method().to_string(),
        path: req.uri().path().to_string(),
        query: url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect(),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: String::new(),
    }
}

/// Anything that is not an API path: a marketing page, as a wrong base URL would reach.
async fn website() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>Our product</h1></body></html>",
    )
        .into_response()
}

/// `GET /VENDOR/FILE.wav`: a short generated tone.
async fn recording(
    State(s): State<Arc<Shared>>,
    axum::extract::Path((vendor, file)): axum::extract::Path<(String, String)>,
    req: Request,
) -> Response {
    s.recording_requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(record(&req));
    tokio::time::sleep(s.opts.latency).await;
    if vendor == famulor_v1::PATH {
        if let Some(refused) = famulor_v1::refuse_link(&file, req.uri().query()) {
            return refused;
        }
    }
    recording_bytes(&s, &file)
}

/// A recording's bytes, or at `recording_faults` (by the file's name, so always the same file) a
/// broken link: an expired one (403, as S3 says it) or a 200 that carries an error page.
pub fn recording_bytes(s: &Shared, file: &str) -> Response {
    let seed = file
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(131).wrapping_add(b as u64));
    let mut rng = Rng::new(seed);
    if s.opts.recording_faults > 0.0 && rng.chance(s.opts.recording_faults) {
        return match rng.below(3) {
            0 => (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "application/xml")],
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
            )
                .into_response(),
            1 => (StatusCode::OK, [(header::CONTENT_TYPE, "text/html")], "<!DOCTYPE html><html><body>Recording not available</body></html>")
                .into_response(),
            _ => (StatusCode::OK, [(header::CONTENT_TYPE, "application/octet-stream")], "{\"error\":\"file not found\"}").into_response(),
        };
    }
    (
        [(header::CONTENT_TYPE, "audio/wav")],
        wav(seed, RECORDING_SAMPLES),
    )
        .into_response()
}

/// 12.5 s of 8 kHz 16-bit mono: about 200 KB a recording.
pub const RECORDING_SAMPLES: u32 = 100_000;

/// A mono 16-bit 8 kHz WAV of `samples` samples, its pitch chosen by `seed`.
pub fn wav(seed: u64, samples: u32) -> Vec<u8> {
    let rate = 8000u32;
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    let pitch = 300.0 + (seed % 500) as f64;
    // A sine by recurrence, sin((n+1)w) = 2 cos(w) sin(nw) - sin((n-1)w): one multiply-add a
    // sample, so serving recordings costs the sandbox little CPU and the benchmarks measure
    // the client.
    let w = pitch * std::f64::consts::TAU / rate as f64;
    let (k, mut prev, mut cur) = (2.0 * w.cos(), -w.sin(), 0.0f64);
    for _ in 0..samples {
        out.extend_from_slice(&((cur * 8000.0) as i16).to_le_bytes());
        (prev, cur) = (cur, k * cur - prev);
    }
    out
}

/// One page of a listing: the total and the calls `skip..skip + take`, newest first unless
/// `oldest_first`. `window` comes from a binary search ([`World::between`]); only a filtered
/// listing looks at every call of it, so paging through a large world stays linear.
/// A call's place in a `--order shuffled` listing: a fixed permutation of its `seq`.
fn shuffled(seq: u32) -> u64 {
    (u64::from(seq) ^ 0x9e37_79b9)
        .wrapping_mul(0xff51_afd7_ed55_8ccd)
        .rotate_left(29)
}

fn page_of<'a>(
    window: &'a [TruthCall],
    keep: Option<&dyn Fn(&TruthCall) -> bool>,
    oldest_first: bool,
    skip: usize,
    take: usize,
) -> (usize, Vec<&'a TruthCall>) {
    match keep {
        None if oldest_first => (window.len(), window.iter().skip(skip).take(take).collect()),
        None => (
            window.len(),
            window.iter().rev().skip(skip).take(take).collect(),
        ),
        Some(keep) => {
            let mut total = 0;
            let mut items = Vec::with_capacity(take);
            let mut each = |t: &'a TruthCall| {
                if keep(t) {
                    if total >= skip && items.len() < take {
                        items.push(t);
                    }
                    total += 1;
                }
            };
            if oldest_first {
                window.iter().for_each(&mut each);
            } else {
                window.iter().rev().for_each(&mut each);
            }
            (total, items)
        }
    }
}

/// True when the client asked for JSON (Laravel-style APIs answer HTML otherwise).
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"))
}

/// The host the client called, for the absolute URLs some vendors put in their answers.
pub fn host(headers: &HeaderMap) -> &str {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
}

/// The last value of a query parameter.
pub fn param<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Every value of a repeated parameter, also split at commas.
pub fn params<'a>(q: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    q.iter()
        .filter(|(k, _)| k == key)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// A JSON response with a status.
pub fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, axum::Json(value)).into_response()
}
