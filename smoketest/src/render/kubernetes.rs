//! kube-apiserver's verbose health text (`GET /readyz?verbose`), so that Kubernetes tooling and
//! the people used to it read a smoke test run as they read the API server's checks:
//!
//! ```text
//! [+]app::smoke::config_is_set ok
//! [-]app::smoke::database_answers failed: reason withheld
//! [+]app::smoke::cache_is_warm excluded: ok
//! warn: some health checks cannot be excluded: no matches for "app::smoke::typo"
//! ready check failed
//! ```

use std::fmt::Write as _;

use super::text::escape_controls;
use super::{Detail, Options, Spec};
use crate::outcome::Outcome;
use crate::report::{Report, TestReport};

pub(super) const SPEC: Spec = Spec {
    name: "kubernetes",
    content_type: "text/plain; charset=utf-8",
    render,
};

/// What a probe asked for beyond the report, which the [Kubernetes
/// format](super::Format::Kubernetes) shows: the name of the check (`ready` in `ready check
/// passed`) and the tests it left out.
///
/// ```
/// use smoketest::render::Probe;
///
/// let probe = Probe::new("ready").excluded(["app::smoke::cache_is_warm"]).unmatched(["typo"]);
/// assert_eq!(probe.name, "ready");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Probe {
    /// The name the last line gives: a probe group, a tier, a test.
    pub name: String,
    /// Tests the probe left out (`?exclude=`), sorted: each gets a `[+]{name} excluded: ok` line.
    pub excluded: Vec<String>,
    /// Names the probe asked to leave out that match no test, sorted: named in one `warn:` line.
    pub unmatched: Vec<String>,
}

impl Probe {
    /// A probe named `name` that left nothing out.
    pub fn new(name: impl Into<String>) -> Self {
        Probe {
            name: name.into(),
            ..Probe::default()
        }
    }

    /// The tests it left out; sorted here.
    pub fn excluded<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.excluded = sorted(names);
        self
    }

    /// The names it asked to leave out that match no test; sorted here.
    pub fn unmatched<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.unmatched = sorted(names);
        self
    }
}

fn sorted<I, S>(names: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut names: Vec<String> = names.into_iter().map(Into::into).collect();
    names.sort_unstable();
    names
}

/// One line per test and excluded test in name order, then the warnings, then the verdict.
fn render(report: &Report, options: &Options) -> String {
    let probe = options.probe.as_deref();
    let full = options.detail == Detail::Full;
    let mut text = String::with_capacity(64 * (report.tests.len() + 1));
    let mut excluded = probe
        .map_or(&[][..], |probe| &probe.excluded)
        .iter()
        .peekable();
    for test in &report.tests {
        while let Some(name) = excluded.next_if(|name| name.as_str() < &*test.name) {
            excluded_line(&mut text, name);
        }
        check_line(&mut text, test, full);
    }
    for name in excluded {
        excluded_line(&mut text, name);
    }
    if let Some(reason) = report.too_few_tests_reason() {
        // Writing to a String cannot fail.
        let _ = writeln!(text, "[-]min-tests failed: {reason}");
    }
    let unmatched = probe.map_or(&[][..], |probe| &probe.unmatched);
    if !unmatched.is_empty() {
        let names: Vec<String> = unmatched.iter().map(|name| quoted(name)).collect();
        let _ = writeln!(
            text,
            "warn: some health checks cannot be excluded: no matches for {}",
            names.join(",")
        );
    }
    for warning in &report.warnings {
        // The line above says it in kube-apiserver's words already.
        if !unmatched
            .iter()
            .any(|name| *warning == crate::exclusions::warning(name))
        {
            let _ = writeln!(text, "warn: {}", escape_controls(warning));
        }
    }
    let name = probe.map_or(report.tier.as_str(), |probe| probe.name.as_str());
    let verdict = if report.passed() { "passed" } else { "failed" };
    let _ = writeln!(text, "{} check {verdict}", escape_controls(name));
    text
}

/// `[+]{name} ok`, `[+]{name} warned: {reason}` or `[-]{name} failed: {reason}`; in full detail,
/// what else the reader acts on in parentheses: where, how many attempts, who, which runbook.
fn check_line(text: &mut String, test: &TestReport, full: bool) {
    let (sign, word) = match test.outcome {
        Outcome::Passed => ('+', "ok"),
        Outcome::Warned => ('+', "warned"),
        // kube-apiserver knows only "failed"; the message tells an error from a failed assertion.
        Outcome::Failed | Outcome::Errored => ('-', "failed"),
    };
    // Writing to a String cannot fail.
    let _ = write!(text, "[{sign}]{} {word}", test.name);
    if test.outcome != Outcome::Passed {
        text.push_str(": ");
        match (&test.message, full) {
            (_, false) => text.push_str("reason withheld"),
            (Some(message), true) => text.push_str(&escape_controls(message)),
            (None, true) => text.push_str("no message"),
        }
    }
    if full {
        let mut details = Vec::new();
        if test.outcome != Outcome::Passed {
            if let Some(location) = &test.location {
                details.push(format!("at {}", escape_controls(location)));
            }
        }
        if test.attempts > 1 {
            details.push(format!("attempts: {}", test.attempts));
        }
        if test.outcome != Outcome::Passed {
            if let Some(owner) = &test.owner {
                details.push(format!("owner: {}", escape_controls(owner)));
            }
            if let Some(runbook) = &test.runbook {
                details.push(format!("runbook: {}", escape_controls(runbook)));
            }
        }
        if !details.is_empty() {
            let _ = write!(text, " ({})", details.join("; "));
        }
    }
    text.push('\n');
}

fn excluded_line(text: &mut String, name: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(text, "[+]{} excluded: ok", escape_controls(name));
}

/// `name` in double quotes, escaped as Rust writes strings, as Go's `%q` does in kube-apiserver's
/// line.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.escape_debug())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::render::{Format, render as render_as};
    use crate::report::tests::{sample, test};
    use crate::tier::Tier;

    fn kubernetes(report: &Report, options: &Options) -> String {
        render_as(report, Format::Kubernetes, options).body
    }

    #[test]
    fn full_detail_shows_each_reason_on_one_line_and_the_verdict() {
        assert_eq!(
            kubernetes(&sample(), &Options::new()),
            "[+]app::smoke::A::a ok\n\
             [-]app::smoke::A::b failed: 1 != 2 (at src/smoke.rs:7)\n\
             [-]app::smoke::B::c failed: no (at src/smoke.rs:7)\n\
             [-]app::smoke::B::z failed: panicked: x\\ny (at src/smoke.rs:7)\n\
             fast check failed\n"
        );
    }

    #[test]
    fn a_summary_names_the_tests_and_withholds_every_reason() {
        let summary = Options::new()
            .detail(Detail::Summary)
            .probe(Probe::new("ready"));
        assert_eq!(
            kubernetes(&sample(), &summary),
            "[+]app::smoke::A::a ok\n\
             [-]app::smoke::A::b failed: reason withheld\n\
             [-]app::smoke::B::c failed: reason withheld\n\
             [-]app::smoke::B::z failed: reason withheld\n\
             ready check failed\n"
        );
    }

    fn report_of(tests: Vec<TestReport>) -> Report {
        Report::new(Tier::Slow, tests, Duration::ZERO)
    }

    #[test]
    fn warned_tests_keep_the_plus_and_metadata_follows_the_reason() {
        let mut warned = test(
            "app::smoke::cdn",
            "app::smoke",
            Outcome::Warned,
            Some("slow\nanswer"),
        );
        warned.owner = Some("team-edge".into());
        warned.runbook = Some("https://runbooks.example/cdn".into());
        warned.attempts = 3;
        let mut flaky = test("app::smoke::queue", "app::smoke", Outcome::Passed, None);
        flaky.attempts = 2;
        flaky.owner = Some("team-queue".into());
        let report = report_of(vec![warned, flaky]);
        assert_eq!(
            kubernetes(&report, &Options::new()),
            "[+]app::smoke::cdn warned: slow\\nanswer (at src/smoke.rs:7; attempts: 3; \
             owner: team-edge; runbook: https://runbooks.example/cdn)\n\
             [+]app::smoke::queue ok (attempts: 2)\n\
             slow check passed\n"
        );
        assert_eq!(
            kubernetes(&report, &Options::new().detail(Detail::Summary)),
            "[+]app::smoke::cdn warned: reason withheld\n\
             [+]app::smoke::queue ok\n\
             slow check passed\n"
        );
    }

    #[test]
    fn excluded_tests_are_listed_in_name_order_and_unmatched_names_warned_of_once() {
        let mut report = report_of(vec![
            test("app::b", "app", Outcome::Passed, None),
            test("app::d", "app", Outcome::Passed, None),
        ]);
        report.warnings = vec![
            "excluded name \"nope\" matches no test".to_owned(),
            "tag \"x\u{1b}\" matches no test".to_owned(),
        ];
        let probe = Probe::new("live")
            .excluded(["app::e", "app::a", "app::c"])
            .unmatched(["nope", "a\"b"]);
        assert_eq!(
            kubernetes(&report, &Options::new().probe(Arc::new(probe))),
            "[+]app::a excluded: ok\n\
             [+]app::b ok\n\
             [+]app::c excluded: ok\n\
             [+]app::d ok\n\
             [+]app::e excluded: ok\n\
             warn: some health checks cannot be excluded: no matches for \"a\\\"b\",\"nope\"\n\
             warn: tag \"x\\u{1b}\" matches no test\n\
             live check passed\n"
        );
    }

    #[test]
    fn the_runners_sentence_for_an_unmatched_name_is_not_repeated_even_when_cut() {
        let long = "x".repeat(300);
        let mut report = report_of(Vec::new());
        report.warnings = vec![crate::exclusions::warning(&long)];
        let probe = Probe::new("live").unmatched([long.as_str()]);
        assert_eq!(
            kubernetes(&report, &Options::new().probe(Arc::new(probe))),
            format!(
                "warn: some health checks cannot be excluded: no matches for \"{long}\"\n\
                 live check passed\n"
            )
        );
    }

    #[test]
    fn too_few_tests_fail_with_a_line_that_says_why() {
        let report = report_of(Vec::new()).require(1, 0);
        assert_eq!(
            kubernetes(&report, &Options::new().detail(Detail::Summary)),
            "[-]min-tests failed: 0 tests selected, fewer than the 1 required\n\
             slow check failed\n"
        );
    }
}
