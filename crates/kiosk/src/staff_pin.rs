//! The staff PIN: an argon2 hash, and a lock-out that grows after five wrong tries.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Invalid, KioskError};

/// Wrong tries allowed before the first lock-out.
pub const FREE_TRIES: u32 = 5;

/// Hashes a PIN with argon2id and a random salt.
pub fn hash(pin: &str) -> Result<String, KioskError> {
    let failed = |e: argon2::password_hash::Error| KioskError::Internal(format!("hashing: {e}"));
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(failed)?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(failed)
}

pub fn matches(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &h)
            .is_ok()
    })
}

/// A staff PIN must be 4 to 12 digits.
pub fn validate(pin: &str) -> Result<(), Invalid> {
    if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Invalid::new("staff_pin", "a staff PIN is 4 to 12 digits"))
    }
}

/// Wrong tries so far and when the lock-out ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Attempts {
    /// Seconds left of a lock-out, if one is running.
    pub fn locked_for(&self, now: DateTime<Utc>) -> Option<i64> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| (until - now).num_seconds().max(1))
    }

    /// After a wrong PIN: from the fifth wrong try on, a lock-out of 30 s that doubles with each
    /// further wrong try, at most an hour.
    #[must_use]
    pub fn failed(self, now: DateTime<Utc>) -> Self {
        let failures = self.failures + 1;
        let locked_until = (failures >= FREE_TRIES).then(|| {
            let doublings = (failures - FREE_TRIES).min(7);
            now + Duration::seconds((30_i64 << doublings).min(3600))
        });
        Self {
            failures,
            locked_until,
        }
    }

    pub fn tries_left(&self) -> u32 {
        FREE_TRIES.saturating_sub(self.failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_stored_only_as_a_slow_salted_hash() {
        let h = hash("2468").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("2468"));
        assert!(matches("2468", &h) && !matches("2469", &h));
        assert_ne!(
            hash("2468").unwrap(),
            h,
            "salted: the same PIN hashes differently"
        );
    }

    #[test]
    fn the_lock_out_starts_at_the_fifth_wrong_try_and_grows() {
        let t = Utc::now();
        let mut a = Attempts::default();
        for _ in 0..4 {
            a = a.failed(t);
            assert_eq!(a.locked_for(t), None);
        }
        assert_eq!(a.tries_left(), 1);
        a = a.failed(t);
        assert_eq!(a.locked_for(t), Some(30));
        a = a.failed(t);
        assert_eq!(
            a.locked_for(t),
            Some(60),
            "each further wrong try doubles it"
        );
        for _ in 0..20 {
            a = a.failed(t);
        }
        assert_eq!(a.locked_for(t), Some(3600), "at most an hour");
        assert_eq!(a.locked_for(t + Duration::hours(2)), None, "and it ends");
    }

    #[test]
    fn pins_are_digits() {
        assert!(validate("1234").is_ok());
        assert!(validate("12a4").is_err() && validate("123").is_err());
    }
}
