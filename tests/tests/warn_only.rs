//! `#[smoke_test(warn_only)]` end to end: a warn-only test that fails or errors is warned, and
//! the run stays `PASS`; every test is counted once.

use fixture_metadata::warned as fx;
use smoketest::{Outcome, Report, Runner, Status, Tier};

const FILE: &str = "tests/fixtures/metadata/src/warned.rs";

fn run(runner: Runner) -> Report {
    runner.run(Tier::Fast)
}

fn warned() -> Runner {
    Runner::new().apps(["fixture_metadata::warned"])
}

#[test]
fn warned_tests_keep_the_run_passing_and_are_counted_once() {
    let report = run(warned());
    assert_eq!(report.status, Status::Pass);
    assert!(report.passed());
    assert_eq!(
        (
            report.tests_run,
            report.tests_passed,
            report.tests_failed,
            report.tests_errored,
            report.tests_warned
        ),
        (3, 1, 0, 0, 2)
    );
    assert_eq!(
        report.tests_run,
        report.tests_passed + report.tests_failed + report.tests_errored + report.tests_warned
    );
    assert_eq!(
        report.warned_tests,
        [
            "fixture_metadata::warned::degraded",
            "fixture_metadata::warned::flaky_and_warned"
        ]
    );
    assert!(report.failed_tests.is_empty() && report.errored_tests.is_empty());
}

/// A test as these assertions see it: short name, outcome, attempts, message, location.
type Details<'a> = (&'a str, Outcome, u32, Option<&'a str>, Option<&'a str>);

#[test]
fn a_warned_test_keeps_its_message_location_and_attempts() {
    let report = run(warned());
    let details: Vec<Details<'_>> = report
        .tests
        .iter()
        .map(|test| {
            (
                test.name
                    .strip_prefix("fixture_metadata::warned::")
                    .unwrap(),
                test.outcome,
                test.attempts,
                test.message.as_deref(),
                test.location.as_deref(),
            )
        })
        .collect();
    let degraded_at = format!("{FILE}:{}", fx::DEGRADED_LINE);
    assert_eq!(
        details,
        [
            (
                "degraded",
                Outcome::Warned,
                1,
                Some("cache hit rate: 0.42 not greater than 0.9"),
                Some(degraded_at.as_str())
            ),
            ("fine", Outcome::Passed, 1, None, None,),
            (
                "flaky_and_warned",
                Outcome::Warned,
                2,
                Some("replica lag: 12s (attempt 2 of 2)"),
                details[2].4,
            ),
        ]
    );
    assert!(
        details[2].4.is_some_and(|at| at.starts_with(FILE)),
        "{:?}",
        details[2].4
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["status"], "PASS");
    assert_eq!(json["tests_warned"], 2);
    assert_eq!(json["tests"][0]["outcome"], "warned");
    assert_eq!(json["tests"][0]["owner"], "team-search");
}

#[test]
fn min_tests_counts_warned_tests_as_selected() {
    assert_eq!(run(warned().min_tests(3)).status, Status::Pass);
    let too_few = run(warned().min_tests(4));
    assert_eq!(too_few.status, Status::Fail);
    assert_eq!(
        too_few.too_few_tests_reason().as_deref(),
        Some("3 tests selected, fewer than the 4 required")
    );
}

#[test]
fn a_test_that_fails_still_fails_the_run_next_to_warned_ones() {
    let report = run(Runner::new()
        .apps(["fixture_metadata::warned", "fixture_metadata::retried"])
        .filter("::warned::")
        .filter("::always_fails"));
    assert_eq!(report.status, Status::Fail);
    assert_eq!(
        (report.tests_run, report.tests_failed, report.tests_warned),
        (4, 1, 2)
    );
}
