//! `Runner::max_threads(n)` as a bound: a run never leaves more than `n` threads stuck in
//! timed-out tests, however many of its tests hang; the tests it cannot start say why.
//!
//! One `#[test]`: thread counts are the process's (see `threads/count.rs`).

#[path = "threads/gate.rs"]
mod gate;
#[path = "threads/count.rs"]
mod threads;

use gate::Gate;
use smoketest::{Runner, Tier, smoke_test};

/// Opened at the end, so that the stuck threads return.
static GATE: Gate = Gate::new();

#[smoke_test(timeout = "50ms")]
fn hangs_0() {
    GATE.wait();
}
#[smoke_test(timeout = "50ms")]
fn hangs_1() {
    GATE.wait();
}
#[smoke_test(timeout = "50ms")]
fn hangs_2() {
    GATE.wait();
}
#[smoke_test(timeout = "50ms")]
fn hangs_3() {
    GATE.wait();
}
#[smoke_test(timeout = "50ms")]
fn hangs_4() {
    GATE.wait();
}
#[smoke_test(timeout = "50ms")]
fn hangs_5() {
    GATE.wait();
}
#[smoke_test(timeout = "50ms")]
fn hangs_6() {
    GATE.wait();
}
#[smoke_test(timeout = "50ms")]
fn hangs_7() {
    GATE.wait();
}

const LIMIT: usize = 2;

#[test]
fn a_run_of_hanging_tests_leaves_no_more_stuck_threads_than_the_limit() {
    let runner = Runner::new()
        .filter("abandoned_bound::hangs_")
        .max_threads(LIMIT);
    assert_eq!(runner.test_names(Tier::Fast).len(), 8);
    assert_eq!(smoketest::abandoned_threads(), 0);
    let before = threads::steady();

    let report = runner.run(Tier::Fast);
    let after = threads::steady();
    eprintln!(
        "limit {LIMIT}: {} threads abandoned, {before} threads before the run, {after} after; \
         {} tests entered their body\n{}",
        smoketest::abandoned_threads(),
        GATE.entered(),
        report.to_text()
    );
    // Two workers started, hung and were abandoned; the other six were never started.
    let mut messages: Vec<&str> = report
        .tests
        .iter()
        .map(|test| test.message.as_deref().unwrap_or_default())
        .collect();
    messages.dedup();
    assert_eq!(
        messages,
        [
            "timed out after 50ms",
            "not started: 2 threads are stuck in timed-out tests, all the runner allows \
             (`Runner::max_threads(2)`); they are freed when those tests return",
        ]
    );
    assert_eq!((report.tests_run, report.tests_errored), (8, 8));
    assert_eq!(GATE.entered(), LIMIT);
    assert_eq!(smoketest::abandoned_threads(), LIMIT);
    assert_eq!(after, before + LIMIT, "{:?}", threads::names());

    GATE.open();
    assert!(threads::wait_until(|| smoketest::abandoned_threads() == 0));
}
