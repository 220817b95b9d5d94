//! Records of the account that did not read (the `unread_records` table): kept per list and
//! record until the record reads again or is not seen for [`UNREAD_KEPT_FOR`].

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;

use super::Tx;
use super::values::Ts;
use crate::domain::unread::{RecordList, UnreadRecord};
use crate::error::StoreError;

/// How long a record that did not read is remembered without being met again: longer than the
/// daily full load of members, so one still wrong is always met again before it would go.
pub const UNREAD_KEPT_FOR: Duration = Duration::days(2);

fn unread(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<UnreadRecord>> {
    let list: String = r.get("list")?;
    let Some(list) = RecordList::of_code(&list) else {
        return Ok(None);
    };
    let id: i64 = r.get("record_id")?;
    Ok(Some(UnreadRecord {
        list,
        record_id: (id != 0).then_some(id),
        field: r.get("field")?,
        shape: r.get("shape")?,
        first_seen: r.get::<_, Ts>("first_seen")?.0,
        last_seen: r.get::<_, Ts>("last_seen")?.0,
    }))
}

impl Tx<'_> {
    /// What one list's reads met: records that did not read are kept (or seen again), those
    /// that read leave, and any not met for [`UNREAD_KEPT_FOR`] are forgotten. Answers the ones
    /// met for the first time.
    pub fn note_reads<'a>(
        &self,
        list: RecordList,
        skipped: &'a [nexudus::BadRecord],
        read: &[i64],
        now: DateTime<Utc>,
    ) -> Result<Vec<&'a nexudus::BadRecord>, StoreError> {
        let mut new = Vec::new();
        for bad in skipped {
            // Kept, or seen again; new when it was first seen now.
            let new_now = self.row(
                "INSERT INTO unread_records (list, record_id, field, shape, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (list, record_id) DO UPDATE
                 SET field = excluded.field, shape = excluded.shape, last_seen = excluded.last_seen
                 RETURNING first_seen = last_seen AS new_now",
                params![
                    list.code(),
                    bad.id.unwrap_or(0),
                    bad.field,
                    bad.shape,
                    Ts(now)
                ],
                |r| r.get::<_, bool>("new_now"),
            )?;
            if new_now == Some(true) {
                new.push(bad);
            }
        }
        let known: std::collections::HashSet<i64> = self
            .rows(
                "SELECT record_id FROM unread_records WHERE list = ?1",
                [list.code()],
                |r| r.get("record_id"),
            )?
            .into_iter()
            .collect();
        for id in read.iter().filter(|id| known.contains(id)) {
            self.exec(
                "DELETE FROM unread_records WHERE list = ?1 AND record_id = ?2",
                params![list.code(), id],
            )?;
        }
        if !known.is_empty() || !new.is_empty() {
            self.exec(
                "DELETE FROM unread_records WHERE last_seen < ?1",
                [Ts(now - UNREAD_KEPT_FOR)],
            )?;
        }
        Ok(new)
    }

    /// Every record that did not read, by list and Id.
    pub fn unread_records(&self) -> Result<Vec<UnreadRecord>, StoreError> {
        let rows = self.rows(
            "SELECT list, record_id, field, shape, first_seen, last_seen
             FROM unread_records ORDER BY list, record_id",
            [],
            unread,
        )?;
        Ok(rows.into_iter().flatten().collect())
    }
}
