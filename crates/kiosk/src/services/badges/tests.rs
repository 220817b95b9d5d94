//! Badges through a printer that keeps what it is sent (the real IPP printer is
//! `crates/printing`'s and `kiosk-boot`'s tests').

use std::sync::Mutex;

use chrono::Duration;
use futures::future::BoxFuture;

use super::BadgePrinter;
use crate::domain::attempts::Caller;
use crate::domain::badges::{LabelSize, PrintState, PrinterCondition, qr_text};
use crate::domain::events::Event;
use crate::domain::settings::Settings;
use crate::services::fixture::{Fixture, PIN, expect_guest, fixture};
use crate::services::{VisitorOutcome, WalkIn};

/// A printer that keeps every job, or refuses every one.
#[derive(Default)]
struct Kept {
    jobs: Mutex<Vec<(String, Vec<u8>, LabelSize)>>,
    refuse: Option<&'static str>,
}

impl BadgePrinter for Kept {
    fn print<'a>(
        &'a self,
        address: &'a str,
        pdf: Vec<u8>,
        label: LabelSize,
        _title: &'a str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            if let Some(why) = self.refuse {
                return Err(why.to_owned());
            }
            self.jobs
                .lock()
                .unwrap()
                .push((address.to_owned(), pdf, label));
            Ok(())
        })
    }

    fn condition<'a>(&'a self, _address: &'a str) -> BoxFuture<'a, PrinterCondition> {
        Box::pin(async move {
            if self.refuse.is_some() {
                PrinterCondition::Unreachable
            } else {
                PrinterCondition::Ready
            }
        })
    }
}

const PRINTER: &str = "ipp://brother-ql.local:631/ipp/print";

/// A walk-in with a company, visiting member 2.
fn ada() -> WalkIn {
    WalkIn {
        full_name: "Ada Lovelace".into(),
        email: "ada@example.com".into(),
        company: Some("Analytical Engines".into()),
        host_id: 2,
        signing: None,
        returning: None,
        photo: None,
    }
}

fn with_printer(f: &Fixture, label: LabelSize) {
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let mut settings: Settings = f.kiosk.account().settings();
    settings.visitors.badge_printer = Some(PRINTER.into());
    settings.visitors.badge_label = label;
    f.kiosk.account().update_settings(&staff, settings).unwrap();
}

fn states(f: &Fixture) -> Vec<PrintState> {
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    f.kiosk
        .badges()
        .prints(&staff)
        .unwrap()
        .into_iter()
        .map(|p| p.state)
        .collect()
}

#[tokio::test]
async fn a_guest_signing_in_gets_a_badge_printed_after_the_sign_in_answered() {
    let f = fixture();
    with_printer(&f, LabelSize::Tall);
    let visit = expect_guest(&f, "ABC123");
    let outcome = f
        .kiosk
        .visitors()
        .sign_in(Caller::Screen, "ABC123")
        .unwrap();
    assert!(
        matches!(outcome, VisitorOutcome::Arrived { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        states(&f),
        vec![PrintState::Queued],
        "queued with the arrival, not printed in it"
    );

    let mut events = f.kiosk.subscribe();
    let printer = Kept::default();
    assert_eq!(f.kiosk.badges().print_queued(&printer).await.unwrap(), 1);
    let jobs = printer.jobs.lock().unwrap().clone();
    assert_eq!(jobs.len(), 1);
    let (address, pdf, label) = &jobs[0];
    assert_eq!((address.as_str(), *label), (PRINTER, LabelSize::Tall));
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    assert_eq!(states(&f), vec![PrintState::Printed]);
    assert_eq!(
        events.try_recv().unwrap(),
        Event::BadgePrinted {
            visit,
            printed: true
        }
    );
    assert_eq!(
        f.kiosk.badges().print_queued(&printer).await.unwrap(),
        0,
        "printed once"
    );
    assert!(qr_text(visit).starts_with("KIOSK-VISIT:"));
}

#[tokio::test]
async fn a_printer_that_refuses_leaves_the_badge_to_reception_and_staff_reprint_it() {
    let f = fixture();
    with_printer(&f, LabelSize::Small);
    let visit = expect_guest(&f, "ABC123");
    f.kiosk
        .visitors()
        .sign_in(Caller::Screen, "ABC123")
        .unwrap();
    let broken = Kept {
        refuse: Some("the printer does not answer: connection refused"),
        ..Kept::default()
    };
    let mut events = f.kiosk.subscribe();
    assert_eq!(f.kiosk.badges().print_queued(&broken).await.unwrap(), 0);
    assert_eq!(
        events.try_recv().unwrap(),
        Event::BadgePrinted {
            visit,
            printed: false
        },
        "the screen says reception has the badge"
    );
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let failed = &f.kiosk.badges().prints(&staff).unwrap()[0];
    assert_eq!(failed.state, PrintState::Failed);
    assert!(failed.error.as_deref().unwrap().contains("does not answer"));
    assert_eq!(failed.visitor_name, "Ingrid Bergström");
    assert_eq!(
        f.kiosk.badges().check_printer(&broken).await,
        Some(PrinterCondition::Unreachable)
    );

    // Staff fix the printer and reprint from the desk.
    f.kiosk.badges().reprint(&staff, visit).unwrap();
    let fixed = Kept::default();
    assert_eq!(f.kiosk.badges().print_queued(&fixed).await.unwrap(), 1);
    assert_eq!(states(&f), vec![PrintState::Printed]);
    assert_eq!(
        f.kiosk.badges().printer(),
        Some(PrinterCondition::Unreachable)
    );
    assert_eq!(
        f.kiosk.badges().check_printer(&fixed).await,
        Some(PrinterCondition::Ready)
    );
}

#[tokio::test]
async fn a_walk_in_gets_a_badge_with_their_company_and_no_printer_means_no_badge() {
    let f = fixture();
    let walk_in = ada();
    f.kiosk
        .visitors()
        .walk_in(Caller::Screen, &walk_in)
        .unwrap();
    assert!(states(&f).is_empty(), "no printer set: no badge queued");

    with_printer(&f, LabelSize::Small);
    f.kiosk
        .visitors()
        .walk_in(Caller::Screen, &walk_in)
        .unwrap();
    assert_eq!(states(&f), vec![PrintState::Queued]);
    let printer = Kept::default();
    f.kiosk.badges().print_queued(&printer).await.unwrap();
    assert_eq!(printer.jobs.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_badge_left_queued_while_the_kiosk_was_off_is_not_printed_long_after() {
    let f = fixture();
    with_printer(&f, LabelSize::Small);
    expect_guest(&f, "ABC123");
    f.kiosk
        .visitors()
        .sign_in(Caller::Screen, "ABC123")
        .unwrap();
    f.clock.advance(Duration::minutes(20));
    let printer = Kept::default();
    assert_eq!(f.kiosk.badges().print_queued(&printer).await.unwrap(), 0);
    assert!(printer.jobs.lock().unwrap().is_empty());
    assert_eq!(states(&f), vec![PrintState::Failed], "left to reception");
}

#[test]
fn a_printer_address_that_is_not_one_is_refused_in_the_settings() {
    let f = fixture();
    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let mut settings = f.kiosk.account().settings();
    settings.visitors.badge_printer = Some("brother-ql.local".into());
    let refused = f.kiosk.account().update_settings(&staff, settings);
    assert!(refused.is_err());
}

#[test]
fn a_visitor_without_a_printer_sees_their_badge_on_screen_and_nobody_sees_another_not_in() {
    let f = fixture();
    let visit = expect_guest(&f, "ABC123");
    let unknown = f.kiosk.badges().on_screen(visit);
    assert!(
        matches!(unknown, Err(crate::error::KioskError::UnknownCode)),
        "not signed in yet: no badge ({unknown:?})"
    );
    f.kiosk
        .visitors()
        .sign_in(Caller::Screen, "ABC123")
        .unwrap();
    let badge = f.kiosk.badges().on_screen(visit).unwrap();
    assert_eq!(badge.name, "Ingrid Bergström");
    assert_eq!(
        badge.host.as_deref(),
        Some("José García"),
        "the host's name: the screen words it in its reader's language"
    );
    assert_eq!(
        badge.date, "2025-07-01 09:00",
        "the location's clock (London, summer)"
    );
    assert!(
        badge.qr.starts_with("data:image/svg+xml;base64,"),
        "{}",
        badge.qr
    );
    assert!(matches!(
        f.kiosk.badges().on_screen(uuid::Uuid::new_v4()),
        Err(crate::error::KioskError::UnknownCode)
    ));
}

#[test]
fn a_walk_ins_company_stays_on_their_badge_after_nexudus_has_the_record() {
    let f = fixture();
    let walk_in = ada();
    let VisitorOutcome::Arrived { visit, .. } = f
        .kiosk
        .visitors()
        .walk_in(Caller::Screen, &walk_in)
        .unwrap()
    else {
        panic!("in at once");
    };
    // Sent: Nexudus answered with the record's Id.
    f.kiosk
        .shared
        .store
        .write(|tx| tx.adopt_visitor_id(visit, 71_000_042))
        .unwrap();
    let badge = f.kiosk.badges().on_screen(visit).unwrap();
    assert_eq!(badge.company.as_deref(), Some("Analytical Engines"));
    let kept = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.visitor(visit))
        .unwrap()
        .unwrap();
    assert_eq!(kept.walk_in.unwrap().email, None, "the e-mail is forgotten");
}

#[tokio::test]
async fn a_badge_shown_to_the_scanner_signs_its_visitor_out_whether_it_asked_in_or_out() {
    let f = fixture();
    let visit = expect_guest(&f, "ABC123");
    f.kiosk
        .visitors()
        .sign_in(Caller::Screen, "ABC123")
        .unwrap();
    let out = f
        .kiosk
        .visitors()
        .sign_in_looking_up(Caller::Screen, &qr_text(visit))
        .await
        .unwrap();
    assert!(matches!(out, VisitorOutcome::SignedOut { .. }), "{out:?}");
}

#[tokio::test]
async fn the_printing_round_is_woken_by_each_queued_badge_and_by_nothing_else() {
    /// Whether the printing round would wake within a moment.
    async fn woken(f: &Fixture) -> bool {
        let badges = f.kiosk.badges();
        tokio::time::timeout(std::time::Duration::from_millis(200), badges.queued())
            .await
            .is_ok()
    }
    let f = fixture();
    with_printer(&f, LabelSize::Small);
    assert!(!woken(&f).await, "nothing queued: the round sleeps");

    expect_guest(&f, "ABC123");
    f.kiosk
        .visitors()
        .sign_in(Caller::Screen, "ABC123")
        .unwrap();
    assert!(woken(&f).await, "a guest's arrival queued a badge");
    assert!(!woken(&f).await, "woken once per badge");

    f.kiosk
        .visitors()
        .sign_out(Caller::Screen, "ABC123")
        .unwrap();
    assert!(!woken(&f).await, "a departure queues nothing");

    let outcome = f.kiosk.visitors().walk_in(Caller::Screen, &ada()).unwrap();
    assert!(
        matches!(outcome, VisitorOutcome::Arrived { .. }),
        "{outcome:?}"
    );
    assert!(woken(&f).await, "a walk-in's arrival queued a badge");

    let staff = f.kiosk.staff().by_pin(PIN).unwrap();
    let VisitorOutcome::Arrived { visit, .. } = outcome else {
        unreachable!()
    };
    f.kiosk.badges().reprint(&staff, visit).unwrap();
    assert!(woken(&f).await, "staff asked for it again");
}
