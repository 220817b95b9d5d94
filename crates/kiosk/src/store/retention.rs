//! What the kiosk forgets, and when (`docs/decisions.md`, "Retention"): however long it runs,
//! its database holds a few weeks of traffic. Nothing that still waits to be sent is forgotten.

use chrono::{DateTime, Duration, Utc};

use super::Tx;
use super::sent::SENT_KEPT_FOR;
use super::values::Ts;
use crate::error::StoreError;

/// Check-ins and refusals: five weeks, for the staff desk's typical day (four weeks of the
/// same weekday) and a month of questions ("was I in on the 3rd?").
pub const VISITS_KEPT: Duration = Duration::days(35);
/// The sync queue's sent entries: a week, for the desk's queue and a support call.
pub const SENT_ENTRIES_KEPT: Duration = Duration::days(7);
/// The staff audit log: a year and a month, a year's questions with room.
pub const AUDIT_KEPT: Duration = Duration::days(400);

/// The retentions staff choose (the visitors' settings), beside the fixed ones above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen {
    /// Visitors' signed agreements.
    pub signed_agreements: Duration,
    /// Returning walk-ins' visits (zero: none remembered).
    pub guests: Duration,
}

/// How many rows of each kind one tidy forgot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forgotten {
    pub sent_entries: usize,
    pub checkins: usize,
    pub failed: usize,
    pub audit: usize,
    /// Seconds of the requests sent (`store::sent`), past the day the limits look back.
    pub sent_seconds: usize,
    /// Visitors' signed agreements past the days staff keep them.
    pub signed_agreements: usize,
    /// Returning guests' visits past the days staff remember them.
    pub guests: usize,
}

impl Forgotten {
    pub fn total(&self) -> usize {
        self.sent_entries
            + self.checkins
            + self.failed
            + self.audit
            + self.sent_seconds
            + self.signed_agreements
            + self.guests
    }
}

impl Tx<'_> {
    /// Forgets what is older than its retention at `now`: sent queue entries first, then the
    /// closed check-ins and the refusals no entry waits for, the audit log, the requests sent
    /// more than a day ago, and the visitors' signed agreements and returning guests past the
    /// retentions staff `chosen`.
    pub fn forget_old(&self, now: DateTime<Utc>, chosen: Chosen) -> Result<Forgotten, StoreError> {
        let sent_entries = self.exec(
            "DELETE FROM outbox WHERE status = 'done' AND done_at < ?1",
            [Ts(now - SENT_ENTRIES_KEPT)],
        )?;
        let visits = Ts(now - VISITS_KEPT);
        let checkins = self.exec(
            "DELETE FROM checkins WHERE from_time < ?1 AND to_time IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.target = checkins.local_id)",
            [&visits],
        )?;
        let failed = self.exec(
            "DELETE FROM failed_checkins WHERE attempt_time < ?1
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.target = failed_checkins.local_id)",
            [&visits],
        )?;
        let audit = self.exec(
            "DELETE FROM audit_log WHERE at < ?1",
            [Ts(now - AUDIT_KEPT)],
        )?;
        let sent_seconds = self.forget_sent_before(now.timestamp() - SENT_KEPT_FOR)?;
        Ok(Forgotten {
            sent_entries,
            checkins,
            failed,
            audit,
            sent_seconds,
            signed_agreements: self.forget_signed_before(now - chosen.signed_agreements)?,
            guests: self.forget_guests_before(now - chosen.guests)?,
        })
    }
}
