//! The sync engine: one long-lived task that pushes the outbox in order (`push.rs`), pulls
//! members and today's check-ins (`pull.rs`), and runs auto-checkout. Its decisions are pure
//! functions in `decide.rs`; the mapping between Nexudus records and the kiosk's rows is in
//! `wire.rs`. It works on the state it shares with the service ([`Shared`]) and never calls the
//! service.
//!
//! Exactly once, through crashes and lost answers: before a create leaves, its outbox entry is
//! marked "in doubt" in a committed transaction. Whatever happens next (an answer, a timeout, a
//! reset, SIGKILL), an entry still in doubt is looked up on the server (by `SystemId`, then by
//! member and time) before it is sent again, and the record found is adopted.

mod close;
mod decide;
mod entitlements;
mod fill;
mod pull;
mod push;
mod reminders;
mod undo;
mod visitors;
mod wire;

pub(crate) use close::{close_due, tidy_due};
pub(crate) use fill::look_up_pin;
pub(crate) use visitors::look_up_visitor_code;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

pub(crate) use decide::{UndoPlan, plan_undo};
pub(crate) use reminders::{pin_reminder_command, send_pin_reminder};

use crate::domain::views::Connectivity;
use crate::error::{ErrorCode, KioskError, StoreError};
use crate::shared::Shared;

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
    /// How often a walk-in's host approval is read while they wait at the screen.
    pub approval_poll: StdDuration,
    /// The first retry delay; it doubles per attempt, with jitter, up to `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Members per batch request for their teams and locations.
    pub detail_batch: usize,
    /// Whole member records (the only answer with a PIN) read per round while some are missing;
    /// 0: none.
    pub fill_batch: usize,
    /// The pause between two rounds of the fill: its share of the request budget.
    pub fill_every: StdDuration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            tick: StdDuration::from_secs(15),
            member_interval: Duration::minutes(5),
            full_reload_interval: Duration::hours(24),
            // Often enough that a second kiosk hears of a check-in before most members could walk
            // to it; 240 reads an hour, within a fleet's share of the 5,000 an hour.
            checkin_interval: Duration::seconds(15),
            approval_poll: StdDuration::from_secs(3),
            backoff_base: Duration::seconds(2),
            backoff_cap: Duration::minutes(5),
            detail_batch: 100,
            // One whole record every 1.5 s: 2,400 an hour, under half the account's 5,000 an
            // hour, so the pushes and pulls always have room.
            fill_batch: 1,
            fill_every: StdDuration::from_millis(1500),
        }
    }
}

/// Why a sync round stopped before it was done.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Nexudus could not be reached, refused the session, or asked to slow down.
    #[error(transparent)]
    Api(#[from] nexudus::ApiError),
    /// The kiosk's own database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Api(e) => ErrorCode::of_api(e),
            Self::Store(e) => e.code(),
        }
    }
}

impl From<KioskError> for SyncError {
    fn from(e: KioskError) -> Self {
        match e {
            KioskError::Api(e) => Self::Api(e),
            KioskError::Store(e) => Self::Store(e),
            other => Self::Store(StoreError::Data(other.to_string())),
        }
    }
}

/// The running engine.
#[derive(Debug)]
pub struct SyncHandle {
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
    shared: Arc<Shared>,
}

impl SyncHandle {
    /// Starts the engine on the current tokio runtime (faces call [`crate::Kiosk::start_sync`]).
    pub(crate) fn spawn(shared: Arc<Shared>, options: SyncOptions) -> Self {
        let (stop, stopping) = watch::channel(false);
        shared.syncing.store(true, Ordering::SeqCst);
        let engine = SyncEngine {
            shared: Arc::clone(&shared),
            options,
            stopping,
        };
        let task = tokio::spawn(engine.run());
        Self {
            stop,
            task: Mutex::new(Some(task)),
            shared,
        }
    }

    /// A round now, pulling everything too.
    pub fn sync_now(&self) {
        self.shared.pull_now.store(true, Ordering::SeqCst);
        self.shared.nudge.notify_one();
    }

    /// Stops at once: the request in flight is abandoned (its entry stays "in doubt", to be
    /// looked up after the next start), what was settled is recorded, nothing is left claimed.
    /// Answers once the engine has stopped; later calls answer at once.
    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().unwrap().take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// Runs one round in the caller's task.
pub(crate) async fn round_once(shared: Arc<Shared>, options: &SyncOptions) {
    // Nobody stops a single round: the sender lives as long as the round does.
    let (_keep, stopping) = watch::channel(false);
    SyncEngine {
        shared,
        options: options.clone(),
        stopping,
    }
    .round()
    .await;
}

struct SyncEngine {
    shared: Arc<Shared>,
    options: SyncOptions,
    /// Becomes true when the engine must stop.
    stopping: watch::Receiver<bool>,
}

impl SyncEngine {
    async fn run(self) {
        info!("sync engine started");
        loop {
            // The round first: it notices a stop between requests and records what it settled.
            let wait = tokio::select! {
                biased;
                wait = self.round() => wait,
                () = self.stopped() => break,
            };
            if self.is_stopping() {
                break;
            }
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.shared.nudge.notified() => {}
                () = self.stopped() => break,
            }
        }
        if let Err(e) = self.shared.store.write(|tx| tx.requeue_claimed()) {
            warn!(error = %e, "cannot give claimed entries back; the next start does");
        }
        self.shared.emit_progress();
        self.shared.stopped_syncing();
        info!("sync engine stopped");
    }

    fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// Ready once the engine must stop.
    async fn stopped(&self) {
        let mut stopping = self.stopping.clone();
        if stopping.wait_for(|stop| *stop).await.is_err() {
            // The handle is gone without a stop: run on.
            std::future::pending::<()>().await;
        }
    }

    /// One round: auto-checkout, push, pulls that are due. Answers how long to sleep.
    async fn round(&self) -> StdDuration {
        if let Err(e) = close_due(&self.shared) {
            warn!(error = %e, "auto-checkout failed");
        }
        if let Err(e) = tidy_due(&self.shared) {
            warn!(error = %e, "forgetting what is past its retention failed");
        }
        let Some(api) = self.shared.api() else {
            self.shared.set_connectivity(Connectivity::NotConfigured);
            return self.options.tick;
        };
        let result = async {
            // A write the account lacks the role for waits; the pulls still run, so the grid
            // stays current, and the round then reports the missing role.
            let (wait, missing_role) = match self.push(&api).await {
                Ok(wait) => (wait, None),
                Err(SyncError::Api(e @ nexudus::ApiError::Forbidden { .. })) => (None, Some(e)),
                Err(e) => return Err(e),
            };
            let pulled_without = if self.is_stopping() {
                None
            } else {
                self.pull(&api).await?
            };
            // Whole records only while nothing waits to be sent.
            let wait = match wait {
                None if !self.is_stopping() => self.fill(&api).await?,
                wait => wait,
            };
            // A walk-in waiting for their host is read again soon: they stand at the screen.
            let following = !self.is_stopping() && self.follow_approvals(&api).await?;
            let wait = match wait {
                _ if !following => wait,
                Some(w) => Some(w.min(self.options.approval_poll)),
                None => Some(self.options.approval_poll),
            };
            match missing_role.or(pulled_without) {
                Some(e) => {
                    // The rest went through: an exchange all the same, though not "online".
                    self.shared.note_exchange();
                    Err(SyncError::Api(e))
                }
                None => Ok(wait),
            }
        }
        .await;
        self.note_reads(&api);
        match result {
            Ok(wait) => {
                self.shared.exchanged();
                self.shared.emit_progress();
                self.shared.beat(false);
                wait.unwrap_or(self.options.tick).min(self.options.tick)
            }
            Err(SyncError::Api(e)) => {
                self.shared.emit_progress();
                let state = decide::connectivity_after(&e);
                if state == Connectivity::NeedsLogin {
                    warn!(
                        "the Nexudus session has ended; a staff member must log in (check-ins keep queueing)"
                    );
                } else {
                    debug!(error = %e, "sync round stopped");
                }
                self.shared.set_connectivity(state);
                // The next try is the head of the queue's, when something waits to be sent.
                let head_due = self.head_due();
                self.shared
                    .note_problem(KioskError::Api(e).to_dto(), head_due);
                // Offline for days is still running: the heartbeat says so.
                self.shared.beat(false);
                match state {
                    Connectivity::NeedsLogin => self.options.tick,
                    _ => self
                        .wait_for(head_due)
                        .unwrap_or(self.options.tick)
                        .min(self.options.tick),
                }
            }
            Err(SyncError::Store(e)) => {
                warn!(error = %e, "sync round stopped on the store");
                self.options.tick
            }
        }
    }

    /// When the head of the queue is due, if anything waits.
    fn head_due(&self) -> Option<DateTime<Utc>> {
        let head = self.shared.store.read(|tx| tx.outbox_head()).ok()??;
        Some(head.next_attempt_at)
    }

    /// How long until `due`.
    fn wait_for(&self, due: Option<DateTime<Utc>>) -> Option<StdDuration> {
        let wait = due? - self.shared.clock.now();
        Some(wait.to_std().unwrap_or(StdDuration::ZERO))
    }

    /// How long until the head of the queue is due.
    fn next_due(&self) -> Option<StdDuration> {
        self.wait_for(self.head_due())
    }
}
