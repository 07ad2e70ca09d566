//! 10 000 runs of a tier that does everything a test can do wrong — fail, panic, time out, hang
//! for good — in one process: after a warm-up of 100 runs, the runs cost no more threads and no
//! more heap allocations at the end than at the start, and leave nothing allocated. Counted, not
//! timed.
//!
//! One `#[test]`: thread counts are the process's (see `threads/count.rs`).

#[path = "threads/stuck.rs"]
mod stuck;
#[path = "threads/count.rs"]
mod threads;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use smoketest::{Outcome, Runner, Tier, smoke_test};

/// The system allocator, counting allocations (and reallocations, which may move) as in
/// `allocations.rs`, and the allocations not freed yet.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);

// A global allocator can only be written as an `unsafe impl`; it forwards to `System` unchanged.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        LIVE.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        LIVE.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` through this allocator with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
        // SAFETY: as for `realloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const FILE: &str = "tests/tests/soak.rs";

#[smoke_test]
fn mixed_passes() {}

const FAILS_LINE: u32 = line!() + 3;
#[smoke_test]
fn mixed_fails() {
    smoketest::assert_equal!(2, 3);
}

const PANICS_LINE: u32 = line!() + 3;
#[smoke_test]
fn mixed_panics() {
    panic!("the soak test panics");
}

/// Times out in the run that starts it and returns 25 ms later; the runs in between report it
/// still running.
const TIMES_OUT_LINE: u32 = line!() + 2;
#[smoke_test(timeout = "5ms")]
fn mixed_times_out() {
    std::thread::sleep(Duration::from_millis(30));
}

/// Times out in run 1 and never returns.
const HANGS_LINE: u32 = line!() + 2;
#[smoke_test(timeout = "5ms")]
fn mixed_hangs() {
    loop {
        std::thread::park();
    }
}

const RUNS: usize = 10_000;
const WARM_UP: usize = 100;
/// The runs whose allocations are compared: the 100 after the warm-up, and the last 100.
const WINDOW: usize = 100;

/// What the runs said of `mixed_times_out`: started it (and timed it out), or found it running.
#[derive(Default, Debug)]
struct Seen {
    timed_out: usize,
    still_running: usize,
}

/// Checks a run's report, every message exactly; counts what it said of `mixed_times_out`.
fn check(report: &smoketest::Report, run: usize, seen: &mut Seen) {
    let at = |line: u32| Some(format!("{FILE}:{line}"));
    assert_eq!(
        (
            report.tests_run,
            report.tests_passed,
            report.tests_failed,
            report.tests_errored
        ),
        (5, 1, 1, 3),
        "run {run}: {}",
        report.to_text()
    );
    for test in &report.tests {
        let message = test.message.as_deref().unwrap_or_default();
        let still_running = || {
            assert!(
                stuck::still_running_for(message).is_some(),
                "run {run}: {} errored: {message}",
                test.name
            );
        };
        match &*test.name {
            "soak::mixed_passes" => assert_eq!(test.outcome, Outcome::Passed),
            "soak::mixed_fails" => {
                assert_eq!(test.outcome, Outcome::Failed);
                assert_eq!(message, "2 != 3", "run {run}");
                assert_eq!(test.location, at(FAILS_LINE));
            }
            "soak::mixed_panics" => {
                assert_eq!(test.outcome, Outcome::Errored);
                assert_eq!(message, "panicked: the soak test panics", "run {run}");
                assert_eq!(test.location, at(PANICS_LINE));
            }
            "soak::mixed_hangs" => {
                assert_eq!(test.outcome, Outcome::Errored);
                assert_eq!(test.location, at(HANGS_LINE));
                if run == 1 {
                    assert_eq!(message, "timed out after 5ms");
                } else {
                    still_running();
                }
            }
            "soak::mixed_times_out" => {
                assert_eq!(test.outcome, Outcome::Errored);
                assert_eq!(test.location, at(TIMES_OUT_LINE));
                if message == "timed out after 5ms" {
                    seen.timed_out += 1;
                } else {
                    still_running();
                    seen.still_running += 1;
                }
            }
            other => panic!("run {run}: unexpected test {other}"),
        }
    }
}

/// The fewest, the median and the mean allocations of `runs`.
fn allocation_stats(runs: &[usize]) -> (usize, usize, f64) {
    let mut sorted = runs.to_vec();
    sorted.sort_unstable();
    let mean = runs.iter().sum::<usize>() as f64 / runs.len() as f64;
    (sorted[0], sorted[sorted.len() / 2], mean)
}

#[test]
fn ten_thousand_runs_of_a_misbehaving_tier_cost_what_the_first_hundred_did() {
    let runner = Runner::new().filter("soak::mixed_");
    assert_eq!(runner.test_names(Tier::Fast).len(), 5);
    let threads_before = threads::steady();

    let mut seen = Seen::default();
    // Allocations made during each run, on any thread (the counter is the process's), in
    // vectors allocated up front so that the bookkeeping does not show in the live count.
    let mut allocations = Vec::with_capacity(RUNS);
    let (mut threads_at_warm_up, mut live_at_warm_up) = (0, 0);
    let started = Instant::now();
    for run in 1..=RUNS {
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        let report = runner.run(Tier::Fast);
        allocations.push(ALLOCATIONS.load(Ordering::SeqCst) - before);
        check(&report, run, &mut seen);
        drop(report);
        if run == WARM_UP {
            threads_at_warm_up = threads::steady();
            live_at_warm_up = LIVE.load(Ordering::SeqCst);
        }
    }
    let wall = started.elapsed();
    let threads_at_end = threads::steady();
    let live_at_end = LIVE.load(Ordering::SeqCst);

    let early_runs = WARM_UP..WARM_UP + WINDOW;
    let late_runs = RUNS - WINDOW..RUNS;
    let (early, early_median, early_mean) = allocation_stats(&allocations[early_runs.clone()]);
    let (late, late_median, late_mean) = allocation_stats(&allocations[late_runs.clone()]);
    // Run numbers count from 1, indices from 0.
    let (early_runs, late_runs) = (
        format!("{}-{}", early_runs.start + 1, early_runs.end),
        format!("{}-{}", late_runs.start + 1, late_runs.end),
    );
    eprintln!(
        "soak: {RUNS} runs in {wall:.2?}\n  \
         threads: {threads_before} before run 1, {threads_at_warm_up} at run {WARM_UP}, \
         {threads_at_end} at run {RUNS} {:?}\n  \
         allocations per run: fewest {early}, median {early_median}, mean {early_mean:.2} \
         in runs {early_runs}; fewest {late}, median {late_median}, mean {late_mean:.2} \
         in runs {late_runs}\n  \
         live allocations: {live_at_warm_up} at run {WARM_UP}, {live_at_end} at run {RUNS}\n  \
         mixed_times_out: timed out in {} runs, found still running in {}",
        threads::names(),
        seen.timed_out,
        seen.still_running,
    );

    // The hung test's thread stays from run 1 on. `mixed_times_out`'s thread is alive for the
    // 30 ms after a run started it and gone after: either count may or may not hold it, so the
    // end may have it where the warm-up did not (+1), and nothing else may.
    assert!(
        threads_at_end <= threads_at_warm_up + 1,
        "{threads_at_end} threads at run {RUNS}, {threads_at_warm_up} at run {WARM_UP}: {:?}",
        threads::names()
    );
    assert!(
        threads::named("smoketest-worke") <= 2,
        "{:?}",
        threads::names()
    );
    // The hung test holds its thread; `mixed_times_out` may hold one right now.
    assert!(
        (1..=2).contains(&smoketest::abandoned_threads()),
        "{} threads abandoned",
        smoketest::abandoned_threads()
    );
    // It timed out once per ~30 ms of runs, and every run reported it once, either way.
    assert!(seen.timed_out > 10, "{seen:?}");
    assert_eq!(seen.timed_out + seen.still_running, RUNS);

    // What a run allocates depends only on what it finds, not on how many runs came before:
    // 42 when `mixed_times_out` is still running (about 350 with `RUST_BACKTRACE` set: the
    // panicking tests' backtraces), 2 more when the run starts it and times it out, about 14
    // more for each worker added when the machine paused one for over a millisecond. Those
    // pauses make the mean depend on the machine's load, so the windows are compared by their
    // cheapest run, as `allocations.rs` does: the run that found it running and added no worker,
    // the same run at both ends. The margin, 2 %, is one allocation in 42: room for a message
    // whose duration has more digits late (`for 1m 5s`) than early (`for 150ms`).
    let margin = 0.02;
    assert!(
        (late as f64) <= early as f64 * (1.0 + margin)
            && (late as f64) >= early as f64 * (1.0 - margin),
        "the cheapest of runs {late_runs} made {late} allocations, of runs {early_runs} {early}"
    );
    // And nothing stays allocated: a run that kept one allocation would leave 9 900 more here.
    // The slack is `mixed_times_out`'s job, which may be in flight at either count (its
    // worker's share of the run it was abandoned by: 11 to 15 allocations as measured).
    assert!(
        live_at_end <= live_at_warm_up + 64,
        "{live_at_end} allocations live at run {RUNS}, {live_at_warm_up} at run {WARM_UP}"
    );
}
