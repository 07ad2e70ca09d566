//! The fast path for free synchronous tests: a lane of worker threads that pull tests from a
//! shared cursor, so a trivial test costs a few hundred nanoseconds instead of a thread hand-off.
//!
//! Free synchronous tests (no suite, not rolled back) are the common case of a smoke test. Handing
//! each one to a worker thread and waiting for it costs two cross-thread wake-ups and a timer per
//! test; here one worker runs tests back to back and the runner only watches:
//!
//! - **Growth.** The lane starts with one worker. When every worker has been on its current test
//!   for longer than [`GROWTH_DELAY`] and tests are waiting, the runner starts more workers, up to
//!   the concurrency cap it lends the lane — so tests that block on I/O run side by side, and
//!   trivial tests never pay for more than one thread.
//! - **Timeouts.** Each worker publishes the test it runs and when it started; the runner reports
//!   a test that outlives its limit as timed out, abandons that worker (it exits when the body
//!   finally returns, discarding its result) and starts a replacement.
//! - **Failfast.** A worker that sees a failure stops the lane from starting more tests.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use futures_util::task::AtomicWaker;

use crate::State;
use crate::blocking;
use crate::capture::{self, TestCapture};
use crate::context::Context;
use crate::execute::{test_report, timed_out_message};
use crate::outcome::Failure;
use crate::panic::catch;
use crate::registry::TestCase;
use crate::report::TestReport;

/// How long every worker must have been busy with one test before the lane grows.
pub(crate) const GROWTH_DELAY: Duration = Duration::from_millis(1);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while holding these locks (bodies run outside them, behind catch_unwind).
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether `case` can take the fast path.
pub(crate) fn eligible(case: &TestCase) -> bool {
    case.test.body.is_sync()
        && case.suite.is_none()
        && !case.test.rolled_back
        && case.collection_error.is_none()
}

/// What one worker is doing.
#[derive(Default)]
struct Slot {
    /// The lane position of its current test and when it started.
    current: Mutex<Option<(usize, Instant)>>,
    /// The runner reported its current test as timed out: the worker must not report it again.
    abandoned: AtomicBool,
}

/// The state a lane's workers and the runner share.
pub(crate) struct Lane {
    tests: Arc<[TestCase]>,
    /// Indices into `tests`, in the order they start.
    order: Vec<usize>,
    next: AtomicUsize,
    state: Arc<State>,
    default_timeout: Duration,
    failfast: bool,
    stopped: AtomicBool,
    results: Mutex<Vec<TestReport>>,
    /// Tests reported, by workers or (timeouts) by the runner.
    reported: AtomicUsize,
    slots: Mutex<Vec<Arc<Slot>>>,
    live_workers: AtomicUsize,
    news: AtomicBool,
    waker: AtomicWaker,
}

impl Lane {
    pub(crate) fn new(
        tests: Arc<[TestCase]>,
        order: Vec<usize>,
        state: Arc<State>,
        default_timeout: Duration,
        failfast: bool,
    ) -> Arc<Self> {
        Arc::new(Lane {
            results: Mutex::new(Vec::with_capacity(order.len())),
            tests,
            order,
            next: AtomicUsize::new(0),
            state,
            default_timeout,
            failfast,
            stopped: AtomicBool::new(false),
            reported: AtomicUsize::new(0),
            slots: Mutex::new(Vec::new()),
            live_workers: AtomicUsize::new(0),
            news: AtomicBool::new(false),
            waker: AtomicWaker::new(),
        })
    }

    fn limit(&self, position: usize) -> Duration {
        self.tests[self.order[position]]
            .test
            .timeout
            .unwrap_or(self.default_timeout)
    }

    /// Tests not started yet (none once stopped).
    fn pending(&self) -> usize {
        if self.stopped.load(Ordering::Acquire) {
            0
        } else {
            self.order
                .len()
                .saturating_sub(self.next.load(Ordering::Acquire))
        }
    }

    /// Workers currently alive (each holds one of the run's concurrency slots).
    pub(crate) fn workers(&self) -> usize {
        self.live_workers.load(Ordering::Acquire)
    }

    /// Every test that will be reported has been.
    pub(crate) fn is_done(&self) -> bool {
        let started = self.next.load(Ordering::Acquire).min(self.order.len());
        self.pending() == 0 && self.reported.load(Ordering::Acquire) >= started
    }

    /// Stops starting tests (failfast triggered elsewhere in the run).
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
    }

    /// Whether a test of the lane failed or errored while failfast is on.
    pub(crate) fn stopped_by_failure(&self) -> bool {
        self.failfast && self.stopped.load(Ordering::Acquire)
    }

    /// The reports so far.
    pub(crate) fn take_results(&self) -> Vec<TestReport> {
        std::mem::take(&mut *lock(&self.results))
    }

    fn notify(&self) {
        self.news.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Registers the runner's waker; `Ready` when something happened since the last call.
    pub(crate) fn poll_news(&self, cx: &mut TaskContext<'_>) -> Poll<()> {
        self.waker.register(cx.waker());
        if self.news.swap(false, Ordering::AcqRel) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// Starts a worker if tests are waiting.
    pub(crate) fn start_worker(self: &Arc<Self>) {
        if self.pending() == 0 {
            return;
        }
        let slot = Arc::new(Slot::default());
        lock(&self.slots).push(slot.clone());
        self.live_workers.fetch_add(1, Ordering::AcqRel);
        let lane = self.clone();
        blocking::spawn(capture::propagate(move || lane.work(&slot)));
    }

    fn work(&self, slot: &Slot) {
        // Lane tests have no suite and no handle: one context serves all of this worker's tests.
        let mut context = Context::new(self.state.clone(), None);
        // A test starts when the previous one ended: one clock read per test.
        let mut started = Instant::now();
        loop {
            if self.stopped.load(Ordering::Acquire) {
                break;
            }
            let position = self.next.fetch_add(1, Ordering::AcqRel);
            if position >= self.order.len() {
                break;
            }
            let case = &self.tests[self.order[position]];
            *lock(&slot.current) = Some((position, started));
            let body = case.test.body;
            let capture = TestCapture::new(case.name);
            let result = capture.in_scope(|| catch(|| body.call_sync(&mut context)));
            let ended = Instant::now();
            let elapsed = ended.duration_since(started);
            started = ended;
            {
                let mut current = lock(&slot.current);
                if slot.abandoned.load(Ordering::Acquire) {
                    // Reported as timed out by the runner, which already gave up this worker's
                    // slot and started a replacement: leave without a trace.
                    return;
                }
                *current = None;
            }
            let failed = result.is_err();
            let mut report = test_report(case, result, elapsed);
            report.output = capture.take();
            lock(&self.results).push(report);
            self.reported.fetch_add(1, Ordering::AcqRel);
            if failed && self.failfast {
                self.stopped.store(true, Ordering::Release);
                self.notify();
            }
        }
        lock(&self.slots).retain(|other| !std::ptr::eq(Arc::as_ptr(other), slot));
        self.live_workers.fetch_sub(1, Ordering::AcqRel);
        self.notify();
    }

    /// The runner's periodic check: reports tests past their limit, and says how many workers to
    /// add (replacements for abandoned ones, plus growth when every worker is stuck on a test).
    /// Returns the number of workers wanted and when to check again.
    pub(crate) fn check(&self, now: Instant) -> (usize, Option<Instant>) {
        let mut wanted = 0;
        let mut all_busy = true;
        let mut next_check: Option<Instant> = None;
        let slots = lock(&self.slots).clone();
        for slot in &slots {
            let mut current = lock(&slot.current);
            let Some((position, started)) = *current else {
                all_busy = false;
                continue;
            };
            let limit = self.limit(position);
            if now.duration_since(started) >= limit {
                slot.abandoned.store(true, Ordering::Release);
                *current = None;
                drop(current);
                lock(&self.slots).retain(|other| !Arc::ptr_eq(other, slot));
                let case = &self.tests[self.order[position]];
                let failure = Failure::errored(timed_out_message(limit));
                lock(&self.results).push(test_report(
                    case,
                    Err(failure),
                    now.duration_since(started),
                ));
                self.reported.fetch_add(1, Ordering::AcqRel);
                // The abandoned worker keeps its thread until the body returns; the run goes on
                // with a fresh one. It no longer counts against the concurrency cap.
                self.live_workers.fetch_sub(1, Ordering::AcqRel);
                wanted += 1;
                if self.failfast {
                    self.stopped.store(true, Ordering::Release);
                }
                continue;
            }
            if now.duration_since(started) < GROWTH_DELAY {
                all_busy = false;
            }
            let deadline = started + limit;
            next_check = Some(next_check.map_or(deadline, |next| next.min(deadline)));
        }
        if all_busy && !slots.is_empty() {
            wanted += self.pending();
        }
        wanted = wanted.min(self.pending());
        if self.pending() > 0 {
            let growth_check = now + GROWTH_DELAY;
            next_check = Some(next_check.map_or(growth_check, |next| next.min(growth_check)));
        }
        (wanted, next_check)
    }
}
