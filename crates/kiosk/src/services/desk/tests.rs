//! The staff desk on the kiosk's own database: who is in from every source, the day, fixes on
//! a member's behalf, a check-out's time put right, occupancy, the roll-call and health.

use crate::domain::attempts::Caller;
use crate::domain::clock::Clock;
use crate::domain::desk_views::{Advice, How};
use crate::domain::model::{CheckinRow, OutboxOp, OutboxStatus};
use crate::domain::settings::PrivacyMode;
use crate::domain::views::TapOutcome;
use crate::error::KioskError;
use crate::services::fixture::{Fixture, HERE, PIN, expect_guest, fixture, queued, set_privacy};
use chrono::{Duration, Utc};
use uuid::Uuid;

/// A check-in Nexudus holds that this kiosk did not make: a door's (Source 2) from `from`.
fn door_checkin(f: &Fixture, member_id: i64, from: chrono::DateTime<Utc>) {
    let row = CheckinRow::from_server(member_id, HERE, from, 2);
    f.kiosk
        .shared
        .store
        .write(|tx| tx.insert_checkin(&row, from))
        .unwrap();
}

fn checkin_row(f: &Fixture, checkin: Uuid) -> CheckinRow {
    f.kiosk
        .shared
        .store
        .read(|tx| tx.checkin(checkin))
        .unwrap()
        .expect("the check-in is kept")
}

#[test]
fn the_desk_shows_everyone_in_from_every_source_longest_in_first() {
    let f = fixture();
    door_checkin(&f, 2, f.clock.now() - Duration::hours(1));
    f.kiosk.members().tap(1).unwrap();
    expect_guest(&f, "K7P2QX");
    f.clock.advance(Duration::minutes(5));
    f.kiosk
        .visitors()
        .sign_in(Caller::Screen, "K7P2QX")
        .unwrap();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let people = f.kiosk.desk().presence(&staff).unwrap();
    let seen: Vec<(&str, How)> = people.iter().map(|p| (p.name.as_str(), p.how)).collect();
    assert_eq!(
        seen,
        [
            ("José García", How::Door),
            ("Zoë Ødegaard", How::Tile),
            ("Ingrid Bergström", How::Invited),
        ],
        "full names for staff, how each came in, longest in first"
    );
    assert_eq!(
        people[2].detail.as_deref(),
        Some("José García"),
        "whom the visitor visits"
    );
    assert!(
        people[1].checkin.is_some(),
        "a member's open check-in, for a check-out"
    );
}

#[test]
fn staff_check_a_member_in_and_out_on_their_behalf_audited_and_synced() {
    let f = fixture();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    // The member tapped a moment ago: staff still act.
    f.kiosk.members().tap(1).unwrap();
    let out = f.kiosk.desk().check_out_for(&staff, 1).unwrap();
    assert!(matches!(out, TapOutcome::Goodbye { .. }), "{out:?}");
    assert!(
        matches!(
            f.kiosk.desk().check_out_for(&staff, 1),
            Err(KioskError::Invalid(_))
        ),
        "not in: nothing to check out"
    );
    let back = f.kiosk.desk().check_in_for(&staff, 1).unwrap();
    let TapOutcome::Welcome { checkin, .. } = back else {
        panic!("checked in: {back:?}");
    };
    let row = checkin_row(&f, checkin);
    assert_eq!(row.method, "staff", "recorded as done by staff");
    assert_eq!(row.source, 4, "synced as any kiosk check-in (Source Tile)");
    assert_eq!(
        queued(&f),
        [
            OutboxOp::CreateCheckin,
            OutboxOp::CloseCheckin,
            OutboxOp::CreateCheckin
        ]
    );
    let audit = f.kiosk.desk().audit_log(&staff, 10).unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        &actions[..2],
        ["check_in_for", "check_out_for"],
        "newest first"
    );
    assert!(audit[1].detail.contains("member 1"), "{:?}", audit[1]);
}

#[test]
fn a_check_out_time_is_put_right_within_the_visit_and_sent_again() {
    let f = fixture();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let TapOutcome::Welcome { checkin, .. } = f.kiosk.members().tap(1).unwrap() else {
        panic!("in");
    };
    let fix = |to: &str| f.kiosk.desk().correct_check_out(&staff, checkin, to);
    assert!(
        matches!(fix("12:00"), Err(KioskError::Invalid(_))),
        "still open"
    );
    f.clock.advance(Duration::hours(9)); // 18:00 in London
    f.kiosk.members().tap(1).unwrap();
    for wrong in ["08:30", "19:00", "5pm"] {
        assert!(
            matches!(fix(wrong), Err(KioskError::Invalid(_))),
            "{wrong}: before the start, in the future, or not a time"
        );
    }
    fix("17:30").unwrap();
    let row = checkin_row(&f, checkin);
    assert_eq!(
        row.to_time
            .unwrap()
            .with_timezone(&chrono_tz::Europe::London)
            .format("%H:%M")
            .to_string(),
        "17:30"
    );
    assert_eq!(queued(&f).last(), Some(&OutboxOp::AmendCheckout));
    let audit = f.kiosk.desk().audit_log(&staff, 1).unwrap();
    assert!(audit[0].detail.contains("17:30"), "{:?}", audit[0]);
}

#[tokio::test]
async fn the_day_shows_movements_refusals_and_parked_entries_with_what_to_do() {
    let f = fixture();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    f.kiosk.members().tap(1).unwrap();
    f.clock.advance(Duration::minutes(30));
    f.kiosk.members().tap(1).unwrap();
    f.kiosk.members().tap(5).unwrap(); // no plan: refused
    f.kiosk
        .shared
        .store
        .write(|tx| {
            let head = tx.outbox_with(OutboxStatus::Pending, 1)?;
            let lacks = crate::domain::problem::SendProblem::UndoNeedsRole { checkin: 3 };
            tx.park(head[0].id, &lacks, false)
        })
        .unwrap();
    let today = f.kiosk.desk().today(&staff).await.unwrap();
    let moves: Vec<(String, bool)> = today
        .timeline
        .iter()
        .map(|m| (m.at_local.clone(), m.arrival))
        .collect();
    assert_eq!(
        moves,
        [("09:00".to_owned(), true), ("09:30".to_owned(), false)]
    );
    assert_eq!(today.failed.len(), 1);
    assert_eq!(today.failed[0].name.as_deref(), Some("Nia Noplan"));
    assert!(today.failed[0].here);
    assert_eq!(
        today.failed[0].reason,
        Some(crate::domain::rules::Refusal::NoPlan),
        "a code the desk words in its reader's language, not the English sent to Nexudus"
    );
    assert!(
        !today.server_failed_read,
        "no account: only the kiosk's own"
    );
    assert_eq!(today.parked.len(), 1);
    assert_eq!(today.parked[0].advice, Advice::GrantRole);
    assert_eq!(today.parked[0].name.as_deref(), Some("Zoë Ødegaard"));
}

#[test]
fn occupancy_counts_today_by_hour_against_the_same_weekday_before() {
    let f = fixture();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    // A week ago at 09:00-11:00 local, member 2 (through a door).
    door_checkin(&f, 2, f.clock.now() - Duration::weeks(1));
    f.kiosk
        .shared
        .store
        .write(|tx| {
            let open = tx.open_checkins(HERE)?;
            tx.close_checkin(
                open[0].local_id,
                open[0].from_time + Duration::hours(2),
                None,
            )
        })
        .unwrap();
    f.kiosk.members().tap(1).unwrap();
    f.kiosk.members().tap(2).unwrap();
    f.clock.advance(Duration::minutes(135)); // 11:15 in London
    let o = f.kiosk.desk().occupancy(&staff).unwrap();
    assert_eq!(
        &o.today[8..12],
        &[0, 2, 2, 2],
        "two in from 09:00, still in at 11:xx"
    );
    assert!(
        (o.typical[9] - 0.25).abs() < f32::EPSILON,
        "one of four weeks: {:?}",
        &o.typical[8..12]
    );
    let peak = o.peak.unwrap();
    assert_eq!((peak.count, peak.at_local.as_str()), (2, "09:00"));
}

#[test]
fn the_roll_call_lists_who_is_in_says_how_fresh_and_is_audited() {
    let f = fixture();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    f.kiosk.members().tap(1).unwrap();
    expect_guest(&f, "K7P2QX");
    f.kiosk
        .visitors()
        .sign_in(Caller::Screen, "K7P2QX")
        .unwrap();
    let roll = f.kiosk.desk().roll_call(&staff).unwrap();
    assert_eq!(roll.people.len(), 2, "members and visitors");
    assert_eq!(roll.data_as_of, None, "never synced: staff are told");
    assert_eq!(roll.location, "Shoreditch Hub");
    assert_eq!(
        f.kiosk.desk().audit_log(&staff, 1).unwrap()[0].action,
        "roll_call"
    );
}

#[test]
fn health_counts_the_queue_and_the_requests_sent() {
    let f = fixture();
    f.kiosk.members().tap(1).unwrap();
    f.kiosk.shared.requests.count();
    let h = f.kiosk.desk().health().unwrap();
    assert_eq!((h.pending, h.parked), (1, 0));
    assert_eq!((h.requests_last_hour, h.requests_last_day), (1, 1));
    assert_eq!(h.hourly_budget, Some(5000), "the published limit");
    assert!(!h.version.is_empty());
}

#[test]
fn staff_see_who_is_in_by_full_name_longest_in_first_whatever_the_grid_shows() {
    let f = fixture();
    set_privacy(&f, PrivacyMode::Initials);
    f.kiosk.members().tap(2).unwrap();
    f.clock.advance(Duration::minutes(5));
    f.kiosk.members().tap(1).unwrap();
    f.clock.advance(Duration::minutes(5));
    f.kiosk.members().tap(3).unwrap(); // inactive: refused, so not in
    let inside = f
        .kiosk
        .desk()
        .who_is_in(&f.kiosk.staff().by_pin(PIN).unwrap())
        .unwrap();
    let names: Vec<&str> = inside.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["José García", "Zoë Ødegaard"],
        "full names, in the order they came"
    );
    assert!(inside.iter().all(|t| t.in_since.is_some()));
    f.clock.advance(Duration::minutes(5));
    f.kiosk.members().tap(2).unwrap();
    let names: Vec<String> = f
        .kiosk
        .desk()
        .who_is_in(&f.kiosk.staff().by_pin(PIN).unwrap())
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["Zoë Ødegaard"], "who checked out is not in");
}
