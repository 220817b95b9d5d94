//! Visitors' badges: queued at an arrival, then how their print went.

use chrono::{DateTime, Utc};
use rusqlite::params;
use uuid::Uuid;

use super::Tx;
use super::values::{Id, Ts};
use crate::domain::badges::{BadgePrint, PrintState};
use crate::error::StoreError;

fn state(text: &str) -> rusqlite::Result<PrintState> {
    PrintState::parse(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("unknown badge state {text:?}").into(),
        )
    })
}

impl Tx<'_> {
    /// Queues a badge for a visitor who arrived `at`; a visit that had one keeps it.
    pub fn queue_badge(&self, visit: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO badge_prints (visit, state, error, at) VALUES (?1, 'queued', NULL, ?2)
             ON CONFLICT (visit) DO NOTHING",
            params![Id(visit), Ts(at)],
        )?;
        Ok(())
    }

    /// Staff ask for a visit's badge again.
    pub fn requeue_badge(&self, visit: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO badge_prints (visit, state, error, at) VALUES (?1, 'queued', NULL, ?2)
             ON CONFLICT (visit) DO UPDATE SET state = 'queued', error = NULL, at = ?2",
            params![Id(visit), Ts(at)],
        )?;
        Ok(())
    }

    /// Where a visit's badge is now.
    pub fn set_badge(
        &self,
        visit: Uuid,
        state: PrintState,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE badge_prints SET state = ?2, error = ?3, at = ?4 WHERE visit = ?1",
            params![Id(visit), state.as_str(), error, Ts(at)],
        )?;
        Ok(())
    }

    /// Badges waiting to be printed, the oldest first, with when each was queued.
    pub fn queued_badges(&self) -> Result<Vec<(Uuid, DateTime<Utc>)>, StoreError> {
        self.rows(
            "SELECT visit, at FROM badge_prints WHERE state = 'queued' ORDER BY at",
            [],
            |r| Ok((r.get::<_, Id>("visit")?.0, r.get::<_, Ts>("at")?.0)),
        )
    }

    /// The badges of visitors still kept on the device, the newest first.
    pub fn badge_prints(&self, limit: usize) -> Result<Vec<BadgePrint>, StoreError> {
        self.rows(
            "SELECT b.visit AS visit, v.full_name AS full_name, b.state AS state, b.error AS error,
                    b.at AS at
             FROM badge_prints b JOIN visitors v ON v.local_id = b.visit
             ORDER BY b.at DESC LIMIT ?1",
            [i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
                Ok(BadgePrint {
                    visit: r.get::<_, Id>("visit")?.0,
                    visitor_name: r.get("full_name")?,
                    state: state(&r.get::<_, String>("state")?)?,
                    error: r.get("error")?,
                    at: r.get::<_, Ts>("at")?.0,
                })
            },
        )
    }
}
