//! Returning guests: the walk-ins remembered for the days staff chose.

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};
use uuid::Uuid;

use super::Tx;
use super::values::{Id, Ts};
use crate::error::StoreError;

/// A walk-in as the kiosk remembers them, by the visit their badge names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestRow {
    pub visit: Uuid,
    pub signer: Option<String>,
    pub full_name: String,
    pub company: Option<String>,
    pub email: String,
    pub seen_at: DateTime<Utc>,
}

const COLUMNS: &str = "visit, signer, full_name, company, email, seen_at";

fn guest(r: &Row<'_>) -> rusqlite::Result<GuestRow> {
    Ok(GuestRow {
        visit: r.get::<_, Id>("visit")?.0,
        signer: r.get("signer")?,
        full_name: r.get("full_name")?,
        company: r.get("company")?,
        email: r.get("email")?,
        seen_at: r.get::<_, Ts>("seen_at")?.0,
    })
}

impl Tx<'_> {
    pub fn remember_guest(&self, g: &GuestRow) -> Result<(), StoreError> {
        self.exec(
            &format!(
                "INSERT INTO guest_book ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (visit) DO NOTHING"
            ),
            params![
                Id(g.visit),
                g.signer,
                g.full_name,
                g.company,
                g.email,
                Ts(g.seen_at)
            ],
        )?;
        Ok(())
    }

    /// The guest whose badge names `visit`.
    pub fn guest_by_visit(&self, visit: Uuid) -> Result<Option<GuestRow>, StoreError> {
        self.row(
            &format!("SELECT {COLUMNS} FROM guest_book WHERE visit = ?1"),
            [Id(visit)],
            guest,
        )
    }

    /// The latest visit of the guest known as `signer`.
    pub fn guest_by_signer(&self, signer: &str) -> Result<Option<GuestRow>, StoreError> {
        self.row(
            &format!(
                "SELECT {COLUMNS} FROM guest_book WHERE signer = ?1 ORDER BY seen_at DESC LIMIT 1"
            ),
            [signer],
            guest,
        )
    }

    /// Forgets the guests last seen before `before`; answers how many visits.
    pub fn forget_guests_before(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        self.exec("DELETE FROM guest_book WHERE seen_at < ?1", [Ts(before)])
    }
}
