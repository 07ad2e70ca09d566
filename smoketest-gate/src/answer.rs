//! What one poll of an instance learnt: a smoketest JSON report, read leniently, or why there is
//! none.
//!
//! The report is read from the keys the JSON format promises to keep (`status`, the counts,
//! `failed_tests`, `errored_tests`, `time`) plus the optional ones that say more when the caller
//! may see them (`run_id`, per-test `tests`). Not `smoketest::Report`: that type wants every key
//! of a full report, and an endpoint answers a caller without the token with a summary (status and
//! counts only), which the gate must read as well. So the gate also reads reports of older and
//! newer servers, and of django-smoketest, whose arrays hold `name failed: message` strings.

use serde::Deserialize;

/// Whether an instance's report passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Pass,
    Fail,
}

/// One test of a report's per-test details.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub(crate) struct Test {
    pub(crate) name: String,
    /// `passed`, `failed`, `errored` or `warned`; anything else is taken for a failure.
    pub(crate) outcome: String,
    #[serde(default)]
    pub(crate) message: Option<String>,
    /// Milliseconds.
    #[serde(default)]
    pub(crate) time: Option<f64>,
}

/// The report an instance answered with.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Report {
    pub(crate) status: Status,
    pub(crate) tests_run: u64,
    pub(crate) tests_passed: u64,
    pub(crate) tests_failed: u64,
    pub(crate) tests_errored: u64,
    /// Failed, then errored test names; empty when the caller was given a summary.
    pub(crate) failing: Vec<String>,
    /// The run's wall time in milliseconds; `None` when the report's is missing or absurd
    /// (negative, or more than a day).
    pub(crate) time: Option<f64>,
    /// `None` when the server does not say (an older server, or django-smoketest).
    pub(crate) run_id: Option<String>,
    /// Per-test details; empty when the caller was given a summary.
    pub(crate) tests: Vec<Test>,
    /// The server answered with a summary (`"detail": "summary"`): no names, no messages.
    pub(crate) summary_only: bool,
}

/// What one poll learnt.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Answer {
    Report(Report),
    /// No report: the instance could not be reached, did not answer in time, or answered
    /// something else than a smoketest report. The reason is one line, for the table.
    NoReport(String),
}

impl Answer {
    pub(crate) fn passed(&self) -> bool {
        matches!(self, Answer::Report(report) if report.status == Status::Pass)
    }
}

/// The keys read from the JSON; unknown keys are ignored.
#[derive(Deserialize)]
struct Wire {
    status: String,
    tests_run: u64,
    tests_passed: u64,
    tests_failed: u64,
    tests_errored: u64,
    #[serde(default)]
    failed_tests: Vec<String>,
    #[serde(default)]
    errored_tests: Vec<String>,
    #[serde(default)]
    time: Option<f64>,
    #[serde(default)]
    run_id: Option<String>,
    #[serde(default)]
    tests: Vec<Test>,
    #[serde(default)]
    detail: Option<String>,
}

/// A day: no smoke-test run takes longer, so a report saying more is not believed.
const MAX_TIME_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// Reads a JSON report from `body`, or says in one line what was expected and what came.
pub(crate) fn parse(body: &[u8]) -> Result<Report, String> {
    let wire: Wire = serde_json::from_slice(body).map_err(|error| {
        format!(
            "not a smoketest JSON report ({error}); the body starts with {}",
            quoted_start(body)
        )
    })?;
    let status = match wire.status.as_str() {
        "PASS" => Status::Pass,
        "FAIL" => Status::Fail,
        other => {
            return Err(format!(
                "not a smoketest JSON report: expected \"status\": \"PASS\" or \"FAIL\", got {}",
                quoted_start(other.as_bytes())
            ));
        }
    };
    let mut failing = wire.failed_tests;
    failing.extend(wire.errored_tests);
    Ok(Report {
        status,
        tests_run: wire.tests_run,
        tests_passed: wire.tests_passed,
        tests_failed: wire.tests_failed,
        tests_errored: wire.tests_errored,
        failing,
        time: wire.time.filter(|ms| (0.0..=MAX_TIME_MS).contains(ms)),
        run_id: wire.run_id.filter(|id| !id.is_empty()),
        tests: wire.tests,
        summary_only: wire.detail.as_deref() == Some("summary"),
    })
}

/// The first 60 characters of `bytes`, quoted and escaped as Rust would: enough to recognise an
/// HTML page or a proxy's error, never a whole hostile body.
pub(crate) fn quoted_start(bytes: &[u8]) -> String {
    const SHOWN: usize = 60;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4 * SHOWN)]);
    let start: String = text.chars().take(SHOWN).collect();
    let more = if text.chars().nth(SHOWN).is_some() || bytes.len() > 4 * SHOWN {
        "…"
    } else {
        ""
    };
    format!("{start:?}{more}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_report_gives_names_details_and_run_id() {
        let report = parse(
            br#"{"status":"FAIL","test_classes":1,"tests_run":3,"tests_passed":1,
                "tests_failed":1,"tests_errored":1,"failed_tests":["a::b"],
                "errored_tests":["a::c"],"time":1.5,"run_id":"0192","tier":"fast",
                "tests":[{"name":"a::b","suite":"a","outcome":"failed","time":0.5,
                          "message":"no","slow":false,"rolled_back":false}]}"#,
        )
        .unwrap();
        assert_eq!(report.status, Status::Fail);
        assert_eq!(report.failing, ["a::b", "a::c"]);
        assert_eq!(report.run_id.as_deref(), Some("0192"));
        assert_eq!(report.tests.len(), 1);
        assert_eq!(report.tests[0].message.as_deref(), Some("no"));
        assert!(!report.summary_only);
    }

    #[test]
    fn a_summary_has_counts_only() {
        let report = parse(
            br#"{"status":"PASS","test_classes":1,"tests_run":2,"tests_passed":2,
                "tests_failed":0,"tests_errored":0,"time":0.25,"tier":"fast","detail":"summary"}"#,
        )
        .unwrap();
        assert_eq!(report.status, Status::Pass);
        assert_eq!((report.tests_passed, report.tests_run), (2, 2));
        assert_eq!(report.run_id, None);
        assert!(report.summary_only);
    }

    #[test]
    fn anything_else_says_what_was_expected_and_what_came() {
        assert_eq!(
            parse(b"<html><body>Bad gateway</body></html>").unwrap_err(),
            "not a smoketest JSON report (expected value at line 1 column 1); the body starts \
             with \"<html><body>Bad gateway</body></html>\""
        );
        assert_eq!(
            parse(br#"{"status":"OK","tests_run":0,"tests_passed":0,"tests_failed":0,"tests_errored":0}"#)
                .unwrap_err(),
            "not a smoketest JSON report: expected \"status\": \"PASS\" or \"FAIL\", got \"OK\""
        );
        let long = "x".repeat(1000);
        assert_eq!(
            parse(long.as_bytes()).unwrap_err(),
            format!(
                "not a smoketest JSON report (expected value at line 1 column 1); the body \
                 starts with \"{}\"…",
                "x".repeat(60)
            )
        );
    }

    #[test]
    fn deep_nesting_costs_no_stack() {
        let depth = 100_000;
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let report = |key: &str| {
            format!(
                r#"{{"status":"PASS","tests_run":0,"tests_passed":0,"tests_failed":0,
                    "tests_errored":0,"{key}":{nested}}}"#
            )
        };
        // Unknown keys are skipped, not built.
        assert_eq!(parse(report("x").as_bytes()).unwrap().status, Status::Pass);
        assert_eq!(
            parse(report("failed_tests").as_bytes()).unwrap_err(),
            format!(
                "not a smoketest JSON report (invalid type: sequence, expected a string at line 2 \
                 column 54); the body starts with {}…",
                quoted_start(report("failed_tests").as_bytes()).trim_end_matches('…')
            )
        );
    }
}
