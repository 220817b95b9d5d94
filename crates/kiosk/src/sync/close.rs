//! Check-outs: auto-checkout closing the due check-ins here, and a check-out (or a check-in
//! opened again) sent: the record read first and put back with only its end changed, as Nexudus
//! asks of a PUT. And the day's other housekeeping: what is past its retention is forgotten.

use chrono::Duration;
use nexudus::{ApiError, CheckinWrite, Client};
use tracing::info;

use super::decide::{self, CloseTarget, Held, Sent};
use super::push::Ledger;
use super::{SyncEngine, SyncError};
use crate::domain::autocheckout;
use crate::domain::events::Event;
use crate::domain::model::{CheckinRow, OutboxEntry, OutboxOp, OutboxStatus, RecordKind};
use crate::domain::problem::SendProblem;
use crate::domain::views::local_time;
use crate::error::StoreError;
use crate::shared::Shared;
use crate::store::{Chosen, Forgotten, StateKey};

/// Closes the open check-ins at the kiosk's location whose auto-checkout time has passed, at
/// that time (not now), so a kiosk that was off overnight still closes them right. Answers how
/// many it closed.
pub(crate) fn close_due(shared: &Shared) -> Result<usize, StoreError> {
    let settings = shared.settings();
    let Some(location) = settings.location.filter(|_| settings.auto_checkout) else {
        return Ok(0);
    };
    let tz = location.tz();
    let now = shared.clock.now();
    let closed = shared.store.write(|tx| {
        let mut closed = 0;
        for row in tx.open_checkins(location.id)? {
            let due = autocheckout::due(row.from_time, settings.auto_checkout_rule, tz);
            if due <= now {
                tx.close_checkin(row.local_id, due, Some(local_time(due, tz)))?;
                tx.enqueue(OutboxOp::CloseCheckin, row.local_id, now)?;
                closed += 1;
            }
        }
        Ok::<_, StoreError>(closed)
    })?;
    if closed > 0 {
        info!(closed, "auto-checkout");
        shared.emit(Event::MembersChanged);
        shared.emit_progress();
    }
    Ok(closed)
}

/// Once a day: forgets what is past its retention (`store::retention`) and empties the
/// write-ahead log, so the database stays the size of a few weeks of traffic. Answers what it
/// forgot, if it ran.
pub(crate) fn tidy_due(shared: &Shared) -> Result<Option<Forgotten>, StoreError> {
    let now = shared.clock.now();
    let last = shared
        .store
        .read(|tx| tx.get_state_time(StateKey::TidiedAt))?;
    if last.is_some_and(|at| now - at < Duration::days(1) && at <= now) {
        return Ok(None);
    }
    // Signed agreements are kept as long as staff chose (the default where they removed the
    // agreement since: its copies still go when their time is up); walk-ins are remembered as
    // long as staff say (none: all forgotten at the next tidy).
    let visitors = shared.settings().visitors;
    let chosen = Chosen {
        signed_agreements: visitors.agreement.unwrap_or_default().kept_for(),
        guests: Duration::days(i64::from(visitors.remember_days)),
    };
    let forgotten = shared.store.write(|tx| {
        let forgotten = tx.forget_old(now, chosen)?;
        tx.set_state_time(StateKey::TidiedAt, now)?;
        Ok::<_, StoreError>(forgotten)
    })?;
    shared.store.checkpoint()?;
    if forgotten.total() > 0 {
        info!(?forgotten, "forgot what is past its retention");
    }
    Ok(Some(forgotten))
}

impl SyncEngine {
    pub(super) async fn send_close(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &CheckinRow,
        ledger: &Ledger<'_>,
    ) -> Result<Sent, SyncError> {
        // Its check-in may have been settled earlier in this batch, recorded or not yet.
        let id = match decide::close_target(ledger.checkin(entry.target), row.nexudus_id) {
            CloseTarget::AlreadyClosed => return Ok(Sent::Done(Held::CheckedOut)),
            CloseTarget::Id(id) => id,
            CloseTarget::CheckinRefused(reason) => {
                return Ok(Sent::checkin_refused(entry, reason));
            }
            CloseTarget::NotYetKnown => {
                let earlier = self.earlier_open(entry)?;
                return Ok(decide::before_its_checkin(entry, earlier.as_ref()));
            }
        };
        if row.to_time.is_none() {
            // Open again here: the check-out was undone after this entry left or while it was
            // in doubt. The reopening queued after it settles the server, whatever this one did.
            return Ok(Sent::Done(Held::CheckedOut));
        }
        // The read also tells whether it is closed already (its cut-off, another kiosk, a door,
        // or this PUT's own earlier try whose answer was lost): then nothing is sent.
        let server = match read_for_put(api, entry, id).await {
            Ok(server) => server,
            Err(sent) => return Ok(sent),
        };
        if let Some(closed) = server.to_time {
            return Ok(Sent::Done(decide::closed_on_server(
                closed,
                server.to_time_local,
                row.to_time,
            )));
        }
        Ok(put_row_end(api, &server, row).await)
    }
}

/// What an entry whose check-in is gone from Nexudus comes to: staff decide.
fn deleted_in_nexudus() -> Sent {
    Sent::Park {
        reason: SendProblem::DeletedInNexudus {
            record: RecordKind::Checkin,
        },
        in_doubt: false,
    }
}

/// The check-in `id` as Nexudus holds it, read before a PUT: a PUT replaces the whole record,
/// so it is read first (Nexudus says so) and what the server set at check-in (the pass it
/// charged...) goes back unchanged. Or what the entry comes to without it.
pub(super) async fn read_for_put(
    api: &Client,
    entry: &OutboxEntry,
    id: i64,
) -> Result<nexudus::Checkin, Sent> {
    match api.checkin(id).await {
        Ok(server) => Ok(server),
        Err(ApiError::NotFound { .. }) => Err(deleted_in_nexudus()),
        Err(error) => Err(Sent::read_failed(entry, error)),
    }
}

/// The record as read, put back with only its end changed (`None`: open again); `held` once
/// Nexudus took it.
/// The record put back with the kiosk's check-out (its `ToTime`, or none).
async fn put_row_end(api: &Client, server: &nexudus::Checkin, row: &CheckinRow) -> Sent {
    put_end(
        api,
        server,
        row.to_time,
        row.to_time_local,
        Held::CheckedOut,
    )
    .await
}

pub(super) async fn put_end(
    api: &Client,
    server: &nexudus::Checkin,
    to_time: Option<chrono::DateTime<chrono::Utc>>,
    to_time_local: Option<chrono::NaiveDateTime>,
    held: Held,
) -> Sent {
    let mut write = CheckinWrite::from(server);
    write.to_time = to_time;
    write.to_time_local = to_time_local;
    match api.update_checkin(&write).await {
        Ok(_) => Sent::Done(held),
        Err(ApiError::NotFound { .. }) => deleted_in_nexudus(),
        Err(e) => Sent::failed_write(e),
    }
}

impl SyncEngine {
    /// A check-out time staff put right: the record read and put back with the kiosk's
    /// `ToTime`; nothing sent when the server has that time already (sent twice, the second
    /// changes nothing).
    pub(super) async fn send_amend(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &CheckinRow,
        ledger: &Ledger<'_>,
    ) -> Result<Sent, SyncError> {
        let Some(id) = decide::checkin_id(ledger.checkin(entry.target), row.nexudus_id) else {
            // Not in Nexudus yet: its check-in, still queued, goes out with the new time.
            return Ok(match self.earlier_open(entry)? {
                Some(e) if e.status != OutboxStatus::Parked => Sent::Blocked,
                _ => Sent::Done(Held::CheckedOut),
            });
        };
        let Some(to) = row.to_time else {
            // Open again since (an undo): the reopening settles the server.
            return Ok(Sent::Done(Held::CheckedOut));
        };
        let server = match read_for_put(api, entry, id).await {
            Ok(server) => server,
            Err(sent) => return Ok(sent),
        };
        if server.to_time.map(|t| t.timestamp()) == Some(to.timestamp()) {
            return Ok(Sent::Done(Held::CheckedOut));
        }
        Ok(put_row_end(api, &server, row).await)
    }
}
