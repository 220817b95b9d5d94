//! The Nexudus account and the kiosk's own set-up: log in (the password is used once, never
//! kept) and out, the status every screen shows, the sync engine started and asked for a
//! round, the settings, the space's logo and the account's locations.

use std::sync::Arc;

use super::{Staff, StaffAccess};
use crate::config::NEXUDUS_BASE_URL;
use crate::domain::settings::{Location, Settings};
use crate::domain::unread::UnreadRecord;
use crate::domain::views::{AccountView, Connectivity, Status};
use crate::error::KioskError;
use crate::shared::Shared;
use crate::store::{SettingKey, StateKey};
use crate::sync::{SyncHandle, SyncOptions};

/// What a readiness probe asks of the kiosk ([`Account::readiness`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Readiness {
    /// The database answers.
    pub store: bool,
    /// A Nexudus session is held.
    pub session: bool,
}

/// The account, the status and the settings. Cheap to clone; every clone is the same.
#[derive(Debug, Clone)]
pub struct Account {
    pub(super) shared: Arc<Shared>,
    /// Whether a staff PIN is set, for the status.
    staff: StaffAccess,
}

impl Account {
    pub(crate) fn new(shared: Arc<Shared>, staff: StaffAccess) -> Self {
        Self { shared, staff }
    }

    /// Whether a Nexudus account is configured (logged in now or before).
    pub fn has_account(&self) -> bool {
        self.shared.api().is_some()
    }

    /// Whether the kiosk can serve, for a readiness probe (`/readyz`): its database answers,
    /// and it holds a Nexudus session. Offline or throttled is ready (taps queue and go
    /// later); no account, or a session that ended, is not (nothing would ever go). Nothing
    /// personal: two yes-or-no answers.
    pub fn readiness(&self) -> Readiness {
        let store = self
            .shared
            .store
            .read(|tx| tx.get_setting(SettingKey::ClientId))
            .is_ok();
        let connectivity = self.shared.link().connectivity;
        let session = self.has_account()
            && !matches!(
                connectivity,
                Connectivity::NeedsLogin | Connectivity::NotConfigured
            );
        Readiness { store, session }
    }

    pub fn settings(&self) -> Settings {
        self.shared.settings()
    }

    /// Logs the kiosk in to Nexudus (at `base_url`, the production API by default). The
    /// password is used once and never stored; the refresh token goes to the secret store.
    pub async fn login(
        &self,
        staff: &Staff,
        base_url: Option<&str>,
        email: &str,
        password: &nexudus::Secret,
        totp: Option<&str>,
    ) -> Result<(), KioskError> {
        // Left blank, the address is the one this kiosk was started with (`kiosk serve
        // --api-base`), else the account's last, else Nexudus's own.
        let base = match base_url.map(str::trim).filter(|b| !b.is_empty()) {
            Some(base) => base.to_owned(),
            None => self.default_base()?,
        };
        self.connect(&base, email, password, totp).await?;
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            tx.audit(
                now,
                "login_by_staff",
                &format!("at the {}", staff.caller().describe()),
            )
        })?;
        Ok(())
    }

    /// Where a login goes when staff leave the address blank.
    fn default_base(&self) -> Result<String, KioskError> {
        if let Some(base) = self.shared.config.api_base_override.clone() {
            return Ok(base);
        }
        let last = self
            .shared
            .store
            .read(|tx| tx.get_setting(SettingKey::ApiBase))?;
        Ok(last.unwrap_or_else(|| NEXUDUS_BASE_URL.to_owned()))
    }

    /// Logs in without the staff PIN: for demo mode, which signs in to its own simulator.
    pub async fn connect(
        &self,
        base_url: &str,
        email: &str,
        password: &nexudus::Secret,
        totp: Option<&str>,
    ) -> Result<(), KioskError> {
        let client = self.shared.build_client(base_url)?;
        client.login(email, password, totp).await?;
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            tx.set_setting(SettingKey::ApiBase, base_url)?;
            tx.set_setting(SettingKey::ApiUser, email.trim())?;
            // A login reads the account afresh (it may be another account): its locations at
            // once, for the picker, and every member.
            tx.delete_state(StateKey::MembersFullAt)?;
            tx.audit(now, "login", &format!("{email} at {base_url}"))
        })?;
        *self.shared.api.write().unwrap() = Some(Arc::new(client));
        // An exchange that worked: what the last round said went wrong ("not logged in") is
        // history now, and the status says so at once.
        self.shared.exchanged();
        self.sync_now();
        Ok(())
    }

    /// Logs out: forgets the session; check-ins keep queueing until someone logs in again.
    pub async fn logout(&self, staff: &Staff) -> Result<(), KioskError> {
        let client = self.shared.api.write().unwrap().take();
        if let Some(client) = client {
            client.logout().await?;
        }
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            tx.delete_setting(SettingKey::ApiBase)?;
            tx.delete_setting(SettingKey::ApiUser)?;
            tx.audit(
                now,
                "logout",
                &format!("by staff at the {}", staff.caller().describe()),
            )
        })?;
        self.shared.set_connectivity(Connectivity::NotConfigured);
        Ok(())
    }

    /// Checks the account the kiosk is logged in to, for `location` or else its own (`kiosk
    /// doctor`, the staff panel's "Check the account"). Reads only, unless `write_test` names a
    /// member to check in and out once.
    pub async fn check_account(
        &self,
        location: Option<i64>,
        write_test: Option<i64>,
    ) -> Result<crate::doctor::DoctorReport, KioskError> {
        let api = self
            .shared
            .api()
            .ok_or(KioskError::Api(nexudus::ApiError::Unauthorized))?;
        let location = location.or_else(|| self.shared.settings().location.map(|l| l.id));
        let known = self.unread_records()?;
        Ok(crate::doctor::check_account(&api, location, write_test, &known).await)
    }

    /// The account's records that did not read when the kiosk last met them.
    pub fn unread_records(&self) -> Result<Vec<UnreadRecord>, KioskError> {
        Ok(self.shared.store.read(|tx| tx.unread_records())?)
    }

    /// [`Account::check_account`] for staff.
    pub async fn staff_check_account(
        &self,
        _staff: &Staff,
        write_test: Option<i64>,
    ) -> Result<crate::doctor::DoctorReport, KioskError> {
        self.check_account(None, write_test).await
    }

    /// The status bar: how the kiosk stands with Nexudus, the queue, the location, what the
    /// face can do.
    pub fn status(&self) -> Result<Status, KioskError> {
        let (pending, parked) = self.shared.queue_counts()?;
        let link = self.shared.link();
        Ok(Status {
            connectivity: link.connectivity,
            connectivity_since: link.since,
            next_try: link.next_try,
            problem: link.problem,
            last_sync: link.last_sync,
            pending,
            parked,
            demo: self.shared.config.demo,
            demo_staff_pin: self
                .shared
                .config
                .initial_staff_pin
                .clone()
                .filter(|_| self.shared.config.demo),
            staff_pin_set: self.staff.pin_is_set()?,
            location: self.settings().location,
            members: self.shared.member_count(),
            capabilities: self.shared.config.capabilities,
            pin_reminder: self.shared.pin_reminder_command()?.is_some(),
            loading: self.shared.loading(),
            account: self.account_view()?,
        })
    }

    /// Who the kiosk is logged in as, and where (none before a first login or after a logout).
    fn account_view(&self) -> Result<Option<AccountView>, KioskError> {
        if !self.has_account() {
            return Ok(None);
        }
        let (base, user) = self.shared.store.read(|tx| {
            Ok::<_, crate::error::StoreError>((
                tx.get_setting(SettingKey::ApiBase)?,
                tx.get_setting(SettingKey::ApiUser)?,
            ))
        })?;
        Ok(base.map(|base_url| AccountView { user, base_url }))
    }

    /// Starts the sync engine on the current tokio runtime.
    pub fn start_sync(&self, options: SyncOptions) -> SyncHandle {
        SyncHandle::spawn(Arc::clone(&self.shared), options)
    }

    /// How many SQL statements the kiosk has run since it opened: tests count a path's cost
    /// with it, so that cost cannot grow unseen.
    pub fn statements(&self) -> u64 {
        self.shared.store.statements()
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
            pin_reminder: false,
            loading: None,
            account: None,
        })
    }

    /// Asks the sync engine for a round now, pulling members and today's check-ins too.
    pub fn sync_now(&self) {
        self.shared
            .pull_now
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.shared.nudge.notify_one();
    }

    /// Changes the settings (staff only). A new location rebuilds the grid.
    pub fn update_settings(&self, _staff: &Staff, settings: Settings) -> Result<(), KioskError> {
        settings.validate()?;
        // Photos switched off, or from another address: the ones kept go (privacy; another
        // host's pictures are not these members').
        let photos_changed = settings.photo_url != self.shared.settings().photo_url;
        self.shared.save_settings(settings, "settings_changed")?;
        if photos_changed {
            super::photos::forget(&self.shared);
        }
        self.shared.nudge.notify_one();
        Ok(())
    }

    /// The space's logo as a `data:` URL, if staff set one (kept on the kiosk: shown offline).
    pub fn logo(&self) -> Result<Option<String>, KioskError> {
        Ok(self
            .shared
            .store
            .read(|tx| tx.get_setting(SettingKey::BrandLogo))?)
    }

    /// Sets the space's logo (a PNG, JPEG or WebP `data:` URL of at most 256 KB), or removes it.
    pub fn set_logo(&self, staff: &Staff, image: Option<&str>) -> Result<(), KioskError> {
        if let Some(image) = image {
            crate::domain::brand::validate_logo(image)?;
        }
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            match image {
                Some(image) => tx.set_setting(SettingKey::BrandLogo, image)?,
                None => tx.delete_setting(SettingKey::BrandLogo)?,
            }
            let what = if image.is_some() { "set" } else { "removed" };
            tx.audit(
                now,
                "logo_changed",
                &format!("{what}, by staff at the {}", staff.caller().describe()),
            )
        })?;
        self.shared
            .emit(crate::domain::events::Event::SettingsChanged);
        Ok(())
    }

    /// The locations of the account, for the picker (read at the last sync).
    pub fn locations(&self) -> Result<Vec<Location>, KioskError> {
        let rows = self.shared.store.read(|tx| tx.locations())?;
        Ok(rows
            .into_iter()
            .map(|l| Location {
                id: l.id,
                name: l.name,
                time_zone: l.time_zone.unwrap_or_else(|| "UTC".into()),
                nexudus_zone: l.nexudus_zone,
                zone_set_by_staff: false,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests;
