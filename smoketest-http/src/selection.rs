//! What a request runs: its route (a tier, a group, one test) narrowed by `?tag=` and
//! `?exclude=`. Runs are shared and stored by [`Key`]; [`prepare`] makes the runner of a run.
//!
//! Selections combine as the runner's selectors do: the endpoint's runner selects first (its
//! apps, filters, tags), the route narrows that, and the request's tags narrow it again (any of
//! them); excluded names come out last. Each part is asked of the runner itself
//! ([`Runner::test_names`]), and the run is the endpoint's runner with every other test
//! excluded, so that the run sees the tests exactly as a run of the runner would.

use std::collections::BTreeSet;
use std::sync::Arc;

use smoketest::render::Probe;
use smoketest::{Runner, Tier};

use crate::grace::Grace;
use crate::group::Configured;
use crate::query::quoted;
use crate::tracker::Tracker;

/// The route part of a selection.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    /// `/` or `/slow/`.
    Tier(Tier),
    /// A probe group.
    Group(Configured),
    /// `/test/{name}`: a test of the endpoint's runner, in its own tier.
    Test { name: Arc<str>, tier: Tier },
}

impl Target {
    /// The tier the run is of, which decides the slow tier's rate limit.
    pub(crate) fn tier(&self) -> Tier {
        match self {
            Target::Tier(tier) | Target::Test { tier, .. } => *tier,
            Target::Group(configured) => configured.group.tier,
        }
    }

    /// The name of the check in the Kubernetes text: `fast`, `slow`, the group's or the test's.
    fn name(&self) -> &str {
        match self {
            Target::Tier(tier) => tier.as_str(),
            Target::Group(configured) => &configured.name,
            Target::Test { name, .. } => name,
        }
    }
}

/// The route of a [`Key`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum RouteKey {
    Tier(Tier),
    Group(Arc<str>),
    Test(Arc<str>),
}

/// What runs are shared and stored by: the route and the request's tags and excluded names,
/// each sorted (their order selects nothing).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    route: RouteKey,
    tags: Box<[String]>,
    excludes: Box<[String]>,
}

impl Key {
    pub(crate) fn new(target: &Target, tags: &[String], excludes: &[String]) -> Self {
        let route = match target {
            Target::Tier(tier) => RouteKey::Tier(*tier),
            Target::Group(configured) => RouteKey::Group(Arc::clone(&configured.name)),
            Target::Test { name, .. } => RouteKey::Test(Arc::clone(name)),
        };
        let sorted = |values: &[String]| {
            let mut values = values.to_vec();
            values.sort_unstable();
            values.into_boxed_slice()
        };
        Key {
            route,
            tags: sorted(tags),
            excludes: sorted(excludes),
        }
    }

    /// The key of a tier's plain route, as a schedule runs it.
    pub(crate) fn tier(tier: Tier) -> Self {
        Key {
            route: RouteKey::Tier(tier),
            tags: Box::default(),
            excludes: Box::default(),
        }
    }

    /// Whether this is a route as configured — a tier or a group, without `?tag=` or
    /// `?exclude=` — of which there are as many as the endpoint's configuration says. Other
    /// selections come from clients, in any number.
    pub(crate) fn is_configured(&self) -> bool {
        !matches!(self.route, RouteKey::Test(_)) && self.tags.is_empty() && self.excludes.is_empty()
    }
}

/// A run ready to start: the runner selecting exactly its tests, its tier, what the Kubernetes
/// text shows beyond the report, the warnings the report gets, its group's startup grace, and
/// for a tier's or a group's own run, its tracking (thresholds, history, hooks).
pub(crate) struct Prepared {
    pub(crate) runner: Runner,
    pub(crate) tier: Tier,
    pub(crate) probe: Arc<Probe>,
    pub(crate) warnings: Vec<String>,
    pub(crate) grace: Option<Arc<Grace>>,
    pub(crate) tracker: Option<Arc<Tracker>>,
}

impl Prepared {
    /// The run, tracked by `tracker` when it is a tier's or a group's own.
    pub(crate) fn tracked(mut self, tracker: Option<Arc<Tracker>>) -> Self {
        self.tracker = tracker;
        self
    }
}

/// The sentence a report gets for a `?tag=` value no test of the selection has.
pub(crate) fn unmatched_tag(tag: &str) -> String {
    format!("tag {} matches no test", quoted_in_full(tag))
}

/// `text` in double quotes with control characters escaped, whole: a warning names exactly what
/// was asked for.
fn quoted_in_full(text: &str) -> String {
    format!("\"{}\"", text.escape_debug())
}

/// The run of `target` narrowed by `tags` (any of them) and without `excludes`, from `base`,
/// the endpoint's runner.
pub(crate) fn prepare(
    base: &Runner,
    target: &Target,
    tags: &[String],
    excludes: &[String],
) -> Prepared {
    let tier = target.tier();
    let of = |runner: &Runner| -> BTreeSet<String> {
        runner
            .test_names(tier)
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    let all = of(base);
    let mut selected = match target {
        Target::Tier(_) => all.clone(),
        Target::Group(configured) => {
            let group = &configured.group;
            let mut selected = all.clone();
            if !group.tags.is_empty() {
                // `tags` replaces the runner's own tags: intersecting keeps them in force.
                let tagged = of(&base.clone().tags(group.tags.iter().cloned()));
                selected.retain(|name| tagged.contains(name));
            }
            if !group.apps.is_empty() {
                let under = of(&base.clone().apps(group.apps.iter().cloned()));
                selected.retain(|name| under.contains(name));
            }
            selected
        }
        Target::Test { name, .. } => all
            .iter()
            .filter(|test| ***test == **name)
            .cloned()
            .collect(),
    };
    let mut warnings = Vec::new();
    if !tags.is_empty() {
        let mut tagged = BTreeSet::new();
        for tag in tags {
            let with_tag = of(&base.clone().tags([tag.as_str()]));
            let matched: Vec<&String> = selected.intersection(&with_tag).collect();
            if matched.is_empty() {
                warnings.push(unmatched_tag(tag));
            }
            tagged.extend(matched.into_iter().cloned());
        }
        selected = tagged;
    }
    let (excluded, unmatched): (Vec<&String>, Vec<&String>) =
        excludes.iter().partition(|name| selected.contains(*name));
    for name in &excluded {
        selected.remove(*name);
    }
    // Unmatched names go to the runner too, which says in the report that they match nothing.
    let left_out = all.iter().filter(|name| !selected.contains(*name));
    let runner = left_out
        .chain(unmatched.iter().copied())
        .fold(base.clone(), |runner, name| runner.exclude(name.as_str()));
    // The runner's minimum is for its tiers; a narrower selection must still select something
    // when a minimum is set, so that a mistyped group tag fails rather than passes empty.
    let narrowed = !matches!(target, Target::Tier(_)) || !tags.is_empty() || !excluded.is_empty();
    let runner = match narrowed {
        true => {
            let min = base.required_tests().min(1);
            runner.min_tests(min)
        }
        false => runner,
    };
    let probe = Probe::new(target.name())
        .excluded(excluded)
        .unmatched(unmatched);
    Prepared {
        runner,
        tier,
        probe: Arc::new(probe),
        warnings,
        grace: match target {
            Target::Group(configured) => configured.grace.clone(),
            Target::Tier(_) | Target::Test { .. } => None,
        },
        tracker: None,
    }
}

/// Adds the selection's warnings to `report`, but not twice: the runner may say the same.
pub(crate) fn warn(report: &mut smoketest::Report, warnings: Vec<String>) {
    for warning in warnings {
        if !report.warnings.contains(&warning) {
            report.warnings.push(warning);
        }
    }
}

/// The one-line reason of a 404 for a test name the endpoint does not serve.
pub(crate) fn no_such_test(name: &str) -> String {
    format!("not found: no test named {}", quoted(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::Group;

    #[smoketest::smoke_test(tags = ["ready", "db"])]
    fn selection_db() {}

    #[smoketest::smoke_test(tags = ["ready"])]
    fn selection_config() {}

    #[smoketest::smoke_test(tags = ["live"])]
    fn selection_process() {}

    #[smoketest::smoke_test(slow, tags = ["ready"])]
    fn selection_scan() {}

    fn base() -> Runner {
        Runner::new().filter("selection_")
    }

    fn name(test: &str) -> String {
        format!("{}::{test}", module_path!())
    }

    fn selected(prepared: &Prepared) -> Vec<String> {
        prepared
            .runner
            .test_names(prepared.tier)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn group(group: Group) -> Target {
        Target::Group(Configured::new("ready", group, &[]).unwrap())
    }

    #[test]
    fn a_group_selects_by_its_tags_and_tier_within_the_runner() {
        let ready = prepare(&base(), &group(Group::new().tags(["ready"])), &[], &[]);
        assert_eq!(
            selected(&ready),
            [name("selection_config"), name("selection_db")]
        );
        assert_eq!(ready.probe.name, "ready");
        let slow = prepare(
            &base(),
            &group(Group::new().tags(["ready"]).slow()),
            &[],
            &[],
        );
        assert_eq!(selected(&slow).len(), 3);
        // The runner's own selection stays in force: a group can only narrow it.
        let narrow = Runner::new().filter("selection_db");
        let within = prepare(&narrow, &group(Group::new().tags(["ready"])), &[], &[]);
        assert_eq!(selected(&within), [name("selection_db")]);
        let elsewhere = prepare(
            &base(),
            &group(Group::new().apps(["other_crate"])),
            &[],
            &[],
        );
        assert!(selected(&elsewhere).is_empty());
    }

    #[test]
    fn request_tags_narrow_the_route_and_unknown_ones_are_warned_of() {
        let tags = ["db".to_owned(), "nope".to_owned()];
        let prepared = prepare(&base(), &Target::Tier(Tier::Fast), &tags, &[]);
        assert_eq!(selected(&prepared), [name("selection_db")]);
        assert_eq!(prepared.warnings, ["tag \"nope\" matches no test"]);
        // `live` exists, but not in the `ready` group: nothing runs, and the report says why.
        let live = ["live".to_owned()];
        let none = prepare(&base(), &group(Group::new().tags(["ready"])), &live, &[]);
        assert!(selected(&none).is_empty());
        assert_eq!(none.warnings, ["tag \"live\" matches no test"]);
    }

    #[test]
    fn excludes_leave_tests_out_and_the_probe_lists_them() {
        let excludes = [name("selection_db"), "typo\n".to_owned()];
        let prepared = prepare(&base(), &Target::Tier(Tier::Fast), &[], &excludes);
        assert_eq!(
            selected(&prepared),
            [name("selection_config"), name("selection_process")]
        );
        assert_eq!(prepared.probe.name, "fast");
        assert_eq!(prepared.probe.excluded, [name("selection_db")]);
        assert_eq!(prepared.probe.unmatched, ["typo\n"]);
    }

    #[test]
    fn the_test_route_runs_exactly_its_test() {
        let target = Target::Test {
            name: name("selection_db").into(),
            tier: Tier::Fast,
        };
        let prepared = prepare(&base(), &target, &[], &[]);
        assert_eq!(selected(&prepared), [name("selection_db")]);
        assert_eq!(prepared.probe.name, name("selection_db"));
    }

    #[test]
    fn keys_ignore_the_order_of_values_and_know_configured_routes() {
        let tier = Target::Tier(Tier::Fast);
        let (a, b) = ("a".to_owned(), "b".to_owned());
        assert_eq!(
            Key::new(&tier, &[a.clone(), b.clone()], &[]),
            Key::new(&tier, &[b.clone(), a.clone()], &[])
        );
        let one = std::slice::from_ref(&a);
        assert_ne!(Key::new(&tier, one, &[]), Key::new(&tier, &[], one));
        assert!(Key::new(&tier, &[], &[]).is_configured());
        assert_eq!(Key::new(&tier, &[], &[]), Key::tier(Tier::Fast));
        assert!(Key::new(&group(Group::new()), &[], &[]).is_configured());
        assert!(!Key::new(&tier, &[b], &[]).is_configured());
        let test = Target::Test {
            name: "x".into(),
            tier: Tier::Fast,
        };
        assert!(!Key::new(&test, &[], &[]).is_configured());
    }
}
