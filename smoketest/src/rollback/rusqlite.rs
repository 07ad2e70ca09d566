//! Rolled-back tests on [rusqlite](https://docs.rs/rusqlite/0.32) 0.32 connections (feature
//! `rusqlite`).

use std::path::PathBuf;
use std::time::Duration;

use ::rusqlite::{Connection, TransactionBehavior};

use crate::rollback::RollbackProvider;
use crate::{Error, Result};

/// How long a test's connection waits for another connection's lock before giving up with
/// `database is locked`, unless [`RusqliteRollback::busy_timeout`] says otherwise.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What a test's connection is opened with.
type Open = dyn Fn() -> ::rusqlite::Result<Connection> + Send + Sync;

/// Gives each `#[smoke_test(rolled_back)]` test its own `rusqlite::Connection` inside a
/// transaction, and rolls the transaction back and closes the connection after the test.
///
/// The test takes `&mut rusqlite::Connection`. The connection refuses to commit: a `COMMIT`
/// fails with a constraint error (`SQLITE_CONSTRAINT_COMMITHOOK`) and becomes a rollback, and a
/// test that ended the transaction itself (`COMMIT`, `ROLLBACK`) is errored. Use
/// `savepoint()` rather than `transaction()` for nested work. Register it with [`Runner::rollback`](crate::Runner::rollback):
///
/// ```no_run
/// use smoketest::rollback::rusqlite::RusqliteRollback;
/// use smoketest::{smoke_test, Result, Runner};
///
/// #[smoke_test(rolled_back)]
/// fn can_add_a_book(db: &mut rusqlite::Connection) -> Result {
///     db.execute("INSERT INTO books (title) VALUES ('Smoke Signals')", [])?;
///     let count: i64 =
///         db.query_row("SELECT count(*) FROM books WHERE title = 'Smoke Signals'", [], |row| row.get(0))?;
///     smoketest::assert_equal!(count, 1);
///     Ok(())
/// } // rolled back here, whatever happened above
///
/// fn main() -> std::process::ExitCode {
///     Runner::new().rollback(RusqliteRollback::open("/var/lib/app/app.db")).run_cli()
/// }
/// ```
///
/// Each test opens its own connection, so tests never see each other's writes, and a hung test
/// holds only its own. Writers wait for each other up to the
/// [busy timeout](RusqliteRollback::busy_timeout) (SQLite has one writer at a time).
pub struct RusqliteRollback {
    open: Box<Open>,
    busy_timeout: Duration,
    behavior: TransactionBehavior,
}

impl RusqliteRollback {
    /// A provider that opens the database file at `path` for each test
    /// (`rusqlite::Connection::open`, which creates it if missing).
    pub fn open(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        Self::new(move || Connection::open(&path))
    }

    /// A provider that gets each test's connection from `open`: for other open flags, an
    /// encryption key, extra pragmas or functions. The connection must not be in a transaction.
    ///
    /// ```
    /// use rusqlite::{Connection, OpenFlags};
    /// use smoketest::rollback::rusqlite::RusqliteRollback;
    ///
    /// let provider = RusqliteRollback::new(|| {
    ///     let db = Connection::open_with_flags("app.db", OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    ///     db.pragma_update(None, "foreign_keys", true)?;
    ///     Ok(db)
    /// });
    /// # let _ = provider;
    /// ```
    pub fn new<F>(open: F) -> Self
    where
        F: Fn() -> ::rusqlite::Result<Connection> + Send + Sync + 'static,
    {
        RusqliteRollback {
            open: Box::new(open),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            behavior: TransactionBehavior::Deferred,
        }
    }

    /// How long a test waits for another connection's lock. Default
    /// [`DEFAULT_BUSY_TIMEOUT`] (5 s).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// `BEGIN DEFERRED` (the default: the write lock is taken by the first write),
    /// `IMMEDIATE` (taken at once, so a test never fails to upgrade a read into a write) or
    /// `EXCLUSIVE`.
    pub fn behavior(mut self, behavior: TransactionBehavior) -> Self {
        self.behavior = behavior;
        self
    }

    fn begin_statement(&self) -> &'static str {
        match self.behavior {
            TransactionBehavior::Immediate => "BEGIN IMMEDIATE",
            TransactionBehavior::Exclusive => "BEGIN EXCLUSIVE",
            // `TransactionBehavior` is non-exhaustive; SQLite's default is deferred.
            _ => "BEGIN DEFERRED",
        }
    }
}

impl std::fmt::Debug for RusqliteRollback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RusqliteRollback")
            .field("busy_timeout", &self.busy_timeout)
            .field("begin", &self.begin_statement())
            .finish_non_exhaustive()
    }
}

impl RollbackProvider for RusqliteRollback {
    type Handle = Connection;

    fn begin(&self) -> Result<Connection> {
        let connection = (self.open)()?;
        connection.busy_timeout(self.busy_timeout)?;
        connection.execute_batch(self.begin_statement())?;
        // Returning `true` turns any commit on this connection into a rollback.
        connection.commit_hook(Some(|| true));
        Ok(connection)
    }

    fn rollback(&self, connection: Connection) -> Result {
        if connection.is_autocommit() {
            // Closing is all that is left to do; its error would add nothing to this one.
            let _ = connection.close();
            return Err(Error::msg(
                "the test ended the transaction itself (a COMMIT is refused and rolled back, \
                 a ROLLBACK ends it early); a smoke test must never commit",
            ));
        }
        let rolled_back = connection.execute_batch("ROLLBACK");
        // Closing a connection rolls back whatever is still open, so this is safe even if
        // ROLLBACK failed.
        let closed = connection.close().map_err(|(_, error)| error);
        rolled_back?;
        closed?;
        Ok(())
    }
}
