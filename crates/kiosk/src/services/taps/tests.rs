//! A tap: recorded durably with everything its record needs, refused with a reason, said again on a double tap.

use crate::config::KioskConfig;
use crate::domain::clock::ManualClock;
use crate::domain::model::{OutboxOp, OutboxStatus};
use crate::domain::rules::Refusal;
use crate::domain::settings::{AutoCheckoutRule, PrivacyMode, Settings};
use crate::domain::views::TapOutcome;
use crate::error::KioskError;
use crate::services::Kiosk;
use crate::services::fixture::here;
use crate::services::fixture::{HERE, PIN, fixture, member, outbox_ops, set_privacy};
use crate::sync::close_due;
use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;

#[test]
fn a_tap_checks_in_durably_with_everything_the_record_needs() {
    let f = fixture();
    let out = f.kiosk.members().tap(1).unwrap();
    assert!(
        matches!(&out, TapOutcome::Welcome { first_name, at_local, .. } if first_name == "Zoë" && at_local == "09:00"),
        "London summer time: {out:?}"
    );
    let row = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.open_checkin(1, HERE))
        .unwrap()
        .expect("recorded before the answer");
    assert_eq!(row.source, 4, "Source 4 = Tile");
    assert_eq!(
        row.teams.as_deref(),
        Some("Design Guild"),
        "team names at the time"
    );
    assert_eq!(row.plan.as_deref(), Some("Hot Desk"));
    assert!(row.auto_checkout, "from the toggle");
    assert_eq!(
        row.from_time_local.unwrap().to_string(),
        "2025-07-01 09:00:00"
    );
    assert_eq!(
        outbox_ops(&f.kiosk),
        vec![(OutboxOp::CreateCheckin, OutboxStatus::Pending)],
        "and its outbox entry"
    );
}

#[test]
fn a_double_tap_is_ignored_and_a_later_tap_checks_out() {
    let f = fixture();
    f.kiosk.members().tap(1).unwrap();
    f.clock.advance(Duration::seconds(2));
    assert_eq!(
        f.kiosk.members().tap(1).unwrap(),
        TapOutcome::Ignored {
            member_id: Some(1),
            first_name: "Zoë".into(),
            first: crate::domain::views::IgnoredAfter::CheckedIn,
        },
        "within 5 s: not a check-out, and the member reads their name and what stands"
    );
    f.clock.advance(Duration::minutes(95));
    match f.kiosk.members().tap(1).unwrap() {
        TapOutcome::Goodbye { minutes, .. } => assert_eq!(minutes, 95),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        f.kiosk
            .shared
            .store
            .read(|tx| tx.open_checkin(1, HERE))
            .unwrap(),
        None
    );
    let ops: Vec<_> = outbox_ops(&f.kiosk).into_iter().map(|(op, _)| op).collect();
    assert_eq!(ops, vec![OutboxOp::CreateCheckin, OutboxOp::CloseCheckin]);
}

#[test]
fn refusals_are_recorded_as_failed_check_ins_with_a_reason() {
    let f = fixture();
    for (id, reason) in [
        (3, Refusal::Inactive),
        (4, Refusal::WrongLocation),
        (5, Refusal::NoPlan),
    ] {
        match f.kiosk.members().tap(id).unwrap() {
            // The member's words for each reason live in the UI's locale files (tested there).
            TapOutcome::Rejected {
                reason: r,
                first_name,
                ..
            } => {
                assert_eq!(r, reason);
                assert!(!first_name.is_empty(), "the refusal greets the member");
            }
            other => panic!("member {id}: {other:?}"),
        }
    }
    let ops: Vec<_> = outbox_ops(&f.kiosk).into_iter().map(|(op, _)| op).collect();
    assert_eq!(ops, vec![OutboxOp::CreateFailed; 3]);
    let entry = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.outbox_head())
        .unwrap()
        .unwrap();
    let failed = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.failed(entry.target))
        .unwrap()
        .unwrap();
    assert_eq!(failed.description, "Kiosk: the member is not active");
    assert_eq!(failed.teams.as_deref(), Some("Design Guild"));
}

#[tokio::test]
async fn pins_and_cards_find_their_member() {
    let f = fixture();
    assert!(matches!(
        f.kiosk.members().tap_pin("1111").await.unwrap(),
        TapOutcome::Welcome { member_id: 1, .. }
    ));
    assert!(matches!(
        f.kiosk.members().tap_pin("9999").await,
        Err(KioskError::UnknownPin)
    ));
    f.clock.advance(Duration::minutes(1));
    assert!(matches!(
        f.kiosk.members().tap_card(" 0004212345 ").unwrap(),
        TapOutcome::Goodbye { member_id: 1, .. }
    ));
    assert!(matches!(
        f.kiosk.members().tap_card("1"),
        Err(KioskError::UnknownCard)
    ));
    let row = checkins_here(&f);
    assert_eq!(row[0].method, "pin");
}

#[test]
fn without_a_location_nothing_is_recorded() {
    let clock = ManualClock::new(Utc::now());
    let kiosk = Kiosk::open(KioskConfig {
        clock: Arc::new(clock),
        ..KioskConfig::default()
    })
    .unwrap();
    assert!(matches!(
        kiosk.members().tap(1),
        Err(KioskError::NoLocation)
    ));
}

#[test]
fn a_tap_survives_reopening_and_a_crash_s_claims_return_to_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let open = || {
        Kiosk::open(KioskConfig {
            data_dir: Some(dir.path().to_owned()),
            secrets: Some(Arc::new(crate::secrets::SecretStore::file(dir.path()))),
            initial_staff_pin: Some(PIN.into()),
            ..KioskConfig::default()
        })
        .unwrap()
    };
    let kiosk = open();
    kiosk
        .shared
        .store
        .write(|tx| tx.upsert_member(&member(1, "Zoë Ødegaard")))
        .unwrap();
    let settings = Settings {
        location: Some(here()),
        ..Settings::default()
    };
    kiosk
        .account()
        .update_settings(&kiosk.staff().by_pin(PIN).unwrap(), settings)
        .unwrap();
    kiosk.members().tap(1).unwrap();
    let claimed = kiosk
        .shared
        .store
        .write(|tx| tx.claim_due(Utc::now(), 10))
        .unwrap();
    assert_eq!(claimed.len(), 1, "the tap's entry is due at once");
    let id = claimed[0].0.id;
    drop(kiosk);
    let again = open();
    let head = again
        .shared
        .store
        .read(|tx| tx.outbox_head())
        .unwrap()
        .unwrap();
    assert_eq!(
        (head.id, head.status),
        (id, OutboxStatus::Pending),
        "claimed by the dead run, queued again"
    );
    assert!(
        again
            .shared
            .store
            .read(|tx| tx.open_checkin(1, HERE))
            .unwrap()
            .is_some()
    );
    assert_eq!(
        again.account().settings().location.unwrap().id,
        HERE,
        "settings persist"
    );
    assert_eq!(again.shared.store.integrity_check().unwrap(), "ok");
}

#[test]
fn every_change_is_an_event() {
    let f = fixture();
    let mut events = f.kiosk.subscribe();
    f.kiosk.members().tap(1).unwrap();
    match events.try_recv().unwrap() {
        crate::Event::Tapped {
            member_id: 1,
            outcome: TapOutcome::Welcome { .. },
        } => {}
        other => panic!("{other:?}"),
    }
    set_privacy(&f, PrivacyMode::Initials);
    assert_eq!(events.try_recv().unwrap(), crate::Event::SettingsChanged);
}

#[test]
fn auto_checkout_closes_at_the_cut_off_even_when_noticed_later() {
    let f = fixture();
    let cut = AutoCheckoutRule::CutOff {
        hour: 23,
        minute: 0,
    };
    f.kiosk
        .account()
        .update_settings(
            &f.kiosk.staff().by_pin(PIN).unwrap(),
            Settings {
                auto_checkout_rule: cut,
                ..f.kiosk.account().settings()
            },
        )
        .unwrap();
    f.kiosk.members().tap(1).unwrap();
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 7, 1, 21, 59, 0).unwrap());
    assert_eq!(
        close_due(&f.kiosk.shared).unwrap(),
        0,
        "not yet: 23:00 London is 22:00 UTC"
    );
    // The kiosk was off overnight; it wakes the next morning.
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 7, 2, 7, 0, 0).unwrap());
    assert_eq!(close_due(&f.kiosk.shared).unwrap(), 1);
    let row = checkins_here(&f);
    assert_eq!(
        row[0].to_time,
        Some(Utc.with_ymd_and_hms(2025, 7, 1, 22, 0, 0).unwrap()),
        "closed at the cut-off, not at wake-up"
    );
    assert_eq!(
        row[0].to_time_local.unwrap().to_string(),
        "2025-07-01 23:00:00"
    );
    let ops: Vec<_> = outbox_ops(&f.kiosk).into_iter().map(|(op, _)| op).collect();
    assert_eq!(
        ops,
        vec![OutboxOp::CreateCheckin, OutboxOp::CloseCheckin],
        "a PUT, queued like any write"
    );
    assert_eq!(close_due(&f.kiosk.shared).unwrap(), 0, "closed once");
}

/// Every check-in at the fixture's location, oldest first.
fn checkins_here(f: &crate::services::fixture::Fixture) -> Vec<crate::domain::model::CheckinRow> {
    f.kiosk
        .shared
        .store
        .read(|tx| tx.checkins_since(HERE, Utc::now() - Duration::days(3650)))
        .unwrap()
}
