//! Tests run concurrently up to the runner's cap; a cap of 1 runs them one after another.

use smoketest::{Runner, Tier};

// One test function: the cases share the fixture's counters and must not overlap.
#[test]
fn the_concurrency_cap_bounds_tests_in_flight() {
    for (cap, expected) in [(1, 1), (3, 3), (smoketest::DEFAULT_CONCURRENCY, 8)] {
        fixture_concurrency::reset();
        let report = Runner::new()
            .apps(["fixture_concurrency"])
            .concurrency(cap)
            .run(Tier::Fast);
        assert_eq!(report.tests_passed, 8, "cap {cap}");
        assert_eq!(fixture_concurrency::max_in_flight(), expected, "cap {cap}");
    }
}
