//! OAuth2 password and refresh grants, and where the refresh token lives.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

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

/// An access token kept between runs, with the wall-clock time until which it may be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccess {
    pub token: Secret,
    pub valid_until: SystemTime,
}

/// Where the session is kept between runs; the caller decides (a keyring, a file...).
///
/// The refresh token is the session: Nexudus retires the old one when it issues a new one, so
/// [`TokenStore::save`] must have made the new one durable when it returns. The access token is
/// kept too, so a restart uses it instead of renewing the session at every start (a renewal
/// is the one moment a power cut can cost the login).
pub trait TokenStore: Send + Sync {
    /// The refresh token: a staged one if a run was stopped before it was kept durably.
    fn load(&self) -> Result<Option<Secret>, StoreError>;
    fn save(&self, token: &Secret) -> Result<(), StoreError>;

    /// Puts a new refresh token, at once, where the next run's [`TokenStore::load`] finds it
    /// should this process be killed before [`TokenStore::save`] returns: a plain write, no
    /// fsync and no keyring round trip (a killed process's writes stay with the kernel). A
    /// store may not stage; `save` alone then keeps it.
    fn stage(&self, token: &Secret) -> Result<(), StoreError> {
        let _ = token;
        Ok(())
    }
    /// Forgets the whole session: the refresh token and any access token.
    fn clear(&self) -> Result<(), StoreError>;

    /// The access token of the last run, if the store keeps one.
    fn load_access(&self) -> Result<Option<StoredAccess>, StoreError> {
        Ok(None)
    }

    /// Keeps the access token for the next run; a store may ignore it.
    fn save_access(&self, access: &StoredAccess) -> Result<(), StoreError> {
        let _ = access;
        Ok(())
    }
}

/// A token store that forgets on exit: for tests and for demo mode.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    refresh: Mutex<Option<Secret>>,
    access: Mutex<Option<StoredAccess>>,
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Result<Option<Secret>, StoreError> {
        Ok(self.refresh.lock().unwrap().clone())
    }

    fn save(&self, token: &Secret) -> Result<(), StoreError> {
        *self.refresh.lock().unwrap() = Some(token.clone());
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        *self.refresh.lock().unwrap() = None;
        *self.access.lock().unwrap() = None;
        Ok(())
    }

    fn load_access(&self) -> Result<Option<StoredAccess>, StoreError> {
        Ok(self.access.lock().unwrap().clone())
    }

    fn save_access(&self, access: &StoredAccess) -> Result<(), StoreError> {
        *self.access.lock().unwrap() = Some(access.clone());
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
        let margin = Duration::from_mins(1).min(lifetime / 2);
        Self {
            token: Secret::new(token),
            refresh_after: now + lifetime.saturating_sub(margin),
        }
    }

    /// A token kept by an earlier run, if it is still good by the wall clock.
    pub fn restored(stored: StoredAccess, now: Instant) -> Option<Self> {
        let left = stored.valid_until.duration_since(SystemTime::now()).ok()?;
        Some(Self {
            token: stored.token,
            refresh_after: now + left,
        })
    }

    /// The token as a store keeps it, its deadline on the wall clock.
    pub fn to_stored(&self, now: Instant) -> StoredAccess {
        StoredAccess {
            token: self.token.clone(),
            valid_until: SystemTime::now() + self.refresh_after.saturating_duration_since(now),
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

    #[test]
    fn a_kept_token_is_used_by_the_next_run_only_while_it_is_good() {
        let now = Instant::now();
        let kept = AccessToken::new("a".into(), Some(600), now).to_stored(now);
        let restored = AccessToken::restored(kept.clone(), Instant::now()).expect("still good");
        assert!(restored.is_fresh(Instant::now() + Duration::from_secs(500)));
        assert!(!restored.is_fresh(Instant::now() + Duration::from_secs(545)));
        let stale = StoredAccess {
            valid_until: SystemTime::now() - Duration::from_secs(1),
            ..kept
        };
        assert!(AccessToken::restored(stale, Instant::now()).is_none());
    }
}
