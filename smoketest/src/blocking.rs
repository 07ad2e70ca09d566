//! Worker threads for synchronous tests and hooks, so they never block the async executor.
//!
//! A small elastic pool: a job goes to an idle worker, or to a new one when all are busy (a hung
//! test keeps its thread, so the pool must grow rather than queue behind it). Workers idle for a
//! minute exit, so a process that runs smoke tests every few minutes keeps no threads between runs
//! beyond that.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use futures_channel::oneshot;

type Job = Box<dyn FnOnce() + Send>;

const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

struct Pool {
    queue: VecDeque<Job>,
    idle: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    queue: VecDeque::new(),
    idle: 0,
});
static WORK: Condvar = Condvar::new();

fn lock() -> MutexGuard<'static, Pool> {
    // Jobs run outside the lock and catch their own panics, so the pool's state is consistent even
    // if a holder panicked.
    POOL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `job` on a worker thread; the future resolves with its result, or with `Err` if the job
/// panicked (callers catch panics inside the job, so that means a bug) or the thread could not be
/// started.
pub(crate) fn run<R, F>(job: F) -> impl Future<Output = Result<R, oneshot::Canceled>> + Send
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    let (sender, receiver) = oneshot::channel();
    submit(Box::new(move || {
        // The receiver is gone when the runner stopped waiting (timeout): nothing to deliver to.
        let _ = sender.send(job());
    }));
    receiver
}

/// Runs `job` on a worker thread, without waiting for it.
pub(crate) fn spawn(job: impl FnOnce() + Send + 'static) {
    submit(Box::new(job));
}

fn submit(job: Job) {
    let mut pool = lock();
    pool.queue.push_back(job);
    if pool.queue.len() > pool.idle {
        drop(pool);
        let spawned = thread::Builder::new()
            .name("smoketest-worker".into())
            .spawn(work);
        if spawned.is_err() {
            // Out of threads: the job stays queued for the next free worker; if there is none its
            // receiver waits until the test's timeout, which reports it as errored.
        }
    } else {
        drop(pool);
        WORK.notify_one();
    }
}

fn work() {
    let mut pool = lock();
    loop {
        if let Some(job) = pool.queue.pop_front() {
            drop(pool);
            job();
            pool = lock();
            continue;
        }
        pool.idle += 1;
        let (guard, wait) = WORK
            .wait_timeout(pool, IDLE_TIMEOUT)
            .unwrap_or_else(PoisonError::into_inner);
        pool = guard;
        pool.idle -= 1;
        if wait.timed_out() && pool.queue.is_empty() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_off_the_calling_thread_and_return_their_result() {
        let caller = thread::current().id();
        let (value, worker) =
            futures_executor::block_on(run(move || (21 * 2, thread::current().id()))).unwrap();
        assert_eq!(value, 42);
        assert_ne!(worker, caller);
    }

    #[test]
    fn a_blocked_job_does_not_hold_up_the_next_one() {
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        let first = run(move || blocked.recv().ok());
        let second = futures_executor::block_on(run(|| "ran"));
        assert_eq!(second.unwrap(), "ran");
        release.send(()).unwrap();
        assert_eq!(futures_executor::block_on(first).unwrap(), Some(()));
    }
}
