//! The run history of the endpoint's tiers and groups: the last runs of each, summarised, and
//! the JSON of `GET {prefix}/history/` — the one place that format is written.
//!
//! An entry keeps the run's start, id, status (its own and the reported one), counts, duration
//! and each test's outcome (a byte per test, the names shared between runs): never a message,
//! a location or captured output. So the memory of a selection's history is bounded by the
//! number of runs kept times the number of its tests, both fixed by the app's configuration.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;
use smoketest::render::PastRun;
use smoketest::{Outcome, Report, Status};

/// How many runs each tier and group keeps by default.
pub(crate) const DEFAULT_HISTORY: usize = 20;

/// The most runs a tier or group may keep.
pub(crate) const MAX_HISTORY: usize = 1000;

/// The most names the JSON lists per entry in `failing` and in `warned` each: the counts say
/// how many there are.
pub(crate) const MAX_NAMES: usize = 10;

/// One run, as its selection's history keeps it.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) past: Arc<PastRun>,
    /// The run's own status.
    pub(crate) status: Status,
    /// The status reported for it (the status code it was answered with), after the
    /// selection's startup grace and thresholds.
    pub(crate) reported: Status,
    counts: Counts,
    /// Wall time in milliseconds.
    duration: f64,
}

#[derive(Clone, Copy, Debug, Serialize)]
struct Counts {
    tests_run: usize,
    tests_passed: usize,
    tests_failed: usize,
    tests_errored: usize,
    tests_warned: usize,
}

impl Entry {
    /// The entry of `report`, reported as `reported`, sharing the names of `previous` when the
    /// same tests ran.
    pub(crate) fn new(report: &Report, reported: Status, previous: Option<&Entry>) -> Self {
        let previous = previous.map(|entry| &*entry.past);
        Entry {
            past: Arc::new(PastRun::following(report, previous)),
            status: report.status,
            reported,
            counts: Counts {
                tests_run: report.tests_run,
                tests_passed: report.tests_passed,
                tests_failed: report.tests_failed,
                tests_errored: report.tests_errored,
                tests_warned: report.tests_warned,
            },
            duration: report.time,
        }
    }

    /// The names of the tests that had any of `outcomes`, sorted, the first [`MAX_NAMES`].
    fn names(&self, outcomes: &[Outcome]) -> Vec<&str> {
        self.past
            .tests()
            .filter(|(_, outcome)| outcomes.contains(outcome))
            .map(|(name, _)| name)
            .take(MAX_NAMES)
            .collect()
    }
}

/// The last runs of a selection, oldest first, at most `limit`.
#[derive(Debug)]
pub(crate) struct Ring {
    limit: usize,
    entries: VecDeque<Entry>,
}

impl Ring {
    pub(crate) fn new(limit: usize) -> Self {
        Ring {
            limit,
            entries: VecDeque::with_capacity(limit.min(DEFAULT_HISTORY)),
        }
    }

    /// The newest entry.
    pub(crate) fn newest(&self) -> Option<&Entry> {
        self.entries.back()
    }

    /// Adds `entry`, forgetting the oldest when `limit` are kept already.
    pub(crate) fn push(&mut self, entry: Entry) {
        if self.limit == 0 {
            return;
        }
        while self.entries.len() >= self.limit {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// The entries, oldest first.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }
}

/// An entry in the JSON.
#[derive(Serialize)]
struct EntryJson<'a> {
    time: Option<&'a str>,
    run_id: &'a str,
    status: Status,
    reported: Status,
    #[serde(flatten)]
    counts: Counts,
    duration: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    failing: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warned: Option<Vec<&'a str>>,
}

impl<'a> EntryJson<'a> {
    fn new(entry: &'a Entry, names: bool) -> Self {
        EntryJson {
            time: entry.past.started(),
            run_id: entry.past.run_id(),
            status: entry.status,
            reported: entry.reported,
            counts: entry.counts,
            duration: entry.duration,
            failing: names.then(|| entry.names(&[Outcome::Failed, Outcome::Errored])),
            warned: names.then(|| entry.names(&[Outcome::Warned])),
        }
    }
}

/// Entries of one selection, serialised as an array.
struct Runs<'a>(&'a [Entry], bool);

impl Serialize for Runs<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|entry| EntryJson::new(entry, self.1)))
    }
}

/// Named selections, serialised as an object in the order given.
struct Named<'a>(&'a [(&'a str, Vec<Entry>)], bool);

impl Serialize for Named<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.0
                .iter()
                .map(|(name, entries)| (*name, Runs(entries, self.1))),
        )
    }
}

#[derive(Serialize)]
struct Document<'a> {
    limit: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'static str>,
    tiers: Named<'a>,
    groups: Named<'a>,
}

/// The body of `GET /history/`: `limit`, then the tiers' and the groups' entries, oldest first,
/// each with the names of its failing and warned tests when `names` (full detail), and
/// `"detail":"summary"` without them.
pub(crate) fn document(
    limit: usize,
    tiers: &[(&str, Vec<Entry>)],
    groups: &[(&str, Vec<Entry>)],
    names: bool,
) -> String {
    let document = Document {
        limit,
        detail: (!names).then_some("summary"),
        tiers: Named(tiers, names),
        groups: Named(groups, names),
    };
    // Cannot fail: strings, numbers and sequences of them.
    serde_json::to_string(&document).expect("the history serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report of `tests` tests `app::smoke::t0000`…, of which the first `failing` failed,
    /// as JSON reads it back.
    fn report(failing: usize, tests: usize, run: usize) -> Report {
        let name = |i: usize| format!("app::smoke::t{i:04}");
        let entries: Vec<serde_json::Value> = (0..tests)
            .map(|i| {
                serde_json::json!({
                    "name": name(i), "suite": "app::smoke",
                    "outcome": if i < failing { "failed" } else { "passed" }, "time": 1.0,
                    "message": "a long message that the history never keeps", "location": null,
                    "slow": false, "rolled_back": false, "output": ["captured"],
                })
            })
            .collect();
        let failed: Vec<String> = (0..failing).map(name).collect();
        serde_json::from_value(serde_json::json!({
            "status": if failing > 0 { "FAIL" } else { "PASS" }, "test_classes": 1,
            "tests_run": tests, "tests_passed": tests - failing, "tests_failed": failing,
            "tests_errored": 0, "failed_tests": failed, "errored_tests": [], "time": 2.5,
            "started": "2024-05-01T12:00:00.000Z", "run_id": format!("run-{run}"),
            "tier": "fast", "panics_caught": true, "tests": entries,
        }))
        .unwrap()
    }

    fn record(ring: &mut Ring, report: &Report) {
        let entry = Entry::new(report, report.status, ring.newest());
        ring.push(entry);
    }

    #[test]
    fn ten_thousand_runs_keep_exactly_the_limit_sharing_one_list_of_names() {
        let runs = [report(150, 300, 0), report(0, 300, 1)];
        let mut ring = Ring::new(DEFAULT_HISTORY);
        for run in 0..10_000 {
            record(&mut ring, &runs[run % 2]);
        }
        assert_eq!(ring.entries().count(), DEFAULT_HISTORY);
        let mut max = Ring::new(MAX_HISTORY);
        for run in 0..10_000 {
            record(&mut max, &runs[run % 2]);
        }
        assert_eq!(max.entries().count(), MAX_HISTORY);
        // The same tests in every run: one list of names for all the entries.
        let first = max.newest().unwrap();
        assert!(
            max.entries()
                .all(|entry| entry.past.shares_names_with(&first.past))
        );
        let mut none = Ring::new(0);
        record(&mut none, &runs[0]);
        assert_eq!(none.entries().count(), 0);
    }

    #[test]
    fn the_json_lists_at_most_ten_names_and_never_a_message() {
        let mut ring = Ring::new(3);
        record(&mut ring, &report(500, 501, 7));
        let entries: Vec<Entry> = ring.entries().cloned().collect();
        let body = document(3, &[("fast", entries.clone()), ("slow", vec![])], &[], true);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        let failing = json["tiers"]["fast"][0]["failing"].as_array().unwrap();
        assert_eq!(failing.len(), MAX_NAMES);
        assert_eq!(failing[0], "app::smoke::t0000");
        assert_eq!(failing[9], "app::smoke::t0009");
        assert_eq!(json["tiers"]["fast"][0]["tests_failed"], 500);
        assert!(!body.contains("message"), "{body}");
        assert!(!body.contains("captured"), "{body}");
        assert_eq!(
            body.len(),
            document(3, &[("fast", entries), ("slow", vec![])], &[], true).len()
        );
    }

    #[test]
    fn the_document_in_full_and_in_summary() {
        let mut ring = Ring::new(2);
        record(&mut ring, &report(1, 2, 1));
        let mut entry = ring.newest().unwrap().clone();
        entry.reported = Status::Pass;
        let groups = [("ready", vec![entry]), ("live", vec![])];
        assert_eq!(
            document(2, &[("fast", vec![]), ("slow", vec![])], &groups, true),
            r#"{"limit":2,"tiers":{"fast":[],"slow":[]},"groups":{"ready":[{"time":"2024-05-01T12:00:00.000Z","run_id":"run-1","status":"FAIL","reported":"PASS","tests_run":2,"tests_passed":1,"tests_failed":1,"tests_errored":0,"tests_warned":0,"duration":2.5,"failing":["app::smoke::t0000"],"warned":[]}],"live":[]}}"#
        );
        assert_eq!(
            document(2, &[], &groups, false),
            r#"{"limit":2,"detail":"summary","tiers":{},"groups":{"ready":[{"time":"2024-05-01T12:00:00.000Z","run_id":"run-1","status":"FAIL","reported":"PASS","tests_run":2,"tests_passed":1,"tests_failed":1,"tests_errored":0,"tests_warned":0,"duration":2.5}],"live":[]}}"#
        );
    }
}
