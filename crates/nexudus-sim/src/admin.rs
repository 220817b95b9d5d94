//! The test-only admin API under `/_sim/`: inspect what the kiosk sent, change faults and the
//! throttle at run time, end sessions, change members upstream, move the clock.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, extract::rejection::JsonRejection};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::state::{Faults, ThrottleConfig};
use crate::{CoworkerPatch, Sim};

type Shared = Arc<Sim>;

pub(crate) fn router(sim: Shared) -> Router {
    Router::new()
        .route("/_sim/state", get(state))
        .route("/_sim/faults", get(get_faults).put(put_faults))
        .route("/_sim/throttle", get(get_throttle).put(put_throttle))
        .route("/_sim/tokens/revoke", post(revoke))
        .route("/_sim/tokens/expire", post(expire))
        .route(
            "/_sim/coworkers/{id}",
            patch(patch_coworker).delete(delete_coworker),
        )
        .route("/_sim/clock", put(put_clock))
        .route("/_sim/outage", put(put_outage))
        .with_state(sim)
}

fn bad(e: &JsonRejection) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": e.body_text() })),
    )
        .into_response()
}

async fn state(State(sim): State<Shared>) -> Json<Value> {
    Json(sim.inspect())
}

async fn get_faults(State(sim): State<Shared>) -> Json<Faults> {
    Json(sim.lock().faults.clone())
}

async fn put_faults(
    State(sim): State<Shared>,
    body: Result<Json<Faults>, JsonRejection>,
) -> Response {
    match body {
        Ok(Json(f)) => {
            sim.lock().faults = f.clone();
            Json(f).into_response()
        }
        Err(e) => bad(&e),
    }
}

async fn get_throttle(State(sim): State<Shared>) -> Json<ThrottleConfig> {
    Json(sim.lock().throttle.config.clone())
}

async fn put_throttle(
    State(sim): State<Shared>,
    body: Result<Json<ThrottleConfig>, JsonRejection>,
) -> Response {
    match body {
        Ok(Json(t)) => {
            sim.lock().throttle.set(t.clone());
            Json(t).into_response()
        }
        Err(e) => bad(&e),
    }
}

#[derive(Debug, Default, Deserialize)]
struct Revoke {
    email: Option<String>,
}

async fn revoke(State(sim): State<Shared>, body: Bytes) -> Response {
    let who: Revoke = serde_json::from_slice(&body).unwrap_or_default();
    sim.lock().auth.revoke(who.email.as_deref());
    StatusCode::NO_CONTENT.into_response()
}

async fn expire(State(sim): State<Shared>) -> StatusCode {
    sim.lock().auth.expire_access();
    StatusCode::NO_CONTENT
}

async fn patch_coworker(
    State(sim): State<Shared>,
    Path(id): Path<i64>,
    body: Result<Json<CoworkerPatch>, JsonRejection>,
) -> Response {
    match body {
        Ok(Json(change)) if sim.update_coworker(id, &change) => {
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => bad(&e),
    }
}

async fn delete_coworker(State(sim): State<Shared>, Path(id): Path<i64>) -> StatusCode {
    if sim.remove_coworker(id) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

#[derive(Debug, Deserialize)]
struct Outage {
    down: bool,
}

/// Takes the API down (every connection reset) or brings it back, data and sessions intact.
async fn put_outage(
    State(sim): State<Shared>,
    body: Result<Json<Outage>, JsonRejection>,
) -> Response {
    match body {
        Ok(Json(o)) => {
            sim.lock().outage = o.down;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => bad(&e),
    }
}

#[derive(Debug, Deserialize)]
struct Clock {
    offset_seconds: i64,
}

async fn put_clock(
    State(sim): State<Shared>,
    body: Result<Json<Clock>, JsonRejection>,
) -> Response {
    match body {
        Ok(Json(c)) => {
            sim.lock().clock_offset = chrono::Duration::seconds(c.offset_seconds);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => bad(&e),
    }
}
