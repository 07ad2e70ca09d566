//! The rate limit of the slow tier: at most one run per interval per endpoint (and its clones),
//! whoever asks and however often.
//!
//! Every request for the slow tier passes the gate below, which alone starts runs: one at a
//! time, and not again before the interval since the last start has passed. Within it, requests
//! get the latest report with its age, or wait for the run in flight; only when there is neither
//! (the interval's run was cancelled, its requesters all gone) do they get a 429.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared, WeakShared};
use smoketest::{Runner, Tier};

use crate::coalesce::{Finished, Runs, Served};

/// A run of the slow tier started by the gate, awaited by every request that needs it.
type Flight = Shared<BoxFuture<'static, Arc<Finished>>>;

/// What clones of an endpoint share about the slow tier's runs.
#[derive(Default)]
struct Gate {
    /// When the gate last started a run.
    started: Option<Instant>,
    /// The report of the last run that finished.
    latest: Option<Arc<Finished>>,
    /// The run in flight and its id. Weak, like the endpoint's own flights: when every request
    /// awaiting it is gone, the run is dropped (cancelled).
    flight: Option<(u64, WeakShared<BoxFuture<'static, Arc<Finished>>>)>,
    /// The id of the next run.
    next_id: u64,
}

/// The slow tier's rate limit: off by default.
#[derive(Clone, Default)]
pub(crate) struct SlowTierLimit {
    interval: Option<Duration>,
    gate: Arc<Mutex<Gate>>,
}

impl fmt::Debug for SlowTierLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlowTierLimit")
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// Too early for a run, and no report to serve: come back after this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RetryAfter {
    pub(crate) wait: Duration,
    pub(crate) interval: Duration,
}

impl RetryAfter {
    /// Whole seconds, rounded up and at least 1: `Retry-After` counts seconds, and 0 would
    /// invite an immediate retry that is still too early.
    pub(crate) fn seconds(self) -> u64 {
        let whole = self.wait.as_secs();
        let seconds = if self.wait.subsec_nanos() > 0 {
            whole + 1
        } else {
            whole
        };
        seconds.max(1)
    }
}

/// The next step of a request, decided under the gate's lock.
enum Next {
    Stored(Arc<Finished>),
    Join(Flight),
    TooEarly(RetryAfter),
}

impl SlowTierLimit {
    /// Sets the interval; zero turns the limit off.
    pub(crate) fn set_interval(&mut self, interval: Duration) {
        self.interval = (!interval.is_zero()).then_some(interval);
    }

    /// Whether requests for `tier` go through the gate.
    pub(crate) fn applies_to(&self, tier: Tier) -> bool {
        tier == Tier::Slow && self.interval.is_some()
    }

    fn lock(&self) -> MutexGuard<'_, Gate> {
        // Nothing panics while holding the lock; were it poisoned, the gate is still whole.
        self.gate.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The report for a request for the slow tier: the latest one within the interval, the run
    /// in flight, or a new run once the interval has passed. Every report says how old it is.
    pub(crate) async fn report(&self, runs: &Runs, runner: &Runner) -> Result<Served, RetryAfter> {
        let Some(interval) = self.interval else {
            return Ok(runs.report(runner, Tier::Slow).await);
        };
        let next = {
            let mut gate = self.lock();
            let flight = gate.flight.as_ref().and_then(|(_, weak)| weak.upgrade());
            let since_start = gate.started.map(|started| started.elapsed());
            match (since_start, flight) {
                (Some(elapsed), flight) if elapsed < interval => {
                    match (gate.latest.as_ref(), flight) {
                        (Some(latest), _) => Next::Stored(Arc::clone(latest)),
                        (None, Some(flight)) => Next::Join(flight),
                        (None, None) => Next::TooEarly(RetryAfter {
                            wait: interval - elapsed,
                            interval,
                        }),
                    }
                }
                // A run longer than the interval: still never two at once.
                (_, Some(flight)) => Next::Join(flight),
                (_, None) => Next::Join(self.start(&mut gate, runs, runner)),
            }
        };
        let finished = match next {
            Next::Stored(finished) => finished,
            Next::Join(flight) => flight.await,
            Next::TooEarly(retry_after) => return Err(retry_after),
        };
        let age = Some(finished.age());
        Ok(Served { finished, age })
    }

    /// Starts a run (under the lock, so two requests can't both start one); it runs when first
    /// polled, outside the lock, through the endpoint's own runs, and stores its report here.
    fn start(&self, gate: &mut Gate, runs: &Runs, runner: &Runner) -> Flight {
        let id = gate.next_id;
        gate.next_id += 1;
        gate.started = Some(Instant::now());
        let (limit, runs, runner) = (self.clone(), runs.clone(), runner.clone());
        let flight = async move {
            let finished = runs.report(&runner, Tier::Slow).await.finished;
            let mut gate = limit.lock();
            gate.latest = Some(Arc::clone(&finished));
            if gate.flight.as_ref().map(|(flight, _)| *flight) == Some(id) {
                gate.flight = None;
            }
            finished
        }
        .boxed()
        .shared();
        // `None` only for a completed future, and this one has not been polled yet.
        gate.flight = flight.downgrade().map(|weak| (id, weak));
        flight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let retry = |wait| {
            RetryAfter {
                wait,
                interval: Duration::from_secs(60),
            }
            .seconds()
        };
        assert_eq!(retry(Duration::from_millis(1)), 1);
        assert_eq!(retry(Duration::ZERO), 1);
        assert_eq!(retry(Duration::from_secs(2)), 2);
        assert_eq!(retry(Duration::from_millis(2001)), 3);
    }
}
