//! The run's pace, shared by every request of it (SPEC "Rate limits"): `--rate` (or the vendor's
//! documented limit) as a token bucket, and the vendor's own signals: `X-RateLimit-*` /
//! `RateLimit-*` headers slow every request before the vendor refuses, and a 429 that says when
//! to come back pauses them all.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

use crate::error::{Exit, Failure};

/// At most `rate` requests a second on average, `burst` at once: a token bucket shared by
/// concurrent tasks (each request reserves the next token, waiting if none is left).
#[derive(Debug)]
pub struct Bucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    pub fn new(rate: f64, burst: u32) -> Bucket {
        let burst = f64::from(burst.max(1));
        Bucket {
            rate,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    pub async fn wait(&self) {
        let wait = {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let refill = now.duration_since(st.1).as_secs_f64() * self.rate;
            st.0 = (st.0 + refill).min(self.burst) - 1.0;
            st.1 = now;
            if st.0 >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-st.0 / self.rate)
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// The longest single wait a 429 may ask for, and the most waiting in one run (SPEC).
pub const MAX_WAIT: Duration = Duration::from_secs(5 * 60);
pub const MAX_WAITING: Duration = Duration::from_secs(30 * 60);

/// What the vendor's rate-limit signals say.
#[derive(Debug, Default)]
pub struct Signals {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Nothing is sent before this: a 429 said when to come back.
    paused_until: Option<Instant>,
    /// The vendor's current window, from its headers.
    window: Option<Window>,
    /// Requests sent and not yet answered: they count against the window's remaining.
    in_flight: u64,
    /// Time spent in 429 pauses this run.
    waited: Duration,
    /// The limit the vendor stated, for messages.
    limit: Option<u64>,
    /// Without headers, what a 429 taught: how many requests a window takes, and how long.
    learned: Option<(u64, Duration)>,
    /// Since the current window began (its first request): when, and how many were answered.
    began: Option<Instant>,
    answered: u64,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    remaining: u64,
    reset: Instant,
    /// A learned window counts its requests here; a vendor's headers count them for it.
    counted: bool,
}

/// A request admitted by [`Signals::admit`]; dropping it marks the request answered.
pub struct Slot<'a>(&'a Signals);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut st = self.0.lock();
        st.in_flight = st.in_flight.saturating_sub(1);
    }
}

/// A little past the vendor's reset: its clock and ours are not the same clock.
const MARGIN: Duration = Duration::from_millis(50);

impl Signals {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a request may go: no 429 pause in force, and the vendor's window has a
    /// request left beyond those already in flight (else until it resets).
    pub async fn admit(&self) -> Slot<'_> {
        loop {
            let until = {
                let mut st = self.lock();
                let now = Instant::now();
                if st.window.is_some_and(|w| w.reset + MARGIN <= now) {
                    st.window = None;
                    st.began = None;
                    st.answered = 0;
                }
                if st.window.is_none() && st.paused_until.is_none_or(|p| p <= now) {
                    if let Some((requests, length)) = st.learned {
                        st.window = Some(Window {
                            remaining: requests,
                            reset: now + length,
                            counted: true,
                        });
                    }
                }
                let wait = match (st.paused_until, st.window) {
                    (Some(p), _) if p > now => Some(p),
                    (_, Some(w)) if w.counted && w.remaining == 0 => Some(w.reset + MARGIN),
                    (_, Some(w)) if !w.counted && w.remaining <= st.in_flight => {
                        Some(w.reset + MARGIN)
                    }
                    _ => None,
                };
                if wait.is_none() {
                    st.in_flight += 1;
                    st.began.get_or_insert(now);
                    if let Some(w) = st.window.as_mut().filter(|w| w.counted) {
                        w.remaining -= 1;
                    }
                }
                wait
            };
            match until {
                None => return Slot(self),
                Some(t) => tokio::time::sleep_until(t).await,
            }
        }
    }

    /// Reads the rate-limit headers of any response.
    pub fn observe(&self, headers: &HeaderMap) {
        let remaining = number(headers, &["x-ratelimit-remaining", "ratelimit-remaining"]);
        let reset = reset_in(headers);
        let mut st = self.lock();
        st.answered += 1;
        if let Some(l) = number(headers, &["x-ratelimit-limit", "ratelimit-limit"]) {
            st.limit = Some(l);
        }
        let (Some(remaining), Some(reset)) = (remaining, reset) else {
            return;
        };
        let reset = Instant::now() + reset;
        // NOTE: answers to requests in flight at once come back in any order: within one
        // window (the same reset, give or take a second) the smallest remaining is the truth.
        st.window = Some(match st.window {
            Some(w)
                if !w.counted
                    && w.reset.max(reset) - w.reset.min(reset) <= Duration::from_secs(1) =>
            {
                Window {
                    remaining: w.remaining.min(remaining),
                    reset: w.reset.max(reset),
                    counted: false,
                }
            }
            _ => Window {
                remaining,
                reset,
                counted: false,
            },
        });
        st.learned = None;
    }

    /// A 429 that said when to come back: every request waits that long. Over the bounds of
    /// SPEC (one wait over 5 minutes, or 30 minutes in all) the run fails, naming the limit.
    pub fn pause(&self, wait: Duration, vendor_host: &str) -> Result<(), Failure> {
        let mut st = self.lock();
        let now = Instant::now();
        // NOTE: a vendor that sends no rate-limit headers (Famulor's 429 has only a body) is
        // learned from: the window took the requests answered since it began, and lasts until
        // the pause ends. The next windows are paced to that, a request short.
        let headers_known = st.window.is_some_and(|w| !w.counted);
        if !headers_known {
            if let Some(began) = st.began {
                let length = (now + wait).saturating_duration_since(began);
                if st.answered > 1 && !length.is_zero() {
                    st.learned = Some((st.answered - 1, length));
                }
            }
            st.window = None;
        }
        st.began = None;
        st.answered = 0;
        let limit = st
            .limit
            .map(|l| format!(" (its limit: {l} requests a window)"))
            .unwrap_or_default();
        if wait > MAX_WAIT {
            return Err(Failure::new(
                Exit::Failed,
                format!(
                    "{vendor_host} asked calls to wait {} s{limit}: more than 5 minutes",
                    wait.as_secs()
                ),
            )
            .hint("the vendor's rate limit is used up; try again later, or lower --rate"));
        }
        st.waited += wait;
        if st.waited > MAX_WAITING {
            return Err(Failure::new(
                Exit::Failed,
                format!(
                    "{vendor_host} kept refusing for its rate limit{limit}: over 30 minutes of waiting in this run"
                ),
            )
            .hint("something else may share the same API key; lower --rate, or run later"));
        }
        let until = now + wait;
        st.paused_until = Some(st.paused_until.map_or(until, |p| p.max(until)));
        Ok(())
    }
}

fn number(headers: &HeaderMap, names: &[&str]) -> Option<u64> {
    names.iter().find_map(|n| {
        headers
            .get(*n)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0 && *v < 1e12)
            .map(|v| v as u64)
    })
}

/// When the window resets, from `X-RateLimit-Reset` (epoch seconds, or seconds from now when
/// small) or `RateLimit-Reset` (seconds from now).
pub fn reset_in(headers: &HeaderMap) -> Option<Duration> {
    let value = number(headers, &["x-ratelimit-reset", "ratelimit-reset"])?;
    // NOTE: an epoch is after 2001 (1e9); a delay is not that long.
    if value >= 1_000_000_000 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Some(Duration::from_secs(value).saturating_sub(now))
    } else {
        Some(Duration::from_secs(value))
    }
}

/// `retry_after` / `retryAfter` (seconds) in a 429's JSON body, as Famulor sends it.
pub fn body_wait(body: &[u8]) -> Option<Duration> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let field = ["retry_after", "retryAfter"]
        .iter()
        .find_map(|k| v.get(k).or_else(|| v.get("error").and_then(|e| e.get(k))))?;
    let secs = match field {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (0.0..1e9)
        .contains(&secs)
        .then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn the_bucket_allows_a_burst_then_its_rate() {
        let b = Bucket::new(2.0, 3);
        let start = Instant::now();
        for _ in 0..3 {
            b.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        for _ in 0..4 {
            b.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_used_up_window_holds_every_request_until_it_resets() {
        let s = Signals::default();
        let slot = s.admit().await;
        s.observe(&headers(&[
            ("x-ratelimit-limit", "30"),
            ("x-ratelimit-remaining", "1"),
            ("x-ratelimit-reset", "3"),
        ]));
        drop(slot);
        let start = Instant::now();
        let one = s.admit().await; // the one left
        assert_eq!(start.elapsed(), Duration::ZERO);
        drop(one);
        s.observe(&headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "3"),
        ]));
        let _next = s.admit().await;
        assert_eq!(start.elapsed(), Duration::from_secs(3) + MARGIN);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_in_flight_count_against_the_window() {
        let s = Signals::default();
        s.observe(&headers(&[
            ("ratelimit-remaining", "2"),
            ("ratelimit-reset", "10"),
        ]));
        let start = Instant::now();
        let (_a, _b) = (s.admit().await, s.admit().await);
        assert_eq!(start.elapsed(), Duration::ZERO);
        let _c = s.admit().await;
        assert_eq!(start.elapsed(), Duration::from_secs(10) + MARGIN);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_everyone_and_is_bounded() {
        let s = Signals::default();
        s.pause(Duration::from_secs(60), "h").unwrap();
        let start = Instant::now();
        let _a = s.admit().await;
        assert_eq!(start.elapsed(), Duration::from_secs(60));
        assert!(s.pause(Duration::from_secs(301), "h").is_err());
        for _ in 0..29 {
            s.pause(Duration::from_secs(60), "h").unwrap();
        }
        let err = s.pause(Duration::from_secs(60), "h").unwrap_err();
        assert!(err.message.contains("over 30 minutes"), "{}", err.message);
    }

    #[test]
    fn waits_are_read_from_bodies_and_reset_headers() {
        assert_eq!(
            body_wait(br#"{"error":"Rate limit exceeded","retry_after":60}"#),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            body_wait(br#"{"retryAfter":"2.5"}"#),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(
            body_wait(br#"{"error":{"retry_after":3}}"#),
            Some(Duration::from_secs(3))
        );
        assert_eq!(body_wait(br#"{"retry_after":-1}"#), None);
        assert_eq!(body_wait(b"<html>"), None);
        assert_eq!(
            reset_in(&headers(&[("x-ratelimit-reset", "7")])),
            Some(Duration::from_secs(7))
        );
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 100;
        let got = reset_in(&headers(&[("x-ratelimit-reset", &epoch.to_string())])).unwrap();
        assert!(
            got <= Duration::from_secs(100) && got >= Duration::from_secs(98),
            "{got:?}"
        );
    }
}
