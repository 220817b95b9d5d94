//! The outbox: one row per write to send, in order, with its state.

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};
use uuid::Uuid;

use super::Tx;
use super::values::{Id, Ts};
use crate::domain::model::{OutboxEntry, OutboxOp, OutboxStatus, RecordKind, Target};
use crate::domain::problem::SendProblem;
use crate::error::StoreError;

/// The queue: entries still to send. Word for word the `outbox_queue` index's term (migration
/// 0002), or SQLite will not use that index and scans the whole history instead.
const QUEUED: &str = "status IN ('pending', 'claimed')";

/// The WHERE term for entries of one status, phrased so the open ones use their partial index
/// (`outbox_parked`'s term is `status = 'parked'`).
fn with_status(status: OutboxStatus) -> String {
    let status = status.as_str();
    match status {
        "pending" | "claimed" => format!("{QUEUED} AND status = '{status}'"),
        _ => format!("status = '{status}'"),
    }
}

const OUTBOX_COLUMNS: &str =
    "id, op, target, status, attempts, next_attempt_at, last_error, in_doubt, created_at";

fn entry(r: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    Ok(OutboxEntry {
        id: r.get("id")?,
        op: r.get("op")?,
        target: r.get::<_, Id>("target")?.0,
        status: r.get("status")?,
        attempts: r.get("attempts")?,
        next_attempt_at: r.get::<_, Ts>("next_attempt_at")?.0,
        last_error: r
            .get::<_, Option<String>>("last_error")?
            .map(SendProblem::from_stored),
        in_doubt: r.get("in_doubt")?,
        created_at: r.get::<_, Ts>("created_at")?.0,
    })
}

impl Tx<'_> {
    pub fn enqueue(
        &self,
        op: OutboxOp,
        target: Uuid,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.exec(
            "INSERT INTO outbox (op, target, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?3)",
            params![op, Id(target), Ts(now)],
        )?;
        Ok(self.last_insert_rowid())
    }

    /// The oldest entry not yet done or parked: the head of the queue.
    pub fn outbox_head(&self) -> Result<Option<OutboxEntry>, StoreError> {
        Ok(self.outbox_queue(1)?.pop())
    }

    /// The first `limit` entries still to send, in order.
    pub fn outbox_queue(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        self.rows(
            &format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE {QUEUED} ORDER BY id LIMIT ?1"),
            [limit],
            entry,
        )
    }

    pub fn outbox_entry(&self, id: i64) -> Result<Option<OutboxEntry>, StoreError> {
        self.row(
            &format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?1"),
            [id],
            entry,
        )
    }

    /// Entries of a given status, oldest first.
    pub fn outbox_with(
        &self,
        status: OutboxStatus,
        limit: i64,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        self.rows(
            &format!(
                "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE {} ORDER BY id LIMIT ?1",
                with_status(status)
            ),
            [limit],
            entry,
        )
    }

    /// Entries still to send (pending or claimed).
    pub fn outbox_pending_count(&self) -> Result<i64, StoreError> {
        self.count(&format!("SELECT count(*) FROM outbox WHERE {QUEUED}"))
    }

    /// When the oldest entry still to send was queued (parked entries wait for staff, not for
    /// the engine, and are not counted).
    pub fn outbox_oldest_queued(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self
            .row(
                &format!("SELECT min(created_at) AS at FROM outbox WHERE {QUEUED}"),
                [],
                |r| r.get::<_, Option<Ts>>("at"),
            )?
            .flatten()
            .map(|t| t.0))
    }

    pub fn outbox_count(&self, status: OutboxStatus) -> Result<i64, StoreError> {
        self.count(&format!(
            "SELECT count(*) FROM outbox WHERE {}",
            with_status(status)
        ))
    }

    fn count(&self, q: &str) -> Result<i64, StoreError> {
        Ok(self.row(q, [], |r| r.get(0))?.unwrap_or(0))
    }

    /// Whether an earlier entry for the same target is still unsent or parked.
    pub fn outbox_earlier_open(
        &self,
        target: Uuid,
        before: i64,
    ) -> Result<Option<OutboxEntry>, StoreError> {
        self.row(
            &format!(
                "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE target = ?1 AND id < ?2 AND status != 'done' ORDER BY id LIMIT 1"
            ),
            params![Id(target), before],
            entry,
        )
    }

    /// Every entry for one record, done or not, in order.
    pub fn outbox_for_target(&self, target: Uuid) -> Result<Vec<OutboxEntry>, StoreError> {
        self.rows(
            &format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE target = ?1 ORDER BY id"),
            [Id(target)],
            entry,
        )
    }

    /// Takes an entry out of the queue before it ever left ("Not you? Undo"): only while it is
    /// waiting or parked and not in doubt, so never one that may have reached the server.
    pub fn cancel_unsent(
        &self,
        id: i64,
        why: &SendProblem,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE outbox SET status = 'done', done_at = ?2, last_error = ?3 WHERE id = ?1 AND status IN ('pending', 'parked') AND in_doubt = 0",
            params![id, Ts(now), why.to_stored()],
        )?;
        Ok(n == 1)
    }

    /// Claims up to `limit` entries from the head of the queue, in order, as far as they are
    /// due, and marks each "in doubt": committed durably, this is the mark that must reach the
    /// disk before a write leaves. Answers each entry as it was before (an entry already in
    /// doubt is looked up on the server before it is sent again) with the record it sends.
    pub fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(OutboxEntry, Option<Target>)>, StoreError> {
        let due: Vec<OutboxEntry> = self
            .outbox_queue(limit)?
            .into_iter()
            .take_while(|e| e.next_attempt_at <= now)
            .collect();
        let mut claimed = Vec::with_capacity(due.len());
        for e in due {
            self.exec(
                "UPDATE outbox SET status = 'claimed', claimed_at = ?2, in_doubt = 1 WHERE id = ?1",
                params![e.id, Ts(now)],
            )?;
            let target = match e.op.record() {
                RecordKind::Checkin => self.checkin(e.target)?.map(Target::Checkin),
                RecordKind::Failed => self.failed(e.target)?.map(Target::Failed),
                RecordKind::Visitor => self.visitor(e.target)?.map(Target::Visitor),
            };
            claimed.push((e, target));
        }
        Ok(claimed)
    }

    /// Gives claimed entries that were never sent back to the queue, with the doubt they had
    /// before they were claimed (they did not leave, so claiming them added none).
    pub fn release<'e>(
        &self,
        entries: impl IntoIterator<Item = &'e OutboxEntry>,
    ) -> Result<(), StoreError> {
        for e in entries {
            self.exec(
                "UPDATE outbox SET status = 'pending', claimed_at = NULL, in_doubt = ?2 WHERE id = ?1 AND status = 'claimed'",
                params![e.id, e.in_doubt],
            )?;
        }
        Ok(())
    }

    pub fn finish(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "UPDATE outbox SET status = 'done', done_at = ?2, in_doubt = 0, last_error = NULL, claimed_at = NULL WHERE id = ?1",
            params![id, Ts(now)],
        )?;
        Ok(())
    }

    /// Back in the queue until `at`. `in_doubt`: the write may have reached the server (look it
    /// up before sending it again).
    pub fn retry_later(
        &self,
        id: i64,
        at: DateTime<Utc>,
        error: &SendProblem,
        in_doubt: bool,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE outbox SET status = 'pending', attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3, in_doubt = ?4, claimed_at = NULL WHERE id = ?1",
            params![id, Ts(at), error.to_stored(), in_doubt],
        )?;
        Ok(())
    }

    /// Refused for good: waits for staff. `in_doubt` as in [`Tx::retry_later`].
    pub fn park(&self, id: i64, error: &SendProblem, in_doubt: bool) -> Result<(), StoreError> {
        self.exec(
            "UPDATE outbox SET status = 'parked', attempts = attempts + 1, last_error = ?2, in_doubt = ?3, claimed_at = NULL WHERE id = ?1",
            params![id, error.to_stored(), in_doubt],
        )?;
        Ok(())
    }

    /// Puts a parked entry back in the queue, at the position it always had.
    pub fn unpark(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?2 WHERE id = ?1 AND status = 'parked'",
            params![id, Ts(now)],
        )?;
        Ok(n == 1)
    }

    /// Drops a parked entry for good (staff decided; the audit says so). Its problem stays as
    /// it was: why it could not be sent.
    pub fn discard(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE outbox SET status = 'done', done_at = ?2 WHERE id = ?1 AND status = 'parked'",
            params![id, Ts(now)],
        )?;
        Ok(n == 1)
    }

    /// Marks the check-out entries of a check-in done: its create carried the ToTime.
    pub fn finish_close_entries(
        &self,
        target: Uuid,
        after: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            &format!("UPDATE outbox SET status = 'done', done_at = ?3, in_doubt = 0 WHERE target = ?1 AND id > ?2 AND op = 'close_checkin' AND {QUEUED}"),
            params![Id(target), after, Ts(now)],
        )?;
        Ok(())
    }

    /// After a crash: whatever was claimed goes back in the queue (still in doubt if it was).
    pub fn requeue_claimed(&self) -> Result<usize, StoreError> {
        self.exec(
            &format!("UPDATE outbox SET status = 'pending', claimed_at = NULL WHERE {QUEUED} AND status = 'claimed'"),
            [],
        )
    }
}
