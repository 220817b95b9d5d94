//! The store: the only place with SQL. Small typed methods over one SQLite connection.
//!
//! Durability: WAL with `synchronous = FULL`. In WAL mode FULL syncs the WAL on every commit, so
//! a transaction that has committed survives a power cut; NORMAL would only keep the database
//! consistent and could lose the last taps, which the kiosk has already told a member about.
//! Every write runs in a `BEGIN IMMEDIATE` transaction, so it takes the write lock up front and
//! never fails half-way on a lock upgrade.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use rusqlite_migration::{M, Migrations};
use uuid::Uuid;

use crate::error::StoreError;
use crate::model::{
    CheckinRow, FailedRow, Member, Origin, OutboxEntry, OutboxOp, OutboxStatus, Target,
};

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_outbox_queue_indexes.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// A fixed-width UTC timestamp: sorts as text in time order.
pub fn ts(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn parse_ts(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Data(format!("bad time {text:?}: {e}")))
}

fn local_ts(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn parse_local(text: &str) -> Result<NaiveDateTime, StoreError> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .map_err(|e| StoreError::Data(format!("bad local time {text:?}: {e}")))
}

fn parse_uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|e| StoreError::Data(format!("bad id {text:?}: {e}")))
}

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

fn ids_from(text: &str) -> Vec<i64> {
    serde_json::from_str(text).unwrap_or_default()
}

/// The kiosk's database.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (or creates) the database file, checks it, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(StoreError::from_sqlite)?;
        Self::setup(conn, true)
    }

    /// A private in-memory database, for tests.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?, false)
    }

    fn setup(mut conn: Connection, file: bool) -> Result<Self, StoreError> {
        // Per connection, outside migrations.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if file {
            let mode: String = conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .map_err(StoreError::from_sqlite)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Data(format!(
                    "cannot use WAL (journal mode {mode})"
                )));
            }
            conn.pragma_update(None, "synchronous", "FULL")?;
            let check: String = conn
                .query_row("PRAGMA quick_check", [], |r| r.get(0))
                .map_err(StoreError::from_sqlite)?;
            if check != "ok" {
                return Err(StoreError::Corrupt(check));
            }
        }
        let known = MIGRATIONS.len() as i64;
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(StoreError::from_sqlite)?;
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction, committed only if `f` succeeds.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        Self::transaction(&mut self.conn(), f)
    }

    /// Like [`Store::write`], but committed without waiting for the disk (`synchronous =
    /// NORMAL` for this one transaction). A crash of the process cannot lose it; a power cut
    /// can, and leaves the database as it was before it (WAL frames reach the disk in order, so
    /// nothing later survives without it). Only for bookkeeping whose loss is repaired by
    /// design: a sync result, whose entry then stays "in doubt" and is looked up on the server.
    pub fn write_relaxed<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.conn();
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(StoreError::from_sqlite)?;
        let result = Self::transaction(&mut conn, f);
        let restored = conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(StoreError::from_sqlite);
        let out = result?;
        restored?;
        Ok(out)
    }

    fn transaction<T, E: From<StoreError>>(
        conn: &mut Connection,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from_sqlite)?;
        let out = f(&Tx(&tx))?;
        tx.commit().map_err(StoreError::from_sqlite)?;
        Ok(out)
    }

    /// Runs `f` over a consistent read of the database.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(StoreError::from_sqlite)?;
        f(&Tx(&tx))
    }

    /// `PRAGMA integrity_check`: "ok", or what is wrong.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// The typed operations inside one transaction.
#[derive(Debug)]
pub struct Tx<'c>(&'c rusqlite::Transaction<'c>);

fn sql(e: rusqlite::Error) -> StoreError {
    StoreError::from_sqlite(e)
}

const MEMBER_COLUMNS: &str = "id, full_name, company, active, plan, home_location, locations, teams, pin_hash, card_hash, updated_on";

fn member_from(r: &Row<'_>) -> rusqlite::Result<(Member, Option<String>)> {
    Ok((
        Member {
            id: r.get(0)?,
            full_name: r.get(1)?,
            company: r.get(2)?,
            active: r.get(3)?,
            plan: r.get(4)?,
            home_location: r.get(5)?,
            locations: ids_from(&r.get::<_, String>(6)?),
            teams: ids_from(&r.get::<_, String>(7)?),
            pin_hash: r.get(8)?,
            card_hash: r.get(9)?,
            updated_on: None,
        },
        r.get(10)?,
    ))
}

fn finish_member((mut m, updated): (Member, Option<String>)) -> Result<Member, StoreError> {
    m.updated_on = updated.as_deref().map(parse_ts).transpose()?;
    Ok(m)
}

const CHECKIN_COLUMNS: &str = "local_id, nexudus_id, member_id, location_id, from_time, from_time_local, to_time, \
     to_time_local, source, method, auto_checkout, teams, plan, origin, extra";

/// The raw text of a check-in row, parsed outside rusqlite's closure so errors are ours.
type RawCheckin = (
    String,
    Option<i64>,
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    String,
    bool,
    Option<String>,
    Option<String>,
    String,
    String,
);

fn raw_checkin(r: &Row<'_>) -> rusqlite::Result<RawCheckin> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
        r.get(14)?,
    ))
}

fn checkin_from(raw: RawCheckin) -> Result<CheckinRow, StoreError> {
    let (
        local_id,
        nexudus_id,
        member_id,
        location_id,
        from,
        from_local,
        to,
        to_local,
        source,
        method,
        auto,
        teams,
        plan,
        origin,
        extra,
    ) = raw;
    Ok(CheckinRow {
        local_id: parse_uuid(&local_id)?,
        nexudus_id,
        member_id,
        location_id,
        from_time: parse_ts(&from)?,
        from_time_local: from_local.as_deref().map(parse_local).transpose()?,
        to_time: to.as_deref().map(parse_ts).transpose()?,
        to_time_local: to_local.as_deref().map(parse_local).transpose()?,
        source,
        method,
        auto_checkout: auto,
        teams,
        plan,
        origin: if origin == "server" {
            Origin::Server
        } else {
            Origin::Kiosk
        },
        extra: serde_json::from_str(&extra)
            .unwrap_or(serde_json::Value::Object(serde_json::Map::new())),
    })
}

const FAILED_COLUMNS: &str = "local_id, nexudus_id, member_id, location_id, attempt_time, attempt_local, source, method, \
     reason, description, teams, plan";

type RawFailed = (
    String,
    Option<i64>,
    Option<i64>,
    i64,
    String,
    Option<String>,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn raw_failed(r: &Row<'_>) -> rusqlite::Result<RawFailed> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

fn failed_from(raw: RawFailed) -> Result<FailedRow, StoreError> {
    let (
        local_id,
        nexudus_id,
        member_id,
        location_id,
        at,
        at_local,
        source,
        method,
        reason,
        description,
        teams,
        plan,
    ) = raw;
    Ok(FailedRow {
        local_id: parse_uuid(&local_id)?,
        nexudus_id,
        member_id,
        location_id,
        attempt_time: parse_ts(&at)?,
        attempt_local: at_local.as_deref().map(parse_local).transpose()?,
        source,
        method,
        reason,
        description,
        teams,
        plan,
    })
}

/// The queue: entries still to send. Word for word the `outbox_queue` index's term (migration
/// 0002), or SQLite will not use that index and scans the whole history instead.
const QUEUED: &str = "status IN ('pending', 'claimed')";

/// The WHERE term for entries of one status, phrased so the open ones use their partial index
/// (`outbox_parked`'s term is `status = 'parked'`).
fn with_status(status: OutboxStatus) -> String {
    let status = status.as_str();
    match status {
        "pending" | "claimed" => format!("{QUEUED} AND status = '{status}'"),
        _ => format!("status = '{status}'"),
    }
}

const OUTBOX_COLUMNS: &str =
    "id, op, target, status, attempts, next_attempt_at, last_error, in_doubt, created_at";

type RawOutbox = (
    i64,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    bool,
    String,
);

fn raw_outbox(r: &Row<'_>) -> rusqlite::Result<RawOutbox> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn outbox_from(raw: RawOutbox) -> Result<OutboxEntry, StoreError> {
    let (id, op, target, status, attempts, next, last_error, in_doubt, created) = raw;
    Ok(OutboxEntry {
        id,
        op: OutboxOp::parse(&op)
            .ok_or_else(|| StoreError::Data(format!("unknown outbox op {op:?}")))?,
        target: parse_uuid(&target)?,
        status: OutboxStatus::parse(&status)
            .ok_or_else(|| StoreError::Data(format!("unknown status {status:?}")))?,
        attempts,
        next_attempt_at: parse_ts(&next)?,
        last_error,
        in_doubt,
        created_at: parse_ts(&created)?,
    })
}

impl Tx<'_> {
    // ---- members ------------------------------------------------------------------------------

    pub fn upsert_member(&self, m: &Member) -> Result<(), StoreError> {
        self.0
            .prepare_cached(
                "INSERT INTO members (id, full_name, company, active, plan, home_location, locations, teams, pin_hash, card_hash, updated_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id) DO UPDATE SET full_name = ?2, company = ?3, active = ?4, plan = ?5, home_location = ?6,
                   locations = ?7, teams = ?8, pin_hash = ?9, card_hash = ?10, updated_on = ?11",
            )
            .map_err(sql)?
            .execute(params![
                m.id,
                m.full_name,
                m.company,
                m.active,
                m.plan,
                m.home_location,
                ids_json(&m.locations),
                ids_json(&m.teams),
                m.pin_hash,
                m.card_hash,
                m.updated_on.as_ref().map(ts),
            ])
            .map_err(sql)?;
        Ok(())
    }

    /// Removes members that left upstream; their check-in history stays.
    pub fn remove_member(&self, id: i64) -> Result<(), StoreError> {
        self.0
            .execute("DELETE FROM members WHERE id = ?1", [id])
            .map_err(sql)?;
        Ok(())
    }

    pub fn member(&self, id: i64) -> Result<Option<Member>, StoreError> {
        let q = format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1");
        self.0
            .query_row(&q, [id], member_from)
            .optional()
            .map_err(sql)?
            .map(finish_member)
            .transpose()
    }

    fn member_by(&self, column: &str, hash: &[u8]) -> Result<Option<Member>, StoreError> {
        let q = format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE {column} = ?1 ORDER BY active DESC LIMIT 1"
        );
        self.0
            .query_row(&q, [hash], member_from)
            .optional()
            .map_err(sql)?
            .map(finish_member)
            .transpose()
    }

    pub fn member_by_pin(&self, hash: &[u8]) -> Result<Option<Member>, StoreError> {
        self.member_by("pin_hash", hash)
    }

    pub fn member_by_card(&self, hash: &[u8]) -> Result<Option<Member>, StoreError> {
        self.member_by("card_hash", hash)
    }

    pub fn members(&self) -> Result<Vec<Member>, StoreError> {
        let q = format!("SELECT {MEMBER_COLUMNS} FROM members ORDER BY id");
        let mut stmt = self.0.prepare(&q).map_err(sql)?;
        let rows = stmt.query_map([], member_from).map_err(sql)?;
        rows.map(|r| r.map_err(sql).and_then(finish_member))
            .collect()
    }

    pub fn member_ids(&self) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .0
            .prepare("SELECT id FROM members ORDER BY id")
            .map_err(sql)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(sql)?;
        rows.map(|r| r.map_err(sql)).collect()
    }

    // ---- teams and locations ------------------------------------------------------------------

    pub fn replace_teams(&self, teams: &[(i64, String)]) -> Result<(), StoreError> {
        self.0.execute("DELETE FROM teams", []).map_err(sql)?;
        let mut stmt = self
            .0
            .prepare_cached("INSERT INTO teams (id, name) VALUES (?1, ?2)")
            .map_err(sql)?;
        for (id, name) in teams {
            stmt.execute(params![id, name]).map_err(sql)?;
        }
        Ok(())
    }

    /// The names of the given teams, joined as the API's `TeamsAtTheTimeOfCheckin` wants.
    pub fn team_names(&self, ids: &[i64]) -> Result<Option<String>, StoreError> {
        let mut names = Vec::new();
        let mut stmt = self
            .0
            .prepare_cached("SELECT name FROM teams WHERE id = ?1")
            .map_err(sql)?;
        for id in ids {
            if let Some(name) = stmt
                .query_row([id], |r| r.get::<_, String>(0))
                .optional()
                .map_err(sql)?
            {
                names.push(name);
            }
        }
        Ok((!names.is_empty()).then(|| names.join(", ")))
    }

    pub fn replace_locations(
        &self,
        locations: &[(i64, String, Option<String>)],
    ) -> Result<(), StoreError> {
        self.0.execute("DELETE FROM locations", []).map_err(sql)?;
        let mut stmt = self
            .0
            .prepare_cached("INSERT INTO locations (id, name, time_zone) VALUES (?1, ?2, ?3)")
            .map_err(sql)?;
        for (id, name, tz) in locations {
            stmt.execute(params![id, name, tz]).map_err(sql)?;
        }
        Ok(())
    }

    pub fn locations(&self) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
        let mut stmt = self
            .0
            .prepare("SELECT id, name, time_zone FROM locations ORDER BY name")
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(sql)?;
        rows.map(|r| r.map_err(sql)).collect()
    }

    // ---- check-ins ----------------------------------------------------------------------------

    pub fn insert_checkin(&self, c: &CheckinRow, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.0
            .prepare_cached(&format!(
                "INSERT INTO checkins ({CHECKIN_COLUMNS}, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ))
            .map_err(sql)?
            .execute(params![
                c.local_id.to_string(),
                c.nexudus_id,
                c.member_id,
                c.location_id,
                ts(&c.from_time),
                c.from_time_local.as_ref().map(local_ts),
                c.to_time.as_ref().map(ts),
                c.to_time_local.as_ref().map(local_ts),
                c.source,
                c.method,
                c.auto_checkout,
                c.teams,
                c.plan,
                c.origin.as_str(),
                c.extra.to_string(),
                ts(&now),
            ])
            .map_err(sql)?;
        Ok(())
    }

    pub fn checkin(&self, local_id: Uuid) -> Result<Option<CheckinRow>, StoreError> {
        let q = format!("SELECT {CHECKIN_COLUMNS} FROM checkins WHERE local_id = ?1");
        self.0
            .prepare_cached(&q)
            .map_err(sql)?
            .query_row([local_id.to_string()], raw_checkin)
            .optional()
            .map_err(sql)?
            .map(checkin_from)
            .transpose()
    }

    pub fn checkin_by_nexudus_id(&self, id: i64) -> Result<Option<CheckinRow>, StoreError> {
        let q = format!("SELECT {CHECKIN_COLUMNS} FROM checkins WHERE nexudus_id = ?1");
        self.0
            .query_row(&q, [id], raw_checkin)
            .optional()
            .map_err(sql)?
            .map(checkin_from)
            .transpose()
    }

    /// The member's open check-in at a location, if any (the newest).
    pub fn open_checkin(
        &self,
        member_id: i64,
        location_id: i64,
    ) -> Result<Option<CheckinRow>, StoreError> {
        let q = format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins WHERE member_id = ?1 AND location_id = ?2 AND to_time IS NULL ORDER BY from_time DESC LIMIT 1"
        );
        self.0
            .query_row(&q, params![member_id, location_id], raw_checkin)
            .optional()
            .map_err(sql)?
            .map(checkin_from)
            .transpose()
    }

    /// Every open check-in at a location.
    pub fn open_checkins(&self, location_id: i64) -> Result<Vec<CheckinRow>, StoreError> {
        let q = format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins WHERE to_time IS NULL AND location_id = ?1 ORDER BY from_time"
        );
        let mut stmt = self.0.prepare(&q).map_err(sql)?;
        let rows = stmt.query_map([location_id], raw_checkin).map_err(sql)?;
        rows.map(|r| r.map_err(sql).and_then(checkin_from))
            .collect()
    }

    /// Check-ins at a location that started at or after `since`.
    pub fn checkins_since(
        &self,
        location_id: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<CheckinRow>, StoreError> {
        let q = format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins WHERE location_id = ?1 AND from_time >= ?2 ORDER BY from_time"
        );
        let mut stmt = self.0.prepare(&q).map_err(sql)?;
        let rows = stmt
            .query_map(params![location_id, ts(&since)], raw_checkin)
            .map_err(sql)?;
        rows.map(|r| r.map_err(sql).and_then(checkin_from))
            .collect()
    }

    pub fn close_checkin(
        &self,
        local_id: Uuid,
        to: DateTime<Utc>,
        to_local: Option<NaiveDateTime>,
    ) -> Result<(), StoreError> {
        self.0
            .execute(
                "UPDATE checkins SET to_time = ?2, to_time_local = ?3 WHERE local_id = ?1",
                params![
                    local_id.to_string(),
                    ts(&to),
                    to_local.as_ref().map(local_ts)
                ],
            )
            .map_err(sql)?;
        Ok(())
    }

    pub fn set_checkin_nexudus_id(&self, local_id: Uuid, id: i64) -> Result<(), StoreError> {
        self.0
            .prepare_cached("UPDATE checkins SET nexudus_id = ?2 WHERE local_id = ?1")
            .map_err(sql)?
            .execute(params![local_id.to_string(), id])
            .map_err(sql)?;
        Ok(())
    }

    // ---- failed check-ins ---------------------------------------------------------------------

    pub fn insert_failed(&self, f: &FailedRow) -> Result<(), StoreError> {
        self.0
            .prepare_cached(&format!(
                "INSERT INTO failed_checkins ({FAILED_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ))
            .map_err(sql)?
            .execute(params![
                f.local_id.to_string(),
                f.nexudus_id,
                f.member_id,
                f.location_id,
                ts(&f.attempt_time),
                f.attempt_local.as_ref().map(local_ts),
                f.source,
                f.method,
                f.reason,
                f.description,
                f.teams,
                f.plan,
            ])
            .map_err(sql)?;
        Ok(())
    }

    pub fn failed(&self, local_id: Uuid) -> Result<Option<FailedRow>, StoreError> {
        let q = format!("SELECT {FAILED_COLUMNS} FROM failed_checkins WHERE local_id = ?1");
        self.0
            .prepare_cached(&q)
            .map_err(sql)?
            .query_row([local_id.to_string()], raw_failed)
            .optional()
            .map_err(sql)?
            .map(failed_from)
            .transpose()
    }

    pub fn set_failed_nexudus_id(&self, local_id: Uuid, id: i64) -> Result<(), StoreError> {
        self.0
            .prepare_cached("UPDATE failed_checkins SET nexudus_id = ?2 WHERE local_id = ?1")
            .map_err(sql)?
            .execute(params![local_id.to_string(), id])
            .map_err(sql)?;
        Ok(())
    }

    // ---- outbox -------------------------------------------------------------------------------

    pub fn enqueue(
        &self,
        op: OutboxOp,
        target: Uuid,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.0
            .prepare_cached("INSERT INTO outbox (op, target, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?3)")
            .map_err(sql)?
            .execute(params![op.as_str(), target.to_string(), ts(&now)])
            .map_err(sql)?;
        Ok(self.0.last_insert_rowid())
    }

    /// The oldest entry not yet done or parked: the head of the queue.
    pub fn outbox_head(&self) -> Result<Option<OutboxEntry>, StoreError> {
        Ok(self.outbox_queue(1)?.pop())
    }

    /// The first `limit` entries still to send, in order.
    pub fn outbox_queue(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        let q = format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE {QUEUED} ORDER BY id LIMIT ?1");
        let mut stmt = self.0.prepare_cached(&q).map_err(sql)?;
        let rows = stmt.query_map([limit], raw_outbox).map_err(sql)?;
        rows.map(|r| r.map_err(sql).and_then(outbox_from)).collect()
    }

    pub fn outbox_entry(&self, id: i64) -> Result<Option<OutboxEntry>, StoreError> {
        let q = format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?1");
        self.0
            .prepare_cached(&q)
            .map_err(sql)?
            .query_row([id], raw_outbox)
            .optional()
            .map_err(sql)?
            .map(outbox_from)
            .transpose()
    }

    /// Entries of a given status, oldest first.
    pub fn outbox_with(
        &self,
        status: OutboxStatus,
        limit: i64,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let q = format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE {} ORDER BY id LIMIT ?1",
            with_status(status)
        );
        let mut stmt = self.0.prepare_cached(&q).map_err(sql)?;
        let rows = stmt.query_map([limit], raw_outbox).map_err(sql)?;
        rows.map(|r| r.map_err(sql).and_then(outbox_from)).collect()
    }

    /// Entries still to send (pending or claimed).
    pub fn outbox_pending_count(&self) -> Result<i64, StoreError> {
        self.0
            .prepare_cached(&format!("SELECT count(*) FROM outbox WHERE {QUEUED}"))
            .map_err(sql)?
            .query_row([], |r| r.get(0))
            .map_err(sql)
    }

    pub fn outbox_count(&self, status: OutboxStatus) -> Result<i64, StoreError> {
        self.0
            .prepare_cached(&format!(
                "SELECT count(*) FROM outbox WHERE {}",
                with_status(status)
            ))
            .map_err(sql)?
            .query_row([], |r| r.get(0))
            .map_err(sql)
    }

    /// Whether an earlier entry for the same target is still unsent or parked.
    pub fn outbox_earlier_open(
        &self,
        target: Uuid,
        before: i64,
    ) -> Result<Option<OutboxEntry>, StoreError> {
        let q = format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE target = ?1 AND id < ?2 AND status != 'done' ORDER BY id LIMIT 1"
        );
        self.0
            .query_row(&q, params![target.to_string(), before], raw_outbox)
            .optional()
            .map_err(sql)?
            .map(outbox_from)
            .transpose()
    }

    /// Claims up to `limit` entries from the head of the queue, in order, as far as they are
    /// due, and marks each "in doubt": committed durably, this is the mark that must reach the
    /// disk before a write leaves. Answers each entry as it was before (an entry already in
    /// doubt is looked up on the server before it is sent again) with the record it sends.
    pub fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(OutboxEntry, Option<Target>)>, StoreError> {
        let due: Vec<OutboxEntry> = self
            .outbox_queue(limit)?
            .into_iter()
            .take_while(|e| e.next_attempt_at <= now)
            .collect();
        let mut mark = self
            .0
            .prepare_cached(
                "UPDATE outbox SET status = 'claimed', claimed_at = ?2, in_doubt = 1 WHERE id = ?1",
            )
            .map_err(sql)?;
        let at = ts(&now);
        let mut claimed = Vec::with_capacity(due.len());
        for e in due {
            mark.execute(params![e.id, at]).map_err(sql)?;
            let target = match e.op {
                OutboxOp::CreateCheckin | OutboxOp::CloseCheckin => {
                    self.checkin(e.target)?.map(Target::Checkin)
                }
                OutboxOp::CreateFailed => self.failed(e.target)?.map(Target::Failed),
            };
            claimed.push((e, target));
        }
        Ok(claimed)
    }

    /// Gives claimed entries that were never sent back to the queue, with the doubt they had
    /// before they were claimed (they did not leave, so claiming them added none).
    pub fn release<'e>(
        &self,
        entries: impl IntoIterator<Item = &'e OutboxEntry>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .0
            .prepare_cached(
                "UPDATE outbox SET status = 'pending', claimed_at = NULL, in_doubt = ?2 WHERE id = ?1 AND status = 'claimed'",
            )
            .map_err(sql)?;
        for e in entries {
            stmt.execute(params![e.id, e.in_doubt]).map_err(sql)?;
        }
        Ok(())
    }

    pub fn finish(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.0
            .prepare_cached("UPDATE outbox SET status = 'done', done_at = ?2, in_doubt = 0, last_error = NULL, claimed_at = NULL WHERE id = ?1")
            .map_err(sql)?
            .execute(params![id, ts(&now)])
            .map_err(sql)?;
        Ok(())
    }

    /// Back in the queue until `at`. `in_doubt`: the write may have reached the server (look it
    /// up before sending it again).
    pub fn retry_later(
        &self,
        id: i64,
        at: DateTime<Utc>,
        error: &str,
        in_doubt: bool,
    ) -> Result<(), StoreError> {
        self.0
            .prepare_cached("UPDATE outbox SET status = 'pending', attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3, in_doubt = ?4, claimed_at = NULL WHERE id = ?1")
            .map_err(sql)?
            .execute(params![id, ts(&at), error, in_doubt])
            .map_err(sql)?;
        Ok(())
    }

    /// Refused for good: waits for staff. `in_doubt` as in [`Tx::retry_later`].
    pub fn park(&self, id: i64, error: &str, in_doubt: bool) -> Result<(), StoreError> {
        self.0
            .prepare_cached("UPDATE outbox SET status = 'parked', attempts = attempts + 1, last_error = ?2, in_doubt = ?3, claimed_at = NULL WHERE id = ?1")
            .map_err(sql)?
            .execute(params![id, error, in_doubt])
            .map_err(sql)?;
        Ok(())
    }

    /// Puts a parked entry back in the queue, at the position it always had.
    pub fn unpark(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let n = self
            .0
            .execute(
                "UPDATE outbox SET status = 'pending', next_attempt_at = ?2 WHERE id = ?1 AND status = 'parked'",
                params![id, ts(&now)],
            )
            .map_err(sql)?;
        Ok(n == 1)
    }

    /// Drops a parked entry for good (staff decided).
    pub fn discard(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let n = self
            .0
            .execute(
                "UPDATE outbox SET status = 'done', done_at = ?2, last_error = 'discarded by staff: ' || coalesce(last_error, '') WHERE id = ?1 AND status = 'parked'",
                params![id, ts(&now)],
            )
            .map_err(sql)?;
        Ok(n == 1)
    }

    /// Marks the check-out entries of a check-in done: its create carried the ToTime.
    pub fn finish_close_entries(
        &self,
        target: Uuid,
        after: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.0
            .prepare_cached(&format!("UPDATE outbox SET status = 'done', done_at = ?3, in_doubt = 0 WHERE target = ?1 AND id > ?2 AND op = 'close_checkin' AND {QUEUED}"))
            .map_err(sql)?
            .execute(params![target.to_string(), after, ts(&now)])
            .map_err(sql)?;
        Ok(())
    }

    /// After a crash: whatever was claimed goes back in the queue (still in doubt if it was).
    pub fn requeue_claimed(&self) -> Result<usize, StoreError> {
        self.0
            .execute(
                &format!("UPDATE outbox SET status = 'pending', claimed_at = NULL WHERE {QUEUED} AND status = 'claimed'"),
                [],
            )
            .map_err(sql)
    }

    // ---- key-value state, settings, audit -----------------------------------------------------

    pub fn get_state(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0
            .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql)
    }

    pub fn set_state(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.0
            .execute(
                "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                params![key, value],
            )
            .map_err(sql)?;
        Ok(())
    }

    pub fn get_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.0
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                params![key, value],
            )
            .map_err(sql)?;
        Ok(())
    }

    pub fn delete_setting(&self, key: &str) -> Result<(), StoreError> {
        self.0
            .execute("DELETE FROM settings WHERE key = ?1", [key])
            .map_err(sql)?;
        Ok(())
    }

    pub fn audit(&self, at: DateTime<Utc>, action: &str, detail: &str) -> Result<(), StoreError> {
        self.0
            .execute(
                "INSERT INTO audit_log (at, action, detail) VALUES (?1, ?2, ?3)",
                params![ts(&at), action, detail],
            )
            .map_err(sql)?;
        Ok(())
    }

    pub fn audit_entries(
        &self,
        limit: i64,
    ) -> Result<Vec<(DateTime<Utc>, String, String)>, StoreError> {
        let mut stmt = self
            .0
            .prepare("SELECT at, action, detail FROM audit_log ORDER BY id DESC LIMIT ?1")
            .map_err(sql)?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(sql)?;
        rows.map(|r| {
            let (at, action, detail) = r.map_err(sql)?;
            Ok((parse_ts(&at)?, action, detail))
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_from_a_newer_build_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.db");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
        assert!(err.to_string().contains("newer version"));
    }

    #[test]
    fn a_corrupt_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.db");
        std::fs::write(
            &path,
            b"this is not a database, it is a shopping list".repeat(200),
        )
        .unwrap();
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert_eq!(err.code(), "database_corrupt", "{err}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "never silently replaced"
        );
    }

    #[test]
    fn a_file_database_uses_wal_and_full_sync() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kiosk.db")).unwrap();
        let conn = store.conn();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(
            (mode.as_str(), sync),
            ("wal", 2),
            "WAL + FULL: an acknowledged tap survives a power cut"
        );
    }

    /// Statements the connection ran, caught by [`Connection::trace_v2`] (a plain fn, so a
    /// static).
    static TRACED: Mutex<Vec<String>> = Mutex::new(Vec::new());

    #[allow(
        clippy::needless_pass_by_value,
        reason = "the signature trace_v2 takes"
    )]
    fn trace(event: rusqlite::trace::TraceEvent<'_>) {
        if let rusqlite::trace::TraceEvent::Stmt(_, sql) = event {
            TRACED.lock().unwrap().push(sql.to_owned());
        }
    }

    #[test]
    fn the_queue_is_read_through_its_indexes_never_by_scanning_the_history() {
        // A kiosk keeps every done entry, so a statement that scans the outbox gets slower
        // every day (it made the drain quadratic once). Each statement the sync engine and the
        // status bar run must find its rows through an index.
        let store = Store::in_memory().unwrap();
        let now = Utc::now();
        let target = Uuid::now_v7();
        store
            .write(|tx| {
                for _ in 0..3 {
                    tx.enqueue(OutboxOp::CreateCheckin, target, now)?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let statements = rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT;
        store.conn().trace_v2(statements, Some(trace));
        store
            .write(|tx| {
                let claimed: Vec<OutboxEntry> =
                    tx.claim_due(now, 2)?.into_iter().map(|(e, _)| e).collect();
                tx.release(&claimed[1..])?;
                tx.outbox_head()?;
                tx.outbox_pending_count()?;
                for status in [
                    OutboxStatus::Pending,
                    OutboxStatus::Claimed,
                    OutboxStatus::Parked,
                ] {
                    tx.outbox_count(status)?;
                    tx.outbox_with(status, 10)?;
                }
                tx.outbox_earlier_open(target, claimed[0].id)?;
                tx.finish_close_entries(target, claimed[0].id, now)?;
                tx.requeue_claimed()?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        store.conn().trace_v2(statements, None);
        let traced: Vec<String> = std::mem::take(&mut TRACED.lock().unwrap());
        let queue_reads: Vec<&String> = traced
            .iter()
            .filter(|q| q.contains("outbox") && !q.starts_with("INSERT"))
            .collect();
        assert!(
            queue_reads.len() >= 10,
            "the statements were traced: {traced:?}"
        );
        let conn = store.conn();
        for q in queue_reads {
            // Parameters unbound (NULL): the plan does not depend on their values.
            let mut explain = conn.prepare(&format!("EXPLAIN QUERY PLAN {q}")).unwrap();
            let mut rows = explain.raw_query();
            let mut plan: Vec<String> = Vec::new();
            while let Some(row) = rows.next().unwrap() {
                plan.push(row.get(3).unwrap());
            }
            assert!(
                !plan.iter().any(|step| step == "SCAN outbox"),
                "{q} scans the whole outbox: {plan:?}"
            );
        }
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let store = Store::in_memory().unwrap();
        let now = Utc::now();
        let r: Result<(), StoreError> = store.write(|tx| {
            tx.enqueue(OutboxOp::CreateCheckin, Uuid::now_v7(), now)?;
            Err(StoreError::Data("boom".into()))
        });
        assert!(r.is_err());
        let count = store.read(|tx| tx.outbox_pending_count()).unwrap();
        assert_eq!(count, 0, "the transaction rolled back");
    }
}
