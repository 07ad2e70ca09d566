//! Rolled-back tests: a provider begins a transaction, the test writes through it, the runner
//! rolls it back — whatever the test did.
//!
//! Providers for real databases live in this module, each behind a feature named with its
//! library (default features stay empty):
//!
//! | module | feature | test parameter | register with |
//! | --- | --- | --- | --- |
//! | [`sqlx`] | `sqlx`, `sqlx-postgres`, `sqlx-sqlite`, `sqlx-mysql` | `&mut sqlx::Transaction<'static, DB>` | `Runner::rollback_async(SqlxRollback::new(pool))` |
//! | [`rusqlite`] | `rusqlite` | `&mut rusqlite::Connection` | `Runner::rollback(RusqliteRollback::open(path))` |
//! | [`diesel`] | `diesel-postgres`, `diesel-sqlite` | `&mut diesel::PgConnection`, `&mut diesel::SqliteConnection` | `Runner::rollback(DieselRollback::<PgConnection>::establish(url))` |
//!
//! # Should a smoke test ever commit?
//!
//! No: a smoke test writes only through the
//! `&mut` handle of a `#[smoke_test(rolled_back)]` test, and the runner always rolls that back —
//! passed, failed, `Err`, panic or timeout. None of the providers ever commits, and the rusqlite
//! one refuses a `COMMIT` the test runs itself. For the strict form,
//! [`Runner::forbid_state::<Pool, Handle>()`](crate::Runner::forbid_state) makes every test that
//! takes the pool (or any other committing handle) directly errored, pointing it at the
//! rolled-back transaction it should take instead.
//!
//! Rollback undoes database writes on the handle only: not files, HTTP calls or messages sent,
//! not sequences or auto-increment counters (PostgreSQL sequences advance even when rolled
//! back), not DDL where the database commits it implicitly (MySQL), and not writes made through
//! another connection or committed by the test itself.

#[cfg(any(feature = "diesel-postgres", feature = "diesel-sqlite"))]
pub mod diesel;
#[cfg(feature = "rusqlite")]
pub mod rusqlite;
#[cfg(feature = "sqlx")]
pub mod sqlx;

use std::any::{Any, TypeId};
use std::future::Future;
use std::sync::Arc;

use crate::Result;
use crate::suite::BoxFuture;

/// Begins a database transaction for a `#[smoke_test(rolled_back)]` test and rolls it back after
/// it, with a blocking client (rusqlite, diesel). Its methods run on the runner's worker threads.
///
/// The test receives the handle as its one `&mut` parameter. The runner calls
/// [`rollback`](RollbackProvider::rollback) after the test whatever happened — passed, failed,
/// returned `Err`, panicked — and, for a synchronous test that outlived its timeout, as soon as
/// its body returns. A provider must never commit.
///
/// ```
/// use smoketest::{Error, Result, RollbackProvider};
///
/// /// Hands tests a `Vec` of pending writes that is thrown away afterwards.
/// struct Scratch;
///
/// impl RollbackProvider for Scratch {
///     type Handle = Vec<String>;
///     fn begin(&self) -> Result<Vec<String>> {
///         Ok(Vec::new())
///     }
///     fn rollback(&self, writes: Vec<String>) -> Result {
///         drop(writes);
///         Ok(())
///     }
/// }
///
/// #[smoketest::smoke_test(rolled_back)]
/// fn can_write(writes: &mut Vec<String>) {
///     writes.push("row".into());
/// }
///
/// let runner = smoketest::Runner::new().rollback(Scratch);
/// # let _ = runner;
/// ```
pub trait RollbackProvider: Send + Sync + 'static {
    /// What the test takes as `&mut Handle`: a transaction or a connection inside one.
    type Handle: Send + 'static;

    /// Opens a transaction. An error makes the test errored with "rollback could not begin: …".
    fn begin(&self) -> Result<Self::Handle>;

    /// Rolls the transaction back and releases the handle. An error makes the test errored.
    fn rollback(&self, handle: Self::Handle) -> Result;
}

/// A [`RollbackProvider`] for an async client (sqlx): `begin` and `rollback` are driven on the
/// test's worker thread, inside the app's runtime. When an async test times out, its future is dropped first, then the
/// runner rolls back explicitly — a timed-out test can never commit.
pub trait AsyncRollbackProvider: Send + Sync + 'static {
    /// What the test takes as `&mut Handle`.
    type Handle: Send + 'static;

    /// Opens a transaction.
    fn begin(&self) -> impl Future<Output = Result<Self::Handle>> + Send;

    /// Rolls the transaction back and releases the handle.
    fn rollback(&self, handle: Self::Handle) -> impl Future<Output = Result> + Send;
}

/// A handle with its type erased, as the test's [`Context`](crate::context::Context) holds it.
pub(crate) type AnyHandle = Box<dyn Any + Send>;

pub(crate) trait ErasedSync: Send + Sync {
    fn begin(&self) -> Result<AnyHandle>;
    fn rollback(&self, handle: AnyHandle) -> Result;
}

pub(crate) trait ErasedAsync: Send + Sync {
    fn begin(&self) -> BoxFuture<'_, Result<AnyHandle>>;
    fn rollback(&self, handle: AnyHandle) -> BoxFuture<'_, Result>;
}

/// The runner only hands a provider back the handle it began, so the type always matches.
fn downcast<H: Any>(handle: AnyHandle) -> H {
    *handle
        .downcast::<H>()
        .unwrap_or_else(|_| unreachable!("rollback handle of the wrong type (runner bug)"))
}

struct SyncProvider<P>(P);

impl<P: RollbackProvider> ErasedSync for SyncProvider<P> {
    fn begin(&self) -> Result<AnyHandle> {
        self.0.begin().map(|handle| Box::new(handle) as AnyHandle)
    }
    fn rollback(&self, handle: AnyHandle) -> Result {
        self.0.rollback(downcast::<P::Handle>(handle))
    }
}

struct AsyncProvider<P>(P);

impl<P: AsyncRollbackProvider> ErasedAsync for AsyncProvider<P> {
    fn begin(&self) -> BoxFuture<'_, Result<AnyHandle>> {
        Box::pin(async move {
            self.0
                .begin()
                .await
                .map(|handle| Box::new(handle) as AnyHandle)
        })
    }
    fn rollback(&self, handle: AnyHandle) -> BoxFuture<'_, Result> {
        Box::pin(self.0.rollback(downcast::<P::Handle>(handle)))
    }
}

/// The registered providers, by the `TypeId` of their handle.
pub(crate) type Rollbacks = std::collections::HashMap<TypeId, Provider>;

/// A registered provider, sync or async.
#[derive(Clone)]
pub(crate) enum Provider {
    Sync(Arc<dyn ErasedSync>),
    Async(Arc<dyn ErasedAsync>),
}

impl Provider {
    pub(crate) fn of_sync<P: RollbackProvider>(provider: P) -> (TypeId, Self) {
        (
            TypeId::of::<P::Handle>(),
            Provider::Sync(Arc::new(SyncProvider(provider))),
        )
    }

    pub(crate) fn of_async<P: AsyncRollbackProvider>(provider: P) -> (TypeId, Self) {
        (
            TypeId::of::<P::Handle>(),
            Provider::Async(Arc::new(AsyncProvider(provider))),
        )
    }

    pub(crate) fn is_sync(&self) -> bool {
        matches!(self, Provider::Sync(_))
    }
}

/// The message of a rolled-back test whose handle type has no provider: the handle as the user
/// wrote it and the registration that provides it, for the handles of the providers in this
/// module (recognised by `type_name`, which names a type by the module that defines it, hence
/// the crate-internal paths below); the generic registration for any other handle.
pub(crate) fn missing_provider_message(handle: &str) -> String {
    match known_handle(handle) {
        Some(Known::Provided {
            shown,
            register,
            feature,
        }) => format!(
            "no rollback provider registered for `{shown}`; register one with \
             `Runner::{register}` (feature `{feature}` of smoketest)"
        ),
        Some(Known::NotAHandle {
            shown,
            take,
            register,
            feature,
        }) => format!(
            "no rollback provider registered for `{shown}`, and none of smoketest's hands one \
             out: take `&mut {take}` and register `Runner::{register}` (feature `{feature}` of \
             smoketest)"
        ),
        None => format!(
            "no rollback provider registered for `{handle}`; register one with \
             `Runner::rollback(provider)` (or `rollback_async` for async clients)"
        ),
    }
}

/// A handle type of a database library that smoketest has a provider for.
#[derive(Debug, PartialEq)]
enum Known {
    /// The handle of one of this module's providers.
    Provided {
        shown: String,
        register: String,
        feature: &'static str,
    },
    /// A type of that library that a test might take instead of the provider's handle.
    NotAHandle {
        shown: String,
        take: String,
        register: String,
        feature: &'static str,
    },
}

/// sqlx's database types: (`type_name`, name in `sqlx::`, smoketest feature).
const SQLX_DATABASES: [(&str, &str, &str); 3] = [
    (
        "sqlx_postgres::database::Postgres",
        "Postgres",
        "sqlx-postgres",
    ),
    ("sqlx_sqlite::database::Sqlite", "Sqlite", "sqlx-sqlite"),
    ("sqlx_mysql::database::MySql", "MySql", "sqlx-mysql"),
];

/// sqlx's connection types: (`type_name`, name in `sqlx::`, index in `SQLX_DATABASES`).
const SQLX_CONNECTIONS: [(&str, &str, usize); 3] = [
    ("sqlx_postgres::connection::PgConnection", "PgConnection", 0),
    (
        "sqlx_sqlite::connection::SqliteConnection",
        "SqliteConnection",
        1,
    ),
    (
        "sqlx_mysql::connection::MySqlConnection",
        "MySqlConnection",
        2,
    ),
];

fn known_handle(handle: &str) -> Option<Known> {
    const SQLX_REGISTER: &str = "rollback_async(SqlxRollback::new(pool))";
    if let Some(database) = handle
        .strip_prefix("sqlx_core::transaction::Transaction<'_, ")
        .and_then(|rest| rest.strip_suffix('>'))
    {
        let (shown, feature) = SQLX_DATABASES
            .iter()
            .find(|(name, ..)| *name == database)
            .map_or((database, "sqlx"), |(_, shown, feature)| (*shown, *feature));
        return Some(Known::Provided {
            shown: format!("sqlx::Transaction<'_, {shown}>"),
            register: SQLX_REGISTER.into(),
            feature,
        });
    }
    if let Some((_, shown, database)) = SQLX_CONNECTIONS.iter().find(|(name, ..)| *name == handle) {
        let (_, database, feature) = SQLX_DATABASES[*database];
        return Some(Known::NotAHandle {
            shown: format!("sqlx::{shown}"),
            take: format!("sqlx::Transaction<'static, {database}>"),
            register: SQLX_REGISTER.into(),
            feature,
        });
    }
    const RUSQLITE_REGISTER: &str = "rollback(RusqliteRollback::open(path))";
    match handle {
        "rusqlite::Connection" => Some(Known::Provided {
            shown: handle.into(),
            register: RUSQLITE_REGISTER.into(),
            feature: "rusqlite",
        }),
        "rusqlite::transaction::Transaction<'_>" => Some(Known::NotAHandle {
            shown: "rusqlite::Transaction<'_>".into(),
            take: "rusqlite::Connection".into(),
            register: RUSQLITE_REGISTER.into(),
            feature: "rusqlite",
        }),
        "diesel::pg::connection::PgConnection" => Some(Known::Provided {
            shown: "diesel::PgConnection".into(),
            register: "rollback(DieselRollback::<PgConnection>::establish(url))".into(),
            feature: "diesel-postgres",
        }),
        "diesel::sqlite::connection::SqliteConnection" => Some(Known::Provided {
            shown: "diesel::SqliteConnection".into(),
            register: "rollback(DieselRollback::<SqliteConnection>::establish(url))".into(),
            feature: "diesel-sqlite",
        }),
        _ => None,
    }
}
