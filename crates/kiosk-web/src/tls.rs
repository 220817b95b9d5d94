//! HTTPS for LAN addresses: the certificate IT gives, or a self-signed one made on first start
//! and kept in the data directory (so a tablet that trusted it once keeps trusting it), and a
//! listener that makes TLS handshakes beside each other, never one slow client holding the rest.

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
use tracing::debug;

/// The certificate the kiosk serves and its fingerprint, for staff and IT to compare with what
/// a tablet's browser shows.
#[derive(Debug, Clone)]
pub struct TlsIdentity {
    pub config: Arc<ServerConfig>,
    /// SHA-256 of the certificate, as colon-separated hex pairs (how browsers show it).
    pub fingerprint: String,
    pub cert_path: PathBuf,
}

/// The SHA-256 fingerprint of a certificate, "AB:CD:...".
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The certificate and key IT gave, or the kiosk's own (made now if there is none yet, for
/// `names`: the addresses and host names it serves).
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
        if !cert.is_file() || !key.is_file() {
            make_self_signed(&dir, &cert, &key, names)?;
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
    Ok(TlsIdentity {
        config: Arc::new(config),
        fingerprint,
        cert_path,
    })
}

fn make_self_signed(dir: &Path, cert: &Path, key: &Path, names: &[String]) -> anyhow::Result<()> {
    let mut names: Vec<String> = names.to_vec();
    names.push("localhost".to_owned());
    names.sort();
    names.dedup();
    let made = rcgen::generate_simple_self_signed(names).context("making a certificate")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_private(key, made.signing_key.serialize_pem().as_bytes())?;
    std::fs::write(cert, made.cert.pem())
        .with_context(|| format!("cannot write {}", cert.display()))?;
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
        let first = identity(dir.path(), None, &["192.168.1.10".to_owned()]).unwrap();
        let again = identity(dir.path(), None, &["10.0.0.1".to_owned()]).unwrap();
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
