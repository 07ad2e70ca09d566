//! The README's example of ready-made checks (section "Ready-made checks"), quoted there from
//! the region below and run by `readme_test.rs` against real targets.

// The README shows what a user's crate writes: public items.
#![allow(unreachable_pub)]

// readme: begin checks
use std::time::Duration;

use smoketest::{Check, Runner, checks};

/// An upstream service, as the app's configuration lists it.
pub struct Upstream {
    pub name: String,
    pub health_url: String,
    pub budget: Duration,
}

/// The smoke tests of a service whose upstreams are only known at start-up.
pub fn runner(upstreams: &[Upstream], data_dir: &str) -> Runner {
    let mut runner = Runner::new()
        .check(
            "config::env",
            checks::env_vars(["DATABASE_URL", "PAYMENTS_TOKEN"]),
        )
        .check(
            "disk::free",
            checks::disk_free(data_dir).at_least_bytes(1 << 30),
        )
        .check("disk::writable", checks::writable(data_dir));
    for upstream in upstreams {
        runner = runner.check(
            format!("upstream::{}", upstream.name),
            checks::http_get(&upstream.health_url)
                .status(200)
                .within(upstream.budget)
                .tags(["ready"])
                .retries(1),
        );
    }
    // Any closure is a check too: sync or async, returning () or Result<(), E: Display>.
    let configured = upstreams.len();
    runner.check(
        "config::upstreams",
        Check::new(move || match configured {
            0 => Err("no upstream configured: set UPSTREAMS"),
            _ => Ok(()),
        })
        .warn_only(),
    )
}
// readme: end checks
