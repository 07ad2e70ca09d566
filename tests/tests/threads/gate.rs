//! A gate a smoke test blocks its thread on until the `#[test]` opens it: a hang that lasts
//! exactly as long as the test needs, whose thread then returns, and that says whether a thread
//! is blocked on it right now.
#![allow(dead_code, unreachable_pub)]

use std::sync::{Condvar, Mutex, PoisonError};

/// Closed until [`open`](Gate::open); usable as a `static`.
pub struct Gate {
    state: Mutex<GateState>,
    opened: Condvar,
}

struct GateState {
    open: bool,
    /// Threads inside [`Gate::wait`] now.
    waiting: usize,
    /// Threads that ever entered [`Gate::wait`].
    entered: usize,
}

impl Gate {
    pub const fn new() -> Self {
        Gate {
            state: Mutex::new(GateState {
                open: false,
                waiting: 0,
                entered: 0,
            }),
            opened: Condvar::new(),
        }
    }

    /// Blocks the calling thread until the gate is open (std's blocking wait: no executor can
    /// take the thread back meanwhile).
    pub fn wait(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.waiting += 1;
        state.entered += 1;
        while !state.open {
            state = self
                .opened
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.waiting -= 1;
    }

    pub fn open(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .open = true;
        self.opened.notify_all();
    }

    /// Threads blocked on the gate right now.
    pub fn waiting(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .waiting
    }

    /// Threads that ever blocked on the gate.
    pub fn entered(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entered
    }
}
