//! Driving async tests and hooks on the runner's worker threads.
//!
//! Every test runs on a worker thread of its own, async ones included: an `async fn` that blocks
//! its thread (`std::thread::sleep`, a synchronous driver called from async code) then blocks that
//! worker, never the application's executor, and the scheduler can still report it at its limit.
//! With the `tokio` feature the worker drives the future with the application's runtime entered
//! (the one the run was started from, else one the runner keeps for the process), so tests use the
//! application's pools and clients as they would in a handler.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use futures_util::future::{Either, select};
use futures_util::task::AtomicWaker;

/// How a run drives futures on its workers.
#[derive(Clone, Debug)]
pub(crate) enum Driver {
    /// On the worker itself, with no runtime entered (runtime-agnostic futures).
    #[cfg_attr(feature = "tokio", allow(dead_code))]
    Plain,
    /// Inside this tokio runtime.
    #[cfg(feature = "tokio")]
    Tokio(tokio::runtime::Handle),
    /// Inside the runtime the runner keeps for runs started outside any runtime, made on first use.
    #[cfg(feature = "tokio")]
    Fallback,
}

impl Driver {
    /// The runtime of the calling context (with the `tokio` feature), for async tests to share.
    pub(crate) fn current() -> Self {
        #[cfg(feature = "tokio")]
        {
            match tokio::runtime::Handle::try_current() {
                Ok(handle) => Driver::Tokio(handle),
                Err(_) => Driver::Fallback,
            }
        }
        #[cfg(not(feature = "tokio"))]
        Driver::Plain
    }

    /// A driver for a run started from blocking code.
    pub(crate) fn detached() -> Self {
        #[cfg(feature = "tokio")]
        {
            Driver::Fallback
        }
        #[cfg(not(feature = "tokio"))]
        Driver::Plain
    }

    /// Drives `future` to completion on this thread, or until `cancel` fires (then `None`, with
    /// the future dropped).
    pub(crate) fn block_on<F: Future>(
        &self,
        future: F,
        cancel: Option<&Cancel>,
    ) -> Option<F::Output> {
        let future = async {
            let future = pin!(future);
            match cancel {
                None => Some(future.await),
                Some(cancel) => match select(future, cancel.fired()).await {
                    Either::Left((output, _)) => Some(output),
                    Either::Right(((), _)) => None,
                },
            }
        };
        match self {
            Driver::Plain => futures_executor::block_on(future),
            #[cfg(feature = "tokio")]
            Driver::Tokio(handle) => handle.block_on(future),
            // Without a runtime, tests that need one fail and say so; the others still run.
            #[cfg(feature = "tokio")]
            Driver::Fallback => match fallback_runtime() {
                Some(handle) => handle.block_on(future),
                None => futures_executor::block_on(future),
            },
        }
    }
}

/// The runtime for runs started outside any tokio runtime: one per process, so that runs from a
/// plain `main` don't each start and stop a runtime's threads.
#[cfg(feature = "tokio")]
fn fallback_runtime() -> Option<tokio::runtime::Handle> {
    use std::sync::OnceLock;
    static RUNTIME: OnceLock<Option<tokio::runtime::Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("smoketest-runtime")
                .enable_all()
                .build()
                .map_err(|error| eprintln!("smoketest: could not start a tokio runtime: {error}"))
                .ok()
        })
        .as_ref()
        .map(|runtime| runtime.handle().clone())
}

/// Tells a worker to drop the future it drives: the scheduler fires it when an async step runs
/// past its limit.
#[derive(Default)]
pub(crate) struct Cancel {
    fired: AtomicBool,
    waker: AtomicWaker,
}

impl Cancel {
    pub(crate) fn fire(&self) {
        self.fired.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Makes it ready for the next job of the same worker.
    pub(crate) fn reset(&self) {
        self.fired.store(false, Ordering::Release);
    }

    fn fired(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(move |cx: &mut Context<'_>| {
            self.waker.register(cx.waker());
            if self.fired.load(Ordering::Acquire) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_future_runs_to_completion_unless_cancelled() {
        let cancel = Cancel::default();
        assert_eq!(
            Driver::Plain.block_on(async { 42 }, Some(&cancel)),
            Some(42)
        );
        cancel.fire();
        assert_eq!(
            Driver::Plain.block_on(std::future::pending::<()>(), Some(&cancel)),
            None
        );
        cancel.reset();
        assert_eq!(Driver::Plain.block_on(async { 7 }, Some(&cancel)), Some(7));
    }

    #[test]
    fn cancelling_from_another_thread_wakes_the_worker() {
        let cancel = std::sync::Arc::new(Cancel::default());
        let firing = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                cancel.fire();
            })
        };
        assert_eq!(
            Driver::detached().block_on(std::future::pending::<()>(), Some(&cancel)),
            None
        );
        firing.join().unwrap();
    }
}
