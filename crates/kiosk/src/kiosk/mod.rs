//! The `Kiosk` service: the only surface the faces call. This file opens it and answers what
//! the screen shows (status, grid, search); `tap.rs`, `undo.rs`, `staff.rs` and `account.rs` hold
//! the rest.
//! The service calls the sync engine ([`crate::sync`]); the engine never calls the service.

mod access;
#[cfg(test)]
mod access_tests;
mod account;
#[cfg(test)]
mod brand_tests;
mod desk;
#[cfg(test)]
mod desk_tests;
mod staff;
mod tap;
#[cfg(test)]
mod tests;
mod undo;
#[cfg(test)]
mod undo_tests;
mod visitors;
#[cfg(test)]
mod visitors_tests;
mod walk_ins;
#[cfg(test)]
mod walk_ins_tests;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, broadcast};
use tracing::warn;
use uuid::Uuid;

use crate::clock::Clock;
use crate::config::KioskConfig;
use crate::error::{KioskError, StoreError};
use crate::events::Event;
use crate::index::{Listed, MemberIndex};
use crate::secrets::SecretStore;
use crate::settings::{Location, PrivacyMode, Settings};
use crate::shared::{SETTINGS_KEY, Shared};
use crate::staff_pin;
use crate::store::Store;
use crate::sync::{SyncHandle, SyncOptions};
use crate::views::{Connectivity, Status, Tile, display_name, hh_mm};

pub use access::{Paired, Staff, StaffSession, WrongPins};
pub(crate) use desk::{REQUESTS_SENT, SavedRequests};
pub use undo::UNDO_WINDOW;
pub use visitors::VisitorOutcome;
pub use walk_ins::{FoundVisitor, Host, WalkIn};

const STAFF_PIN_KEY: &str = "staff_pin_hash";
const STAFF_ATTEMPTS_KEY: &str = "staff_pin_attempts";
const API_BASE_KEY: &str = "api_base";
const CLIENT_ID_KEY: &str = "client_id";
/// No name or company is longer; a longer search is someone testing the kiosk, not a member.
pub const SEARCH_LONGEST: usize = 100;

/// The kiosk: members and search, taps, settings, sync status and queue, staff PIN, account.
/// Cheap to clone; every clone is the same kiosk.
#[derive(Debug, Clone)]
pub struct Kiosk {
    pub(crate) shared: Arc<Shared>,
}

impl Kiosk {
    /// Opens the kiosk's database and secrets; re-queues whatever a crash left claimed.
    pub fn open(config: KioskConfig) -> Result<Self, KioskError> {
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
        let secrets = match (&config.secrets, &config.data_dir) {
            (Some(s), _) => Arc::clone(s),
            (None, Some(dir)) => Arc::new(SecretStore::open(dir)),
            (None, None) => Arc::new(SecretStore::in_memory()),
        };
        let device_key = secrets.device_key()?;
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
                staff_pin::validate(pin)?;
                tx.set_setting(STAFF_PIN_KEY, &staff_pin::hash(pin)?)?;
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
        let shared = Arc::new(Shared {
            store,
            clock: Arc::clone(&config.clock),
            secrets,
            device_key,
            client_id,
            settings: RwLock::new(settings),
            index: RwLock::new(MemberIndex::default()),
            events,
            api: RwLock::new(None),
            connectivity: Mutex::new((Connectivity::NotConfigured, None)),
            next_try: Mutex::new(None),
            problem: Mutex::new(None),
            last_sync: Mutex::new(None),
            nudge: Notify::new(),
            pull_now: AtomicBool::new(false),
            recent_taps: Mutex::new(HashMap::new()),
            fill_unindexed: std::sync::atomic::AtomicUsize::new(0),
            pin_lookups: crate::shared::pin_lookup_limiter(),
            access: crate::access::Access::default(),
            requests: Arc::default(),
            desk_refusals: Mutex::new(None),
            config,
        });
        shared.rebuild_index()?;
        if let Some(base) = shared.config.api_base_override.clone().or(api_base) {
            *shared.api.write().unwrap() = Some(Arc::new(shared.build_client(&base)?));
            *shared.connectivity.lock().unwrap() = (Connectivity::Offline, None);
        }
        Ok(Self { shared })
    }

    /// Whether a Nexudus account is configured (logged in now or before).
    pub fn has_account(&self) -> bool {
        self.shared.api().is_some()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.shared.events.subscribe()
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.shared.clock)
    }

    pub fn settings(&self) -> Settings {
        self.shared.settings()
    }

    // ---- members ------------------------------------------------------------------------------

    fn tiles<'a>(
        &self,
        members: impl IntoIterator<Item = Listed<'a>>,
        settings: &Settings,
    ) -> Result<Vec<Tile>, KioskError> {
        let location = settings.location.as_ref();
        let open: HashMap<i64, DateTime<Utc>> = match location {
            Some(l) => self
                .shared
                .store
                .read(|tx| tx.open_checkins(l.id))?
                .into_iter()
                .map(|c| (c.member_id, c.from_time))
                .collect(),
            None => HashMap::new(),
        };
        let tz = location.map_or(chrono_tz::UTC, Location::tz);
        let detailed = settings.privacy != PrivacyMode::Initials;
        Ok(members
            .into_iter()
            .map(|m| {
                let in_since = open.get(&m.id).copied();
                Tile {
                    member_id: m.id,
                    name: display_name(m.name, settings.privacy),
                    detail: m.detail.filter(|_| detailed).map(str::to_owned),
                    here: m.here,
                    initials: crate::fold::initials(m.name),
                    photo: settings
                        .photo_url
                        .as_ref()
                        .map(|t| t.replace("{id}", &m.id.to_string())),
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
        let index = self.shared.index.read().unwrap();
        self.tiles(index.grid(), &settings)
    }

    /// Search as you type: any word of the name or company, case- and accent-insensitive. In
    /// search-only mode nothing shows before 3 letters.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Tile>, KioskError> {
        if query.chars().count() > SEARCH_LONGEST {
            return Err(crate::error::Invalid::new(
                "query",
                format!("a search is at most {SEARCH_LONGEST} characters"),
            )
            .into());
        }
        let settings = self.settings();
        let letters = crate::fold::letters(query);
        if settings.privacy == PrivacyMode::SearchOnly && letters < 3 {
            return Ok(Vec::new());
        }
        let index = self.shared.index.read().unwrap();
        self.tiles(index.search(query, limit), &settings)
    }

    /// How many members the cache holds.
    pub fn member_count(&self) -> usize {
        self.shared.index.read().unwrap().len()
    }

    // ---- status and sync ----------------------------------------------------------------------

    pub fn status(&self) -> Result<Status, KioskError> {
        let (pending, parked) = self.shared.queue_counts()?;
        Ok(Status {
            connectivity: self.shared.connectivity(),
            connectivity_since: self.shared.connectivity.lock().unwrap().1,
            next_try: *self.shared.next_try.lock().unwrap(),
            problem: self.shared.problem.lock().unwrap().clone(),
            last_sync: *self.shared.last_sync.lock().unwrap(),
            pending,
            parked,
            demo: self.shared.config.demo,
            demo_staff_pin: self
                .shared
                .config
                .initial_staff_pin
                .clone()
                .filter(|_| self.shared.config.demo),
            staff_pin_set: self.staff_pin_is_set()?,
            location: self.settings().location,
            members: self.member_count(),
            capabilities: self.shared.config.capabilities,
        })
    }

    /// Starts the sync engine on the current tokio runtime.
    pub fn start_sync(&self, options: SyncOptions) -> SyncHandle {
        SyncHandle::spawn(Arc::clone(&self.shared), options)
    }

    /// Runs one sync round now, in the caller's task (tests and the CLI's `kiosk sync`).
    pub async fn sync_once(&self, options: &SyncOptions) -> Status {
        crate::sync::round_once(Arc::clone(&self.shared), options).await;
        self.status().unwrap_or_else(|_| Status {
            connectivity: Connectivity::Offline,
            connectivity_since: None,
            last_sync: None,
            next_try: None,
            problem: None,
            pending: -1,
            parked: -1,
            demo: false,
            demo_staff_pin: None,
            staff_pin_set: true,
            location: None,
            members: 0,
            capabilities: self.shared.config.capabilities,
        })
    }
}
