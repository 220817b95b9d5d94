//! The space's own look, set by staff and kept on the kiosk (so it shows offline): an accent
//! colour, a welcome line, an attract screen after idle, and a logo image.

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// The largest logo, decoded: a lobby logo is a few dozen kilobytes.
pub const LOGO_LARGEST: usize = 256 * 1024;
/// The longest welcome line, in characters.
pub const WELCOME_LONGEST: usize = 80;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct Branding {
    /// The accent colour as `#rrggbb`, for the light theme (the dark theme keeps its own, which
    /// is made for dark backgrounds). It must read on white: 4.5:1 at least (WCAG AA).
    pub accent: Option<String>,
    /// A line above the grid ("Welcome to Shoreditch Hub").
    pub welcome_line: Option<String>,
    /// After the idle timeout, an attract screen (clock, logo, welcome line) instead of the grid.
    pub attract_screen: bool,
}

impl Branding {
    pub fn validate(&self) -> Result<(), Invalid> {
        if let Some(accent) = &self.accent {
            let rgb = parse_hex(accent).ok_or_else(|| {
                Invalid::new(
                    "accent",
                    "an accent colour is written #rrggbb, e.g. #0b5fff",
                )
            })?;
            let ratio = contrast(rgb, [255, 255, 255]);
            if ratio < 4.5 {
                return Err(Invalid::new(
                    "accent",
                    format!(
                        "{accent} on white reads at {ratio:.1}:1; words need 4.5:1 (WCAG AA): choose a darker colour"
                    ),
                ));
            }
        }
        if let Some(line) = &self.welcome_line
            && (line.chars().count() > WELCOME_LONGEST || line.chars().any(char::is_control))
        {
            return Err(Invalid::new(
                "welcome_line",
                format!("a welcome line is one line of at most {WELCOME_LONGEST} characters"),
            ));
        }
        Ok(())
    }
}

fn parse_hex(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// WCAG 2 contrast ratio of two sRGB colours.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    fn luminance([r, g, b]: [u8; 3]) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The image bytes of a logo kept as a `data:` URL (for a printed badge).
pub fn logo_bytes(data_url: &str) -> Option<Vec<u8>> {
    let (_, data) = data_url.split_once(',')?;
    base64::engine::general_purpose::STANDARD.decode(data).ok()
}

/// Checks a logo sent as a `data:` URL: PNG, JPEG or WebP (by their first bytes, not by what
/// the URL claims), at most [`LOGO_LARGEST`]. SVG is refused: it can carry script.
pub fn validate_logo(data_url: &str) -> Result<(), Invalid> {
    let refuse = |why: &str| Invalid::new("logo", why);
    let (head, data) = data_url
        .split_once(',')
        .ok_or_else(|| refuse("the logo is sent as a data: URL"))?;
    let kind = head
        .strip_prefix("data:")
        .and_then(|h| h.strip_suffix(";base64"))
        .ok_or_else(|| refuse("the logo is sent as a base64 data: URL"))?;
    if data.len() > LOGO_LARGEST * 4 / 3 + 4 {
        return Err(refuse("a logo is at most 256 KB"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|_| refuse("the logo's data is not base64"))?;
    if bytes.len() > LOGO_LARGEST {
        return Err(refuse("a logo is at most 256 KB"));
    }
    if !matches!(kind, "image/png" | "image/jpeg" | "image/webp") {
        return Err(refuse("a logo is a PNG, JPEG or WebP image"));
    }
    if super::photos::ImageKind::sniff(&bytes).map(super::photos::ImageKind::mime) == Some(kind) {
        Ok(())
    } else {
        Err(refuse("the logo's data is not the image its type says"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accent_must_read_on_white_at_4_5_to_1() {
        let with = |accent: &str| Branding {
            accent: Some(accent.into()),
            ..Branding::default()
        };
        assert!(with("#0b5fff").validate().is_ok(), "the default blue");
        assert!(with("#1A7F37").validate().is_ok());
        let pale = with("#ffcc00").validate().unwrap_err();
        assert_eq!(pale.field, "accent");
        assert!(pale.message.contains(":1"), "{pale}");
        assert!(with("blue").validate().is_err());
        assert!(with("#12345").validate().is_err());
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
    }

    #[test]
    fn a_welcome_line_is_one_short_line() {
        let with = |line: &str| Branding {
            welcome_line: Some(line.into()),
            ..Branding::default()
        };
        assert!(with("Welcome to Shoreditch Hub").validate().is_ok());
        assert!(with(&"x".repeat(81)).validate().is_err());
        assert!(with("two\nlines").validate().is_err());
    }

    #[test]
    fn a_logo_is_a_small_png_jpeg_or_webp_checked_by_its_bytes() {
        let url = |kind: &str, bytes: &[u8]| {
            format!(
                "data:{kind};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            )
        };
        let png = b"\x89PNG\r\n\x1a\n rest of the image";
        assert!(validate_logo(&url("image/png", png)).is_ok());
        assert!(validate_logo(&url("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0])).is_ok());
        assert!(
            validate_logo(&url("image/jpeg", png)).is_err(),
            "a PNG that says it is a JPEG"
        );
        let svg = url("image/svg+xml", b"<svg><script>alert(1)</script></svg>");
        assert_eq!(validate_logo(&svg).unwrap_err().field, "logo");
        let mut big = png.to_vec();
        big.resize(LOGO_LARGEST + 1, 0);
        assert!(validate_logo(&url("image/png", &big)).is_err());
        assert!(validate_logo("https://example.com/logo.png").is_err());
        assert!(validate_logo("data:image/png;base64,@@@").is_err());
    }
}
