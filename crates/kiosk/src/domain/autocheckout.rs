//! Auto-checkout's rule: when an open check-in is due to close, DST included. The sync engine
//! closes the due ones each round (`sync::close_due`).

use chrono::{DateTime, Duration, LocalResult, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::settings::AutoCheckoutRule;

/// The instant a check-in that began at `from` is due to close under `rule`, at a location in
/// `tz`. A cut-off is the first wall-clock cut-off after `from` in the location's zone, so it
/// follows DST; a cut-off that falls in a DST gap moves to the first instant after the gap.
pub fn due(from: DateTime<Utc>, rule: AutoCheckoutRule, tz: Tz) -> DateTime<Utc> {
    match rule {
        AutoCheckoutRule::AfterHours { hours } => from + Duration::hours(i64::from(hours)),
        AutoCheckoutRule::CutOff { hour, minute } => {
            let local_from = from.with_timezone(&tz);
            let cut = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
            let mut day = local_from.date_naive();
            loop {
                let candidate = match tz.from_local_datetime(&day.and_time(cut)) {
                    LocalResult::Single(t) => t,
                    // Clocks went back: the first of the two.
                    LocalResult::Ambiguous(early, _) => early,
                    // Clocks went forward past the cut-off: the first minute that exists after it.
                    LocalResult::None => {
                        let mut probe = day.and_time(cut);
                        loop {
                            probe += Duration::minutes(1);
                            if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                                break t;
                            }
                        }
                    }
                };
                let candidate = candidate.with_timezone(&Utc);
                if candidate > from {
                    return candidate;
                }
                day = day.succ_opt().unwrap_or(day);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    const CUT_23: AutoCheckoutRule = AutoCheckoutRule::CutOff {
        hour: 23,
        minute: 0,
    };

    #[test]
    fn the_cut_off_is_local_wall_clock_time() {
        // London winter: UTC+0; summer: UTC+1.
        assert_eq!(
            due(utc(2025, 1, 15, 9, 0), CUT_23, London),
            utc(2025, 1, 15, 23, 0)
        );
        assert_eq!(
            due(utc(2025, 7, 15, 9, 0), CUT_23, London),
            utc(2025, 7, 15, 22, 0)
        );
    }

    #[test]
    fn a_check_in_after_the_cut_off_closes_at_the_next_day_s() {
        assert_eq!(
            due(utc(2025, 1, 15, 23, 30), CUT_23, London),
            utc(2025, 1, 16, 23, 0),
            "across midnight"
        );
    }

    #[test]
    fn dst_changes_move_the_instant_not_the_wall_clock() {
        // 2025-03-30: London springs forward at 01:00 UTC. A check-in on the 29th (UTC+0) is due
        // at 23:00 local on the 29th; one on the 30th (UTC+1) at 22:00 UTC.
        assert_eq!(
            due(utc(2025, 3, 29, 10, 0), CUT_23, London),
            utc(2025, 3, 29, 23, 0)
        );
        assert_eq!(
            due(utc(2025, 3, 30, 10, 0), CUT_23, London),
            utc(2025, 3, 30, 22, 0)
        );
        // A cut-off inside the gap (01:30 does not exist on the 30th) moves past the gap.
        let in_gap = AutoCheckoutRule::CutOff {
            hour: 1,
            minute: 30,
        };
        assert_eq!(
            due(utc(2025, 3, 29, 23, 0), in_gap, London),
            utc(2025, 3, 30, 1, 0)
        );
        // Autumn: 01:30 happens twice on 2025-10-26; the first one counts.
        assert_eq!(
            due(utc(2025, 10, 25, 23, 0), in_gap, London),
            utc(2025, 10, 26, 0, 30)
        );
    }

    #[test]
    fn after_hours_counts_elapsed_time() {
        let rule = AutoCheckoutRule::AfterHours { hours: 8 };
        assert_eq!(
            due(utc(2025, 3, 30, 0, 0), rule, London),
            utc(2025, 3, 30, 8, 0),
            "eight real hours, DST or not"
        );
    }
}
