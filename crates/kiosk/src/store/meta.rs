//! Key-value state of the sync engine, the settings, and the staff audit log.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::Tx;
use super::values::Ts;
use crate::error::StoreError;

/// One line of the staff audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub detail: String,
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

    pub fn get_state(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.get(Table::SyncState, key)
    }

    pub fn set_state(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.set(Table::SyncState, key, value)
    }

    /// A time kept as sync state (when a pull last ran, the newest record seen).
    /// A time kept as sync state; an unreadable one counts as never.
    pub fn get_state_time(&self, key: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let q = format!(
            "SELECT value FROM {} WHERE key = ?1",
            Table::SyncState.name()
        );
        Ok(self
            .row(&q, [key], |r| Ok(r.get::<_, Ts>("value").ok()))?
            .flatten()
            .map(|t| t.0))
    }

    pub fn set_state_time(&self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.set_state(key, &super::ts(&at))
    }

    pub fn delete_state(&self, key: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM sync_state WHERE key = ?1", [key])?;
        Ok(())
    }

    pub fn get_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.get(Table::Settings, key)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.set(Table::Settings, key, value)
    }

    pub fn delete_setting(&self, key: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM settings WHERE key = ?1", [key])?;
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
