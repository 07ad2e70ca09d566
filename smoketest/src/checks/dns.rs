//! [`dns_resolve`]: a name resolves, to at least one address or to the ones expected.

use std::collections::BTreeSet;
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use super::{DEFAULT_GIVE_UP_AFTER, cannot_run, check_options};
use crate::check::Check;
use crate::outcome::Failure;
use crate::registry::Body;

/// Checks that the system's resolver (as the service's own connections use it: `/etc/hosts`,
/// then DNS) resolves `name` to at least one address, or to every address given with
/// [`address`](DnsResolve::address).
///
/// The resolver cannot be interrupted, so the time limit is the runner's: 5 seconds, or the
/// one set with [`within`](DnsResolve::within); a hung resolver makes the check *errored* with
/// `timed out after …`, and the runner bounds the threads left waiting.
///
/// ```
/// use smoketest::{checks, Runner, Tier};
///
/// let report = Runner::new()
///     .filter("dns::")
///     .check("dns::localhost", checks::dns_resolve("localhost"))
///     .check("dns::nowhere", checks::dns_resolve("nowhere.invalid"))
///     .run(Tier::Fast);
/// assert_eq!((report.tests_passed, report.tests_failed), (1, 1));
/// ```
pub fn dns_resolve(name: impl Into<String>) -> DnsResolve {
    DnsResolve {
        name: name.into(),
        expected: BTreeSet::new(),
        within: DEFAULT_GIVE_UP_AFTER,
    }
}

/// The check [`dns_resolve`] makes; its options, then [`Check`]'s.
#[derive(Clone, Debug)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct DnsResolve {
    name: String,
    expected: BTreeSet<IpAddr>,
    within: Duration,
}

impl DnsResolve {
    /// An address the name must resolve to (among others); repeat for several.
    pub fn address(mut self, address: IpAddr) -> Self {
        self.expected.insert(address);
        self
    }

    /// The runner's time limit for the lookup (default 5 s).
    pub fn within(mut self, limit: Duration) -> Self {
        self.within = limit;
        self
    }

    fn into_check_now(self) -> Check {
        let within = self.within;
        Check::from_body(Body::CheckSync(Arc::new(move || {
            resolve(&self.name, &self.expected)
        })))
        .timeout(within)
    }
}

check_options!(DnsResolve);

fn resolve(name: &str, expected: &BTreeSet<IpAddr>) -> Result<(), Failure> {
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c.is_control() || c == ':') {
        return Err(cannot_run(format!(
            "{name:?} is not a host name; write e.g. \"db.internal\" (no port, no scheme)"
        )));
    }
    let seen: BTreeSet<IpAddr> = match (name, 0).to_socket_addrs() {
        Ok(addresses) => addresses.map(|address| address.ip()).collect(),
        Err(error) => {
            return Err(Failure::failed(format!(
                "expected {name} to resolve{}; the resolver said: {error}",
                expectation(expected)
            )));
        }
    };
    let missing: Vec<&IpAddr> = expected.difference(&seen).collect();
    if seen.is_empty() || !missing.is_empty() {
        return Err(Failure::failed(format!(
            "expected {name} to resolve{}; it resolved to {}",
            expectation(expected),
            list(seen.iter())
        )));
    }
    Ok(())
}

fn expectation(expected: &BTreeSet<IpAddr>) -> String {
    if expected.is_empty() {
        String::new()
    } else {
        format!(" to {}", list(expected.iter()))
    }
}

fn list<'a>(addresses: impl Iterator<Item = &'a IpAddr>) -> String {
    let addresses: Vec<String> = addresses.map(IpAddr::to_string).collect();
    if addresses.is_empty() {
        "no address".to_owned()
    } else {
        addresses.join(", ")
    }
}
