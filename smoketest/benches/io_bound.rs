//! 20 I/O-bound tests of 50 ms (10 sync sleeping, 10 async waiting on a timer) with default
//! settings, against the slowest test alone.
//!
//! `cargo bench -p smoketest --bench io_bound`

#![allow(missing_docs)]

use std::time::Duration;

use smoketest::{Runner, Tier, smoke_test};

const TEST_TIME: Duration = Duration::from_millis(50);

fn main() {
    divan::main();
}

macro_rules! io_bound_tests {
    ($($sync:ident $async:ident)*) => {$(
        #[smoke_test]
        fn $sync() {
            std::thread::sleep(TEST_TIME);
        }

        #[smoke_test]
        async fn $async() {
            futures_timer::Delay::new(TEST_TIME).await;
        }
    )*};
}

io_bound_tests! {
    sync_00 async_00 sync_01 async_01 sync_02 async_02 sync_03 async_03 sync_04 async_04
    sync_05 async_05 sync_06 async_06 sync_07 async_07 sync_08 async_08 sync_09 async_09
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn slowest_test_alone() {
    std::thread::sleep(TEST_TIME);
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn run_of_20_io_bound_tests(bencher: divan::Bencher<'_, '_>) {
    let runner = Runner::new();
    assert_eq!(runner.test_names(Tier::Fast).len(), 20);
    bencher.bench_local(|| {
        let report = runner.run(Tier::Fast);
        assert_eq!(report.tests_passed, 20);
    });
}
