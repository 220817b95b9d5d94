//! Who may do what: staff sessions opened by the staff PIN, tablets paired by a short-lived
//! code, and waits after wrong member PINs. Figures and reasons: [`crate::guard`], SECURITY.md.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Kiosk, STAFF_PIN_KEY};
use crate::access::{self, PAIRING_CODE_LIFE, Session, WrongTries};
use crate::error::{KioskError, StoreError};
use crate::events::Event;
use crate::guard::{self, Attempts, Caller};
use crate::staff_pin;
use crate::store::Device;
use crate::views::PairingInfo;

const PAIRING_CODE_KEY: &str = "pairing_code";

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

/// Wrong member PINs and cards at one caller, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WrongPins {
    pub caller: Caller,
    pub today: u32,
    /// Seconds until the next PIN is taken there, while a wait runs.
    pub waiting_seconds: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredCode {
    code: String,
    expires_at: DateTime<Utc>,
}

impl Kiosk {
    // ---- staff --------------------------------------------------------------------------------

    /// The staff PIN, checked once, for the command line and tests (the screen).
    pub fn staff_by_pin(&self, pin: &str) -> Result<Staff, KioskError> {
        self.verify_staff_pin(pin)?;
        Ok(Staff {
            caller: Caller::Screen,
        })
    }

    /// Opens a staff session with the staff PIN.
    pub fn staff_unlock(&self, pin: &str, caller: Caller) -> Result<StaffSession, KioskError> {
        self.verify_staff_pin(pin)?;
        let now = self.shared.clock.now();
        let token = access::new_token();
        let mut sessions = self.shared.access.sessions.lock().unwrap();
        sessions.retain(|_, s| s.alive(now));
        sessions.insert(
            access::token_hash(&token),
            Session {
                caller,
                started: now,
                last_used: now,
            },
        );
        Ok(StaffSession {
            token,
            idle_seconds: access::STAFF_IDLE.num_seconds(),
        })
    }

    /// The staff session behind a token, if it is alive and used by the caller that opened it;
    /// each use keeps it alive.
    pub fn staff(&self, token: &str, caller: Caller) -> Result<Staff, KioskError> {
        let now = self.shared.clock.now();
        let mut sessions = self.shared.access.sessions.lock().unwrap();
        match sessions.get_mut(&access::token_hash(token)) {
            Some(s) if s.alive(now) && s.caller == caller => {
                s.last_used = now;
                Ok(Staff { caller })
            }
            _ => Err(KioskError::StaffSessionEnded),
        }
    }

    /// Ends a staff session (the panel closed).
    pub fn staff_lock(&self, token: &str) {
        self.shared
            .access
            .sessions
            .lock()
            .unwrap()
            .remove(&access::token_hash(token));
    }

    /// Sets a new staff PIN: the current one is needed once one is set, and the first one is
    /// chosen only on the kiosk's own screen (never by whoever reaches a tablet first).
    pub fn set_staff_pin(
        &self,
        caller: Caller,
        current: Option<&str>,
        new: &str,
    ) -> Result<(), KioskError> {
        if self.staff_pin_is_set()? {
            self.verify_staff_pin(current.unwrap_or_default())?;
        } else if caller != Caller::Screen {
            return Err(KioskError::ScreenOnly);
        }
        staff_pin::validate(new)?;
        let hash = staff_pin::hash(new)?;
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            tx.set_setting(STAFF_PIN_KEY, &hash)?;
            tx.audit(now, "staff_pin_changed", &caller.describe())
        })?;
        Ok(())
    }

    // ---- tablets ------------------------------------------------------------------------------

    /// The code tablets pair with: the current one, or a new one when it expired or was used.
    pub fn pairing_code(&self, _staff: &Staff) -> Result<PairingInfo, KioskError> {
        let now = self.shared.clock.now();
        let stored = self.stored_code()?.filter(|c| c.expires_at > now);
        let code = match stored {
            Some(c) => c,
            None => self.new_pairing_code()?,
        };
        Ok(self.pairing_info(Some(code)))
    }

    fn pairing_info(&self, code: Option<StoredCode>) -> PairingInfo {
        let required = self.shared.config.capabilities.pairing;
        match code.filter(|_| required) {
            Some(c) => PairingInfo {
                code: c.code,
                expires_at: Some(c.expires_at),
                required,
            },
            None => PairingInfo {
                code: String::new(),
                expires_at: None,
                required,
            },
        }
    }

    fn stored_code(&self) -> Result<Option<StoredCode>, KioskError> {
        Ok(self
            .shared
            .store
            .read(|tx| tx.get_setting(PAIRING_CODE_KEY))?
            .and_then(|s| serde_json::from_str(&s).ok()))
    }

    /// A new pairing code (the old one stops working), for the command line and the panel.
    pub fn new_pairing_code_info(&self) -> Result<PairingInfo, KioskError> {
        let code = self.new_pairing_code()?;
        Ok(self.pairing_info(Some(code)))
    }

    fn new_pairing_code(&self) -> Result<StoredCode, KioskError> {
        let code = StoredCode {
            code: format!("{:06}", rand::random_range(0..1_000_000)),
            expires_at: self.shared.clock.now() + PAIRING_CODE_LIFE,
        };
        let json = serde_json::to_string(&code).map_err(|e| KioskError::Internal(e.to_string()))?;
        self.shared
            .store
            .write(|tx| tx.set_setting(PAIRING_CODE_KEY, &json))?;
        Ok(code)
    }

    /// A tablet at address `from` offers a pairing code. Wrong codes are counted per address
    /// and in all, and past the free ones each further try waits longer (`guard::PAIR_*`);
    /// while a wait runs no code is even compared, the right one included. A right code pairs
    /// the tablet and is used up.
    pub fn pair(&self, code: &str, from: &str, name: Option<&str>) -> Result<Paired, KioskError> {
        let now = self.shared.clock.now();
        {
            let mut tries = self.shared.access.pair_tries.lock().unwrap();
            let (per_source, global) = &mut *tries;
            let mine = per_source
                .get(from)
                .copied()
                .unwrap_or_default()
                .current(&guard::PAIR_PER_SOURCE, now);
            let all = global.current(&guard::PAIR_GLOBAL, now);
            if let Some(seconds) = [mine.locked_for(now), all.locked_for(now)]
                .into_iter()
                .flatten()
                .max()
            {
                return Err(KioskError::LockedOut { seconds });
            }
            let stored = self.stored_code()?.filter(|c| c.expires_at > now);
            let right =
                stored.is_some_and(|c| constant_time_eq(c.code.as_bytes(), code.trim().as_bytes()));
            if !right {
                let mine = mine.failed(&guard::PAIR_PER_SOURCE, now);
                *global = all.failed(&guard::PAIR_GLOBAL, now);
                per_source.insert(from.to_owned(), mine);
                let global_wait = global.locked_for(now);
                if global.failures == guard::PAIR_GLOBAL.free + 1
                    || mine.failures == guard::PAIR_PER_SOURCE.free + 1
                {
                    let detail = format!(
                        "{} wrong codes from {from}, {} in all; pairing waits {} s",
                        mine.failures,
                        global.failures,
                        global_wait.or(mine.locked_for(now)).unwrap_or(0)
                    );
                    self.shared
                        .store
                        .write(|tx| tx.audit(now, "pairing_wrong_codes", &detail))?;
                }
                return Err(KioskError::WrongCode);
            }
            per_source.remove(from);
        }
        let token = access::new_token();
        let name = device_name(name);
        let device_id = self.shared.store.write(|tx| {
            tx.delete_setting(PAIRING_CODE_KEY)?;
            let id = tx.insert_device(
                name.as_deref().unwrap_or("Tablet"),
                &access::token_hash(&token),
                from,
                now,
            )?;
            if name.is_none() {
                tx.rename_device(id, &format!("Tablet {id}"))?;
            }
            tx.audit(now, "tablet_paired", &format!("tablet {id} from {from}"))?;
            Ok::<_, StoreError>(id)
        })?;
        Ok(Paired { token, device_id })
    }

    /// The paired tablet holding this token, if it is still paired (its last-seen time moves
    /// at most once a minute, so a busy tablet does not write on every call).
    pub fn device_for_token(&self, token: &str) -> Result<Option<i64>, KioskError> {
        let hash = access::token_hash(token);
        let Some(device) = self.shared.store.read(|tx| tx.device_by_token(&hash))? else {
            return Ok(None);
        };
        let now = self.shared.clock.now();
        if device
            .last_seen
            .is_none_or(|seen| now - seen >= chrono::Duration::minutes(1))
        {
            self.shared
                .store
                .write(|tx| tx.touch_device(device.id, now))?;
        }
        Ok(Some(device.id))
    }

    /// Every tablet ever paired, the newest first (staff only).
    pub fn devices(&self, _staff: &Staff) -> Result<Vec<Device>, KioskError> {
        Ok(self.shared.store.read(|tx| tx.devices())?)
    }

    /// Revokes a tablet at once: its next call is refused, its event stream closes, and staff
    /// sessions opened on it end.
    pub fn revoke_device(&self, staff: &Staff, id: i64) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let revoked = self.shared.store.write(|tx| {
            let revoked = tx.revoke_device(id, now)?;
            if revoked {
                tx.audit(
                    now,
                    "tablet_revoked",
                    &format!("tablet {id}, by staff at the {}", staff.caller.describe()),
                )?;
            }
            Ok::<_, StoreError>(revoked)
        })?;
        if !revoked {
            return Err(KioskError::UnknownDevice(id));
        }
        self.shared
            .access
            .sessions
            .lock()
            .unwrap()
            .retain(|_, s| s.caller != Caller::Tablet(id));
        self.shared.emit(Event::DeviceRevoked { device_id: id });
        Ok(())
    }

    // ---- member PINs and cards ----------------------------------------------------------------

    /// Refuses a PIN or card while a wait after wrong ones runs at this caller.
    pub(super) fn member_pin_allowed(&self, caller: Caller) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let tries = self.shared.access.member_tries.lock().unwrap();
        match tries.get(&caller).and_then(|t| t.attempts.locked_for(now)) {
            Some(seconds) => Err(KioskError::LockedOut { seconds }),
            None => Ok(()),
        }
    }

    /// Counts a PIN or card that matched nobody.
    pub(super) fn member_pin_wrong(&self, caller: Caller) {
        let now = self.shared.clock.now();
        let today = now.date_naive();
        let started_wait = {
            let mut all = self.shared.access.member_tries.lock().unwrap();
            let t: &mut WrongTries = all.entry(caller).or_default();
            if t.day != Some(today) {
                t.day = Some(today);
                t.today = 0;
            }
            t.today += 1;
            t.attempts = t.attempts.failed(&guard::MEMBER_PIN, now);
            (t.attempts.failures == guard::MEMBER_PIN.free + 1).then_some(t.today)
        };
        if let Some(today) = started_wait {
            // Once a run of wrong PINs, not once a PIN: the log stays readable under a script.
            let detail = format!(
                "wrong member PINs or cards at the {} ({today} today): each next try waits",
                caller.describe()
            );
            let _ = self
                .shared
                .store
                .write(|tx| tx.audit(now, "member_pin_wait", &detail));
        }
    }

    /// Wrong member PINs and cards today, by caller (staff only).
    pub fn wrong_pins(&self, _staff: &Staff) -> Vec<WrongPins> {
        let now = self.shared.clock.now();
        let today = now.date_naive();
        let all = self.shared.access.member_tries.lock().unwrap();
        let mut out: Vec<WrongPins> = all
            .iter()
            .filter(|(_, t)| t.day == Some(today))
            .map(|(caller, t)| WrongPins {
                caller: *caller,
                today: t.today,
                waiting_seconds: t.attempts.locked_for(now),
            })
            .collect();
        out.sort_by_key(|w| std::cmp::Reverse(w.today));
        out
    }

    /// Forgets wrong member PINs at a caller (staff, after seeing who it was).
    pub fn clear_wrong_pins(&self, staff: &Staff, caller: Caller) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        if let Some(t) = self
            .shared
            .access
            .member_tries
            .lock()
            .unwrap()
            .get_mut(&caller)
        {
            t.attempts = Attempts::default();
        }
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
}

/// A tablet's name as staff will read it: printable, trimmed, at most 40 characters.
fn device_name(name: Option<&str>) -> Option<String> {
    let name: String = name?
        .chars()
        .filter(|c| !c.is_control())
        .take(40)
        .collect::<String>()
        .trim()
        .to_owned();
    (!name.is_empty()).then_some(name)
}

/// Compares without stopping at the first difference, so timing tells nothing of the code.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
