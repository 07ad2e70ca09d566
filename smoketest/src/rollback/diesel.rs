//! Rolled-back tests on [diesel](https://docs.rs/diesel/2) 2 connections (features
//! `diesel-postgres` and `diesel-sqlite`).

use std::fmt::Display;

use ::diesel::Connection;
use ::diesel::connection::TransactionManager;

use crate::rollback::RollbackProvider;
use crate::{Error, Result};

/// What a test's connection is made with.
type Establish<C> = dyn Fn() -> Result<C, String> + Send + Sync;

/// A diesel connection a [`DieselRollback`] can hand to tests: `diesel::PgConnection`
/// (feature `diesel-postgres`) and `diesel::SqliteConnection` (feature `diesel-sqlite`).
pub trait DieselConnection: Connection + Send + 'static {
    /// Prepares a freshly established connection before its transaction begins: SQLite
    /// connections get a 5 s busy timeout, so concurrent tests wait for the write lock rather
    /// than fail with `database is locked`.
    fn prepare(&mut self) -> ::diesel::QueryResult<()> {
        Ok(())
    }
}

#[cfg(feature = "diesel-postgres")]
impl DieselConnection for ::diesel::PgConnection {}

#[cfg(feature = "diesel-sqlite")]
impl DieselConnection for ::diesel::SqliteConnection {
    fn prepare(&mut self) -> ::diesel::QueryResult<()> {
        use ::diesel::connection::SimpleConnection;
        self.batch_execute("PRAGMA busy_timeout = 5000")
    }
}

/// Gives each `#[smoke_test(rolled_back)]` test its own diesel connection inside a transaction
/// begun by diesel's transaction manager, and rolls it back and closes the connection after.
///
/// The test takes `&mut diesel::PgConnection` (or `&mut diesel::SqliteConnection`). Nested
/// `conn.transaction(|conn| …)` calls inside the test become savepoints of the outer
/// transaction and are rolled back with it. Register it with
/// [`Runner::rollback`](crate::Runner::rollback):
///
/// ```no_run
/// use diesel::prelude::*;
/// use smoketest::rollback::diesel::DieselRollback;
/// use smoketest::{smoke_test, Result, Runner};
///
/// #[smoke_test(rolled_back)]
/// fn can_register_a_user(conn: &mut PgConnection) -> Result {
///     diesel::sql_query("INSERT INTO users (email) VALUES ('smoke@example.com')").execute(conn)?;
///     Ok(())
/// } // rolled back here, whatever happened above
///
/// fn main() -> std::process::ExitCode {
///     let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
///     Runner::new().rollback(DieselRollback::<PgConnection>::establish(url)).run_cli()
/// }
/// ```
///
/// A connection that breaks is closed, which makes the database roll back whatever it had open.
pub struct DieselRollback<C: DieselConnection> {
    establish: Box<Establish<C>>,
}

impl<C: DieselConnection> DieselRollback<C> {
    /// A provider that establishes a connection to `url` for each test
    /// (`postgres://…`, or a file path for SQLite).
    pub fn establish(url: impl Into<String>) -> Self {
        let url = url.into();
        Self::new(move || C::establish(&url))
    }

    /// A provider that gets each test's connection from `establish`: for connections set up in
    /// ways [`establish`](DieselRollback::establish) doesn't (instrumentation, extra settings).
    /// The connection must not be in a transaction.
    pub fn new<F, E>(establish: F) -> Self
    where
        F: Fn() -> Result<C, E> + Send + Sync + 'static,
        E: Display,
    {
        DieselRollback {
            // libpq ends its messages with a newline.
            establish: Box::new(move || {
                establish().map_err(|error| error.to_string().trim_end().to_owned())
            }),
        }
    }
}

impl<C: DieselConnection> std::fmt::Debug for DieselRollback<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DieselRollback")
            .field("connection", &std::any::type_name::<C>())
            .finish_non_exhaustive()
    }
}

impl<C: DieselConnection> RollbackProvider for DieselRollback<C> {
    type Handle = C;

    fn begin(&self) -> Result<C> {
        let mut connection = (self.establish)().map_err(Error::msg)?;
        connection.prepare()?;
        C::TransactionManager::begin_transaction(&mut connection)?;
        Ok(connection)
    }

    fn rollback(&self, mut connection: C) -> Result {
        // Dropping `connection` on any path below closes it, and a database rolls back what a
        // closed connection had open: nothing here can end in a commit.
        let depth = C::TransactionManager::transaction_manager_status_mut(&mut connection)
            .transaction_depth()
            .map_err(|error| Error::msg(format!("{error}; the connection was closed instead")))?;
        let Some(depth) = depth else {
            return Err(Error::msg(
                "the test ended the transaction itself; its writes may have been committed",
            ));
        };
        // Savepoints the test left open first, then the transaction itself.
        for _ in 0..depth.get() {
            C::TransactionManager::rollback_transaction(&mut connection).map_err(|error| {
                let error = error.to_string();
                if error.contains("no transaction is active") {
                    Error::msg(format!(
                        "the test ended the transaction itself; its writes may have been committed ({error})"
                    ))
                } else {
                    Error::msg(error)
                }
            })?;
        }
        Ok(())
    }
}
