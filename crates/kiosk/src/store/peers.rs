//! Other kiosks found on the local network: what each announced, when last heard of, and when
//! it said goodbye.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::Tx;
use super::values::Ts;
use crate::domain::peers::{Heard, PeerKiosk};
use crate::error::StoreError;

/// Kiosks kept at most: a location has a few; a network flooded with announcements keeps the
/// most recently heard of.
pub const PEERS_KEPT: i64 = 100;

const COLUMNS: &str = "name, address, location_id, version, fingerprint, seen_at, gone_at";

fn peer(r: &rusqlite::Row<'_>) -> rusqlite::Result<PeerKiosk> {
    Ok(PeerKiosk {
        name: r.get("name")?,
        address: r.get("address")?,
        location_id: r.get("location_id")?,
        version: r.get("version")?,
        fingerprint: r.get("fingerprint")?,
        seen_at: r.get::<_, Ts>("seen_at")?.0,
        gone_at: r.get::<_, Option<Ts>>("gone_at")?.map(|t| t.0),
    })
}

impl Tx<'_> {
    /// A kiosk heard of `at`: what it announces replaces what it announced before.
    pub fn upsert_peer(&self, p: &Heard, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO peer_kiosks (name, address, location_id, version, fingerprint, seen_at, gone_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)
             ON CONFLICT (name) DO UPDATE SET address = ?2, location_id = ?3, version = ?4,
                 fingerprint = ?5, seen_at = ?6, gone_at = NULL",
            params![
                p.name,
                p.address,
                p.location_id,
                p.version,
                p.fingerprint,
                Ts(at)
            ],
        )?;
        self.exec(
            "DELETE FROM peer_kiosks WHERE name NOT IN
                 (SELECT name FROM peer_kiosks ORDER BY seen_at DESC, name LIMIT ?1)",
            params![PEERS_KEPT],
        )?;
        Ok(())
    }

    /// A kiosk said goodbye (or stopped answering).
    pub fn peer_gone(&self, name: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "UPDATE peer_kiosks SET gone_at = ?2 WHERE name = ?1 AND gone_at IS NULL",
            params![name, Ts(at)],
        )?;
        Ok(())
    }

    /// Every kiosk ever heard of, by name.
    pub fn peers(&self) -> Result<Vec<PeerKiosk>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM peer_kiosks ORDER BY name"),
            [],
            peer,
        )
    }
}
