//! The API's routes: auth, roles, throttling, validation, paging and injected faults.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::Sim;
use crate::http::{
    HeaderMap, Method, Request, Response, StatusCode, header, json_response, method_not_allowed,
};
use crate::records::{Business, SimpleTimeZone, Team};
use crate::state::{Grant, OddField, RequestRecord, SimState};

type Shared = Arc<Sim>;

mod commands;
mod reads;
mod writes;

use reads::{
    ListHandler, batch_coworkers, get_checkin, get_coworker, get_failed, get_pass, get_time_zone,
    get_visitor, list_checkins, list_contracts, list_coworkers, list_every, list_failed,
    list_passes, list_visitors,
};
use writes::{
    CREATE_CHECKIN, CREATE_CONTRACT, CREATE_COWORKER, CREATE_FAILED, CREATE_PASSES, CREATE_VISITOR,
    UPDATE_CHECKIN, UPDATE_FAILED, UPDATE_VISITOR, delete_checkin, write,
};

/// The API's routes: the handler for the request's method and path, or `None` for a path the
/// API does not have.
pub(crate) fn route(sim: &Shared, req: &Request) -> Option<Response> {
    let m = &req.method;
    let h = &req.headers;
    let with_query = |handler: &dyn ListHandler| match req.query_map() {
        Ok(q) => handler(sim, h, q),
        Err(why) => crate::http::text(StatusCode::BAD_REQUEST, &why),
    };
    let response = match req.path.as_str() {
        "/api/token" => match *m {
            Method::POST => token(sim, h, &req.body),
            _ => method_not_allowed(),
        },
        "/api/spaces/coworkers" => match *m {
            Method::GET => with_query(&list_coworkers),
            Method::POST => write(sim, h, &req.body, &CREATE_COWORKER),
            _ => method_not_allowed(),
        },
        "/api/spaces/coworkers/" => only_get(m, || with_query(&batch_coworkers)),
        "/api/spaces/coworkers/commands" => only_get(m, || commands::list(sim, h)),
        "/api/spaces/coworkers/runcommand" => match *m {
            Method::POST => commands::run(sim, h, &req.body),
            _ => method_not_allowed(),
        },
        "/api/spaces/checkins" => match *m {
            Method::GET => with_query(&list_checkins),
            Method::POST => write(sim, h, &req.body, &CREATE_CHECKIN),
            Method::PUT => write(sim, h, &req.body, &UPDATE_CHECKIN),
            _ => method_not_allowed(),
        },
        "/api/spaces/failedcheckins" => match *m {
            Method::GET => with_query(&list_failed),
            Method::POST => write(sim, h, &req.body, &CREATE_FAILED),
            Method::PUT => write(sim, h, &req.body, &UPDATE_FAILED),
            _ => method_not_allowed(),
        },
        "/api/spaces/visitors" => match *m {
            Method::GET => with_query(&list_visitors),
            Method::POST => write(sim, h, &req.body, &CREATE_VISITOR),
            Method::PUT => write(sim, h, &req.body, &UPDATE_VISITOR),
            _ => method_not_allowed(),
        },
        "/api/spaces/teams" => only_get(m, || {
            with_query(&list_every("Team-List", |w| &w.teams, Team::to_json))
        }),
        "/api/billing/coworkercontracts" => match *m {
            Method::GET => with_query(&list_contracts),
            Method::POST => write(sim, h, &req.body, &CREATE_CONTRACT),
            _ => method_not_allowed(),
        },
        "/api/billing/coworkertimepasses" => match *m {
            Method::GET => with_query(&list_passes),
            Method::POST => write(sim, h, &req.body, &CREATE_PASSES),
            _ => method_not_allowed(),
        },
        "/api/sys/businesses" => only_get(m, || {
            with_query(&list_every(
                "Business-List",
                |w| &w.businesses,
                Business::to_json,
            ))
        }),
        "/api/sys/simpletimezones" => only_get(m, || {
            with_query(&list_every(
                "SimpleTimeZone-List",
                |w| &w.time_zones,
                SimpleTimeZone::to_json,
            ))
        }),
        _ => {
            if let Some(id) = req.tail("/api/spaces/coworkers/") {
                only_get(m, || get_coworker(sim, h, id))
            } else if let Some(id) = req.tail("/api/spaces/checkins/") {
                match *m {
                    Method::GET => get_checkin(sim, h, id),
                    Method::DELETE => delete_checkin(sim, h, id),
                    _ => method_not_allowed(),
                }
            } else if let Some(id) = req.tail("/api/spaces/failedcheckins/") {
                only_get(m, || get_failed(sim, h, id))
            } else if let Some(id) = req.tail("/api/spaces/visitors/") {
                only_get(m, || get_visitor(sim, h, id))
            } else if let Some(id) = req.tail("/api/billing/coworkertimepasses/") {
                only_get(m, || get_pass(sim, h, id))
            } else if let Some(id) = req.tail("/api/sys/simpletimezones/") {
                only_get(m, || get_time_zone(sim, h, id))
            } else {
                return None;
            }
        }
    };
    Some(response)
}

fn only_get(method: &Method, handler: impl FnOnce() -> Response) -> Response {
    if *method == Method::GET {
        handler()
    } else {
        method_not_allowed()
    }
}

fn message(status: StatusCode, text: &str) -> Response {
    json_response(status, &json!({ "Message": text }))
}

pub(crate) fn not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "No HTTP resource was found that matches the request URI.",
    )
}

// ---- faults and the request log ------------------------------------------------------------

/// Serves one request: the faults it draws (latency, a reset, a 500, an answer dropped after
/// the write, a truncated answer), the request log, and the handler `handle` picks.
pub(crate) async fn faults_and_log(
    sim: Shared,
    request: Request,
    handle: impl FnOnce(&Shared, &Request) -> Response,
) -> Response {
    let method = request.method.clone();
    let path = request.path.clone();
    let query = request.query.clone();
    let faultable = path.starts_with("/api/spaces/");
    let write = method != Method::GET;
    let kill = request.kill.clone();

    // Keep the JSON body of API writes for the log (the token form has a password: never kept).
    let body = if faultable && write {
        serde_json::from_slice::<Value>(&request.body).ok()
    } else {
        None
    };

    let (latency, reset, error) = faults_before(&sim, faultable);
    let log = |status: u16, fault: Option<&str>, body: Option<Value>| {
        let mut st = sim.lock();
        let at = st.now();
        st.record(RequestRecord {
            at,
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            status,
            fault: fault.map(str::to_owned),
            body,
        });
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if reset && let Some(kill) = &kill {
        log(0, Some("reset"), body);
        kill.kill(true);
        return std::future::pending().await;
    }
    if error {
        log(500, Some("error"), body);
        return message(StatusCode::INTERNAL_SERVER_ERROR, "An error has occurred.");
    }

    let mut response = handle(&sim, &request);
    let odd = sim.lock().faults.odd_fields.clone();
    if !odd.is_empty() && !write && path.starts_with("/api/") {
        response = with_odd_fields(response, &odd, &path).await;
    }
    let status = response.status();
    // An answer can be dropped only after a write that took, on a connection it can close.
    let droppable = faultable && write && status == StatusCode::OK && kill.is_some();
    let (dropped, malformed) = faults_after(&sim, faultable, droppable);
    if dropped {
        log(status.as_u16(), Some("drop"), body);
        if let Some(kill) = &kill {
            kill.kill(false);
        }
        return std::future::pending().await;
    }
    if malformed {
        log(status.as_u16(), Some("malformed"), body);
        return truncated(response).await;
    }
    log(status.as_u16(), None, body);
    response
}

/// The faults drawn before a request is handled: its latency, whether its connection is reset
/// (always during an outage), whether it is answered 500 unprocessed.
fn faults_before(sim: &Shared, faultable: bool) -> (u64, bool, bool) {
    let mut st = sim.lock();
    let f = st.faults.clone();
    let reset = st.outage || (faultable && st.draw(f.reset_rate));
    let error = faultable && !reset && st.draw(f.error_rate);
    (if faultable { f.latency_ms } else { 0 }, reset, error)
}

/// The faults drawn after: the answer dropped (the write stands), or cut short.
fn faults_after(sim: &Shared, faultable: bool, droppable: bool) -> (bool, bool) {
    let mut st = sim.lock();
    let f = st.faults.clone();
    let dropped = droppable && st.draw(f.drop_rate);
    let malformed = faultable && !dropped && st.draw(f.malformed_rate);
    (dropped, malformed)
}

/// The answer with the odd fields of its records put in.
async fn with_odd_fields(response: Response, odd: &[OddField], path: &str) -> Response {
    let (parts, original) = response.into_parts();
    let bytes = http_body_util::BodyExt::collect(original)
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    let body = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut value) => {
            OddField::apply_all(odd, path, &mut value);
            Bytes::from(serde_json::to_vec(&value).unwrap_or_default())
        }
        Err(_) => bytes,
    };
    let mut changed = hyper::Response::from_parts(parts, http_body_util::Full::new(body));
    changed.headers_mut().remove(header::CONTENT_LENGTH);
    changed
}

/// The answer with half its body: JSON no reader can parse.
async fn truncated(response: Response) -> Response {
    let (parts, original) = response.into_parts();
    let bytes = http_body_util::BodyExt::collect(original)
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    let cut = bytes.slice(..bytes.len() / 2);
    let mut broken = hyper::Response::from_parts(parts, http_body_util::Full::new(cut));
    broken.headers_mut().remove(header::CONTENT_LENGTH);
    broken
}

// ---- auth, roles, throttle -----------------------------------------------------------------

/// Who is calling, once admitted.
struct Caller {
    email: String,
}

/// Checks the bearer token (401), the role (401 too: Nexudus answers 401 "when authentication
/// fails or the account does not have permission for the requested resource") and the throttle
/// (409), in that order.
#[allow(
    clippy::result_large_err,
    reason = "the refusal is the response itself, built once per request"
)]
fn admit(
    st: &mut SimState,
    headers: &HeaderMap,
    role: &str,
    write: bool,
) -> Result<Caller, Response> {
    let denied = || {
        message(
            StatusCode::UNAUTHORIZED,
            "Authorization has been denied for this request.",
        )
    };
    // The server's daily cut-off has run by the time any call is answered.
    let now = st.now();
    st.world.apply_cut_offs(now);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or_else(denied)?;
    let now = st.now();
    let grant = st
        .auth
        .bearer(token.trim(), now)
        .cloned()
        .ok_or_else(denied)?;
    let user = &st.auth.users[grant.user];
    if !user.has_role(role) {
        return Err(denied());
    }
    let email = user.email.clone();
    if !st
        .throttle
        .admit(&grant.client, write, crate::http::arrival(headers))
    {
        // As Nexudus answers it: 409, `Retry-After: 1`, and no body at all.
        let mut r = crate::http::empty(StatusCode::CONFLICT);
        r.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        return Err(r);
    }
    Ok(Caller { email })
}

fn token(sim: &Shared, headers: &HeaderMap, body: &Bytes) -> Response {
    let refused = |error: &str, description: &str| {
        json_response(
            StatusCode::BAD_REQUEST,
            &json!({ "error": error, "error_description": description }),
        )
    };
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_encoded {
        return refused(
            "unsupported_grant_type",
            "The body must be application/x-www-form-urlencoded.",
        );
    }
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(body) else {
        return refused("unsupported_grant_type", "The body cannot be read.");
    };
    // Nexudus reads the client id from a header; a form field of that name is not read.
    let client_id = headers
        .get("client_id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let mut st = sim.lock();
    let now = st.now();
    let grant = match form.get("grant_type").map(String::as_str) {
        Some("password") => st.auth.password_grant(&form, client_id, now),
        Some("refresh_token") => st.auth.refresh_grant(&form, client_id, now),
        _ => return refused("unsupported_grant_type", "The grant type is not supported."),
    };
    match grant {
        Grant::Issued {
            access,
            refresh,
            expires_in,
        } => json_response(
            StatusCode::OK,
            &json!({
                "access_token": access,
                "token_type": "bearer",
                "expires_in": expires_in,
                "refresh_token": refresh,
            }),
        ),
        Grant::Refused { error, description } => refused(error, description),
    }
}
