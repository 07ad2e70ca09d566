//! A probe group's startup grace: how long it lasts, and whether the group has passed since it
//! began. A failing run of the group's that ends while the grace is active is answered
//! `starting:` and is not judged by the group's thresholds (see [`Answer`](crate::answer::Answer)).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use smoketest::Status;

/// The startup grace of a group: how long, until when, and whether the group has passed since.
pub(crate) struct Grace {
    length: Duration,
    until: Instant,
    passed: AtomicBool,
}

impl fmt::Debug for Grace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grace")
            .field("length", &self.length)
            .field("active", &self.is_active())
            .field("passed", &self.passed.load(Ordering::Relaxed))
            .finish()
    }
}

impl Grace {
    /// A grace of `length` from now.
    pub(crate) fn new(length: Duration) -> Self {
        Grace {
            length,
            until: Instant::now() + length,
            passed: AtomicBool::new(false),
        }
    }

    /// How long it was configured to last.
    pub(crate) fn length(&self) -> Duration {
        self.length
    }

    /// Whether the group is still starting: it has not passed, and the time is not up.
    pub(crate) fn is_active(&self) -> bool {
        !self.passed.load(Ordering::Acquire) && Instant::now() < self.until
    }

    /// The group passed: the grace is over for good.
    pub(crate) fn passed(&self) {
        self.passed.store(true, Ordering::Release);
    }

    /// Whether a run that ended with `run` (its own status) is one the grace covers: it failed
    /// while the group is still starting.
    pub(crate) fn covers(&self, run: Status) -> bool {
        run == Status::Fail && self.is_active()
    }
}
