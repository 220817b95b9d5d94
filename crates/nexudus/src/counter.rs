//! How many requests a client has sent lately, for the staff's view of the API budget: counts
//! by minute over the last day, so the last hour and the last day are windows like Nexudus's.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Minutes kept: a day.
const KEPT: u64 = 24 * 60;

/// Requests sent, counted by minute. Shared by the clients a kiosk makes one after another (a
/// new login), so the count survives them.
#[derive(Debug)]
pub struct RequestCounter {
    start: Instant,
    /// (minute since `start`, requests in it), oldest first.
    minutes: Mutex<VecDeque<(u64, u32)>>,
    /// Every request sent, and every one Nexudus answered "slow down" (409, 429 or 503), since
    /// the counter was made: monotonic, for a metrics scrape.
    sent_total: AtomicU64,
    throttled_total: AtomicU64,
}

/// Requests sent in the last hour and the last day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestsSent {
    pub last_hour: u32,
    pub last_day: u32,
}

impl Default for RequestCounter {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            minutes: Mutex::new(VecDeque::new()),
            sent_total: AtomicU64::new(0),
            throttled_total: AtomicU64::new(0),
        }
    }
}

impl RequestCounter {
    fn minute(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.start).as_secs() / 60
    }

    /// One request sent at `at`.
    pub fn count_at(&self, at: Instant) {
        self.sent_total.fetch_add(1, Ordering::Relaxed);
        let minute = self.minute(at);
        let mut minutes = self.minutes.lock().unwrap();
        match minutes.back_mut() {
            Some((m, n)) if *m == minute => *n += 1,
            _ => minutes.push_back((minute, 1)),
        }
        while minutes.front().is_some_and(|(m, _)| *m + KEPT <= minute) {
            minutes.pop_front();
        }
    }

    pub fn count(&self) {
        self.count_at(Instant::now());
    }

    /// What was sent in the hour and the day before `at`.
    pub fn sent_at(&self, at: Instant) -> RequestsSent {
        let now = self.minute(at);
        let minutes = self.minutes.lock().unwrap();
        let within = |span: u64| {
            minutes
                .iter()
                .filter(|(m, _)| m + span > now)
                .map(|(_, n)| *n)
                .sum()
        };
        RequestsSent {
            last_hour: within(60),
            last_day: within(KEPT),
        }
    }

    pub fn sent(&self) -> RequestsSent {
        self.sent_at(Instant::now())
    }

    /// Nexudus answered a request "slow down".
    pub fn count_throttled(&self) {
        self.throttled_total.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests sent since the counter was made.
    pub fn sent_total(&self) -> u64 {
        self.sent_total.load(Ordering::Relaxed)
    }

    /// Answers that said "slow down" since the counter was made.
    pub fn throttled_total(&self) -> u64 {
        self.throttled_total.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn requests_leave_the_hour_after_an_hour_and_the_day_after_a_day() {
        let c = RequestCounter::default();
        let t0 = c.start;
        for _ in 0..3 {
            c.count_at(t0);
        }
        c.count_at(t0 + Duration::from_mins(30));
        assert_eq!(
            c.sent_at(t0 + Duration::from_mins(59)),
            RequestsSent {
                last_hour: 4,
                last_day: 4
            }
        );
        assert_eq!(
            c.sent_at(t0 + Duration::from_mins(61)).last_hour,
            1,
            "the first three are more than an hour old"
        );
        let next_day = t0 + Duration::from_hours(25);
        c.count_at(next_day);
        assert_eq!(
            c.sent_at(next_day),
            RequestsSent {
                last_hour: 1,
                last_day: 1
            },
            "a day later only the newest counts, and the old minutes are dropped"
        );
        assert_eq!(c.minutes.lock().unwrap().len(), 1);
    }
}
