//! The same `Kiosk` over HTTP + Server-Sent Events, and the built UI beside it.
//!
//! Every kiosk call is `POST /api/{call}` with its arguments as a JSON object (`GET` for a call
//! without arguments), dispatched by the core's one definition of the calls
//! ([`kiosk::calls`]); this file adds only what is the browser face's own: pairing, the event
//! stream, the UI's files, and HTTP statuses for errors. Staff calls carry the staff PIN in the
//! JSON body (never in a URL, so never in an access log).
//! Bound to a LAN address, a tablet must pair first: a short code from the staff panel or the
//! CLI is exchanged for a device token, sent back as a cookie (EventSource cannot set headers).

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::Stream;
use kiosk::{ErrorDto, Face, Kiosk, KioskError, PairingInfo};
use serde::Deserialize;
use serde_json::json;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tokio_util::sync::CancellationToken;

/// Who may call: loopback always; other addresses once paired.
#[derive(Debug)]
pub struct Pairing {
    pub required: bool,
    /// Loopback callers (the kiosk's own screen) need no pairing; off only in tests.
    pub trust_loopback: bool,
    pub code: String,
    tokens: Mutex<HashSet<String>>,
}

impl Pairing {
    pub fn new(required: bool) -> Self {
        let code = format!("{:06}", rand::random_range(0..1_000_000));
        Self {
            required,
            trust_loopback: true,
            code,
            tokens: Mutex::new(HashSet::new()),
        }
    }

    fn pair(&self, code: &str) -> Option<String> {
        (code.trim() == self.code).then(|| {
            let token = format!("{:032x}", rand::random::<u128>());
            self.tokens.lock().unwrap().insert(token.clone());
            token
        })
    }

    fn knows(&self, token: &str) -> bool {
        self.tokens.lock().unwrap().contains(token)
    }
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub kiosk: Kiosk,
    pub pairing: Arc<Pairing>,
    /// Cancelled when the server stops: event streams end, so the stop does not wait for them.
    pub shutdown: CancellationToken,
}

impl AppState {
    pub fn new(kiosk: Kiosk, pairing: Arc<Pairing>) -> Self {
        Self {
            kiosk,
            pairing,
            shutdown: CancellationToken::new(),
        }
    }
}

/// What the browser face adds to the core's calls: the pairing code.
struct WebFace(Arc<Pairing>);

impl Face for WebFace {
    fn pairing(&self) -> PairingInfo {
        PairingInfo {
            code: self.0.code.clone(),
            required: self.0.required,
        }
    }
}

/// An error as the UI reads it: `{ code, message }` with a fitting status.
struct ApiError(KioskError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            KioskError::WrongPin { .. } => StatusCode::FORBIDDEN,
            KioskError::LockedOut { .. } => StatusCode::LOCKED,
            KioskError::UnknownMember(_)
            | KioskError::UnknownPin
            | KioskError::UnknownCard
            | KioskError::UnknownCall(_) => StatusCode::NOT_FOUND,
            KioskError::NoLocation | KioskError::NoStaffPin | KioskError::NotParked(_) => {
                StatusCode::CONFLICT
            }
            KioskError::Api(e) if e.needs_login() => StatusCode::UNAUTHORIZED,
            KioskError::Api(e) if e.is_transient() => StatusCode::BAD_GATEWAY,
            KioskError::Invalid(_) | KioskError::Api(_) => StatusCode::BAD_REQUEST,
            KioskError::Unsupported => StatusCode::NOT_IMPLEMENTED,
            KioskError::Store(kiosk::StoreError::DiskFull) => StatusCode::INSUFFICIENT_STORAGE,
            KioskError::Store(_)
            | KioskError::Secrets(_)
            | KioskError::SyncStopped
            | KioskError::DataDir { .. }
            | KioskError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, Json(self.0.to_dto())).into_response()
    }
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(ErrorDto::new(code, message))).into_response()
}

pub fn router(state: AppState, ui_dir: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/api/events", get(events))
        .route("/api/pair", post(pair))
        .route("/api/{call}", get(call).post(call));
    let mut app = api;
    match ui_dir.filter(|d| d.join("index.html").is_file()) {
        Some(dir) => {
            app = app.fallback_service(
                tower_http::services::ServeDir::new(&dir)
                    .fallback(tower_http::services::ServeFile::new(dir.join("index.html"))),
            );
        }
        None => {
            app = app.fallback(|| async {
                (
                    StatusCode::NOT_FOUND,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    "<h1>The kiosk UI is not built</h1><p>Run <code>npm run build</code> in <code>ui/</code>, or start the kiosk with <code>scripts/run.sh</code>, which does.</p>",
                )
            });
        }
    }
    app.layer(middleware::from_fn_with_state(state.clone(), paired))
        .with_state(state)
}

/// Any kiosk call: the body (empty for none) is its arguments.
async fn call(State(s): State<AppState>, Path(name): Path<String>, body: Bytes) -> Response {
    let args = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(args) => args,
            Err(e) => {
                return ApiError(KioskError::Invalid(kiosk::Invalid::new(
                    "args",
                    format!("the body is not JSON: {e}"),
                )))
                .into_response();
            }
        }
    };
    let face: Arc<dyn Face> = Arc::new(WebFace(Arc::clone(&s.pairing)));
    match kiosk::calls::call(&s.kiosk, face, &name, args).await {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == "kiosk_device").then(|| v.to_owned())
        })
}

/// Lets loopback through; elsewhere, the UI's files and `/api/pair` are open, the rest needs a
/// paired device's token.
async fn paired(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let open = !path.starts_with("/api/") || path == "/api/pair";
    let local = state.pairing.trust_loopback
        && request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_none_or(|c| c.0.ip().is_loopback());
    if !state.pairing.required || open || local {
        return next.run(request).await;
    }
    let headers = request.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    match bearer.or_else(|| cookie_token(headers)) {
        Some(token) if state.pairing.knows(&token) => next.run(request).await,
        _ => refuse(
            StatusCode::UNAUTHORIZED,
            "pairing_required",
            "This tablet is not paired with the kiosk yet.",
        ),
    }
}

/// Every core event, as it happens.
async fn events(
    State(s): State<AppState>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let stream = BroadcastStream::new(s.kiosk.subscribe()).filter_map(|e| {
        let event = e.ok()?;
        let data = serde_json::to_string(&event).ok()?;
        Some(Ok(SseEvent::default().event("kiosk").data(data)))
    });
    // A stream never ends by itself: the server's stop ends it, or a stop would wait forever.
    let stream = futures::StreamExt::take_until(stream, s.shutdown.cancelled_owned());
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[derive(Debug, Deserialize)]
struct PairBody {
    code: String,
}

async fn pair(State(s): State<AppState>, Json(b): Json<PairBody>) -> Response {
    match s.pairing.pair(&b.code) {
        Some(token) => (
            [(
                header::SET_COOKIE,
                format!(
                    "kiosk_device={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000"
                ),
            )],
            Json(json!({ "paired": true })),
        )
            .into_response(),
        None => refuse(
            StatusCode::FORBIDDEN,
            "wrong_code",
            "That pairing code is not right.",
        ),
    }
}
