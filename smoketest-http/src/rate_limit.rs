//! The rate limit of the slow tier: at most one run per interval per endpoint (and its clones),
//! whoever asks and however often.
//!
//! The limit is applied where runs are started (`coalesce`): within the interval after a
//! request started a run of the slow tier, whatever its selection, requests get their
//! selection's latest report with its age, or wait for its run in flight. Runs go on when their
//! requests are gone, so the selection that started the run always has one or the other; a 429
//! answers a selection that has neither (another one ran in this interval).

use std::time::Duration;

use smoketest::Tier;

/// The slow tier's rate limit: off by default.
#[derive(Clone, Debug, Default)]
pub(crate) struct SlowTierLimit {
    interval: Option<Duration>,
}

/// Too early for a run, and no report to serve: come back after this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RetryAfter {
    pub(crate) wait: Duration,
    pub(crate) interval: Duration,
}

impl RetryAfter {
    /// Whole seconds, rounded up and at least 1: `Retry-After` counts seconds, and 0 would
    /// invite an immediate retry that is still too early.
    pub(crate) fn seconds(self) -> u64 {
        let whole = self.wait.as_secs();
        let seconds = if self.wait.subsec_nanos() > 0 {
            whole + 1
        } else {
            whole
        };
        seconds.max(1)
    }
}

impl SlowTierLimit {
    /// Sets the interval; zero turns the limit off.
    pub(crate) fn set_interval(&mut self, interval: Duration) {
        self.interval = (!interval.is_zero()).then_some(interval);
    }

    /// The interval requests for `tier` are limited to, if they are.
    pub(crate) fn interval_for(&self, tier: Tier) -> Option<Duration> {
        self.interval.filter(|_| tier == Tier::Slow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let retry = |wait| {
            RetryAfter {
                wait,
                interval: Duration::from_secs(60),
            }
            .seconds()
        };
        assert_eq!(retry(Duration::from_millis(1)), 1);
        assert_eq!(retry(Duration::ZERO), 1);
        assert_eq!(retry(Duration::from_secs(2)), 2);
        assert_eq!(retry(Duration::from_millis(2001)), 3);
    }
}
