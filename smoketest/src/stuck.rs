//! Work the runner gave up waiting for: a test, hook or rollback reported as timed out while its
//! thread still runs it (a blocking call on a dead connection, a busy loop).
//!
//! Rust cannot stop a thread, so such a thread is abandoned until the call returns. Two rules keep
//! that bounded, process-wide (the tests are the process's, whichever runner runs them):
//! - while a test (or suite hook) is stuck, no run starts it again: it is reported errored at once,
//!   so a hung test costs one thread however often it is polled;
//! - runs start worker threads only while fewer than a runner's `max_threads` are alive, running
//!   or stuck; once that many are stuck, they start nothing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

static HELD: Mutex<Vec<(String, Instant)>> = Mutex::new(Vec::new());
/// Worker threads alive in the process, running or stuck: what `Runner::max_threads` bounds.
static THREADS: AtomicUsize = AtomicUsize::new(0);
/// `HELD`'s length, read without the lock on every test start.
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn held() -> MutexGuard<'static, Vec<(String, Instant)>> {
    crate::sync::lock(&HELD)
}

/// Threads abandoned by runs and still busy, in this process.
pub fn count() -> usize {
    COUNT.load(Ordering::Acquire)
}

/// How long the work named `key` has been stuck, if it is.
pub(crate) fn since(key: &str) -> Option<Duration> {
    if count() == 0 {
        return None;
    }
    held()
        .iter()
        .find(|(held, _)| held == key)
        .map(|(_, since)| since.elapsed())
}

/// Marks `key` stuck from `since` (when the abandoned step started) until the token is dropped,
/// which the abandoned thread does when the work finally returns.
pub(crate) fn hold(key: String, since: Instant) -> Held {
    let mut held = held();
    held.push((key.clone(), since));
    COUNT.store(held.len(), Ordering::Release);
    Held { key }
}

/// One stuck piece of work; dropping it releases it.
#[derive(Debug)]
pub(crate) struct Held {
    key: String,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut held = held();
        if let Some(position) = held.iter().position(|(key, _)| *key == self.key) {
            held.swap_remove(position);
        }
        COUNT.store(held.len(), Ordering::Release);
    }
}

/// Counts a worker thread in, if fewer than `max` are alive; the count goes down when the token
/// is dropped, at the end of the thread.
pub(crate) fn reserve_thread(max: usize) -> Option<Thread> {
    THREADS
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |alive| {
            (alive < max).then_some(alive + 1)
        })
        .ok()
        .map(|_| Thread(()))
}

/// One worker thread counted against the bound.
#[derive(Debug)]
pub(crate) struct Thread(());

impl Drop for Thread {
    fn drop(&mut self) {
        THREADS.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The message of a test not started because an earlier run's copy of it is still running.
pub(crate) fn still_running_message(for_how_long: Duration) -> String {
    // Whole seconds, or whole milliseconds under a second: enough to tell a glitch from a hang.
    let shown = if for_how_long.as_secs() > 0 {
        Duration::from_secs(for_how_long.as_secs())
    } else {
        Duration::from_millis(for_how_long.as_millis() as u64)
    };
    format!(
        "still running from an earlier run (for {}): not started again until it returns",
        humantime::format_duration(shown)
    )
}

/// The message of a test not started because `count` threads are stuck, the runner's `limit`.
pub(crate) fn too_many_message(count: usize, limit: usize) -> String {
    let threads = if count == 1 {
        "1 thread is".to_owned()
    } else {
        format!("{count} threads are")
    };
    format!(
        "not started: {threads} stuck in timed-out tests, all the runner allows \
         (`Runner::max_threads({limit})`); they are freed when those tests return"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_work_is_found_until_released() {
        let key = "stuck::tests::held_work_is_found_until_released";
        assert_eq!(since(key), None);
        let token = hold(key.to_owned(), Instant::now());
        assert!(since(key).is_some());
        assert!(count() >= 1);
        drop(token);
        assert_eq!(since(key), None);
    }

    #[test]
    fn messages_say_for_how_long_and_what_to_do() {
        assert_eq!(
            still_running_message(Duration::from_millis(61_500)),
            "still running from an earlier run (for 1m 1s): not started again until it returns"
        );
        assert_eq!(
            still_running_message(Duration::from_millis(10)),
            "still running from an earlier run (for 10ms): not started again until it returns"
        );
    }
}
