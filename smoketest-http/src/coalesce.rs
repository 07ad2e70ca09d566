//! Coalescing: requests for a tier share the run in flight (single-flight), may be served a
//! stored report (cache, schedule), and runs in flight are bounded across tiers.
//!
//! The state lives behind an `Arc` shared by every clone of the endpoint, since each framework
//! clones the endpoint per worker or per request.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared, WeakShared};
use smoketest::{Redactor, Report, Runner, Tier};
use tokio::sync::Semaphore;

use crate::negotiate::Format;

/// Default bound on runs in flight per endpoint, across tiers: one per tier, so that with
/// single-flight on it never holds a request back, and with it off a storm of requests queues
/// instead of running the tests once per request at the same time.
pub(crate) const DEFAULT_MAX_RUNS: usize = 2;

/// A finished run: its report, when it finished, and its renderings, each made once when first
/// asked for and then shared by every request served from it.
#[derive(Debug)]
pub(crate) struct Finished {
    report: Report,
    finished_at: Instant,
    text: OnceLock<String>,
    json: OnceLock<String>,
    prometheus: OnceLock<String>,
    html: OnceLock<String>,
}

impl Finished {
    fn new(report: Report) -> Self {
        Finished {
            report,
            finished_at: Instant::now(),
            text: OnceLock::new(),
            json: OnceLock::new(),
            prometheus: OnceLock::new(),
            html: OnceLock::new(),
        }
    }

    pub(crate) fn report(&self) -> &Report {
        &self.report
    }

    /// The report rendered in `format`.
    pub(crate) fn body(&self, format: Format) -> &str {
        match format {
            Format::Text => self.text.get_or_init(|| self.report.to_text()),
            Format::Json => self.json.get_or_init(|| self.report.to_json()),
            Format::Prometheus => self
                .prometheus
                .get_or_init(|| crate::prometheus::render(&self.report)),
            Format::Html => self.html.get_or_init(|| crate::html::render(&self.report)),
        }
    }

    /// How long ago the run finished.
    pub(crate) fn age(&self) -> Duration {
        self.finished_at.elapsed()
    }
}

/// What a request is answered with.
pub(crate) struct Served {
    pub(crate) finished: Arc<Finished>,
    /// The report's age, when the endpoint serves stored reports (cache or schedule): then every
    /// report, fresh ones included, says how old it is.
    pub(crate) age: Option<Duration>,
}

/// A run in flight, awaited by every request for its tier.
type Flight = Shared<BoxFuture<'static, Arc<Finished>>>;

/// The state of one tier.
#[derive(Default)]
struct Slot {
    /// The run in flight and its id. Weak, so that when every request awaiting it is gone the run
    /// is dropped (cancelled) rather than kept, unpolled, for a later request to resume.
    flight: Option<(u64, WeakShared<BoxFuture<'static, Arc<Finished>>>)>,
    /// The report of the run that finished last.
    latest: Option<Arc<Finished>>,
    /// Schedules running for this tier, and since when the first of them has been running.
    schedules: usize,
    scheduled_since: Option<Instant>,
}

impl Slot {
    /// The latest report, if a schedule is running and made it (a report from before the
    /// schedule started would be served as current for no reason).
    fn scheduled_report(&self) -> Option<&Arc<Finished>> {
        let since = self.scheduled_since?;
        self.latest
            .as_ref()
            .filter(|latest| latest.finished_at >= since)
    }
}

/// What clones of an endpoint share.
#[derive(Default)]
struct Flights {
    slots: Mutex<[Slot; 2]>,
    next_id: AtomicU64,
}

fn index(tier: Tier) -> usize {
    match tier {
        Tier::Fast => 0,
        Tier::Slow => 1,
    }
}

impl Flights {
    fn lock(&self) -> MutexGuard<'_, [Slot; 2]> {
        // Nothing panics while holding the lock; were it poisoned, the slots are still whole.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores a finished run's report as the tier's latest and, for a shared run, forgets the
    /// flight, in one step: a request arriving after this starts a new run.
    fn finish(&self, tier: Tier, flight: Option<u64>, finished: &Arc<Finished>) {
        let mut slots = self.lock();
        let slot = &mut slots[index(tier)];
        slot.latest = Some(Arc::clone(finished));
        if flight.is_some() && slot.flight.as_ref().map(|(id, _)| *id) == flight {
            slot.flight = None;
        }
    }
}

/// Forgets a shared run that was dropped before finishing (every request awaiting it gone).
struct ForgetOnDrop {
    flights: Arc<Flights>,
    tier: Tier,
    id: u64,
}

impl Drop for ForgetOnDrop {
    fn drop(&mut self) {
        let mut slots = self.flights.lock();
        let slot = &mut slots[index(self.tier)];
        if slot.flight.as_ref().map(|(id, _)| *id) == Some(self.id) {
            slot.flight = None;
        }
    }
}

/// Counts a schedule in its tier's slot for as long as it runs.
struct Registration {
    flights: Arc<Flights>,
    tier: Tier,
}

impl Registration {
    fn new(flights: &Arc<Flights>, tier: Tier) -> Self {
        let mut slots = flights.lock();
        let slot = &mut slots[index(tier)];
        slot.schedules += 1;
        slot.scheduled_since.get_or_insert_with(Instant::now);
        Registration {
            flights: Arc::clone(flights),
            tier,
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut slots = self.flights.lock();
        let slot = &mut slots[index(self.tier)];
        slot.schedules -= 1;
        if slot.schedules == 0 {
            slot.scheduled_since = None;
        }
    }
}

/// How an endpoint gets its reports: the configuration, and the state its clones share.
#[derive(Clone)]
pub(crate) struct Runs {
    flights: Arc<Flights>,
    permits: Arc<Semaphore>,
    max_runs: usize,
    single_flight: bool,
    cache_for: Option<Duration>,
    /// Applied to every report when its run finishes, before anything renders it.
    redactor: Arc<Redactor>,
}

impl fmt::Debug for Runs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runs")
            .field("single_flight", &self.single_flight)
            .field("cache_for", &self.cache_for)
            .field("max_runs", &self.max_runs)
            .finish_non_exhaustive()
    }
}

impl Default for Runs {
    fn default() -> Self {
        Runs {
            flights: Arc::default(),
            permits: Arc::new(Semaphore::new(DEFAULT_MAX_RUNS)),
            max_runs: DEFAULT_MAX_RUNS,
            single_flight: true,
            cache_for: None,
            redactor: Arc::default(),
        }
    }
}

/// The next step of a request, decided under the lock.
enum Next {
    Stored(Arc<Finished>),
    Join(Flight),
    RunHere,
}

impl Runs {
    pub(crate) fn single_flight(&mut self, on: bool) {
        self.single_flight = on;
    }

    pub(crate) fn cache_for(&mut self, ttl: Duration) {
        self.cache_for = (!ttl.is_zero()).then_some(ttl);
    }

    pub(crate) fn redactor_mut(&mut self) -> &mut Redactor {
        Arc::make_mut(&mut self.redactor)
    }

    pub(crate) fn cache_ttl(&self) -> Option<Duration> {
        self.cache_for
    }

    pub(crate) fn max_runs(&mut self, max: usize) {
        self.max_runs = max.max(1);
        self.permits = Arc::new(Semaphore::new(self.max_runs));
    }

    /// The report to answer a request for `tier` with: a stored one if the schedule or the cache
    /// allows, else the run in flight, else a new run.
    pub(crate) async fn report(&self, runner: &Runner, tier: Tier) -> Served {
        let (next, show_age) = {
            let mut slots = self.flights.lock();
            let slot = &mut slots[index(tier)];
            let show_age = self.cache_for.is_some() || slot.schedules > 0;
            let cached = || {
                let ttl = self.cache_for?;
                slot.latest.as_ref().filter(|latest| latest.age() < ttl)
            };
            let next = match slot.scheduled_report().or_else(cached) {
                Some(stored) => Next::Stored(Arc::clone(stored)),
                None if self.single_flight => Next::Join(self.join_or_start(runner, tier, slot)),
                None => Next::RunHere,
            };
            (next, show_age)
        };
        let finished = match next {
            Next::Stored(finished) => finished,
            Next::Join(flight) => flight.await,
            Next::RunHere => self.run_here(runner, tier).await,
        };
        let age = show_age.then(|| finished.age());
        Served { finished, age }
    }

    /// One scheduled run: shared with requests for the tier like theirs are with each other.
    async fn scheduled_run(&self, runner: &Runner, tier: Tier) {
        if self.single_flight {
            let flight = {
                let mut slots = self.flights.lock();
                self.join_or_start(runner, tier, &mut slots[index(tier)])
            };
            flight.await;
        } else {
            self.run_here(runner, tier).await;
        }
    }

    /// The run in flight for the slot's tier, or a new one. Called under the lock, so two
    /// requests can't both start one; the new run only starts when first polled, outside it.
    fn join_or_start(&self, runner: &Runner, tier: Tier, slot: &mut Slot) -> Flight {
        if let Some(flight) = slot.flight.as_ref().and_then(|(_, weak)| weak.upgrade()) {
            return flight;
        }
        let id = self.flights.next_id.fetch_add(1, Ordering::Relaxed);
        let (runner, flights, permits, redactor) = (
            runner.clone(),
            Arc::clone(&self.flights),
            Arc::clone(&self.permits),
            Arc::clone(&self.redactor),
        );
        let flight = async move {
            let forget = ForgetOnDrop {
                flights: Arc::clone(&flights),
                tier,
                id,
            };
            // The semaphore is never closed, so acquiring only fails if it were: run anyway.
            let _permit = permits.acquire().await.ok();
            let report = runner.run_async(tier).await.redacted(&redactor);
            let finished = Arc::new(Finished::new(report));
            flights.finish(tier, Some(id), &finished);
            drop(forget);
            finished
        }
        .boxed()
        .shared();
        // `None` only for a completed future, and this one has not been polled yet.
        slot.flight = flight.downgrade().map(|weak| (id, weak));
        flight
    }

    /// A run of its own for one request (single-flight off), within the bound.
    async fn run_here(&self, runner: &Runner, tier: Tier) -> Arc<Finished> {
        // The semaphore is never closed, so acquiring only fails if it were: run anyway.
        let _permit = self.permits.acquire().await.ok();
        let report = runner.run_async(tier).await.redacted(&self.redactor);
        let finished = Arc::new(Finished::new(report));
        self.flights.finish(tier, None, &finished);
        finished
    }

    /// Runs `tier` every `every` (the next run starts `every` after the previous one started,
    /// or as soon as it finished if it took longer), for as long as the future is polled.
    pub(crate) fn schedule(
        &self,
        runner: Runner,
        tier: Tier,
        every: Duration,
    ) -> impl Future<Output = ()> + Send + 'static {
        // Registered now rather than when first polled, so that requests know of the schedule
        // however late the runtime gets to the future; dropping the future unregisters it.
        let registration = Registration::new(&self.flights, tier);
        let runs = self.clone();
        async move {
            let _registration = registration;
            loop {
                let started = Instant::now();
                runs.scheduled_run(&runner, tier).await;
                futures_timer::Delay::new(every.saturating_sub(started.elapsed())).await;
            }
        }
    }
}
