//! Paired tablets: a name, when and from where each paired, when last seen, and whether staff
//! revoked it. Tokens only as hashes.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::Tx;
use super::values::Ts;
use crate::error::StoreError;

/// One paired tablet, as the staff panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Device {
    pub id: i64,
    pub name: String,
    pub paired_at: DateTime<Utc>,
    /// The address it paired from.
    pub paired_from: String,
    pub last_seen: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, name, paired_at, paired_from, last_seen, revoked_at";

fn device(r: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: r.get("id")?,
        name: r.get("name")?,
        paired_at: r.get::<_, Ts>("paired_at")?.0,
        paired_from: r.get("paired_from")?,
        last_seen: r.get::<_, Option<Ts>>("last_seen")?.map(|t| t.0),
        revoked_at: r.get::<_, Option<Ts>>("revoked_at")?.map(|t| t.0),
    })
}

impl Tx<'_> {
    /// A newly paired tablet; answers its id.
    pub fn insert_device(
        &self,
        name: &str,
        token_hash: &str,
        from: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.exec(
            "INSERT INTO devices (name, token_hash, paired_at, paired_from, last_seen) VALUES (?1, ?2, ?3, ?4, ?3)",
            params![name, token_hash, Ts(at), from],
        )?;
        Ok(self.last_insert_rowid())
    }

    /// Every tablet ever paired, the newest first.
    pub fn devices(&self) -> Result<Vec<Device>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM devices ORDER BY id DESC"),
            [],
            device,
        )
    }

    /// The paired, not revoked tablet holding this token.
    pub fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StoreError> {
        self.row(
            &format!("SELECT {COLUMNS} FROM devices WHERE token_hash = ?1 AND revoked_at IS NULL"),
            [token_hash],
            device,
        )
    }

    pub fn touch_device(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "UPDATE devices SET last_seen = ?2 WHERE id = ?1",
            params![id, Ts(at)],
        )?;
        Ok(())
    }

    pub fn rename_device(&self, id: i64, name: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE devices SET name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        Ok(())
    }

    /// Revokes a tablet; false if there is none with that id still paired.
    pub fn revoke_device(&self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.exec(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, Ts(at)],
        )? == 1)
    }
}
