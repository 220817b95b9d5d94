//! The test-only admin API under `/_sim/`: inspect what the kiosk sent, change faults and the
//! throttle at run time, end sessions, change members upstream, move the clock.

use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::http::{
    Method, Request, Response, StatusCode, empty, json_response, method_not_allowed,
};
use crate::state::{Faults, ThrottleConfig};
use crate::world::Switches;
use crate::{CoworkerPatch, Sim};

type Shared = Arc<Sim>;

/// The admin routes: the handler for the request's method and path, or `None`.
pub(crate) fn route(sim: &Shared, req: &Request) -> Option<Response> {
    let response = match req.path.as_str() {
        "/_sim/state" => match req.method {
            Method::GET => json_response(StatusCode::OK, &sim.inspect()),
            _ => method_not_allowed(),
        },
        "/_sim/faults" | "/_sim/switches" | "/_sim/throttle" => settings(sim, req),
        "/_sim/tokens/revoke" | "/_sim/tokens/expire" | "/_sim/clock" | "/_sim/outage" => {
            events(sim, req)
        }
        _ if req.path.starts_with("/_sim/visitors/") => host_answers(sim, req),
        _ => coworker(sim, req)?,
    };
    Some(response)
}

/// Faults, switches and the throttle: read (GET) or replaced whole (PUT).
fn settings(sim: &Shared, req: &Request) -> Response {
    match (req.path.as_str(), &req.method) {
        ("/_sim/faults", &Method::GET) => answer(&sim.lock().faults),
        ("/_sim/faults", &Method::PUT) => with_body(req, |f: Faults| {
            sim.lock().faults = f.clone();
            answer(&f)
        }),
        ("/_sim/switches", &Method::GET) => answer(&sim.lock().world.switches),
        ("/_sim/switches", &Method::PUT) => with_body(req, |s: Switches| {
            sim.lock().world.switches = s.clone();
            answer(&s)
        }),
        ("/_sim/throttle", &Method::GET) => answer(&sim.lock().throttle.config),
        ("/_sim/throttle", &Method::PUT) => with_body(req, |t: ThrottleConfig| {
            sim.lock().throttle.set(t.clone());
            answer(&t)
        }),
        _ => method_not_allowed(),
    }
}

/// What happens to the account from outside: sessions ended, the clock moved, an outage.
fn events(sim: &Shared, req: &Request) -> Response {
    match (req.path.as_str(), &req.method) {
        ("/_sim/tokens/revoke", &Method::POST) => {
            let who: Revoke = serde_json::from_slice(&req.body).unwrap_or_default();
            sim.lock().auth.revoke(who.email.as_deref());
            empty(StatusCode::NO_CONTENT)
        }
        ("/_sim/tokens/expire", &Method::POST) => {
            sim.lock().auth.expire_access();
            empty(StatusCode::NO_CONTENT)
        }
        ("/_sim/clock", &Method::PUT) => with_body(req, |c: Clock| {
            sim.lock().clock_offset = chrono::Duration::seconds(c.offset_seconds);
            empty(StatusCode::NO_CONTENT)
        }),
        // Takes the API down (every connection reset) or brings it back, data intact.
        ("/_sim/outage", &Method::PUT) => with_body(req, |o: Outage| {
            sim.lock().outage = o.down;
            empty(StatusCode::NO_CONTENT)
        }),
        _ => method_not_allowed(),
    }
}

/// PUT /_sim/visitors/{id}/approval {"approved": bool}: the host answers.
fn host_answers(sim: &Shared, req: &Request) -> Response {
    let id = req.path.trim_start_matches("/_sim/visitors/");
    let Some(Ok(id)) = id.strip_suffix("/approval").map(str::parse::<i64>) else {
        return bad("expected /_sim/visitors/{id}/approval");
    };
    match req.method {
        Method::PUT => with_body(req, |a: Approval| {
            if sim.answer_host_approval(id, a.approved) {
                empty(StatusCode::NO_CONTENT)
            } else {
                empty(StatusCode::NOT_FOUND)
            }
        }),
        _ => method_not_allowed(),
    }
}

/// PATCH or DELETE /_sim/coworkers/{id}: a member changed or removed upstream; `None` for a
/// path that is not one.
fn coworker(sim: &Shared, req: &Request) -> Option<Response> {
    let id = req.tail("/_sim/coworkers/")?;
    let Ok(id) = id.parse::<i64>() else {
        return Some(bad("the coworker Id is not a number"));
    };
    Some(match req.method {
        Method::PATCH => with_body(req, |change: CoworkerPatch| {
            if sim.update_coworker(id, &change) {
                empty(StatusCode::NO_CONTENT)
            } else {
                empty(StatusCode::NOT_FOUND)
            }
        }),
        Method::DELETE if sim.remove_coworker(id) => empty(StatusCode::NO_CONTENT),
        Method::DELETE => empty(StatusCode::NOT_FOUND),
        _ => method_not_allowed(),
    })
}

fn answer<T: serde::Serialize>(value: &T) -> Response {
    json_response(
        StatusCode::OK,
        &serde_json::to_value(value).unwrap_or(Value::Null),
    )
}

fn bad(error: &str) -> Response {
    json_response(StatusCode::BAD_REQUEST, &json!({ "error": error }))
}

/// Reads the JSON body as `T`, or answers 400 saying why.
fn with_body<T: DeserializeOwned>(req: &Request, then: impl FnOnce(T) -> Response) -> Response {
    match serde_json::from_slice(&req.body) {
        Ok(value) => then(value),
        Err(e) => bad(&format!("Failed to deserialize the JSON body: {e}")),
    }
}

#[derive(Debug, Default, Deserialize)]
struct Revoke {
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Approval {
    approved: bool,
}

#[derive(Debug, Deserialize)]
struct Outage {
    down: bool,
}

#[derive(Debug, Deserialize)]
struct Clock {
    offset_seconds: i64,
}
