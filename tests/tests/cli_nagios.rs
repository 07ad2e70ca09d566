//! `--nagios` from real binaries: one status line with performance data, and the exit codes of the
//! Monitoring Plugins Development Guidelines (0 OK, 2 CRITICAL, 3 UNKNOWN).

mod support;

use std::process::{Command, Output};

const PASS: &str = env!("CARGO_BIN_EXE_pass-cli");
const FAIL: &str = env!("CARGO_BIN_EXE_fail-cli");

fn run(binary: &str, args: &[&str]) -> Output {
    Command::new(binary)
        .args(args)
        .env_remove("SMOKETEST_APPS")
        .env_remove("SMOKETEST_SKIP_APPS")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the fixture binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// One performance data item: `'label'=value[UOM];[warn];[crit];[min];[max]`.
#[derive(Debug, PartialEq)]
struct Perf {
    label: String,
    value: f64,
    uom: String,
    warn: String,
    crit: String,
    min: String,
    max: String,
}

/// Parses performance data as the guidelines define it: space-separated items, labels optionally
/// in single quotes (a quote inside written `''`), values `[-0-9.]` followed by the unit.
fn parse_perfdata(text: &str) -> Vec<Perf> {
    let mut items = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let label;
        if let Some(quoted) = rest.strip_prefix('\'') {
            let mut end = 0;
            let bytes = quoted.as_bytes();
            loop {
                let quote = quoted[end..].find('\'').expect("closing quote") + end;
                if bytes.get(quote + 1) == Some(&b'\'') {
                    end = quote + 2;
                } else {
                    end = quote;
                    break;
                }
            }
            label = quoted[..end].replace("''", "'");
            rest = quoted[end + 1..]
                .strip_prefix('=')
                .expect("= after the label");
        } else {
            let (bare, after) = rest.split_once('=').expect("label=value");
            assert!(!bare.contains(' '), "unquoted label with a space: {bare:?}");
            label = bare.to_owned();
            rest = after;
        }
        let (item, after) = rest.split_once(' ').unwrap_or((rest, ""));
        rest = after;
        let mut fields = item.split(';');
        let value_and_unit = fields.next().unwrap();
        let split = value_and_unit
            .find(|c: char| !matches!(c, '-' | '0'..='9' | '.'))
            .unwrap_or(value_and_unit.len());
        let (value, uom) = value_and_unit.split_at(split);
        assert!(
            ["", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c"].contains(&uom),
            "unit of measure {uom:?} is not one of the guidelines'"
        );
        let mut next = || fields.next().unwrap_or_default().to_owned();
        items.push(Perf {
            label,
            value: value.parse().expect("a number"),
            uom: uom.to_owned(),
            warn: next(),
            crit: next(),
            min: next(),
            max: next(),
        });
        assert_eq!(fields.next(), None, "more than five fields in {item:?}");
    }
    items
}

/// The output with its run id (the long text's one line, a UUID v7) written `<uuid>`.
fn with_run_id_masked(text: &str) -> String {
    let (line, long_text) = text.split_once('\n').expect("a status line");
    let run_id = long_text
        .strip_suffix('\n')
        .expect("long text ending in a newline");
    support::masked_run_id(run_id);
    format!("{line}\nrun id: <uuid>\n")
}

/// Splits the status line of the output into its status text and parsed performance data,
/// after checking that the long text is the run id alone.
fn status_line(output: &Output) -> (String, Vec<Perf>) {
    let text = with_run_id_masked(&stdout(output));
    let line = text
        .strip_suffix("\nrun id: <uuid>\n")
        .expect("a status line, then the run id");
    assert!(!line.contains('\n'), "more than one line: {text:?}");
    let (status, perfdata) = line.split_once(" | ").expect("`text | perfdata`");
    assert!(!perfdata.contains('|'), "{line}");
    (status.to_owned(), parse_perfdata(perfdata))
}

/// The counts as `label=value` and the time, after checking every item's shape: no unit, no
/// thresholds and a minimum of 0 for the counts; milliseconds for the time.
fn counts_and_time(perfdata: &[Perf]) -> (Vec<String>, f64) {
    let (time, counts) = perfdata.split_last().expect("performance data");
    for perf in counts {
        assert_eq!(
            (&*perf.uom, &*perf.warn, &*perf.crit, &*perf.min, &*perf.max),
            ("", "", "", "0", ""),
            "{perf:?}"
        );
    }
    assert_eq!(
        (
            &*time.label,
            &*time.uom,
            &*time.warn,
            &*time.crit,
            &*time.min
        ),
        ("time", "ms", "", "", "0")
    );
    let counts = counts
        .iter()
        .map(|perf| format!("{}={}", perf.label, perf.value))
        .collect();
    (counts, time.value)
}

/// Replaces the number after `after` with `<ms>`, checking it has `decimals` decimals; returns
/// the number too.
fn mask_number(line: &str, after: &str, decimals: usize) -> (String, f64) {
    let start = line
        .find(after)
        .unwrap_or_else(|| panic!("no {after:?} in {line}"))
        + after.len();
    let length = line[start..]
        .find(|c: char| !matches!(c, '0'..='9' | '.'))
        .unwrap_or(line.len() - start);
    let number = &line[start..start + length];
    let (whole, fraction) = number.split_once('.').expect("a decimal point");
    assert!(
        !whole.is_empty() && fraction.len() == decimals,
        "{number:?} in {line}"
    );
    let masked = format!("{}<ms>{}", &line[..start], &line[start + length..]);
    (masked, number.parse().unwrap())
}

#[test]
fn a_passing_run_is_ok_with_exit_0_and_its_counts_as_performance_data() {
    let output = run(PASS, &["--nagios"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), "");
    let (status, perfdata) = status_line(&output);
    let (counts, time) = counts_and_time(&perfdata);
    assert_eq!(
        counts,
        ["tests=5", "passed=5", "failed=0", "errored=0", "warned=0"]
    );
    assert!(time > 0.0);
    // The text gives the same time to one decimal.
    let (status, shown) = mask_number(&status, " passed in ", 1);
    assert_eq!(status, "SMOKETEST OK - 5 tests passed in <ms>ms");
    assert!((shown - time).abs() <= 0.051, "{shown} vs {time}");
}

#[test]
fn a_passing_run_prints_exactly_this_line_but_for_the_time() {
    let output = run(PASS, &["--nagios", "--slow"]);
    let (line, _) = mask_number(&stdout(&output), " passed in ", 1);
    let (line, _) = mask_number(&line, " time=", 3);
    assert_eq!(
        with_run_id_masked(&line),
        "SMOKETEST OK - 6 tests passed in <ms>ms | tests=6;;;0 passed=6;;;0 failed=0;;;0 \
         errored=0;;;0 warned=0;;;0 time=<ms>ms;;;0\nrun id: <uuid>\n"
    );
}

#[test]
fn a_failing_run_is_critical_with_exit_2_and_names_the_broken_tests() {
    let output = run(
        FAIL,
        &[
            "--nagios",
            "--filter",
            "smoke::assert_default_message",
            "--filter",
            "BrokenSetUp",
            "--filter",
            "smoke::passes",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), "");
    let (status, perfdata) = status_line(&output);
    // Failed tests first, then errored ones, as in the text report.
    assert_eq!(
        status,
        "SMOKETEST CRITICAL - 2 of 3 tests failed or errored: \
         fixture_fail::smoke::assert_default_message, \
         fixture_fail::smoke::BrokenSetUp::runs_after_broken_set_up"
    );
    let (counts, _) = counts_and_time(&perfdata);
    assert_eq!(
        counts,
        ["tests=3", "passed=1", "failed=1", "errored=1", "warned=0"]
    );
}

#[test]
fn a_run_with_many_broken_tests_keeps_to_one_short_line() {
    let output = run(FAIL, &["--nagios"]);
    assert_eq!(output.status.code(), Some(2));
    let (status, perfdata) = status_line(&output);
    // Failed tests first, then errored ones, each sorted by name; three names at most.
    assert_eq!(
        status,
        "SMOKETEST CRITICAL - 16 of 17 tests failed or errored: \
         fixture_fail::smoke::BrokenTearDown::fails_before_broken_tear_down, \
         fixture_fail::smoke::assert_custom_message, fixture_fail::smoke::assert_default_message \
         and 13 more"
    );
    let (counts, _) = counts_and_time(&perfdata);
    assert_eq!(
        counts,
        ["tests=17", "passed=1", "failed=5", "errored=11", "warned=0"]
    );
}

#[test]
fn zero_selected_tests_is_ok() {
    let output = run(PASS, &["--nagios", "--filter", "no test has this name"]);
    assert_eq!(output.status.code(), Some(0));
    let (status, perfdata) = status_line(&output);
    assert!(
        status.starts_with("SMOKETEST OK - 0 tests passed in "),
        "{status}"
    );
    let (counts, _) = counts_and_time(&perfdata);
    assert_eq!(
        counts,
        ["tests=0", "passed=0", "failed=0", "errored=0", "warned=0"]
    );
}

#[test]
fn usage_errors_in_nagios_mode_are_unknown_on_stdout_with_exit_3() {
    for (args, line) in [
        (
            &["--nagios", "--bogus"][..],
            "SMOKETEST UNKNOWN - unknown flag `--bogus`\n",
        ),
        // Found before the parse, so an error earlier on the line is still a status line.
        (
            &["--bogus", "--nagios"][..],
            "SMOKETEST UNKNOWN - unknown flag `--bogus`\n",
        ),
        (
            &["--nagios", "--apps"][..],
            "SMOKETEST UNKNOWN - --apps needs a value: a comma-separated list of crate or module paths\n",
        ),
        (
            &["--nagios=yes"][..],
            "SMOKETEST UNKNOWN - --nagios takes no value\n",
        ),
        (
            &["--json", "--nagios"][..],
            "SMOKETEST UNKNOWN - --nagios and --json are two output formats: choose one\n",
        ),
    ] {
        let output = run(FAIL, args);
        assert_eq!(output.status.code(), Some(3), "{args:?}");
        assert_eq!(stdout(&output), line, "{args:?}");
        assert_eq!(stderr(&output), "", "{args:?}");
    }
}

#[test]
fn without_nagios_a_usage_error_keeps_exit_2_on_stderr() {
    let output = run(PASS, &["--bogus"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: unknown flag `--bogus` (see --help)\n"
    );
}

#[test]
fn an_unwritable_junit_file_in_nagios_mode_is_unknown_and_runs_no_test() {
    let output = run(
        FAIL,
        &["--nagios", "--junit", "/nonexistent-dir/report.xml"],
    );
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stdout(&output),
        "SMOKETEST UNKNOWN - cannot write the JUnit report to /nonexistent-dir/report.xml: \
         No such file or directory (os error 2)\n"
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn quoted_labels_parse_back() {
    // The parser itself, on the guidelines' quoting rules.
    assert_eq!(
        parse_perfdata("'fast tier'=3;;;0 'it''s'=1.5s;1;2;0;10 plain=4c"),
        [
            Perf {
                label: "fast tier".into(),
                value: 3.0,
                uom: "".into(),
                warn: "".into(),
                crit: "".into(),
                min: "0".into(),
                max: "".into(),
            },
            Perf {
                label: "it's".into(),
                value: 1.5,
                uom: "s".into(),
                warn: "1".into(),
                crit: "2".into(),
                min: "0".into(),
                max: "10".into(),
            },
            Perf {
                label: "plain".into(),
                value: 4.0,
                uom: "c".into(),
                warn: "".into(),
                crit: "".into(),
                min: "".into(),
                max: "".into(),
            },
        ]
    );
}

#[test]
fn a_junit_write_that_fails_after_the_run_is_unknown_instead_of_the_status() {
    // /dev/full opens like any file and fails every write with ENOSPC.
    let output = run(PASS, &["--nagios", "--junit", "/dev/full"]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stdout(&output),
        "SMOKETEST UNKNOWN - cannot write the JUnit report to /dev/full: \
         No space left on device (os error 28)\n"
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn too_few_tests_is_unknown_with_exit_3() {
    let output = run(PASS, &["--nagios", "--apps", "nope", "--min-tests", "1"]);
    assert_eq!(output.status.code(), Some(3));
    let line = with_run_id_masked(&stdout(&output));
    let line = line.strip_suffix("\nrun id: <uuid>\n").unwrap();
    let (status, perfdata) = line.split_once(" | ").unwrap();
    assert_eq!(
        status,
        "SMOKETEST UNKNOWN - 0 tests selected, fewer than the 1 required"
    );
    assert!(
        perfdata
            .starts_with("tests=0;;;0 passed=0;;;0 failed=0;;;0 errored=0;;;0 warned=0;;;0 time="),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1);
    assert!(
        stderr(&output).starts_with("warning: no test matches --apps nope; "),
        "{}",
        stderr(&output)
    );
    // Without the minimum, selecting nothing is OK, as the text report's PASS.
    let output = run(PASS, &["--nagios", "--apps", "nope"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("SMOKETEST OK - 0 tests passed in "));
}
