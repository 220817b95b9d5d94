//! The `Kiosk` service on an in-memory database with a driven clock.
//!
//! Longer than 500 lines on purpose: one fixture serves every test of the service, and the
//! tests read best next to each other (a tap, its refusal, the staff who fix it). Split it by
//! concern (`tap`, `staff`, `account`) when a new one adds a fixture of its own.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};

use crate::autocheckout;
use crate::clock::ManualClock;
use crate::config::KioskConfig;
use crate::error::KioskError;
use crate::kiosk::Kiosk;
use crate::model::{Member, OutboxOp, OutboxStatus};
use crate::rules::Refusal;
use crate::settings::{AutoCheckoutRule, Location, PrivacyMode, Settings};
use crate::views::TapOutcome;

pub(super) const HERE: i64 = 1001;
pub(super) const PIN: &str = "2468";

fn member(id: i64, name: &str) -> Member {
    Member {
        id,
        full_name: name.into(),
        company: None,
        active: true,
        plan: Some("Hot Desk".into()),
        home_location: Some(HERE),
        locations: vec![],
        teams: vec![7],
        pin_hash: None,
        card_hash: None,
        updated_on: None,
    }
}

pub(super) struct Fixture {
    pub(super) kiosk: Kiosk,
    pub(super) clock: ManualClock,
}

pub(super) fn set_privacy(f: &Fixture, privacy: PrivacyMode) {
    f.kiosk
        .update_settings(
            &f.kiosk.staff_by_pin(PIN).unwrap(),
            Settings {
                privacy,
                ..f.kiosk.settings()
            },
        )
        .unwrap();
}

pub(super) fn fixture() -> Fixture {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 7, 1, 8, 0, 0).unwrap());
    let kiosk = Kiosk::open(KioskConfig {
        clock: Arc::new(clock.clone()),
        initial_staff_pin: Some(PIN.into()),
        ..KioskConfig::default()
    })
    .unwrap();
    let key = kiosk.shared.device_key.clone();
    kiosk
        .shared
        .store
        .write(|tx| {
            // The account's contracts have been read: members' plans are known.
            tx.set_state_time(crate::sync::PLANS_AT, Utc::now())?;
            tx.replace_teams(&[(7, "Design Guild".into())])?;
            let mut zoe = member(1, "Zoë Ødegaard");
            zoe.pin_hash = Some(key.hash("pin", "1111"));
            zoe.card_hash = Some(key.hash("card", "0004212345"));
            tx.upsert_member(&zoe)?;
            tx.upsert_member(&member(2, "José García"))?;
            tx.upsert_member(&Member {
                active: false,
                ..member(3, "Ina Active")
            })?;
            tx.upsert_member(&Member {
                home_location: Some(2002),
                ..member(4, "Eli Elsewhere")
            })?;
            tx.upsert_member(&Member {
                plan: None,
                ..member(5, "Nia Noplan")
            })
        })
        .unwrap();
    kiosk.shared.rebuild_index().unwrap();
    let settings = Settings {
        location: Some(Location {
            id: HERE,
            name: "Shoreditch Hub".into(),
            time_zone: "Europe/London".into(),
            ..Location::default()
        }),
        auto_checkout: true,
        ..Settings::default()
    };
    kiosk
        .update_settings(&kiosk.staff_by_pin(PIN).unwrap(), settings)
        .unwrap();
    Fixture { kiosk, clock }
}

fn outbox_ops(k: &Kiosk) -> Vec<(OutboxOp, OutboxStatus)> {
    k.shared
        .store
        .read(|tx| {
            let mut all = tx.outbox_with(OutboxStatus::Pending, 100)?;
            all.extend(tx.outbox_with(OutboxStatus::Done, 100)?);
            Ok::<_, crate::StoreError>(all.into_iter().map(|e| (e.op, e.status)).collect())
        })
        .unwrap()
}

#[test]
fn a_tap_checks_in_durably_with_everything_the_record_needs() {
    let f = fixture();
    let out = f.kiosk.tap(1).unwrap();
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
    f.kiosk.tap(1).unwrap();
    f.clock.advance(Duration::seconds(2));
    assert_eq!(
        f.kiosk.tap(1).unwrap(),
        TapOutcome::Ignored {
            member_id: Some(1),
            first_name: "Zoë".into(),
            first: crate::views::IgnoredAfter::CheckedIn,
        },
        "within 5 s: not a check-out, and the member reads their name and what stands"
    );
    f.clock.advance(Duration::minutes(95));
    match f.kiosk.tap(1).unwrap() {
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
        match f.kiosk.tap(id).unwrap() {
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
        f.kiosk.tap_pin("1111").await.unwrap(),
        TapOutcome::Welcome { member_id: 1, .. }
    ));
    assert!(matches!(
        f.kiosk.tap_pin("9999").await,
        Err(KioskError::UnknownPin)
    ));
    f.clock.advance(Duration::minutes(1));
    assert!(matches!(
        f.kiosk.tap_card(" 0004212345 ").unwrap(),
        TapOutcome::Goodbye { member_id: 1, .. }
    ));
    assert!(matches!(
        f.kiosk.tap_card("1"),
        Err(KioskError::UnknownCard)
    ));
    let row = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.checkins_since(HERE, Utc::now() - Duration::days(3650)))
        .unwrap();
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
    assert!(matches!(kiosk.tap(1), Err(KioskError::NoLocation)));
}

#[test]
fn the_grid_and_search_follow_the_privacy_mode() {
    let f = fixture();
    let names = |k: &Kiosk| {
        k.grid()
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&f.kiosk),
        vec!["José García", "Nia Noplan", "Zoë Ødegaard"],
        "active members of this location"
    );
    let with = |privacy| Settings {
        privacy,
        ..f.kiosk.settings()
    };
    f.kiosk
        .update_settings(
            &f.kiosk.staff_by_pin(PIN).unwrap(),
            with(PrivacyMode::FirstNameInitial),
        )
        .unwrap();
    assert_eq!(names(&f.kiosk), vec!["José G.", "Nia N.", "Zoë Ø."]);
    assert_eq!(
        f.kiosk.grid().unwrap()[0].detail.as_deref(),
        Some("Design Guild"),
        "a first name and initial still says the team, which tells namesakes apart"
    );
    f.kiosk
        .update_settings(
            &f.kiosk.staff_by_pin(PIN).unwrap(),
            with(PrivacyMode::Initials),
        )
        .unwrap();
    assert_eq!(names(&f.kiosk), vec!["JG", "NN", "ZØ"]);
    assert!(
        f.kiosk.grid().unwrap().iter().all(|t| t.detail.is_none()),
        "initials only: no company or team either"
    );
    f.kiosk
        .update_settings(
            &f.kiosk.staff_by_pin(PIN).unwrap(),
            with(PrivacyMode::SearchOnly),
        )
        .unwrap();
    assert!(
        f.kiosk.grid().unwrap().is_empty(),
        "no grid in search-only mode"
    );
    assert!(
        f.kiosk.search("zo", 10).unwrap().is_empty(),
        "nothing before 3 letters"
    );
    assert_eq!(f.kiosk.search("zoe", 10).unwrap()[0].member_id, 1);

    f.kiosk.tap(2).unwrap();
    let tiles = f.kiosk.search("garc", 10).unwrap();
    assert_eq!(
        tiles[0].in_since_local.as_deref(),
        Some("09:00"),
        "the tile shows who is in"
    );
}

#[test]
fn the_staff_pin_locks_out_after_five_wrong_tries_even_for_the_right_pin() {
    let f = fixture();
    for left in (1..=4).rev() {
        match f.kiosk.staff_by_pin("0000") {
            Err(KioskError::WrongPin { tries_left }) => assert_eq!(tries_left, left),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        f.kiosk.staff_by_pin("0000"),
        Err(KioskError::LockedOut { seconds: 30 })
    ));
    assert!(
        matches!(f.kiosk.staff_by_pin(PIN), Err(KioskError::LockedOut { .. })),
        "even the right PIN waits"
    );
    f.clock.advance(Duration::seconds(31));
    let staff = f
        .kiosk
        .staff_by_pin(PIN)
        .expect("the right PIN works after the lock-out");
    let log = f.kiosk.audit_log(&staff, 10).unwrap();
    assert!(log.iter().any(|line| line.action == "staff_pin_lockout"));
}

#[test]
fn a_parked_entry_is_retried_or_discarded_by_staff_with_an_audit_line() {
    let f = fixture();
    f.kiosk.tap(1).unwrap();
    let id = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.outbox_head())
        .unwrap()
        .unwrap()
        .id;
    f.kiosk
        .shared
        .store
        .write(|tx| tx.park(id, "FromTime: is a required field", false))
        .unwrap();
    assert_eq!(f.kiosk.status().unwrap().parked, 1);
    let queue = f
        .kiosk
        .queue(&f.kiosk.staff_by_pin(PIN).unwrap(), 10)
        .unwrap();
    assert_eq!(queue[0].member_name.as_deref(), Some("Zoë Ødegaard"));
    assert_eq!(
        queue[0].entry.last_error.as_deref(),
        Some("FromTime: is a required field")
    );
    f.kiosk
        .retry_parked(&f.kiosk.staff_by_pin(PIN).unwrap(), id)
        .unwrap();
    assert_eq!(f.kiosk.status().unwrap().pending, 1);
    f.kiosk
        .shared
        .store
        .write(|tx| tx.park(id, "refused", false))
        .unwrap();
    f.kiosk
        .discard_parked(&f.kiosk.staff_by_pin(PIN).unwrap(), id)
        .unwrap();
    let status = f.kiosk.status().unwrap();
    assert_eq!((status.pending, status.parked), (0, 0));
    let log = f
        .kiosk
        .audit_log(&f.kiosk.staff_by_pin(PIN).unwrap(), 10)
        .unwrap();
    assert!(
        log.iter()
            .any(|line| line.action == "queue_discard" && line.detail.contains("refused"))
    );
}

#[test]
fn auto_checkout_closes_at_the_cut_off_even_when_noticed_later() {
    let f = fixture();
    let cut = AutoCheckoutRule::CutOff {
        hour: 23,
        minute: 0,
    };
    f.kiosk
        .update_settings(
            &f.kiosk.staff_by_pin(PIN).unwrap(),
            Settings {
                auto_checkout_rule: cut,
                ..f.kiosk.settings()
            },
        )
        .unwrap();
    f.kiosk.tap(1).unwrap();
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 7, 1, 21, 59, 0).unwrap());
    assert_eq!(
        autocheckout::close_due(&f.kiosk.shared).unwrap(),
        0,
        "not yet: 23:00 London is 22:00 UTC"
    );
    // The kiosk was off overnight; it wakes the next morning.
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 7, 2, 7, 0, 0).unwrap());
    assert_eq!(autocheckout::close_due(&f.kiosk.shared).unwrap(), 1);
    let row = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.checkins_since(HERE, Utc::now() - Duration::days(3650)))
        .unwrap();
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
    assert_eq!(
        autocheckout::close_due(&f.kiosk.shared).unwrap(),
        0,
        "closed once"
    );
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
        location: Some(Location {
            id: HERE,
            name: "Shoreditch Hub".into(),
            time_zone: "Europe/London".into(),
            ..Location::default()
        }),
        ..Settings::default()
    };
    kiosk
        .update_settings(&kiosk.staff_by_pin(PIN).unwrap(), settings)
        .unwrap();
    kiosk.tap(1).unwrap();
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
        again.settings().location.unwrap().id,
        HERE,
        "settings persist"
    );
    assert_eq!(again.shared.store.integrity_check().unwrap(), "ok");
}

#[test]
fn bad_settings_are_refused_and_change_nothing() {
    let f = fixture();
    let before = f.kiosk.settings();
    let bad = Settings {
        idle_timeout_seconds: 1,
        ..before.clone()
    };
    assert!(matches!(
        f.kiosk
            .update_settings(&f.kiosk.staff_by_pin(PIN).unwrap(), bad),
        Err(KioskError::Invalid(_))
    ));
    assert_eq!(f.kiosk.settings(), before);
}

#[test]
fn every_change_is_an_event() {
    let f = fixture();
    let mut events = f.kiosk.subscribe();
    f.kiosk.tap(1).unwrap();
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
fn tiles_carry_a_photo_where_a_photo_address_is_configured() {
    let f = fixture();
    assert!(
        f.kiosk.grid().unwrap().iter().all(|t| t.photo.is_none()),
        "initials by default"
    );
    let bad = Settings {
        photo_url: Some("ftp://x/{id}".into()),
        ..f.kiosk.settings()
    };
    assert!(
        f.kiosk
            .update_settings(&f.kiosk.staff_by_pin(PIN).unwrap(), bad)
            .is_err(),
        "only web addresses with {{id}}"
    );
    let good = Settings {
        photo_url: Some("https://photos.example.com/{id}.jpg".into()),
        ..f.kiosk.settings()
    };
    f.kiosk
        .update_settings(&f.kiosk.staff_by_pin(PIN).unwrap(), good)
        .unwrap();
    let tile = f
        .kiosk
        .grid()
        .unwrap()
        .into_iter()
        .find(|t| t.member_id == 1)
        .unwrap();
    assert_eq!(
        tile.photo.as_deref(),
        Some("https://photos.example.com/1.jpg")
    );
}

#[test]
fn staff_see_who_is_in_by_full_name_longest_in_first_whatever_the_grid_shows() {
    let f = fixture();
    set_privacy(&f, PrivacyMode::Initials);
    f.kiosk.tap(2).unwrap();
    f.clock.advance(Duration::minutes(5));
    f.kiosk.tap(1).unwrap();
    f.clock.advance(Duration::minutes(5));
    f.kiosk.tap(3).unwrap(); // inactive: refused, so not in
    let inside = f
        .kiosk
        .who_is_in(&f.kiosk.staff_by_pin(PIN).unwrap())
        .unwrap();
    let names: Vec<&str> = inside.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["José García", "Zoë Ødegaard"],
        "full names, in the order they came"
    );
    assert!(inside.iter().all(|t| t.in_since.is_some()));
    f.clock.advance(Duration::minutes(5));
    f.kiosk.tap(2).unwrap();
    let names: Vec<String> = f
        .kiosk
        .who_is_in(&f.kiosk.staff_by_pin(PIN).unwrap())
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["Zoë Ødegaard"], "who checked out is not in");
}
