//! Assertions: unittest's `assert*` methods as macros.
//!
//! Every macro takes an optional custom message with format arguments after its operands
//! (`assert_equal!(a, b, "user {} missing", id)`). On failure it ends the test as **failed** (the
//! first failed assertion stops the test, as in unittest) with its message and the `file:line` of
//! the macro call. The message is the default one, which shows the values with `Debug`, worded as
//! unittest words them (`2 != 3`); a custom message goes in front of it, separated by a colon,
//! so the values are never lost: `user 7 missing: 2 != 3`.
//!
//! | unittest | smoketest |
//! |---|---|
//! | `assertEqual(a, b)` | [`assert_equal!(a, b)`](crate::assert_equal) |
//! | `assertNotEqual(a, b)` | [`assert_not_equal!(a, b)`](crate::assert_not_equal) |
//! | `assertTrue(x)` | [`assert_true!(x)`](crate::assert_true) |
//! | `assertFalse(x)` | [`assert_false!(x)`](crate::assert_false) |
//! | `assertIs(a, b)` | [`assert_is!(a, b)`](crate::assert_is) (same address) |
//! | `assertIsNot(a, b)` | [`assert_is_not!(a, b)`](crate::assert_is_not) |
//! | `assertIsNone(x)` | [`assert_is_none!(x)`](crate::assert_is_none) (an `Option`) |
//! | `assertIsNotNone(x)` | [`assert_is_not_none!(x)`](crate::assert_is_not_none), alias [`assert_is_some!`](crate::assert_is_some) |
//! | `assertIn(a, b)` | [`assert_in!(a, b)`](crate::assert_in) |
//! | `assertNotIn(a, b)` | [`assert_not_in!(a, b)`](crate::assert_not_in) |
//! | `assertIsInstance(x, T)` | [`assert_is_instance!(x, T)`](crate::assert_is_instance) (`Any`/`TypeId`) |
//! | `assertNotIsInstance(x, T)` | [`assert_not_is_instance!(x, T)`](crate::assert_not_is_instance) |
//! | `assertAlmostEqual(a, b, places=, delta=)` | [`assert_almost_equal!(a, b, places = 3)`](crate::assert_almost_equal) |
//! | `assertNotAlmostEqual(a, b, places=, delta=)` | [`assert_not_almost_equal!(a, b, delta = 0.1)`](crate::assert_not_almost_equal) |
//! | `assertGreater(a, b)` | [`assert_greater!(a, b)`](crate::assert_greater) |
//! | `assertGreaterEqual(a, b)` | [`assert_greater_equal!(a, b)`](crate::assert_greater_equal) |
//! | `assertLess(a, b)` | [`assert_less!(a, b)`](crate::assert_less) |
//! | `assertLessEqual(a, b)` | [`assert_less_equal!(a, b)`](crate::assert_less_equal) |
//! | `assertRaises(E, f)` | [`assert_raises!(f(), Err(E::Variant { .. }))`](crate::assert_raises), or [`assert_raises!(f())`](crate::assert_raises) for any `Err` |
//! | — | [`assert_matches!(x, pattern)`](crate::assert_matches) (any `match` pattern) |
//! | `assertRegex(text, r)` | [`assert_regex!(text, r)`](crate::assert_regex) |
//! | `assertNotRegex(text, r)` | [`assert_not_regex!(text, r)`](crate::assert_not_regex) |
//! | `assertCountEqual(a, b)` | [`assert_count_equal!(a, b)`](crate::assert_count_equal) |
//! | `assertDictContainsSubset(subset, d)` | [`assert_map_subset!(subset, d)`](crate::assert_map_subset) |
//! | `assertMultiLineEqual(a, b)` | [`assert_multi_line_equal!(a, b)`](crate::assert_multi_line_equal) |
//!
//! The macros are thin: each expands to one call of a `#[track_caller]` function in [`support`],
//! so they add little code per call and report the caller's location. Each operand is evaluated
//! exactly once. The custom message is passed as `format_args!`: its arguments are evaluated on
//! every call, like any function argument, but formatted only when the assertion fails.

use std::fmt;

mod comparison;
mod float;
mod membership;
mod pattern;
mod text;
mod types;

/// The optional custom message of every assertion: nothing → `None`, format arguments →
/// `Some(format_args!(…))`, formatted only if the assertion fails. Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __assert_message {
    () => {
        ::core::option::Option::None
    };
    ($($message:tt)+) => {
        ::core::option::Option::Some(::core::format_args!($($message)+))
    };
}

/// The functions and traits the assertion macros expand to, reached as
/// `$crate::__private::assert`. Not public API.
#[doc(hidden)]
pub mod support {
    pub use super::comparison::{
        equal, greater, greater_equal, identical, is_false, is_none, is_some, is_true, less,
        less_equal, not_equal, not_identical,
    };
    pub use super::float::{
        almost_equal_delta, almost_equal_places, not_almost_equal_delta, not_almost_equal_places,
    };
    pub use super::membership::{Contains, Map, count_equal, is_in, map_subset, not_in};
    pub use super::pattern::{did_not_match, did_not_raise};
    pub use super::text::{multi_line_equal, not_regex, regex};
    pub use super::types::{AnyProbe, DynAny, ViaPointee, ViaValue, is_instance, not_instance};
}

/// Ends the test as failed with the default message, after the custom one if there is one
/// (`custom: default`), so a custom message never hides the values.
#[track_caller]
#[cold]
#[inline(never)]
fn fail(custom: Option<fmt::Arguments<'_>>, default: fmt::Arguments<'_>) -> ! {
    crate::panic::assertion_failed(match custom {
        Some(custom) => format!("{custom}: {default}"),
        None => fmt::format(default),
    })
}

#[cfg(test)]
mod testing {
    use std::panic::{self, AssertUnwindSafe};

    use crate::panic::AssertionFailure;

    /// A failed assertion, and where the `fails!` that ran it was written.
    pub(super) struct Caught {
        pub(super) failure: AssertionFailure,
        pub(super) file: &'static str,
        pub(super) line: u32,
    }

    /// Runs an assertion that must fail and returns the failure with the file and line of the
    /// `fails!` call, which are the assertion's own when both are on one line (rustfmt leaves
    /// the braces of `fails! { ... }` alone).
    macro_rules! fails {
        ($($assertion:tt)+) => {
            $crate::assertions::testing::Caught {
                failure: $crate::assertions::testing::caught(|| {
                    $($assertion)+;
                }),
                file: file!(),
                line: line!(),
            }
        };
    }
    pub(super) use fails;

    /// Runs `f`, which must fail an assertion, and returns the failure it raised.
    pub(super) fn caught(f: impl FnOnce()) -> AssertionFailure {
        let payload = match panic::catch_unwind(AssertUnwindSafe(f)) {
            Ok(()) => panic!("the assertion passed"),
            Err(payload) => payload,
        };
        match payload.downcast::<AssertionFailure>() {
            Ok(failure) => *failure,
            Err(_) => panic!("the panic was not an assertion failure"),
        }
    }

    /// Checks that an assertion failed with `message`, at the location `fails!` recorded.
    #[track_caller]
    pub(super) fn check(caught: Caught, message: &str) {
        assert_eq!(caught.failure.message, message);
        let location = caught.failure.location;
        assert_eq!(
            (location.file(), location.line()),
            (caught.file, caught.line),
            "location"
        );
    }
}

#[cfg(test)]
mod tests {
    use std::any::Any;
    use std::cell::Cell;
    use std::collections::HashMap;
    use std::future::Future;

    #[derive(Debug)]
    enum LookupError {
        NotFound,
    }

    /// Every macro with `.await` in its operands, in a future that stays `Send` as tokio's
    /// multi-threaded runtime requires.
    #[test]
    fn assertions_work_in_send_async_code() {
        async fn ready<T>(value: T) -> T {
            value
        }
        fn require_send<F: Future<Output = ()> + Send>(future: F) -> F {
            future
        }
        futures_executor::block_on(require_send(async {
            crate::assert_equal!(ready(1).await, 1, "{}", ready(2).await);
            crate::assert_not_equal!(ready(1).await, 2);
            crate::assert_true!(ready(true).await);
            crate::assert_false!(ready(false).await, "{}", 1);
            let shared = std::sync::Arc::new(1);
            crate::assert_is!(shared, ready(shared.clone()).await);
            crate::assert_is_not!(ready(Box::new(1)).await, Box::new(1));
            crate::assert_is_none!(ready(None::<u8>).await);
            crate::assert_is_not_none!(ready(Some(1)).await);
            crate::assert_is_some!(ready(Some(1)).await);
            crate::assert_in!(ready("a").await, ready(vec!["a"]).await);
            crate::assert_not_in!(ready('b').await, "a");
            let boxed: Box<dyn Any + Send + Sync> = Box::new(1_u8);
            crate::assert_is_instance!(ready(boxed).await, u8);
            crate::assert_not_is_instance!(ready(1_u8).await, u16);
            crate::assert_almost_equal!(ready(1.0).await, 1.0, places = 3);
            crate::assert_not_almost_equal!(ready(1.0).await, 2.0, delta = 0.5);
            crate::assert_greater!(ready(2).await, 1);
            crate::assert_greater_equal!(ready(2).await, 2);
            crate::assert_less!(ready(1).await, 2);
            crate::assert_less_equal!(ready(2).await, 2);
            crate::assert_raises!(ready(Err::<(), _>(LookupError::NotFound)).await);
            crate::assert_matches!(ready(Some(1)).await, Some(_));
            crate::assert_regex!(ready("abc").await, "b");
            crate::assert_not_regex!(ready("abc").await, "d");
            crate::assert_count_equal!(ready([1, 2]).await, [2, 1]);
            crate::assert_map_subset!(
                ready(HashMap::from([(1, 2)])).await,
                HashMap::from([(1, 2)])
            );
            crate::assert_multi_line_equal!(ready("a\nb").await, "a\nb");
        }));
    }

    /// Operands with side effects run once, as a user reading the call expects.
    #[test]
    fn operands_are_evaluated_exactly_once() {
        fn once<T>(calls: &Cell<u32>, value: T) -> T {
            calls.set(calls.get() + 1);
            value
        }
        let calls = Cell::new(0);
        crate::assert_equal!(once(&calls, 1), once(&calls, 1), "{}", once(&calls, 0));
        crate::assert_not_equal!(once(&calls, 1), once(&calls, 2));
        crate::assert_true!(once(&calls, true));
        crate::assert_false!(once(&calls, false));
        crate::assert_is_none!(once(&calls, None::<u8>));
        crate::assert_is_not_none!(once(&calls, Some(1)));
        crate::assert_is_some!(once(&calls, Some(1)));
        crate::assert_in!(once(&calls, 1), [1]);
        crate::assert_not_in!(once(&calls, 2), [1]);
        crate::assert_is_instance!(once(&calls, 1), i32);
        crate::assert_not_is_instance!(once(&calls, 1), u8);
        crate::assert_almost_equal!(once(&calls, 1.0), once(&calls, 1.0));
        crate::assert_not_almost_equal!(once(&calls, 1.0), 2.0, delta = once(&calls, 0.5));
        crate::assert_greater!(once(&calls, 2), once(&calls, 1));
        crate::assert_greater_equal!(once(&calls, 2), 2);
        crate::assert_less!(once(&calls, 1), 2);
        crate::assert_less_equal!(once(&calls, 1), 2);
        crate::assert_raises!(once(&calls, Err::<(), _>(LookupError::NotFound)));
        crate::assert_raises!(
            once(&calls, Err::<(), _>(LookupError::NotFound)),
            Err(LookupError::NotFound)
        );
        crate::assert_matches!(once(&calls, Some(1)), Some(1));
        crate::assert_regex!(once(&calls, "abc"), "b");
        crate::assert_not_regex!(once(&calls, "abc"), "d");
        crate::assert_count_equal!(once(&calls, [1]), once(&calls, [1]));
        crate::assert_map_subset!(
            once(&calls, HashMap::from([(1, 2)])),
            HashMap::from([(1, 2)])
        );
        crate::assert_multi_line_equal!(once(&calls, "a"), "a");
        assert_eq!(calls.get(), 32);
    }
}
