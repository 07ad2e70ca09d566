//! Items used by code that `#[smoke_test]` and the assertion macros generate. Not public API:
//! names here change without notice.

pub use linkme;

pub use crate::assertions::support as assert;
pub use crate::context::{Context, Exclusive, Shared};
pub use crate::outcome::Failure;
pub use crate::panic::{AssertionFailure, assertion_failed};
pub use crate::registry::{Body, BodyResult, Param, PlainAsync, SMOKE_TESTS_V0, SmokeTest};
pub use crate::suite::probe;
pub use crate::suite::{BoxFuture, SuiteInstance, SuiteVTable};

use std::convert::Infallible;

/// The return types a smoke test may have: `()` and `Result<(), E>`. That `E` is displayable is
/// checked separately by [`error_displays`], so that a missing `Display` is reported once, in
/// words about the error type, rather than as this trait's missing impl and again by the probe.
#[diagnostic::on_unimplemented(
    message = "a smoke test returns `()` or `Result<(), E>` where `E: Display`, not `{Self}`",
    label = "unsupported return type"
)]
pub trait IntoTestResult {
    /// The error type; `Infallible` for `()`.
    type Error;
    /// Normalises the return value.
    fn into_test_result(self) -> Result<(), Self::Error>;
}

impl IntoTestResult for () {
    type Error = Infallible;
    fn into_test_result(self) -> Result<(), Infallible> {
        Ok(())
    }
}

impl<E> IntoTestResult for Result<(), E> {
    type Error = E;
    fn into_test_result(self) -> Result<(), E> {
        self
    }
}

/// An error type a smoke test may return: anything `Display`. Its own trait only for the
/// message: rustc reports a failed `E: DisplayableError` with this text, at the return type.
#[diagnostic::on_unimplemented(
    message = "the error type `{Self}` of a smoke test must implement `Display`, so the report can show it",
    label = "`{Self}` does not implement `Display`",
    note = "return `smoketest::Result` (turn other errors into it with `?` or `smoketest::Error::msg`), \
            `anyhow::Result<()>`, or `Result<(), E>` with an `E` that implements `Display`"
)]
pub trait DisplayableError {}

impl<E: std::fmt::Display + ?Sized> DisplayableError for E {}

/// Compile-time check on a test's error value, called by generated code before the probe.
#[inline(always)]
pub fn error_displays<E: DisplayableError>(_: &E) {}

/// Autoref-specialisation probe that turns a test's concrete error type into a [`Failure`] with the
/// best message it can give. Generated code calls `(&&&&&&describe::ErrorProbe(&error)).describe()`
/// with all six traits in scope; the first applicable of these wins:
/// `smoketest::Error` (message and `?` location), `std::error::Error` (source chain),
/// `AsRef<dyn Error + Send + Sync>` (anyhow, boxed errors), `AsRef<dyn Error>`, `Display`, and
/// a last level without bounds.
pub mod describe {
    use std::error::Error as StdError;
    use std::fmt::Display;

    use crate::error::chain_message;
    use crate::outcome::Failure;

    /// The probe value.
    pub struct ErrorProbe<'a, E>(pub &'a E);

    /// `smoketest::Error`.
    pub trait ViaOwnError {
        /// The failure.
        fn describe(&self) -> Failure;
    }
    impl ViaOwnError for &&&&&ErrorProbe<'_, crate::Error> {
        fn describe(&self) -> Failure {
            Failure::from(self.0.clone())
        }
    }

    /// `std::error::Error`.
    pub trait ViaStdError {
        /// The failure.
        fn describe(&self) -> Failure;
    }
    impl<E: StdError + 'static> ViaStdError for &&&&ErrorProbe<'_, E> {
        fn describe(&self) -> Failure {
            Failure::errored(chain_message(self.0))
        }
    }

    /// `AsRef<dyn Error + Send + Sync>`: `anyhow::Error`, `Box<dyn Error + Send + Sync>`.
    pub trait ViaSendSyncDynError {
        /// The failure.
        fn describe(&self) -> Failure;
    }
    impl<E: AsRef<dyn StdError + Send + Sync + 'static>> ViaSendSyncDynError for &&&ErrorProbe<'_, E> {
        fn describe(&self) -> Failure {
            Failure::errored(chain_message(self.0.as_ref()))
        }
    }

    /// `AsRef<dyn Error>`: `Box<dyn Error>`.
    pub trait ViaDynError {
        /// The failure.
        fn describe(&self) -> Failure;
    }
    impl<E: AsRef<dyn StdError + 'static>> ViaDynError for &&ErrorProbe<'_, E> {
        fn describe(&self) -> Failure {
            Failure::errored(chain_message(self.0.as_ref()))
        }
    }

    /// Anything `Display`.
    pub trait ViaDisplay {
        /// The failure.
        fn describe(&self) -> Failure;
    }
    impl<E: Display> ViaDisplay for &ErrorProbe<'_, E> {
        fn describe(&self) -> Failure {
            Failure::errored(self.0.to_string())
        }
    }

    /// Any other type. Never chosen in a program that compiles, since
    /// [`error_displays`](super::error_displays) rejects an error type without `Display`; it exists so that the
    /// probe always resolves and that rejection is the only error the user sees.
    pub trait ViaAnything {
        /// The failure.
        fn describe(&self) -> Failure;
    }
    impl<E> ViaAnything for ErrorProbe<'_, E> {
        fn describe(&self) -> Failure {
            Failure::errored(format!("an error of type `{}`", std::any::type_name::<E>()))
        }
    }
}
