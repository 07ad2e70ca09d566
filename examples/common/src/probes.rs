//! The probe groups every example serves next to the tiers, for Kubernetes: `live` and `ready`.

use std::time::Duration;

use smoketest::Runner;
use smoketest::render::Service;
use smoketest_http::{Group, SmokeEndpoint};

/// How long the `ready` group answers `starting:` (503) rather than a FAIL report while the
/// bookshop has not passed it yet: the time a slow database may take to accept connections
/// after a deploy. Within the `startupProbe`'s `failureThreshold × periodSeconds` of the README.
pub const READY_GRACE: Duration = Duration::from_secs(60);

/// The endpoint the examples mount at `/smoketest`: `runner`'s tiers, and two probe groups —
/// `live` (tests tagged `live`: the process itself works) and `ready` (tests tagged `ready`: its
/// dependencies answer, with a startup grace of [`READY_GRACE`]) — each answering 503 when it
/// fails; health+json (`?format=health`) describes the service as `bookshop`, at this crate's
/// version.
///
/// ```
/// // Without the demo's state its tests would error: this one selects none of them.
/// let runner = smoketest::Runner::new().filter("no test has this name");
/// let endpoint = example_common::endpoint(runner);
/// let request = http::Request::get("/live/?verbose").body(()).unwrap();
/// let response = futures_executor::block_on(endpoint.handle(&request));
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.body(), "live check passed\n");
/// ```
pub fn endpoint(runner: Runner) -> SmokeEndpoint {
    SmokeEndpoint::new(runner)
        .service(
            Service::new()
                .service_id("bookshop")
                .version(env!("CARGO_PKG_VERSION"))
                .description("the demo bookshop"),
        )
        .group("live", Group::new().tags(["live"]))
        .group(
            "ready",
            Group::new().tags(["ready"]).startup_grace(READY_GRACE),
        )
}
