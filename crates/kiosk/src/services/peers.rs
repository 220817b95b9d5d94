//! Other kiosks on the local network (issue 29, point 4): the browser face hears of them over
//! DNS-SD and notes them here; staff and `kiosk peers` read them back.

use super::{Desk, Staff};
use crate::domain::peers::{self, Heard, PeerKiosk};
use crate::error::KioskError;

impl Desk {
    /// A kiosk announced itself (again): kept with what it announced, as heard now.
    pub fn note_peer(&self, peer: &Heard) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        Ok(self.shared.store.write(|tx| tx.upsert_peer(peer, now))?)
    }

    /// A kiosk said goodbye (`name` as it announced it).
    pub fn peer_gone(&self, name: &str) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let name = peers::kept_name(name);
        Ok(self.shared.store.write(|tx| tx.peer_gone(&name, now))?)
    }

    /// The kiosks of this one's location heard of lately, for staff ([`peers::of_location`]).
    pub fn kiosks(&self, _staff: &Staff) -> Result<Vec<PeerKiosk>, KioskError> {
        self.peers()
    }

    /// [`Desk::kiosks`] for the command line on this machine (`kiosk peers`).
    pub fn peers(&self) -> Result<Vec<PeerKiosk>, KioskError> {
        let all = self.shared.store.read(|tx| tx.peers())?;
        let here = self.shared.settings().location.map(|l| l.id);
        Ok(peers::of_location(all, here, self.shared.clock.now()))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use crate::domain::peers::Heard;
    use crate::services::fixture::{PIN, fixture, here};

    #[test]
    fn a_kiosk_heard_of_is_listed_until_it_says_goodbye_and_then_after_the_present_ones() {
        let f = fixture();
        let desk = f.kiosk.desk();
        let peer = |name: &str, location: i64| {
            Heard::new(
                name,
                "https://192.168.1.21:8443".into(),
                Some(location),
                "0.1.0",
                Some("AB:CD"),
            )
        };
        desk.note_peer(&peer("front-desk-2", here().id)).unwrap();
        desk.note_peer(&peer("lobby", here().id)).unwrap();
        desk.note_peer(&peer("other-site", here().id + 1)).unwrap();
        desk.peer_gone("front-desk-2").unwrap();
        let staff = f.kiosk.staff().by_pin(PIN).unwrap();
        let listed = desk.kiosks(&staff).unwrap();
        let names: Vec<_> = listed.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["lobby", "front-desk-2"], "{listed:?}");
        assert!(listed[1].gone_at.is_some());

        // It comes back: present again, with what it announces now.
        f.clock.advance(Duration::minutes(5));
        let mut again = peer("front-desk-2", here().id);
        again.version = "0.2.0".into();
        desk.note_peer(&again).unwrap();
        let listed = desk.kiosks(&staff).unwrap();
        assert_eq!(listed[0].name, "front-desk-2");
        assert_eq!(listed[0].version, "0.2.0");
        assert!(listed[0].gone_at.is_none());
    }

    #[test]
    fn a_network_flooded_with_announcements_keeps_the_latest_hundred() {
        let f = fixture();
        let desk = f.kiosk.desk();
        for i in 0..150 {
            f.clock.advance(Duration::seconds(1));
            desk.note_peer(&Heard::new(
                &format!("flood-{i:03}"),
                "https://192.168.1.66:8443".into(),
                Some(here().id),
                "0.1.0",
                None,
            ))
            .unwrap();
        }
        let kept = desk.peers().unwrap();
        assert_eq!(kept.len(), 100);
        assert_eq!(kept[0].name, "flood-050", "the first fifty heard of went");
    }
}
