//! A visitor's signed copy of the location's agreement as an A4 PDF: the text as they read it
//! (broken into lines and pages), who signed and when, and their signature drawn as the strokes
//! their finger made (vectors, so the copy prints sharp at any size).

use krilla::Document;
use krilla::geom::{PathBuilder, Rect};
use krilla::page::PageSettings;
use krilla::paint::{LineCap, LineJoin, Stroke};
use krilla::surface::Surface;
use serde::{Deserialize, Serialize};

use super::{BOLD, BadgeError, Face, MM, REGULAR, draw_lines};

/// A signature as the screen's pad took it: strokes of points in the pad's own pixels, the pad
/// `width` x `height` (so the copy keeps its proportions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Strokes {
    pub width: f32,
    pub height: f32,
    pub strokes: Vec<Vec<[f32; 2]>>,
}

/// What the signed copy says. The words come from the caller, in the language the visitor
/// read the agreement in.
#[derive(Debug, Clone, Copy)]
pub struct SignedCopy<'a> {
    /// "Visitor agreement, version 3".
    pub title: &'a str,
    /// The agreement as the visitor read it; paragraphs separated by line breaks.
    pub text: &'a str,
    /// "Signed by Ada Lovelace on 3 December 2026 at 10:12 (Europe/Lisbon)".
    pub signed: &'a str,
    pub signature: &'a Strokes,
}

const PAGE: (f32, f32) = (210.0 * MM, 297.0 * MM);
const MARGIN: f32 = 20.0 * MM;
const TEXT: f32 = 10.5;
const TITLE: f32 = 15.0;
/// The signature's box on the page.
const SIGNATURE: (f32, f32) = (90.0 * MM, 35.0 * MM);

/// `paragraph` broken between words into lines no wider than `width` at `size` (a word wider
/// than a line is cut where it must be).
fn wrap(face: &Face, paragraph: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in paragraph.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if face.width(&candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word alone wider than the line (a long address): cut it into pieces that fit.
        let mut rest: Vec<char> = word.chars().collect();
        while face.width(&rest.iter().collect::<String>(), size) > width && rest.len() > 1 {
            let mut take = rest.len() - 1;
            while take > 1 && face.width(&rest[..take].iter().collect::<String>(), size) > width {
                take -= 1;
            }
            lines.push(rest[..take].iter().collect());
            rest.drain(..take);
        }
        line = rest.into_iter().collect();
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A line set on a page: where its top is, its size, its face, its words.
struct Line {
    y: f32,
    size: f32,
    bold: bool,
    text: String,
}

/// Lines laid out on pages as they fill: a new page when the next line would pass the bottom
/// margin.
struct Layout {
    filling: Vec<Line>,
    filled: Vec<Vec<Line>>,
    y: f32,
}

impl Layout {
    fn line(&mut self, text: String, size: f32, bold: bool) {
        self.room(size * 1.35);
        self.filling.push(Line {
            y: self.y,
            size,
            bold,
            text,
        });
        self.y += size * 1.35;
    }

    /// A new page unless `height` fits below the last line.
    fn room(&mut self, height: f32) {
        if self.y + height > PAGE.1 - MARGIN {
            self.filled.push(std::mem::take(&mut self.filling));
            self.y = MARGIN;
        }
    }
}

fn draw_signature(surface: &mut Surface<'_>, signature: &Strokes, x: f32, y: f32) {
    let (w, h) = SIGNATURE;
    let mut frame = PathBuilder::new();
    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
        frame.push_rect(rect);
    }
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        width: 0.5,
        ..Stroke::default()
    }));
    if let Some(path) = frame.finish() {
        surface.draw_path(&path);
    }
    if signature.width <= 0.0 || signature.height <= 0.0 {
        return;
    }
    let scale = ((w - 4.0 * MM) / signature.width).min((h - 4.0 * MM) / signature.height);
    let (left, top) = (
        x + (w - signature.width * scale) / 2.0,
        y + (h - signature.height * scale) / 2.0,
    );
    let mut ink = PathBuilder::new();
    for stroke in &signature.strokes {
        let mut points = stroke.iter();
        let Some([x0, y0]) = points.next() else {
            continue;
        };
        ink.move_to(left + x0 * scale, top + y0 * scale);
        if stroke.len() == 1 {
            // A dot: a stroke of no length, drawn with its round cap.
            ink.line_to(left + x0 * scale + 0.01, top + y0 * scale);
        }
        for [px, py] in points {
            ink.line_to(left + px * scale, top + py * scale);
        }
    }
    surface.set_stroke(Some(Stroke {
        width: 1.2,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        ..Stroke::default()
    }));
    if let Some(path) = ink.finish() {
        surface.draw_path(&path);
    }
    surface.set_stroke(None);
}

/// The signed copy as an A4 PDF, as many pages as the text takes, the signature on the last.
pub fn render_agreement(copy: &SignedCopy<'_>) -> Result<Vec<u8>, BadgeError> {
    let (regular, bold) = (Face::new(REGULAR), Face::new(BOLD));
    let width = PAGE.0 - 2.0 * MARGIN;
    let mut pages = Layout {
        filling: Vec::new(),
        filled: Vec::new(),
        y: MARGIN,
    };
    for line in wrap(&bold, copy.title, TITLE, width) {
        pages.line(line, TITLE, true);
    }
    pages.y += TEXT;
    for paragraph in copy.text.lines() {
        if paragraph.trim().is_empty() {
            pages.y += TEXT * 0.6;
            continue;
        }
        for line in wrap(&regular, paragraph, TEXT, width) {
            pages.line(line, TEXT, false);
        }
        pages.y += TEXT * 0.4;
    }
    pages.room(TEXT * 3.0 + SIGNATURE.1);
    pages.y += TEXT;
    for line in wrap(&regular, copy.signed, TEXT, width) {
        pages.line(line, TEXT, false);
    }
    let signature_at = (pages.filled.len(), pages.y + TEXT * 0.5);
    pages.filled.push(std::mem::take(&mut pages.filling));

    let settings =
        PageSettings::from_wh(PAGE.0, PAGE.1).ok_or_else(|| BadgeError::Pdf("no page".into()))?;
    let mut document = Document::new();
    for (n, lines) in pages.filled.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for line in lines {
            let face = if line.bold { &bold } else { &regular };
            draw_lines(
                &mut surface,
                face,
                std::slice::from_ref(&line.text),
                line.size,
                MARGIN,
                line.y,
            );
        }
        if n == signature_at.0 {
            draw_signature(&mut surface, copy.signature, MARGIN, signature_at.1);
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| BadgeError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature() -> Strokes {
        Strokes {
            width: 400.0,
            height: 150.0,
            strokes: vec![
                vec![[20.0, 100.0], [60.0, 30.0], [100.0, 110.0], [140.0, 40.0]],
                vec![[200.0, 75.0]],
            ],
        }
    }

    fn text_of(pdf: &[u8]) -> (String, String) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("copy.pdf");
        std::fs::write(&file, pdf).unwrap();
        let run = |cmd: &str| {
            let out = std::process::Command::new(cmd)
                .arg(&file)
                .args(if cmd == "pdftotext" {
                    &["-"][..]
                } else {
                    &[][..]
                })
                .output()
                .unwrap_or_else(|_| panic!("{cmd} (poppler-utils, scripts/setup.sh)"));
            String::from_utf8(out.stdout).unwrap()
        };
        (run("pdftotext"), run("pdfinfo"))
    }

    #[test]
    fn the_signed_copy_carries_the_text_as_read_who_signed_and_when_on_a4() {
        let pdf = render_agreement(&SignedCopy {
            title: "Acuerdo de visita, versión 3",
            text: "Las visitas llevan su acreditación a la vista.\n\nNo se fotografían las pantallas ajenas.",
            signed: "Firmado por Zoë Łukasiewicz el 3 de diciembre de 2026 a las 10:12 (Europe/Madrid)",
            signature: &signature(),
        })
        .unwrap();
        let (text, info) = text_of(&pdf);
        for words in [
            "Acuerdo de visita, versión 3",
            "Las visitas llevan su acreditación a la vista.",
            "No se fotografían las pantallas ajenas.",
            "Firmado por Zoë Łukasiewicz",
        ] {
            assert!(text.contains(words), "{words:?} in {text}");
        }
        assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
        assert!(info.contains("Pages:           1"), "{info}");
    }

    /// How many dark pixels the first page has, rendered in grey at 40 dpi by poppler.
    fn ink(pdf: &[u8]) -> usize {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("copy.pdf");
        std::fs::write(&file, pdf).unwrap();
        let out = std::process::Command::new("pdftoppm")
            .args(["-r", "40", "-gray", "-f", "1", "-l", "1"])
            .arg(&file)
            .output()
            .expect("pdftoppm (poppler-utils)");
        // A binary PGM: three header lines, then one byte a pixel.
        let mut fields = 0;
        let start = out
            .stdout
            .iter()
            .position(|b| {
                fields += usize::from(*b == b'\n');
                fields == 3
            })
            .unwrap();
        out.stdout[start + 1..].iter().filter(|p| **p < 128).count()
    }

    #[test]
    fn the_signature_is_drawn_as_its_strokes() {
        let copy = |signature: &Strokes| {
            render_agreement(&SignedCopy {
                title: "T",
                text: "",
                signed: "S",
                signature,
            })
            .unwrap()
        };
        let blank = ink(&copy(&Strokes {
            width: 400.0,
            height: 150.0,
            strokes: vec![],
        }));
        let signed = ink(&copy(&signature()));
        assert!(
            signed > blank + 40,
            "the strokes add ink to the page: {signed} dark pixels against {blank}"
        );
    }

    #[test]
    fn a_long_agreement_runs_over_pages_with_the_signature_after_its_last_line() {
        let paragraph = "Every visitor wears their badge where reception can see it. ".repeat(12);
        let text = vec![paragraph; 30].join("\n");
        let pdf = render_agreement(&SignedCopy {
            title: "Visitor agreement, version 1",
            text: &text,
            signed: "Signed by Ada Lovelace on 3 December 2026 at 10:12 (Europe/London)",
            signature: &signature(),
        })
        .unwrap();
        let (read, info) = text_of(&pdf);
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(pages >= 3, "{pages} pages for 30 long paragraphs");
        let last = read.split('\u{c}').rfind(|p| !p.trim().is_empty());
        assert!(
            last.unwrap().contains("Signed by Ada Lovelace"),
            "who signed is on the last page"
        );
        assert_eq!(
            read.matches("reception").count(),
            30 * 12,
            "no line of the text is lost between pages"
        );
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_and_nothing_of_it_lost() {
        let face = Face::new(REGULAR);
        let long = "x".repeat(400);
        let lines = wrap(&face, &format!("see {long} here"), TEXT, 100.0);
        assert!(lines.len() > 3, "{lines:?}");
        assert!(lines.iter().all(|l| face.width(l, TEXT) <= 100.0));
        assert_eq!(lines.concat().matches('x').count(), 400);
    }
}
