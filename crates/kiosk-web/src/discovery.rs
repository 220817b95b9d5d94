//! Kiosks that see each other (issue 29, point 4): a `kiosk serve` on a LAN address announces
//! itself over DNS-SD (mDNS, the mdns-sd crate: no system daemon needed) and notes every other
//! kiosk it hears of in its database ([`kiosk::Kiosk::desk`]'s `note_peer`), for the staff
//! desk and `kiosk peers`. It announces only what any tablet on the network may read already:
//! a name, its port, its location's id, its version and its certificate's fingerprint.

use std::time::Duration;

use kiosk::Kiosk;
use kiosk::domain::peers::Heard;
use mdns_sd::{ServiceDaemon, ServiceEvent, ServiceInfo};
use sha2::{Digest, Sha256};
use tracing::{debug, info, warn};

/// The DNS-SD service type kiosks announce and browse.
pub const SERVICE_TYPE: &str = "_nexudus-kiosk._tcp.local.";

/// What a kiosk announces, and how another reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub location_id: Option<i64>,
    pub version: String,
    pub fingerprint: Option<String>,
}

impl Announcement {
    fn properties(&self) -> Vec<(&'static str, String)> {
        let mut p = vec![("v", self.version.clone())];
        if let Some(loc) = self.location_id {
            p.push(("loc", loc.to_string()));
        }
        if let Some(fp) = &self.fingerprint {
            p.push(("fp", fp.clone()));
        }
        p
    }

    /// What a resolved service says; `None` where it is not a kiosk's (no version).
    fn read(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        Some(Self {
            version: get("v")?,
            location_id: get("loc").and_then(|l| l.parse().ok()),
            fingerprint: get("fp"),
        })
    }
}

/// This kiosk's name on the network: the machine's name and a short id of the kiosk (the same
/// across restarts, different for two kiosks on one machine).
pub fn instance_name(kiosk_id: &str) -> String {
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    let host: String = host
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(40)
        .collect();
    let id = Sha256::digest(kiosk_id.as_bytes());
    format!("{host}-{:02x}{:02x}{:02x}", id[0], id[1], id[2])
}

/// The announcement and the listening, until dropped or stopped.
pub struct Discovery {
    daemon: ServiceDaemon,
    name: String,
    port: u16,
    fullname: String,
    browser: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Discovery {
    /// Announces this kiosk (`name`, serving HTTPS on `port`) and notes every other kiosk heard
    /// of in `kiosk`'s database.
    pub fn start(
        kiosk: Kiosk,
        name: &str,
        port: u16,
        said: &Announcement,
    ) -> Result<Self, mdns_sd::Error> {
        let daemon = ServiceDaemon::new()?;
        let info = service(name, port, said)?;
        let fullname = info.get_fullname().to_owned();
        daemon.register(info)?;
        let events = daemon.browse(SERVICE_TYPE)?;
        let me = fullname.clone();
        let browser = std::thread::Builder::new()
            .name("kiosk-discovery".into())
            .spawn(move || {
                // Ends when the daemon shuts down and drops its side of the channel.
                while let Ok(event) = events.recv() {
                    heard(&kiosk, &me, event);
                }
            })
            .map_err(|e| mdns_sd::Error::Msg(e.to_string()))?;
        info!(%fullname, "announced on the local network");
        Ok(Self {
            daemon,
            name: name.to_owned(),
            port,
            fullname,
            browser: std::sync::Mutex::new(Some(browser)),
        })
    }

    /// Announces what changed (staff picked the location): the same name, new words.
    pub fn announce(&self, said: &Announcement) -> Result<(), mdns_sd::Error> {
        self.daemon.register(service(&self.name, self.port, said)?)
    }

    /// Says goodbye on the network (other kiosks mark this one gone) and stops listening.
    /// Waits a second at most for each; a second call does nothing.
    pub fn stop(&self) {
        let Some(browser) = self.browser.lock().unwrap().take() else {
            return;
        };
        if let Ok(done) = self.daemon.unregister(&self.fullname) {
            let _ = done.recv_timeout(Duration::from_secs(1));
        }
        if let Ok(done) = self.daemon.shutdown() {
            let _ = done.recv_timeout(Duration::from_secs(1));
        }
        let _ = browser.join();
    }
}

impl std::fmt::Debug for Discovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discovery")
            .field("fullname", &self.fullname)
            .finish_non_exhaustive()
    }
}

impl Drop for Discovery {
    fn drop(&mut self) {
        self.stop();
    }
}

/// This kiosk as a DNS-SD service, at every address of the machine.
fn service(name: &str, port: u16, said: &Announcement) -> Result<ServiceInfo, mdns_sd::Error> {
    let host = format!("{name}.local.");
    let props = said.properties();
    let props: Vec<(&str, &str)> = props.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Ok(ServiceInfo::new(SERVICE_TYPE, name, &host, "", port, &props[..])?.enable_addr_auto())
}

/// One event of the browse: a kiosk resolved is noted, one removed is marked gone.
fn heard(kiosk: &Kiosk, me: &str, event: ServiceEvent) {
    match event {
        ServiceEvent::ServiceResolved(found) if found.fullname != me => {
            let Some(said) =
                Announcement::read(|k| found.get_property_val_str(k).map(str::to_owned))
            else {
                debug!(name = %found.fullname, "a service of our type that is not a kiosk");
                return;
            };
            let Some(ip) = reach_at(found.get_addresses_v4()) else {
                return;
            };
            let peer = Heard::new(
                &peer_name(&found.fullname),
                format!("https://{ip}:{}", found.port),
                said.location_id,
                &said.version,
                said.fingerprint.as_deref(),
            );
            if let Err(e) = kiosk.desk().note_peer(&peer) {
                warn!(error = %e, "a kiosk heard of could not be noted");
            }
        }
        ServiceEvent::ServiceRemoved(_, fullname) if fullname != me => {
            if let Err(e) = kiosk.desk().peer_gone(&peer_name(&fullname)) {
                warn!(error = %e, "a kiosk's goodbye could not be noted");
            }
        }
        _ => {}
    }
}

/// The address to reach an announced kiosk at: one another machine reaches, loopback only for
/// a kiosk on this one (it announces both where it hears itself on `lo`).
fn reach_at(addresses: impl IntoIterator<Item = std::net::Ipv4Addr>) -> Option<std::net::Ipv4Addr> {
    addresses
        .into_iter()
        .min_by_key(|ip| (ip.is_loopback(), *ip))
}

/// The instance part of a service's full name (`front-desk-1a2b3c`).
fn peer_name(fullname: &str) -> String {
    fullname
        .strip_suffix(SERVICE_TYPE)
        .map_or(fullname, |n| n.trim_end_matches('.'))
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_announcement_reads_back_as_it_was_said_and_a_service_without_a_version_is_not_a_kiosk() {
        let said = Announcement {
            location_id: Some(1001),
            version: "0.1.0".into(),
            fingerprint: Some("AB:CD".into()),
        };
        let props = said.properties();
        let read = Announcement::read(|k| {
            props
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        });
        assert_eq!(read, Some(said));
        assert_eq!(Announcement::read(|_| None), None);
    }

    #[test]
    fn a_kiosk_is_reached_at_its_network_address_rather_than_loopback() {
        let lo = std::net::Ipv4Addr::LOCALHOST;
        let lan: std::net::Ipv4Addr = "192.168.1.21".parse().unwrap();
        assert_eq!(
            reach_at([lo, lan]),
            Some(lan),
            "127.0.0.1 sorts first, but is no way in"
        );
        assert_eq!(reach_at([lo]), Some(lo), "a kiosk on this machine only");
        assert_eq!(reach_at([]), None);
    }

    #[test]
    fn a_kiosk_is_named_by_its_machine_and_a_short_id_of_its_own() {
        let a = instance_name("kiosk-a");
        assert_ne!(
            a,
            instance_name("kiosk-b"),
            "two kiosks on one machine differ"
        );
        assert_eq!(a, instance_name("kiosk-a"), "the same across restarts");
        assert!(
            a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "{a}"
        );
        assert_eq!(
            peer_name(&format!("{a}.{SERVICE_TYPE}")),
            a,
            "the full name reads back as the instance"
        );
    }
}
