//! Other kiosks on the local network (issue 29, point 4), as the staff desk and `kiosk peers`
//! list them: what each announced over DNS-SD, and for those paired with a code, the health
//! each last told. Which of them to show, and what pairing exchanges, is decided here.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::badges::PrinterCondition;
use super::views::Connectivity;

/// How long a kiosk that said nothing more stays listed as present.
pub const PEER_FORGOTTEN_AFTER: Duration = Duration::days(1);

/// What another kiosk announced, as kept: anyone on the network may announce anything, so
/// its words are made short and printable here ([`crate::domain::fold::printable`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heard {
    pub name: String,
    pub address: String,
    pub location_id: Option<i64>,
    pub version: String,
    pub fingerprint: Option<String>,
}

/// A kiosk's name as kept and shown, whatever it announced.
pub fn kept_name(name: &str) -> String {
    crate::domain::fold::printable(name, 63)
}

impl Heard {
    pub fn new(
        name: &str,
        address: String,
        location_id: Option<i64>,
        version: &str,
        fingerprint: Option<&str>,
    ) -> Self {
        use crate::domain::fold::printable;
        Self {
            name: kept_name(name),
            address,
            location_id,
            version: printable(version, 32),
            fingerprint: fingerprint.map(|f| printable(f, 100)),
        }
    }
}

/// Another kiosk found on the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PeerKiosk {
    /// Its name on the network (the machine's name and a short id).
    pub name: String,
    /// Where its browser face answers (`https://192.168.1.21:8443`).
    pub address: String,
    /// The Nexudus location it serves, once set up.
    pub location_id: Option<i64>,
    pub version: String,
    /// Its certificate's SHA-256 fingerprint, as its own staff panel shows it.
    pub fingerprint: Option<String>,
    /// When it last announced itself.
    pub seen_at: DateTime<Utc>,
    /// When it said goodbye (stopped), if it did since.
    pub gone_at: Option<DateTime<Utc>>,
    /// Set when staff paired this kiosk with it: the two read each other's health.
    pub paired: Option<PairedKiosk>,
}

/// What a paired kiosk last told of itself, and whether the last reading failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PairedKiosk {
    pub paired_at: DateTime<Utc>,
    /// Its health at its last good answer (`None` until the first).
    pub health: Option<PeerHealth>,
    /// When this kiosk last read it.
    pub health_at: Option<DateTime<Utc>>,
    /// Why the latest reading failed, if it did (the health shown is then older).
    pub problem: Option<PeerProblem>,
    pub problem_at: Option<DateTime<Utc>>,
}

impl PairedKiosk {
    /// In English, for the command line (`kiosk peers`); the staff panel words it itself.
    pub fn describe(&self) -> String {
        let when = |t: DateTime<Utc>| t.format("%H:%M UTC").to_string();
        let words = match &self.health {
            Some(h) => {
                let connectivity = serde_json::to_value(h.connectivity)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let exchange = h.last_exchange.map_or_else(
                    || "no exchange yet".to_owned(),
                    |t| format!("last exchange {}", when(t)),
                );
                format!(
                    "paired: {connectivity}, {} pending, {} parked, {exchange} (read {})",
                    h.pending,
                    h.parked,
                    self.health_at.map(when).unwrap_or_default()
                )
            }
            None => "paired: health not read yet".to_owned(),
        };
        match (self.problem, self.problem_at) {
            (Some(problem), Some(at)) => {
                format!("{words}; not read at {}: {}", when(at), problem.describe())
            }
            _ => words,
        }
    }
}

/// A kiosk's health as it tells a paired kiosk (`GET /peer/health`): counts, times and states,
/// nothing personal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PeerHealth {
    pub version: String,
    pub location_id: Option<i64>,
    pub connectivity: Connectivity,
    /// Its last exchange with Nexudus that succeeded.
    pub last_exchange: Option<DateTime<Utc>>,
    /// Entries waiting to be sent, and those set aside for staff.
    pub pending: i64,
    pub parked: i64,
    /// When the oldest entry still to send was queued.
    pub oldest_queued: Option<DateTime<Utc>>,
    /// Its badge printer's condition; none without a printer.
    #[serde(default)]
    pub printer: Option<PrinterCondition>,
    /// Its clock when it answered.
    pub at: DateTime<Utc>,
}

impl PeerHealth {
    /// What another kiosk answered, made safe to keep and show: its words short and printable.
    #[must_use]
    pub fn kept(mut self) -> Self {
        use crate::domain::fold::printable;
        self.version = printable(&self.version, 32);
        self
    }
}

/// Why a paired kiosk's health could not be read, or pairing with it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PeerProblem {
    /// It did not answer (stopped, off the network, another address).
    Unreachable,
    /// It answered with a certificate of another key than the one it was paired with (or,
    /// when pairing, than the one it announced): maybe another machine in its place.
    WrongKey,
    /// It no longer knows this kiosk: its staff unpaired it.
    Unpaired,
    /// It answered something that is not a kiosk's answer.
    BadAnswer,
}

impl PeerProblem {
    /// In English, for logs and the command line (the UI words the code).
    pub fn describe(self) -> &'static str {
        match self {
            Self::Unreachable => "it did not answer",
            Self::WrongKey => "its certificate is not the one it was paired with",
            Self::Unpaired => "it no longer knows this kiosk (unpaired there)",
            Self::BadAnswer => "its answer was not a kiosk's",
        }
    }
}

/// What a kiosk offers another when its staff pair them (`POST /peer/pair` on the other): the
/// code the other's staff panel shows, who it is, where its face answers, the key its
/// certificate has (so the other reads its health only from it), and the token the other is
/// to read its health with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerOffer {
    pub code: String,
    pub name: String,
    pub port: u16,
    /// SHA-256 of its certificate's public key (SubjectPublicKeyInfo), lower-case hex: kept
    /// across certificate renewals, so a pairing outlives them.
    pub key_pin: String,
    pub fingerprint: Option<String>,
    pub location_id: Option<i64>,
    pub version: String,
    pub token: String,
}

/// The other kiosk's answer to an offer: its name and the token to read its health with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerWelcome {
    pub name: String,
    pub token: String,
}

/// Who this kiosk is to others, as its face knows it (its name on the network, its port and
/// its certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnIdentity {
    pub name: String,
    pub port: u16,
    pub key_pin: String,
    pub fingerprint: Option<String>,
}

/// A paired kiosk as the face reads its health: where, pinned to which key, with which token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerLink {
    pub name: String,
    pub address: String,
    pub key_pin: String,
    pub token: String,
}

/// The secret store's name for the token kiosk `name` gave this one.
pub fn secret_name(name: &str) -> String {
    format!("peer-token:{name}")
}

/// A token another kiosk gave could be anything: it must be one this kiosk's own would be
/// (64 hex digits) before it is kept or sent.
pub fn token_looks_right(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A key pin is SHA-256 as 64 hex digits.
pub fn key_pin_looks_right(pin: &str) -> bool {
    token_looks_right(pin)
}

/// The kiosks staff at a kiosk of `location` see: those of the same location (all of them
/// while this kiosk has none yet), heard of within [`PEER_FORGOTTEN_AFTER`], present first;
/// a paired kiosk always (its health says whether it answers).
pub fn of_location(
    mut peers: Vec<PeerKiosk>,
    location: Option<i64>,
    now: DateTime<Utc>,
) -> Vec<PeerKiosk> {
    peers.retain(|p| {
        p.paired.is_some()
            || ((location.is_none() || p.location_id == location)
                && now - p.seen_at <= PEER_FORGOTTEN_AFTER)
    });
    peers.sort_by(|a, b| {
        a.gone_at
            .is_some()
            .cmp(&b.gone_at.is_some())
            .then_with(|| a.name.cmp(&b.name))
    });
    peers
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn peer(name: &str, location: Option<i64>, seen_hours_ago: i64, gone: bool) -> PeerKiosk {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        PeerKiosk {
            name: name.into(),
            address: "https://192.168.1.21:8443".into(),
            location_id: location,
            version: "0.1.0".into(),
            fingerprint: None,
            seen_at: now - Duration::hours(seen_hours_ago),
            gone_at: gone.then_some(now),
            paired: None,
        }
    }

    #[test]
    fn what_another_machine_announces_is_kept_short_and_printable() {
        let heard = Heard::new(
            "lobby\u{1b}[2J\u{7}-kiosk",
            "https://192.168.1.21:8443".into(),
            None,
            &"9".repeat(500),
            Some("AB:CD"),
        );
        assert_eq!(heard.name, "lobby[2J-kiosk", "no terminal escape survives");
        assert_eq!(heard.version.len(), 32);
    }

    #[test]
    fn staff_see_the_kiosks_of_their_location_heard_of_today_present_first() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let all = vec![
            peer("a-stopped", Some(1001), 1, true),
            peer("b-present", Some(1001), 0, false),
            peer("c-elsewhere", Some(2002), 0, false),
            peer("d-long-gone", Some(1001), 30, false),
            peer("e-not-set-up", None, 0, false),
            PeerKiosk {
                paired: Some(PairedKiosk {
                    paired_at: now - Duration::days(40),
                    health: None,
                    health_at: None,
                    problem: Some(PeerProblem::Unreachable),
                    problem_at: Some(now),
                }),
                ..peer("f-paired-silent", Some(2002), 50, false)
            },
        ];
        let names = |v: Vec<PeerKiosk>| v.into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(
            names(of_location(all.clone(), Some(1001), now)),
            vec!["b-present", "f-paired-silent", "a-stopped"],
            "a paired kiosk stays listed, silent or elsewhere"
        );
        assert_eq!(
            names(of_location(all, None, now)),
            vec![
                "b-present",
                "c-elsewhere",
                "e-not-set-up",
                "f-paired-silent",
                "a-stopped"
            ],
            "a kiosk not set up yet sees every kiosk around"
        );
    }
}
