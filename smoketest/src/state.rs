//! Application state that smoke tests borrow as parameters.

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::Error;

/// Values registered on the [`Runner`](crate::Runner) that tests take as `&T` parameters:
/// a database pool, a config struct, an HTTP client. One value per type.
///
/// Tests never see `State` itself; they name the types they need:
///
/// ```
/// use smoketest::{smoke_test, Runner};
///
/// struct Config { payments_url: String }
///
/// #[smoke_test]
/// fn payments_url_is_https(config: &Config) {
///     smoketest::assert_true!(config.payments_url.starts_with("https://"));
/// }
///
/// let runner = Runner::new().with_state(Config { payments_url: "https://pay.example".into() });
/// # let _ = runner;
/// ```
///
/// A test whose parameter type was never registered is reported as errored, with a message
/// naming the type and how to register it. Suite hooks receive the `State` directly.
#[derive(Clone, Default)]
pub struct State {
    values: HashMap<TypeId, Entry>,
}

#[derive(Clone)]
struct Entry {
    type_name: &'static str,
    value: Arc<dyn Any + Send + Sync>,
}

impl State {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `value`, replacing an earlier value of the same type.
    pub fn insert<T: Any + Send + Sync>(&mut self, value: T) {
        self.values.insert(
            TypeId::of::<T>(),
            Entry {
                type_name: type_name::<T>(),
                value: Arc::new(value),
            },
        );
    }

    /// The registered value of type `T`, if any.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.values
            .get(&TypeId::of::<T>())
            .and_then(|entry| entry.value.downcast_ref::<T>())
    }

    /// The registered value of type `T`, or an error that names the type and how to register it.
    ///
    /// ```
    /// let state = smoketest::State::new();
    /// let error = state.require::<u32>().unwrap_err();
    /// assert_eq!(
    ///     error.message(),
    ///     "no state of type `u32` is registered; register it with `Runner::with_state(value)`"
    /// );
    /// ```
    ///
    /// The error is located at the caller (the `state.require::<T>()?` in a suite hook), which
    /// is why it is built here rather than in a closure: a closure would locate it in this file.
    #[track_caller]
    pub fn require<T: Any>(&self) -> Result<&T, Error> {
        match self.get::<T>() {
            Some(value) => Ok(value),
            None => Err(Error::msg(missing_state_message::<T>())),
        }
    }

    /// Whether a value of type `T` is registered.
    pub fn contains<T: Any>(&self) -> bool {
        self.values.contains_key(&TypeId::of::<T>())
    }

    /// Number of registered values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

pub(crate) fn missing_state_message<T: ?Sized>() -> String {
    format!(
        "no state of type `{}` is registered; register it with `Runner::with_state(value)`",
        type_name::<T>()
    )
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.values.values().map(|entry| entry.type_name).collect();
        names.sort_unstable();
        f.debug_struct("State").field("types", &names).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registered_value_is_found_by_its_type() {
        let mut state = State::new();
        state.insert(42_u32);
        state.insert(String::from("db"));
        assert_eq!(state.get::<u32>(), Some(&42));
        assert_eq!(state.require::<String>().unwrap(), "db");
        assert_eq!(state.len(), 2);
    }

    #[test]
    fn a_second_value_of_a_type_replaces_the_first() {
        let mut state = State::new();
        state.insert(1_u8);
        state.insert(2_u8);
        assert_eq!(state.get::<u8>(), Some(&2));
        assert_eq!(state.len(), 1);
    }

    #[test]
    fn a_missing_type_is_located_at_the_require_call() {
        let state = State::new();
        let (error, line) = (state.require::<u8>().unwrap_err(), line!());
        assert_eq!(
            (error.location().file(), error.location().line()),
            (file!(), line)
        );
    }

    #[test]
    fn a_missing_type_is_named_in_the_error() {
        let state = State::new();
        assert_eq!(
            state.require::<Vec<String>>().unwrap_err().message(),
            "no state of type `alloc::vec::Vec<alloc::string::String>` is registered; \
             register it with `Runner::with_state(value)`"
        );
    }
}
