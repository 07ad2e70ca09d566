//! `SqlxRollback` on real databases: whatever a rolled-back test does, a separate connection
//! counts none of its rows afterwards, and the pool is as healthy as before.
//!
//! PostgreSQL at `SMOKETEST_PG_URL`, else on the default URL, else a throwaway cluster this test
//! binary starts (`smoketest_pg_harness`). Without any, these tests fail under `CI=true` and
//! print a loud SKIPPED line elsewhere.

#[path = "db/mod.rs"]
mod db;

use std::time::{Duration, Instant};

use smoketest::rollback::sqlx::SqlxRollback;
use smoketest::{Outcome, Report, Runner, Tier};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Connection, PgConnection, PgPool, SqliteConnection};

use db::outcome_of;

/// A pool whose connections PostgreSQL lists under `application_name`, so a test can find its
/// own in `pg_stat_activity` while other test binaries use the same database.
async fn pg_pool(application_name: &str, max_connections: u32) -> Option<PgPool> {
    let options = db::pg_url()?
        .parse::<PgConnectOptions>()
        .expect("a PostgreSQL URL")
        .application_name(application_name);
    // One plain connection first: a pool retries a refused connection until its timeout, and
    // then reports only that it timed out.
    let reachable = PgConnection::connect_with(&options).await;
    db::postgres_or_skip(reachable)?.close().await.ok();
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .expect("a pool");
    // Open every connection before the tests start: a debug build takes a while for
    // PostgreSQL's password exchange, which would count against a short test's time limit.
    let mut connections = Vec::new();
    for _ in 0..max_connections {
        connections.push(pool.acquire().await.expect("a pooled connection"));
    }
    drop(connections);
    Some(pool)
}

async fn count_pg(table: &str, condition: &str) -> i64 {
    // A separate connection, not the pool the tests used.
    let mut connection = PgConnection::connect(&db::known_pg_url())
        .await
        .expect("a separate connection");
    let (count,): (i64,) =
        sqlx::query_as(&format!("SELECT count(*) FROM {table} WHERE {condition}"))
            .fetch_one(&mut connection)
            .await
            .expect("count");
    count
}

/// Waits until the pool has every connection back, and PostgreSQL shows none of them in a
/// transaction; then checks a fresh query works.
async fn assert_pool_healthy(pool: &PgPool, application_name: &str, max_connections: u32) {
    let deadline = Instant::now() + Duration::from_secs(5);
    let (idle_in_transaction, connections) = loop {
        let mut connection = PgConnection::connect(&db::known_pg_url())
            .await
            .expect("a separate connection");
        let (idle_in_transaction, connections): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE state LIKE 'idle in transaction%'), count(*) \
             FROM pg_stat_activity WHERE application_name = $1",
        )
        .bind(application_name)
        .fetch_one(&mut connection)
        .await
        .expect("pg_stat_activity");
        let returned = pool.num_idle() == pool.size() as usize;
        if (idle_in_transaction == 0 && returned) || Instant::now() > deadline {
            break (idle_in_transaction, connections);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        idle_in_transaction, 0,
        "connections left idle in transaction"
    );
    assert_eq!(
        pool.num_idle(),
        pool.size() as usize,
        "connections not back in the pool"
    );
    assert!(pool.size() <= max_connections, "pool size {}", pool.size());
    assert!(
        connections <= i64::from(max_connections),
        "{connections} connections"
    );
    let (one,): (i32,) = sqlx::query_as("SELECT 1")
        .fetch_one(pool)
        .await
        .expect("a fresh query on the pool");
    assert_eq!(one, 1);
}

/// Every outcome test ended as it should, with the message a user sees.
fn assert_outcomes(report: &Report) {
    let timed_out = (Outcome::Errored, "timed out after 200ms".to_owned());
    assert_eq!(
        outcome_of(report, "passes"),
        (Outcome::Passed, String::new())
    );
    let (outcome, message) = outcome_of(report, "sync_is_refused");
    assert_eq!(outcome, Outcome::Errored);
    assert!(
        message.starts_with("takes `&mut sqlx_core::transaction::Transaction<")
            && message.ends_with(
                "the handle of an async rollback provider, which needs an async test: \
                 make `sync_is_refused` an `async fn`"
            ),
        "{message}"
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
    assert_eq!(outcome_of(report, "times_out"), timed_out);
    assert!(report.tests.iter().all(|test| test.rolled_back));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_writes_are_rolled_back_however_the_test_ends() {
    const APP: &str = "smoketest-db-sqlx-outcomes";
    // Enough connections for all 8 tests at once: a test waiting for one would eat into its time.
    let Some(pool) = pg_pool(APP, 10).await else {
        return;
    };
    let table = fixture_db_sqlx::PG_TABLE;
    sqlx::query(&format!(
        "CREATE TABLE IF NOT EXISTS {table} (tag text NOT NULL)"
    ))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(&format!("DELETE FROM {table}"))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(&format!(
        "INSERT INTO {table} (tag) VALUES ('committed outside')"
    ))
    .execute(&pool)
    .await
    .unwrap();

    let report = Runner::new()
        .apps(["fixture_db_sqlx::pg"])
        .rollback_async(SqlxRollback::new(pool.clone()))
        .with_state(tokio::runtime::Handle::current())
        .run_async(Tier::Fast)
        .await;
    assert_outcomes(&report);
    assert_eq!(
        outcome_of(&report, "times_out_mid_query"),
        (Outcome::Errored, "timed out after 200ms".to_owned())
    );
    assert_eq!(report.tests_run, 7);

    assert_eq!(
        count_pg(table, "tag <> 'committed outside'").await,
        0,
        "rows left by rolled-back tests"
    );
    assert_eq!(
        count_pg(table, "tag = 'committed outside'").await,
        1,
        "the row committed outside the tests"
    );
    assert_pool_healthy(&pool, APP, 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writes_are_rolled_back_however_the_test_ends() {
    let file = db::TempDb::new("sqlx");
    let table = fixture_db_sqlx::SQLITE_TABLE;
    let options = SqliteConnectOptions::new()
        .filename(&file.0)
        .create_if_missing(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(5)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE TABLE {table} (tag text NOT NULL)"))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(&format!(
        "INSERT INTO {table} (tag) VALUES ('committed outside')"
    ))
    .execute(&pool)
    .await
    .unwrap();

    let runner = Runner::new()
        .apps(["fixture_db_sqlx::sqlite"])
        .rollback_async(SqlxRollback::new(pool.clone()))
        .with_state(tokio::runtime::Handle::current());
    let report = runner.run_async(Tier::Fast).await;
    assert_outcomes(&report);
    assert_eq!(report.tests.len(), 6);

    let mut separate = SqliteConnection::connect(&format!("sqlite://{}", file.0.display()))
        .await
        .unwrap();
    let (left, committed): (i64, i64) = sqlx::query_as(&format!(
        "SELECT count(*) FILTER (WHERE tag <> 'committed outside'), count(*) FILTER (WHERE tag = 'committed outside') FROM {table}"
    ))
    .fetch_one(&mut separate)
    .await
    .unwrap();
    assert_eq!(
        (left, committed),
        (0, 1),
        "(rows left by rolled-back tests, the row committed outside)"
    );
    // Nobody holds the write lock any more, and the pool answers.
    sqlx::query(&format!("INSERT INTO {table} (tag) VALUES ('after')"))
        .execute(&mut separate)
        .await
        .unwrap();
    assert_eq!(
        pool.num_idle(),
        pool.size() as usize,
        "connections not back in the pool"
    );
    let (one,): (i32,) = sqlx::query_as("SELECT 1").fetch_one(&pool).await.unwrap();
    assert_eq!(one, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stress_1000_concurrent_rolled_back_runs_leak_no_row() {
    const APP: &str = "smoketest-db-sqlx-stress";
    const RUNS: usize = 20;
    let Some(pool) = pg_pool(APP, 20).await else {
        return;
    };
    let table = fixture_db_sqlx::STRESS_TABLE;
    sqlx::query(&format!(
        "CREATE TABLE IF NOT EXISTS {table} (tag text NOT NULL)"
    ))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(&format!("DELETE FROM {table}"))
        .execute(&pool)
        .await
        .unwrap();

    let runner = Runner::new()
        .apps(["fixture_db_sqlx::stress"])
        .rollback_async(SqlxRollback::new(pool.clone()));
    let started = Instant::now();
    // All 20 runs at once: up to 1000 tests in flight over 20 connections.
    let runs: Vec<_> = (0..RUNS)
        .map(|_| {
            let runner = runner.clone();
            tokio::spawn(async move { runner.run_async(Tier::Fast).await })
        })
        .collect();
    let mut passed = 0;
    for run in runs {
        let report = run.await.unwrap();
        assert_eq!(report.tests_run, 50);
        assert_eq!(report.tests_passed, 50, "{}", report.to_text());
        passed += report.tests_passed;
    }
    let elapsed = started.elapsed();
    let leaked = count_pg(table, "true").await;
    eprintln!(
        "sqlx-postgres stress: {passed} rolled-back runs, {leaked} rows leaked, {elapsed:.2?}"
    );
    assert_eq!(passed, 1000);
    assert_eq!(leaked, 0, "rows left by 1000 rolled-back runs");
    assert_pool_healthy(&pool, APP, 20).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_begin_shows_the_database_message_without_the_password() {
    // Reachability first, with the right password, so a missing PostgreSQL skips or fails loudly.
    let Some(_) = pg_pool("smoketest-db-sqlx-begin", 1).await else {
        return;
    };
    let url = db::pg_url_with_password("wrong-password-hunter2");
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy(&url)
        .unwrap();

    let report = Runner::new()
        .apps(["fixture_db_sqlx::pg"])
        .filter("::pg::passes")
        .rollback_async(SqlxRollback::new(pool))
        .run_async(Tier::Fast)
        .await;
    let (outcome, message) = outcome_of(&report, "passes");
    assert_eq!(outcome, Outcome::Errored);
    assert_eq!(
        message,
        "rollback could not begin: error returned from database: password authentication failed for user \"smoketest\""
    );
    assert!(!report.to_json().contains("hunter2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbid_state_errors_a_test_that_takes_the_pool_directly() {
    let Some(pool) = pg_pool("smoketest-db-sqlx-forbid", 1).await else {
        return;
    };
    let report = Runner::new()
        .apps(["fixture_db_sqlx::direct"])
        .with_state(pool)
        .forbid_state::<PgPool, sqlx::Transaction<'static, sqlx::Postgres>>()
        .run_async(Tier::Fast)
        .await;
    assert_eq!(
        outcome_of(&report, "writes_through_the_pool"),
        (
            Outcome::Errored,
            "takes `&sqlx_core::pool::Pool<sqlx_postgres::database::Postgres>` directly, which could \
             commit, and this runner forbids it (`Runner::forbid_state`); write through a rolled-back \
             transaction instead: `#[smoke_test(rolled_back)] fn …(tx: &mut \
             sqlx_core::transaction::Transaction<'_, sqlx_postgres::database::Postgres>)`"
                .to_owned()
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_each_attempt_of_a_retried_test_gets_a_fresh_transaction() {
    use fixture_db_sqlx::retried::SEEN;
    const APP: &str = "smoketest-db-sqlx-retried";
    let Some(pool) = pg_pool(APP, 2).await else {
        return;
    };
    let table = fixture_db_sqlx::RETRIED_TABLE;
    for statement in [
        format!("CREATE TABLE IF NOT EXISTS {table} (tag text NOT NULL)"),
        format!("DELETE FROM {table}"),
    ] {
        sqlx::query(&statement).execute(&pool).await.unwrap();
    }
    let report = Runner::new()
        .apps(["fixture_db_sqlx::retried"])
        .rollback_async(SqlxRollback::new(pool.clone()))
        .run_async(Tier::Fast)
        .await;
    assert_eq!(
        outcome_of(&report, "fails_twice"),
        (Outcome::Passed, String::new())
    );
    assert_eq!(report.tests[0].attempts, 3);
    // Each attempt wrote a row and saw only its own: the one before was rolled back first.
    assert_eq!(*SEEN.lock().unwrap(), [0, 0, 0]);
    assert_eq!(
        count_pg(table, "true").await,
        0,
        "rows left by the attempts"
    );
    assert_pool_healthy(&pool, APP, 2).await;
}
