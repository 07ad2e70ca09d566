//! `RusqliteRollback` on SQLite files: whatever a rolled-back test does — even `COMMIT` — a
//! separate connection counts none of its rows afterwards, and no lock is left behind.

#[path = "db/mod.rs"]
mod db;

use std::time::{Duration, Instant};

use rusqlite::Connection;
use smoketest::rollback::rusqlite::RusqliteRollback;
use smoketest::{Outcome, Runner, Tier};

use db::{TempDb, outcome_of};

/// A database file with `table`, holding one row committed outside the tests.
fn database(name: &str, table: &str) -> TempDb {
    let file = TempDb::new(name);
    let db = Connection::open(&file.0).unwrap();
    db.execute_batch(&format!(
        "CREATE TABLE {table} (tag TEXT NOT NULL); INSERT INTO {table} (tag) VALUES ('committed outside');"
    ))
    .unwrap();
    file
}

/// (rows the tests left, rows committed outside), counted on a separate connection.
fn count(file: &TempDb, table: &str) -> (i64, i64) {
    let db = Connection::open(&file.0).unwrap();
    db.query_row(
        &format!(
            "SELECT count(*) FILTER (WHERE tag <> 'committed outside'), \
             count(*) FILTER (WHERE tag = 'committed outside') FROM {table}"
        ),
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .unwrap()
}

/// Whether nobody holds a lock on the file: a separate connection gets the write lock at once.
fn write_lock_is_free(file: &TempDb) -> bool {
    let db = Connection::open(&file.0).unwrap();
    db.busy_timeout(Duration::ZERO).unwrap();
    db.execute_batch("BEGIN IMMEDIATE; ROLLBACK;").is_ok()
}

#[test]
fn writes_are_rolled_back_however_the_test_ends() {
    let table = fixture_db_rusqlite::TABLE;
    let file = database("rusqlite-outcomes", table);
    let runner = Runner::new()
        .apps(["fixture_db_rusqlite::outcomes"])
        .rollback(RusqliteRollback::open(&file.0));
    // SQLite has one writer at a time: the body that outlives its timeout holds the write lock
    // until it returns, which would hold up the other tests' writes past their own time limits.
    // So it runs on its own, after them.
    let mut report = runner
        .clone()
        .skip_apps(["fixture_db_rusqlite::outcomes::times_out"])
        .run(Tier::Fast);
    report
        .tests
        .extend(runner.filter("::outcomes::times_out").run(Tier::Fast).tests);
    assert_eq!(report.tests.len(), 7);

    let timed_out = (Outcome::Errored, "timed out after 200ms".to_owned());
    assert_eq!(
        outcome_of(&report, "passes"),
        (Outcome::Passed, String::new())
    );
    assert_eq!(
        outcome_of(&report, "fails"),
        (
            Outcome::Failed,
            "fails on purpose: `false` is not true".to_owned()
        )
    );
    assert_eq!(
        outcome_of(&report, "returns_err"),
        (Outcome::Errored, "errs on purpose".to_owned())
    );
    assert_eq!(
        outcome_of(&report, "panics"),
        (Outcome::Errored, "panicked: panics on purpose".to_owned())
    );
    assert_eq!(outcome_of(&report, "times_out"), timed_out);
    assert_eq!(outcome_of(&report, "async_times_out"), timed_out);
    assert_eq!(
        outcome_of(&report, "commits"),
        (
            Outcome::Errored,
            "rollback failed: the test ended the transaction itself (a COMMIT is refused and \
             rolled back, a ROLLBACK ends it early); a smoke test must never commit"
                .to_owned()
        )
    );

    // The timed-out body sleeps 500 ms, then its transaction is rolled back on its thread:
    // once the write lock is free, every test's transaction has ended.
    assert!(
        db::eventually(Duration::from_secs(5), || write_lock_is_free(&file)),
        "a test's transaction still holds the write lock"
    );
    assert_eq!(count(&file, table), (0, 1));
}

#[test]
fn stress_1000_concurrent_rolled_back_runs_leak_no_row() {
    const RUNS: usize = 20;
    const AT_ONCE: usize = 4;
    let table = fixture_db_rusqlite::STRESS_TABLE;
    let file = database("rusqlite-stress", table);
    // Generous: up to 200 tests wait for SQLite's single write lock at once.
    let provider = RusqliteRollback::open(&file.0).busy_timeout(Duration::from_secs(30));
    let runner = Runner::new()
        .apps(["fixture_db_rusqlite::stress"])
        .rollback(provider)
        .default_timeout(Duration::from_secs(60));
    let started = Instant::now();
    // 4 runs at a time, each running its 50 tests at once.
    let passed: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..AT_ONCE)
            .map(|_| {
                let runner = runner.clone();
                scope.spawn(move || {
                    (0..RUNS / AT_ONCE)
                        .map(|_| {
                            let report = runner.run(Tier::Fast);
                            assert_eq!(report.tests_run, 50);
                            assert_eq!(report.tests_passed, 50, "{}", report.to_text());
                            report.tests_passed
                        })
                        .sum::<usize>()
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .sum()
    });
    let elapsed = started.elapsed();
    let (leaked, committed) = count(&file, table);
    eprintln!("rusqlite stress: {passed} rolled-back runs, {leaked} rows leaked, {elapsed:.2?}");
    assert_eq!(passed, 1000);
    assert_eq!((leaked, committed), (0, 1));
    assert!(write_lock_is_free(&file));
}

#[test]
fn a_connection_that_cannot_open_makes_the_test_errored_with_sqlites_message() {
    let report = Runner::new()
        .apps(["fixture_db_rusqlite::outcomes"])
        .filter("::outcomes::passes")
        .rollback(RusqliteRollback::open("/nonexistent-smoketest-dir/app.db"))
        .run(Tier::Fast);
    assert_eq!(
        outcome_of(&report, "passes"),
        (Outcome::Errored, "rollback could not begin: unable to open database file: /nonexistent-smoketest-dir/app.db: \
             Error code 14: Unable to open the database file"
                .to_owned())
    );
}

#[test]
fn each_attempt_of_a_retried_test_gets_a_fresh_transaction() {
    use fixture_db_rusqlite::retried::SEEN;
    let table = fixture_db_rusqlite::RETRIED_TABLE;
    let file = database("rusqlite-retried", table);
    let report = Runner::new()
        .apps(["fixture_db_rusqlite::retried"])
        .rollback(RusqliteRollback::open(&file.0))
        .run(Tier::Fast);
    assert_eq!(
        outcome_of(&report, "fails_twice"),
        (Outcome::Passed, String::new())
    );
    assert_eq!(report.tests[0].attempts, 3);
    // Each attempt wrote a row and saw only its own: the one before was rolled back first.
    assert_eq!(*SEEN.lock().unwrap(), [0, 0, 0]);
    assert_eq!(count(&file, table), (0, 1));
    assert!(write_lock_is_free(&file));
}
