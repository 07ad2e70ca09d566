//! One poll of one instance: a GET for its JSON report, bounded in time and size.

use std::io::ErrorKind;
use std::time::Duration;

use rustls::CertificateError;
use ureq::Agent;
use ureq::http::StatusCode;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::answer::{self, Answer};
use crate::args::Token;

/// The most of an answer the gate reads: a report of a few thousand tests fits many times over,
/// and an endpoint that sends more (a misrouted download, an endless stream) costs no more.
pub(crate) const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// The HTTP client, shared by the threads that poll.
pub(crate) struct Client {
    agent: Agent,
    token: Option<Token>,
    /// Whether `--ca-cert` replaced the system's certificate store, for the words of an
    /// untrusted certificate's error.
    own_roots: bool,
}

impl Client {
    /// A client sending `token`, trusting `ca_certs` when there are any, else the system's
    /// certificate store.
    pub(crate) fn new(token: Option<Token>, ca_certs: Vec<Certificate<'static>>) -> Self {
        // The system's certificate store, as curl trusts: where a company CA is installed. With
        // `--ca-cert`, as with curl's `--cacert`, the files given instead: ureq trusts either
        // the platform's verifier or a set of roots, and a fleet behind a private CA is then
        // trusted only through it.
        let own_roots = !ca_certs.is_empty();
        let roots = if ca_certs.is_empty() {
            RootCerts::PlatformVerifier
        } else {
            RootCerts::from(ca_certs)
        };
        let agent = Agent::config_builder()
            // A redirect would send the token elsewhere and hide which instance answered.
            .max_redirects(0)
            // 4xx and 5xx are answers: a FAIL comes with a 500 or 503.
            .http_status_as_error(false)
            .user_agent(concat!("smoketest-gate/", env!("CARGO_PKG_VERSION")))
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .build()
            .new_agent();
        Client {
            agent,
            token,
            own_roots,
        }
    }

    /// Asks `url` for its report, taking at most `timeout` for the whole exchange, which is
    /// `until_deadline` when the deadline cut it short.
    pub(crate) fn poll(&self, url: &str, timeout: Duration, until_deadline: bool) -> Answer {
        let limit = Limit {
            timeout,
            until_deadline,
            tls: url
                .get(..8)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://")),
            own_roots: self.own_roots,
        };
        let mut request = self.agent.get(url).header("Accept", "application/json");
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {}", token.value));
        }
        let response = request
            .config()
            .timeout_global(Some(timeout))
            .build()
            .call();
        let mut response = match response {
            Ok(response) => response,
            Err(error) => return Answer::NoReport(describe(&error, limit)),
        };
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get("location")
                .map(|value| answer::quoted_start(value.as_bytes()))
                .unwrap_or_else(|| "nowhere".to_owned());
            return Answer::NoReport(format!(
                "{}: a redirect to {location}, not followed; give the URL it names",
                code(status)
            ));
        }
        if status == StatusCode::UNAUTHORIZED {
            return Answer::NoReport(match &self.token {
                Some(token) => format!(
                    "{}: the token in ${} was refused",
                    code(status),
                    token.variable
                ),
                None => format!(
                    "{}: the endpoint wants a token; export it in ${} (or name the variable \
                     with --token-env)",
                    code(status),
                    crate::args::DEFAULT_TOKEN_ENV
                ),
            });
        }
        if status == StatusCode::FORBIDDEN {
            return Answer::NoReport(format!(
                "{}: the endpoint does not let this caller in (by address or policy)",
                code(status)
            ));
        }
        let body = match response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
        {
            Ok(body) => body,
            Err(error) => {
                return Answer::NoReport(format!("{}, {}", code(status), describe(&error, limit)));
            }
        };
        match answer::parse(&body) {
            Ok(report) => Answer::Report(report),
            Err(reason) => Answer::NoReport(format!("{}, {reason}", code(status))),
        }
    }
}

/// `HTTP 503 Service Unavailable`.
fn code(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {reason}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}

/// What a request was allowed, for the words of its error.
#[derive(Clone, Copy)]
struct Limit {
    timeout: Duration,
    until_deadline: bool,
    tls: bool,
    own_roots: bool,
}

/// Why a request got no answer, in the words an operator searches for.
fn describe(error: &ureq::Error, limit: Limit) -> String {
    match error {
        ureq::Error::Timeout(_) if limit.until_deadline => {
            "no answer before the deadline".to_owned()
        }
        ureq::Error::Timeout(_) => format!(
            "no answer within {}",
            humantime::format_duration(limit.timeout)
        ),
        ureq::Error::BodyExceedsLimit(_) => format!(
            "the answer is larger than {} KiB, more than a smoketest report; is this the \
             endpoint's URL?",
            MAX_BODY_BYTES / 1024
        ),
        ureq::Error::Io(io) if io.kind() == ErrorKind::ConnectionRefused => {
            "connection refused".to_owned()
        }
        // rustls reports a failed handshake as invalid data on the connection.
        ureq::Error::Io(io) if limit.tls && io.kind() == ErrorKind::InvalidData => {
            let unknown_issuer = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .is_some_and(|tls| {
                    *tls == rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
                });
            match (unknown_issuer, limit.own_roots) {
                (true, false) => format!(
                    "TLS handshake failed: {io}; if a private CA signed the certificate, give its \
                     certificate with --ca-cert FILE"
                ),
                (true, true) => format!(
                    "TLS handshake failed: {io}; no --ca-cert file holds the CA that signed the \
                     certificate"
                ),
                (false, _) => format!("TLS handshake failed: {io}"),
            }
        }
        ureq::Error::Io(io) => format!("connection failed: {io}"),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Rustls(tls) => format!("TLS: {tls}"),
        ureq::Error::Tls(tls) => format!("TLS: {tls}"),
        other => other.to_string(),
    }
}
