//! The requests the kiosk sent Nexudus, by second (the `sent_requests` table): what a restart
//! resumes its rate limits from (the `limits` module). Kept for [`SENT_KEPT_FOR`] seconds
//! (`store::retention` forgets older ones).

use rusqlite::params;

use super::Tx;
use crate::error::StoreError;

/// The longest window a limit counts is a day; a little more covers a clock's second.
pub const SENT_KEPT_FOR: i64 = 24 * 3600 + 120;

/// The requests sent in one second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentSecond {
    /// Unix time, in seconds.
    pub second: i64,
    pub all: u32,
    pub writes: u32,
}

impl Tx<'_> {
    /// One request about to leave at `second`.
    pub fn note_sent(&self, second: i64, write: bool) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO sent_requests (second, all_requests, writes) VALUES (?1, 1, ?2)
             ON CONFLICT (second) DO UPDATE
             SET all_requests = all_requests + 1, writes = writes + excluded.writes",
            params![second, i64::from(write)],
        )?;
        Ok(())
    }

    /// The seconds since `from` in which requests were sent, oldest first.
    pub fn sent_since(&self, from: i64) -> Result<Vec<SentSecond>, StoreError> {
        self.rows(
            "SELECT second, all_requests, writes FROM sent_requests WHERE second >= ?1
             ORDER BY second",
            [from],
            |r| {
                Ok(SentSecond {
                    second: r.get("second")?,
                    all: r.get("all_requests")?,
                    writes: r.get("writes")?,
                })
            },
        )
    }

    /// Forgets the seconds before `before`.
    pub fn forget_sent_before(&self, before: i64) -> Result<usize, StoreError> {
        self.exec("DELETE FROM sent_requests WHERE second < ?1", [before])
    }
}
