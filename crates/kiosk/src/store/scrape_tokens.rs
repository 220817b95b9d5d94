//! Tokens a metrics scraper reads `GET /metrics` with: a name, when made, when last used,
//! whether revoked. Tokens only as hashes.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::Tx;
use super::values::Ts;
use crate::error::StoreError;

/// One scrape token, as the staff panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct ScrapeToken {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, name, created_at, last_used, revoked_at";

fn scrape_token(r: &rusqlite::Row<'_>) -> rusqlite::Result<ScrapeToken> {
    Ok(ScrapeToken {
        id: r.get("id")?,
        name: r.get("name")?,
        created_at: r.get::<_, Ts>("created_at")?.0,
        last_used: r.get::<_, Option<Ts>>("last_used")?.map(|t| t.0),
        revoked_at: r.get::<_, Option<Ts>>("revoked_at")?.map(|t| t.0),
    })
}

impl Tx<'_> {
    /// A new scrape token; answers its id.
    pub fn insert_scrape_token(
        &self,
        name: &str,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.exec(
            "INSERT INTO scrape_tokens (name, token_hash, created_at) VALUES (?1, ?2, ?3)",
            params![name, token_hash, Ts(at)],
        )?;
        Ok(self.last_insert_rowid())
    }

    /// Every scrape token ever made, the newest first.
    pub fn scrape_tokens(&self) -> Result<Vec<ScrapeToken>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM scrape_tokens ORDER BY id DESC"),
            [],
            scrape_token,
        )
    }

    /// The not revoked scrape token with this hash.
    pub fn scrape_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<ScrapeToken>, StoreError> {
        self.row(
            &format!(
                "SELECT {COLUMNS} FROM scrape_tokens WHERE token_hash = ?1 AND revoked_at IS NULL"
            ),
            [token_hash],
            scrape_token,
        )
    }

    pub fn touch_scrape_token(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "UPDATE scrape_tokens SET last_used = ?2 WHERE id = ?1",
            params![id, Ts(at)],
        )?;
        Ok(())
    }

    /// Revokes a scrape token; false if there is none with that id still valid.
    pub fn revoke_scrape_token(&self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.exec(
            "UPDATE scrape_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, Ts(at)],
        )? == 1)
    }
}
