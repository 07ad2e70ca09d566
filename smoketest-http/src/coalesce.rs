//! Coalescing: requests for a selection share the run in flight (single-flight), may be served a
//! stored report (cache, schedule), and runs in flight are bounded across selections.
//!
//! A run, once started, goes on to its end on a thread of its own and stores its report whatever
//! its requests do. Cancelling it when its clients hang up would not stop its synchronous tests
//! (threads can't be stopped), so the next request would start them again alongside.
//!
//! The state lives behind an `Arc` shared by every clone of the endpoint, since each framework
//! clones the endpoint per worker or per request. It is kept per selection ([`Key`]): for every
//! configured route (tiers, groups), and for at most [`MAX_CLIENT_SELECTIONS`] of the selections
//! clients make up (`?tag=`, `?exclude=`, `/test/{name}`), the least recently used of which goes
//! when another needs the room, so that no stream of distinct queries grows it without bound.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_channel::oneshot;
use futures_util::FutureExt as _;
use futures_util::future::Shared;
use smoketest::Redactor;
use tokio::sync::Notify;

use crate::answer::Answer;
use crate::finished::Finished;
use crate::rate_limit::RetryAfter;
use crate::selection::{self, Key, Prepared};

/// Default bound on runs in flight per endpoint, across tiers: one per tier, so that with
/// single-flight on it never holds a request back, and with it off a storm of requests queues
/// instead of running the tests once per request at the same time.
pub(crate) const DEFAULT_MAX_RUNS: usize = 2;

/// How many selections made up by clients (`?tag=`, `?exclude=`, `/test/{name}`) keep their
/// state (the run in flight, the latest report) at once; configured routes always do.
pub(crate) const MAX_CLIENT_SELECTIONS: usize = 32;

/// What a request is answered with.
pub(crate) struct Served {
    pub(crate) finished: Arc<Finished>,
    /// The report's age, when the endpoint serves stored reports (cache, schedule, rate limit):
    /// then every report, fresh ones included, says how old it is.
    pub(crate) age: Option<Duration>,
}

/// A run in flight: its report once it ends, for every request that awaits it. An error only if
/// the run ended without a report.
type Flight = Shared<oneshot::Receiver<Arc<Finished>>>;

/// The state of one selection.
#[derive(Default)]
struct Slot {
    /// The run in flight, when the selection's runs are shared, and its id. Held strongly: the
    /// run goes on when its requests are gone, and later requests join it.
    flight: Option<(u64, Flight)>,
    /// The report of the run that finished last.
    latest: Option<Arc<Finished>>,
    /// Schedules running for this selection, and since when the first of them has been running.
    schedules: usize,
    scheduled_since: Option<Instant>,
    /// When a request last asked for it, on the state's clock: the least recent goes first.
    used: u64,
}

impl Slot {
    /// The latest report, if a schedule is running and made it (a report from before the
    /// schedule started would be served as current for no reason).
    fn scheduled_report(&self) -> Option<&Arc<Finished>> {
        let since = self.scheduled_since?;
        self.latest
            .as_ref()
            .filter(|latest| latest.finished_at() >= since)
    }

    /// Whether nothing depends on it: no run in flight to join, no schedule.
    fn is_idle(&self) -> bool {
        self.flight.is_none() && self.schedules == 0
    }
}

/// The state behind the lock.
#[derive(Default)]
struct State {
    slots: HashMap<Key, Slot>,
    /// Runs in flight across selections, shared or not: what `max_runs` bounds.
    running: usize,
    next_id: u64,
    /// When a request under the slow tier's rate limit last started a run of the slow tier,
    /// whatever its selection: the limit is on the cost of slow runs, whoever asks.
    limited_start: Option<Instant>,
    /// Ticks once per request, to find the least recently used selection.
    clock: u64,
}

impl State {
    /// The slot of `key`, made if need be: always for a configured route; for another, if
    /// fewer than [`MAX_CLIENT_SELECTIONS`] are kept or one of them is idle, which then goes
    /// (the least recently used). `None` when every kept one has a run in flight: the run
    /// then goes unshared and unstored.
    fn slot_for(&mut self, key: &Key) -> Option<&mut Slot> {
        if !key.is_configured() && !self.slots.contains_key(key) {
            let clients = self
                .slots
                .keys()
                .filter(|kept| !kept.is_configured())
                .count();
            if clients >= MAX_CLIENT_SELECTIONS {
                let evicted = self
                    .slots
                    .iter()
                    .filter(|(kept, slot)| !kept.is_configured() && slot.is_idle())
                    .min_by_key(|(_, slot)| slot.used)
                    .map(|(kept, _)| kept.clone())?;
                self.slots.remove(&evicted);
            }
        }
        let used = self.clock;
        let slot = self.slots.entry(key.clone()).or_default();
        slot.used = used;
        Some(slot)
    }
}

/// What clones of an endpoint share.
#[derive(Default)]
struct Flights {
    state: Mutex<State>,
    /// Wakes the requests waiting for a place under `max_runs` when a run ends.
    freed: Notify,
}

impl Flights {
    fn lock(&self) -> MutexGuard<'_, State> {
        crate::sync::lock(&self.state)
    }
}

/// A started run's hold on the shared state: its place under `max_runs` and, when shared, its
/// selection's flight. Given back when the run ends, or when it is dropped without a report.
struct Run {
    flights: Arc<Flights>,
    key: Key,
    /// The flight's id, when the run is shared.
    flight: Option<u64>,
    /// Taken when the run ends. Dropped without a value, it tells the requests awaiting the run
    /// that there will be no report.
    sender: Option<oneshot::Sender<Arc<Finished>>>,
}

impl Run {
    /// Starts the run on a thread of its own; its report is stored when it ends.
    fn spawn(self, prepared: Prepared, redactor: Arc<Redactor>) {
        let mut run = self;
        let Prepared {
            runner,
            tier,
            probe,
            warnings,
            grace,
            tracker,
        } = prepared;
        runner.spawn(tier, move |mut report| {
            selection::warn(&mut report, warnings);
            // Redacted here, once per run on the run's own thread: never on the app's executor
            // threads, and never again per request.
            let mut report = report.redacted(&redactor);
            // Before anybody sees the report: its thresholds may add a warning to it.
            let grace = grace.as_deref();
            let (answer, history) = match tracker {
                Some(tracker) => {
                    let (answer, history) = tracker.record(&mut report, grace);
                    (answer, Some(history))
                }
                None => (Answer::own(report.status, grace), None),
            };
            let finished = Finished::new(report, probe)
                .answered(answer)
                .with_history(history);
            let finished = Arc::new(finished);
            run.end(Some(finished));
        });
    }

    /// Stores the report as the selection's latest (if its state is still kept), forgets the
    /// flight, frees the place and wakes the
    /// requests waiting for one, in one step under the lock, so that a request finds either the
    /// run in flight or its report; then hands the report to the requests awaiting the run.
    fn end(&mut self, finished: Option<Arc<Finished>>) {
        let Some(sender) = self.sender.take() else {
            return;
        };
        {
            let mut state = self.flights.lock();
            state.running -= 1;
            if let Some(slot) = state.slots.get_mut(&self.key) {
                if let Some(finished) = &finished {
                    slot.latest = Some(Arc::clone(finished));
                }
                if self.flight.is_some() && slot.flight.as_ref().map(|(id, _)| *id) == self.flight {
                    slot.flight = None;
                }
            }
            self.flights.freed.notify_waiters();
        }
        if let Some(finished) = finished {
            // Nobody may be waiting any more: the report is stored all the same.
            let _ = sender.send(finished);
        }
    }
}

impl Drop for Run {
    /// A run that never reported (it should not happen) gives its place and its flight back, so
    /// that the requests awaiting it can try again.
    fn drop(&mut self) {
        self.end(None);
    }
}

/// Counts a schedule in its selection's slot for as long as it runs.
struct Registration {
    flights: Arc<Flights>,
    key: Key,
}

impl Registration {
    /// Registers a schedule of `key`, a configured route, whose slot is always kept.
    fn new(flights: &Arc<Flights>, key: Key) -> Self {
        let mut state = flights.lock();
        if let Some(slot) = state.slot_for(&key) {
            slot.schedules += 1;
            slot.scheduled_since.get_or_insert_with(Instant::now);
        }
        Registration {
            flights: Arc::clone(flights),
            key,
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut state = self.flights.lock();
        // A slot with a schedule is never evicted.
        if let Some(slot) = state.slots.get_mut(&self.key) {
            slot.schedules = slot.schedules.saturating_sub(1);
            if slot.schedules == 0 {
                slot.scheduled_since = None;
            }
        }
    }
}

/// How an endpoint gets its reports: the configuration, and the state its clones share.
#[derive(Clone)]
pub(crate) struct Runs {
    flights: Arc<Flights>,
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
            max_runs: DEFAULT_MAX_RUNS,
            single_flight: true,
            cache_for: None,
            redactor: Arc::default(),
        }
    }
}

/// Who wants a report, which decides what may answer them.
#[derive(Clone, Copy)]
enum Asker {
    /// A request: a stored report answers it when the cache or the schedule allows.
    Request,
    /// A request for a selection of the slow tier under its rate limit of one run per interval.
    Limited(Duration),
    /// The schedule: always a run, its own or the one in flight.
    Schedule,
}

/// The next step of a request, decided under the lock.
enum Step {
    Stored(Arc<Finished>),
    Join(Flight),
    Start(Flight, Run),
    WaitForPlace,
    TooEarly(RetryAfter),
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
    }

    /// The report to answer a request for `key` with: a stored one if the schedule or the cache
    /// allows, else the run in flight, else a new run, which `prepare` makes. With `limit`, the
    /// slow tier's rate limit: within the interval after a request started a run of the slow
    /// tier, the selection's latest report or its run in flight, and when there is neither,
    /// how long to wait.
    pub(crate) async fn report(
        &self,
        key: &Key,
        limit: Option<Duration>,
        prepare: impl Fn() -> Prepared,
    ) -> Result<Served, RetryAfter> {
        let asker = limit.map_or(Asker::Request, Asker::Limited);
        self.obtain(key, asker, prepare).await
    }

    /// How many selections have their state kept: the configured routes asked for so far, and
    /// at most [`MAX_CLIENT_SELECTIONS`] others.
    #[cfg(test)]
    pub(crate) fn kept_selections(&self) -> usize {
        self.flights.lock().slots.len()
    }

    async fn obtain(
        &self,
        key: &Key,
        asker: Asker,
        prepare: impl Fn() -> Prepared,
    ) -> Result<Served, RetryAfter> {
        loop {
            let mut place_freed = pin!(self.flights.freed.notified());
            let (step, show_age) = {
                let mut state = self.flights.lock();
                let scheduled = state.slots.get(key).is_some_and(|slot| slot.schedules > 0);
                let show_age =
                    self.cache_for.is_some() || scheduled || matches!(asker, Asker::Limited(_));
                let step = self.step(&mut state, key, asker);
                if let Step::WaitForPlace = step {
                    // Registered before the lock is released, so that no run can end unnoticed.
                    place_freed.as_mut().enable();
                }
                (step, show_age)
            };
            let flight = match step {
                Step::Stored(finished) => {
                    let age = show_age.then(|| finished.age());
                    return Ok(Served { finished, age });
                }
                Step::Join(flight) => flight,
                Step::Start(flight, run) => {
                    // Outside the lock: it asks the runner which tests the selection holds.
                    run.spawn(prepare(), Arc::clone(&self.redactor));
                    flight
                }
                Step::WaitForPlace => {
                    place_freed.await;
                    continue;
                }
                Step::TooEarly(retry_after) => return Err(retry_after),
            };
            // An error only for a run that ended without a report: decide again.
            if let Ok(finished) = flight.await {
                let age = show_age.then(|| finished.age());
                return Ok(Served { finished, age });
            }
        }
    }

    /// What `asker` does next about `key`. Under the lock, so two requests can't both start a
    /// shared run, nor more than `max_runs` runs be in flight.
    fn step(&self, state: &mut State, key: &Key, asker: Asker) -> Step {
        state.clock += 1;
        let clock = state.clock;
        if let Some(slot) = state.slots.get_mut(key) {
            slot.used = clock;
        }
        let slot = state.slots.get(key);
        let latest = slot.and_then(|slot| slot.latest.as_ref());
        let in_flight = slot.and_then(|slot| slot.flight.as_ref());
        if let Asker::Limited(interval) = asker {
            let elapsed = state.limited_start.map(|started| started.elapsed());
            if let Some(elapsed) = elapsed.filter(|elapsed| *elapsed < interval) {
                return match (latest, in_flight) {
                    (Some(latest), _) => Step::Stored(Arc::clone(latest)),
                    (None, Some((_, flight))) => Step::Join(flight.clone()),
                    (None, None) => Step::TooEarly(RetryAfter {
                        wait: interval - elapsed,
                        interval,
                    }),
                };
            }
        }
        if !matches!(asker, Asker::Schedule) {
            let cached = || {
                let ttl = self.cache_for?;
                latest.filter(|latest| latest.age() < ttl)
            };
            let scheduled = slot.and_then(Slot::scheduled_report);
            if let Some(stored) = scheduled.or_else(cached) {
                return Step::Stored(Arc::clone(stored));
            }
        }
        // Under the rate limit the slow tier's runs are always shared: never two at once.
        let shared = self.single_flight || matches!(asker, Asker::Limited(_));
        if let (true, Some((_, flight))) = (shared, in_flight) {
            return Step::Join(flight.clone());
        }
        if state.running >= self.max_runs {
            return Step::WaitForPlace;
        }
        state.running += 1;
        let id = state.next_id;
        state.next_id += 1;
        if let Asker::Limited(_) = asker {
            state.limited_start = Some(Instant::now());
        }
        let (sender, receiver) = oneshot::channel();
        let flight = receiver.shared();
        let kept = match state.slot_for(key) {
            Some(slot) if shared => {
                slot.flight = Some((id, flight.clone()));
                true
            }
            _ => false,
        };
        let run = Run {
            flights: Arc::clone(&self.flights),
            key: key.clone(),
            flight: kept.then_some(id),
            sender: Some(sender),
        };
        Step::Start(flight, run)
    }

    /// Runs `key` (a configured route) every `every` (the next run starts `every` after the
    /// previous one started, or as soon as it finished if it took longer), for as long as the
    /// future is polled.
    pub(crate) fn schedule(
        &self,
        key: Key,
        every: Duration,
        prepare: impl Fn() -> Prepared + Send + Sync + 'static,
    ) -> impl Future<Output = ()> + Send + 'static {
        // Registered now rather than when first polled, so that requests know of the schedule
        // however late the runtime gets to the future; dropping the future unregisters it.
        let registration = Registration::new(&self.flights, key.clone());
        let runs = self.clone();
        async move {
            let _registration = registration;
            loop {
                let started = Instant::now();
                // A scheduled run is shared with requests like theirs are with each other; it
                // is never refused (`Err` is only the rate limit's).
                let _ = runs.obtain(&key, Asker::Schedule, &prepare).await;
                futures_timer::Delay::new(every.saturating_sub(started.elapsed())).await;
            }
        }
    }
}

#[cfg(test)]
mod tests;
