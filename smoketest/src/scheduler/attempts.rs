//! A test's attempts: the first, and up to `retries = N` more after one that failed or errored.
//! Each attempt is the whole of the test's own steps — `set_up`, a fresh transaction, the body,
//! the rollback, `tear_down` — with the test's whole time limit.
//!
//! The rules, and why:
//! - A retry starts as soon as the previous attempt has cleaned up, on the same worker: retries
//!   need no thread of their own, so they can't take a run past `max_threads`.
//! - An attempt the coordinator abandoned at its limit (a sync body, or an async one that blocks
//!   its thread) is the last: it still runs, and another attempt would run beside it, on one more
//!   thread, on whatever it is stuck on. An attempt that timed out and gave its thread back (an
//!   async one cancelled at its deadline, or one that returned late) is retried like any other.
//! - The report is the last attempt's: its outcome, message, location and backtrace; its time
//!   is that of all the attempts; `attempts` is how many were made. When a test may make more
//!   than one, its message ends by saying which attempt it comes from: `(attempt 3 of 3)`, or
//!   `(attempt 1 of 3; still running, so not retried)`.
//! - Failfast looks at the test once its attempts are over: a test that passes on a retry does
//!   not stop the run.

use std::fmt::Write as _;
use std::time::Instant;

use tracing::Span;

use super::execute::{self, Job};
use super::{Run, Worker};
use crate::outcome::{Failure, Outcome};
use crate::registry::TestCase;
use crate::rollback::Provider;
use crate::suite::{SuiteInstance, SuiteVTable};
use crate::trace;

/// What a test's attempts came to.
pub(crate) struct Tried {
    /// The last attempt's result, its message saying which attempt it was.
    pub(crate) result: Result<(), Failure>,
    /// How many attempts were made.
    pub(crate) attempts: u32,
}

impl Tried {
    /// A test that ended before its first attempt (its suite could not be set up, say): one
    /// attempt, as far as its report goes, and nothing to say about retries.
    pub(crate) fn once(result: Result<(), Failure>) -> Self {
        Tried {
            result,
            attempts: 1,
        }
    }
}

/// How a test's last attempt ended, for what its message says about retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// It came back: the last attempt is the last allowed, or it passed.
    Returned,
    /// The coordinator abandoned it at its limit, still running.
    StillRunning,
    /// It ended the process it ran in (an isolated child).
    EndedProcess,
}

/// How many attempts `case` may make: 1, and its `retries`.
pub(crate) fn allowed(case: &TestCase) -> u32 {
    case.test.retries.saturating_add(1)
}

/// `result`, whose message (if it failed) says which attempt of the `allowed` it comes from,
/// when the test may make more than one: `boom (attempt 3 of 3)`, and, when attempts were left,
/// why it was not retried: `timed out after 2s (attempt 1 of 3; still running, so not retried)`.
pub(crate) fn note_attempts(
    mut result: Result<(), Failure>,
    attempt: u32,
    allowed: u32,
    ending: Ending,
) -> Result<(), Failure> {
    if let Err(failure) = &mut result {
        if allowed > 1 {
            let message = &mut failure.message;
            // Writing to a String cannot fail.
            let _ = write!(message, " (attempt {attempt} of {allowed}");
            if attempt < allowed {
                match ending {
                    Ending::Returned => {}
                    Ending::StillRunning => message.push_str("; still running, so not retried"),
                    Ending::EndedProcess => {
                        message.push_str("; it ended the process, so not retried");
                    }
                }
            }
            message.push(')');
        }
    }
    result
}

/// Runs the attempts of test `index`, whose job started at `started`, on this worker (see the
/// module's documentation). `None` when the scheduler abandoned the worker, having reported the
/// test as timed out.
pub(super) fn run(
    worker: &Worker<'_>,
    index: usize,
    suite: Option<&(SuiteVTable, SuiteInstance)>,
    provider: Option<&Provider>,
    started: Instant,
) -> Option<Tried> {
    let run: &Run = worker.run;
    let case = &run.plan.tests[index];
    let allowed = allowed(case);
    let mut attempt = 1;
    loop {
        // The first attempt's limit runs from the job's start, unless the suite's set-up (which
        // has a limit of its own) came first; a retry's from its own start.
        let since = if attempt == 1 && suite.is_none() {
            started
        } else {
            Instant::now()
        };
        // Each attempt of a test that may make several is a span of its own, in the test's body.
        let span = match allowed {
            1 => Span::none(),
            _ => trace::attempt(attempt),
        };
        let result = span
            .in_scope(|| execute::steps(worker, index, suite, provider, started, since, attempt));
        if !worker.end_step() {
            return None;
        }
        // A step that returned past its deadline before the coordinator looked timed out all the
        // same; its thread is back, so the attempt counts as any other that did not pass.
        let result = match worker.overran.take() {
            Some(step) => execute::timed_out_result(run, &step),
            None => result,
        };
        trace::end_attempt(
            &span,
            result.as_ref().map(|_| ()).map_err(|failure| {
                let outcome = match case.test.warn_only {
                    true => Outcome::Warned,
                    false => failure.outcome,
                };
                (outcome, failure.message.as_str())
            }),
            &run.plan.redactor,
        );
        if result.is_ok() || attempt >= allowed {
            return Some(Tried {
                result: note_attempts(result, attempt, allowed, Ending::Returned),
                attempts: attempt,
            });
        }
        attempt += 1;
        run.start_attempt(Job::Test(index), attempt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noted(attempt: u32, allowed: u32, ending: Ending) -> String {
        let result = note_attempts(Err(Failure::errored("boom")), attempt, allowed, ending);
        result.unwrap_err().message
    }

    #[test]
    fn a_message_says_which_attempt_it_comes_from_when_there_could_be_several() {
        assert_eq!(noted(1, 1, Ending::Returned), "boom");
        assert_eq!(noted(1, 1, Ending::StillRunning), "boom");
        assert_eq!(noted(3, 3, Ending::Returned), "boom (attempt 3 of 3)");
        assert_eq!(noted(3, 3, Ending::StillRunning), "boom (attempt 3 of 3)");
        assert_eq!(
            noted(1, 3, Ending::StillRunning),
            "boom (attempt 1 of 3; still running, so not retried)"
        );
        assert_eq!(
            noted(2, 3, Ending::EndedProcess),
            "boom (attempt 2 of 3; it ended the process, so not retried)"
        );
        assert_eq!(
            note_attempts(Ok(()), 2, 3, Ending::Returned),
            Ok(()),
            "a pass has no message"
        );
    }
}
