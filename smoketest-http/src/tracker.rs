//! What happens to the report of a tier's or a group's own run (not a client's narrowing of it)
//! when the run ends: its group's startup grace and its thresholds decide how it is answered,
//! it joins the history, and a change of the reported status goes to the `on_change` hooks.

use std::sync::{Arc, Mutex};

use smoketest::render::History;
use smoketest::{Outcome, Report, Status};

use crate::answer::Answer;

use crate::change::{Notifier, Selection, StatusChange};
use crate::grace::Grace;
use crate::history::{Entry, Ring};
use crate::threshold::{Damper, Thresholds};

/// The tracking of one tier or group, shared by the endpoint's clones.
#[derive(Debug)]
pub(crate) struct Tracker {
    selection: Selection,
    /// The group's own hook, then the endpoint's.
    hooks: Vec<Arc<Notifier>>,
    state: Mutex<Tracked>,
}

#[derive(Debug)]
struct Tracked {
    damper: Damper,
    ring: Ring,
}

impl Tracker {
    pub(crate) fn new(
        selection: Selection,
        thresholds: Thresholds,
        hooks: Vec<Arc<Notifier>>,
        limit: usize,
    ) -> Self {
        Tracker {
            selection,
            hooks,
            state: Mutex::new(Tracked {
                damper: Damper::new(thresholds),
                ring: Ring::new(limit),
            }),
        }
    }

    /// Judges the run that ended with `report`: how it is answered, after the thresholds (saying
    /// why in the report's warnings when the status code is not the run's own; the report's
    /// status stays the run's). Records it, hands a change of the reported status to the hooks
    /// (which run on threads of their own), and returns the answer and the history up to this
    /// run, for the HTML page.
    ///
    /// `grace` is the group's startup grace. While it is active a failing run is answered
    /// `starting:` and the thresholds never see it: it does not count toward `fail_after`, and
    /// no hook hears of it. A passing run ends the grace and is judged as usual.
    pub(crate) fn record(
        &self,
        report: &mut Report,
        grace: Option<&Grace>,
    ) -> (Answer, Arc<History>) {
        let (answer, change, history) = {
            let mut tracked = crate::sync::lock(&self.state);
            let own = report.status;
            let (answer, change) = match grace {
                Some(grace) if grace.covers(own) => (Answer::Starting, None),
                _ => {
                    if let (Some(grace), Status::Pass) = (grace, own) {
                        grace.passed();
                    }
                    let verdict = tracked.damper.judge(own);
                    if let Some(warning) = verdict.warning {
                        report.warnings.push(warning);
                    }
                    (Answer::As(verdict.reported), verdict.change)
                }
            };
            let entry = Entry::new(report, answer.reported(), tracked.ring.newest());
            tracked.ring.push(entry);
            let runs = tracked.ring.entries().map(|entry| Arc::clone(&entry.past));
            (answer, change, Arc::new(History::new(runs)))
        };
        if let (Some((from, to)), false) = (change, self.hooks.is_empty()) {
            let failing = report
                .tests
                .iter()
                .filter(|test| matches!(test.outcome, Outcome::Failed | Outcome::Errored))
                .map(|test| test.name.to_string())
                .collect();
            let change = Arc::new(StatusChange {
                selection: self.selection.clone(),
                from,
                to,
                run_id: report.run_id.clone(),
                time: report.started.clone(),
                failing,
            });
            for hook in &self.hooks {
                hook.notify(Arc::clone(&change));
            }
        }
        (answer, history)
    }

    /// The entries kept, oldest first.
    pub(crate) fn entries(&self) -> Vec<Entry> {
        crate::sync::lock(&self.state)
            .ring
            .entries()
            .cloned()
            .collect()
    }
}

/// The tracking of the endpoint's tiers, and what every group's tracking takes from the
/// endpoint: how many runs to keep and the endpoint-wide hook.
#[derive(Clone, Debug)]
pub(crate) struct Tracking {
    pub(crate) limit: usize,
    pub(crate) thresholds: Thresholds,
    pub(crate) hook: Option<Arc<Notifier>>,
    fast: Arc<Tracker>,
    slow: Arc<Tracker>,
}

impl Default for Tracking {
    fn default() -> Self {
        Tracking::new(crate::history::DEFAULT_HISTORY, Thresholds::default(), None)
    }
}

impl Tracking {
    pub(crate) fn new(limit: usize, thresholds: Thresholds, hook: Option<Arc<Notifier>>) -> Self {
        let tier = |tier| {
            let hooks = hook.iter().cloned().collect();
            Arc::new(Tracker::new(
                Selection::Tier(tier),
                thresholds,
                hooks,
                limit,
            ))
        };
        Tracking {
            fast: tier(smoketest::Tier::Fast),
            slow: tier(smoketest::Tier::Slow),
            limit,
            thresholds,
            hook,
        }
    }

    /// The tracking of `tier`'s own runs.
    pub(crate) fn tier(&self, tier: smoketest::Tier) -> &Arc<Tracker> {
        match tier {
            smoketest::Tier::Fast => &self.fast,
            smoketest::Tier::Slow => &self.slow,
        }
    }
}
