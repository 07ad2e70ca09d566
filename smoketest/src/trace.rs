//! The `tracing` spans of runs and tests, so that an app exporting its spans (with
//! `tracing-opentelemetry`, say) sees every run as a trace and every test in it.
//!
//! All at level INFO with target `smoketest`:
//! - `smoketest.run`, a root span (a run may serve many requests, so it is no request's child):
//!   `run_id`, `tier`, `selected`; at its end `status`, `tests_run`, `tests_passed`,
//!   `tests_failed`, `tests_errored`, `tests_warned`, `duration_ms`;
//! - `smoketest.test`, a child of the run's span set explicitly (tests run on worker threads):
//!   `name`, `tier`; at its end `suite`, `outcome`, `attempts`, `duration_ms`, `owner`;
//! - `smoketest.tear_down_suite` (`suite`), a child of the run's span;
//! - `smoketest.test.body` (`name`), what runs on the worker thread for a test: its hooks,
//!   transaction and body, with the app's own spans and events inside; a root span that
//!   *follows from* the test's (an OpenTelemetry link), and `smoketest.tear_down_suite.body`
//!   (`suite`) likewise for a `tear_down_suite`;
//! - `smoketest.attempt`, in its test's body, for each attempt of a test that may make more than
//!   one (`retries`): `attempt`, and at its end `outcome`;
//! - `smoketest.set_up_suite` (`suite`), in the body of the test that sets its suite up.
//!
//! Why a body span apart from the job's: a test that hangs in a blocking call keeps the span it
//! runs in open on its abandoned thread. Were that the test's span, it would hold the run's
//! (a parent stays open while a child is), and exporters that send a span when it closes would
//! never send the runs that most need looking at. The job's span belongs to the scheduler, which
//! ends it with the report, timed out or not; only the hung body's own span stays open, until
//! its thread returns, and it holds no other span of the run.
//!
//! A span that failed or errored gets `otel.status_code = "ERROR"` and `otel.status_description`
//! (the message), and a test's an ERROR event with `error = <message>`, which
//! `tracing-opentelemetry` maps to the span status `Error` with the message and an `exception`
//! event. A warned test gets a WARN event (`warning = <message>`) and keeps its status unset;
//! a passed one is `OK`. Messages are redacted first, with the runner's
//! [`Redactor`](crate::Runner::redactor) (which always hides what
//! [`redact_credentials`](crate::redact_credentials) does):
//! traces leave the process.
//!
//! With no subscriber interested, a span is a disabled handle and none of the recording below
//! runs: a load of the callsite's interest per span.

use tracing::field::Empty;
use tracing::{Id, Span};

use crate::outcome::Outcome;
use crate::redact::Redactor;
use crate::report::{Report, TestReport};
use crate::tier::Tier;

/// The span of a run; `selected` is how many tests it selected.
pub(crate) fn run(run_id: &str, tier: Tier, selected: usize) -> Span {
    tracing::info_span!(
        target: "smoketest",
        parent: None,
        "smoketest.run",
        run_id,
        tier = tier.as_str(),
        selected,
        status = Empty,
        tests_run = Empty,
        tests_passed = Empty,
        tests_failed = Empty,
        tests_errored = Empty,
        tests_warned = Empty,
        duration_ms = Empty,
        otel.status_code = Empty,
        otel.status_description = Empty,
    )
}

/// Records how the run of `span` ended: `report`, its whole report.
pub(crate) fn end_run(span: &Span, report: &Report) {
    if span.is_disabled() {
        return;
    }
    span.record("status", report.status.as_str());
    span.record("tests_run", report.tests_run);
    span.record("tests_passed", report.tests_passed);
    span.record("tests_failed", report.tests_failed);
    span.record("tests_errored", report.tests_errored);
    span.record("tests_warned", report.tests_warned);
    span.record("duration_ms", report.time);
    if report.passed() {
        span.record("otel.status_code", "OK");
    } else {
        let why = report.too_few_tests_reason().unwrap_or_else(|| {
            format!(
                "{} failed, {} errored",
                report.tests_failed, report.tests_errored
            )
        });
        span.record("otel.status_code", "ERROR");
        span.record("otel.status_description", why);
    }
}

/// The span of the test `name` in the run whose span is `run` (open while this is called).
pub(crate) fn test(run: Option<Id>, name: &str, tier: Tier) -> Span {
    tracing::info_span!(
        target: "smoketest",
        parent: run,
        "smoketest.test",
        name,
        tier = tier.as_str(),
        suite = Empty,
        outcome = Empty,
        attempts = Empty,
        duration_ms = Empty,
        owner = Empty,
        otel.status_code = Empty,
        otel.status_description = Empty,
    )
}

/// The span of the `tear_down_suite` of `suite` in the run whose span is `run` (open while this
/// is called).
pub(crate) fn tear_down_suite(run: Option<Id>, suite: &str) -> Span {
    tracing::info_span!(
        target: "smoketest",
        parent: run,
        "smoketest.tear_down_suite",
        suite,
        outcome = Empty,
        attempts = Empty,
        duration_ms = Empty,
        otel.status_code = Empty,
        otel.status_description = Empty,
    )
}

/// The span test `name` runs in on its worker thread (hooks, transaction, body), following
/// from `test`, the test's span. A root: it holds no span of the run open.
pub(crate) fn test_body(test: &Span, name: &str) -> Span {
    let body = tracing::info_span!(target: "smoketest", parent: None, "smoketest.test.body", name);
    body.follows_from(test);
    body
}

/// The span the `tear_down_suite` of `suite` runs in on its worker thread, following from `job`,
/// the job's span. A root, as a test's body.
pub(crate) fn tear_down_suite_body(job: &Span, suite: &str) -> Span {
    let body = tracing::info_span!(
        target: "smoketest",
        parent: None,
        "smoketest.tear_down_suite.body",
        suite
    );
    body.follows_from(job);
    body
}

/// Records how the job of `span` (a [`test`] or a [`tear_down_suite`]) ended: with `report`,
/// or with nothing to report (a `tear_down_suite` that succeeded); its message redacted with
/// `redactor`.
pub(crate) fn end_job(span: &Span, report: Option<&TestReport>, redactor: &Redactor) {
    if span.is_disabled() {
        return;
    }
    let Some(report) = report else {
        span.record("outcome", Outcome::Passed.as_str());
        span.record("otel.status_code", "OK");
        return;
    };
    span.record("suite", &*report.suite);
    span.record("attempts", report.attempts);
    span.record("duration_ms", report.time);
    if let Some(owner) = &report.owner {
        span.record("owner", &**owner);
    }
    let message = report
        .message
        .as_deref()
        .map(|message| redactor.redact(message));
    outcome(span, report.outcome, message.as_deref());
    match (report.outcome, message) {
        (Outcome::Failed | Outcome::Errored, Some(message)) => {
            tracing::error!(target: "smoketest", parent: span, error = %message);
        }
        (Outcome::Warned, Some(message)) => {
            tracing::warn!(target: "smoketest", parent: span, warning = %message);
        }
        _ => {}
    }
}

/// A test's report that had no running job to end, a test that could not start: its span,
/// begun and ended at once.
pub(crate) fn reported(run: &Span, tier: Tier, report: &TestReport, redactor: &Redactor) {
    let span = test(run.id(), &report.name, tier);
    end_job(&span, Some(report), redactor);
}

/// The span of attempt number `attempt` of the test whose span is current.
pub(crate) fn attempt(attempt: u32) -> Span {
    tracing::info_span!(
        target: "smoketest",
        "smoketest.attempt",
        attempt,
        outcome = Empty,
        otel.status_code = Empty,
        otel.status_description = Empty,
    )
}

/// Records how the attempt of `span` ended: passed, or `outcome` with `message`, redacted with
/// `redactor`.
pub(crate) fn end_attempt(span: &Span, ended: Result<(), (Outcome, &str)>, redactor: &Redactor) {
    if span.is_disabled() {
        return;
    }
    match ended {
        Ok(()) => outcome(span, Outcome::Passed, None),
        Err((ended, message)) => outcome(span, ended, Some(&redactor.redact(message))),
    }
}

/// The span of a suite's `set_up_suite`, in the body of the test that sets it up.
pub(crate) fn set_up_suite(suite: &str) -> Span {
    tracing::info_span!(target: "smoketest", "smoketest.set_up_suite", suite)
}

/// Records `outcome` on `span`, with the OpenTelemetry status it maps to; `message` is redacted
/// already.
fn outcome(span: &Span, outcome: Outcome, message: Option<&str>) {
    span.record("outcome", outcome.as_str());
    match outcome {
        Outcome::Passed => {
            span.record("otel.status_code", "OK");
        }
        Outcome::Failed | Outcome::Errored => {
            // The code first: `tracing-opentelemetry` takes the description as an error status
            // with that message, and a later code would reset it to one without.
            span.record("otel.status_code", "ERROR");
            if let Some(message) = message {
                span.record("otel.status_description", message);
            }
        }
        // The run does not fail for it: no error status.
        Outcome::Warned => {}
    }
}

/// Makes `job`, which will run on another thread, run with the subscriber and inside the span
/// current here: a subscriber set with `tracing::subscriber::with_default` (not globally) then
/// still sees the spans and events of the runs and tests it starts.
pub(crate) fn propagate<R>(job: impl FnOnce() -> R) -> impl FnOnce() -> R {
    let dispatch = tracing::dispatcher::get_default(tracing::Dispatch::clone);
    let span = Span::current();
    move || tracing::dispatcher::with_default(&dispatch, || span.in_scope(job))
}

/// Makes `job`, which will run on another thread, run with the subscriber current here, in no
/// span: a worker's thread, which may be abandoned in a hung test and must hold no span open
/// (its jobs' spans have explicit parents).
pub(crate) fn propagate_subscriber<R>(job: impl FnOnce() -> R) -> impl FnOnce() -> R {
    let dispatch = tracing::dispatcher::get_default(tracing::Dispatch::clone);
    move || tracing::dispatcher::with_default(&dispatch, job)
}
