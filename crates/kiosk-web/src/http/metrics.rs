//! `GET /metrics` for IT's Prometheus: the core's scrape ([`kiosk::Kiosk::desk`]'s `metrics`)
//! to a scraper that shows a token staff made on the desk, as `Authorization: Bearer`. Never a
//! token in the URL (it would land in logs); never without one, the kiosk's own screen
//! included, so a scrape is the same question from anywhere.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kiosk::ErrorCode;

use super::{AppState, refuse};

/// The scrape's media type: OpenMetrics text (what the core's scrape is), which Prometheus
/// asks for first.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The token a request shows, if it shows one the standard way.
pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

pub(super) async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = bearer(&headers).map(str::to_owned);
    let kiosk = state.kiosk.clone();
    let scraped = tokio::task::spawn_blocking(move || {
        let Some(token) = token else {
            return Ok(None);
        };
        if !kiosk.staff().scrape_token_valid(&token)? {
            return Ok(None);
        }
        kiosk.desk().metrics().map(Some)
    })
    .await
    .unwrap_or_else(|e| Err(kiosk::KioskError::CallAborted(e.to_string())));
    match scraped {
        Ok(Some(text)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            text,
        )
            .into_response(),
        Ok(None) => {
            let mut refused = refuse(
                StatusCode::UNAUTHORIZED,
                ErrorCode::ScrapeTokenRequired,
                "Metrics are read with a scrape token made on the staff desk (Settings, \
                 Monitoring), sent as Authorization: Bearer <token>.",
            );
            refused.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"kiosk metrics\""),
            );
            refused
        }
        Err(e) => super::ApiError(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn a_bearer_token_is_read_whatever_the_scheme_case_and_nothing_else_is() {
        assert_eq!(bearer(&with("Bearer abc")), Some("abc"));
        assert_eq!(bearer(&with("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(&with("Basic YWJjOmRlZg==")), None);
        assert_eq!(bearer(&with("Bearer ")), None);
        assert_eq!(bearer(&with("abc")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
