//! Every way a test fails or errors, as the report shows it: exact text lines and JSON details.

mod support;

use fixture_fail::smoke as fx;
use smoketest::{Outcome, Runner, Status, Tier};
use support::{at, with_time_masked};

const FILE: &str = "tests/fixtures/fail/src/smoke.rs";

/// The fixture's report, made once: a test that hung in one run is reported as still running by
/// the runs after it, so every exact-output test reads the same run.
fn report() -> smoketest::Report {
    static REPORT: std::sync::OnceLock<smoketest::Report> = std::sync::OnceLock::new();
    REPORT
        .get_or_init(|| Runner::new().apps(["fixture_fail"]).run(Tier::Fast))
        .clone()
}

#[test]
fn the_text_report_lists_failures_then_errors_each_sorted_by_name() {
    let expected = [
        "FAIL".to_owned(),
        "test classes: 4".into(),
        "tests run: 17".into(),
        "tests passed: 1".into(),
        "tests failed: 5".into(),
        "tests errored: 11".into(),
        "time: <ms>".into(),
        "run id: <uuid>".into(),
        String::new(),
        format!(
            "fixture_fail::smoke::BrokenTearDown::fails_before_broken_tear_down failed: probe file has \
             the wrong content: `false` is not true; tear_down also failed: could not remove probe file {}",
            at(FILE, fx::FAILS_BEFORE_TEAR_DOWN_LINE)
        ),
        format!(
            "fixture_fail::smoke::assert_custom_message failed: expected 3 users, found 2: 2 != 3 \
             {}",
            at(FILE, fx::CUSTOM_MESSAGE_LINE)
        ),
        format!(
            "fixture_fail::smoke::assert_default_message failed: 2 != 3 {}",
            at(FILE, fx::DEFAULT_MESSAGE_LINE)
        ),
        format!(
            "fixture_fail::smoke::std_assert failed: assertion failed: free_disk_gb > 2 {}",
            at(FILE, fx::STD_ASSERT_LINE)
        ),
        format!(
            "fixture_fail::smoke::std_assert_eq failed: assertion `left == right` failed: sums differ\\n  \
             left: 2\\n right: 3 {}",
            at(FILE, fx::STD_ASSERT_EQ_LINE)
        ),
        format!(
            "fixture_fail::smoke::BrokenSetUp::runs_after_broken_set_up errored: set_up failed: fixture \
             file missing {}",
            at(FILE, fx::SET_UP_LINE)
        ),
        format!(
            "fixture_fail::smoke::BrokenTearDown::passes_before_broken_tear_down errored: tear_down failed: \
             could not remove probe file {}",
            at(FILE, fx::TEAR_DOWN_LINE)
        ),
        format!(
            "fixture_fail::smoke::Unreachable::first_of_unreachable errored: set_up_suite failed: database \
             unreachable {}",
            at(FILE, fx::SET_UP_SUITE_LINE)
        ),
        format!(
            "fixture_fail::smoke::Unreachable::second_of_unreachable errored: set_up_suite failed: database \
             unreachable {}",
            at(FILE, fx::SET_UP_SUITE_LINE)
        ),
        format!(
            "fixture_fail::smoke::hangs_async errored: timed out after 200ms {}",
            at(FILE, fx::ASYNC_TIMEOUT_LINE)
        ),
        format!(
            "fixture_fail::smoke::hangs_sync errored: timed out after 200ms {}",
            at(FILE, fx::SYNC_TIMEOUT_LINE)
        ),
        format!(
            "fixture_fail::smoke::needs_unregistered_state errored: no state of type \
             `fixture_fail::smoke::Unregistered` is registered; register it with \
             `Runner::with_state(value)` {}",
            at(FILE, fx::MISSING_STATE_LINE)
        ),
        format!(
            "fixture_fail::smoke::panics errored: panicked: payment gateway client not initialised {}",
            at(FILE, fx::PANIC_LINE)
        ),
        format!(
            "fixture_fail::smoke::returns_anyhow_context errored: loading settings: reading /etc/app.toml: \
             permission denied {}",
            at(FILE, fx::ANYHOW_LINE)
        ),
        format!(
            "fixture_fail::smoke::returns_error_chain errored: reading /etc/app.toml: permission denied {}",
            at(FILE, fx::QUESTION_MARK_LINE)
        ),
        format!(
            "fixture_fail::smoke::returns_io_error errored: no such mount: /mnt/data {}",
            at(FILE, fx::IO_ERROR_LINE)
        ),
        String::new(),
    ];
    assert_eq!(with_time_masked(&report().to_text()), expected.join("\n"));
}

#[test]
fn json_names_failed_and_errored_tests_and_details_each() {
    let report = report();
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["status"], "FAIL");
    assert_eq!(json["tests_run"], 17);
    assert_eq!(json["tests_failed"], 5);
    assert_eq!(json["tests_errored"], 11);
    assert_eq!(
        json["failed_tests"],
        serde_json::json!([
            "fixture_fail::smoke::BrokenTearDown::fails_before_broken_tear_down",
            "fixture_fail::smoke::assert_custom_message",
            "fixture_fail::smoke::assert_default_message",
            "fixture_fail::smoke::std_assert",
            "fixture_fail::smoke::std_assert_eq",
        ])
    );
    assert_eq!(json["errored_tests"].as_array().unwrap().len(), 11);
    let panics = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|test| test["name"] == "fixture_fail::smoke::panics")
        .unwrap();
    assert_eq!(panics["outcome"], "errored");
    assert_eq!(panics["suite"], "fixture_fail::smoke");
    assert_eq!(
        panics["message"],
        "panicked: payment gateway client not initialised"
    );
    assert_eq!(panics["location"], format!("{FILE}:{}", fx::PANIC_LINE));
}

#[test]
fn failures_and_errors_are_counted_separately_and_each_test_once() {
    let report = report();
    assert_eq!(report.status, Status::Fail);
    assert_eq!(report.tests_run, report.tests.len());
    assert_eq!(
        report.tests_passed + report.tests_failed + report.tests_errored,
        report.tests_run
    );
    let mut names: Vec<&str> = report.tests.iter().map(|t| &*t.name).collect();
    names.dedup();
    assert_eq!(names.len(), report.tests_run);
}

#[test]
fn hung_tests_do_not_hold_the_report_back() {
    let report = report();
    let hung: Vec<Outcome> = report
        .tests
        .iter()
        .filter(|test| test.name.contains("::hangs_"))
        .map(|test| test.outcome)
        .collect();
    assert_eq!(hung, [Outcome::Errored, Outcome::Errored]);
    // The sync one sleeps for 30 s; the run ends when its 200 ms limit is up.
    assert!(report.time < 10_000.0, "took {}ms", report.time);
}

#[test]
fn the_slow_tier_adds_the_slow_failure_with_the_default_message() {
    let report = Runner::new()
        .apps(["fixture_fail"])
        .filter("slow_and_failing")
        .run(Tier::Slow);
    let test = &report.tests[0];
    assert_eq!(test.outcome, Outcome::Failed);
    assert_eq!(test.message.as_deref(), Some("`true` is not false"));
    assert!(test.slow);
}

#[test]
fn failfast_stops_starting_tests_when_tests_run_concurrently() {
    let report = Runner::new()
        .apps(["fixture_fail"])
        // Left out so that it can't be stuck from this run when `report()` starts it.
        .exclude("fixture_fail::smoke::hangs_sync")
        .failfast(true)
        .run(Tier::Fast);
    assert!(report.tests_failed + report.tests_errored >= 1);
    // The free sync tests run back to back on one worker, which stops at its first failure.
    assert!(report.tests_run < 16, "ran {} of 16", report.tests_run);
}
