//! The scheduler: runs a run's jobs on worker threads, at most `concurrency` at once, each step
//! within its time limit.
//!
//! One path for every test. Each job (a test, or a suite's `tear_down_suite`) runs whole on one
//! worker thread: its hooks, its transaction, its body, sync or async (see [`driver`]). Workers
//! pull jobs in name order from a shared cursor, so trivial tests run back to back on one thread.
//! The coordinator, the thread that called the run, only watches:
//!
//! - **Deadlines.** A worker announces each step of its job ([`Step`]) with its deadline; the
//!   coordinator looks every [`WATCH_INTERVAL`] (and wakes at the earliest deadline). When one
//!   passes, an async step is cancelled first (its future dropped at its next `.await`, after which
//!   the worker cleans up and reports as usual); a sync step, or an async one still not back after
//!   [`CANCEL_GRACE`], is reported as timed out by the coordinator and its worker abandoned: it
//!   finishes the job's clean-up on its own when the call returns, and until then the work counts
//!   as stuck (see [`stuck`](crate::stuck)), so no later run starts it again.
//! - **Growth.** The run starts with one worker. While jobs wait and every worker has been on its
//!   current step for [`GROWTH_DELAY`], the coordinator starts more, up to `concurrency`: tests that
//!   wait on I/O run side by side, trivial ones never pay for a second thread.
//! - **The end.** The batch is done when no job waits and no worker is left; workers that were not
//!   abandoned are joined, so a run leaves no thread behind but stuck ones.
//!
//! A test with `retries = N` makes its attempts within its one job, on its worker (see
//! `attempts`): a retry never needs another thread, and an attempt the coordinator abandons is
//! the test's last, since it still runs.
//!
//! A plan may carry an [`Observer`], told when each job starts and ends: it is how an isolated
//! child process streams its progress to its parent (see [`isolate`](crate::isolate)).
//!
//! Each job's span, a child of the run's, is held by its worker's slot, not its thread, which runs
//! the job in a body span (see [`trace`](crate::trace)): a job the coordinator reports has its
//! span ended, and closed, by the coordinator, even while the thread hangs in the body.
//!
//! [`driver`]: crate::driver

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tracing::{Id, Span};

use crate::State;
use crate::capture::TestCapture;
use crate::driver::{Cancel, Driver};
use crate::outcome::Failure;
use crate::redact::Redactor;
use crate::registry::Tests;
use crate::report::TestReport;
use crate::rollback::Rollbacks;
use crate::stuck;
use crate::sync::{self, lock};
use crate::tier::Tier;
use crate::trace;

use self::execute::{Job, fails_the_run};
use self::suites::SuiteSlots;

mod attempts;
mod execute;
mod suites;

pub(crate) use self::execute::{ended_process, errored};

/// How long every worker must have been on its current step before the run adds workers.
pub(crate) const GROWTH_DELAY: Duration = Duration::from_millis(1);

/// How often the coordinator looks at its workers while they run: workers announce their steps
/// without waking it, so a step that starts after a look is seen at the next one, at most this
/// late.
pub(crate) const WATCH_INTERVAL: Duration = Duration::from_millis(5);

/// How long a cancelled async step has to give its thread back before it is abandoned.
pub(crate) const CANCEL_GRACE: Duration = Duration::from_millis(250);

/// What a run is made of: the tests, what they borrow, and its limits.
pub(crate) struct Plan {
    pub(crate) tests: Tests,
    pub(crate) state: Arc<State>,
    pub(crate) rollbacks: Arc<Rollbacks>,
    pub(crate) default_timeout: Duration,
    pub(crate) failfast: bool,
    pub(crate) concurrency: usize,
    pub(crate) stack_size: usize,
    pub(crate) max_threads: usize,
    pub(crate) max_message_bytes: usize,
    pub(crate) driver: Driver,
    pub(crate) observer: Option<Observer>,
    /// The run's span, parent of every job's: an id, which an abandoned worker can't hold open.
    pub(crate) span: Option<Id>,
    /// The tier the run runs, for the jobs' spans.
    pub(crate) tier: Tier,
    /// Applied to messages before they go into spans.
    pub(crate) redactor: Arc<Redactor>,
}

/// Told, on the thread where it happens, when a job starts and when it ends.
pub(crate) type Observer = Arc<dyn Fn(Event<'_>) + Send + Sync>;

/// What an [`Observer`] is told. Jobs are named as their reports are: the test's name, or
/// `<suite>::tear_down_suite`.
#[derive(Debug)]
pub(crate) enum Event<'a> {
    /// A worker starts the job.
    Started(&'a str),
    /// The test starts its attempt number `.1` (2 or more): the previous one failed or errored.
    Attempt(&'a str, u32),
    /// The job is over: with its report, or `None` when it has nothing to report (a
    /// `tear_down_suite` that succeeded). Each job ends once, started or not.
    Ended(&'a str, Option<&'a TestReport>),
}

/// Runs the `selected` tests (indices into `plan.tests`, in the order they start), then the
/// `tear_down_suite` of every suite they set up; returns their reports in completion order.
pub(crate) fn run(plan: Plan, selected: Vec<usize>) -> Vec<TestReport> {
    let suites = SuiteSlots::new(&plan.tests, &selected);
    let run = Arc::new(Run {
        results: Mutex::new(Vec::with_capacity(selected.len())),
        suites,
        plan,
        workers: Mutex::new(Vec::new()),
        wake: Condvar::new(),
    });
    let failfast = run.plan.failfast;
    run.schedule(Batch::new(
        selected.into_iter().map(Job::Test).collect(),
        failfast,
    ));
    let tear_downs: Vec<Job> = run.suites.set_up().map(Job::TearDownSuite).collect();
    if !tear_downs.is_empty() {
        run.schedule(Batch::new(tear_downs, false));
    }
    std::mem::take(&mut *lock(&run.results))
}

/// What a run's coordinator and workers share.
pub(crate) struct Run {
    pub(crate) plan: Plan,
    pub(crate) suites: SuiteSlots,
    results: Mutex<Vec<TestReport>>,
    /// The workers of the current batch that are not abandoned.
    workers: Mutex<Vec<Arc<Slot>>>,
    /// Signalled when a worker leaves.
    wake: Condvar,
}

/// Jobs handed out in order, until done or stopped.
struct Batch {
    jobs: Vec<Job>,
    next: AtomicUsize,
    failfast: bool,
    stopped: AtomicBool,
}

impl Batch {
    fn new(jobs: Vec<Job>, failfast: bool) -> Arc<Self> {
        Arc::new(Batch {
            jobs,
            next: AtomicUsize::new(0),
            failfast,
            stopped: AtomicBool::new(false),
        })
    }

    /// The next job to start, if any.
    fn take(&self) -> Option<Job> {
        if self.stopped.load(Ordering::Acquire) {
            return None;
        }
        let index = self.next.fetch_add(1, Ordering::AcqRel);
        self.jobs.get(index).copied()
    }

    /// Jobs not started yet.
    fn pending(&self) -> usize {
        if self.stopped.load(Ordering::Acquire) {
            return 0;
        }
        self.jobs
            .len()
            .saturating_sub(self.next.load(Ordering::Acquire))
    }

    /// Failfast: a job failed the run (after its retries; a warned test does not), start no
    /// more.
    fn after(&self, report: &TestReport) {
        if fails_the_run(report) {
            self.stop_if_failfast();
        }
    }

    fn stop_if_failfast(&self) {
        if self.failfast {
            self.stopped.store(true, Ordering::Release);
        }
    }
}

/// Which part of a job a worker is in; decides what a timeout there is reported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    SetUpSuite,
    /// Waiting for another worker to set up the suite: no deadline of its own.
    WaitSuite,
    SetUp,
    Begin,
    Body,
    Rollback,
    TearDown,
    TearDownSuite,
}

/// What a worker is doing: announced at each step, read by the coordinator.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub(crate) job: Job,
    pub(crate) phase: Phase,
    /// When the job started, for its reported time: all its attempts.
    pub(crate) job_started: Instant,
    /// Which attempt of the test this step belongs to: 1, or more on a retry.
    pub(crate) attempt: u32,
    /// When this step started.
    pub(crate) since: Instant,
    pub(crate) limit: Duration,
    pub(crate) deadline: Option<Instant>,
    /// An async step: cancelled at its deadline rather than abandoned at once.
    pub(crate) cancellable: bool,
    /// The job's result before a clean-up step (rollback, tear-down), which a timeout there adds to.
    /// Boxed: a step is written for every test, and most tests pass.
    pub(crate) so_far: Option<Box<Failure>>,
    /// Set by the coordinator when it cancelled the step: the new deadline, for the worker to
    /// give its thread back by.
    cancelled_until: Option<Instant>,
}

impl Step {
    /// A step of `job` starting `since`, which must end within `limit` (`None`: no deadline).
    pub(crate) fn new(
        job: Job,
        phase: Phase,
        job_started: Instant,
        since: Instant,
        limit: Option<Duration>,
        cancellable: bool,
    ) -> Self {
        Step {
            job,
            phase,
            job_started,
            attempt: 1,
            since,
            limit: limit.unwrap_or_default(),
            // A limit too large to add (`Duration::MAX` for "no limit") is no deadline.
            deadline: limit.and_then(|limit| since.checked_add(limit)),
            cancellable,
            so_far: None,
            cancelled_until: None,
        }
    }

    /// The step as part of attempt `attempt` of its test.
    pub(crate) fn of_attempt(mut self, attempt: u32) -> Self {
        self.attempt = attempt;
        self
    }

    /// The job's result before this clean-up step.
    pub(crate) fn result_so_far(&self) -> Result<(), Failure> {
        match &self.so_far {
            None => Ok(()),
            Some(failure) => Err(Failure::clone(failure)),
        }
    }

    /// A clean-up step, after a job that so far came to `so_far`.
    pub(crate) fn after(mut self, so_far: &Result<(), Failure>) -> Self {
        self.so_far = so_far
            .as_ref()
            .err()
            .map(|failure| Box::new(failure.clone()));
        self
    }
}

/// One worker, as the coordinator sees it.
#[derive(Default)]
pub(crate) struct Slot {
    step: Mutex<Option<Step>>,
    abandoned: AtomicBool,
    /// While abandoned: the stuck work, released when the worker finishes it.
    held: Mutex<Option<stuck::Held>>,
    cancel: Cancel,
    /// The span of the worker's job while a subscriber records it, held here and not on the
    /// worker's thread, for the coordinator to end (and close) should it report the job.
    span: Mutex<Option<Span>>,
}

/// What the coordinator found a worker doing.
enum Check {
    Idle,
    Busy {
        since: Instant,
        deadline: Option<Instant>,
    },
    /// Reported as timed out; `fails_run` unless the test is `warn_only`.
    Abandoned {
        fails_run: bool,
    },
}

/// A worker's view of its run, passed to [`execute`].
pub(crate) struct Worker<'a> {
    pub(crate) run: &'a Run,
    slot: &'a Slot,
    /// The first step of the current job that ended past its deadline before the coordinator
    /// saw it (it looks every few milliseconds, and may not be scheduled on a loaded machine):
    /// a step that returns late is as timed out as one that does not return.
    overran: Cell<Option<Step>>,
}

impl Worker<'_> {
    /// Announces the next step of the current job.
    pub(crate) fn step(&self, step: Step) {
        let mut current = lock(&self.slot.step);
        // Under the lock the coordinator fires cancellations in: a cancellation meant for the
        // previous step can't reach this one.
        self.slot.cancel.reset();
        let previous = current.replace(step);
        drop(current);
        self.note_overrun(previous);
    }

    /// Keeps `ended` if it ran past its deadline unnoticed (a cancelled step was noticed). Steps
    /// of a suite's set-up are the suite's, reported by the coordinator only.
    fn note_overrun(&self, ended: Option<Step>) {
        let Some(step) = ended else {
            return;
        };
        let late = step
            .deadline
            .is_some_and(|deadline| Instant::now() > deadline);
        let suite_wide = matches!(step.phase, Phase::SetUpSuite | Phase::WaitSuite);
        if late && step.cancelled_until.is_none() && !suite_wide {
            let first = self.overran.take();
            self.overran.set(first.or(Some(step)));
        }
    }

    /// Drives an async step to completion; `None` when it was cancelled at its deadline.
    pub(crate) fn drive<F: std::future::Future>(&self, future: F) -> Option<F::Output> {
        self.run
            .plan
            .driver
            .block_on(future, Some(&self.slot.cancel))
    }

    /// The coordinator gave up on this worker (and reported its job).
    pub(crate) fn abandoned(&self) -> bool {
        self.slot.abandoned.load(Ordering::Acquire)
    }

    /// Ends the current step (the job, or a step whose result must not be taken as the job's
    /// if the coordinator reported it meanwhile): `true` while the worker is not abandoned.
    /// Under the step lock, so that a step can't be abandoned after this said it was not.
    pub(crate) fn end_step(&self) -> bool {
        let mut current = lock(&self.slot.step);
        let ended = current.take();
        let kept = !self.abandoned();
        drop(current);
        self.note_overrun(ended);
        kept
    }
}

impl Run {
    /// Runs a batch to its end (see the module's documentation).
    fn schedule(self: &Arc<Self>, batch: Arc<Batch>) {
        let mut handles: Vec<(Arc<Slot>, JoinHandle<()>)> = Vec::new();
        let mut workers = lock(&self.workers);
        loop {
            let now = Instant::now();
            let mut wake_at: Option<Instant> = None;
            let mut all_busy = true;
            let mut index = 0;
            while index < workers.len() {
                match self.check(&workers[index], now) {
                    Check::Abandoned { fails_run } => {
                        workers.swap_remove(index);
                        if fails_run {
                            batch.stop_if_failfast();
                        }
                        continue;
                    }
                    Check::Idle => all_busy = false,
                    Check::Busy { since, deadline } => {
                        if now.duration_since(since) < GROWTH_DELAY {
                            all_busy = false;
                        }
                        wake_at = earliest(wake_at, deadline);
                    }
                }
                index += 1;
            }
            let pending = batch.pending();
            if pending == 0 && workers.is_empty() {
                break;
            }
            let room = self.plan.concurrency.saturating_sub(workers.len());
            let wanted = match (workers.is_empty(), all_busy) {
                (true, _) => 1,
                (false, true) => pending,
                (false, false) => 0,
            };
            for _ in 0..wanted.min(room).min(pending) {
                // Under the process-wide bound on threads, so that no number of hanging tests
                // can hold more than that many.
                let Some(thread) = stuck::reserve_thread(self.plan.max_threads) else {
                    let stuck = stuck::count();
                    if workers.is_empty() && stuck >= self.plan.max_threads {
                        self.not_started(
                            &batch,
                            stuck::too_many_message(stuck, self.plan.max_threads),
                        );
                    }
                    // Otherwise other runs hold the threads for now: look again at the next tick.
                    break;
                };
                let slot = Arc::new(Slot::default());
                match self.start_worker(&batch, &slot, thread) {
                    Ok(handle) => {
                        workers.push(slot.clone());
                        handles.push((slot, handle));
                    }
                    Err(error) if workers.is_empty() => {
                        self.not_started(
                            &batch,
                            format!("could not start a worker thread: {error}"),
                        );
                        break;
                    }
                    // The workers there are carry on.
                    Err(_) => break,
                }
            }
            if batch.pending() == 0 && workers.is_empty() {
                // Every job left was reported as not started.
                break;
            }
            if batch.pending() > 0 && workers.len() < self.plan.concurrency {
                wake_at = earliest(wake_at, Some(now + GROWTH_DELAY));
            }
            if !workers.is_empty() {
                wake_at = earliest(wake_at, Some(now + WATCH_INTERVAL));
            }
            workers = match wake_at {
                Some(at) => {
                    let timeout = at.saturating_duration_since(Instant::now());
                    sync::wait_timeout(&self.wake, workers, timeout)
                }
                None => sync::wait(&self.wake, workers),
            };
        }
        drop(workers);
        for (slot, handle) in handles {
            // Abandoned workers are left to finish on their own; the others have left their
            // loop already, and joining them means the run leaves no thread behind.
            if !slot.abandoned.load(Ordering::Acquire) {
                let _ = handle.join();
            }
        }
    }

    /// Looks at one worker: reports its step if it ran out of time.
    fn check(&self, slot: &Slot, now: Instant) -> Check {
        let mut current = lock(&slot.step);
        let Some(step) = current.as_mut() else {
            return Check::Idle;
        };
        let deadline = step.cancelled_until.or(step.deadline);
        match deadline {
            Some(deadline) if deadline <= now => {}
            _ => {
                return Check::Busy {
                    since: step.since,
                    deadline,
                };
            }
        }
        if step.cancellable && step.cancelled_until.is_none() {
            let grace = now + CANCEL_GRACE;
            step.cancelled_until = Some(grace);
            slot.cancel.fire();
            return Check::Busy {
                since: step.since,
                deadline: Some(grace),
            };
        }
        let Some(step) = current.take() else {
            return Check::Idle;
        };
        slot.abandoned.store(true, Ordering::Release);
        let key = execute::stuck_key(&self.plan.tests, &step);
        *lock(&slot.held) = Some(stuck::hold(key, step.since));
        drop(current);
        let report = execute::timed_out(self, &step, now);
        let fails_run = fails_the_run(&report);
        // The worker is still in the job's body span; the job's, ended and dropped here, closes.
        let span = lock(&slot.span).take().unwrap_or_else(Span::none);
        self.end(step.job, Some(report), &span);
        Check::Abandoned { fails_run }
    }

    /// Tells the observer, if any, that `job` starts; its span.
    fn start(&self, job: Job) -> Span {
        if let Some(observer) = &self.plan.observer {
            observer(Event::Started(&self.job_name(job)));
        }
        execute::span(self, job)
    }

    /// Tells the observer, if any, that test `job` starts its attempt number `attempt`.
    fn start_attempt(&self, job: Job, attempt: u32) {
        if let Some(observer) = &self.plan.observer {
            observer(Event::Attempt(&self.job_name(job), attempt));
        }
    }

    /// Ends `job`, whose span is `span`: records its report there, tells the observer, if any,
    /// and keeps the report.
    fn end(&self, job: Job, report: Option<TestReport>, span: &Span) {
        let report = report.map(|mut report| {
            report.cap(self.plan.max_message_bytes);
            report
        });
        trace::end_job(span, report.as_ref(), &self.plan.redactor);
        if let Some(observer) = &self.plan.observer {
            observer(Event::Ended(&self.job_name(job), report.as_ref()));
        }
        if let Some(report) = report {
            lock(&self.results).push(report);
        }
    }

    fn job_name(&self, job: Job) -> Cow<'static, str> {
        match job {
            Job::Test(index) => Cow::Borrowed(self.plan.tests[index].name),
            Job::TearDownSuite(suite) => Cow::Owned(execute::tear_down_suite_key(suite)),
        }
    }

    fn start_worker(
        self: &Arc<Self>,
        batch: &Arc<Batch>,
        slot: &Arc<Slot>,
        thread: stuck::Thread,
    ) -> std::io::Result<JoinHandle<()>> {
        let (run, batch, slot) = (self.clone(), batch.clone(), slot.clone());
        thread::Builder::new()
            .name("smoketest-worker".into())
            .stack_size(self.plan.stack_size)
            .spawn(trace::propagate_subscriber(move || {
                // Counted until the thread ends, abandoned or not.
                let _thread = thread;
                run.work(&batch, &slot);
            }))
    }

    /// A worker's loop: jobs until none is left, the batch stopped, or the worker was abandoned.
    fn work(&self, batch: &Batch, slot: &Slot) {
        let _leave = Leave { run: self, slot };
        let worker = Worker {
            run: self,
            slot,
            overran: Cell::new(None),
        };
        // A job starts when the previous one ended: one clock read per job.
        let mut started = Instant::now();
        while let Some(job) = batch.take() {
            let span = self.start(job);
            let capture = TestCapture::new(|| execute::body_span(self, job, &span));
            let traced = !span.is_disabled();
            if traced {
                *lock(&slot.span) = Some(span);
            }
            let body = capture.span();
            let (report, ended) =
                body.in_scope(|| execute::run_job(&worker, job, &capture, started));
            started = ended;
            if !worker.end_step() {
                // Reported by the coordinator, which has started a replacement; leaving releases
                // the work, which is done now.
                return;
            }
            let span =
                (traced.then(|| lock(&slot.span).take()).flatten()).unwrap_or_else(Span::none);
            let report = match worker.overran.take() {
                Some(step) => Some(execute::timed_out(self, &step, ended)),
                None => report,
            };
            if let Some(report) = &report {
                batch.after(report);
            }
            self.end(job, report, &span);
        }
    }

    /// No worker could be started: every job left is errored, saying why.
    fn not_started(&self, batch: &Batch, why: String) {
        let now = Instant::now();
        while let Some(job) = batch.take() {
            let failure = Failure::errored(why.clone());
            let span = execute::span(self, job);
            self.end(job, Some(execute::not_run(self, job, failure, now)), &span);
        }
    }
}

/// A worker leaving its run, however it ends (a bug of the runner's panicking included), so that
/// the coordinator is never left waiting for a worker that is gone.
struct Leave<'a> {
    run: &'a Run,
    slot: &'a Slot,
}

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        // An abandoned worker's work is done now: it is no longer stuck.
        lock(&self.slot.held).take();
        let mut workers = lock(&self.run.workers);
        workers.retain(|other| !std::ptr::eq(Arc::as_ptr(other), self.slot));
        drop(workers);
        self.run.wake.notify_one();
    }
}

fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests;
