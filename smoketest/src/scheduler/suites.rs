//! Per-run state of each suite: set up by its first test, shared by the rest, torn down at the
//! end. The set-up itself is a step of that first test's job (see `execute`); this is where the
//! other tests wait for it.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};

use crate::outcome::Failure;
use crate::registry::TestCase;
use crate::suite::{SuiteInstance, SuiteVTable};
use crate::sync::{lock, wait};

/// The suites of a run's selected tests.
pub(crate) struct SuiteSlots {
    slots: HashMap<&'static str, SuiteSlot>,
}

struct SuiteSlot {
    vtable: SuiteVTable,
    state: Mutex<SuiteState>,
    ready: Condvar,
}

enum SuiteState {
    Idle,
    SettingUp,
    Ready(Result<SuiteInstance, Failure>),
}

/// What a test asking for its suite gets.
pub(crate) enum Claim {
    /// The suite's set-up result.
    Ready(Result<SuiteInstance, Failure>),
    /// Nobody set the suite up yet: the asker does, then [`settle`](SuiteSlots::settle)s it.
    SetUp,
}

impl SuiteSlots {
    /// A slot for the suite of every selected test that has one.
    pub(crate) fn new(tests: &[TestCase], selected: &[usize]) -> Self {
        let slots = selected
            .iter()
            .map(|&index| &tests[index])
            .filter(|case| case.collection_error.is_none())
            .filter_map(|case| {
                let slot = SuiteSlot {
                    vtable: case.suite?,
                    state: Mutex::new(SuiteState::Idle),
                    ready: Condvar::new(),
                };
                Some((case.suite_name, slot))
            })
            .collect();
        SuiteSlots { slots }
    }

    /// The suite `name` for a test: its set-up result, waiting for it (after calling `waits`)
    /// while another test sets it up; or the task of setting it up, for the first to ask.
    pub(crate) fn claim(&self, name: &str, mut waits: impl FnMut()) -> Claim {
        let Some(slot) = self.slots.get(name) else {
            return Claim::Ready(Err(Failure::errored("suite was not selected (runner bug)")));
        };
        let mut state = lock(&slot.state);
        loop {
            match &*state {
                SuiteState::Ready(result) => return Claim::Ready(result.clone()),
                SuiteState::SettingUp => {
                    waits();
                    state = wait(&slot.ready, state);
                }
                SuiteState::Idle => break,
            }
        }
        *state = SuiteState::SettingUp;
        Claim::SetUp
    }

    /// The set-up of suite `name` came to `result`, unless the scheduler
    /// [failed](Self::fail) it first: the result the suite's tests get.
    pub(crate) fn settle(
        &self,
        name: &str,
        result: Result<SuiteInstance, Failure>,
    ) -> Option<Result<SuiteInstance, Failure>> {
        let slot = self.slots.get(name)?;
        let mut state = lock(&slot.state);
        if matches!(*state, SuiteState::SettingUp) {
            *state = SuiteState::Ready(result);
        }
        slot.ready.notify_all();
        match &*state {
            SuiteState::Ready(result) => Some(result.clone()),
            SuiteState::Idle | SuiteState::SettingUp => None,
        }
    }

    /// The scheduler abandoned the set-up of suite `name`: its waiting tests fail with `failure`.
    pub(crate) fn fail(&self, name: &str, failure: Failure) {
        if let Some(slot) = self.slots.get(name) {
            let mut state = lock(&slot.state);
            if matches!(*state, SuiteState::SettingUp) {
                *state = SuiteState::Ready(Err(failure));
            }
            slot.ready.notify_all();
        }
    }

    /// The suites this run set up, in name order: each is owed its `tear_down_suite`.
    pub(crate) fn set_up(&self) -> impl Iterator<Item = &'static str> {
        let mut names: Vec<&'static str> = self
            .slots
            .iter()
            .filter(|(_, slot)| matches!(*lock(&slot.state), SuiteState::Ready(Ok(_))))
            .map(|(name, _)| *name)
            .collect();
        names.sort_unstable();
        names.into_iter()
    }

    /// A suite set up for this run, with its vtable.
    pub(crate) fn instance(&self, name: &str) -> Option<(SuiteVTable, SuiteInstance)> {
        let slot = self.slots.get(name)?;
        match &*lock(&slot.state) {
            SuiteState::Ready(Ok(instance)) => Some((slot.vtable, instance.clone())),
            _ => None,
        }
    }
}
