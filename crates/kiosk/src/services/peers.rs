//! Other kiosks on the local network (issue 29, point 4): the browser face hears of them over
//! DNS-SD and notes them here; staff and `kiosk peers` read them back. Staff pair this kiosk
//! with another by the other's pairing code ([`Desk::pair_kiosk`]; the other's side is
//! `StaffAccess::pair_kiosk_from`); the face then reads every paired kiosk's health
//! ([`Desk::read_paired_kiosks`]) and answers theirs ([`Desk::health_for_peer`]). The network
//! itself is the face's: it lends its [`PeerLine`].

use futures::future::BoxFuture;

use super::staff_access::{new_token, token_hash};
use super::{Desk, Staff};
use crate::domain::events::Event;
use crate::domain::peers::{
    self, Heard, OwnIdentity, PeerHealth, PeerKiosk, PeerLink, PeerOffer, PeerProblem, PeerWelcome,
};
use crate::error::{KioskError, StoreError};

/// How a face reaches other kiosks' faces: HTTPS, pinned to the certificate the other
/// announced (when pairing) or to the key it was paired with (after). Only a face serving the
/// network has one.
pub trait PeerLine: Send + Sync {
    /// Who this kiosk is to the others.
    fn me(&self) -> OwnIdentity;

    /// Offers pairing to the kiosk at `address`, whose certificate must have the SHA-256
    /// `fingerprint`; answers its welcome and the key pin of the certificate it served.
    fn offer<'a>(
        &'a self,
        address: &'a str,
        fingerprint: &'a str,
        offer: &'a PeerOffer,
    ) -> BoxFuture<'a, Result<(PeerWelcome, String), KioskError>>;

    /// Reads a paired kiosk's health.
    fn health<'a>(&'a self, link: &'a PeerLink) -> BoxFuture<'a, Result<PeerHealth, PeerProblem>>;
}

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

    /// Pairs this kiosk with the kiosk `name` heard of on the network, by the pairing code its
    /// staff panel shows: offers it this kiosk's identity and a token to read this one's
    /// health, over HTTPS pinned to the certificate it announced, and keeps the token it
    /// answers in the secret store. Pairing again replaces the pairing.
    pub async fn pair_kiosk(
        &self,
        staff: &Staff,
        name: &str,
        code: &str,
        line: &dyn PeerLine,
    ) -> Result<PeerKiosk, KioskError> {
        let name = peers::kept_name(name);
        let peer = self.shared.store.read(|tx| tx.peer(&name))?;
        let Some((peer, fingerprint)) = peer.and_then(|p| p.fingerprint.clone().map(|fp| (p, fp)))
        else {
            return Err(KioskError::UnknownKiosk(name));
        };
        let me = line.me();
        let token = new_token();
        let offer = PeerOffer {
            code: code.trim().to_owned(),
            name: me.name,
            port: me.port,
            key_pin: me.key_pin,
            fingerprint: me.fingerprint,
            location_id: self.shared.settings().location.map(|l| l.id),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            token: token.clone(),
        };
        let (welcome, key_pin) = line.offer(&peer.address, &fingerprint, &offer).await?;
        if peers::kept_name(&welcome.name) != name || !peers::token_looks_right(&welcome.token) {
            return Err(KioskError::PeerBadAnswer(format!(
                "it answered as {:?}",
                peers::kept_name(&welcome.name)
            )));
        }
        self.shared
            .secrets
            .set(&peers::secret_name(&name), &welcome.token)?;
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            tx.pair_kiosk(&name, &peer.address, &key_pin, &token_hash(&token), now)?;
            tx.audit(
                now,
                "kiosk_paired",
                &format!(
                    "with kiosk {name} at {}, by staff at the {}",
                    peer.address,
                    staff.caller().describe()
                ),
            )
        })?;
        self.shared.emit(Event::PeersChanged);
        self.shared
            .store
            .read(|tx| tx.peer(&name))?
            .ok_or(KioskError::UnknownKiosk(name))
    }

    /// Ends the pairing with kiosk `name` here: its token to this kiosk stops working, and the
    /// one it gave is forgotten. (The other kiosk finds this one answering "unpaired".)
    pub fn unpair_kiosk(&self, staff: &Staff, name: &str) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let unpaired = self.shared.store.write(|tx| {
            let unpaired = tx.unpair_kiosk(name)?;
            if unpaired {
                tx.audit(
                    now,
                    "kiosk_unpaired",
                    &format!(
                        "kiosk {name}, by staff at the {}",
                        staff.caller().describe()
                    ),
                )?;
            }
            Ok::<_, StoreError>(unpaired)
        })?;
        if !unpaired {
            return Err(KioskError::UnknownKiosk(name.to_owned()));
        }
        self.shared.secrets.delete(&peers::secret_name(name))?;
        self.shared.emit(Event::PeersChanged);
        Ok(())
    }

    /// This kiosk's health for the paired kiosk holding `token`; `None` for any other token.
    pub fn health_for_peer(&self, token: &str) -> Result<Option<PeerHealth>, KioskError> {
        let hash = token_hash(token);
        if self
            .shared
            .store
            .read(|tx| tx.paired_by_token(&hash))?
            .is_none()
        {
            return Ok(None);
        }
        let health = self.health()?;
        let oldest = self.shared.store.read(|tx| tx.outbox_oldest_queued())?;
        Ok(Some(PeerHealth {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            location_id: self.shared.settings().location.map(|l| l.id),
            connectivity: health.connectivity,
            last_exchange: health.last_sync,
            pending: health.pending,
            parked: health.parked,
            oldest_queued: oldest,
            printer: *self.shared.printer.lock().unwrap(),
            at: self.shared.clock.now(),
        }))
    }

    /// Reads every paired kiosk's health through `line` and keeps what each answered (or why
    /// it did not); one that says it no longer knows this kiosk stays listed, for staff to pair
    /// again or unpair.
    pub async fn read_paired_kiosks(&self, line: &dyn PeerLine) -> Result<(), KioskError> {
        let paired = self.shared.store.read(|tx| tx.paired_kiosks())?;
        for row in paired {
            let read = match self.shared.secrets.get(&peers::secret_name(&row.name))? {
                Some(token) => {
                    let to = PeerLink {
                        name: row.name.clone(),
                        address: row.address,
                        key_pin: row.key_pin,
                        token,
                    };
                    line.health(&to).await.map(PeerHealth::kept)
                }
                // The secret store lost it (another machine's copy of the folder): as unpaired.
                None => Err(PeerProblem::Unpaired),
            };
            if let Err(problem) = &read {
                tracing::debug!(kiosk = %row.name, problem = problem.describe(), "a paired kiosk's health was not read");
            }
            let now = self.shared.clock.now();
            self.shared
                .store
                .write(|tx| tx.note_peer_health(&row.name, read.as_ref().map_err(|p| *p), now))?;
        }
        self.shared.emit(Event::PeersChanged);
        Ok(())
    }

    /// The names of the kiosks paired with this one.
    pub fn paired_names(&self) -> Result<Vec<String>, KioskError> {
        let rows = self.shared.store.read(|tx| tx.paired_kiosks())?;
        Ok(rows.into_iter().map(|r| r.name).collect())
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
    use futures::future::BoxFuture;

    use super::PeerLine;
    use crate::domain::peers::{
        Heard, OwnIdentity, PeerHealth, PeerLink, PeerOffer, PeerProblem, PeerWelcome,
    };
    use crate::error::KioskError;
    use crate::services::Kiosk;
    use crate::services::fixture::{Fixture, PIN, fixture, fixture_with, here};

    /// A network of two kiosks in one process: a kiosk's line reaches the other's services as
    /// its face would over HTTPS (`http/peer.rs`), the other's key pinned.
    struct Wire {
        me: OwnIdentity,
        other: Kiosk,
        other_name: String,
        other_key: String,
        /// The other kiosk's key as it serves now (another machine in its place: another key).
        serves_key: std::sync::Mutex<String>,
    }

    fn key(c: char) -> String {
        c.to_string().repeat(64)
    }

    impl PeerLine for Wire {
        fn me(&self) -> OwnIdentity {
            self.me.clone()
        }

        fn offer<'a>(
            &'a self,
            _address: &'a str,
            _fingerprint: &'a str,
            offer: &'a PeerOffer,
        ) -> BoxFuture<'a, Result<(PeerWelcome, String), KioskError>> {
            Box::pin(async move {
                let token = self.other.staff().pair_kiosk_from("10.0.0.2", offer)?;
                let welcome = PeerWelcome {
                    name: self.other_name.clone(),
                    token,
                };
                Ok((welcome, self.other_key.clone()))
            })
        }

        fn health<'a>(
            &'a self,
            to: &'a PeerLink,
        ) -> BoxFuture<'a, Result<PeerHealth, PeerProblem>> {
            Box::pin(async move {
                if *self.serves_key.lock().unwrap() != to.key_pin {
                    return Err(PeerProblem::WrongKey);
                }
                self.other
                    .desk()
                    .health_for_peer(&to.token)
                    .map_err(|_| PeerProblem::BadAnswer)?
                    .ok_or(PeerProblem::Unpaired)
            })
        }
    }

    /// Kiosk A hears of kiosk B (`lobby`) and B of A (`front`); each with its line to the other.
    fn two_kiosks() -> (Fixture, Fixture, Wire, Wire) {
        let on_the_network = || fixture_with(|c| c.capabilities.pairing = true);
        let (a, b) = (on_the_network(), on_the_network());
        let heard = |name: &str, address: &str| {
            Heard::new(
                name,
                address.into(),
                Some(here().id),
                "0.1.0",
                Some("AB:CD"),
            )
        };
        a.kiosk
            .desk()
            .note_peer(&heard("lobby", "https://10.0.0.3:8443"))
            .unwrap();
        b.kiosk
            .desk()
            .note_peer(&heard("front", "https://10.0.0.2:8443"))
            .unwrap();
        let wire =
            |me: &str, my_key: char, other: &Fixture, other_name: &str, other_key: char| Wire {
                me: OwnIdentity {
                    name: me.into(),
                    port: 8443,
                    key_pin: key(my_key),
                    fingerprint: Some("AB:CD".into()),
                },
                other: other.kiosk.clone(),
                other_name: other_name.into(),
                other_key: key(other_key),
                serves_key: std::sync::Mutex::new(key(other_key)),
            };
        let a_to_b = wire("front", 'a', &b, "lobby", 'b');
        let b_to_a = wire("lobby", 'b', &a, "front", 'a');
        (a, b, a_to_b, b_to_a)
    }

    fn code_of(f: &Fixture) -> String {
        let staff = f.kiosk.staff().by_pin(PIN).unwrap();
        f.kiosk.staff().pairing_code(&staff).unwrap().code
    }

    #[tokio::test]
    async fn two_kiosks_paired_by_one_code_read_each_others_health_both_ways() {
        let (a, b, a_to_b, b_to_a) = two_kiosks();
        let staff = a.kiosk.staff().by_pin(PIN).unwrap();
        let code = code_of(&b);
        let paired = a
            .kiosk
            .desk()
            .pair_kiosk(&staff, "lobby", &code, &a_to_b)
            .await
            .unwrap();
        assert!(paired.paired.is_some(), "{paired:?}");
        assert_ne!(
            b.kiosk.staff().pairing_code(&staff).unwrap().code,
            code,
            "the code is used up"
        );

        // B has a member checked in waiting to be sent; A reads it.
        b.kiosk.members().tap(1).unwrap();
        a.kiosk.desk().read_paired_kiosks(&a_to_b).await.unwrap();
        b.kiosk.desk().read_paired_kiosks(&b_to_a).await.unwrap();
        let seen_by_a = a.kiosk.desk().kiosks(&staff).unwrap();
        let health = seen_by_a[0].paired.as_ref().unwrap().health.clone();
        let health = health.expect("A read B's health");
        assert_eq!(health.pending, 1, "B's queue: {health:?}");
        assert_eq!(health.location_id, Some(here().id));
        let seen_by_b = b.kiosk.desk().kiosks(&staff).unwrap();
        let front = seen_by_b.iter().find(|k| k.name == "front").unwrap();
        let back = front.paired.as_ref().expect("B is paired with A too");
        assert!(back.health.is_some() && back.problem.is_none(), "{back:?}");
        assert_eq!(front.address, "https://10.0.0.2:8443");

        // Each holds the other's token in its secret store; the other keeps only its hash.
        for (holder, giver, name) in [(&a, &b, "lobby"), (&b, &a, "front")] {
            let secret = crate::domain::peers::secret_name(name);
            let token = holder.kiosk.shared.secrets.get(&secret).unwrap().unwrap();
            let hash = super::token_hash(&token);
            let by_hash = giver
                .kiosk
                .shared
                .store
                .read(|tx| tx.paired_by_token(&hash));
            assert!(
                by_hash.unwrap().is_some(),
                "{name}'s token is known by its hash"
            );
            let by_token = giver
                .kiosk
                .shared
                .store
                .read(|tx| tx.paired_by_token(&token));
            assert!(by_token.unwrap().is_none(), "never kept as itself");
        }
    }

    #[tokio::test]
    async fn a_wrong_code_pairs_nothing_and_an_unpaired_kiosk_is_told_so() {
        let (a, b, a_to_b, b_to_a) = two_kiosks();
        let staff = a.kiosk.staff().by_pin(PIN).unwrap();
        let _ = code_of(&b);
        let wrong = a
            .kiosk
            .desk()
            .pair_kiosk(&staff, "lobby", "000000x", &a_to_b)
            .await;
        assert!(matches!(wrong, Err(KioskError::WrongCode)), "{wrong:?}");
        assert!(a.kiosk.desk().paired_names().unwrap().is_empty());
        assert!(b.kiosk.desk().paired_names().unwrap().is_empty());
        let unknown = a
            .kiosk
            .desk()
            .pair_kiosk(&staff, "nobody", &code_of(&b), &a_to_b)
            .await;
        assert!(
            matches!(unknown, Err(KioskError::UnknownKiosk(_))),
            "{unknown:?}"
        );

        a.kiosk
            .desk()
            .pair_kiosk(&staff, "lobby", &code_of(&b), &a_to_b)
            .await
            .unwrap();
        // B's staff unpair A: A's next reading says so, and B stops reading A.
        b.kiosk.desk().unpair_kiosk(&staff, "front").unwrap();
        a.kiosk.desk().read_paired_kiosks(&a_to_b).await.unwrap();
        let lobby = &a.kiosk.desk().kiosks(&staff).unwrap()[0];
        let pairing = lobby.paired.as_ref().unwrap();
        assert_eq!(pairing.problem, Some(PeerProblem::Unpaired));
        assert!(b.kiosk.desk().paired_names().unwrap().is_empty());
        assert_eq!(
            b.kiosk
                .shared
                .secrets
                .get(&crate::domain::peers::secret_name("front"))
                .unwrap(),
            None,
            "A's token is forgotten"
        );
        drop(b_to_a);
    }

    #[tokio::test]
    async fn another_machine_in_a_paired_kiosks_place_is_not_believed() {
        let (a, b, a_to_b, _) = two_kiosks();
        let staff = a.kiosk.staff().by_pin(PIN).unwrap();
        a.kiosk
            .desk()
            .pair_kiosk(&staff, "lobby", &code_of(&b), &a_to_b)
            .await
            .unwrap();
        a.kiosk.desk().read_paired_kiosks(&a_to_b).await.unwrap();
        *a_to_b.serves_key.lock().unwrap() = key('e');
        a.clock.advance(Duration::seconds(30));
        a.kiosk.desk().read_paired_kiosks(&a_to_b).await.unwrap();
        let lobby = &a.kiosk.desk().kiosks(&staff).unwrap()[0];
        let pairing = lobby.paired.as_ref().unwrap();
        assert_eq!(pairing.problem, Some(PeerProblem::WrongKey));
        assert!(
            pairing.health.is_some(),
            "the last health told by the real one stays, with its time"
        );
        assert!(pairing.health_at < pairing.problem_at);
    }

    #[tokio::test]
    async fn a_kiosk_that_answers_as_another_is_not_paired() {
        let (a, b, mut a_to_b, _) = two_kiosks();
        let staff = a.kiosk.staff().by_pin(PIN).unwrap();
        a_to_b.other_name = "somebody-else".into();
        let answered = a
            .kiosk
            .desk()
            .pair_kiosk(&staff, "lobby", &code_of(&b), &a_to_b)
            .await;
        assert!(
            matches!(answered, Err(KioskError::PeerBadAnswer(_))),
            "{answered:?}"
        );
        assert!(a.kiosk.desk().paired_names().unwrap().is_empty());
    }

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
