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
    let m = &req.method;
    let response = match req.path.as_str() {
        "/_sim/state" => match *m {
            Method::GET => json_response(StatusCode::OK, &sim.inspect()),
            _ => method_not_allowed(),
        },
        "/_sim/faults" => match *m {
            Method::GET => answer(&sim.lock().faults),
            Method::PUT => with_body(req, |f: Faults| {
                sim.lock().faults = f.clone();
                answer(&f)
            }),
            _ => method_not_allowed(),
        },
        "/_sim/switches" => match *m {
            Method::GET => answer(&sim.lock().world.switches),
            Method::PUT => with_body(req, |s: Switches| {
                sim.lock().world.switches = s.clone();
                answer(&s)
            }),
            _ => method_not_allowed(),
        },
        "/_sim/throttle" => match *m {
            Method::GET => answer(&sim.lock().throttle.config),
            Method::PUT => with_body(req, |t: ThrottleConfig| {
                sim.lock().throttle.set(t.clone());
                answer(&t)
            }),
            _ => method_not_allowed(),
        },
        "/_sim/tokens/revoke" => match *m {
            Method::POST => {
                let who: Revoke = serde_json::from_slice(&req.body).unwrap_or_default();
                sim.lock().auth.revoke(who.email.as_deref());
                empty(StatusCode::NO_CONTENT)
            }
            _ => method_not_allowed(),
        },
        "/_sim/tokens/expire" => match *m {
            Method::POST => {
                sim.lock().auth.expire_access();
                empty(StatusCode::NO_CONTENT)
            }
            _ => method_not_allowed(),
        },
        "/_sim/clock" => match *m {
            Method::PUT => with_body(req, |c: Clock| {
                sim.lock().clock_offset = chrono::Duration::seconds(c.offset_seconds);
                empty(StatusCode::NO_CONTENT)
            }),
            _ => method_not_allowed(),
        },
        "/_sim/outage" => match *m {
            // Takes the API down (every connection reset) or brings it back, data intact.
            Method::PUT => with_body(req, |o: Outage| {
                sim.lock().outage = o.down;
                empty(StatusCode::NO_CONTENT)
            }),
            _ => method_not_allowed(),
        },
        _ if req.path.starts_with("/_sim/visitors/") => {
            // PUT /_sim/visitors/{id}/approval {"approved": bool}: the host answers.
            let id = req.path.trim_start_matches("/_sim/visitors/");
            let Some(Ok(id)) = id.strip_suffix("/approval").map(str::parse::<i64>) else {
                return Some(bad("expected /_sim/visitors/{id}/approval"));
            };
            match *m {
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
        _ => {
            let id = req.tail("/_sim/coworkers/")?;
            let Ok(id) = id.parse::<i64>() else {
                return Some(bad("the coworker Id is not a number"));
            };
            match *m {
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
            }
        }
    };
    Some(response)
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
