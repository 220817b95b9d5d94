//! The kiosk's settings, as staff set them in the staff panel.

use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// How much of a member's name the public grid shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PrivacyMode {
    /// "Zoë Ødegaard"
    #[default]
    FullName,
    /// "Zoë Ø."
    FirstNameInitial,
    /// "ZØ"
    Initials,
    /// No grid: a member types at least 3 letters of their name first.
    SearchOnly,
}

/// When the kiosk checks members out by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AutoCheckoutRule {
    /// At the location's daily cut-off, a wall-clock time in its time zone.
    CutOff { hour: u32, minute: u32 },
    /// A fixed time after checking in.
    AfterHours { hours: u32 },
}

impl Default for AutoCheckoutRule {
    fn default() -> Self {
        Self::CutOff {
            hour: 23,
            minute: 0,
        }
    }
}

/// The location the kiosk stands in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct Location {
    /// The Nexudus BusinessId.
    pub id: i64,
    pub name: String,
    /// The IANA time zone in use, e.g. `Europe/London`: the one Nexudus's zone maps to, or the
    /// one staff set.
    pub time_zone: String,
    /// The Windows zone name Nexudus gives the location (`GMT Standard Time`), if any.
    #[serde(default)]
    pub nexudus_zone: Option<String>,
    /// Staff chose `time_zone` themselves: the kiosk does not follow Nexudus's zone any more.
    #[serde(default)]
    pub zone_set_by_staff: bool,
}

impl Location {
    pub fn tz(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }
}

/// How the kiosk receives visitors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct VisitorSettings {
    /// Visitors without an invitation may register at the kiosk.
    pub walk_ins: bool,
    /// The agreement visitors sign before going in (expected guests and walk-ins alike);
    /// none: nothing to sign.
    pub agreement: Option<crate::domain::agreements::Agreement>,
    /// Older settings' walk-in terms (one text and a tick box), read as the agreement's
    /// version 1 ([`VisitorSettings::adopt_older_terms`]); never written.
    #[serde(rename = "terms", skip_serializing)]
    #[ts(skip)]
    pub older_terms: Option<String>,
    /// A walk-in waits for their host to approve the visit before going in.
    pub host_approval: bool,
    /// How long a walk-in waits for the host's answer before being sent to reception.
    pub approval_wait_minutes: u32,
    /// Days a visitor's name stays on the device after their visit; 0: only the day.
    pub keep_days: u32,
    /// Days a walk-in is remembered (name, company, e-mail), so that a previous badge or their
    /// e-mail with their name fills the form when they come back; 0: not remembered.
    pub remember_days: u32,
    /// Visitors are asked for a photo at sign-in (printed on the badge, never shown on the
    /// public screen, wiped with the visit); off: no camera is opened.
    pub photos: bool,
    /// The badge printer's IPP address (`ipp://brother-ql.local:631/ipp/print`, or a CUPS
    /// queue, `ipp://localhost:631/printers/Brother_QL_820NWB`); none: no badges.
    pub badge_printer: Option<String>,
    /// The labels in it.
    pub badge_label: crate::domain::badges::LabelSize,
}

impl Default for VisitorSettings {
    fn default() -> Self {
        Self {
            walk_ins: true,
            agreement: None,
            older_terms: None,
            host_approval: false,
            approval_wait_minutes: 5,
            keep_days: 0,
            remember_days: 0,
            photos: false,
            badge_printer: None,
            badge_label: crate::domain::badges::LabelSize::default(),
        }
    }
}

impl VisitorSettings {
    fn validate(&self) -> Result<(), Invalid> {
        if let Some(agreement) = &self.agreement {
            agreement.validate()?;
        }
        if !(1..=60).contains(&self.approval_wait_minutes) {
            return Err(Invalid::new(
                "visitors.approval_wait_minutes",
                "a walk-in waits for their host between 1 and 60 minutes",
            ));
        }
        if let Some(printer) = &self.badge_printer
            && !crate::domain::badges::printer_address_ok(printer)
        {
            return Err(Invalid::new(
                "visitors.badge_printer",
                "a badge printer's address starts with ipp:// and names the printer (ipp://brother-ql.local:631/ipp/print)",
            ));
        }
        if self.remember_days > 365 {
            return Err(Invalid::new(
                "visitors.remember_days",
                "walk-ins are remembered at most 365 days",
            ));
        }
        if self.keep_days > 30 {
            return Err(Invalid::new(
                "visitors.keep_days",
                "visitors are kept on the kiosk at most 30 days",
            ));
        }
        Ok(())
    }

    /// How long a walk-in waits for their host's answer.
    pub fn approval_wait(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.approval_wait_minutes))
    }

    /// The badge printer's address, where badges are printed.
    pub fn printer(&self) -> Option<&str> {
        self.badge_printer
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }

    /// The agreement visitors sign, if staff set one.
    pub fn agreement(&self) -> Option<&crate::domain::agreements::Agreement> {
        self.agreement
            .as_ref()
            .filter(|a| !a.text.trim().is_empty())
    }

    /// Settings written before agreements had walk-ins tick the space's terms: those terms
    /// become the agreement's version 1 (signed from now on), where no agreement is set.
    pub fn adopt_older_terms(&mut self) {
        if let Some(terms) = self.older_terms.take().filter(|t| !t.trim().is_empty())
            && self.agreement.is_none()
        {
            self.agreement = Some(crate::domain::agreements::Agreement {
                text: terms.trim().to_owned(),
                ..Default::default()
            });
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct Settings {
    pub location: Option<Location>,
    pub auto_checkout: bool,
    pub auto_checkout_rule: AutoCheckoutRule,
    pub privacy: PrivacyMode,
    /// A second tap of the same member within this many seconds is ignored.
    pub double_tap_seconds: u32,
    /// After this many idle seconds the screen goes back to the grid.
    pub idle_timeout_seconds: u32,
    /// Members without a plan may check in (the server may charge a pass).
    pub pay_as_you_go: bool,
    /// Where member photos are, as an address with `{id}` for the member's Id
    /// (`https://photos.example.com/{id}.jpg`); none: tiles show initials.
    pub photo_url: Option<String>,
    /// The space's accent colour, welcome line and attract screen (the logo is kept apart:
    /// `Account::logo`).
    pub branding: crate::domain::brand::Branding,
    pub visitors: VisitorSettings,
    /// The language the screen starts in and returns to after each person (`en`, `es-MX`);
    /// none: the device's own. A person may switch for themselves on the bar.
    pub language: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            location: None,
            auto_checkout: false,
            auto_checkout_rule: AutoCheckoutRule::default(),
            privacy: PrivacyMode::FullName,
            double_tap_seconds: 5,
            idle_timeout_seconds: 30,
            pay_as_you_go: false,
            photo_url: None,
            branding: crate::domain::brand::Branding::default(),
            visitors: VisitorSettings::default(),
            language: None,
        }
    }
}

impl Settings {
    /// The photo address, where tiles show members' photos: switched on, and names shown (in
    /// initials-only privacy a face would say more than the initials the operator chose).
    pub fn photo_address(&self) -> Option<&str> {
        self.photo_url
            .as_deref()
            .filter(|_| self.privacy != PrivacyMode::Initials)
    }

    /// Checks values a face may send; answers what is wrong in words staff understand.
    pub fn validate(&self) -> Result<(), Invalid> {
        if let Some(loc) = &self.location
            && loc.time_zone.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(Invalid::new(
                "location",
                format!("{:?} is not a time zone", loc.time_zone),
            ));
        }
        match self.auto_checkout_rule {
            AutoCheckoutRule::CutOff { hour, minute } if hour > 23 || minute > 59 => {
                return Err(Invalid::new(
                    "auto_checkout_rule",
                    format!("{hour:02}:{minute:02} is not a time of day"),
                ));
            }
            AutoCheckoutRule::AfterHours { hours } if hours == 0 || hours > 48 => {
                return Err(Invalid::new(
                    "auto_checkout_rule",
                    "auto-checkout after hours must be between 1 and 48",
                ));
            }
            _ => {}
        }
        if let Some(url) = &self.photo_url
            && (!(url.starts_with("https://") || url.starts_with("http://"))
                || !url.contains("{id}"))
        {
            return Err(Invalid::new(
                "photo_url",
                "a photo address starts with https:// and has {id} where the member's Id goes",
            ));
        }
        self.branding.validate()?;
        self.visitors.validate()?;
        if let Some(tag) = &self.language
            && !is_language_tag(tag)
        {
            return Err(Invalid::new(
                "language",
                format!("{tag:?} is not a language (such as en, es or pt-BR)"),
            ));
        }
        if self.double_tap_seconds > 120 {
            return Err(Invalid::new(
                "double_tap_seconds",
                "the double-tap window is at most 120 seconds",
            ));
        }
        if !(5..=3600).contains(&self.idle_timeout_seconds) {
            return Err(Invalid::new(
                "idle_timeout_seconds",
                "the idle timeout is between 5 seconds and an hour",
            ));
        }
        Ok(())
    }
}

/// A language as the screen names it: two or three letters, and a region or script after a
/// hyphen (`en`, `pt-BR`, `zh-Hant`).
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && rest.len() <= 1
        && rest
            .iter()
            .all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_walk_in_terms_become_the_agreements_first_version_and_are_not_written_back() {
        let older = r#"{"visitors": {"walk_ins": true, "terms": "  Be kind.  "}}"#;
        let mut settings: Settings = serde_json::from_str(older).unwrap();
        settings.visitors.adopt_older_terms();
        let agreement = settings.visitors.agreement().unwrap();
        assert_eq!(
            (agreement.version, agreement.text.as_str()),
            (1, "Be kind.")
        );
        let written = serde_json::to_string(&settings).unwrap();
        assert!(!written.contains("\"terms\""), "{written}");
        let mut set: Settings = serde_json::from_str(
            r#"{"visitors": {"terms": "Old", "agreement": {"version": 7, "text": "New"}}}"#,
        )
        .unwrap();
        set.visitors.adopt_older_terms();
        assert_eq!(
            set.visitors.agreement().unwrap().version,
            7,
            "a set agreement wins"
        );
    }

    #[test]
    fn a_language_is_a_short_tag_and_nothing_else() {
        for good in ["en", "es", "pt-BR", "zh-Hant"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in ["", "E", "english", "en_GB", "en-", "<script>", "en-GB-x-1"] {
            assert!(!is_language_tag(bad), "{bad:?} is refused");
        }
    }

    #[test]
    fn bad_values_are_refused_in_words() {
        let mut s = Settings::default();
        assert!(s.validate().is_ok());
        s.location = Some(Location {
            id: 1,
            name: "x".into(),
            time_zone: "Mars/Olympus".into(),
            ..Location::default()
        });
        let err = s.validate().unwrap_err();
        assert!(err.message.contains("time zone"), "{err}");
        assert_eq!(err.field, "location", "the refusal names its field");
        s.location = None;
        s.auto_checkout_rule = AutoCheckoutRule::CutOff {
            hour: 25,
            minute: 0,
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn settings_saved_by_an_older_build_still_load() {
        let s: Settings = serde_json::from_str(r#"{"auto_checkout": true}"#).unwrap();
        assert!(s.auto_checkout);
        assert_eq!(s.double_tap_seconds, 5, "new fields take their defaults");
    }
}
