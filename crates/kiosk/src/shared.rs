//! The state the services and the sync engine share: the store, the settings, the member index,
//! the API session, the link to Nexudus and the event channel. [`crate::Kiosk`] opens one and
//! hands each service and the engine an `Arc` of it; nothing here knows of either.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, broadcast};
use tracing::{debug, info, warn};
use uuid::Uuid;

use crate::config::KioskConfig;
use crate::domain::clock::Clock;
use crate::domain::events::Event;
use crate::domain::heartbeat::{BEAT_EVERY, Heartbeat};
use crate::domain::index::MemberIndex;
use crate::domain::model::OutboxStatus;
use crate::domain::settings::{Location, Settings};
use crate::domain::tally::Tally;
use crate::domain::views::{Connectivity, MemberLoad};
use crate::error::{ErrorDto, KioskError, StoreError};
use crate::secrets::{DeviceKey, SecretStore, SessionStore};
use crate::store::{SettingKey, Store};

/// How the kiosk stands with Nexudus, as the status bar and the desk show it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Link {
    pub connectivity: Connectivity,
    /// Since when `connectivity` holds.
    pub since: Option<DateTime<Utc>>,
    /// The last successful exchange.
    pub last_sync: Option<DateTime<Utc>>,
    /// When the engine tries again, while it waits.
    pub next_try: Option<DateTime<Utc>>,
    /// What the last failed exchange said, until the next success.
    pub problem: Option<ErrorDto>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub store: Arc<Store>,
    pub clock: Arc<dyn Clock>,
    pub config: KioskConfig,
    pub secrets: Arc<SecretStore>,
    pub device_key: DeviceKey,
    pub client_id: String,
    pub settings: RwLock<Settings>,
    pub index: RwLock<MemberIndex>,
    pub events: broadcast::Sender<Event>,
    pub api: RwLock<Option<Arc<nexudus::Client>>>,
    pub link: Mutex<Link>,
    /// Wakes the sync engine: something was queued, or staff asked for a sync.
    pub nudge: Notify,
    /// Wakes the badge printing: a badge was queued (it waits for this, not on a timer).
    pub badge_queued: Notify,
    /// Staff asked for a sync: the next round pulls everything, due or not.
    pub pull_now: AtomicBool,
    /// Members read whole since the search index was last rebuilt (the fill batches rebuilds).
    pub fill_unindexed: AtomicUsize,
    /// Online PIN look-ups: a few a minute, so typing PINs at random costs the account little.
    pub pin_lookups: governor::DefaultDirectRateLimiter,
    /// "Forgot your PIN?": a few at once, then one every two minutes, per kiosk.
    pub pin_reminders: governor::DefaultDirectRateLimiter,
    /// Requests sent to Nexudus lately, by every client this kiosk made.
    pub requests: Arc<nexudus::RequestCounter>,
    /// The rate limits, shared by every client this kiosk makes and resumed from what the last
    /// run sent ([`crate::limits`]).
    pub limiter: Arc<nexudus::Limiter>,
    /// This process runs the sync engine: its view is the kiosk's, and it saves it
    /// ([`Shared::beat`]) for `kiosk status` in another process.
    pub syncing: AtomicBool,
    /// When the heartbeat was last saved.
    pub beat_at: Mutex<Option<std::time::Instant>>,
    /// A first load of members under way, as far as it has come (the bar and the desk show it).
    pub loading: Mutex<Option<MemberLoad>>,
    /// Taps and refusals answered since the process started, for a metrics scrape.
    pub tally: Tally,
    /// The badge printer's condition as last read (none: no printer, or not read yet).
    pub printer: Mutex<Option<crate::domain::badges::PrinterCondition>>,
}

/// Online PIN look-ups: 10 a minute, 5 at once. Each costs two requests or more of the account's
/// budget; a member mistyping costs one or two.
fn pin_lookup_limiter() -> governor::DefaultDirectRateLimiter {
    use std::num::NonZeroU32;
    let quota = governor::Quota::per_minute(NonZeroU32::new(10).expect("ten"))
        .allow_burst(NonZeroU32::new(5).expect("five"));
    governor::RateLimiter::direct(quota)
}

/// PIN reminders: 3 at once, then one every two minutes. Each e-mails a member: a kiosk must not
/// become a way to flood inboxes, nor to learn who is a member (the answer is the same).
fn pin_reminder_limiter() -> governor::DefaultDirectRateLimiter {
    use std::num::NonZeroU32;
    let quota = governor::Quota::with_period(std::time::Duration::from_mins(2))
        .expect("two minutes")
        .allow_burst(NonZeroU32::new(3).expect("three"));
    governor::RateLimiter::direct(quota)
}

impl Shared {
    /// The key of the command that e-mails a member their PIN, where "Forgot your PIN?" can be
    /// offered now: online, and the account has one.
    pub fn pin_reminder_command(&self) -> Result<Option<String>, StoreError> {
        if self.connectivity() != Connectivity::Online {
            return Ok(None);
        }
        self.store
            .read(|tx| tx.get_state(crate::store::StateKey::PinReminderCommand))
    }

    /// Opens the kiosk's database and secrets, reads the settings and this kiosk's id, and
    /// re-queues whatever a crash left claimed; with an account known, builds its client.
    pub fn open(config: KioskConfig) -> Result<Arc<Self>, KioskError> {
        let store = match &config.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| KioskError::DataDir {
                    path: dir.display().to_string(),
                    message: e.to_string(),
                })?;
                Store::open(&dir.join("kiosk.db"))?
            }
            None => Store::in_memory()?,
        };
        let store = Arc::new(store);
        let limiter = Arc::new(crate::limits::resumed_limiter(&store, &config.limits)?);
        let secrets = match (&config.secrets, &config.data_dir) {
            (Some(s), _) => Arc::clone(s),
            (None, Some(dir)) => Arc::new(SecretStore::open(dir)),
            (None, None) => Arc::new(SecretStore::in_memory()),
        };
        let device_key = secrets.device_key()?;
        let (settings, client_id, api_base, requeued) = store.write(|tx| {
            let mut settings: Settings = tx
                .get_setting(SettingKey::Settings)?
                .map(|s| {
                    serde_json::from_str(&s).map_err(|e| StoreError::Data(format!("settings: {e}")))
                })
                .transpose()?
                .unwrap_or_default();
            settings.visitors.adopt_older_terms();
            let client_id = if let Some(id) = tx.get_setting(SettingKey::ClientId)? {
                id
            } else {
                let id = Uuid::new_v4().to_string();
                tx.set_setting(SettingKey::ClientId, &id)?;
                id
            };
            let requeued = tx.requeue_claimed()?;
            let api_base = tx.get_setting(SettingKey::ApiBase)?;
            Ok::<_, StoreError>((settings, client_id, api_base, requeued))
        })?;
        if requeued > 0 {
            warn!(
                requeued,
                "sync entries left claimed by an earlier run are back in the queue"
            );
        }
        let (events, _) = broadcast::channel(1024);
        let shared = Arc::new(Self {
            store,
            clock: Arc::clone(&config.clock),
            secrets,
            device_key,
            client_id,
            settings: RwLock::new(settings),
            index: RwLock::new(MemberIndex::default()),
            events,
            api: RwLock::new(None),
            link: Mutex::new(Link {
                connectivity: Connectivity::NotConfigured,
                ..Link::default()
            }),
            nudge: Notify::new(),
            badge_queued: Notify::new(),
            pull_now: AtomicBool::new(false),
            fill_unindexed: AtomicUsize::new(0),
            pin_lookups: pin_lookup_limiter(),
            pin_reminders: pin_reminder_limiter(),
            requests: Arc::default(),
            limiter,
            syncing: AtomicBool::new(false),
            beat_at: Mutex::new(None),
            loading: Mutex::new(None),
            tally: Tally::default(),
            printer: Mutex::new(None),
            config,
        });
        shared.rebuild_index()?;
        if let Some(base) = shared.config.api_base_override.clone().or(api_base) {
            *shared.api.write().unwrap() = Some(Arc::new(shared.build_client(&base)?));
            shared.link.lock().unwrap().connectivity = Connectivity::Offline;
        }
        Ok(shared)
    }

    /// How the kiosk stands with Nexudus now.
    pub fn link(&self) -> Link {
        self.link.lock().unwrap().clone()
    }

    /// The engine waits until `at` after `problem`.
    pub fn note_problem(&self, problem: ErrorDto, next_try: Option<DateTime<Utc>>) {
        let mut link = self.link.lock().unwrap();
        link.problem = Some(problem);
        link.next_try = next_try;
    }

    pub fn emit(&self, event: Event) {
        // Nobody listening is fine: the faces subscribe when they start.
        let _ = self.events.send(event);
    }

    pub fn set_connectivity(&self, state: Connectivity) {
        let mut link = self.link.lock().unwrap();
        if link.connectivity != state {
            link.connectivity = state;
            link.since = Some(self.clock.now());
            drop(link);
            info!(?state, "connectivity");
            self.emit(Event::Connectivity { state });
            self.beat(true);
        }
    }

    /// Saves this kiosk's view of itself where `kiosk status` in another process reads it:
    /// when `changed`, else at most every [`BEAT_EVERY`]. Only the process that syncs saves;
    /// a lost heartbeat costs only a late status line, so it does not wait for the disk.
    pub fn beat(&self, changed: bool) {
        if !self.syncing.load(Ordering::SeqCst) {
            return;
        }
        {
            let mut at = self.beat_at.lock().unwrap();
            if !changed && at.is_some_and(|at| at.elapsed() < BEAT_EVERY) {
                return;
            }
            *at = Some(std::time::Instant::now());
        }
        self.save_heartbeat(true);
    }

    /// The engine stopped: the heartbeat says so, so `kiosk status` does not wait for it to
    /// go stale.
    pub fn stopped_syncing(&self) {
        if self.syncing.swap(false, Ordering::SeqCst) {
            self.save_heartbeat(false);
        }
    }

    fn save_heartbeat(&self, running: bool) {
        let link = self.link();
        let sent = self.requests.sent();
        let beat = Heartbeat {
            at: Some(self.clock.now()),
            running,
            connectivity: link.connectivity,
            last_sync: link.last_sync,
            last_hour: sent.last_hour,
            last_day: sent.last_day,
        };
        if let Err(e) = self.store.write_relaxed(|tx| tx.save_heartbeat(&beat)) {
            debug!(error = %e, "the heartbeat could not be saved");
        }
    }

    /// How far a first load of members has come, if one is under way.
    pub fn loading(&self) -> Option<MemberLoad> {
        *self.loading.lock().unwrap()
    }

    /// A first load went on (or ended, `None`): the screens hear of it.
    pub fn set_loading(&self, load: Option<MemberLoad>) {
        let was = std::mem::replace(&mut *self.loading.lock().unwrap(), load);
        if was != load {
            self.emit(Event::MembersLoading { load });
        }
    }

    pub fn connectivity(&self) -> Connectivity {
        self.link.lock().unwrap().connectivity
    }

    /// An exchange with Nexudus succeeded: `last_sync` moves (the round may still report what
    /// it could not do, such as a missing role).
    pub fn note_exchange(&self) {
        let now = self.clock.now();
        self.link.lock().unwrap().last_sync = Some(now);
        self.emit(Event::Synced { at: now });
    }

    /// An exchange succeeded and nothing stands in the way: online, whatever is still queued.
    pub fn exchanged(&self) {
        self.note_exchange();
        {
            let mut link = self.link.lock().unwrap();
            link.next_try = None;
            link.problem = None;
        }
        self.set_connectivity(Connectivity::Online);
    }

    /// A read succeeded in the middle of a round (a page of members): Nexudus is reachable, so
    /// "offline" or "throttled" no longer holds, whatever the round still has to do. What only
    /// the round's end can say (a missing role, a login needed) stays until it does.
    pub fn reached(&self) {
        let unreachable = matches!(
            self.connectivity(),
            Connectivity::Offline | Connectivity::Throttled
        );
        if unreachable {
            self.exchanged();
        } else {
            self.note_exchange();
        }
    }

    pub fn api(&self) -> Option<Arc<nexudus::Client>> {
        self.api.read().unwrap().clone()
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    /// How many members the cache holds.
    pub fn member_count(&self) -> usize {
        self.index.read().unwrap().len()
    }

    /// The kiosk's location, which every tap, visitor and desk view needs.
    pub fn location(&self) -> Result<Location, KioskError> {
        self.settings
            .read()
            .unwrap()
            .location
            .clone()
            .ok_or(KioskError::NoLocation)
    }

    /// Keeps new settings (in the file, then in memory) with an audit line `what`, and tells the
    /// faces. A new location rebuilds the grid.
    pub fn save_settings(&self, settings: Settings, what: &str) -> Result<(), StoreError> {
        let json = serde_json::to_string(&settings)
            .map_err(|e| StoreError::Data(format!("settings: {e}")))?;
        let now = self.clock.now();
        self.store.write(|tx| {
            tx.set_setting(SettingKey::Settings, &json)?;
            tx.audit(now, what, &json)
        })?;
        let location = settings.location.as_ref().map(|l| l.id);
        let old = std::mem::replace(&mut *self.settings.write().unwrap(), settings);
        if old.location.as_ref().map(|l| l.id) != location {
            self.rebuild_index()?;
            self.emit(Event::MembersChanged);
        }
        self.emit(Event::SettingsChanged);
        Ok(())
    }

    pub fn rebuild_index(&self) -> Result<(), StoreError> {
        let (members, teams) = self
            .store
            .read(|tx| Ok::<_, StoreError>((tx.members()?, tx.teams()?)))?;
        let location = self
            .settings
            .read()
            .unwrap()
            .location
            .as_ref()
            .map(|l| l.id);
        let teams = teams.into_iter().collect();
        *self.index.write().unwrap() = MemberIndex::build_with_teams(&members, location, &teams);
        Ok(())
    }

    /// Entries still to send and entries parked for staff.
    pub fn queue_counts(&self) -> Result<(i64, i64), StoreError> {
        self.store.read(|tx| {
            Ok::<_, StoreError>((
                tx.outbox_pending_count()?,
                tx.outbox_count(OutboxStatus::Parked)?,
            ))
        })
    }

    pub fn emit_progress(&self) {
        if let Ok((pending, parked)) = self.queue_counts() {
            self.emit(Event::SyncProgress { pending, parked });
        }
    }

    pub fn build_client(&self, base_url: &str) -> Result<nexudus::Client, KioskError> {
        let mut cfg = nexudus::ClientConfig::new(base_url)?;
        cfg.client_id = Some(self.client_id.clone());
        cfg.timeout = self.config.request_timeout;
        cfg.counter = Arc::clone(&self.requests);
        // The kiosk's one limiter (built from `config.limits` at open), not one of the client's.
        cfg.limiter = Some(Arc::clone(&self.limiter));
        // Without limits (a test, a benchmark) there is nothing for a restart to resume.
        cfg.journal = (!self.config.limits.is_unlimited()).then(|| {
            Arc::new(crate::limits::SentJournal::new(Arc::clone(&self.store)))
                as Arc<dyn nexudus::SendJournal>
        });
        Ok(nexudus::Client::new(
            cfg,
            Arc::new(SessionStore(Arc::clone(&self.secrets))),
        )?)
    }
}
