//! Walk-ins at the kiosk's own screen: registered durably, the host found by search, the terms
//! and host approval as staff set them; a visitor found by name; staff sign everyone out.

use crate::domain::attempts::Caller;
use crate::domain::clock::Clock;
use crate::domain::model::OutboxOp;
use crate::domain::settings::{PrivacyMode, VisitorSettings};
use crate::domain::views::Connectivity;
use crate::error::KioskError;
use crate::services::fixture::{Fixture, PIN, change_visitors, expect_guest, fixture, queued};
use crate::services::{VisitorOutcome, WalkIn};
use chrono::Duration;
use nexudus::HostApproval;

fn walk_in(host_id: i64) -> WalkIn {
    WalkIn {
        full_name: " Ada Lovelace ".into(),
        email: "ada@example.com".into(),
        company: Some("Analytical Engines".into()),
        host_id,
        signing: None,
        returning: None,
        photo: None,
    }
}

fn set_visitors(f: &Fixture, visitors: VisitorSettings) {
    change_visitors(f, |v| *v = visitors);
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
        .visitors()
        .walk_in(Caller::Screen, &walk_in(2))
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
        .visitors()
        .walk_in(Caller::Screen, &walk_in(2))
        .unwrap();
    let VisitorOutcome::Arrived { visit, .. } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(
        outcome,
        VisitorOutcome::Arrived {
            visit,
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
        .read(|tx| {
            tx.walk_ins_since(
                crate::services::fixture::HERE,
                f.clock.now() - Duration::hours(1),
            )
        })
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
    let try_with = |w: WalkIn| invalid_field(k.visitors().walk_in(Caller::Screen, &w).unwrap_err());
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
            agreement: Some(crate::domain::agreements::Agreement {
                text: "Be kind.".into(),
                ..Default::default()
            }),
            ..VisitorSettings::default()
        },
    );
    assert_eq!(
        try_with(walk_in(2)),
        "agreement",
        "an agreement set: it must be signed (services::agreements)"
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
    assert!(queued(&f).is_empty(), "nothing refused was kept");
}

#[test]
fn hosts_are_found_from_two_letters_named_as_privacy_allows_and_never_as_bare_initials() {
    let f = fixture();
    let k = &f.kiosk;
    assert!(
        k.visitors().hosts("j").unwrap().is_empty(),
        "one letter finds nobody"
    );
    let hosts = k.visitors().hosts("jo").unwrap();
    assert_eq!(
        hosts.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
        ["José García"]
    );
    assert!(
        k.visitors().hosts("ina").unwrap().is_empty(),
        "inactive members host nobody"
    );
    assert!(
        k.visitors().hosts("eli").unwrap().is_empty(),
        "nor do another location's"
    );
    crate::services::fixture::set_privacy(&f, PrivacyMode::Initials);
    assert_eq!(k.visitors().hosts("jo").unwrap()[0].name, "José G.");
    crate::services::fixture::set_privacy(&f, PrivacyMode::SearchOnly);
    assert!(
        k.visitors().hosts("jo").unwrap().is_empty(),
        "search only: three letters, as for finding oneself"
    );
    assert_eq!(k.visitors().hosts("jos").unwrap().len(), 1);
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
        f.kiosk.visitors().walk_ins_now().unwrap().len(),
        1,
        "shown in the waiting strip"
    );
    assert!(
        matches!(
            f.kiosk.visitors().sign_in_by(Caller::Screen, visit),
            Ok(VisitorOutcome::Waiting { .. })
        ),
        "a walk-in waiting for the host cannot sign in by themselves: they are told to wait"
    );
    f.clock.advance(Duration::minutes(5));
    assert_eq!(
        f.kiosk.visitors().waiting(visit).unwrap(),
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
        f.kiosk.visitors().waiting(visit).unwrap(),
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
        k.visitors().find(Caller::Screen, "in").unwrap().is_empty(),
        "three letters first"
    );
    let found = k.visitors().find(Caller::Screen, "berg").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Ingrid B.", "first name and initial only");
    assert_eq!(found[0].host_name.as_deref(), Some("José"));
    assert!(!found[0].signed_in);
    assert!(matches!(
        k.visitors().sign_in_by(Caller::Screen, id).unwrap(),
        VisitorOutcome::Arrived { .. }
    ));
    assert!(k.visitors().find(Caller::Screen, "ingrid").unwrap()[0].signed_in);
    assert!(matches!(
        k.visitors().sign_out_by(Caller::Screen, id).unwrap(),
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
    for _ in 0..=crate::domain::attempts::MEMBER_PIN.free {
        assert!(f.kiosk.visitors().find(tablet, "zzz").unwrap().is_empty());
    }
    assert!(
        matches!(
            f.kiosk.visitors().find(tablet, "ingrid"),
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
        .visitors()
        .sign_in(Caller::Screen, "K7P2QX")
        .unwrap();
    f.kiosk
        .visitors()
        .walk_in(Caller::Screen, &walk_in(2))
        .unwrap();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    assert_eq!(f.kiosk.visitors().sign_out_all(&staff).unwrap(), 2);
    assert_eq!(
        f.kiosk.visitors().sign_out_all(&staff).unwrap(),
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
        .visitors()
        .walk_in(Caller::Screen, &walk_in(2))
        .unwrap();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let queue = f.kiosk.desk().queue(&staff, 10).unwrap();
    assert_eq!(queue[0].visitor_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(queue[0].member_id, None, "a visitor is no member");
    assert!(queue[0].at.is_some());
}

/// A kiosk that remembers walk-ins for `days`.
fn remembering(f: &Fixture, days: u32) {
    set_visitors(
        f,
        VisitorSettings {
            remember_days: days,
            ..VisitorSettings::default()
        },
    );
}

#[test]
fn a_previous_badge_fills_the_form_and_brings_back_the_email_while_inside_it_signs_out() {
    let f = fixture();
    remembering(&f, 30);
    let k = &f.kiosk;
    let VisitorOutcome::Arrived { visit, .. } =
        k.visitors().walk_in(Caller::Screen, &walk_in(2)).unwrap()
    else {
        panic!("in");
    };
    let badge = crate::domain::badges::qr_text(visit);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let today = rt
        .block_on(k.visitors().sign_in_looking_up(Caller::Screen, &badge))
        .unwrap();
    assert!(
        matches!(today, VisitorOutcome::SignedOut { .. }),
        "a badge of a visitor inside signs them out: {today:?}"
    );
    let later = rt
        .block_on(k.visitors().sign_in_looking_up(Caller::Screen, &badge))
        .unwrap();
    assert!(
        matches!(later, VisitorOutcome::Returning { .. }),
        "back the same afternoon with it: the form again ({later:?})"
    );

    f.clock.advance(Duration::days(12));
    let back = rt
        .block_on(k.visitors().sign_in_looking_up(Caller::Screen, &badge))
        .unwrap();
    assert_eq!(
        back,
        VisitorOutcome::Returning {
            visit,
            full_name: "Ada Lovelace".into(),
            company: Some("Analytical Engines".into()),
        },
        "twelve days later the old badge fills the form"
    );
    let again = k
        .visitors()
        .walk_in(
            Caller::Screen,
            &WalkIn {
                email: String::new(),
                returning: Some(visit),
                ..walk_in(2)
            },
        )
        .unwrap();
    let VisitorOutcome::Arrived { visit: second, .. } = again else {
        panic!("{again:?}");
    };
    let row = k
        .shared
        .store
        .read(|tx| tx.visitor(second))
        .unwrap()
        .unwrap();
    assert_eq!(
        row.walk_in.unwrap().email.as_deref(),
        Some("ada@example.com"),
        "the e-mail they gave last time, for Nexudus"
    );
}

#[test]
fn an_email_alone_fills_nothing_with_the_name_it_fills_the_company_and_forgetting_is_the_tidys() {
    let f = fixture();
    remembering(&f, 30);
    let k = &f.kiosk;
    k.visitors().walk_in(Caller::Screen, &walk_in(2)).unwrap();
    let company = |email: &str, name: &str| k.visitors().returning_company(email, name).unwrap();
    assert_eq!(
        company("ADA@example.com", "ada lovelace"),
        Some("Analytical Engines".into())
    );
    assert_eq!(
        company("ada@example.com", ""),
        None,
        "the e-mail alone tells nothing"
    );
    assert_eq!(
        company("ada@example.com", "Mallory"),
        None,
        "nor with another name"
    );

    f.clock.advance(Duration::days(31));
    crate::sync::tidy_due(&k.shared).unwrap();
    assert_eq!(
        company("ada@example.com", "Ada Lovelace"),
        None,
        "forgotten after the 30 days staff chose"
    );
}

#[test]
fn a_kiosk_that_remembers_nobody_keeps_no_email_and_an_old_badge_is_a_wrong_code() {
    let f = fixture();
    let k = &f.kiosk;
    let VisitorOutcome::Arrived { visit, .. } =
        k.visitors().walk_in(Caller::Screen, &walk_in(2)).unwrap()
    else {
        panic!("in");
    };
    assert_eq!(
        k.shared.store.read(|tx| tx.guest_by_visit(visit)).unwrap(),
        None,
        "nothing remembered by default"
    );
    f.clock.advance(Duration::days(3));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let old = rt
        .block_on(
            k.visitors()
                .sign_in_looking_up(Caller::Screen, &crate::domain::badges::qr_text(visit)),
        )
        .unwrap_err();
    assert!(matches!(old, KioskError::UnknownCode), "{old:?}");
}
