//! The store: the only place with SQL. Small typed methods over one SQLite connection, one file
//! per table family (`members`, `checkins`, `outbox`, `meta`); rows are read by column name.
//!
//! Durability: WAL with `synchronous = FULL`. In WAL mode FULL syncs the WAL on every commit, so
//! a transaction that has committed survives a power cut; NORMAL would only keep the database
//! consistent and could lose the last taps, which the kiosk has already told a member about.
//! Every write runs in a `BEGIN IMMEDIATE` transaction, so it takes the write lock up front and
//! never fails half-way on a lock upgrade.

mod agreements;
mod badges;
mod checkins;
mod devices;
mod guests;
mod members;
mod meta;
mod outbox;
mod passes;
mod peers;
mod photos_of_visitors;
mod retention;
mod scrape_tokens;
mod sent;
#[cfg(test)]
mod tests;
mod unread;
mod values;
mod visitors;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

use crate::error::StoreError;

pub use agreements::SignedRow;
pub use checkins::ServerCheckin;
pub use devices::Device;
pub use guests::GuestRow;
pub use members::StoredLocation;
pub use meta::{AuditEntry, SettingKey, StateKey};
pub use retention::{AUDIT_KEPT, Chosen, Forgotten, SENT_ENTRIES_KEPT, VISITS_KEPT};
pub use scrape_tokens::ScrapeToken;
pub use sent::{SENT_KEPT_FOR, SentSecond};
pub use values::ts;

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_outbox_queue_indexes.sql"),
    include_str!("../../migrations/0003_location_windows_zone.sql"),
    include_str!("../../migrations/0004_member_whole_reads.sql"),
    include_str!("../../migrations/0005_checkins_by_member.sql"),
    include_str!("../../migrations/0006_paired_devices.sql"),
    include_str!("../../migrations/0007_withdrawn_checkins.sql"),
    include_str!("../../migrations/0008_visitors.sql"),
    include_str!("../../migrations/0009_walk_ins.sql"),
    include_str!("../../migrations/0010_unread_records.sql"),
    include_str!("../../migrations/0011_passes.sql"),
    include_str!("../../migrations/0012_visitor_asked.sql"),
    include_str!("../../migrations/0013_sent_requests.sql"),
    include_str!("../../migrations/0014_merged_checkins.sql"),
    include_str!("../../migrations/0015_scrape_tokens.sql"),
    include_str!("../../migrations/0016_peer_kiosks.sql"),
    include_str!("../../migrations/0017_paired_kiosks.sql"),
    include_str!("../../migrations/0018_badge_prints.sql"),
    include_str!("../../migrations/0019_signed_agreements.sql"),
    include_str!("../../migrations/0020_guest_book.sql"),
    include_str!("../../migrations/0021_visitor_photos.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// Runs `f` again while SQLite answers "busy" or "locked" without waiting (the busy timeout
/// covers most waits, not all), for up to five seconds.
fn again_while_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match f() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < until =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// The kiosk's database.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    /// Statements run since the store opened: what tests count so a path's cost cannot grow
    /// unseen (one relaxed add a statement).
    statements: AtomicU64,
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
            // Switching a new file to WAL takes it whole for a moment, and SQLite answers
            // "locked" at once, without waiting, to another process switching it too.
            let mode: String =
                again_while_busy(|| conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)))
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
        if let Err(first) = migrations().to_latest(&mut conn) {
            // Another process opening the same new file at once (`kiosk status` beside a
            // `kiosk serve` starting) may have migrated it between this one's reading its
            // version and writing: its migration is one transaction, so where the version
            // moved, go on from where it is now.
            let now: i64 = conn
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(StoreError::from_sqlite)?;
            if now == found {
                return Err(StoreError::Migration(first.to_string()));
            }
            migrations()
                .to_latest(&mut conn)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
            statements: AtomicU64::new(0),
        })
    }

    /// How many statements the store has run since it opened.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
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
        Self::transaction(&mut self.conn(), &self.statements, f)
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
        let result = Self::transaction(&mut conn, &self.statements, f);
        let restored = conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(StoreError::from_sqlite);
        let out = result?;
        restored?;
        Ok(out)
    }

    fn transaction<T, E: From<StoreError>>(
        conn: &mut Connection,
        statements: &AtomicU64,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from_sqlite)?;
        let out = f(&Tx {
            tx: &tx,
            statements,
        })?;
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
        f(&Tx {
            tx: &tx,
            statements: &self.statements,
        })
    }

    /// Moves the write-ahead log into the database and empties it: after a tidy, so the WAL
    /// file does not keep the size of the busiest moment since the start.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(StoreError::from_sqlite)
    }

    /// `PRAGMA integrity_check`: "ok", or what is wrong.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// The typed operations inside one transaction; each table family adds its own in its file.
#[derive(Debug)]
pub struct Tx<'c> {
    tx: &'c rusqlite::Transaction<'c>,
    statements: &'c AtomicU64,
}

fn sql(e: rusqlite::Error) -> StoreError {
    StoreError::from_sqlite(e)
}

impl Tx<'_> {
    /// Runs a query and maps every row, collecting the first error.
    fn rows<T>(
        &self,
        q: &str,
        params: impl rusqlite::Params,
        map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.prepare(q)?;
        let rows = stmt.query_map(params, map).map_err(sql)?;
        rows.map(|r| r.map_err(sql)).collect()
    }

    /// Runs a query for at most one row.
    fn row<T>(
        &self,
        q: &str,
        params: impl rusqlite::Params,
        map: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, StoreError> {
        use rusqlite::OptionalExtension;
        self.prepare(q)?
            .query_row(params, map)
            .optional()
            .map_err(sql)
    }

    /// Runs a statement; answers how many rows it changed.
    fn exec(&self, q: &str, params: impl rusqlite::Params) -> Result<usize, StoreError> {
        self.prepare(q)?.execute(params).map_err(sql)
    }

    /// The cached statement for `q`, counted as run.
    fn prepare(&self, q: &str) -> Result<rusqlite::CachedStatement<'_>, StoreError> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        self.tx.prepare_cached(q).map_err(sql)
    }

    fn last_insert_rowid(&self) -> i64 {
        self.tx.last_insert_rowid()
    }
}
