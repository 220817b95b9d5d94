//! What the kiosk remembers in memory about who may do what: staff sessions, wrong member PINs
//! per caller, wrong pairing codes per address and in all. A restart forgets it all, which only
//! ever asks for a PIN again. The rules are [`crate::guard`]'s; the calls are in
//! `kiosk/access.rs`.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use crate::guard::{Attempts, Caller};
use crate::secrets::encode_hex;

/// A staff session ends after this long without a staff call...
pub const STAFF_IDLE: Duration = Duration::minutes(5);
/// ...and an hour after the PIN opened it, whatever happens.
pub const STAFF_LONGEST: Duration = Duration::hours(1);
/// How long a pairing code may be used; each use makes a new one.
pub const PAIRING_CODE_LIFE: Duration = Duration::minutes(10);

/// A random token of 256 bits, as 64 hex digits.
pub(crate) fn new_token() -> String {
    encode_hex(&rand::random::<[u8; 32]>())
}

/// How a token is kept: never the token itself.
pub(crate) fn token_hash(token: &str) -> String {
    encode_hex(&Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Session {
    pub caller: Caller,
    pub started: DateTime<Utc>,
    pub last_used: DateTime<Utc>,
}

impl Session {
    pub fn alive(&self, now: DateTime<Utc>) -> bool {
        now - self.last_used < STAFF_IDLE && now - self.started < STAFF_LONGEST
    }
}

/// Wrong member PINs and cards at one caller: the running count and today's total for staff.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WrongTries {
    pub attempts: Attempts,
    pub day: Option<NaiveDate>,
    pub today: u32,
}

#[derive(Debug, Default)]
pub(crate) struct Access {
    /// Staff sessions by the hash of their token.
    pub sessions: Mutex<HashMap<String, Session>>,
    pub member_tries: Mutex<HashMap<Caller, WrongTries>>,
    /// Wrong pairing codes by source address, and in all.
    pub pair_tries: Mutex<(HashMap<String, Attempts>, Attempts)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits_and_kept_only_hashed() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
        let h = token_hash(&a);
        assert_eq!(h.len(), 64);
        assert_ne!(h, a);
        assert_eq!(h, token_hash(&a), "the same token always hashes the same");
    }

    #[test]
    fn a_session_ends_after_five_idle_minutes_or_an_hour_in_all() {
        let t: DateTime<Utc> = "2026-11-30T09:00:00Z".parse().unwrap();
        let s = Session {
            caller: Caller::Screen,
            started: t,
            last_used: t,
        };
        assert!(s.alive(t + Duration::minutes(4)));
        assert!(!s.alive(t + Duration::minutes(5)));
        let busy = Session {
            last_used: t + Duration::minutes(59),
            ..s
        };
        assert!(busy.alive(t + Duration::minutes(59)));
        assert!(!busy.alive(t + Duration::minutes(60)), "an hour at most");
    }
}
