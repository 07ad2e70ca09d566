//! Flap damping: the status a tier or a group reports — the status code it answers with, what
//! its `on_change` hooks hear — changes only after enough runs in a row say so: FAIL after
//! `fail_after` failing runs, PASS again after `pass_after` passing ones, as Dropwizard's and
//! alexliesenfeld/health's thresholds do. The report itself is never damped: its status is the
//! run's own. The reported status starts as PASS, as Dropwizard's health checks start healthy.

use smoketest::Status;

/// The most runs in a row a threshold may ask for: more would hide an outage for good.
pub(crate) const MAX_THRESHOLD: u32 = 1000;

/// How many runs in a row it takes to change the reported status; 1 and 1 report every run as
/// it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Thresholds {
    pub(crate) fail_after: u32,
    pub(crate) pass_after: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            fail_after: 1,
            pass_after: 1,
        }
    }
}

/// Checks a threshold given to `method` (`Group::fail_after`): the panic message when it is out
/// of range, saying what to write instead.
pub(crate) fn checked(method: &str, runs: u32) -> u32 {
    if runs == 0 || runs > MAX_THRESHOLD {
        panic!(
            "{method}({runs}): the number of runs in a row is 1 to {MAX_THRESHOLD}; \
             1 (the default) reports every run as it is"
        );
    }
    runs
}

/// What the damper made of a run.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// The status to report: the status code to answer with, not the report's own status.
    pub(crate) reported: Status,
    /// `(from, to)` when the reported status changed with this run.
    pub(crate) change: Option<(Status, Status)>,
    /// Why the reported status is not the run's, for the report's warnings.
    pub(crate) warning: Option<String>,
}

/// The reported status, and how many runs in a row have disagreed with it.
#[derive(Debug)]
pub(crate) struct Damper {
    thresholds: Thresholds,
    reported: Status,
    against: u32,
}

impl Damper {
    pub(crate) fn new(thresholds: Thresholds) -> Self {
        Damper {
            thresholds,
            reported: Status::Pass,
            against: 0,
        }
    }

    /// The status reported now (PASS before any run).
    #[cfg(test)]
    pub(crate) fn reported(&self) -> Status {
        self.reported
    }

    /// Takes in a run that ended with `run`.
    pub(crate) fn judge(&mut self, run: Status) -> Verdict {
        if run == self.reported {
            self.against = 0;
            return Verdict {
                reported: run,
                change: None,
                warning: None,
            };
        }
        self.against += 1;
        let needed = match run {
            Status::Fail => self.thresholds.fail_after,
            Status::Pass => self.thresholds.pass_after,
        };
        if self.against >= needed {
            let from = self.reported;
            self.reported = run;
            self.against = 0;
            return Verdict {
                reported: run,
                change: Some((from, run)),
                warning: None,
            };
        }
        Verdict {
            reported: self.reported,
            change: None,
            warning: Some(damped(run, self.against, needed)),
        }
    }
}

/// The warning of a run whose status is not reported yet, saying how it is answered instead:
/// `failed run 1 of 3 in a row: answered 200 until 3 runs in a row fail`.
fn damped(run: Status, so_far: u32, needed: u32) -> String {
    let (ran, answered, verb) = match run {
        Status::Fail => ("failed", "200", "fail"),
        Status::Pass => ("passed", "with the failure status", "pass"),
    };
    format!(
        "{ran} run {so_far} of {needed} in a row: answered {answered} until {needed} runs in a row {verb}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{Fail, Pass};

    /// The status reported after each run of `runs`, and the changes, with thresholds `k`, `m`.
    fn replay(k: u32, m: u32, runs: &[Status]) -> (Vec<Status>, Vec<(usize, Status, Status)>) {
        let mut damper = Damper::new(Thresholds {
            fail_after: k,
            pass_after: m,
        });
        let mut reported = Vec::new();
        let mut changes = Vec::new();
        for (at, run) in runs.iter().enumerate() {
            let verdict = damper.judge(*run);
            assert_eq!(verdict.warning.is_some(), verdict.reported != *run);
            reported.push(verdict.reported);
            if let Some((from, to)) = verdict.change {
                changes.push((at, from, to));
            }
        }
        (reported, changes)
    }

    #[test]
    fn with_one_and_one_every_run_is_reported_as_it_is() {
        let runs = [Pass, Fail, Fail, Pass, Fail, Pass];
        let (reported, changes) = replay(1, 1, &runs);
        assert_eq!(reported, runs);
        assert_eq!(
            changes,
            [
                (1, Pass, Fail),
                (3, Fail, Pass),
                (4, Pass, Fail),
                (5, Fail, Pass)
            ]
        );
    }

    #[test]
    fn fail_after_k_needs_k_failing_runs_in_a_row() {
        let (reported, changes) = replay(3, 1, &[Fail, Fail, Pass, Fail, Fail, Fail, Fail, Pass]);
        assert_eq!(reported, [Pass, Pass, Pass, Pass, Pass, Fail, Fail, Pass]);
        assert_eq!(changes, [(5, Pass, Fail), (7, Fail, Pass)]);
    }

    #[test]
    fn pass_after_m_needs_m_passing_runs_in_a_row_after_a_failure() {
        let (reported, changes) = replay(1, 2, &[Fail, Pass, Fail, Pass, Pass, Pass]);
        assert_eq!(reported, [Fail, Fail, Fail, Fail, Pass, Pass]);
        assert_eq!(changes, [(0, Pass, Fail), (4, Fail, Pass)]);
    }

    #[test]
    fn both_thresholds_together_never_flap_on_alternating_runs() {
        let alternating: Vec<Status> = (0..100)
            .map(|i| if i % 2 == 0 { Fail } else { Pass })
            .collect();
        let (reported, changes) = replay(2, 2, &alternating);
        assert!(reported.iter().all(|status| *status == Pass));
        assert!(changes.is_empty());
    }

    #[test]
    fn a_damped_run_says_how_far_it_is_from_changing_the_status() {
        let mut damper = Damper::new(Thresholds {
            fail_after: 3,
            pass_after: 2,
        });
        assert_eq!(
            damper.judge(Fail).warning.as_deref(),
            Some("failed run 1 of 3 in a row: answered 200 until 3 runs in a row fail")
        );
        assert_eq!(
            damper.judge(Fail).warning.as_deref(),
            Some("failed run 2 of 3 in a row: answered 200 until 3 runs in a row fail")
        );
        assert_eq!(damper.judge(Fail).warning, None);
        assert_eq!(damper.reported(), Fail);
        assert_eq!(
            damper.judge(Pass).warning.as_deref(),
            Some(
                "passed run 1 of 2 in a row: answered with the failure status until 2 runs in a \
                 row pass"
            )
        );
    }

    #[test]
    #[should_panic(
        expected = "Group::fail_after(0): the number of runs in a row is 1 to 1000; 1 (the \
                    default) reports every run as it is"
    )]
    fn zero_runs_is_refused_saying_what_to_write() {
        checked("Group::fail_after", 0);
    }

    #[test]
    fn the_bounds_are_accepted() {
        assert_eq!(checked("x", 1), 1);
        assert_eq!(checked("x", MAX_THRESHOLD), MAX_THRESHOLD);
        assert!(std::panic::catch_unwind(|| checked("x", MAX_THRESHOLD + 1)).is_err());
    }
}
