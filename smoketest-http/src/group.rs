//! Probe groups: named selections of tests, each served at `{prefix}/{name}/` with its own
//! failure status, and optionally a grace period while the app starts.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use smoketest::Tier;

use crate::change::{Hook, Notifier, Selection, StatusChange};
use crate::grace::Grace;
use crate::history::DEFAULT_HISTORY;
use crate::threshold::{self, Thresholds};
use crate::tracker::Tracker;

/// Path segments below the mount point that are routes of their own, which no group may take.
pub(crate) const RESERVED_NAMES: [&str; 3] = ["slow", "test", "history"];

/// Longest group name: it is a path segment that probes and people type.
pub(crate) const MAX_NAME_LEN: usize = 64;

/// A probe group: which tests a probe of `{prefix}/{name}/` runs, and how it answers. Add it to an
/// endpoint with [`SmokeEndpoint::group`](crate::SmokeEndpoint::group).
///
/// The tests are those of the endpoint's runner that the group selects: with any of its
/// [tags](Self::tags) (when it has tags), under any of its [apps](Self::apps) (when it has
/// apps), in the fast tier unless it is [`slow`](Self::slow). A FAIL is answered with the
/// group's [failure status](Self::fail_status), 503 by default: what a Kubernetes
/// `readinessProbe` or a load balancer takes for "send no traffic here".
///
/// ```
/// use std::time::Duration;
///
/// use smoketest_http::Group;
///
/// let ready = Group::new()
///     .tags(["ready"])
///     .startup_grace(Duration::from_secs(120));
/// let endpoint = smoketest_http::SmokeEndpoint::new(smoketest::Runner::new())
///     .group("live", Group::new().tags(["live"]))
///     .group("ready", ready);
/// # let _ = endpoint;
/// ```
#[derive(Clone)]
pub struct Group {
    pub(crate) tags: Vec<String>,
    pub(crate) apps: Vec<String>,
    pub(crate) tier: Tier,
    pub(crate) fail_status: StatusCode,
    pub(crate) startup_grace: Option<Duration>,
    pub(crate) thresholds: Thresholds,
    pub(crate) on_change: Option<Hook>,
}

impl fmt::Debug for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Group")
            .field("tags", &self.tags)
            .field("apps", &self.apps)
            .field("tier", &self.tier)
            .field("fail_status", &self.fail_status)
            .field("startup_grace", &self.startup_grace)
            .field("fail_after", &self.thresholds.fail_after)
            .field("pass_after", &self.thresholds.pass_after)
            .field("on_change", &self.on_change.is_some())
            .finish()
    }
}

/// Groups are equal when they select and answer alike and share their hook (if any): hooks
/// are closures, equal only to themselves.
impl PartialEq for Group {
    fn eq(&self, other: &Self) -> bool {
        let same_hook = match (&self.on_change, &other.on_change) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        (
            &self.tags,
            &self.apps,
            self.tier,
            self.fail_status,
            self.startup_grace,
            self.thresholds,
        ) == (
            &other.tags,
            &other.apps,
            other.tier,
            other.fail_status,
            other.startup_grace,
            other.thresholds,
        ) && same_hook
    }
}

impl Eq for Group {}

impl Default for Group {
    fn default() -> Self {
        Group::new()
    }
}

impl Group {
    /// Every test of the fast tier, answering 503 on FAIL, without startup grace.
    pub fn new() -> Self {
        Group {
            tags: Vec::new(),
            apps: Vec::new(),
            tier: Tier::Fast,
            fail_status: StatusCode::SERVICE_UNAVAILABLE,
            startup_grace: None,
            thresholds: Thresholds::default(),
            on_change: None,
        }
    }

    /// Only tests with at least one of these tags (`#[smoke_test(tags = ["ready"])]`). A tag no
    /// test has selects nothing, and the group then passes with zero tests: give the endpoint's
    /// runner a [`min_tests`](smoketest::Runner::min_tests) to make that a failure. With any
    /// minimum, a group (like one test by path, or a tier narrowed by `?tag=` or `?exclude=`)
    /// must select at least one test; the runner's full minimum applies to the tiers.
    pub fn tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Only tests under these crate or module paths (as [`Runner::apps`](smoketest::Runner::apps)
    /// takes them), among those the endpoint's runner selects.
    pub fn apps<I, S>(mut self, apps: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.apps = apps.into_iter().map(Into::into).collect();
        self
    }

    /// Tests marked `slow` too, as `/slow/` runs them: the group's runs count against the
    /// [slow tier's rate limit](crate::SmokeEndpoint::slow_tier_interval).
    pub fn slow(mut self) -> Self {
        self.tier = Tier::Slow;
        self
    }

    /// The status of a FAIL report: 503 by default.
    pub fn fail_status(mut self, status: StatusCode) -> Self {
        self.fail_status = status;
        self
    }

    /// Answers `503 Service Unavailable` with a one-line body starting `starting:`, instead of
    /// a FAIL report, until a run of the group passes for the first time or `grace` has gone
    /// by since the group was added to the endpoint (at the app's start), whichever comes first.
    /// After that, every answer is the report of the run, FAIL included.
    ///
    /// Meant for the group a Kubernetes `startupProbe` and `readinessProbe` poll: while the app
    /// warms up (connection pools, caches, migrations by another pod) the probes see 503 as
    /// they would anyway, but logs and dashboards read "starting" rather than a failure; once
    /// the group has passed, or if it still fails when `grace` is over (the app is broken, not
    /// starting), failures are reported as such. Keep `grace` at most the startup probe's
    /// `failureThreshold × periodSeconds`. The `starting:` answer is the same in every format
    /// but two that machines parse: Prometheus gets its metrics (200, as always) and
    /// health+json its `fail` document with the group's failure status. A run with `?tag=` or
    /// `?exclude=` does not end the grace: only the whole group passing does.
    ///
    /// ```text
    /// starting: probe group "ready" has not passed yet (startup grace: 120s)
    /// ```
    ///
    /// Whether a run is covered is decided by its own status when it ends, before any
    /// [threshold](Self::fail_after): a failing run that ends during the grace is answered
    /// `starting:` and is not counted toward `fail_after` (nor heard of by the
    /// [`on_change`](Self::on_change) hooks); the history keeps it, `reported` as FAIL. So with
    /// `fail_after(3)` a group that never passes answers `starting:` until the grace is over,
    /// then 200 twice (damped), then its failure status.
    pub fn startup_grace(mut self, grace: Duration) -> Self {
        self.startup_grace = Some(grace);
        self
    }

    /// Reports FAIL only after `runs` of the group's runs in a row failed (flap damping, as
    /// Dropwizard's `failureAttempts`); 1 by default, every failing run a FAIL. Thresholds
    /// change the status code only (and what the [`on_change`](Self::on_change) hooks and the
    /// history's `reported` see), never the report: until `runs` runs in a row failed, a
    /// failing run is answered 200 with its own FAIL report (`FAIL` first, its failed tests
    /// listed as usual) and a warning, in every format that shows the report's warnings:
    ///
    /// ```text
    /// failed run 1 of 3 in a row: answered 200 until 3 runs in a row fail
    /// ```
    ///
    /// So a load balancer or a Kubernetes probe, which read the status code, ride out a blip,
    /// while people, dashboards and deploy gates, which read the report, see the run as it was.
    /// Prometheus's `smoketest_run_passed` is the run's own too: alerting rules damp with `for:`.
    ///
    /// The reported status starts as PASS, as if the group had been passing (Dropwizard's
    /// health checks start healthy): with `fail_after(3)` the first failing runs after the
    /// app's start are answered 200 too — only with thresholds configured; without them (1, the
    /// default) every failing run answers the failure status. Apps that start failing want
    /// [`startup_grace`](Self::startup_grace), during which runs are not counted. Only the
    /// group's own runs count, and only they are damped: `?tag=`, `?exclude=` and
    /// `/test/{name}` answer every run as it is. The status change, once it happens, goes to
    /// the [`on_change`](Self::on_change) hooks, and every run to the
    /// [history](crate::SmokeEndpoint::history).
    ///
    /// ```
    /// let ready = smoketest_http::Group::new().tags(["ready"]).fail_after(3).pass_after(2);
    /// # let _ = ready;
    /// ```
    ///
    /// # Panics
    ///
    /// When `runs` is 0 or more than 1000, saying so.
    pub fn fail_after(mut self, runs: u32) -> Self {
        self.thresholds.fail_after = threshold::checked("Group::fail_after", runs);
        self
    }

    /// After the group reported FAIL, reports PASS again only after `runs` of its runs in a row
    /// passed (Dropwizard's `successAttempts`); 1 by default. Until then a passing run is
    /// answered with the group's failure status, its report its own (`PASS` first) with a
    /// warning:
    ///
    /// ```text
    /// passed run 1 of 2 in a row: answered with the failure status until 2 runs in a row pass
    /// ```
    ///
    /// # Panics
    ///
    /// When `runs` is 0 or more than 1000, saying so.
    pub fn pass_after(mut self, runs: u32) -> Self {
        self.thresholds.pass_after = threshold::checked("Group::pass_after", runs);
        self
    }

    /// Calls `hook` with every change of the status the group reports — the status code it
    /// answers with, after [`fail_after`](Self::fail_after) and [`pass_after`](Self::pass_after)
    /// — from PASS to FAIL and back, with the run's id, start and failing tests. Runs covered by
    /// the [startup grace](Self::startup_grace) change nothing. Called again, it replaces
    /// the hook. [`SmokeEndpoint::on_change`](crate::SmokeEndpoint::on_change) is called too.
    ///
    /// The hook runs on a thread of its own (one per hook, started with the first change),
    /// never on the run's or a request's: a slow hook delays nothing. Changes wait for it in
    /// order, at most 16; while a hook hangs, later changes are dropped, with one warning on
    /// stderr. A hook that panics misses that change only. So keep it short: write a log line,
    /// or hand the change to a channel that the app's own task sends on as a webhook.
    ///
    /// ```
    /// use smoketest_http::{Group, SmokeEndpoint, StatusChange};
    ///
    /// // A webhook: the hook only queues the change; a task of the app posts it.
    /// let (changes, mut to_post) = tokio::sync::mpsc::unbounded_channel::<StatusChange>();
    /// let ready = Group::new().tags(["ready"]).fail_after(3).on_change(move |change| {
    ///     eprintln!("smoke tests: {change}"); // a log line
    ///     let _ = changes.send(change.clone());
    /// });
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new()).group("ready", ready);
    /// # let _ = (endpoint, to_post.try_recv());
    /// ```
    pub fn on_change(mut self, hook: impl Fn(&StatusChange) + Send + Sync + 'static) -> Self {
        self.on_change = Some(Arc::new(hook));
        self
    }
}

/// A group as an endpoint serves it: its name, its grace state, its hook's thread and its
/// tracking (thresholds, history), shared by the endpoint's clones.
#[derive(Clone, Debug)]
pub(crate) struct Configured {
    pub(crate) name: Arc<str>,
    pub(crate) group: Arc<Group>,
    pub(crate) grace: Option<Arc<Grace>>,
    pub(crate) notifier: Option<Arc<Notifier>>,
    pub(crate) tracker: Arc<Tracker>,
}

impl Configured {
    /// Checks `name` against the names already taken and builds the group; the error says what
    /// is wrong with the name, for the panic of [`SmokeEndpoint::group`](crate::SmokeEndpoint::group).
    pub(crate) fn new(name: &str, group: Group, taken: &[Configured]) -> Result<Self, String> {
        let problem = if name.is_empty() {
            Some("a group name cannot be empty".to_owned())
        } else if name.len() > MAX_NAME_LEN {
            Some(format!("a group name is at most {MAX_NAME_LEN} characters"))
        } else if !name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        {
            Some("a group name is a path segment of ASCII letters, digits, `-` and `_`".to_owned())
        } else if RESERVED_NAMES.contains(&name) {
            Some(format!(
                "`/{name}` is a route of its own; {}, {} and {} cannot be group names",
                RESERVED_NAMES[0], RESERVED_NAMES[1], RESERVED_NAMES[2]
            ))
        } else if taken.iter().any(|configured| &*configured.name == name) {
            Some("a group of this name is already configured".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(format!(
                "SmokeEndpoint::group({:?}): {problem}",
                name.chars().take(MAX_NAME_LEN + 1).collect::<String>()
            ));
        }
        let grace = group.startup_grace.map(|grace| Arc::new(Grace::new(grace)));
        let notifier = group
            .on_change
            .as_ref()
            .map(|hook| Arc::new(Notifier::new(Arc::clone(hook))));
        let mut configured = Configured {
            name: name.into(),
            group: Arc::new(group),
            grace,
            notifier,
            tracker: Arc::new(Tracker::new(
                Selection::Group(String::new()),
                Thresholds::default(),
                Vec::new(),
                0,
            )),
        };
        configured.track(DEFAULT_HISTORY, None);
        Ok(configured)
    }

    /// Starts the group's tracking afresh: thresholds, hooks (its own, then `endpoint`'s) and a
    /// history of `limit` runs. The endpoint calls it whenever its configuration changes, before
    /// serving anything.
    pub(crate) fn track(&mut self, limit: usize, endpoint: Option<&Arc<Notifier>>) {
        let hooks = self.notifier.iter().chain(endpoint).cloned().collect();
        self.tracker = Arc::new(Tracker::new(
            Selection::Group(self.name.to_string()),
            self.group.thresholds,
            hooks,
            limit,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(name: &str, taken: &[Configured]) -> String {
        Configured::new(name, Group::new(), taken).unwrap_err()
    }

    #[test]
    fn names_are_checked_with_a_message_that_says_what_is_wrong() {
        assert_eq!(
            problem("", &[]),
            "SmokeEndpoint::group(\"\"): a group name cannot be empty"
        );
        assert_eq!(
            problem("re ady", &[]),
            "SmokeEndpoint::group(\"re ady\"): a group name is a path segment of ASCII letters, \
             digits, `-` and `_`"
        );
        assert_eq!(
            problem("a/b", &[]),
            "SmokeEndpoint::group(\"a/b\"): a group name is a path segment of ASCII letters, \
             digits, `-` and `_`"
        );
        for reserved in RESERVED_NAMES {
            assert_eq!(
                problem(reserved, &[]),
                format!(
                    "SmokeEndpoint::group(\"{reserved}\"): `/{reserved}` is a route of its own; \
                     slow, test and history cannot be group names"
                )
            );
        }
        assert_eq!(
            problem(&"x".repeat(65), &[]),
            format!(
                "SmokeEndpoint::group(\"{}\"): a group name is at most 64 characters",
                "x".repeat(65)
            )
        );
        let ready = Configured::new("ready", Group::new(), &[]).unwrap();
        assert_eq!(
            problem("ready", &[ready]),
            "SmokeEndpoint::group(\"ready\"): a group of this name is already configured"
        );
        for fine in ["ready", "live", "db-2", "Slow", "x_y", &"x".repeat(64)] {
            assert!(Configured::new(fine, Group::new(), &[]).is_ok(), "{fine}");
        }
    }

    #[test]
    fn the_grace_ends_when_the_group_passes_or_its_time_is_up() {
        let graced = |grace| {
            let group = Group::new().startup_grace(grace);
            Configured::new("ready", group, &[]).unwrap().grace.unwrap()
        };
        let long = graced(Duration::from_secs(3600));
        assert!(long.is_active());
        assert_eq!(long.length(), Duration::from_secs(3600));
        long.passed();
        assert!(!long.is_active());
        assert!(!graced(Duration::ZERO).is_active());
        assert!(
            Configured::new("ready", Group::new(), &[])
                .unwrap()
                .grace
                .is_none()
        );
    }
}
