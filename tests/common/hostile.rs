//! A scriptable hostile vendor for tests: every request is recorded and answered by a closure
//! the test gives, so a test can redirect to another host, repeat a page forever, send a huge
//! body, dribble a body byte by byte, or answer with absurd values.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;

/// A request as the hostile server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// Everything sent, as one text to search for leaked secrets.
    pub fn everything(&self) -> String {
        let mut s = format!("{} {}\n", self.method, self.uri);
        for (k, v) in &self.headers {
            s.push_str(&format!("{k}: {}\n", String::from_utf8_lossy(v.as_bytes())));
        }
        s.push_str(&String::from_utf8_lossy(&self.body));
        s
    }
}

/// What an async handler returns.
pub type Reply = futures_util::future::BoxFuture<'static, Response>;

type Handler = dyn Fn(Seen, usize) -> Reply + Send + Sync;

/// A running hostile server on 127.0.0.1; it stops when dropped with the test's runtime.
pub struct Hostile {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Hostile {
    /// Starts a server that answers every request with `handler(request, n)`, `n` counting
    /// requests from 0.
    pub fn start(handler: impl Fn(&Seen, usize) -> Response + Send + Sync + 'static) -> Hostile {
        Hostile::start_async(move |seen, n| {
            let response = handler(&seen, n);
            Box::pin(async move { response })
        })
    }

    /// Like [`Hostile::start`], with a handler that may wait (ask another server, say).
    pub fn start_async(handler: impl Fn(Seen, usize) -> Reply + Send + Sync + 'static) -> Hostile {
        let handler: Arc<Handler> = Arc::new(handler);
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = seen.clone();
        let rt = super::runtime();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind(("127.0.0.1", 0)))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = axum::Router::new().fallback(move |req: Request| {
            let handler = handler.clone();
            let log = log.clone();
            async move {
                let (parts, body) = req.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .unwrap_or_default()
                    .to_vec();
                let seen = Seen {
                    method: parts.method.to_string(),
                    uri: parts
                        .uri
                        .path_and_query()
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                    headers: parts.headers,
                    body,
                };
                let n = {
                    let mut log = log.lock().unwrap();
                    log.push(seen.clone());
                    log.len() - 1
                };
                handler(seen, n).await
            }
        });
        rt.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Hostile {
            base: format!("http://127.0.0.1:{port}"),
            seen,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

/// A response with a status, extra headers and a body.
pub fn reply(status: u16, headers: &[(&str, &str)], body: impl Into<Body>) -> Response {
    let mut r = Response::builder().status(StatusCode::from_u16(status).unwrap());
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(body.into()).unwrap()
}

/// A JSON 200.
pub fn json(value: &serde_json::Value) -> Response {
    reply(
        200,
        &[("content-type", "application/json")],
        serde_json::to_vec(value).unwrap(),
    )
}

/// A redirect to `location` (another host, for credential tests).
pub fn redirect(status: u16, location: &str) -> Response {
    reply(status, &[("location", location)], Body::empty())
}

/// `body` sent `chunk` bytes at a time, `every` apart, with an honest Content-Length.
pub fn dribble(content_type: &str, body: Vec<u8>, chunk: usize, every: Duration) -> Response {
    let len = body.len();
    let chunks: Vec<Vec<u8>> = body.chunks(chunk.max(1)).map(|c| c.to_vec()).collect();
    let stream = futures_util::stream::iter(chunks).then(move |c| async move {
        tokio::time::sleep(every).await;
        Ok::<_, std::io::Error>(bytes::Bytes::from(c))
    });
    Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("content-length", len.to_string())
        .body(Body::from_stream(stream))
        .unwrap()
}

/// `total` bytes of `fill`, generated as they are sent (a huge body without holding it).
pub fn huge(content_type: &str, prefix: &[u8], total: u64, fill: u8) -> Response {
    let prefix = bytes::Bytes::copy_from_slice(prefix);
    let block = bytes::Bytes::from(vec![fill; 64 * 1024]);
    let rest = total.saturating_sub(prefix.len() as u64);
    let full = rest / block.len() as u64;
    let tail = (rest % block.len() as u64) as usize;
    let stream = futures_util::stream::iter(
        std::iter::once(prefix)
            .chain((0..full).map(move |_| block.clone()))
            .chain(std::iter::once(bytes::Bytes::from(vec![fill; tail]))),
    )
    .map(Ok::<_, std::io::Error>);
    Response::builder()
        .status(200)
        .header("content-type", content_type)
        .body(Body::from_stream(stream))
        .unwrap()
}

/// Sends a request on to another server (`base` + the same path and query) with the same
/// method, headers and body, and hands its answer back: a hostile vendor made from an honest one
/// (a test changes the request on the way, say to cap the page size).
pub async fn forward(seen: Seen, base: &str) -> Response {
    let client = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(seen.method.as_bytes()).unwrap();
    let mut req = client.request(method, format!("{base}{}", seen.uri));
    for (k, v) in &seen.headers {
        if k != "content-length" {
            req = req.header(k.as_str(), v.as_bytes());
        }
    }
    let answer = req.body(seen.body).send().await.unwrap();
    let status = answer.status().as_u16();
    let headers: Vec<(String, String)> = answer
        .headers()
        .iter()
        .filter(|(k, _)| *k != "content-length" && *k != "transfer-encoding")
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = answer.bytes().await.unwrap();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    reply(status, &headers, body)
}

/// `uri` with the query parameter `key` set to `value` (added when missing).
pub fn with_param(uri: &str, key: &str, value: &str) -> String {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(k, _)| k != key)
        .collect();
    pairs.push((key.to_string(), value.to_string()));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{path}?{query}")
}
