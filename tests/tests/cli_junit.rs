//! `--junit PATH` from real binaries: the normal report on stdout, and a JUnit XML file that
//! validates against the schema of the format (tests/schema/junit.xsd, with `xmllint`) and reads
//! back to the same tests, outcomes and messages as the JSON report of the same run.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASS: &str = env!("CARGO_BIN_EXE_pass-cli");
const FAIL: &str = env!("CARGO_BIN_EXE_fail-cli");
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/junit.xsd");

fn run(binary: &str, args: &[&str], backtrace: bool) -> Output {
    Command::new(binary)
        .args(args)
        .env_remove("SMOKETEST_APPS")
        .env_remove("SMOKETEST_SKIP_APPS")
        .env("RUST_BACKTRACE", if backtrace { "1" } else { "0" })
        .output()
        .expect("the fixture binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A fresh path for this test's report, under cargo's scratch directory for integration tests.
fn report_path(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_junit");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{test}.xml"));
    let _ = std::fs::remove_file(&path);
    path
}

/// Validates the file with `xmllint --schema` (Debian's `libxml2-utils`). Without xmllint: under
/// CI (`CI=true`) the test fails saying how to install it; elsewhere the validation is skipped,
/// loudly on stderr, and the test goes on with its own checks of the document.
fn assert_valid(path: &Path) {
    let install = "apt-get update && apt-get install -y libxml2-utils";
    let output = match Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA])
        .arg(path)
        .output()
    {
        Ok(output) => output,
        Err(error) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("xmllint does not run ({error}); install it with `{install}`")
        }
        Err(error) => {
            // Straight to stderr, past the test harness's capture of `eprintln!`: a skip is said
            // even when the test passes.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED schema validation of {}: xmllint does not run ({error}); install \
                 it with `{install}` ***\n",
                path.display()
            );
            return;
        }
    };
    assert!(
        output.status.success(),
        "{} does not validate against {SCHEMA}:\n{}",
        path.display(),
        stderr(&output)
    );
}

fn attribute<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", node.tag_name().name()))
}

fn elements<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> {
    node.children()
        .filter(move |child| child.is_element() && child.tag_name().name() == name)
}

fn count(node: roxmltree::Node<'_, '_>, name: &str) -> u64 {
    attribute(node, name).parse().unwrap()
}

#[test]
fn a_passing_run_writes_a_valid_report_and_still_prints_the_text() {
    let path = report_path("pass");
    let output = run(PASS, &["--slow", "--junit", path.to_str().unwrap()], false);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).starts_with("PASS\ntest classes: 4\ntests run: 6\n"),
        "{}",
        stdout(&output)
    );
    assert_eq!(stderr(&output), "");
    assert_valid(&path);

    let xml = std::fs::read_to_string(&path).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(attribute(root, "name"), "smoketest");
    assert_eq!(
        ["tests", "failures", "errors"].map(|name| count(root, name)),
        [6, 0, 0]
    );
    let suites: Vec<_> = elements(root, "testsuite")
        .map(|suite| (attribute(suite, "name"), count(suite, "tests")))
        .collect();
    assert_eq!(
        suites,
        [
            ("fixture_linked::smoke", 1),
            ("fixture_pass::smoke", 1),
            ("fixture_pass::smoke::Catalog", 3),
            ("fixture_pass::smoke::Remote", 1),
        ]
    );
    let catalog = elements(root, "testsuite").nth(2).unwrap();
    let cases: Vec<_> = elements(catalog, "testcase")
        .map(|case| (attribute(case, "classname"), attribute(case, "name")))
        .collect();
    assert_eq!(
        cases,
        [
            ("fixture_pass::smoke::Catalog", "catalog_has_items"),
            ("fixture_pass::smoke::Catalog", "catalog_lists_apple"),
            ("fixture_pass::smoke::Catalog", "full_scan"),
        ]
    );
    assert!(
        root.descendants()
            .all(|node| !matches!(node.tag_name().name(), "failure" | "error"))
    );
}

#[test]
fn a_failing_run_writes_every_test_with_the_outcome_and_message_of_the_json_report() {
    let path = report_path("fail");
    let output = run(FAIL, &["--json", "--junit", path.to_str().unwrap()], false);
    assert_eq!(output.status.code(), Some(1));
    assert_valid(&path);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();

    let xml = std::fs::read_to_string(&path).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let root = document.root_element();
    assert_eq!(
        ["tests", "failures", "errors"].map(|name| count(root, name)),
        [17, 5, 11]
    );
    let run_seconds: f64 = attribute(root, "time").parse().unwrap();
    assert!((run_seconds * 1000.0 - json["time"].as_f64().unwrap()).abs() < 0.001);

    let mut cases = Vec::new();
    for suite in elements(root, "testsuite") {
        let suite_cases: Vec<_> = elements(suite, "testcase").collect();
        assert_eq!(count(suite, "tests"), suite_cases.len() as u64);
        let with = |name: &'static str| {
            suite_cases
                .iter()
                .filter(|case| elements(**case, name).next().is_some())
                .count() as u64
        };
        assert_eq!(count(suite, "failures"), with("failure"));
        assert_eq!(count(suite, "errors"), with("error"));
        for case in suite_cases {
            assert_eq!(attribute(case, "classname"), attribute(suite, "name"));
            cases.push(case);
        }
    }
    let tests = json["tests"].as_array().unwrap();
    assert_eq!(cases.len(), tests.len());
    for test in tests {
        let name = test["name"].as_str().unwrap();
        let suite = test["suite"].as_str().unwrap();
        let case = cases
            .iter()
            .find(|case| {
                format!(
                    "{}::{}",
                    attribute(**case, "classname"),
                    attribute(**case, "name")
                ) == name
            })
            .unwrap_or_else(|| panic!("no <testcase> for {name}"));
        assert_eq!(attribute(*case, "classname"), suite);
        let seconds: f64 = attribute(*case, "time").parse().unwrap();
        assert!((seconds * 1000.0 - test["time"].as_f64().unwrap()).abs() < 0.001);
        let problem = case.children().find(|child| child.is_element());
        match test["outcome"].as_str().unwrap() {
            "passed" => assert_eq!(problem, None, "{name}"),
            outcome => {
                let problem = problem.unwrap();
                let element = if outcome == "failed" {
                    "failure"
                } else {
                    "error"
                };
                assert_eq!(problem.tag_name().name(), element, "{name}");
                assert_eq!(attribute(problem, "type"), outcome);
                // Newlines in the attribute survive: std_assert_eq's message has two.
                let message = test["message"].as_str().unwrap();
                assert_eq!(attribute(problem, "message"), message, "{name}");
                assert_eq!(
                    problem.text().unwrap(),
                    format!("{message}\nat {}", test["location"].as_str().unwrap()),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn failure_and_error_elements_carry_the_message_and_the_source_line() {
    let path = report_path("assertions");
    let output = run(
        FAIL,
        &[
            "--filter",
            "assert_default_message",
            "--filter",
            "smoke::panics",
            "--junit",
        ],
        false,
    );
    // `--junit` without a path is a usage error: nothing runs, nothing is written.
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: --junit needs a value: a file path for the JUnit XML report (see --help)\n"
    );

    let output = run(
        FAIL,
        &[
            "--filter",
            "assert_default_message",
            "--filter",
            "smoke::panics",
            &format!("--junit={}", path.display()),
        ],
        false,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_valid(&path);
    let xml = std::fs::read_to_string(&path).unwrap();
    let at = |line: u32| format!("at tests/fixtures/fail/src/smoke.rs:{line}");
    assert!(
        xml.contains(
            "<testcase name=\"assert_default_message\" classname=\"fixture_fail::smoke\" time=\""
        ),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            "<failure message=\"2 != 3\" type=\"failed\">2 != 3\n{}</failure>",
            at(fixture_fail::smoke::DEFAULT_MESSAGE_LINE)
        )),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            "<error message=\"panicked: payment gateway client not initialised\" type=\"errored\">\
             panicked: payment gateway client not initialised\n{}</error>",
            at(fixture_fail::smoke::PANIC_LINE)
        )),
        "{xml}"
    );
}

#[test]
fn rust_backtrace_adds_the_backtrace_after_the_location() {
    let path = report_path("backtrace");
    let output = run(
        FAIL,
        &[
            "--filter",
            "smoke::panics",
            "--junit",
            path.to_str().unwrap(),
        ],
        true,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_valid(&path);
    let xml = std::fs::read_to_string(&path).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let error = document
        .descendants()
        .find(|node| node.has_tag_name("error"))
        .unwrap();
    let text = error.text().unwrap();
    let (head, backtrace) = text
        .split_once("\n\n")
        .expect("a blank line before the backtrace");
    assert_eq!(
        head,
        format!(
            "panicked: payment gateway client not initialised\nat tests/fixtures/fail/src/smoke.rs:{}",
            fixture_fail::smoke::PANIC_LINE
        )
    );
    assert!(
        backtrace.contains("fixture_fail::smoke::panics"),
        "{backtrace}"
    );
}

#[test]
fn an_unwritable_path_is_one_line_on_stderr_and_exit_2_before_any_test_runs() {
    for (path, reason) in [
        (
            "/nonexistent-dir/report.xml",
            "No such file or directory (os error 2)",
        ),
        ("/", "Is a directory (os error 21)"),
    ] {
        let output = run(FAIL, &["--junit", path], false);
        assert_eq!(output.status.code(), Some(2), "{path}");
        assert_eq!(
            stderr(&output),
            format!("error: cannot write the JUnit report to {path}: {reason}\n")
        );
        assert_eq!(stdout(&output), "", "{path}");
    }
}

#[test]
fn an_empty_run_is_a_valid_report_with_no_suites() {
    let path = report_path("empty");
    let output = run(
        PASS,
        &[
            "--filter",
            "no test has this name",
            "--junit",
            path.to_str().unwrap(),
        ],
        false,
    );
    assert_eq!(output.status.code(), Some(0));
    assert_valid(&path);
    let xml = std::fs::read_to_string(&path).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let root = document.root_element();
    assert_eq!(
        ["tests", "failures", "errors"].map(|name| count(root, name)),
        [0, 0, 0]
    );
    assert_eq!(elements(root, "testsuite").count(), 0);
}

#[test]
fn a_write_that_fails_after_the_run_still_prints_the_report_and_exits_2() {
    // /dev/full opens like any file and fails every write with ENOSPC.
    let output = run(PASS, &["--junit", "/dev/full"], false);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout(&output).starts_with("PASS\ntest classes: 4\ntests run: 5\n"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        stderr(&output),
        "error: cannot write the JUnit report to /dev/full: No space left on device (os error 28)\n"
    );
}

#[test]
fn too_few_tests_is_a_failed_test_case_in_a_valid_report() {
    let path = report_path("min_tests");
    let output = run(
        PASS,
        &[
            "--apps",
            "nope",
            "--min-tests",
            "1",
            "--junit",
            path.to_str().unwrap(),
        ],
        false,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("FAIL\n"), "{}", stdout(&output));
    assert_valid(&path);
    let xml = std::fs::read_to_string(&path).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let root = document.root_element();
    // CI systems judge the file by its failures: the one failure is the minimum's.
    assert_eq!(
        ["tests", "failures", "errors"].map(|name| count(root, name)),
        [1, 1, 0]
    );
    let case = document
        .descendants()
        .find(|node| node.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(
        [attribute(case, "classname"), attribute(case, "name")],
        ["smoketest", "min_tests"]
    );
    let failure = elements(case, "failure").next().unwrap();
    assert_eq!(
        attribute(failure, "message"),
        "0 tests selected, fewer than the 1 required"
    );
}

/// A report with what no fixture run produces yet in every combination: a warned test with an
/// owner, a runbook, tags and retries, a retried passing test, and a warning about the run. Read
/// from JSON, as a stored report would be.
#[test]
fn warned_tests_properties_and_the_runs_warnings_make_a_valid_report() {
    let json = serde_json::json!({
        "status": "PASS", "test_classes": 1, "tests_run": 2, "tests_passed": 1,
        "tests_failed": 0, "tests_errored": 0, "tests_warned": 1, "failed_tests": [],
        "errored_tests": [], "warned_tests": ["app::smoke::cache_warm"], "time": 2.5,
        "tier": "fast", "panics_caught": true,
        "warnings": ["excluded name \"app::smoke::gone\" matches no test"],
        "tests": [
            {
                "name": "app::smoke::cache_warm", "suite": "app::smoke", "outcome": "warned",
                "time": 1.0, "message": "cache cold: 0 < 100 entries\n<retry later>",
                "location": "src/smoke.rs:9", "slow": false, "rolled_back": false,
                "attempts": 2, "tags": ["ready", "cache"], "owner": "team-cache",
                "runbook": "https://runbooks.example.com/cache?x=1&y=2",
                "output": ["WARN app: cold"],
            },
            {
                "name": "app::smoke::flaky", "suite": "app::smoke", "outcome": "passed",
                "time": 1.5, "message": null, "location": null, "slow": false,
                "rolled_back": false, "attempts": 3,
            },
        ],
    });
    let report: smoketest::Report = serde_json::from_value(json).expect("a valid report");
    let xml = report.render(smoketest::render::Format::JUnit);
    let path = report_path("warned");
    std::fs::write(&path, &xml).unwrap();
    assert_valid(&path);

    let document = roxmltree::Document::parse(&xml).unwrap();
    let root = document.root_element();
    // The warned test and the run's warnings are skipped: neither fails the CI job.
    assert_eq!(
        ["tests", "failures", "errors", "skipped"].map(|name| count(root, name)),
        [3, 0, 0, 2]
    );
    let case = |name: &str| {
        document
            .descendants()
            .find(|node| node.has_tag_name("testcase") && node.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no <testcase name={name:?}>"))
    };
    let properties = |name: &str| -> Vec<(String, String)> {
        case(name)
            .descendants()
            .filter(|node| node.has_tag_name("property"))
            .map(|node| {
                (
                    attribute(node, "name").to_owned(),
                    attribute(node, "value").to_owned(),
                )
            })
            .collect()
    };
    let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    };
    assert_eq!(
        properties("cache_warm"),
        owned(&[
            ("outcome", "warned"),
            ("owner", "team-cache"),
            ("runbook", "https://runbooks.example.com/cache?x=1&y=2"),
            ("attempts", "2"),
            ("tags", "ready,cache"),
        ])
    );
    let skipped = elements(case("cache_warm"), "skipped").next().unwrap();
    assert_eq!(
        attribute(skipped, "message"),
        "warned: cache cold: 0 < 100 entries\n<retry later>"
    );
    assert_eq!(
        skipped.text(),
        Some("cache cold: 0 < 100 entries\n<retry later>\nat src/smoke.rs:9")
    );
    assert_eq!(properties("flaky"), owned(&[("attempts", "3")]));
    let warnings = elements(case("warnings"), "skipped").next().unwrap();
    assert_eq!(
        attribute(warnings, "message"),
        "excluded name \"app::smoke::gone\" matches no test"
    );
    assert_eq!(attribute(case("warnings"), "classname"), "smoketest");
}
