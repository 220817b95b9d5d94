//! Visitors' signed agreements: the signed copies, kept for the days staff chose.

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};
use uuid::Uuid;

use super::Tx;
use super::values::{Id, Ts};
use crate::error::StoreError;

/// A signed copy as the kiosk keeps it (its PDF read on its own: [`Tx::signed_pdf`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRow {
    pub visit: Uuid,
    pub signer: Option<String>,
    pub full_name: String,
    pub version: u32,
    pub language: Option<String>,
    pub signed_at: DateTime<Utc>,
}

const COLUMNS: &str = "visit, signer, full_name, version, language, signed_at";

fn signed(r: &Row<'_>) -> rusqlite::Result<SignedRow> {
    Ok(SignedRow {
        visit: r.get::<_, Id>("visit")?.0,
        signer: r.get("signer")?,
        full_name: r.get("full_name")?,
        version: r.get("version")?,
        language: r.get("language")?,
        signed_at: r.get::<_, Ts>("signed_at")?.0,
    })
}

impl Tx<'_> {
    /// Keeps a signed copy; a visit signs once (a second signature of the same visit, sent
    /// twice by a face, keeps the first).
    pub fn keep_signed(&self, row: &SignedRow, pdf: &[u8]) -> Result<(), StoreError> {
        self.exec(
            &format!(
                "INSERT INTO signed_agreements ({COLUMNS}, pdf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (visit) DO NOTHING"
            ),
            params![
                Id(row.visit),
                row.signer,
                row.full_name,
                row.version,
                row.language,
                Ts(row.signed_at),
                pdf
            ],
        )?;
        Ok(())
    }

    /// The copy signed for `visit`.
    pub fn signed_for(&self, visit: Uuid) -> Result<Option<SignedRow>, StoreError> {
        self.row(
            &format!("SELECT {COLUMNS} FROM signed_agreements WHERE visit = ?1"),
            [Id(visit)],
            signed,
        )
    }

    /// Whether `signer` signed `version` (on any visit whose copy is still kept).
    pub fn has_signed(&self, signer: &str, version: u32) -> Result<bool, StoreError> {
        Ok(self
            .row(
                "SELECT 1 FROM signed_agreements WHERE signer = ?1 AND version = ?2 LIMIT 1",
                params![signer, version],
                |_| Ok(()),
            )?
            .is_some())
    }

    /// The copies signed since `since`, newest first.
    pub fn signed_since(&self, since: DateTime<Utc>) -> Result<Vec<SignedRow>, StoreError> {
        self.rows(
            &format!(
                "SELECT {COLUMNS} FROM signed_agreements WHERE signed_at >= ?1 ORDER BY signed_at DESC"
            ),
            [Ts(since)],
            signed,
        )
    }

    /// A signed copy's PDF.
    pub fn signed_pdf(&self, visit: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        self.row(
            "SELECT pdf FROM signed_agreements WHERE visit = ?1",
            [Id(visit)],
            |r| r.get("pdf"),
        )
    }

    /// Deletes the copies signed before `before` (their retention is over); answers how many.
    pub fn forget_signed_before(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        self.exec(
            "DELETE FROM signed_agreements WHERE signed_at < ?1",
            [Ts(before)],
        )
    }
}
