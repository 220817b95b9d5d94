//! What staff put right at the desk: a member checked in or out on their behalf, a
//! check-out's time corrected, parked entries of the sync queue retried or dropped; and the
//! queue and the audit log they read. Everything is audited.

use chrono::{DateTime, NaiveTime, Utc};
use uuid::Uuid;

use super::{Desk, Staff};
use crate::domain::model::{OutboxOp, OutboxStatus, RecordKind};
use crate::domain::views::{AuditLine, QueueItem, TapOutcome, hh_mm, local_time};
use crate::error::{Invalid, KioskError, StoreError};
use crate::store::Tx;

impl Desk {
    /// Staff check a member in on their behalf (the member is not in): recorded as done by
    /// staff, audited, and synced like any check-in. The rules apply as at the screen.
    pub fn check_in_for(&self, staff: &Staff, member_id: i64) -> Result<TapOutcome, KioskError> {
        self.on_behalf(staff, member_id, true)
    }

    /// Staff check a member out on their behalf (the member is in).
    pub fn check_out_for(&self, staff: &Staff, member_id: i64) -> Result<TapOutcome, KioskError> {
        self.on_behalf(staff, member_id, false)
    }

    fn on_behalf(
        &self,
        _staff: &Staff,
        member_id: i64,
        check_in: bool,
    ) -> Result<TapOutcome, KioskError> {
        let location = self.shared.location()?;
        let open = self
            .shared
            .store
            .read(|tx| tx.open_checkin(member_id, location.id))?;
        if open.is_some() == check_in {
            return Err(Invalid::new(
                "member_id",
                if check_in {
                    "the member is in already"
                } else {
                    "the member is not in"
                },
            )
            .into());
        }
        // Staff act on purpose: a tap the member made a moment ago does not swallow it.
        self.members.forget_tap(member_id);
        let outcome = self
            .members
            .tap_as(member_id, crate::domain::model::TapMethod::Staff)?;
        let what = match &outcome {
            TapOutcome::Welcome { .. } => "checked in by staff",
            TapOutcome::Goodbye { .. } => "checked out by staff",
            _ => "refused when staff checked in",
        };
        self.audit_staff(
            if check_in {
                "check_in_for"
            } else {
                "check_out_for"
            },
            &format!("member {member_id}: {what}"),
        )?;
        Ok(outcome)
    }

    /// Puts a check-out's time right (a member who forgot to tap out): the new time, as the
    /// location's wall clock ("17:30") on the day the check-in began, after its start and not
    /// in the future. Sent to Nexudus as a PUT of the record (read first).
    pub fn correct_check_out(
        &self,
        _staff: &Staff,
        checkin: Uuid,
        to_local: &str,
    ) -> Result<(), KioskError> {
        let location = self.shared.location()?;
        let tz = location.tz();
        let now = self.shared.clock.now();
        let time = NaiveTime::parse_from_str(to_local.trim(), "%H:%M")
            .map_err(|_| Invalid::new("to_local", "a time of day is HH:MM"))?;
        let row = self
            .shared
            .store
            .read(|tx| tx.checkin(checkin))?
            .filter(|c| c.location_id == location.id)
            .ok_or_else(|| Invalid::new("checkin", "no such check-in here"))?;
        if row.to_time.is_none() {
            return Err(Invalid::new(
                "checkin",
                "the check-in is still open: check the member out",
            )
            .into());
        }
        let day = row.from_time.with_timezone(&tz).date_naive();
        let to = day
            .and_time(time)
            .and_local_timezone(tz)
            .earliest()
            .ok_or_else(|| Invalid::new("to_local", "that time does not exist that day"))?
            .with_timezone(&Utc);
        if to <= row.from_time || to > now {
            return Err(Invalid::new(
                "to_local",
                "a check-out is after the check-in began and not in the future",
            )
            .into());
        }
        self.shared.store.write(|tx| {
            tx.close_checkin(checkin, to, Some(local_time(to, tz)))?;
            tx.enqueue(OutboxOp::AmendCheckout, checkin, now)?;
            tx.audit(
                now,
                "correct_check_out",
                &format!(
                    "member {}: check-out set to {}",
                    row.member_id,
                    hh_mm(to, tz)
                ),
            )
        })?;
        self.shared.nudge.notify_one();
        self.shared.emit_progress();
        self.shared
            .emit(crate::domain::events::Event::MembersChanged);
        Ok(())
    }

    /// The sync queue for the staff panel: parked entries first, then what waits. Staff only.
    pub fn queue(&self, _staff: &Staff, limit: i64) -> Result<Vec<QueueItem>, KioskError> {
        self.shared.store.read(|tx| {
            let mut entries = tx.outbox_with(OutboxStatus::Parked, limit)?;
            entries.extend(tx.outbox_with(OutboxStatus::Pending, limit)?);
            entries.extend(tx.outbox_with(OutboxStatus::Claimed, limit)?);
            entries
                .into_iter()
                .map(|entry| {
                    let mut visitor_name = None;
                    let (member_id, at) = match entry.op.record() {
                        RecordKind::Checkin => {
                            tx.checkin(entry.target)?.map_or((None, None), |c| {
                                (Some(c.member_id), Some(c.to_time.unwrap_or(c.from_time)))
                            })
                        }
                        RecordKind::Failed => tx
                            .failed(entry.target)?
                            .map_or((None, None), |f| (f.member_id, Some(f.attempt_time))),
                        RecordKind::Visitor => {
                            let v = tx.visitor(entry.target)?;
                            visitor_name = v.as_ref().map(|v| v.full_name.clone());
                            let at = v.and_then(|v| {
                                v.departed_at.or(v.arrived_at).or(Some(v.expected_arrival))
                            });
                            (None, at)
                        }
                    };
                    let member_name = member_id
                        .and_then(|id| tx.member(id).ok().flatten())
                        .map(|m| m.full_name);
                    Ok(QueueItem {
                        entry,
                        member_id,
                        member_name,
                        visitor_name,
                        at,
                    })
                })
                .collect::<Result<Vec<_>, KioskError>>()
        })
    }

    /// Puts a parked entry back in the queue, where it always was.
    pub fn retry_parked(&self, staff: &Staff, entry_id: i64) -> Result<(), KioskError> {
        self.settle_parked(staff, entry_id, "queue_retry", |tx, now| {
            tx.unpark(entry_id, now)
        })?;
        self.shared.nudge.notify_one();
        Ok(())
    }

    /// Drops a parked entry for good.
    pub fn discard_parked(&self, staff: &Staff, entry_id: i64) -> Result<(), KioskError> {
        self.settle_parked(staff, entry_id, "queue_discard", |tx, now| {
            tx.discard(entry_id, now)
        })
    }

    /// What staff do to a parked entry: needs the staff PIN, and is written to the audit log
    /// with what the entry was and why it was refused.
    fn settle_parked(
        &self,
        staff: &Staff,
        entry_id: i64,
        action: &str,
        apply: impl FnOnce(&Tx<'_>, DateTime<Utc>) -> Result<bool, StoreError>,
    ) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            let entry = tx.outbox_entry(entry_id)?;
            match entry {
                Some(e) if apply(tx, now)? => {
                    let detail = format!(
                        "entry {entry_id} ({} of {}): {}; by staff at the {}",
                        e.op.as_str(),
                        e.target,
                        e.last_error.map(|p| p.to_string()).unwrap_or_default(),
                        staff.caller().describe()
                    );
                    tx.audit(now, action, &detail)?;
                    Ok(())
                }
                _ => Err(KioskError::NotParked(entry_id)),
            }
        })?;
        self.shared.emit_progress();
        Ok(())
    }

    /// The newest audit-log entries (staff only).
    pub fn audit_log(&self, _staff: &Staff, limit: i64) -> Result<Vec<AuditLine>, KioskError> {
        let entries = self.shared.store.read(|tx| tx.audit_entries(limit))?;
        Ok(entries
            .into_iter()
            .map(|e| AuditLine {
                at: e.at,
                action: e.action,
                detail: e.detail,
            })
            .collect())
    }
    pub(super) fn audit_staff(&self, action: &str, detail: &str) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        self.shared
            .store
            .write(|tx| tx.audit(now, action, detail))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
