//! Visitor badges (issue 28): which arrivals get a badge, what a badge's QR code holds (the
//! visit, which the kiosk's scanner reads back to sign the visitor out), the label sizes and
//! how a print went. Printing itself is the face's (`BadgePrinter`); the badge's PDF is the
//! `badge` crate's.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A badge not sent to the printer within this long of the arrival (the kiosk was off) is
/// not printed by itself: the visitor has gone in, so it is marked failed for reception, who
/// reprint it from the desk if they want it.
pub const PRINT_WITHIN: Duration = Duration::minutes(5);

/// What a badge's QR code starts with.
const QR_PREFIX: &str = "KIOSK-VISIT:";

/// The label sizes label printers take: the badge crate's, which lays a badge out on each.
pub use badge::LabelSize;

/// What a badge's QR code holds: the visit, unguessable (a random UUID), so a badge signs out
/// only its own visitor.
pub fn qr_text(visit: Uuid) -> String {
    format!("{QR_PREFIX}{visit}")
}

/// The visit a scanned badge names, if what was scanned is a badge's QR code.
pub fn visit_of_qr(scanned: &str) -> Option<Uuid> {
    scanned.trim().strip_prefix(QR_PREFIX)?.parse().ok()
}

/// Whether an IPP printer address is one the kiosk can print to: `ipp://` (or `http://`) and
/// a host.
pub fn printer_address_ok(address: &str) -> bool {
    let Some((scheme, rest)) = address.trim().split_once("://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    matches!(scheme, "ipp" | "http") && !host.is_empty()
}

/// How a badge's print went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PrintState {
    /// The visitor arrived (or staff asked for it again): printed at the next round.
    Queued,
    /// Being sent to the printer (a restart mid-print leaves it so: reception reprints).
    Printing,
    /// The printer took the job.
    Printed,
    /// The printer did not take it: reception has the visitor's badge to make.
    Failed,
}

impl PrintState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Printing => "printing",
            Self::Printed => "printed",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Queued, Self::Printing, Self::Printed, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A visitor's badge, as the desk lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BadgePrint {
    pub visit: Uuid,
    pub visitor_name: String,
    pub state: PrintState,
    /// Why the printer did not take it (its words, or that it did not answer).
    pub error: Option<String>,
    pub at: DateTime<Utc>,
}

/// A visitor's badge as a screen shows it (a tablet without a printer): what the printed badge
/// carries, as values the screen words in its reader's language, and its QR code (the text while
/// made, an SVG `data:` image as answered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ScreenBadge {
    pub name: String,
    pub company: Option<String>,
    /// The host's name (the screen says "Host: ..." in its own language).
    pub host: Option<String>,
    pub date: String,
    pub qr: String,
}

/// The printer's condition as the kiosk last read it, for the desk, metrics and paired kiosks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PrinterCondition {
    Ready,
    OutOfMedia,
    Stopped,
    Unreachable,
}

impl PrinterCondition {
    pub const ALL: [Self; 4] = [
        Self::Ready,
        Self::OutOfMedia,
        Self::Stopped,
        Self::Unreachable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::OutOfMedia => "out_of_media",
            Self::Stopped => "stopped",
            Self::Unreachable => "unreachable",
        }
    }
}

/// The printed badge's host line in the badge's language (the kiosk's screen language; English
/// where it has none of these). Only the printed badge is worded here: the printer has no screen
/// to word it. A badge on a screen carries the host's name and the screen words it.
pub fn host_line(language: Option<&str>, host: &str) -> String {
    let word = match language.and_then(|l| l.split('-').next()) {
        Some("es") => "Anfitrión:",
        Some("pt") => "Anfitrião:",
        // French sets a space before the colon.
        Some("fr") => "Hôte :",
        Some("de") => "Gastgeber:",
        _ => "Host:",
    };
    format!("{word} {host}")
}

/// Whether a badge queued at `queued_at` is still printed at `now`.
pub fn still_worth_printing(queued_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - queued_at <= PRINT_WITHIN
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_badges_qr_code_names_its_visit_and_nothing_else_reads_as_one() {
        let visit = Uuid::new_v4();
        assert_eq!(visit_of_qr(&qr_text(visit)), Some(visit));
        assert_eq!(
            visit_of_qr(&format!(" {}\n", qr_text(visit))),
            Some(visit),
            "a scanner's Enter"
        );
        for other in [
            "",
            "KIOSK-VISIT:",
            "KIOSK-VISIT:nope",
            "0004212345",
            "ABC123",
        ] {
            assert_eq!(visit_of_qr(other), None, "{other:?}");
        }
    }

    #[test]
    fn the_printed_host_line_is_in_the_kiosks_language_and_english_otherwise() {
        assert_eq!(
            host_line(Some("es"), "José García"),
            "Anfitrión: José García"
        );
        assert_eq!(host_line(Some("pt-BR"), "Ana"), "Anfitrião: Ana");
        assert_eq!(host_line(Some("fr"), "Ana"), "Hôte : Ana");
        assert_eq!(host_line(Some("de"), "Ana"), "Gastgeber: Ana");
        assert_eq!(host_line(Some("ja"), "Ana"), "Host: Ana");
        assert_eq!(host_line(None, "Ana"), "Host: Ana");
    }

    #[test]
    fn a_printer_address_is_ipp_with_a_host() {
        for good in [
            "ipp://brother-ql.local:631/ipp/print",
            "ipp://localhost:631/printers/Brother_QL_820NWB",
            "http://10.0.0.9/ipp/print",
        ] {
            assert!(printer_address_ok(good), "{good}");
        }
        for bad in [
            "",
            "printer.local",
            "https://x/ipp",
            "ipp://",
            "ipp:///ipp/print",
            "javascript:alert(1)",
        ] {
            assert!(!printer_address_ok(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_badge_is_still_printed_five_minutes_after_it_was_queued_and_not_after() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap();
        assert!(still_worth_printing(now, now));
        assert!(still_worth_printing(now - Duration::minutes(5), now));
        assert!(!still_worth_printing(now - Duration::minutes(6), now));
    }
}
