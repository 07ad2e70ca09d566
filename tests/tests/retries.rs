//! `retries = N` end to end, counted: each attempt of a fixture test bumps a counter, and the
//! report says how many attempts were made and which one its message comes from.

use fixture_metadata::retried as fx;
use smoketest::{Outcome, Report, Runner, TestReport, Tier};

const FILE: &str = "tests/fixtures/metadata/src/retried.rs";

/// The module's report, made once: the counters are the process's.
fn report() -> &'static Report {
    static REPORT: std::sync::OnceLock<Report> = std::sync::OnceLock::new();
    REPORT.get_or_init(|| {
        Runner::new()
            .apps(["fixture_metadata::retried"])
            .run(Tier::Fast)
    })
}

fn test(name: &str) -> &'static TestReport {
    let full = format!("fixture_metadata::retried::{name}");
    report()
        .tests
        .iter()
        .find(|test| test.name == full)
        .unwrap_or_else(|| panic!("{full} not in the report"))
}

/// (outcome, attempts, message) of a test.
fn ended(name: &str) -> (Outcome, u32, Option<&'static str>) {
    let test = test(name);
    (test.outcome, test.attempts, test.message.as_deref())
}

#[test]
fn a_test_that_passes_on_its_third_attempt_passes_with_3_attempts() {
    assert_eq!(ended("flaky"), (Outcome::Passed, 3, None));
    assert_eq!(fx::FLAKY.count(), 3);
    assert_eq!(test("flaky").owner.as_deref(), Some("team-payments"));
}

#[test]
fn a_test_that_always_fails_runs_exactly_1_plus_retries_times_and_shows_its_last_message() {
    assert_eq!(
        ended("always_fails"),
        (
            Outcome::Failed,
            3,
            Some("the queue is full: `false` is not true (attempt 3 of 3)")
        )
    );
    assert_eq!(fx::ALWAYS_FAILS.count(), 3);
    assert_eq!(
        test("always_fails").location,
        Some(format!("{FILE}:{}", fx::ALWAYS_FAILS_LINE))
    );
}

#[test]
fn a_panicking_test_is_retried_and_errored() {
    assert_eq!(
        ended("panics"),
        (
            Outcome::Errored,
            2,
            Some("panicked: payment gateway client not initialised (attempt 2 of 2)")
        )
    );
    assert_eq!(fx::PANICS.count(), 2);
}

#[test]
fn a_test_still_running_at_its_limit_is_not_retried() {
    assert_eq!(
        ended("hangs"),
        (
            Outcome::Errored,
            1,
            Some("timed out after 100ms (attempt 1 of 3; still running, so not retried)")
        )
    );
    assert_eq!(fx::HANGS.count(), 1);
}

#[test]
fn an_async_test_cancelled_at_its_limit_is_retried_with_its_whole_limit_each_time() {
    assert_eq!(
        ended("awaits_forever"),
        (
            Outcome::Errored,
            3,
            Some("timed out after 100ms (attempt 3 of 3)")
        )
    );
    assert_eq!(fx::AWAITS_FOREVER.count(), 3);
    // Three limits of 100 ms, one after the other.
    assert!(
        test("awaits_forever").time >= 300.0,
        "{}",
        test("awaits_forever").time
    );
}

#[test]
fn each_attempt_gets_a_fresh_set_up_and_its_tear_down_and_the_suite_is_set_up_once() {
    assert_eq!(ended("Counted::flaky_in_suite"), (Outcome::Passed, 3, None));
    assert_eq!(fx::IN_SUITE.count(), 3);
    assert_eq!(fx::SET_UPS.count(), 3);
    assert_eq!(fx::TEAR_DOWNS.count(), 3);
    assert_eq!(fx::SET_UP_SUITES.count(), 1);
}

#[test]
fn the_report_counts_each_test_once_whatever_its_attempts() {
    let report = report();
    assert_eq!(report.tests_run, 6);
    assert_eq!(
        (
            report.tests_passed,
            report.tests_failed,
            report.tests_errored,
            report.tests_warned
        ),
        (2, 1, 3, 0)
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let attempts: Vec<(&str, u64)> = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|test| {
            let name = test["name"].as_str().unwrap();
            let short = name.strip_prefix("fixture_metadata::retried::").unwrap();
            (short, test["attempts"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        attempts,
        [
            ("Counted::flaky_in_suite", 3),
            ("always_fails", 3),
            ("awaits_forever", 3),
            ("flaky", 3),
            ("hangs", 1),
            ("panics", 2),
        ]
    );
}
