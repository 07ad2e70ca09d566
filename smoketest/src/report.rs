//! The report of a run: what every format is rendered from (see `render`).

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::limits::MAX_BACKTRACE_BYTES;
use crate::outcome::Outcome;
use crate::tier::Tier;

/// `PASS` when no test failed or errored and the run selected at least the
/// [minimum](crate::Runner::min_tests) of tests (zero tests is a pass when there is none), else
/// `FAIL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Nothing failed or errored.
    #[serde(rename = "PASS")]
    Pass,
    /// At least one test failed or errored, or the run selected fewer tests than its minimum.
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
    /// Tests marked `warn_only` that failed or errored: the run warns, its status stays `PASS`.
    #[serde(default)]
    pub tests_warned: usize,
    /// Names of failed tests, sorted.
    pub failed_tests: Vec<String>,
    /// Names of errored tests, sorted.
    pub errored_tests: Vec<String>,
    /// Names of warned tests, sorted.
    #[serde(default)]
    pub warned_tests: Vec<String>,
    /// Wall time of the run in milliseconds.
    pub time: f64,
    /// When the run started, by the system clock: RFC 3339 in UTC with milliseconds,
    /// `2024-05-01T12:00:00.123Z`. `None` in a report written before the key existed, and when
    /// the clock reads a time RFC 3339 cannot hold (before 1970 or after 9999).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    /// This run's id: a UUID (version 7, so ids sort by the time of their run), made when the
    /// run starts, that every format shows and the run's `tracing` span (`smoketest.run`)
    /// carries, to find one run in logs, traces and history: `run id: <uuid>` in the text,
    /// `run_id` in the JSON, the page's footer in HTML, a `run_id` property of each JUnit
    /// test suite, a `run id:` line of Nagios' long text, a `# smoketest run id` comment in
    /// Prometheus' exposition, a note in health+json, and over HTTP the `X-Smoketest-Run-Id`
    /// header. The isolated children of a run take its id. Empty in a report written before the
    /// key existed, and then shown nowhere.
    ///
    /// ```
    /// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
    /// assert_eq!(report.run_id.len(), 36);
    /// assert!(report.to_text().contains(&format!("\ntime: {:.6}ms\nrun id: {}\n", report.time, report.run_id)));
    /// ```
    #[serde(default)]
    pub run_id: String,
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
    /// The fewest tests the run had to select ([`Runner::min_tests`](crate::Runner::min_tests),
    /// `--min-tests`); 0 for no minimum. A run that selected fewer is `FAIL`.
    #[serde(default)]
    pub min_tests: usize,
    /// How many tests the run selected: [`tests_run`](Report::tests_run), plus the tests
    /// `failfast` left unstarted.
    #[serde(default)]
    pub tests_selected: usize,
    /// Things about the run its reader should know that did not make it fail, one sentence
    /// each: an excluded name that matches no test, for one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// One entry per test run, sorted by name.
    pub tests: Vec<TestReport>,
}

/// A new run id: a version 7 UUID, `0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b`.
pub(crate) fn new_run_id() -> String {
    uuid::Uuid::now_v7().to_string()
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
    /// Passed, failed, errored or warned.
    pub outcome: Outcome,
    /// How long it took, set-up and tear-down included, in milliseconds: all its
    /// [attempts](TestReport::attempts) together.
    pub time: f64,
    /// Why it failed, errored or warned.
    pub message: Option<String>,
    /// `file:line` of the failed assertion, the panic, the `?` that returned the error, or the
    /// test function.
    pub location: Option<String>,
    /// Marked `slow`.
    pub slow: bool,
    /// Marked `rolled_back`.
    pub rolled_back: bool,
    /// How many times it ran: 1, or more when a failed attempt was retried (`retries = N`).
    /// The outcome, message, location and backtrace are the last attempt's; when the test may
    /// make more than one, its message ends with which one it was: `(attempt 3 of 3)`, or
    /// `(attempt 1 of 3; still running, so not retried)` for an attempt that outlived its time
    /// limit on a thread the runner had to leave behind.
    #[serde(default = "one")]
    pub attempts: u32,
    /// Its `tags`, as declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Cow<'static, str>>,
    /// Who answers for it (`owner = "..."`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Cow<'static, str>>,
    /// What to do when it fails (`runbook = "https://..."`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook: Option<Cow<'static, str>>,
    /// A backtrace of the panic, when `RUST_BACKTRACE` (or `RUST_LIB_BACKTRACE`) asked for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backtrace: Option<String>,
    /// What the test logged through `tracing` (or `log`), one line per event, when the app's
    /// subscriber has a `CaptureLayer` (feature `tracing`); absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output: Vec<String>,
}

fn one() -> u32 {
    1
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
        let warned_tests = names(Outcome::Warned);
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
            tests_passed: tests.len()
                - failed_tests.len()
                - errored_tests.len()
                - warned_tests.len(),
            tests_failed: failed_tests.len(),
            tests_errored: errored_tests.len(),
            tests_warned: warned_tests.len(),
            failed_tests,
            errored_tests,
            warned_tests,
            time: elapsed.as_secs_f64() * 1000.0,
            // The report is made when the run ends: it started `elapsed` ago.
            started: SystemTime::now().checked_sub(elapsed).and_then(rfc3339),
            // The runner's, made when the run started, is set when the report is finished.
            run_id: String::new(),
            tier,
            panics_caught: crate::panic::PANICS_ARE_CAUGHT,
            abandoned_threads: crate::stuck::count(),
            min_tests: 0,
            tests_selected: tests.len(),
            warnings: Vec::new(),
            tests,
        }
    }

    /// Records that the run selected `selected` tests and had to select at least `min_tests`:
    /// fewer makes it `FAIL`, whatever its tests did.
    pub(crate) fn require(mut self, min_tests: usize, selected: usize) -> Self {
        self.min_tests = min_tests;
        self.tests_selected = selected;
        if self.too_few_tests() {
            self.status = Status::Fail;
        }
        self
    }

    /// Whether the run passed.
    pub fn passed(&self) -> bool {
        self.status == Status::Pass
    }

    /// Whether the run selected fewer tests than its [minimum](Report::min_tests), which makes
    /// it `FAIL`.
    ///
    /// ```
    /// use smoketest::{Runner, Status, Tier};
    ///
    /// let report = Runner::new().filter("no test has this name").min_tests(1).run(Tier::Fast);
    /// assert!(report.too_few_tests());
    /// assert_eq!(report.status, Status::Fail);
    /// assert_eq!(report.tests_failed + report.tests_errored, 0);
    /// ```
    pub fn too_few_tests(&self) -> bool {
        self.tests_selected < self.min_tests
    }

    /// Why [`too_few_tests`](Report::too_few_tests) holds, in words every format uses: `0 tests
    /// selected, fewer than the 1 required`. `None` when the minimum was met.
    pub fn too_few_tests_reason(&self) -> Option<String> {
        self.too_few_tests().then(|| {
            let noun = if self.tests_selected == 1 {
                "test"
            } else {
                "tests"
            };
            format!(
                "{} {noun} selected, fewer than the {} required",
                self.tests_selected, self.min_tests
            )
        })
    }
}

impl TestReport {
    /// Cuts the message to at most `max_message` bytes and the backtrace to
    /// [`MAX_BACKTRACE_BYTES`], each at a character boundary and followed by a marker saying how
    /// many bytes were cut: `… [cut 10485760 bytes]`. Captured output is bounded as it is
    /// captured.
    pub(crate) fn cap(&mut self, max_message: usize) {
        for (text, max) in [
            (&mut self.message, max_message),
            (&mut self.backtrace, MAX_BACKTRACE_BYTES),
        ] {
            if let Some(text) = text {
                cut(text, max);
            }
        }
    }
}

/// `time` in RFC 3339, UTC, to the millisecond; `None` outside the years 1970 to 9999, which
/// the formatter cannot write.
fn rfc3339(time: SystemTime) -> Option<String> {
    // humantime's formatter panics before the epoch and fails after year 9999.
    const YEAR_10000: u64 = 253_402_300_800;
    let since_epoch = time.duration_since(UNIX_EPOCH).ok()?;
    if since_epoch.as_secs() >= YEAR_10000 {
        return None;
    }
    Some(humantime::format_rfc3339_millis(time).to_string())
}

/// Cuts `text` to at most `max` bytes at a character boundary, with a marker saying how much was
/// cut.
fn cut(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text.len() - end;
    text.truncate(end);
    // Writing to a String cannot fail.
    let _ = write!(text, "… [cut {cut} bytes]");
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
            attempts: 1,
            tags: Vec::new(),
            owner: None,
            runbook: None,
            backtrace: None,
            output: Vec::new(),
        }
    }

    /// The run id of [`sample`].
    pub(crate) const RUN_ID: &str = "0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b";

    /// Four tests in two suites: one passed, two failed, one errored (with a newline in its
    /// message); its run id is [`RUN_ID`].
    pub(crate) fn sample() -> Report {
        let mut report = Report::new(
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
        );
        report.run_id = RUN_ID.to_owned();
        report
    }

    #[test]
    fn started_is_rfc3339_utc_with_milliseconds_or_none_where_it_cannot_be_written() {
        let at = UNIX_EPOCH + Duration::from_millis(1_516_160_208_007);
        assert_eq!(rfc3339(at).as_deref(), Some("2018-01-17T03:36:48.007Z"));
        assert_eq!(
            rfc3339(UNIX_EPOCH).as_deref(),
            Some("1970-01-01T00:00:00.000Z")
        );
        assert_eq!(rfc3339(UNIX_EPOCH - Duration::from_secs(1)), None);
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(253_402_300_799)).as_deref(),
            Some("9999-12-31T23:59:59.000Z")
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(253_402_300_800)),
            None
        );
    }

    #[test]
    fn a_report_says_when_its_run_started() {
        let before = SystemTime::now();
        let report = Report::new(Tier::Fast, vec![], Duration::from_secs(60));
        let started = report.started.as_deref().expect("the clock is after 1970");
        let started = humantime::parse_rfc3339(started).unwrap();
        // A minute before the report was made, to the millisecond it is written with.
        let minute_before = before - Duration::from_secs(60);
        assert!(
            started + Duration::from_millis(1) >= minute_before,
            "{started:?}"
        );
        assert!(started <= SystemTime::now() - Duration::from_secs(60));
    }

    #[test]
    fn a_long_message_or_backtrace_is_cut_at_a_character_boundary_with_what_was_cut() {
        let mut report = test(
            "app::smoke::x",
            "app::smoke",
            Outcome::Errored,
            Some("ab€€"),
        );
        report.backtrace = Some("x".repeat(MAX_BACKTRACE_BYTES + 1));
        report.cap(3);
        // `€` is three bytes: the cut falls inside the first one, so it goes.
        assert_eq!(report.message.as_deref(), Some("ab… [cut 6 bytes]"));
        assert_eq!(
            report.backtrace,
            Some(format!(
                "{}… [cut 1 bytes]",
                "x".repeat(MAX_BACKTRACE_BYTES)
            ))
        );
        let mut short = test("app::smoke::y", "app::smoke", Outcome::Errored, Some("ab"));
        short.backtrace = Some("x".repeat(MAX_BACKTRACE_BYTES));
        short.cap(2);
        assert_eq!(short.message.as_deref(), Some("ab"));
        assert_eq!(
            short.backtrace.as_ref().map(String::len),
            Some(MAX_BACKTRACE_BYTES)
        );
    }
}
