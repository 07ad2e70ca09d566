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
/// test, a `<failure>`, `<error>` or `<skipped>` child for each test that did not pass.
///
/// - `<testsuites name="smoketest">` carries the run's totals and its wall time; each
///   `<testsuite>` its suite's counts and the sum of its tests' times. Times are in seconds.
///   `skipped` counts are written only when not zero.
/// - A test case's `classname` is its suite (`app::smoke::Db`, or the module of a free test)
///   and its `name` the rest of the test name (`counts`).
/// - `<failure>` / `<error>` have the message in `message` (newlines kept as `&#10;`), the
///   outcome (`failed` / `errored`) in `type`, and as text the message, `at <file>:<line>`
///   and the backtrace, when known.
/// - A warned test (a `warn_only` test that failed or errored) is `<skipped message="warned:
///   <message>">` with the same text, and the property `outcome` = `warned`.
/// - Each `<testsuite>` has the property `run_id`, the run's [id](Report::run_id).
/// - A test's `<properties>`, when it has any: `outcome` (warned tests), `owner`, `runbook`,
///   `attempts` (when it ran more than once) and `tags` (comma-separated).
/// - Characters XML cannot hold (control characters other than tab, newline and carriage
///   return) are written as Rust escapes, e.g. `\u{1b}`.
/// - A run that selected fewer tests than its [minimum](crate::Runner::min_tests) gets one more
///   suite, `smoketest`, with a failed test case `min_tests` saying so, counted in the totals:
///   CI systems judge a JUnit file by its failures, so the `FAIL` shows there too. The run's
///   [warnings](Report::warnings) are a skipped test case `warnings` in that suite, one line
///   each: a skipped case and its message is what every CI system lists, where a property or
///   the output of a suite is shown by few.
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
    let own = Counts {
        tests: usize::from(too_few.is_some()) + usize::from(!report.warnings.is_empty()),
        failures: usize::from(too_few.is_some()),
        errors: 0,
        skipped: usize::from(!report.warnings.is_empty()),
    };
    let totals = Counts {
        tests: report.tests_run + own.tests,
        failures: report.tests_failed + own.failures,
        errors: report.tests_errored,
        skipped: report.tests_warned + own.skipped,
    };
    // Writing to a String cannot fail.
    let _ = writeln!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"smoketest\" {totals} time=\"{}\">",
        seconds(report.time)
    );
    if own.tests > 0 {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"smoketest\" {own} time=\"0.000000\">"
        );
        suite_properties(&mut xml, &report.run_id);
        if let Some(reason) = too_few {
            // Plain ASCII from numbers: nothing to escape.
            let _ = writeln!(
                xml,
                "    <testcase name=\"min_tests\" classname=\"smoketest\" time=\"0.000000\">\n\
                 \x20     <failure message=\"{reason}\" type=\"min_tests\">{reason} (--min-tests / \
                 Runner::min_tests)</failure>\n\
                 \x20   </testcase>"
            );
        }
        if !report.warnings.is_empty() {
            let warnings = report.warnings.join("\n");
            let _ = writeln!(
                xml,
                "    <testcase name=\"warnings\" classname=\"smoketest\" time=\"0.000000\">\n\
                 \x20     <skipped message=\"{}\">{}</skipped>\n\
                 \x20   </testcase>",
                escape(&warnings, Context::Attribute),
                escape(&warnings, Context::Text)
            );
        }
        xml.push_str("  </testsuite>\n");
    }
    let mut tests: Vec<&TestReport> = report.tests.iter().collect();
    // Stable: tests keep their name order within a suite.
    tests.sort_by(|a, b| a.suite.cmp(&b.suite));
    for suite in tests.chunk_by(|a, b| a.suite == b.suite) {
        write_suite(&mut xml, suite, &report.run_id);
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// The `tests`, `failures`, `errors` and (when not zero) `skipped` attributes of a suite.
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "tests=\"{}\" failures=\"{}\" errors=\"{}\"",
            self.tests, self.failures, self.errors
        )?;
        if self.skipped > 0 {
            write!(f, " skipped=\"{}\"", self.skipped)?;
        }
        Ok(())
    }
}

/// The suite's `<properties>`: the run's id, so that a CI system's file leads to the run's logs
/// and traces. Nothing for a report read back from before run ids.
fn suite_properties(xml: &mut String, run_id: &str) {
    if run_id.is_empty() {
        return;
    }
    let _ = writeln!(
        xml,
        "    <properties>\n      <property name=\"run_id\" value=\"{}\"/>\n    </properties>",
        escape(run_id, Context::Attribute)
    );
}

fn write_suite(xml: &mut String, tests: &[&TestReport], run_id: &str) {
    let count = |outcome: Outcome| tests.iter().filter(|t| t.outcome == outcome).count();
    let counts = Counts {
        tests: tests.len(),
        failures: count(Outcome::Failed),
        errors: count(Outcome::Errored),
        skipped: count(Outcome::Warned),
    };
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" {counts} time=\"{}\">",
        escape(&tests[0].suite, Context::Attribute),
        seconds(tests.iter().map(|t| t.time).sum())
    );
    suite_properties(xml, run_id);
    for test in tests {
        write_case(xml, test);
    }
    xml.push_str("  </testsuite>\n");
}

fn write_case(xml: &mut String, test: &TestReport) {
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
        Outcome::Passed => None,
        Outcome::Failed => Some("failure"),
        Outcome::Errored => Some("error"),
        // JUnit knows passed, failed, errored and skipped, and no "passed with a warning".
        // Skipped, with `warned: <message>` as the reason, is the one state Jenkins, GitLab and
        // the GitHub test reporters all show apart from passed tests, with its message, without
        // failing the build, as a warned test must not. A passing case with a property would be
        // listed as passed and its problem seen by nobody; a failure would fail the CI job the
        // test is `warn_only` not to fail. The property `outcome` says what the case really was.
        Outcome::Warned => Some("skipped"),
    };
    let properties = properties(test);
    if element.is_none() && properties.is_empty() && test.output.is_empty() {
        xml.push_str("/>\n");
        return;
    }
    xml.push_str(">\n");
    if !properties.is_empty() {
        xml.push_str("      <properties>\n");
        for (name, value) in &properties {
            let _ = writeln!(
                xml,
                "        <property name=\"{name}\" value=\"{}\"/>",
                escape(value, Context::Attribute)
            );
        }
        xml.push_str("      </properties>\n");
    }
    if let Some(element) = element {
        let message = test.message.as_deref().unwrap_or_default();
        let _ = write!(xml, "      <{element} message=\"");
        if test.outcome == Outcome::Warned {
            let _ = write!(xml, "{}: ", Outcome::Warned);
        }
        xml.push_str(&escape(message, Context::Attribute));
        xml.push('"');
        if test.outcome != Outcome::Warned {
            // `<skipped>` has no `type`.
            let _ = write!(xml, " type=\"{}\"", test.outcome);
        }
        let _ = write!(xml, ">{}", escape(message, Context::Text));
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

/// A test's properties, names and unescaped values: what a CI reader shows next to the case.
fn properties(test: &TestReport) -> Vec<(&'static str, String)> {
    let mut properties = Vec::new();
    if test.outcome == Outcome::Warned {
        properties.push(("outcome", Outcome::Warned.to_string()));
    }
    if let Some(owner) = &test.owner {
        properties.push(("owner", owner.to_string()));
    }
    if let Some(runbook) = &test.runbook {
        properties.push(("runbook", runbook.to_string()));
    }
    if test.attempts > 1 {
        properties.push(("attempts", test.attempts.to_string()));
    }
    if !test.tags.is_empty() {
        properties.push(("tags", test.tags.join(",")));
    }
    properties
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
    fn every_suite_has_the_run_id_as_a_property_and_a_report_without_one_has_none() {
        let mut report = crate::report::tests::sample();
        let xml = render(&report, &Options::new());
        let property = "    <properties>\n      <property name=\"run_id\" \
                        value=\"0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b\"/>\n    </properties>\n";
        assert!(
            xml.contains(&format!(
                "  <testsuite name=\"app::smoke::A\" tests=\"2\" failures=\"1\" errors=\"0\" \
                 time=\"0.003000\">\n{property}    <testcase name=\"a\""
            )),
            "{xml}"
        );
        assert_eq!(xml.matches(property).count(), 2, "{xml}");
        report.warnings = vec!["w".into()];
        let xml = render(&report, &Options::new());
        assert!(
            xml.contains(&format!(
                "<testsuite name=\"smoketest\" tests=\"1\" failures=\"0\" errors=\"0\" \
                 skipped=\"1\" time=\"0.000000\">\n{property}"
            )),
            "{xml}"
        );
        report.run_id = String::new();
        assert!(!render(&report, &Options::new()).contains("run_id"));
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
    #[test]
    fn a_warned_test_is_skipped_with_its_reason_and_tests_carry_their_properties() {
        let mut warned = test(
            "app::smoke::cache",
            "app::smoke",
            Outcome::Warned,
            Some("cold <cache>"),
        );
        warned.owner = Some("team \"cache\"".into());
        warned.runbook = Some("https://runbooks.example.com/cache?a=1&b=2".into());
        warned.attempts = 2;
        let mut flaky = test("app::smoke::flaky", "app::smoke", Outcome::Passed, None);
        flaky.attempts = 3;
        flaky.tags = vec!["ready".into(), "db".into()];
        let plain = test("app::smoke::plain", "app::smoke", Outcome::Passed, None);
        let report = Report::new(Tier::Fast, vec![warned, flaky, plain], Duration::ZERO);
        assert_eq!(
            report.render(Format::JUnit),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="smoketest" tests="3" failures="0" errors="0" skipped="1" time="0.000000">
  <testsuite name="app::smoke" tests="3" failures="0" errors="0" skipped="1" time="0.004500">
    <testcase name="cache" classname="app::smoke" time="0.001500">
      <properties>
        <property name="outcome" value="warned"/>
        <property name="owner" value="team &quot;cache&quot;"/>
        <property name="runbook" value="https://runbooks.example.com/cache?a=1&amp;b=2"/>
        <property name="attempts" value="2"/>
      </properties>
      <skipped message="warned: cold &lt;cache&gt;">cold &lt;cache&gt;
at src/smoke.rs:7</skipped>
    </testcase>
    <testcase name="flaky" classname="app::smoke" time="0.001500">
      <properties>
        <property name="attempts" value="3"/>
        <property name="tags" value="ready,db"/>
      </properties>
    </testcase>
    <testcase name="plain" classname="app::smoke" time="0.001500"/>
  </testsuite>
</testsuites>
"#
        );
    }

    #[test]
    fn the_runs_warnings_are_a_skipped_case_next_to_the_minimums_failure() {
        let mut report = Report::new(Tier::Fast, vec![], Duration::ZERO).require(1, 0);
        report.warnings = vec![
            "excluded name \"a\" matches no test".into(),
            "excluded name \"b\u{1b}\" matches no test".into(),
        ];
        assert_eq!(
            render(&report, &Options::new()),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"smoketest\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"0.000000\">\n\
             \x20 <testsuite name=\"smoketest\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"0.000000\">\n\
             \x20   <testcase name=\"min_tests\" classname=\"smoketest\" time=\"0.000000\">\n\
             \x20     <failure message=\"0 tests selected, fewer than the 1 required\" type=\"min_tests\">\
             0 tests selected, fewer than the 1 required (--min-tests / Runner::min_tests)</failure>\n\
             \x20   </testcase>\n\
             \x20   <testcase name=\"warnings\" classname=\"smoketest\" time=\"0.000000\">\n\
             \x20     <skipped message=\"excluded name &quot;a&quot; matches no test&#10;excluded name \
             &quot;b\\u{1b}&quot; matches no test\">excluded name &quot;a&quot; matches no test\n\
             excluded name &quot;b\\u{1b}&quot; matches no test</skipped>\n\
             \x20   </testcase>\n\
             \x20 </testsuite>\n\
             </testsuites>\n"
        );
        // Warnings alone: the suite has the skipped case only.
        report = Report::new(Tier::Fast, vec![], Duration::ZERO);
        report.warnings = vec!["excluded name \"a\" matches no test".into()];
        assert!(render(&report, &Options::new()).contains(
            "<testsuites name=\"smoketest\" tests=\"1\" failures=\"0\" errors=\"0\" \
                 skipped=\"1\" time=\"0.000000\">\n  <testsuite name=\"smoketest\" tests=\"1\" \
                 failures=\"0\" errors=\"0\" skipped=\"1\" time=\"0.000000\">\n    \
                 <testcase name=\"warnings\" "
        ));
    }
}
