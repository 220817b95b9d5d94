//! Visitors' agreements (issue 28): the one agreement staff set for the location (a text in
//! each language, a version), whether a visitor must sign it, what a finger's signature must
//! be to count, who a returning signer is, the words of the signed copy and the line the
//! visitor's Nexudus record gets. The copy's PDF is the `badge` crate's; keeping and sending
//! are the services' and the sync's.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Invalid;

/// The longest agreement text staff may set, in each language (a few pages).
const TEXT_MAX: usize = 20_000;
/// The languages the screen speaks, which an agreement may have a text in.
pub const LANGUAGES: [&str; 5] = ["en", "es", "pt", "fr", "de"];

/// The agreement visitors sign before going in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct Agreement {
    /// Staff raise it when the text changes in substance: visitors who signed an older version
    /// sign again; those who signed this one are not asked again.
    pub version: u32,
    /// The text, shown to a reader whose language has none of its own.
    pub text: String,
    /// The text in other languages, by language (`es`, `pt`, `fr`, `de`, `en`).
    pub translations: BTreeMap<String, String>,
    /// Days a signed copy is kept on the kiosk; deleted after (privacy law).
    pub keep_days: u32,
}

impl Default for Agreement {
    fn default() -> Self {
        Self {
            version: 1,
            text: String::new(),
            translations: BTreeMap::new(),
            keep_days: 90,
        }
    }
}

impl Agreement {
    pub(super) fn validate(&self) -> Result<(), Invalid> {
        if self.text.trim().is_empty() {
            return Err(Invalid::new(
                "visitors.agreement.text",
                "an agreement needs its text",
            ));
        }
        if self.version == 0 {
            return Err(Invalid::new(
                "visitors.agreement.version",
                "an agreement's version is 1 or more",
            ));
        }
        for (language, text) in std::iter::once(("", &self.text))
            .chain(self.translations.iter().map(|(l, t)| (l.as_str(), t)))
        {
            if !language.is_empty() && !LANGUAGES.contains(&language) {
                return Err(Invalid::new(
                    "visitors.agreement.translations",
                    format!("the screen does not speak {language:?}"),
                ));
            }
            if text.len() > TEXT_MAX {
                return Err(Invalid::new(
                    "visitors.agreement.text",
                    format!("an agreement is at most {TEXT_MAX} characters"),
                ));
            }
        }
        if !(1..=3650).contains(&self.keep_days) {
            return Err(Invalid::new(
                "visitors.agreement.keep_days",
                "signed copies are kept between 1 day and 10 years",
            ));
        }
        Ok(())
    }

    /// The text in `language`, else the main text; and the language it is in (`None`: the
    /// main text's, which staff did not name).
    pub fn text_for(&self, language: &str) -> (&str, Option<&str>) {
        let language = language.split('-').next().unwrap_or_default();
        match self.translations.get_key_value(language) {
            Some((l, t)) if !t.trim().is_empty() => (t, Some(l)),
            _ => (&self.text, None),
        }
    }

    /// The agreement as a visitor reads it in `language` (the screen's): the same text the
    /// signed copy will hold.
    pub fn read_in(&self, language: &str) -> AgreementText {
        AgreementText {
            version: self.version,
            text: self.text_for(language).0.to_owned(),
        }
    }

    /// How long a signed copy is kept.
    pub fn kept_for(&self) -> Duration {
        Duration::days(i64::from(self.keep_days))
    }
}

/// The agreement as a visitor reads it: its version, and its text in their language, else the
/// main text ([`Agreement::text_for`], the one choice for the screen and the signed copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AgreementText {
    pub version: u32,
    pub text: String,
}

/// How a visitor is known again on a later visit: their e-mail and their name, both as typed
/// (or as their invitation has them), never one alone, so typing someone's e-mail tells
/// nothing about them. A hash: the kiosk keeps no e-mail.
pub fn signer_key(email: &str, full_name: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let name = full_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if email.is_empty() || name.is_empty() {
        return None;
    }
    let digest = Sha256::digest(format!("kiosk-signer\0{email}\0{name}").as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    Some(hex)
}

/// A signature as the screen's pad took it: strokes of points in the pad's own pixels, the pad
/// `width` x `height`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct Signature {
    pub width: f32,
    pub height: f32,
    pub strokes: Vec<Vec<[f32; 2]>>,
}

impl From<Signature> for badge::agreement::Strokes {
    fn from(s: Signature) -> Self {
        Self {
            width: s.width,
            height: s.height,
            strokes: s.strokes,
        }
    }
}

/// The most a signature may carry: a finger makes a few hundred points a second.
const STROKES_MAX: usize = 200;
const POINTS_MAX: usize = 10_000;

/// A signature the kiosk keeps: drawn on a pad of sensible size, with enough ink to be a
/// signature rather than a tap, and no more than a hand makes. Points are clamped to the pad.
pub fn checked_signature(signature: &Signature) -> Result<Signature, Invalid> {
    let refuse = |why: &str| Err(Invalid::new("signature", why.to_owned()));
    let (w, h) = (signature.width, signature.height);
    if !(w.is_finite()
        && h.is_finite()
        && (50.0..=5000.0).contains(&w)
        && (30.0..=5000.0).contains(&h))
    {
        return refuse("the signature pad's size is not a screen's");
    }
    let points: usize = signature.strokes.iter().map(Vec::len).sum();
    if signature.strokes.len() > STROKES_MAX || points > POINTS_MAX {
        return refuse("more strokes than a signature has");
    }
    if signature
        .strokes
        .iter()
        .flatten()
        .any(|[x, y]| !x.is_finite() || !y.is_finite())
    {
        return refuse("a point is not a number");
    }
    let strokes: Vec<Vec<[f32; 2]>> = signature
        .strokes
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.iter()
                .map(|[x, y]| [x.clamp(0.0, w), y.clamp(0.0, h)])
                .collect()
        })
        .collect();
    let length: f32 = strokes
        .iter()
        .flat_map(|s| s.windows(2))
        .map(|p| ((p[1][0] - p[0][0]).powi(2) + (p[1][1] - p[0][1]).powi(2)).sqrt())
        .sum();
    let xs = strokes.iter().flatten().map(|p| p[0]);
    let (left, right) = xs.fold((f32::MAX, f32::MIN), |(l, r), x| (l.min(x), r.max(x)));
    // A signature crosses a good part of the pad: a tap or a dot is not one.
    if length < w * 0.25 || right - left < w * 0.15 {
        return refuse("sign with your finger across the box");
    }
    Ok(Signature {
        width: w,
        height: h,
        strokes,
    })
}

/// The words of a signed copy, in the language the visitor read the agreement in.
pub fn copy_words(
    language: Option<&str>,
    version: u32,
    name: &str,
    at: DateTime<Utc>,
    tz: Tz,
) -> (String, String) {
    let local = at.with_timezone(&tz);
    let (date, time) = (local.format("%Y-%m-%d"), local.format("%H:%M"));
    match language.and_then(|l| l.split('-').next()) {
        Some("es") => (
            format!("Acuerdo de visita, versión {version}"),
            format!("Firmado por {name} el {date} a las {time} ({tz})"),
        ),
        Some("pt") => (
            format!("Acordo de visita, versão {version}"),
            format!("Assinado por {name} em {date} às {time} ({tz})"),
        ),
        Some("fr") => (
            format!("Accord de visite, version {version}"),
            format!("Signé par {name} le {date} à {time} ({tz})"),
        ),
        Some("de") => (
            format!("Besuchervereinbarung, Version {version}"),
            format!("Unterschrieben von {name} am {date} um {time} ({tz})"),
        ),
        _ => (
            format!("Visitor agreement, version {version}"),
            format!("Signed by {name} on {date} at {time} ({tz})"),
        ),
    }
}

/// The line a visitor's Nexudus record gets in its `Notes` once they signed: for the space's
/// staff reading the record (English, as the record's other notes are the staff's own), and
/// how the kiosk tells it wrote it already (a PUT sent twice adds it once).
pub fn note_line(version: u32, at: DateTime<Utc>) -> String {
    format!(
        "Signed the visitor agreement version {version} at the kiosk at {}.",
        at.format("%Y-%m-%dT%H:%MZ")
    )
}

/// `notes` with `line` added on a line of its own, unless they hold it already.
pub fn notes_with(notes: Option<&str>, line: &str) -> Option<String> {
    match notes.map(str::trim_end).filter(|n| !n.is_empty()) {
        Some(n) if n.contains(line) => None,
        Some(n) => Some(format!("{n}\n{line}")),
        None => Some(line.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn scribble() -> Signature {
        Signature {
            width: 600.0,
            height: 200.0,
            strokes: vec![vec![
                [50.0, 150.0],
                [150.0, 40.0],
                [250.0, 160.0],
                [350.0, 60.0],
            ]],
        }
    }

    #[test]
    fn a_signature_across_the_pad_counts_and_a_tap_or_a_flood_does_not() {
        assert!(checked_signature(&scribble()).is_ok());
        let tap = Signature {
            strokes: vec![vec![[300.0, 100.0]], vec![[302.0, 101.0]]],
            ..scribble()
        };
        assert_eq!(checked_signature(&tap).unwrap_err().field, "signature");
        let flood = Signature {
            strokes: vec![vec![[1.0, 1.0]; 20]; 600],
            ..scribble()
        };
        assert!(
            checked_signature(&flood).is_err(),
            "600 strokes are not a hand's"
        );
        let nan = Signature {
            strokes: vec![vec![[f32::NAN, 1.0], [400.0, 1.0]]],
            ..scribble()
        };
        assert!(checked_signature(&nan).is_err());
        let tiny_pad = Signature {
            width: 5.0,
            ..scribble()
        };
        assert!(checked_signature(&tiny_pad).is_err());
    }

    #[test]
    fn points_off_the_pad_are_clamped_to_it() {
        let wide = Signature {
            strokes: vec![vec![[-80.0, 50.0], [900.0, 250.0]]],
            ..scribble()
        };
        let kept = checked_signature(&wide).unwrap();
        assert_eq!(kept.strokes[0], vec![[0.0, 50.0], [600.0, 200.0]]);
    }

    #[test]
    fn a_signer_is_known_by_email_and_name_together_in_any_case_and_spacing() {
        let key = signer_key("Ada@Example.com ", "Ada  Lovelace").unwrap();
        assert_eq!(
            signer_key("ada@example.com", "ada lovelace").as_ref(),
            Some(&key)
        );
        assert_ne!(
            signer_key("ada@example.com", "Ada Byron").as_ref(),
            Some(&key),
            "another name"
        );
        assert_ne!(
            signer_key("ada@elsewhere.com", "Ada Lovelace").as_ref(),
            Some(&key)
        );
        assert_eq!(
            signer_key("", "Ada Lovelace"),
            None,
            "no e-mail: not known again"
        );
        assert!(!key.contains("ada"), "no e-mail kept: {key}");
    }

    #[test]
    fn the_reader_gets_their_languages_text_else_the_main_one() {
        let agreement = Agreement {
            text: "Wear your badge.".into(),
            translations: [
                ("es".to_owned(), "Lleve su acreditación.".to_owned()),
                ("fr".to_owned(), " ".to_owned()),
            ]
            .into(),
            ..Agreement::default()
        };
        assert_eq!(
            agreement.text_for("es-ES"),
            ("Lleve su acreditación.", Some("es"))
        );
        assert_eq!(
            agreement.text_for("fr"),
            ("Wear your badge.", None),
            "an empty translation is none"
        );
        assert_eq!(agreement.text_for("de"), ("Wear your badge.", None));
    }

    #[test]
    fn staff_set_an_agreement_in_the_screens_languages_with_its_text_and_a_retention() {
        let ok = Agreement {
            text: "Wear your badge.".into(),
            ..Agreement::default()
        };
        assert!(ok.validate().is_ok());
        let empty = Agreement::default();
        assert_eq!(
            empty.validate().unwrap_err().field,
            "visitors.agreement.text"
        );
        let klingon = Agreement {
            translations: [("tlh".to_owned(), "x".to_owned())].into(),
            ..ok.clone()
        };
        assert_eq!(
            klingon.validate().unwrap_err().field,
            "visitors.agreement.translations"
        );
        let forever = Agreement { keep_days: 0, ..ok };
        assert_eq!(
            forever.validate().unwrap_err().field,
            "visitors.agreement.keep_days"
        );
    }

    #[test]
    fn the_records_note_is_added_once_whatever_was_there() {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 10, 12, 0).unwrap();
        let line = note_line(3, at);
        assert_eq!(
            line,
            "Signed the visitor agreement version 3 at the kiosk at 2026-12-03T10:12Z."
        );
        assert_eq!(notes_with(None, &line).as_deref(), Some(line.as_str()));
        let host = format!("Bring the slides.\n{line}");
        assert_eq!(
            notes_with(Some("Bring the slides.\n"), &line).as_deref(),
            Some(host.as_str())
        );
        assert_eq!(
            notes_with(Some(&host), &line),
            None,
            "written already: nothing to send"
        );
    }

    #[test]
    fn the_signed_copy_is_worded_in_the_readers_language_at_the_locations_time() {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 10, 12, 0).unwrap();
        let (title, signed) = copy_words(Some("es"), 3, "Zoë", at, chrono_tz::Europe::Madrid);
        assert_eq!(title, "Acuerdo de visita, versión 3");
        assert_eq!(
            signed,
            "Firmado por Zoë el 2026-12-03 a las 11:12 (Europe/Madrid)"
        );
    }
}
