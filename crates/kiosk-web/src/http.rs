//! The same `Kiosk` over HTTP + Server-Sent Events, and the built UI beside it.
//!
//! Staff calls carry the staff PIN in the JSON body (never in a URL, so never in an access log).
//! Bound to a LAN address, a tablet must pair first: a short code from the staff panel or the
//! CLI is exchanged for a device token, sent back as a cookie (EventSource cannot set headers).

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::Stream;
use kiosk::{ErrorDto, Kiosk, KioskError, Settings};
use serde::Deserialize;
use serde_json::json;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

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
}

/// An error as the UI reads it: `{ code, message }` with a fitting status.
struct ApiError(KioskError);

impl From<KioskError> for ApiError {
    fn from(e: KioskError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            KioskError::WrongPin { .. } => StatusCode::FORBIDDEN,
            KioskError::LockedOut { .. } => StatusCode::LOCKED,
            KioskError::UnknownMember(_) | KioskError::UnknownPin | KioskError::UnknownCard => {
                StatusCode::NOT_FOUND
            }
            KioskError::NoLocation => StatusCode::CONFLICT,
            KioskError::Api(e) if e.needs_login() => StatusCode::UNAUTHORIZED,
            KioskError::Api(e) if e.is_transient() => StatusCode::BAD_GATEWAY,
            KioskError::Invalid(_) | KioskError::Api(_) => StatusCode::BAD_REQUEST,
            KioskError::Store(kiosk::StoreError::DiskFull) => StatusCode::INSUFFICIENT_STORAGE,
            KioskError::Store(_) | KioskError::Secrets(_) | KioskError::SyncStopped => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (status, Json(self.0.to_dto())).into_response()
    }
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(ErrorDto {
            code: code.into(),
            message: message.into(),
        }),
    )
        .into_response()
}

type Answer<T> = Result<Json<T>, ApiError>;

/// Runs a kiosk call off the async workers (staff calls hash a PIN; taps commit to disk).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, KioskError> + Send + 'static,
) -> Answer<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map(Json).map_err(ApiError),
        Err(e) => Err(ApiError(KioskError::Invalid(format!(
            "the call failed: {e}"
        )))),
    }
}

pub fn router(state: AppState, ui_dir: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/api/status", get(status))
        .route("/api/grid", get(grid))
        .route("/api/search", get(search))
        .route("/api/settings", get(settings).put(put_settings))
        .route("/api/locations", get(locations))
        .route("/api/tap", post(tap))
        .route("/api/tap/pin", post(tap_pin))
        .route("/api/tap/card", post(tap_card))
        .route("/api/sync", post(sync_now))
        .route("/api/events", get(events))
        .route("/api/pair", post(pair))
        .route("/api/staff/verify", post(staff_verify))
        .route("/api/staff/pin", post(staff_pin))
        .route("/api/staff/queue", post(staff_queue))
        .route("/api/staff/queue/{id}/retry", post(staff_retry))
        .route("/api/staff/queue/{id}/discard", post(staff_discard))
        .route("/api/staff/login", post(staff_login))
        .route("/api/staff/logout", post(staff_logout))
        .route("/api/staff/pairing", post(staff_pairing))
        .route("/api/staff/audit", post(staff_audit));
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

async fn status(State(s): State<AppState>) -> Answer<kiosk::Status> {
    Ok(Json(s.kiosk.status()?))
}

async fn grid(State(s): State<AppState>) -> Answer<Vec<kiosk::Tile>> {
    Ok(Json(s.kiosk.grid()?))
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    q: String,
    limit: Option<usize>,
}

async fn search(
    State(s): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Answer<Vec<kiosk::Tile>> {
    Ok(Json(s.kiosk.search(&q.q, q.limit.unwrap_or(50).min(200))?))
}

async fn settings(State(s): State<AppState>) -> Json<Settings> {
    Json(s.kiosk.settings())
}

async fn locations(State(s): State<AppState>) -> Answer<Vec<kiosk::Location>> {
    Ok(Json(s.kiosk.locations()?))
}

#[derive(Debug, Deserialize)]
struct TapBody {
    member_id: i64,
}

async fn tap(State(s): State<AppState>, Json(b): Json<TapBody>) -> Answer<kiosk::TapOutcome> {
    blocking(move || s.kiosk.tap(b.member_id)).await
}

#[derive(Debug, Deserialize)]
struct PinBody {
    pin: String,
}

async fn tap_pin(State(s): State<AppState>, Json(b): Json<PinBody>) -> Answer<kiosk::TapOutcome> {
    blocking(move || s.kiosk.tap_pin(&b.pin)).await
}

#[derive(Debug, Deserialize)]
struct CardBody {
    card: String,
}

async fn tap_card(State(s): State<AppState>, Json(b): Json<CardBody>) -> Answer<kiosk::TapOutcome> {
    blocking(move || s.kiosk.tap_card(&b.card)).await
}

async fn sync_now(State(s): State<AppState>) -> StatusCode {
    s.kiosk.sync_now();
    StatusCode::ACCEPTED
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

#[derive(Debug, Deserialize)]
struct Staff {
    pin: String,
}

async fn staff_verify(State(s): State<AppState>, Json(b): Json<Staff>) -> Answer<()> {
    blocking(move || s.kiosk.verify_staff_pin(&b.pin)).await
}

#[derive(Debug, Deserialize)]
struct NewPin {
    current: Option<String>,
    new: String,
}

async fn staff_pin(State(s): State<AppState>, Json(b): Json<NewPin>) -> Answer<()> {
    blocking(move || s.kiosk.set_staff_pin(b.current.as_deref(), &b.new)).await
}

#[derive(Debug, Deserialize)]
struct SettingsBody {
    pin: String,
    settings: Settings,
}

async fn put_settings(State(s): State<AppState>, Json(b): Json<SettingsBody>) -> Answer<()> {
    blocking(move || s.kiosk.update_settings(&b.pin, b.settings)).await
}

async fn staff_queue(
    State(s): State<AppState>,
    Json(b): Json<Staff>,
) -> Answer<Vec<kiosk::QueueItem>> {
    blocking(move || s.kiosk.queue(&b.pin, 200)).await
}

async fn staff_retry(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<Staff>,
) -> Answer<()> {
    blocking(move || s.kiosk.retry_parked(&b.pin, id)).await
}

async fn staff_discard(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<Staff>,
) -> Answer<()> {
    blocking(move || s.kiosk.discard_parked(&b.pin, id)).await
}

async fn staff_audit(
    State(s): State<AppState>,
    Json(b): Json<Staff>,
) -> Answer<Vec<(chrono::DateTime<chrono::Utc>, String, String)>> {
    blocking(move || s.kiosk.audit_log(&b.pin, 200)).await
}

#[derive(Debug, Deserialize)]
struct Login {
    pin: String,
    base_url: Option<String>,
    email: String,
    password: String,
    totp: Option<String>,
}

async fn staff_login(State(s): State<AppState>, Json(b): Json<Login>) -> Answer<()> {
    let password = nexudus::Secret::new(b.password);
    s.kiosk
        .login(
            &b.pin,
            b.base_url.as_deref(),
            &b.email,
            &password,
            b.totp.as_deref(),
        )
        .await?;
    Ok(Json(()))
}

async fn staff_logout(State(s): State<AppState>, Json(b): Json<Staff>) -> Answer<()> {
    s.kiosk.logout(&b.pin).await?;
    Ok(Json(()))
}

async fn staff_pairing(
    State(s): State<AppState>,
    Json(b): Json<Staff>,
) -> Answer<serde_json::Value> {
    let k = s.kiosk.clone();
    let _ = blocking(move || k.verify_staff_pin(&b.pin)).await?;
    Ok(Json(
        json!({ "code": s.pairing.code, "required": s.pairing.required }),
    ))
}
