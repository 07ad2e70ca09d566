//! The report of a run, in the text and JSON formats of the contract (django-smoketest's).

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::tier::Tier;

/// `PASS` when no test failed or errored (zero tests is a pass), else `FAIL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Nothing failed or errored.
    #[serde(rename = "PASS")]
    Pass,
    /// At least one test failed or errored.
    #[serde(rename = "FAIL")]
    Fail,
}

impl Status {
    /// `"PASS"` or `"FAIL"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one run: totals, the names of failed and errored tests, and per-test details.
///
/// [`to_text`](Report::to_text) and [`to_json`](Report::to_json) give the two formats monitoring
/// scripts parse; the JSON keys are stable (new keys may be added, none removed or renamed) and
/// the type round-trips through serde.
///
/// ```
/// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
/// assert_eq!(report.status, smoketest::Status::Pass);
/// assert!(report.to_text().starts_with("PASS\ntest classes: 0\ntests run: 0\n"));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// `PASS` or `FAIL`.
    pub status: Status,
    /// Distinct suites with at least one test selected (a free test's suite is its module).
    pub test_classes: usize,
    /// Tests run (each counted once).
    pub tests_run: usize,
    /// Tests that passed.
    pub tests_passed: usize,
    /// Tests that failed.
    pub tests_failed: usize,
    /// Tests that errored.
    pub tests_errored: usize,
    /// Names of failed tests, sorted.
    pub failed_tests: Vec<String>,
    /// Names of errored tests, sorted.
    pub errored_tests: Vec<String>,
    /// Wall time of the run in milliseconds.
    pub time: f64,
    /// Which tier ran: `fast` (tests not marked `slow`) or `slow` (all tests).
    pub tier: Tier,
    /// `false` when the binary was built with `panic = "abort"`: a panicking test then aborts
    /// the process instead of being reported.
    pub panics_caught: bool,
    /// Threads held, when the run ended, by timed-out tests that have not returned (process-wide;
    /// bounded by [`Runner::max_threads`](crate::Runner::max_threads)). More
    /// than zero means some test blocks on something that never answers.
    #[serde(default)]
    pub abandoned_threads: usize,
    /// One entry per test run, sorted by name.
    pub tests: Vec<TestReport>,
}

/// What happened to one test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestReport {
    /// `crate::module::Suite::function` or `crate::module::function`. Borrowed from the
    /// registry in a report the runner made (the names of linked tests live as long as the
    /// program), owned in one read back from JSON.
    pub name: Cow<'static, str>,
    /// The suite: the suite type's path, or the module of a free test.
    pub suite: Cow<'static, str>,
    /// Passed, failed or errored.
    pub outcome: Outcome,
    /// How long it took, set-up and tear-down included, in milliseconds.
    pub time: f64,
    /// Why it failed or errored.
    pub message: Option<String>,
    /// `file:line` of the failed assertion, the panic, the `?` that returned the error, or the
    /// test function.
    pub location: Option<String>,
    /// Marked `slow`.
    pub slow: bool,
    /// Marked `rolled_back`.
    pub rolled_back: bool,
    /// A backtrace of the panic, when `RUST_BACKTRACE` (or `RUST_LIB_BACKTRACE`) asked for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backtrace: Option<String>,
    /// What the test logged through `tracing` (or `log`), one line per event, when the app's
    /// subscriber has a `CaptureLayer` (feature `tracing`); absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output: Vec<String>,
}

impl Report {
    /// Builds a report from per-test results in any order.
    pub(crate) fn new(tier: Tier, mut tests: Vec<TestReport>, elapsed: Duration) -> Self {
        tests.sort_by(|a, b| a.name.cmp(&b.name));
        let names = |outcome: Outcome| -> Vec<String> {
            tests
                .iter()
                .filter(|test| test.outcome == outcome)
                .map(|test| test.name.to_string())
                .collect()
        };
        let failed_tests = names(Outcome::Failed);
        let errored_tests = names(Outcome::Errored);
        let mut suites: Vec<&str> = tests.iter().map(|test| &*test.suite).collect();
        // Sorted by name, a suite's tests are mostly adjacent: drop those repeats before sorting.
        suites.dedup();
        suites.sort_unstable();
        suites.dedup();
        let status = if failed_tests.is_empty() && errored_tests.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        };
        Report {
            status,
            test_classes: suites.len(),
            tests_run: tests.len(),
            tests_passed: tests.len() - failed_tests.len() - errored_tests.len(),
            tests_failed: failed_tests.len(),
            tests_errored: errored_tests.len(),
            failed_tests,
            errored_tests,
            time: elapsed.as_secs_f64() * 1000.0,
            tier,
            panics_caught: crate::panic::PANICS_ARE_CAUGHT,
            abandoned_threads: crate::stuck::count(),
            tests,
        }
    }

    /// Whether the run passed.
    pub fn passed(&self) -> bool {
        self.status == Status::Pass
    }

    /// The text format: seven summary lines, then (if anything failed or errored) a blank line and
    /// one line per failed test, then per errored test, each sorted by name:
    ///
    /// ```text
    /// FAIL
    /// test classes: 1
    /// tests run: 3
    /// tests passed: 1
    /// tests failed: 1
    /// tests errored: 1
    /// time: 12.503311ms
    ///
    /// app::smoke::Db::counts failed: 0 not greater than 0 (at src/smoke.rs:12)
    /// app::smoke::Db::writes errored: panicked: disk full (at src/smoke.rs:20)
    /// ```
    pub fn to_text(&self) -> String {
        let mut text = self.summary_text();
        if !self.panics_caught {
            text.push_str(
                "\nnote: built with panic = \"abort\": a panicking test aborts the process instead \
                 of being reported\n",
            );
        }
        text
    }

    /// [`to_text`](Report::to_text) followed by a blank line and one line per test with its
    /// outcome and time: `app::smoke::Db::counts ... passed (0.208311ms)`. Under a failed or
    /// errored test come the lines it logged ([`TestReport::output`]), indented by four spaces:
    ///
    /// ```text
    /// app::smoke::Db::counts ... failed (3.105200ms)
    ///     INFO app::smoke: counting users
    ///     WARN app::db: slow query elapsed_ms=2400
    /// ```
    pub fn to_verbose_text(&self) -> String {
        let mut text = self.to_text();
        if !self.tests.is_empty() {
            text.push('\n');
        }
        for test in &self.tests {
            // Writing to a String cannot fail.
            let _ = writeln!(
                text,
                "{} ... {} ({:.6}ms)",
                test.name, test.outcome, test.time
            );
            if test.outcome != Outcome::Passed {
                for line in test.output.iter().flat_map(|event| event.split('\n')) {
                    text.push_str("    ");
                    text.push_str(&escape_controls(line));
                    text.push('\n');
                }
            }
        }
        text
    }

    fn summary_text(&self) -> String {
        let mut text = String::with_capacity(160 + 80 * (self.tests_failed + self.tests_errored));
        // Writing to a String cannot fail.
        let _ = write!(
            text,
            "{}\ntest classes: {}\ntests run: {}\ntests passed: {}\ntests failed: {}\n\
             tests errored: {}\ntime: {:.6}ms\n",
            self.status,
            self.test_classes,
            self.tests_run,
            self.tests_passed,
            self.tests_failed,
            self.tests_errored,
            self.time
        );
        if self.status == Status::Fail {
            text.push('\n');
            for outcome in [Outcome::Failed, Outcome::Errored] {
                for test in self.tests.iter().filter(|test| test.outcome == outcome) {
                    text.push_str(&test.line());
                    text.push('\n');
                }
            }
        }
        text
    }

    /// The JSON format: an object with `status`, `test_classes`, `tests_run`, `tests_passed`,
    /// `tests_failed`, `tests_errored`, `failed_tests`, `errored_tests`, `time`, and the details
    /// (`tier`, `panics_caught`, `tests`).
    pub fn to_json(&self) -> String {
        // A Report holds only strings, numbers, booleans and enums: serialisation cannot fail.
        serde_json::to_string(self).expect("a Report always serialises")
    }
}

impl TestReport {
    /// Cuts the message to at most `max` bytes (at a character boundary), followed by a marker
    /// saying how many bytes were cut: `… [cut 10485760 bytes]`.
    pub(crate) fn cap_message(&mut self, max: usize) {
        let Some(message) = &mut self.message else {
            return;
        };
        if message.len() <= max {
            return;
        }
        let mut end = max;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        let cut = message.len() - end;
        message.truncate(end);
        // Writing to a String cannot fail.
        let _ = write!(message, "… [cut {cut} bytes]");
    }

    /// The report line: `<name> failed: <message> (at <file>:<line>)`, the message on one line.
    fn line(&self) -> String {
        let mut line = format!("{} {}", self.name, self.outcome);
        if let Some(message) = &self.message {
            line.push_str(": ");
            line.push_str(&escape_controls(message));
        }
        if let Some(location) = &self.location {
            // Writing to a String cannot fail.
            let _ = write!(line, " (at {location})");
        }
        line
    }
}

/// Keeps a message on one line and its bytes off the reader's terminal: `\n`, `\r` and `\t`
/// become those two characters, every other control character (ESC, BEL, NUL, …) and Unicode
/// line or paragraph separator becomes `\u{…}`. So no message can start a line of its own, for
/// a parser that splits lines as Python's `splitlines()` does, nor move an operator's cursor.
fn escape_controls(message: &str) -> std::borrow::Cow<'_, str> {
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
pub(crate) mod tests {
    use super::*;

    /// A test entry for unit tests of the report and its formats: 1.5 ms, located at
    /// `src/smoke.rs:7` when it has a message.
    pub(crate) fn test(
        name: &str,
        suite: &str,
        outcome: Outcome,
        message: Option<&str>,
    ) -> TestReport {
        TestReport {
            name: name.to_owned().into(),
            suite: suite.to_owned().into(),
            outcome,
            time: 1.5,
            message: message.map(Into::into),
            location: message.map(|_| "src/smoke.rs:7".into()),
            slow: false,
            rolled_back: false,
            backtrace: None,
            output: Vec::new(),
        }
    }

    fn sample() -> Report {
        Report::new(
            Tier::Fast,
            vec![
                test(
                    "app::smoke::B::z",
                    "app::smoke::B",
                    Outcome::Errored,
                    Some("panicked: x\ny"),
                ),
                test(
                    "app::smoke::A::b",
                    "app::smoke::A",
                    Outcome::Failed,
                    Some("1 != 2"),
                ),
                test("app::smoke::A::a", "app::smoke::A", Outcome::Passed, None),
                test(
                    "app::smoke::B::c",
                    "app::smoke::B",
                    Outcome::Failed,
                    Some("no"),
                ),
            ],
            Duration::from_micros(1_200_307),
        )
    }

    #[test]
    fn text_lists_failures_then_errors_sorted_with_escaped_newlines() {
        assert_eq!(
            sample().to_text(),
            "FAIL\ntest classes: 2\ntests run: 4\ntests passed: 1\ntests failed: 2\n\
             tests errored: 1\ntime: 1200.307000ms\n\n\
             app::smoke::A::b failed: 1 != 2 (at src/smoke.rs:7)\n\
             app::smoke::B::c failed: no (at src/smoke.rs:7)\n\
             app::smoke::B::z errored: panicked: x\\ny (at src/smoke.rs:7)\n"
        );
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
        let verbose = report.to_verbose_text();
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
    fn a_long_message_is_cut_at_a_character_boundary_with_what_was_cut() {
        let mut report = test(
            "app::smoke::x",
            "app::smoke",
            Outcome::Errored,
            Some("ab€€"),
        );
        report.cap_message(3);
        // `€` is three bytes: the cut falls inside the first one, so it goes.
        assert_eq!(report.message.as_deref(), Some("ab… [cut 6 bytes]"));
        let mut short = test("app::smoke::y", "app::smoke", Outcome::Errored, Some("ab"));
        short.cap_message(2);
        assert_eq!(short.message.as_deref(), Some("ab"));
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
    fn json_has_the_contract_keys_and_round_trips() {
        let report = sample();
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["status"], "FAIL");
        assert_eq!(json["test_classes"], 2);
        assert_eq!(json["tests_run"], 4);
        assert_eq!(json["tests_passed"], 1);
        assert_eq!(json["tests_failed"], 2);
        assert_eq!(json["tests_errored"], 1);
        assert_eq!(
            json["failed_tests"],
            serde_json::json!(["app::smoke::A::b", "app::smoke::B::c"])
        );
        assert_eq!(
            json["errored_tests"],
            serde_json::json!(["app::smoke::B::z"])
        );
        assert_eq!(json["time"], 1200.307);
        assert_eq!(json["tests"][2]["outcome"], "failed");
        assert_eq!(json["tests"][0]["message"], serde_json::Value::Null);
        let back: Report = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(back, report);
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
    fn times_round_trip_exactly_through_json() {
        // Floats whose shortest representation serde_json's default parser would misread.
        let report = Report::new(Tier::Fast, vec![], Duration::from_nanos(10_948_443));
        let mut report = report;
        for time in [10.948443, 0.1 + 0.2, 1e-7, 123_456.789_012_345] {
            report.time = time;
            let back: Report = serde_json::from_str(&report.to_json()).unwrap();
            assert_eq!(back.time.to_bits(), time.to_bits(), "{time}");
        }
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
        let text = report.to_verbose_text();
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
    fn output_is_in_the_json_details_only_when_there_is_some() {
        let mut report = sample();
        report.tests[1].output = vec!["INFO app::smoke: hello".into()];
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(
            json["tests"][1]["output"],
            serde_json::json!(["INFO app::smoke: hello"])
        );
        assert!(json["tests"][0].get("output").is_none());
        let back: Report = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn verbose_text_adds_a_line_per_test() {
        let text = sample().to_verbose_text();
        assert!(text.ends_with(
            "\n\napp::smoke::A::a ... passed (1.500000ms)\napp::smoke::A::b ... failed (1.500000ms)\n\
             app::smoke::B::c ... failed (1.500000ms)\napp::smoke::B::z ... errored (1.500000ms)\n"
        ));
    }
}
