//! `smoketest-demo check`, run as a user runs it: the built binary against a fresh database.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A database path of the test's own, removed when dropped.
struct TempDb(PathBuf);

impl TempDb {
    fn new(test: &str) -> TempDb {
        let path = std::env::temp_dir().join(format!(
            "smoketest-demo-check-{}-{test}.sqlite3",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        TempDb(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs the binary with `args`, isolated from the developer's environment, plus `env`.
fn run<I, S>(args: I, env: &[(&str, &OsStr)]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_smoketest-demo"));
    command.args(args);
    for variable in [
        "SMOKETEST_DEMO_DB",
        "SMOKETEST_DEMO_CURRENCY",
        "SMOKETEST_APPS",
        "SMOKETEST_SKIP_APPS",
    ] {
        command.env_remove(variable);
    }
    command.envs(env.iter().copied());
    command.output().expect("the smoketest-demo binary runs")
}

fn check(db: &TempDb, flags: &[&str]) -> Output {
    let mut args = vec![
        OsStr::new("check"),
        OsStr::new("--db"),
        db.path().as_os_str(),
    ];
    args.extend(flags.iter().map(OsStr::new));
    run(args, &[])
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Checks the report's first seven lines: status, counts, and a `time: <ms>ms` line.
fn assert_report(
    output: &Output,
    status: &str,
    classes: u32,
    run: u32,
    passed: u32,
    failed: u32,
    errored: u32,
) {
    let stdout = stdout(output);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.len() >= 7,
        "short report:\n{stdout}\nstderr:\n{}",
        stderr(output)
    );
    let expected = [
        status.to_owned(),
        format!("test classes: {classes}"),
        format!("tests run: {run}"),
        format!("tests passed: {passed}"),
        format!("tests failed: {failed}"),
        format!("tests errored: {errored}"),
    ];
    assert_eq!(
        lines[..6],
        expected,
        "report:\n{stdout}\nstderr:\n{}",
        stderr(output)
    );
    let time = lines[6]
        .strip_prefix("time: ")
        .and_then(|time| time.strip_suffix("ms"))
        .unwrap_or_else(|| panic!("not a time line: {:?}", lines[6]));
    let (_, decimals) = time.split_once('.').expect("time has decimals");
    assert_eq!(decimals.len(), 6, "time {time:?}");
    time.parse::<f64>().expect("time is a number");
}

#[test]
fn check_creates_the_database_and_passes_the_fast_tier() {
    let db = TempDb::new("fast");
    let output = check(&db, &[]);
    assert_report(&output, "PASS", 3, 8, 8, 0, 0);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        db.path().is_file(),
        "{} was not created",
        db.path().display()
    );
}

#[test]
fn check_slow_also_runs_the_slow_tests() {
    let db = TempDb::new("slow");
    let output = check(&db, &["--slow"]);
    assert_report(&output, "PASS", 3, 10, 10, 0, 0);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn db_may_come_after_the_runner_flags() {
    let db = TempDb::new("db-last");
    let output = run(
        [
            OsStr::new("check"),
            OsStr::new("--slow"),
            OsStr::new("--db"),
            db.path().as_os_str(),
        ],
        &[],
    );
    assert_report(&output, "PASS", 3, 10, 10, 0, 0);
    assert!(db.path().is_file());
}

#[test]
fn a_second_check_reuses_the_seeded_database() {
    let db = TempDb::new("twice");
    assert_eq!(check(&db, &[]).status.code(), Some(0));
    let output = check(&db, &["--slow"]);
    assert_report(&output, "PASS", 3, 10, 10, 0, 0);
}

#[test]
fn the_database_path_comes_from_the_environment_without_db() {
    let db = TempDb::new("env");
    let output = run(["check"], &[("SMOKETEST_DEMO_DB", db.path().as_os_str())]);
    assert_report(&output, "PASS", 3, 8, 8, 0, 0);
    assert!(
        db.path().is_file(),
        "{} was not created",
        db.path().display()
    );
}

#[test]
fn a_misconfigured_currency_fails_its_smoke_test() {
    let db = TempDb::new("currency");
    let output = run(
        [
            OsStr::new("check"),
            OsStr::new("--db"),
            db.path().as_os_str(),
        ],
        &[("SMOKETEST_DEMO_CURRENCY", OsStr::new("euro"))],
    );
    assert_report(&output, "FAIL", 3, 8, 7, 1, 0);
    assert_eq!(output.status.code(), Some(1));
    let stdout = stdout(&output);
    let failure = stdout.lines().nth(8).unwrap_or_default();
    assert!(
        failure.starts_with(
            "smoketest_demo::smoke::currency_is_configured failed: \
             set SMOKETEST_DEMO_CURRENCY to an ISO 4217 code such as EUR"
        ),
        "report:\n{stdout}"
    );
}

#[test]
fn db_without_a_value_is_a_usage_error() {
    let output = run(["check", "--db"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), "smoketest-demo: `--db` needs a path\n");
    assert_eq!(stdout(&output), "");
}

#[test]
fn a_database_that_cannot_be_opened_is_a_usage_error() {
    let missing_dir = std::env::temp_dir().join(format!(
        "smoketest-demo-check-{}-no-such-dir",
        std::process::id()
    ));
    let path = missing_dir.join("books.sqlite3");
    let output = run(
        [OsStr::new("check"), OsStr::new("--db"), path.as_os_str()],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr:?}");
    assert!(
        stderr.starts_with(&format!(
            "smoketest-demo: cannot open the database {}: ",
            path.display()
        )),
        "stderr: {stderr:?}"
    );
    assert!(!missing_dir.exists());
}

#[test]
fn a_missing_or_unknown_subcommand_is_a_usage_error() {
    for args in [&[][..], &["serve"]] {
        let output = run(args, &[]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&output).lines().count(),
            1,
            "{args:?}: {:?}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}

#[test]
fn help_prints_the_usage_and_succeeds() {
    let output = run(["--help"], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).starts_with("usage: smoketest-demo check [--db PATH] [runner flags...]\n")
    );
}

#[test]
fn an_unknown_runner_flag_is_a_usage_error() {
    let db = TempDb::new("unknown-flag");
    let output = check(&db, &["--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output).lines().count(), 1, "{:?}", stderr(&output));
}
