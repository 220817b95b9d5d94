//! Visitors and the sync engine: the day's expected visitors of the location pulled (so an
//! invitation's code works offline), and the kiosk's arrivals and departures sent, each as
//! Nexudus asks of a PUT (the record read first, put back whole). Both writes are the same
//! whatever order or however often they arrive: sent twice, the second changes nothing.

use chrono::Duration;
use futures::TryStreamExt;
use nexudus::{ApiError, Client, VisitorQuery, VisitorWrite};
use tracing::info;
use uuid::Uuid;

use super::decide::{Held, Sent};
use super::{SyncEngine, SyncError};
use crate::model::{OutboxEntry, OutboxOp, VisitorRow};

/// How far back and ahead of now the day's visitors are read: the zone Nexudus reads a range
/// in is not documented (contract section 10), so the window is wide enough either way.
const BEHIND: Duration = Duration::hours(14);
const AHEAD: Duration = Duration::hours(26);

/// A visitor as the kiosk keeps it (a new local id; an existing row keeps its own).
pub(super) fn visitor_row(v: &nexudus::Visitor) -> VisitorRow {
    VisitorRow {
        local_id: Uuid::now_v7(),
        nexudus_id: Some(v.id),
        location_id: v.business_id,
        full_name: v.full_name.clone(),
        code: v
            .visitor_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_uppercase),
        host_id: v.coworker_id,
        host_name: v.coworker_full_name.clone(),
        expected_arrival: v.expected_arrival,
        arrived_at: v.arrived.then_some(v.arrival_date).flatten(),
        departed_at: v.departure_date,
    }
}

impl SyncEngine {
    /// The location's visitors of the day; those of days gone are wiped.
    pub(super) async fn pull_visitors(&self, api: &Client) -> Result<(), SyncError> {
        let Some(location) = self.shared.settings().location else {
            return Ok(());
        };
        let now = self.shared.clock.now();
        let query = VisitorQuery {
            business_id: Some(location.id),
            expected_after: Some(now - BEHIND),
            expected_before: Some(now + AHEAD),
            ..VisitorQuery::default()
        };
        let read: Result<Vec<nexudus::Visitor>, ApiError> = api.visitors(query).try_collect().await;
        // Without the Visitor-List role the members' side goes on: there are simply no visitors.
        let visitors = match read {
            Err(ApiError::Forbidden { .. } | ApiError::NotFound { .. }) => Vec::new(),
            other => other?,
        };
        let wiped = self.shared.store.write(|tx| {
            for v in visitors.iter().filter(|v| v.business_id == location.id) {
                tx.keep_pulled_visitor(&visitor_row(v))?;
            }
            tx.wipe_visitors_before(now - BEHIND)
        })?;
        if wiped > 0 {
            info!(wiped, "visitors of days gone wiped from the kiosk");
        }
        Ok(())
    }

    /// Sends a visitor's arrival or departure.
    pub(super) async fn send_visitor(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &VisitorRow,
    ) -> Result<Sent, SyncError> {
        let gone = || Sent::Park {
            reason: "the visitor was deleted in Nexudus".into(),
            in_doubt: false,
        };
        let Some(id) = row.nexudus_id else {
            return Ok(gone());
        };
        let server = match api.visitor(id).await {
            Ok(v) => v,
            Err(ApiError::NotFound { .. }) => return Ok(gone()),
            Err(error) => return Ok(Sent::read_failed(entry, error)),
        };
        let mut write = VisitorWrite::from(&server);
        match entry.op {
            OutboxOp::VisitorArrived => {
                if server.arrived {
                    return Ok(Sent::Done(Held::Visitor));
                }
                write.arrived = true;
                write.arrival_date = row.arrived_at;
                write.checked_in_at = row.arrived_at;
            }
            OutboxOp::VisitorDeparted => {
                if server.departure_date.is_some() {
                    return Ok(Sent::Done(Held::Visitor));
                }
                write.departure_date = row.departed_at;
            }
            _ => return Ok(Sent::missing(entry)),
        }
        Ok(match api.update_visitor(&write).await {
            Ok(_) => Sent::Done(Held::Visitor),
            Err(ApiError::NotFound { .. }) => gone(),
            Err(e) => Sent::failed_write(e),
        })
    }
}
