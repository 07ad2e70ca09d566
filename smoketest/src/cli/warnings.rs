//! The `warning:` lines the command line prints on stderr about its selection, before it runs
//! (or lists) the tests: no silent zeros. A selection that matches no test says so and names
//! what was asked for and what exists; so does a tag no linked test has, and an excluded name
//! that is no linked test's.

use std::collections::BTreeSet;

use super::Args;
use crate::runner::Runner;
use crate::tier::Tier;

/// Every warning about the selection `args` made on `runner`, one line each, in this order: the
/// tags that match no test, the selection that matches none, the excluded names that match none.
pub(super) fn selection(args: &Args, runner: &Runner) -> Vec<String> {
    let linked: Vec<&str> = runner.linked_names().collect();
    if linked.is_empty() {
        return vec![NOTHING_LINKED.to_owned()];
    }
    let mut lines = Vec::new();
    let tags = Tags::asked(args, runner);
    let in_use: BTreeSet<&str> = runner.linked_tags().collect();
    let unknown = tags.unknown(&in_use);
    let tags_alone_match_nothing = !tags.names.is_empty() && unknown.len() == tags.names.len();
    if tags_alone_match_nothing {
        // The rest of the selection does not matter: no test has any of these tags.
        lines.push(format!(
            "warning: no test matches {}; {}",
            tags.describe(),
            tags_in_use(&in_use)
        ));
    } else {
        lines.extend(unknown.iter().map(|tag| {
            format!(
                "warning: no test matches {}; {}",
                tags.describe_one(tag),
                tags_in_use(&in_use)
            )
        }));
        if runner.test_names(args.tier).is_empty() {
            lines.push(empty_selection(args, runner, &tags, &linked));
        }
    }
    lines.extend(
        runner
            .selection_warnings()
            .into_iter()
            .map(|warning| format!("warning: {warning}")),
    );
    lines
}

/// The tags a run selects by, and where they came from, to name them as the user gave them.
struct Tags {
    names: Vec<String>,
    source: TagSource,
}

enum TagSource {
    /// `--tag`, once per name.
    Flag,
    /// `SMOKETEST_TAGS`, with its value as it is.
    Env(String),
    /// The program's own `Runner::tags`.
    Code,
}

impl Tags {
    fn asked(args: &Args, runner: &Runner) -> Tags {
        let names = runner.selected_tags().to_vec();
        let env = std::env::var("SMOKETEST_TAGS")
            .ok()
            .filter(|value| !value.trim().is_empty());
        // Flags win over the environment, so the variable counts only without its flag.
        let source = match (&args.tags, env) {
            (Some(_), _) => TagSource::Flag,
            (None, Some(value)) => TagSource::Env(value),
            (None, None) => TagSource::Code,
        };
        Tags { names, source }
    }

    /// The tags asked for that no linked test has, each once, in the order given.
    fn unknown(&self, in_use: &BTreeSet<&str>) -> Vec<&str> {
        let mut unknown: Vec<&str> = Vec::new();
        for tag in &self.names {
            if !in_use.contains(tag.as_str()) && !unknown.contains(&tag.as_str()) {
                unknown.push(tag);
            }
        }
        unknown
    }

    /// All the tags asked for: `--tag a --tag b`, `SMOKETEST_TAGS=a,b` or `the tags a, b`.
    fn describe(&self) -> String {
        match &self.source {
            TagSource::Flag => self
                .names
                .iter()
                .map(|tag| format!("--tag {tag}"))
                .collect::<Vec<_>>()
                .join(" "),
            TagSource::Env(value) => format!("SMOKETEST_TAGS={value}"),
            TagSource::Code => format!("the tags {}", self.names.join(", ")),
        }
    }

    /// One of the tags asked for: `--tag a`, `the tag a of SMOKETEST_TAGS=a,b` or `the tag a`.
    fn describe_one(&self, tag: &str) -> String {
        match &self.source {
            TagSource::Flag => format!("--tag {tag}"),
            TagSource::Env(value) => format!("the tag {tag} of SMOKETEST_TAGS={value}"),
            TagSource::Code => format!("the tag {tag}"),
        }
    }
}

/// How many tags the warning names before `…`.
const TAGS_NAMED: usize = 10;

/// `the tags in use are db, live, ready`, or `no linked test has a tag`.
fn tags_in_use(in_use: &BTreeSet<&str>) -> String {
    if in_use.is_empty() {
        return "no linked test has a tag".to_owned();
    }
    let mut named = in_use
        .iter()
        .take(TAGS_NAMED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if in_use.len() > TAGS_NAMED {
        named.push_str(", …");
    }
    match in_use.len() {
        1 => format!("the tag in use is {named}"),
        _ => format!("the tags in use are {named}"),
    }
}

/// The line for a selection that matches none of the `linked` tests: it names what was asked
/// for and which tests exist.
fn empty_selection(args: &Args, runner: &Runner, tags: &Tags, linked: &[&str]) -> String {
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|value| !value.trim().is_empty())
    };
    let mut asked = Vec::new();
    // Flags win over the environment, so a variable counts only without its flag.
    match (&args.apps, env("SMOKETEST_APPS")) {
        (Some(apps), _) => asked.push(format!("--apps {}", apps.join(","))),
        (None, Some(value)) => asked.push(format!("SMOKETEST_APPS={value}")),
        (None, None) => {}
    }
    match (&args.skip_apps, env("SMOKETEST_SKIP_APPS")) {
        (Some(apps), _) => asked.push(format!("--skip-apps {}", apps.join(","))),
        (None, Some(value)) => asked.push(format!("SMOKETEST_SKIP_APPS={value}")),
        (None, None) => {}
    }
    asked.extend(args.filters.iter().map(|text| format!("--filter {text}")));
    if !tags.names.is_empty() {
        asked.push(tags.describe());
    }
    let slow = if args.tier == Tier::Fast {
        runner.test_names(Tier::Slow).len()
    } else {
        0
    };
    warning(&asked, slow, linked)
}

/// The line when the program links no test: a library crate of tests that the binary never
/// names is left out by the linker.
const NOTHING_LINKED: &str = "warning: no smoke tests are linked into this program: a crate of \
                              tests is linked only if the binary references it, e.g. with \
                              `use my_tests as _;`";

/// How many crates the warning names before `…`.
const CRATES_NAMED: usize = 5;

/// The warning for a selection that matches none of the `linked` tests (sorted names): `asked`
/// are the selectors given (`--apps x`, `SMOKETEST_APPS=x`, `--filter y`), `slow` how many
/// tests the same selection finds with `--slow` when it was not given.
fn warning(asked: &[String], slow: usize, linked: &[&str]) -> String {
    let asked = if asked.is_empty() {
        "the selection".to_owned()
    } else {
        asked.join(" ")
    };
    if slow > 0 {
        let (noun, verb) = if slow == 1 {
            ("test", "matches")
        } else {
            ("tests", "match")
        };
        return format!(
            "warning: no test matches {asked} in the fast tier; {slow} slow {noun} {verb}: add --slow"
        );
    }
    let mut crates: Vec<&str> = linked
        .iter()
        .map(|name| name.split("::").next().unwrap_or(name))
        .collect();
    crates.dedup();
    crates.sort_unstable();
    crates.dedup();
    let mut named = crates[..crates.len().min(CRATES_NAMED)].join(", ");
    if crates.len() > CRATES_NAMED {
        named.push_str(", …");
    }
    let (noun, verb) = if linked.len() == 1 {
        ("test", "is")
    } else {
        ("tests", "are")
    };
    format!(
        "warning: no test matches {asked}; {} {noun} {verb} linked, in {named}: \
         `--list --slow` without the selection names them",
        linked.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| (*word).to_owned()).collect()
    }

    #[test]
    fn the_warning_names_what_was_asked_and_what_exists() {
        let linked = ["b::smoke::x", "a::smoke::y", "a::smoke::z"];
        assert_eq!(
            warning(&strings(&["--apps nope"]), 0, &linked),
            "warning: no test matches --apps nope; 3 tests are linked, in a, b: \
             `--list --slow` without the selection names them"
        );
        assert_eq!(
            warning(
                &strings(&["SMOKETEST_APPS=a", "--filter q"]),
                0,
                &linked[..1]
            ),
            "warning: no test matches SMOKETEST_APPS=a --filter q; 1 test is linked, in b: \
             `--list --slow` without the selection names them"
        );
        assert_eq!(
            warning(&strings(&["--filter y"]), 1, &linked),
            "warning: no test matches --filter y in the fast tier; 1 slow test matches: add --slow"
        );
        assert_eq!(
            warning(&[], 2, &linked),
            "warning: no test matches the selection in the fast tier; 2 slow tests match: add --slow"
        );
        let many: Vec<String> = (0..7).map(|i| format!("c{i}::smoke::t")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(warning(&[], 0, &many).contains("7 tests are linked, in c0, c1, c2, c3, c4, …: "));
    }

    #[test]
    fn the_tags_in_use_are_named_sorted_up_to_ten() {
        let set = |tags: &[&'static str]| tags.iter().copied().collect::<BTreeSet<&str>>();
        assert_eq!(tags_in_use(&set(&[])), "no linked test has a tag");
        assert_eq!(tags_in_use(&set(&["db"])), "the tag in use is db");
        assert_eq!(
            tags_in_use(&set(&["ready", "db", "live"])),
            "the tags in use are db, live, ready"
        );
        let many = set(&["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]);
        assert_eq!(
            tags_in_use(&many),
            "the tags in use are a, b, c, d, e, f, g, h, i, j, …"
        );
    }

    #[test]
    fn tags_are_named_as_they_were_given() {
        let tags = |source| Tags {
            names: strings(&["nope", "db"]),
            source,
        };
        assert_eq!(tags(TagSource::Flag).describe(), "--tag nope --tag db");
        assert_eq!(tags(TagSource::Flag).describe_one("nope"), "--tag nope");
        let env = || TagSource::Env("nope, db".into());
        assert_eq!(tags(env()).describe(), "SMOKETEST_TAGS=nope, db");
        assert_eq!(
            tags(env()).describe_one("nope"),
            "the tag nope of SMOKETEST_TAGS=nope, db"
        );
        assert_eq!(tags(TagSource::Code).describe(), "the tags nope, db");
        let in_use: BTreeSet<&str> = ["db"].into_iter().collect();
        assert_eq!(tags(TagSource::Flag).unknown(&in_use), ["nope"]);
    }
}
