//! Visitors and the sync engine: the day's expected visitors of the location pulled (so an
//! invitation's code works offline), and the kiosk's arrivals and departures sent, each as
//! Nexudus asks of a PUT (the record read first, put back whole). Both writes are the same
//! whatever order or however often they arrive: sent twice, the second changes nothing.

use chrono::Duration;
use futures::TryStreamExt;
use nexudus::{ApiError, Client, HostApproval, Paging, VisitorQuery, VisitorWrite};
use tracing::{debug, info, warn};
use uuid::Uuid;

use super::decide::{Held, Sent};
use super::{SyncEngine, SyncError};
use crate::domain::agreements::notes_with;
use crate::domain::model::{
    OutboxEntry, OutboxOp, RecordKind, VISITORS_DAY, VisitorRow, forget_visitors_before,
    invitation_code,
};
use crate::domain::problem::SendProblem;
use crate::domain::views::Connectivity;
use crate::shared::Shared;

/// How far ahead of now the day's visitors are read (back: [`VISITORS_DAY`]): the zone Nexudus
/// reads a range in is not documented (contract section 10), so the window is wide enough
/// either way.
const AHEAD: Duration = Duration::hours(26);

/// A visitor as the kiosk keeps it (a new local id; an existing row keeps its own).
pub(super) fn visitor_row(v: &nexudus::Visitor) -> VisitorRow {
    VisitorRow {
        local_id: Uuid::now_v7(),
        nexudus_id: Some(v.id),
        location_id: v.business_id,
        full_name: v.full_name.clone(),
        code: v.visitor_code.as_deref().and_then(invitation_code),
        host_id: v.coworker_id,
        host_name: v.coworker_full_name.clone(),
        expected_arrival: v.expected_arrival,
        arrived_at: v.arrived.then_some(v.arrival_date).flatten(),
        departed_at: v.departure_date,
        approval: v.host_approval_status,
        walk_in: None,
        asked_at: None,
        signer: v
            .email
            .as_deref()
            .and_then(|e| crate::domain::agreements::signer_key(e, &v.full_name)),
    }
}

/// Whether `found` is the walk-in `row` sent earlier, its answer lost: its `SystemId`, else
/// the same e-mail (any case) expected at the same second at the same location.
pub(super) fn is_lost_walk_in(found: &nexudus::Visitor, row: &VisitorRow, email: &str) -> bool {
    let ours = row.local_id.to_string();
    match found.system_id.as_deref() {
        Some(id) if !id.is_empty() => id == ours,
        _ => {
            found.business_id == row.location_id
                && found.expected_arrival.timestamp() == row.expected_arrival.timestamp()
                && found
                    .email
                    .as_deref()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case(email))
        }
    }
}

/// The POST of a walk-in registered here; `place` is where they checked in (`CheckedInAt`, a
/// location's name).
fn walk_in_write(
    row: &VisitorRow,
    email: &str,
    place: Option<String>,
    note: Option<String>,
) -> VisitorWrite {
    let walk = row.walk_in.clone().unwrap_or_default();
    let mut w = VisitorWrite::new(
        row.location_id,
        row.full_name.clone(),
        email,
        row.expected_arrival,
    );
    w.coworker_id = row.host_id;
    w.company_name = walk.company;
    w.has_agreed_terms = walk.agreed_terms;
    w.notes = note;
    w.host_approval_status = match row.approval {
        HostApproval::Requested => HostApproval::Requested,
        _ => HostApproval::NotRequired,
    };
    w.arrived = row.arrived_at.is_some();
    w.arrival_date = row.arrived_at;
    w.checked_in_at = place.filter(|_| row.arrived_at.is_some());
    w.departure_date = row.departed_at;
    w.system_id = Some(row.local_id.to_string());
    w
}

/// How long a visitor waits at most for the online look-up of a code the kiosk has not pulled.
const LOOKUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Looks a code the kiosk does not hold up in Nexudus (an invitation made since the last pull,
/// at most 15 s ago): one list read filtered by location and code, the match made here on the
/// whole code and today's window. A visitor found is kept; answers whether one was. Only while
/// online, and counted against the same limit as online PIN look-ups.
pub(crate) async fn look_up_visitor_code(shared: &Shared, code: &str) -> bool {
    let Some(location) = shared.settings().location else {
        return false;
    };
    if code.len() < 4 || shared.connectivity() != Connectivity::Online {
        return false;
    }
    let Some(api) = shared.api() else {
        return false;
    };
    if shared.pin_lookups.check().is_err() {
        info!("online look-ups are coming too fast: this code is not looked up");
        return false;
    }
    let now = shared.clock.now();
    let query = VisitorQuery {
        business_id: Some(location.id),
        visitor_code: Some(code.to_owned()),
        paging: Paging {
            size: 5,
            ..Paging::default()
        },
        ..VisitorQuery::default()
    };
    let found = match tokio::time::timeout(LOOKUP_TIMEOUT, api.visitor_page(&query)).await {
        Ok(Ok(page)) => page.records.into_iter().find(|v| {
            v.business_id == location.id
                && v.visitor_code
                    .as_deref()
                    .and_then(invitation_code)
                    .as_deref()
                    == Some(code)
                && v.expected_arrival > now - VISITORS_DAY
                && v.expected_arrival < now + AHEAD
        }),
        Ok(Err(e)) => {
            debug!(error = %e, "online visitor code look-up failed");
            None
        }
        Err(_) => {
            debug!("online visitor code look-up took too long");
            None
        }
    };
    let Some(v) = found else {
        return false;
    };
    shared
        .store
        .write(|tx| tx.keep_pulled_visitor(&visitor_row(&v)))
        .is_ok()
}

impl SyncEngine {
    /// What a visitor's `CheckedInAt` says ("Location checked in at"): the location's name as
    /// this kiosk knows it.
    fn place_name(&self, location_id: i64) -> Option<String> {
        self.shared
            .settings()
            .location
            .filter(|l| l.id == location_id)
            .map(|l| l.name)
    }

    /// The location's visitors of the day; those of days gone are wiped.
    pub(super) async fn pull_visitors(&self, api: &Client) -> Result<(), SyncError> {
        let Some(location) = self.shared.settings().location else {
            return Ok(());
        };
        let now = self.shared.clock.now();
        let keep_days = self.shared.settings().visitors.keep_days;
        let query = VisitorQuery {
            business_id: Some(location.id),
            expected_after: Some(now - VISITORS_DAY),
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
            tx.wipe_visitors_before(forget_visitors_before(now, keep_days))
        })?;
        if wiped > 0 {
            info!(wiped, "visitors of days gone wiped from the kiosk");
        }
        Ok(())
    }

    /// Sends a walk-in registered here: looked up first when an earlier send may have
    /// reached the server, then POSTed with the kiosk's id as its `SystemId`.
    pub(super) async fn send_walk_in(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &VisitorRow,
    ) -> Result<Sent, SyncError> {
        if let Some(id) = row.nexudus_id {
            return Ok(Sent::Done(Held::WalkIn { id }));
        }
        let Some(email) = row.walk_in.as_ref().and_then(|w| w.email.clone()) else {
            return Ok(Sent::missing(entry));
        };
        if entry.in_doubt {
            match self.find_walk_in(api, row, &email).await {
                Ok(Some(id)) => return Ok(Sent::Done(Held::WalkIn { id })),
                Ok(None) => {}
                Err(error) => return Ok(Sent::lookup_failed(error)),
            }
        }
        let place = self.place_name(row.location_id);
        let note = self.agreement_note(row.local_id)?;
        Ok(
            match api
                .create_visitor(&walk_in_write(row, &email, place, note))
                .await
            {
                Ok(id) => Sent::Done(Held::WalkIn { id }),
                Err(e) => Sent::failed_write(e),
            },
        )
    }

    /// The line a visitor's record gets where they signed the agreement for this visit.
    fn agreement_note(&self, visit: Uuid) -> Result<Option<String>, SyncError> {
        let signed = self.shared.store.read(|tx| tx.signed_for(visit))?;
        Ok(signed.map(|s| crate::domain::agreements::note_line(s.version, s.signed_at)))
    }

    /// Looks for a walk-in the server may hold from an earlier send whose answer was lost: by
    /// `SystemId` (which Nexudus may not keep), then by e-mail around its expected arrival.
    async fn find_walk_in(
        &self,
        api: &Client,
        row: &VisitorRow,
        email: &str,
    ) -> Result<Option<i64>, ApiError> {
        let paging = Paging {
            size: 50,
            ..Paging::default()
        };
        let by_id = VisitorQuery {
            system_id: Some(row.local_id.to_string()),
            paging: paging.clone(),
            ..VisitorQuery::default()
        };
        let page = api.visitor_page(&by_id).await?;
        if let Some(v) = page.records.iter().find(|v| is_lost_walk_in(v, row, email)) {
            return Ok(Some(v.id));
        }
        // A day on each side: the zone the server reads a range in is not documented.
        let window = VisitorQuery {
            business_id: Some(row.location_id),
            email: Some(email.to_owned()),
            expected_after: Some(row.expected_arrival - Duration::days(1)),
            expected_before: Some(row.expected_arrival + Duration::days(1)),
            paging,
            ..VisitorQuery::default()
        };
        let found: Vec<nexudus::Visitor> = api.visitors(window).try_collect().await?;
        Ok(found
            .iter()
            .find(|v| is_lost_walk_in(v, row, email))
            .map(|v| v.id))
    }

    /// Follows the visitors waiting for their host at the screen (walk-ins, and expected guests
    /// whose host must approve): each is read until the host answers or the wait runs out. An
    /// approval in time signs the visitor in (sent by the outbox); one the pull of the day's
    /// visitors brought already needs no read.
    pub(super) async fn follow_approvals(&self, api: &Client) -> Result<bool, SyncError> {
        let settings = self.shared.settings();
        let Some(location) = settings.location else {
            return Ok(false);
        };
        let now = self.shared.clock.now();
        let wait = settings.visitors.approval_wait();
        let waiting: Vec<VisitorRow> = self
            .shared
            .store
            .read(|tx| tx.walk_ins_since(location.id, now - wait))?
            .into_iter()
            .filter(|v| {
                v.arrived_at.is_none()
                    && (v.approval == HostApproval::Requested
                        || (v.asked_at.is_some() && v.may_sign_in()))
            })
            .collect();
        let mut still_waiting = false;
        for row in &waiting {
            let answer = match row.nexudus_id {
                _ if row.approval != HostApproval::Requested => row.approval,
                None => {
                    still_waiting = true;
                    continue;
                }
                Some(id) => match api.visitor(id).await {
                    Ok(v) => v.host_approval_status,
                    Err(ApiError::NotFound { .. }) => HostApproval::Rejected,
                    Err(e) => return Err(e.into()),
                },
            };
            match answer {
                HostApproval::Requested => still_waiting = true,
                // Nexudus saying no approval is needed lets the visitor in as well.
                HostApproval::NotRequired
                | HostApproval::AcceptedAndHold
                | HostApproval::AcceptedAndGrant => {
                    let at = self.shared.clock.now();
                    let badge = self.shared.settings().visitors.printer().is_some();
                    self.shared.store.write(|tx| {
                        tx.set_visitor_approval(row.local_id, answer)?;
                        tx.set_visitor_arrived(row.local_id, at)?;
                        if badge {
                            tx.queue_badge(row.local_id, at)?;
                        }
                        tx.enqueue(OutboxOp::VisitorArrived, row.local_id, at)
                    })?;
                    if badge {
                        self.shared.badge_queued.notify_one();
                    }
                    info!("a waiting visitor's host approved the visit");
                }
                other => {
                    if other != HostApproval::Rejected {
                        warn!(
                            code = other.code(),
                            "a host approval status the kiosk does not know: treated as declined"
                        );
                    }
                    self.shared.store.write(|tx| {
                        tx.set_visitor_approval(row.local_id, HostApproval::Rejected)
                    })?;
                }
            }
        }
        if !waiting.is_empty() {
            self.shared.emit_progress();
        }
        Ok(still_waiting)
    }

    /// Sends a visitor's arrival or departure to record `id` (the walk-in's, when it was
    /// registered earlier in the same batch).
    pub(super) async fn send_visitor(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &VisitorRow,
        id: Option<i64>,
    ) -> Result<Sent, SyncError> {
        let gone = || Sent::Park {
            reason: SendProblem::DeletedInNexudus {
                record: RecordKind::Visitor,
            },
            in_doubt: false,
        };
        let Some(id) = id else {
            // A walk-in not registered yet: its arrival waits for it.
            if self.earlier_open(entry)?.is_some() {
                return Ok(Sent::Blocked);
            }
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
                // The agreement's line, unless the record has it (a PUT sent twice adds it once).
                let notes = self
                    .agreement_note(row.local_id)?
                    .and_then(|line| notes_with(server.notes.as_deref(), &line));
                if server.arrived && notes.is_none() {
                    return Ok(Sent::Done(Held::Visitor));
                }
                if let Some(notes) = notes {
                    write.notes = Some(notes);
                    write.has_agreed_terms = true;
                }
                if !server.arrived {
                    write.arrived = true;
                    write.arrival_date = row.arrived_at;
                    write.checked_in_at = self.place_name(row.location_id);
                }
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

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::model::WalkInRow;

    fn ours() -> VisitorRow {
        VisitorRow {
            local_id: Uuid::now_v7(),
            nexudus_id: None,
            location_id: 1001,
            full_name: "Ada Lovelace".into(),
            code: None,
            host_id: Some(2),
            host_name: Some("José García".into()),
            expected_arrival: Utc.with_ymd_and_hms(2026, 11, 30, 9, 15, 42).unwrap(),
            arrived_at: None,
            departed_at: None,
            approval: HostApproval::NotRequired,
            walk_in: Some(WalkInRow {
                email: Some("ada@example.com".into()),
                ..WalkInRow::default()
            }),
            asked_at: None,
            signer: None,
        }
    }

    fn server(row: &VisitorRow) -> nexudus::Visitor {
        let mut w = walk_in_write(row, "ADA@example.com", None, None);
        w.system_id = None;
        let mut json = serde_json::to_value(&w).unwrap();
        json["Id"] = 71.into();
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_lost_walk_in_is_known_by_its_system_id_else_by_email_location_and_second() {
        let row = ours();
        let mut found = server(&row);
        assert!(
            is_lost_walk_in(&found, &row, "ada@example.com"),
            "e-mail in any case"
        );
        found.expected_arrival += Duration::seconds(1);
        assert!(
            !is_lost_walk_in(&found, &row, "ada@example.com"),
            "another second: another visit"
        );
        found.expected_arrival = row.expected_arrival;
        found.business_id = 1002;
        assert!(
            !is_lost_walk_in(&found, &row, "ada@example.com"),
            "another location"
        );
        found.business_id = 1001;
        found.system_id = Some("another-kiosk".into());
        assert!(
            !is_lost_walk_in(&found, &row, "ada@example.com"),
            "another kiosk's record, whatever its e-mail"
        );
        found.system_id = Some(row.local_id.to_string());
        found.email = None;
        assert!(
            is_lost_walk_in(&found, &row, "ada@example.com"),
            "our SystemId is enough"
        );
    }
}
