//! The `Kiosk` service: the only surface the faces call.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use tokio::sync::{Notify, broadcast};
use tracing::{info, warn};
use uuid::Uuid;

use crate::clock::{Clock, SystemClock};
use crate::error::{KioskError, StoreError};
use crate::events::{Connectivity, Event};
use crate::index::MemberIndex;
use crate::model::{CheckinRow, FailedRow, Origin, OutboxEntry, OutboxOp, OutboxStatus, TapMethod};
use crate::rules::{self, Refusal};
use crate::secrets::{DeviceKey, RefreshTokenStore, SecretStore};
use crate::settings::{Location, PrivacyMode, Settings};
use crate::staff_pin::{self, Attempts};
use crate::store::Store;

/// `Source` of every check-in the kiosk makes: 4 = Tile. A PIN or a card at the kiosk is still
/// the kiosk's own check-in; how the member identified is kept locally (`method`).
pub const KIOSK_SOURCE: i64 = 4;

/// The production API.
pub const NEXUDUS_BASE_URL: &str = "https://spaces.nexudus.com";

/// How to open a kiosk.
#[derive(Debug, Clone)]
pub struct KioskConfig {
    /// Where the database (and, without a keyring, the secrets file) live; `None`: in memory.
    pub data_dir: Option<PathBuf>,
    pub clock: Arc<dyn Clock>,
    /// Where secrets live; by default the OS keyring, or a file in `data_dir`.
    pub secrets: Option<Arc<SecretStore>>,
    /// The API client's limits (the published ones by default).
    pub limits: nexudus::Limits,
    pub request_timeout: StdDuration,
    /// Demo mode: running against the built-in simulator.
    pub demo: bool,
    /// Sets the staff PIN when none is set yet (demo mode shows it on screen).
    pub initial_staff_pin: Option<String>,
    /// Talk to this API base instead of the one stored at login (IT's `--api-base`).
    pub api_base_override: Option<String>,
}

impl Default for KioskConfig {
    fn default() -> Self {
        Self {
            data_dir: None,
            clock: Arc::new(SystemClock),
            secrets: None,
            limits: nexudus::Limits::default(),
            request_timeout: StdDuration::from_secs(30),
            demo: false,
            initial_staff_pin: None,
            api_base_override: None,
        }
    }
}

/// A member's tile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Tile {
    pub member_id: i64,
    /// The name as the privacy mode allows.
    pub name: String,
    pub initials: String,
    /// The member's photo, where a photo address is configured.
    pub photo: Option<String>,
    /// Checked in here since (UTC), if in.
    pub in_since: Option<DateTime<Utc>>,
    /// The same, as the location's wall-clock time ("09:12").
    pub in_since_local: Option<String>,
}

/// What a tap did: what the member sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TapOutcome {
    Welcome {
        member_id: i64,
        first_name: String,
        at: DateTime<Utc>,
        at_local: String,
    },
    Goodbye {
        member_id: i64,
        first_name: String,
        at: DateTime<Utc>,
        at_local: String,
        minutes: i64,
    },
    Rejected {
        member_id: i64,
        first_name: String,
        reason: Refusal,
        message: String,
    },
    /// A second tap within the double-tap window: nothing recorded, the first answer stands.
    Ignored { member_id: i64 },
}

/// The status bar and the staff panel's sync view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Status {
    pub connectivity: Connectivity,
    pub last_sync: Option<DateTime<Utc>>,
    pub pending: i64,
    pub parked: i64,
    pub demo: bool,
    /// Demo mode shows its staff PIN so anyone trying it can open the staff panel.
    pub demo_staff_pin: Option<String>,
    /// No staff PIN yet: the first staff member to open the panel chooses one.
    pub staff_pin_set: bool,
    pub location: Option<Location>,
    pub members: usize,
}

/// One line of the sync queue in the staff panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QueueItem {
    pub entry: OutboxEntry,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

/// The first word of a name, for "Welcome, Zoë".
fn first_name(full: &str) -> String {
    full.split_whitespace().next().unwrap_or(full).to_owned()
}

/// The name as the privacy mode allows on the public grid.
pub fn display_name(full: &str, mode: PrivacyMode) -> String {
    let words: Vec<&str> = full.split_whitespace().collect();
    match mode {
        PrivacyMode::FullName | PrivacyMode::SearchOnly => full.to_owned(),
        PrivacyMode::FirstNameInitial => match words.as_slice() {
            [] => String::new(),
            [only] => (*only).to_owned(),
            [head, .., last] => format!(
                "{head} {}.",
                last.chars()
                    .next()
                    .map(|c| c.to_uppercase().collect::<String>())
                    .unwrap_or_default()
            ),
        },
        PrivacyMode::Initials => crate::fold::initials(full),
    }
}

pub(crate) fn local_time(t: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

fn hh_mm(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

const SETTINGS_KEY: &str = "kiosk";
const STAFF_PIN_KEY: &str = "staff_pin_hash";
const STAFF_ATTEMPTS_KEY: &str = "staff_pin_attempts";
const API_BASE_KEY: &str = "api_base";
const CLIENT_ID_KEY: &str = "client_id";

/// What the service and its sync engine share.
#[derive(Debug)]
pub(crate) struct Inner {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: KioskConfig,
    pub secrets: Arc<SecretStore>,
    pub device_key: DeviceKey,
    pub client_id: String,
    pub settings: RwLock<Settings>,
    pub index: RwLock<MemberIndex>,
    pub events: broadcast::Sender<Event>,
    pub api: RwLock<Option<Arc<nexudus::Client>>>,
    pub connectivity: Mutex<Connectivity>,
    pub last_sync: Mutex<Option<DateTime<Utc>>>,
    /// Wakes the sync engine: something was queued, or staff asked for a sync.
    pub nudge: Notify,
    /// Staff asked for a sync: the next round pulls everything, due or not.
    pub pull_now: std::sync::atomic::AtomicBool,
    recent_taps: Mutex<HashMap<i64, DateTime<Utc>>>,
}

impl Inner {
    pub fn emit(&self, event: Event) {
        // Nobody listening is fine: the faces subscribe when they start.
        let _ = self.events.send(event);
    }

    pub fn set_connectivity(&self, state: Connectivity) {
        let mut current = self.connectivity.lock().unwrap();
        if *current != state {
            *current = state;
            drop(current);
            info!(?state, "connectivity");
            self.emit(Event::Connectivity { state });
        }
    }

    pub fn api(&self) -> Option<Arc<nexudus::Client>> {
        self.api.read().unwrap().clone()
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    pub fn rebuild_index(&self) -> Result<(), StoreError> {
        let members = self.store.read(|tx| tx.members())?;
        let location = self
            .settings
            .read()
            .unwrap()
            .location
            .as_ref()
            .map(|l| l.id);
        *self.index.write().unwrap() = MemberIndex::build(&members, location);
        Ok(())
    }

    pub fn emit_progress(&self) {
        if let Ok((pending, parked)) = self.store.read(|tx| {
            Ok::<_, StoreError>((
                tx.outbox_pending_count()?,
                tx.outbox_count(OutboxStatus::Parked)?,
            ))
        }) {
            self.emit(Event::SyncProgress { pending, parked });
        }
    }

    pub fn build_client(&self, base_url: &str) -> Result<nexudus::Client, KioskError> {
        let mut cfg = nexudus::ClientConfig::new(base_url)?;
        cfg.client_id = Some(self.client_id.clone());
        cfg.limits = self.config.limits.clone();
        cfg.timeout = self.config.request_timeout;
        Ok(nexudus::Client::new(
            cfg,
            Arc::new(RefreshTokenStore(Arc::clone(&self.secrets))),
        )?)
    }
}

/// The kiosk: members and search, taps, settings, sync status and queue, staff PIN, account.
/// Cheap to clone; every clone is the same kiosk.
#[derive(Debug, Clone)]
pub struct Kiosk {
    pub(crate) inner: Arc<Inner>,
}

impl Kiosk {
    /// Opens the kiosk's database and secrets; re-queues whatever a crash left claimed.
    pub fn open(config: KioskConfig) -> Result<Self, KioskError> {
        let store = match &config.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    KioskError::Invalid(format!("cannot create {}: {e}", dir.display()))
                })?;
                Store::open(&dir.join("kiosk.db"))?
            }
            None => Store::in_memory()?,
        };
        let secrets = match (&config.secrets, &config.data_dir) {
            (Some(s), _) => Arc::clone(s),
            (None, Some(dir)) => Arc::new(SecretStore::open(dir)),
            (None, None) => Arc::new(SecretStore::in_memory()),
        };
        let device_key = secrets.device_key().map_err(KioskError::Secrets)?;
        let now = config.clock.now();
        let (settings, client_id, api_base, requeued) = store.write(|tx| {
            let settings: Settings = tx
                .get_setting(SETTINGS_KEY)?
                .map(|s| {
                    serde_json::from_str(&s).map_err(|e| StoreError::Data(format!("settings: {e}")))
                })
                .transpose()?
                .unwrap_or_default();
            let client_id = if let Some(id) = tx.get_setting(CLIENT_ID_KEY)? {
                id
            } else {
                let id = Uuid::new_v4().to_string();
                tx.set_setting(CLIENT_ID_KEY, &id)?;
                id
            };
            if tx.get_setting(STAFF_PIN_KEY)?.is_none()
                && let Some(pin) = &config.initial_staff_pin
            {
                staff_pin::validate(pin).map_err(KioskError::Invalid)?;
                tx.set_setting(
                    STAFF_PIN_KEY,
                    &staff_pin::hash(pin).map_err(KioskError::Invalid)?,
                )?;
                tx.audit(now, "staff_pin_set", "initial PIN from configuration")?;
            }
            let requeued = tx.requeue_claimed()?;
            Ok::<_, KioskError>((settings, client_id, tx.get_setting(API_BASE_KEY)?, requeued))
        })?;
        if requeued > 0 {
            warn!(
                requeued,
                "sync entries left claimed by an earlier run are back in the queue"
            );
        }
        let (events, _) = broadcast::channel(1024);
        let inner = Arc::new(Inner {
            store,
            clock: Arc::clone(&config.clock),
            secrets,
            device_key,
            client_id,
            settings: RwLock::new(settings),
            index: RwLock::new(MemberIndex::default()),
            events,
            api: RwLock::new(None),
            connectivity: Mutex::new(Connectivity::NotConfigured),
            last_sync: Mutex::new(None),
            nudge: Notify::new(),
            pull_now: std::sync::atomic::AtomicBool::new(false),
            recent_taps: Mutex::new(HashMap::new()),
            config,
        });
        inner.rebuild_index()?;
        if let Some(base) = inner.config.api_base_override.clone().or(api_base) {
            *inner.api.write().unwrap() = Some(Arc::new(inner.build_client(&base)?));
            *inner.connectivity.lock().unwrap() = Connectivity::Offline;
        }
        Ok(Self { inner })
    }

    /// Whether a Nexudus account is configured (logged in now or before).
    pub fn has_account(&self) -> bool {
        self.inner.api().is_some()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.inner.clock)
    }

    pub fn settings(&self) -> Settings {
        self.inner.settings()
    }

    // ---- members ------------------------------------------------------------------------------

    fn tiles<'a>(
        &self,
        members: impl IntoIterator<Item = (i64, &'a str)>,
        settings: &Settings,
    ) -> Result<Vec<Tile>, KioskError> {
        let location = settings.location.as_ref();
        let open: HashMap<i64, DateTime<Utc>> = match location {
            Some(l) => self
                .inner
                .store
                .read(|tx| tx.open_checkins(l.id))?
                .into_iter()
                .map(|c| (c.member_id, c.from_time))
                .collect(),
            None => HashMap::new(),
        };
        let tz = location.map_or(chrono_tz::UTC, Location::tz);
        Ok(members
            .into_iter()
            .map(|(id, name)| {
                let in_since = open.get(&id).copied();
                Tile {
                    member_id: id,
                    name: display_name(name, settings.privacy),
                    initials: crate::fold::initials(name),
                    photo: settings
                        .photo_url
                        .as_ref()
                        .map(|t| t.replace("{id}", &id.to_string())),
                    in_since,
                    in_since_local: in_since.map(|t| hh_mm(t, tz)),
                }
            })
            .collect())
    }

    /// The grid: active members of this location in name order, with who is in. Empty in
    /// search-only privacy mode.
    pub fn grid(&self) -> Result<Vec<Tile>, KioskError> {
        let settings = self.settings();
        if settings.privacy == PrivacyMode::SearchOnly {
            return Ok(Vec::new());
        }
        let index = self.inner.index.read().unwrap();
        self.tiles(index.grid(), &settings)
    }

    /// Search as you type: any word of the name or company, case- and accent-insensitive. In
    /// search-only mode nothing shows before 3 letters.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Tile>, KioskError> {
        let settings = self.settings();
        let letters = crate::fold::fold(query)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .count();
        if settings.privacy == PrivacyMode::SearchOnly && letters < 3 {
            return Ok(Vec::new());
        }
        let index = self.inner.index.read().unwrap();
        self.tiles(index.search(query, limit), &settings)
    }

    /// How many members the cache holds.
    pub fn member_count(&self) -> usize {
        self.inner.index.read().unwrap().len()
    }

    // ---- taps ---------------------------------------------------------------------------------

    /// A tap on a member's tile: check in, check out, or a refusal, recorded durably before
    /// this returns.
    pub fn tap(&self, member_id: i64) -> Result<TapOutcome, KioskError> {
        self.tap_as(member_id, TapMethod::Tile)
    }

    /// A PIN typed on the kiosk's pad.
    pub fn tap_pin(&self, pin: &str) -> Result<TapOutcome, KioskError> {
        self.tap_credential(TapMethod::Pin, pin)
    }

    /// A card number from a reader (a keyboard wedge types it and Enter).
    pub fn tap_card(&self, card: &str) -> Result<TapOutcome, KioskError> {
        self.tap_credential(TapMethod::Card, card)
    }

    /// Finds the member by the keyed hash of a PIN or card number, then taps for them.
    fn tap_credential(&self, method: TapMethod, value: &str) -> Result<TapOutcome, KioskError> {
        let hash = self.inner.device_key.hash(method.as_str(), value);
        let card = method == TapMethod::Card;
        let member = self
            .inner
            .store
            .read(|tx| {
                if card {
                    tx.member_by_card(&hash)
                } else {
                    tx.member_by_pin(&hash)
                }
            })?
            .ok_or(if card {
                KioskError::UnknownCard
            } else {
                KioskError::UnknownPin
            })?;
        self.tap_as(member.id, method)
    }

    fn tap_as(&self, member_id: i64, method: TapMethod) -> Result<TapOutcome, KioskError> {
        let settings = self.settings();
        let location = settings.location.clone().ok_or(KioskError::NoLocation)?;
        let tz = location.tz();
        let now = self.inner.clock.now();
        {
            let recent = self.inner.recent_taps.lock().unwrap();
            if let Some(at) = recent.get(&member_id)
                && now - *at < Duration::seconds(i64::from(settings.double_tap_seconds))
                && now >= *at
            {
                return Ok(TapOutcome::Ignored { member_id });
            }
        }
        let outcome = self.inner.store.write(|tx| {
            let member = tx
                .member(member_id)?
                .ok_or(KioskError::UnknownMember(member_id))?;
            let first = first_name(&member.full_name);
            if let Some(open) = tx.open_checkin(member_id, location.id)? {
                tx.close_checkin(open.local_id, now, Some(local_time(now, tz)))?;
                tx.enqueue(OutboxOp::CloseCheckin, open.local_id, now)?;
                return Ok::<_, KioskError>(TapOutcome::Goodbye {
                    member_id,
                    first_name: first,
                    at: now,
                    at_local: hh_mm(now, tz),
                    minutes: (now - open.from_time).num_minutes().max(0),
                });
            }
            let teams = tx.team_names(&member.teams)?;
            match rules::check_in_allowed(&member, location.id, &settings) {
                Ok(()) => {
                    let row = CheckinRow {
                        local_id: Uuid::now_v7(),
                        nexudus_id: None,
                        member_id,
                        location_id: location.id,
                        from_time: now,
                        from_time_local: Some(local_time(now, tz)),
                        to_time: None,
                        to_time_local: None,
                        source: KIOSK_SOURCE,
                        method: method.as_str().to_owned(),
                        auto_checkout: settings.auto_checkout,
                        teams,
                        plan: member.plan.clone(),
                        origin: Origin::Kiosk,
                        extra: serde_json::json!({}),
                    };
                    tx.insert_checkin(&row, now)?;
                    tx.enqueue(OutboxOp::CreateCheckin, row.local_id, now)?;
                    Ok(TapOutcome::Welcome {
                        member_id,
                        first_name: first,
                        at: now,
                        at_local: hh_mm(now, tz),
                    })
                }
                Err(reason) => {
                    let row = FailedRow {
                        local_id: Uuid::now_v7(),
                        nexudus_id: None,
                        member_id: Some(member_id),
                        location_id: location.id,
                        attempt_time: now,
                        attempt_local: Some(local_time(now, tz)),
                        source: KIOSK_SOURCE,
                        method: method.as_str().to_owned(),
                        reason: reason.code().to_owned(),
                        description: reason.staff_description(&location.name),
                        teams,
                        plan: member.plan.clone(),
                    };
                    tx.insert_failed(&row)?;
                    tx.enqueue(OutboxOp::CreateFailed, row.local_id, now)?;
                    Ok(TapOutcome::Rejected {
                        member_id,
                        first_name: first,
                        reason,
                        message: reason.member_message().to_owned(),
                    })
                }
            }
        })?;
        self.inner
            .recent_taps
            .lock()
            .unwrap()
            .insert(member_id, now);
        self.inner.emit(Event::Tapped {
            member_id,
            outcome: outcome.clone(),
        });
        self.inner.nudge.notify_one();
        Ok(outcome)
    }

    // ---- status and queue ---------------------------------------------------------------------

    pub fn status(&self) -> Result<Status, KioskError> {
        let (pending, parked) = self.inner.store.read(|tx| {
            Ok::<_, StoreError>((
                tx.outbox_pending_count()?,
                tx.outbox_count(OutboxStatus::Parked)?,
            ))
        })?;
        Ok(Status {
            connectivity: *self.inner.connectivity.lock().unwrap(),
            last_sync: *self.inner.last_sync.lock().unwrap(),
            pending,
            parked,
            demo: self.inner.config.demo,
            demo_staff_pin: self
                .inner
                .config
                .initial_staff_pin
                .clone()
                .filter(|_| self.inner.config.demo),
            staff_pin_set: self.staff_pin_is_set()?,
            location: self.settings().location,
            members: self.member_count(),
        })
    }

    /// The sync queue for the staff panel: parked entries first, then what waits. Staff only.
    pub fn queue(&self, staff_pin: &str, limit: i64) -> Result<Vec<QueueItem>, KioskError> {
        self.verify_staff_pin(staff_pin)?;
        self.inner.store.read(|tx| {
            let mut entries = tx.outbox_with(OutboxStatus::Parked, limit)?;
            entries.extend(tx.outbox_with(OutboxStatus::Pending, limit)?);
            entries.extend(tx.outbox_with(OutboxStatus::Claimed, limit)?);
            entries
                .into_iter()
                .map(|entry| {
                    let (member_id, at) = match entry.op {
                        OutboxOp::CreateFailed => tx
                            .failed(entry.target)?
                            .map_or((None, None), |f| (f.member_id, Some(f.attempt_time))),
                        OutboxOp::CreateCheckin | OutboxOp::CloseCheckin => {
                            tx.checkin(entry.target)?.map_or((None, None), |c| {
                                (Some(c.member_id), Some(c.to_time.unwrap_or(c.from_time)))
                            })
                        }
                    };
                    let member_name = member_id
                        .and_then(|id| tx.member(id).ok().flatten())
                        .map(|m| m.full_name);
                    Ok(QueueItem {
                        entry,
                        member_id,
                        member_name,
                        at,
                    })
                })
                .collect::<Result<Vec<_>, KioskError>>()
        })
    }

    /// Puts a parked entry back in the queue, where it always was.
    pub fn retry_parked(&self, staff_pin: &str, entry_id: i64) -> Result<(), KioskError> {
        self.settle_parked(staff_pin, entry_id, "queue_retry", |tx, now| {
            tx.unpark(entry_id, now)
        })?;
        self.inner.nudge.notify_one();
        Ok(())
    }

    /// Drops a parked entry for good.
    pub fn discard_parked(&self, staff_pin: &str, entry_id: i64) -> Result<(), KioskError> {
        self.settle_parked(staff_pin, entry_id, "queue_discard", |tx, now| {
            tx.discard(entry_id, now)
        })
    }

    /// What staff do to a parked entry: needs the staff PIN, and is written to the audit log
    /// with what the entry was and why it was refused.
    fn settle_parked(
        &self,
        staff_pin: &str,
        entry_id: i64,
        action: &str,
        apply: impl FnOnce(&crate::store::Tx<'_>, DateTime<Utc>) -> Result<bool, StoreError>,
    ) -> Result<(), KioskError> {
        self.verify_staff_pin(staff_pin)?;
        let now = self.inner.clock.now();
        self.inner.store.write(|tx| {
            let entry = tx.outbox_entry(entry_id)?;
            match entry {
                Some(e) if apply(tx, now)? => {
                    let detail = format!(
                        "entry {entry_id} ({} of {}): {}",
                        e.op.as_str(),
                        e.target,
                        e.last_error.unwrap_or_default()
                    );
                    tx.audit(now, action, &detail)?;
                    Ok(())
                }
                _ => Err(KioskError::Invalid(format!(
                    "entry {entry_id} is not parked"
                ))),
            }
        })?;
        self.inner.emit_progress();
        Ok(())
    }

    /// Asks the sync engine for a round now, pulling members and today's check-ins too.
    pub fn sync_now(&self) {
        self.inner
            .pull_now
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.inner.nudge.notify_one();
    }

    // ---- staff --------------------------------------------------------------------------------

    pub fn staff_pin_is_set(&self) -> Result<bool, KioskError> {
        Ok(self
            .inner
            .store
            .read(|tx| tx.get_setting(STAFF_PIN_KEY))?
            .is_some())
    }

    /// Checks the staff PIN, counting wrong tries; five wrong tries lock the panel for a while
    /// that grows with each further wrong try.
    pub fn verify_staff_pin(&self, pin: &str) -> Result<(), KioskError> {
        let now = self.inner.clock.now();
        let (stored, attempts) = self.inner.store.read(|tx| {
            let attempts: Attempts = tx
                .get_setting(STAFF_ATTEMPTS_KEY)?
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            Ok::<_, StoreError>((tx.get_setting(STAFF_PIN_KEY)?, attempts))
        })?;
        if let Some(seconds) = attempts.locked_for(now) {
            return Err(KioskError::LockedOut { seconds });
        }
        let Some(stored) = stored else {
            return Err(KioskError::Invalid(
                "no staff PIN is set yet: set one first".into(),
            ));
        };
        let good = staff_pin::matches(pin, &stored);
        let next = if good {
            Attempts::default()
        } else {
            attempts.failed(now)
        };
        if next != attempts {
            self.inner.store.write(|tx| {
                tx.set_setting(
                    STAFF_ATTEMPTS_KEY,
                    &serde_json::to_string(&next).unwrap_or_default(),
                )?;
                if let Some(seconds) = next.locked_for(now) {
                    tx.audit(
                        now,
                        "staff_pin_lockout",
                        &format!("{} wrong tries; locked for {seconds} s", next.failures),
                    )?;
                }
                Ok::<_, StoreError>(())
            })?;
        }
        match (good, next.locked_for(now)) {
            (true, _) => Ok(()),
            (false, Some(seconds)) => Err(KioskError::LockedOut { seconds }),
            (false, None) => Err(KioskError::WrongPin {
                tries_left: next.tries_left(),
            }),
        }
    }

    /// Sets a new staff PIN; the current one is needed once one is set.
    pub fn set_staff_pin(&self, current: Option<&str>, new: &str) -> Result<(), KioskError> {
        staff_pin::validate(new).map_err(KioskError::Invalid)?;
        if self.staff_pin_is_set()? {
            self.verify_staff_pin(current.unwrap_or_default())?;
        }
        let hash = staff_pin::hash(new).map_err(KioskError::Invalid)?;
        let now = self.inner.clock.now();
        self.inner.store.write(|tx| {
            tx.set_setting(STAFF_PIN_KEY, &hash)?;
            tx.audit(now, "staff_pin_changed", "")
        })?;
        Ok(())
    }

    /// Changes the settings (staff only). A new location rebuilds the grid.
    pub fn update_settings(&self, staff_pin: &str, settings: Settings) -> Result<(), KioskError> {
        self.verify_staff_pin(staff_pin)?;
        settings.validate().map_err(KioskError::Invalid)?;
        let old = self.settings();
        let now = self.inner.clock.now();
        let json =
            serde_json::to_string(&settings).map_err(|e| KioskError::Invalid(e.to_string()))?;
        self.inner.store.write(|tx| {
            tx.set_setting(SETTINGS_KEY, &json)?;
            tx.audit(now, "settings_changed", &json)
        })?;
        let location_changed =
            old.location.as_ref().map(|l| l.id) != settings.location.as_ref().map(|l| l.id);
        *self.inner.settings.write().unwrap() = settings;
        if location_changed {
            self.inner.rebuild_index()?;
            self.inner.emit(Event::MembersChanged);
        }
        self.inner.emit(Event::SettingsChanged);
        self.inner.nudge.notify_one();
        Ok(())
    }

    /// The locations of the account, for the picker (read at the last sync).
    pub fn locations(&self) -> Result<Vec<Location>, KioskError> {
        let rows = self.inner.store.read(|tx| tx.locations())?;
        Ok(rows
            .into_iter()
            .map(|(id, name, tz)| Location {
                id,
                name,
                time_zone: tz.unwrap_or_else(|| "UTC".into()),
            })
            .collect())
    }

    /// The newest audit-log entries (staff only).
    pub fn audit_log(
        &self,
        staff_pin: &str,
        limit: i64,
    ) -> Result<Vec<(DateTime<Utc>, String, String)>, KioskError> {
        self.verify_staff_pin(staff_pin)?;
        Ok(self.inner.store.read(|tx| tx.audit_entries(limit))?)
    }

    // ---- account ------------------------------------------------------------------------------

    /// Logs the kiosk in to Nexudus (at `base_url`, the production API by default). The
    /// password is used once and never stored; the refresh token goes to the secret store.
    pub async fn login(
        &self,
        staff_pin: &str,
        base_url: Option<&str>,
        email: &str,
        password: &nexudus::Secret,
        totp: Option<&str>,
    ) -> Result<(), KioskError> {
        self.verify_staff_pin(staff_pin)?;
        self.connect(base_url.unwrap_or(NEXUDUS_BASE_URL), email, password, totp)
            .await
    }

    /// Logs in without the staff PIN: for demo mode, which signs in to its own simulator.
    pub async fn connect(
        &self,
        base_url: &str,
        email: &str,
        password: &nexudus::Secret,
        totp: Option<&str>,
    ) -> Result<(), KioskError> {
        let client = self.inner.build_client(base_url)?;
        client.login(email, password, totp).await?;
        let now = self.inner.clock.now();
        self.inner.store.write(|tx| {
            tx.set_setting(API_BASE_KEY, base_url)?;
            tx.audit(now, "login", &format!("{email} at {base_url}"))
        })?;
        *self.inner.api.write().unwrap() = Some(Arc::new(client));
        self.inner.set_connectivity(Connectivity::Online);
        self.inner.nudge.notify_one();
        Ok(())
    }

    /// Logs out: forgets the session; check-ins keep queueing until someone logs in again.
    pub async fn logout(&self, staff_pin: &str) -> Result<(), KioskError> {
        self.verify_staff_pin(staff_pin)?;
        let client = self.inner.api.write().unwrap().take();
        if let Some(client) = client {
            client.logout().await?;
        }
        let now = self.inner.clock.now();
        self.inner.store.write(|tx| {
            tx.delete_setting(API_BASE_KEY)?;
            tx.audit(now, "logout", "")
        })?;
        self.inner.set_connectivity(Connectivity::NotConfigured);
        Ok(())
    }
}
