//! The state the service and its sync engine share: the store, the settings, the member index,
//! the API session, connectivity and the event channel. The service ([`crate::Kiosk`]) owns one
//! and hands the engine an `Arc` of it; the engine never sees the service.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, broadcast};
use tracing::info;

use crate::clock::Clock;
use crate::config::KioskConfig;
use crate::error::{ErrorDto, KioskError, StoreError};
use crate::events::Event;
use crate::index::MemberIndex;
use crate::model::OutboxStatus;
use crate::secrets::{DeviceKey, SecretStore, SessionStore};
use crate::settings::Settings;
use crate::store::Store;
use crate::views::{Connectivity, TapOutcome};

/// The settings row's key in the settings table.
pub(crate) const SETTINGS_KEY: &str = "kiosk";

#[derive(Debug)]
pub(crate) struct Shared {
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
    /// What the connectivity is, and since when.
    pub connectivity: Mutex<(Connectivity, Option<DateTime<Utc>>)>,
    pub last_sync: Mutex<Option<DateTime<Utc>>>,
    /// When the engine tries again, while it waits.
    pub next_try: Mutex<Option<DateTime<Utc>>>,
    /// What the last failed exchange said, until the next success.
    pub problem: Mutex<Option<ErrorDto>>,
    /// Wakes the sync engine: something was queued, or staff asked for a sync.
    pub nudge: Notify,
    /// Staff asked for a sync: the next round pulls everything, due or not.
    pub pull_now: AtomicBool,
    /// Members who tapped lately, for the double-tap window (in memory: a restart within the
    /// window is no concern).
    pub recent_taps: Mutex<HashMap<i64, (DateTime<Utc>, TapOutcome)>>,
    /// Members read whole since the search index was last rebuilt (the fill batches rebuilds).
    pub fill_unindexed: AtomicUsize,
    /// Online PIN look-ups: a few a minute, so typing PINs at random costs the account little.
    pub pin_lookups: governor::DefaultDirectRateLimiter,
    /// Staff sessions and wrong tries, in memory.
    pub access: crate::access::Access,
    /// Requests sent to Nexudus lately, by every client this kiosk made.
    pub requests: Arc<nexudus::RequestCounter>,
    /// Nexudus's refusals of the day as the staff desk last read them: when, for which
    /// location (`KioskConfig::refusals_kept_for`).
    pub desk_refusals: Mutex<Option<(std::time::Instant, i64, Vec<nexudus::FailedCheckin>)>>,
}

/// Online PIN look-ups: 10 a minute, 5 at once. Each costs two requests or more of the account's
/// budget; a member mistyping costs one or two.
pub(crate) fn pin_lookup_limiter() -> governor::DefaultDirectRateLimiter {
    use std::num::NonZeroU32;
    let quota = governor::Quota::per_minute(NonZeroU32::new(10).expect("ten"))
        .allow_burst(NonZeroU32::new(5).expect("five"));
    governor::RateLimiter::direct(quota)
}

impl Shared {
    pub fn emit(&self, event: Event) {
        // Nobody listening is fine: the faces subscribe when they start.
        let _ = self.events.send(event);
    }

    pub fn set_connectivity(&self, state: Connectivity) {
        let mut current = self.connectivity.lock().unwrap();
        if current.0 != state {
            *current = (state, Some(self.clock.now()));
            drop(current);
            info!(?state, "connectivity");
            self.emit(Event::Connectivity { state });
        }
    }

    pub fn connectivity(&self) -> Connectivity {
        self.connectivity.lock().unwrap().0
    }

    /// An exchange with Nexudus succeeded: `last_sync` moves (the round may still report what
    /// it could not do, such as a missing role).
    pub fn note_exchange(&self) {
        let now = self.clock.now();
        *self.last_sync.lock().unwrap() = Some(now);
        self.emit(Event::Synced { at: now });
    }

    /// An exchange succeeded and nothing stands in the way: online, whatever is still queued.
    pub fn exchanged(&self) {
        self.note_exchange();
        *self.next_try.lock().unwrap() = None;
        *self.problem.lock().unwrap() = None;
        self.set_connectivity(Connectivity::Online);
    }

    pub fn api(&self) -> Option<Arc<nexudus::Client>> {
        self.api.read().unwrap().clone()
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    /// Keeps new settings (in the file, then in memory) with an audit line `what`, and tells the
    /// faces. A new location rebuilds the grid.
    pub fn save_settings(&self, settings: Settings, what: &str) -> Result<(), StoreError> {
        let json = serde_json::to_string(&settings)
            .map_err(|e| StoreError::Data(format!("settings: {e}")))?;
        let now = self.clock.now();
        self.store.write(|tx| {
            tx.set_setting(SETTINGS_KEY, &json)?;
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
        cfg.limits = self.config.limits.clone();
        cfg.timeout = self.config.request_timeout;
        cfg.counter = Arc::clone(&self.requests);
        Ok(nexudus::Client::new(
            cfg,
            Arc::new(SessionStore(Arc::clone(&self.secrets))),
        )?)
    }
}
