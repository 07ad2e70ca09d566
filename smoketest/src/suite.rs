//! Suites: unittest's test classes, with set-up and tear-down once per run and around every test.

use std::any::{Any, TypeId, type_name};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::{Result, State};

/// A group of smoke tests sharing set-up and tear-down, like a `unittest.TestCase` class.
///
/// A test joins a suite by taking `&YourSuite` as a parameter; its name then becomes
/// `crate::module::YourSuite::function`. The hooks run in unittest's order:
///
/// 1. [`set_up_suite`](Suite::set_up_suite) once per run, before the suite's first test. It builds
///    the suite value, which every test of the suite borrows (tests run concurrently, so they share
///    it by `&`). If it fails, every selected test of the suite is errored with its message.
/// 2. [`set_up`](Suite::set_up) before each test; if it fails the test is errored and not run.
/// 3. [`tear_down`](Suite::tear_down) after each test whose `set_up` succeeded, whatever the test
///    did (passed, failed, errored, timed out). If it fails, a passing test is errored.
/// 4. [`tear_down_suite`](Suite::tear_down_suite) once, after the run's tests, if
///    `set_up_suite` succeeded.
///
/// Hooks of this trait are synchronous and run on the runner's worker threads, so blocking I/O is
/// fine. For hooks that `.await`, implement [`AsyncSuite`] instead.
///
/// ```
/// use smoketest::{smoke_test, Result, State, Suite};
///
/// struct Inventory {
///     items: Vec<String>,
/// }
///
/// impl Suite for Inventory {
///     fn set_up_suite(_state: &State) -> Result<Self> {
///         Ok(Inventory { items: vec!["apple".into(), "pear".into()] })
///     }
/// }
///
/// #[smoke_test]
/// fn has_items(inventory: &Inventory) {
///     smoketest::assert_greater!(inventory.items.len(), 0);
/// }
/// ```
pub trait Suite: Sized + Send + Sync + 'static {
    /// Builds the suite once per run (unittest's `setUpClass`). `state` holds what was registered
    /// with [`Runner::with_state`](crate::Runner::with_state).
    fn set_up_suite(state: &State) -> Result<Self>;

    /// Runs before each test of the suite (unittest's `setUp`).
    fn set_up(&self) -> Result {
        Ok(())
    }

    /// Runs after each test whose `set_up` succeeded (unittest's `tearDown`).
    fn tear_down(&self) -> Result {
        Ok(())
    }

    /// Runs once after the run's tests (unittest's `tearDownClass`).
    fn tear_down_suite(&self) -> Result {
        Ok(())
    }
}

/// A [`Suite`] whose hooks are `async`; they are driven on the runner's worker threads inside the
/// app's runtime (the one the run was started from, with the default `tokio` feature).
///
/// Implement the methods with `async fn`:
///
/// ```
/// use smoketest::{smoke_test, AsyncSuite, Result, State};
///
/// struct Api {
///     base_url: String,
/// }
///
/// impl AsyncSuite for Api {
///     async fn set_up_suite(_state: &State) -> Result<Self> {
///         Ok(Api { base_url: "https://api.example".into() })
///     }
///
///     async fn tear_down(&self) -> Result {
///         Ok(())
///     }
/// }
///
/// #[smoke_test]
/// async fn uses_https(api: &Api) {
///     smoketest::assert_true!(api.base_url.starts_with("https://"));
/// }
/// ```
pub trait AsyncSuite: Sized + Send + Sync + 'static {
    /// Builds the suite once per run (unittest's `setUpClass`).
    fn set_up_suite(state: &State) -> impl Future<Output = Result<Self>> + Send;

    /// Runs before each test of the suite (unittest's `setUp`).
    fn set_up(&self) -> impl Future<Output = Result> + Send {
        async { Ok(()) }
    }

    /// Runs after each test whose `set_up` succeeded (unittest's `tearDown`).
    fn tear_down(&self) -> impl Future<Output = Result> + Send {
        async { Ok(()) }
    }

    /// Runs once after the run's tests (unittest's `tearDownClass`).
    fn tear_down_suite(&self) -> impl Future<Output = Result> + Send {
        async { Ok(()) }
    }
}

/// A boxed, sendable future, as the type-erased hooks and async test bodies return.
#[doc(hidden)]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One suite value, shared by the suite's tests.
#[doc(hidden)]
pub type SuiteInstance = Arc<dyn Any + Send + Sync>;

/// The hooks of one suite type with the type erased, so the runner can drive any suite.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct SuiteVTable {
    /// `TypeId` of the suite type.
    pub type_id: fn() -> TypeId,
    /// `type_name` of the suite type: the suite's name in test names.
    pub name: fn() -> &'static str,
    /// Its hooks.
    pub hooks: Hooks,
}

/// Synchronous or asynchronous hooks.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum Hooks {
    /// From a [`Suite`]: run on worker threads.
    Sync {
        /// Builds the suite value.
        set_up_suite: fn(&State) -> Result<SuiteInstance>,
        /// Before each test.
        set_up: fn(&(dyn Any + Send + Sync)) -> Result,
        /// After each test.
        tear_down: fn(&(dyn Any + Send + Sync)) -> Result,
        /// After the run.
        tear_down_suite: fn(&(dyn Any + Send + Sync)) -> Result,
    },
    /// From an [`AsyncSuite`]: driven on worker threads.
    Async {
        /// Builds the suite value.
        set_up_suite: for<'a> fn(&'a State) -> BoxFuture<'a, Result<SuiteInstance>>,
        /// Before each test.
        set_up: for<'a> fn(&'a (dyn Any + Send + Sync)) -> BoxFuture<'a, Result>,
        /// After each test.
        tear_down: for<'a> fn(&'a (dyn Any + Send + Sync)) -> BoxFuture<'a, Result>,
        /// After the run.
        tear_down_suite: for<'a> fn(&'a (dyn Any + Send + Sync)) -> BoxFuture<'a, Result>,
    },
}

fn downcast<T: Any>(instance: &(dyn Any + Send + Sync)) -> &T {
    // The runner only hands a hook the instance its own `set_up_suite` built, so the type matches;
    // a mismatch would be a bug in the runner, not something a user can cause.
    instance
        .downcast_ref::<T>()
        .expect("smoketest: suite instance of the wrong type (runner bug)")
}

impl SuiteVTable {
    /// Whether its hooks are async (driven, and cancelled at their deadline, rather than called).
    pub(crate) fn is_async(&self) -> bool {
        matches!(self.hooks, Hooks::Async { .. })
    }

    /// The vtable of a synchronous suite.
    pub fn of_sync<T: Suite>() -> Self {
        SuiteVTable {
            type_id: TypeId::of::<T>,
            name: type_name::<T>,
            hooks: Hooks::Sync {
                set_up_suite: |state| {
                    T::set_up_suite(state).map(|suite| Arc::new(suite) as SuiteInstance)
                },
                set_up: |instance| downcast::<T>(instance).set_up(),
                tear_down: |instance| downcast::<T>(instance).tear_down(),
                tear_down_suite: |instance| downcast::<T>(instance).tear_down_suite(),
            },
        }
    }

    /// The vtable of an asynchronous suite.
    pub fn of_async<T: AsyncSuite>() -> Self {
        SuiteVTable {
            type_id: TypeId::of::<T>,
            name: type_name::<T>,
            hooks: Hooks::Async {
                set_up_suite: |state| {
                    Box::pin(async move {
                        T::set_up_suite(state)
                            .await
                            .map(|suite| Arc::new(suite) as SuiteInstance)
                    })
                },
                set_up: |instance| Box::pin(downcast::<T>(instance).set_up()),
                tear_down: |instance| Box::pin(downcast::<T>(instance).tear_down()),
                tear_down_suite: |instance| Box::pin(downcast::<T>(instance).tear_down_suite()),
            },
        }
    }
}

/// Autoref-specialisation probe: tells, for a concrete parameter type, whether it is a suite.
///
/// Generated code calls `(&&&Probe::<T>::new()).suite_vtable()` with these traits in scope; method
/// resolution picks the first impl whose bounds hold: [`AsyncSuite`], then [`Suite`], then none.
#[doc(hidden)]
pub mod probe {
    use std::marker::PhantomData;

    use super::{AsyncSuite, Suite, SuiteVTable};

    /// The probe value.
    pub struct Probe<T: ?Sized>(PhantomData<fn() -> *const T>);

    impl<T: ?Sized> Probe<T> {
        /// A probe for `T`.
        #[allow(clippy::new_without_default)]
        pub const fn new() -> Self {
            Probe(PhantomData)
        }
    }

    /// Chosen when `T: AsyncSuite`.
    pub trait ViaAsyncSuite {
        /// The suite's vtable.
        fn suite_vtable(&self) -> Option<SuiteVTable>;
    }
    impl<T: AsyncSuite> ViaAsyncSuite for &&Probe<T> {
        fn suite_vtable(&self) -> Option<SuiteVTable> {
            Some(SuiteVTable::of_async::<T>())
        }
    }

    /// Chosen when `T: Suite`.
    pub trait ViaSuite {
        /// The suite's vtable.
        fn suite_vtable(&self) -> Option<SuiteVTable>;
    }
    impl<T: Suite> ViaSuite for &Probe<T> {
        fn suite_vtable(&self) -> Option<SuiteVTable> {
            Some(SuiteVTable::of_sync::<T>())
        }
    }

    /// Chosen otherwise: `T` is looked up in the runner's state.
    pub trait ViaState {
        /// `None`: not a suite.
        fn suite_vtable(&self) -> Option<SuiteVTable>;
    }
    impl<T: ?Sized> ViaState for Probe<T> {
        fn suite_vtable(&self) -> Option<SuiteVTable> {
            None
        }
    }
}

#[cfg(test)]
// The probe needs its exact number of `&`s: method resolution picks the impl by them.
#[allow(clippy::needless_borrow)]
mod tests {
    use super::probe::{Probe, ViaAsyncSuite as _, ViaState as _, ViaSuite as _};
    use super::*;

    struct SyncOne;
    impl Suite for SyncOne {
        fn set_up_suite(_: &State) -> Result<Self> {
            Ok(SyncOne)
        }
    }

    struct AsyncOne;
    impl AsyncSuite for AsyncOne {
        async fn set_up_suite(_: &State) -> Result<Self> {
            Ok(AsyncOne)
        }
    }

    #[test]
    fn the_probe_tells_suites_from_state() {
        let sync = (&&&Probe::<SyncOne>::new()).suite_vtable().unwrap();
        assert!(matches!(sync.hooks, Hooks::Sync { .. }));
        assert_eq!((sync.name)(), type_name::<SyncOne>());
        let asynchronous = (&&&Probe::<AsyncOne>::new()).suite_vtable().unwrap();
        assert!(matches!(asynchronous.hooks, Hooks::Async { .. }));
        assert!((&&&Probe::<String>::new()).suite_vtable().is_none());
    }
}
