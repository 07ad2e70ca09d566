//! Approximate equality of numbers, with unittest's `places` and `delta`.

use std::fmt::{Arguments, Debug};

use super::fail;

/// Asserts that two numbers are equal up to rounding, like unittest's `assertAlmostEqual`.
///
/// - `assert_almost_equal!(a, b)`: the difference rounded to 7 decimal places is zero.
/// - `assert_almost_equal!(a, b, places = 3)`: the difference rounded to 3 places is zero.
/// - `assert_almost_equal!(a, b, delta = 0.01)`: the difference is at most `0.01`.
///
/// `places` and `delta` cannot be combined: that does not compile. Equal values always
/// pass, infinities included; NaN never does. The operands are anything `Into<f64>` (`f64`, `f32`,
/// and the integers that convert losslessly), compared as `f64`. Default messages, as unittest's:
/// `1.0 != 1.1 within 7 places (0.10000000000000009 difference)`,
/// `1.0 != 1.5 within 0.1 delta (0.5 difference)`. A custom message follows the tolerance and
/// starts with a string literal.
///
/// ```
/// let total = 0.1 + 0.2;
/// smoketest::assert_almost_equal!(total, 0.3);
/// smoketest::assert_almost_equal!(total, 0.3, places = 3, "the till adds up wrong");
/// smoketest::assert_almost_equal!(9.81_f32, 10.0, delta = 0.5);
/// ```
///
/// ```compile_fail
/// smoketest::assert_almost_equal!(1.0, 1.001, places = 2, delta = 0.01);
/// ```
#[macro_export]
macro_rules! assert_almost_equal {
    ($first:expr, $second:expr, places = $places:expr, delta $($rest:tt)*) => {
        ::core::compile_error!("give `places` or `delta`, not both")
    };
    ($first:expr, $second:expr, delta = $delta:expr, places $($rest:tt)*) => {
        ::core::compile_error!("give `places` or `delta`, not both")
    };
    ($first:expr, $second:expr $(,)?) => {
        $crate::__private::assert::almost_equal_places(
            $first,
            $second,
            7,
            ::core::option::Option::None,
        )
    };
    ($first:expr, $second:expr, places = $places:expr $(,)?) => {
        $crate::__private::assert::almost_equal_places(
            $first,
            $second,
            $places,
            ::core::option::Option::None,
        )
    };
    ($first:expr, $second:expr, places = $places:expr, $format:literal $($arguments:tt)*) => {
        $crate::__private::assert::almost_equal_places(
            $first,
            $second,
            $places,
            ::core::option::Option::Some(::core::format_args!($format $($arguments)*)),
        )
    };
    ($first:expr, $second:expr, delta = $delta:expr $(,)?) => {
        $crate::__private::assert::almost_equal_delta(
            $first,
            $second,
            $delta,
            ::core::option::Option::None,
        )
    };
    ($first:expr, $second:expr, delta = $delta:expr, $format:literal $($arguments:tt)*) => {
        $crate::__private::assert::almost_equal_delta(
            $first,
            $second,
            $delta,
            ::core::option::Option::Some(::core::format_args!($format $($arguments)*)),
        )
    };
    ($first:expr, $second:expr, $format:literal $($arguments:tt)*) => {
        $crate::__private::assert::almost_equal_places(
            $first,
            $second,
            7,
            ::core::option::Option::Some(::core::format_args!($format $($arguments)*)),
        )
    };
}

/// Asserts that two numbers differ by more than rounding, like unittest's `assertNotAlmostEqual`.
///
/// Takes `places = N` or `delta = D` as [`assert_almost_equal!`](crate::assert_almost_equal)
/// does (default: 7 places) and fails when that one would pass, and also when the values are
/// equal. Default messages: `1.0 == 1.00000001 within 7 places`,
/// `1.0 == 1.05 within 0.1 delta (0.050000000000000044 difference)`.
///
/// ```
/// let before = 20.5;
/// let after = 21.0;
/// smoketest::assert_not_almost_equal!(before, after);
/// smoketest::assert_not_almost_equal!(before, after, delta = 0.1, "the sensor is stuck");
/// ```
#[macro_export]
macro_rules! assert_not_almost_equal {
    ($first:expr, $second:expr, places = $places:expr, delta $($rest:tt)*) => {
        ::core::compile_error!("give `places` or `delta`, not both")
    };
    ($first:expr, $second:expr, delta = $delta:expr, places $($rest:tt)*) => {
        ::core::compile_error!("give `places` or `delta`, not both")
    };
    ($first:expr, $second:expr $(,)?) => {
        $crate::__private::assert::not_almost_equal_places(
            $first,
            $second,
            7,
            ::core::option::Option::None,
        )
    };
    ($first:expr, $second:expr, places = $places:expr $(,)?) => {
        $crate::__private::assert::not_almost_equal_places(
            $first,
            $second,
            $places,
            ::core::option::Option::None,
        )
    };
    ($first:expr, $second:expr, places = $places:expr, $format:literal $($arguments:tt)*) => {
        $crate::__private::assert::not_almost_equal_places(
            $first,
            $second,
            $places,
            ::core::option::Option::Some(::core::format_args!($format $($arguments)*)),
        )
    };
    ($first:expr, $second:expr, delta = $delta:expr $(,)?) => {
        $crate::__private::assert::not_almost_equal_delta(
            $first,
            $second,
            $delta,
            ::core::option::Option::None,
        )
    };
    ($first:expr, $second:expr, delta = $delta:expr, $format:literal $($arguments:tt)*) => {
        $crate::__private::assert::not_almost_equal_delta(
            $first,
            $second,
            $delta,
            ::core::option::Option::Some(::core::format_args!($format $($arguments)*)),
        )
    };
    ($first:expr, $second:expr, $format:literal $($arguments:tt)*) => {
        $crate::__private::assert::not_almost_equal_places(
            $first,
            $second,
            7,
            ::core::option::Option::Some(::core::format_args!($format $($arguments)*)),
        )
    };
}

/// Python's `round(difference, places) == 0` for a non-negative difference.
fn rounds_to_zero(difference: f64, places: i32) -> bool {
    match usize::try_from(places) {
        // Formatting with a precision rounds the exact binary value, ties to even, as Python's
        // `round` does; NaN and infinity print as letters and so never round to zero.
        Ok(places) => format!("{difference:.places$}")
            .bytes()
            .all(|byte| matches!(byte, b'0' | b'.')),
        // `round(x, -n)` rounds to a multiple of 10^n: zero up to half of it (a tie goes to the
        // even multiple, zero). Half of 10^n is exact in `f64` for every n that fits it.
        Err(_) => difference <= 0.5 * 10f64.powi(-places),
    }
}

/// `assert_almost_equal!` with `places` (7 by default).
#[track_caller]
pub fn almost_equal_places<A, B>(first: A, second: B, places: i32, message: Option<Arguments<'_>>)
where
    A: Into<f64> + Copy + Debug,
    B: Into<f64> + Copy + Debug,
{
    let (a, b) = (first.into(), second.into());
    if a == b {
        return;
    }
    let difference = (a - b).abs();
    if !rounds_to_zero(difference, places) {
        fail(
            message,
            format_args!(
                "{first:?} != {second:?} within {places} places ({difference:?} difference)"
            ),
        );
    }
}

/// `assert_almost_equal!` with `delta`.
#[track_caller]
pub fn almost_equal_delta<A, B, D>(first: A, second: B, delta: D, message: Option<Arguments<'_>>)
where
    A: Into<f64> + Copy + Debug,
    B: Into<f64> + Copy + Debug,
    D: Into<f64> + Copy + Debug,
{
    let (a, b) = (first.into(), second.into());
    if a == b {
        return;
    }
    let difference = (a - b).abs();
    let within = difference <= delta.into();
    if !within {
        fail(
            message,
            format_args!(
                "{first:?} != {second:?} within {delta:?} delta ({difference:?} difference)"
            ),
        );
    }
}

/// `assert_not_almost_equal!` with `places` (7 by default).
#[track_caller]
pub fn not_almost_equal_places<A, B>(
    first: A,
    second: B,
    places: i32,
    message: Option<Arguments<'_>>,
) where
    A: Into<f64> + Copy + Debug,
    B: Into<f64> + Copy + Debug,
{
    let (a, b) = (first.into(), second.into());
    if a == b || rounds_to_zero((a - b).abs(), places) {
        fail(
            message,
            format_args!("{first:?} == {second:?} within {places} places"),
        );
    }
}

/// `assert_not_almost_equal!` with `delta`.
#[track_caller]
pub fn not_almost_equal_delta<A, B, D>(
    first: A,
    second: B,
    delta: D,
    message: Option<Arguments<'_>>,
) where
    A: Into<f64> + Copy + Debug,
    B: Into<f64> + Copy + Debug,
    D: Into<f64> + Copy + Debug,
{
    let (a, b) = (first.into(), second.into());
    let difference = (a - b).abs();
    let beyond = difference > delta.into();
    if a == b || !beyond {
        fail(
            message,
            format_args!(
                "{first:?} == {second:?} within {delta:?} delta ({difference:?} difference)"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, fails};
    use super::rounds_to_zero;

    #[test]
    fn rounding_follows_python() {
        assert!(rounds_to_zero(0.000_000_04, 7));
        assert!(!rounds_to_zero(0.000_000_06, 7));
        assert!(rounds_to_zero(0.5, 0));
        assert!(!rounds_to_zero(1.5, 0));
        assert!(rounds_to_zero(5.0, -1));
        assert!(!rounds_to_zero(5.5, -1));
        assert!(!rounds_to_zero(f64::NAN, 7));
        assert!(!rounds_to_zero(f64::INFINITY, 7));
    }

    #[test]
    fn assert_almost_equal_passes_within_seven_places() {
        crate::assert_almost_equal!(0.1 + 0.2, 0.3);
        crate::assert_almost_equal!(1.0_f32, 1.000_000_01_f64);
        crate::assert_almost_equal!(f64::INFINITY, f64::INFINITY);
        crate::assert_almost_equal!(3, 3.0);
    }

    #[test]
    fn assert_almost_equal_passes_within_places_and_delta() {
        crate::assert_almost_equal!(1.0, 1.0004, places = 3);
        crate::assert_almost_equal!(1.0, 1.04, delta = 0.05,);
        crate::assert_almost_equal!(10, 12, delta = 2);
    }

    #[test]
    fn assert_almost_equal_shows_the_difference() {
        check(
            fails! { crate::assert_almost_equal!(1.0, 1.1) },
            "1.0 != 1.1 within 7 places (0.10000000000000009 difference)",
        );
    }

    #[test]
    fn assert_almost_equal_shows_the_places() {
        check(
            fails! { crate::assert_almost_equal!(1.0, 1.01, places = 2) },
            "1.0 != 1.01 within 2 places (0.010000000000000009 difference)",
        );
    }

    #[test]
    fn assert_almost_equal_shows_the_delta() {
        check(
            fails! { crate::assert_almost_equal!(1.0, 1.5, delta = 0.1) },
            "1.0 != 1.5 within 0.1 delta (0.5 difference)",
        );
    }

    #[test]
    fn assert_almost_equal_never_passes_nan() {
        check(
            fails! { crate::assert_almost_equal!(f64::NAN, f64::NAN) },
            "NaN != NaN within 7 places (NaN difference)",
        );
    }

    #[test]
    fn assert_almost_equal_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_almost_equal!(1.0, 2.0, "{} {}", 1, 2) },
            "1 2: 1.0 != 2.0 within 7 places (1.0 difference)",
        );
        check(
            fails! { crate::assert_almost_equal!(1, 2, places = 0, "p") },
            "p: 1 != 2 within 0 places (1.0 difference)",
        );
        check(
            fails! { crate::assert_almost_equal!(1, 2, delta = 0.5, "d{}", 1,) },
            "d1: 1 != 2 within 0.5 delta (1.0 difference)",
        );
    }

    #[test]
    fn assert_not_almost_equal_passes_beyond_the_tolerance() {
        crate::assert_not_almost_equal!(1.0, 1.1);
        crate::assert_not_almost_equal!(1.0, 1.1, places = 1);
        crate::assert_not_almost_equal!(1.0, 1.2, delta = 0.1);
    }

    #[test]
    fn assert_not_almost_equal_shows_the_places() {
        check(
            fails! { crate::assert_not_almost_equal!(1.0, 1.000_000_01) },
            "1.0 == 1.00000001 within 7 places",
        );
    }

    #[test]
    fn assert_not_almost_equal_fails_on_equal_values() {
        check(
            fails! { crate::assert_not_almost_equal!(2, 2, places = 3) },
            "2 == 2 within 3 places",
        );
    }

    #[test]
    fn assert_not_almost_equal_shows_the_delta() {
        check(
            fails! { crate::assert_not_almost_equal!(1.0, 1.05, delta = 0.1) },
            "1.0 == 1.05 within 0.1 delta (0.050000000000000044 difference)",
        );
    }

    #[test]
    fn assert_not_almost_equal_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_not_almost_equal!(1.0, 1.0, "stuck at {}", 1) },
            "stuck at 1: 1.0 == 1.0 within 7 places",
        );
        check(
            fails! { crate::assert_not_almost_equal!(1, 1, delta = 1, "d") },
            "d: 1 == 1 within 1 delta (0.0 difference)",
        );
    }
}
