//! `calls sandbox --rate-limit N/DUR`: the vendors' rate limit as Famulor documents it: per
//! credential, `X-RateLimit-Limit` / `-Remaining` / `-Reset` (epoch seconds) on every answer, and
//! a 429 whose only "when" is `retry_after` in its JSON body. `--rate-limit-silent` leaves the
//! headers out, so that only the 429 body tells.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Shared;

/// N requests per window of `per`, per credential.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
    /// Send the `X-RateLimit-*` headers (Famulor does); without them only a 429 says when.
    pub headers: bool,
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `100/60s`, `30/3s`, `20/10s`, `1000/1h`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a rate limit: use N/DUR, e.g. 100/60s or 30/3s");
        let (n, per) = s.split_once('/').ok_or_else(bad)?;
        let requests: u32 = n.trim().parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?;
        let per = per.trim();
        let (digits, unit) =
            per.split_at(per.find(|c: char| !c.is_ascii_digit()).unwrap_or(per.len()));
        let n: u64 = digits.parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?;
        let secs = match unit {
            "" | "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            _ => return Err(bad()),
        };
        if secs > 86_400 {
            return Err(bad());
        }
        Ok(RateLimit {
            requests,
            per: Duration::from_secs(secs),
            headers: true,
        })
    }
}

/// Each credential's current window: when it started and how many requests it has taken.
#[derive(Debug, Default)]
pub struct Windows {
    by_key: Mutex<HashMap<String, (SystemTime, u32)>>,
    refused: AtomicU64,
}

impl Windows {
    /// How many requests were answered 429 so far.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

/// The credential a request carries, whichever way its vendor sends it.
fn key(req: &Request) -> String {
    let h = req.headers();
    for name in ["authorization", "token"] {
        if let Some(v) = h.get(name).and_then(|v| v.to_str().ok()) {
            return v.to_string();
        }
    }
    url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "api-key")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn epoch(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// Answers at once with a 429 when the credential's window is used up; otherwise passes the
/// request on and adds the headers to whatever comes back.
pub async fn layer(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let Some(limit) = s.opts.rate_limit else {
        return next.run(req).await;
    };
    let now = SystemTime::now();
    let (taken, reset) = {
        let mut all = s
            .rate_windows
            .by_key
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let slot = all.entry(key(&req)).or_insert((now, 0));
        if now.duration_since(slot.0).unwrap_or_default() >= limit.per {
            *slot = (now, 0);
        }
        let reset = slot.0 + limit.per;
        if slot.1 < limit.requests {
            slot.1 += 1;
            (Some(slot.1), reset)
        } else {
            (None, reset)
        }
    };
    // NOTE: the reset is given in whole epoch seconds, rounded up, so that a client waiting
    // for it never comes back early.
    let reset_epoch = epoch(reset).ceil() as u64;
    let headers = |h: &mut HeaderMap, remaining: u32| {
        if limit.headers {
            for (name, value) in [
                ("x-ratelimit-limit", limit.requests.to_string()),
                ("x-ratelimit-remaining", remaining.to_string()),
                ("x-ratelimit-reset", reset_epoch.to_string()),
            ] {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    h.insert(name, v);
                }
            }
        }
    };
    match taken {
        Some(n) => {
            let mut resp = next.run(req).await;
            headers(resp.headers_mut(), limit.requests - n);
            resp
        }
        None => {
            s.rate_windows.refused.fetch_add(1, Ordering::Relaxed);
            let wait = (epoch(reset) - epoch(now)).max(0.0).ceil() as u64;
            let mut resp = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(serde_json::json!({
                    "error": "Rate limit exceeded",
                    "message": format!("Too many requests. Try again in {wait} seconds."),
                    "retry_after": wait,
                })),
            )
                .into_response();
            headers(resp.headers_mut(), 0);
            resp
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_read_as_written() {
        let l: RateLimit = "100/60s".parse().unwrap();
        assert_eq!((l.requests, l.per), (100, Duration::from_secs(60)));
        let l: RateLimit = "30/3".parse().unwrap();
        assert_eq!((l.requests, l.per), (30, Duration::from_secs(3)));
        assert_eq!(
            "5/1m".parse::<RateLimit>().unwrap().per,
            Duration::from_secs(60)
        );
        for bad in ["", "100", "0/60s", "10/0s", "x/1s", "10/1d", "10/100000h"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }
}
