//! What a running test's parameters are resolved from.

use std::any::{Any, TypeId, type_name};
use std::sync::Arc;

use crate::State;
use crate::outcome::Failure;
use crate::rollback::{AnyHandle, missing_provider_message};
use crate::state::missing_state_message;
use crate::suite::SuiteInstance;

/// Everything one test borrows its parameters from. Owned (`'static`), so a synchronous test can
/// take it to a worker thread.
#[doc(hidden)]
pub struct Context {
    shared: Shared,
    exclusive: Exclusive,
}

/// Values shared with other tests: the suite and the runner's state (`&T` parameters).
#[doc(hidden)]
pub struct Shared {
    state: Arc<State>,
    suite: Option<SuiteInstance>,
}

/// The test's own handle (a `&mut T` parameter): the rolled-back transaction.
#[doc(hidden)]
pub struct Exclusive {
    handle: Option<AnyHandle>,
}

impl Context {
    pub(crate) fn new(state: Arc<State>, suite: Option<SuiteInstance>) -> Self {
        Context {
            shared: Shared { state, suite },
            exclusive: Exclusive { handle: None },
        }
    }

    /// Gives the test its rolled-back handle.
    pub(crate) fn put_handle(&mut self, handle: AnyHandle) {
        self.exclusive.handle = Some(handle);
    }

    /// Takes the handle back after the test, to roll it back.
    pub(crate) fn take_handle(&mut self) -> Option<AnyHandle> {
        self.exclusive.handle.take()
    }

    /// Borrows the shared values and the exclusive handle at once, as a test with both `&T` and
    /// `&mut U` parameters needs.
    pub fn split(&mut self) -> (&Shared, &mut Exclusive) {
        (&self.shared, &mut self.exclusive)
    }
}

impl Shared {
    /// The suite value if it is a `T`, else the state value of type `T`.
    pub fn get<T: Any>(&self) -> Result<&T, Failure> {
        if let Some(suite) = self
            .suite
            .as_deref()
            .and_then(|suite| suite.downcast_ref::<T>())
        {
            return Ok(suite);
        }
        self.state
            .get::<T>()
            .ok_or_else(|| Failure::errored(missing_state_message::<T>()))
    }
}

impl Exclusive {
    /// The test's rolled-back handle of type `T`.
    pub fn get_mut<T: Any>(&mut self) -> Result<&mut T, Failure> {
        match self.handle.as_mut() {
            Some(handle) if (**handle).type_id() == TypeId::of::<T>() => {
                // Checked just above.
                Ok(handle.downcast_mut::<T>().expect("type checked"))
            }
            _ => Err(Failure::errored(missing_provider_message(type_name::<T>()))),
        }
    }
}
