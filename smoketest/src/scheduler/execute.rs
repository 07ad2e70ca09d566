//! One job on a worker thread: a test with its suite's hooks and its transaction, or a suite's
//! `tear_down_suite`. Each step is announced to the scheduler with its time limit; the scheduler
//! alone decides when one has run out (see [`scheduler`](super)).
//!
//! A test's steps, in unittest's order:
//! 1. its suite, set up by the first test of the run that needs it (`set_up_suite`, the runner's
//!    default limit); the others wait for it;
//! 2. `set_up`, the transaction's `BEGIN` and the body, together within the test's limit;
//! 3. the rollback, with a fresh allowance of at least the default timeout, so that a transaction
//!    is never left open because the body used up the time;
//! 4. `tear_down`, after every test whose `set_up` succeeded, with a fresh allowance.
//!
//! Steps 2 to 4 are one attempt: a test with `retries = N` may make more (see `attempts`).

use std::borrow::Cow;
use std::future::Future;
use std::time::{Duration, Instant};

use super::attempts::{self, Ending, Tried, note_attempts};
use super::suites::Claim;
use super::{Phase, Run, Step, Worker};
use crate::capture::TestCapture;
use crate::context::Context;
use crate::limits::DEFAULT_TIMEOUT;
use crate::outcome::{Failure, Outcome};
use crate::panic::{CatchUnwind, catch};
use crate::redact::redact_credentials;
use crate::registry::TestCase;
use crate::report::TestReport;
use crate::rollback::{AnyHandle, Provider, Rollbacks, missing_provider_message};
use crate::suite::{Hooks, SuiteInstance, SuiteVTable};
use crate::{Error, stuck};

/// A unit of work for a worker.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Job {
    /// The test at this index of the run's tests.
    Test(usize),
    /// The `tear_down_suite` of the suite of this name.
    TearDownSuite(&'static str),
}

/// A new span for `job`, a child of its run's.
pub(crate) fn span(run: &Run, job: Job) -> tracing::Span {
    let plan = &run.plan;
    let parent = plan.span.clone();
    match job {
        Job::Test(index) => crate::trace::test(parent, plan.tests[index].name, plan.tier),
        Job::TearDownSuite(suite) => crate::trace::tear_down_suite(parent, suite),
    }
}

/// A new span for `job` to run in on its worker, following from `span`, the job's.
pub(crate) fn body_span(run: &Run, job: Job, span: &tracing::Span) -> tracing::Span {
    match job {
        Job::Test(index) => crate::trace::test_body(span, run.plan.tests[index].name),
        Job::TearDownSuite(suite) => crate::trace::tear_down_suite_body(span, suite),
    }
}

/// `timed out after 2s`, with the duration as written in `timeout = "2s"`.
pub(crate) fn timed_out_message(limit: Duration) -> String {
    format!("timed out after {}", humantime::format_duration(limit))
}

/// Runs a job on this worker; returns its report (`None` for a job with nothing to report, or
/// one the scheduler already reported) and when it ended.
pub(crate) fn run_job(
    worker: &Worker<'_>,
    job: Job,
    capture: &TestCapture,
    started: Instant,
) -> (Option<TestReport>, Instant) {
    match job {
        Job::Test(index) => {
            let case = &worker.run.plan.tests[index];
            let tried = test(worker, index, started);
            let ended = Instant::now();
            let report = tried.map(|tried| {
                let mut report = test_report(case, tried.result, ended.duration_since(started));
                report.attempts = tried.attempts;
                report.output = capture.take();
                report
            });
            (report, ended)
        }
        Job::TearDownSuite(name) => {
            let result = tear_down_suite(worker, name, started);
            let ended = Instant::now();
            let report = result
                .err()
                .map(|failure| tear_down_suite_report(name, failure, ended - started));
            (report, ended)
        }
    }
}

/// The report of `case` errored with `message` after `elapsed`: a test that could not run, or
/// whose run was cut short by something other than the test itself.
pub(crate) fn errored(case: &TestCase, message: &str, elapsed: Duration) -> TestReport {
    test_report(case, Err(Failure::errored(message)), elapsed)
}

/// The report of `case` whose attempt number `attempt` ended the process it ran in (an isolated
/// child), errored with `message` after `elapsed`: the last attempt, since the next would most
/// likely end the next process too.
pub(crate) fn ended_process(
    case: &TestCase,
    message: &str,
    elapsed: Duration,
    attempt: u32,
) -> TestReport {
    let failure = Err(Failure::errored(message));
    let allowed = attempts::allowed(case);
    let result = note_attempts(failure, attempt, allowed, Ending::EndedProcess);
    let mut report = test_report(case, result, elapsed);
    report.attempts = attempt;
    report
}

/// The report of a job that could not start, for the reason `failure` gives.
pub(crate) fn not_run(run: &Run, job: Job, failure: Failure, started: Instant) -> TestReport {
    let elapsed = started.elapsed();
    match job {
        Job::Test(index) => test_report(&run.plan.tests[index], Err(failure), elapsed),
        Job::TearDownSuite(name) => tear_down_suite_report(name, failure, elapsed),
    }
}

/// The report of a job whose `step` ran out of time at `now`, made by the scheduler when it
/// abandons the worker. The attempt is a test's last: it is still running.
pub(crate) fn timed_out(run: &Run, step: &Step, now: Instant) -> TestReport {
    let elapsed = now.duration_since(step.job_started);
    match step.job {
        Job::TearDownSuite(name) => {
            let timed_out = Failure::errored(timed_out_message(step.limit));
            tear_down_suite_report(name, timed_out, elapsed)
        }
        Job::Test(index) => {
            let case = &run.plan.tests[index];
            let result = note_attempts(
                timed_out_result(run, step),
                step.attempt,
                attempts::allowed(case),
                Ending::StillRunning,
            );
            let mut report = test_report(case, result, elapsed);
            report.attempts = step.attempt;
            report
        }
    }
}

/// What a test's attempt comes to when its `step` ran out of time: the timeout, as a failure of
/// the step it happened in (a failed set-up of the suite fails it for the run's other tests).
pub(crate) fn timed_out_result(run: &Run, step: &Step) -> Result<(), Failure> {
    let timed_out = Failure::errored(timed_out_message(step.limit));
    let Job::Test(index) = step.job else {
        return Err(timed_out);
    };
    match step.phase {
        Phase::SetUpSuite => {
            run.suites
                .fail(run.plan.tests[index].suite_name, timed_out.clone());
            Err(timed_out.prefixed("set_up_suite failed: "))
        }
        Phase::SetUp => Err(timed_out.prefixed("set_up failed: ")),
        Phase::Begin => Err(timed_out.prefixed("rollback could not begin: ")),
        Phase::Rollback => and_then(step.result_so_far(), "rollback", Err(timed_out)),
        Phase::TearDown => and_then(step.result_so_far(), "tear_down", Err(timed_out)),
        Phase::Body | Phase::WaitSuite | Phase::TearDownSuite => Err(timed_out),
    }
}

/// What the scheduler counts as stuck when it abandons `step`: the test, or the suite hook.
pub(crate) fn stuck_key(tests: &[TestCase], step: &Step) -> String {
    match (step.job, step.phase) {
        (Job::Test(index), Phase::SetUpSuite) => set_up_suite_key(tests[index].suite_name),
        (Job::Test(index), _) => tests[index].name.to_owned(),
        (Job::TearDownSuite(name), _) => tear_down_suite_key(name),
    }
}

fn set_up_suite_key(suite: &str) -> String {
    format!("{suite}::set_up_suite")
}

pub(crate) fn tear_down_suite_key(suite: &str) -> String {
    format!("{suite}::tear_down_suite")
}

/// Whether a job's report makes the run fail: failed or errored, not warned.
pub(crate) fn fails_the_run(report: &TestReport) -> bool {
    matches!(report.outcome, Outcome::Failed | Outcome::Errored)
}

/// The report entry of a test that ended with `result` after `elapsed`.
pub(crate) fn test_report(
    case: &TestCase,
    result: Result<(), Failure>,
    elapsed: Duration,
) -> TestReport {
    let (outcome, message, location, backtrace) = match result {
        Ok(()) => (Outcome::Passed, None, None, None),
        Err(failure) => {
            let failure = failure.or_at_file_line(case.test.file, case.test.line);
            // Whatever kept a `warn_only` test from passing, it warns: its author said the run
            // must not fail for it.
            let outcome = match case.test.warn_only {
                true => Outcome::Warned,
                false => failure.outcome,
            };
            (
                outcome,
                Some(failure.message),
                failure.location,
                failure.backtrace,
            )
        }
    };
    TestReport {
        name: Cow::Borrowed(case.name),
        suite: Cow::Borrowed(case.suite_name),
        outcome,
        time: elapsed.as_secs_f64() * 1000.0,
        message,
        location,
        slow: case.test.slow,
        rolled_back: case.test.rolled_back,
        attempts: 1,
        tags: case
            .test
            .tags
            .iter()
            .map(|tag| Cow::Borrowed(*tag))
            .collect(),
        owner: case.test.owner.map(Cow::Borrowed),
        runbook: case.test.runbook.map(Cow::Borrowed),
        backtrace,
        output: Vec::new(),
    }
}

/// A failing `tear_down_suite` is an errored entry named `<suite>::tear_down_suite`, so that it
/// is counted and visible like a test.
fn tear_down_suite_report(name: &'static str, failure: Failure, elapsed: Duration) -> TestReport {
    TestReport {
        name: format!("{name}::tear_down_suite").into(),
        suite: name.into(),
        outcome: Outcome::Errored,
        time: elapsed.as_secs_f64() * 1000.0,
        message: Some(format!("tear_down_suite failed: {}", failure.message)),
        location: failure.location,
        slow: false,
        rolled_back: false,
        attempts: 1,
        tags: Vec::new(),
        owner: None,
        runbook: None,
        backtrace: failure.backtrace,
        output: Vec::new(),
    }
}

/// `result`, with the outcome of the clean-up `step` added: a passing test whose clean-up failed
/// is errored; a failing one keeps its outcome and mentions the clean-up.
fn and_then(
    result: Result<(), Failure>,
    step: &str,
    cleanup: Result<(), Failure>,
) -> Result<(), Failure> {
    let Err(cleanup) = cleanup else {
        return result;
    };
    match result {
        Ok(()) => Err(cleanup.prefixed(&format!("{step} failed: "))),
        Err(mut failure) => {
            failure.message = format!(
                "{}; {step} also failed: {}",
                failure.message, cleanup.message
            );
            Err(failure)
        }
    }
}

/// A test: what it needs from the run, then its attempts. `None` when the scheduler abandoned
/// this worker (and reported the test). What comes before the attempts is not retried: the same
/// declaration, stuck copy, suite set-up (once per run) or missing provider would fail again.
fn test(worker: &Worker<'_>, index: usize, started: Instant) -> Option<Tried> {
    let plan = &worker.run.plan;
    let case = &plan.tests[index];
    if let Some(error) = &case.collection_error {
        return Some(Tried::once(Err(Failure::errored(error.clone()))));
    }
    if let Some(for_how_long) = stuck::since(case.name) {
        return Some(Tried::once(Err(Failure::errored(
            stuck::still_running_message(for_how_long),
        ))));
    }
    let suite = match case.suite {
        None => None,
        Some(vtable) => match suite(worker, index, vtable, case.suite_name, started)? {
            Ok(instance) => Some((vtable, instance)),
            Err(failure) => {
                return Some(Tried::once(Err(failure.prefixed("set_up_suite failed: "))));
            }
        },
    };
    let provider = match provider_for(case, &plan.rollbacks) {
        Ok(provider) => provider,
        Err(failure) => return Some(Tried::once(Err(failure))),
    };
    attempts::run(worker, index, suite.as_ref(), provider.as_ref(), started)
}

/// One attempt of test `index`, whose job started at `started`: `set_up`, the transaction's
/// `BEGIN` and the body within the test's limit from `since`, then the rollback and `tear_down`.
pub(super) fn steps(
    worker: &Worker<'_>,
    index: usize,
    suite: Option<&(SuiteVTable, SuiteInstance)>,
    provider: Option<&Provider>,
    started: Instant,
    since: Instant,
    attempt: u32,
) -> Result<(), Failure> {
    let plan = &worker.run.plan;
    let case = &plan.tests[index];
    let job = Job::Test(index);
    let limit = case.test.timeout.unwrap_or(plan.default_timeout);
    let step = |phase, cancellable| {
        Step::new(job, phase, started, since, Some(limit), cancellable).of_attempt(attempt)
    };
    let mut context = Context::new(plan.state.clone(), suite.map(|(_, i)| i.clone()));
    if let Some((vtable, instance)) = suite {
        worker.step(step(Phase::SetUp, vtable.is_async()));
        hook(worker, *vtable, instance, Hook::SetUp, limit)
            .map_err(|failure| failure.prefixed("set_up failed: "))?;
    }
    let mut result = Ok(());
    if let Some(provider) = provider {
        worker.step(step(Phase::Begin, !provider.is_sync()));
        match begin(worker, provider, limit) {
            Ok(handle) => context.put_handle(handle),
            Err(failure) => result = Err(failure.prefixed("rollback could not begin: ")),
        }
    }
    if result.is_ok() {
        let body = &case.test.body;
        worker.step(step(Phase::Body, !body.is_sync()));
        result = if body.is_sync() {
            catch(|| body.call_sync(&mut context))
        } else {
            drive_or_time_out(worker, body.call_async(&mut context), limit)
        };
    }
    if let (Some(provider), Some(handle)) = (provider, context.take_handle()) {
        let allowance = limit.max(DEFAULT_TIMEOUT);
        let cleanup = Step::new(
            job,
            Phase::Rollback,
            started,
            Instant::now(),
            Some(allowance),
            !provider.is_sync(),
        );
        worker.step(cleanup.after(&result).of_attempt(attempt));
        let rolled_back = roll_back(worker, provider, handle, allowance);
        result = and_then(result, "rollback", rolled_back);
    }
    if let Some((vtable, instance)) = suite {
        let cleanup = Step::new(
            job,
            Phase::TearDown,
            started,
            Instant::now(),
            Some(limit),
            vtable.is_async(),
        );
        worker.step(cleanup.after(&result).of_attempt(attempt));
        let torn_down = hook(worker, *vtable, instance, Hook::TearDown, limit);
        result = and_then(result, "tear_down", torn_down);
    }
    result
}

/// Which of a suite's hooks on its instance to run.
#[derive(Clone, Copy)]
enum Hook {
    SetUp,
    TearDown,
    TearDownSuite,
}

impl Hook {
    /// This hook among a suite's three per-instance hooks, sync or async alike.
    fn pick<F>(self, set_up: F, tear_down: F, tear_down_suite: F) -> F {
        match self {
            Hook::SetUp => set_up,
            Hook::TearDown => tear_down,
            Hook::TearDownSuite => tear_down_suite,
        }
    }
}

/// Runs a suite hook on this worker: called directly, or driven if it is async.
fn hook(
    worker: &Worker<'_>,
    vtable: SuiteVTable,
    instance: &SuiteInstance,
    hook: Hook,
    limit: Duration,
) -> Result<(), Failure> {
    match vtable.hooks {
        Hooks::Sync {
            set_up,
            tear_down,
            tear_down_suite,
            ..
        } => {
            let function = hook.pick(set_up, tear_down, tear_down_suite);
            catch(|| function(&**instance).map_err(Failure::from))
        }
        Hooks::Async {
            set_up,
            tear_down,
            tear_down_suite,
            ..
        } => {
            let function = hook.pick(set_up, tear_down, tear_down_suite);
            let future = async move { function(&**instance).await.map_err(Failure::from) };
            drive_or_time_out(worker, future, limit)
        }
    }
}

/// Drives an async step; a cancelled one timed out.
fn drive_or_time_out<T>(
    worker: &Worker<'_>,
    future: impl Future<Output = Result<T, Failure>>,
    limit: Duration,
) -> Result<T, Failure> {
    worker
        .drive(CatchUnwind::new(future))
        .unwrap_or_else(|| Err(Failure::errored(timed_out_message(limit))))
}

fn set_up_suite(
    worker: &Worker<'_>,
    vtable: SuiteVTable,
    limit: Duration,
) -> Result<SuiteInstance, Failure> {
    let state = &*worker.run.plan.state;
    match vtable.hooks {
        Hooks::Sync { set_up_suite, .. } => catch(|| set_up_suite(state).map_err(Failure::from)),
        Hooks::Async { set_up_suite, .. } => {
            let future = async move { set_up_suite(state).await.map_err(Failure::from) };
            drive_or_time_out(worker, future, limit)
        }
    }
}

fn tear_down_suite(
    worker: &Worker<'_>,
    name: &'static str,
    started: Instant,
) -> Result<(), Failure> {
    let Some((vtable, instance)) = worker.run.suites.instance(name) else {
        return Ok(());
    };
    if let Some(for_how_long) = stuck::since(&tear_down_suite_key(name)) {
        return Err(Failure::errored(stuck::still_running_message(for_how_long)));
    }
    let limit = worker.run.plan.default_timeout;
    let job = Job::TearDownSuite(name);
    worker.step(Step::new(
        job,
        Phase::TearDownSuite,
        started,
        started,
        Some(limit),
        vtable.is_async(),
    ));
    hook(worker, vtable, &instance, Hook::TearDownSuite, limit)
}

/// A provider's error, with passwords in connection strings redacted: databases quote them.
fn redacted(error: Error) -> Failure {
    let failure = Failure::from(error);
    let message = redact_credentials(&failure.message);
    Failure { message, ..failure }
}

fn begin(worker: &Worker<'_>, provider: &Provider, limit: Duration) -> Result<AnyHandle, Failure> {
    match provider {
        Provider::Sync(provider) => catch(|| provider.begin().map_err(redacted)),
        Provider::Async(provider) => drive_or_time_out(
            worker,
            async { provider.begin().await.map_err(redacted) },
            limit,
        ),
    }
}

fn roll_back(
    worker: &Worker<'_>,
    provider: &Provider,
    handle: AnyHandle,
    limit: Duration,
) -> Result<(), Failure> {
    match provider {
        Provider::Sync(provider) => catch(|| provider.rollback(handle).map_err(redacted)),
        Provider::Async(provider) => drive_or_time_out(
            worker,
            async { provider.rollback(handle).await.map_err(redacted) },
            limit,
        ),
    }
}

/// The provider that rolls back `case`, if it is a rolled-back test.
fn provider_for(case: &TestCase, rollbacks: &Rollbacks) -> Result<Option<Provider>, Failure> {
    let (true, Some(handle)) = (case.test.rolled_back, case.handle) else {
        return Ok(None);
    };
    let provider = rollbacks
        .get(&(handle.type_id)())
        .cloned()
        .ok_or_else(|| Failure::errored(missing_provider_message((handle.type_name)())))?;
    // A sync body that outlives its timeout keeps its handle on an abandoned thread, where an
    // async client's transaction would wait, unreachable, for a body that may never return.
    if !provider.is_sync() && case.test.body.is_sync() {
        return Err(Failure::errored(format!(
            "takes `&mut {}`, the handle of an async rollback provider, which needs an async \
             test: make `{}` an `async fn`",
            (handle.type_name)(),
            case.test.function
        )));
    }
    Ok(Some(provider))
}

/// The suite `name` set up for this run: the first test to ask sets it up, as a step of its
/// job; the others wait for it. `None` when the scheduler abandoned this worker meanwhile.
fn suite(
    worker: &Worker<'_>,
    index: usize,
    vtable: SuiteVTable,
    name: &'static str,
    started: Instant,
) -> Option<Result<SuiteInstance, Failure>> {
    let job = Job::Test(index);
    let suites = &worker.run.suites;
    let waits = || {
        let now = Instant::now();
        worker.step(Step::new(job, Phase::WaitSuite, started, now, None, false));
    };
    if let Claim::Ready(result) = suites.claim(name, waits) {
        return Some(result);
    }
    let limit = worker.run.plan.default_timeout;
    // Not while an earlier run's set-up, or tear-down, of the suite is stuck: another
    // instance would pile up behind it on every run.
    let stuck =
        stuck::since(&set_up_suite_key(name)).or_else(|| stuck::since(&tear_down_suite_key(name)));
    let result = match stuck {
        Some(for_how_long) => Err(Failure::errored(stuck::still_running_message(for_how_long))),
        None => {
            let now = Instant::now();
            let step = Step::new(
                job,
                Phase::SetUpSuite,
                started,
                now,
                Some(limit),
                vtable.is_async(),
            );
            worker.step(step);
            // In a span of its own: the suite's set-up is the suite's, not this test's, and is
            // not captured as the test's output.
            crate::trace::set_up_suite(name).in_scope(|| set_up_suite(worker, vtable, limit))
        }
    };
    if !worker.end_step() {
        // Reported as timed out, and the suite failed for the run's other tests; a set-up
        // that still succeeded is owed its tear-down, which no deadline watches any more.
        if let Ok(instance) = result {
            let now = Instant::now();
            let step = Step::new(job, Phase::TearDownSuite, started, now, None, false);
            worker.step(step);
            let _ = hook(worker, vtable, &instance, Hook::TearDownSuite, limit);
        }
        return None;
    }
    suites.settle(name, result)
}
