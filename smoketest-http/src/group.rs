//! Probe groups: named selections of tests, each served at `{prefix}/{name}/` with its own
//! failure status, and optionally a grace period while the app starts.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use http::StatusCode;
use smoketest::Tier;

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub(crate) tags: Vec<String>,
    pub(crate) apps: Vec<String>,
    pub(crate) tier: Tier,
    pub(crate) fail_status: StatusCode,
    pub(crate) startup_grace: Option<Duration>,
}

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
    /// health+json its `fail` document. A run with `?tag=` or `?exclude=` does not end the
    /// grace: only the whole group passing does.
    ///
    /// ```text
    /// starting: probe group "ready" has not passed yet (startup grace: 120s)
    /// ```
    pub fn startup_grace(mut self, grace: Duration) -> Self {
        self.startup_grace = Some(grace);
        self
    }
}

/// A group as an endpoint serves it: its name, and its grace state, shared by the endpoint's
/// clones.
#[derive(Clone, Debug)]
pub(crate) struct Configured {
    pub(crate) name: Arc<str>,
    pub(crate) group: Arc<Group>,
    pub(crate) grace: Option<Arc<Grace>>,
}

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
        let grace = group.startup_grace.map(|grace| {
            Arc::new(Grace {
                length: grace,
                until: Instant::now() + grace,
                passed: AtomicBool::new(false),
            })
        });
        Ok(Configured {
            name: name.into(),
            group: Arc::new(group),
            grace,
        })
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
