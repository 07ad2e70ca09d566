//! The runner rolls back after every rolled-back test, however it ended, with blocking and async
//! providers and bodies. (Real databases are checked in the provider tests.)

use std::time::Duration;

use smoketest::{Outcome, Tier};

#[test]
fn every_rolled_back_test_is_rolled_back_whatever_it_did() {
    let report = fixture_rollback::runner().run(Tier::Fast);
    // The timed-out sync body is rolled back on its own thread when it returns.
    std::thread::sleep(Duration::from_millis(500));
    let expected = [
        "journal rolled back [\"async/async errs\"]",
        "journal rolled back [\"async/async fails\"]",
        "journal rolled back [\"async/async panics\"]",
        "journal rolled back [\"async/async passes\"]",
        "journal rolled back [\"async/async times out\"]",
        "ledger rolled back [\"async/sync times out\"]",
        "ledger rolled back [\"sync/sync errs\"]",
        "ledger rolled back [\"sync/sync fails\"]",
        "ledger rolled back [\"sync/sync panics\"]",
        "ledger rolled back [\"sync/sync passes\"]",
        "ledger rolled back [\"sync/sync times out\"]",
    ];
    assert_eq!(fixture_rollback::take_events(), expected);
    let outcome = |name: &str| {
        let test = report
            .tests
            .iter()
            .find(|t| t.name.ends_with(name))
            .unwrap();
        (test.outcome, test.message.clone().unwrap_or_default())
    };
    assert_eq!(
        outcome("sync_body_sync_provider_passes"),
        (Outcome::Passed, String::new())
    );
    assert_eq!(
        outcome("async_body_async_provider_passes"),
        (Outcome::Passed, String::new())
    );
    assert_eq!(
        outcome("sync_body_async_provider_is_refused"),
        (
            Outcome::Errored,
            "takes `&mut fixture_rollback::Journal`, the handle of an async rollback provider, \
             which needs an async test: make `sync_body_async_provider_is_refused` an `async fn`"
                .into()
        )
    );
    assert_eq!(outcome("sync_body_sync_provider_fails").0, Outcome::Failed);
    assert_eq!(
        outcome("async_body_async_provider_times_out"),
        (Outcome::Errored, "timed out after 100ms".into())
    );
    assert_eq!(
        outcome("cannot_begin"),
        (
            Outcome::Errored,
            "rollback could not begin: connection refused: postgres://app:***@db:5432/app".into()
        )
    );
    assert_eq!(
        outcome("cannot_roll_back"),
        (
            Outcome::Errored,
            "rollback failed: server closed the connection unexpectedly".into()
        )
    );
    assert!(report.tests.iter().all(|t| t.rolled_back));
}

#[test]
fn a_rolled_back_test_without_its_provider_is_errored() {
    let report = smoketest::Runner::new()
        .apps(["fixture_rollback"])
        .filter("sync_body_sync_provider_passes")
        .run(Tier::Fast);
    assert_eq!(report.tests[0].outcome, Outcome::Errored);
    assert_eq!(
        report.tests[0].message.as_deref(),
        Some(
            "no rollback provider registered for `fixture_rollback::Ledger`; register one with \
             `Runner::rollback(provider)` (or `rollback_async` for async clients)"
        )
    );
}
