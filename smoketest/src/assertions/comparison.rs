//! Equality, truth, identity, `Option` and ordering assertions.

use std::cmp::Ordering::{Equal, Greater, Less};
use std::fmt::{Arguments, Debug};
use std::mem;
use std::ops::Deref;
use std::ptr;

use super::fail;

/// Asserts that two values are equal (`==`), like unittest's `assertEqual`.
///
/// The values may have different types when the first is `PartialEq` to the second. Both are
/// borrowed, not moved. Default message: `{first:?} != {second:?}`.
///
/// ```
/// let users = vec!["ada", "grace"];
/// smoketest::assert_equal!(users.len(), 2);
/// smoketest::assert_equal!(users, ["ada", "grace"], "users of tenant {}", 7);
/// ```
#[macro_export]
macro_rules! assert_equal {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::equal(
            &$first,
            &$second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that two values are not equal (`!=`), like unittest's `assertNotEqual`.
///
/// Default message: `{first:?} == {second:?}`.
///
/// ```
/// let version = String::from("2.1.0");
/// smoketest::assert_not_equal!(version, "0.0.0");
/// smoketest::assert_not_equal!(version, "", "the build has no version");
/// ```
#[macro_export]
macro_rules! assert_not_equal {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::not_equal(
            &$first,
            &$second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that a `bool` is `true`, like unittest's `assertTrue`.
///
/// Default message: `` `<expression>` is not true ``.
///
/// ```
/// let url = "https://payments.example.com";
/// smoketest::assert_true!(url.starts_with("https://"));
/// smoketest::assert_true!(!url.is_empty(), "PAYMENTS_URL is {:?}", url);
/// ```
#[macro_export]
macro_rules! assert_true {
    ($condition:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::is_true(
            $condition,
            ::core::stringify!($condition),
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that a `bool` is `false`, like unittest's `assertFalse`.
///
/// Default message: `` `<expression>` is not false ``.
///
/// ```
/// let title = "Dune";
/// smoketest::assert_false!(title.is_empty());
/// smoketest::assert_false!(title.trim().is_empty(), "book {} has no title", 7);
/// ```
#[macro_export]
macro_rules! assert_false {
    ($condition:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::is_false(
            $condition,
            ::core::stringify!($condition),
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that two references or smart pointers point to the same object in memory, like
/// unittest's `assertIs`.
///
/// Both operands are pointers (`Deref`) to the same type, borrowed, not moved: `&T`, `&mut T`,
/// `Box<T>`, `Rc<T>`, `Arc<T>`, `String` (its buffer), `Vec<T>` (its slice), in any mix. They are
/// the same object when they point to the same address and the pointees have the same size (so
/// two slices must also have the same length); the pointers themselves are not compared. Equal
/// values at different addresses are not identical. Default message: `{first:?} is not
/// {second:?}` (the pointees).
///
/// ```
/// use std::sync::Arc;
///
/// let config = Arc::new(vec!["eu-west-1"]);
/// let shared = Arc::clone(&config);
/// smoketest::assert_is!(config, shared);
/// smoketest::assert_is!(&config[0], &shared[0], "the region was copied");
/// ```
#[macro_export]
macro_rules! assert_is {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::identical(
            &$first,
            &$second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that two references or smart pointers point to different objects, like unittest's
/// `assertIsNot`; see [`assert_is!`](crate::assert_is) for what "same" means.
///
/// Default message: `unexpectedly identical: {first:?}`.
///
/// ```
/// let cached = String::from("eu-west-1");
/// let fresh = cached.clone();
/// smoketest::assert_is_not!(&cached, &fresh);
/// smoketest::assert_is_not!(cached, fresh, "clone shares its buffer");
/// ```
#[macro_export]
macro_rules! assert_is_not {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::not_identical(
            &$first,
            &$second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that an `Option` is `None`, like unittest's `assertIsNone`.
///
/// The option is borrowed, not moved. Default message: `{option:?} is not None`.
///
/// ```
/// let lock_holder: Option<u32> = None;
/// smoketest::assert_is_none!(lock_holder);
/// smoketest::assert_is_none!(lock_holder, "the migration lock is still held");
/// ```
#[macro_export]
macro_rules! assert_is_none {
    ($option:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::is_none(
            &$option,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that an `Option` is `Some`, like unittest's `assertIsNotNone`; alias
/// [`assert_is_some!`](crate::assert_is_some).
///
/// The option is borrowed, not moved. Default message: `unexpectedly None`.
///
/// ```
/// let api_key = Some("k-1234");
/// smoketest::assert_is_not_none!(api_key);
/// smoketest::assert_is_not_none!(api_key, "{} is not set", "API_KEY");
/// ```
#[macro_export]
macro_rules! assert_is_not_none {
    ($option:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::is_some(
            &$option,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that an `Option` is `Some`: the same as
/// [`assert_is_not_none!`](crate::assert_is_not_none).
///
/// ```
/// let book = Some("Dune");
/// smoketest::assert_is_some!(book);
/// smoketest::assert_is_some!(book, "seed book {} is missing", "978-0441013593");
/// ```
#[macro_export]
macro_rules! assert_is_some {
    ($option:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::is_some(
            &$option,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts `first > second`, like unittest's `assertGreater`.
///
/// Default message: `{first:?} not greater than {second:?}`.
///
/// ```
/// let books = 12;
/// smoketest::assert_greater!(books, 0);
/// smoketest::assert_greater!(books, 10, "only {} books in the catalogue", books);
/// ```
#[macro_export]
macro_rules! assert_greater {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::greater(
            &$first,
            &$second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts `first >= second`, like unittest's `assertGreaterEqual`.
///
/// Default message: `{first:?} not greater than or equal to {second:?}`.
///
/// ```
/// let price_cents = 0;
/// smoketest::assert_greater_equal!(price_cents, 0);
/// smoketest::assert_greater_equal!(price_cents, 0, "book {} has a negative price", 7);
/// ```
#[macro_export]
macro_rules! assert_greater_equal {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::greater_equal(
            &$first,
            &$second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts `first < second`, like unittest's `assertLess`.
///
/// Default message: `{first:?} not less than {second:?}`.
///
/// ```
/// let latency_ms = 120.0;
/// smoketest::assert_less!(latency_ms, 500.0);
/// smoketest::assert_less!(latency_ms, 250.0, "the database answers in {} ms", latency_ms);
/// ```
#[macro_export]
macro_rules! assert_less {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::less(
            &$first,
            &$second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts `first <= second`, like unittest's `assertLessEqual`.
///
/// Default message: `{first:?} not less than or equal to {second:?}`.
///
/// ```
/// let queue_length = 100;
/// smoketest::assert_less_equal!(queue_length, 100);
/// smoketest::assert_less_equal!(queue_length, 1000, "the mail queue is backing up");
/// ```
#[macro_export]
macro_rules! assert_less_equal {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::less_equal(
            &$first,
            &$second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// `assert_equal!`.
#[track_caller]
pub fn equal<A, B>(first: &A, second: &B, message: Option<Arguments<'_>>)
where
    A: PartialEq<B> + Debug + ?Sized,
    B: Debug + ?Sized,
{
    if *first != *second {
        fail(message, format_args!("{first:?} != {second:?}"));
    }
}

/// `assert_not_equal!`.
#[track_caller]
pub fn not_equal<A, B>(first: &A, second: &B, message: Option<Arguments<'_>>)
where
    A: PartialEq<B> + Debug + ?Sized,
    B: Debug + ?Sized,
{
    if *first == *second {
        fail(message, format_args!("{first:?} == {second:?}"));
    }
}

/// `assert_true!`.
#[track_caller]
pub fn is_true(condition: bool, expression: &str, message: Option<Arguments<'_>>) {
    if !condition {
        fail(message, format_args!("`{expression}` is not true"));
    }
}

/// `assert_false!`.
#[track_caller]
pub fn is_false(condition: bool, expression: &str, message: Option<Arguments<'_>>) {
    if condition {
        fail(message, format_args!("`{expression}` is not false"));
    }
}

/// Whether two references are to one object: the same address and the same size, so that
/// comparing trait objects does not depend on which copy of a vtable each pointer carries.
fn same_object<T: ?Sized>(first: &T, second: &T) -> bool {
    ptr::addr_eq(first, second) && mem::size_of_val(first) == mem::size_of_val(second)
}

/// `assert_is!`.
#[track_caller]
pub fn identical<P, Q>(first: &P, second: &Q, message: Option<Arguments<'_>>)
where
    P: Deref + ?Sized,
    Q: Deref<Target = P::Target> + ?Sized,
    P::Target: Debug,
{
    let (first, second) = (first.deref(), second.deref());
    if !same_object(first, second) {
        fail(message, format_args!("{first:?} is not {second:?}"));
    }
}

/// `assert_is_not!`.
#[track_caller]
pub fn not_identical<P, Q>(first: &P, second: &Q, message: Option<Arguments<'_>>)
where
    P: Deref + ?Sized,
    Q: Deref<Target = P::Target> + ?Sized,
    P::Target: Debug,
{
    let (first, second) = (first.deref(), second.deref());
    if same_object(first, second) {
        fail(message, format_args!("unexpectedly identical: {first:?}"));
    }
}

/// `assert_is_none!`.
#[track_caller]
pub fn is_none<T: Debug>(option: &Option<T>, message: Option<Arguments<'_>>) {
    if option.is_some() {
        fail(message, format_args!("{option:?} is not None"));
    }
}

/// `assert_is_not_none!` and `assert_is_some!`.
#[track_caller]
pub fn is_some<T>(option: &Option<T>, message: Option<Arguments<'_>>) {
    if option.is_none() {
        fail(message, format_args!("unexpectedly None"));
    }
}

/// `assert_greater!`.
#[track_caller]
pub fn greater<A, B>(first: &A, second: &B, message: Option<Arguments<'_>>)
where
    A: PartialOrd<B> + Debug + ?Sized,
    B: Debug + ?Sized,
{
    if !matches!(first.partial_cmp(second), Some(Greater)) {
        fail(
            message,
            format_args!("{first:?} not greater than {second:?}"),
        );
    }
}

/// `assert_greater_equal!`.
#[track_caller]
pub fn greater_equal<A, B>(first: &A, second: &B, message: Option<Arguments<'_>>)
where
    A: PartialOrd<B> + Debug + ?Sized,
    B: Debug + ?Sized,
{
    if !matches!(first.partial_cmp(second), Some(Greater | Equal)) {
        fail(
            message,
            format_args!("{first:?} not greater than or equal to {second:?}"),
        );
    }
}

/// `assert_less!`.
#[track_caller]
pub fn less<A, B>(first: &A, second: &B, message: Option<Arguments<'_>>)
where
    A: PartialOrd<B> + Debug + ?Sized,
    B: Debug + ?Sized,
{
    if !matches!(first.partial_cmp(second), Some(Less)) {
        fail(message, format_args!("{first:?} not less than {second:?}"));
    }
}

/// `assert_less_equal!`.
#[track_caller]
pub fn less_equal<A, B>(first: &A, second: &B, message: Option<Arguments<'_>>)
where
    A: PartialOrd<B> + Debug + ?Sized,
    B: Debug + ?Sized,
{
    if !matches!(first.partial_cmp(second), Some(Less | Equal)) {
        fail(
            message,
            format_args!("{first:?} not less than or equal to {second:?}"),
        );
    }
}

#[cfg(test)]
mod tests;
