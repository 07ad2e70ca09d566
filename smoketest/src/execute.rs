//! Running one test: set-up, body and tear-down, each bounded in time and isolated from panics.

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::{Either, select};

use crate::State;
use crate::capture::{self, TestCapture};
use crate::context::Context;
use crate::outcome::{Failure, Outcome};
use crate::panic::{CatchUnwind, catch};
use crate::registry::TestCase;
use crate::report::TestReport;
use crate::rollback::{
    AnyHandle, Provider, Rollbacks, missing_provider_message, redact_credentials,
};
use crate::suite::{Hooks, SuiteInstance, SuiteVTable};
use crate::{Error, blocking};

/// The suite a test runs in, already set up for this run.
#[derive(Clone)]
pub(crate) struct SuiteRun {
    pub(crate) vtable: SuiteVTable,
    pub(crate) instance: SuiteInstance,
}

/// Why a bounded step did not produce its value.
struct TimedOut;

/// Awaits `future` for at most `limit`.
async fn within<T>(limit: Duration, future: impl Future<Output = T>) -> Result<T, TimedOut> {
    let future = std::pin::pin!(future);
    match select(future, futures_timer::Delay::new(limit)).await {
        Either::Left((value, _)) => Ok(value),
        Either::Right(((), _)) => Err(TimedOut),
    }
}

/// `timed out after 2s`, with the duration as written in `timeout = "2s"`.
pub(crate) fn timed_out_message(limit: Duration) -> String {
    format!("timed out after {}", humantime::format_duration(limit))
}

/// Runs a synchronous piece of work on a worker thread, with panics caught, for at most `limit`.
async fn on_worker<F>(limit: Duration, work: F) -> Result<Result<(), Failure>, TimedOut>
where
    F: FnOnce() -> Result<(), Error> + Send + 'static,
{
    let job = blocking::run(capture::propagate(move || {
        catch(|| work().map_err(Failure::from))
    }));
    match within(limit, job).await? {
        Ok(result) => Ok(result),
        Err(_canceled) => Ok(Err(Failure::errored(
            "the worker thread running it was lost",
        ))),
    }
}

/// Runs a suite's set-up of the whole suite (`set_up_suite`), bounded by `limit`.
pub(crate) async fn set_up_suite(
    vtable: SuiteVTable,
    state: Arc<State>,
    limit: Duration,
) -> Result<SuiteInstance, Failure> {
    match vtable.hooks {
        Hooks::Sync { set_up_suite, .. } => {
            let job = blocking::run(move || catch(|| set_up_suite(&state).map_err(Failure::from)));
            match within(limit, job).await {
                Ok(Ok(result)) => result,
                Ok(Err(_canceled)) => {
                    Err(Failure::errored("the worker thread running it was lost"))
                }
                Err(TimedOut) => Err(Failure::errored(timed_out_message(limit))),
            }
        }
        Hooks::Async { set_up_suite, .. } => {
            let future =
                CatchUnwind::new(async move { set_up_suite(&state).await.map_err(Failure::from) });
            within(limit, future)
                .await
                .unwrap_or_else(|TimedOut| Err(Failure::errored(timed_out_message(limit))))
        }
    }
}

/// Which per-instance hook to run.
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

/// Runs one of a suite's hooks on its instance, bounded by `limit`.
async fn run_hook(suite: &SuiteRun, hook: Hook, limit: Duration) -> Result<(), Failure> {
    let instance = suite.instance.clone();
    let outcome = match suite.vtable.hooks {
        Hooks::Sync {
            set_up,
            tear_down,
            tear_down_suite,
            ..
        } => {
            let function = hook.pick(set_up, tear_down, tear_down_suite);
            on_worker(limit, move || function(&*instance)).await
        }
        Hooks::Async {
            set_up,
            tear_down,
            tear_down_suite,
            ..
        } => {
            let function = hook.pick(set_up, tear_down, tear_down_suite);
            let future =
                CatchUnwind::new(async move { function(&*instance).await.map_err(Failure::from) });
            within(limit, future).await
        }
    };
    outcome.unwrap_or_else(|TimedOut| Err(Failure::errored(timed_out_message(limit))))
}

/// Runs `tear_down_suite` once at the end of the run.
pub(crate) async fn tear_down_suite(suite: &SuiteRun, limit: Duration) -> Result<(), Failure> {
    run_hook(suite, Hook::TearDownSuite, limit).await
}

/// How the body ended, with the clean-ups that already ran after it.
struct BodyEnd {
    result: Result<(), Failure>,
    /// `Some` when the test was rolled back (or its rollback failed).
    rollback: Option<Result<(), Failure>>,
    /// `Some` when a synchronous tear-down ran on the body's thread.
    tear_down: Option<Result<(), Failure>>,
    /// The body is still running on an abandoned worker thread, which will run a synchronous
    /// rollback and tear-down itself when the body returns.
    tear_down_pending: bool,
}

impl BodyEnd {
    /// The body never ran (its transaction could not begin).
    fn not_run(failure: Failure) -> Self {
        BodyEnd {
            result: Err(failure),
            rollback: None,
            tear_down: None,
            tear_down_pending: false,
        }
    }
}

fn begin_failure(error: Error) -> Failure {
    let failure = Failure::from(error);
    let message = redact_credentials(&failure.message);
    Failure { message, ..failure }.prefixed("rollback could not begin: ")
}

fn rollback_failure(error: Error) -> Failure {
    let failure = Failure::from(error);
    let message = redact_credentials(&failure.message);
    Failure { message, ..failure }
}

/// Runs one test; `suite` is `Err` when its `set_up_suite` failed.
pub(crate) async fn run_test(
    case: &TestCase,
    state: Arc<State>,
    suite: Option<Result<SuiteRun, Failure>>,
    rollbacks: &Rollbacks,
    limit: Duration,
) -> TestReport {
    let started = Instant::now();
    let capture = TestCapture::new(case.name);
    let result = capture
        .instrument(run_steps(case, state, suite, rollbacks, limit))
        .await;
    let mut report = test_report(case, result, started.elapsed());
    report.output = capture.take();
    report
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
            (
                failure.outcome,
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
        backtrace,
        output: Vec::new(),
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
    // async client can't be rolled back (sqlx needs its runtime even to close the connection).
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

async fn run_steps(
    case: &TestCase,
    state: Arc<State>,
    suite: Option<Result<SuiteRun, Failure>>,
    rollbacks: &Rollbacks,
    limit: Duration,
) -> Result<(), Failure> {
    if let Some(error) = &case.collection_error {
        return Err(Failure::errored(error.clone()));
    }
    let suite = match suite {
        Some(Ok(suite)) => Some(suite),
        Some(Err(failure)) => return Err(failure.prefixed("set_up_suite failed: ")),
        None => None,
    };
    let provider = provider_for(case, rollbacks)?;
    let deadline = Instant::now() + limit;
    if let Some(suite) = &suite {
        run_hook(suite, Hook::SetUp, limit)
            .await
            .map_err(|failure| failure.prefixed("set_up failed: "))?;
    }
    let end = run_body(case, state, suite.as_ref(), provider, deadline, limit).await;
    let tear_down = match (&suite, end.tear_down, end.tear_down_pending) {
        (Some(_), Some(done), _) => done,
        (Some(_), None, true) | (None, _, _) => Ok(()),
        // A fresh allowance: cleaning up must not be skipped because the body used up the time.
        (Some(suite), None, false) => run_hook(suite, Hook::TearDown, limit).await,
    };
    let mut result = end.result;
    for (step, outcome) in [
        ("rollback", end.rollback.unwrap_or(Ok(()))),
        ("tear_down", tear_down),
    ] {
        let Err(cleanup) = outcome else { continue };
        result = match result {
            Ok(()) => Err(cleanup.prefixed(&format!("{step} failed: "))),
            Err(mut failure) => {
                failure.message = format!(
                    "{}; {step} also failed: {}",
                    failure.message, cleanup.message
                );
                Err(failure)
            }
        };
    }
    result
}

/// Rolls back on the executor, with a fresh allowance of at least the default timeout: a
/// transaction must never be left open because the body used up the time, and a rollback may
/// have to wait for a query the timed-out test left running on the connection.
async fn roll_back(provider: &Provider, handle: AnyHandle, limit: Duration) -> Result<(), Failure> {
    let limit = limit.max(crate::runner::DEFAULT_TIMEOUT);
    within(limit, provider.rollback(handle))
        .await
        .unwrap_or_else(|TimedOut| Err(Error::msg(timed_out_message(limit))))
        .map_err(rollback_failure)
}

async fn run_body(
    case: &TestCase,
    state: Arc<State>,
    suite: Option<&SuiteRun>,
    provider: Option<Provider>,
    deadline: Instant,
    limit: Duration,
) -> BodyEnd {
    let mut context = Context::new(state, suite.map(|suite| suite.instance.clone()));
    let remaining = || deadline.saturating_duration_since(Instant::now());
    // An async provider begins here, on the executor; a sync one on the body's thread below.
    let on_executor = provider.as_ref().filter(|provider| !provider.is_sync());
    if let Some(provider) = on_executor {
        match within(remaining(), provider.begin()).await {
            Ok(Ok(handle)) => context.put_handle(handle),
            Ok(Err(error)) => return BodyEnd::not_run(begin_failure(error)),
            Err(TimedOut) => {
                return BodyEnd::not_run(begin_failure(Error::msg(timed_out_message(limit))));
            }
        }
    }
    let body = case.test.body;
    if body.is_sync() {
        // A synchronous suite's tear-down and a synchronous provider's rollback run on the
        // body's own thread, right after it: if the body outlives its timeout, they still run
        // after it, never concurrently with it.
        let sync_tear_down = suite.and_then(|suite| match suite.vtable.hooks {
            Hooks::Sync { tear_down, .. } => Some((tear_down, suite.instance.clone())),
            Hooks::Async { .. } => None,
        });
        let has_sync_tear_down = sync_tear_down.is_some();
        let on_thread = provider.clone().filter(Provider::is_sync);
        let job = blocking::run(capture::propagate(move || {
            let begun = match &on_thread {
                Some(provider) => catch(|| provider.begin_blocking().map_err(begin_failure))
                    .map(|handle| context.put_handle(handle)),
                None => Ok(()),
            };
            let result = begun.and_then(|()| catch(|| body.call_sync(&mut context)));
            let rollback = match (&on_thread, context.take_handle()) {
                (Some(provider), Some(handle)) => Some(catch(|| {
                    provider.rollback_blocking(handle).map_err(rollback_failure)
                })),
                _ => None,
            };
            let tear_down = sync_tear_down.map(|(tear_down, instance)| {
                catch(|| tear_down(&*instance).map_err(Failure::from))
            });
            (result, rollback, tear_down)
        }));
        match within(remaining(), job).await {
            Ok(Ok((result, rollback, tear_down))) => BodyEnd {
                result,
                rollback,
                tear_down,
                tear_down_pending: false,
            },
            Ok(Err(_canceled)) => BodyEnd {
                result: Err(Failure::errored("the worker thread running it was lost")),
                rollback: None,
                tear_down: None,
                tear_down_pending: has_sync_tear_down,
            },
            Err(TimedOut) => BodyEnd {
                result: Err(Failure::errored(timed_out_message(limit))),
                rollback: None,
                tear_down: None,
                tear_down_pending: has_sync_tear_down,
            },
        }
    } else {
        if let Some(provider) = provider.as_ref().filter(|provider| provider.is_sync()) {
            match provider.begin().await {
                Ok(handle) => context.put_handle(handle),
                Err(error) => return BodyEnd::not_run(begin_failure(error)),
            }
        }
        let future = CatchUnwind::new(body.call_async(&mut context));
        let result = within(remaining(), future)
            .await
            .unwrap_or_else(|TimedOut| Err(Failure::errored(timed_out_message(limit))));
        // The body's future is gone (finished or dropped at its timeout): the handle is free.
        let rollback = match (&provider, context.take_handle()) {
            (Some(provider), Some(handle)) => Some(roll_back(provider, handle, limit).await),
            _ => None,
        };
        BodyEnd {
            result,
            rollback,
            tear_down: None,
            tear_down_pending: false,
        }
    }
}
