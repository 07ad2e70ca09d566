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

/// The message of a rolled-back test whose handle type has no provider.
pub(crate) fn missing_provider_message(handle: &str) -> String {
    format!(
        "no rollback provider registered for `{handle}`; register one with \
         `Runner::rollback(provider)` (or `rollback_async` for async clients)"
    )
}
