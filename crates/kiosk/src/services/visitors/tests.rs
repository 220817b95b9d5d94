//! Visitors at the kiosk's own screen: a code signs in and out, durably and once; a wrong code
//! is a wrong try; the guests of days gone are wiped.

use crate::domain::attempts::Caller;
use crate::domain::clock::Clock;
use crate::domain::model::OutboxOp;
use crate::error::KioskError;
use crate::services::VisitorOutcome;
use crate::services::fixture::expect_guest;
use crate::services::fixture::fixture;
use crate::services::fixture::queued;
use chrono::Duration;

#[test]
fn a_visitor_signs_in_with_the_invitation_code_as_typed_or_scanned_and_out_again() {
    let f = fixture();
    let id = expect_guest(&f, "K7P2QX");
    let k = &f.kiosk;
    let arrived = k.visitors().sign_in(Caller::Screen, " k7p2qx\n").unwrap();
    assert_eq!(
        arrived,
        VisitorOutcome::Arrived {
            visit: id,
            first_name: "Ingrid".into(),
            host_name: Some("José García".into()),
            at_local: "09:00".into(),
        },
        "the host named, the time as the location's clock says (London, summer)"
    );
    assert_eq!(
        queued(&f),
        [OutboxOp::VisitorArrived],
        "durable before the answer"
    );
    let again = k.visitors().sign_in(Caller::Screen, "K7P2QX").unwrap();
    assert!(
        matches!(again, VisitorOutcome::AlreadyArrived { .. }),
        "{again:?}"
    );
    assert_eq!(queued(&f).len(), 1, "nothing recorded twice");

    f.clock.advance(Duration::hours(2));
    let out = k.visitors().sign_out(Caller::Screen, "K7P2QX").unwrap();
    assert!(
        matches!(&out, VisitorOutcome::SignedOut { at_local, .. } if at_local == "11:00"),
        "{out:?}"
    );
    assert_eq!(
        queued(&f),
        [OutboxOp::VisitorArrived, OutboxOp::VisitorDeparted]
    );
    let row = k.shared.store.read(|tx| tx.visitor(id)).unwrap().unwrap();
    assert!(row.arrived_at.is_some() && row.departed_at.is_some());
    let twice = k.visitors().sign_out(Caller::Screen, "K7P2QX").unwrap();
    assert!(
        matches!(twice, VisitorOutcome::NotSignedIn { .. }),
        "{twice:?}"
    );
}

#[test]
fn a_wrong_code_is_a_wrong_try_and_enough_of_them_make_the_next_wait() {
    let f = fixture();
    expect_guest(&f, "K7P2QX");
    let tablet = Caller::Tablet(7);
    for _ in 0..=crate::domain::attempts::MEMBER_PIN.free {
        assert!(matches!(
            f.kiosk.visitors().sign_in(tablet, "AAAAAA"),
            Err(KioskError::UnknownCode)
        ));
    }
    assert!(
        matches!(
            f.kiosk.visitors().sign_in(tablet, "K7P2QX"),
            Err(KioskError::LockedOut { .. })
        ),
        "no code is compared during the wait, not even the right one"
    );
    assert!(
        f.kiosk.visitors().sign_in(Caller::Screen, "K7P2QX").is_ok(),
        "the wait is that tablet's"
    );
}

#[test]
fn the_guests_of_a_day_gone_are_wiped_once_nothing_waits_to_be_sent_for_them() {
    let f = fixture();
    let id = expect_guest(&f, "K7P2QX");
    f.kiosk
        .visitors()
        .sign_in(Caller::Screen, "K7P2QX")
        .unwrap();
    let store = &f.kiosk.shared.store;
    let tomorrow = f.clock.now() + Duration::days(1);
    assert_eq!(
        store.write(|tx| tx.wipe_visitors_before(tomorrow)).unwrap(),
        0,
        "the arrival still waits to be sent"
    );
    store
        .write(|tx| {
            for e in tx.outbox_for_target(id)? {
                tx.finish(e.id, tomorrow)?;
            }
            tx.wipe_visitors_before(tomorrow)
        })
        .unwrap();
    assert!(store.read(|tx| tx.visitor(id)).unwrap().is_none(), "wiped");
}

#[test]
fn visitors_are_kept_the_day_by_default_and_as_many_days_after_as_staff_set() {
    let f = fixture();
    let id = expect_guest(&f, "K7P2QX");
    let store = &f.kiosk.shared.store;
    let seen_after = |days: i64, keep_days: u32| {
        let later = f.clock.now() + Duration::days(days);
        store
            .write(|tx| {
                tx.wipe_visitors_before(crate::domain::model::forget_visitors_before(
                    later, keep_days,
                ))
            })
            .unwrap();
        store.read(|tx| tx.visitor(id)).unwrap().is_some()
    };
    assert!(seen_after(0, 0), "kept on the day");
    assert!(seen_after(2, 2), "kept two days after, as staff set");
    assert!(!seen_after(1, 0), "by default, gone the day after");
}
