//! Guessing made slow: how many wrong tries are free, how long the wait after each further one
//! grows, and when wrong tries are forgotten. One pure rule ([`Attempts::failed`]) for the staff
//! PIN, member PINs and cards, and tablet pairing, each with its own [`Policy`]; the figures and
//! why they were chosen are in SECURITY.md.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Who is calling: the kiosk's own screen (the app window, loopback, the command line) or a
/// paired tablet. Staff sessions and wrong-PIN waits are kept per caller; the first staff PIN
/// is set only from the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", content = "device_id", rename_all = "snake_case")]
pub enum Caller {
    Screen,
    Tablet(i64),
}

impl Caller {
    /// For the audit log and the staff panel: "screen" or "tablet 3".
    pub fn describe(self) -> String {
        match self {
            Self::Screen => "screen".to_owned(),
            Self::Tablet(id) => format!("tablet {id}"),
        }
    }
}

/// How wrong tries are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Wrong tries that cost nothing (a member mistyping, staff fumbling).
    pub free: u32,
    /// The wait after the first wrong try past the free ones; each further one doubles it.
    pub first_wait: Duration,
    /// The longest wait.
    pub cap: Duration,
    /// Wrong tries are forgotten after this long without one (None: only a right try forgets).
    pub forget_after: Option<Duration>,
}

/// The staff PIN: the fifth wrong try in a row waits 30 s, doubling to an hour; only the right
/// PIN forgets.
pub const STAFF_PIN: Policy = Policy {
    free: 4,
    first_wait: Duration::seconds(30),
    cap: Duration::hours(1),
    forget_after: None,
};

/// Member PINs and cards, per caller (the screen, each tablet): 3 free tries, then 5 s
/// doubling to 5 minutes; forgotten after a quiet hour (a shorter quiet time would let a
/// guesser ramp up, pause and start again faster than the 5-minute waits allow). A right PIN
/// does not forget (a guesser with a PIN of their own would otherwise clear the count).
pub const MEMBER_PIN: Policy = Policy {
    free: 3,
    first_wait: Duration::seconds(5),
    cap: Duration::minutes(5),
    forget_after: Some(Duration::hours(1)),
};

/// Pairing, per source address: 5 free tries, then 10 s doubling to an hour.
pub const PAIR_PER_SOURCE: Policy = Policy {
    free: 5,
    first_wait: Duration::seconds(10),
    cap: Duration::hours(1),
    forget_after: Some(Duration::hours(1)),
};

/// Pairing, all sources together (many addresses are cheap on a LAN): 20 free tries, then a
/// minute doubling to an hour.
pub const PAIR_GLOBAL: Policy = Policy {
    free: 20,
    first_wait: Duration::minutes(1),
    cap: Duration::hours(1),
    forget_after: Some(Duration::hours(1)),
};

/// Wrong tries so far and until when the next try waits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_failure: Option<DateTime<Utc>>,
}

impl Attempts {
    /// Seconds left of a wait, if one is running.
    pub fn locked_for(&self, now: DateTime<Utc>) -> Option<i64> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| ((until - now).num_milliseconds() + 999) / 1000)
    }

    /// These tries as they stand at `now`: forgotten after the policy's quiet time.
    #[must_use]
    pub fn current(self, policy: &Policy, now: DateTime<Utc>) -> Self {
        match (policy.forget_after, self.last_failure) {
            (Some(quiet), Some(last)) if now - last >= quiet && self.locked_for(now).is_none() => {
                Self::default()
            }
            _ => self,
        }
    }

    /// After a wrong try: past the free ones, a wait that doubles with each, up to the cap.
    #[must_use]
    pub fn failed(self, policy: &Policy, now: DateTime<Utc>) -> Self {
        let failures = self.current(policy, now).failures + 1;
        let locked_until = (failures > policy.free).then(|| {
            // Twenty doublings outgrow any cap; stopping there keeps the shift in range.
            let doublings = (failures - policy.free - 1).min(20);
            let wait = policy.first_wait * (1_i32 << doublings);
            now + wait.min(policy.cap)
        });
        Self {
            failures,
            locked_until,
            last_failure: Some(now),
        }
    }

    /// Tries left before a wrong one starts a wait.
    pub fn tries_left(&self, policy: &Policy) -> u32 {
        (policy.free + 1).saturating_sub(self.failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        "2026-11-30T09:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_staff_pin_locks_at_the_fifth_wrong_try_for_30_s_doubling_to_an_hour() {
        let t = t0();
        let mut a = Attempts::default();
        for _ in 0..4 {
            a = a.failed(&STAFF_PIN, t);
            assert_eq!(a.locked_for(t), None, "the first four wrong tries are free");
        }
        assert_eq!(a.tries_left(&STAFF_PIN), 1);
        a = a.failed(&STAFF_PIN, t);
        assert_eq!(a.locked_for(t), Some(30));
        a = a.failed(&STAFF_PIN, t);
        assert_eq!(
            a.locked_for(t),
            Some(60),
            "each further wrong try doubles it"
        );
        for _ in 0..40 {
            a = a.failed(&STAFF_PIN, t);
        }
        assert_eq!(a.locked_for(t), Some(3600), "at most an hour");
        assert_eq!(a.locked_for(t + Duration::hours(2)), None, "and it ends");
        assert_eq!(
            a.current(&STAFF_PIN, t + Duration::days(30)).failures,
            a.failures,
            "only a right staff PIN forgets the wrong ones"
        );
    }

    #[test]
    fn member_pin_guessing_waits_5_s_after_three_free_tries_doubling_to_five_minutes() {
        let t = t0();
        let mut a = Attempts::default();
        let mut waits = Vec::new();
        for _ in 0..10 {
            a = a.failed(&MEMBER_PIN, t);
            waits.push(a.locked_for(t).unwrap_or(0));
        }
        assert_eq!(waits, [0, 0, 0, 5, 10, 20, 40, 80, 160, 300]);
    }

    #[test]
    fn member_pin_wrong_tries_are_forgotten_after_a_quiet_hour_not_before() {
        let t = t0();
        let mut a = Attempts::default();
        for _ in 0..5 {
            a = a.failed(&MEMBER_PIN, t);
        }
        let later = t + Duration::minutes(59);
        assert_eq!(a.current(&MEMBER_PIN, later).failures, 5);
        let quiet = t + Duration::hours(1);
        assert_eq!(a.current(&MEMBER_PIN, quiet), Attempts::default());
        assert_eq!(
            a.failed(&MEMBER_PIN, quiet).locked_for(quiet),
            None,
            "a fresh start: the first wrong try after the quiet time is free again"
        );
    }

    /// The fastest a guesser can go at one screen: any number of wrong PINs, then a pause
    /// long enough to be forgotten, again and again. Whatever the run's length, it stays under
    /// 13 guesses an hour (SECURITY.md).
    #[test]
    fn no_way_of_pacing_member_pin_guesses_beats_thirteen_an_hour() {
        for run in 1..=40_u32 {
            let t = t0();
            let mut a = Attempts::default();
            let mut now = t;
            for _ in 0..run {
                if let Some(wait) = a.locked_for(now) {
                    now += Duration::seconds(wait);
                }
                a = a.failed(&MEMBER_PIN, now);
            }
            let cycle = (now - t) + MEMBER_PIN.forget_after.unwrap();
            let seconds = u32::try_from(cycle.num_seconds()).unwrap();
            let per_hour = f64::from(run) * 3600.0 / f64::from(seconds);
            assert!(per_hour < 13.0, "runs of {run}: {per_hour:.1} an hour");
        }
    }

    #[test]
    fn a_wait_is_never_forgotten_while_it_runs() {
        let t = t0();
        let mut a = Attempts::default();
        for _ in 0..30 {
            a = a.failed(&PAIR_GLOBAL, t);
        }
        // An hour-long wait, and the policy forgets after an hour of quiet: the wait still ends
        // first, it is not cut short by the forgetting.
        let almost = t + Duration::minutes(59);
        assert!(a.current(&PAIR_GLOBAL, almost).locked_for(almost).is_some());
    }

    #[test]
    fn a_wait_of_a_fraction_of_a_second_shows_as_one_second() {
        let t = t0();
        let a = Attempts {
            failures: 9,
            locked_until: Some(t + Duration::milliseconds(200)),
            last_failure: Some(t),
        };
        assert_eq!(a.locked_for(t), Some(1));
    }

    #[test]
    fn an_attempts_record_stored_before_the_forgetting_existed_still_reads() {
        let old: Attempts = serde_json::from_str(r#"{"failures":3,"locked_until":null}"#).unwrap();
        assert_eq!(old.failures, 3);
        assert_eq!(old.last_failure, None);
    }
}
