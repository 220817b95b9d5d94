//! HTTPS for LAN addresses: the certificate IT gives, or a self-signed one made on first start
//! and kept in the data directory (so a tablet that trusted it once keeps trusting it), and a
//! listener that makes TLS handshakes beside each other, never one slow client holding the rest.
//!
//! The kiosk's own certificate is one iPads and Macs take once staff trust it: it names every
//! address and name of the machine a tablet may use (made again when they change), it is for
//! servers (`serverAuth`) and valid at most [`VALID_FOR_DAYS`] days, and it is made again
//! [`RENEW_BEFORE_DAYS`] days before it ends. A new certificate has a new fingerprint, which
//! the kiosk prints at start and the staff panel shows; paired tablets keep their pairing (it
//! is their device cookie, not the certificate), and so do paired kiosks: the new certificate
//! has the old key, which they pin ([`key_pin`]).

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sha2::{Digest, Sha256};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;
use tracing::{debug, warn};

/// The certificate the kiosk serves and its fingerprint, for staff and IT to compare with what
/// a tablet's browser shows.
#[derive(Debug, Clone)]
pub struct TlsIdentity {
    pub config: Arc<ServerConfig>,
    /// SHA-256 of the certificate, as colon-separated hex pairs (how browsers show it).
    pub fingerprint: String,
    /// SHA-256 of its public key ([`key_pin`]): what paired kiosks pin.
    pub key_pin: String,
    pub cert_path: PathBuf,
}

/// The SHA-256 of a certificate's public key (its SubjectPublicKeyInfo), lower-case hex: the
/// kiosk keeps its key when it makes itself a new certificate, so another kiosk paired with it
/// (which pins this) stays paired through renewals and new addresses.
pub fn key_pin(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let mut hex = String::with_capacity(64);
    for b in Sha256::digest(cert.public_key().raw) {
        use std::fmt::Write;
        let _ = write!(hex, "{b:02x}");
    }
    Some(hex)
}

/// The SHA-256 fingerprint of a certificate, "AB:CD:...".
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Apple's platforms refuse a server certificate valid longer than this, even one trusted by
/// hand.
pub const VALID_FOR_DAYS: i64 = 825;
/// The kiosk's own certificate is made again this long before it ends, so staff have weeks,
/// not hours, to tell the tablets.
pub const RENEW_BEFORE_DAYS: i64 = 60;

/// The certificate and key IT gave, or the kiosk's own (made now if there is none yet, if it
/// ends within [`RENEW_BEFORE_DAYS`], or if it does not name each of `names`: the addresses
/// and host names it serves).
pub fn identity(
    data_dir: &Path,
    given: Option<(&Path, &Path)>,
    names: &[String],
) -> anyhow::Result<TlsIdentity> {
    let (cert_path, key_path) = if let Some((cert, key)) = given {
        (cert.to_owned(), key.to_owned())
    } else {
        let dir = data_dir.join("tls");
        let cert = dir.join("kiosk-cert.pem");
        let key = dir.join("kiosk-key.pem");
        let now = time::OffsetDateTime::now_utc();
        if !cert.is_file() || !key.is_file() {
            make_self_signed(&dir, &cert, &key, names, now)?;
        } else if let Some(why) = std::fs::read(&cert).map_or_else(
            |e| Some(format!("it could not be read: {e}")),
            |pem| needs_new(&pem, names, now),
        ) {
            make_self_signed(&dir, &cert, &key, names, now)?;
            warn!(
                reason = %why,
                "the kiosk made itself a new certificate: tablets show a new fingerprint, to accept again"
            );
        }
        (cert, key)
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert_path)
        .with_context(|| format!("cannot read the certificate {}", cert_path.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("the certificate {} is not PEM", cert_path.display()))?;
    let first = certs
        .first()
        .with_context(|| format!("no certificate in {}", cert_path.display()))?;
    let fingerprint = fingerprint(first.as_ref());
    let key_pin = key_pin(first.as_ref())
        .with_context(|| format!("the certificate {} cannot be read", cert_path.display()))?;
    let key = PrivateKeyDer::from_pem_file(&key_path)
        .with_context(|| format!("cannot read the private key {}", key_path.display()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the certificate and key do not go together")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    // The server's order of cipher suites (rustls's: AEAD with forward secrecy only, the
    // strongest first), not whatever a client lists first.
    config.ignore_client_order = true;
    Ok(TlsIdentity {
        config: Arc::new(config),
        fingerprint,
        key_pin,
        cert_path,
    })
}

/// Why the kept certificate must be made again, if it must: it ends within
/// [`RENEW_BEFORE_DAYS`], or a name or address the kiosk serves is not on it.
fn needs_new(pem: &[u8], names: &[String], now: time::OffsetDateTime) -> Option<String> {
    let Ok((_, pem)) = x509_parser::pem::parse_x509_pem(pem) else {
        return Some("it is not PEM".into());
    };
    let Ok(cert) = pem.parse_x509() else {
        return Some("it is not a certificate".into());
    };
    let ends = cert.validity().not_after.to_datetime();
    if ends - now < time::Duration::days(RENEW_BEFORE_DAYS) {
        return Some(format!("it ends on {}", ends.date()));
    }
    let on_it = covered(&cert);
    names
        .iter()
        .find(|n| !on_it.contains(&n.to_ascii_lowercase()))
        .map(|n| format!("it does not name {n}"))
}

/// The names and addresses a certificate is for, lower case.
fn covered(cert: &x509_parser::certificate::X509Certificate<'_>) -> Vec<String> {
    use x509_parser::extensions::GeneralName;
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|n| match n {
            GeneralName::DNSName(d) => Some(d.to_ascii_lowercase()),
            GeneralName::IPAddress(bytes) => ip(bytes).map(|ip| ip.to_string()),
            _ => None,
        })
        .collect()
}

/// An address as a certificate holds it: 4 bytes (IPv4) or 16 (IPv6).
fn ip(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match <[u8; 4]>::try_from(bytes) {
        Ok(v4) => Some(v4.into()),
        Err(_) => <[u8; 16]>::try_from(bytes).ok().map(Into::into),
    }
}

/// The machine's names and addresses a tablet may reach the kiosk by, when it serves every
/// address (`0.0.0.0`): its host name and `<host>.local` (mDNS), and each address of its
/// network interfaces but loopback and IPv6 link-local ones (no browser takes those in an
/// address bar).
pub fn machine_names() -> Vec<String> {
    let mut names = Vec::new();
    if let Some(host) = gethostname::gethostname()
        .to_str()
        .map(str::trim)
        .filter(|h| !h.is_empty() && *h != "localhost")
    {
        let host = host.to_ascii_lowercase();
        if !host.contains('.') {
            names.push(format!("{host}.local"));
        }
        names.push(host);
    }
    for interface in if_addrs::get_if_addrs().unwrap_or_default() {
        let ip = interface.ip();
        let link_local_v6 =
            matches!(ip, std::net::IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80);
        if !ip.is_loopback() && !link_local_v6 {
            names.push(ip.to_string());
        }
    }
    names.sort();
    names.dedup();
    names
}

fn make_self_signed(
    dir: &Path,
    cert: &Path,
    key: &Path,
    names: &[String],
    now: time::OffsetDateTime,
) -> anyhow::Result<()> {
    let mut names: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    names.extend(["localhost".to_owned(), "127.0.0.1".to_owned()]);
    names.sort();
    names.dedup();
    let mut params = rcgen::CertificateParams::new(names).context("the certificate's names")?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Nexudus kiosk");
    // A day back, for a tablet whose clock is a little behind.
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(VALID_FOR_DAYS - 1);
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    // The key the kiosk had, where it has one: a new certificate, the same key (paired kiosks
    // pin it).
    let kept = std::fs::read_to_string(key)
        .ok()
        .and_then(|pem| rcgen::KeyPair::from_pem(&pem).ok());
    let signing_key = match kept {
        Some(k) => k,
        None => rcgen::KeyPair::generate().context("making a key")?,
    };
    let made = params
        .self_signed(&signing_key)
        .context("making a certificate")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_private(key, signing_key.serialize_pem().as_bytes())?;
    std::fs::write(cert, made.pem()).with_context(|| format!("cannot write {}", cert.display()))?;
    Ok(())
}

/// Writes the private key readable by the kiosk's user only.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A TLS handshake longer than this is a client that is not going to finish.
const HANDSHAKE_WITHIN: Duration = Duration::from_secs(10);
/// Handshakes under way at once.
const HANDSHAKES_AT_ONCE: usize = 64;

/// Accepts TCP connections and hands on those that finished their TLS handshake.
#[derive(Debug)]
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, config: Arc<ServerConfig>) -> io::Result<Self> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(HANDSHAKES_AT_ONCE);
        let acceptor = TlsAcceptor::from(config);
        let slots = Arc::new(Semaphore::new(HANDSHAKES_AT_ONCE));
        tokio::spawn(async move {
            loop {
                let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
                    return;
                };
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let acceptor = acceptor.clone();
                let ready = tx.clone();
                tokio::spawn(async move {
                    let _slot = slot;
                    match tokio::time::timeout(HANDSHAKE_WITHIN, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = ready.send((tls, peer)).await;
                        }
                        // A plain-HTTP request, a scanner, a browser that refused the
                        // certificate: nothing to answer.
                        Ok(Err(e)) => debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => debug!(%peer, "TLS handshake too slow"),
                    }
                });
                if tx.is_closed() {
                    return;
                }
            }
        });
        Ok(Self { ready, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(next) => next,
            // The accept loop ended (the socket failed for good): wait for the server's stop.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_self_signed_certificate_is_made_once_and_kept_with_a_private_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let names = ["192.168.1.10".to_owned()];
        let first = identity(dir.path(), None, &names).unwrap();
        let again = identity(dir.path(), None, &names).unwrap();
        assert_eq!(
            first.fingerprint, again.fingerprint,
            "a restart serves the same certificate"
        );
        assert_eq!(first.fingerprint.len(), 32 * 3 - 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let key = dir.path().join("tls/kiosk-key.pem");
            let mode = std::fs::metadata(key).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o077,
                0,
                "the key is the kiosk user's alone: {mode:o}"
            );
        }
    }

    /// The kept certificate, read with a real X.509 parser.
    fn kept(dir: &Path) -> (Vec<u8>, Vec<String>) {
        let pem = std::fs::read(dir.join("tls/kiosk-cert.pem")).unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(&pem).unwrap();
        let names = covered(&pem.parse_x509().unwrap());
        (pem.contents, names)
    }

    #[test]
    fn the_kiosks_certificate_is_one_an_ipad_takes_for_every_name_it_serves() {
        use x509_parser::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "192.168.1.10".to_owned(),
            "fd00::10".to_owned(),
            "Reception-Kiosk".to_owned(),
            "reception-kiosk.local".to_owned(),
        ];
        let served = identity(dir.path(), None, &names).unwrap();
        let (der, _) = kept(dir.path());
        let (_, cert) = X509Certificate::from_der(&der).unwrap();
        let san: Vec<String> = covered(&cert);
        for name in [
            "192.168.1.10",
            "fd00::10",
            "reception-kiosk",
            "reception-kiosk.local",
            "localhost",
            "127.0.0.1",
        ] {
            assert!(san.contains(&name.to_owned()), "{name} is named: {san:?}");
        }
        let validity = cert.validity();
        let days =
            (validity.not_after.to_datetime() - validity.not_before.to_datetime()).whole_days();
        assert!(
            days <= 825,
            "valid {days} days: Apple's platforms take at most 825"
        );
        assert!(
            validity.not_before.to_datetime() <= ::time::OffsetDateTime::now_utc(),
            "valid now"
        );
        let eku = cert
            .extended_key_usage()
            .unwrap()
            .expect("an extended key usage")
            .value;
        assert!(eku.server_auth, "for a server: {eku:?}");
        let constraints = cert.basic_constraints().unwrap().map(|b| b.value.ca);
        assert_ne!(constraints, Some(true), "not a certificate authority");
        assert!(
            served.config.ignore_client_order,
            "the server's order of cipher suites"
        );
    }

    #[test]
    fn a_new_address_or_a_certificate_near_its_end_makes_a_new_one_and_nothing_else_does() {
        let dir = tempfile::tempdir().unwrap();
        let first = identity(dir.path(), None, &["192.168.1.10".to_owned()]).unwrap();
        // The machine got another address (a new network, another DHCP lease).
        let moved = identity(dir.path(), None, &["10.0.0.7".to_owned()]).unwrap();
        assert_ne!(first.fingerprint, moved.fingerprint);
        assert_eq!(
            first.key_pin, moved.key_pin,
            "a new certificate keeps the key paired kiosks pin"
        );
        assert!(kept(dir.path()).1.contains(&"10.0.0.7".to_owned()));
        let same = identity(dir.path(), None, &["10.0.0.7".to_owned()]).unwrap();
        assert_eq!(moved.fingerprint, same.fingerprint, "nothing changed: kept");

        // A certificate that ends within the renewal window, made as the kiosk makes its own.
        let tls = dir.path().join("tls");
        let soon = time::OffsetDateTime::now_utc()
            - time::Duration::days(VALID_FOR_DAYS - RENEW_BEFORE_DAYS + 1);
        make_self_signed(
            &tls,
            &tls.join("kiosk-cert.pem"),
            &tls.join("kiosk-key.pem"),
            &["10.0.0.7".to_owned()],
            soon,
        )
        .unwrap();
        let near_end = std::fs::read(tls.join("kiosk-cert.pem")).unwrap();
        assert!(
            needs_new(
                &near_end,
                &["10.0.0.7".to_owned()],
                time::OffsetDateTime::now_utc()
            )
            .is_some()
        );
        let renewed = identity(dir.path(), None, &["10.0.0.7".to_owned()]).unwrap();
        assert_eq!(renewed.key_pin, first.key_pin, "renewed, the same key");
        assert_ne!(
            renewed.fingerprint,
            fingerprint(
                &x509_parser::pem::parse_x509_pem(&near_end)
                    .unwrap()
                    .1
                    .contents
            )
        );
        assert!(
            needs_new(
                &std::fs::read(tls.join("kiosk-cert.pem")).unwrap(),
                &["10.0.0.7".to_owned()],
                time::OffsetDateTime::now_utc()
            )
            .is_none(),
            "the new one has years to go"
        );
    }

    #[test]
    fn the_machines_names_leave_out_loopback_and_link_local_addresses() {
        let names = machine_names();
        assert!(
            names
                .iter()
                .all(|n| n != "127.0.0.1" && n != "::1" && !n.starts_with("fe80")),
            "{names:?}"
        );
    }

    #[test]
    fn a_certificate_it_gives_is_served_instead_and_none_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let made =
            rcgen::generate_simple_self_signed(vec!["kiosk.lobby.example".to_owned()]).unwrap();
        let cert = dir.path().join("it-cert.pem");
        let key = dir.path().join("it-key.pem");
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        let served = identity(dir.path(), Some((&cert, &key)), &[]).unwrap();
        assert_eq!(served.fingerprint, fingerprint(made.cert.der()));
        assert!(
            !dir.path().join("tls").exists(),
            "no certificate of its own is made"
        );
    }

    #[test]
    fn a_certificate_that_is_not_pem_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("c.pem");
        let key = dir.path().join("k.pem");
        std::fs::write(&cert, "hello").unwrap();
        std::fs::write(&key, "hello").unwrap();
        let err = identity(dir.path(), Some((&cert, &key)), &[]).unwrap_err();
        assert!(format!("{err:#}").contains("c.pem"), "{err:#}");
    }
}
