//! Visitors at the front desk: an expected guest signs in with the code of their invitation
//! (typed, or scanned from its QR code by a reader that types it), and out with the same code.
//! Offline like members: the arrival is recorded durably and sent by the outbox. A code is
//! guarded like a PIN (wrong ones make the next try wait), and nothing lists the guests.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use uuid::Uuid;

use super::{Kiosk, Staff};
use crate::error::{KioskError, StoreError};
use crate::guard::Caller;
use crate::model::{OutboxOp, VISITORS_DAY, VisitorRow, invitation_code};
use crate::store::Tx;
use crate::views::{first_name, hh_mm};

/// What a visitor sees after giving their code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VisitorOutcome {
    /// Signed in now: whom they visit (where Nexudus names the host).
    Arrived {
        first_name: String,
        host_name: Option<String>,
        at_local: String,
    },
    /// Signed in before (the code given twice): the same words, nothing recorded again.
    AlreadyArrived {
        first_name: String,
        host_name: Option<String>,
    },
    /// Signed out now.
    SignedOut {
        first_name: String,
        at_local: String,
    },
    /// A sign-out for a visit not signed in, or signed out already: nothing recorded.
    NotSignedIn { first_name: String },
    /// A walk-in waits for their host's answer (`visitor_waiting` follows it).
    Waiting {
        visit: Uuid,
        first_name: String,
        host_name: Option<String>,
        seconds_left: u32,
    },
    /// The host declined the visit.
    Declined { first_name: String },
    /// No answer from the host in time, or none possible (offline): reception takes over.
    SeeReception { first_name: String },
}

/// How a visitor is found at the kiosk: by their invitation's code, or as picked from a search
/// by name.
#[derive(Debug, Clone, Copy)]
enum Lookup<'a> {
    Code(&'a str),
    Visit(Uuid),
}

impl Kiosk {
    /// An expected visitor signs in with their invitation's code, at the screen or a tablet.
    pub fn visitor_sign_in_from(
        &self,
        caller: Caller,
        code: &str,
    ) -> Result<VisitorOutcome, KioskError> {
        self.sign_in(caller, Lookup::Code(code))
    }

    /// [`Kiosk::visitor_sign_in_from`], and a code the kiosk has not pulled yet (an invitation
    /// made in the last seconds) is looked up online first, where the kiosk is online.
    pub async fn visitor_sign_in_looking_up(
        &self,
        caller: Caller,
        code: &str,
    ) -> Result<VisitorOutcome, KioskError> {
        self.member_pin_allowed(caller)?;
        let location = self.settings().location.ok_or(KioskError::NoLocation)?;
        let since = self.shared.clock.now() - VISITORS_DAY;
        if let Some(code) = invitation_code(code)
            && self
                .shared
                .store
                .read(|tx| tx.visitor_by_code(location.id, &code, since))?
                .is_none()
        {
            crate::sync::look_up_visitor_code(&self.shared, &code).await;
        }
        self.sign_in(caller, Lookup::Code(code))
    }

    /// A visitor found by name signs in.
    pub fn visitor_sign_in_by(
        &self,
        caller: Caller,
        visit: Uuid,
    ) -> Result<VisitorOutcome, KioskError> {
        self.sign_in(caller, Lookup::Visit(visit))
    }

    /// A visitor signs out with the same code.
    pub fn visitor_sign_out_from(
        &self,
        caller: Caller,
        code: &str,
    ) -> Result<VisitorOutcome, KioskError> {
        self.sign_out(caller, Lookup::Code(code))
    }

    /// A visitor found by name signs out.
    pub fn visitor_sign_out_by(
        &self,
        caller: Caller,
        visit: Uuid,
    ) -> Result<VisitorOutcome, KioskError> {
        self.sign_out(caller, Lookup::Visit(visit))
    }

    fn sign_in(&self, caller: Caller, lookup: Lookup<'_>) -> Result<VisitorOutcome, KioskError> {
        self.by_visitor(caller, lookup, |tx, v, first, now, tz| {
            if v.arrived_at.is_some() && v.departed_at.is_none() {
                return Ok(VisitorOutcome::AlreadyArrived {
                    first_name: first,
                    host_name: v.host_name,
                });
            }
            tx.set_visitor_arrived(v.local_id, now)?;
            tx.enqueue(OutboxOp::VisitorArrived, v.local_id, now)?;
            Ok(VisitorOutcome::Arrived {
                first_name: first,
                host_name: v.host_name,
                at_local: hh_mm(now, tz),
            })
        })
    }

    fn sign_out(&self, caller: Caller, lookup: Lookup<'_>) -> Result<VisitorOutcome, KioskError> {
        self.by_visitor(caller, lookup, |tx, v, first, now, tz| {
            if v.arrived_at.is_none() || v.departed_at.is_some() {
                return Ok(VisitorOutcome::NotSignedIn { first_name: first });
            }
            tx.set_visitor_departed(v.local_id, now)?;
            tx.enqueue(OutboxOp::VisitorDeparted, v.local_id, now)?;
            Ok(VisitorOutcome::SignedOut {
                first_name: first,
                at_local: hh_mm(now, tz),
            })
        })
    }

    /// Staff sign out every visitor still in at this location (the end of the day); answers
    /// how many. Each departure goes through the outbox like one at the screen.
    pub fn sign_out_all_visitors(&self, _staff: &Staff) -> Result<usize, KioskError> {
        let location = self.settings().location.ok_or(KioskError::NoLocation)?;
        let now = self.shared.clock.now();
        let count = self.shared.store.write(|tx| {
            let inside = tx.visitors_in(location.id)?;
            for v in &inside {
                tx.set_visitor_departed(v.local_id, now)?;
                tx.enqueue(OutboxOp::VisitorDeparted, v.local_id, now)?;
            }
            Ok::<_, StoreError>(inside.len())
        })?;
        if count > 0 {
            self.shared.nudge.notify_one();
            self.shared.emit_progress();
        }
        Ok(count)
    }

    /// Finds today's visitor of this location and applies `change` in one durable transaction.
    /// A code no visitor has counts as a wrong try at this caller, as a PIN does; no code is
    /// compared while that caller waits. A walk-in still waiting for their host cannot sign in.
    fn by_visitor(
        &self,
        caller: Caller,
        lookup: Lookup<'_>,
        change: impl FnOnce(
            &Tx<'_>,
            VisitorRow,
            String,
            DateTime<Utc>,
            Tz,
        ) -> Result<VisitorOutcome, KioskError>,
    ) -> Result<VisitorOutcome, KioskError> {
        self.member_pin_allowed(caller)?;
        let location = self.settings().location.ok_or(KioskError::NoLocation)?;
        let tz = location.tz();
        let now = self.shared.clock.now();
        let since = now - VISITORS_DAY;
        let outcome = self.shared.store.write(|tx| {
            let found = match lookup {
                Lookup::Code(code) => match invitation_code(code) {
                    Some(code) => tx.visitor_by_code(location.id, &code, since)?,
                    None => None,
                },
                Lookup::Visit(id) => tx
                    .visitor(id)?
                    .filter(|v| v.location_id == location.id && v.expected_arrival >= since),
            };
            let Some(v) = found.filter(VisitorRow::may_sign_in) else {
                return Ok(None);
            };
            let first = first_name(&v.full_name);
            change(tx, v, first, now, tz).map(Some)
        })?;
        let Some(outcome) = outcome else {
            self.member_pin_wrong(caller);
            return Err(KioskError::UnknownCode);
        };
        if matches!(
            outcome,
            VisitorOutcome::Arrived { .. } | VisitorOutcome::SignedOut { .. }
        ) {
            self.shared.nudge.notify_one();
            self.shared.emit_progress();
        }
        Ok(outcome)
    }
}
