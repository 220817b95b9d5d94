//! "Not you? Undo" on the server: a check-in taken back is deleted there, a check-out taken
//! back opens the record again. Each is sent once, after the entries before it, and each is
//! safe to send twice (a lost answer): a record deleted already is a 404, a record open
//! already is left alone.

use nexudus::{ApiError, Client};
use tracing::info;

use super::close::{put_end, read_for_put};
use super::decide::{self, Held, Outcome, Sent};
use super::{SyncEngine, SyncError};
use crate::domain::model::{CheckinRow, OutboxEntry};
use crate::domain::problem::SendProblem;

impl SyncEngine {
    /// The Id of the server's record for an undo entry's check-in, or what to do without one.
    fn undo_target(
        &self,
        entry: &OutboxEntry,
        row: &CheckinRow,
        in_batch: Option<&Outcome>,
    ) -> Result<Result<i64, Sent>, SyncError> {
        if let Some(id) = decide::checkin_id(in_batch, row.nexudus_id) {
            Ok(Ok(id))
        } else {
            let earlier = self.earlier_open(entry)?;
            Ok(Err(decide::undo_before_its_checkin(earlier.as_ref())))
        }
    }

    /// Deletes the kiosk's own record of a check-in the member took back. Never a check-in the
    /// kiosk joined (made elsewhere, which stands): the record is read first and deleted only
    /// if it is the one this kiosk sent.
    pub(super) async fn send_withdraw(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &CheckinRow,
        in_batch: Option<&Outcome>,
    ) -> Result<Sent, SyncError> {
        let id = match self.undo_target(entry, row, in_batch)? {
            Ok(id) => id,
            Err(sent) => return Ok(sent),
        };
        let server = match api.checkin(id).await {
            Ok(server) => server,
            // Deleted already: an earlier try whose answer was lost, or staff.
            Err(ApiError::NotFound { .. }) => return Ok(Sent::Done(Held::Undone)),
            Err(error) => return Ok(Sent::read_failed(entry, error)),
        };
        if !decide::is_lost_checkin(&server, row) {
            info!(
                entry = entry.id,
                nexudus_id = id,
                "the check-in taken back had joined one made elsewhere: that one stands"
            );
            return Ok(Sent::Done(Held::Undone));
        }
        Ok(match api.delete_checkin(id).await {
            Ok(()) | Err(ApiError::NotFound { .. }) => Sent::Done(Held::Undone),
            // Only the undo needs this role: the rest of the queue goes on without it.
            Err(ApiError::Forbidden { .. }) => Sent::Park {
                reason: SendProblem::UndoNeedsRole { checkin: id },
                in_doubt: false,
            },
            Err(e) => Sent::failed_write(e),
        })
    }

    /// Opens the record of a check-out the member took back: a PUT of the record as read, with
    /// no `ToTime`. Nothing is sent if it is open already, or if the member has checked out
    /// again since (the check-out queued after this entry carries the new time).
    pub(super) async fn send_reopen(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &CheckinRow,
        in_batch: Option<&Outcome>,
    ) -> Result<Sent, SyncError> {
        if row.to_time.is_some() {
            return Ok(Sent::Done(Held::Undone));
        }
        let id = match self.undo_target(entry, row, in_batch)? {
            Ok(id) => id,
            Err(sent) => return Ok(sent),
        };
        let server = match read_for_put(api, entry, id).await {
            Ok(server) => server,
            Err(sent) => return Ok(sent),
        };
        if server.to_time.is_none() {
            return Ok(Sent::Done(Held::Undone));
        }
        Ok(put_end(api, &server, None, None, Held::Undone).await)
    }
}
