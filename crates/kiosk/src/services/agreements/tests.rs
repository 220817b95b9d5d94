//! Visitors' agreements at the kiosk's own screen: asked once per version, signed with a
//! finger, the copy kept with the arrival and deleted after its retention, staff export it.

use chrono::Duration;
use uuid::Uuid;

use crate::domain::agreements::{Agreement, Signature, signer_key};
use crate::domain::attempts::Caller;
use crate::domain::model::OutboxOp;
use crate::error::KioskError;
use crate::services::fixture::{
    Fixture, PIN, change_visitors, expect_guest_known, fixture, queued,
};
use crate::services::{Signing, VisitorOutcome, WalkIn};

fn with_agreement(f: &Fixture, version: u32) {
    change_visitors(f, |v| {
        v.agreement = Some(Agreement {
            version,
            text: "Wear your badge where reception can see it.".into(),
            translations: [(
                "es".to_owned(),
                "Lleve su acreditación a la vista.".to_owned(),
            )]
            .into(),
            keep_days: 90,
        });
    });
}

fn scribble() -> Signature {
    Signature {
        width: 600.0,
        height: 200.0,
        strokes: vec![vec![
            [40.0, 150.0],
            [160.0, 30.0],
            [280.0, 170.0],
            [420.0, 50.0],
        ]],
    }
}

fn signing(version: u32) -> Signing {
    Signing {
        version,
        language: "es-ES".into(),
        signature: scribble(),
    }
}

/// An invited guest, with the e-mail their invitation has.
fn guest(f: &Fixture, code: &str, email: &str) -> Uuid {
    expect_guest_known(f, code, signer_key(email, "Ingrid Bergström"))
}

fn field(e: KioskError) -> &'static str {
    match e {
        KioskError::Invalid(i) => i.field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

fn copies(f: &Fixture) -> usize {
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    f.kiosk
        .visitors()
        .signed_copies(&staff, 3650)
        .unwrap()
        .len()
}

#[test]
fn an_invited_guest_signs_the_agreement_once_and_is_in_with_the_copy_kept() {
    let f = fixture();
    with_agreement(&f, 3);
    let visit = guest(&f, "K7P2QX", "ingrid@example.com");
    let k = &f.kiosk;
    let asked = k.visitors().sign_in(Caller::Screen, "K7P2QX").unwrap();
    assert_eq!(
        asked,
        VisitorOutcome::SignAgreement {
            visit,
            first_name: "Ingrid".into(),
            version: 3
        }
    );
    assert!(queued(&f).is_empty(), "nothing recorded before they sign");

    let signed = k
        .visitors()
        .sign_agreement(Caller::Screen, visit, &signing(3))
        .unwrap();
    assert!(
        matches!(signed, VisitorOutcome::Arrived { visit: v, .. } if v == visit),
        "{signed:?}"
    );
    assert_eq!(queued(&f), [OutboxOp::VisitorArrived]);
    let staff = k.staff().by_pin(PIN).unwrap();
    let listed = k.visitors().signed_copies(&staff, 1).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].visitor_name.as_str(),
            listed[0].version,
            listed[0].language.as_deref()
        ),
        ("Ingrid Bergström", 3, Some("es")),
        "kept in the language they read"
    );
    let pdf = k.visitors().signed_copy_pdf(&staff, visit).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the copy is a PDF");
    let audit = k.desk().audit_log(&staff, 5).unwrap();
    assert!(
        audit.iter().any(|a| a.action == "agreement_exported"),
        "the export is in the audit log"
    );

    // Out, then in again the same day: signed already.
    k.visitors().sign_out(Caller::Screen, "K7P2QX").unwrap();
    let again = k.visitors().sign_in(Caller::Screen, "K7P2QX").unwrap();
    assert!(matches!(again, VisitorOutcome::Arrived { .. }), "{again:?}");
}

#[test]
fn a_returning_guest_who_signed_this_version_is_not_asked_again_and_a_new_version_asks() {
    let f = fixture();
    with_agreement(&f, 1);
    let first = guest(&f, "AAAAAA", "ingrid@example.com");
    let k = &f.kiosk;
    k.visitors().sign_in(Caller::Screen, "AAAAAA").unwrap();
    k.visitors()
        .sign_agreement(Caller::Screen, first, &signing(1))
        .unwrap();

    f.clock.advance(Duration::days(7));
    guest(&f, "BBBBBB", "Ingrid@Example.com");
    let back = k.visitors().sign_in(Caller::Screen, "BBBBBB").unwrap();
    assert!(
        matches!(back, VisitorOutcome::Arrived { .. }),
        "a week later, invited again: not asked ({back:?})"
    );

    with_agreement(&f, 2);
    guest(&f, "CCCCCC", "ingrid@example.com");
    let asked = k.visitors().sign_in(Caller::Screen, "CCCCCC").unwrap();
    assert!(
        matches!(asked, VisitorOutcome::SignAgreement { version: 2, .. }),
        "a new version is signed again ({asked:?})"
    );
    guest(&f, "DDDDDD", "someone.else@example.com");
    with_agreement(&f, 1);
    let other = k.visitors().sign_in(Caller::Screen, "DDDDDD").unwrap();
    assert!(
        matches!(other, VisitorOutcome::SignAgreement { .. }),
        "the same name with another e-mail is someone else ({other:?})"
    );
}

#[test]
fn a_signature_of_an_older_version_or_a_tap_is_refused_and_nothing_is_kept() {
    let f = fixture();
    with_agreement(&f, 2);
    let visit = guest(&f, "K7P2QX", "ingrid@example.com");
    let k = &f.kiosk;
    let stale = k
        .visitors()
        .sign_agreement(Caller::Screen, visit, &signing(1))
        .unwrap_err();
    assert_eq!(field(stale), "agreement", "read before staff changed it");
    let tap = Signing {
        signature: Signature {
            strokes: vec![vec![[300.0, 100.0]]],
            ..scribble()
        },
        ..signing(2)
    };
    let refused = k
        .visitors()
        .sign_agreement(Caller::Screen, visit, &tap)
        .unwrap_err();
    assert_eq!(field(refused), "signature");
    assert_eq!(copies(&f), 0);
    assert!(queued(&f).is_empty(), "not signed: not in");
    let unknown = k
        .visitors()
        .sign_agreement(Caller::Screen, Uuid::now_v7(), &signing(2))
        .unwrap_err();
    assert!(matches!(unknown, KioskError::UnknownCode), "{unknown:?}");
}

fn walk_in(name: &str, email: &str, signing: Option<Signing>) -> WalkIn {
    WalkIn {
        full_name: name.into(),
        email: email.into(),
        company: None,
        host_id: 2,
        signing,
        returning: None,
        photo: None,
    }
}

#[test]
fn a_walk_in_signs_with_their_registration_and_is_known_again_by_email_and_name_together() {
    let f = fixture();
    with_agreement(&f, 1);
    let k = &f.kiosk;
    let unsigned = k
        .visitors()
        .walk_in(
            Caller::Screen,
            &walk_in("Ada Lovelace", "ada@example.com", None),
        )
        .unwrap_err();
    assert_eq!(field(unsigned), "agreement", "asked to sign first");
    assert!(queued(&f).is_empty());

    let arrived = k
        .visitors()
        .walk_in(
            Caller::Screen,
            &walk_in("Ada Lovelace", "ada@example.com", Some(signing(1))),
        )
        .unwrap();
    let VisitorOutcome::Arrived { visit, .. } = arrived else {
        panic!("{arrived:?}");
    };
    assert_eq!(queued(&f), [OutboxOp::VisitorCreated]);
    let staff = k.staff().by_pin(PIN).unwrap();
    assert!(k.visitors().signed_copy_pdf(&staff, visit).is_ok());

    f.clock.advance(Duration::days(3));
    let back = k
        .visitors()
        .walk_in(
            Caller::Screen,
            &walk_in(" ada  LOVELACE", "ADA@example.com", None),
        )
        .unwrap();
    assert!(
        matches!(back, VisitorOutcome::Arrived { .. }),
        "returning with the same e-mail and name: not asked ({back:?})"
    );
    let stranger = k
        .visitors()
        .walk_in(Caller::Screen, &walk_in("Mallory", "ada@example.com", None))
        .unwrap_err();
    assert_eq!(
        field(stranger),
        "agreement",
        "someone else's e-mail alone is not a returning visitor"
    );
    assert_eq!(
        copies(&f),
        1,
        "one copy: the returning visit signed nothing new"
    );
}

#[test]
fn a_signed_copy_is_deleted_once_its_retention_is_over_and_not_before() {
    let f = fixture();
    with_agreement(&f, 1);
    let k = &f.kiosk;
    k.visitors()
        .walk_in(
            Caller::Screen,
            &walk_in("Ada Lovelace", "ada@example.com", Some(signing(1))),
        )
        .unwrap();
    f.clock.advance(Duration::days(89));
    crate::sync::tidy_due(&k.shared).unwrap();
    assert_eq!(copies(&f), 1, "kept for the 90 days staff chose");
    f.clock.advance(Duration::days(2));
    let forgotten = crate::sync::tidy_due(&k.shared).unwrap().unwrap();
    assert_eq!(forgotten.signed_agreements, 1);
    assert_eq!(copies(&f), 0, "deleted after its 90 days");
    let back = k
        .visitors()
        .walk_in(
            Caller::Screen,
            &walk_in("Ada Lovelace", "ada@example.com", None),
        )
        .unwrap_err();
    assert_eq!(field(back), "agreement", "the copy gone, they sign again");
}

#[test]
fn the_screen_reads_the_agreement_in_its_language_as_the_signed_copy_will_hold_it() {
    let f = fixture();
    assert_eq!(
        f.kiosk.visitors().agreement_text("es"),
        None,
        "no agreement set: nothing to read"
    );
    with_agreement(&f, 3);
    let spanish = f.kiosk.visitors().agreement_text("es-ES").unwrap();
    assert_eq!(
        (spanish.version, spanish.text.as_str()),
        (3, "Lleve su acreditación a la vista.")
    );
    let german = f.kiosk.visitors().agreement_text("de").unwrap();
    assert_eq!(
        german.text, "Wear your badge where reception can see it.",
        "no German text: the main one"
    );
}
