//! The report as a Nagios / Icinga / Sensu check: one status line with performance data and the
//! exit code of the Monitoring Plugins Development Guidelines.
//!
//! The state follows the report's status, so the check, the text, the JSON and the HTTP endpoint
//! never disagree on pass or fail: `PASS` is `OK` (0), a `FAIL` with a failed or errored test is
//! `CRITICAL` (2). `WARNING` (1) is never produced: a smoke test has no "degraded" outcome, and a
//! slow-but-passing test is still a pass (use a test's `timeout` to make slowness a failure).
//! `UNKNOWN` (3) is for a check that could not run: a malformed command line, or a run that
//! selected fewer tests than its minimum (`--min-tests`) and so checked too little to say the
//! service is fine, without any test saying it is broken.

use std::fmt::{self, Write as _};

use super::{Options, Spec};
use crate::report::{Report, Status};

pub(super) const SPEC: Spec = Spec {
    name: "nagios",
    content_type: "text/plain; charset=utf-8",
    render,
};

/// The service name at the start of the line, as in `SMOKETEST OK - …`.
const SERVICE: &str = "SMOKETEST";

/// How many failed or errored test names the line lists before `and N more`.
const NAMES_LISTED: usize = 3;

/// A plugin state and its exit code, per the Monitoring Plugins Development Guidelines.
///
/// ```
/// use smoketest::NagiosState;
///
/// assert_eq!(NagiosState::Critical.exit_code(), 2);
/// assert_eq!(NagiosState::Unknown.to_string(), "UNKNOWN");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NagiosState {
    /// Exit code 0: every test passed (zero tests selected included, as in the report).
    Ok,
    /// Exit code 1: never produced by [`NagiosState::of`]; here for completeness.
    Warning,
    /// Exit code 2: at least one test failed or errored.
    Critical,
    /// Exit code 3: the check could not run, e.g. a malformed command line.
    Unknown,
}

impl NagiosState {
    /// `OK`, `WARNING`, `CRITICAL` or `UNKNOWN`.
    pub fn as_str(self) -> &'static str {
        match self {
            NagiosState::Ok => "OK",
            NagiosState::Warning => "WARNING",
            NagiosState::Critical => "CRITICAL",
            NagiosState::Unknown => "UNKNOWN",
        }
    }

    /// The process exit code: 0, 1, 2 or 3.
    pub fn exit_code(self) -> u8 {
        match self {
            NagiosState::Ok => 0,
            NagiosState::Warning => 1,
            NagiosState::Critical => 2,
            NagiosState::Unknown => 3,
        }
    }
}

impl fmt::Display for NagiosState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl NagiosState {
    /// The plugin state of `report`: [`Ok`](NagiosState::Ok) on `PASS`,
    /// [`Critical`](NagiosState::Critical) when a test failed or errored, and
    /// [`Unknown`](NagiosState::Unknown) for a `FAIL` that only
    /// [selected too few tests](Report::too_few_tests).
    pub fn of(report: &Report) -> NagiosState {
        match report.status {
            Status::Pass => NagiosState::Ok,
            Status::Fail if report.tests_failed + report.tests_errored == 0 => NagiosState::Unknown,
            Status::Fail => NagiosState::Critical,
        }
    }
}

/// The report as one Nagios plugin status line (without a trailing newline):
/// `SERVICE STATE - text | perfdata`.
///
/// ```text
/// SMOKETEST OK - 8 tests passed in 12.3ms | tests=8;;;0 passed=8;;;0 failed=0;;;0 errored=0;;;0 time=12.345ms;;;0
/// SMOKETEST CRITICAL - 2 of 8 tests failed or errored: app::smoke::x, app::smoke::y | tests=8;;;0 passed=6;;;0 failed=1;;;0 errored=1;;;0 time=12.345ms;;;0
/// ```
///
/// The text lists at most three failed or errored tests (failed first, each sorted by name),
/// then `and N more`, so the line stays short whatever breaks. A run that selected fewer tests
/// than its minimum says so: as the whole text when no test failed (`SMOKETEST UNKNOWN - 0 tests
/// selected, fewer than the 1 required | …`), after the names otherwise. The performance data are the
/// report's counts and its wall time in milliseconds, each with a minimum of 0.
///
/// ```
/// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
/// assert_eq!(smoketest::NagiosState::of(&report).exit_code(), 0);
/// assert!(report.render(smoketest::render::Format::Nagios).starts_with("SMOKETEST OK - 0 tests passed in "));
/// assert!(report.render(smoketest::render::Format::Nagios).contains(" | tests=0;;;0 passed=0;;;0 failed=0;;;0 errored=0;;;0 time="));
/// ```
fn render(report: &Report, _: &Options) -> String {
    let state = NagiosState::of(report);
    let mut line = format!("{SERVICE} {state} - ");
    let too_few = report.too_few_tests_reason();
    // Writing to a String cannot fail.
    match state {
        NagiosState::Unknown => line.push_str(too_few.as_deref().unwrap_or("no report")),
        NagiosState::Ok | NagiosState::Warning => {
            let _ = write!(
                line,
                "{} {} passed in {:.1}ms",
                report.tests_passed,
                tests_noun(report.tests_passed),
                report.time
            );
        }
        NagiosState::Critical => {
            let broken = report.tests_failed + report.tests_errored;
            let _ = write!(
                line,
                "{broken} of {} {} failed or errored",
                report.tests_run,
                tests_noun(report.tests_run)
            );
            // A summary has counts but no names.
            let names = report.failed_tests.iter().chain(&report.errored_tests);
            for (index, name) in names.take(NAMES_LISTED).enumerate() {
                line.push_str(if index == 0 { ": " } else { ", " });
                line.push_str(&status_text(name));
            }
            if report.failed_tests.len() + report.errored_tests.len() > NAMES_LISTED {
                let _ = write!(line, " and {} more", broken - NAMES_LISTED);
            }
            if let Some(reason) = too_few {
                let _ = write!(line, "; {reason}");
            }
        }
    }
    line.push_str(" |");
    for (label, value) in [
        ("tests", report.tests_run),
        ("passed", report.tests_passed),
        ("failed", report.tests_failed),
        ("errored", report.tests_errored),
    ] {
        let _ = write!(line, " {}={value};;;0", perfdata_label(label));
    }
    let _ = write!(line, " {}={:.3}ms;;;0", perfdata_label("time"), report.time);
    line
}

/// `SMOKETEST UNKNOWN - <reason>`: the line of a check that could not run.
pub(crate) fn unknown_line(reason: &str) -> String {
    format!(
        "{SERVICE} {} - {}",
        NagiosState::Unknown,
        status_text(reason)
    )
}

fn tests_noun(count: usize) -> &'static str {
    if count == 1 { "test" } else { "tests" }
}

/// Keeps text on the status line and out of the performance data: `|` starts the performance
/// data and a newline starts the long output, so both become something harmless, as do every
/// other control character and the Unicode line and paragraph separators.
fn status_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '|' => '/',
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => ' ',
            c => c,
        })
        .collect()
}

/// A performance data label, quoted when the guidelines require it: a label may contain any
/// character but `=` and `'`, and needs single quotes around it when it holds a space. Quotes go
/// around anything but letters, digits, `_`, `.`, `:` and `-`, which every parser reads bare; a
/// `'` inside is written `''` and `=` (which no quoting allows) becomes `_`.
fn perfdata_label(label: &str) -> String {
    let bare = !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
    if bare {
        return label.to_owned();
    }
    let mut quoted = String::with_capacity(label.len() + 2);
    quoted.push('\'');
    for c in label.chars() {
        match c {
            '\'' => quoted.push_str("''"),
            '=' => quoted.push('_'),
            c if c.is_control() => quoted.push(' '),
            c => quoted.push(c),
        }
    }
    quoted.push('\'');
    quoted
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::outcome::Outcome;
    use crate::render::Format;
    use crate::report::TestReport;
    use crate::tier::Tier;

    fn test(name: &str, outcome: Outcome) -> TestReport {
        TestReport {
            name: name.to_owned().into(),
            suite: "app::smoke".into(),
            outcome,
            time: 1.0,
            message: (outcome != Outcome::Passed).then(|| "broken".into()),
            location: None,
            slow: false,
            rolled_back: false,
            attempts: 1,
            tags: Vec::new(),
            owner: None,
            runbook: None,
            backtrace: None,
            output: Vec::new(),
        }
    }

    fn report(outcomes: &[(&str, Outcome)]) -> Report {
        Report::new(
            Tier::Fast,
            outcomes
                .iter()
                .map(|(name, outcome)| test(name, *outcome))
                .collect(),
            Duration::from_nanos(12_345_678),
        )
    }

    #[test]
    fn a_pass_is_ok_with_counts_and_time() {
        let report = report(&[
            ("app::smoke::a", Outcome::Passed),
            ("app::smoke::b", Outcome::Passed),
        ]);
        assert_eq!(NagiosState::of(&report), NagiosState::Ok);
        assert_eq!(
            report.render(Format::Nagios),
            "SMOKETEST OK - 2 tests passed in 12.3ms | tests=2;;;0 passed=2;;;0 failed=0;;;0 \
             errored=0;;;0 time=12.346ms;;;0"
        );
    }

    #[test]
    fn one_test_is_singular_and_zero_tests_is_ok() {
        assert!(
            report(&[("app::smoke::a", Outcome::Passed)])
                .render(Format::Nagios)
                .starts_with("SMOKETEST OK - 1 test passed in 12.3ms | tests=1;;;0 ")
        );
        let empty = report(&[]);
        assert_eq!(NagiosState::of(&empty), NagiosState::Ok);
        assert!(
            empty
                .render(Format::Nagios)
                .starts_with("SMOKETEST OK - 0 tests passed in 12.3ms | tests=0;;;0 ")
        );
    }

    #[test]
    fn a_fail_is_critical_and_names_failed_then_errored_tests() {
        let report = report(&[
            ("app::smoke::e", Outcome::Errored),
            ("app::smoke::f", Outcome::Failed),
            ("app::smoke::p", Outcome::Passed),
        ]);
        assert_eq!(NagiosState::of(&report), NagiosState::Critical);
        assert_eq!(NagiosState::of(&report).exit_code(), 2);
        assert_eq!(
            report.render(Format::Nagios),
            "SMOKETEST CRITICAL - 2 of 3 tests failed or errored: app::smoke::f, app::smoke::e \
             | tests=3;;;0 passed=1;;;0 failed=1;;;0 errored=1;;;0 time=12.346ms;;;0"
        );
    }

    #[test]
    fn too_few_tests_is_unknown_or_said_after_the_failures() {
        let empty = report(&[]).require(1, 0);
        assert_eq!(NagiosState::of(&empty), NagiosState::Unknown);
        assert_eq!(
            empty.render(Format::Nagios),
            "SMOKETEST UNKNOWN - 0 tests selected, fewer than the 1 required | tests=0;;;0 \
             passed=0;;;0 failed=0;;;0 errored=0;;;0 time=12.346ms;;;0"
        );
        let broken = report(&[("app::smoke::f", Outcome::Failed)]).require(3, 1);
        assert_eq!(NagiosState::of(&broken), NagiosState::Critical);
        assert!(broken.render(Format::Nagios).starts_with(
            "SMOKETEST CRITICAL - 1 of 1 test failed or errored: app::smoke::f; 1 test selected, \
             fewer than the 3 required | "
        ));
    }

    #[test]
    fn the_line_lists_three_names_then_how_many_more() {
        let names: Vec<String> = (0..40).map(|i| format!("app::smoke::t{i:02}")).collect();
        let report = report(
            &names
                .iter()
                .map(|name| (name.as_str(), Outcome::Failed))
                .collect::<Vec<_>>(),
        );
        assert!(report.render(Format::Nagios).starts_with(
            "SMOKETEST CRITICAL - 40 of 40 tests failed or errored: app::smoke::t00, \
             app::smoke::t01, app::smoke::t02 and 37 more | tests=40;;;0 "
        ));
    }

    #[test]
    fn names_cannot_break_into_the_performance_data_or_the_next_line() {
        let report = report(&[("odd|name\nnext", Outcome::Failed)]);
        let line = report.render(Format::Nagios);
        assert!(
            line.starts_with(
                "SMOKETEST CRITICAL - 1 of 1 test failed or errored: odd/name next | "
            ),
            "{line}"
        );
        assert_eq!(line.matches('|').count(), 1);
        assert_eq!(
            unknown_line("bad\nflag |x"),
            "SMOKETEST UNKNOWN - bad flag /x"
        );
        assert_eq!(
            unknown_line("a\u{1b}[2J\r\u{85}b\u{2028}c\u{2029}d\u{0}e"),
            "SMOKETEST UNKNOWN - a [2J  b c d e"
        );
    }

    #[test]
    fn labels_are_quoted_when_the_guidelines_require_it() {
        assert_eq!(perfdata_label("time"), "time");
        assert_eq!(perfdata_label("app::smoke.db_1-x"), "app::smoke.db_1-x");
        assert_eq!(perfdata_label("fast tier"), "'fast tier'");
        assert_eq!(perfdata_label("it's"), "'it''s'");
        assert_eq!(perfdata_label("a=b"), "'a_b'");
        assert_eq!(perfdata_label("tab\there"), "'tab here'");
        assert_eq!(perfdata_label(""), "''");
    }

    #[test]
    fn states_have_the_guidelines_exit_codes() {
        let states = [
            NagiosState::Ok,
            NagiosState::Warning,
            NagiosState::Critical,
            NagiosState::Unknown,
        ];
        assert_eq!(states.map(NagiosState::exit_code), [0, 1, 2, 3]);
        assert_eq!(
            states.map(NagiosState::as_str),
            ["OK", "WARNING", "CRITICAL", "UNKNOWN"]
        );
    }
}
