//! The runner rolls back after every rolled-back test, however it ended, with blocking and async
//! providers and bodies. (Real databases are checked in the provider tests.)

use std::time::Duration;

use smoketest::{Outcome, Runner, Tier, smoke_test};
// Linked for their rolled-back tests, run here without a provider.
use {fixture_db_diesel as _, fixture_db_rusqlite as _, fixture_db_sqlx as _};

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

/// Handles a test might take that smoketest's providers don't hand out.
mod not_handles {
    use smoketest::smoke_test;

    #[smoke_test(rolled_back)]
    fn rusqlite_transaction(_tx: &mut rusqlite::Transaction<'static>) {}

    #[smoke_test(rolled_back)]
    async fn sqlx_connection(_conn: &mut sqlx::PgConnection) {}
}

#[smoke_test(rolled_back)]
fn own_handle(_handle: &mut fixture_rollback::Ledger) {}

/// The message names the handle as the test wrote it and the registration for it.
#[test]
fn a_missing_provider_is_named_with_the_registration_it_needs() {
    let report = Runner::new()
        .apps([
            "fixture_db_sqlx::pg::passes",
            "fixture_db_sqlx::sqlite::passes",
            "fixture_db_rusqlite::outcomes::passes",
            "fixture_db_diesel::pg::passes",
            "fixture_db_diesel::sqlite::passes",
            "rollback::not_handles",
            "rollback::own_handle",
        ])
        .run(Tier::Fast);
    let messages: Vec<(&str, &str)> = report
        .tests
        .iter()
        .map(|test| {
            assert_eq!(test.outcome, Outcome::Errored, "{}", test.name);
            (&*test.name, test.message.as_deref().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        messages,
        [
            (
                "fixture_db_diesel::pg::passes",
                "no rollback provider registered for `diesel::PgConnection`; register one with \
                 `Runner::rollback(DieselRollback::<PgConnection>::establish(url))` (feature \
                 `diesel-postgres` of smoketest)"
            ),
            (
                "fixture_db_diesel::sqlite::passes",
                "no rollback provider registered for `diesel::SqliteConnection`; register one \
                 with `Runner::rollback(DieselRollback::<SqliteConnection>::establish(url))` \
                 (feature `diesel-sqlite` of smoketest)"
            ),
            (
                "fixture_db_rusqlite::outcomes::passes",
                "no rollback provider registered for `rusqlite::Connection`; register one with \
                 `Runner::rollback(RusqliteRollback::open(path))` (feature `rusqlite` of \
                 smoketest)"
            ),
            (
                "fixture_db_sqlx::pg::passes",
                "no rollback provider registered for `sqlx::Transaction<'_, Postgres>`; register \
                 one with `Runner::rollback_async(SqlxRollback::new(pool))` (feature \
                 `sqlx-postgres` of smoketest)"
            ),
            (
                "fixture_db_sqlx::sqlite::passes",
                "no rollback provider registered for `sqlx::Transaction<'_, Sqlite>`; register \
                 one with `Runner::rollback_async(SqlxRollback::new(pool))` (feature \
                 `sqlx-sqlite` of smoketest)"
            ),
            (
                "rollback::not_handles::rusqlite_transaction",
                "no rollback provider registered for `rusqlite::Transaction<'_>`, and none of \
                 smoketest's hands one out: take `&mut rusqlite::Connection` and register \
                 `Runner::rollback(RusqliteRollback::open(path))` (feature `rusqlite` of \
                 smoketest)"
            ),
            (
                "rollback::not_handles::sqlx_connection",
                "no rollback provider registered for `sqlx::PgConnection`, and none of \
                 smoketest's hands one out: take `&mut sqlx::Transaction<'static, Postgres>` and \
                 register `Runner::rollback_async(SqlxRollback::new(pool))` (feature \
                 `sqlx-postgres` of smoketest)"
            ),
            (
                "rollback::own_handle",
                "no rollback provider registered for `fixture_rollback::Ledger`; register one \
                 with `Runner::rollback(provider)` (or `rollback_async` for async clients)"
            ),
        ]
    );
}
