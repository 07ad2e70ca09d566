//! The report as Prometheus' text exposition format (version 0.0.4), for scrapers.
//!
//! Every metric is a gauge labelled with the `tier` that ran; per-test metrics add `suite` and
//! `test`. A test's outcome is a state set — one sample per possible outcome, 1 for the one it
//! had — rather than a single sample whose `outcome` label changes from run to run: the series
//! stay the same across runs, so a test that starts failing does not leave a stale "passed"
//! series behind, and `smoketest_test_passed` is there for the common alert. A `warn_only` test
//! that failed or errored has the outcome `warned`: it is not passed, but the run still is.
//! `smoketest_test_attempts` shows how often each test ran, so a flaky test that passes on a retry
//! shows up in a graph before it starts failing.

use std::fmt::Write as _;

use super::{Options, Spec};
use crate::outcome::Outcome;
use crate::report::Report;

pub(super) const SPEC: Spec = Spec {
    name: "prometheus",
    content_type: "text/plain; version=0.0.4; charset=utf-8",
    render,
};

const OUTCOMES: [Outcome; 4] = [
    Outcome::Passed,
    Outcome::Failed,
    Outcome::Errored,
    Outcome::Warned,
];

/// The report in Prometheus' text format: the run's id in a comment (`# smoketest run id
/// <uuid>`), then families in a fixed order, tests sorted by name; the age of a stored report
/// (from a cache or a schedule) last, so that a schedule that stopped running shows as a growing
/// age rather than as a healthy report.
fn render(report: &Report, options: &Options) -> String {
    let tier = report.tier.as_str();
    let mut out = String::with_capacity(1024 + 400 * report.tests.len());
    // A comment, which scrapers skip, rather than a label: a label with a new value every run
    // would be a new series every scrape. It is there for whoever reads the page.
    if !report.run_id.is_empty() {
        let _ = writeln!(
            out,
            "# smoketest run id {}",
            report.run_id.replace(['\n', '\r'], " ")
        );
    }

    family(
        &mut out,
        "smoketest_run_passed",
        "Whether the latest run of the tier passed (1) or not (0): a test failed or errored, or \
         the run selected fewer tests than its minimum. Warned tests do not fail a run.",
    );
    sample(
        &mut out,
        "smoketest_run_passed",
        &[("tier", tier)],
        bool_value(report.passed()),
    );

    family(
        &mut out,
        "smoketest_tests",
        "Tests of the latest run of the tier, by outcome.",
    );
    for (outcome, count) in [
        (Outcome::Passed, report.tests_passed),
        (Outcome::Failed, report.tests_failed),
        (Outcome::Errored, report.tests_errored),
        (Outcome::Warned, report.tests_warned),
    ] {
        sample(
            &mut out,
            "smoketest_tests",
            &[("tier", tier), ("outcome", outcome.as_str())],
            count,
        );
    }

    family(
        &mut out,
        "smoketest_run_duration_seconds",
        "Wall time of the latest run of the tier, in seconds.",
    );
    sample(
        &mut out,
        "smoketest_run_duration_seconds",
        &[("tier", tier)],
        report.time / 1000.0,
    );

    family(
        &mut out,
        "smoketest_abandoned_threads",
        "Threads held by timed-out tests that have not returned, when the latest run of the tier \
         ended (process-wide).",
    );
    sample(
        &mut out,
        "smoketest_abandoned_threads",
        &[("tier", tier)],
        report.abandoned_threads,
    );

    if report.min_tests > 0 {
        // Only with a minimum set: without one, a scrape keeps the series it always had.
        family(
            &mut out,
            "smoketest_min_tests",
            "The fewest tests a run of the tier must select; fewer makes it fail.",
        );
        sample(
            &mut out,
            "smoketest_min_tests",
            &[("tier", tier)],
            report.min_tests,
        );
        family(
            &mut out,
            "smoketest_tests_selected",
            "Tests the latest run of the tier selected.",
        );
        sample(
            &mut out,
            "smoketest_tests_selected",
            &[("tier", tier)],
            report.tests_selected,
        );
    }

    if !report.tests.is_empty() {
        tests(&mut out, report);
    }
    if let Some(age) = options.age_secs() {
        family(
            &mut out,
            "smoketest_report_age_seconds",
            "Seconds since the served run of the tier finished (reports from the cache or a \
             schedule).",
        );
        sample(
            &mut out,
            "smoketest_report_age_seconds",
            &[("tier", tier)],
            age,
        );
    }
    out
}

/// The per-test families.
fn tests(out: &mut String, report: &Report) {
    let tier = report.tier.as_str();
    family(
        out,
        "smoketest_test_passed",
        "Whether the test passed (1) or failed, errored or warned (0) in the latest run of the tier.",
    );
    for test in &report.tests {
        let labels = [("tier", tier), ("suite", &test.suite), ("test", &test.name)];
        let passed = test.outcome == Outcome::Passed;
        sample(out, "smoketest_test_passed", &labels, bool_value(passed));
    }

    family(
        out,
        "smoketest_test_outcome",
        "The outcome of the test in the latest run of the tier: 1 for the outcome it had, 0 for \
         the others.",
    );
    for test in &report.tests {
        for outcome in OUTCOMES {
            let labels = [
                ("tier", tier),
                ("suite", &test.suite),
                ("test", &test.name),
                ("outcome", outcome.as_str()),
            ];
            let had = test.outcome == outcome;
            sample(out, "smoketest_test_outcome", &labels, bool_value(had));
        }
    }

    family(
        out,
        "smoketest_test_duration_seconds",
        "How long the test took in the latest run of the tier, set-up and tear-down included, \
         in seconds.",
    );
    for test in &report.tests {
        let labels = [("tier", tier), ("suite", &test.suite), ("test", &test.name)];
        sample(
            out,
            "smoketest_test_duration_seconds",
            &labels,
            test.time / 1000.0,
        );
    }

    family(
        out,
        "smoketest_test_attempts",
        "How many times the test ran in the latest run of the tier: 1, or more when a failed or \
         errored attempt was retried.",
    );
    for test in &report.tests {
        let labels = [("tier", tier), ("suite", &test.suite), ("test", &test.name)];
        sample(out, "smoketest_test_attempts", &labels, test.attempts);
    }
}

fn bool_value(value: bool) -> u8 {
    u8::from(value)
}

/// The `# HELP` and `# TYPE` lines of a gauge.
fn family(out: &mut String, name: &str, help: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# HELP {name} {}", escape_help(help));
    let _ = writeln!(out, "# TYPE {name} gauge");
}

/// One sample line: `name{label="value",...} value`.
fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
    out.push_str(name);
    out.push('{');
    for (index, (label, value)) in labels.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(label);
        out.push_str("=\"");
        out.push_str(&escape_label_value(value));
        out.push('"');
    }
    out.push('}');
    // Writing to a String cannot fail.
    let _ = writeln!(out, " {value}");
}

/// A label value as the format quotes it: backslash, double quote and line feed escaped.
fn escape_label_value(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            '\n' => escaped.push_str("\\n"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A help text as the format takes it: backslash and line feed escaped.
fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_escape_backslash_quote_and_newline() {
        assert_eq!(
            escape_label_value("a\\b \"c\"\nd\re"),
            "a\\\\b \\\"c\\\"\\nd\re"
        );
        assert_eq!(
            escape_label_value("app::smoke::Db::counts"),
            "app::smoke::Db::counts"
        );
    }

    #[test]
    fn help_escapes_backslash_and_newline_but_not_quotes() {
        assert_eq!(escape_help("one\\two\n\"three\""), "one\\\\two\\n\"three\"");
    }

    #[test]
    fn a_sample_line_quotes_every_label() {
        let mut out = String::new();
        sample(
            &mut out,
            "smoketest_test_passed",
            &[("tier", "fast"), ("test", "x\"y")],
            1,
        );
        assert_eq!(
            out,
            "smoketest_test_passed{tier=\"fast\",test=\"x\\\"y\"} 1\n"
        );
    }

    #[test]
    fn durations_are_plain_decimals_in_seconds() {
        let mut out = String::new();
        sample(&mut out, "d", &[("tier", "fast")], 0.000_000_1_f64);
        assert_eq!(out, "d{tier=\"fast\"} 0.0000001\n");
    }

    #[test]
    fn a_minimum_of_tests_adds_its_gauges_and_fails_the_run() {
        let report =
            crate::report::Report::new(crate::tier::Tier::Fast, vec![], std::time::Duration::ZERO);
        let without = render(&report, &Options::new());
        assert!(!without.contains("smoketest_min_tests"), "{without}");
        let with = render(&report.require(2, 0), &Options::new());
        assert!(
            with.contains("smoketest_run_passed{tier=\"fast\"} 0\n"),
            "{with}"
        );
        assert!(
            with.contains("smoketest_min_tests{tier=\"fast\"} 2\n"),
            "{with}"
        );
        assert!(
            with.contains("smoketest_tests_selected{tier=\"fast\"} 0\n"),
            "{with}"
        );
    }
    #[test]
    fn the_run_id_is_a_comment_before_the_families_never_a_label() {
        let report = crate::report::tests::sample();
        let out = render(&report, &Options::new());
        assert!(
            out.starts_with(
                "# smoketest run id 0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b\n\
                 # HELP smoketest_run_passed "
            ),
            "{out}"
        );
        assert_eq!(out.matches("0192f3b4").count(), 1, "{out}");
    }

    #[test]
    fn warned_tests_have_their_outcome_and_every_test_its_attempts() {
        use crate::report::tests::test;

        let mut retried = test("app::smoke::r", "app::smoke", Outcome::Passed, None);
        retried.attempts = 3;
        let report = crate::report::Report::new(
            crate::tier::Tier::Fast,
            vec![
                test("app::smoke::w", "app::smoke", Outcome::Warned, Some("late")),
                retried,
            ],
            std::time::Duration::from_millis(4),
        );
        let out = render(&report, &Options::new());
        assert!(
            out.starts_with(
                "# HELP smoketest_run_passed Whether the latest run of the tier passed (1) or not \
                 (0): a test failed or errored, or the run selected fewer tests than its minimum. \
                 Warned tests do not fail a run.\n\
                 # TYPE smoketest_run_passed gauge\n\
                 smoketest_run_passed{tier=\"fast\"} 1\n\
                 # HELP smoketest_tests Tests of the latest run of the tier, by outcome.\n\
                 # TYPE smoketest_tests gauge\n\
                 smoketest_tests{tier=\"fast\",outcome=\"passed\"} 1\n\
                 smoketest_tests{tier=\"fast\",outcome=\"failed\"} 0\n\
                 smoketest_tests{tier=\"fast\",outcome=\"errored\"} 0\n\
                 smoketest_tests{tier=\"fast\",outcome=\"warned\"} 1\n"
            ),
            "{out}"
        );
        let labels = |name: &str| format!("tier=\"fast\",suite=\"app::smoke\",test=\"{name}\"");
        let (r, w) = (labels("app::smoke::r"), labels("app::smoke::w"));
        assert!(
            out.contains(&format!(
                "# TYPE smoketest_test_passed gauge\n\
                 smoketest_test_passed{{{r}}} 1\n\
                 smoketest_test_passed{{{w}}} 0\n"
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "smoketest_test_outcome{{{w},outcome=\"passed\"}} 0\n\
                 smoketest_test_outcome{{{w},outcome=\"failed\"}} 0\n\
                 smoketest_test_outcome{{{w},outcome=\"errored\"}} 0\n\
                 smoketest_test_outcome{{{w},outcome=\"warned\"}} 1\n"
            )),
            "{out}"
        );
        assert!(
            out.ends_with(&format!(
                "# HELP smoketest_test_attempts How many times the test ran in the latest run of \
                 the tier: 1, or more when a failed or errored attempt was retried.\n\
                 # TYPE smoketest_test_attempts gauge\n\
                 smoketest_test_attempts{{{r}}} 3\n\
                 smoketest_test_attempts{{{w}}} 1\n"
            )),
            "{out}"
        );
    }
}
