//! The CLI's stdout is the report's: what tests print there during the run goes to stderr, so a
//! test printing `SMOKETEST OK` or JSON can't pass for the report, in-process or `--isolate`d.
//! Unix only: elsewhere stdout is not redirected.
#![cfg(unix)]

mod support;

use std::process::{Command, Output};

use fixture_prints::smoke as fx;
use support::{at, with_time_masked};

const PRINTS: &str = env!("CARGO_BIN_EXE_prints-cli");
const FAILING: &str = "fixture_prints::smoke::b_prints_and_fails";

/// Runs `prints-cli` with `flags`, once in-process and once with `--isolate`, tests one at a time
/// so that what they print comes in a known order.
fn both_ways(flags: &[&str]) -> [Output; 2] {
    [&[][..], &["--isolate"]].map(|isolate| {
        Command::new(PRINTS)
            .args(flags)
            .args(["--concurrency", "1"])
            .args(isolate)
            .env_remove("SMOKETEST_APPS")
            .env_remove("SMOKETEST_SKIP_APPS")
            .env_remove("SMOKETEST_ISOLATED")
            .output()
            .expect("prints-cli runs")
    })
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Everything the two tests print, in the order they run.
fn printed() -> String {
    format!(
        "{}\n{}\n{}\n{}",
        fx::PASSING,
        fx::FAKE_REPORT[0],
        fx::FAKE_REPORT[1],
        fx::UNTERMINATED
    )
}

/// Replaces the run id of Nagios' long text with `<uuid>`, after checking it is one.
fn contract_run_id(text: &str) -> String {
    let (line, long_text) = text.split_once("\nrun id: ").expect("a run id line");
    let id = long_text.strip_suffix('\n').expect("a last newline");
    support::assert_run_id(id);
    format!("{line}\nrun id: <uuid>\n")
}

/// Replaces the number after `time=` with `<ms>`.
fn mask_perfdata_time(line: &str) -> String {
    let (before, after) = line.split_once(" time=").expect("a time= label");
    let number_len = after
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(after.len());
    assert!(number_len > 0, "{line}");
    format!("{before} time=<ms>{}", &after[number_len..])
}

#[test]
fn with_nagios_stdout_is_the_critical_status_line_alone() {
    for output in both_ways(&["--nagios"]) {
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert_eq!(
            contract_run_id(&mask_perfdata_time(&stdout(&output))),
            format!(
                "SMOKETEST CRITICAL - 1 of 2 tests failed or errored: {FAILING} | tests=2;;;0 \
                 passed=1;;;0 failed=1;;;0 errored=0;;;0 warned=0;;;0 time=<ms>ms;;;0\n\
                 run id: <uuid>\n"
            )
        );
        assert_eq!(stderr(&output), printed());
    }
}

#[test]
fn with_json_the_whole_stdout_parses() {
    for output in both_ways(&["--json"]) {
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let json: serde_json::Value = serde_json::from_str(&stdout(&output))
            .unwrap_or_else(|error| panic!("{error}: {}", stdout(&output)));
        assert_eq!(json["status"], "FAIL");
        assert_eq!(
            [
                &json["tests_run"],
                &json["tests_passed"],
                &json["tests_failed"],
                &json["tests_errored"]
            ],
            [2, 1, 1, 0]
        );
        assert_eq!(json["failed_tests"], serde_json::json!([FAILING]));
        assert_eq!(stderr(&output), printed());
    }
}

#[test]
fn the_text_report_starts_with_fail() {
    for output in both_ways(&[]) {
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let expected = [
            "FAIL".to_owned(),
            "test classes: 1".into(),
            "tests run: 2".into(),
            "tests passed: 1".into(),
            "tests failed: 1".into(),
            "tests errored: 0".into(),
            "time: <ms>".into(),
            "run id: <uuid>".into(),
            String::new(),
            format!(
                "{FAILING} failed: 2 != 3 {}",
                at("tests/fixtures/prints/src/smoke.rs", fx::FAILS_LINE)
            ),
            String::new(),
        ]
        .join("\n");
        assert_eq!(with_time_masked(&stdout(&output)), expected);
        assert_eq!(stderr(&output), printed());
    }
}

#[test]
fn list_and_help_run_no_test_and_print_on_stdout() {
    let [output, _] = both_ways(&["--list"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        format!("fixture_prints::smoke::a_prints_and_passes\n{FAILING}\n")
    );
    assert_eq!(stderr(&output), "");
    let [output, _] = both_ways(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).starts_with("Usage: prints-cli [OPTIONS]\n\n"),
        "{}",
        stdout(&output)
    );
    assert_eq!(stderr(&output), "");
}
