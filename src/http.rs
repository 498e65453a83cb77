//! The one HTTP layer: timeouts, retries with backoff and jitter, `Retry-After`, rate limiting
//! and `-v` request logging with secrets redacted. Vendors add only their auth and error bodies.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use tokio::sync::Mutex;

use crate::error::Failure;
use crate::redact;
use crate::term;

/// Settings from global flags and the profile.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpOptions {
    pub timeout: Duration,
    pub retries: u32,
    pub verbose: u8,
    /// At most this many requests per second, shared by the whole run.
    pub rate: Option<f64>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(30),
            retries: 5,
            verbose: 0,
            rate: None,
        }
    }
}

/// A complete response: the body has been read in full (a cut body is retried like a 503).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Redacted, for messages.
    pub shown_url: String,
}

impl Reply {
    /// The body as `T`, or an error that says what came instead (an HTML page, a cut body).
    pub fn json<T: serde::de::DeserializeOwned>(&self, vendor: &str) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| self.not_json(vendor, e))
    }

    /// The error for a body that does not parse, naming HTML pages for what they are.
    pub fn not_json(&self, vendor: &str, err: serde_json::Error) -> anyhow::Error {
        let ctype = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let head = String::from_utf8_lossy(&self.body[..self.body.len().min(512)])
            .trim_start()
            .to_lowercase();
        if ctype.contains("html") || head.starts_with("<!doctype") || head.starts_with("<html") {
            Failure::new(
                crate::error::Exit::Failed,
                format!(
                    "{vendor} answered with an HTML page instead of JSON ({} from {})",
                    self.status, self.shown_url
                ),
            )
            .hint("check --base-url / the profile's base_url: it should point at the vendor's API")
            .into()
        } else {
            anyhow::anyhow!(
                "{vendor} sent a response calls cannot read ({} from {}): {err}",
                self.status,
                self.shown_url
            )
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Spaces requests evenly to at most `rate` per second, across all concurrent tasks: each
/// request takes the next free slot.
#[derive(Debug)]
struct Pacer {
    interval: Duration,
    next: Mutex<tokio::time::Instant>,
}

impl Pacer {
    fn new(rate: f64) -> Pacer {
        Pacer {
            interval: Duration::from_secs_f64(1.0 / rate),
            next: Mutex::new(tokio::time::Instant::now()),
        }
    }

    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(tokio::time::Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// A shared client; cheap to clone.
#[derive(Clone, Debug)]
pub struct Http {
    client: reqwest::Client,
    /// For recordings: follows no redirect by itself, so credentials can be dropped per hop.
    downloads: reqwest::Client,
    opts: HttpOptions,
    pacer: Option<Arc<Pacer>>,
}

/// Why one attempt did not produce a final answer: worth another try (with the vendor's
/// `Retry-After`, if it sent one), or an answer no retry can mend.
enum Attempt {
    Retry(String, Option<Duration>),
    Fatal(anyhow::Error),
}

/// The largest response calls reads as one page (a hostile or broken vendor could otherwise
/// fill the memory).
pub const MAX_BODY: usize = 64 << 20;

impl Http {
    pub fn new(opts: HttpOptions) -> Result<Self> {
        // NOTE: neither client follows redirects by itself nor sends a Referer: reqwest keeps
        // custom headers (Evolux `token`) across hosts and puts the previous URL (Brightcall's
        // `?api-key=`) in `Referer`. Redirects are followed by hand, credentials only on the
        // request's own origin.
        let client = reqwest::Client::builder()
            .user_agent(concat!("calls/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .timeout(opts.timeout)
            .connect_timeout(opts.timeout.min(Duration::from_secs(10)))
            .build()
            .context("cannot set up the HTTP client")?;
        let downloads = reqwest::Client::builder()
            .user_agent(concat!("calls/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(opts.timeout.min(Duration::from_secs(10)))
            .read_timeout(opts.timeout)
            .build()
            .context("cannot set up the HTTP client")?;
        let pacer = opts.rate.map(|rate| Arc::new(Pacer::new(rate)));
        Ok(Http {
            client,
            downloads,
            opts,
            pacer,
        })
    }

    pub fn options(&self) -> &HttpOptions {
        &self.opts
    }

    /// Starts a request; finish it with [`Http::send`].
    pub fn request(&self, method: Method, url: url::Url) -> reqwest::RequestBuilder {
        self.client.request(method, url)
    }

    /// Sends a request, retrying 429, 5xx, connection errors, timeouts and cut bodies. Other
    /// statuses (401, 404, 422, ...) come back as a `Reply` for the vendor to interpret.
    pub async fn send(&self, builder: reqwest::RequestBuilder) -> Result<Reply> {
        let request = builder.build().context("cannot build the request")?;
        let shown_url = redact::url(request.url());
        let method = request.method().clone();
        let attempts = self.opts.retries + 1;
        let mut last = String::new();
        for attempt in 1..=attempts {
            if let Some(pacer) = &self.pacer {
                pacer.wait().await;
            }
            let req = request
                .try_clone()
                .context("request body cannot be retried")?;
            if self.opts.verbose >= 2 {
                for (name, value) in req.headers() {
                    let value = value.to_str().unwrap_or("<binary>");
                    term::log(&format!(
                        "  > {name}: {}",
                        redact::header(name.as_str(), value)
                    ));
                }
            }
            let started = Instant::now();
            match self.attempt(req).await {
                Ok(reply) => {
                    self.log_line(
                        &method,
                        &shown_url,
                        &reply.status.to_string(),
                        started,
                        Some(reply.body.len()),
                    );
                    return Ok(Reply { shown_url, ..reply });
                }
                Err(Attempt::Fatal(e)) => {
                    self.log_line(&method, &shown_url, "failed", started, None);
                    return Err(e);
                }
                Err(Attempt::Retry(why, retry_after)) => {
                    last = why;
                    if attempt == attempts {
                        self.log_line(&method, &shown_url, &last, started, None);
                        break;
                    }
                    let delay = retry_after.unwrap_or_else(|| backoff(attempt));
                    self.log_line(
                        &method,
                        &shown_url,
                        &format!(
                            "{last}; retry {attempt}/{} in {:.1} s",
                            self.opts.retries,
                            delay.as_secs_f64()
                        ),
                        started,
                        None,
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
        Err(Failure::new(
            crate::error::Exit::Failed,
            format!("{method} {shown_url}: {last} (gave up after {attempts} attempts)"),
        )
        .hint(
            "the vendor or the network is failing; try again later, or raise --retries / --timeout",
        )
        .into())
    }

    /// One attempt: the request, its redirects followed by hand (credentials only while on the
    /// request's own origin), and the body read up to [`MAX_BODY`].
    async fn attempt(&self, first: reqwest::Request) -> Result<Reply, Attempt> {
        let origin = first.url().origin();
        let mut req = first;
        let mut hops = 0;
        let resp = loop {
            let current = req.url().clone();
            let method = req.method().clone();
            let again = req.try_clone();
            let started = Instant::now();
            let resp = match self.client.execute(req).await {
                Ok(r) => r,
                Err(e) => return Err(Attempt::Retry(describe(&e), None)),
            };
            let status = resp.status();
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                break resp;
            }
            hops += 1;
            let next = redirect_target(&current, resp.headers(), hops).map_err(Attempt::Fatal)?;
            let mut next_req = again.ok_or_else(|| {
                Attempt::Fatal(anyhow::anyhow!(
                    "{} redirected a request whose body cannot be sent again",
                    redact::url(&current)
                ))
            })?;
            let on_origin = next.origin() == origin;
            self.log_line(
                &method,
                &redact::url(&current),
                &format!(
                    "{status}, redirected to {} ({})",
                    redact::url(&next),
                    if on_origin {
                        "the API's own origin"
                    } else {
                        "another origin: no credentials"
                    }
                ),
                started,
                None,
            );
            // NOTE: 301/302/303 turn a POST into a GET without a body, as browsers and curl do;
            // 307/308 keep the method and body.
            if status == StatusCode::SEE_OTHER
                || (matches!(status.as_u16(), 301 | 302) && method == Method::POST)
            {
                *next_req.method_mut() = Method::GET;
                *next_req.body_mut() = None;
                next_req.headers_mut().remove(reqwest::header::CONTENT_TYPE);
                next_req
                    .headers_mut()
                    .remove(reqwest::header::CONTENT_LENGTH);
            }
            *next_req.url_mut() = next;
            if !on_origin {
                strip_credentials(&mut next_req);
            }
            req = next_req;
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(Attempt::Retry(status.to_string(), retry_after(&headers)));
        }
        match read_capped(resp, MAX_BODY).await {
            Ok(body) => Ok(Reply {
                status,
                headers,
                body,
                shown_url: String::new(),
            }),
            Err(BodyError::TooBig(shown)) => Err(Attempt::Fatal(
                Failure::new(
                    crate::error::Exit::Failed,
                    format!(
                        "{shown} sent a response over {} (the most calls reads as one page); refusing to read on",
                        human_bytes(MAX_BODY as u64)
                    ),
                )
                .hint("lower page_size in the profile, or check --base-url")
                .into(),
            )),
            Err(BodyError::Cut(e)) => Err(Attempt::Retry(
                format!("{status} with a cut body ({})", describe(&e)),
                None,
            )),
        }
    }

    fn log_line(
        &self,
        method: &Method,
        url: &str,
        outcome: &str,
        started: Instant,
        bytes: Option<usize>,
    ) {
        if self.opts.verbose == 0 {
            return;
        }
        let ms = started.elapsed().as_millis();
        let size = bytes
            .map(|b| format!(", {}", human_bytes(b as u64)))
            .unwrap_or_default();
        term::log(&format!("{method} {url} -> {outcome} ({ms} ms{size})"));
    }
}

/// Where a download goes: a file (restarted from zero on a retry) or stdout (no retry once
/// bytes are out).
pub enum DownloadTo<'a> {
    File(&'a mut tokio::fs::File),
    Stdout(&'a mut tokio::io::Stdout),
}

impl DownloadTo<'_> {
    async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        match self {
            DownloadTo::File(f) => f.write_all(bytes).await,
            DownloadTo::Stdout(o) => o.write_all(bytes).await,
        }
    }

    async fn restart(&mut self) -> std::io::Result<bool> {
        use tokio::io::AsyncSeekExt;
        match self {
            DownloadTo::File(f) => {
                f.set_len(0).await?;
                f.seek(std::io::SeekFrom::Start(0)).await?;
                Ok(true)
            }
            DownloadTo::Stdout(_) => Ok(false),
        }
    }
}

/// A completed download.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    pub bytes: u64,
    /// Hex SHA-256 of the bytes written.
    pub sha256: String,
}

/// Why a download attempt ended: worth another try (and whether bytes were written), or not.
enum DlError {
    Retry {
        why: String,
        after: Option<Duration>,
        wrote: bool,
    },
    Fail(anyhow::Error),
}

impl Http {
    /// Downloads a recording into `out`. `auth` goes with a request only while its URL has the
    /// API's origin (scheme, host, port): a recording elsewhere, or a redirect elsewhere, gets
    /// none. What is not audio (an HTML or JSON error page, an expired link, a 200 with an error
    /// body) is an error, as is a body shorter than its Content-Length.
    pub async fn download(
        &self,
        url: url::Url,
        api: &url::Origin,
        auth: &HeaderMap,
        mut out: DownloadTo<'_>,
    ) -> Result<Download> {
        let shown = redact::url(&url);
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.download_once(url.clone(), api, auth, &mut out).await {
                Ok(d) => return Ok(d),
                Err(DlError::Fail(e)) => return Err(e),
                Err(DlError::Retry { why, after, wrote }) => {
                    let can = attempt <= self.opts.retries && (!wrote || out.restart().await?);
                    if !can {
                        return Err(Failure::new(
                            crate::error::Exit::Failed,
                            format!("GET {shown}: {why} (gave up after {attempt} attempts)"),
                        )
                        .into());
                    }
                    let delay = after.unwrap_or_else(|| backoff(attempt));
                    if self.opts.verbose > 0 {
                        term::log(&format!(
                            "GET {shown} -> {why}; retry {attempt}/{} in {:.1} s",
                            self.opts.retries,
                            delay.as_secs_f64()
                        ));
                    }
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn download_once(
        &self,
        url: url::Url,
        api: &url::Origin,
        auth: &HeaderMap,
        out: &mut DownloadTo<'_>,
    ) -> Result<Download, DlError> {
        use futures_util::StreamExt;
        use sha2::Digest;
        let mut current = url;
        let mut hops = 0;
        let resp = loop {
            let with_auth = current.origin() == *api;
            if let Some(pacer) = self.pacer.as_ref().filter(|_| with_auth) {
                pacer.wait().await;
            }
            let mut req = self.downloads.get(current.clone());
            if with_auth {
                req = req.headers(auth.clone());
            }
            let started = Instant::now();
            let resp = req.send().await.map_err(|e| DlError::Retry {
                why: describe(&e),
                after: None,
                wrote: false,
            })?;
            if self.opts.verbose > 0 {
                let creds = if with_auth {
                    "credentials sent: the API's own host"
                } else {
                    "no credentials"
                };
                term::log(&format!(
                    "GET {} -> {} ({} ms, {creds})",
                    redact::url(&current),
                    resp.status(),
                    started.elapsed().as_millis()
                ));
            }
            if resp.status().is_redirection() {
                let location = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok());
                let next = location.and_then(|l| current.join(l).ok()).ok_or_else(|| {
                    DlError::Fail(anyhow::anyhow!(
                        "{} redirected without a usable Location",
                        redact::url(&current)
                    ))
                })?;
                hops += 1;
                if hops > 10 {
                    return Err(DlError::Fail(anyhow::anyhow!(
                        "too many redirects from {}",
                        redact::url(&current)
                    )));
                }
                // The next hop gets credentials only if it is on the API's origin itself.
                current = next;
                continue;
            }
            break resp;
        };
        let status = resp.status();
        let shown = redact::url(&current);
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(DlError::Retry {
                why: status.to_string(),
                after: retry_after(resp.headers()),
                wrote: false,
            });
        }
        let ctype = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !status.is_success() {
            let body = resp.text().await.unwrap_or_default();
            let why = if status == StatusCode::FORBIDDEN && body.contains("xpired") {
                " (the link has expired)"
            } else {
                ""
            };
            return Err(DlError::Fail(anyhow::anyhow!(
                "{status} from {shown}{why}: {}",
                snippet(&body)
            )));
        }
        let texty = ["text/", "json", "xml", "html"]
            .iter()
            .any(|t| ctype.contains(t));
        let expected = resp.content_length();
        let mut stream = resp.bytes_stream();
        let mut hasher = sha2::Sha256::new();
        let mut bytes = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| DlError::Retry {
                why: format!("the download was cut ({})", describe(&e)),
                after: None,
                wrote: bytes > 0,
            })?;
            if bytes == 0 && (texty || looks_like_text(&chunk)) {
                return Err(DlError::Fail(anyhow::anyhow!(
                    "{shown} answered {status} with {} instead of audio: {}",
                    if ctype.is_empty() {
                        "a text body"
                    } else {
                        ctype.as_str()
                    },
                    snippet(&String::from_utf8_lossy(&chunk))
                )));
            }
            out.write(&chunk).await.map_err(|e| {
                DlError::Fail(anyhow::Error::new(e).context("cannot write the recording"))
            })?;
            hasher.update(&chunk);
            bytes += chunk.len() as u64;
        }
        if bytes == 0 {
            return Err(DlError::Fail(anyhow::anyhow!(
                "{shown} answered {status} with an empty body"
            )));
        }
        if let Some(expected) = expected.filter(|e| *e != bytes) {
            return Err(DlError::Retry {
                why: format!("got {bytes} of {expected} bytes"),
                after: None,
                wrote: true,
            });
        }
        let sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Download { bytes, sha256 })
    }
}

/// Where a 3xx points, refused when it is unusable, not http(s), or the tenth hop.
fn redirect_target(current: &url::Url, headers: &HeaderMap, hops: u32) -> Result<url::Url> {
    if hops > 10 {
        anyhow::bail!("too many redirects from {}", redact::url(current));
    }
    let next = headers
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(|l| current.join(l).ok())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{} redirected without a usable Location",
                redact::url(current)
            )
        })?;
    if !matches!(next.scheme(), "http" | "https") {
        anyhow::bail!(
            "{} redirected to a {} URL; calls follows only http(s)",
            redact::url(current),
            next.scheme()
        );
    }
    Ok(next)
}

/// Headers that may go to another origin: nothing that could identify or authenticate us.
const CROSS_ORIGIN_HEADERS: &[reqwest::header::HeaderName] = &[
    reqwest::header::ACCEPT,
    reqwest::header::ACCEPT_ENCODING,
    reqwest::header::CONTENT_TYPE,
    reqwest::header::CONTENT_LENGTH,
    reqwest::header::USER_AGENT,
];

/// Makes a request fit for another origin: every header but the harmless few dropped (custom
/// auth headers included), and credential parameters removed from its URL.
pub fn strip_credentials(req: &mut reqwest::Request) {
    let kept: HeaderMap = req
        .headers()
        .iter()
        .filter(|(name, _)| CROSS_ORIGIN_HEADERS.contains(name))
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    *req.headers_mut() = kept;
    redact::strip_credential_params(req.url_mut());
}

enum BodyError {
    /// Redacted URL.
    TooBig(String),
    Cut(reqwest::Error),
}

/// The whole body, or an error once it passes `cap` bytes (checked against Content-Length
/// first, then as it arrives).
async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Bytes, BodyError> {
    let shown = redact::url(resp.url());
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(BodyError::TooBig(shown));
    }
    let mut body = bytes::BytesMut::with_capacity(
        resp.content_length().map_or(0, |n| n as usize).min(1 << 20),
    );
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Cut)? {
        if body.len() + chunk.len() > cap {
            return Err(BodyError::TooBig(shown));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// An error body or a JSON document, not audio.
fn looks_like_text(head: &[u8]) -> bool {
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    start.is_some_and(|i| matches!(head[i], b'<' | b'{' | b'['))
}

/// The start of an error body, on one line, secrets scrubbed.
fn snippet(body: &str) -> String {
    let one: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = one.chars().take(160).collect();
    redact::scrub(&cut)
}

/// A reqwest error in words, without its URL (which may carry a key).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the response was cut"
    } else {
        "request failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    let detail = redact::scrub(&detail);
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}

/// Exponential backoff with jitter: about 0.2 s, 0.4 s, 0.8 s ... at most 10 s.
fn backoff(attempt: u32) -> Duration {
    let ceiling = (200u64 << attempt.min(10).saturating_sub(1)).min(10_000);
    let jitter = jitter_fraction();
    Duration::from_millis(ceiling / 2 + (ceiling as f64 / 2.0 * jitter) as u64)
}

fn jitter_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() % 10_000) as f64 / 10_000.0
}

/// `Retry-After` as seconds or an HTTP date; capped at five minutes.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
            .to_std()
            .unwrap_or_default()
    };
    Some(wait.min(Duration::from_secs(300)))
}

pub fn human_bytes(n: u64) -> String {
    match n {
        n if n < 1_000 => format!("{n} B"),
        n if n < 1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        n if n < 1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        n => format!("{:.2} GB", n as f64 / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..20 {
            let d = backoff(attempt);
            let ceiling = (200u64 << (attempt.min(10) - 1)).min(10_000);
            assert!(
                d.as_millis() as u64 >= ceiling / 2 && d.as_millis() as u64 <= ceiling,
                "{attempt}: {d:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_is_shared_by_concurrent_requests() {
        // Virtual time: 3 tasks x 4 requests at 10/s take 1.1 s (12 slots, the first at once).
        let pacer = Arc::new(Pacer::new(10.0));
        let start = tokio::time::Instant::now();
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let p = pacer.clone();
                tokio::spawn(async move {
                    for _ in 0..4 {
                        p.wait().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(start.elapsed(), Duration::from_millis(1100));
    }

    #[test]
    fn retry_after_in_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(
            reqwest::header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(reqwest::header::RETRY_AFTER, "99999".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(300)));
    }
}
