//! The kiosk's rate limits across restarts: every request is noted by second before it leaves
//! (`store::sent`), and a kiosk that starts again resumes its limits from the last day's notes,
//! so a crash loop or a burst of restarts never begins with a full burst the server has already
//! counted (issue 25: 58 throttled answers in a loop of 31 kills). Glue between the store and
//! the client's limiter; the SQL is the store's, the limits the client's.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nexudus::{Limiter, Limits, SendJournal, SentBefore};
use tracing::debug;

use crate::error::StoreError;
use crate::store::{SENT_KEPT_FOR, Store};

/// Real time in Unix seconds: the limits count it, as the server does, whatever clock the
/// kiosk's taps are stamped with.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The kiosk's limiter, resumed from what it sent in the last day (a read: the start-up writes
/// nothing).
pub(crate) fn resumed_limiter(store: &Store, limits: &Limits) -> Result<Limiter, StoreError> {
    let now = unix_now();
    let sent = store.read(|tx| tx.sent_since(now - SENT_KEPT_FOR))?;
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
pub(crate) struct SentJournal {
    store: Arc<Store>,
}

impl SentJournal {
    pub fn new(store: Arc<Store>) -> Self {
        Self { store }
    }
}

impl SendJournal for SentJournal {
    fn note(&self, write: bool) {
        if let Err(e) = self
            .store
            .write_relaxed(|tx| tx.note_sent(unix_now(), write))
        {
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
            all: vec![nexudus::Rate::with_burst(120, Duration::from_mins(1), 20)],
            max_wait: Duration::ZERO,
            jitter: Duration::ZERO,
        };
        let journal = SentJournal::new(Arc::clone(&store));
        for _ in 0..20 {
            journal.note(false);
        }

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
    }
}
