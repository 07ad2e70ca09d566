//! `run_cli` from real binaries: output, exit codes, flags and environment.

mod support;

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

/// The report's lines but `time`'s and the run id's (a UUID v7), which change from run to run.
fn without_time(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("time: ") {
            Some(_) => "time: …",
            None if line.starts_with("run id: ") => {
                support::masked_run_id(line);
                "run id: <uuid>"
            }
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const ZEROS: &str = "test classes: 0\ntests run: 0\ntests passed: 0\ntests failed: 0\n\
                     tests errored: 0\ntime: …\nrun id: <uuid>";

const NO_MATCH: &str = "warning: no test matches --apps nope; 6 tests are linked, in \
                        fixture_linked, fixture_pass: `--list --slow` without the selection \
                        names them\n";

#[test]
fn a_selection_that_matches_nothing_says_so_on_stderr_and_still_passes() {
    let output = run(PASS, &["--apps", "nope"], &[]);
    assert_eq!(stderr(&output), NO_MATCH);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(without_time(&stdout(&output)), format!("PASS\n{ZEROS}"));
    // From the environment, named as such; `--list` says it too.
    let output = run(PASS, &["--list"], &[("SMOKETEST_APPS", "nope")]);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "warning: no test matches SMOKETEST_APPS=nope; 6 tests are linked, in fixture_linked, \
         fixture_pass: `--list --slow` without the selection names them\n"
    );
    // A slow test is found with --slow: the warning says to add it.
    let output = run(PASS, &["--filter", "full_scan"], &[]);
    assert_eq!(
        stderr(&output),
        "warning: no test matches --filter full_scan in the fast tier; 1 slow test matches: \
         add --slow\n"
    );
    assert_eq!(
        stderr(&run(PASS, &["--filter", "full_scan", "--slow"], &[])),
        ""
    );
}

#[test]
fn min_tests_makes_a_run_that_selects_too_few_fail() {
    let output = run(PASS, &["--apps", "nope", "--min-tests", "1"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), NO_MATCH);
    assert_eq!(
        without_time(&stdout(&output)),
        format!(
            "FAIL\n{ZEROS}\n\n\
             note: 0 tests selected, fewer than the 1 required (--min-tests / Runner::min_tests)"
        )
    );
    let json = run(
        PASS,
        &["--json", "--filter", "config_is_set", "--min-tests", "2"],
        &[],
    );
    assert_eq!(json.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(json["status"], "FAIL");
    assert_eq!(json["tests_passed"], 1);
    assert_eq!(json["min_tests"], 2);
    assert_eq!(json["tests_selected"], 1);
    // Met, or 0 (no minimum): the run is what its tests make it.
    for min in ["1", "0"] {
        let output = run(
            PASS,
            &["--filter", "config_is_set", "--min-tests", min],
            &[],
        );
        assert_eq!(output.status.code(), Some(0), "{min}");
        assert!(stdout(&output).starts_with("PASS\n"));
    }
    let output = run(PASS, &["--min-tests", "x"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: --min-tests \"x\" is not a number of tests, 0 or more (see --help)\n"
    );
}

#[test]
fn a_program_without_linked_tests_says_so_on_stderr() {
    let output = run(UNLINKED, &[], &[]);
    assert_eq!(
        stderr(&output),
        "warning: no smoke tests are linked into this program: a crate of tests is linked only \
         if the binary references it, e.g. with `use my_tests as _;`\n"
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(without_time(&stdout(&output)), format!("PASS\n{ZEROS}"));
    assert_eq!(
        run(UNLINKED, &["--min-tests", "1"], &[]).status.code(),
        Some(1)
    );
}

#[test]
fn run_cli_leaves_out_the_subcommand_in_front_of_the_flags() {
    // pass-cli calls `run_cli()`: `pass-cli check --slow` is `--slow`.
    let output = run(PASS, &["check", "--slow"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("PASS\ntest classes: 4\ntests run: 6\n"),
        "{}",
        stdout(&output)
    );
    let output = run(
        PASS,
        &["smoke", "run", "--list", "--apps", "fixture_linked"],
        &[],
    );
    assert_eq!(
        stdout(&output),
        "fixture_linked::smoke::linked_crate_is_collected\n"
    );
    let help = stdout(&run(PASS, &["check", "--help"], &[]));
    assert!(
        help.starts_with("Usage: pass-cli check [OPTIONS]\n\n"),
        "{help}"
    );
    // After the first flag, a stray word is still a usage error.
    let output = run(PASS, &["check", "--slow", "stray"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: unexpected argument `stray` (see --help)\n"
    );
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
