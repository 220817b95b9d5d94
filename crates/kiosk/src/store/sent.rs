//! The kiosk's rate limits across restarts: every request is noted by second before it leaves
//! (the `sent_requests` table), and a kiosk that starts again resumes its limits from the last
//! day's notes ([`resumed_limiter`]), so a crash loop or a burst of restarts never begins with
//! a full burst the server has already counted (issue 25: 58 throttled answers in a loop of 31
//! kills). Notes are kept for [`SENT_KEPT_FOR`].

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nexudus::{Limiter, Limits, SendJournal, SentBefore};
use rusqlite::params;
use tracing::debug;

use super::{Store, Tx};
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

/// How often old notes are forgotten while the kiosk runs.
const FORGET_EVERY: i64 = 3600;

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The kiosk's limiter, resumed from what it sent in the last day. The limits count real time,
/// as the server does, whatever clock the kiosk's taps are stamped with.
pub fn resumed_limiter(store: &Store, limits: &Limits) -> Result<Limiter, StoreError> {
    let now = unix_now();
    let sent = store.write(|tx| {
        tx.forget_sent_before(now - SENT_KEPT_FOR)?;
        tx.sent_since(now - SENT_KEPT_FOR)
    })?;
    let history: Vec<SentBefore> = sent
        .iter()
        .map(|s| SentBefore {
            // The second a request was sent in began this long ago at most.
            ago: Duration::from_secs(u64::try_from(now - s.second).unwrap_or(0)),
            all: s.all,
            writes: s.writes,
        })
        .collect();
    let limiter = Limiter::new(limits);
    limiter.resume(&history);
    if !history.is_empty() {
        debug!(
            seconds = history.len(),
            "rate limits resumed from the last run"
        );
    }
    Ok(limiter)
}

/// Notes each request in the store as it leaves. A relaxed write: a killed process keeps it
/// (only a power cut can lose the last notes, and a machine that lost power restarts slower
/// than any limit's burst takes to refill).
#[derive(Debug)]
pub struct SentJournal {
    store: Arc<Store>,
    forgotten_at: Mutex<i64>,
}

impl SentJournal {
    pub fn new(store: Arc<Store>) -> Self {
        Self {
            store,
            forgotten_at: Mutex::new(unix_now()),
        }
    }
}

impl SendJournal for SentJournal {
    fn note(&self, write: bool) {
        let now = unix_now();
        let forget = {
            let mut at = self.forgotten_at.lock().unwrap();
            let due = now - *at >= FORGET_EVERY;
            if due {
                *at = now;
            }
            due
        };
        let noted = self.store.write_relaxed(|tx| {
            tx.note_sent(now, write)?;
            if forget {
                tx.forget_sent_before(now - SENT_KEPT_FOR)?;
            }
            Ok::<_, StoreError>(())
        });
        if let Err(e) = noted {
            // The request goes anyway: a lost note only makes the next start's limits looser.
            debug!(error = %e, "a request could not be noted");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limiter_opened_on_a_store_with_recent_requests_has_used_its_burst() {
        let store = Arc::new(Store::in_memory().unwrap());
        let limits = Limits {
            writes: vec![],
            all: vec![nexudus::Rate::with_burst(120, Duration::from_secs(60), 20)],
            max_wait: Duration::ZERO,
            jitter: Duration::ZERO,
        };
        let journal = SentJournal::new(Arc::clone(&store));
        for _ in 0..20 {
            journal.note(false);
        }
        let old = unix_now() - SENT_KEPT_FOR - 10;
        store.write(|tx| tx.note_sent(old, true)).unwrap();

        let limiter = resumed_limiter(&store, &limits).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let err = rt
            .block_on(limiter.acquire(false))
            .expect_err("the burst was spent by the last run: the next request must wait");
        assert!(
            matches!(err, nexudus::ApiError::RateLimited { .. }),
            "{err:?}"
        );
        let kept = store.read(|tx| tx.sent_since(0)).unwrap();
        assert!(
            kept.iter().all(|s| s.second > old),
            "notes older than a day are forgotten at the start: {kept:?}"
        );
    }
}
