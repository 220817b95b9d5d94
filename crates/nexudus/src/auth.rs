//! OAuth2 password and refresh grants, and where the refresh token lives.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// A secret string that never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Error of a token store.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// Where the refresh token is kept between runs; the caller decides (a keyring, a file...).
pub trait TokenStore: Send + Sync {
    fn load(&self) -> Result<Option<Secret>, StoreError>;
    fn save(&self, token: &Secret) -> Result<(), StoreError>;
    fn clear(&self) -> Result<(), StoreError>;
}

/// A token store that forgets on exit: for tests and for demo mode.
#[derive(Debug, Default)]
pub struct MemoryTokenStore(Mutex<Option<Secret>>);

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Result<Option<Secret>, StoreError> {
        Ok(self.0.lock().unwrap().clone())
    }

    fn save(&self, token: &Secret) -> Result<(), StoreError> {
        *self.0.lock().unwrap() = Some(token.clone());
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}

/// The 200 answer of `POST /api/token`.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenAnswer {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// The 400 answer of `POST /api/token`.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenRefusal {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// The access token in memory, with when to stop trusting it.
#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub token: Secret,
    pub refresh_after: Instant,
}

impl AccessToken {
    /// Trust a token until a minute before it says it expires (at most a week).
    pub fn new(token: String, expires_in: Option<u64>, now: Instant) -> Self {
        let lifetime = Duration::from_secs(expires_in.unwrap_or(3600).min(7 * 24 * 3600));
        let margin = Duration::from_secs(60).min(lifetime / 2);
        Self {
            token: Secret::new(token),
            refresh_after: now + lifetime.saturating_sub(margin),
        }
    }

    pub fn is_fresh(&self, now: Instant) -> bool {
        now < self.refresh_after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        let t = AccessToken::new("abc123".into(), Some(600), Instant::now());
        assert!(!format!("{t:?}").contains("abc123"));
    }

    #[test]
    fn a_token_is_renewed_before_it_expires() {
        let now = Instant::now();
        let t = AccessToken::new("a".into(), Some(600), now);
        assert!(t.is_fresh(now + Duration::from_secs(500)));
        assert!(
            !t.is_fresh(now + Duration::from_secs(545)),
            "renewed a minute early"
        );
        let short = AccessToken::new("a".into(), Some(2), now);
        assert!(short.is_fresh(now) && !short.is_fresh(now + Duration::from_secs(1)));
    }
}
