//! Counting this process's threads, as the kernel lists them in `/proc/self/task` (Linux).
//!
//! Thread counts are process-wide: a test binary that counts them has one `#[test]`, so that
//! libtest starts no other test thread (nor tokio runtime) in the middle of a count.
//!
//! One read right after a run can still list a worker the run has joined: `join` returns when the
//! thread has let go of its memory, a moment before the kernel takes it off the list (measured
//! here: about 1 read in 1 500 made right after a `join`, in a loop of spawns and joins). So a
//! count is taken as the least of a few reads ([`steady`]), and a count expected to come back to
//! a value is waited for, within a bound ([`settle_to`]): a thread that is really left behind
//! stays listed for the whole bound, and the assertion after it fails.
#![allow(dead_code, unreachable_pub)]

use std::time::{Duration, Instant};

/// How long [`settle_to`] and [`wait_gone`] wait at most: far longer than a thread takes to
/// leave the list, far shorter than a test binary's run.
const SETTLE_BOUND: Duration = Duration::from_secs(5);

/// Threads of this process listed right now.
pub fn count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task lists this process's threads (Linux)")
        .count()
}

/// The names of this process's threads (their `comm`: at most 15 bytes, so `smoketest-worker`
/// shows as `smoketest-worke`), sorted, for messages and for telling kinds of threads apart.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task lists this process's threads (Linux)")
        .filter_map(|entry| {
            // A thread that left between the listing and this read has no name any more.
            let comm = std::fs::read_to_string(entry.ok()?.path().join("comm")).ok()?;
            Some(comm.trim_end().to_owned())
        })
        .collect();
    names.sort();
    names
}

/// How many threads named `name` (as [`names`] shows it) are listed.
pub fn named(name: &str) -> usize {
    names().iter().filter(|listed| *listed == name).count()
}

/// The thread count without threads that are just leaving: the least of ten reads over about
/// 10 ms. No thread of the process's own may start meanwhile (none does between two runs).
pub fn steady() -> usize {
    (0..10)
        .map(|_| {
            let listed = count();
            std::thread::sleep(Duration::from_millis(1));
            listed
        })
        .min()
        .expect("ten reads")
}

/// Waits until exactly `expected` threads are listed, reading every millisecond for at most
/// [`SETTLE_BOUND`]; returns the last count read (`expected`, unless a thread stayed).
pub fn settle_to(expected: usize) -> usize {
    let until = Instant::now() + SETTLE_BOUND;
    loop {
        let listed = count();
        if listed == expected || Instant::now() >= until {
            return listed;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Waits until no thread named `name` is listed, for at most [`SETTLE_BOUND`]; `false` if one
/// still is. For threads that end on their own right after their work (a `Runner::spawn` run's).
pub fn wait_gone(name: &str) -> bool {
    let until = Instant::now() + SETTLE_BOUND;
    loop {
        if named(name) == 0 {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Waits until `condition` holds, checking every millisecond for at most [`SETTLE_BOUND`];
/// returns whether it did.
pub fn wait_until(mut condition: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + SETTLE_BOUND;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
