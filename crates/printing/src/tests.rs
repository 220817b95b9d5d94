//! Printing to a real IPP printer ([`crate::testing`]: CUPS's `ippeveprinter`).

use super::testing::{kept_job, labels_left, test_printer};
use super::*;

fn a_badge(label: badge::LabelSize) -> Vec<u8> {
    badge::render(
        &badge::Badge {
            name: "Zoë Ødegaard",
            company: Some("Brightwave Labs"),
            host: Some("Host: Ana Nakamura"),
            date: "3 Dec 2026, 09:41",
            logo: None,
            photo: None,
            qr: "KIOSK-VISIT-3f9a1c2e",
        },
        label,
    )
    .unwrap()
}

#[tokio::test]
async fn a_badge_prints_on_a_real_ipp_printer_with_the_label_size_staff_chose() {
    let test = test_printer();
    let printer = Printer::new(&test.address).unwrap();
    for (n, label) in badge::LabelSize::ALL.into_iter().enumerate() {
        let pdf = a_badge(label);
        let id = printer
            .print_pdf(pdf.clone(), label.pwg_media(), "Badge: Zoë Ødegaard")
            .await
            .unwrap();
        let (env, arrived) = kept_job(&test.kept, id);
        assert!(
            env.lines()
                .any(|l| l == format!("IPP_MEDIA={}", label.pwg_media())),
            "job {n} on {label:?}'s media:\n{env}"
        );
        assert!(
            env.contains("IPP_DOCUMENT_FORMAT_SUPPLIED=application/pdf"),
            "{env}"
        );
        assert_eq!(arrived, pdf, "the printer got the badge as made");
    }
}

#[tokio::test]
async fn the_desk_reads_a_ready_printer_one_out_of_labels_and_one_that_does_not_answer() {
    let test = test_printer();
    let printer = Printer::new(&test.address).unwrap();
    let status = printer.status().await.unwrap();
    assert_eq!(Condition::of(&status), Condition::Ready, "{status:?}");
    assert!(
        status.media.contains(&"om_62x29mm_62x29mm".to_owned()),
        "{status:?}"
    );

    // The roll runs out, as the printer reports it.
    labels_left(&test, 0);
    assert_eq!(printer.condition().await, Condition::OutOfMedia);
    labels_left(&test, 50);
    assert_eq!(printer.condition().await, Condition::Ready, "a new roll");

    drop(test);
    assert_eq!(printer.condition().await, Condition::Unreachable);
}

#[test]
fn what_a_printer_reports_reads_as_reception_needs_it() {
    let status = |state: i32, reasons: &[&str]| PrinterStatus {
        state,
        reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
        media: Vec::new(),
    };
    let cases = [
        (status(3, &["none"]), Condition::Ready),
        (status(4, &["none"]), Condition::Ready),
        (status(3, &["media-low-warning"]), Condition::Ready),
        (status(4, &["toner-low-report"]), Condition::Ready),
        (status(3, &["media-empty-error"]), Condition::OutOfMedia),
        (status(3, &["media-empty-report"]), Condition::OutOfMedia),
        (
            status(5, &["media-needed", "paused"]),
            Condition::OutOfMedia,
        ),
        (status(5, &["paused"]), Condition::Stopped),
        (status(3, &["media-jam-error"]), Condition::Stopped),
        (status(3, &["cover-open"]), Condition::Stopped),
        (status(5, &[]), Condition::Stopped),
    ];
    for (status, expected) in cases {
        assert_eq!(Condition::of(&status), expected, "{status:?}");
    }
}

#[test]
fn an_address_that_is_not_a_printers_is_refused_before_any_request() {
    for wrong in [
        "",
        "printer.local",
        "https://printer.local/ipp/print",
        "ipp://",
    ] {
        assert!(
            matches!(Printer::new(wrong), Err(PrintError::NotAnAddress(_))),
            "{wrong:?}"
        );
    }
    assert!(Printer::new("ipp://brother-ql.local:631/ipp/print").is_ok());
    assert!(Printer::new("ipp://localhost:631/printers/Brother_QL_820NWB").is_ok());
}
