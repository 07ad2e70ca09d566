//! Retries and `Runner::max_threads(n)`: retrying tests that hang never holds more threads than
//! a run of the same tests without retries. An attempt abandoned at its limit is not retried
//! (it still runs), and an attempt cancelled at its limit is retried on the thread it gave back.
//!
//! One `#[test]`: thread counts are the process's (see `threads/count.rs`).

#[path = "threads/gate.rs"]
mod gate;
#[path = "threads/count.rs"]
mod threads;

use std::sync::Mutex;
use std::thread::ThreadId;

use gate::Gate;
use smoketest::{Runner, Tier, smoke_test};

/// Opened once the hanging tests are counted, so that their threads return.
static GATE: Gate = Gate::new();

macro_rules! hanging {
    ($($name:ident)*) => {$(
        #[smoke_test(timeout = "50ms", retries = 3)]
        fn $name() {
            GATE.wait();
        }
    )*};
}

hanging!(hangs_0 hangs_1 hangs_2 hangs_3 hangs_4 hangs_5 hangs_6 hangs_7);

/// The thread of each attempt of `awaits`.
static AWAITED_ON: Mutex<Vec<ThreadId>> = Mutex::new(Vec::new());

#[smoke_test(timeout = "50ms", retries = 3)]
async fn awaits() {
    AWAITED_ON.lock().unwrap().push(std::thread::current().id());
    std::future::pending::<()>().await;
}

const LIMIT: usize = 2;

#[test]
fn retries_of_hanging_tests_never_hold_more_threads_than_the_limit() {
    let runner = Runner::new()
        .filter("retries_bound::hangs_")
        .max_threads(LIMIT);
    assert_eq!(runner.test_names(Tier::Fast).len(), 8);
    assert_eq!(smoketest::abandoned_threads(), 0);
    let before = threads::steady();

    let report = runner.run(Tier::Fast);
    let after = threads::steady();
    eprintln!(
        "limit {LIMIT}: {} threads abandoned, {before} threads before the run, {after} after; \
         {} attempts entered their body\n{}",
        smoketest::abandoned_threads(),
        GATE.entered(),
        report.to_text()
    );
    // Two workers started, hung and were abandoned, their first attempts still running; the
    // other six tests were never started.
    let mut messages: Vec<(&str, u32)> = report
        .tests
        .iter()
        .map(|test| (test.message.as_deref().unwrap_or_default(), test.attempts))
        .collect();
    messages.dedup();
    assert_eq!(
        messages,
        [
            (
                "timed out after 50ms (attempt 1 of 4; still running, so not retried)",
                1
            ),
            (
                "not started: 2 threads are stuck in timed-out tests, all the runner allows \
                 (`Runner::max_threads(2)`); they are freed when those tests return",
                1
            ),
        ]
    );
    assert_eq!((report.tests_run, report.tests_errored), (8, 8));
    assert_eq!(GATE.entered(), LIMIT);
    assert_eq!(smoketest::abandoned_threads(), LIMIT);
    assert_eq!(after, before + LIMIT, "{:?}", threads::names());

    GATE.open();
    assert!(threads::wait_until(|| smoketest::abandoned_threads() == 0));
    assert_eq!(GATE.entered(), LIMIT, "an abandoned attempt was retried");

    // Cancelled at each limit, an async test is retried on the thread it gave back.
    let report = Runner::new()
        .filter("retries_bound::awaits")
        .max_threads(1)
        .run(Tier::Fast);
    assert_eq!(
        report.tests[0].message.as_deref(),
        Some("timed out after 50ms (attempt 4 of 4)")
    );
    let awaited_on = AWAITED_ON.lock().unwrap().clone();
    assert_eq!(awaited_on.len(), 4);
    assert!(awaited_on.iter().all(|thread| *thread == awaited_on[0]));
    assert_eq!(smoketest::abandoned_threads(), 0);
    // Its worker was joined (the runtime that drives async tests stays, for the process).
    assert!(
        threads::wait_gone("smoketest-worke"),
        "{:?}",
        threads::names()
    );
}
