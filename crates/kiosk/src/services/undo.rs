//! "Not you? Undo": a member who tapped the wrong tile takes the tap back while its card shows.
//! A check-in is withdrawn, a check-out undone, each exactly once: nothing is sent for what had
//! not left the kiosk yet, and an entry that undoes it on the server follows what may have left
//! ([`crate::sync::plan_undo`]).

use chrono::{DateTime, Duration, Utc};
use tracing::info;
use uuid::Uuid;

use super::Members;
use crate::domain::events::Event;
use crate::domain::model::OutboxOp;
use crate::domain::problem::SendProblem;
use crate::domain::views::{TapOutcome, hh_mm};
use crate::error::KioskError;
use crate::store::Tx;
use crate::sync::{UndoPlan, plan_undo};

/// How long after a tap it can still be taken back. The card offers it for six seconds; the
/// core allows more, for a slow tablet's request, and no more than that: past it, the tap is
/// staff's to fix.
pub const UNDO_WINDOW: Duration = Duration::seconds(30);

/// What the undone tap did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Undoing {
    CheckIn,
    CheckOut,
}

impl Members {
    /// Takes back `member_id`'s latest tap, the check-in or check-out `checkin`, if it is at
    /// most [`UNDO_WINDOW`] old and not taken back already.
    pub fn undo_tap(&self, member_id: i64, checkin: Uuid) -> Result<TapOutcome, KioskError> {
        let now = self.shared.clock.now();
        let (undoing, first_name) = self.undoable(member_id, checkin, now)?;
        let tz = self
            .shared
            .settings()
            .location
            .map_or(chrono_tz::UTC, |l| l.tz());
        let (in_since, plan) = self
            .shared
            .store
            .write(|tx| take_back(tx, undoing, member_id, checkin, now))?;
        info!(member = member_id, ?plan, "a tap taken back at the kiosk");
        // Forgotten: the next tap counts as if the undone one had never been.
        self.recent.lock().unwrap().remove(&member_id);
        let outcome = TapOutcome::Undone {
            member_id,
            first_name,
            in_since,
            in_since_local: in_since.map(|t| hh_mm(t, tz)),
        };
        self.shared.tally.tapped(&outcome);
        self.shared.emit(Event::Tapped {
            member_id,
            outcome: outcome.clone(),
        });
        if matches!(plan, UndoPlan::Send(_)) {
            self.shared.nudge.notify_one();
        }
        self.shared.emit_progress();
        Ok(outcome)
    }

    /// What `checkin` did, if it is `member_id`'s latest tap and fresh enough to take back.
    fn undoable(
        &self,
        member_id: i64,
        checkin: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(Undoing, String), KioskError> {
        let recent = self.recent.lock().unwrap();
        let fresh = |at: &DateTime<Utc>| now >= *at && now - *at <= UNDO_WINDOW;
        match recent.get(&member_id) {
            Some((
                at,
                TapOutcome::Welcome {
                    checkin: c,
                    first_name,
                    ..
                },
            )) if *c == checkin && fresh(at) => Ok((Undoing::CheckIn, first_name.clone())),
            Some((
                at,
                TapOutcome::Goodbye {
                    checkin: c,
                    first_name,
                    ..
                },
            )) if *c == checkin && fresh(at) => Ok((Undoing::CheckOut, first_name.clone())),
            _ => Err(KioskError::NothingToUndo),
        }
    }
}

/// Takes the tap back in the store, in the caller's transaction: the check-in withdrawn or
/// opened again, and the queue told ([`plan_undo`]). Answers since when the member is in again
/// (after an undone check-out) and the plan.
fn take_back(
    tx: &Tx<'_>,
    undoing: Undoing,
    member_id: i64,
    checkin: Uuid,
    now: DateTime<Utc>,
) -> Result<(Option<DateTime<Utc>>, UndoPlan), KioskError> {
    let row = tx.checkin(checkin)?.ok_or(KioskError::NothingToUndo)?;
    let (changed, undone_op, in_since) = match undoing {
        Undoing::CheckIn => (
            tx.withdraw_checkin(checkin, now)?,
            OutboxOp::CreateCheckin,
            None,
        ),
        Undoing::CheckOut => {
            // In again elsewhere meanwhile (another kiosk's check-in pulled): the check-out
            // stands, or the member would be in twice.
            let in_elsewhere = tx
                .open_checkin(member_id, row.location_id)?
                .is_some_and(|open| open.local_id != checkin);
            let reopened = !in_elsewhere && tx.reopen_checkin(checkin)?;
            (reopened, OutboxOp::CloseCheckin, Some(row.from_time))
        }
    };
    if !changed {
        return Err(KioskError::NothingToUndo);
    }
    if undoing == Undoing::CheckIn {
        // The pass it used is the member's again (Nexudus's own answer comes with the next
        // read of passes).
        tx.give_back_pass(checkin)?;
    }
    let entries = tx.outbox_for_target(checkin)?;
    let plan = plan_undo(undone_op, &entries, row.nexudus_id.is_some());
    match plan {
        UndoPlan::Cancel(id) => {
            // The plan read the entry in this transaction: it cannot have moved.
            if !tx.cancel_unsent(id, &SendProblem::TakenBack, now)? {
                return Err(KioskError::UndoRaced);
            }
        }
        UndoPlan::Send(op) => {
            tx.enqueue(op, checkin, now)?;
        }
    }
    Ok((in_since, plan))
}

#[cfg(test)]
mod tests;
