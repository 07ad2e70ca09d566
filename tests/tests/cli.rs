//! `run_cli` from real binaries: output, exit codes, flags and environment.

use std::process::{Command, Output};

fn run(binary: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary);
    command
        .args(args)
        .env_remove("SMOKETEST_APPS")
        .env_remove("SMOKETEST_SKIP_APPS");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the fixture binary runs")
}

const PASS: &str = env!("CARGO_BIN_EXE_pass-cli");
const FAIL: &str = env!("CARGO_BIN_EXE_fail-cli");
const UNLINKED: &str = env!("CARGO_BIN_EXE_unlinked-cli");

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn a_passing_run_exits_0_with_the_text_report() {
    let output = run(PASS, &[], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).starts_with("PASS\ntest classes: 4\ntests run: 5\ntests passed: 5\n"),
        "{}",
        stdout(&output)
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn a_failing_run_exits_1() {
    let output = run(FAIL, &["--filter", "assert_default_message"], &[]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with("FAIL\ntest classes: 1\ntests run: 1\ntests passed: 0\ntests failed: 1\n"),
        "{text}"
    );
    assert!(
        text.contains("\n\nfixture_fail::smoke::assert_default_message failed: 2 != 3 (at "),
        "{text}"
    );
    // Assertion panics are reported, not printed by the panic hook.
    assert_eq!(stderr(&output), "");
}

#[test]
fn usage_errors_exit_2_with_one_line_on_stderr() {
    for (args, line) in [
        (
            &["--bogus"][..],
            "error: unknown flag `--bogus` (see --help)\n",
        ),
        (
            &["--apps"][..],
            "error: --apps needs a value: a comma-separated list of crate or module paths (see --help)\n",
        ),
        (
            &["--concurrency", "many"][..],
            "error: --concurrency \"many\" is not a number of tests, 1 or more (see --help)\n",
        ),
    ] {
        let output = run(PASS, args, &[]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&output), line);
        assert_eq!(stdout(&output), "");
    }
}

#[test]
fn help_prints_usage_and_exits_0() {
    let output = run(PASS, &["--help"], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("--skip-apps A,B"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn slow_includes_slow_tests() {
    let output = run(PASS, &["--slow"], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).starts_with("PASS\ntest classes: 4\ntests run: 6\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn json_prints_the_json_report() {
    let output = run(FAIL, &["--json", "--filter", "passes"], &[]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    // `passes` and `passes_before_broken_tear_down` (whose tear_down fails).
    assert_eq!(json["tests_run"], 2);
    assert_eq!(
        json["errored_tests"],
        serde_json::json!(["fixture_fail::smoke::BrokenTearDown::passes_before_broken_tear_down"])
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn apps_come_from_the_environment_and_flags_win() {
    let list = |args: &[&str], env: &[(&str, &str)]| {
        stdout(&run(PASS, &[&["--list"], args].concat(), env))
    };
    assert_eq!(
        list(&[], &[("SMOKETEST_APPS", "fixture_linked")]),
        "fixture_linked::smoke::linked_crate_is_collected\n"
    );
    assert_eq!(
        list(
            &["--apps", "fixture_pass::smoke::Remote"],
            &[("SMOKETEST_APPS", "fixture_linked")]
        ),
        "fixture_pass::smoke::Remote::remote_answers\n"
    );
    assert_eq!(
        list(&[], &[("SMOKETEST_SKIP_APPS", "fixture_pass")]),
        "fixture_linked::smoke::linked_crate_is_collected\n"
    );
    assert_eq!(
        list(
            &["--skip-apps", "fixture_linked,fixture_pass::smoke::Catalog"],
            &[("SMOKETEST_SKIP_APPS", "fixture_pass")]
        ),
        "fixture_pass::smoke::Remote::remote_answers\nfixture_pass::smoke::config_is_set\n"
    );
}

#[test]
fn failfast_stops_starting_tests_after_the_first_failure() {
    let output = run(
        FAIL,
        &["--failfast", "--concurrency", "1", "--filter", "assert_"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    // Sorted: assert_custom_message runs first, fails, and assert_default_message never starts.
    assert!(
        stdout(&output)
            .starts_with("FAIL\ntest classes: 1\ntests run: 1\ntests passed: 0\ntests failed: 1\n")
    );
}

#[test]
fn verbose_adds_a_line_per_test() {
    let output = run(PASS, &["--verbose", "--filter", "config_is_set"], &[]);
    let text = stdout(&output);
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("fixture_pass::smoke::config_is_set ... passed ("),
        "{text}"
    );
    assert!(last.ends_with("ms)"), "{text}");
}

#[test]
fn a_library_crate_the_binary_never_names_is_not_linked() {
    // unlinked-cli depends on fixture-linked but has no `use fixture_linked as _;`.
    assert_eq!(stdout(&run(UNLINKED, &["--list"], &[])), "");
    // pass-cli has the line, and finds it.
    assert!(
        stdout(&run(PASS, &["--list"], &[]))
            .contains("fixture_linked::smoke::linked_crate_is_collected\n")
    );
}

#[test]
fn rust_backtrace_adds_a_backtrace_to_a_panicking_test_in_json() {
    let details = |env: &[(&str, &str)]| {
        let output = run(FAIL, &["--json", "--filter", "smoke::panics"], env);
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        json["tests"][0].clone()
    };
    let with = details(&[("RUST_BACKTRACE", "1")]);
    assert_eq!(
        with["message"],
        "panicked: payment gateway client not initialised"
    );
    assert!(
        with["backtrace"]
            .as_str()
            .unwrap()
            .contains("fixture_fail::smoke::panics"),
        "{with}"
    );
    let without = details(&[("RUST_BACKTRACE", "0")]);
    assert_eq!(without.get("backtrace"), None);
}
