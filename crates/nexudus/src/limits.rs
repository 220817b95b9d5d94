//! Client-side rate limiting, so that a request the server would throttle is never sent.
//!
//! Each limit is a governor GCRA limiter. The short limits (writes per minute, reads per 100 ms)
//! space requests evenly (a burst of one) with a 2% margin: then no sliding window of the limit's
//! length ever holds more than the limit, whatever window the server counts with. The daily limit
//! allows its whole budget as a burst, since spacing 2,500 writes over a day would stall a morning
//! rush for hours.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::ApiError;

/// At most `count` requests per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
    /// Spread evenly (burst of one) rather than allowing the whole count at once.
    pub spread: bool,
}

impl Rate {
    pub const fn spread(count: u32, per: Duration) -> Self {
        Self {
            count,
            per,
            spread: true,
        }
    }

    pub const fn burst(count: u32, per: Duration) -> Self {
        Self {
            count,
            per,
            spread: false,
        }
    }

    fn quota(self) -> Option<Quota> {
        let count = NonZeroU32::new(self.count)?;
        if self.spread {
            // 2% slower than the limit, so jitter on the way never packs one request too many
            // into the server's window.
            let interval = self.per.mul_f64(1.02) / self.count;
            Quota::with_period(interval).map(|q| q.allow_burst(NonZeroU32::MIN))
        } else {
            Quota::with_period(self.per / self.count).map(|q| q.allow_burst(count))
        }
    }
}

/// The published limits per API client, or others (scaled for a test or a benchmark).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub writes: Vec<Rate>,
    pub reads: Vec<Rate>,
    /// A request that would have to wait longer than this fails with `RateLimited` instead.
    pub max_wait: Duration,
}

impl Default for Limits {
    /// 60 writes a minute, 2,500 writes a day, 10 reads per 100 ms.
    fn default() -> Self {
        Self {
            writes: vec![
                Rate::spread(60, Duration::from_secs(60)),
                Rate::burst(2500, Duration::from_secs(24 * 3600)),
            ],
            reads: vec![Rate::spread(10, Duration::from_millis(100))],
            max_wait: Duration::from_secs(120),
        }
    }
}

impl Limits {
    /// No client-side limits (the server may still throttle).
    pub fn unlimited() -> Self {
        Self {
            writes: vec![],
            reads: vec![],
            max_wait: Duration::ZERO,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Limiter {
    writes: Vec<DefaultDirectRateLimiter>,
    reads: Vec<DefaultDirectRateLimiter>,
    max_wait: Duration,
    clock: DefaultClock,
}

impl Limiter {
    pub fn new(limits: &Limits) -> Self {
        let build = |rates: &[Rate]| {
            rates
                .iter()
                .filter_map(|r| r.quota())
                .map(RateLimiter::direct)
                .collect::<Vec<_>>()
        };
        Self {
            writes: build(&limits.writes),
            reads: build(&limits.reads),
            max_wait: limits.max_wait,
            clock: DefaultClock::default(),
        }
    }

    /// Waits until every limit of the kind lets one more request through, or fails at once when
    /// the wait would be longer than `max_wait`.
    pub async fn acquire(&self, write: bool) -> Result<(), ApiError> {
        let limiters = if write { &self.writes } else { &self.reads };
        for limiter in limiters {
            loop {
                match limiter.check() {
                    Ok(()) => break,
                    Err(not_until) => {
                        let wait = not_until.wait_time_from(self.clock.now());
                        if wait > self.max_wait {
                            return Err(ApiError::RateLimited { retry_after: wait });
                        }
                        // The timer ticks in whole milliseconds: sleep through the whole ones and
                        // yield through the last fraction, so each write is not late by a tick.
                        if wait >= Duration::from_millis(1) {
                            tokio::time::sleep(wait.saturating_sub(Duration::from_millis(1))).await;
                        } else {
                            tokio::task::yield_now().await;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_spent_daily_budget_fails_fast_instead_of_waiting() {
        let limits = Limits {
            writes: vec![Rate::burst(3, Duration::from_secs(24 * 3600))],
            reads: vec![],
            max_wait: Duration::from_secs(5),
        };
        let limiter = Limiter::new(&limits);
        for _ in 0..3 {
            limiter.acquire(true).await.expect("within the budget");
        }
        let err = limiter
            .acquire(true)
            .await
            .expect_err("the fourth write is over budget");
        assert!(
            matches!(err, ApiError::RateLimited { retry_after } if retry_after > Duration::from_secs(3600))
        );
        limiter
            .acquire(false)
            .await
            .expect("reads have their own budget");
    }
}
