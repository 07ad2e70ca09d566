//! The crate's own error type, for tests and suite hooks that want `?` without pulling in `anyhow`.

use std::fmt;
use std::panic::Location;

/// An error a smoke test or a suite hook returns to say "this did not work".
///
/// Any [`std::error::Error`] converts into it with `?`, keeping its whole source chain
/// (`outer: cause: root cause`) and the file and line of the `?` that converted it, which the
/// report shows next to the message. [`Error::msg`] makes one from plain text.
///
/// A test that returns `Err` is reported as **errored**; an assertion that fails makes it
/// **failed** instead (unittest's distinction between failures and errors).
///
/// ```
/// use smoketest::{smoke_test, Error, Result};
///
/// #[smoke_test]
/// fn config_is_readable() -> Result {
///     let text = std::fs::read_to_string("/etc/hostname")?; // io::Error converts
///     if text.trim().is_empty() {
///         return Err(Error::msg("/etc/hostname is empty"));
///     }
///     Ok(())
/// }
/// ```
///
/// # From a message
///
/// A `String` or `&str` does not convert with `.into()` or `?`: with the conversion from every
/// [`std::error::Error`] in place, Rust rejects a second one from `String`, because std could
/// make `String` an error type in a later release. Make an error from text with
/// [`Error::msg`], [`bail!`](crate::bail) or [`ensure!`](crate::ensure), in tests and suite
/// hooks alike:
///
/// ```
/// use smoketest::{bail, ensure, Error, Result, State, Suite};
///
/// struct Config {
///     payments_url: String,
/// }
///
/// struct Payments;
///
/// impl Suite for Payments {
///     fn set_up_suite(state: &State) -> Result<Self> {
///         let url = &state.require::<Config>()?.payments_url;
///         if url.is_empty() {
///             return Err(Error::msg(format!("payments_url is empty in {state:?}")));
///         }
///         ensure!(url.starts_with("https://"), "payments_url {url:?} is not https");
///         if url.contains("localhost") {
///             bail!("payments_url {url:?} points at this host");
///         }
///         Ok(Payments)
///     }
/// }
///
/// let mut state = State::new();
/// state.insert(Config { payments_url: "http://pay.example".into() });
/// let error = Payments::set_up_suite(&state).err().unwrap();
/// assert_eq!(error.message(), r#"payments_url "http://pay.example" is not https"#);
/// ```
///
/// The `.into()` does not compile, with rustc's own message (``the trait bound `String:
/// Into<Error>` is not satisfied``); it cannot be made to say more, as `From` is std's trait:
///
/// ```compile_fail,E0277
/// fn check() -> smoketest::Result {
///     return Err(format!("{} rows", 0).into());
/// }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    location: &'static Location<'static>,
}

/// `Result<T, smoketest::Error>`, with `T = ()` by default: the return type of a fallible smoke test.
pub type Result<T = (), E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with this message, located where `msg` was called.
    #[track_caller]
    pub fn msg(message: impl fmt::Display) -> Self {
        Error {
            message: message.to_string(),
            location: Location::caller(),
        }
    }

    /// The message, including the source chain of the error it was converted from.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the error was made: the `?` that converted it, or the call to [`Error::msg`].
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }

    /// Adds context in front of the message: `context: message`, as `anyhow` does.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

/// Joins an error's `Display` with those of its sources: `outer: cause: root cause`.
///
/// Sources whose text the outer message already ends with are skipped, because many error types
/// repeat their source in their own `Display`.
pub(crate) fn chain_message(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

impl<E> From<E> for Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    #[track_caller]
    fn from(error: E) -> Self {
        Error {
            message: chain_message(&error),
            location: Location::caller(),
        }
    }
}

#[cfg(feature = "anyhow")]
impl From<Error> for anyhow::Error {
    fn from(error: Error) -> Self {
        anyhow::Error::msg(error.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at {}:{})",
            self.message,
            self.location.file(),
            self.location.line()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("could not open the store")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    const QUESTION_MARK_LINE: u32 = line!() + 2;
    fn fails() -> Result {
        Err(Outer(std::io::Error::other("disk on fire")))?;
        Ok(())
    }

    #[test]
    fn question_mark_keeps_the_source_chain_and_its_own_location() {
        let error = fails().unwrap_err();
        assert_eq!(error.message(), "could not open the store: disk on fire");
        assert_eq!(error.location().file(), file!());
        assert_eq!(error.location().line(), QUESTION_MARK_LINE);
    }

    #[test]
    fn msg_and_context_compose_like_anyhow() {
        let error = Error::msg("no rows").context("counting users");
        assert_eq!(error.to_string(), "counting users: no rows");
    }
}

/// Returns early with a [`smoketest::Error`](Error) made from a message, as `anyhow::bail!` does:
/// `bail!("…", args)` is `return Err(Error::msg(format!("…", args)))`, located at the call.
///
/// ```
/// use smoketest::{bail, smoke_test, Result};
///
/// #[smoke_test]
/// fn queue_is_short() -> Result {
///     let depth = 3;
///     if depth > 100 {
///         bail!("queue depth is {depth}, over 100");
///     }
///     Ok(())
/// }
/// ```
#[macro_export]
macro_rules! bail {
    ($($message:tt)+) => {
        return ::core::result::Result::Err($crate::Error::msg(::std::format!($($message)+)))
    };
}

/// Returns early with a [`smoketest::Error`](Error) unless a condition holds, as
/// `anyhow::ensure!` does: `ensure!(cond, "…", args)`, or `ensure!(cond)` for the message
/// ``condition failed: `cond` ``.
///
/// ```
/// use smoketest::{ensure, smoke_test, Result};
///
/// #[smoke_test]
/// fn enough_workers() -> Result {
///     let workers = 4;
///     ensure!(workers >= 2, "only {workers} workers");
///     ensure!(workers % 2 == 0);
///     Ok(())
/// }
/// ```
#[macro_export]
macro_rules! ensure {
    ($condition:expr $(,)?) => {
        if !$condition {
            $crate::bail!("condition failed: `{}`", ::core::stringify!($condition));
        }
    };
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            $crate::bail!($($message)+);
        }
    };
}

#[cfg(test)]
mod bail_and_ensure {
    use super::*;

    fn bails(n: u32) -> Result {
        if n > 1 {
            crate::bail!("{n} is too many");
        }
        Ok(())
    }

    fn ensures(n: u32) -> Result {
        crate::ensure!(n < 10, "{n} is not under 10");
        crate::ensure!(n % 2 == 0);
        Ok(())
    }

    #[test]
    fn bail_returns_the_formatted_message_located_at_the_call() {
        let error = bails(3).unwrap_err();
        assert_eq!(error.message(), "3 is too many");
        assert_eq!(error.location().file(), file!());
        assert!(bails(1).is_ok());
    }

    #[test]
    fn ensure_says_its_message_or_the_condition() {
        assert_eq!(ensures(12).unwrap_err().message(), "12 is not under 10");
        assert_eq!(
            ensures(3).unwrap_err().message(),
            "condition failed: `n % 2 == 0`"
        );
        assert!(ensures(4).is_ok());
    }
}
