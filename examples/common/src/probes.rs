//! The probe groups every example serves next to the tiers, for Kubernetes: `live` and `ready`.

use std::time::Duration;

use smoketest::Runner;
use smoketest::render::Service;
use smoketest_http::{Detail, Group, SmokeEndpoint};

/// The environment variable holding the token that callers of the endpoint present as
/// `Authorization: Bearer TOKEN` to see names and messages (in Kubernetes, from a Secret).
pub const TOKEN_VAR: &str = "SMOKETEST_TOKEN";

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
/// With [`TOKEN_VAR`] set, only callers with that token see names and messages; the others —
/// the kubelet's probes, a load balancer — get the same status codes with the summary
/// ([`Detail::Summary`]). Set but empty (or not UTF-8), no token matches: the endpoint stays
/// closed rather than open. Unset, everybody sees everything, as in a development setup.
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
    let endpoint = match std::env::var_os(TOKEN_VAR) {
        None => SmokeEndpoint::new(runner),
        Some(token) => SmokeEndpoint::new(runner)
            .bearer_token(token.into_string().unwrap_or_default())
            .anonymous(Detail::Summary),
    };
    endpoint
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
