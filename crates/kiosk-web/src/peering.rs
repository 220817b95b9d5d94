//! This kiosk's line to the other kiosks it pairs with (issue 29, point 4): HTTPS to their
//! faces, pinned (to the certificate a kiosk announced, when pairing; to the key it was
//! paired with, after), so a machine that announces itself in a paired kiosk's place learns
//! no token and tells no health. What is exchanged and kept is the core's
//! ([`kiosk::services::PeerLine`]); the other side of each request is `http/peer.rs`. A task
//! reads every paired kiosk's health every half minute (`kiosk serve`'s default), and at once
//! when one is paired.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use kiosk::domain::peers::{
    OwnIdentity, PeerHealth, PeerLink, PeerOffer, PeerProblem, PeerWelcome,
};
use kiosk::services::PeerLine;
use kiosk::{ErrorCode, Event, Kiosk, KioskError};
use tokio_rustls::rustls;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::CryptoProvider;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{DigitallySignedStruct, SignatureScheme};
use tokio_util::sync::CancellationToken;
use tracing::warn;

/// A kiosk that has not answered within this long is unreachable.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);
/// The largest answer read from another kiosk (a health or a welcome is a few hundred bytes).
const ANSWER_LIMIT: usize = 16 * 1024;

/// What a certificate must be to be believed.
#[derive(Debug, Clone)]
enum Pin {
    /// Its SHA-256, as the kiosk announced it ("AB:CD:...").
    Certificate(String),
    /// The SHA-256 of its public key, as it was when paired ([`crate::tls::key_pin`]).
    Key(String),
}

/// Believes exactly one certificate or key, whoever signed it (the kiosks' certificates are
/// their own), and checks the handshake's signatures with it as TLS does. It notes the key
/// it saw, and whether it refused, so the caller can tell "another key" from "no answer".
#[derive(Debug)]
struct Pinned {
    pin: Pin,
    provider: Arc<CryptoProvider>,
    seen: Mutex<Option<String>>,
    refused: AtomicBool,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let key = crate::tls::key_pin(end_entity);
        let right = match &self.pin {
            Pin::Certificate(fp) => crate::tls::fingerprint(end_entity).eq_ignore_ascii_case(fp),
            Pin::Key(pin) => key.as_deref() == Some(pin.as_str()),
        };
        *self.seen.lock().unwrap() = key;
        if right {
            Ok(ServerCertVerified::assertion())
        } else {
            self.refused.store(true, Ordering::SeqCst);
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// An HTTP client that believes only `pin`, and its verifier (to read what it saw).
fn pinned_client(pin: Pin) -> Result<(reqwest::Client, Arc<Pinned>), KioskError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(Pinned {
        pin,
        provider: Arc::clone(&provider),
        seen: Mutex::new(None),
        refused: AtomicBool::new(false),
    });
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| KioskError::PeerUnreachable(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::clone(&verifier) as Arc<dyn ServerCertVerifier>)
        .with_no_client_auth();
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .timeout(ANSWER_WITHIN)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|e| KioskError::PeerUnreachable(e.to_string()))?;
    Ok((client, verifier))
}

/// A refusal as another kiosk words it (`{code, message, seconds?}`).
#[derive(Debug, serde::Deserialize)]
struct Refusal {
    code: ErrorCode,
    #[serde(default)]
    seconds: Option<i64>,
}

/// An answer's body, at most [`ANSWER_LIMIT`] bytes.
async fn body(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if bytes.len() + chunk.len() > ANSWER_LIMIT {
            return Err(format!("an answer over {ANSWER_LIMIT} bytes"));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The browser face's [`PeerLine`]: who this kiosk is, and HTTPS to the others.
#[derive(Debug, Clone)]
pub struct Line {
    me: OwnIdentity,
}

impl Line {
    pub fn new(me: OwnIdentity) -> Self {
        Self { me }
    }

    /// This kiosk's name on the network.
    pub fn name(&self) -> &str {
        &self.me.name
    }

    async fn send_offer(
        &self,
        address: &str,
        fingerprint: &str,
        offer: &PeerOffer,
    ) -> Result<(PeerWelcome, String), KioskError> {
        let (client, verifier) = pinned_client(Pin::Certificate(fingerprint.to_owned()))?;
        let sent = client
            .post(format!("{address}/peer/pair"))
            .json(offer)
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(_) if verifier.refused.load(Ordering::SeqCst) => {
                return Err(KioskError::PeerWrongKey);
            }
            Err(e) => return Err(KioskError::PeerUnreachable(e.without_url().to_string())),
        };
        let status = response.status();
        let bytes = body(response).await.map_err(KioskError::PeerUnreachable)?;
        if !status.is_success() {
            return Err(match serde_json::from_slice::<Refusal>(&bytes) {
                Ok(Refusal {
                    code: ErrorCode::WrongCode,
                    ..
                }) => KioskError::WrongCode,
                Ok(Refusal {
                    code: ErrorCode::LockedOut,
                    seconds,
                }) => KioskError::LockedOut {
                    seconds: seconds.unwrap_or(60),
                },
                _ => KioskError::PeerBadAnswer(format!("it answered {status}")),
            });
        }
        let welcome: PeerWelcome =
            serde_json::from_slice(&bytes).map_err(|e| KioskError::PeerBadAnswer(e.to_string()))?;
        let key = verifier
            .seen
            .lock()
            .unwrap()
            .clone()
            .ok_or(KioskError::PeerWrongKey)?;
        Ok((welcome, key))
    }

    async fn read_health(link: &PeerLink) -> Result<PeerHealth, PeerProblem> {
        let (client, verifier) =
            pinned_client(Pin::Key(link.key_pin.clone())).map_err(|_| PeerProblem::Unreachable)?;
        let response = client
            .get(format!("{}/peer/health", link.address))
            .bearer_auth(&link.token)
            .send()
            .await
            .map_err(|_| {
                if verifier.refused.load(Ordering::SeqCst) {
                    PeerProblem::WrongKey
                } else {
                    PeerProblem::Unreachable
                }
            })?;
        let status = response.status();
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(PeerProblem::Unpaired);
        }
        let bytes = body(response).await.map_err(|_| PeerProblem::Unreachable)?;
        if !status.is_success() {
            return Err(PeerProblem::BadAnswer);
        }
        serde_json::from_slice(&bytes).map_err(|_| PeerProblem::BadAnswer)
    }
}

impl PeerLine for Line {
    fn me(&self) -> OwnIdentity {
        self.me.clone()
    }

    fn offer<'a>(
        &'a self,
        address: &'a str,
        fingerprint: &'a str,
        offer: &'a PeerOffer,
    ) -> BoxFuture<'a, Result<(PeerWelcome, String), KioskError>> {
        Box::pin(self.send_offer(address, fingerprint, offer))
    }

    fn health<'a>(&'a self, link: &'a PeerLink) -> BoxFuture<'a, Result<PeerHealth, PeerProblem>> {
        Box::pin(Self::read_health(link))
    }
}

/// Reads every paired kiosk's health `every` so often, and at once when the kiosks paired
/// change, until `stop`.
pub fn watch(kiosk: Kiosk, line: Arc<Line>, every: Duration, stop: CancellationToken) {
    tokio::spawn(async move {
        let mut events = kiosk.subscribe();
        let paired = |k: &Kiosk| k.desk().paired_names().unwrap_or_default();
        let mut known = paired(&kiosk);
        loop {
            if let Err(e) = kiosk.desk().read_paired_kiosks(&*line).await {
                warn!(error = %e, "the paired kiosks' health could not be kept");
            }
            let wait = tokio::time::sleep(every);
            tokio::pin!(wait);
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = &mut wait => break,
                    event = events.recv() => match event {
                        Ok(Event::PeersChanged) => {
                            let now = paired(&kiosk);
                            if now != known {
                                known = now;
                                break;
                            }
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                        _ => {}
                    },
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use axum::routing::{get, post};

    use super::*;
    use crate::tls::{TlsListener, identity};

    /// A kiosk's face over HTTPS on loopback that refuses every code, and its certificate.
    async fn refusing_kiosk() -> (String, crate::tls::TlsIdentity, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let id = identity(dir.path(), None, &["127.0.0.1".to_owned()]).unwrap();
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("https://{}", tcp.local_addr().unwrap());
        let app = axum::Router::new()
            .route(
                "/peer/pair",
                post(|| async {
                    (
                        axum::http::StatusCode::FORBIDDEN,
                        axum::Json(serde_json::json!({"code": "wrong_code", "message": "no"})),
                    )
                }),
            )
            .route(
                "/peer/health",
                get(|| async { axum::http::StatusCode::UNAUTHORIZED }),
            );
        let tls = TlsListener::new(tcp, Arc::clone(&id.config)).unwrap();
        tokio::spawn(async move { axum::serve(tls, app).await.unwrap() });
        (address, id, dir)
    }

    fn offer() -> PeerOffer {
        PeerOffer {
            code: "123456".into(),
            name: "front".into(),
            port: 8443,
            key_pin: "a".repeat(64),
            fingerprint: None,
            location_id: None,
            version: "0.1.0".into(),
            token: "b".repeat(64),
        }
    }

    fn line() -> Line {
        Line::new(OwnIdentity {
            name: "front".into(),
            port: 8443,
            key_pin: "a".repeat(64),
            fingerprint: None,
        })
    }

    #[tokio::test]
    async fn an_offer_goes_only_to_the_certificate_the_kiosk_announced() {
        let (address, id, _dir) = refusing_kiosk().await;
        let wrong = line()
            .send_offer(&address, &"AB:".repeat(31), &offer())
            .await;
        assert!(
            matches!(wrong, Err(KioskError::PeerWrongKey)),
            "another certificate: nothing sent, {wrong:?}"
        );
        let right = line().send_offer(&address, &id.fingerprint, &offer()).await;
        assert!(
            matches!(right, Err(KioskError::WrongCode)),
            "the announced one: its answer read, {right:?}"
        );
    }

    #[tokio::test]
    async fn health_is_read_only_from_the_key_paired_with_and_a_kiosk_that_forgot_says_unpaired() {
        let (address, id, _dir) = refusing_kiosk().await;
        let link = |key_pin: &str| PeerLink {
            name: "lobby".into(),
            address: address.clone(),
            key_pin: key_pin.to_owned(),
            token: "c".repeat(64),
        };
        assert_eq!(
            Line::read_health(&link(&"e".repeat(64))).await,
            Err(PeerProblem::WrongKey)
        );
        assert_eq!(
            Line::read_health(&link(&id.key_pin)).await,
            Err(PeerProblem::Unpaired)
        );
        let nobody = PeerLink {
            address: "https://127.0.0.1:9".into(),
            ..link(&id.key_pin)
        };
        assert_eq!(
            Line::read_health(&nobody).await,
            Err(PeerProblem::Unreachable)
        );
    }
}
