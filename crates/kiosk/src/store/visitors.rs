//! Visitors of the kiosk's location: the day's expected guests, their arrivals and departures.

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};
use uuid::Uuid;

use super::Tx;
use super::values::{Id, Ts};
use crate::domain::model::{VisitorRow, WalkInRow};
use crate::error::StoreError;
use nexudus::HostApproval;

const VISITOR_COLUMNS: &str = "local_id, nexudus_id, location_id, full_name, code, host_id, host_name, \
     expected_arrival, arrived_at, departed_at, approval, walk_in, email, company, agreed_terms, asked_at, signer";

fn visitor(r: &Row<'_>) -> rusqlite::Result<VisitorRow> {
    Ok(VisitorRow {
        local_id: r.get::<_, Id>("local_id")?.0,
        nexudus_id: r.get("nexudus_id")?,
        location_id: r.get("location_id")?,
        full_name: r.get("full_name")?,
        code: r.get("code")?,
        host_id: r.get("host_id")?,
        host_name: r.get("host_name")?,
        expected_arrival: r.get::<_, Ts>("expected_arrival")?.0,
        arrived_at: r.get::<_, Option<Ts>>("arrived_at")?.map(|t| t.0),
        departed_at: r.get::<_, Option<Ts>>("departed_at")?.map(|t| t.0),
        approval: HostApproval::from_code(r.get("approval")?),
        walk_in: r
            .get::<_, bool>("walk_in")?
            .then(|| -> rusqlite::Result<WalkInRow> {
                Ok(WalkInRow {
                    email: r.get("email")?,
                    company: r.get("company")?,
                    agreed_terms: r.get("agreed_terms")?,
                })
            })
            .transpose()?,
        asked_at: r.get::<_, Option<Ts>>("asked_at")?.map(|t| t.0),
        signer: r.get("signer")?,
    })
}

impl Tx<'_> {
    /// Keeps a visitor read from Nexudus. What the server says of the visit wins, except an
    /// arrival or departure recorded here that the server has not heard of yet.
    pub fn keep_pulled_visitor(&self, v: &VisitorRow) -> Result<(), StoreError> {
        self.exec(
            &format!(
                "INSERT INTO visitors ({VISITOR_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, NULL, NULL, 0, NULL, ?12)
                 ON CONFLICT (nexudus_id) DO UPDATE SET
                    location_id = excluded.location_id, full_name = excluded.full_name,
                    code = excluded.code, host_id = excluded.host_id, host_name = excluded.host_name,
                    expected_arrival = excluded.expected_arrival, signer = excluded.signer,
                    approval = CASE WHEN visitors.walk_in = 1 THEN visitors.approval ELSE excluded.approval END,
                    arrived_at = coalesce(visitors.arrived_at, excluded.arrived_at),
                    departed_at = coalesce(visitors.departed_at, excluded.departed_at)"
            ),
            params![
                Id(v.local_id),
                v.nexudus_id,
                v.location_id,
                v.full_name,
                v.code,
                v.host_id,
                v.host_name,
                Ts(v.expected_arrival),
                v.arrived_at.map(Ts),
                v.departed_at.map(Ts),
                v.approval.code(),
                v.signer,
            ],
        )?;
        Ok(())
    }

    /// Keeps a walk-in registered here, to be sent by the outbox.
    pub fn insert_walk_in(&self, v: &VisitorRow) -> Result<(), StoreError> {
        let w = v.walk_in.clone().unwrap_or_default();
        self.exec(
            &format!(
                "INSERT INTO visitors ({VISITOR_COLUMNS}) VALUES (?1, NULL, ?2, ?3, NULL, ?4, ?5, ?6, ?7, NULL, ?8, 1, ?9, ?10, ?11, NULL, ?12)"
            ),
            params![
                Id(v.local_id),
                v.location_id,
                v.full_name,
                v.host_id,
                v.host_name,
                Ts(v.expected_arrival),
                v.arrived_at.map(Ts),
                v.approval.code(),
                w.email,
                w.company,
                w.agreed_terms,
                v.signer,
            ],
        )?;
        Ok(())
    }

    /// Nexudus has the walk-in `local_id` as record `id`: the kiosk keeps the Id and forgets
    /// the e-mail (the company stays for the day, like the name: the badge prints it). A copy of the record pulled meanwhile (while the answer was in
    /// doubt) gives way to the kiosk's own row.
    pub fn adopt_visitor_id(&self, local_id: Uuid, id: i64) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM visitors WHERE nexudus_id = ?2 AND local_id != ?1
             AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.target = visitors.local_id AND outbox.status != 'done')",
            params![Id(local_id), id],
        )?;
        self.exec(
            "UPDATE OR IGNORE visitors SET nexudus_id = ?2, email = NULL WHERE local_id = ?1",
            params![Id(local_id), id],
        )?;
        Ok(())
    }

    /// What the host answered (or the kiosk asked).
    /// An expected visitor whose host must approve asked to sign in at `at`.
    pub fn set_visitor_asked(&self, local_id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "UPDATE visitors SET asked_at = ?2 WHERE local_id = ?1",
            params![Id(local_id), Ts(at)],
        )?;
        Ok(())
    }

    pub fn set_visitor_approval(
        &self,
        local_id: Uuid,
        approval: HostApproval,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE visitors SET approval = ?2 WHERE local_id = ?1",
            params![Id(local_id), approval.code()],
        )?;
        Ok(())
    }

    /// Walk-ins of the location registered since `since`.
    pub fn walk_ins_since(
        &self,
        location_id: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<VisitorRow>, StoreError> {
        self.rows(
            &format!(
                "SELECT {VISITOR_COLUMNS} FROM visitors WHERE location_id = ?1
                 AND ((walk_in = 1 AND expected_arrival >= ?2) OR asked_at >= ?2)
                 ORDER BY coalesce(asked_at, expected_arrival)"
            ),
            params![location_id, Ts(since)],
            visitor,
        )
    }

    /// Today's visitors of the location whose name has a word starting with `prefix` (folded
    /// to lower case), at most `limit`, those signed in first.
    pub fn visitors_named(
        &self,
        location_id: i64,
        since: DateTime<Utc>,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<VisitorRow>, StoreError> {
        let all = self.rows(
            &format!(
                "SELECT {VISITOR_COLUMNS} FROM visitors WHERE location_id = ?1 AND expected_arrival >= ?2
                 ORDER BY (arrived_at IS NOT NULL AND departed_at IS NULL) DESC, expected_arrival"
            ),
            params![location_id, Ts(since)],
            visitor,
        )?;
        Ok(all
            .into_iter()
            .filter(|v| crate::domain::fold::words_start_with(&v.full_name, prefix))
            .take(limit)
            .collect())
    }

    /// The location's visitors signed in and not out.
    pub fn visitors_in(&self, location_id: i64) -> Result<Vec<VisitorRow>, StoreError> {
        self.rows(
            &format!(
                "SELECT {VISITOR_COLUMNS} FROM visitors WHERE location_id = ?1
                 AND arrived_at IS NOT NULL AND departed_at IS NULL ORDER BY arrived_at"
            ),
            [location_id],
            visitor,
        )
    }

    pub fn visitor(&self, local_id: Uuid) -> Result<Option<VisitorRow>, StoreError> {
        self.row(
            &format!("SELECT {VISITOR_COLUMNS} FROM visitors WHERE local_id = ?1"),
            [Id(local_id)],
            visitor,
        )
    }

    /// The visitor of this location expected since `since` whose invitation has `code` (in
    /// capitals).
    pub fn visitor_by_code(
        &self,
        location_id: i64,
        code: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<VisitorRow>, StoreError> {
        self.row(
            &format!(
                "SELECT {VISITOR_COLUMNS} FROM visitors WHERE code = ?1 AND location_id = ?2
                 AND expected_arrival >= ?3 ORDER BY expected_arrival LIMIT 1"
            ),
            params![code, location_id, Ts(since)],
            visitor,
        )
    }

    pub fn set_visitor_arrived(&self, local_id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "UPDATE visitors SET arrived_at = ?2, departed_at = NULL WHERE local_id = ?1",
            params![Id(local_id), Ts(at)],
        )?;
        Ok(())
    }

    pub fn set_visitor_departed(
        &self,
        local_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE visitors SET departed_at = ?2 WHERE local_id = ?1",
            params![Id(local_id), Ts(at)],
        )?;
        Ok(())
    }

    /// Wipes the visitors expected before `before` that nothing waits to be sent for: the kiosk
    /// keeps a guest's name no longer than the visit's day.
    pub fn wipe_visitors_before(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let wiped = self.exec(
            "DELETE FROM visitors WHERE expected_arrival < ?1
             AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.target = visitors.local_id AND outbox.status != 'done')",
            [Ts(before)],
        )?;
        // Their badges and photos go with them.
        self.exec(
            "DELETE FROM badge_prints WHERE visit NOT IN (SELECT local_id FROM visitors)",
            [],
        )?;
        self.exec(
            "DELETE FROM visitor_photos WHERE visit NOT IN (SELECT local_id FROM visitors)",
            [],
        )?;
        Ok(wiped)
    }
}
