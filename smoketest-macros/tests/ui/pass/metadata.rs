#![deny(warnings)]

//! The metadata arguments, alone and together with every other argument, in any order.

use std::marker::PhantomData;

mod kit {
    pub use smoketest;
}

use smoketest::smoke_test;

/// Stands for a database transaction such as `rusqlite::Transaction<'static>`.
struct Transaction<'conn>(PhantomData<&'conn ()>);

#[smoke_test(tags = ["ready"])]
fn tagged() {}

#[smoke_test(tags = ["live", "ready", "payments-db", "v2.api", "team_a", "7"],)]
fn many_tags() {}

#[smoke_test(warn_only)]
fn warn_only() {}

#[smoke_test(retries = 0)]
fn no_retry() {}

#[smoke_test(retries = 10)]
async fn most_retries() {}

#[smoke_test(owner = "team-payments")]
fn owned() {}

#[smoke_test(runbook = "http://wiki.internal:8080/runbooks?page=db#connections")]
fn with_a_runbook() {}

#[smoke_test(
    owner = "team-payments",
    runbook = "https://wiki.example.com/runbooks/payments"
)]
fn owned_with_a_runbook() -> smoketest::Result {
    Ok(())
}

#[kit::smoketest::smoke_test(
    slow,
    rolled_back,
    timeout = "30s",
    tags = ["ready", "db"],
    warn_only,
    retries = 2,
    owner = "team-payments",
    runbook = "https://wiki.example.com/runbooks/payments#db",
    crate = kit::smoketest,
)]
async fn everything(_tx: &mut Transaction<'static>) -> kit::smoketest::Result {
    Ok(())
}

#[kit::smoketest::smoke_test(
    crate = "kit::smoketest",
    runbook = "https://wiki.example.com/runbooks/payments",
    owner = "team-payments",
    retries = 1,
    warn_only,
    tags = ["live"],
    rolled_back,
    timeout = "500ms",
    slow
)]
fn everything_reordered(_tx: &mut Transaction<'static>) {}

fn main() {}
