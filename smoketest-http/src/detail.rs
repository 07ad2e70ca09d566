//! Detail levels: what a caller who is not authorized sees of a report.

use serde::Serialize;
use smoketest::{Report, Status, Tier};

use crate::negotiate::Format;

/// What callers who are not authorized see (set with
/// [`SmokeEndpoint::anonymous`](crate::SmokeEndpoint::anonymous)). Authorized callers always see
/// everything: names, messages, locations, captured output (all of it
/// [redacted](crate::SmokeEndpoint::redactor)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Detail {
    /// Nothing: 401 (or 403 when only a predicate is configured, as no credential could help).
    /// The default once a bearer token or a predicate is configured.
    None,
    /// The status and the counts, no test names or messages: the text report's seven lines,
    /// and JSON with only `status`, `test_classes`, `tests_run`, `tests_passed`,
    /// `tests_failed`, `tests_errored`, `time`, `tier` and `"detail": "summary"` (plus `age`
    /// when the report is a stored one); Prometheus gets the run totals without the per-test
    /// series, HTML the banner and counts without the table. The status code is the report's
    /// (200 on PASS, the FAIL status otherwise), so a load balancer needs no credentials.
    Summary,
    /// Everything, as authorized callers see it. The default without access control.
    Full,
}

/// The summary in JSON: the contract's keys that name no test, in the full report's order.
#[derive(Serialize)]
struct Summary {
    status: Status,
    test_classes: usize,
    tests_run: usize,
    tests_passed: usize,
    tests_failed: usize,
    tests_errored: usize,
    time: f64,
    tier: Tier,
    /// Says why the names are missing.
    detail: &'static str,
}

/// The summary of `report` in `format`; `full_text` is the report's text rendering, whose first
/// seven lines are the summary, byte for byte.
pub(crate) fn summary_body(format: Format, report: &Report, full_text: &str) -> String {
    match format {
        Format::Text => first_lines(full_text, 7).to_owned(),
        Format::Json => {
            let summary = Summary {
                status: report.status,
                test_classes: report.test_classes,
                tests_run: report.tests_run,
                tests_passed: report.tests_passed,
                tests_failed: report.tests_failed,
                tests_errored: report.tests_errored,
                time: report.time,
                tier: report.tier,
                detail: "summary",
            };
            // Numbers, strings and unit enums only: serialisation cannot fail.
            serde_json::to_string(&summary).expect("a summary always serialises")
        }
        // The other formats render the report without its tests: run totals only.
        Format::Prometheus => crate::prometheus::render(&without_tests(report)),
        Format::Html => crate::html::render(&without_tests(report)),
    }
}

/// `report` with its counts and no test: no names, no messages.
fn without_tests(report: &Report) -> Report {
    let mut summary = report.clone();
    summary.tests.clear();
    summary.failed_tests.clear();
    summary.errored_tests.clear();
    summary
}

/// The first `count` lines of `text`, each with its newline.
fn first_lines(text: &str, count: usize) -> &str {
    let end = text
        .match_indices('\n')
        .nth(count - 1)
        .map_or(text.len(), |(at, _)| at + 1);
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_lines_keeps_their_newlines() {
        assert_eq!(first_lines("a\nb\nc\n", 2), "a\nb\n");
        assert_eq!(first_lines("a\nb\n", 7), "a\nb\n");
        assert_eq!(first_lines("", 7), "");
    }
}
