//! [`tcp_connect`]: a TCP connection to `host:port` within a time limit.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{DEFAULT_GIVE_UP_AFTER, RESOLVER_SLACK, cannot_run, check_options, millis};
use crate::check::Check;
use crate::outcome::Failure;
use crate::registry::Body;

/// Checks that a TCP connection to `address` (`host:port`) opens within 5 seconds, or the time
/// set with [`within`](TcpConnect::within). Each address the host resolves to is tried in turn
/// within the time left; the connection is closed at once.
///
/// ```
/// use std::time::Duration;
/// use smoketest::{checks, Runner, Tier};
///
/// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let address = listener.local_addr()?.to_string();
/// let report = Runner::new()
///     .filter("cache::")
///     .check("cache::port", checks::tcp_connect(address).within(Duration::from_millis(300)))
///     .run(Tier::Fast);
/// assert_eq!(report.tests_passed, 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn tcp_connect(address: impl Into<String>) -> TcpConnect {
    TcpConnect {
        address: address.into(),
        within: DEFAULT_GIVE_UP_AFTER,
    }
}

/// The check [`tcp_connect`] makes; its options, then [`Check`]'s.
#[derive(Clone, Debug)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct TcpConnect {
    address: String,
    within: Duration,
}

impl TcpConnect {
    /// The time the connection must open within (default 5 s); the check gives up then.
    pub fn within(mut self, limit: Duration) -> Self {
        self.within = limit;
        self
    }

    fn into_check_now(self) -> Check {
        let within = self.within;
        Check::from_body(Body::CheckSync(Arc::new(move || {
            connect(&self.address, self.within)
        })))
        // Resolving the host cannot be given a deadline; a resolver that hangs is cut by the
        // test's own limit, a little after the connection's.
        .timeout(within + RESOLVER_SLACK)
    }
}

check_options!(TcpConnect);

fn connect(address: &str, limit: Duration) -> Result<(), Failure> {
    if address
        .rsplit_once(':')
        .is_none_or(|(host, port)| host.is_empty() || port.parse::<u16>().is_err())
    {
        return Err(cannot_run(format!(
            "{address:?} is not host:port; write e.g. \"db.internal:5432\" or \"[::1]:6379\""
        )));
    }
    let started = Instant::now();
    let addresses: Vec<SocketAddr> = match address.to_socket_addrs() {
        Ok(addresses) => addresses.collect(),
        Err(error) => {
            return Err(Failure::failed(format!(
                "expected a TCP connection to {address}; its host did not resolve: {error}"
            )));
        }
    };
    if addresses.is_empty() {
        return Err(Failure::failed(format!(
            "expected a TCP connection to {address}; its host resolved to no address"
        )));
    }
    let mut seen = Vec::new();
    for socket_address in &addresses {
        let left = limit.saturating_sub(started.elapsed());
        if left.is_zero() {
            seen.push(format!("{socket_address}: not tried, no time left"));
            continue;
        }
        match TcpStream::connect_timeout(socket_address, left) {
            Ok(_connection) => return Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::TimedOut => {
                seen.push(format!("{socket_address}: no answer in time"));
            }
            Err(error) => seen.push(format!("{socket_address}: {error}")),
        }
    }
    Err(Failure::failed(format!(
        "expected a TCP connection to {address} within {}; {}",
        millis(limit),
        seen.join("; ")
    )))
}
