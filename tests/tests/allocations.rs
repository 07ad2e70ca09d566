//! A passing synchronous test costs the runner no heap allocation: a run's allocations do not grow
//! with the number of tests (the report borrows test names from the registry, a worker announces
//! each test's step in place and pushes its result into a vector sized for the run). Counted by a global allocator around
//! `Runner::run`, so it holds for whatever the run does on any thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use smoketest::{Runner, Tier};

/// The system allocator, counting allocations (and reallocations, which may move).
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// A global allocator can only be written as an `unsafe impl`; it forwards to `System` unchanged.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` through this allocator with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `realloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Ten modules of ten trivial tests each.
macro_rules! hundred {
    ($module:ident) => {
        mod $module {
            macro_rules! ten {
                ($inner:ident) => {
                    mod $inner {
                        use smoketest::smoke_test;

                        #[smoke_test]
                        fn t0() {}
                        #[smoke_test]
                        fn t1() {}
                        #[smoke_test]
                        fn t2() {}
                        #[smoke_test]
                        fn t3() {}
                        #[smoke_test]
                        fn t4() {}
                        #[smoke_test]
                        fn t5() {}
                        #[smoke_test]
                        fn t6() {}
                        #[smoke_test]
                        fn t7() {}
                        #[smoke_test]
                        fn t8() {}
                        #[smoke_test]
                        fn t9() {}
                    }
                };
            }
            ten!(m0);
            ten!(m1);
            ten!(m2);
            ten!(m3);
            ten!(m4);
            ten!(m5);
            ten!(m6);
            ten!(m7);
            ten!(m8);
            ten!(m9);
        }
    };
}

hundred!(h0);
hundred!(h1);
hundred!(h2);
hundred!(h3);
hundred!(h4);
hundred!(h5);
hundred!(h6);
hundred!(h7);
hundred!(h8);
hundred!(h9);

/// The fewest allocations of five runs (a run that had to start a second worker, because the
/// machine paused the first for over a millisecond, allocates a few more).
fn allocations_per_run(runner: &Runner) -> usize {
    (0..5)
        .map(|_| {
            let before = ALLOCATIONS.load(Ordering::SeqCst);
            let report = runner.run(Tier::Fast);
            let after = ALLOCATIONS.load(Ordering::SeqCst);
            assert!(report.passed(), "{}", report.to_text());
            after - before
        })
        .min()
        .expect("five runs")
}

#[test]
fn a_run_allocates_the_same_for_100_and_1000_passing_tests() {
    let thousand = Runner::new().filter("allocations::h");
    let hundred = Runner::new().filter("allocations::h0::");
    assert_eq!(thousand.test_names(Tier::Fast).len(), 1000);
    assert_eq!(hundred.test_names(Tier::Fast).len(), 100);
    // The first run resolves the registry and installs the panic hook.
    thousand.run(Tier::Fast);
    hundred.run(Tier::Fast);

    let (many, few) = (
        allocations_per_run(&thousand),
        allocations_per_run(&hundred),
    );
    // Per run: the selection, the run's shared state, its worker thread, the report's vectors, a
    // few of which grow by doubling (a few more for 1000 tests). One allocation per test
    // would be 900 more; the names copied into every report, as before, made 1800.
    eprintln!("allocations per run: {few} for 100 tests, {many} for 1000");
    assert!(
        many.abs_diff(few) <= 20,
        "a run of 1000 tests made {many} allocations, a run of 100 made {few}"
    );
}
