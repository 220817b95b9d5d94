//! A walk-in's badge, end to end (issue 28, point 1): a demo kiosk as both faces boot it, its
//! badge printer a real IPP printer (`printing::testing`: ippeveprinter), prints the badge of
//! a walk-in on the label size staff chose, in about a second, without the sign-in waiting for
//! it; the badge's QR code signs the visitor out; a printer that goes away leaves the next
//! badge to reception and the desk says the printer does not answer. Root (Avahi).
#![cfg(target_os = "linux")]

use std::time::{Duration, Instant};

use kiosk::Kiosk;
use kiosk::domain::attempts::Caller;
use kiosk::domain::badges::{LabelSize, PrintState, PrinterCondition, qr_text};
use kiosk::services::{VisitorOutcome, WalkIn};
use kiosk_boot::{BootOptions, DemoChoice};

async fn until<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let end = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(t) = found() {
            return t;
        }
        assert!(Instant::now() < end, "never {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn walk_in(kiosk: &Kiosk, name: &str) -> VisitorOutcome {
    let host = kiosk.members().grid().unwrap()[0].member_id;
    kiosk
        .visitors()
        .walk_in(
            Caller::Screen,
            &WalkIn {
                full_name: name.into(),
                email: "ada@example.com".into(),
                company: Some("Analytical Engines".into()),
                host_id: host,
                signing: None,
                returning: None,
                photo: None,
            },
        )
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_ins_badge_prints_on_a_real_printer_and_its_qr_code_signs_them_out() {
    let printer = printing::testing::test_printer();
    let dir = tempfile::tempdir().unwrap();
    let mut options = BootOptions::new(dir.path().to_owned());
    options.demo = DemoChoice::Always;
    options.demo_members = 30;
    let running = kiosk_boot::boot(options).await.unwrap();
    let kiosk = running.kiosk.clone();
    let staff = kiosk.staff().by_pin(kiosk_boot::DEMO_STAFF_PIN).unwrap();
    let mut settings = kiosk.account().settings();
    settings.visitors.badge_printer = Some(printer.address.clone());
    settings.visitors.badge_label = LabelSize::Tall;
    settings.visitors.agreement = None;
    kiosk.account().update_settings(&staff, settings).unwrap();

    let signed_in = Instant::now();
    let outcome = walk_in(&kiosk, "Ada Lovelace");
    assert!(
        matches!(outcome, VisitorOutcome::Arrived { .. }),
        "{outcome:?}"
    );
    let (env, pdf) = until("the badge printed", || {
        printer
            .kept
            .join("job-1.env")
            .exists()
            .then(|| printing::testing::kept_job(&printer.kept, 1))
    })
    .await;
    let took = signed_in.elapsed();
    assert!(
        env.lines().any(|l| l == "IPP_MEDIA=om_62x100mm_62x100mm"),
        "on the 62 x 100 mm labels staff chose:\n{env}"
    );
    assert!(pdf.starts_with(b"%PDF"));
    println!("badge printed {} ms after the sign-in", took.as_millis());
    let prints = until("the badge marked printed", || {
        let prints = kiosk.badges().prints(&staff).unwrap();
        (prints[0].state == PrintState::Printed).then_some(prints)
    })
    .await;

    // The visitor leaves, showing the badge to the scanner: its QR code names the visit.
    let out = kiosk
        .visitors()
        .sign_out(Caller::Screen, &qr_text(prints[0].visit))
        .unwrap();
    assert!(matches!(out, VisitorOutcome::SignedOut { .. }), "{out:?}");

    // The printer goes away: the desk says so, and the next badge is left to reception.
    drop(printer);
    let condition = kiosk
        .badges()
        .check_printer(&kiosk_boot::badges::IppPrinters)
        .await;
    assert_eq!(condition, Some(PrinterCondition::Unreachable));
    walk_in(&kiosk, "Grace Hopper");
    until("the second badge failed", || {
        let prints = kiosk.badges().prints(&staff).unwrap();
        (prints[0].visitor_name == "Grace Hopper" && prints[0].state == PrintState::Failed)
            .then_some(())
    })
    .await;
}
