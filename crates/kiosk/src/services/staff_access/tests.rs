//! Who may do what, tried as an attacker would: staff sessions, the first staff PIN, member
//! PIN guessing, pairing codes and revoked tablets. The same fixture as `tests.rs`.

use super::{Session, new_token, token_hash};
use crate::config::KioskConfig;
use crate::domain::attempts::Caller;
use crate::domain::clock::ManualClock;
use crate::domain::events::Event;
use crate::domain::model::Member;
use crate::domain::views::{Capabilities, TapOutcome};
use crate::error::KioskError;
use crate::services::Kiosk;
use crate::services::fixture::{PIN, fixture};
use crate::store::SettingKey;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

const TABLET: Caller = Caller::Tablet(7);

#[test]
fn staff_calls_take_a_session_that_ends_when_idle_when_closed_or_from_another_caller() {
    let f = fixture();
    let session = f.kiosk.staff().unlock(PIN, Caller::Screen).unwrap();
    assert_eq!(session.idle_seconds, 300);
    assert!(!session.token.contains(PIN), "the token is not the PIN");
    assert!(
        f.kiosk
            .staff()
            .session(&session.token, Caller::Screen)
            .is_ok()
    );
    assert!(
        matches!(
            f.kiosk.staff().session(&session.token, TABLET),
            Err(KioskError::StaffSessionEnded)
        ),
        "a session opened on the screen is not usable from a tablet that copied its token"
    );
    f.clock.advance(Duration::minutes(4));
    assert!(
        f.kiosk
            .staff()
            .session(&session.token, Caller::Screen)
            .is_ok(),
        "each use keeps it alive"
    );
    f.clock.advance(Duration::minutes(5));
    assert!(
        matches!(
            f.kiosk.staff().session(&session.token, Caller::Screen),
            Err(KioskError::StaffSessionEnded)
        ),
        "five idle minutes end it"
    );

    let again = f.kiosk.staff().unlock(PIN, Caller::Screen).unwrap();
    f.kiosk.staff().lock(&again.token);
    assert!(
        f.kiosk
            .staff()
            .session(&again.token, Caller::Screen)
            .is_err(),
        "closing the panel ends it"
    );
    assert!(
        matches!(
            f.kiosk.staff().unlock("0000", Caller::Screen),
            Err(KioskError::WrongPin { .. })
        ),
        "only the staff PIN opens one"
    );
}

#[test]
fn a_busy_staff_session_still_ends_an_hour_after_the_pin() {
    let f = fixture();
    let session = f.kiosk.staff().unlock(PIN, Caller::Screen).unwrap();
    for _ in 0..14 {
        f.clock.advance(Duration::minutes(4));
        assert!(
            f.kiosk
                .staff()
                .session(&session.token, Caller::Screen)
                .is_ok()
        );
    }
    f.clock.advance(Duration::minutes(4));
    assert!(
        f.kiosk
            .staff()
            .session(&session.token, Caller::Screen)
            .is_err()
    );
}

#[test]
fn the_first_staff_pin_is_chosen_only_on_the_kiosks_own_screen() {
    let kiosk = Kiosk::open(KioskConfig::default()).unwrap();
    assert!(matches!(
        kiosk.staff().set_pin(TABLET, None, "1357"),
        Err(KioskError::ScreenOnly)
    ));
    assert!(!kiosk.staff().pin_is_set().unwrap(), "nothing was set");
    kiosk.staff().set_pin(Caller::Screen, None, "1357").unwrap();
    assert!(
        matches!(
            kiosk.staff().set_pin(TABLET, None, "9999"),
            Err(KioskError::WrongPin { .. })
        ),
        "once set, changing it takes the current PIN, wherever"
    );
    kiosk.staff().set_pin(TABLET, Some("1357"), "2468").unwrap();
    assert!(kiosk.staff().by_pin("2468").is_ok());
}

#[tokio::test]
async fn guessing_member_pins_waits_longer_after_each_wrong_try_at_that_caller_only() {
    let f = fixture();
    for guess in ["0001", "0002", "0003"] {
        assert!(matches!(
            f.kiosk.members().tap_pin_from(TABLET, guess).await,
            Err(KioskError::UnknownPin)
        ));
    }
    assert!(
        f.kiosk
            .members()
            .tap_pin_from(TABLET, "0004")
            .await
            .is_err(),
        "the fourth wrong PIN is refused too, and starts a wait"
    );
    assert!(
        matches!(
            f.kiosk.members().tap_pin_from(TABLET, "1111").await,
            Err(KioskError::LockedOut { seconds: 5 })
        ),
        "while the wait runs no PIN is even tried, the right one included"
    );
    assert!(
        matches!(
            f.kiosk.members().tap_pin_from(Caller::Screen, "1111").await,
            Ok(TapOutcome::Welcome { .. })
        ),
        "the kiosk's own screen is not held up by a tablet's guesses"
    );
    f.clock.advance(Duration::seconds(5));
    assert!(
        f.kiosk
            .members()
            .tap_pin_from(TABLET, "0005")
            .await
            .is_err()
    );
    assert!(
        matches!(
            f.kiosk.members().tap_pin_from(TABLET, "0006").await,
            Err(KioskError::LockedOut { seconds: 10 })
        ),
        "each wrong try doubles the wait"
    );
    assert!(
        matches!(
            f.kiosk.members().tap_card_from(TABLET, "0004299999"),
            Err(KioskError::LockedOut { .. })
        ),
        "cards share the wait"
    );

    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let wrong = f.kiosk.staff().wrong_pins(&staff);
    assert_eq!(wrong.len(), 1, "{wrong:?}");
    assert_eq!((wrong[0].caller, wrong[0].today), (TABLET, 5));
    assert_eq!(wrong[0].waiting_seconds, Some(10));
    let log = f.kiosk.desk().audit_log(&staff, 20).unwrap();
    assert_eq!(
        log.iter().filter(|l| l.action == "member_pin_wait").count(),
        1,
        "one audit line a run of wrong PINs, not one a PIN: {log:?}"
    );
    f.kiosk.staff().clear_wrong_pins(&staff, TABLET).unwrap();
    assert!(
        matches!(
            f.kiosk.members().tap_pin_from(TABLET, "1111").await,
            Ok(TapOutcome::Goodbye { .. })
        ),
        "staff can end the wait at once"
    );
}

#[tokio::test]
async fn a_pin_or_card_refused_names_nobody_while_a_refused_tile_greets_the_member() {
    let f = fixture();
    let key = f.kiosk.shared.device_key.clone();
    f.kiosk
        .shared
        .store
        .write(|tx| {
            let nia = tx.member(5)?.expect("Nia has no plan");
            tx.upsert_member(&Member {
                pin_hash: Some(key.hash("pin", "5555")),
                ..nia
            })
        })
        .unwrap();
    match f.kiosk.members().tap_pin("5555").await.unwrap() {
        TapOutcome::Rejected {
            member_id,
            first_name,
            ..
        } => {
            assert_eq!(member_id, None, "no id to find the tile by");
            assert_eq!(first_name, "", "no name");
        }
        other => panic!("{other:?}"),
    }
    f.clock.advance(Duration::seconds(1));
    match f.kiosk.members().tap_pin("5555").await.unwrap() {
        TapOutcome::Ignored {
            member_id,
            first_name,
            ..
        } => assert_eq!((member_id, first_name.as_str()), (None, "")),
        other => panic!("{other:?}"),
    }
    f.clock.advance(Duration::seconds(30));
    match f.kiosk.members().tap(5).unwrap() {
        TapOutcome::Rejected {
            member_id,
            first_name,
            ..
        } => assert_eq!((member_id, first_name.as_str()), (Some(5), "Nia")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_search_longer_than_any_name_is_refused_as_invalid() {
    let f = fixture();
    let long = "a".repeat(101);
    assert!(matches!(
        f.kiosk.members().search(&long, 10),
        Err(KioskError::Invalid(e)) if e.field == "query"
    ));
    assert!(f.kiosk.members().search(&"a".repeat(100), 10).is_ok());
}

fn pairing_kiosk() -> (Kiosk, ManualClock) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 7, 1, 8, 0, 0).unwrap());
    let kiosk = Kiosk::open(KioskConfig {
        clock: Arc::new(clock.clone()),
        initial_staff_pin: Some(PIN.into()),
        capabilities: Capabilities {
            pairing: true,
            ..Capabilities::default()
        },
        ..KioskConfig::default()
    })
    .unwrap();
    (kiosk, clock)
}

#[test]
fn a_pairing_code_pairs_one_tablet_then_is_used_up_and_expires_after_ten_minutes() {
    let (kiosk, clock) = pairing_kiosk();
    let staff = kiosk.staff().by_pin(PIN).unwrap();
    let info = kiosk.staff().pairing_code(&staff).unwrap();
    assert_eq!(info.code.len(), 6);
    assert_eq!(
        kiosk.staff().pairing_code(&staff).unwrap().code,
        info.code,
        "the panel shows the same code until it is used or expires"
    );
    let paired = kiosk
        .staff()
        .pair(&info.code, "192.168.1.20", Some("Front desk\u{7} iPad"))
        .unwrap();
    assert_eq!(
        kiosk.staff().device_for_token(&paired.token).unwrap(),
        Some(paired.device_id)
    );
    assert!(
        matches!(
            kiosk.staff().pair(&info.code, "192.168.1.21", None),
            Err(KioskError::WrongCode)
        ),
        "a code pairs one tablet"
    );
    let devices = kiosk.staff().devices(&staff).unwrap();
    assert_eq!(
        devices[0].name, "Front desk iPad",
        "control characters dropped"
    );
    assert_eq!(devices[0].paired_from, "192.168.1.20");

    let next = kiosk.staff().pairing_code(&staff).unwrap();
    assert_ne!(next.code, info.code, "a used code is replaced");
    clock.advance(Duration::minutes(10));
    assert!(
        matches!(
            kiosk.staff().pair(&next.code, "192.168.1.21", None),
            Err(KioskError::WrongCode)
        ),
        "ten minutes on, the code has expired"
    );
    let stored = kiosk
        .shared
        .store
        .read(|tx| tx.get_setting(SettingKey::PairingCode))
        .unwrap()
        .unwrap_or_default();
    let tokens_kept = kiosk
        .shared
        .store
        .read(|tx| Ok::<_, crate::StoreError>(format!("{:?}", tx.devices()?)))
        .unwrap();
    assert!(
        !stored.contains(&paired.token) && !tokens_kept.contains(&paired.token),
        "a tablet's token is never stored as it is"
    );
}

#[test]
fn walking_the_pairing_code_space_from_many_addresses_is_stopped_within_a_few_dozen_tries() {
    let (kiosk, clock) = pairing_kiosk();
    let staff = kiosk.staff().by_pin(PIN).unwrap();
    let code = kiosk.staff().pairing_code(&staff).unwrap().code;
    let mut compared = 0;
    let mut refused_unseen = 0;
    for n in 0..1_000 {
        // A new address every four tries: under the per-address limit, so only the global one
        // can stop it.
        let from = format!("10.0.{}.{}", n / 1000, n / 4 % 250);
        let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + n) % 1_000_000);
        match kiosk.staff().pair(&guess, &from, None) {
            Err(KioskError::WrongCode) => compared += 1,
            Err(KioskError::LockedOut { .. }) => refused_unseen += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        compared, 21,
        "20 free wrong codes and one that starts the wait; the rest are not even compared"
    );
    assert_eq!(refused_unseen, 1_000 - 21);
    assert!(
        matches!(
            kiosk.staff().pair(&code, "192.168.1.20", None),
            Err(KioskError::LockedOut { .. })
        ),
        "during the wait the right code does not pair either"
    );
    clock.advance(Duration::minutes(1));
    let code = kiosk.staff().pairing_code(&staff).unwrap().code;
    assert!(
        kiosk.staff().pair(&code, "192.168.1.20", None).is_ok(),
        "after the wait, the right code pairs"
    );
}

#[test]
fn wrong_codes_from_one_address_make_that_address_wait_first() {
    let (kiosk, _clock) = pairing_kiosk();
    let staff = kiosk.staff().by_pin(PIN).unwrap();
    let code = kiosk.staff().pairing_code(&staff).unwrap().code;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..6 {
        assert!(matches!(
            kiosk.staff().pair(wrong, "10.0.0.66", None),
            Err(KioskError::WrongCode)
        ));
    }
    assert!(matches!(
        kiosk.staff().pair(&code, "10.0.0.66", None),
        Err(KioskError::LockedOut { seconds: 10 })
    ));
    assert!(
        kiosk.staff().pair(&code, "10.0.0.20", None).is_ok(),
        "another address is not held up by one guesser"
    );
}

#[test]
fn a_revoked_tablet_is_refused_at_once_its_staff_sessions_end_and_its_stream_is_told() {
    let (kiosk, _clock) = pairing_kiosk();
    let staff = kiosk.staff().by_pin(PIN).unwrap();
    let code = kiosk.staff().pairing_code(&staff).unwrap().code;
    let paired = kiosk.staff().pair(&code, "192.168.1.20", None).unwrap();
    let tablet = Caller::Tablet(paired.device_id);
    let session = kiosk.staff().unlock(PIN, tablet).unwrap();
    let mut events = kiosk.subscribe();
    kiosk
        .staff()
        .revoke_device(&staff, paired.device_id)
        .unwrap();
    assert_eq!(kiosk.staff().device_for_token(&paired.token).unwrap(), None);
    assert!(kiosk.staff().session(&session.token, tablet).is_err());
    assert_eq!(
        events.try_recv().unwrap(),
        Event::DeviceRevoked {
            device_id: paired.device_id
        }
    );
    let listed = kiosk.staff().devices(&staff).unwrap();
    assert!(
        listed[0].revoked_at.is_some(),
        "kept in the list, as revoked"
    );
    assert!(matches!(
        kiosk.staff().revoke_device(&staff, paired.device_id),
        Err(KioskError::UnknownDevice(_))
    ));
    let log = kiosk.desk().audit_log(&staff, 10).unwrap();
    assert!(log.iter().any(|l| l.action == "tablet_revoked"));
}

#[test]
fn a_paired_tablet_stays_paired_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let open = || {
        Kiosk::open(KioskConfig {
            data_dir: Some(dir.path().to_owned()),
            secrets: Some(Arc::new(crate::secrets::SecretStore::in_memory())),
            initial_staff_pin: Some(PIN.into()),
            capabilities: Capabilities {
                pairing: true,
                ..Capabilities::default()
            },
            ..KioskConfig::default()
        })
        .unwrap()
    };
    let paired = {
        let kiosk = open();
        let staff = kiosk.staff().by_pin(PIN).unwrap();
        let code = kiosk.staff().pairing_code(&staff).unwrap().code;
        kiosk
            .staff()
            .pair(&code, "192.168.1.20", Some("Lobby"))
            .unwrap()
    };
    let again = open();
    assert_eq!(
        again.staff().device_for_token(&paired.token).unwrap(),
        Some(paired.device_id),
        "staff do not pair every tablet again after an update"
    );
}

#[test]
fn the_staff_pin_locks_out_after_five_wrong_tries_even_for_the_right_pin() {
    let f = fixture();
    for left in (1..=4).rev() {
        match f.kiosk.staff().by_pin("0000") {
            Err(KioskError::WrongPin { tries_left }) => assert_eq!(tries_left, left),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        f.kiosk.staff().by_pin("0000"),
        Err(KioskError::LockedOut { seconds: 30 })
    ));
    assert!(
        matches!(
            f.kiosk.staff().by_pin(PIN),
            Err(KioskError::LockedOut { .. })
        ),
        "even the right PIN waits"
    );
    f.clock.advance(Duration::seconds(31));
    let staff = f
        .kiosk
        .staff()
        .by_pin(PIN)
        .expect("the right PIN works after the lock-out");
    let log = f.kiosk.desk().audit_log(&staff, 10).unwrap();
    assert!(log.iter().any(|line| line.action == "staff_pin_lockout"));
}

#[test]
fn tokens_are_256_random_bits_and_kept_only_hashed() {
    let a = new_token();
    assert_eq!(a.len(), 64);
    assert_ne!(a, new_token());
    let h = token_hash(&a);
    assert_eq!(h.len(), 64);
    assert_ne!(h, a);
    assert_eq!(h, token_hash(&a), "the same token always hashes the same");
}

#[test]
fn a_session_ends_after_five_idle_minutes_or_an_hour_in_all() {
    let t: DateTime<Utc> = "2026-11-30T09:00:00Z".parse().unwrap();
    let s = Session {
        caller: Caller::Screen,
        started: t,
        last_used: t,
    };
    assert!(s.alive(t + Duration::minutes(4)));
    assert!(!s.alive(t + Duration::minutes(5)));
    let busy = Session {
        last_used: t + Duration::minutes(59),
        ..s
    };
    assert!(busy.alive(t + Duration::minutes(59)));
    assert!(!busy.alive(t + Duration::minutes(60)), "an hour at most");
}
