//! `checks::disk_free`, `checks::readable` / `checks::writable` on a real temporary directory,
//! and `checks::env_vars` in a child process whose environment the test sets.
//!
//! The tests run as root, where permission bits stop nothing: the paths that cannot work here
//! are a file standing where a directory is expected (`ENOTDIR`) and a path that is not there.

use std::process::Command;

use smoketest::{Outcome, checks};

use crate::common::{NAME, errored, failed, passed, run};

#[test]
fn free_space_passes_a_reachable_threshold_and_fails_an_impossible_one() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    assert_eq!(
        run(checks::disk_free(dir.path()).at_least_bytes(1)),
        passed()
    );
    assert_eq!(
        run(checks::disk_free(dir.path()).at_least_percent(0.0)),
        passed()
    );

    let (outcome, message) = run(checks::disk_free(dir.path()).at_least_bytes(u64::MAX));
    assert_eq!(outcome, Outcome::Failed);
    let suffix = format!(
        " free under {}, expected at least 16.0 EiB",
        dir.path().display()
    );
    let amount = message
        .strip_suffix(&suffix)
        .unwrap_or_else(|| panic!("{message}"));
    let (number, unit) = amount.split_once(' ').expect("`12.0 MiB`");
    assert!(number.parse::<f64>().is_ok(), "{message}");
    assert!(
        ["B", "KiB", "MiB", "GiB", "TiB", "PiB"].contains(&unit),
        "{message}"
    );

    let (outcome, message) = run(checks::disk_free(dir.path()).at_least_percent(100.0));
    // Only an empty file system has all of itself free.
    assert_eq!(outcome, Outcome::Failed);
    assert!(
        message.ends_with("expected at least 100%")
            && message.contains(&format!("% free under {} (", dir.path().display())),
        "{message}"
    );
}

#[test]
fn free_space_under_a_missing_path_fails_and_a_bad_threshold_errors() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let missing = dir.path().join("missing");
    assert_eq!(
        run(checks::disk_free(&missing).at_least_bytes(1)),
        failed(format!(
            "expected free space under {}; cannot read it: No such file or directory (os error 2)",
            missing.display()
        ))
    );
    assert_eq!(
        run(checks::disk_free(dir.path()).at_least_percent(101.0)),
        errored(
            "cannot run: at_least_percent(101) is not a share of a disk; give 0 to 100, e.g. 10.0"
        )
    );
    assert_eq!(
        run(checks::disk_free(dir.path())),
        errored(
            "cannot run: no threshold; say how much must be free, e.g. \
             disk_free(\"/data\").at_least_bytes(1 << 30) or .at_least_percent(10.0)"
        )
    );
}

#[test]
fn files_and_directories_that_can_be_used_pass_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "answer = 42\n").unwrap();
    assert_eq!(run(checks::readable(dir.path())), passed());
    assert_eq!(run(checks::readable(&file)), passed());
    assert_eq!(run(checks::writable(dir.path())), passed());
    assert_eq!(run(checks::writable(&file)), passed());
    // The probe is gone, and the file is as it was.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["config.toml"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "answer = 42\n");
}

#[test]
fn a_path_that_cannot_work_fails_naming_it_and_the_os_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, "").unwrap();
    let under_file = file.join("data");
    for (check, verb) in [
        (checks::readable(&under_file), "readable"),
        (checks::writable(&under_file), "writable"),
    ] {
        assert_eq!(
            run(check),
            failed(format!(
                "expected {} to be {verb}; cannot see it: Not a directory (os error 20)",
                under_file.display()
            ))
        );
    }
    let missing = dir.path().join("missing");
    assert_eq!(
        run(checks::writable(&missing)),
        failed(format!(
            "expected {} to be writable; cannot see it: No such file or directory (os error 2)",
            missing.display()
        ))
    );
}

#[test]
fn a_fifo_without_a_writer_is_read_without_waiting_for_one() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let started = std::time::Instant::now();
    assert_eq!(run(checks::readable(&fifo)), passed());
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

/// The variables the child's check looks at; unique to this test.
const SET: &str = "SMOKETEST_CHECKS_TEST_SET";
const BLANK: &str = "SMOKETEST_CHECKS_TEST_BLANK";
const UNSET: &str = "SMOKETEST_CHECKS_TEST_UNSET";
const SECRET: &str = "hunter2-do-not-print";

/// Run by `environment_variables_...` in a child process with the variables set there (this
/// process's own environment is not changed: that is unsafe in a threaded test binary).
#[test]
#[ignore = "run in a child process by environment_variables_missing_or_blank_are_named"]
fn env_vars_child() {
    let report = smoketest::Runner::new()
        .apps(["checked"])
        .check(NAME, checks::env_vars([SET, BLANK, UNSET]))
        .check("checked::set", checks::env_vars([SET]))
        .run(smoketest::Tier::Fast);
    print!("{}", report.to_text());
}

#[test]
fn environment_variables_missing_or_blank_are_named_and_values_never_shown() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "local::env_vars_child",
            "--ignored",
            "--nocapture",
        ])
        .env(SET, SECRET)
        .env(BLANK, " \t")
        .env_remove(UNSET)
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let message = format!(
        "expected environment variables {SET}, {BLANK}, {UNSET} to be set; not set: {UNSET}; \
         blank: {BLANK}"
    );
    assert!(
        stdout.contains("\ntests passed: 1\ntests failed: 1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("\n{NAME} failed: {message} (at ")),
        "{stdout}"
    );
    assert!(!stdout.contains(SECRET), "a value was shown: {stdout}");
    assert_eq!(
        run(checks::env_vars(Vec::<String>::new())),
        errored("cannot run: no variable to check; name them, e.g. env_vars([\"DATABASE_URL\"])")
    );
    assert_eq!(
        run(checks::env_vars(["A=B"])),
        errored(
            "cannot run: \"A=B\" cannot be an environment variable's name (empty, or with `=` \
             or NUL)"
        )
    );
}
