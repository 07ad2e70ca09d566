//! `checks::sqlx_pool` and `checks::sqlx_migrations` on SQLite files in a temporary directory
//! and on a throwaway PostgreSQL (see `tests/tests/db/mod.rs`), with the migrations of
//! `checks/migrations/` applied in part, changed, marked failed, and ahead of the binary.

use std::path::{Path, PathBuf};
use std::time::Duration;

use smoketest::checks;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Connection, Database, PgConnection, Pool};

use crate::common::{failed, passed, run_async};
use crate::db;

fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/checks/migrations")
}

/// A migrator over the first `count` migrations of the fixture, with `changed` (a version)
/// given other SQL: a binary older than the fixture, or built from an edited file.
async fn migrator(dir: &Path, count: usize, changed: Option<i64>) -> &'static Migrator {
    let copy = dir.join(format!("migrations-{count}-{changed:?}"));
    std::fs::create_dir_all(&copy).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(migrations_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    for file in files.iter().take(count) {
        let name = file.file_name().unwrap();
        let mut sql = std::fs::read_to_string(file).unwrap();
        if changed.is_some_and(|version| name.to_string_lossy().starts_with(&format!("{version}_")))
        {
            sql.push_str("-- edited after it was applied\n");
        }
        std::fs::write(copy.join(name), sql).unwrap();
    }
    Box::leak(Box::new(
        Migrator::new(copy).await.expect("the fixture's migrations"),
    ))
}

/// Every migration scenario on one database: `pool` starts empty.
async fn migrations_on<DB: Database>(pool: Pool<DB>, dir: &Path)
where
    DB::Connection: sqlx::migrate::Migrate,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let all = migrator(dir, 4, None).await;
    let older = migrator(dir, 2, None).await;
    assert_eq!(run_async(checks::sqlx_pool(pool.clone())).await, passed());
    assert_eq!(
        run_async(checks::sqlx_migrations(pool.clone(), all)).await,
        failed("the database is behind the binary: migrations 1, 2, 3, 4 not applied")
    );
    older.run(&pool).await.expect("the first two applied");
    assert_eq!(
        run_async(checks::sqlx_migrations(pool.clone(), all)).await,
        failed("the database is behind the binary: migrations 3, 4 not applied")
    );
    assert_eq!(
        run_async(checks::sqlx_migrations(pool.clone(), older)).await,
        passed()
    );
    let edited = migrator(dir, 2, Some(1)).await;
    assert_eq!(
        run_async(checks::sqlx_migrations(pool.clone(), edited)).await,
        failed(
            "migration 1 changed after it was applied: the checksum in _sqlx_migrations differs \
             from the binary's"
        )
    );
    all.run(&pool).await.expect("all applied");
    assert_eq!(
        run_async(checks::sqlx_migrations(pool.clone(), all)).await,
        passed()
    );
    // An older binary against the newer schema: no failure for the main check; the other
    // says so.
    assert_eq!(
        run_async(checks::sqlx_migrations(pool.clone(), older)).await,
        passed()
    );
    assert_eq!(
        run_async(checks::sqlx_migrations_ahead(pool.clone(), older)).await,
        failed("the database is ahead of the binary: migrations 3, 4 are not known to it")
    );
    assert_eq!(
        run_async(checks::sqlx_migrations_ahead(pool.clone(), all)).await,
        passed()
    );
    sqlx::raw_sql("UPDATE _sqlx_migrations SET success = false WHERE version = 2")
        .execute(&pool)
        .await
        .expect("marked failed");
    assert_eq!(
        run_async(checks::sqlx_migrations(pool.clone(), all)).await,
        failed("migration 2 failed when it was applied")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_answers_and_its_migrations_are_checked() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("app.db"))
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("an SQLite pool");
    migrations_on(pool, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_answers_and_its_migrations_are_checked() {
    let Some(url) = db::pg_url() else { return };
    let Some(mut admin) = db::postgres_or_skip(PgConnection::connect(&url).await) else {
        return;
    };
    // A schema of its own: other test binaries use the same database.
    let schema = format!("checks_{}", std::process::id());
    sqlx::raw_sql(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ))
    .execute(&mut admin)
    .await
    .expect("a schema");
    let options = url
        .parse::<PgConnectOptions>()
        .expect("a PostgreSQL URL")
        .options([("search_path", schema.as_str())]);
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("a pool");
    let dir = tempfile::tempdir().expect("a temporary directory");
    migrations_on(pool.clone(), dir.path()).await;
    pool.close().await;
    sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .expect("the schema dropped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_refuses_or_never_answers_fails_within_the_limit() {
    let Some(url) = db::pg_url() else { return };
    if db::postgres_or_skip(PgConnection::connect(&url).await).is_none() {
        return;
    }
    let wrong = db::pg_url_with_password("not-the-password");
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(3))
        .connect_lazy(&wrong)
        .expect("a lazy pool");
    let (outcome, message) = run_async(checks::sqlx_pool(pool)).await;
    assert_eq!(outcome, smoketest::Outcome::Failed);
    assert!(
        message.starts_with("expected the database to answer SELECT 1; it said: ")
            && message.contains("password authentication failed"),
        "{message}"
    );

    // A "database" that accepts connections and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = silent.local_addr().unwrap();
    let pool = PgPoolOptions::new()
        .connect_lazy(&format!("postgres://user:secret@{address}/app"))
        .expect("a lazy pool");
    let started = std::time::Instant::now();
    let check = checks::sqlx_pool(pool.clone()).give_up_after(Duration::from_millis(300));
    assert_eq!(
        run_async(check).await,
        failed("expected the database to answer SELECT 1 within 300 ms; no answer in that time")
    );
    let migrations = Box::leak(Box::new(Migrator::new(migrations_dir()).await.unwrap()));
    let check = checks::sqlx_migrations(pool, migrations).give_up_after(Duration::from_millis(300));
    assert_eq!(
        run_async(check).await,
        failed("expected to read the database's migrations within 300 ms; no answer in that time")
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}
