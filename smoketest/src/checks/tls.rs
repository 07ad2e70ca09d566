//! [`tls_certificate`]: the certificate a server presents is trusted and valid for at least N
//! more days.

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::{DEFAULT_GIVE_UP_AFTER, RESOLVER_SLACK, cannot_run, check_options, erroring, millis};
use crate::check::Check;
use crate::outcome::Failure;
use crate::registry::Body;

/// Days a certificate must have left unless told otherwise: two weeks to renew it.
const DEFAULT_DAYS: u32 = 14;

/// Checks the certificate `address` (`host:port`) presents in a TLS handshake: it must chain to
/// a trusted root (the system's, and those added with
/// [`add_root_certificate_pem`](TlsCertificate::add_root_certificate_pem)), be valid for the
/// host name, and stay valid for at least 14 more days
/// ([`valid_for_days`](TlsCertificate::valid_for_days)).
///
/// Failures read `certificate of payments:443 expires 2026-12-20T00:00:00Z, in 19 days;
/// expected at least 30`, `certificate of payments:443 expired 2026-11-20T00:00:00Z, 11 days
/// ago; expected at least 30 days left`, or `certificate of payments:443 is not trusted:
/// invalid peer certificate: UnknownIssuer`. The chain is always verified: a certificate that
/// expires in a year is no use if clients reject it today. The handshake gives up after 5
/// seconds ([`give_up_after`](TlsCertificate::give_up_after)); it runs on a worker thread.
///
/// ```no_run
/// use smoketest::{checks, Runner};
///
/// let runner = Runner::new().check(
///     "tls::payments",
///     checks::tls_certificate("payments.example.com:443").valid_for_days(30),
/// );
/// ```
pub fn tls_certificate(address: impl Into<String>) -> TlsCertificate {
    TlsCertificate {
        address: address.into(),
        server_name: None,
        days: DEFAULT_DAYS,
        roots: Vec::new(),
        give_up_after: DEFAULT_GIVE_UP_AFTER,
    }
}

/// The check [`tls_certificate`] makes; its options, then [`Check`]'s.
#[derive(Clone, Debug)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct TlsCertificate {
    address: String,
    server_name: Option<String>,
    days: u32,
    roots: Vec<Vec<u8>>,
    give_up_after: Duration,
}

impl TlsCertificate {
    /// The days the certificate must stay valid for (default 14).
    pub fn valid_for_days(mut self, days: u32) -> Self {
        self.days = days;
        self
    }

    /// The name to ask for (SNI) and verify, when it is not the host of the address (e.g. an
    /// address by IP behind which a named service answers).
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// Trusts the root certificates in this PEM too, e.g. an internal CA.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.roots.push(pem.into());
        self
    }

    /// When the check stops waiting for the connection and handshake (default 5 s).
    pub fn give_up_after(mut self, limit: Duration) -> Self {
        self.give_up_after = limit;
        self
    }

    fn into_check_now(self) -> Check {
        let target = match self.target() {
            Ok(target) => Arc::new(target),
            Err(message) => return erroring(cannot_run(message)),
        };
        let limit = target.give_up_after + RESOLVER_SLACK;
        // Resolving the host cannot be given a deadline; a resolver that hangs is cut by the
        // test's own limit, a little after the check's.
        Check::from_body(Body::CheckSync(Arc::new(move || target.check()))).timeout(limit)
    }

    fn target(&self) -> Result<Target, String> {
        let address = &self.address;
        let host = match address.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => host,
            _ => {
                return Err(format!(
                    "{address:?} is not host:port; write e.g. \"payments.example.com:443\""
                ));
            }
        };
        let name = self
            .server_name
            .as_deref()
            .unwrap_or_else(|| host.trim_start_matches('[').trim_end_matches(']'));
        let server_name = ServerName::try_from(name.to_owned())
            .map_err(|_| format!("{name:?} is not a host name or IP address to verify"))?;
        let mut roots = RootCertStore::empty();
        // The system's store, as the service's other clients see it; what cannot be read from it
        // is left out, as rustls-native-certs' own users do.
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        for pem in &self.roots {
            let mut added = 0;
            for certificate in CertificateDer::pem_slice_iter(pem) {
                let certificate = certificate
                    .map_err(|error| format!("a root certificate is not PEM: {error}"))?;
                roots
                    .add(certificate)
                    .map_err(|error| format!("a root certificate cannot be used: {error}"))?;
                added += 1;
            }
            if added == 0 {
                return Err("a root certificate PEM holds no CERTIFICATE block".to_owned());
            }
        }
        Ok(Target {
            address: address.clone(),
            server_name,
            days: self.days,
            roots: Arc::new(roots),
            give_up_after: self.give_up_after,
        })
    }
}

check_options!(TlsCertificate);

/// What a run connects to, prepared once.
struct Target {
    address: String,
    server_name: ServerName<'static>,
    days: u32,
    roots: Arc<RootCertStore>,
    give_up_after: Duration,
}

impl Target {
    fn check(&self) -> Result<(), Failure> {
        let address = &self.address;
        let seen = Arc::new(Mutex::new(None));
        let handshake = self.handshake(&seen);
        let certificate = seen.lock().unwrap_or_else(PoisonError::into_inner).take();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs() as i64);
        let not_after = certificate.as_deref().map(not_after).transpose();
        let not_after = not_after.map_err(|error| {
            Failure::failed(format!("certificate of {address} cannot be read: {error}"))
        })?;
        // An expired certificate is also untrusted; its date says more than rustls' error.
        if let Some(not_after) = not_after
            && not_after < now
        {
            return Err(Failure::failed(format!(
                "certificate of {address} expired {}, {} ago; expected at least {} days left",
                rfc3339(not_after),
                days((now - not_after) / 86_400),
                self.days
            )));
        }
        match handshake {
            Ok(()) => {}
            Err(Handshake::Refused(message)) => return Err(Failure::failed(message)),
            Err(Handshake::Rejected(error)) => {
                return Err(Failure::failed(format!(
                    "certificate of {address} is not trusted: {error}; expected a chain to a \
                     trusted root, valid for {}",
                    self.server_name.to_str()
                )));
            }
        }
        let Some(not_after) = not_after else {
            return Err(Failure::failed(format!(
                "expected a certificate from {address}; the server sent none"
            )));
        };
        let left = (not_after - now) / 86_400;
        if left < i64::from(self.days) {
            return Err(Failure::failed(format!(
                "certificate of {address} expires {}, in {}; expected at least {}",
                rfc3339(not_after),
                days(left),
                self.days
            )));
        }
        Ok(())
    }

    /// Connects and completes a handshake, keeping the server's certificate in `seen` whether
    /// or not it is trusted.
    fn handshake(&self, seen: &Arc<Mutex<Option<Vec<u8>>>>) -> Result<(), Handshake> {
        let address = &self.address;
        let started = Instant::now();
        let limit = self.give_up_after;
        let refused = |what: String| {
            Handshake::Refused(format!(
                "expected a TLS handshake with {address} within {}; {what}",
                millis(limit)
            ))
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = WebPkiServerVerifier::builder_with_provider(
            Arc::clone(&self.roots),
            Arc::clone(&provider),
        )
        .build()
        .map_err(|error| refused(format!("no verifier: {error}")))?;
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| refused(format!("no TLS configuration: {error}")))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Keeping {
                inner: verifier,
                seen: Arc::clone(seen),
            }))
            .with_no_client_auth();
        let mut connection = ClientConnection::new(Arc::new(config), self.server_name.clone())
            .map_err(|error| refused(format!("no TLS connection: {error}")))?;
        let mut socket = connect(address, started, limit).map_err(refused)?;
        while connection.is_handshaking() {
            let left = limit.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(refused(
                    "the handshake did not complete in that time".to_owned(),
                ));
            }
            let set = socket
                .set_read_timeout(Some(left))
                .and_then(|()| socket.set_write_timeout(Some(left)));
            set.map_err(|error| refused(error.to_string()))?;
            while connection.wants_write() {
                connection
                    .write_tls(&mut socket)
                    .map_err(|error| refused(io_error(&error)))?;
            }
            if connection.is_handshaking() && connection.wants_read() {
                match connection.read_tls(&mut socket) {
                    Ok(0) => {
                        return Err(refused(
                            "the server closed the connection during the handshake".to_owned(),
                        ));
                    }
                    Ok(_) => {}
                    Err(error) => return Err(refused(io_error(&error))),
                }
                if let Err(error) = connection.process_new_packets() {
                    // Tell the server why, as a client does; it may be gone already.
                    let _ = connection.write_tls(&mut socket);
                    return Err(match error {
                        rustls::Error::InvalidCertificate(_) => Handshake::Rejected(error),
                        other => refused(format!("the handshake failed: {other}")),
                    });
                }
            }
        }
        connection.send_close_notify();
        let _ = connection.write_tls(&mut socket);
        let _ = socket.flush();
        Ok(())
    }
}

/// How a handshake ended short.
enum Handshake {
    /// No connection, no answer, or a TLS error other than the certificate: the message.
    Refused(String),
    /// The certificate was not accepted.
    Rejected(rustls::Error),
}

/// A TCP connection to `address` within what is left of `limit`, trying each of its addresses.
fn connect(address: &str, started: Instant, limit: Duration) -> Result<TcpStream, String> {
    let addresses: Vec<SocketAddr> = address
        .to_socket_addrs()
        .map_err(|error| format!("its host did not resolve: {error}"))?
        .collect();
    let mut seen = Vec::new();
    for socket_address in &addresses {
        let left = limit.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(socket_address, left) {
            Ok(socket) => return Ok(socket),
            Err(error) => seen.push(format!("{socket_address}: {}", io_error(&error))),
        }
    }
    if seen.is_empty() {
        seen.push("no address to connect to".to_owned());
    }
    Err(seen.join("; "))
}

fn io_error(error: &std::io::Error) -> String {
    match error.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => "no answer in time".to_owned(),
        _ => error.to_string(),
    }
}

/// The verifier that decides, keeping the certificate it was shown.
#[derive(Debug)]
struct Keeping {
    inner: Arc<WebPkiServerVerifier>,
    seen: Arc<Mutex<Option<Vec<u8>>>>,
}

impl ServerCertVerifier for Keeping {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = Some(end_entity.to_vec());
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The certificate's notAfter, in seconds since the Unix epoch.
fn not_after(der: &[u8]) -> Result<i64, String> {
    let (_, certificate) =
        x509_parser::parse_x509_certificate(der).map_err(|error| error.to_string())?;
    Ok(certificate.validity().not_after.timestamp())
}

/// `1 day`, `19 days`.
fn days(days: i64) -> String {
    match days {
        1 => "1 day".to_owned(),
        _ => format!("{days} days"),
    }
}

/// `seconds` since the Unix epoch as an RFC 3339 UTC time, `2026-12-20T00:00:00Z`: the days to
/// a civil date by Howard Hinnant's `civil_from_days`.
fn rfc3339(seconds: i64) -> String {
    let (days, time) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3600,
        time % 3600 / 60,
        time % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_156_799), "2026-12-24T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(days(1), "1 day");
        assert_eq!(days(19), "19 days");
    }
}
