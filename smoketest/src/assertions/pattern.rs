//! Pattern assertions: `Err` variants (unittest's `assertRaises`) and any `match` pattern.

use std::fmt::{Arguments, Debug};

use super::fail;

/// Asserts that an expression returns an `Err`, or an `Err` matching a pattern: unittest's
/// `assertRaises` the Rust way.
///
/// - `assert_raises!(expression)`: the `Result` is an `Err`, any `Err`.
/// - `assert_raises!(expression, Err(MyError::NotFound { .. }))`: the value matches the pattern,
///   which may have an `if` guard, as a `match` arm would.
///
/// The value is matched as `match` does: a pattern that binds by value moves out of a variable
/// (write `ref`, or pass `&result` and a pattern of references, to keep it). The `Ok` and `Err`
/// types must be `Debug`. A custom message goes after the pattern, or directly after the
/// expression when it starts with a string literal (no pattern can be a string literal here).
/// Default messages: `` `parse("x")` did not raise: Ok(3) ``,
/// `` `parse("")` returned Err(Empty) which does not match `Err(ParseError::Invalid(_))` ``.
///
/// ```
/// #[derive(Debug)]
/// enum LookupError {
///     NotFound { id: u32 },
///     Forbidden,
/// }
///
/// fn lookup(id: u32) -> Result<String, LookupError> {
///     if id == 0 { Err(LookupError::Forbidden) } else { Err(LookupError::NotFound { id }) }
/// }
///
/// smoketest::assert_raises!(lookup(0));
/// smoketest::assert_raises!(lookup(0), "user {} is visible", 0);
/// smoketest::assert_raises!(lookup(7), Err(LookupError::NotFound { .. }));
/// smoketest::assert_raises!(lookup(7), Err(LookupError::NotFound { id }) if id == 7, "wrong id");
/// ```
#[macro_export]
macro_rules! assert_raises {
    ($expression:expr $(,)?) => {
        $crate::assert_raises!($expression, ::core::result::Result::Err(_))
    };
    ($expression:expr, $format:literal $($arguments:tt)*) => {
        $crate::assert_raises!($expression, ::core::result::Result::Err(_), $format $($arguments)*)
    };
    ($expression:expr, $pattern:pat $(if $guard:expr)? $(, $($message:tt)*)?) => {
        match $expression {
            $pattern $(if $guard)? => {}
            #[allow(unreachable_patterns)]
            ref value => $crate::__private::assert::did_not_raise(
                value,
                ::core::stringify!($expression),
                ::core::concat!(
                    ::core::stringify!($pattern)
                    $(, " if ", ::core::stringify!($guard))?
                ),
                $crate::__assert_message!($($($message)*)?),
            ),
        }
    };
}

/// Asserts that a value matches a pattern, with an optional `if` guard, like `matches!` but
/// showing the value when it does not.
///
/// The value is matched as `match` does (see [`assert_raises!`](crate::assert_raises)) and must
/// be `Debug`. Default message: `` Some(3) does not match `Some(1..=2)` ``.
///
/// ```
/// let status = 204;
/// smoketest::assert_matches!(status, 200..=299);
/// smoketest::assert_matches!(Some(status), Some(code) if code < 500, "status {}", status);
/// ```
#[macro_export]
macro_rules! assert_matches {
    ($expression:expr, $pattern:pat $(if $guard:expr)? $(, $($message:tt)*)?) => {
        match $expression {
            $pattern $(if $guard)? => {}
            #[allow(unreachable_patterns)]
            ref value => $crate::__private::assert::did_not_match(
                value,
                ::core::concat!(
                    ::core::stringify!($pattern)
                    $(, " if ", ::core::stringify!($guard))?
                ),
                $crate::__assert_message!($($($message)*)?),
            ),
        }
    };
}

/// `assert_raises!`: the value did not match.
#[track_caller]
pub fn did_not_raise<T: Debug, E: Debug>(
    value: &Result<T, E>,
    expression: &str,
    pattern: &str,
    message: Option<Arguments<'_>>,
) -> ! {
    match value {
        Ok(_) => fail(
            message,
            format_args!("`{expression}` did not raise: {value:?}"),
        ),
        Err(_) => fail(
            message,
            format_args!("`{expression}` returned {value:?} which does not match `{pattern}`"),
        ),
    }
}

/// `assert_matches!`: the value did not match.
#[track_caller]
pub fn did_not_match<T: Debug + ?Sized>(
    value: &T,
    pattern: &str,
    message: Option<Arguments<'_>>,
) -> ! {
    fail(
        message,
        format_args!("{value:?} does not match `{pattern}`"),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, fails};

    #[derive(Debug, PartialEq)]
    enum Lookup {
        NotFound { id: u32 },
        Other,
    }

    fn lookup(id: u32) -> Result<u32, Lookup> {
        match id {
            0 => Err(Lookup::Other),
            1..=9 => Err(Lookup::NotFound { id }),
            _ => Ok(id),
        }
    }

    #[test]
    fn assert_raises_passes_on_any_err() {
        crate::assert_raises!(lookup(0));
        crate::assert_raises!("x".parse::<u8>(),);
    }

    #[test]
    fn assert_raises_passes_on_a_matching_err() {
        crate::assert_raises!(lookup(3), Err(Lookup::NotFound { .. }));
        crate::assert_raises!(lookup(3), Err(Lookup::NotFound { id }) if id == 3);
        let result = lookup(0);
        crate::assert_raises!(result, Err(ref error) if *error == Lookup::Other);
        crate::assert_raises!(&result, Err(Lookup::Other));
        drop(result);
    }

    #[test]
    fn assert_raises_shows_the_ok_value() {
        check(
            fails! { crate::assert_raises!(lookup(30)) },
            "`lookup(30)` did not raise: Ok(30)",
        );
    }

    #[test]
    fn assert_raises_shows_the_err_that_did_not_match() {
        check(
            fails! { crate::assert_raises!(lookup(0), Err(Lookup::NotFound { .. })) },
            "`lookup(0)` returned Err(Other) \
             which does not match `Err(Lookup::NotFound { .. })`",
        );
        check(
            fails! { crate::assert_raises!(lookup(1), Err(Lookup::NotFound { id }) if id > 1) },
            "`lookup(1)` returned Err(NotFound { id: 1 }) \
             which does not match `Err(Lookup::NotFound { id }) if id > 1`",
        );
    }

    #[test]
    fn assert_raises_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_raises!(lookup(10), "user {} found", 10) },
            "user 10 found: `lookup(10)` did not raise: Ok(10)",
        );
        check(
            fails! { crate::assert_raises!(lookup(0), Err(Lookup::Other) if false, "x{}", 1,) },
            "x1: `lookup(0)` returned Err(Other) which does not match `Err(Lookup::Other) if false`",
        );
    }

    #[test]
    fn assert_matches_passes_on_a_match() {
        crate::assert_matches!(Some(3), Some(1..=3));
        crate::assert_matches!(lookup(5), Err(Lookup::NotFound { id: 5 }) | Ok(_));
    }

    #[test]
    fn assert_matches_shows_the_value() {
        check(
            fails! { crate::assert_matches!(Some(3), Some(1..=2)) },
            "Some(3) does not match `Some(1..=2)`",
        );
        check(
            fails! { crate::assert_matches!(7, n if n % 2 == 0) },
            "7 does not match `n if n % 2 == 0`",
        );
    }

    #[test]
    fn assert_matches_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_matches!("b", "a", "{} is not a", "b") },
            "b is not a: \"b\" does not match `\"a\"`",
        );
    }
}
