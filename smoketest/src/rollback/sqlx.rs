//! Rolled-back tests on an [sqlx](https://docs.rs/sqlx/0.8) 0.8 pool (feature `sqlx`, or
//! `sqlx-postgres`, `sqlx-sqlite`, `sqlx-mysql` to also enable that driver).

use ::sqlx::{Database, Pool, Transaction};

use crate::rollback::AsyncRollbackProvider;
use crate::{Error, Result};

/// Gives each `#[smoke_test(rolled_back)]` test a transaction from an sqlx pool and rolls it back
/// after the test, explicitly: sqlx only *queues* a rollback when a transaction is dropped.
///
/// The test takes `&mut sqlx::Transaction<'static, DB>` and writes through it with
/// `.execute(&mut **tx)`. Any database sqlx supports works; the app enables sqlx's driver and
/// runtime (`runtime-tokio`) itself, and registers the provider with
/// [`Runner::rollback_async`](crate::Runner::rollback_async):
///
/// ```no_run
/// use smoketest::rollback::sqlx::SqlxRollback;
/// use smoketest::{smoke_test, Result, Runner};
/// use sqlx::{PgPool, Postgres, Transaction};
///
/// #[smoke_test(rolled_back)]
/// async fn can_place_an_order(tx: &mut Transaction<'static, Postgres>) -> Result {
///     sqlx::query("INSERT INTO orders (sku, quantity) VALUES ('SMOKE-1', 1)")
///         .execute(&mut **tx)
///         .await?;
///     let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM orders WHERE sku = 'SMOKE-1'")
///         .fetch_one(&mut **tx)
///         .await?;
///     smoketest::assert_equal!(count, 1);
///     Ok(())
/// } // rolled back here, whatever happened above
///
/// # async fn check() -> std::process::ExitCode {
/// let pool = PgPool::connect("postgres://app@db/app").await.expect("database");
/// Runner::new().rollback_async(SqlxRollback::new(pool)).run_cli_async().await
/// # }
/// ```
///
/// # What can go wrong, and what is reported
///
/// - `BEGIN` fails (pool timed out, wrong password, database down): the test is errored with
///   `rollback could not begin: ` and sqlx's message, passwords redacted.
/// - `ROLLBACK` fails (the connection broke): the test is errored with `rollback failed: …`.
///   The transaction is then dropped with its rollback queued, and the pool flushes that
///   rollback before it reuses the connection, or closes the connection if it can't: either
///   way nothing the test wrote is committed.
/// - An async test that times out is dropped first, then rolled back the same way, so a
///   query it left in flight is finished or abandoned before the `ROLLBACK`.
///
/// Write rolled-back sqlx tests as `async fn`: a synchronous body has no runtime to drive the
/// transaction on.
pub struct SqlxRollback<DB: Database> {
    pool: Pool<DB>,
}

impl<DB: Database> SqlxRollback<DB> {
    /// A provider that begins each test's transaction on `pool` (a clone of the app's pool
    /// shares its connections).
    pub fn new(pool: Pool<DB>) -> Self {
        SqlxRollback { pool }
    }

    /// The pool transactions are begun on.
    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}

impl<DB: Database> Clone for SqlxRollback<DB> {
    fn clone(&self) -> Self {
        SqlxRollback {
            pool: self.pool.clone(),
        }
    }
}

impl<DB: Database> std::fmt::Debug for SqlxRollback<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlxRollback")
            .field("database", &DB::NAME)
            .finish_non_exhaustive()
    }
}

impl<DB: Database> AsyncRollbackProvider for SqlxRollback<DB> {
    type Handle = Transaction<'static, DB>;

    async fn begin(&self) -> Result<Transaction<'static, DB>> {
        // sqlx's message is the database's own ("password authentication failed for user …");
        // the runner prefixes it and redacts credentials.
        self.pool.begin().await.map_err(|error| Error::msg(error))
    }

    async fn rollback(&self, transaction: Transaction<'static, DB>) -> Result {
        // On failure `rollback` has dropped the transaction with a rollback queued: the pool
        // runs it (or closes the connection) before handing the connection out again.
        transaction.rollback().await.map_err(|error| {
            Error::msg(format!(
                "{error} (the connection goes back to the pool with its rollback queued, or is \
                 closed: nothing was committed)"
            ))
        })
    }
}
