//! The gate against fleets of real smoketest endpoints: axum servers on 127.0.0.1, each serving
//! `smoketest_http` over a `Runner` whose tests are `Runner::check` closures, polled by the real
//! `smoketest-gate` binary. Every test asserts the exit status, the table on stdout and what
//! goes to stderr; deadlines are short and no assertion depends on how long anything took.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use smoketest::{Check, Runner};
use smoketest_http::{Detail, SmokeEndpoint};

use support::{
    assert_valid_junit, cells, closed_port, counted, gate, gate_in, is_run_id, is_time, scratch,
    smoke, stderr, stdout,
};

const HEADER: [&str; 6] = ["INSTANCE", "STATUS", "TESTS", "TIME", "RUN ID", "DETAIL"];

fn passing(runs: &Arc<AtomicUsize>) -> Runner {
    Runner::new()
        .check("shop::catalog_loads", counted(runs))
        .check("shop::db_answers", || ())
}

fn failing(runs: &Arc<AtomicUsize>) -> Runner {
    Runner::new()
        .check("shop::catalog_loads", counted(runs))
        .check("shop::stock_is_positive", || -> Result<(), String> {
            Err("stock is -3".into())
        })
        .check("shop::prices_are_set", || {
            smoketest::assert_equal!(2 + 2, 5, "the price table is empty");
        })
}

/// A table row: the cells that do not vary, with the time and run id checked for their shape.
fn row(cells: &[String]) -> [&str; 4] {
    assert!(is_time(&cells[3]), "time cell {:?}", cells[3]);
    assert!(is_run_id(&cells[4]), "run id cell {:?}", cells[4]);
    [&cells[0], &cells[1], &cells[2], &cells[5]]
}

#[test]
fn a_fleet_that_passes_exits_0_at_once_with_a_line_per_instance() {
    let runs: Vec<Arc<AtomicUsize>> = (0..3).map(|_| Arc::default()).collect();
    let urls: Vec<String> = runs.iter().map(|runs| smoke(passing(runs))).collect();
    let mut args = vec!["--deadline", "3s", "--interval", "100ms"];
    args.extend(urls.iter().map(String::as_str));
    let output = gate(&args, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Nothing to wait for: no progress line.
    assert_eq!(stderr(&output), "");
    let table = cells(&stdout(&output));
    assert_eq!(table[0], HEADER);
    assert_eq!(table.len(), 4);
    for (line, url) in table[1..].iter().zip(&urls) {
        assert_eq!(row(line), [url.as_str(), "PASS", "2/2", "-"]);
    }
    // A passing instance is asked once.
    assert!(runs.iter().all(|runs| runs.load(Ordering::SeqCst) == 1));
}

#[test]
fn one_failing_instance_is_asked_until_the_deadline_and_the_gate_exits_1() {
    let runs: Vec<Arc<AtomicUsize>> = (0..3).map(|_| Arc::default()).collect();
    let urls = [
        smoke(passing(&runs[0])),
        smoke(failing(&runs[1])),
        smoke(passing(&runs[2])),
    ];
    let output = gate(
        &[
            "--deadline",
            "1500ms",
            "--interval",
            "100ms",
            &urls[0],
            &urls[1],
            &urls[2],
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let table = cells(&stdout(&output));
    assert_eq!(table[0], HEADER);
    assert_eq!(row(&table[1]), [urls[0].as_str(), "PASS", "2/2", "-"]);
    assert_eq!(
        row(&table[2]),
        [
            urls[1].as_str(),
            "FAIL",
            "1/3",
            "shop::prices_are_set, shop::stock_is_positive"
        ]
    );
    assert_eq!(row(&table[3]), [urls[2].as_str(), "PASS", "2/2", "-"]);
    // Not a terminal: one line when every instance has answered; the count never changes.
    let progress = stderr(&output);
    let lines: Vec<&str> = progress.lines().collect();
    assert_eq!(lines.len(), 1, "{progress}");
    assert!(
        [
            "waiting: 2 of 3 instances pass, 1s left",
            "waiting: 2 of 3 instances pass, 2s left"
        ]
        .contains(&lines[0]),
        "{progress}"
    );
    assert_eq!(runs[0].load(Ordering::SeqCst), 1);
    assert_eq!(runs[2].load(Ordering::SeqCst), 1);
    // Asked again every 100 ms until the deadline: more than once, and not without pause.
    let failing_runs = runs[1].load(Ordering::SeqCst);
    assert!((2..=16).contains(&failing_runs), "{failing_runs} runs");
}

#[test]
fn an_instance_that_starts_passing_is_waited_for_and_then_the_gate_exits_0() {
    let steady = Arc::default();
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&attempts);
    // Fails its first two runs, as a pod whose cache is still warming up.
    let warming = Runner::new().check("shop::cache_is_warm", move || -> Result<(), String> {
        let run = seen.fetch_add(1, Ordering::SeqCst) + 1;
        if run < 3 {
            return Err(format!("cache is cold (run {run})"));
        }
        Ok(())
    });
    let urls = [smoke(passing(&steady)), smoke(warming)];
    let output = gate(
        &[
            "--deadline",
            "10s",
            "--interval",
            "100ms",
            &urls[0],
            &urls[1],
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let progress = stderr(&output);
    let lines: Vec<&str> = progress.lines().collect();
    assert_eq!(lines.len(), 1, "{progress}");
    assert!(
        lines[0].starts_with("waiting: 1 of 2 instances pass, ") && lines[0].ends_with("s left"),
        "{progress}"
    );
    let table = cells(&stdout(&output));
    assert_eq!(row(&table[1]), [urls[0].as_str(), "PASS", "2/2", "-"]);
    assert_eq!(row(&table[2]), [urls[1].as_str(), "PASS", "1/1", "-"]);
    // Asked until it passed, and not after.
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
}

#[test]
fn slow_polls_the_slow_tier() {
    let endpoint = Runner::new().check("shop::catalog_loads", || ()).check(
        "shop::full_scan",
        Check::new(|| -> Result<(), String> { Err("12 orphaned rows".into()) }).slow(),
    );
    let url = smoke(endpoint);
    let fast = gate(&["--deadline", "1s", &url], &[]);
    assert_eq!(fast.status.code(), Some(0), "{}", stderr(&fast));
    assert_eq!(
        row(&cells(&stdout(&fast))[1]),
        [url.as_str(), "PASS", "1/1", "-"]
    );

    let slow = gate(
        &["--slow", "--deadline", "1s", "--interval", "100ms", &url],
        &[],
    );
    assert_eq!(slow.status.code(), Some(1), "{}", stderr(&slow));
    let slow_url = format!("{url}slow/");
    assert_eq!(
        row(&cells(&stdout(&slow))[1]),
        [slow_url.as_str(), "FAIL", "1/2", "shop::full_scan"]
    );
}

const TOKEN: &str = "gate-s3cret-7f1c";

#[test]
fn the_token_is_read_from_the_environment_and_never_shown() {
    let runs = Arc::default();
    let url = smoke(SmokeEndpoint::new(passing(&runs)).bearer_token(TOKEN));
    let summary = smoke(
        SmokeEndpoint::new(failing(&runs))
            .bearer_token(TOKEN)
            .anonymous(Detail::Summary),
    );
    let args = ["--deadline", "1s", "--interval", "100ms", url.as_str()];

    let with_token = gate(&args, &[("SMOKETEST_TOKEN", TOKEN)]);
    assert_eq!(with_token.status.code(), Some(0), "{}", stderr(&with_token));
    assert_eq!(
        row(&cells(&stdout(&with_token))[1]),
        [url.as_str(), "PASS", "2/2", "-"]
    );

    let named = gate(
        &["--token-env", "DEPLOY_TOKEN", "--deadline", "1s", &url],
        &[("DEPLOY_TOKEN", TOKEN)],
    );
    assert_eq!(named.status.code(), Some(0), "{}", stderr(&named));

    let without = gate(&args, &[]);
    assert_eq!(without.status.code(), Some(2));
    assert_eq!(
        cells(&stdout(&without))[1],
        [
            url.as_str(),
            "UNREACHABLE",
            "-",
            "-",
            "-",
            "HTTP 401 Unauthorized: the endpoint wants a token; export it in $SMOKETEST_TOKEN \
             (or name the variable with --token-env)"
        ]
    );

    let wrong = gate(&args, &[("SMOKETEST_TOKEN", "an-old-token")]);
    assert_eq!(wrong.status.code(), Some(2));
    assert_eq!(
        cells(&stdout(&wrong))[1][5],
        "HTTP 401 Unauthorized: the token in $SMOKETEST_TOKEN was refused"
    );

    // Without the token, an endpoint that shows strangers a summary gives counts, no names.
    let anonymous = gate(&["--deadline", "1s", "--interval", "100ms", &summary], &[]);
    assert_eq!(anonymous.status.code(), Some(1));
    let table = cells(&stdout(&anonymous));
    assert_eq!(
        [&table[1][0], &table[1][1], &table[1][2], &table[1][5]],
        [
            summary.as_str(),
            "FAIL",
            "1/3",
            "names withheld: the endpoint shows this caller a summary (send its token)"
        ]
    );
    // The summary keeps the run id: it is random and names no test.
    assert!(is_run_id(&table[1][4]), "run id cell {:?}", table[1][4]);

    let missing = gate(&["--token-env", "DEPLOY_TOKEN", &url], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stdout(&missing), "");
    assert_eq!(
        stderr(&missing),
        "error: --token-env DEPLOY_TOKEN: $DEPLOY_TOKEN is not set or empty; export the token \
         in it, or leave out --token-env to poll without a token (see --help)\n"
    );

    for output in [with_token, named, without, wrong, anonymous, missing] {
        assert!(!stdout(&output).contains(TOKEN) && !stderr(&output).contains(TOKEN));
    }
}

fn elements<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &'static str,
) -> Vec<roxmltree::Node<'a, 'input>> {
    node.children()
        .filter(|child| child.is_element() && child.tag_name().name() == name)
        .collect()
}

#[test]
fn the_junit_file_has_a_suite_per_instance_and_a_case_per_smoke_test() {
    let runs = Arc::default();
    let urls = [
        smoke(passing(&runs)),
        smoke(failing(&runs)),
        closed_port(),
        smoke(Runner::new().check(
            "shop::search_is_fast",
            Check::new(|| -> Result<(), String> { Err("p99 is 900 ms".into()) }).warn_only(),
        )),
    ];
    let path = scratch("fleet.xml");
    let output = gate(
        &[
            "--deadline",
            "1s",
            "--interval",
            "100ms",
            "--junit",
            path.to_str().unwrap(),
            &urls[0],
            &urls[1],
            &urls[2],
            &urls[3],
        ],
        &[],
    );
    // A FAIL is a verdict; it outranks the instance without a report.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(cells(&stdout(&output))[3][5], "connection refused");
    assert_valid_junit(&path);

    let xml = std::fs::read_to_string(&path).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let attributes = |node: roxmltree::Node<'_, '_>, names: &[&str]| -> Vec<String> {
        names
            .iter()
            .map(|name| node.attribute(*name).unwrap_or("(none)").to_owned())
            .collect()
    };
    assert_eq!(
        attributes(root, &["name", "tests", "failures", "errors", "skipped"]),
        ["smoketest-gate", "7", "1", "2", "1"]
    );
    let suites = elements(root, "testsuite");
    assert_eq!(
        suites
            .iter()
            .map(|suite| attributes(*suite, &["name", "tests", "failures", "errors"]))
            .collect::<Vec<_>>(),
        [
            [urls[0].as_str(), "2", "0", "0"],
            [urls[1].as_str(), "3", "1", "1"],
            [urls[2].as_str(), "1", "0", "1"],
            [urls[3].as_str(), "1", "0", "0"],
        ]
    );
    let properties = |suite: roxmltree::Node<'_, '_>| -> Vec<(String, String)> {
        suite
            .descendants()
            .filter(|node| node.tag_name().name() == "property")
            .map(|node| attributes(node, &["name", "value"]))
            .map(|pair| (pair[0].clone(), pair[1].clone()))
            .collect()
    };
    let first = properties(suites[0]);
    assert_eq!(first[0], ("status".to_owned(), "PASS".to_owned()));
    assert_eq!(first[1].0, "run_id");
    assert!(is_run_id(&first[1].1));
    assert_eq!(
        properties(suites[2]),
        [("status".to_owned(), "UNREACHABLE".to_owned())]
    );
    // Each test case: its name, and its problem's element, type and message.
    let cases = |suite: roxmltree::Node<'_, '_>| -> Vec<Vec<String>> {
        elements(suite, "testcase")
            .into_iter()
            .map(|case| {
                let mut seen = attributes(case, &["classname", "name"]);
                for problem in case.children().filter(|child| child.is_element()) {
                    seen.push(problem.tag_name().name().to_owned());
                    seen.extend(attributes(problem, &["type", "message"]));
                    seen.push(problem.text().unwrap_or_default().to_owned());
                }
                seen
            })
            .collect()
    };
    assert_eq!(
        cases(suites[0]),
        [
            [urls[0].as_str(), "shop::catalog_loads"],
            [urls[0].as_str(), "shop::db_answers"]
        ]
    );
    let failed = cases(suites[1]);
    assert_eq!(failed[0], [urls[1].as_str(), "shop::catalog_loads"]);
    assert_eq!(
        failed[1][..5],
        [
            urls[1].as_str(),
            "shop::prices_are_set",
            "failure",
            "failed",
            "the price table is empty: 4 != 5"
        ]
    );
    assert!(
        failed[1][5].starts_with("the price table is empty: 4 != 5"),
        "{:?}",
        failed[1]
    );
    assert_eq!(
        failed[2],
        [
            urls[1].as_str(),
            "shop::stock_is_positive",
            "error",
            "errored",
            "stock is -3",
            "stock is -3"
        ]
    );
    assert_eq!(
        cases(suites[2]),
        [[
            urls[2].as_str(),
            "report",
            "error",
            "unreachable",
            "connection refused",
            "connection refused"
        ]]
    );
    assert_eq!(
        cases(suites[3]),
        [[
            urls[3].as_str(),
            "shop::search_is_fast",
            "skipped",
            "(none)",
            "warned: p99 is 900 ms",
            "p99 is 900 ms"
        ]]
    );
}

/// The README's pipeline example, run as written against real endpoints in place of its URLs.
#[test]
fn the_readme_pipeline_example_runs() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README");
    let section = readme
        .split("\n### Deploy gate\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README.md has a section `### Deploy gate`");
    // `$ smoketest-gate ... \` and its continuation lines, up to the `||` after it.
    let mut command = String::new();
    for line in section
        .lines()
        .skip_while(|line| !line.starts_with("$ smoketest-gate "))
    {
        let line = line.trim().trim_start_matches("$ ");
        command.push_str(line.trim_end_matches('\\'));
        command.push(' ');
        if !line.ends_with('\\') {
            break;
        }
    }
    let command = command.split(" || ").next().unwrap().trim().to_owned();
    assert!(
        !command.is_empty(),
        "no `smoketest-gate ...` line in the section"
    );
    let words: Vec<&str> = command.split_whitespace().skip(1).collect();
    let urls: Vec<&str> = words
        .iter()
        .copied()
        .filter(|word| word.starts_with("https://"))
        .collect();
    assert!(urls.len() >= 2, "the example polls a fleet: {command}");
    let runs = Arc::default();
    let real: Vec<String> = urls
        .iter()
        .map(|_| smoke(SmokeEndpoint::new(passing(&runs)).bearer_token(TOKEN)))
        .collect();
    let args: Vec<&str> = words
        .iter()
        .map(|word| match urls.iter().position(|url| url == word) {
            Some(index) => real[index].as_str(),
            None => word,
        })
        .collect();
    let dir = scratch("readme");
    std::fs::create_dir_all(&dir).unwrap();
    let output = gate_in(&args, &[("SMOKETEST_TOKEN", TOKEN)], Some(&dir));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{command}\n{}",
        stderr(&output)
    );
    assert_eq!(cells(&stdout(&output)).len(), urls.len() + 1);
    assert!(dir.join("smoke-gate.xml").exists());
    // The README's sample table is one the gate could print: aligned, with its columns.
    let sample: String = section
        .lines()
        .skip_while(|line| !line.starts_with("INSTANCE "))
        .take_while(|line| !line.starts_with("```"))
        .map(|line| format!("{line}\n"))
        .collect();
    let sample = cells(&sample);
    assert_eq!(sample[0], HEADER);
    assert_eq!(sample.len(), urls.len() + 1);
}

/// On a terminal the progress line is rewritten in place and cleared before the table. The
/// terminal is a real pseudo-terminal, made by `script` (util-linux).
#[test]
fn on_a_terminal_the_progress_line_is_rewritten_in_place() {
    let url = smoke(failing(&Arc::default()));
    let command = format!(
        "'{}' --deadline 1500ms --interval 100ms '{url}'",
        support::GATE
    );
    let output = match std::process::Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env_remove("SMOKETEST_TOKEN")
        .output()
    {
        Ok(output) => output,
        Err(error) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("script does not run ({error}); install it with `apt-get install -y bsdutils`")
        }
        Err(error) => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED the terminal progress test: script does not run ({error}); \
                 install it with `apt-get install -y bsdutils` ***\n"
            );
            return;
        }
    };
    assert_eq!(output.status.code(), Some(1));
    let screen = stdout(&output);
    let (progress, table) = screen.split_at(screen.find("INSTANCE").expect("the table"));
    let clear = "\r\x1b[2K";
    assert!(
        progress.starts_with(clear) && progress.ends_with(clear),
        "{progress:?}"
    );
    let lines: Vec<&str> = progress
        .split(clear)
        .filter(|line| !line.is_empty())
        .collect();
    assert!(!lines.is_empty(), "{progress:?}");
    for line in &lines {
        let left = line
            .strip_prefix("waiting: 0 of 1 instance passes, ")
            .and_then(|rest| rest.strip_suffix("s left"));
        assert!(
            left.is_some_and(|seconds| ["0", "1", "2"].contains(&seconds)),
            "{progress:?}"
        );
    }
    // Each line differs from the one before: it is rewritten only when it changes.
    assert!(
        lines.windows(2).all(|pair| pair[0] != pair[1]),
        "{progress:?}"
    );
    assert!(table.starts_with("INSTANCE "), "{table:?}");
    assert!(table.contains(&format!("{url}  FAIL ")), "{table:?}");
}
