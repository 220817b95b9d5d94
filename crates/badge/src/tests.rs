//! Badges read back as a person and a scanner read them: the text with poppler's `pdftotext`
//! (what a PDF reader extracts: the embedded font maps back to the letters typed), the page
//! size with `pdfinfo`, the images with `pdfimages`, and the QR code from the page rendered by
//! `pdftoppm` and decoded by rqrr. Debian's poppler-utils (scripts/setup.sh installs it).

use std::process::Command;

use super::*;

/// A PNG of `w` x `h` pixels, all one grey: a logo or a photo.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&vec![90; (w * h) as usize])
            .unwrap();
    }
    bytes
}

fn badge<'a>(logo: Option<&'a [u8]>, photo: Option<&'a [u8]>) -> Badge<'a> {
    Badge {
        name: "Zoë Łukasiewicz-Ødegaard",
        company: Some("Brightwave Labs"),
        host: Some("Host: Ana Nakamura"),
        date: "3 Dec 2026, 09:41",
        logo,
        photo,
        qr: "KIOSK-VISIT-3f9a1c2e",
    }
}

/// Runs a poppler tool on the PDF `bytes`; answers what it prints.
fn poppler(tool: &str, bytes: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("badge.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&pdf)
        .args(if tool == "pdftotext" {
            vec!["-"]
        } else {
            vec![]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils, scripts/setup.sh): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What the QR code on the page reads as, the page rendered at 300 dpi.
fn qr_of(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("badge.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let out = dir.path().join("page");
    let rendered = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&out)
        .status()
        .unwrap();
    assert!(rendered.success());
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(out.with_extension("png")).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    // pdftoppm writes RGB even when asked for grey: the first channel of each pixel.
    let step = info.line_size / w;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        pixels[y * info.line_size + x * step]
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the badge");
    grids[0].decode().expect("the QR code decodes").1
}

#[test]
fn every_line_of_a_badge_reads_back_in_the_visitors_own_letters_on_every_label_size() {
    for label in LabelSize::ALL {
        let pdf = render(&badge(None, None), label).unwrap();
        let text = poppler("pdftotext", &pdf, &["-layout"]);
        // A name too long for one line may break between its words.
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Zoë",
            "Łukasiewicz-Ødegaard",
            "Brightwave Labs",
            "Host: Ana Nakamura",
            "3 Dec 2026, 09:41",
        ] {
            assert!(
                flat.contains(expected),
                "{label:?}: {expected:?} in {text:?}"
            );
        }
    }
}

#[test]
fn each_label_is_one_page_of_its_size() {
    for label in LabelSize::ALL {
        let info = poppler("pdfinfo", &render(&badge(None, None), label).unwrap(), &[]);
        let (w, h) = label.millimetres();
        let expected = format!("{:.2} x {:.2} pts", w * MM, h * MM);
        let page = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
        let pts: Vec<f32> = page
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        assert!(
            (pts[0] - w * MM).abs() < 0.1 && (pts[1] - h * MM).abs() < 0.1,
            "{label:?}: {page} (expected {expected})"
        );
        let pages = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
        assert_eq!(pages.split_whitespace().nth(1), Some("1"), "{info}");
    }
}

#[test]
fn the_qr_code_reads_back_as_what_signs_the_visitor_out_on_every_label_size() {
    for label in LabelSize::ALL {
        let pdf = render(&badge(None, None), label).unwrap();
        assert_eq!(qr_of(&pdf), "KIOSK-VISIT-3f9a1c2e", "{label:?}");
    }
}

#[test]
fn the_logo_and_the_photo_print_where_there_is_room_and_what_is_not_an_image_is_left_out() {
    let (logo, photo) = (png(400, 100), png(300, 400));
    let images = |pdf: &[u8]| {
        poppler("pdfimages", pdf, &["-list"])
            .lines()
            .skip(2)
            .count()
    };
    let tall = render(&badge(Some(&logo), Some(&photo)), LabelSize::Tall).unwrap();
    assert_eq!(images(&tall), 2, "logo and photo on a tall label");
    let small = render(&badge(Some(&logo), Some(&photo)), LabelSize::Small).unwrap();
    assert_eq!(images(&small), 0, "no room on 62 x 29 mm");
    let junk = render(&badge(Some(b"<html>login</html>"), None), LabelSize::Dymo).unwrap();
    assert_eq!(
        images(&junk),
        0,
        "not an image: left out, the badge still made"
    );
    assert_eq!(
        qr_of(&tall),
        "KIOSK-VISIT-3f9a1c2e",
        "the QR code still reads beside them"
    );
}

#[test]
fn a_name_too_long_for_one_line_breaks_between_words_then_shrinks_then_is_cut_never_running_off() {
    let face = Face::new(BOLD);
    let width = 56.0 * MM;
    let (size, lines) = face.fit("Ana", width, 20.0, 11.0);
    assert_eq!(
        (size, lines.len()),
        (20.0, 1),
        "a short name at the largest size"
    );
    let (size, lines) = face.fit(
        "Maximiliana Alexandrovna Konstantinopoulou",
        width,
        20.0,
        11.0,
    );
    assert!(lines.len() == 2 && size <= 20.0, "{size} {lines:?}");
    for line in &lines {
        assert!(face.width(line, size) <= width, "{line} fits");
    }
    let (size, lines) = face.fit(&"W".repeat(80), width, 20.0, 11.0);
    assert!(
        (size - 11.0).abs() < f32::EPSILON,
        "the smallest size: {size}"
    );
    assert!(
        lines[0].ends_with('…') && face.width(&lines[0], size) <= width,
        "{lines:?}"
    );
}

#[test]
fn the_qr_code_a_screen_shows_is_an_svg_image_of_the_same_code() {
    let svg = qr_svg("KIOSK-VISIT:3f9a1c2e").unwrap();
    assert!(svg.contains("<svg") && svg.contains("</svg>"), "{svg}");
    assert!(!svg.contains("<script"), "an image, nothing that runs");
    assert_eq!(qr_svg(&"x".repeat(5000)), Err(BadgeError::QrTooLong(5000)));
}

#[test]
fn a_qr_code_that_cannot_hold_its_text_is_a_clear_error() {
    let long = "x".repeat(5000);
    let too_long = Badge {
        qr: &long,
        ..badge(None, None)
    };
    assert_eq!(
        render(&too_long, LabelSize::Small),
        Err(BadgeError::QrTooLong(5000))
    );
}
