//! The rules of coalescing that requests alone can't reach: runs that end without a report,
//! places under `max_runs`, the slow tier's limit across selections, and which selections keep
//! their state.

use std::task::Context;

use futures_util::task::noop_waker_ref;
use smoketest::{Runner, Tier};

use super::*;
use crate::selection::{Target, prepare};

/// Starts a run as a request would, but keeps it from running: the caller drops it.
fn start(runs: &Runs, key: &Key, asker: Asker) -> Run {
    match runs.step(&mut runs.flights.lock(), key, asker) {
        Step::Start(_, run) => run,
        _ => panic!("a run is started"),
    }
}

/// Prepares runs of `tier` selecting no test.
fn nothing(tier: Tier) -> impl Fn() -> Prepared {
    move || {
        let runner = Runner::new().filter("no test has this name");
        prepare(&runner, &Target::Tier(tier), &[], &[])
    }
}

/// The key of `/?exclude={name}`.
fn excluding(name: &str) -> Key {
    Key::new(&Target::Tier(Tier::Fast), &[], &[name.to_owned()])
}

#[test]
fn requests_awaiting_a_run_that_ends_without_a_report_try_again() {
    let runs = Runs::default();
    let fast = Key::tier(Tier::Fast);
    let run = start(&runs, &fast, Asker::Request);
    let mut request = pin!(runs.report(&fast, None, nothing(Tier::Fast)));
    let mut cx = Context::from_waker(noop_waker_ref());
    assert!(request.as_mut().poll(&mut cx).is_pending(), "it joined");

    drop(run);
    let state = runs.flights.lock();
    assert_eq!(state.running, 0, "the place is free");
    assert!(state.slots[&fast].flight.is_none());
    drop(state);

    // The request starts a run of its own, and gets its report.
    let served = futures_executor::block_on(request).expect("not rate-limited");
    assert_eq!(served.finished.report().tier, Tier::Fast);
    assert_eq!(runs.flights.lock().running, 0);
}

#[test]
fn under_the_rate_limit_only_a_run_without_a_report_leaves_nothing_to_serve() {
    let interval = Duration::from_secs(60);
    let runs = Runs::default();
    let slow = Key::tier(Tier::Slow);
    drop(start(&runs, &slow, Asker::Limited(interval)));
    let answer =
        futures_executor::block_on(runs.report(&slow, Some(interval), nothing(Tier::Slow)));
    let Err(retry_after) = answer else {
        panic!("429 within the interval, with neither a report nor a run");
    };
    assert_eq!(retry_after.interval, interval);
    assert!(retry_after.wait <= interval);
}

#[test]
fn the_rate_limit_counts_runs_of_every_slow_selection() {
    let interval = Duration::from_secs(60);
    let runs = Runs::default();
    // A run of one selection of the slow tier (`/slow/?exclude=x`) starts the interval...
    let one = Key::new(&Target::Tier(Tier::Slow), &[], &["x".to_owned()]);
    drop(start(&runs, &one, Asker::Limited(interval)));
    // ... in which another selection, with neither a report nor a run, must wait.
    let slow = Key::tier(Tier::Slow);
    let answer =
        futures_executor::block_on(runs.report(&slow, Some(interval), nothing(Tier::Slow)));
    assert!(answer.is_err(), "429 for the other selection too");
}

#[test]
fn a_request_waiting_for_a_place_starts_its_run_when_one_ends() {
    let mut runs = Runs::default();
    runs.max_runs(1);
    let slow = start(&runs, &Key::tier(Tier::Slow), Asker::Request);
    let other = excluding("x");
    let mut request = pin!(runs.report(&other, None, nothing(Tier::Fast)));
    let mut cx = Context::from_waker(noop_waker_ref());
    assert!(request.as_mut().poll(&mut cx).is_pending());
    assert_eq!(
        runs.flights.lock().running,
        1,
        "it waits, having started nothing"
    );

    drop(slow);
    // Woken by the run's end, the request starts its own run (which may end before the
    // request is polled again: no `Pending` to assert in between) and gets its report.
    let served = futures_executor::block_on(request).expect("not rate-limited");
    assert_eq!(served.finished.report().tier, Tier::Fast);
    assert_eq!(runs.flights.lock().running, 0);
}

#[test]
fn client_selections_are_bounded_and_the_least_recently_used_idle_one_goes() {
    let mut runs = Runs::default();
    // Room for every run: what bounds the state here is the number of selections alone.
    runs.max_runs(usize::MAX);
    let configured = Key::tier(Tier::Fast);
    drop(start(&runs, &configured, Asker::Request));
    // The first one stays busy: a run in flight keeps its selection.
    let busy = start(&runs, &excluding("busy"), Asker::Request);
    for i in 1..MAX_CLIENT_SELECTIONS {
        drop(start(&runs, &excluding(&i.to_string()), Asker::Request));
    }
    assert_eq!(runs.kept_selections(), 1 + MAX_CLIENT_SELECTIONS);
    // Selection 1 is used again: 2 is now the least recently used idle one.
    drop(start(&runs, &excluding("1"), Asker::Request));
    drop(start(&runs, &excluding("new"), Asker::Request));
    let state = runs.flights.lock();
    assert_eq!(state.slots.len(), 1 + MAX_CLIENT_SELECTIONS);
    for kept in [
        &configured,
        &excluding("busy"),
        &excluding("1"),
        &excluding("new"),
    ] {
        assert!(state.slots.contains_key(kept), "{kept:?}");
    }
    assert!(!state.slots.contains_key(&excluding("2")));
    drop(state);
    drop(busy);
}

#[test]
fn with_every_client_selection_busy_a_new_one_runs_unshared_and_unstored() {
    let mut runs = Runs::default();
    runs.max_runs(usize::MAX);
    let busy: Vec<Run> = (0..MAX_CLIENT_SELECTIONS)
        .map(|i| start(&runs, &excluding(&i.to_string()), Asker::Request))
        .collect();
    let extra = start(&runs, &excluding("extra"), Asker::Request);
    assert_eq!(extra.flight, None, "not shared");
    assert_eq!(runs.kept_selections(), MAX_CLIENT_SELECTIONS);
    drop(extra);
    drop(busy);
    assert_eq!(runs.flights.lock().running, 0);
}
