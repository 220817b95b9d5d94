//! Key-value state of the sync engine, the settings, and the staff audit log. Every key is
//! one variant of [`StateKey`] or [`SettingKey`], so what the kiosk keeps is listed here once.

use super::Tx;
use super::values::Ts;
use crate::domain::heartbeat::Heartbeat;
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use rusqlite::params;

/// One line of the staff audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub detail: String,
}

/// What the sync engine keeps between runs, in the `sync_state` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKey {
    /// When plans were last read from contracts.
    PlansAt,
    /// When the account's unused passes were last read.
    PassesAt,
    /// When the passes used lately were last read (daily).
    PassesUsedAt,
    /// The key of the customers' command that e-mails a member their PIN, where the account
    /// offers one (absent: "Forgot your PIN?" is not offered).
    PinReminderCommand,
    /// The newest `UpdatedOn` of the members seen: the next delta starts there.
    MembersCursor,
    /// When the members were last loaded in full.
    MembersFullAt,
    /// When the members were last read by delta.
    MembersDeltaAt,
    /// When the location's check-ins were last read.
    CheckinsAt,
    /// When Nexudus last refused a failed check-in as a kind it does not take.
    FailedNotTakenAt,
    /// When the kiosk last forgot what is past its retention (`store::retention`).
    TidiedAt,
    /// The running kiosk's view of itself, for `kiosk status` in another process
    /// ([`Heartbeat`]).
    Heartbeat,
}

impl StateKey {
    fn as_str(self) -> &'static str {
        match self {
            Self::PlansAt => "plans_at",
            Self::PassesAt => "passes_at",
            Self::PassesUsedAt => "passes_used_at",
            Self::PinReminderCommand => "pin_reminder_command",
            Self::MembersCursor => "members_cursor",
            Self::MembersFullAt => "members_full_at",
            Self::MembersDeltaAt => "members_delta_at",
            Self::CheckinsAt => "checkins_at",
            Self::FailedNotTakenAt => "failed_not_taken_at",
            Self::TidiedAt => "tidied_at",
            Self::Heartbeat => "heartbeat",
        }
    }
}

/// What staff and the kiosk set, in the `settings` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKey {
    /// The settings staff edit, as JSON.
    Settings,
    /// The staff PIN's argon2 hash.
    StaffPinHash,
    /// Wrong staff PINs in a row, kept across restarts.
    StaffPinAttempts,
    /// The Nexudus base URL the account logged in at.
    ApiBase,
    /// The e-mail it logged in with (shown to staff: who the kiosk is logged in as).
    ApiUser,
    /// This kiosk's own id, sent as the client id and the `SystemId` of its records.
    ClientId,
    /// The tablets' pairing code and when it stops working.
    PairingCode,
    /// The space's logo, a `data:` URL.
    BrandLogo,
}

impl SettingKey {
    fn as_str(self) -> &'static str {
        match self {
            Self::Settings => "kiosk",
            Self::StaffPinHash => "staff_pin_hash",
            Self::StaffPinAttempts => "staff_pin_attempts",
            Self::ApiBase => "api_base",
            Self::ApiUser => "api_user",
            Self::ClientId => "client_id",
            Self::PairingCode => "pairing_code",
            Self::BrandLogo => "brand_logo",
        }
    }
}

/// The two key-value tables: what the sync engine keeps, and the settings.
#[derive(Clone, Copy)]
enum Table {
    SyncState,
    Settings,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Self::SyncState => "sync_state",
            Self::Settings => "settings",
        }
    }
}

impl Tx<'_> {
    fn get(&self, table: Table, key: &str) -> Result<Option<String>, StoreError> {
        let q = format!("SELECT value FROM {} WHERE key = ?1", table.name());
        self.row(&q, [key], |r| r.get("value"))
    }

    fn set(&self, table: Table, key: &str, value: &str) -> Result<(), StoreError> {
        let q = format!(
            "INSERT INTO {} (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
            table.name()
        );
        self.exec(&q, params![key, value])?;
        Ok(())
    }

    pub fn get_state(&self, key: StateKey) -> Result<Option<String>, StoreError> {
        self.get(Table::SyncState, key.as_str())
    }

    pub fn set_state(&self, key: StateKey, value: &str) -> Result<(), StoreError> {
        self.set(Table::SyncState, key.as_str(), value)
    }

    /// The running kiosk's view of itself as it last saved it; an unreadable value counts as
    /// none.
    pub fn heartbeat(&self) -> Result<Heartbeat, StoreError> {
        Ok(self
            .get_state(StateKey::Heartbeat)?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    pub fn save_heartbeat(&self, beat: &Heartbeat) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(beat).map_err(|e| StoreError::Data(format!("heartbeat: {e}")))?;
        self.set_state(StateKey::Heartbeat, &json)
    }

    /// A time kept as sync state (when a pull last ran, the newest record seen); an unreadable
    /// one counts as never.
    pub fn get_state_time(&self, key: StateKey) -> Result<Option<DateTime<Utc>>, StoreError> {
        let q = format!(
            "SELECT value FROM {} WHERE key = ?1",
            Table::SyncState.name()
        );
        Ok(self
            .row(&q, [key.as_str()], |r| Ok(r.get::<_, Ts>("value").ok()))?
            .flatten()
            .map(|t| t.0))
    }

    pub fn set_state_time(&self, key: StateKey, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.set_state(key, &super::ts(&at))
    }

    pub fn delete_state(&self, key: StateKey) -> Result<(), StoreError> {
        self.exec("DELETE FROM sync_state WHERE key = ?1", [key.as_str()])?;
        Ok(())
    }

    pub fn get_setting(&self, key: SettingKey) -> Result<Option<String>, StoreError> {
        self.get(Table::Settings, key.as_str())
    }

    pub fn set_setting(&self, key: SettingKey, value: &str) -> Result<(), StoreError> {
        self.set(Table::Settings, key.as_str(), value)
    }

    pub fn delete_setting(&self, key: SettingKey) -> Result<(), StoreError> {
        self.exec("DELETE FROM settings WHERE key = ?1", [key.as_str()])?;
        Ok(())
    }

    pub fn audit(&self, at: DateTime<Utc>, action: &str, detail: &str) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO audit_log (at, action, detail) VALUES (?1, ?2, ?3)",
            params![Ts(at), action, detail],
        )?;
        Ok(())
    }

    /// The newest entries first.
    pub fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        self.rows(
            "SELECT at, action, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
            [limit],
            |r| {
                Ok(AuditEntry {
                    at: r.get::<_, Ts>("at")?.0,
                    action: r.get("action")?,
                    detail: r.get("detail")?,
                })
            },
        )
    }
}
