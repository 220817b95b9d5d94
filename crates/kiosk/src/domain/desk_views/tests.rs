use crate::domain::problem::SendProblem;
use crate::domain::unread::{RecordList, UnreadRecord};
use chrono::TimeZone;

use super::*;

const LONDON: Tz = chrono_tz::Europe::London;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    // 1 July 2025: London is UTC+1.
    LONDON
        .with_ymd_and_hms(2025, 7, 1, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()
}

#[test]
fn each_hour_counts_the_people_in_at_some_time_in_it_once() {
    let visits = [
        Visit {
            who: 1,
            from: at(9, 10),
            to: Some(at(11, 0)),
        },
        // The same member again in the same hour: still one person.
        Visit {
            who: 1,
            from: at(9, 40),
            to: Some(at(9, 50)),
        },
        Visit {
            who: 2,
            from: at(10, 30),
            to: None,
        },
    ];
    let hours = by_hour(&visits, day(), LONDON, at(12, 15));
    assert_eq!(
        &hours[8..14],
        &[0, 1, 2, 1, 1, 0],
        "09 to 13 local; 11:00 sharp is not in 11-12 for member 1"
    );
    assert_eq!(hours[13], 0, "hours to come count nobody");
}

#[test]
fn the_peak_is_the_most_in_at_once_first_reached_and_a_departure_goes_before_an_arrival() {
    let visits = [
        Visit {
            who: 1,
            from: at(9, 0),
            to: Some(at(10, 0)),
        },
        Visit {
            who: 2,
            from: at(10, 0),
            to: Some(at(12, 0)),
        },
        Visit {
            who: 3,
            from: at(11, 0),
            to: None,
        },
        Visit {
            who: 4,
            from: at(11, 30),
            to: Some(at(11, 45)),
        },
    ];
    assert_eq!(
        peak(&visits, day(), LONDON, at(13, 0)),
        Some((3, at(11, 30)))
    );
    assert_eq!(peak::<i64>(&[], day(), LONDON, at(13, 0)), None);
}

#[test]
fn the_typical_day_averages_the_same_hour() {
    let mut a = vec![0; 24];
    let mut b = vec![0; 24];
    a[9] = 4;
    b[9] = 1;
    let avg = average(&[a, b]);
    assert!((avg[9] - 2.5).abs() < f32::EPSILON);
    assert!(
        average(&[])[9].abs() < f32::EPSILON,
        "no earlier days: nothing"
    );
}

#[test]
fn an_older_kiosks_parked_sentence_still_says_what_staff_should_do() {
    let advice = |said: &str| {
        Advice::for_problem(&SendProblem::Text {
            said: said.to_owned(),
        })
    };
    assert_eq!(
        advice("the account lacks the role Checkin-Create"),
        Advice::GrantRole
    );
    assert_eq!(
        advice("the check-in was deleted in Nexudus"),
        Advice::Discard
    );
    assert_eq!(
        advice("refused by Nexudus: NO_PASS"),
        Advice::FixInNexudusThenRetry
    );
    assert_eq!(advice("connection reset"), Advice::Retry);
}

#[test]
fn kiosk_status_prints_one_fact_a_line_with_the_budget() {
    let health = Health {
        at: at(9, 1),
        seen: crate::domain::heartbeat::Seen::RunningKiosk { at: at(9, 0) },
        connectivity: Connectivity::Online,
        last_sync: Some(at(9, 0)),
        pending: 2,
        parked: 1,
        requests_last_hour: 120,
        requests_last_day: 900,
        hourly_budget: Some(5000),
        daily_budget: None,
        database_bytes: 3 * 1_048_576,
        version: "0.1.0".into(),
        unread: vec![UnreadRecord {
            list: RecordList::Members,
            record_id: Some(7),
            field: "FullName".into(),
            shape: "null".into(),
            first_seen: at(9, 0),
            last_seen: at(9, 0),
        }],
        login_good_until: Some(at(9, 0) + LOGIN_LIVES),
        login_runs_out_soon: false,
        loading: None,
    };
    let text = health.to_string();
    assert!(
        text.contains("1 record not read") && text.contains("members #7: FullName came as null"),
        "{text}"
    );
    assert!(text.contains("connectivity: online"), "{text}");
    assert!(
        text.contains("seen by:      the running kiosk, as it saved its state 60 s ago"),
        "{text}"
    );
    assert!(
        text.contains("last sync:    2025-07-01 08:00:00 UTC"),
        "{text}"
    );
    assert!(text.contains("2 pending, 1 parked"), "{text}");
    assert!(
        text.contains("login:        good until 2025-07-16 08:00 UTC (renewed by itself"),
        "{text}"
    );
    assert!(
        text.contains("120 of 5000 in the last hour, 900 in the last day"),
        "{text}"
    );
    assert!(text.contains("3.0 MB"), "{text}");
}

#[test]
fn a_check_in_made_elsewhere_is_named_by_its_source() {
    let mut row = CheckinRow::from_server(1, 1, at(9, 0), 2);
    assert_eq!(How::of(&row), How::Door);
    row.source = 4;
    assert_eq!(
        How::of(&row),
        How::OtherKiosk,
        "a tile, but not this kiosk's"
    );
    row.origin = Origin::Kiosk;
    row.method = "staff".into();
    assert_eq!(How::of(&row), How::Staff);
}

#[test]
fn the_desk_warns_of_a_login_running_out_only_when_the_kiosk_cannot_renew_it() {
    let now = at(9, 0);
    let soon = Some(now + Duration::days(3));
    assert!(login_runs_out_soon(soon, Connectivity::Offline, now));
    assert!(login_runs_out_soon(soon, Connectivity::Throttled, now));
    assert!(
        !login_runs_out_soon(soon, Connectivity::Online, now),
        "online, it renews by itself"
    );
    assert!(!login_runs_out_soon(
        Some(now + Duration::days(5)),
        Connectivity::Offline,
        now
    ));
    assert!(
        !login_runs_out_soon(None, Connectivity::Offline, now),
        "unknown: nothing said"
    );
}
