//! The endpoints behind the probe routes the contract checks (`contract::check_probes`): smoke
//! tests with tags, an owner and a runbook, served with probe groups, and a test that fails
//! while it "warms up", for the startup grace.
//!
//! Declared inside `contract` (`http/contract.rs`), so every server of the HTTP tests links the
//! same tests; the runners below select them by this module's path, which is the including test
//! binary's own (`http_axum::contract::probes`).
#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use http::StatusCode;
use smoketest::{Runner, smoke_test};
use smoketest_http::{Detail, Group, SmokeEndpoint};

/// The bearer token of the [`summary_endpoint`].
pub const TOKEN: &str = "probe-token";

/// The startup grace of the `ready` group of the [`starting_endpoint`].
pub const GRACE: Duration = Duration::from_secs(3600);

/// This file, as failure locations name it.
pub const FILE: &str = file!();

/// The full name of this module's test `test`.
pub fn name(test: &str) -> String {
    format!("{}::{test}", module_path!())
}

#[smoke_test(tags = ["live", "ready"])]
fn process_is_up() {}

#[smoke_test(tags = ["ready", "db"])]
fn database_answers() {}

#[smoke_test(slow, tags = ["ready", "db"])]
fn database_scan() {}

/// The line where `queue_answers` fails, as its reports show it.
pub const QUEUE_FAILS_AT: u32 = line!() + 3;
#[smoke_test(tags = ["queue"], owner = "team-queue", runbook = "https://runbooks.example/queue")]
fn queue_answers() -> smoketest::Result {
    smoketest::bail!("connection refused by queue.internal:5672\nafter 3 tries")
}

/// The endpoint at `/probes`: the fast tier is `database_answers`, `process_is_up` and the
/// failing `queue_answers`; the slow tier adds `database_scan`. Groups: `live` (1 test), `ready`
/// (2), `queue` (failing, 503), `queue-500` (the same, answering 500) and `db-all` (the `db`
/// tests of both tiers).
pub fn endpoint() -> SmokeEndpoint {
    let runner = Runner::new()
        .apps([module_path!()])
        .skip_apps([concat!(module_path!(), "::warming")]);
    SmokeEndpoint::new(runner)
        .group("live", Group::new().tags(["live"]))
        .group("ready", Group::new().tags(["ready"]))
        .group("queue", Group::new().tags(["queue"]))
        .group(
            "queue-500",
            Group::new()
                .tags(["queue"])
                .fail_status(StatusCode::INTERNAL_SERVER_ERROR),
        )
        .group("db-all", Group::new().tags(["db"]).slow())
}

/// The [`endpoint`] for anonymous callers who may see the summary only, and the full reports
/// with the [`TOKEN`].
pub fn summary_endpoint() -> SmokeEndpoint {
    endpoint().bearer_token(TOKEN).anonymous(Detail::Summary)
}

/// Counts the runs of `cache_is_warm`, which fails on its first and third: one per endpoint, so
/// each server of a test answers the same sequence.
#[derive(Default)]
pub struct Warmup {
    runs: AtomicUsize,
}

pub use warming::WARMUP_FAILS_AT;

pub mod warming {
    use std::sync::atomic::Ordering;

    use smoketest::smoke_test;

    use super::Warmup;

    /// The line where `cache_is_warm` fails, as its reports show it.
    pub const WARMUP_FAILS_AT: u32 = line!() + 4;
    #[smoke_test(tags = ["warm"])]
    fn cache_is_warm(warmup: &Warmup) -> smoketest::Result {
        let run = warmup.runs.fetch_add(1, Ordering::SeqCst);
        smoketest::ensure!(run != 0 && run != 2, "the cache is cold (run {run})");
        Ok(())
    }

    #[smoke_test(tags = ["cold"])]
    fn cache_stays_cold() -> smoketest::Result {
        smoketest::bail!("the cache is cold")
    }
}

/// The endpoint at `/starting`, for the startup grace: `ready` (`cache_is_warm`, with a grace of
/// [`GRACE`]) answers `starting:` until its first pass, then its reports; `cold` never passes
/// and is `starting:` throughout; `expired` (`cache_stays_cold` too) has a grace of zero, so
/// its failures are reports at once.
pub fn starting_endpoint() -> SmokeEndpoint {
    let runner = Runner::new()
        .apps([concat!(module_path!(), "::warming")])
        .with_state(Warmup::default());
    SmokeEndpoint::new(runner)
        .group("ready", Group::new().tags(["warm"]).startup_grace(GRACE))
        .group("cold", Group::new().tags(["cold"]).startup_grace(GRACE))
        .group(
            "expired",
            Group::new().tags(["cold"]).startup_grace(Duration::ZERO),
        )
}

/// Every endpoint the probe checks use, at its mount point.
pub fn mounts() -> Vec<(&'static str, SmokeEndpoint)> {
    vec![
        ("/probes", endpoint()),
        ("/summary", summary_endpoint()),
        ("/starting", starting_endpoint()),
    ]
}
