//! The polling: every instance is asked for its report, and asked again `interval` after each
//! answer that is not PASS, until all have passed or the deadline.
//!
//! Each instance keeps its own rhythm, so one that hangs until its request times out delays no
//! other. At most [`MAX_IN_FLIGHT`] requests are open at once: a fleet of hundreds of pods is
//! polled by sixteen threads, not hundreds. No request starts after the deadline, and none
//! outlives it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::answer::Answer;
use crate::fetch::Client;
use crate::targets::Target;

/// The most requests open at once.
pub(crate) const MAX_IN_FLIGHT: usize = 16;

/// How the polling is paced.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pace {
    pub(crate) deadline: Instant,
    pub(crate) interval: Duration,
    /// The most one request may take, before the deadline cuts it shorter.
    pub(crate) timeout: Duration,
}

/// The polls to make: which instance is due when, and how many requests are open.
struct Schedule {
    due: BinaryHeap<Reverse<(Instant, usize)>>,
    in_flight: usize,
}

/// Polls every target and returns, per target in input order, what counts at the end: the PASS
/// answer of an instance that passed (it is not asked again), else its last answer, `None` for
/// one the deadline left unasked. `watch` sees the answers so far after each one, and about
/// once a second while none comes.
pub(crate) fn run(
    targets: &[Target],
    client: &Client,
    pace: Pace,
    mut watch: impl FnMut(&[Option<Answer>]),
) -> Vec<Option<Answer>> {
    let now = Instant::now();
    let schedule = Mutex::new(Schedule {
        due: (0..targets.len())
            .map(|index| Reverse((now, index)))
            .collect(),
        in_flight: 0,
    });
    let changed = Condvar::new();
    let mut answers: Vec<Option<Answer>> = vec![None; targets.len()];
    let (sender, receiver) = mpsc::channel::<(usize, Answer, bool)>();
    std::thread::scope(|scope| {
        for _ in 0..targets.len().min(MAX_IN_FLIGHT) {
            let sender = sender.clone();
            let (schedule, changed) = (&schedule, &changed);
            scope.spawn(move || {
                while let Some(index) = next_due(schedule, changed, pace.deadline) {
                    let started = Instant::now();
                    let left = pace.deadline.saturating_duration_since(started);
                    let timeout = pace.timeout.min(left);
                    let until_deadline = timeout < pace.timeout;
                    let answer = client.poll(&targets[index].url, timeout, until_deadline);
                    let passed = answer.passed();
                    // A request the deadline cut short says nothing about the instance that an
                    // earlier answer did not say better.
                    let cut = until_deadline
                        && !matches!(answer, Answer::Report(_))
                        && Instant::now() >= pace.deadline;
                    // The receiver lives until every sender is gone.
                    let _ = sender.send((index, answer, cut));
                    let mut state = schedule.lock().unwrap_or_else(PoisonError::into_inner);
                    state.in_flight -= 1;
                    if !passed {
                        state.due.push(Reverse((started + pace.interval, index)));
                    }
                    changed.notify_all();
                }
            });
        }
        drop(sender);
        watch(&answers);
        loop {
            match receiver.recv_timeout(Duration::from_secs(1)) {
                Ok((index, answer, cut)) => {
                    if !(cut && answers[index].is_some()) {
                        answers[index] = Some(answer);
                    }
                    watch(&answers);
                }
                Err(RecvTimeoutError::Timeout) => watch(&answers),
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    answers
}

/// Waits for the next instance to be due and takes it, or returns `None` when the deadline has
/// passed or every instance has passed.
fn next_due(schedule: &Mutex<Schedule>, changed: &Condvar, deadline: Instant) -> Option<usize> {
    let mut state = schedule.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        let wait = match state.due.peek() {
            Some(&Reverse((due, index))) if due <= now => {
                state.due.pop();
                state.in_flight += 1;
                return Some(index);
            }
            Some(&Reverse((due, _))) => due.min(deadline) - now,
            // Nothing due and nothing open: every instance passed.
            None if state.in_flight == 0 => {
                changed.notify_all();
                return None;
            }
            // An open request may yet put its instance back.
            None => deadline - now,
        };
        state = changed
            .wait_timeout(state, wait)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}
