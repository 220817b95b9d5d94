//! The guards of a face on a shared network, as middleware: the Host and Origin checks (DNS
//! rebinding, other sites' pages), who is calling (the screen or a paired tablet), security
//! headers on every answer, and `{code, message}` for every refusal, axum's own included. What
//! each stops is in SECURITY.md.

use std::any::Any;
use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use kiosk::ErrorCode;
use kiosk::domain::attempts::Caller;

use super::{AppState, refuse};

/// The largest request body: a settings object or a login is a few hundred bytes; the space's
/// logo (at most 256 KB, sent as base64) is the one large thing staff send.
pub const BODY_LIMIT: usize = 512 * 1024;
/// Event streams open at once (a screen or tablet holds one each).
pub const STREAMS_AT_ONCE: usize = 32;
/// The cookie a paired tablet's token travels in.
pub(super) const DEVICE_COOKIE: &str = "kiosk_device";

/// Only the UI's own files and scripts, no framing, no inline script, and no image from
/// elsewhere: members' photos and the logo come from the kiosk as `data:` addresses, so a
/// tablet never contacts the photo host.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Security headers on every answer; API answers are never cached.
pub(super) async fn security_headers(
    State(_): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The host part of a Host header or an origin's authority: "[::1]:8080" -> "::1".
fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split_once(']').map_or("", |(host, _)| host);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// Whether the kiosk answers to this Host: an IP address (a browser that asked for it by
/// address), `localhost`, or a name IT gave. A name an attacker owns (DNS rebinding) is none.
pub(super) fn host_allowed(host: &str, names: &[String]) -> bool {
    let name = host_name(host);
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok()
        || names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Refuses a foreign Host (DNS rebinding) and a request another site's page made (its Origin
/// is not this kiosk, or its `Sec-Fetch-Site` says so; another port of the same address is
/// another site's page too): loopback is trusted as the kiosk's own screen, so a page elsewhere must
/// never reach it through the browser.
pub(super) async fn same_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            ErrorCode::NoHost,
            "The request names no host.",
        );
    };
    if !host_allowed(host, &state.config.host_names) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            ErrorCode::ForeignHost,
            "This kiosk does not answer to that host name.",
        );
    }
    // A browser says where a request comes from even when it sends no Origin (a GET, an
    // older browser): anything but this origin, or the user's own navigation, is refused.
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return refuse(
            StatusCode::FORBIDDEN,
            ErrorCode::ForeignOrigin,
            "Another site's page cannot call the kiosk.",
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host));
        if !same {
            return refuse(
                StatusCode::FORBIDDEN,
                ErrorCode::ForeignOrigin,
                "Another site's page cannot call the kiosk.",
            );
        }
    }
    next.run(request).await
}

/// A paired tablet's token: the standard `Authorization: Bearer` (read as the metrics and the
/// paired kiosks read theirs), else the cookie a tablet's browser keeps.
fn device_token(headers: &HeaderMap) -> Option<String> {
    let bearer = super::metrics::bearer(headers).map(str::to_owned);
    bearer.or_else(|| {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == DEVICE_COOKIE).then(|| v.to_owned())
            })
    })
}

/// Who is calling: the kiosk's own screen (loopback, or a face that needs no pairing) or a
/// paired tablet by its token. Elsewhere only the UI's files and `/api/pair` are open.
pub(super) async fn identify(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let open = !path.starts_with("/api/") || path == "/api/pair";
    let local = state.config.trust_loopback
        && request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_none_or(|c| c.0.ip().is_loopback());
    let caller = if local || !state.config.pairing_required {
        Some(Caller::Screen)
    } else if let Some(token) = device_token(request.headers()) {
        let kiosk = state.kiosk.clone();
        let found =
            tokio::task::spawn_blocking(move || kiosk.staff().device_for_token(&token)).await;
        match found {
            Ok(Ok(device)) => device.map(Caller::Tablet),
            Ok(Err(e)) => {
                return refuse(StatusCode::INTERNAL_SERVER_ERROR, e.code(), &e.to_string());
            }
            Err(_) => None,
        }
    } else {
        None
    };
    match caller {
        Some(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        None if open => next.run(request).await,
        None => refuse(
            StatusCode::UNAUTHORIZED,
            ErrorCode::PairingRequired,
            "This tablet is not paired with the kiosk, or staff unpaired it.",
        ),
    }
}

/// Whether `path` is under `/api` (any case) but names no call: a call is one lower-case
/// segment, `/api/{call}`, so `/api`, `/api/`, `/API/STATUS` and `/api/tap/nope` are none.
fn names_no_call(path: &str) -> bool {
    let api_like = path
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("/api"))
        && matches!(path.as_bytes().get(4), None | Some(b'/'));
    api_like
        && path
            .strip_prefix("/api/")
            .is_none_or(|call| call.is_empty() || call.contains('/'))
}

/// A path under `/api` that names no call is a JSON 404, never the UI's index.html (which
/// would answer 200 to anything).
pub(super) async fn api_paths(request: Request, next: Next) -> Response {
    if names_no_call(request.uri().path()) {
        return refuse(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "There is no such kiosk call.",
        );
    }
    next.run(request).await
}

/// The refusal's code for an HTTP status axum or a layer answered by itself.
fn status_code_name(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => ErrorCode::Invalid,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::Refused,
    }
}

/// Every refusal under `/api/` is `{code, message}`, axum's own (a body too large, a method
/// not allowed) included: the UI and scripts read one shape.
pub(super) async fn json_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let message = status.canonical_reason().unwrap_or("refused");
    let mut refused = refuse(status, status_code_name(status), message);
    if let Some(allow) = response.headers().get(header::ALLOW) {
        refused.headers_mut().insert(header::ALLOW, allow.clone());
    }
    refused
}

/// A panic in a handler: a 500 like any other error, and the server goes on.
pub(super) fn panicked(_: Box<dyn Any + Send + 'static>) -> Response<Body> {
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        "The kiosk failed to answer; the error is in its log.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_addresses_localhost_and_given_names_are_this_kiosk_other_names_are_not() {
        let names = ["kiosk.lobby.example".to_owned()];
        for ok in [
            "127.0.0.1:8080",
            "192.168.1.10",
            "[::1]:8443",
            "localhost:8080",
            "LOCALHOST",
            "kiosk.lobby.example:8443",
        ] {
            assert!(host_allowed(ok, &names), "{ok}");
        }
        for foreign in [
            "attacker.example",
            "127.0.0.1.attacker.example:8080",
            "localhost.attacker.example",
            "",
            "[::1",
        ] {
            assert!(!host_allowed(foreign, &names), "{foreign}");
        }
    }

    #[test]
    fn only_one_lower_case_segment_under_api_names_a_call() {
        for none in [
            "/api",
            "/api/",
            "/API/STATUS",
            "/Api/tap",
            "/api/tap/nope",
            "/api/staff/queue/1",
        ] {
            assert!(names_no_call(none), "{none}");
        }
        for path in [
            "/api/status",
            "/api/events",
            "/api/nope",
            "/",
            "/desk",
            "/apiary",
        ] {
            assert!(!names_no_call(path), "{path}");
        }
    }

    #[test]
    fn a_device_token_comes_from_the_bearer_header_or_the_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; kiosk_device=abc; other=1"),
        );
        assert_eq!(device_token(&h).as_deref(), Some("abc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer xyz"),
        );
        assert_eq!(
            device_token(&h).as_deref(),
            Some("xyz"),
            "any case of the scheme"
        );
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(
            device_token(&h).as_deref(),
            Some("abc"),
            "an empty bearer is none: the cookie speaks"
        );
    }
}
