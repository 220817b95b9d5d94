//! Push: the outbox goes to Nexudus in order, in batches, exactly once.

use crate::store::StateKey;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use futures::{StreamExt, TryStreamExt};
use nexudus::{ApiError, CheckinQuery, Client, FailedCheckinQuery, Paging};
use rand::Rng;
use tracing::{info, instrument, warn};
use uuid::Uuid;

use super::decide::{self, Backoff, Held, Outcome, Sent, Stop};
use super::{SyncEngine, SyncError, wire};
use crate::domain::model::{CheckinRow, FailedRow, OutboxEntry, OutboxOp, Target};
use crate::domain::problem::SendProblem;
use crate::error::StoreError;

/// How long the kiosk believes that before it offers one again (the account may change).
const FAILED_NOT_TAKEN_FOR: Duration = Duration::hours(24);

/// How old a batch's view may grow. Results wait at most this long to be recorded, so the
/// queue the staff see stays current when a batch goes slowly (under the API's write limit it
/// takes a minute); and a check-in read longer ago is read again before it is sent, so a
/// check-out tapped meanwhile goes out in the same POST.
const FRESH_FOR: StdDuration = StdDuration::from_millis(200);

/// The entries of a batch attempted so far and what came of each; recorded together, at the
/// end of the batch or once they are [`FRESH_FOR`] old, whichever comes first.
pub(super) struct Ledger<'a> {
    settled: Vec<(&'a OutboxEntry, Outcome)>,
    recorded: usize,
    recorded_at: Instant,
}

impl Ledger<'_> {
    fn new() -> Self {
        Self {
            settled: Vec::new(),
            recorded: 0,
            recorded_at: Instant::now(),
        }
    }

    /// What came of the check-in `target` earlier in this batch, recorded yet or not.
    pub(super) fn checkin(&self, target: Uuid) -> Option<&Outcome> {
        self.settled
            .iter()
            .rev()
            .find(|(e, _)| e.target == target && e.op == OutboxOp::CreateCheckin)
            .map(|(_, outcome)| outcome)
    }

    /// The Id the walk-in `target` was given earlier in this batch, recorded yet or not.
    pub(super) fn walk_in(&self, target: Uuid) -> Option<i64> {
        self.settled
            .iter()
            .rev()
            .find_map(|(e, outcome)| match outcome {
                Outcome::Done(Held::WalkIn { id }) if e.target == target => Some(*id),
                _ => None,
            })
    }
}

impl SyncEngine {
    fn backoff(&self) -> Backoff {
        Backoff {
            base: self.options.backoff_base,
            cap: self.options.backoff_cap,
        }
    }

    /// Sends the queue in order until it is empty, the head is not yet due, or the server is
    /// unreachable. Answers how long until the head is due, if it is waiting.
    ///
    /// Entries go in batches: one durable commit claims the next entries that are due (about a
    /// second's worth at the pace of the last batch: [`decide::batch_size`]) and marks each "in
    /// doubt" before any of them leaves. What each send comes to is kept in
    /// a ledger and recorded for many entries at once without waiting for the disk: a result
    /// lost to a power cut or a crash leaves its entry in doubt, to be looked up before it is
    /// sent again. Exactly once, at one fsync a batch instead of three an entry.
    #[instrument(skip_all, err(Debug, level = "debug"))]
    pub(super) async fn push(&self, api: &Client) -> Result<Option<StdDuration>, SyncError> {
        let mut size = decide::batch_size(None);
        loop {
            let now = self.shared.clock.now();
            let batch = self.shared.store.write(|tx| tx.claim_due(now, size))?;
            if batch.is_empty() {
                return Ok(self.next_due());
            }
            let claimed_at = Instant::now();
            let mut ledger = Ledger::new();
            let mut stop = None;
            for (entry, target) in &batch {
                if self.is_stopping() {
                    stop = Some(Ok(None));
                    break;
                }
                let sent = tokio::select! {
                    biased;
                    sent = self.send(api, entry, target.as_ref(), claimed_at, &ledger) => sent,
                    () = self.stopped() => {
                        // It may have reached the server: look it up after the next start.
                        let outcome = Outcome::Retry {
                            at: self.shared.clock.now(),
                            error: SendProblem::Interrupted,
                            in_doubt: true,
                        };
                        ledger.settled.push((entry, outcome));
                        stop = Some(Ok(None));
                        break;
                    }
                };
                let halt = match sent {
                    Ok(sent) => self.settle(&mut ledger, entry, sent),
                    Err(halt) => Some(Err(halt)),
                };
                if let Some(halt) = halt {
                    stop = Some(halt);
                    break;
                }
                if ledger.recorded_at.elapsed() >= FRESH_FOR {
                    self.record(&mut ledger, [])?;
                }
            }
            size = decide::batch_size(Some((ledger.settled.len(), claimed_at.elapsed())));
            // Entries not attempted never left: back in the queue as they were.
            let unsent = batch[ledger.settled.len()..].iter().map(|(e, _)| e);
            self.record(&mut ledger, unsent)?;
            if let Some(stop) = stop {
                return stop;
            }
        }
    }

    /// Decides what an attempt at `entry` comes to, adds it to the ledger, and answers how the
    /// round stops there, if it does.
    fn settle<'a>(
        &self,
        ledger: &mut Ledger<'a>,
        entry: &'a OutboxEntry,
        sent: Sent,
    ) -> Option<Result<Option<StdDuration>, SyncError>> {
        if let Sent::Park { reason, .. } = &sent {
            warn!(entry = entry.id, op = entry.op.as_str(), %reason, "parked for staff");
        }
        let jitter = rand::rng().random_range(0.5..=1.0);
        let now = self.shared.clock.now();
        let (outcome, halt) = decide::decide(entry, sent, now, self.backoff(), jitter);
        ledger.settled.push((entry, outcome));
        halt.map(|halt| match halt {
            Stop::Wait(wait) => Ok(Some(wait.to_std().unwrap_or_default())),
            Stop::Halt(error) => Err(SyncError::Api(error)),
        })
    }

    async fn send(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        target: Option<&Target>,
        claimed_at: Instant,
        ledger: &Ledger<'_>,
    ) -> Result<Sent, SyncError> {
        match (entry.op, target) {
            (OutboxOp::CreateCheckin, Some(Target::Checkin(row))) => {
                self.send_create(api, entry, row, claimed_at).await
            }
            (OutboxOp::CloseCheckin, Some(Target::Checkin(row))) => {
                self.send_close(api, entry, row, ledger).await
            }
            (OutboxOp::CreateFailed, Some(Target::Failed(row))) => {
                Ok(self.send_failed(api, entry, row).await)
            }
            (OutboxOp::WithdrawCheckin, Some(Target::Checkin(row))) => {
                self.send_withdraw(api, entry, row, ledger.checkin(entry.target))
                    .await
            }
            (OutboxOp::AmendCheckout, Some(Target::Checkin(row))) => {
                self.send_amend(api, entry, row, ledger).await
            }
            (OutboxOp::VisitorCreated, Some(Target::Visitor(row))) => {
                self.send_walk_in(api, entry, row).await
            }
            (OutboxOp::VisitorArrived | OutboxOp::VisitorDeparted, Some(Target::Visitor(row))) => {
                let id = ledger.walk_in(entry.target).or(row.nexudus_id);
                self.send_visitor(api, entry, row, id).await
            }
            (OutboxOp::ReopenCheckin, Some(Target::Checkin(row))) => {
                self.send_reopen(api, entry, row, ledger.checkin(entry.target))
                    .await
            }
            _ => Ok(Sent::missing(entry)),
        }
    }

    /// The first open entry before `entry` for the same record, if any.
    pub(super) fn earlier_open(
        &self,
        entry: &OutboxEntry,
    ) -> Result<Option<OutboxEntry>, StoreError> {
        self.shared
            .store
            .read(|tx| tx.outbox_earlier_open(entry.target, entry.id))
    }

    /// Records the outcomes not yet recorded and gives `unsent` back to the queue, in one
    /// transaction that does not wait for the disk (see [`SyncEngine::push`]).
    fn record<'e>(
        &self,
        ledger: &mut Ledger<'_>,
        unsent: impl IntoIterator<Item = &'e OutboxEntry>,
    ) -> Result<(), StoreError> {
        let now = self.shared.clock.now();
        let fresh = &ledger.settled[ledger.recorded..];
        self.shared.store.write_relaxed(|tx| {
            for (entry, outcome) in fresh {
                match outcome {
                    Outcome::Done(Held::Checkin { id, with_to_time }) => {
                        tx.adopt_nexudus_id(entry.target, *id)?;
                        tx.finish(entry.id, now)?;
                        if *with_to_time {
                            tx.finish_close_entries(entry.target, entry.id, now)?;
                        }
                    }
                    Outcome::Done(Held::WalkIn { id }) => {
                        tx.adopt_visitor_id(entry.target, *id)?;
                        tx.finish(entry.id, now)?;
                    }
                    Outcome::Done(Held::FailedCheckin { id }) => {
                        tx.set_failed_nexudus_id(entry.target, *id)?;
                        tx.finish(entry.id, now)?;
                    }
                    Outcome::Done(
                        Held::CheckedOut | Held::FailedKeptHere | Held::Undone | Held::Visitor,
                    ) => {
                        tx.finish(entry.id, now)?;
                    }
                    Outcome::Done(Held::ClosedAlready {
                        to_time,
                        to_time_local,
                    }) => {
                        // The server's check-out stands; the kiosk's record says the same.
                        tx.close_checkin(entry.target, *to_time, *to_time_local)?;
                        tx.finish(entry.id, now)?;
                    }
                    Outcome::Park { reason, in_doubt } => tx.park(entry.id, reason, *in_doubt)?,
                    Outcome::Retry {
                        at,
                        error,
                        in_doubt,
                    } => {
                        tx.retry_later(entry.id, *at, error, *in_doubt)?;
                    }
                }
            }
            tx.release(unsent)
        })?;
        // Any entry the server took is a successful exchange: the status says online now, not
        // when the whole queue has gone.
        if fresh.iter().any(|(_, o)| matches!(o, Outcome::Done(_))) {
            self.shared.exchanged();
        }
        ledger.recorded = ledger.settled.len();
        ledger.recorded_at = Instant::now();
        self.shared.emit_progress();
        Ok(())
    }

    /// Looks for a check-in the server may hold from an earlier send whose answer was lost.
    async fn find_checkin(&self, api: &Client, row: &CheckinRow) -> Result<Option<i64>, ApiError> {
        let system_id = row.local_id.to_string();
        let by_id = CheckinQuery {
            system_id: Some(system_id.clone()),
            paging: Paging {
                size: 10,
                ..Paging::default()
            },
            ..CheckinQuery::default()
        };
        // The filter may be ignored by a server that does not index SystemId: check each record.
        let page = api.checkins_page(&by_id, 1).await?;
        if let Some(c) = page
            .records
            .iter()
            .find(|c| c.system_id.as_deref() == Some(&system_id))
        {
            return Ok(Some(c.id));
        }
        // The zone the server reads range filters in is not documented: a day on each side
        // holds the record whichever it is, and the match is made here, to the second.
        let window = CheckinQuery {
            coworker_id: Some(row.member_id),
            business_id: Some(row.location_id),
            from_time_after: Some(row.from_time - Duration::days(1)),
            from_time_before: Some(row.from_time + Duration::days(1)),
            paging: Paging {
                size: 50,
                ..Paging::default()
            },
            ..CheckinQuery::default()
        };
        let candidates: Vec<_> = api.checkins(window).try_collect().await?;
        Ok(candidates
            .into_iter()
            .find(|c| decide::is_lost_checkin(c, row))
            .map(|c| c.id))
    }

    async fn send_create(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &CheckinRow,
        claimed_at: Instant,
    ) -> Result<Sent, SyncError> {
        // Read again if it was open when the batch read it, long enough ago for a check-out.
        let fresh;
        let row = if row.to_time.is_none() && claimed_at.elapsed() >= FRESH_FOR {
            let Some(now) = self.shared.store.read(|tx| tx.checkin(entry.target))? else {
                return Ok(Sent::missing(entry));
            };
            fresh = now;
            &fresh
        } else {
            row
        };
        if let Some(id) = row.nexudus_id {
            // A pull found it on the server already.
            return Ok(Sent::open_checkin(id));
        }
        if entry.in_doubt {
            match self.find_checkin(api, row).await {
                Ok(Some(id)) => {
                    info!(
                        entry = entry.id,
                        nexudus_id = id,
                        "an earlier send had arrived: adopted, not sent again"
                    );
                    return Ok(Sent::open_checkin(id));
                }
                Ok(None) => {}
                Err(error) => return Ok(Sent::lookup_failed(error)),
            }
        }
        // The member may be in already through another kiosk that this one has not heard from
        // yet: no read is spent on it before each batch. Should both have opened one, the
        // next pull of the day's check-ins settles it by one rule every kiosk applies
        // (`decide::own_duplicates`: the earliest stays open, the later kiosk closes its own).
        // A check-in already closed locally goes out whole, ToTime included: one write, not two.
        Ok(match api.create_checkin(&wire::checkin_write(row)).await {
            Ok(id) => Sent::Done(Held::Checkin {
                id,
                with_to_time: row.to_time.is_some(),
            }),
            Err(e) => Sent::failed_write(e),
        })
    }

    async fn send_failed(&self, api: &Client, entry: &OutboxEntry, row: &FailedRow) -> Sent {
        if let Some(id) = row.nexudus_id {
            return Sent::Done(Held::FailedCheckin { id });
        }
        // Nexudus refused to take one lately: the refusals stay here, and cost no request.
        let now = self.shared.clock.now();
        let refused_at = self
            .shared
            .store
            .read(|tx| tx.get_state_time(StateKey::FailedNotTakenAt))
            .ok()
            .flatten();
        if refused_at.is_some_and(|t| now - t < FAILED_NOT_TAKEN_FOR && t <= now) {
            return Sent::Done(Held::FailedKeptHere);
        }
        let system_id = row.local_id.to_string();
        if entry.in_doubt {
            let query = FailedCheckinQuery {
                system_id: Some(system_id.clone()),
                coworker_id: row.member_id,
                paging: Paging {
                    size: 10,
                    ..Paging::default()
                },
                ..FailedCheckinQuery::default()
            };
            let found: Result<Vec<_>, _> = api.failed_checkins(query).take(10).try_collect().await;
            match found {
                Ok(records) => {
                    if let Some(f) = records
                        .iter()
                        .find(|f| f.system_id.as_deref() == Some(&system_id))
                    {
                        return Sent::Done(Held::FailedCheckin { id: f.id });
                    }
                }
                // A server without the list: a failed attempt may then be recorded twice, which
                // charges nobody; losing it would hide it from staff.
                Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => {
                    warn!(
                        entry = entry.id,
                        "cannot look failed check-ins up; sending again"
                    );
                }
                Err(error) => return Sent::lookup_failed(error),
            }
        }
        match api.create_failed_checkin(&wire::failed_write(row)).await {
            Ok(id) => Sent::Done(Held::FailedCheckin { id }),
            Err(ApiError::NotAllowed { .. }) => {
                info!("Nexudus takes no failed check-ins from this kiosk: refusals stay here");
                if let Err(e) = self
                    .shared
                    .store
                    .write(|tx| tx.set_state_time(StateKey::FailedNotTakenAt, now))
                {
                    warn!(error = %e, "cannot note that failed check-ins are not taken");
                }
                Sent::Done(Held::FailedKeptHere)
            }
            Err(e) => Sent::failed_write(e),
        }
    }
}
