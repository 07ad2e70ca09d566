//! The text format of the contract (django-smoketest's), and its verbose form.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::{Detail, Options, Spec};
use crate::outcome::Outcome;
use crate::report::{Report, TestReport};

pub(super) const SPEC: Spec = Spec {
    name: "text",
    content_type: "text/plain; charset=utf-8",
    render,
};

/// Seven summary lines (an eighth, `tests warned: N`, when a `warn_only` test warned), then
/// `run id: <uuid>`; in full detail, then (if anything failed, errored or warned) a blank line and one line per failed
/// test, then per errored test, then per warned test; the run's warnings; verbose, then a line
/// per test.
fn render(report: &Report, options: &Options) -> String {
    let broken = report.tests_failed + report.tests_errored + report.tests_warned;
    let mut text = String::with_capacity(160 + 80 * broken);
    // Writing to a String cannot fail.
    let _ = write!(
        text,
        "{}\ntest classes: {}\ntests run: {}\ntests passed: {}\ntests failed: {}\n\
         tests errored: {}\ntime: {:.6}ms\n",
        report.status,
        report.test_classes,
        report.tests_run,
        report.tests_passed,
        report.tests_failed,
        report.tests_errored,
        report.time
    );
    // After the seven lines, not among them: scripts that read those by position keep working,
    // and a run without warn-only tests reads exactly as before.
    if report.tests_warned > 0 {
        let _ = writeln!(text, "tests warned: {}", report.tests_warned);
    }
    // After the counts, for the same reason; in summaries too: an id says nothing about the
    // service, and it is what an operator quotes to find the run in logs and traces. A report
    // read back from before run ids has none.
    if !report.run_id.is_empty() {
        let _ = writeln!(text, "run id: {}", escape_controls(&report.run_id));
    }
    if options.detail == Detail::Summary {
        min_tests_note(&mut text, report);
        return text;
    }
    if broken > 0 {
        text.push('\n');
        for outcome in [Outcome::Failed, Outcome::Errored, Outcome::Warned] {
            for test in report.tests.iter().filter(|test| test.outcome == outcome) {
                line(&mut text, test);
            }
        }
    }
    warnings(&mut text, report);
    if !report.panics_caught {
        text.push_str(
            "\nnote: built with panic = \"abort\": a panicking test aborts the process instead \
             of being reported\n",
        );
    }
    min_tests_note(&mut text, report);
    if options.verbose {
        verbose(&mut text, report);
    }
    text
}

/// A blank line and one `warning: <sentence>` line per [warning](Report::warnings) of the run,
/// after the failure block, where a reader of the report looks for what went wrong. Escaped as
/// messages are: a warning can quote a name taken from a request.
fn warnings(text: &mut String, report: &Report) {
    if report.warnings.is_empty() {
        return;
    }
    text.push('\n');
    for warning in &report.warnings {
        text.push_str("warning: ");
        text.push_str(&escape_controls(warning));
        text.push('\n');
    }
}

/// A blank line and, when the run selected fewer tests than its minimum, the line saying so:
/// `note: 0 tests selected, fewer than the 1 required (--min-tests / Runner::min_tests)`. It
/// names no test, so summaries show it too: it is what makes a run without failures `FAIL`.
fn min_tests_note(text: &mut String, report: &Report) {
    if let Some(reason) = report.too_few_tests_reason() {
        // Writing to a String cannot fail.
        let _ = write!(text, "\nnote: {reason} (--min-tests / Runner::min_tests)\n");
    }
}

/// A blank line and one line per test with its outcome and time: `app::smoke::Db::counts ...
/// passed (0.208311ms)`. A test that ran more than once says how often (`passed after 3
/// attempts`), so a flaky one shows even when it passed in the end; the line of a test that did
/// not pass names its owner and runbook, when it has them (`... failed (1.500000ms), owner:
/// team-payments, runbook: https://…`). Under a test that did not pass come the lines it logged
/// ([`TestReport::output`]), indented by four spaces.
fn verbose(text: &mut String, report: &Report) {
    if !report.tests.is_empty() {
        text.push('\n');
    }
    for test in &report.tests {
        // Writing to a String cannot fail.
        let _ = write!(text, "{} ... {}", test.name, test.outcome);
        if test.attempts > 1 {
            let _ = write!(text, " after {} attempts", test.attempts);
        }
        let _ = write!(text, " ({:.6}ms)", test.time);
        if test.outcome != Outcome::Passed {
            if let Some(owner) = &test.owner {
                let _ = write!(text, ", owner: {}", escape_controls(owner));
            }
            if let Some(runbook) = &test.runbook {
                let _ = write!(text, ", runbook: {}", escape_controls(runbook));
            }
        }
        text.push('\n');
        if test.outcome != Outcome::Passed {
            for line in test.output.iter().flat_map(|event| event.split('\n')) {
                text.push_str("    ");
                text.push_str(&escape_controls(line));
                text.push('\n');
            }
        }
    }
}

/// The report line: `<name> failed: <message> (at <file>:<line>)` (or `errored`, `warned`), the
/// message on one line.
fn line(text: &mut String, test: &TestReport) {
    // Writing to a String cannot fail.
    let _ = write!(text, "{} {}", test.name, test.outcome);
    if let Some(message) = &test.message {
        text.push_str(": ");
        text.push_str(&escape_controls(message));
    }
    if let Some(location) = &test.location {
        let _ = write!(text, " (at {})", escape_controls(location));
    }
    text.push('\n');
}

/// Keeps a message on one line and its bytes off the reader's terminal: `\n`, `\r` and `\t`
/// become those two characters, every other control character (ESC, BEL, NUL, …) and Unicode
/// line or paragraph separator becomes `\u{…}`. So no message can start a line of its own, for
/// a parser that splits lines as Python's `splitlines()` does, nor move an operator's cursor.
pub(super) fn escape_controls(message: &str) -> Cow<'_, str> {
    let escaped = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
    if !message.chars().any(escaped) {
        return message.into();
    }
    let mut out = String::with_capacity(message.len() + 16);
    for c in message.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Writing to a String cannot fail.
            c if escaped(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::report::tests::{sample, test};
    use crate::tier::Tier;

    trait Verbose {
        fn render_verbose(&self) -> String;
    }

    impl Verbose for Report {
        fn render_verbose(&self) -> String {
            render(self, &Options::new().verbose(true))
        }
    }

    #[test]
    fn text_lists_failures_then_errors_sorted_with_escaped_newlines() {
        assert_eq!(
            sample().to_text(),
            "FAIL\ntest classes: 2\ntests run: 4\ntests passed: 1\ntests failed: 2\n\
             tests errored: 1\ntime: 1200.307000ms\n\
             run id: 0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b\n\n\
             app::smoke::A::b failed: 1 != 2 (at src/smoke.rs:7)\n\
             app::smoke::B::c failed: no (at src/smoke.rs:7)\n\
             app::smoke::B::z errored: panicked: x\\ny (at src/smoke.rs:7)\n"
        );
    }

    #[test]
    fn the_run_id_follows_the_counts_in_summaries_too_and_a_report_without_one_has_no_line() {
        let mut report = sample();
        report.tests_warned = 1;
        let summary = super::super::render(
            &report,
            crate::render::Format::Text,
            &Options::new().detail(Detail::Summary),
        );
        assert_eq!(
            summary.body,
            "FAIL\ntest classes: 2\ntests run: 4\ntests passed: 1\ntests failed: 2\n\
             tests errored: 1\ntime: 1200.307000ms\ntests warned: 1\n\
             run id: 0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b\n"
        );
        report.run_id = String::new();
        assert!(!report.to_text().contains("run id"));
    }

    /// Every character Python's `str.splitlines()` ends a line at.
    const LINE_BREAKS: [char; 10] = [
        '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
        '\u{2029}',
    ];

    #[test]
    fn control_characters_and_line_breaks_in_messages_are_escaped_visibly() {
        let hostile =
            "a\u{1b}[2J\u{7}\u{0}\u{b}\u{c}\tb\u{85}PASS\u{2028}tests failed: 0\u{2029}\r\nc";
        let mut report = Report::new(
            Tier::Fast,
            vec![test(
                "app::smoke::x",
                "app::smoke",
                Outcome::Errored,
                Some(hostile),
            )],
            Duration::ZERO,
        );
        let line = "app::smoke::x errored: a\\u{1b}[2J\\u{7}\\u{0}\\u{b}\\u{c}\\tb\\u{85}PASS\
                    \\u{2028}tests failed: 0\\u{2029}\\r\\nc (at src/smoke.rs:7)";
        let text = report.to_text();
        assert_eq!(text.lines().last(), Some(line));
        // Split as Python's `splitlines()` would, the report has exactly its own lines.
        assert_eq!(text.split(LINE_BREAKS).count(), text.split('\n').count());

        report.tests[0].output = vec!["WARN app: \u{1b}]0;owned\u{7}\u{2028}PASS".to_owned()];
        let verbose = report.render_verbose();
        assert_eq!(
            verbose.lines().last(),
            Some("    WARN app: \\u{1b}]0;owned\\u{7}\\u{2028}PASS")
        );
        assert_eq!(
            verbose.split(LINE_BREAKS).count(),
            verbose.split('\n').count()
        );
    }

    #[test]
    fn zero_tests_is_a_pass_with_zero_counts() {
        let report = Report::new(Tier::Slow, vec![], Duration::ZERO);
        assert_eq!(
            report.to_text(),
            "PASS\ntest classes: 0\ntests run: 0\ntests passed: 0\ntests failed: 0\n\
             tests errored: 0\ntime: 0.000000ms\n"
        );
    }

    #[test]
    fn a_panic_abort_build_says_so_after_the_report() {
        let mut report = Report::new(Tier::Fast, vec![], Duration::ZERO);
        report.panics_caught = false;
        assert!(report.to_text().ends_with(
            "time: 0.000000ms\n\nnote: built with panic = \"abort\": a panicking test aborts the \
             process instead of being reported\n"
        ));
    }

    #[test]
    fn too_few_tests_is_a_fail_with_a_note_after_the_seven_lines() {
        let report = Report::new(Tier::Fast, vec![], Duration::ZERO).require(1, 0);
        let expected = "FAIL\ntest classes: 0\ntests run: 0\ntests passed: 0\ntests failed: 0\n\
                        tests errored: 0\ntime: 0.000000ms\n\n\
                        note: 0 tests selected, fewer than the 1 required \
                        (--min-tests / Runner::min_tests)\n";
        assert_eq!(report.to_text(), expected);
        let summary = super::super::render(
            &report,
            super::super::Format::Text,
            &Options::new().detail(Detail::Summary),
        );
        assert_eq!(summary.body, expected);

        // With failures too: their lines first, then the note.
        let report = sample().require(5, 4);
        assert!(
            report.to_text().ends_with(
                "(at src/smoke.rs:7)\n\nnote: 4 tests selected, fewer than the 5 required \
                 (--min-tests / Runner::min_tests)\n"
            ),
            "{}",
            report.to_text()
        );
        // One selected is singular; a minimum met adds nothing.
        let one = Report::new(Tier::Fast, vec![], Duration::ZERO).require(2, 1);
        assert_eq!(
            one.too_few_tests_reason().as_deref(),
            Some("1 test selected, fewer than the 2 required")
        );
        assert_eq!(sample().require(4, 4).to_text(), sample().to_text());
    }

    #[test]
    fn verbose_text_shows_the_output_of_failed_and_errored_tests_only() {
        let mut report = sample();
        for test in &mut report.tests {
            test.output = vec![
                format!("INFO app::smoke: in {}", test.name),
                "WARN app::db: two\nlines".into(),
            ];
        }
        let text = report.render_verbose();
        assert!(
            text.ends_with(
                "\n\napp::smoke::A::a ... passed (1.500000ms)\n\
                 app::smoke::A::b ... failed (1.500000ms)\n\
                 \x20   INFO app::smoke: in app::smoke::A::b\n\
                 \x20   WARN app::db: two\n\
                 \x20   lines\n\
                 app::smoke::B::c ... failed (1.500000ms)\n\
                 \x20   INFO app::smoke: in app::smoke::B::c\n\
                 \x20   WARN app::db: two\n\
                 \x20   lines\n\
                 app::smoke::B::z ... errored (1.500000ms)\n\
                 \x20   INFO app::smoke: in app::smoke::B::z\n\
                 \x20   WARN app::db: two\n\
                 \x20   lines\n"
            ),
            "{text}"
        );
        assert!(
            report.to_text().ends_with("(at src/smoke.rs:7)\n"),
            "no output in plain text"
        );
    }

    #[test]
    fn verbose_text_adds_a_line_per_test() {
        let text = sample().render_verbose();
        assert!(text.ends_with(
            "\n\napp::smoke::A::a ... passed (1.500000ms)\napp::smoke::A::b ... failed (1.500000ms)\n\
             app::smoke::B::c ... failed (1.500000ms)\napp::smoke::B::z ... errored (1.500000ms)\n"
        ));
    }
    /// One test of each outcome; the warned one's message spans lines.
    fn with_warned() -> Report {
        Report::new(
            Tier::Fast,
            vec![
                test(
                    "app::smoke::w",
                    "app::smoke",
                    Outcome::Warned,
                    Some("slow\nqueue"),
                ),
                test(
                    "app::smoke::e",
                    "app::smoke",
                    Outcome::Errored,
                    Some("down"),
                ),
                test(
                    "app::smoke::f",
                    "app::smoke",
                    Outcome::Failed,
                    Some("1 != 2"),
                ),
                test("app::smoke::p", "app::smoke", Outcome::Passed, None),
                test("app::smoke::v", "app::smoke", Outcome::Warned, Some("late")),
            ],
            Duration::from_micros(1_200_307),
        )
    }

    #[test]
    fn warned_tests_add_an_eighth_line_and_their_lines_after_the_errored_ones() {
        assert_eq!(
            with_warned().to_text(),
            "FAIL\ntest classes: 1\ntests run: 5\ntests passed: 1\ntests failed: 1\n\
             tests errored: 1\ntime: 1200.307000ms\ntests warned: 2\n\n\
             app::smoke::f failed: 1 != 2 (at src/smoke.rs:7)\n\
             app::smoke::e errored: down (at src/smoke.rs:7)\n\
             app::smoke::v warned: late (at src/smoke.rs:7)\n\
             app::smoke::w warned: slow\\nqueue (at src/smoke.rs:7)\n"
        );
    }

    #[test]
    fn a_run_whose_only_problems_warned_is_a_pass_with_its_warned_lines() {
        let report = Report::new(
            Tier::Fast,
            vec![
                test("app::smoke::p", "app::smoke", Outcome::Passed, None),
                test(
                    "app::smoke::w",
                    "app::smoke",
                    Outcome::Warned,
                    Some("\u{1b}[2Jx"),
                ),
            ],
            Duration::ZERO,
        );
        assert_eq!(
            report.to_text(),
            "PASS\ntest classes: 1\ntests run: 2\ntests passed: 1\ntests failed: 0\n\
             tests errored: 0\ntime: 0.000000ms\ntests warned: 1\n\n\
             app::smoke::w warned: \\u{1b}[2Jx (at src/smoke.rs:7)\n"
        );
    }

    #[test]
    fn a_summary_keeps_the_warned_count_but_no_names_or_warnings() {
        let mut report = with_warned();
        report.warnings = vec!["excluded name \"x\" matches no test".into()];
        let summary = super::super::render(
            &report,
            super::super::Format::Text,
            &Options::new().detail(Detail::Summary),
        );
        assert_eq!(
            summary.body,
            "FAIL\ntest classes: 1\ntests run: 5\ntests passed: 1\ntests failed: 1\n\
             tests errored: 1\ntime: 1200.307000ms\ntests warned: 2\n"
        );
    }

    #[test]
    fn the_runs_warnings_follow_the_failure_block_one_line_each() {
        let mut report = sample();
        report.warnings = vec![
            "excluded name \"x\" matches no test".into(),
            "excluded name \"y\nPASS\" matches no test".into(),
        ];
        assert!(
            report.to_text().ends_with(
                "app::smoke::B::z errored: panicked: x\\ny (at src/smoke.rs:7)\n\n\
                 warning: excluded name \"x\" matches no test\n\
                 warning: excluded name \"y\\nPASS\" matches no test\n"
            ),
            "{}",
            report.to_text()
        );
        // Without failures, right after the summary lines and a blank line.
        let mut passing = Report::new(Tier::Fast, vec![], Duration::ZERO);
        passing.warnings = vec!["excluded name \"x\" matches no test".into()];
        assert_eq!(
            passing.to_text(),
            "PASS\ntest classes: 0\ntests run: 0\ntests passed: 0\ntests failed: 0\n\
             tests errored: 0\ntime: 0.000000ms\n\n\
             warning: excluded name \"x\" matches no test\n"
        );
    }

    #[test]
    fn verbose_text_shows_attempts_and_the_owner_and_runbook_of_tests_that_did_not_pass() {
        let mut report = with_warned();
        for test in &mut report.tests {
            test.owner = Some("team-payments".into());
            test.runbook = Some("https://runbooks.example.com/pay".into());
        }
        report.tests[0].attempts = 3; // e: errored on every attempt
        report.tests[2].attempts = 2; // p: passed on the second
        report.tests[3].owner = Some("team\nops".into());
        report.tests[3].runbook = None;
        let text = report.render_verbose();
        assert!(
            text.ends_with(
                "\n\napp::smoke::e ... errored after 3 attempts (1.500000ms), owner: team-payments, \
                 runbook: https://runbooks.example.com/pay\n\
                 app::smoke::f ... failed (1.500000ms), owner: team-payments, runbook: \
                 https://runbooks.example.com/pay\n\
                 app::smoke::p ... passed after 2 attempts (1.500000ms)\n\
                 app::smoke::v ... warned (1.500000ms), owner: team\\nops\n\
                 app::smoke::w ... warned (1.500000ms), owner: team-payments, runbook: \
                 https://runbooks.example.com/pay\n"
            ),
            "{text}"
        );
        // The failure block is the same with or without --verbose.
        assert!(text.starts_with(&report.to_text()), "{text}");
    }
}
