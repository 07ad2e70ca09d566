//! A private CA made with rcgen, and real smoketest endpoints served over TLS (tokio-rustls
//! under axum) with certificates it signs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use smoketest_http::SmokeEndpoint;
use time::OffsetDateTime;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::{listener, runtime, scratch};

/// A certificate authority, as a company runs for its internal services.
pub struct Ca {
    certificate: rcgen::Certificate,
    key: KeyPair,
}

impl Ca {
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().unwrap();
        let certificate = params.self_signed(&key).unwrap();
        Ca { certificate, key }
    }

    /// Writes the CA's certificate as PEM to a fresh scratch file; its path.
    pub fn pem_file(&self, name: &str) -> PathBuf {
        let path = scratch(name);
        std::fs::write(&path, self.certificate.pem()).unwrap();
        path
    }
}

/// What a [`smoke_tls`] server saw of the handshakes tried with it.
#[derive(Default)]
pub struct Handshakes {
    /// Handshakes completed.
    pub completed: Mutex<usize>,
    /// Why the others failed, as tokio-rustls says.
    pub failed: Mutex<Vec<String>>,
}

/// A server certificate for `127.0.0.1` (an IP SAN) and `localhost`, signed by `ca`, valid
/// until `not_after`.
fn leaf(ca: &Ca, not_after: OffsetDateTime) -> (rcgen::Certificate, KeyPair) {
    let mut params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    params.not_before = OffsetDateTime::now_utc() - time::Duration::days(400);
    params.not_after = not_after;
    params
        .distinguished_name
        .push(DnType::CommonName, "smoke.internal");
    let key = KeyPair::generate().unwrap();
    let certificate = params.signed_by(&key, &ca.certificate, &ca.key).unwrap();
    (certificate, key)
}

/// The TLS connections of a listener, each handshake given up to 5 s so that a client that
/// stalls cannot stop the next from being accepted for long.
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    handshakes: Arc<Handshakes>,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, peer)) = self.tcp.accept().await else {
                continue;
            };
            let handshake = self.acceptor.accept(stream);
            match tokio::time::timeout(Duration::from_secs(5), handshake).await {
                Ok(Ok(tls)) => {
                    *self.handshakes.completed.lock().unwrap() += 1;
                    return (tls, peer);
                }
                Ok(Err(error)) => self
                    .handshakes
                    .failed
                    .lock()
                    .unwrap()
                    .push(error.to_string()),
                Err(_) => self
                    .handshakes
                    .failed
                    .lock()
                    .unwrap()
                    .push("no handshake within 5s".to_owned()),
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A smoketest endpoint over `endpoint`, mounted at `/smoketest` and served over HTTPS with a
/// certificate `ca` signed, valid until `not_after`. Returns the endpoint's URL,
/// `https://127.0.0.1:PORT/smoketest/`, and what the server sees of handshakes.
pub fn smoke_tls(
    endpoint: impl Into<SmokeEndpoint>,
    ca: &Ca,
    not_after: OffsetDateTime,
) -> (String, Arc<Handshakes>) {
    let (certificate, key) = leaf(ca, not_after);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![certificate.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let router = Router::new().nest_service("/smoketest", smoketest_http::axum::service(endpoint));
    let (listener, address) = listener();
    let handshakes = Arc::new(Handshakes::default());
    let seen = Arc::clone(&handshakes);
    runtime().spawn(async move {
        let listener = TlsListener {
            tcp: TcpListener::from_std(listener).unwrap(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
            handshakes: seen,
        };
        axum::serve(listener, router).await.unwrap();
    });
    (format!("https://{address}/smoketest/"), handshakes)
}

/// `now + days`, to the second.
pub fn in_days(days: i64) -> OffsetDateTime {
    (OffsetDateTime::now_utc() + time::Duration::days(days))
        .replace_nanosecond(0)
        .unwrap()
}
