//! Members' passes (the `passes` table): the account's unused passes as last read, and which
//! this kiosk used for a check-in Nexudus does not have yet.

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;
use uuid::Uuid;

use super::Tx;
use super::values::{Id, Ids, Ts};
use crate::domain::passes::Pass;
use crate::error::StoreError;

/// How long a used pass is remembered (to refuse "every pass is used" rather than "no plan").
const USED_KEPT_FOR: Duration = Duration::days(60);

/// A pass's columns, and the start of the check-in that used it here while Nexudus does not
/// have that check-in yet (`pending_since`).
const COLUMNS: &str = "p.id, p.member_id, p.name, p.used, p.expires, p.price_cents, p.bought,
     p.remaining_uses, p.total_uses, c.from_time AS pending_since";

fn pass(r: &rusqlite::Row<'_>) -> rusqlite::Result<Pass> {
    Ok(Pass {
        id: r.get("id")?,
        member_id: r.get("member_id")?,
        name: r.get("name")?,
        used: r.get("used")?,
        expires: r.get::<_, Option<Ts>>("expires")?.map(|t| t.0),
        price_cents: r.get("price_cents")?,
        bought: r.get("bought")?,
        remaining_uses: r.get("remaining_uses")?,
        total_uses: r.get("total_uses")?,
        pending_since: r.get::<_, Option<Ts>>("pending_since")?.map(|t| t.0),
    })
}

impl Tx<'_> {
    /// The account's unused passes, as just read. A pass this kiosk used stays used until
    /// Nexudus has the check-in that used it. Where the read was `whole`, a pass no longer listed
    /// is used (spent elsewhere, or taken away), and used ones are forgotten after a while.
    /// Answers how many passes changed.
    pub fn set_unused_passes(
        &self,
        unused: &[Pass],
        whole: bool,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        // Used here by a check-in Nexudus does not have yet: used, whatever the read says.
        const PENDING: &str = "(passes.spent_by IS NOT NULL AND EXISTS (
            SELECT 1 FROM checkins c WHERE c.local_id = passes.spent_by AND c.nexudus_id IS NULL))";
        let mut changed = 0;
        for p in unused {
            // Written only when something changed: the read comes every few minutes.
            changed += self.upsert_pass(
                &format!(
                    "INSERT INTO passes (id, member_id, name, used, expires, price_cents, bought,
                                         remaining_uses, total_uses, seen_at)
                     VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (id) DO UPDATE SET
                        member_id = excluded.member_id, name = excluded.name,
                        expires = excluded.expires, price_cents = excluded.price_cents,
                        bought = excluded.bought, remaining_uses = excluded.remaining_uses,
                        total_uses = excluded.total_uses, seen_at = excluded.seen_at,
                        used = {PENDING}
                     WHERE passes.used IS NOT {PENDING}
                        OR passes.member_id IS NOT excluded.member_id
                        OR passes.name IS NOT excluded.name
                        OR passes.expires IS NOT excluded.expires
                        OR passes.price_cents IS NOT excluded.price_cents
                        OR passes.bought IS NOT excluded.bought
                        OR passes.remaining_uses IS NOT excluded.remaining_uses
                        OR passes.total_uses IS NOT excluded.total_uses"
                ),
                p,
                now,
            )?;
        }
        if whole {
            let listed: Vec<i64> = unused.iter().map(|p| p.id).collect();
            changed += self.exec(
                "UPDATE passes SET used = 1, seen_at = ?2
                 WHERE used = 0 AND id NOT IN (SELECT value FROM json_each(?1))",
                params![Ids(listed), Ts(now)],
            )?;
            self.exec(
                "DELETE FROM passes WHERE used = 1 AND seen_at < ?1",
                [Ts(now - USED_KEPT_FOR)],
            )?;
        }
        Ok(changed)
    }

    /// Passes the account lists as used lately: kept as used, so a member whose every pass is
    /// used is told so (rather than "no plan").
    pub fn set_used_passes(&self, used: &[Pass], now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut changed = 0;
        for p in used {
            changed += self.upsert_pass(
                "INSERT INTO passes (id, member_id, name, used, expires, price_cents, bought,
                                     remaining_uses, total_uses, seen_at)
                 VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET used = 1, seen_at = excluded.seen_at
                 WHERE passes.used = 0",
                p,
                now,
            )?;
        }
        Ok(changed)
    }

    /// Runs `sql`, an upsert of one pass, with the pass's fields as `?1` to `?9`.
    fn upsert_pass(&self, sql: &str, p: &Pass, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.exec(
            sql,
            params![
                p.id,
                p.member_id,
                p.name,
                p.expires.map(Ts),
                p.price_cents,
                p.bought,
                p.remaining_uses,
                p.total_uses,
                Ts(now),
            ],
        )
    }

    /// A member's passes, as the kiosk knows them.
    pub fn member_passes(&self, member_id: i64) -> Result<Vec<Pass>, StoreError> {
        self.rows(
            &format!(
                "SELECT {COLUMNS} FROM passes p
                 LEFT JOIN checkins c ON c.local_id = p.spent_by AND c.nexudus_id IS NULL
                 WHERE p.member_id = ?1 ORDER BY p.id"
            ),
            [member_id],
            pass,
        )
    }

    /// This kiosk's check-in `checkin` uses pass `id`.
    pub fn spend_pass(&self, id: i64, checkin: Uuid) -> Result<(), StoreError> {
        self.exec(
            "UPDATE passes SET used = 1, spent_by = ?2 WHERE id = ?1",
            params![id, Id(checkin)],
        )?;
        Ok(())
    }

    /// The check-in `checkin` was taken back: the pass it used is the member's again.
    pub fn give_back_pass(&self, checkin: Uuid) -> Result<(), StoreError> {
        self.exec(
            "UPDATE passes SET used = 0, spent_by = NULL WHERE spent_by = ?1",
            [Id(checkin)],
        )?;
        Ok(())
    }
}
