//! Who may do what: staff sessions opened by the staff PIN, and what staff see and clear of
//! the wrong member PINs; tablets are paired in `pairing.rs`. Sessions live in memory: a restart
//! ends them, which only asks for the PIN again. Figures and reasons:
//! [`crate::domain::attempts`], SECURITY.md.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::wrong_tries::{WrongPins, WrongTries};
use crate::domain::attempts::{self, Attempts, Caller};
use crate::domain::staff_pin;
use crate::error::{KioskError, StoreError};
use crate::secrets::encode_hex;
use crate::shared::Shared;
use crate::store::SettingKey;

/// A staff session ends after this long without a staff call...
pub const STAFF_IDLE: Duration = Duration::minutes(5);
/// ...and an hour after the PIN opened it, whatever happens.
pub const STAFF_LONGEST: Duration = Duration::hours(1);
/// How long a pairing code may be used; each use makes a new one.
pub const PAIRING_CODE_LIFE: Duration = Duration::minutes(10);

/// A random token of 256 bits, as 64 hex digits.
pub(super) fn new_token() -> String {
    encode_hex(&rand::random::<[u8; 32]>())
}

/// Whether a token's use is noted now: at most once a minute, so a busy tablet or a scraper
/// every 15 s does not write on every call.
pub(super) fn use_worth_noting(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last.is_none_or(|at| now - at >= Duration::minutes(1))
}

/// How a token is kept: never the token itself.
pub(super) fn token_hash(token: &str) -> String {
    encode_hex(&Sha256::digest(token.as_bytes()))
}

/// Proof that staff are at the controls: made only by a right staff PIN or a live staff
/// session, and asked for by every staff method.
#[derive(Debug, Clone, Copy)]
pub struct Staff {
    caller: Caller,
}

impl Staff {
    /// Where staff are: the screen or a tablet (the audit log says it).
    pub fn caller(&self) -> Caller {
        self.caller
    }
}

/// What the staff PIN opens: a token for the staff calls that follow (the PIN itself is not
/// sent again) and how long the session lasts without use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StaffSession {
    pub token: String,
    pub idle_seconds: i64,
}

/// A tablet just paired: the token it keeps (as a cookie) and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paired {
    pub token: String,
    pub device_id: i64,
}

/// A staff session, kept under the hash of its token.
#[derive(Debug, Clone, Copy)]
struct Session {
    caller: Caller,
    started: DateTime<Utc>,
    last_used: DateTime<Utc>,
}

impl Session {
    fn alive(&self, now: DateTime<Utc>) -> bool {
        now - self.last_used < STAFF_IDLE && now - self.started < STAFF_LONGEST
    }
}

/// Staff sessions, the staff PIN, paired tablets and what staff do about wrong member PINs.
/// Cheap to clone; every clone is the same.
#[derive(Debug, Clone)]
pub struct StaffAccess {
    pub(super) shared: Arc<Shared>,
    /// Staff sessions by the hash of their token.
    sessions: Arc<Mutex<HashMap<String, Session>>>,
    /// Wrong pairing codes by source address, and in all.
    pub(super) pair_tries: Arc<Mutex<(HashMap<String, Attempts>, Attempts)>>,
    tries: WrongTries,
}

impl StaffAccess {
    /// Sets the first staff PIN from the configuration where none is set yet.
    pub(crate) fn new(
        shared: Arc<Shared>,
        tries: WrongTries,
        initial_pin: Option<&str>,
    ) -> Result<Self, KioskError> {
        if let Some(pin) = initial_pin {
            let now = shared.clock.now();
            shared.store.write(|tx| {
                if tx.get_setting(SettingKey::StaffPinHash)?.is_none() {
                    staff_pin::validate(pin)?;
                    tx.set_setting(SettingKey::StaffPinHash, &staff_pin::hash(pin)?)?;
                    tx.audit(now, "staff_pin_set", "initial PIN from configuration")?;
                }
                Ok::<_, KioskError>(())
            })?;
        }
        Ok(Self {
            shared,
            sessions: Arc::default(),
            pair_tries: Arc::default(),
            tries,
        })
    }

    /// The staff PIN, checked once, for the command line and tests (the screen).
    pub fn by_pin(&self, pin: &str) -> Result<Staff, KioskError> {
        self.verify_pin(pin)?;
        Ok(Staff {
            caller: Caller::Screen,
        })
    }

    /// Opens a staff session with the staff PIN.
    pub fn unlock(&self, pin: &str, caller: Caller) -> Result<StaffSession, KioskError> {
        self.verify_pin(pin)?;
        let now = self.shared.clock.now();
        let token = new_token();
        let mut sessions = self.sessions.lock().unwrap();
        sessions.retain(|_, s| s.alive(now));
        sessions.insert(
            token_hash(&token),
            Session {
                caller,
                started: now,
                last_used: now,
            },
        );
        Ok(StaffSession {
            token,
            idle_seconds: STAFF_IDLE.num_seconds(),
        })
    }

    /// The staff session behind a token, if it is alive and used by the caller that opened it;
    /// each use keeps it alive.
    pub fn session(&self, token: &str, caller: Caller) -> Result<Staff, KioskError> {
        let now = self.shared.clock.now();
        let mut sessions = self.sessions.lock().unwrap();
        match sessions.get_mut(&token_hash(token)) {
            Some(s) if s.alive(now) && s.caller == caller => {
                s.last_used = now;
                Ok(Staff { caller })
            }
            _ => Err(KioskError::StaffSessionEnded),
        }
    }

    /// Ends a staff session (the panel closed).
    pub fn lock(&self, token: &str) {
        self.sessions.lock().unwrap().remove(&token_hash(token));
    }

    /// Sets a new staff PIN: the current one is needed once one is set, and the first one is
    /// chosen only on the kiosk's own screen (never by whoever reaches a tablet first).
    pub fn set_pin(
        &self,
        caller: Caller,
        current: Option<&str>,
        new: &str,
    ) -> Result<(), KioskError> {
        if self.pin_is_set()? {
            self.verify_pin(current.unwrap_or_default())?;
        } else if caller != Caller::Screen {
            return Err(KioskError::ScreenOnly);
        }
        staff_pin::validate(new)?;
        let hash = staff_pin::hash(new)?;
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            tx.set_setting(SettingKey::StaffPinHash, &hash)?;
            tx.audit(now, "staff_pin_changed", &caller.describe())
        })?;
        Ok(())
    }

    /// Forgets the staff PIN and its wrong tries (`kiosk reset-staff-pin`, on the machine
    /// itself: whoever can run it there can read the data folder anyway). The next person to
    /// open the staff panel on the kiosk's own screen chooses a new one, as on a first run; the
    /// account's login, the settings and the queue stay. Answers whether a PIN was set.
    pub fn forget_pin(&self, how: &str) -> Result<bool, KioskError> {
        let now = self.shared.clock.now();
        let was_set = self.pin_is_set()?;
        self.shared.store.write(|tx| {
            tx.delete_setting(SettingKey::StaffPinHash)?;
            tx.delete_setting(SettingKey::StaffPinAttempts)?;
            tx.audit(now, "staff_pin_forgotten", how)
        })?;
        self.sessions.lock().unwrap().clear();
        Ok(was_set)
    }

    pub fn pin_is_set(&self) -> Result<bool, KioskError> {
        Ok(self
            .shared
            .store
            .read(|tx| tx.get_setting(SettingKey::StaffPinHash))?
            .is_some())
    }

    /// Checks the staff PIN, counting wrong tries ([`attempts::STAFF_PIN`]): the fifth wrong try
    /// in a row locks the panel for a while that grows with each further one.
    fn verify_pin(&self, pin: &str) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let (stored, attempts) = self.shared.store.read(|tx| {
            let attempts: Attempts = tx
                .get_setting(SettingKey::StaffPinAttempts)?
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            Ok::<_, StoreError>((tx.get_setting(SettingKey::StaffPinHash)?, attempts))
        })?;
        if let Some(seconds) = attempts.locked_for(now) {
            return Err(KioskError::LockedOut { seconds });
        }
        let Some(stored) = stored else {
            return Err(KioskError::NoStaffPin);
        };
        let good = staff_pin::matches(pin, &stored);
        let next = if good {
            Attempts::default()
        } else {
            attempts.failed(&attempts::STAFF_PIN, now)
        };
        if next != attempts {
            self.shared.store.write(|tx| {
                tx.set_setting(
                    SettingKey::StaffPinAttempts,
                    &serde_json::to_string(&next).unwrap_or_default(),
                )?;
                if let Some(seconds) = next.locked_for(now) {
                    tx.audit(
                        now,
                        "staff_pin_lockout",
                        &format!("{} wrong tries; locked for {seconds} s", next.failures),
                    )?;
                }
                Ok::<_, StoreError>(())
            })?;
        }
        match (good, next.locked_for(now)) {
            (true, _) => Ok(()),
            (false, Some(seconds)) => Err(KioskError::LockedOut { seconds }),
            (false, None) => Err(KioskError::WrongPin {
                tries_left: next.tries_left(&attempts::STAFF_PIN),
            }),
        }
    }

    /// Wrong member PINs and cards today, by caller (staff only).
    pub fn wrong_pins(&self, _staff: &Staff) -> Vec<WrongPins> {
        self.tries.today()
    }

    /// Forgets wrong member PINs at a caller (staff, after seeing who it was).
    pub fn clear_wrong_pins(&self, staff: &Staff, caller: Caller) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        self.tries.clear(caller);
        self.shared.store.write(|tx| {
            tx.audit(
                now,
                "member_pin_wait_cleared",
                &format!(
                    "at the {}, by staff at the {}",
                    caller.describe(),
                    staff.caller.describe()
                ),
            )
        })?;
        Ok(())
    }

    /// Ends the staff sessions a revoked tablet opened.
    pub(super) fn end_sessions_of(&self, caller: Caller) {
        self.sessions
            .lock()
            .unwrap()
            .retain(|_, s| s.caller != caller);
    }
}

#[cfg(test)]
mod tests;
