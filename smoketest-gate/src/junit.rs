//! `--junit FILE`: the fleet as one JUnit XML document, which CI systems show as test results.
//!
//! - `<testsuites name="smoketest-gate">` with the totals and the gate's wall time.
//! - One `<testsuite>` per instance, named by its URL, in the order given, with the properties
//!   `status` (PASS, FAIL or UNREACHABLE) and `run_id` (when the report has one); its time is
//!   the run's.
//! - In it, one `<testcase>` per smoke test when the report has per-test details (the caller's
//!   token lets it see them), with the instance's URL as `classname` and the test's full name as
//!   `name`: `<failure>` for a failed test, `<error>` for an errored one, `<skipped
//!   message="warned: …">` for a `warn_only` test that failed (as smoketest's own JUnit file
//!   has it), each with the test's message.
//! - Otherwise one test case, `report`: passed, or a `<failure>` listing the counts and the
//!   failing names the report gives; and for an instance without a report an `<error
//!   type="unreachable">` saying why.
//!
//! Escaping is done here as in smoketest's own JUnit renderer: the document is a fixed, shallow
//! shape, and characters XML 1.0 cannot hold at all are written as Rust escapes.

use std::fmt::Write as _;

use crate::answer::{Answer, Report};
use crate::targets::Target;
use crate::verdict::Verdict;

/// The document for `answers`, per target in input order; `elapsed` is the gate's wall time in
/// seconds.
pub(crate) fn render(targets: &[Target], answers: &[Option<Answer>], elapsed: f64) -> String {
    let suites: Vec<Suite> = targets
        .iter()
        .zip(answers)
        .map(|(target, answer)| suite(target, answer.as_ref()))
        .collect();
    let sum = |count: fn(&Suite) -> usize| suites.iter().map(count).sum::<usize>();
    let mut xml = String::new();
    let _ = writeln!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"smoketest-gate\" \
         tests=\"{}\" failures=\"{}\" errors=\"{}\"{} time=\"{}\">",
        sum(|s| s.cases.len()),
        sum(|s| s.count("failure")),
        sum(|s| s.count("error")),
        skipped(sum(|s| s.count("skipped"))),
        seconds(elapsed * 1000.0)
    );
    for suite in &suites {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\"{} time=\"{}\">",
            escape(&suite.name, Attribute),
            suite.cases.len(),
            suite.count("failure"),
            suite.count("error"),
            skipped(suite.count("skipped")),
            seconds(suite.time)
        );
        xml.push_str("    <properties>\n");
        for (name, value) in &suite.properties {
            let _ = writeln!(
                xml,
                "      <property name=\"{name}\" value=\"{}\"/>",
                escape(value, Attribute)
            );
        }
        xml.push_str("    </properties>\n");
        for case in &suite.cases {
            let _ = write!(
                xml,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                escape(&case.name, Attribute),
                escape(&suite.name, Attribute),
                seconds(case.time)
            );
            match &case.problem {
                None => xml.push_str("/>\n"),
                Some(problem) => {
                    let _ = write!(
                        xml,
                        ">\n      <{} message=\"{}\"",
                        problem.element,
                        escape(&problem.message, Attribute)
                    );
                    if let Some(kind) = &problem.kind {
                        let _ = write!(xml, " type=\"{}\"", escape(kind, Attribute));
                    }
                    let _ = writeln!(
                        xml,
                        ">{}</{}>\n    </testcase>",
                        escape(&problem.text, Text),
                        problem.element
                    );
                }
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

struct Suite {
    name: String,
    /// Milliseconds.
    time: f64,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case>,
}

impl Suite {
    fn count(&self, element: &str) -> usize {
        self.cases
            .iter()
            .filter(|case| case.problem.as_ref().is_some_and(|p| p.element == element))
            .count()
    }
}

struct Case {
    name: String,
    /// Milliseconds.
    time: f64,
    problem: Option<Problem>,
}

/// A `<failure>`, `<error>` or `<skipped>` child.
struct Problem {
    element: &'static str,
    message: String,
    /// The `type` attribute; `<skipped>` has none.
    kind: Option<String>,
    text: String,
}

fn suite(target: &Target, answer: Option<&Answer>) -> Suite {
    let verdict = Verdict::of(answer);
    let mut properties = vec![("status", verdict.as_str().to_owned())];
    let (time, cases) = match answer {
        Some(Answer::Report(report)) => {
            if let Some(run_id) = &report.run_id {
                properties.push(("run_id", run_id.clone()));
            }
            (report.time.unwrap_or_default(), report_cases(report))
        }
        Some(Answer::NoReport(reason)) => (0.0, vec![unreachable(reason)]),
        None => (
            0.0,
            vec![unreachable(
                "not asked before the deadline: every request slot was taken",
            )],
        ),
    };
    Suite {
        name: target.url.clone(),
        time,
        properties,
        cases,
    }
}

fn report_cases(report: &Report) -> Vec<Case> {
    if report.tests.is_empty() {
        let problem = (report.status == crate::answer::Status::Fail).then(|| {
            let mut message = format!(
                "FAIL: {} failed, {} errored of {} tests",
                report.tests_failed, report.tests_errored, report.tests_run
            );
            if !report.failing.is_empty() {
                let _ = write!(message, ": {}", report.failing.join(", "));
            }
            Problem {
                element: "failure",
                text: message.clone(),
                message,
                kind: Some("FAIL".to_owned()),
            }
        });
        return vec![Case {
            name: "report".to_owned(),
            time: report.time.unwrap_or_default(),
            problem,
        }];
    }
    report
        .tests
        .iter()
        .map(|test| {
            let message = test.message.clone().unwrap_or_default();
            let problem = match test.outcome.as_str() {
                "passed" => None,
                "warned" => Some(Problem {
                    element: "skipped",
                    message: format!("warned: {message}"),
                    kind: None,
                    text: message,
                }),
                "failed" => Some(Problem {
                    element: "failure",
                    message: message.clone(),
                    kind: Some("failed".to_owned()),
                    text: message,
                }),
                other => Some(Problem {
                    element: "error",
                    message: message.clone(),
                    kind: Some(other.to_owned()),
                    text: message,
                }),
            };
            Case {
                name: if test.name.trim().is_empty() {
                    "(unnamed)".to_owned()
                } else {
                    test.name.clone()
                },
                time: test.time.unwrap_or_default(),
                problem,
            }
        })
        .collect()
}

fn unreachable(reason: &str) -> Case {
    Case {
        name: "report".to_owned(),
        time: 0.0,
        problem: Some(Problem {
            element: "error",
            message: reason.to_owned(),
            kind: Some("unreachable".to_owned()),
            text: reason.to_owned(),
        }),
    }
}

/// ` skipped="N"` when N is not zero.
fn skipped(count: usize) -> String {
    if count == 0 {
        String::new()
    } else {
        format!(" skipped=\"{count}\"")
    }
}

/// Milliseconds as the decimal seconds JUnit wants (`xs:decimal`: no exponent, no sign).
fn seconds(milliseconds: f64) -> String {
    let milliseconds = if milliseconds.is_finite() {
        milliseconds.max(0.0)
    } else {
        0.0
    };
    format!("{:.6}", milliseconds / 1000.0)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Inside `"…"`: whitespace other than a space is written as a reference, because parsers
    /// turn a literal tab or newline in an attribute into a space.
    Attribute,
    /// Element content: newlines and tabs stay as they are.
    Text,
}
use Context::{Attribute, Text};

/// Escapes `text` for XML 1.0: markup characters as entities, `\r` as `&#13;`, characters XML
/// 1.0 cannot represent at all as the Rust escape `\u{…}`.
fn escape(text: &str, context: Context) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\r' => escaped.push_str("&#13;"),
            '\n' if context == Attribute => escaped.push_str("&#10;"),
            '\t' if context == Attribute => escaped.push_str("&#9;"),
            '\n' | '\t' => escaped.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_the_document_well_formed() {
        assert_eq!(
            escape("<a b=\"c\">&'\u{1b}\n", Attribute),
            "&lt;a b=&quot;c&quot;&gt;&amp;&apos;\\u{1b}&#10;"
        );
        assert_eq!(escape("a\nb\r", Text), "a\nb&#13;");
    }
}
