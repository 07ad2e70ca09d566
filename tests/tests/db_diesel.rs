//! `DieselRollback` on PostgreSQL and SQLite: whatever a rolled-back test does, a separate
//! connection counts none of its rows afterwards, and no connection is left in a transaction.
//!
//! PostgreSQL at `SMOKETEST_PG_URL`, else on the default URL, else a throwaway cluster this test
//! binary starts (`smoketest_pg_harness`). Without any, these tests fail under `CI=true` and
//! print a loud SKIPPED line elsewhere.

#[path = "db/mod.rs"]
mod db;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use smoketest::rollback::diesel::DieselRollback;
use smoketest::{Outcome, Report, Runner, Tier};

use db::outcome_of;

#[derive(QueryableByName, Debug, PartialEq)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    left: i64,
    #[diesel(sql_type = BigInt)]
    committed: i64,
}

/// (rows the tests left, rows committed outside), on the connection given (a separate one).
fn count<C: Connection>(conn: &mut C, table: &str, except: &str) -> (i64, i64)
where
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, Counts>,
{
    let counts: Counts = diesel::sql_query(format!(
        "SELECT count(CASE WHEN tag NOT IN ('committed outside', '{except}') THEN 1 END) AS \"left\", \
         count(CASE WHEN tag = 'committed outside' THEN 1 END) AS committed FROM {table}"
    ))
    .get_result(conn)
    .unwrap();
    (counts.left, counts.committed)
}

/// A URL whose connections PostgreSQL lists under `application_name`.
fn pg_url(application_name: &str) -> String {
    let url = db::known_pg_url();
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}application_name={application_name}")
}

fn assert_outcomes(report: &Report) {
    assert_eq!(
        outcome_of(report, "passes"),
        (Outcome::Passed, String::new())
    );
    assert_eq!(
        outcome_of(report, "nests_a_transaction"),
        (Outcome::Passed, String::new())
    );
    assert_eq!(
        outcome_of(report, "fails"),
        (
            Outcome::Failed,
            "fails on purpose: `false` is not true".to_owned()
        )
    );
    assert_eq!(
        outcome_of(report, "returns_err"),
        (Outcome::Errored, "errs on purpose".to_owned())
    );
    assert_eq!(
        outcome_of(report, "panics"),
        (Outcome::Errored, "panicked: panics on purpose".to_owned())
    );
    assert_eq!(
        outcome_of(report, "times_out"),
        (Outcome::Errored, "timed out after 200ms".to_owned())
    );
    assert!(report.tests.iter().all(|test| test.rolled_back));
}

#[test]
fn postgres_writes_are_rolled_back_however_the_test_ends() {
    const APP: &str = "smoketest-db-diesel-outcomes";
    let Some(url) = db::pg_url() else {
        return;
    };
    let Some(mut separate) = db::postgres_or_skip(PgConnection::establish(&url)) else {
        return;
    };
    let table = fixture_db_diesel::PG_TABLE;
    separate
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {table} (tag text NOT NULL); DELETE FROM {table}; \
             INSERT INTO {table} (tag) VALUES ('committed outside');"
        ))
        .unwrap();

    let report = Runner::new()
        .apps(["fixture_db_diesel::pg"])
        .rollback(DieselRollback::<PgConnection>::establish(pg_url(APP)))
        .run(Tier::Fast);
    assert_outcomes(&report);
    assert_eq!(report.tests_run, 6);

    // The timed-out body sleeps 500 ms, then its transaction is rolled back on its thread.
    let mut stats = || -> (i64, i64) {
        #[derive(QueryableByName)]
        struct Activity {
            #[diesel(sql_type = BigInt)]
            connections: i64,
        }
        let activity: Activity = diesel::sql_query(format!(
            "SELECT count(*) AS connections FROM pg_stat_activity WHERE application_name = '{APP}'"
        ))
        .get_result(&mut separate)
        .unwrap();
        let (left, committed) = count(&mut separate, table, "");
        (activity.connections, left + 10 * committed)
    };
    // Each test's connection is closed after its rollback: none is left, in a transaction or not.
    assert!(
        db::eventually(Duration::from_secs(5), || stats() == (0, 10)),
        "(connections, left + 10 × committed) = {:?}",
        stats()
    );
}

#[test]
fn sqlite_writes_are_rolled_back_however_the_test_ends() {
    let file = db::TempDb::new("diesel");
    let table = fixture_db_diesel::SQLITE_TABLE;
    let path = file.0.to_str().unwrap().to_owned();
    let mut separate = SqliteConnection::establish(&path).unwrap();
    separate
        .batch_execute(&format!(
            "CREATE TABLE {table} (tag TEXT NOT NULL); INSERT INTO {table} (tag) VALUES ('committed outside');"
        ))
        .unwrap();

    let runner = Runner::new()
        .apps(["fixture_db_diesel::sqlite"])
        .rollback(DieselRollback::<SqliteConnection>::establish(&path));
    // SQLite has one writer at a time: the body that outlives its timeout would hold up the
    // others past their own time limits, so it runs on its own, after them.
    let mut report = runner
        .clone()
        .skip_apps(["fixture_db_diesel::sqlite::times_out"])
        .run(Tier::Fast);
    report
        .tests
        .extend(runner.filter("::sqlite::times_out").run(Tier::Fast).tests);
    assert_outcomes(&report);
    assert_eq!(report.tests.len(), 7);
    // The one thing rollback can't undo: a test that commits itself. It is reported.
    assert_eq!(
        outcome_of(&report, "commits"),
        (
            Outcome::Errored,
            "rollback failed: the test ended the transaction itself; its writes may have been \
             committed (cannot rollback - no transaction is active)"
                .to_owned()
        )
    );

    // The timed-out body sleeps 500 ms, then its transaction is rolled back on its thread:
    // once the write lock is free, every test's transaction has ended.
    let lock_is_free = || {
        separate
            .batch_execute("PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;")
            .is_ok()
    };
    assert!(
        db::eventually(Duration::from_secs(5), lock_is_free),
        "a test's transaction still holds the write lock"
    );
    assert_eq!(count(&mut separate, table, "commits"), (0, 1));
}

#[test]
fn a_failed_begin_shows_the_database_message_with_the_password_redacted() {
    let Some(url) = db::pg_url() else {
        return;
    };
    let Some(_) = db::postgres_or_skip(PgConnection::establish(&url)) else {
        return;
    };
    let url = db::pg_url_with_password("wrong-password-hunter2");
    // A factory that names the URL in its error, as app code often does: the report must not
    // show the password.
    let provider = DieselRollback::new(move || {
        PgConnection::establish(&url).map_err(|error| format!("cannot connect to {url}: {error}"))
    });
    let report = Runner::new()
        .apps(["fixture_db_diesel::pg"])
        .filter("::pg::passes")
        .rollback(provider)
        .run(Tier::Fast);
    let (outcome, message) = outcome_of(&report, "passes");
    assert_eq!(outcome, Outcome::Errored);
    let redacted =
        smoketest::redact_credentials(&db::pg_url_with_password("wrong-password-hunter2"));
    assert!(
        message.starts_with(&format!(
            "rollback could not begin: cannot connect to {redacted}: connection to server at"
        )),
        "{message}"
    );
    assert!(
        message.ends_with("password authentication failed for user \"smoketest\""),
        "{message}"
    );
    assert!(!report.to_json().contains("hunter2"));
}
