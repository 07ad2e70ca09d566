//! The command line over tests with metadata, from a real binary (`metadata-cli`, the
//! `fixture_metadata` crate): `--tag`, `SMOKETEST_TAGS`, `--exclude`, their `warning:` lines on
//! stderr, retries and `warn_only` in the JSON report and the exit codes.

use std::process::{Command, Output};

use serde_json::{Value, json};

const METADATA: &str = env!("CARGO_BIN_EXE_metadata-cli");
const PASS: &str = env!("CARGO_BIN_EXE_pass-cli");

/// Every tag of the fixture's tests, as the warnings list them.
const IN_USE: &str = "the tags in use are db, live, nightly, ready";

fn run(binary: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary);
    command
        .args(args)
        .env_remove("SMOKETEST_APPS")
        .env_remove("SMOKETEST_SKIP_APPS")
        .env_remove("SMOKETEST_TAGS");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the fixture binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_str(&stdout(output)).unwrap_or_else(|error| {
        panic!(
            "{error}: stdout {:?}, stderr {:?}",
            stdout(output),
            stderr(output)
        )
    })
}

/// `--list` with `args`: (stdout, stderr, exit code).
fn list(args: &[&str], env: &[(&str, &str)]) -> (String, String, Option<i32>) {
    let output = run(METADATA, &[&["--list"], args].concat(), env);
    (stdout(&output), stderr(&output), output.status.code())
}

fn names(short: &[&str]) -> String {
    short
        .iter()
        .map(|name| format!("fixture_metadata::tagged::{name}\n"))
        .collect()
}

#[test]
fn tag_selects_the_tests_with_any_of_the_tags_given() {
    for (args, expected) in [
        (&["--tag", "ready"][..], names(&["ready_cache", "ready_db"])),
        (&["--tag", "live", "--tag=db"], names(&["live", "ready_db"])),
        (&["--tag", "live,db"], names(&["live", "ready_db"])),
        (
            &["--tag", "ready", "--filter", "cache"],
            names(&["ready_cache"]),
        ),
        (
            &[
                "--tag",
                "ready",
                "--exclude",
                "fixture_metadata::tagged::ready_db",
            ],
            names(&["ready_cache"]),
        ),
        (&["--tag", "nightly", "--slow"], names(&["nightly"])),
        (
            &["--tag", "live", "--apps", "fixture_metadata::tagged"],
            names(&["live"]),
        ),
    ] {
        assert_eq!(
            list(args, &[]),
            (expected, String::new(), Some(0)),
            "{args:?}"
        );
    }
}

#[test]
fn smoketest_tags_selects_by_tag_and_the_flag_wins_over_it() {
    let env = [("SMOKETEST_TAGS", "live, db")];
    assert_eq!(list(&[], &env).0, names(&["live", "ready_db"]));
    assert_eq!(
        list(&["--tag", "ready"], &env).0,
        names(&["ready_cache", "ready_db"])
    );
}

#[test]
fn a_tag_no_linked_test_has_says_so_on_stderr_with_the_tags_in_use() {
    assert_eq!(
        list(&["--tag", "nope"], &[]),
        (
            String::new(),
            format!("warning: no test matches --tag nope; {IN_USE}\n"),
            Some(0)
        )
    );
    assert_eq!(
        list(
            &[
                "--tag",
                "nope",
                "--tag",
                "nada",
                "--apps",
                "fixture_metadata"
            ],
            &[]
        )
        .1,
        format!("warning: no test matches --tag nope --tag nada; {IN_USE}\n")
    );
    // One unknown tag among known ones: the others still select tests.
    assert_eq!(
        list(&["--tag", "nope", "--tag", "live"], &[]),
        (
            names(&["live"]),
            format!("warning: no test matches --tag nope; {IN_USE}\n"),
            Some(0)
        )
    );
    assert_eq!(
        list(&[], &[("SMOKETEST_TAGS", "nope")]).1,
        format!("warning: no test matches SMOKETEST_TAGS=nope; {IN_USE}\n")
    );
    assert_eq!(
        list(&[], &[("SMOKETEST_TAGS", "nope,live")]),
        (
            names(&["live"]),
            format!(
                "warning: no test matches the tag nope of SMOKETEST_TAGS=nope,live; {IN_USE}\n"
            ),
            Some(0)
        )
    );
    // The flag wins: the variable is not named.
    assert_eq!(
        list(&["--tag", "nope"], &[("SMOKETEST_TAGS", "live")]).1,
        format!("warning: no test matches --tag nope; {IN_USE}\n")
    );
}

#[test]
fn a_tag_when_no_linked_test_has_one_says_so() {
    let output = run(PASS, &["--tag", "ready"], &[]);
    assert_eq!(
        stderr(&output),
        "warning: no test matches --tag ready; no linked test has a tag\n"
    );
    assert!(stdout(&output).starts_with("PASS\ntest classes: 0\ntests run: 0\n"));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn known_tags_that_other_selectors_rule_out_get_the_selection_warning() {
    assert_eq!(
        list(
            &["--tag", "live", "--apps", "fixture_metadata::warned"],
            &[]
        )
        .1,
        "warning: no test matches --apps fixture_metadata::warned --tag live; 16 tests are \
         linked, in fixture_metadata: `--list --slow` without the selection names them\n"
    );
    assert_eq!(
        list(&["--tag", "nightly"], &[]).1,
        "warning: no test matches --tag nightly in the fast tier; 1 slow test matches: add --slow\n"
    );
}

#[test]
fn a_bad_tag_is_a_usage_error() {
    let output = run(METADATA, &["--tag", "db/main"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: --tag \"db/main\" is not a tag: tags are made of ASCII letters, digits, `-`, `_` \
         and `.` (see --help)\n"
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn exclude_leaves_out_the_named_tests_and_names_those_that_match_none() {
    let output = run(
        METADATA,
        &[
            "--json",
            "--apps",
            "fixture_metadata::tagged",
            "--exclude",
            "fixture_metadata::tagged::live",
            "--exclude=nope",
            "--exclude",
            "fixture_metadata::tagged",
            "--exclude",
            "nope",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "warning: excluded name \"nope\" matches no test\n\
         warning: excluded name \"fixture_metadata::tagged\" matches no test\n"
    );
    let report = json(&output);
    assert_eq!(report["status"], "PASS");
    assert_eq!(report["tests_run"], 3);
    assert_eq!(
        report["warnings"],
        json!([
            "excluded name \"nope\" matches no test",
            "excluded name \"fixture_metadata::tagged\" matches no test"
        ])
    );
    let ran: Vec<&str> = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|test| test["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        ran,
        [
            "fixture_metadata::tagged::ready_cache",
            "fixture_metadata::tagged::ready_db",
            "fixture_metadata::tagged::untagged"
        ]
    );
    // A slow test's name matches a linked test in the fast tier too: no warning.
    let (_, warnings, _) = list(&["--exclude", "fixture_metadata::tagged::nightly"], &[]);
    assert_eq!(warnings, "");
}

#[test]
fn the_json_report_says_how_many_attempts_each_test_made() {
    let output = run(
        METADATA,
        &["--json", "--apps", "fixture_metadata::retried"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let attempts: Vec<(&str, &str, u64)> = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|test| {
            (
                test["name"].as_str().unwrap(),
                test["outcome"].as_str().unwrap(),
                test["attempts"].as_u64().unwrap(),
            )
        })
        .collect();
    let name = |short: &str| format!("fixture_metadata::retried::{short}");
    assert_eq!(
        attempts,
        [
            (name("Counted::flaky_in_suite").as_str(), "passed", 3),
            (&name("always_fails"), "failed", 3),
            (&name("awaits_forever"), "errored", 3),
            (&name("flaky"), "passed", 3),
            (&name("hangs"), "errored", 1),
            (&name("panics"), "errored", 2),
        ]
    );
    assert_eq!(
        report["tests"][1]["message"],
        "the queue is full: `false` is not true (attempt 3 of 3)"
    );
    assert_eq!(report["tests"][3]["owner"], "team-payments");
}

#[test]
fn warned_tests_exit_0_and_stay_pass_in_text_and_json() {
    let apps = ["--apps", "fixture_metadata::warned"];
    let text = run(METADATA, &apps, &[]);
    assert_eq!(text.status.code(), Some(0));
    assert!(
        stdout(&text).starts_with(
            "PASS\ntest classes: 1\ntests run: 3\ntests passed: 1\ntests failed: 0\n\
             tests errored: 0\ntime: "
        ),
        "{}",
        stdout(&text)
    );
    let output = run(METADATA, &[&["--json"][..], &apps].concat(), &[]);
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["status"], "PASS");
    assert_eq!(report["tests_warned"], 2);
    assert_eq!(
        report["warned_tests"],
        json!([
            "fixture_metadata::warned::degraded",
            "fixture_metadata::warned::flaky_and_warned"
        ])
    );
}

#[test]
fn with_nagios_warned_tests_exit_1_warning_and_a_failure_still_exits_2() {
    let warned = run(
        METADATA,
        &["--nagios", "--apps", "fixture_metadata::warned"],
        &[],
    );
    assert_eq!(warned.status.code(), Some(1), "{}", stdout(&warned));
    let passed = run(
        METADATA,
        &[
            "--nagios",
            "--apps",
            "fixture_metadata::warned",
            "--filter",
            "fine",
        ],
        &[],
    );
    assert_eq!(passed.status.code(), Some(0), "{}", stdout(&passed));
    let failed = run(
        METADATA,
        &[
            "--nagios",
            "--apps",
            "fixture_metadata::warned,fixture_metadata::retried",
            "--filter",
            "::warned::",
            "--filter",
            "always_fails",
        ],
        &[],
    );
    assert_eq!(failed.status.code(), Some(2), "{}", stdout(&failed));
}

#[test]
fn failfast_does_not_stop_at_a_warned_test() {
    let output = run(
        METADATA,
        &[
            "--json",
            "--failfast",
            "--concurrency",
            "1",
            "--apps",
            "fixture_metadata::warned",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0));
    // `degraded` comes first and warns; the two after it still run.
    assert_eq!(json(&output)["tests_run"], 3);
}

#[test]
fn isolated_a_test_that_ends_the_process_is_not_retried_and_a_warn_only_one_warns() {
    let output = run(
        METADATA,
        &[
            "--isolate",
            "--slow",
            "--concurrency",
            "1",
            "--json",
            "--apps",
            "fixture_metadata::crashes",
        ],
        &[],
    );
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    let ended: Vec<(&str, &str, u64, &str)> = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|test| {
            (
                test["name"].as_str().unwrap(),
                test["outcome"].as_str().unwrap(),
                test["attempts"].as_u64().unwrap(),
                test["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ended,
        [
            (
                "fixture_metadata::crashes::retried_then_aborts",
                "errored",
                2,
                "the test process was killed by signal 6 (SIGABRT) while this test ran \
                 (attempt 2 of 3; it ended the process, so not retried)"
            ),
            (
                "fixture_metadata::crashes::warned_aborts",
                "warned",
                1,
                "the test process was killed by signal 6 (SIGABRT) while this test ran"
            ),
        ]
    );
    assert_eq!(
        (
            report["tests_errored"].clone(),
            report["tests_warned"].clone()
        ),
        (json!(1), json!(1))
    );
}

#[test]
fn help_shows_tag_and_exclude() {
    let output = run(METADATA, &["--help"], &[]);
    let help = stdout(&output);
    assert!(
        help.contains(
            "  --tag NAME          run only tests tagged NAME (repeatable: any of them; env: SMOKETEST_TAGS)\n\
             \x20 --exclude NAME      leave out the test of exactly this full name (repeatable)\n"
        ),
        "{help}"
    );
    assert!(
        help.contains("1 WARNING (PASS, but a `warn_only` test failed or errored)"),
        "{help}"
    );
}
