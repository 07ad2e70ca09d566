//! Ready-made checks for what a deployment needs around it: an upstream that answers, a port
//! that accepts, a name that resolves, free disk space, the environment, files, a database
//! and its migrations, a certificate that is not about to expire.
//!
//! Each function returns a small builder with the check's own options; give it to
//! [`Runner::check`](crate::Runner::check) as it is, or chain the options every check has
//! ([`tags`](Check::tags), [`retries`](Check::retries), [`warn_only`](Check::warn_only), …),
//! which turn it into a [`Check`]:
//!
//! ```no_run
//! use std::time::Duration;
//! use smoketest::{checks, Runner};
//!
//! let runner = Runner::new()
//!     .check(
//!         "cache::port",
//!         checks::tcp_connect("cache.internal:6379")
//!             .within(Duration::from_millis(300))
//!             .tags(["ready"])
//!             .retries(1),
//!     )
//!     .check("config::env", checks::env_vars(["DATABASE_URL", "PAYMENTS_TOKEN"]))
//!     .check("disk::data", checks::disk_free("/data").at_least_bytes(1 << 30));
//! ```
//!
//! | check | feature | runs |
//! |---|---|---|
//! | [`tcp_connect`] | `checks` | on a worker thread |
//! | [`dns_resolve`] | `checks` | on a worker thread |
//! | [`disk_free`] (unix) | `checks` | on a worker thread |
//! | [`env_vars`] | `checks` | on a worker thread |
//! | [`readable`], [`writable`] | `checks` | on a worker thread |
#![cfg_attr(
    feature = "checks-http",
    doc = "| [`http_get`] | `checks-http` | async, on the tokio runtime |"
)]
#![cfg_attr(
    feature = "checks-tls",
    doc = "| [`tls_certificate`] | `checks-tls` | on a worker thread |"
)]
#![cfg_attr(
    feature = "checks-sqlx",
    doc = "| [`sqlx_pool`], [`sqlx_migrations`], [`sqlx_migrations_ahead`] | `checks-sqlx` | async, on the pool's runtime |"
)]
//!
//! # Outcomes
//!
//! A check **fails** when what it checks is not as expected, unreachable included (a refused
//! connection, a name that does not resolve, a database that does not answer): that is what
//! the check is there to see. It **errors** only when it cannot run as written (a URL that is
//! not a URL, a threshold that cannot be met by any disk), or when the runner stops it (its
//! timeout). Every failure says what was expected and what was seen.
//!
//! # Time limits
//!
//! The checks that wait on the network give up on their own, 5 seconds after they start unless
//! told otherwise, so they end with their own message before the runner's default timeout (10
//! seconds). [`dns_resolve`] waits on the system's resolver, which cannot be interrupted: its
//! limit is the runner's, set to its [`within`](DnsResolve::within).

use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::check::Check;
use crate::outcome::Failure;

mod disk;
mod dns;
mod env;
mod files;
#[cfg(feature = "checks-http")]
mod http;
#[cfg(feature = "checks-sqlx")]
mod sqlx;
mod tcp;
#[cfg(feature = "checks-tls")]
mod tls;

#[cfg(unix)]
pub use disk::{DiskFree, disk_free};
pub use dns::{DnsResolve, dns_resolve};
pub use env::{EnvVars, env_vars};
pub use files::{FileAccess, readable, writable};
#[cfg(feature = "checks-http")]
pub use http::{HttpGet, http_get};
#[cfg(feature = "checks-sqlx")]
pub use sqlx::{SqlxMigrations, SqlxPool, sqlx_migrations, sqlx_migrations_ahead, sqlx_pool};
pub use tcp::{TcpConnect, tcp_connect};
#[cfg(feature = "checks-tls")]
pub use tls::{TlsCertificate, tls_certificate};

/// How long a network check waits before it gives up, unless told otherwise: half the runner's
/// default timeout, so the check's own message is the one reported.
pub const DEFAULT_GIVE_UP_AFTER: Duration = Duration::from_secs(5);

/// How long after its own limit a check that resolves a host name is cut by the runner: name
/// resolution (`getaddrinfo`) takes no deadline, so a hung resolver ends with the test's timeout.
const RESOLVER_SLACK: Duration = Duration::from_secs(1);

/// The options of [`Check`] on a ready-made check's builder: each turns the builder into its
/// `Check` and sets the option there, so the check's own options come first.
macro_rules! check_options {
    (impl[$($generics:tt)*] $builder:ty where[$($bounds:tt)*]) => {
        impl<$($generics)*> From<$builder> for $crate::Check where $($bounds)* {
            fn from(builder: $builder) -> $crate::Check {
                builder.into_check_now()
            }
        }

        impl<$($generics)*> $crate::IntoCheck<$crate::Check> for $builder where $($bounds)* {
            fn into_check(self) -> $crate::Check {
                self.into_check_now()
            }
        }

        impl<$($generics)*> $builder where $($bounds)* {
            /// Only in the slow tier: [`Check::slow`](crate::Check::slow).
            pub fn slow(self) -> $crate::Check {
                self.into_check_now().slow()
            }

            /// The runner's time limit for it: [`Check::timeout`](crate::Check::timeout).
            pub fn timeout(self, timeout: ::std::time::Duration) -> $crate::Check {
                self.into_check_now().timeout(timeout)
            }

            /// Tags it is selected by: [`Check::tags`](crate::Check::tags).
            pub fn tags<I, S>(self, tags: I) -> $crate::Check
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                self.into_check_now().tags(tags)
            }

            /// Warns instead of failing the run: [`Check::warn_only`](crate::Check::warn_only).
            pub fn warn_only(self) -> $crate::Check {
                self.into_check_now().warn_only()
            }

            /// More attempts when it fails: [`Check::retries`](crate::Check::retries).
            pub fn retries(self, retries: u32) -> $crate::Check {
                self.into_check_now().retries(retries)
            }

            /// Who to call when it fails: [`Check::owner`](crate::Check::owner).
            pub fn owner(self, owner: impl Into<String>) -> $crate::Check {
                self.into_check_now().owner(owner)
            }

            /// What to do when it fails: [`Check::runbook`](crate::Check::runbook).
            pub fn runbook(self, runbook: impl Into<String>) -> $crate::Check {
                self.into_check_now().runbook(runbook)
            }
        }
    };
    ($builder:ty) => {
        check_options!(impl[] $builder where[]);
    };
}
use check_options;

/// A check that cannot run as written: errored, saying what to write instead.
fn cannot_run(message: impl fmt::Display) -> Failure {
    Failure::errored(format!("cannot run: {message}"))
}

/// A check whose body only reports `failure`: what was wrong with its arguments, found when it
/// was built and reported when it runs, so that a bad entry in a configuration file is one
/// errored test rather than a panic at start-up.
#[cfg_attr(
    not(any(feature = "checks-http", feature = "checks-tls")),
    allow(dead_code)
)]
fn erroring(failure: Failure) -> Check {
    Check::from_body(crate::registry::Body::CheckSync(std::sync::Arc::new(
        move || Err(failure.clone()),
    )))
}

/// `duration` in whole milliseconds, as the messages show times: `812 ms`.
fn millis(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}

/// `bytes` in binary units with one decimal: `12.0 MiB`, `1.0 GiB`, `512 B`.
fn bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// An error with its sources, `outer: inner: innermost`, as one line: libraries put the part
/// that says what went wrong (`Connection refused`) in the innermost source.
#[cfg_attr(
    not(any(
        feature = "checks-http",
        feature = "checks-sqlx",
        feature = "checks-tls"
    )),
    allow(dead_code)
)]
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        // Some errors repeat their source's text in their own.
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text
}

/// `future`'s output, or `None` when `limit` passes first. The timer is `futures-timer`'s,
/// which needs no runtime of its own, so this works on whichever runtime drives the check.
#[cfg_attr(
    not(any(feature = "checks-http", feature = "checks-sqlx")),
    allow(dead_code)
)]
async fn within<T>(limit: Duration, future: impl Future<Output = T>) -> Option<T> {
    use futures_util::future::{Either, select};
    let future = std::pin::pin!(future);
    match select(future, futures_timer::Delay::new(limit)).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(((), _)) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_shown_in_binary_units_with_one_decimal() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1.0 KiB");
        assert_eq!(bytes(12 * 1024 * 1024 + 1), "12.0 MiB");
        assert_eq!(bytes(1 << 30), "1.0 GiB");
        assert_eq!(bytes(u64::MAX), "16.0 EiB");
    }

    #[derive(Debug)]
    struct Sending(std::io::Error);

    impl fmt::Display for Sending {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("error sending request")
        }
    }

    impl std::error::Error for Sending {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn an_error_is_one_line_with_its_sources_once() {
        let refused = std::io::Error::other("Connection refused");
        assert_eq!(
            chain(&Sending(refused)),
            "error sending request: Connection refused"
        );
        // An `io::Error` wrapping another shows the inner text itself: not repeated.
        let wrapped = std::io::Error::other(Sending(std::io::Error::other("Connection refused")));
        assert_eq!(chain(&wrapped), "error sending request: Connection refused");
        assert_eq!(millis(Duration::from_micros(812_900)), "812 ms");
    }
}
