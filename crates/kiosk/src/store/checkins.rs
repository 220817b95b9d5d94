//! Check-ins (the kiosk's own and those read from the server) and refused attempts.

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Row, params};
use uuid::Uuid;

use super::Tx;
use super::values::{Id, LocalTs, Ts};
use crate::domain::model::{CheckinRow, FailedRow};
use crate::error::StoreError;

const CHECKIN_COLUMNS: &str = "local_id, nexudus_id, member_id, location_id, from_time, from_time_local, to_time, \
     to_time_local, source, method, auto_checkout, teams, plan, origin, extra";

fn checkin(r: &Row<'_>) -> rusqlite::Result<CheckinRow> {
    Ok(CheckinRow {
        local_id: r.get::<_, Id>("local_id")?.0,
        nexudus_id: r.get("nexudus_id")?,
        member_id: r.get("member_id")?,
        location_id: r.get("location_id")?,
        from_time: r.get::<_, Ts>("from_time")?.0,
        from_time_local: r.get::<_, Option<LocalTs>>("from_time_local")?.map(|t| t.0),
        to_time: r.get::<_, Option<Ts>>("to_time")?.map(|t| t.0),
        to_time_local: r.get::<_, Option<LocalTs>>("to_time_local")?.map(|t| t.0),
        source: r.get("source")?,
        method: r.get("method")?,
        auto_checkout: r.get("auto_checkout")?,
        teams: r.get("teams")?,
        plan: r.get("plan")?,
        origin: r.get("origin")?,
        // Kept opaque: what the server set that the kiosk does not own. Unreadable (an older
        // build wrote something else) means nothing to carry back.
        server_fields: serde_json::from_str(&r.get::<_, String>("extra")?).unwrap_or_default(),
    })
}

const FAILED_COLUMNS: &str = "local_id, nexudus_id, member_id, location_id, attempt_time, attempt_local, source, method, \
     reason, description, teams, plan";

fn failed(r: &Row<'_>) -> rusqlite::Result<FailedRow> {
    Ok(FailedRow {
        local_id: r.get::<_, Id>("local_id")?.0,
        nexudus_id: r.get("nexudus_id")?,
        member_id: r.get("member_id")?,
        location_id: r.get("location_id")?,
        attempt_time: r.get::<_, Ts>("attempt_time")?.0,
        attempt_local: r.get::<_, Option<LocalTs>>("attempt_local")?.map(|t| t.0),
        source: r.get("source")?,
        method: r.get("method")?,
        reason: r.get("reason")?,
        description: r.get("description")?,
        teams: r.get("teams")?,
        plan: r.get("plan")?,
    })
}

impl Tx<'_> {
    pub fn insert_checkin(&self, c: &CheckinRow, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            &format!(
                "INSERT INTO checkins ({CHECKIN_COLUMNS}, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ),
            params![
                Id(c.local_id),
                c.nexudus_id,
                c.member_id,
                c.location_id,
                Ts(c.from_time),
                c.from_time_local.map(LocalTs),
                c.to_time.map(Ts),
                c.to_time_local.map(LocalTs),
                c.source,
                c.method,
                c.auto_checkout,
                c.teams,
                c.plan,
                c.origin,
                serde_json::to_string(&c.server_fields).unwrap_or_else(|_| "{}".into()),
                Ts(now),
            ],
        )?;
        Ok(())
    }

    pub fn checkin(&self, local_id: Uuid) -> Result<Option<CheckinRow>, StoreError> {
        self.row(
            &format!("SELECT {CHECKIN_COLUMNS} FROM checkins WHERE local_id = ?1"),
            [Id(local_id)],
            checkin,
        )
    }

    pub fn checkin_by_nexudus_id(&self, id: i64) -> Result<Option<CheckinRow>, StoreError> {
        self.row(
            &format!("SELECT {CHECKIN_COLUMNS} FROM checkins WHERE nexudus_id = ?1"),
            [id],
            checkin,
        )
    }

    /// Which of this kiosk's check-ins a server record is: by its Id, by its `SystemId` (the
    /// kiosk's `local_id`), or, where the server keeps no `SystemId`, as the kiosk's own check-in
    /// not yet given an Id with the same member, location and `FromTime` to the second.
    pub fn checkin_for_record(
        &self,
        record: &ServerCheckin,
    ) -> Result<Option<CheckinRow>, StoreError> {
        if let Some(row) = self.checkin_by_nexudus_id(record.id)? {
            return Ok(Some(row));
        }
        if let Some(local_id) = record
            .system_id
            .as_deref()
            .and_then(|s| Uuid::parse_str(s).ok())
        {
            return self.checkin(local_id);
        }
        let Some(member) = record.member_id else {
            return Ok(None);
        };
        let unsent: Vec<CheckinRow> = self.rows(
            &format!(
                "SELECT {CHECKIN_COLUMNS} FROM checkins
                 WHERE member_id = ?1 AND location_id = ?2 AND nexudus_id IS NULL AND origin = 'kiosk'"
            ),
            params![member, record.location_id],
            checkin,
        )?;
        Ok(unsent
            .into_iter()
            .find(|row| (row.from_time - record.from_time).num_seconds().abs() < 1))
    }

    /// When the member's newest check-in (anywhere, from anyone) started.
    pub fn latest_start(&self, member_id: i64) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.row(
            "SELECT from_time FROM checkins WHERE member_id = ?1 ORDER BY from_time DESC LIMIT 1",
            [member_id],
            |r| Ok(r.get::<_, Ts>("from_time")?.0),
        )
    }

    /// The member's open check-in at a location, if any (the newest).
    pub fn open_checkin(
        &self,
        member_id: i64,
        location_id: i64,
    ) -> Result<Option<CheckinRow>, StoreError> {
        self.row(
            &format!(
                "SELECT {CHECKIN_COLUMNS} FROM checkins WHERE member_id = ?1 AND location_id = ?2 AND to_time IS NULL ORDER BY from_time DESC LIMIT 1"
            ),
            params![member_id, location_id],
            checkin,
        )
    }

    /// Every open check-in at a location.
    pub fn open_checkins(&self, location_id: i64) -> Result<Vec<CheckinRow>, StoreError> {
        self.rows(
            &format!(
                "SELECT {CHECKIN_COLUMNS} FROM checkins WHERE to_time IS NULL AND location_id = ?1 ORDER BY from_time"
            ),
            [location_id],
            checkin,
        )
    }

    /// Check-ins at a location that started at or after `since` (not those taken back).
    pub fn checkins_since(
        &self,
        location_id: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<CheckinRow>, StoreError> {
        self.rows(
            &format!(
                "SELECT {CHECKIN_COLUMNS} FROM checkins WHERE location_id = ?1 AND from_time >= ?2 AND withdrawn_at IS NULL ORDER BY from_time"
            ),
            params![location_id, Ts(since)],
            checkin,
        )
    }

    pub fn close_checkin(
        &self,
        local_id: Uuid,
        to: DateTime<Utc>,
        to_local: Option<NaiveDateTime>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE checkins SET to_time = ?2, to_time_local = ?3 WHERE local_id = ?1",
            params![Id(local_id), Ts(to), to_local.map(LocalTs)],
        )?;
        Ok(())
    }

    /// Marks this kiosk's check-in `local_id` as merged with another kiosk's of the same member
    /// (closed at its start as the later of two open ones).
    pub fn mark_merged(&self, local_id: Uuid) -> Result<(), StoreError> {
        self.exec(
            "UPDATE checkins SET merged = 'closed' WHERE local_id = ?1",
            [Id(local_id)],
        )?;
        Ok(())
    }

    /// How many of this kiosk's check-ins at `location` begun since `since` were merged with
    /// another kiosk's.
    pub fn merges_since(&self, location: i64, since: DateTime<Utc>) -> Result<u32, StoreError> {
        Ok(self
            .row(
                "SELECT COUNT(*) AS n FROM checkins
                 WHERE location_id = ?1 AND from_time >= ?2 AND merged IS NOT NULL",
                params![location, Ts(since)],
                |r| r.get::<_, u32>("n"),
            )?
            .unwrap_or(0))
    }

    /// "Not you? Undo" of a check-in: closed at its start (nobody sees the member in) and marked
    /// taken back (no list of visits shows it). False if it is not open, or taken back already.
    pub fn withdraw_checkin(&self, local_id: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE checkins SET to_time = from_time, to_time_local = from_time_local, withdrawn_at = ?2
             WHERE local_id = ?1 AND to_time IS NULL AND withdrawn_at IS NULL",
            params![Id(local_id), Ts(now)],
        )?;
        Ok(n == 1)
    }

    /// "Not you? Undo" of a check-out: the check-in is open again. False if it is not closed,
    /// or was taken back.
    pub fn reopen_checkin(&self, local_id: Uuid) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE checkins SET to_time = NULL, to_time_local = NULL
             WHERE local_id = ?1 AND to_time IS NOT NULL AND withdrawn_at IS NULL",
            [Id(local_id)],
        )?;
        Ok(n == 1)
    }

    pub fn set_checkin_nexudus_id(&self, local_id: Uuid, id: i64) -> Result<(), StoreError> {
        self.exec(
            "UPDATE checkins SET nexudus_id = ?2 WHERE local_id = ?1",
            params![Id(local_id), id],
        )?;
        Ok(())
    }

    /// Gives the kiosk's own check-in the Id of the server's record it stands for (its own POST,
    /// or a check-in made elsewhere that it joined). A copy of that record read from the server
    /// earlier goes, unless something waits to be sent for it: then the Id stays with the copy.
    pub fn adopt_nexudus_id(&self, local_id: Uuid, id: i64) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM checkins WHERE nexudus_id = ?2 AND local_id != ?1 AND origin = 'server'
             AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.target = checkins.local_id AND outbox.status != 'done')",
            params![Id(local_id), id],
        )?;
        self.exec(
            "UPDATE OR IGNORE checkins SET nexudus_id = ?2 WHERE local_id = ?1",
            params![Id(local_id), id],
        )?;
        Ok(())
    }

    // ---- failed check-ins ---------------------------------------------------------------------

    pub fn insert_failed(&self, f: &FailedRow) -> Result<(), StoreError> {
        self.exec(
            &format!(
                "INSERT INTO failed_checkins ({FAILED_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ),
            params![
                Id(f.local_id),
                f.nexudus_id,
                f.member_id,
                f.location_id,
                Ts(f.attempt_time),
                f.attempt_local.map(LocalTs),
                f.source,
                f.method,
                f.reason,
                f.description,
                f.teams,
                f.plan,
            ],
        )?;
        Ok(())
    }

    /// The refused attempts at a location since `since`, oldest first.
    pub fn failed_since(
        &self,
        location_id: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<FailedRow>, StoreError> {
        self.rows(
            &format!(
                "SELECT {FAILED_COLUMNS} FROM failed_checkins WHERE location_id = ?1 AND attempt_time >= ?2 ORDER BY attempt_time"
            ),
            params![location_id, Ts(since)],
            failed,
        )
    }

    pub fn failed(&self, local_id: Uuid) -> Result<Option<FailedRow>, StoreError> {
        self.row(
            &format!("SELECT {FAILED_COLUMNS} FROM failed_checkins WHERE local_id = ?1"),
            [Id(local_id)],
            failed,
        )
    }

    pub fn set_failed_nexudus_id(&self, local_id: Uuid, id: i64) -> Result<(), StoreError> {
        self.exec(
            "UPDATE failed_checkins SET nexudus_id = ?2 WHERE local_id = ?1",
            params![Id(local_id), id],
        )?;
        Ok(())
    }
}

/// What tells a check-in on the server apart: enough to find the kiosk's own row for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCheckin {
    pub id: i64,
    pub system_id: Option<String>,
    pub member_id: Option<i64>,
    pub location_id: i64,
    pub from_time: DateTime<Utc>,
}
