//! The simulator's own small HTTP layer on hyper: a request read whole, a response built whole,
//! and the plain match on method and path that `api/` and `admin.rs` route with. The simulator
//! is embedded in the kiosk app for demo mode, so it keeps the app free of a web framework.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use http_body_util::Full;
pub(crate) use hyper::header;
pub(crate) use hyper::{HeaderMap, Method, StatusCode};
use serde_json::Value;
use tokio::sync::Notify;

/// Put in every request's extensions: closes the request's connection with no answer.
#[derive(Debug, Clone, Default)]
pub struct ConnKill {
    pub(crate) notify: Arc<Notify>,
    pub(crate) reset: Arc<AtomicBool>,
}

impl ConnKill {
    /// Closes the connection; with `reset`, abortively (TCP RST) rather than with a FIN.
    pub fn kill(&self, reset: bool) {
        self.reset.store(reset, Ordering::SeqCst);
        self.notify.notify_one();
    }
}

pub(crate) type Response = hyper::Response<Full<Bytes>>;

/// A request as the handlers see it: read whole before routing.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: Method,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Closes this request's connection with no answer (lost answers, resets).
    pub kill: Option<ConnKill>,
}

impl Request {
    /// The query string as name -> value (the last one wins), percent-decoded; or why not.
    pub fn query_map(&self) -> Result<HashMap<String, String>, String> {
        serde_urlencoded::from_str(&self.query)
            .map_err(|e| format!("Failed to deserialize query string: {e}"))
    }

    /// What follows `prefix` in the path, if it is one non-empty segment (`/x/{id}`).
    pub fn tail<'a>(&'a self, prefix: &str) -> Option<&'a str> {
        self.path
            .strip_prefix(prefix)
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
    }
}

/// A response with a body and a content type.
pub(crate) fn response(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response {
    let mut r = hyper::Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    if let Ok(v) = header::HeaderValue::from_str(content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    response(status, "application/json; charset=utf-8", body.to_string())
}

pub(crate) fn text(status: StatusCode, body: &str) -> Response {
    response(status, "text/plain; charset=utf-8", body.to_owned())
}

/// A status and nothing else.
pub(crate) fn empty(status: StatusCode) -> Response {
    let mut r = hyper::Response::new(Full::new(Bytes::new()));
    *r.status_mut() = status;
    r
}

/// A path the server knows, asked with a method it does not serve there.
pub(crate) fn method_not_allowed() -> Response {
    empty(StatusCode::METHOD_NOT_ALLOWED)
}

/// The header the simulator stamps each request with when it arrives (any the client sent is
/// replaced): the throttle counts arrivals, as a server does, not the moment a handler gets to
/// the request behind others.
pub(crate) const ARRIVED: &str = "x-nexudus-sim-arrived";

fn epoch() -> std::time::Instant {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(std::time::Instant::now)
}

/// Stamps `headers` with the arrival time, now.
pub(crate) fn stamp_arrival(headers: &mut HeaderMap) {
    let nanos = epoch().elapsed().as_nanos().to_string();
    if let Ok(value) = hyper::header::HeaderValue::from_str(&nanos) {
        headers.insert(ARRIVED, value);
    }
}

/// When the request arrived (now, for one that was never stamped).
pub(crate) fn arrival(headers: &HeaderMap) -> std::time::Instant {
    headers
        .get(ARRIVED)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .map_or_else(std::time::Instant::now, |n| {
            epoch() + std::time::Duration::from_nanos(n)
        })
}
