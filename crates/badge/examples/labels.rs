//! Writes one badge of each label size to the folder given (default: test-output/badges), to
//! look at: `cargo run -p badge --example labels`.
fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "test-output/badges".into());
    std::fs::create_dir_all(&dir).expect("the folder can be made");
    let badge = badge::Badge {
        name: "Zoë Łukasiewicz-Ødegaard",
        company: Some("Brightwave Labs"),
        host: Some("Host: Ana Nakamura"),
        date: "3 Dec 2026, 09:41",
        logo: None,
        photo: None,
        qr: "KIOSK-VISIT-3f9a1c2e",
    };
    for label in badge::LabelSize::ALL {
        let (w, h) = label.millimetres();
        let path = format!("{dir}/badge-{w}x{h}.pdf");
        std::fs::write(&path, badge::render(&badge, label).expect("a badge")).expect("written");
        println!("{path}");
    }
}
