//! Other kiosks found on the local network: what each announced, when last heard of, and when
//! it said goodbye; and those paired with this one: pinned to which key, the hash of the token
//! this kiosk gave it, and the health it last told.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::Tx;
use super::values::Ts;
use crate::domain::peers::{Heard, PairedKiosk, PeerHealth, PeerKiosk, PeerProblem};
use crate::error::StoreError;

/// Kiosks kept at most: a location has a few; a network flooded with announcements keeps the
/// most recently heard of.
pub const PEERS_KEPT: i64 = 100;

const COLUMNS: &str = "k.name AS name, k.address AS address, location_id, version, fingerprint,
     seen_at, gone_at, paired_at, health, health_at, problem, problem_at";

/// A value kept as JSON text (a paired kiosk's health, a problem's code).
fn json<T: serde::de::DeserializeOwned>(
    r: &rusqlite::Row<'_>,
    column: &str,
) -> rusqlite::Result<Option<T>> {
    let Some(text) = r.get::<_, Option<String>>(column)? else {
        return Ok(None);
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn to_json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Data(e.to_string()))
}

fn peer(r: &rusqlite::Row<'_>) -> rusqlite::Result<PeerKiosk> {
    let paired = match r.get::<_, Option<Ts>>("paired_at")? {
        Some(at) => Some(PairedKiosk {
            paired_at: at.0,
            health: json(r, "health")?,
            health_at: r.get::<_, Option<Ts>>("health_at")?.map(|t| t.0),
            problem: json(r, "problem")?,
            problem_at: r.get::<_, Option<Ts>>("problem_at")?.map(|t| t.0),
        }),
        None => None,
    };
    Ok(PeerKiosk {
        name: r.get("name")?,
        address: r.get("address")?,
        location_id: r.get("location_id")?,
        version: r.get("version")?,
        fingerprint: r.get("fingerprint")?,
        seen_at: r.get::<_, Ts>("seen_at")?.0,
        gone_at: r.get::<_, Option<Ts>>("gone_at")?.map(|t| t.0),
        paired,
    })
}

/// A paired kiosk as the face reads its health (the token it gave is in the secret store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedRow {
    pub name: String,
    /// Where it was last heard of, or where it answered at pairing.
    pub address: String,
    pub key_pin: String,
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
        // Paired kiosks are kept whatever the flood.
        self.exec(
            "DELETE FROM peer_kiosks WHERE name NOT IN (SELECT name FROM paired_kiosks)
                 AND name NOT IN
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

    /// Every kiosk ever heard of, by name, with its pairing where there is one.
    pub fn peers(&self) -> Result<Vec<PeerKiosk>, StoreError> {
        self.rows(
            &format!(
                "SELECT {COLUMNS} FROM peer_kiosks k LEFT JOIN paired_kiosks p ON p.name = k.name
                 ORDER BY k.name"
            ),
            [],
            peer,
        )
    }

    /// One kiosk heard of, by name.
    pub fn peer(&self, name: &str) -> Result<Option<PeerKiosk>, StoreError> {
        self.row(
            &format!(
                "SELECT {COLUMNS} FROM peer_kiosks k LEFT JOIN paired_kiosks p ON p.name = k.name
                 WHERE k.name = ?1"
            ),
            [name],
            peer,
        )
    }

    /// Pairs with a kiosk (again: a new pairing replaces the old, health and all).
    pub fn pair_kiosk(
        &self,
        name: &str,
        address: &str,
        key_pin: &str,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec("DELETE FROM paired_kiosks WHERE name = ?1", [name])?;
        self.exec(
            "INSERT INTO paired_kiosks (name, address, key_pin, token_hash, paired_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, address, key_pin, token_hash, Ts(at)],
        )?;
        Ok(())
    }

    /// Ends a pairing; false if there was none.
    pub fn unpair_kiosk(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self.exec("DELETE FROM paired_kiosks WHERE name = ?1", [name])? > 0)
    }

    /// Every paired kiosk, with the address it was last heard at.
    pub fn paired_kiosks(&self) -> Result<Vec<PairedRow>, StoreError> {
        self.rows(
            "SELECT p.name AS name, COALESCE(k.address, p.address) AS address, key_pin
             FROM paired_kiosks p LEFT JOIN peer_kiosks k ON k.name = p.name ORDER BY p.name",
            [],
            |r| {
                Ok(PairedRow {
                    name: r.get("name")?,
                    address: r.get("address")?,
                    key_pin: r.get("key_pin")?,
                })
            },
        )
    }

    /// The paired kiosk that holds the token with this hash.
    pub fn paired_by_token(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        self.row(
            "SELECT name FROM paired_kiosks WHERE token_hash = ?1",
            [token_hash],
            |r| r.get("name"),
        )
    }

    /// What a paired kiosk answered when read `at`: its health, or why there was none.
    pub fn note_peer_health(
        &self,
        name: &str,
        read: Result<&PeerHealth, PeerProblem>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        match read {
            Ok(health) => self.exec(
                "UPDATE paired_kiosks SET health = ?2, health_at = ?3, problem = NULL,
                     problem_at = NULL WHERE name = ?1",
                params![name, to_json(health)?, Ts(at)],
            )?,
            Err(problem) => self.exec(
                "UPDATE paired_kiosks SET problem = ?2, problem_at = ?3 WHERE name = ?1",
                params![name, to_json(&problem)?, Ts(at)],
            )?,
        };
        Ok(())
    }
}
