//! Panic isolation: a panicking test becomes a failed or errored result, never a dead process.
//!
//! Assertions end a test by panicking with an [`AssertionFailure`] (unittest semantics: the first
//! failed assertion stops the test). A panic hook, installed once and chained to the previous one,
//! records the message, location and (when `RUST_BACKTRACE` asks) backtrace of panics raised while
//! a test runs on this thread, and keeps them off stderr; panics elsewhere go to the previous hook.

use std::any::Any;
use std::backtrace::{Backtrace, BacktraceStatus};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe, Location, PanicHookInfo};
use std::pin::Pin;
use std::sync::Once;
use std::task::{Context, Poll};

use crate::outcome::Failure;

/// The panic payload of a failed assertion of this crate.
#[doc(hidden)]
#[derive(Debug)]
pub struct AssertionFailure {
    /// The custom or default message.
    pub message: String,
    /// Where the assertion was called.
    pub location: &'static Location<'static>,
}

/// Ends the current test as failed with `message`, located at the caller (the assertion macro's
/// call site).
#[doc(hidden)]
#[track_caller]
#[cold]
pub fn assertion_failed(message: String) -> ! {
    panic::panic_any(AssertionFailure {
        message,
        location: Location::caller(),
    })
}

/// Whether panics unwind in this build. With `panic = "abort"` a panicking test takes the
/// process down and the report says so.
pub(crate) const PANICS_ARE_CAUGHT: bool = cfg!(panic = "unwind");

struct PanicRecord {
    location: Option<String>,
    backtrace: Option<String>,
}

thread_local! {
    static IN_TEST: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<PanicRecord>> = const { RefCell::new(None) };
}

/// Installs the recording hook once per process, in front of whatever hook was there.
pub(crate) fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            if IN_TEST.with(Cell::get) {
                record(info);
            } else {
                previous(info);
            }
        }));
    });
}

fn record(info: &PanicHookInfo<'_>) {
    let backtrace = Backtrace::capture();
    let backtrace =
        (backtrace.status() == BacktraceStatus::Captured).then(|| backtrace.to_string());
    let location = info
        .location()
        .map(|location| crate::outcome::format_location(location.file(), location.line()));
    LAST_PANIC.with(|last| {
        *last.borrow_mut() = Some(PanicRecord {
            location,
            backtrace,
        })
    });
}

/// Runs `f` with panics recorded instead of printed; restores the flag even when `f` unwinds.
fn in_test<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            IN_TEST.with(|flag| flag.set(self.0));
        }
    }
    let _reset = Reset(IN_TEST.with(|flag| flag.replace(true)));
    f()
}

/// Runs a synchronous piece of a test, turning a panic into a [`Failure`].
pub(crate) fn catch<R>(f: impl FnOnce() -> Result<R, Failure>) -> Result<R, Failure> {
    match in_test(|| panic::catch_unwind(AssertUnwindSafe(f))) {
        Ok(result) => result,
        Err(payload) => Err(classify(payload)),
    }
}

/// A future that records its panics as [`catch`] does, polled in place.
pub(crate) struct CatchUnwind<F> {
    inner: Pin<Box<F>>,
}

impl<F> CatchUnwind<F> {
    pub(crate) fn new(future: F) -> Self {
        CatchUnwind {
            inner: Box::pin(future),
        }
    }
}

impl<R, F: Future<Output = Result<R, Failure>>> Future for CatchUnwind<F> {
    type Output = Result<R, Failure>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_mut();
        match in_test(|| panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx)))) {
            Ok(poll) => poll,
            Err(payload) => Poll::Ready(Err(classify(payload))),
        }
    }
}

/// std's assertion macros panic with messages that start like this; they count as failures.
const STD_ASSERTION_PREFIXES: [&str; 3] = [
    "assertion failed: ",
    "assertion `left == right` failed",
    "assertion `left != right` failed",
];

fn classify(payload: Box<dyn Any + Send>) -> Failure {
    let record = LAST_PANIC.with(|last| last.borrow_mut().take());
    let (location, backtrace) = match record {
        Some(record) => (record.location, record.backtrace),
        None => (None, None),
    };
    let payload = match payload.downcast::<AssertionFailure>() {
        Ok(assertion) => {
            let mut failure = Failure::failed(assertion.message).at(assertion.location);
            failure.backtrace = backtrace;
            return failure;
        }
        Err(payload) => payload,
    };
    let message = payload_message(payload.as_ref());
    let mut failure = match &message {
        Some(message)
            if STD_ASSERTION_PREFIXES
                .iter()
                .any(|prefix| message.starts_with(prefix)) =>
        {
            Failure::failed(message.clone())
        }
        Some(message) => Failure::errored(format!("panicked: {message}")),
        None => Failure::errored("panicked with a non-string payload"),
    };
    failure.location = location;
    failure.backtrace = backtrace;
    failure
}

fn payload_message(payload: &(dyn Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<&'static str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caught(f: impl FnOnce()) -> Failure {
        install_hook();
        catch(|| {
            f();
            Ok(())
        })
        .unwrap_err()
    }

    #[test]
    fn an_assertion_failure_is_failed_at_its_call_site() {
        let line = line!() + 1;
        let failure = caught(|| assertion_failed("nope".into()));
        assert_eq!(failure.outcome, crate::Outcome::Failed);
        assert_eq!(failure.message, "nope");
        assert_eq!(failure.location, Some(format!("{}:{line}", file!())));
    }

    #[test]
    fn std_assert_eq_is_failed() {
        let line = line!() + 1;
        let failure = caught(|| assert_eq!(1 + 1, 3));
        assert_eq!(failure.outcome, crate::Outcome::Failed);
        assert!(
            failure
                .message
                .starts_with("assertion `left == right` failed"),
            "{}",
            failure.message
        );
        assert_eq!(failure.location, Some(format!("{}:{line}", file!())));
    }

    #[test]
    fn any_other_panic_is_errored() {
        let failure = caught(|| panic!("boom {}", 7));
        assert_eq!(failure.outcome, crate::Outcome::Errored);
        assert_eq!(failure.message, "panicked: boom 7");
    }

    #[test]
    fn the_flag_is_reset_after_a_panic() {
        let _ = caught(|| panic!("x"));
        assert!(!IN_TEST.with(Cell::get));
    }
}
