//! Visitors at the front desk: an expected guest signs in with the code of their invitation
//! (typed, or scanned from its QR code by a reader that types it), and out with the same code.
//! Offline like members: the arrival is recorded durably and sent by the outbox. A code is
//! guarded like a PIN (wrong ones make the next try wait), and nothing lists the guests.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use uuid::Uuid;

use std::sync::Arc;

use super::walk_ins::waiting_state;
use super::{Members, Staff, WrongTries};
use crate::domain::attempts::Caller;
use crate::domain::model::{OutboxOp, VISITORS_DAY, VisitorRow, invitation_code};
use crate::domain::views::{first_name, hh_mm};
use crate::error::{KioskError, StoreError};
use crate::shared::Shared;
use crate::store::Tx;
use nexudus::HostApproval;

/// What a visitor sees after giving their code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VisitorOutcome {
    /// Signed in now: whom they visit (where Nexudus names the host). `visit` is theirs: a
    /// badge, where one prints, follows it (`Event::BadgePrinted`).
    Arrived {
        visit: Uuid,
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
    /// They have not signed the location's agreement (this version): nothing is recorded; the
    /// screen shows it and sends the signature (`visitor_sign_agreement`), which signs them in.
    SignAgreement {
        visit: Uuid,
        first_name: String,
        version: u32,
    },
    /// Staff ask visitors for a photo and this one has not answered: nothing is recorded; the
    /// screen opens the camera and sends the photo, or their choice not to have one
    /// (`visitor_photo`), which signs them in.
    TakePhoto { visit: Uuid, first_name: String },
    /// A previous badge of a walk-in the kiosk remembers was shown: the walk-in form opens with
    /// their name and company (the badge in their hand carries both) and the e-mail they gave
    /// then (not shown). Nothing is recorded.
    Returning {
        visit: Uuid,
        full_name: String,
        company: Option<String>,
    },
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

/// The visitors' desk: expected guests by code or by name, walk-ins (`walk_ins.rs`), staff
/// signing everyone out. Cheap to clone; every clone is the same.
#[derive(Debug, Clone)]
pub struct Visitors {
    pub(super) shared: Arc<Shared>,
    pub(super) tries: WrongTries,
    /// Where a walk-in finds their host.
    pub(super) members: Members,
}

impl Visitors {
    pub(crate) fn new(shared: Arc<Shared>, tries: WrongTries, members: Members) -> Self {
        Self {
            shared,
            tries,
            members,
        }
    }

    /// An expected visitor signs in with their invitation's code, at the screen or a tablet.
    pub fn sign_in(&self, caller: Caller, code: &str) -> Result<VisitorOutcome, KioskError> {
        self.sign_in_found(caller, Lookup::Code(code))
    }

    /// [`Visitors::sign_in`], and a code the kiosk has not pulled yet (an invitation
    /// made in the last seconds) is looked up online first, where the kiosk is online.
    pub async fn sign_in_looking_up(
        &self,
        caller: Caller,
        code: &str,
    ) -> Result<VisitorOutcome, KioskError> {
        // A badge shown to the scanner (its QR code names the visit) signs its visitor out,
        // whichever of sign in or out the scanner's Enter asked; a remembered walk-in's badge
        // of a visit that is over opens the walk-in form, filled.
        if let Some(visit) = crate::domain::badges::visit_of_qr(code) {
            self.tries.allowed(caller)?;
            return match self.remembered(visit)? {
                Some(outcome) => Ok(outcome),
                None => self.sign_out_found(caller, Lookup::Visit(visit)),
            };
        }
        self.tries.allowed(caller)?;
        let location = self.shared.location()?;
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
        self.sign_in_found(caller, Lookup::Code(code))
    }

    /// A badge of a visit that is over (signed out, or of an earlier day), of a walk-in the
    /// kiosk remembers: they are back. A badge of a visitor still inside signs them out.
    fn remembered(&self, visit: Uuid) -> Result<Option<VisitorOutcome>, KioskError> {
        if self.shared.settings().visitors.remember_days == 0 {
            return Ok(None);
        }
        let since = self.shared.clock.now() - VISITORS_DAY;
        let (inside, guest) = self.shared.store.read(|tx| {
            let inside = tx
                .visitor(visit)?
                .is_some_and(|v| v.expected_arrival >= since && v.inside());
            Ok::<_, StoreError>((inside, tx.guest_by_visit(visit)?))
        })?;
        Ok(guest
            .filter(|_| !inside)
            .map(|g| VisitorOutcome::Returning {
                visit: g.visit,
                full_name: g.full_name,
                company: g.company,
            }))
    }

    /// A visitor found by name signs in.
    pub fn sign_in_by(&self, caller: Caller, visit: Uuid) -> Result<VisitorOutcome, KioskError> {
        self.sign_in_found(caller, Lookup::Visit(visit))
    }

    /// A visitor signs out with the same code, or by showing their badge's QR code to the
    /// scanner (which names the visit).
    pub fn sign_out(&self, caller: Caller, code: &str) -> Result<VisitorOutcome, KioskError> {
        let lookup = match crate::domain::badges::visit_of_qr(code) {
            Some(visit) => Lookup::Visit(visit),
            None => Lookup::Code(code),
        };
        self.sign_out_found(caller, lookup)
    }

    /// A visitor found by name signs out.
    pub fn sign_out_by(&self, caller: Caller, visit: Uuid) -> Result<VisitorOutcome, KioskError> {
        self.sign_out_found(caller, Lookup::Visit(visit))
    }

    fn sign_in_found(
        &self,
        caller: Caller,
        lookup: Lookup<'_>,
    ) -> Result<VisitorOutcome, KioskError> {
        let rules = self.shared.settings().visitors;
        let (wait, badge) = (rules.approval_wait(), rules.printer().is_some());
        let agreement = rules.agreement().map(|a| a.version);
        let photos = rules.photos;
        let outcome = self.by_visitor(caller, lookup, |tx, mut v, first, now, tz| {
            // Asked for what staff want before going in: not one inside, nor one declined.
            let to_ask = !v.inside() && v.approval != HostApproval::Rejected;
            if let Some(version) = agreement
                && to_ask
                && !super::agreements::has_signed(tx, &v, version)?
            {
                return Ok(VisitorOutcome::SignAgreement {
                    visit: v.local_id,
                    first_name: first,
                    version,
                });
            }
            if photos && to_ask && !tx.visitor_photo_answered(v.local_id)? {
                return Ok(VisitorOutcome::TakePhoto {
                    visit: v.local_id,
                    first_name: first,
                });
            }
            match v.approval {
                // The host must approve (decided in Nexudus): the visitor waits at the screen
                // and the kiosk follows the answer, as for a walk-in.
                HostApproval::Requested if v.walk_in.is_none() => {
                    if v.asked_at.is_none_or(|at| now - at >= wait) {
                        tx.set_visitor_asked(v.local_id, now)?;
                        v.asked_at = Some(now);
                    }
                    return Ok(waiting_state(&v, now, wait, tz));
                }
                HostApproval::Requested | HostApproval::Rejected => {
                    return Ok(waiting_state(&v, now, wait, tz));
                }
                _ => {}
            }
            if v.inside() {
                return Ok(VisitorOutcome::AlreadyArrived {
                    first_name: first,
                    host_name: v.host_name,
                });
            }
            tx.set_visitor_arrived(v.local_id, now)?;
            if badge {
                tx.queue_badge(v.local_id, now)?;
            }
            tx.enqueue(OutboxOp::VisitorArrived, v.local_id, now)?;
            Ok(VisitorOutcome::Arrived {
                visit: v.local_id,
                first_name: first,
                host_name: v.host_name,
                at_local: hh_mm(now, tz),
            })
        });
        if badge && matches!(outcome, Ok(VisitorOutcome::Arrived { .. })) {
            self.shared.badge_queued.notify_one();
        }
        outcome
    }

    fn sign_out_found(
        &self,
        caller: Caller,
        lookup: Lookup<'_>,
    ) -> Result<VisitorOutcome, KioskError> {
        self.by_visitor(caller, lookup, |tx, v, first, now, tz| {
            if !v.may_sign_in() || !v.inside() {
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
    pub fn sign_out_all(&self, _staff: &Staff) -> Result<usize, KioskError> {
        let location = self.shared.location()?;
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
    /// compared while that caller waits.
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
        self.tries.allowed(caller)?;
        let location = self.shared.location()?;
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
            let Some(v) = found else {
                return Ok(None);
            };
            let first = first_name(&v.full_name);
            change(tx, v, first, now, tz).map(Some)
        })?;
        let Some(outcome) = outcome else {
            self.tries.wrong(caller);
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

#[cfg(test)]
mod tests;
