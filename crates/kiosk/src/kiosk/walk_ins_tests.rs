//! Walk-ins at the kiosk's own screen: registered durably, the host found by search, the terms
//! and host approval as staff set them; a visitor found by name; staff sign everyone out.

use chrono::Duration;
use nexudus::HostApproval;

use super::VisitorOutcome;
use super::tests::{Fixture, PIN, fixture};
use super::visitors_tests::{expect_guest, queued};
use crate::clock::Clock;
use crate::error::KioskError;
use crate::guard::Caller;
use crate::kiosk::WalkIn;
use crate::model::OutboxOp;
use crate::settings::{PrivacyMode, Settings, VisitorSettings};
use crate::views::Connectivity;

fn walk_in(host_id: i64) -> WalkIn {
    WalkIn {
        full_name: " Ada Lovelace ".into(),
        email: "ada@example.com".into(),
        company: Some("Analytical Engines".into()),
        host_id,
        agreed_terms: false,
    }
}

fn set_visitors(f: &Fixture, visitors: VisitorSettings) {
    let staff = f.kiosk.staff_by_pin(PIN).unwrap();
    f.kiosk
        .update_settings(
            &staff,
            Settings {
                visitors,
                ..f.kiosk.settings()
            },
        )
        .unwrap();
}

/// A walk-in at a kiosk that asks hosts, reaching Nexudus or not.
fn walk_in_asking_host(connectivity: Connectivity) -> (Fixture, VisitorOutcome) {
    let f = fixture();
    set_visitors(
        &f,
        VisitorSettings {
            host_approval: true,
            ..VisitorSettings::default()
        },
    );
    f.kiosk.shared.set_connectivity(connectivity);
    let outcome = f
        .kiosk
        .visitor_walk_in_from(Caller::Screen, &walk_in(2))
        .unwrap();
    (f, outcome)
}

fn invalid_field(e: KioskError) -> String {
    match e {
        KioskError::Invalid(i) => i.field.to_owned(),
        other => panic!("expected a refusal of a field, got {other:?}"),
    }
}

#[test]
fn a_walk_in_is_in_at_once_and_kept_to_be_sent_with_what_they_gave() {
    let f = fixture();
    let outcome = f
        .kiosk
        .visitor_walk_in_from(Caller::Screen, &walk_in(2))
        .unwrap();
    assert_eq!(
        outcome,
        VisitorOutcome::Arrived {
            first_name: "Ada".into(),
            host_name: Some("José García".into()),
            at_local: "09:00".into(),
        },
        "no approval asked: in at once, the host named"
    );
    assert_eq!(
        queued(&f),
        [OutboxOp::VisitorCreated],
        "durable before the answer"
    );
    let rows = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.walk_ins_since(super::tests::HERE, f.clock.now() - Duration::hours(1)))
        .unwrap();
    let row = &rows[0];
    assert_eq!(row.full_name, "Ada Lovelace", "trimmed");
    let walk = row.walk_in.clone().unwrap();
    assert_eq!(walk.email.as_deref(), Some("ada@example.com"));
    assert_eq!(walk.company.as_deref(), Some("Analytical Engines"));
    assert!(row.arrived_at.is_some());
    assert_eq!(row.approval, HostApproval::NotRequired);
}

#[test]
fn a_walk_in_form_is_refused_field_by_field_and_nothing_is_kept() {
    let f = fixture();
    let k = &f.kiosk;
    let try_with =
        |w: WalkIn| invalid_field(k.visitor_walk_in_from(Caller::Screen, &w).unwrap_err());
    assert_eq!(
        try_with(WalkIn {
            full_name: "  ".into(),
            ..walk_in(2)
        }),
        "full_name"
    );
    assert_eq!(
        try_with(WalkIn {
            email: "ada@example".into(),
            ..walk_in(2)
        }),
        "email"
    );
    assert_eq!(
        try_with(WalkIn {
            email: "ada example.com".into(),
            ..walk_in(2)
        }),
        "email"
    );
    assert_eq!(
        try_with(walk_in(3)),
        "host_id",
        "an inactive member hosts nobody"
    );
    assert_eq!(try_with(walk_in(99)), "host_id", "nor does a stranger");
    set_visitors(
        &f,
        VisitorSettings {
            terms: Some("Be kind.".into()),
            ..VisitorSettings::default()
        },
    );
    assert_eq!(
        try_with(walk_in(2)),
        "agreed_terms",
        "terms set: they must be accepted"
    );
    assert!(
        k.visitor_walk_in_from(
            Caller::Screen,
            &WalkIn {
                agreed_terms: true,
                ..walk_in(2)
            }
        )
        .is_ok()
    );
    set_visitors(
        &f,
        VisitorSettings {
            walk_ins: false,
            ..VisitorSettings::default()
        },
    );
    assert_eq!(
        try_with(walk_in(2)),
        "walk_ins",
        "staff switched walk-ins off"
    );
    assert_eq!(queued(&f).len(), 1, "only the accepted one was kept");
}

#[test]
fn hosts_are_found_from_two_letters_named_as_privacy_allows_and_never_as_bare_initials() {
    let f = fixture();
    let k = &f.kiosk;
    assert!(
        k.visitor_hosts("j").unwrap().is_empty(),
        "one letter finds nobody"
    );
    let hosts = k.visitor_hosts("jo").unwrap();
    assert_eq!(
        hosts.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
        ["José García"]
    );
    assert!(
        k.visitor_hosts("ina").unwrap().is_empty(),
        "inactive members host nobody"
    );
    assert!(
        k.visitor_hosts("eli").unwrap().is_empty(),
        "nor do another location's"
    );
    super::tests::set_privacy(&f, PrivacyMode::Initials);
    assert_eq!(k.visitor_hosts("jo").unwrap()[0].name, "José G.");
    super::tests::set_privacy(&f, PrivacyMode::SearchOnly);
    assert!(
        k.visitor_hosts("jo").unwrap().is_empty(),
        "search only: three letters, as for finding oneself"
    );
    assert_eq!(k.visitor_hosts("jos").unwrap().len(), 1);
}

#[test]
fn with_host_approval_a_walk_in_waits_and_the_answer_decides() {
    let (f, outcome) = walk_in_asking_host(Connectivity::Online);
    let VisitorOutcome::Waiting {
        visit,
        seconds_left,
        ..
    } = outcome
    else {
        panic!("waits for the host: {outcome:?}");
    };
    assert_eq!(seconds_left, 300, "five minutes by default");
    assert_eq!(
        f.kiosk.walk_ins_now().unwrap().len(),
        1,
        "shown in the waiting strip"
    );
    assert!(
        matches!(
            f.kiosk.visitor_sign_in_by(Caller::Screen, visit),
            Err(KioskError::UnknownCode)
        ),
        "a walk-in waiting for the host cannot sign in by themselves"
    );
    f.clock.advance(Duration::minutes(5));
    assert_eq!(
        f.kiosk.visitor_waiting(visit).unwrap(),
        VisitorOutcome::SeeReception {
            first_name: "Ada".into()
        },
        "no answer in time: reception takes over"
    );
    let store = &f.kiosk.shared.store;
    store
        .write(|tx| tx.set_visitor_approval(visit, HostApproval::Rejected))
        .unwrap();
    assert_eq!(
        f.kiosk.visitor_waiting(visit).unwrap(),
        VisitorOutcome::Declined {
            first_name: "Ada".into()
        }
    );
}

#[test]
fn offline_with_host_approval_a_walk_in_is_kept_and_sent_to_reception_at_once() {
    let (f, outcome) = walk_in_asking_host(Connectivity::Offline);
    assert_eq!(
        outcome,
        VisitorOutcome::SeeReception {
            first_name: "Ada".into()
        }
    );
    assert_eq!(
        queued(&f),
        [OutboxOp::VisitorCreated],
        "kept, to ask the host once online"
    );
}

#[test]
fn a_visitor_is_found_by_the_start_of_their_name_and_signs_in_and_out_without_a_code() {
    let f = fixture();
    let id = expect_guest(&f, "K7P2QX");
    let k = &f.kiosk;
    assert!(
        k.visitor_find_from(Caller::Screen, "in")
            .unwrap()
            .is_empty(),
        "three letters first"
    );
    let found = k.visitor_find_from(Caller::Screen, "berg").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Ingrid B.", "first name and initial only");
    assert_eq!(found[0].host_name.as_deref(), Some("José"));
    assert!(!found[0].signed_in);
    assert!(matches!(
        k.visitor_sign_in_by(Caller::Screen, id).unwrap(),
        VisitorOutcome::Arrived { .. }
    ));
    assert!(k.visitor_find_from(Caller::Screen, "ingrid").unwrap()[0].signed_in);
    assert!(matches!(
        k.visitor_sign_out_by(Caller::Screen, id).unwrap(),
        VisitorOutcome::SignedOut { .. }
    ));
    assert_eq!(
        queued(&f),
        [OutboxOp::VisitorArrived, OutboxOp::VisitorDeparted]
    );
}

#[test]
fn a_name_search_that_finds_nobody_is_a_wrong_try() {
    let f = fixture();
    expect_guest(&f, "K7P2QX");
    let tablet = Caller::Tablet(7);
    for _ in 0..=crate::guard::MEMBER_PIN.free {
        assert!(f.kiosk.visitor_find_from(tablet, "zzz").unwrap().is_empty());
    }
    assert!(
        matches!(
            f.kiosk.visitor_find_from(tablet, "ingrid"),
            Err(KioskError::LockedOut { .. })
        ),
        "fishing for names makes the next search wait"
    );
}

#[test]
fn staff_sign_out_every_visitor_still_in_once() {
    let f = fixture();
    expect_guest(&f, "K7P2QX");
    f.kiosk
        .visitor_sign_in_from(Caller::Screen, "K7P2QX")
        .unwrap();
    f.kiosk
        .visitor_walk_in_from(Caller::Screen, &walk_in(2))
        .unwrap();
    let staff = f.kiosk.staff_by_pin(PIN).unwrap();
    assert_eq!(f.kiosk.sign_out_all_visitors(&staff).unwrap(), 2);
    assert_eq!(
        f.kiosk.sign_out_all_visitors(&staff).unwrap(),
        0,
        "nobody left in"
    );
    assert_eq!(
        queued(&f),
        [
            OutboxOp::VisitorArrived,
            OutboxOp::VisitorCreated,
            OutboxOp::VisitorDeparted,
            OutboxOp::VisitorDeparted
        ]
    );
}

#[test]
fn the_staff_queue_names_the_visitor_of_each_visitor_entry() {
    let f = fixture();
    f.kiosk
        .visitor_walk_in_from(Caller::Screen, &walk_in(2))
        .unwrap();
    let staff = f.kiosk.staff_by_pin(PIN).unwrap();
    let queue = f.kiosk.queue(&staff, 10).unwrap();
    assert_eq!(queue[0].visitor_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(queue[0].member_id, None, "a visitor is no member");
    assert!(queue[0].at.is_some());
}
