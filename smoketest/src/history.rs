//! Recent runs of one selection, as the HTML page shows them: per test, a strip of its outcomes
//! and whether it is flaky. What keeps them (how many, for which selection) is the caller's
//! business, e.g. `smoketest-http`'s endpoint; this holds only what a strip needs.

use std::borrow::Cow;
use std::sync::Arc;

use crate::outcome::Outcome;
use crate::report::Report;

/// What is kept of one run for the strips: when it started, its id and each test's outcome —
/// never messages or captured output. The test names are shared with the run before when the
/// same tests ran, so a kept run costs a byte per test.
///
/// ```
/// use smoketest::render::PastRun;
///
/// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
/// let past = PastRun::new(&report);
/// assert_eq!(past.run_id(), report.run_id);
/// assert_eq!(past.outcome("app::smoke::db"), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastRun {
    started: Option<String>,
    run_id: String,
    /// Sorted, for lookups by name.
    names: Arc<[Cow<'static, str>]>,
    /// One per name, in the same order.
    outcomes: Box<[Outcome]>,
}

impl PastRun {
    /// What is kept of `report`.
    pub fn new(report: &Report) -> Self {
        PastRun::following(report, None)
    }

    /// What is kept of `report`, sharing `previous`'s test names when the same tests ran (as in
    /// every run of a selection whose tests all started).
    pub fn following(report: &Report, previous: Option<&PastRun>) -> Self {
        let mut tests: Vec<(&Cow<'static, str>, Outcome)> = report
            .tests
            .iter()
            .map(|test| (&test.name, test.outcome))
            .collect();
        // A report read back from JSON need not be sorted.
        tests.sort_by(|a, b| a.0.cmp(b.0));
        let same = |previous: &&PastRun| {
            previous.names.len() == tests.len()
                && previous.names.iter().zip(&tests).all(|(a, b)| a == b.0)
        };
        let names = match previous.filter(same) {
            Some(previous) => Arc::clone(&previous.names),
            None => tests.iter().map(|(name, _)| (*name).clone()).collect(),
        };
        PastRun {
            started: report.started.clone(),
            run_id: report.run_id.clone(),
            names,
            outcomes: tests.iter().map(|(_, outcome)| *outcome).collect(),
        }
    }

    /// When the run started (RFC 3339), as [`Report::started`].
    pub fn started(&self) -> Option<&str> {
        self.started.as_deref()
    }

    /// The run's id, as [`Report::run_id`].
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The outcome `test` had in this run; `None` when it did not run.
    pub fn outcome(&self, test: &str) -> Option<Outcome> {
        let at = self
            .names
            .binary_search_by(|name| (**name).cmp(test))
            .ok()?;
        Some(self.outcomes[at])
    }

    /// Every test of the run with its outcome, by name.
    pub fn tests(&self) -> impl Iterator<Item = (&str, Outcome)> + '_ {
        self.names
            .iter()
            .map(|name| &**name)
            .zip(self.outcomes.iter().copied())
    }

    /// Whether this run and `other` share one list of test names (in memory).
    pub fn shares_names_with(&self, other: &PastRun) -> bool {
        Arc::ptr_eq(&self.names, &other.names)
    }
}

/// The recent runs of a selection, oldest first, for [`Options::history`]: the HTML page then
/// shows a strip of each test's outcomes in the last 30 of them, and marks it *flaky* when its
/// outcome went from passing to not passing or back more than once in those.
///
/// [`Options::history`]: crate::render::Options::history
///
/// ```
/// use std::sync::Arc;
///
/// use smoketest::render::{History, PastRun};
///
/// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
/// let history = History::new([Arc::new(PastRun::new(&report))]);
/// assert_eq!(history.runs().len(), 1);
/// assert!(!history.is_flaky("app::smoke::db"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    runs: Vec<Arc<PastRun>>,
}

impl History {
    /// The history of these runs, oldest first.
    pub fn new(runs: impl IntoIterator<Item = Arc<PastRun>>) -> Self {
        History {
            runs: runs.into_iter().collect(),
        }
    }

    /// The runs, oldest first.
    pub fn runs(&self) -> &[Arc<PastRun>] {
        &self.runs
    }

    /// `test`'s outcome in each run it ran in, oldest first.
    pub fn outcomes<'a>(
        &'a self,
        test: &'a str,
    ) -> impl Iterator<Item = (&'a PastRun, Outcome)> + 'a {
        self.runs
            .iter()
            .filter_map(move |run| run.outcome(test).map(|outcome| (&**run, outcome)))
    }

    /// How often `test` went from passing to not passing (failed, errored, warned) or back,
    /// from one run it ran in to the next.
    pub fn flips(&self, test: &str) -> usize {
        let passed = self
            .outcomes(test)
            .map(|(_, outcome)| outcome == Outcome::Passed);
        let mut flips = 0;
        let mut before = None;
        for now in passed {
            if before.is_some_and(|before| before != now) {
                flips += 1;
            }
            before = Some(now);
        }
        flips
    }

    /// Whether `test` flipped more than once: a single change is a test that broke (or was
    /// fixed); two or more, one that comes and goes.
    pub fn is_flaky(&self, test: &str) -> bool {
        self.flips(test) > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::test;
    use crate::tier::Tier;
    use std::time::Duration;

    fn run(outcomes: &[(&str, Outcome)]) -> Report {
        let tests = outcomes
            .iter()
            .map(|(name, outcome)| test(name, "app::smoke", *outcome, None))
            .collect();
        Report::new(Tier::Fast, tests, Duration::from_millis(3))
    }

    fn history(runs: &[&[(&str, Outcome)]]) -> History {
        let mut kept: Vec<Arc<PastRun>> = Vec::new();
        for outcomes in runs {
            let past = PastRun::following(&run(outcomes), kept.last().map(|past| &**past));
            kept.push(Arc::new(past));
        }
        History::new(kept)
    }

    use Outcome::{Errored, Failed, Passed, Warned};

    #[test]
    fn a_test_that_flips_more_than_once_is_flaky() {
        let history = history(&[
            &[("a", Passed), ("b", Passed), ("c", Failed), ("d", Passed)],
            &[("a", Failed), ("b", Passed), ("c", Failed), ("d", Warned)],
            &[("a", Passed), ("b", Errored), ("c", Failed), ("d", Warned)],
            &[("a", Passed), ("b", Errored), ("c", Passed), ("d", Errored)],
        ]);
        assert_eq!(
            ["a", "b", "c", "d"].map(|test| history.flips(test)),
            [2, 1, 1, 1]
        );
        assert!(history.is_flaky("a"));
        assert!(!history.is_flaky("b"));
        assert!(!history.is_flaky("c"));
        // Warned and errored are both "not passing": no flip between them.
        assert!(!history.is_flaky("d"));
        assert_eq!(history.flips("never ran"), 0);
    }

    #[test]
    fn runs_a_test_missed_are_skipped_not_counted_as_flips() {
        let history = history(&[
            &[("a", Passed)],
            &[("b", Passed)],
            &[("a", Passed)],
            &[("a", Failed), ("b", Passed)],
        ]);
        let a: Vec<Outcome> = history.outcomes("a").map(|(_, outcome)| outcome).collect();
        assert_eq!(a, [Passed, Passed, Failed]);
        assert_eq!(history.flips("a"), 1);
        assert_eq!(history.outcomes("b").count(), 2);
    }

    #[test]
    fn runs_of_the_same_tests_share_one_list_of_names() {
        let tests = [("a", Passed), ("b", Failed)];
        let first = PastRun::new(&run(&tests));
        let second = PastRun::following(&run(&[("a", Failed), ("b", Passed)]), Some(&first));
        assert!(second.shares_names_with(&first));
        assert_eq!(second.outcome("a"), Some(Failed));
        assert_eq!(second.outcome("b"), Some(Passed));
        assert_eq!(second.outcome("c"), None);
        let other = PastRun::following(&run(&[("a", Passed)]), Some(&second));
        assert!(!other.shares_names_with(&second));
        let listed: Vec<(&str, Outcome)> = second.tests().collect();
        assert_eq!(listed, [("a", Failed), ("b", Passed)]);
    }
}
