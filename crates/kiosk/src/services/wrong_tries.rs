//! Wrong member PINs, cards and visitor codes, counted per caller (the screen, each tablet):
//! past the free ones, the next try at that caller waits ([`attempts::MEMBER_PIN`]). Kept in
//! memory: a restart forgets them, which only ever lets a member try again. The members' taps
//! and the visitors' desk count here; staff read and clear the counts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::attempts::{self, Attempts, Caller};
use crate::error::KioskError;
use crate::shared::Shared;

/// Wrong member PINs and cards at one caller, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WrongPins {
    pub caller: Caller,
    pub today: u32,
    /// Seconds until the next PIN is taken there, while a wait runs.
    pub waiting_seconds: Option<i64>,
}

/// The running count at one caller and today's total for staff.
#[derive(Debug, Clone, Copy, Default)]
struct Tries {
    attempts: Attempts,
    day: Option<NaiveDate>,
    today: u32,
}

/// Wrong tries by caller. Cheap to clone; every clone counts in the same place.
#[derive(Debug, Clone)]
pub struct WrongTries {
    shared: Arc<Shared>,
    by_caller: Arc<Mutex<HashMap<Caller, Tries>>>,
}

impl WrongTries {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self {
            shared,
            by_caller: Arc::default(),
        }
    }

    /// Refuses a PIN, card or code while a wait after wrong ones runs at this caller.
    pub fn allowed(&self, caller: Caller) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let tries = self.by_caller.lock().unwrap();
        match tries.get(&caller).and_then(|t| t.attempts.locked_for(now)) {
            Some(seconds) => Err(KioskError::LockedOut { seconds }),
            None => Ok(()),
        }
    }

    /// Counts a PIN, card or code that matched nobody.
    pub fn wrong(&self, caller: Caller) {
        let now = self.shared.clock.now();
        let today = now.date_naive();
        let started_wait = {
            let mut all = self.by_caller.lock().unwrap();
            let t = all.entry(caller).or_default();
            if t.day != Some(today) {
                t.day = Some(today);
                t.today = 0;
            }
            t.today += 1;
            t.attempts = t.attempts.failed(&attempts::MEMBER_PIN, now);
            (t.attempts.failures == attempts::MEMBER_PIN.free + 1).then_some(t.today)
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

    /// Wrong tries today, by caller, the most first.
    pub fn today(&self) -> Vec<WrongPins> {
        let now = self.shared.clock.now();
        let today = now.date_naive();
        let all = self.by_caller.lock().unwrap();
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

    /// Ends the wait at a caller (today's count stays, for staff to see).
    pub fn clear(&self, caller: Caller) {
        if let Some(t) = self.by_caller.lock().unwrap().get_mut(&caller) {
            t.attempts = Attempts::default();
        }
    }
}
