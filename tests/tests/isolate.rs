//! Process isolation from real binaries: `crash-cli check` is an app's smoke-test subcommand over
//! tests that exit, abort, overflow the stack and panic while panicking; `--isolate` and
//! `Runner::isolate` keep the report and the caller alive. Unix only: the messages name signals.
#![cfg(unix)]

mod support;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output};

use fixture_crash::smoke as fx;
use serde_json::Value;
use support::{at, with_time_masked};

const CRASH: &str = env!("CARGO_BIN_EXE_crash-cli");
const FILE: &str = "tests/fixtures/crash/src/smoke.rs";

fn run(args: &[&str]) -> Output {
    Command::new(CRASH)
        .args(args)
        .env_remove("SMOKETEST_APPS")
        .env_remove("SMOKETEST_SKIP_APPS")
        .env_remove("SMOKETEST_ISOLATED")
        .output()
        .expect("crash-cli runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn name(function: &str) -> String {
    format!("fixture_crash::smoke::{function}")
}

const EXITED: &str = "the test process exited with status 0 while this test ran";
const ABORTED: &str = "the test process was killed by signal 6 (SIGABRT) while this test ran";

/// The tests that end the process, with the message each is errored with.
fn culprits() -> [(String, &'static str); 4] {
    [
        (name("b_exits"), EXITED),
        (name("d_aborts"), ABORTED),
        (name("f_overflows_the_stack"), ABORTED),
        (name("g_panics_while_panicking"), ABORTED),
    ]
}

/// name → (outcome, message) of every test of a JSON report; each name must appear once.
fn outcomes(json: &Value) -> BTreeMap<String, (String, Option<String>)> {
    let mut outcomes = BTreeMap::new();
    for test in json["tests"].as_array().unwrap() {
        let entry = (
            test["outcome"].as_str().unwrap().to_owned(),
            test["message"].as_str().map(str::to_owned),
        );
        let name = test["name"].as_str().unwrap().to_owned();
        assert!(outcomes.insert(name, entry).is_none(), "reported twice");
    }
    outcomes
}

fn json_of(output: &Output) -> Value {
    serde_json::from_str(&stdout(output)).unwrap_or_else(|error| {
        panic!(
            "stdout is not one JSON report ({error}): {}",
            stdout(output)
        )
    })
}

fn passed() -> (String, Option<String>) {
    ("passed".into(), None)
}

fn errored(message: &str) -> (String, Option<String>) {
    ("errored".into(), Some(message.into()))
}

#[test]
fn without_isolate_a_test_that_ends_the_process_ends_the_run_without_a_report() {
    // `a_passes` runs, then `b_exits` ends the process: success, and nothing printed.
    let output = run(&["check", "--concurrency", "1"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");

    let output = run(&["check", "--filter", "d_aborts"]);
    assert_eq!(output.status.signal(), Some(6));
    assert_eq!(stdout(&output), "");

    let output = run(&["check", "--filter", "f_overflows_the_stack"]);
    assert_eq!(output.status.signal(), Some(6));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("has overflowed its stack"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn with_isolate_the_json_report_lists_them_errored_and_keeps_every_other_outcome() {
    let output = run(&["check", "--isolate", "--json", "--concurrency", "1"]);
    assert_eq!(output.status.code(), Some(1));
    let json = json_of(&output);
    let mut expected: BTreeMap<String, (String, Option<String>)> = culprits()
        .into_iter()
        .map(|(name, message)| (name, errored(message)))
        .collect();
    expected.insert(name("a_passes"), passed());
    expected.insert(name("c_fails"), ("failed".into(), Some("2 != 3".into())));
    expected.insert(name("e_prints"), passed());
    expected.insert(name("h_passes"), passed());
    assert_eq!(outcomes(&json), expected);
    assert_eq!(json["status"], "FAIL");
    assert_eq!(json["tier"], "fast");
    assert_eq!(
        (
            &json["tests_run"],
            &json["tests_passed"],
            &json["tests_failed"],
            &json["tests_errored"]
        ),
        (
            &Value::from(8),
            &Value::from(3),
            &Value::from(1),
            &Value::from(4)
        )
    );
    assert_eq!(json["failed_tests"], serde_json::json!([name("c_fails")]));
    let errored_names: Vec<String> = culprits().into_iter().map(|(name, _)| name).collect();
    assert_eq!(json["errored_tests"], serde_json::json!(errored_names));
    // What the test printed went to stderr. (Not necessarily as a line of its own: the child
    // writes its own stderr, a stack overflow's message for one, to the same place meanwhile.)
    assert!(!stdout(&output).contains(fx::PRINTED));
    assert!(stderr(&output).contains(fx::PRINTED), "{}", stderr(&output));
}

#[test]
fn with_isolate_the_text_report_has_one_line_per_culprit() {
    let output = run(&["check", "--isolate", "--concurrency", "1"]);
    assert_eq!(output.status.code(), Some(1));
    let expected = [
        "FAIL".to_owned(),
        "test classes: 1".into(),
        "tests run: 8".into(),
        "tests passed: 3".into(),
        "tests failed: 1".into(),
        "tests errored: 4".into(),
        "time: <ms>".into(),
        "run id: <uuid>".into(),
        String::new(),
        format!(
            "{} failed: 2 != 3 {}",
            name("c_fails"),
            at(FILE, fx::FAILS_LINE)
        ),
        format!(
            "{} errored: {EXITED} {}",
            name("b_exits"),
            at(FILE, fx::EXITS_LINE)
        ),
        format!(
            "{} errored: {ABORTED} {}",
            name("d_aborts"),
            at(FILE, fx::ABORTS_LINE)
        ),
        format!(
            "{} errored: {ABORTED} {}",
            name("f_overflows_the_stack"),
            at(FILE, fx::OVERFLOWS_LINE)
        ),
        format!(
            "{} errored: {ABORTED} {}",
            name("g_panics_while_panicking"),
            at(FILE, fx::PANICS_WHILE_PANICKING_LINE)
        ),
        String::new(),
    ]
    .join("\n");
    assert_eq!(with_time_masked(&stdout(&output)), expected);
}

#[test]
fn with_default_concurrency_every_test_is_reported_exactly_once() {
    for _ in 0..3 {
        let output = run(&["check", "--isolate", "--json"]);
        assert_eq!(output.status.code(), Some(1));
        let outcomes = outcomes(&json_of(&output));
        let names: Vec<&str> = outcomes.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "a_passes",
                "b_exits",
                "c_fails",
                "d_aborts",
                "e_prints",
                "f_overflows_the_stack",
                "g_panics_while_panicking",
                "h_passes"
            ]
            .map(name)
        );
        for (culprit, message) in culprits() {
            assert_eq!(outcomes[&culprit], errored(message), "{culprit}");
        }
        // The others ran alongside a culprit at worst, and are then errored with it.
        for (test, own) in [
            ("a_passes", passed()),
            ("c_fails", ("failed".into(), Some("2 != 3".into()))),
            ("e_prints", passed()),
            ("h_passes", passed()),
        ] {
            let outcome = &outcomes[&name(test)];
            assert!(
                *outcome == own || *outcome == errored(EXITED) || *outcome == errored(ABORTED),
                "{test}: {outcome:?}"
            );
        }
    }
}

#[test]
fn failfast_stops_at_the_first_test_that_ends_the_process() {
    let output = run(&[
        "check",
        "--isolate",
        "--failfast",
        "--concurrency",
        "1",
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let expected = BTreeMap::from([
        (name("a_passes"), passed()),
        (name("b_exits"), errored(EXITED)),
    ]);
    assert_eq!(outcomes(&json_of(&output)), expected);
}

#[test]
fn help_mentions_isolate() {
    let output = run(&["check", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    // `run_cli_from(&args[1..])`: the usage line shows the subcommand in front of the flags.
    assert!(
        stdout(&output).starts_with("Usage: crash-cli check [OPTIONS]\n\n"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("  --isolate  "),
        "{}",
        stdout(&output)
    );
}

#[test]
fn runner_isolate_keeps_the_caller_alive_through_run() {
    // `crash-cli run`: `Runner::new().isolate(["check", "--concurrency", "1"])`, with `h_passes`
    // excluded on the parent's runner, then `.run(Tier::Fast)`; prints the JSON report.
    let output = run(&["run"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json = json_of(&output);
    assert_eq!(json["tier"], "fast");
    let mut expected: BTreeMap<String, (String, Option<String>)> = culprits()
        .into_iter()
        .map(|(name, message)| (name, errored(message)))
        .collect();
    expected.insert(name("a_passes"), passed());
    expected.insert(name("c_fails"), ("failed".into(), Some("2 != 3".into())));
    expected.insert(name("e_prints"), passed());
    assert_eq!(outcomes(&json), expected);
}

#[test]
fn runner_isolate_works_through_spawn_with_the_parents_tier() {
    // `crash-cli spawn`: the same runner, `.spawn(Tier::Slow, …)`; the child's arguments have no
    // `--slow`, yet the slow test runs.
    let output = run(&["spawn"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json = json_of(&output);
    assert_eq!(json["tier"], "slow");
    assert_eq!(json["tests_run"], 9);
    assert_eq!(outcomes(&json)[&name("i_slow")], passed());
    assert_eq!(json["tests_errored"], 4);
}

#[test]
fn a_child_that_runs_no_test_is_not_started_again() {
    // `crash-cli misconfigured`: `isolate(["chek"])`, a subcommand the app doesn't have. The
    // child prints its usage and exits 2 without starting a test.
    let output = run(&["misconfigured"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "usage: crash-cli check [flags] | run | spawn | narrower | misconfigured\n"
    );
    let outcomes = outcomes(&json_of(&output));
    assert_eq!(outcomes.len(), 8);
    for (test, outcome) in outcomes {
        assert_eq!(
            outcome,
            errored("the test process exited with status 2 before running this test"),
            "{test}"
        );
    }
}

#[test]
fn tests_the_childs_own_selection_leaves_out_are_reported_not_dropped() {
    // `crash-cli narrower`: `isolate(["check", "--filter", "a_passes"])`: the parent selects the
    // whole fast tier, the child runs only `a_passes`.
    let output = run(&["narrower"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outcomes = outcomes(&json_of(&output));
    assert_eq!(outcomes.len(), 8);
    for (test, outcome) in outcomes {
        let expected = if test == name("a_passes") {
            passed()
        } else {
            errored(
                "not run by the test process: its own selection (its arguments, its `main`) \
                 leaves this test out",
            )
        };
        assert_eq!(outcome, expected, "{test}");
    }
}
