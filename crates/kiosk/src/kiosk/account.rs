//! The Nexudus account: log in (the password is used once, never kept), log out.

use std::sync::Arc;

use super::{API_BASE_KEY, Kiosk, Staff};
use crate::config::NEXUDUS_BASE_URL;
use crate::error::KioskError;
use crate::views::Connectivity;

impl Kiosk {
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
        self.connect(base_url.unwrap_or(NEXUDUS_BASE_URL), email, password, totp)
            .await?;
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
            tx.set_setting(API_BASE_KEY, base_url)?;
            tx.audit(now, "login", &format!("{email} at {base_url}"))
        })?;
        *self.shared.api.write().unwrap() = Some(Arc::new(client));
        self.shared.set_connectivity(Connectivity::Online);
        self.shared.nudge.notify_one();
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
            tx.delete_setting(API_BASE_KEY)?;
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
        let location = location.or_else(|| self.settings().location.map(|l| l.id));
        Ok(crate::doctor::check_account(&api, location, write_test).await)
    }

    /// [`Kiosk::check_account`] for staff.
    pub async fn staff_check_account(
        &self,
        _staff: &Staff,
        write_test: Option<i64>,
    ) -> Result<crate::doctor::DoctorReport, KioskError> {
        self.check_account(None, write_test).await
    }
}
