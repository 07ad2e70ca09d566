//! [`http_get`]: an HTTP(S) GET answered with the expected status within a latency budget.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{DEFAULT_GIVE_UP_AFTER, chain, check_options, erroring, millis};
use crate::check::Check;
use crate::outcome::Failure;
use crate::registry::Body;

/// The most of a body read by default: enough for any health endpoint's answer.
const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// Checks that `GET url` answers with a 2xx status (or the ones given with
/// [`status`](HttpGet::status)), within the [`within`](HttpGet::within) budget if one is set.
///
/// - Redirects are not followed: a 301 is a 301 (see
///   [`follow_redirects`](HttpGet::follow_redirects)).
/// - At most 64 KiB of the body is read ([`max_body_bytes`](HttpGet::max_body_bytes)); the
///   connection is closed then, and never reused: each run measures a fresh connection.
/// - The check gives up after 5 seconds ([`give_up_after`](HttpGet::give_up_after)).
/// - HTTPS trusts the system's root certificates, and those added with
///   [`add_root_certificate_pem`](HttpGet::add_root_certificate_pem).
///
/// Failures read `GET https://payments/health answered 503 in 12 ms, expected 200` and
/// `GET https://payments/health took 812 ms, budget 300 ms`. Async: it runs on the tokio
/// runtime the run is driven on.
///
/// ```no_run
/// use std::time::Duration;
/// use smoketest::{checks, Runner};
///
/// let runner = Runner::new().check(
///     "payments::api",
///     checks::http_get("https://payments.internal/health")
///         .status(200)
///         .within(Duration::from_millis(300))
///         .body_contains("\"status\":\"ok\"")
///         .tags(["ready"]),
/// );
/// ```
pub fn http_get(url: impl Into<String>) -> HttpGet {
    HttpGet {
        url: url.into(),
        statuses: Vec::new(),
        budget: None,
        give_up_after: DEFAULT_GIVE_UP_AFTER,
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        redirects: 0,
        roots: Vec::new(),
        body_contains: None,
    }
}

/// The check [`http_get`] makes; its options, then [`Check`]'s.
#[derive(Clone, Debug)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct HttpGet {
    url: String,
    statuses: Vec<u16>,
    budget: Option<Duration>,
    give_up_after: Duration,
    max_body_bytes: usize,
    redirects: usize,
    roots: Vec<Vec<u8>>,
    body_contains: Option<String>,
}

impl HttpGet {
    /// A status the answer must have, instead of any 2xx; repeat to accept several.
    pub fn status(mut self, status: u16) -> Self {
        self.statuses.push(status);
        self
    }

    /// The latency budget: the answer (status, headers and the part of the body read) must
    /// arrive within it. The check still waits up to [`give_up_after`](HttpGet::give_up_after),
    /// to say how long it took.
    pub fn within(mut self, budget: Duration) -> Self {
        self.budget = Some(budget);
        self
    }

    /// When the check stops waiting (default 5 s): keep it under the runner's timeout.
    pub fn give_up_after(mut self, limit: Duration) -> Self {
        self.give_up_after = limit;
        self
    }

    /// The most of the body read (default 64 KiB); the rest is never received.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Follows up to `redirects` redirects (default 0: a redirect is the answer).
    pub fn follow_redirects(mut self, redirects: usize) -> Self {
        self.redirects = redirects;
        self
    }

    /// Trusts this root certificate (PEM) too, e.g. an internal CA.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.roots.push(pem.into());
        self
    }

    /// The body's first [`max_body_bytes`](HttpGet::max_body_bytes) must contain `text`.
    pub fn body_contains(mut self, text: impl Into<String>) -> Self {
        self.body_contains = Some(text.into());
        self
    }

    fn into_check_now(self) -> Check {
        let url = match reqwest::Url::parse(&self.url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => url,
            Ok(_) | Err(_) => {
                return erroring(super::cannot_run(format!(
                    "{:?} is not an http(s) URL; write e.g. \"https://payments.internal/health\"",
                    self.url
                )));
            }
        };
        let client = match self.client() {
            Ok(client) => client,
            Err(message) => return erroring(super::cannot_run(message)),
        };
        let get = Arc::new(Get {
            url,
            client,
            statuses: self.statuses,
            budget: self.budget,
            give_up_after: self.give_up_after,
            max_body_bytes: self.max_body_bytes,
            body_contains: self.body_contains,
        });
        Check::from_body(Body::CheckAsync(Arc::new(move || {
            let get = Arc::clone(&get);
            Box::pin(async move { get.run().await })
        })))
    }

    fn client(&self) -> Result<reqwest::Client, String> {
        let mut builder = reqwest::Client::builder()
            .redirect(match self.redirects {
                0 => reqwest::redirect::Policy::none(),
                n => reqwest::redirect::Policy::limited(n),
            })
            .timeout(self.give_up_after)
            // A fresh connection each run: an idle one may belong to the runtime of an earlier
            // run, and a probe should see what a new client sees.
            .pool_max_idle_per_host(0)
            .user_agent(concat!("smoketest/", env!("CARGO_PKG_VERSION")));
        for pem in &self.roots {
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|error| format!("a root certificate is not PEM: {}", chain(&error)))?;
            if certificates.is_empty() {
                return Err("a root certificate PEM holds no CERTIFICATE block".to_owned());
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        builder
            .build()
            .map_err(|error| format!("no HTTP client: {}", chain(&error)))
    }
}

check_options!(HttpGet);

/// One GET, as a run makes it.
struct Get {
    url: reqwest::Url,
    client: reqwest::Client,
    statuses: Vec<u16>,
    budget: Option<Duration>,
    give_up_after: Duration,
    max_body_bytes: usize,
    body_contains: Option<String>,
}

impl Get {
    async fn run(&self) -> Result<(), Failure> {
        let url = &self.url;
        let started = Instant::now();
        let mut response = self.client.get(url.clone()).send().await.map_err(|error| {
            Failure::failed(format!(
                "GET {url} {}",
                unanswered(&error, self.give_up_after)
            ))
        })?;
        let status = response.status();
        let location = status
            .is_redirection()
            .then(|| response.headers().get(reqwest::header::LOCATION))
            .flatten()
            .map(|location| String::from_utf8_lossy(location.as_bytes()).into_owned());
        let mut body = Vec::new();
        while body.len() < self.max_body_bytes {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(error) => {
                    return Err(Failure::failed(format!(
                        "GET {url} answered {} in {}, then its body {}",
                        status.as_u16(),
                        millis(started.elapsed()),
                        broke_off(&error, self.give_up_after)
                    )));
                }
            }
        }
        // The rest of a long body is never read: dropping the response closes the connection.
        drop(response);
        let took = started.elapsed();
        let over_budget = self.budget.filter(|budget| took > *budget);
        if !self.status_expected(status.as_u16()) {
            let mut message = format!(
                "GET {url} answered {} in {}, expected {}",
                status.as_u16(),
                millis(took),
                self.expected_statuses()
            );
            if let Some(budget) = over_budget {
                message.push_str(&format!(" within {}", millis(budget)));
            }
            if let Some(location) = location {
                message.push_str(&format!(
                    " (redirected to {location:?}; redirects are not followed unless \
                     follow_redirects is set)"
                ));
            }
            return Err(Failure::failed(message));
        }
        if let Some(budget) = over_budget {
            return Err(Failure::failed(format!(
                "GET {url} took {}, budget {}",
                millis(took),
                millis(budget)
            )));
        }
        if let Some(text) = &self.body_contains {
            let read = &body[..body.len().min(self.max_body_bytes)];
            if !contains(read, text.as_bytes()) {
                return Err(Failure::failed(format!(
                    "GET {url} answered {} in {}, expected the body to contain {text:?}; its \
                     first {} bytes do not",
                    status.as_u16(),
                    millis(took),
                    read.len()
                )));
            }
        }
        Ok(())
    }

    fn status_expected(&self, status: u16) -> bool {
        if self.statuses.is_empty() {
            (200..300).contains(&status)
        } else {
            self.statuses.contains(&status)
        }
    }

    fn expected_statuses(&self) -> String {
        if self.statuses.is_empty() {
            return "2xx".to_owned();
        }
        let statuses: Vec<String> = self.statuses.iter().map(u16::to_string).collect();
        statuses.join(" or ")
    }
}

/// Why a request got no answer: it gave up, or the connection failed.
fn unanswered(error: &reqwest::Error, give_up_after: Duration) -> String {
    if error.is_timeout() {
        format!("did not answer within {}", millis(give_up_after))
    } else {
        format!("got no answer: {}", chain(error))
    }
}

/// Why a body ended early.
fn broke_off(error: &reqwest::Error, give_up_after: Duration) -> String {
    if error.is_timeout() {
        format!("did not arrive within {}", millis(give_up_after))
    } else {
        format!("broke off: {}", chain(error))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window == needle)
}
