//! Visitor badges as PDF labels (issue 28): the visitor's name (what a host looks for, the
//! largest), company, host and date, the operator's logo and the visitor's photo where there
//! is room and they are given, and a QR code the kiosk's scanner reads to sign the visitor
//! out. One page the size of a label printers take; text in DejaVu Sans Condensed, embedded
//! and subset, so names in Latin, Greek or Cyrillic print as typed and a PDF reader (or a
//! test) reads them back. Pure: bytes in, bytes out; printing is elsewhere.

use krilla::Data;
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::image::Image;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use serde::{Deserialize, Serialize};

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf");

/// Points in a millimetre (PDF measures in points, 72 to the inch).
const MM: f32 = 72.0 / 25.4;

/// The label sizes label printers use (width x height, in millimetres): the kiosk's setting,
/// the printer's media and the badge's layout all name them so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum LabelSize {
    /// Brother QL's standard address label: 62 x 29 mm, landscape; no room for a logo or photo.
    #[default]
    #[serde(rename = "62x29")]
    Small,
    /// Brother QL's 62 mm tape cut at 100 mm: portrait, a badge with logo and photo.
    #[serde(rename = "62x100")]
    Tall,
    /// DYMO's shipping / name badge label 99014: 54 x 101 mm, portrait.
    #[serde(rename = "54x101")]
    Dymo,
}

impl LabelSize {
    pub const ALL: [Self; 3] = [Self::Small, Self::Tall, Self::Dymo];

    /// Width and height in millimetres.
    pub fn millimetres(self) -> (f32, f32) {
        match self {
            Self::Small => (62.0, 29.0),
            Self::Tall => (62.0, 100.0),
            Self::Dymo => (54.0, 101.0),
        }
    }

    /// The PWG media name an IPP printer is asked for (PWG 5101.1 self-describing names).
    pub fn pwg_media(self) -> &'static str {
        match self {
            Self::Small => "om_62x29mm_62x29mm",
            Self::Tall => "om_62x100mm_62x100mm",
            Self::Dymo => "om_54x101mm_54x101mm",
        }
    }
}

/// What a badge says, worded already in the visitor's language by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Badge<'a> {
    pub name: &'a str,
    pub company: Option<&'a str>,
    /// The host line as it prints ("Host: Ana Nakamura").
    pub host: Option<&'a str>,
    /// The date (and time) as it prints.
    pub date: &'a str,
    /// The operator's logo: PNG, JPEG or WebP bytes.
    pub logo: Option<&'a [u8]>,
    /// The visitor's photo: PNG, JPEG or WebP bytes.
    pub photo: Option<&'a [u8]>,
    /// What the QR code holds: what the kiosk's scanner reads to sign the visitor out.
    pub qr: &'a str,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BadgeError {
    #[error("the QR code cannot hold {0} characters")]
    QrTooLong(usize),
    #[error("the PDF could not be made: {0}")]
    Pdf(String),
}

/// The font a badge's text is set in, and how wide a text is in it.
struct Face {
    font: Font,
    measure: rustybuzz::Face<'static>,
}

impl Face {
    fn new(bytes: &'static [u8]) -> Self {
        Self {
            font: Font::new(Data::from(bytes), 0).expect("the embedded font reads"),
            measure: rustybuzz::Face::from_slice(bytes, 0).expect("the embedded font reads"),
        }
    }

    /// The width of `text` at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        let shaped = rustybuzz::shape(&self.measure, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        #[allow(
            clippy::cast_precision_loss,
            reason = "a line's advance is far below 2^23 units"
        )]
        let units = units as f32;
        units / f32::from(self.measure.units_per_em() as u16) * size
    }

    /// `text` cut to fit `width` at `size`, with an ellipsis where it was cut.
    fn cut(&self, text: &str, size: f32, width: f32) -> String {
        if self.width(text, size) <= width {
            return text.to_owned();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let candidate: String = chars.iter().collect::<String>().trim_end().to_owned() + "…";
            if self.width(&candidate, size) <= width {
                return candidate;
            }
        }
        String::new()
    }

    /// The largest size from `largest` down to `smallest` at which `text` fits `width` on at
    /// most two lines (broken between words), and the lines; at the smallest, cut to fit.
    fn fit(&self, text: &str, width: f32, largest: f32, smallest: f32) -> (f32, Vec<String>) {
        let mut size = largest;
        loop {
            if self.width(text, size) <= width {
                return (size, vec![text.to_owned()]);
            }
            if let Some(lines) = self.two_lines(text, size, width) {
                return (size, lines);
            }
            if size <= smallest {
                return (size, vec![self.cut(text, size, width)]);
            }
            size = (size - 1.0).max(smallest);
        }
    }

    /// `text` broken between two words so both lines fit, where it can be.
    fn two_lines(&self, text: &str, size: f32, width: f32) -> Option<Vec<String>> {
        let words: Vec<&str> = text.split_whitespace().collect();
        (1..words.len()).rev().find_map(|at| {
            let (first, second) = (words[..at].join(" "), words[at..].join(" "));
            (self.width(&first, size) <= width && self.width(&second, size) <= width)
                .then(|| vec![first, second])
        })
    }
}

/// An image of any format the kiosk takes for logos and photos; `None` for anything else.
fn image(bytes: &[u8]) -> Option<Image> {
    let data = Data::from(bytes.to_vec());
    if bytes.starts_with(b"\x89PNG") {
        Image::from_png(data, true).ok()
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Image::from_jpeg(data, true).ok()
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Image::from_webp(data, true).ok()
    } else {
        None
    }
}

/// Draws `bytes` as an image within the box at (`x`, `y`) of `w` x `h`, its proportions kept,
/// centred; nothing if it is not an image.
fn draw_image(surface: &mut Surface<'_>, bytes: &[u8], x: f32, y: f32, w: f32, h: f32) {
    let Some(img) = image(bytes) else {
        return;
    };
    let (iw, ih) = img.size();
    if iw == 0 || ih == 0 {
        return;
    }
    #[allow(
        clippy::cast_precision_loss,
        reason = "image sides are far below 2^23 pixels"
    )]
    let (iw, ih) = (iw as f32, ih as f32);
    let scale = (w / iw).min(h / ih);
    let (dw, dh) = (iw * scale, ih * scale);
    let Some(size) = Size::from_wh(dw, dh) else {
        return;
    };
    surface.push_transform(&krilla::geom::Transform::from_translate(
        x + (w - dw) / 2.0,
        y + (h - dh) / 2.0,
    ));
    surface.draw_image(img, size);
    surface.pop();
}

/// The QR code for `text` at (`x`, `y`), `side` points square, with its quiet zone inside.
fn draw_qr(
    surface: &mut Surface<'_>,
    text: &str,
    x: f32,
    y: f32,
    side: f32,
) -> Result<(), BadgeError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| BadgeError::QrTooLong(text.chars().count()))?;
    let modules = code.width();
    let colors = code.to_colors();
    // Two modules of quiet zone each side: enough for a scanner on a white label.
    #[allow(
        clippy::cast_precision_loss,
        reason = "a QR code is at most 177 modules wide"
    )]
    let module = side / (modules + 4) as f32;
    let mut path = PathBuilder::new();
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            #[allow(clippy::cast_precision_loss, reason = "at most 177 modules")]
            let (col, row) = ((i % modules) as f32, (i / modules) as f32);
            if let Some(rect) = Rect::from_xywh(
                x + (col + 2.0) * module,
                y + (row + 2.0) * module,
                module,
                module,
            ) {
                path.push_rect(rect);
            }
        }
    }
    if let Some(path) = path.finish() {
        surface.draw_path(&path);
    }
    Ok(())
}

/// Draws `lines` from `top` down, each `size` points, starting at `x`; answers the y below.
fn draw_lines(
    surface: &mut Surface<'_>,
    face: &Face,
    lines: &[String],
    size: f32,
    x: f32,
    top: f32,
) -> f32 {
    let mut y = top;
    for line in lines {
        y += size;
        surface.draw_text(
            Point::from_xy(x, y),
            face.font.clone(),
            size,
            line,
            false,
            TextDirection::Auto,
        );
        y += size * 0.2;
    }
    y
}

/// The badge's QR code alone as an SVG image, for a screen that shows the badge instead of
/// printing it (a tablet without a printer): the same code the printed badge carries.
pub fn qr_svg(text: &str) -> Result<String, BadgeError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| BadgeError::QrTooLong(text.chars().count()))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The badge as a one-page PDF the size of `label`.
pub fn render(badge: &Badge<'_>, label: LabelSize) -> Result<Vec<u8>, BadgeError> {
    let (regular, bold) = (Face::new(REGULAR), Face::new(BOLD));
    let (w, h) = label.millimetres();
    let (w, h) = (w * MM, h * MM);
    let margin = 2.5 * MM;
    let mut document = Document::new();
    let settings =
        PageSettings::from_wh(w, h).ok_or_else(|| BadgeError::Pdf("no page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    match label {
        LabelSize::Small => {
            // The QR code on the right (20 mm: a scanner reads it at arm's length), the text
            // beside it.
            let qr = 20.0 * MM;
            draw_qr(&mut surface, badge.qr, w - margin - qr, (h - qr) / 2.0, qr)?;
            let text_w = w - 2.5 * margin - qr;
            let (size, name) = bold.fit(badge.name, text_w, 13.0, 7.5);
            let mut y = draw_lines(&mut surface, &bold, &name, size, margin, margin - 2.0);
            for line in [badge.company, badge.host, Some(badge.date)]
                .into_iter()
                .flatten()
            {
                let line = regular.cut(line, 6.5, text_w);
                y = draw_lines(&mut surface, &regular, &[line], 6.5, margin, y);
            }
        }
        LabelSize::Tall | LabelSize::Dymo => {
            let inner = w - 2.0 * margin;
            let mut y = margin;
            if let Some(logo) = badge.logo {
                draw_image(&mut surface, logo, margin, y, inner, 12.0 * MM);
                y += 14.0 * MM;
            }
            if let Some(photo) = badge.photo {
                draw_image(&mut surface, photo, margin, y, inner, 30.0 * MM);
                y += 32.0 * MM;
            }
            let (size, name) = bold.fit(badge.name, inner, 20.0, 11.0);
            y = draw_lines(&mut surface, &bold, &name, size, margin, y);
            for line in [badge.company, badge.host, Some(badge.date)]
                .into_iter()
                .flatten()
            {
                let line = regular.cut(line, 9.0, inner);
                y = draw_lines(&mut surface, &regular, &[line], 9.0, margin, y + 1.0);
            }
            // The QR code at the foot, as large as the room left allows (at most 30 mm).
            let qr = (h - margin - y - 2.0).clamp(15.0 * MM, 30.0 * MM);
            draw_qr(&mut surface, badge.qr, (w - qr) / 2.0, h - margin - qr, qr)?;
        }
    }
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| BadgeError::Pdf(format!("{e:?}")))
}

pub mod agreement;

#[cfg(test)]
mod tests;
