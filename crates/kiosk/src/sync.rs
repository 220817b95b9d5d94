//! The sync engine: one long-lived task that pushes the outbox in order, pulls members and
//! today's check-ins, and closes check-ins at the auto-checkout time.
//!
//! Exactly once, through crashes and lost answers: before a create leaves, its outbox entry is
//! marked "in doubt" in a committed transaction. Whatever happens next (an answer, a timeout, a
//! reset, SIGKILL), an entry still in doubt is looked up on the server (by `SystemId`, then by
//! member and time) before it is sent again, and the record found is adopted.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures::{StreamExt, TryStreamExt};
use nexudus::{
    ApiError, CheckinQuery, CheckinWrite, Client, CoworkerQuery, FailedCheckinQuery,
    FailedCheckinWrite, Paging, Source,
};
use rand::Rng;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::{debug, info, instrument, warn};
use uuid::Uuid;

use crate::autocheckout;
use crate::error::{KioskError, StoreError};
use crate::events::{Connectivity, Event};
use crate::kiosk::{Inner, Kiosk, local_time};
use crate::model::{
    CheckinRow, FailedRow, Member, Origin, OutboxEntry, OutboxOp, OutboxStatus, Target,
};

/// How often the engine does what.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The longest the engine sleeps between rounds when nothing wakes it.
    pub tick: StdDuration,
    /// How often members are pulled (a delta).
    pub member_interval: Duration,
    /// How often a full member load runs (it also drops members removed upstream).
    pub full_reload_interval: Duration,
    /// How often today's check-ins of the location are pulled.
    pub checkin_interval: Duration,
    /// The first retry delay; it doubles per attempt, with jitter, up to `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Members per batch request for their teams and locations.
    pub detail_batch: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            tick: StdDuration::from_secs(15),
            member_interval: Duration::minutes(5),
            full_reload_interval: Duration::hours(24),
            checkin_interval: Duration::minutes(1),
            backoff_base: Duration::seconds(2),
            backoff_cap: Duration::minutes(5),
            detail_batch: 100,
        }
    }
}

enum Command {
    SyncNow,
    Stop(oneshot::Sender<()>),
}

/// The running engine.
#[derive(Debug)]
pub struct SyncHandle {
    commands: mpsc::Sender<Command>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::SyncNow => "SyncNow",
            Self::Stop(_) => "Stop",
        })
    }
}

impl SyncHandle {
    /// Starts the engine on the current tokio runtime.
    pub fn spawn(kiosk: &Kiosk, options: SyncOptions) -> Self {
        let (commands, rx) = mpsc::channel(16);
        let engine = SyncEngine::new(kiosk, options);
        let task = tokio::spawn(engine.run(rx));
        Self { commands, task }
    }

    pub async fn sync_now(&self) {
        let _ = self.commands.send(Command::SyncNow).await;
    }

    /// Finishes the round under way, then stops; nothing is left claimed.
    pub async fn stop(self) {
        let (tx, rx) = oneshot::channel();
        if self.commands.send(Command::Stop(tx)).await.is_ok() {
            let _ = rx.await;
        }
        let _ = self.task.await;
    }
}

/// What the server holds for an entry once it is settled.
#[derive(Debug, Clone, Copy)]
enum Held {
    /// The check-in, with its Id. `with_to_time`: it went out already closed, so its check-out
    /// entries are settled too.
    Checkin {
        id: i64,
        with_to_time: bool,
    },
    FailedCheckin {
        id: i64,
    },
    /// The check-out reached its check-in.
    CheckedOut,
}

/// What one attempt at an entry came to. `in_doubt`: whether the write may have reached the
/// server all the same (then it is looked up before it is sent again).
enum Sent {
    /// The server has it: sent now, or found from an earlier send whose answer was lost.
    Done(Held),
    /// Refused for good: waits for staff.
    Park { reason: String, in_doubt: bool },
    /// Not now: the error says why and when.
    Later { error: ApiError, in_doubt: bool },
    /// Waiting for an earlier entry (a check-out whose check-in is not synced yet).
    Blocked,
}

impl Sent {
    /// A look-up of an earlier send failed: the entry stays in doubt, to be looked up again.
    fn lookup_failed(error: ApiError) -> Self {
        Self::Later {
            error,
            in_doubt: true,
        }
    }

    /// A check-out whose check-in the server refused: it cannot go either.
    fn checkin_refused(entry: &OutboxEntry, reason: &str) -> Self {
        Self::Park {
            reason: format!("its check-in was refused: {reason}"),
            in_doubt: entry.in_doubt,
        }
    }
}

/// What is recorded for an attempt.
#[derive(Debug)]
enum Outcome {
    Done(Held),
    Park {
        reason: String,
        in_doubt: bool,
    },
    Retry {
        at: DateTime<Utc>,
        error: String,
        in_doubt: bool,
    },
}

/// The entries of a batch attempted so far and what came of each; recorded together, at the
/// end of the batch or once they are [`FRESH_FOR`] old, whichever comes first.
struct Ledger<'a> {
    settled: Vec<(&'a OutboxEntry, Outcome)>,
    recorded: usize,
    recorded_at: std::time::Instant,
}

impl Ledger<'_> {
    fn new() -> Self {
        Self {
            settled: Vec::new(),
            recorded: 0,
            recorded_at: std::time::Instant::now(),
        }
    }

    /// What came of the check-in `target` earlier in this batch, recorded yet or not.
    fn checkin(&self, target: Uuid) -> Option<&Outcome> {
        self.settled
            .iter()
            .rev()
            .find(|(e, _)| e.target == target && e.op == OutboxOp::CreateCheckin)
            .map(|(_, outcome)| outcome)
    }
}

/// How many outbox entries one durable commit marks "in doubt" before they leave. After a
/// crash or a power cut, at most this many are looked up on the server before being sent.
const BATCH: i64 = 64;

/// How old a batch's view may grow. Results wait at most this long to be recorded, so the
/// queue the staff see stays current when a batch goes slowly (under the API's write limit it
/// takes a minute); and a check-in read longer ago is read again before it is sent, so a
/// check-out tapped meanwhile goes out in the same POST.
const FRESH_FOR: StdDuration = StdDuration::from_millis(200);

/// Why a round stopped early.
#[derive(Debug)]
enum Halt {
    Api(ApiError),
    Store(StoreError),
}

impl From<ApiError> for Halt {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<StoreError> for Halt {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<KioskError> for Halt {
    fn from(e: KioskError) -> Self {
        match e {
            KioskError::Api(e) => Self::Api(e),
            KioskError::Store(e) => Self::Store(e),
            other => Self::Store(StoreError::Data(other.to_string())),
        }
    }
}

pub(crate) struct SyncEngine {
    inner: Arc<Inner>,
    options: SyncOptions,
}

const MEMBERS_CURSOR: &str = "members_cursor";
const MEMBERS_FULL_AT: &str = "members_full_at";
const MEMBERS_DELTA_AT: &str = "members_delta_at";
const CHECKINS_AT: &str = "checkins_at";

fn parse_state(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl SyncEngine {
    pub(crate) fn new(kiosk: &Kiosk, options: SyncOptions) -> Self {
        Self {
            inner: Arc::clone(&kiosk.inner),
            options,
        }
    }

    async fn run(self, mut commands: mpsc::Receiver<Command>) {
        info!("sync engine started");
        loop {
            let wait = self.round().await;
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.inner.nudge.notified() => {}
                command = commands.recv() => match command {
                    Some(Command::SyncNow) => {}
                    Some(Command::Stop(done)) => {
                        let _ = self.inner.store.write(|tx| tx.requeue_claimed());
                        info!("sync engine stopped");
                        let _ = done.send(());
                        return;
                    }
                    None => return,
                },
            }
        }
    }

    /// One round: auto-checkout, push, pulls that are due. Answers how long to sleep.
    pub(crate) async fn round(&self) -> StdDuration {
        if let Err(e) = self.auto_checkout() {
            warn!(error = %e, "auto-checkout failed");
        }
        let Some(api) = self.inner.api() else {
            self.inner.set_connectivity(Connectivity::NotConfigured);
            return self.options.tick;
        };
        let result = async {
            let wait = self.push(&api).await?;
            self.pull(&api).await?;
            Ok::<_, Halt>(wait)
        }
        .await;
        match result {
            Ok(wait) => {
                self.inner.set_connectivity(Connectivity::Online);
                let now = self.inner.clock.now();
                *self.inner.last_sync.lock().unwrap() = Some(now);
                self.inner.emit(Event::Synced { at: now });
                self.inner.emit_progress();
                wait.unwrap_or(self.options.tick).min(self.options.tick)
            }
            Err(Halt::Api(e)) => {
                self.inner.emit_progress();
                if e.needs_login() {
                    warn!(
                        "the Nexudus session has ended; a staff member must log in (check-ins keep queueing)"
                    );
                    self.inner.set_connectivity(Connectivity::NeedsLogin);
                    self.options.tick
                } else {
                    debug!(error = %e, "sync round stopped");
                    self.inner.set_connectivity(Connectivity::Offline);
                    self.next_due()
                        .unwrap_or(self.options.tick)
                        .min(self.options.tick)
                }
            }
            Err(Halt::Store(e)) => {
                warn!(error = %e, "sync round stopped on the store");
                self.options.tick
            }
        }
    }

    /// How long until the head of the queue is due.
    fn next_due(&self) -> Option<StdDuration> {
        let head = self.inner.store.read(|tx| tx.outbox_head()).ok()??;
        let wait = head.next_attempt_at - self.inner.clock.now();
        Some(wait.to_std().unwrap_or(StdDuration::ZERO))
    }

    fn backoff(&self, attempts: i64, asked: Option<StdDuration>) -> Duration {
        let exp = self.options.backoff_base * 2_i32.pow(attempts.clamp(0, 16) as u32);
        let capped = exp.min(self.options.backoff_cap);
        // Full jitter over the upper half, so kiosks that failed together do not retry together.
        let factor = rand::rng().random_range(0.5..=1.0);
        let jittered = Duration::milliseconds((capped.num_milliseconds() as f64 * factor) as i64);
        let asked = asked
            .and_then(|d| Duration::from_std(d).ok())
            .unwrap_or(Duration::zero());
        jittered.max(asked)
    }

    // ---- push ---------------------------------------------------------------------------------

    /// Sends the queue in order until it is empty, the head is not yet due, or the server is
    /// unreachable. Answers how long until the head is due, if it is waiting.
    ///
    /// Entries go in batches: one durable commit claims the next [`BATCH`] entries that are due
    /// and marks each "in doubt" before any of them leaves. What each send comes to is kept in
    /// a ledger and recorded for many entries at once without waiting for the disk: a result
    /// lost to a power cut or a crash leaves its entry in doubt, to be looked up before it is
    /// sent again. Exactly once, at one fsync a batch instead of three an entry.
    #[instrument(skip_all, err(Debug, level = "debug"))]
    async fn push(&self, api: &Client) -> Result<Option<StdDuration>, Halt> {
        loop {
            let now = self.inner.clock.now();
            let batch = self.inner.store.write(|tx| tx.claim_due(now, BATCH))?;
            if batch.is_empty() {
                return Ok(self.next_due());
            }
            let claimed_at = std::time::Instant::now();
            let mut ledger = Ledger::new();
            let mut stop = None;
            for (entry, target) in &batch {
                let sent = match self
                    .send(api, entry, target.as_ref(), claimed_at, &ledger)
                    .await
                {
                    Ok(sent) => sent,
                    Err(halt) => {
                        stop = Some(Err(halt));
                        break;
                    }
                };
                let (outcome, halt) = self.outcome(entry, sent);
                ledger.settled.push((entry, outcome));
                if let Some(halt) = halt {
                    stop = Some(halt);
                    break;
                }
                if ledger.recorded_at.elapsed() >= FRESH_FOR {
                    self.record(&mut ledger, [])?;
                }
            }
            // Entries not attempted never left: back in the queue as they were.
            let unsent = batch[ledger.settled.len()..].iter().map(|(e, _)| e);
            self.record(&mut ledger, unsent)?;
            if let Some(stop) = stop {
                return stop;
            }
        }
    }

    async fn send(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        target: Option<&Target>,
        claimed_at: std::time::Instant,
        ledger: &Ledger<'_>,
    ) -> Result<Sent, Halt> {
        match (entry.op, target) {
            (OutboxOp::CreateCheckin, Some(Target::Checkin(row))) => {
                self.send_create(api, entry, row, claimed_at).await
            }
            (OutboxOp::CloseCheckin, Some(Target::Checkin(row))) => {
                self.send_close(api, entry, row, ledger).await
            }
            (OutboxOp::CreateFailed, Some(Target::Failed(row))) => {
                self.send_failed(api, entry, row).await
            }
            _ => Ok(Self::missing(entry)),
        }
    }

    /// What to record for an attempt, and whether the round stops there (and how).
    fn outcome(
        &self,
        entry: &OutboxEntry,
        sent: Sent,
    ) -> (Outcome, Option<Result<Option<StdDuration>, Halt>>) {
        let now = self.inner.clock.now();
        match sent {
            Sent::Done(held) => (Outcome::Done(held), None),
            Sent::Park { reason, in_doubt } => {
                warn!(entry = entry.id, op = entry.op.as_str(), %reason, "parked for staff");
                (Outcome::Park { reason, in_doubt }, None)
            }
            Sent::Blocked => {
                let wait = self.options.backoff_base;
                let outcome = Outcome::Retry {
                    at: now + wait,
                    error: "waiting for its check-in to sync".into(),
                    in_doubt: entry.in_doubt,
                };
                (outcome, Some(Ok(Some(wait.to_std().unwrap_or_default()))))
            }
            Sent::Later { error, in_doubt } => {
                let outcome = Outcome::Retry {
                    at: now + self.backoff(entry.attempts, error.retry_after()),
                    error: error.to_string(),
                    in_doubt,
                };
                (outcome, Some(Err(Halt::Api(error))))
            }
        }
    }

    /// Records the outcomes not yet recorded and gives `unsent` back to the queue, in one
    /// transaction that does not wait for the disk (see [`SyncEngine::push`]).
    fn record<'e>(
        &self,
        ledger: &mut Ledger<'_>,
        unsent: impl IntoIterator<Item = &'e OutboxEntry>,
    ) -> Result<(), StoreError> {
        let now = self.inner.clock.now();
        let fresh = &ledger.settled[ledger.recorded..];
        self.inner.store.write_relaxed(|tx| {
            for (entry, outcome) in fresh {
                match outcome {
                    Outcome::Done(Held::Checkin { id, with_to_time }) => {
                        tx.set_checkin_nexudus_id(entry.target, *id)?;
                        tx.finish(entry.id, now)?;
                        if *with_to_time {
                            tx.finish_close_entries(entry.target, entry.id, now)?;
                        }
                    }
                    Outcome::Done(Held::FailedCheckin { id }) => {
                        tx.set_failed_nexudus_id(entry.target, *id)?;
                        tx.finish(entry.id, now)?;
                    }
                    Outcome::Done(Held::CheckedOut) => tx.finish(entry.id, now)?,
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
        ledger.recorded = ledger.settled.len();
        ledger.recorded_at = std::time::Instant::now();
        self.inner.emit_progress();
        Ok(())
    }

    /// What a failed write comes to: retry or stop for a login, or park. It left, so it stays
    /// in doubt unless the answer says nothing was applied.
    fn failed_send(e: ApiError) -> Sent {
        let in_doubt = e.outcome_unknown();
        if e.needs_login() || e.is_transient() {
            Sent::Later { error: e, in_doubt }
        } else {
            Sent::Park {
                reason: e.to_string(),
                in_doubt,
            }
        }
    }

    /// An entry whose record is gone from the kiosk's database (it cannot be sent).
    fn missing(entry: &OutboxEntry) -> Sent {
        let what = match entry.op {
            OutboxOp::CreateFailed => "failed check-in",
            OutboxOp::CreateCheckin | OutboxOp::CloseCheckin => "check-in",
        };
        Sent::Park {
            reason: format!("the {what} is missing from the kiosk's database"),
            in_doubt: entry.in_doubt,
        }
    }

    fn checkin_write(row: &CheckinRow) -> CheckinWrite {
        let mut w = CheckinWrite::new(row.location_id, row.from_time);
        w.id = row.nexudus_id;
        w.coworker_id = Some(row.member_id);
        w.to_time = row.to_time;
        w.from_time_local = row.from_time_local;
        w.to_time_local = row.to_time_local;
        w.source = Source::from_code(row.source);
        w.auto_checkout = Some(row.auto_checkout);
        w.teams_at_the_time_of_checkin.clone_from(&row.teams);
        w.tariff_at_the_time_of_checkin.clone_from(&row.plan);
        if row.origin == Origin::Kiosk {
            w.system_id = Some(row.local_id.to_string());
        }
        // Fields the kiosk does not own, as the server last gave them (none for its own).
        let serde_json::Value::Object(extra) = &row.extra else {
            return w;
        };
        if extra.is_empty() {
            return w;
        }
        let Ok(serde_json::Value::Object(mut merged)) = serde_json::to_value(&w) else {
            return w;
        };
        for (k, v) in extra {
            merged.insert(k.clone(), v.clone());
        }
        serde_json::from_value(serde_json::Value::Object(merged)).unwrap_or(w)
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
        let window = CheckinQuery {
            coworker_id: Some(row.member_id),
            business_id: Some(row.location_id),
            from_time_after: Some(row.from_time - Duration::minutes(1)),
            from_time_before: Some(row.from_time + Duration::minutes(1)),
            paging: Paging {
                size: 50,
                ..Paging::default()
            },
            ..CheckinQuery::default()
        };
        let candidates: Vec<_> = api.checkins(window).try_collect().await?;
        Ok(candidates
            .into_iter()
            .find(|c| {
                c.coworker_id == Some(row.member_id)
                    && (c.from_time - row.from_time).num_seconds().abs() < 1
                    && c.system_id.as_deref().is_none_or(|s| s == system_id)
            })
            .map(|c| c.id))
    }

    async fn send_create(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &CheckinRow,
        claimed_at: std::time::Instant,
    ) -> Result<Sent, Halt> {
        // Read again if it was open when the batch read it, long enough ago for a check-out.
        let fresh;
        let row = if row.to_time.is_none() && claimed_at.elapsed() >= FRESH_FOR {
            let Some(now) = self.inner.store.read(|tx| tx.checkin(entry.target))? else {
                return Ok(Self::missing(entry));
            };
            fresh = now;
            &fresh
        } else {
            row
        };
        if let Some(id) = row.nexudus_id {
            // A pull found it on the server already.
            return Ok(Sent::Done(Held::Checkin {
                id,
                with_to_time: false,
            }));
        }
        if entry.in_doubt {
            match self.find_checkin(api, row).await {
                Ok(Some(id)) => {
                    info!(
                        entry = entry.id,
                        nexudus_id = id,
                        "an earlier send had arrived: adopted, not sent again"
                    );
                    return Ok(Sent::Done(Held::Checkin {
                        id,
                        with_to_time: false,
                    }));
                }
                Ok(None) => {}
                Err(error) => return Ok(Sent::lookup_failed(error)),
            }
        }
        // A check-in already closed locally goes out whole, ToTime included: one write, not two.
        Ok(match api.create_checkin(&Self::checkin_write(row)).await {
            Ok(id) => Sent::Done(Held::Checkin {
                id,
                with_to_time: row.to_time.is_some(),
            }),
            Err(e) => Self::failed_send(e),
        })
    }

    async fn send_close(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &CheckinRow,
        ledger: &Ledger<'_>,
    ) -> Result<Sent, Halt> {
        // Its check-in may have been settled earlier in this batch, recorded or not yet.
        let id = match (ledger.checkin(entry.target), row.nexudus_id) {
            (
                Some(Outcome::Done(Held::Checkin {
                    with_to_time: true, ..
                })),
                _,
            ) => return Ok(Sent::Done(Held::CheckedOut)),
            (_, Some(id)) | (Some(&Outcome::Done(Held::Checkin { id, .. })), None) => id,
            (Some(Outcome::Park { reason, .. }), None) => {
                return Ok(Sent::checkin_refused(entry, reason));
            }
            (_, None) => return self.before_its_checkin(entry),
        };
        let row = CheckinRow {
            nexudus_id: Some(id),
            ..row.clone()
        };
        let deleted = || Sent::Park {
            reason: "the check-in was deleted in Nexudus".into(),
            in_doubt: false,
        };
        if entry.in_doubt {
            // A PUT is safe to repeat, but a wasted write is not free: see if it arrived.
            match api.checkin(id).await {
                Ok(server)
                    if server.to_time.map(|t| t.timestamp())
                        == row.to_time.map(|t| t.timestamp()) =>
                {
                    return Ok(Sent::Done(Held::CheckedOut));
                }
                Ok(_) => {}
                Err(ApiError::NotFound { .. }) => return Ok(deleted()),
                Err(error) => return Ok(Sent::lookup_failed(error)),
            }
        }
        Ok(match api.update_checkin(&Self::checkin_write(&row)).await {
            Ok(_) => Sent::Done(Held::CheckedOut),
            Err(ApiError::NotFound { .. }) => deleted(),
            Err(e) => Self::failed_send(e),
        })
    }

    /// A check-out whose check-in has no Id yet: it waits for its check-in, earlier in the
    /// queue, unless that was refused or never queued.
    fn before_its_checkin(&self, entry: &OutboxEntry) -> Result<Sent, Halt> {
        let earlier = self
            .inner
            .store
            .read(|tx| tx.outbox_earlier_open(entry.target, entry.id))?;
        Ok(match earlier {
            Some(e) if e.status == OutboxStatus::Parked => {
                Sent::checkin_refused(entry, &e.last_error.unwrap_or_default())
            }
            Some(_) => Sent::Blocked,
            None => Sent::Park {
                reason: "its check-in never reached Nexudus".into(),
                in_doubt: entry.in_doubt,
            },
        })
    }

    async fn send_failed(
        &self,
        api: &Client,
        entry: &OutboxEntry,
        row: &FailedRow,
    ) -> Result<Sent, Halt> {
        if let Some(id) = row.nexudus_id {
            return Ok(Sent::Done(Held::FailedCheckin { id }));
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
                        return Ok(Sent::Done(Held::FailedCheckin { id: f.id }));
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
                Err(error) => return Ok(Sent::lookup_failed(error)),
            }
        }
        let mut w = FailedCheckinWrite::new(row.location_id, row.attempt_time);
        w.checkin_attempt_time_local = row.attempt_local;
        w.coworker_id = row.member_id;
        w.source = Source::from_code(row.source);
        w.teams_at_the_time_of_checkin.clone_from(&row.teams);
        w.tariff_at_the_time_of_checkin.clone_from(&row.plan);
        w.description = Some(row.description.clone());
        w.system_id = Some(system_id);
        Ok(match api.create_failed_checkin(&w).await {
            Ok(id) => Sent::Done(Held::FailedCheckin { id }),
            Err(e) => Self::failed_send(e),
        })
    }

    // ---- pull ---------------------------------------------------------------------------------

    fn due(&self, key: &str, every: Duration) -> Result<bool, StoreError> {
        let last = parse_state(self.inner.store.read(|tx| tx.get_state(key))?);
        Ok(last.is_none_or(|t| self.inner.clock.now() - t >= every || t > self.inner.clock.now()))
    }

    fn mark(&self, key: &str) -> Result<(), StoreError> {
        let now = crate::store::ts(&self.inner.clock.now());
        self.inner.store.write(|tx| tx.set_state(key, &now))
    }

    async fn pull(&self, api: &Client) -> Result<(), Halt> {
        let asked = self
            .inner
            .pull_now
            .swap(false, std::sync::atomic::Ordering::SeqCst);
        let full = self.due(MEMBERS_FULL_AT, self.options.full_reload_interval)?;
        if full {
            self.pull_reference(api).await?;
            self.pull_members(api, true).await?;
            self.mark(MEMBERS_FULL_AT)?;
            self.mark(MEMBERS_DELTA_AT)?;
        } else if asked || self.due(MEMBERS_DELTA_AT, self.options.member_interval)? {
            self.pull_members(api, false).await?;
            self.mark(MEMBERS_DELTA_AT)?;
        }
        if asked || self.due(CHECKINS_AT, self.options.checkin_interval)? {
            self.pull_checkins(api).await?;
            self.mark(CHECKINS_AT)?;
        }
        Ok(())
    }

    /// Locations (for the picker) and team names (for the records).
    async fn pull_reference(&self, api: &Client) -> Result<(), Halt> {
        let locations: Vec<nexudus::Business> = match api.businesses().try_collect().await {
            Ok(l) => l,
            Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let teams: Vec<nexudus::Team> = match api.teams().try_collect().await {
            Ok(t) => t,
            Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        self.inner.store.write(|tx| {
            if !locations.is_empty() {
                let rows: Vec<_> = locations
                    .iter()
                    .map(|b| (b.id, b.name.clone(), b.time_zone_name.clone()))
                    .collect();
                tx.replace_locations(&rows)?;
            }
            if !teams.is_empty() {
                let rows: Vec<_> = teams.iter().map(|t| (t.id, t.name.clone())).collect();
                tx.replace_teams(&rows)?;
            }
            Ok::<_, StoreError>(())
        })?;
        Ok(())
    }

    fn member_from(&self, c: &nexudus::Coworker, cached: Option<&Member>) -> Member {
        let key = &self.inner.device_key;
        Member {
            id: c.id,
            full_name: c.full_name.clone(),
            company: c.company_name.clone().filter(|s| !s.is_empty()),
            active: c.active,
            plan: c.tariff_name.clone().filter(|s| !s.is_empty()),
            home_location: c.invoicing_business_id,
            // List answers leave these out: keep what the cache had until a whole record comes.
            locations: c
                .businesses
                .clone()
                .or_else(|| cached.map(|m| m.locations.clone()))
                .unwrap_or_default(),
            teams: c
                .teams
                .clone()
                .or_else(|| cached.map(|m| m.teams.clone()))
                .unwrap_or_default(),
            pin_hash: c
                .access_pincode
                .as_deref()
                .filter(|p| !p.trim().is_empty())
                .map(|p| key.hash("pin", p)),
            card_hash: c
                .access_card_id
                .as_deref()
                .filter(|p| !p.trim().is_empty())
                .map(|p| key.hash("card", p)),
            updated_on: c.updated_on,
        }
    }

    /// A full load (every member; members gone upstream leave the cache) or a delta since the
    /// newest `UpdatedOn` seen. Members whose record did not change cost nothing more.
    #[instrument(skip_all, fields(full), err(Debug))]
    async fn pull_members(&self, api: &Client, full: bool) -> Result<(), Halt> {
        let cursor = parse_state(self.inner.store.read(|tx| tx.get_state(MEMBERS_CURSOR))?);
        let since = if full {
            None
        } else {
            cursor.map(|c| c - Duration::minutes(1))
        };
        let query = CoworkerQuery {
            updated_since: since,
            paging: Paging::default(),
            ..CoworkerQuery::default()
        };
        let mut pages = std::pin::pin!(api.coworker_pages(query));
        let mut seen = HashSet::new();
        let mut newest = cursor;
        let mut changed = 0usize;
        while let Some(page) = pages.next().await {
            let page = page?;
            // Skip records the cache already has at this version.
            let cached: Vec<Option<Member>> = self.inner.store.read(|tx| {
                page.records
                    .iter()
                    .map(|c| tx.member(c.id))
                    .collect::<Result<Vec<_>, _>>()
            })?;
            let fresh: Vec<(&nexudus::Coworker, Option<&Member>)> = page
                .records
                .iter()
                .zip(cached.iter())
                .filter(|(c, m)| {
                    m.as_ref()
                        .is_none_or(|m| m.updated_on != c.updated_on || m.updated_on.is_none())
                })
                .map(|(c, m)| (c, m.as_ref()))
                .collect();
            for c in &page.records {
                seen.insert(c.id);
                newest = newest.max(c.updated_on);
            }
            if fresh.is_empty() {
                continue;
            }
            // Whole records for teams and locations, in batches.
            let ids: Vec<i64> = fresh.iter().map(|(c, _)| c.id).collect();
            let mut details = std::collections::HashMap::new();
            for chunk in ids.chunks(self.options.detail_batch.max(1)) {
                match api.coworkers_by_ids(chunk).await {
                    Ok(records) => details.extend(records.into_iter().map(|c| (c.id, c))),
                    Err(
                        ApiError::NotFound { .. }
                        | ApiError::Forbidden { .. }
                        | ApiError::Validation { .. },
                    ) => break,
                    Err(e) => return Err(e.into()),
                }
            }
            let members: Vec<Member> = fresh
                .iter()
                .map(|(c, cached)| self.member_from(details.get(&c.id).unwrap_or(c), *cached))
                .collect();
            changed += members.len();
            self.inner.store.write(|tx| {
                for m in &members {
                    tx.upsert_member(m)?;
                }
                Ok::<_, StoreError>(())
            })?;
        }
        let removed = if full {
            self.inner.store.write(|tx| {
                let gone: Vec<i64> = tx
                    .member_ids()?
                    .into_iter()
                    .filter(|id| !seen.contains(id))
                    .collect();
                for id in &gone {
                    tx.remove_member(*id)?;
                }
                Ok::<_, StoreError>(gone.len())
            })?
        } else {
            0
        };
        if let Some(t) = newest {
            self.inner
                .store
                .write(|tx| tx.set_state(MEMBERS_CURSOR, &crate::store::ts(&t)))?;
        }
        if changed > 0 || removed > 0 {
            info!(changed, removed, full, "member cache refreshed");
            self.inner.rebuild_index()?;
            self.inner.emit(Event::MembersChanged);
        }
        Ok(())
    }

    /// Today's check-ins at the location, so the grid shows who is in wherever they checked in,
    /// and who Nexudus (its cut-off), another kiosk or a door checked out. Local changes not yet
    /// synced win, so nothing flickers.
    #[instrument(skip_all, err(Debug))]
    async fn pull_checkins(&self, api: &Client) -> Result<(), Halt> {
        let Some(location) = self.inner.settings().location else {
            return Ok(());
        };
        let tz = location.tz();
        let now = self.inner.clock.now();
        let since = now - Duration::hours(24);
        let query = CheckinQuery {
            business_id: Some(location.id),
            from_time_after: Some(since),
            ..CheckinQuery::default()
        };
        let records: Vec<nexudus::Checkin> = api.checkins(query).try_collect().await?;
        let mut changed = false;
        self.inner.store.write(|tx| {
            for r in &records {
                let local = match tx.checkin_by_nexudus_id(r.id)? {
                    Some(row) => Some(row),
                    None => match r.system_id.as_deref().and_then(|s| Uuid::parse_str(s).ok()) {
                        Some(local_id) => tx.checkin(local_id)?,
                        None => None,
                    },
                };
                if let Some(row) = local {
                    if row.nexudus_id.is_none() {
                        // The server has our check-in: adopt its Id (the outbox then skips it).
                        tx.set_checkin_nexudus_id(row.local_id, r.id)?;
                    }
                    if row.to_time.is_none()
                        && let Some(to) = r.to_time
                    {
                        tx.close_checkin(
                            row.local_id,
                            to,
                            r.to_time_local.or_else(|| Some(local_time(to, tz))),
                        )?;
                        changed = true;
                    }
                    continue;
                }
                let extra = serde_json::json!({
                    "CountsTowardsPlanLimits": r.counts_towards_plan_limits,
                    "CoworkerTimePassGuid": r.coworker_time_pass_guid,
                    "LastActivity": r.last_activity.map(|t| nexudus::time::format_utc(&t)),
                    "MacAddresses": r.mac_addresses,
                    "ValidateCheckinJobId": r.validate_checkin_job_id,
                    "SystemId": r.system_id,
                });
                let Some(member_id) = r.coworker_id else {
                    continue;
                };
                tx.insert_checkin(
                    &CheckinRow {
                        local_id: Uuid::now_v7(),
                        nexudus_id: Some(r.id),
                        member_id,
                        location_id: r.business_id,
                        from_time: r.from_time,
                        from_time_local: r.from_time_local,
                        to_time: r.to_time,
                        to_time_local: r.to_time_local,
                        source: r.source.code(),
                        method: "server".into(),
                        auto_checkout: r.auto_checkout.unwrap_or(false),
                        teams: r.teams_at_the_time_of_checkin.clone(),
                        plan: r.tariff_at_the_time_of_checkin.clone(),
                        origin: Origin::Server,
                        extra,
                    },
                    now,
                )?;
                changed = true;
            }
            Ok::<_, StoreError>(())
        })?;
        if changed {
            self.inner.emit(Event::MembersChanged);
        }
        Ok(())
    }

    // ---- auto-checkout ------------------------------------------------------------------------

    /// Closes the open check-ins at the location whose auto-checkout time has passed, at that
    /// time (not now), so a kiosk that was off overnight still closes them right.
    pub(crate) fn auto_checkout(&self) -> Result<usize, StoreError> {
        let settings = self.inner.settings();
        let Some(location) = settings.location.filter(|_| settings.auto_checkout) else {
            return Ok(0);
        };
        let tz = location.tz();
        let now = self.inner.clock.now();
        let closed = self.inner.store.write(|tx| {
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
            self.inner.emit(Event::MembersChanged);
            self.inner.emit_progress();
        }
        Ok(closed)
    }
}

impl Kiosk {
    /// Runs one sync round now, in the caller's task (tests and the CLI's `kiosk sync`).
    pub async fn sync_once(&self, options: &SyncOptions) -> Status {
        let engine = SyncEngine::new(self, options.clone());
        engine.round().await;
        self.status().unwrap_or_else(|_| Status::unknown())
    }
}

use crate::kiosk::Status;

impl Status {
    fn unknown() -> Self {
        Self {
            connectivity: Connectivity::Offline,
            last_sync: None,
            pending: -1,
            parked: -1,
            demo: false,
            demo_staff_pin: None,
            staff_pin_set: true,
            location: None,
            members: 0,
        }
    }
}
