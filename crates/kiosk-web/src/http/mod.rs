//! The same `Kiosk` over HTTP + Server-Sent Events, and the built UI beside it.
//!
//! Every kiosk call is `POST /api/{call}` with its arguments as a JSON object (`GET` for a
//! call declared `read` without arguments), dispatched by the core's one definition of the calls
//! ([`kiosk::calls`]); this module adds only what is the browser face's own: who the caller is
//! (the kiosk's own screen on loopback, or a paired tablet), pairing, the event stream, the
//! UI's files, HTTP statuses for errors, and the guards of a face on a shared network
//! ([`guard`]: Host and Origin checks, security headers, size and stream limits, JSON errors).
//! Staff calls carry a staff session in the JSON body (never in a URL, so never in a log).

mod guard;
mod metrics;
mod peer;
mod strict;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Extension, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kiosk::domain::attempts::Caller;
use kiosk::{ErrorCode, ErrorDto, Event, Face, Kiosk, KioskError};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::Semaphore;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tokio_util::sync::CancellationToken;

pub use guard::{BODY_LIMIT, STREAMS_AT_ONCE};

/// How this face meets the network.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Callers that are not the kiosk's own screen must pair first (a LAN address).
    pub pairing_required: bool,
    /// Loopback callers are the kiosk's own screen. Off only in tests, to play a LAN tablet
    /// from loopback (the test switch the LAN attack tests use).
    pub trust_loopback: bool,
    /// Served over HTTPS: cookies are `Secure`.
    pub https: bool,
    /// Host names (besides IP addresses and `localhost`) the kiosk answers to.
    pub host_names: Vec<String>,
    /// The fingerprint of the TLS certificate, for the staff panel.
    pub tls_fingerprint: Option<String>,
    /// This kiosk's line to other kiosks, where it serves the network over HTTPS.
    pub peer_line: Option<Arc<crate::peering::Line>>,
}

impl WebConfig {
    /// A face on `bind`: pairing and HTTPS unless it is loopback.
    pub fn for_bind(bind: SocketAddr) -> Self {
        let lan = !bind.ip().is_loopback();
        Self {
            pairing_required: lan,
            trust_loopback: true,
            https: lan,
            host_names: Vec::new(),
            tls_fingerprint: None,
            peer_line: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub kiosk: Kiosk,
    pub config: Arc<WebConfig>,
    /// Cancelled when the server stops: event streams end, so the stop does not wait for them.
    pub shutdown: CancellationToken,
    /// Event streams open at once are capped: each holds a connection and a subscription.
    streams: Arc<Semaphore>,
}

impl AppState {
    pub fn new(kiosk: Kiosk, config: WebConfig) -> Self {
        Self {
            kiosk,
            config: Arc::new(config),
            shutdown: CancellationToken::new(),
            streams: Arc::new(Semaphore::new(STREAMS_AT_ONCE)),
        }
    }
}

/// What the browser face adds to the core's calls: who is calling, and the certificate.
struct WebFace {
    caller: Caller,
    fingerprint: Option<String>,
    peer_line: Option<Arc<crate::peering::Line>>,
}

impl Face for WebFace {
    fn caller(&self) -> Caller {
        self.caller
    }

    fn tls_fingerprint(&self) -> Option<String> {
        self.fingerprint.clone()
    }

    fn peer_line(&self) -> Option<&dyn kiosk::services::PeerLine> {
        self.peer_line
            .as_deref()
            .map(|l| l as &dyn kiosk::services::PeerLine)
    }
}

/// An error as the UI reads it: `{ code, message }` with a fitting status.
struct ApiError(KioskError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            KioskError::WrongPin { .. } | KioskError::WrongCode | KioskError::ScreenOnly => {
                StatusCode::FORBIDDEN
            }
            KioskError::LockedOut { .. } | KioskError::TooManyReminders { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            KioskError::ReminderUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            KioskError::StaffSessionEnded => StatusCode::UNAUTHORIZED,
            KioskError::UnknownMember(_)
            | KioskError::UnknownPin
            | KioskError::UnknownCard
            | KioskError::UnknownCode
            | KioskError::UnknownDevice(_)
            | KioskError::UnknownScrapeToken(_)
            | KioskError::UnknownKiosk(_)
            | KioskError::UnknownCall(_) => StatusCode::NOT_FOUND,
            KioskError::PeerUnreachable(_)
            | KioskError::PeerWrongKey
            | KioskError::PeerUnpaired
            | KioskError::PeerBadAnswer(_) => StatusCode::BAD_GATEWAY,
            KioskError::NoLocation
            | KioskError::NoStaffPin
            | KioskError::NotParked(_)
            | KioskError::NothingToUndo => StatusCode::CONFLICT,
            KioskError::Api(e) if e.needs_login() => StatusCode::UNAUTHORIZED,
            KioskError::Api(e) if e.is_transient() => StatusCode::BAD_GATEWAY,
            KioskError::Invalid(_) | KioskError::Api(_) => StatusCode::BAD_REQUEST,
            KioskError::Unsupported => StatusCode::NOT_IMPLEMENTED,
            KioskError::Store(kiosk::StoreError::DiskFull) => StatusCode::INSUFFICIENT_STORAGE,
            KioskError::Store(_)
            | KioskError::Secrets(_)
            | KioskError::SyncStopped
            | KioskError::DataDir { .. }
            | KioskError::AnswerEncoding(_)
            | KioskError::CallAborted(_)
            | KioskError::PinHash(_)
            | KioskError::UndoRaced
            | KioskError::Autostart(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let mut response = (status, Json(self.0.to_dto())).into_response();
        if let KioskError::LockedOut { seconds } | KioskError::TooManyReminders { seconds } = self.0
            && let Ok(v) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

pub(crate) fn refuse(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    (status, Json(ErrorDto::new(code, message))).into_response()
}

/// Liveness, for a supervisor or a load balancer: the process answers. Nothing personal.
async fn healthz() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        "ok\n",
    )
}

/// Readiness: the database answers, a Nexudus session is held, and the server is not
/// stopping; `503` with the same three answers when one is not. Nothing personal.
async fn readyz(State(state): State<AppState>) -> Response {
    let kiosk = state.kiosk.clone();
    let ready = tokio::task::spawn_blocking(move || kiosk.account().readiness())
        .await
        .unwrap_or(kiosk::Readiness {
            store: false,
            session: false,
        });
    let stopping = state.shutdown.is_cancelled();
    let all = ready.store && ready.session && !stopping;
    let status = if all {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "ready": all,
        "store": ready.store,
        "session": ready.session,
        "stopping": stopping,
    });
    (
        status,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(body),
    )
        .into_response()
}

pub fn router(state: AppState, ui_dir: Option<PathBuf>) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/api/events", get(events))
        .route("/api/pair", post(pair))
        .route("/peer/pair", post(peer::pair))
        .route("/peer/health", get(peer::health))
        // Any other path under /api: a JSON 404 (`guard::api_paths`).
        .route("/api/{call}", get(call).post(call));
    // The UI's files go compressed where the browser takes it (a third of their size); the
    // API's answers do not (they are small, and some carry a staff session's token beside
    // what a caller typed).
    let compressed = tower_http::compression::CompressionLayer::new();
    match ui_dir.filter(|d| d.join("index.html").is_file()) {
        Some(dir) => {
            let files = tower_http::services::ServeDir::new(&dir)
                .fallback(tower_http::services::ServeFile::new(dir.join("index.html")));
            app = app.fallback_service(Router::new().fallback_service(files).layer(compressed));
        }
        None if BuiltUi::get(INDEX).is_some() => {
            app = app.fallback_service(Router::new().fallback(built_ui).layer(compressed));
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
    // Layers run outside-in from the last added: headers on everything, then the Host and
    // Origin checks, then who is calling, then the JSON errors and the body limit nearest the
    // handlers.
    app.layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(guard::json_errors))
        .layer(middleware::from_fn(guard::api_paths))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::identify,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::same_site,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            guard::panicked,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::security_headers,
        ))
        .with_state(state)
}

/// A body that is not `application/json`, or JSON that names a key twice: refused before any
/// call sees it ([`strict`]).
#[allow(
    clippy::result_large_err,
    reason = "the refusal is the response itself, built once per request"
)]
fn read_body(headers: &HeaderMap, body: &[u8]) -> Result<serde_json::Value, Response> {
    if !strict::is_json(headers) {
        return Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "Kiosk calls take a JSON body sent as application/json.",
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Null);
    }
    strict::parse(body).map_err(|e| {
        ApiError(KioskError::Invalid(kiosk::Invalid::new(
            "args",
            format!("the body is not JSON the kiosk reads one way: {e}"),
        )))
        .into_response()
    })
}

/// The UI as it was built when this binary was (issue 26): `kiosk serve` started anywhere
/// needs nothing beside it. A folder given with `--ui-dir` (the repository's `ui/dist` by
/// default) is served instead where it exists, so a rebuilt UI shows without a new binary.
#[derive(rust_embed::Embed)]
#[folder = "../../ui/dist/"]
#[allow_missing = true]
struct BuiltUi;

const INDEX: &str = "index.html";

/// A file of the built UI; any other path is the UI's page (its router reads the path).
async fn built_ui(uri: axum::http::Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let (file, kind) = match BuiltUi::get(path).filter(|_| !path.is_empty()) {
        Some(file) => {
            let kind = file.metadata.mimetype().to_owned();
            (file, kind)
        }
        None => match BuiltUi::get(INDEX) {
            Some(file) => (file, "text/html; charset=utf-8".to_owned()),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let kind = HeaderValue::from_str(&kind)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    ([(header::CONTENT_TYPE, kind)], file.data.into_owned()).into_response()
}

/// Any kiosk call: `POST` with its arguments as a JSON object (empty for none), or `GET` for a
/// call declared `read` that takes no arguments, so that a prefetching browser, a crawler or
/// an `<img>` on another page can never change anything.
async fn call(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let args = if method == Method::GET {
        if !kiosk::calls::NAMES.contains(&name.as_str()) {
            return ApiError(KioskError::UnknownCall(name)).into_response();
        }
        let takes_args = kiosk::calls::ARGS
            .iter()
            .any(|(n, args)| *n == name && !args.is_empty());
        if !kiosk::calls::only_reads(&name) || takes_args {
            let mut refused = refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                "This call changes something or takes arguments: POST it with a JSON body.",
            );
            refused
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return refused;
        }
        if !body.is_empty() {
            return refuse(
                StatusCode::BAD_REQUEST,
                ErrorCode::Invalid,
                "A GET carries no body.",
            );
        }
        serde_json::Value::Null
    } else {
        match read_body(&headers, &body) {
            Ok(args) => args,
            Err(refused) => return refused,
        }
    };
    let face: Arc<dyn Face> = Arc::new(WebFace {
        caller,
        fingerprint: s.config.tls_fingerprint.clone(),
        peer_line: s.config.peer_line.clone(),
    });
    match kiosk::calls::call(&s.kiosk, face, &name, args).await {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

/// Every core event, as it happens, until the server stops or (for a tablet) staff revoke it.
async fn events(State(s): State<AppState>, Extension(caller): Extension<Caller>) -> Response {
    let Ok(permit) = Arc::clone(&s.streams).try_acquire_owned() else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::TooManyStreams,
            "Too many screens are following the kiosk's events; close one and try again.",
        );
    };
    let revoked_me = move |e: &Event| matches!((e, caller), (Event::DeviceRevoked { device_id }, Caller::Tablet(me)) if *device_id == me);
    let stream = BroadcastStream::new(s.kiosk.subscribe())
        .filter_map(Result::ok)
        .take_while(move |e| !revoked_me(e))
        .map(move |event| {
            // The stream owns the permit: the slot is free again when the stream is dropped.
            let _held = &permit;
            let data = serde_json::to_string(&event).unwrap_or_default();
            Ok::<_, Infallible>(SseEvent::default().event("kiosk").data(data))
        });
    // A stream never ends by itself: the server's stop ends it, or a stop would wait forever.
    let stream = futures::StreamExt::take_until(stream, s.shutdown.cancelled_owned());
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairBody {
    code: String,
    /// What staff will see the tablet as ("Front desk iPad").
    #[serde(default)]
    name: Option<String>,
}

/// Pairs a tablet: a right code answers a device token as a cookie (EventSource cannot set
/// headers); wrong codes make the next tries wait ([`kiosk::domain::attempts::PAIR_PER_SOURCE`]).
async fn pair(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match read_body(&headers, &body) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let Ok(b) = serde_json::from_value::<PairBody>(body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            "The body is {\"code\": \"123456\", \"name\": \"Front desk\"}.",
        );
    };
    let kiosk = s.kiosk.clone();
    let from = peer.ip().to_string();
    let paired =
        tokio::task::spawn_blocking(move || kiosk.staff().pair(&b.code, &from, b.name.as_deref()))
            .await
            .unwrap_or_else(|e| Err(KioskError::CallAborted(e.to_string())));
    match paired {
        Ok(paired) => {
            let secure = if s.config.https { "; Secure" } else { "" };
            (
                [(
                    header::SET_COOKIE,
                    format!(
                        "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000{secure}",
                        guard::DEVICE_COOKIE,
                        paired.token
                    ),
                )],
                Json(json!({ "paired": true, "device_id": paired.device_id })),
            )
                .into_response()
        }
        Err(e) => ApiError(e).into_response(),
    }
}
