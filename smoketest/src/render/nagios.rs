//! The report as a Nagios / Icinga / Sensu check: one status line with performance data and the
//! exit code of the Monitoring Plugins Development Guidelines.
//!
//! The state follows the report's status, so the check, the text, the JSON and the HTTP endpoint
//! never disagree on pass or fail: `PASS` is `OK` (0), a `FAIL` with a failed or errored test is
//! `CRITICAL` (2). `WARNING` (1) is a `PASS` in which a `warn_only` test failed or errored: the
//! degraded state such tests exist to report. A slow-but-passing test is still a pass (use a
//! test's `timeout` to make slowness a failure). `UNKNOWN` (3) is for a check that could not run:
//! a malformed command line, or a run that selected fewer tests than its minimum (`--min-tests`)
//! and so checked too little to say the service is fine, without any test saying it is broken.
//!
//! The run's [warnings](Report::warnings) go to the plugin's long text, a line each after the
//! status line, where Nagios and Icinga show them in a check's details.

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

/// How many failed, errored or warned test names the line lists before `and N more`.
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
    /// Exit code 1: nothing failed or errored, but a `warn_only` test did.
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
    /// [`Warning`](NagiosState::Warning) on a `PASS` in which a `warn_only` test
    /// [warned](Report::tests_warned), [`Critical`](NagiosState::Critical) when a test failed or
    /// errored, and [`Unknown`](NagiosState::Unknown) for a `FAIL` that only
    /// [selected too few tests](Report::too_few_tests).
    pub fn of(report: &Report) -> NagiosState {
        match report.status {
            Status::Pass if report.tests_warned > 0 => NagiosState::Warning,
            Status::Pass => NagiosState::Ok,
            Status::Fail if report.tests_failed + report.tests_errored == 0 => NagiosState::Unknown,
            Status::Fail => NagiosState::Critical,
        }
    }
}

/// The report as one Nagios plugin status line (without a trailing newline):
/// `SERVICE STATE - text | perfdata`, then as long text the run's id (`run id: <uuid>`) and its
/// warnings, a line each.
///
/// ```text
/// SMOKETEST OK - 8 tests passed in 12.3ms | tests=8;;;0 passed=8;;;0 failed=0;;;0 errored=0;;;0 warned=0;;;0 time=12.345ms;;;0
/// SMOKETEST CRITICAL - 2 of 8 tests failed or errored: app::smoke::x, app::smoke::y | tests=8;;;0 passed=6;;;0 failed=1;;;0 errored=1;;;0 warned=0;;;0 time=12.345ms;;;0
/// SMOKETEST WARNING - 1 of 8 tests warned: app::smoke::z | tests=8;;;0 passed=7;;;0 failed=0;;;0 errored=0;;;0 warned=1;;;0 time=12.345ms;;;0
/// run id: 0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b
/// warning: excluded name "app::smoke::old" matches no test
/// ```
///
/// The text lists at most three failed or errored tests (failed first, each sorted by name), or
/// on `WARNING` three warned ones, then `and N more`, so the line stays short whatever breaks. A
/// run that selected fewer tests than its minimum says so: as the whole text when no test failed
/// (`SMOKETEST UNKNOWN - 0 tests selected, fewer than the 1 required | …`), after the names
/// otherwise. The performance data are the report's counts and its wall time in milliseconds,
/// each with a minimum of 0, the same labels on every line (`warned=0` too), as graphing add-ons
/// such as PNP4Nagios store one series per label and expect the set to stay the same.
///
/// ```
/// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
/// assert_eq!(smoketest::NagiosState::of(&report).exit_code(), 0);
/// assert!(report.render(smoketest::render::Format::Nagios).starts_with("SMOKETEST OK - 0 tests passed in "));
/// assert!(report.render(smoketest::render::Format::Nagios).contains(" | tests=0;;;0 passed=0;;;0 failed=0;;;0 errored=0;;;0 warned=0;;;0 time="));
/// ```
fn render(report: &Report, _: &Options) -> String {
    let state = NagiosState::of(report);
    let mut line = format!("{SERVICE} {state} - ");
    let too_few = report.too_few_tests_reason();
    // Writing to a String cannot fail.
    match state {
        NagiosState::Unknown => line.push_str(too_few.as_deref().unwrap_or("no report")),
        NagiosState::Ok => {
            let _ = write!(
                line,
                "{} {} passed in {:.1}ms",
                report.tests_passed,
                tests_noun(report.tests_passed),
                report.time
            );
        }
        NagiosState::Warning => {
            let _ = write!(
                line,
                "{} of {} {} warned",
                report.tests_warned,
                report.tests_run,
                tests_noun(report.tests_run)
            );
            list_names(&mut line, report.tests_warned, &report.warned_tests);
        }
        NagiosState::Critical => {
            let broken = report.tests_failed + report.tests_errored;
            let _ = write!(
                line,
                "{broken} of {} {} failed or errored",
                report.tests_run,
                tests_noun(report.tests_run)
            );
            let names: Vec<&String> = report
                .failed_tests
                .iter()
                .chain(&report.errored_tests)
                .collect();
            list_names(&mut line, broken, &names);
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
        ("warned", report.tests_warned),
    ] {
        let _ = write!(line, " {}={value};;;0", perfdata_label(label));
    }
    let _ = write!(line, " {}={:.3}ms;;;0", perfdata_label("time"), report.time);
    // Long text, not the status line: alerting rules match that line, and an id that changes
    // every run would make each alert look new.
    if !report.run_id.is_empty() {
        let _ = write!(line, "\nrun id: {}", status_text(&report.run_id));
    }
    for warning in &report.warnings {
        let _ = write!(line, "\nwarning: {}", status_text(warning));
    }
    line
}

/// `: a, b, c` and, past three names, ` and N more` (of `count` tests). A summary has counts but
/// no names, and then lists nothing.
fn list_names(line: &mut String, count: usize, names: &[impl AsRef<str>]) {
    for (index, name) in names.iter().take(NAMES_LISTED).enumerate() {
        line.push_str(if index == 0 { ": " } else { ", " });
        line.push_str(&status_text(name.as_ref()));
    }
    if names.len() > NAMES_LISTED {
        // Writing to a String cannot fail. A report read back from JSON may list more names
        // than it counts: the names then say how many there are.
        let more = count.max(names.len()) - NAMES_LISTED;
        let _ = write!(line, " and {more} more");
    }
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
    fn the_run_id_is_the_first_line_of_the_long_text() {
        let mut report = report(&[("app::smoke::a", Outcome::Passed)]);
        report.run_id = crate::report::tests::RUN_ID.into();
        report.warnings = vec!["w".into()];
        let out = render(&report, &Options::new());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[1..],
            ["run id: 0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b", "warning: w"]
        );
        assert!(!lines[0].contains("run id"), "{out}");
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
             errored=0;;;0 warned=0;;;0 time=12.346ms;;;0"
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
             | tests=3;;;0 passed=1;;;0 failed=1;;;0 errored=1;;;0 warned=0;;;0 time=12.346ms;;;0"
        );
    }

    #[test]
    fn too_few_tests_is_unknown_or_said_after_the_failures() {
        let empty = report(&[]).require(1, 0);
        assert_eq!(NagiosState::of(&empty), NagiosState::Unknown);
        assert_eq!(
            empty.render(Format::Nagios),
            "SMOKETEST UNKNOWN - 0 tests selected, fewer than the 1 required | tests=0;;;0 \
             passed=0;;;0 failed=0;;;0 errored=0;;;0 warned=0;;;0 time=12.346ms;;;0"
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
    fn a_pass_with_warned_tests_is_warning_and_names_them() {
        let warned = report(&[
            ("app::smoke::p", Outcome::Passed),
            ("app::smoke::w", Outcome::Warned),
            ("app::smoke::v", Outcome::Warned),
        ]);
        assert_eq!(warned.status, Status::Pass);
        assert_eq!(NagiosState::of(&warned), NagiosState::Warning);
        assert_eq!(NagiosState::of(&warned).exit_code(), 1);
        assert_eq!(
            warned.render(Format::Nagios),
            "SMOKETEST WARNING - 2 of 3 tests warned: app::smoke::v, app::smoke::w | tests=3;;;0 \
             passed=1;;;0 failed=0;;;0 errored=0;;;0 warned=2;;;0 time=12.346ms;;;0"
        );
        let names: Vec<String> = (0..5).map(|i| format!("app::smoke::w{i}")).collect();
        let many = report(
            &names
                .iter()
                .map(|name| (name.as_str(), Outcome::Warned))
                .collect::<Vec<_>>(),
        );
        assert!(many.render(Format::Nagios).starts_with(
            "SMOKETEST WARNING - 5 of 5 tests warned: app::smoke::w0, app::smoke::w1, \
             app::smoke::w2 and 2 more | "
        ));
    }

    #[test]
    fn a_summary_warning_names_no_test() {
        let report = report(&[
            ("app::smoke::p", Outcome::Passed),
            ("app::smoke::w", Outcome::Warned),
        ]);
        let summary = crate::render::render(
            &report,
            Format::Nagios,
            &Options::new().detail(crate::render::Detail::Summary),
        );
        assert_eq!(
            summary.body,
            "SMOKETEST WARNING - 1 of 2 tests warned | tests=2;;;0 passed=1;;;0 failed=0;;;0 \
             errored=0;;;0 warned=1;;;0 time=12.346ms;;;0"
        );
    }

    #[test]
    fn failures_outrank_warned_tests_which_still_count_in_the_performance_data() {
        let report = report(&[
            ("app::smoke::f", Outcome::Failed),
            ("app::smoke::p", Outcome::Passed),
            ("app::smoke::w", Outcome::Warned),
        ]);
        assert_eq!(NagiosState::of(&report), NagiosState::Critical);
        assert_eq!(
            report.render(Format::Nagios),
            "SMOKETEST CRITICAL - 1 of 3 tests failed or errored: app::smoke::f | tests=3;;;0 \
             passed=1;;;0 failed=1;;;0 errored=0;;;0 warned=1;;;0 time=12.346ms;;;0"
        );
    }

    #[test]
    fn the_runs_warnings_are_long_text_after_the_status_line() {
        let mut report = report(&[("app::smoke::p", Outcome::Passed)]);
        report.warnings = vec![
            "excluded name \"x\" matches no test".into(),
            "excluded name \"a|b\nc\" matches no test".into(),
        ];
        // Still OK: a warning about the run is no warned test.
        assert_eq!(NagiosState::of(&report), NagiosState::Ok);
        assert_eq!(
            report.render(Format::Nagios),
            "SMOKETEST OK - 1 test passed in 12.3ms | tests=1;;;0 passed=1;;;0 failed=0;;;0 \
             errored=0;;;0 warned=0;;;0 time=12.346ms;;;0\n\
             warning: excluded name \"x\" matches no test\n\
             warning: excluded name \"a/b c\" matches no test"
        );
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
