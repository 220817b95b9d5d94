//! What this face answers other kiosks (issue 29, point 4): `POST /peer/pair`, a kiosk
//! offering this kiosk's pairing code (the tablets' code, with the same waits after wrong
//! ones), and `GET /peer/health`, this kiosk's health for a paired kiosk's token (as
//! `Authorization: Bearer`). Outside `/api`: no tablet cookie opens them, and no call reaches
//! them. The asking side is `peering.rs`.

use std::net::SocketAddr;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kiosk::domain::peers::{PeerOffer, PeerWelcome};
use kiosk::{ErrorCode, KioskError};

use super::{ApiError, AppState, read_body, refuse};

/// Another kiosk offers this one's pairing code: a right one pairs the two, and the answer is
/// this kiosk's name and the token to read its health with.
pub(super) async fn pair(
    State(s): State<AppState>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(name) = s.config.peer_line.as_ref().map(|l| l.name().to_owned()) else {
        return ApiError(KioskError::Unsupported).into_response();
    };
    let offer = match read_body(&headers, &body) {
        Ok(body) => serde_json::from_value::<PeerOffer>(body),
        Err(refused) => return refused,
    };
    let Ok(offer) = offer else {
        return refuse(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            "The body is a kiosk's pairing offer.",
        );
    };
    let kiosk = s.kiosk.clone();
    let from = from.ip().to_canonical().to_string();
    let paired = tokio::task::spawn_blocking(move || kiosk.staff().pair_kiosk_from(&from, &offer))
        .await
        .unwrap_or_else(|e| Err(KioskError::CallAborted(e.to_string())));
    match paired {
        Ok(token) => Json(PeerWelcome { name, token }).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

/// This kiosk's health, for a paired kiosk; 401 for any other caller.
pub(super) async fn health(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let token = super::metrics::bearer(&headers).map(str::to_owned);
    let kiosk = s.kiosk.clone();
    let health = tokio::task::spawn_blocking(move || match token {
        Some(token) => kiosk.desk().health_for_peer(&token),
        None => Ok(None),
    })
    .await
    .unwrap_or_else(|e| Err(KioskError::CallAborted(e.to_string())));
    match health {
        Ok(Some(health)) => (
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Json(health),
        )
            .into_response(),
        Ok(None) => refuse(
            StatusCode::UNAUTHORIZED,
            ErrorCode::PeerUnpaired,
            "Only a kiosk paired with this one reads its health.",
        ),
        Err(e) => ApiError(e).into_response(),
    }
}
