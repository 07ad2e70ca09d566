//! The report as JUnit XML, the Ant / Jenkins / Surefire format that CI systems read.
//!
//! Escaping is done here rather than with an XML crate: the document is a fixed, shallow shape,
//! and the one hard part, characters XML 1.0 cannot carry at all (most control characters, even
//! as `&#…;` references), is not something writer crates handle either.

use std::fmt::Write as _;

use super::{Options, Spec};
use crate::outcome::Outcome;
use crate::report::{Report, TestReport};

pub(super) const SPEC: Spec = Spec {
    name: "junit",
    content_type: "application/xml",
    render,
};

/// The report as a JUnit XML document: one `<testsuite>` per suite, one `<testcase>` per
/// test, a `<failure>` or `<error>` child for each test that did not pass.
///
/// - `<testsuites name="smoketest">` carries the run's totals and its wall time; each
///   `<testsuite>` its suite's counts and the sum of its tests' times. Times are in seconds.
/// - A test case's `classname` is its suite (`app::smoke::Db`, or the module of a free test)
///   and its `name` the rest of the test name (`counts`).
/// - `<failure>` / `<error>` have the message in `message` (newlines kept as `&#10;`), the
///   outcome (`failed` / `errored`) in `type`, and as text the message, `at <file>:<line>`
///   and the backtrace, when known.
/// - Characters XML cannot hold (control characters other than tab, newline and carriage
///   return) are written as Rust escapes, e.g. `\u{1b}`.
/// - A run that selected fewer tests than its [minimum](crate::Runner::min_tests) gets one more
///   suite, `smoketest`, with a failed test case `min_tests` saying so, counted in the totals:
///   CI systems judge a JUnit file by its failures, so the `FAIL` shows there too.
///
/// ```
/// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
/// let xml = report.render(smoketest::render::Format::JUnit);
/// assert!(xml.starts_with(
///     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
///      <testsuites name=\"smoketest\" tests=\"0\" failures=\"0\" errors=\"0\" time=\""
/// ));
/// assert!(xml.ends_with("</testsuites>\n"));
/// ```
fn render(report: &Report, _: &Options) -> String {
    let mut xml = String::with_capacity(256 + 160 * report.tests.len());
    let too_few = report.too_few_tests_reason();
    let extra = usize::from(too_few.is_some());
    // Writing to a String cannot fail.
    let _ = writeln!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"smoketest\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">",
        report.tests_run + extra,
        report.tests_failed + extra,
        report.tests_errored,
        seconds(report.time)
    );
    if let Some(reason) = too_few {
        // Plain ASCII from numbers: nothing to escape.
        let _ = writeln!(
            xml,
            "  <testsuite name=\"smoketest\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0.000000\">\n\
             \x20   <testcase name=\"min_tests\" classname=\"smoketest\" time=\"0.000000\">\n\
             \x20     <failure message=\"{reason}\" type=\"min_tests\">{reason} (--min-tests / \
             Runner::min_tests)</failure>\n\
             \x20   </testcase>\n\
             \x20 </testsuite>"
        );
    }
    let mut tests: Vec<&TestReport> = report.tests.iter().collect();
    // Stable: tests keep their name order within a suite.
    tests.sort_by(|a, b| a.suite.cmp(&b.suite));
    for suite in tests.chunk_by(|a, b| a.suite == b.suite) {
        write_suite(&mut xml, suite);
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn write_suite(xml: &mut String, tests: &[&TestReport]) {
    let count = |outcome: Outcome| tests.iter().filter(|t| t.outcome == outcome).count();
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">",
        escape(&tests[0].suite, Context::Attribute),
        tests.len(),
        count(Outcome::Failed),
        count(Outcome::Errored),
        seconds(tests.iter().map(|t| t.time).sum())
    );
    for test in tests {
        let name = test
            .name
            .strip_prefix(&*test.suite)
            .and_then(|rest| rest.strip_prefix("::"))
            .filter(|rest| !rest.is_empty())
            .unwrap_or(&test.name);
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
            escape(name, Context::Attribute),
            escape(&test.suite, Context::Attribute),
            seconds(test.time)
        );
        let element = match test.outcome {
            Outcome::Passed | Outcome::Warned => None,
            Outcome::Failed => Some("failure"),
            Outcome::Errored => Some("error"),
        };
        if element.is_none() && test.output.is_empty() {
            xml.push_str("/>\n");
            continue;
        }
        xml.push_str(">\n");
        if let Some(element) = element {
            let message = test.message.as_deref().unwrap_or_default();
            let _ = write!(
                xml,
                "      <{element} message=\"{}\" type=\"{}\">{}",
                escape(message, Context::Attribute),
                test.outcome,
                escape(message, Context::Text)
            );
            if let Some(location) = &test.location {
                let _ = write!(xml, "\nat {}", escape(location, Context::Text));
            }
            if let Some(backtrace) = &test.backtrace {
                let _ = write!(xml, "\n\n{}", escape(backtrace, Context::Text));
            }
            let _ = writeln!(xml, "</{element}>");
        }
        if !test.output.is_empty() {
            // What the test logged through `tracing` (see `CaptureLayer`), one event a line.
            let _ = writeln!(
                xml,
                "      <system-out>{}</system-out>",
                escape(&test.output.join("\n"), Context::Text)
            );
        }
        xml.push_str("    </testcase>\n");
    }
    xml.push_str("  </testsuite>\n");
}

/// Milliseconds as the decimal seconds JUnit wants (`xs:decimal`: no exponent, no sign).
fn seconds(milliseconds: f64) -> String {
    format!("{:.6}", milliseconds.max(0.0) / 1000.0)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Inside `"…"`: whitespace other than a space is written as a reference, because parsers
    /// turn a literal tab or newline in an attribute into a space.
    Attribute,
    /// Element content: newlines and tabs stay as they are.
    Text,
}

/// Escapes `text` for XML 1.0. Markup characters become entities; `\r` becomes `&#13;` (parsers
/// turn a literal `\r\n` into `\n`); characters XML 1.0 cannot represent at all become the Rust
/// escape `\u{…}`, so the message stays readable and the document stays well-formed.
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
            '\n' if context == Context::Attribute => escaped.push_str("&#10;"),
            '\t' if context == Context::Attribute => escaped.push_str("&#9;"),
            '\n' | '\t' => escaped.push(c),
            // XML 1.0's Char production: no other C0 control, and not U+FFFE or U+FFFF (Rust
            // strings hold no surrogates).
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
    use std::time::Duration;

    use super::*;
    use crate::render::Format;
    use crate::report::tests::test;
    use crate::tier::Tier;

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#, Context::Text),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("]]>", Context::Text), "]]&gt;");
    }

    #[test]
    fn whitespace_survives_attribute_normalisation() {
        assert_eq!(
            escape("a\nb\tc\r\nd", Context::Attribute),
            "a&#10;b&#9;c&#13;&#10;d"
        );
        assert_eq!(escape("a\nb\tc\r\nd", Context::Text), "a\nb\tc&#13;\nd");
    }

    #[test]
    fn characters_xml_cannot_hold_become_rust_escapes() {
        assert_eq!(
            escape("\u{1b}[31mred\u{0}\u{7f}\u{fffe}é", Context::Text),
            "\\u{1b}[31mred\\u{0}\u{7f}\\u{fffe}é"
        );
    }

    #[test]
    fn the_document_has_a_suite_per_suite_and_a_case_per_test() {
        let report = Report::new(
            Tier::Fast,
            vec![
                test(
                    "app::smoke::B::z",
                    "app::smoke::B",
                    Outcome::Errored,
                    Some("panicked: <x>\ny"),
                ),
                test(
                    "app::smoke::A::b",
                    "app::smoke::A",
                    Outcome::Failed,
                    Some("1 != 2"),
                ),
                test("app::smoke::A::a", "app::smoke::A", Outcome::Passed, None),
                test("app::free", "app", Outcome::Passed, None),
            ],
            Duration::from_micros(1_200_307),
        );
        assert_eq!(
            report.render(Format::JUnit),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="smoketest" tests="4" failures="1" errors="1" time="1.200307">
  <testsuite name="app" tests="1" failures="0" errors="0" time="0.001500">
    <testcase name="free" classname="app" time="0.001500"/>
  </testsuite>
  <testsuite name="app::smoke::A" tests="2" failures="1" errors="0" time="0.003000">
    <testcase name="a" classname="app::smoke::A" time="0.001500"/>
    <testcase name="b" classname="app::smoke::A" time="0.001500">
      <failure message="1 != 2" type="failed">1 != 2
at src/smoke.rs:7</failure>
    </testcase>
  </testsuite>
  <testsuite name="app::smoke::B" tests="1" failures="0" errors="1" time="0.001500">
    <testcase name="z" classname="app::smoke::B" time="0.001500">
      <error message="panicked: &lt;x&gt;&#10;y" type="errored">panicked: &lt;x&gt;
y
at src/smoke.rs:7</error>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }

    #[test]
    fn a_name_outside_its_suite_is_kept_whole_and_a_backtrace_follows_the_location() {
        let mut odd = test("elsewhere::t", "app::S", Outcome::Errored, Some("boom"));
        odd.backtrace = Some("0: frame\n1: frame".into());
        let report = Report::new(Tier::Slow, vec![odd], Duration::ZERO);
        let xml = report.render(Format::JUnit);
        assert!(
            xml.contains(
                "<testcase name=\"elsewhere::t\" classname=\"app::S\" time=\"0.001500\">\n      \
                 <error message=\"boom\" type=\"errored\">boom\nat src/smoke.rs:7\n\n0: frame\n1: frame</error>"
            ),
            "{xml}"
        );
    }

    #[test]
    fn an_empty_run_is_an_empty_testsuites_element() {
        let report = Report::new(Tier::Fast, vec![], Duration::ZERO);
        assert_eq!(
            report.render(Format::JUnit),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"smoketest\" tests=\"0\" \
             failures=\"0\" errors=\"0\" time=\"0.000000\">\n</testsuites>\n"
        );
    }

    #[test]
    fn captured_output_goes_to_system_out_escaped() {
        let mut passed = test("app::smoke::logs", "app::smoke", Outcome::Passed, None);
        passed.output = vec!["INFO app: a < b".into(), "WARN app: done".into()];
        let mut failed = test(
            "app::smoke::fails",
            "app::smoke",
            Outcome::Failed,
            Some("no"),
        );
        failed.output = vec!["INFO app: before".into()];
        let quiet = test("app::smoke::quiet", "app::smoke", Outcome::Passed, None);
        let report = Report::new(Tier::Fast, vec![passed, failed, quiet], Duration::ZERO);
        let xml = report.render(Format::JUnit);
        assert!(
            xml.contains(
                "    <testcase name=\"fails\" classname=\"app::smoke\" time=\"0.001500\">\n      \
                 <failure message=\"no\" type=\"failed\">no\nat src/smoke.rs:7</failure>\n      \
                 <system-out>INFO app: before</system-out>\n    </testcase>\n"
            ),
            "{xml}"
        );
        assert!(
            xml.contains(
                "    <testcase name=\"logs\" classname=\"app::smoke\" time=\"0.001500\">\n      \
                 <system-out>INFO app: a &lt; b\nWARN app: done</system-out>\n    </testcase>\n"
            ),
            "{xml}"
        );
        assert!(xml.contains(
            "    <testcase name=\"quiet\" classname=\"app::smoke\" time=\"0.001500\"/>\n"
        ));
    }

    #[test]
    fn too_few_tests_is_a_failed_test_case_counted_in_the_totals() {
        let report = Report::new(Tier::Fast, vec![], Duration::ZERO).require(1, 0);
        assert_eq!(
            render(&report, &Options::new()),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"smoketest\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0.000000\">\n\
             \x20 <testsuite name=\"smoketest\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0.000000\">\n\
             \x20   <testcase name=\"min_tests\" classname=\"smoketest\" time=\"0.000000\">\n\
             \x20     <failure message=\"0 tests selected, fewer than the 1 required\" type=\"min_tests\">\
             0 tests selected, fewer than the 1 required (--min-tests / Runner::min_tests)</failure>\n\
             \x20   </testcase>\n\
             \x20 </testsuite>\n\
             </testsuites>\n"
        );
    }
}
