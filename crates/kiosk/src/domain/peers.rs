//! Other kiosks on the local network (issue 29, point 4), as the staff desk and `kiosk peers`
//! list them: what each announced over DNS-SD. Which of them to show is decided here.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

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
}

/// The kiosks staff at a kiosk of `location` see: those of the same location (all of them
/// while this kiosk has none yet), heard of within [`PEER_FORGOTTEN_AFTER`], present first.
pub fn of_location(
    mut peers: Vec<PeerKiosk>,
    location: Option<i64>,
    now: DateTime<Utc>,
) -> Vec<PeerKiosk> {
    peers.retain(|p| {
        (location.is_none() || p.location_id == location) && now - p.seen_at <= PEER_FORGOTTEN_AFTER
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
        ];
        let names = |v: Vec<PeerKiosk>| v.into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(
            names(of_location(all.clone(), Some(1001), now)),
            vec!["b-present", "a-stopped"]
        );
        assert_eq!(
            names(of_location(all, None, now)),
            vec!["b-present", "c-elsewhere", "e-not-set-up", "a-stopped"],
            "a kiosk not set up yet sees every kiosk around"
        );
    }
}
