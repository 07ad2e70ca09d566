//! `Runner::check`: tests made at run time from closures are run and reported exactly as
//! `#[smoke_test]` functions are.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use smoketest::{Check, Outcome, Runner, Status, Tier, smoke_test};

/// A linked test the checks below collide with by name.
#[smoke_test]
fn linked() {}

/// A runner over the checks alone (the linked tests of this binary left out by `apps`).
fn runner() -> Runner {
    Runner::new().apps(["upstream"])
}

#[test]
fn sync_and_async_closures_returning_unit_or_result_are_tests() {
    // Where each check is added is its location, as a test function's `fn` line is.
    let base = line!();
    let report = runner()
        .check("upstream::unit", || ())
        .check("upstream::ok", || Ok::<(), String>(()))
        .check("upstream::err", || Err::<(), _>("connection refused"))
        .check("upstream::async_unit", || async {})
        .check("upstream::async_err", || async {
            Err::<(), std::io::Error>(std::io::Error::other("503 from payments"))
        })
        .run(Tier::Fast);
    assert_eq!(report.status, Status::Fail);
    assert_eq!(report.test_classes, 1);
    assert_eq!(
        (report.tests_run, report.tests_passed, report.tests_errored),
        (5, 3, 2)
    );
    assert_eq!(
        report.errored_tests,
        ["upstream::async_err", "upstream::err"]
    );
    let text = report.to_text();
    let failures: Vec<&str> = text.lines().skip_while(|l| !l.is_empty()).skip(1).collect();
    let file = "smoketest/tests/runtime_checks.rs";
    assert_eq!(
        failures,
        [
            format!(
                "upstream::async_err errored: 503 from payments (at {file}:{})",
                base + 6
            ),
            format!(
                "upstream::err errored: connection refused (at {file}:{})",
                base + 4
            ),
        ]
    );
    let err = report
        .tests
        .iter()
        .find(|t| t.name == "upstream::err")
        .unwrap();
    assert_eq!(err.suite, "upstream");
}

#[test]
fn a_failed_assertion_fails_and_a_panic_errors_as_in_a_test_function() {
    let report = runner()
        .check("upstream::asserts", || {
            smoketest::assert_equal!(1, 2, "the replica lags");
        })
        .check("upstream::panics", || -> () { panic!("boom") })
        .run(Tier::Fast);
    let outcome = |name: &str| {
        let test = report.tests.iter().find(|t| t.name == name).unwrap();
        (test.outcome, test.message.clone().unwrap())
    };
    assert_eq!(outcome("upstream::asserts").0, Outcome::Failed);
    assert!(
        outcome("upstream::asserts")
            .1
            .starts_with("the replica lags")
    );
    assert_eq!(
        outcome("upstream::panics"),
        (Outcome::Errored, "panicked: boom".to_owned())
    );
}

#[test]
fn the_builder_gives_a_check_the_options_of_the_attribute() {
    let attempts = Arc::new(AtomicU32::new(0));
    let counted = attempts.clone();
    let runner = runner()
        .check(
            "upstream::flaky",
            Check::new(move || {
                let attempt = counted.fetch_add(1, Ordering::SeqCst) + 1;
                if attempt < 3 {
                    return Err(format!("attempt {attempt} failed"));
                }
                Ok(())
            })
            .retries(2)
            .tags(["ready", "payments"])
            .owner("team-payments")
            .runbook("https://wiki.example.com/payments"),
        )
        .check(
            "upstream::optional",
            Check::new(|| Err::<(), _>("cache cold")).warn_only(),
        )
        .check("upstream::expensive", Check::new(|| ()).slow())
        .check(
            "upstream::hangs",
            Check::new(|| std::thread::sleep(Duration::from_secs(30)))
                .timeout(Duration::from_millis(50)),
        );
    assert_eq!(
        runner.test_names(Tier::Fast),
        ["upstream::flaky", "upstream::hangs", "upstream::optional"]
    );
    assert_eq!(
        runner.test_names(Tier::Slow),
        [
            "upstream::expensive",
            "upstream::flaky",
            "upstream::hangs",
            "upstream::optional"
        ]
    );
    let report = runner.run(Tier::Fast);
    let test = |name: &str| report.tests.iter().find(|t| t.name == name).unwrap();
    let flaky = test("upstream::flaky");
    assert_eq!((flaky.outcome, flaky.attempts), (Outcome::Passed, 3));
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    assert_eq!(flaky.tags, ["ready", "payments"]);
    assert_eq!(flaky.owner.as_deref(), Some("team-payments"));
    assert_eq!(
        flaky.runbook.as_deref(),
        Some("https://wiki.example.com/payments")
    );
    assert_eq!(test("upstream::optional").outcome, Outcome::Warned);
    assert_eq!(
        test("upstream::hangs").message.as_deref(),
        Some("timed out after 50ms")
    );
    assert_eq!(report.errored_tests, ["upstream::hangs"]);
    assert_eq!(report.warned_tests, ["upstream::optional"]);

    let ready = runner.clone().tags(["ready"]).run(Tier::Fast);
    assert_eq!(ready.tests_run, 1);
}

#[test]
fn a_name_given_twice_or_a_bad_option_errors_the_check_and_says_what_to_write() {
    let report = Runner::new()
        .apps(["runtime_checks"])
        .check("runtime_checks::linked", || ())
        .run(Tier::Fast);
    let messages: Vec<(&str, &str)> = report
        .tests
        .iter()
        .map(|t| (&*t.name, t.message.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].1.starts_with(
            "duplicate smoke test name: also defined at smoketest/tests/runtime_checks.rs:"
        ),
        "{messages:?}"
    );
    assert_eq!(messages[0].0, "runtime_checks::linked");
    assert_eq!(report.tests_errored, 2);

    let report = runner()
        .check("upstream::bad", Check::new(|| ()).tags(["no spaces"]))
        .run(Tier::Fast);
    assert_eq!(
        report.tests[0].message.as_deref(),
        Some(
            "check \"upstream::bad\" cannot run: tag \"no spaces\" is not a tag: tags are made \
             of ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit, e.g. \
             \"ready\""
        )
    );
}

#[test]
fn checks_added_in_a_loop_from_configuration_run_once_each() {
    let mut runner = runner();
    for port in 0..4000 {
        runner = runner.check(format!("upstream::port_{port:04}"), || ());
    }
    let report = runner.run(Tier::Fast);
    assert_eq!((report.tests_run, report.tests_passed), (4000, 4000));
    assert_eq!(report.tests[0].name, "upstream::port_0000");
    assert_eq!(report.tests[3999].name, "upstream::port_3999");
}
