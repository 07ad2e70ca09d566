//! `checks::tls_certificate` against TLS servers on 127.0.0.1 (tokio-rustls) presenting
//! certificates made here with rcgen: valid for 10 days, for 400 days, expired; signed by a CA
//! the check is told to trust, or not; and against a port that never speaks TLS.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use smoketest::checks;
use time::OffsetDateTime;

use crate::common::{closed_port, errored, failed, passed, run_async};

struct Ca {
    certificate: rcgen::Certificate,
    key: KeyPair,
}

fn ca() -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "smoketest test CA");
    let key = KeyPair::generate().unwrap();
    let certificate = params.self_signed(&key).unwrap();
    Ca { certificate, key }
}

/// A server on 127.0.0.1 presenting a certificate for `127.0.0.1` signed by `ca`, valid until
/// `not_after`; its address. It completes every handshake, then closes.
async fn server(ca: &Ca, not_after: OffsetDateTime) -> String {
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    params.not_before = OffsetDateTime::now_utc() - time::Duration::days(400);
    params.not_after = not_after;
    let key = KeyPair::generate().unwrap();
    let leaf = params.signed_by(&key, &ca.certificate, &ca.key).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move { acceptor.accept(stream).await });
        }
    });
    address
}

/// `now + days + an hour`, to the second: an hour of slack keeps the day count exact while
/// the test runs.
fn in_days(days: i64) -> OffsetDateTime {
    (OffsetDateTime::now_utc() + time::Duration::days(days) + time::Duration::hours(1))
        .replace_nanosecond(0)
        .unwrap()
}

fn rfc3339(time: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn days_left_are_checked_on_a_trusted_certificate() {
    let ca = ca();
    let pem = ca.certificate.pem();
    let long = server(&ca, in_days(400)).await;
    let check = checks::tls_certificate(&long).add_root_certificate_pem(pem.clone());
    assert_eq!(run_async(check.valid_for_days(30)).await, passed());

    let not_after = in_days(10);
    let short = server(&ca, not_after).await;
    let check = checks::tls_certificate(&short).add_root_certificate_pem(pem.clone());
    assert_eq!(
        run_async(check.clone().valid_for_days(30)).await,
        failed(format!(
            "certificate of {short} expires {}, in 10 days; expected at least 30",
            rfc3339(not_after)
        ))
    );
    assert_eq!(run_async(check.valid_for_days(10)).await, passed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_certificate_fails_with_its_date() {
    let ca = ca();
    let not_after =
        (OffsetDateTime::now_utc() - time::Duration::days(5) - time::Duration::hours(1))
            .replace_nanosecond(0)
            .unwrap();
    let expired = server(&ca, not_after).await;
    let check = checks::tls_certificate(&expired)
        .add_root_certificate_pem(ca.certificate.pem())
        .valid_for_days(30);
    assert_eq!(
        run_async(check).await,
        failed(format!(
            "certificate of {expired} expired {}, 5 days ago; expected at least 30 days left",
            rfc3339(not_after)
        ))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_or_misnamed_certificate_fails_whatever_its_dates() {
    let ca = ca();
    let address = server(&ca, in_days(400)).await;
    assert_eq!(
        run_async(checks::tls_certificate(&address)).await,
        failed(format!(
            "certificate of {address} is not trusted: invalid peer certificate: UnknownIssuer; \
             expected a chain to a trusted root, valid for 127.0.0.1"
        ))
    );
    let misnamed = checks::tls_certificate(&address)
        .add_root_certificate_pem(ca.certificate.pem())
        .server_name("payments.example.com");
    let (outcome, message) = run_async(misnamed).await;
    assert_eq!(outcome, smoketest::Outcome::Failed);
    assert!(
        message.starts_with(&format!(
            "certificate of {address} is not trusted: invalid peer certificate: certificate not \
             valid for name \"payments.example.com\""
        )) && message
            .ends_with("expected a chain to a trusted root, valid for payments.example.com"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_that_never_speaks_tls_or_is_closed_fails_within_the_limit() {
    // Accepted by the kernel, never answered.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap().to_string();
    let started = Instant::now();
    let check = checks::tls_certificate(&address).give_up_after(Duration::from_millis(300));
    assert_eq!(
        run_async(check).await,
        failed(format!(
            "expected a TLS handshake with {address} within 300 ms; no answer in time"
        ))
    );
    assert!(started.elapsed() < Duration::from_secs(3));

    let closed = format!("127.0.0.1:{}", closed_port());
    assert_eq!(
        run_async(checks::tls_certificate(&closed)).await,
        failed(format!(
            "expected a TLS handshake with {closed} within 5000 ms; {closed}: Connection refused \
             (os error 111)"
        ))
    );
    assert_eq!(
        run_async(checks::tls_certificate("payments.example.com")).await,
        errored(
            "cannot run: \"payments.example.com\" is not host:port; write e.g. \
             \"payments.example.com:443\""
        )
    );
}
