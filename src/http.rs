//! The one HTTP layer: timeouts, retries with backoff and jitter, `Retry-After`, rate limiting
//! and `-v` request logging with secrets redacted. Vendors add only their auth and error bodies.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

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
    /// How many of them may go at once before the rate applies (1 for `--rate`; a vendor's
    /// documented burst for its default).
    pub burst: u32,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(30),
            retries: 5,
            verbose: 0,
            rate: None,
            burst: 1,
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
    /// `T` may borrow from the body (`&RawValue` records: no copy of each).
    pub fn json<'a, T: serde::Deserialize<'a>>(&'a self, vendor: &str) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| self.not_json(vendor, e))
    }

    /// The error for a body that does not parse, naming HTML pages for what they are.
    pub fn not_json(&self, vendor: &str, err: serde_json::Error) -> anyhow::Error {
        if self.is_html() {
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

    /// True when the body is an HTML page, whatever the Content-Type says: a firewall in front
    /// of an API answers so even under `application/json`.
    pub fn is_html(&self) -> bool {
        let ctype = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let head = String::from_utf8_lossy(&self.body[..self.body.len().min(512)]).to_lowercase();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        ctype.contains("html")
            || ["<!doctype html", "<html", "<head", "<body", "<title"]
                .iter()
                .any(|t| head.starts_with(t))
    }

    /// What an HTML body says, for a message: its text without tags, scripts and styles, a few
    /// entities decoded, control characters and runs of blanks as one space, secrets scrubbed,
    /// at most `max` characters (from the first 64 KiB).
    pub fn html_excerpt(&self, max: usize) -> String {
        let page = String::from_utf8_lossy(&self.body[..self.body.len().min(64 * 1024)]);
        let text = redact::scrub(&html_text(&page));
        match text.char_indices().nth(max) {
            Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
            None => text,
        }
    }
}

/// The visible text of an HTML page, on one line.
fn html_text(page: &str) -> String {
    let mut out = String::with_capacity(page.len().min(4096));
    let lower = page.to_ascii_lowercase();
    let mut i = 0;
    while i < page.len() {
        let rest = &page[i..];
        if !rest.starts_with('<') {
            let end = rest.find('<').map_or(page.len(), |n| i + n);
            out.push_str(&page[i..end]);
            i = end;
            continue;
        }
        out.push(' ');
        // A script's or a style's content is no text; neither is a comment.
        let skip_to = ["script", "style"]
            .iter()
            .find(|t| {
                lower[i + 1..].starts_with(*t)
                    && !lower[i + 1 + t.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
            })
            .map(|t| format!("</{t}"))
            .or_else(|| rest.starts_with("<!--").then(|| "-->".to_string()));
        let from = match &skip_to {
            Some(close) => lower[i..]
                .find(close.as_str())
                .map_or(page.len(), |n| i + n),
            None => i,
        };
        i = page[from..].find('>').map_or(page.len(), |n| from + n + 1);
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded
        .split(|c: char| c.is_whitespace() || c.is_control() || c == '\u{feff}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A shared client; cheap to clone.
#[derive(Clone, Debug)]
pub struct Http {
    client: reqwest::Client,
    /// For recordings: follows no redirect by itself, so credentials can be dropped per hop.
    downloads: reqwest::Client,
    opts: HttpOptions,
    pacer: Option<Arc<crate::pace::Bucket>>,
    /// The vendor's rate-limit signals, shared by every request of the run.
    signals: Arc<crate::pace::Signals>,
    /// API requests sent (each attempt), by this client and its clones.
    sent: Arc<AtomicU64>,
}

/// Why one attempt did not produce a final answer: worth another try (with the vendor's
/// `Retry-After`, if it sent one), or an answer no retry can mend.
enum Attempt {
    Retry(String, Option<Duration>),
    /// A 429, with when to come back if the vendor said (and its headers).
    Limited(String, Option<Duration>, HeaderMap),
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
        let pacer = opts
            .rate
            .map(|rate| Arc::new(crate::pace::Bucket::new(rate, opts.burst)));
        Ok(Http {
            client,
            downloads,
            opts,
            pacer,
            signals: Arc::default(),
            sent: Arc::default(),
        })
    }

    pub fn options(&self) -> &HttpOptions {
        &self.opts
    }

    /// API requests sent so far (each attempt, retries included), by this client and its clones.
    pub fn requests(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
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
        let host = request.url().host_str().unwrap_or("the vendor").to_string();
        let attempts = self.opts.retries + 1;
        // Attempts that failed (a 429 that says when to come back is not one of them).
        let mut failed = 0;
        let mut last;
        loop {
            if let Some(pacer) = &self.pacer {
                pacer.wait().await;
            }
            let slot = self.signals.admit().await;
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
            self.sent.fetch_add(1, Ordering::Relaxed);
            let outcome = self.attempt(req).await;
            drop(slot);
            let (why, retry_after) = match outcome {
                Ok(reply) => {
                    self.signals.observe(&reply.headers);
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
                Err(Attempt::Limited(why, Some(wait), headers)) => {
                    // NOTE: the vendor said when: every request of the run waits, and the
                    // attempt does not count against --retries (SPEC "Rate limits").
                    self.signals.observe(&headers);
                    self.signals.pause(wait, &host)?;
                    self.log_line(
                        &method,
                        &shown_url,
                        &format!(
                            "{why}; the vendor's rate limit: every request waits {:.1} s",
                            wait.as_secs_f64()
                        ),
                        started,
                        None,
                    );
                    continue;
                }
                Err(Attempt::Limited(why, None, _)) => (why, None),
                Err(Attempt::Retry(why, after)) => (why, after),
            };
            failed += 1;
            last = why;
            if failed == attempts {
                self.log_line(&method, &shown_url, &last, started, None);
                break;
            }
            let delay = retry_after.unwrap_or_else(|| backoff(failed));
            self.log_line(
                &method,
                &shown_url,
                &format!(
                    "{last}; retry {failed}/{} in {:.1} s",
                    self.opts.retries,
                    delay.as_secs_f64()
                ),
                started,
                None,
            );
            tokio::time::sleep(delay).await;
        }
        Err(Failure::new(
            crate::error::Exit::Failed,
            format!(
                "{method} {shown_url}: {last} (gave up after {})",
                crate::term::count(u64::from(attempts), "attempt", "attempts")
            ),
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
        if status == StatusCode::TOO_MANY_REQUESTS {
            // When to come back: Retry-After, else the window's reset, else the body's
            // `retry_after` (Famulor's only one).
            let body = read_capped(resp, 64 << 10).await.unwrap_or_default();
            let wait = retry_after(&headers)
                .or_else(|| crate::pace::reset_in(&headers))
                .or_else(|| crate::pace::body_wait(&body));
            return Err(Attempt::Limited(status.to_string(), wait, headers));
        }
        if status.is_server_error() {
            return Err(Attempt::Retry(status.to_string(), retry_after(&headers)));
        }
        match read_capped(resp, MAX_BODY).await {
            Ok(body) => Ok(Reply {
                status,
                headers,
                // The one place a vendor's lone surrogates become U+FFFD (see the function).
                body: crate::call::mend_surrogates(&body).map_or(body, Bytes::from),
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
            DownloadTo::File(f) => {
                if let Some(budget) = disk_budget() {
                    let len = bytes.len() as u64;
                    let left = budget
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                            Some(left.saturating_sub(len))
                        })
                        .unwrap_or(0);
                    if left < len {
                        // What fits is written, as on a disk that fills up mid-write.
                        f.write_all(&bytes[..left as usize]).await?;
                        return Err(disk_full());
                    }
                }
                f.write_all(bytes).await
            }
            DownloadTo::Stdout(o) => o.write_all(bytes).await,
        }
    }

    /// Hands what was written on: a write's error can come only now (a file writes in the
    /// background), so this is checked like every write.
    async fn flush(&mut self) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        match self {
            DownloadTo::File(f) => f.flush().await,
            DownloadTo::Stdout(o) => o.flush().await,
        }
    }

    async fn restart(&mut self) -> std::io::Result<bool> {
        use tokio::io::{AsyncSeekExt, AsyncWriteExt};
        match self {
            DownloadTo::File(f) => {
                f.flush().await?;
                f.set_len(0).await?;
                f.seek(std::io::SeekFrom::Start(0)).await?;
                Ok(true)
            }
            DownloadTo::Stdout(_) => Ok(false),
        }
    }
}

/// NOTE: fault injection for the tests, like the sandbox's: with `CALLS_FAULT_DISK_BYTES=N`,
/// recording files fail with "no space left on device" once N bytes have been written to them
/// in this process, as on a full disk (stdout is not affected). Read once.
fn disk_budget() -> Option<&'static AtomicU64> {
    static BUDGET: OnceLock<Option<AtomicU64>> = OnceLock::new();
    BUDGET
        .get_or_init(|| {
            std::env::var("CALLS_FAULT_DISK_BYTES")
                .ok()
                .and_then(|v| v.parse().ok())
                .map(AtomicU64::new)
        })
        .as_ref()
}

fn disk_full() -> std::io::Error {
    #[cfg(unix)]
    return std::io::Error::from_raw_os_error(libc::ENOSPC);
    #[cfg(not(unix))]
    return std::io::Error::from(std::io::ErrorKind::StorageFull);
}

/// A completed download.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    pub bytes: u64,
    /// Hex SHA-256 of the bytes written.
    pub sha256: String,
    /// What the file is, as an extension (`wav`, `mp3`, ...): by its audio header, and by
    /// its Content-Type where the header is shared (see [`audio_kind`]).
    pub ext: &'static str,
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

/// The slowest average rate a download may have past `--timeout`: its overall deadline is
/// `--timeout` plus one second for every 16 KiB of its size.
pub const MIN_RATE: u64 = 16 * 1024;

/// How many bytes of a body are enough to tell audio by its magic number.
const MAGIC_LEN: usize = 12;

/// How much of an error body is read, for its message.
const ERROR_BODY: usize = 4096;

impl Http {
    /// Downloads a recording into `out`. `auth` goes with a request only while its URL has the
    /// API's origin (scheme, host, port): a recording elsewhere, or a redirect elsewhere, gets
    /// none, and no request carries a `Referer`. What does not start like audio (an HTML, XML
    /// or JSON error page, with or without a byte-order mark, whatever its Content-Type) is an
    /// error, as is a body shorter than its Content-Length. `--timeout` bounds a stalled read;
    /// an overall deadline (`--timeout` plus a second per [`MIN_RATE`] bytes) bounds a server
    /// that keeps sending a trickle. The body streams through; nothing holds it whole.
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
                            format!(
                                "GET {shown}: {why} (gave up after {})",
                                crate::term::count(u64::from(attempt), "attempt", "attempts")
                            ),
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

    /// When an attempt that started at `start` must be over, `size` bytes long (as far as is
    /// known).
    fn deadline(&self, start: tokio::time::Instant, size: u64) -> tokio::time::Instant {
        // A Content-Length from the server can be anything: no overflow, a far future at most.
        start
            .checked_add(self.allowed(size))
            .unwrap_or_else(|| start + Duration::from_secs(30 * 365 * 86_400))
    }

    /// How long a download of `size` bytes may take in all.
    fn allowed(&self, size: u64) -> Duration {
        let transfer =
            Duration::try_from_secs_f64(size as f64 / MIN_RATE as f64).unwrap_or(Duration::MAX);
        self.opts.timeout.saturating_add(transfer)
    }

    /// The message for a download past its overall deadline.
    fn late(&self, size: u64, received: u64, expected: Option<u64>, wrote: bool) -> DlError {
        let of = expected.map_or_else(|| "?".to_string(), |e| e.to_string());
        DlError::Retry {
            why: format!(
                "the overall deadline of {:.1} s for this download passed (--timeout {} s plus \
                 1 s per 16 KiB), {received} of {of} bytes received",
                self.allowed(size).as_secs_f64(),
                self.opts.timeout.as_secs_f64()
            ),
            after: None,
            wrote,
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
        // The clock of the overall deadline; time spent waiting for the rate limit is not
        // the server's.
        let mut start = tokio::time::Instant::now();
        let resp = loop {
            let with_auth = current.origin() == *api;
            if let Some(pacer) = self.pacer.as_ref().filter(|_| with_auth) {
                let waiting = tokio::time::Instant::now();
                pacer.wait().await;
                start += waiting.elapsed();
            }
            let mut req = self.downloads.get(current.clone());
            if with_auth {
                req = req.headers(auth.clone());
            }
            let started = Instant::now();
            let resp = tokio::time::timeout_at(self.deadline(start, 0), req.send())
                .await
                .map_err(|_| self.late(0, 0, None, false))?
                .map_err(|e| DlError::Retry {
                    why: describe(&e),
                    after: None,
                    wrote: false,
                })?;
            if self.opts.verbose > 0 {
                let creds = if with_auth && !auth.is_empty() {
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
                hops += 1;
                let next =
                    redirect_target(&current, resp.headers(), hops).map_err(DlError::Fail)?;
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
        let expected = resp.content_length();
        let mut stream = resp.bytes_stream();
        if !status.is_success() {
            // The start of the error body, for the message; never more.
            let mut body = Vec::new();
            let until = self.deadline(start, ERROR_BODY as u64);
            while body.len() < ERROR_BODY {
                match tokio::time::timeout_at(until, stream.next()).await {
                    Ok(Some(Ok(chunk))) => body.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            body.truncate(ERROR_BODY);
            let body = String::from_utf8_lossy(&body);
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
        let mut hasher = sha2::Sha256::new();
        let mut bytes = 0u64;
        let mut written = 0u64;
        // Held back until it shows audio: nothing is written before that.
        let mut head: Option<Vec<u8>> = Some(Vec::new());
        let mut ext = "";
        loop {
            let size = expected.unwrap_or(0).max(bytes);
            let next = tokio::time::timeout_at(self.deadline(start, size), stream.next())
                .await
                .map_err(|_| self.late(size, bytes, expected, written > 0))?;
            let chunk = match next {
                Some(Ok(chunk)) => chunk,
                Some(Err(e)) => {
                    let why = if e.is_timeout() {
                        format!(
                            "the download stalled: nothing arrived for {} s (--timeout), {bytes} \
                             bytes received",
                            self.opts.timeout.as_secs_f64()
                        )
                    } else {
                        format!("the download was cut ({})", describe(&e))
                    };
                    return Err(DlError::Retry {
                        why,
                        after: None,
                        wrote: written > 0,
                    });
                }
                None => break,
            };
            hasher.update(&chunk);
            bytes += chunk.len() as u64;
            let ready = match head.as_mut() {
                Some(h) => {
                    h.extend_from_slice(&chunk);
                    if h.len() < MAGIC_LEN {
                        continue;
                    }
                    let h = head.take().unwrap_or_default();
                    ext = not_audio(&h, &shown, status, &ctype)?;
                    bytes::Bytes::from(h)
                }
                None => chunk,
            };
            write(out, &ready).await?;
            written += ready.len() as u64;
        }
        if let Some(h) = head.take() {
            if h.is_empty() {
                return Err(DlError::Fail(anyhow::anyhow!(
                    "{shown} answered {status} with an empty body"
                )));
            }
            ext = not_audio(&h, &shown, status, &ctype)?;
            write(out, &h).await?;
        }
        out.flush().await.map_err(|e| {
            DlError::Fail(anyhow::Error::new(e).context("cannot write the recording"))
        })?;
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
        Ok(Download { bytes, sha256, ext })
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

async fn write(out: &mut DownloadTo<'_>, bytes: &[u8]) -> Result<(), DlError> {
    out.write(bytes)
        .await
        .map_err(|e| DlError::Fail(anyhow::Error::new(e).context("cannot write the recording")))
}

/// The kind of audio `head` starts with (see [`audio_kind`]), else the error for a body that
/// does not start like audio, saying what it starts with.
fn not_audio(
    head: &[u8],
    shown: &str,
    status: StatusCode,
    ctype: &str,
) -> Result<&'static str, DlError> {
    if let Some(ext) = audio_kind(head, ctype) {
        return Ok(ext);
    }
    let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02X}")).collect();
    Err(DlError::Fail(anyhow::anyhow!(
        "{shown} answered {status} with {} instead of audio (it starts with {}): {}",
        if ctype.is_empty() {
            "no Content-Type"
        } else {
            ctype
        },
        hex.join(" "),
        snippet(&String::from_utf8_lossy(head))
    )))
}

/// True when `head` starts with the magic number of an audio file: MP3 (ID3 tag, or an MPEG
/// frame sync, which ADTS AAC shares), WAV (RIFF or RF64 ... WAVE), Ogg (Vorbis, Opus), FLAC,
/// MP4/M4A (`ftyp` box), WebM/Matroska, AMR, AU, AIFF and CAF. Nothing is skipped first: an
/// error page behind a byte-order mark is not audio.
pub fn is_audio(head: &[u8]) -> bool {
    audio_kind(head, "").is_some()
}

/// The extension of the audio `head` starts with (see [`is_audio`]), `None` when it is not
/// audio. NOTE: the file decides, not its URL: myCRM links end in `.mp3` whatever they serve
/// (its sandbox, like the vendor, serves WAV). Where a header is shared, `content_type` tells
/// them apart: an MPEG frame sync is MP3 unless it is ADTS (layer bits 00) or said to be
/// `audio/aac`; Ogg is `.ogg` unless said to be Opus.
pub fn audio_kind(head: &[u8], content_type: &str) -> Option<&'static str> {
    let at = |i: usize, magic: &[u8]| head.get(i..i + magic.len()) == Some(magic);
    let said = |what: &str| content_type.to_ascii_lowercase().contains(what);
    if at(0, b"ID3") {
        Some(if said("aac") { "aac" } else { "mp3" })
    } else if head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0 {
        Some(if head[1] & 0x06 == 0 || said("aac") {
            "aac"
        } else {
            "mp3"
        })
    } else if (at(0, b"RIFF") || at(0, b"RF64")) && at(8, b"WAVE") {
        Some("wav")
    } else if at(0, b"OggS") {
        Some(if said("opus") { "opus" } else { "ogg" })
    } else if at(0, b"fLaC") {
        Some("flac")
    } else if at(4, b"ftyp") {
        Some("m4a")
    } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("webm")
    } else if at(0, b"#!AMR") {
        Some("amr")
    } else if at(0, b".snd") {
        Some("au")
    } else if at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) {
        Some("aiff")
    } else if at(0, b"caff") {
        Some("caf")
    } else {
        None
    }
}

/// Every extension [`audio_kind`] gives (and `gsm`, which an earlier `calls` took from URLs):
/// where a complete recording may already be.
pub const AUDIO_EXTENSIONS: [&str; 13] = [
    "mp3", "aac", "wav", "ogg", "opus", "flac", "m4a", "webm", "amr", "au", "aiff", "caf", "gsm",
];

/// The start of an error body, on one line, without control characters, secrets scrubbed.
fn snippet(body: &str) -> String {
    let one: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = one
        .chars()
        .take(160)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
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

/// `Retry-After` as seconds or an HTTP date (a 429 that asks for more than five minutes fails
/// the run: see `pace::Signals::pause`).
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
    Some(wait)
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

    fn reply(ctype: &str, body: &str) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::CONTENT_TYPE, ctype.parse().unwrap());
        Reply {
            status: StatusCode::FORBIDDEN,
            headers,
            body: Bytes::from(body.to_string()),
            shown_url: "http://x/".into(),
        }
    }

    /// A firewall's page is HTML whatever its Content-Type; its excerpt is its text alone, cut
    /// at a character, never inside one.
    #[test]
    fn html_pages_are_known_and_reduced_to_their_text() {
        let page = "\u{feff}  <TITLE>Zugriff verweigert</TITLE><SCRIPT type=x>if (a<b) {}</SCRIPT>\
                    <body><p>Ärger &amp; Ölpreise</p>\n\t<scripts-not>ok</scripts-not></body>";
        let r = reply("application/json", page);
        assert!(r.is_html());
        assert_eq!(
            r.html_excerpt(200),
            "Zugriff verweigert Ärger & Ölpreise ok"
        );
        assert_eq!(r.html_excerpt(20), "Zugriff verweigert Ä…");
        assert!(!reply("application/json", r#"{"message": "<b>no</b>"}"#).is_html());
        assert!(reply("text/html; charset=utf-8", "Forbidden").is_html());
    }

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
        let pacer = Arc::new(crate::pace::Bucket::new(10.0, 1));
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
    fn audio_is_told_by_its_magic_number() {
        let wav = crate::sandbox::wav(1, 10);
        let mut m4a = b"\0\0\0\x20ftypM4A isom".to_vec();
        m4a.extend_from_slice(&[0; 8]);
        // Each kind with the extension it is saved with, whatever its URL or Content-Type says
        // (an ADTS or Opus stream only by what the header or Content-Type tells).
        for (audio, ctype, ext) in [
            (&b"ID3\x04\0\0\0\0\0\0\0\0"[..], "audio/mpeg", "mp3"),
            (&[0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0], "", "mp3"),
            (
                &[0xFF, 0xF3, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0],
                "audio/wav",
                "mp3",
            ),
            (&[0xFF, 0xF1, 0x50, 0x80, 0, 0, 0, 0, 0, 0, 0, 0], "", "aac"),
            (
                &[0xFF, 0xF9, 0x50, 0x80, 0, 0, 0, 0, 0, 0, 0, 0],
                "audio/mpeg",
                "aac",
            ),
            (&b"ID3\x04\0\0\0\0\0\0\0\0"[..], "audio/AAC", "aac"),
            (&wav, "audio/mpeg", "wav"),
            (&wav, "", "wav"),
            (
                b"RF64\xff\xff\xff\xffWAVEds64",
                "application/octet-stream",
                "wav",
            ),
            (b"OggS\0\x02\0\0\0\0\0\0", "audio/ogg", "ogg"),
            (b"OggS\0\x02\0\0\0\0\0\0", "audio/ogg; codecs=opus", "opus"),
            (b"fLaC\0\0\0\x22\0\0\0\0", "audio/mpeg", "flac"),
            (&m4a, "audio/mp4", "m4a"),
            (
                &[0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 1, 0, 0, 0],
                "",
                "webm",
            ),
            (b"#!AMR\n\x3c\0\0\0\0\0", "", "amr"),
            (b"#!AMR-WB\n\0\0\0", "", "amr"),
            (b".snd\0\0\0\x18\0\0\0\0", "", "au"),
            (b"FORM\0\0\0\0AIFF", "", "aiff"),
            (b"FORM\0\0\0\0AIFC", "", "aiff"),
            (b"caff\0\x01\0\0desc", "", "caf"),
        ] {
            assert!(is_audio(audio), "{:?}", String::from_utf8_lossy(audio));
            assert_eq!(
                audio_kind(audio, ctype),
                Some(ext),
                "{:?} {ctype}",
                String::from_utf8_lossy(audio)
            );
            assert!(AUDIO_EXTENSIONS.contains(&ext));
        }
        for not in [
            &b"\xEF\xBB\xBF<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code>"[..],
            b"<?xml version=\"1.0\"?><Error>",
            b"{\"error\":\"file not found\"}",
            b"<!DOCTYPE html><html>",
            b"RIFF\0\0\0\0AVI LIST",
            b"Not Found",
            b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01",
            b"",
            b"ID",
        ] {
            assert!(!is_audio(not), "{:?}", String::from_utf8_lossy(not));
        }
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
        assert_eq!(retry_after(&h), Some(Duration::from_secs(99999)));
    }
}
