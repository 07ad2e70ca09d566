//! The gate on a bad day: instances that refuse connections, never answer, send 10 MB or an
//! endless body, redirect, answer HTML or a hostile report; more instances than request slots;
//! and command lines it cannot run. Every server is real, on 127.0.0.1; the binary is the real
//! `smoketest-gate`.

mod support;

use std::sync::atomic::Ordering;

use support::{closed_port, fixed, flood, gate, scratch, silent, stderr, stdout};

#[test]
fn instances_without_a_report_are_unreachable_with_the_reason_and_the_gate_exits_2() {
    let refused = closed_port();
    let (hanging, _) = silent();
    let ten_megabytes = flood(Some(10 * 1024 * 1024));
    let endless = flood(None);
    let redirect = fixed(
        302,
        &[("location", "https://login.example/?next=/smoketest/")],
        "",
    );
    let not_found = fixed(404, &[("content-type", "text/html")], "<h1>Not Found</h1>");
    let html = fixed(
        200,
        &[("content-type", "text/html")],
        "<!doctype html><p>PASS</p>",
    );
    let forbidden = fixed(403, &[], "forbidden");
    let output = gate(
        &[
            "--deadline",
            "2s",
            "--timeout",
            "1s",
            "--interval",
            "100ms",
            &refused,
            &hanging,
            &ten_megabytes,
            &endless,
            &redirect,
            &not_found,
            &html,
            &forbidden,
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let rows = [
        (&refused, "connection refused"),
        (&hanging, "no answer within 1s"),
        (
            &ten_megabytes,
            "HTTP 200 OK, the answer is larger than 1024 KiB, more than a smoketest report; is \
             this the endpoint's URL?",
        ),
        (
            &endless,
            "HTTP 200 OK, the answer is larger than 1024 KiB, more than a smoketest report; is \
             this the endpoint's URL?",
        ),
        (
            &redirect,
            "HTTP 302 Found: a redirect to \"https://login.example/?next=/smoketest/\", not \
             followed; give the URL it names",
        ),
        (
            &not_found,
            "HTTP 404 Not Found, not a smoketest JSON report (expected value at line 1 column \
             1); the body starts with \"<h1>Not Found</h1>\"",
        ),
        (
            &html,
            "HTTP 200 OK, not a smoketest JSON report (expected value at line 1 column 1); the \
             body starts with \"<!doctype html><p>PASS</p>\"",
        ),
        (
            &forbidden,
            "HTTP 403 Forbidden: the endpoint does not let this caller in (by address or policy)",
        ),
    ];
    let width = rows.iter().map(|(url, _)| url.len()).max().unwrap();
    let mut expected = format!(
        "{:width$}  STATUS       TESTS  TIME  RUN ID  DETAIL\n",
        "INSTANCE"
    );
    for (url, reason) in rows {
        expected.push_str(&format!(
            "{url:width$}  UNREACHABLE  -      -     -       {reason}\n"
        ));
    }
    assert_eq!(stdout(&output), expected);
    assert_eq!(
        stderr(&output),
        "waiting: 0 of 8 instances pass, 1s left\n",
        "one line once every instance answered (the silent one after its 1s)"
    );
}

#[test]
fn reports_are_read_leniently_and_printed_safely() {
    // django-smoketest's JSON: no run id, arrays of `name failed: message`.
    let peer = fixed(
        500,
        &[("content-type", "application/json")],
        r#"{"status": "FAIL", "test_classes": 1, "tests_run": 2, "tests_passed": 1,
            "tests_failed": 1, "tests_errored": 0,
            "failed_tests": ["main.smoke.Db.test_rows failed: False is not true"],
            "errored_tests": [], "time": 0.375}"#,
    );
    // A report whose names would clear the terminal and forge a table line.
    let hostile = fixed(
        500,
        &[("content-type", "application/json")],
        r#"{"status": "FAIL", "tests_run": 1, "tests_passed": 0, "tests_failed": 1,
            "tests_errored": 0, "time": 1e308, "run_id": "\u001b[2Jx",
            "failed_tests": ["a\u001b[2J\nhttp://evil/  PASS"]}"#,
    );
    let output = gate(
        &["--deadline", "1s", "--interval", "100ms", &peer, &hostile],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let width = peer.len().max(hostile.len());
    let run_id = "\\u{1b}[2Jx";
    assert_eq!(
        stdout(&output),
        format!(
            "{:width$}  STATUS  TESTS  TIME   {:10}  DETAIL\n\
             {peer:width$}  FAIL    1/2    0.4ms  {:10}  main.smoke.Db.test_rows failed: False is not true\n\
             {hostile:width$}  FAIL    0/1    -      {run_id}  a\\u{{1b}}[2J\\u{{a}}http://evil/  PASS\n",
            "INSTANCE", "RUN ID", "-"
        )
    );
}

#[test]
fn at_most_16_requests_are_open_at_once() {
    // Twenty instances that never answer, and requests that may wait until the deadline: the
    // first sixteen hold every slot until then, and the other four are never asked.
    let (url, seen) = silent();
    let urls: Vec<String> = (0..20).map(|n| format!("{url}?n={n}")).collect();
    let mut args = vec!["--deadline", "1500ms", "--timeout", "1m"];
    args.extend(urls.iter().map(String::as_str));
    let output = gate(&args, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(seen.most_open.load(Ordering::SeqCst), 16);
    assert_eq!(seen.accepted.load(Ordering::SeqCst), 16);
    let asked = seen.requests.lock().unwrap().len();
    assert_eq!(asked, 16);
    let table = stdout(&output);
    let details: Vec<&str> = table
        .lines()
        .skip(1)
        .map(|line| line.split("  -       ").nth(1).unwrap_or(line))
        .collect();
    assert_eq!(details.len(), 20);
    assert_eq!(
        details
            .iter()
            .filter(|detail| **detail == "no answer before the deadline")
            .count(),
        16,
        "{table}"
    );
    assert_eq!(
        details
            .iter()
            .filter(
                |detail| **detail == "not asked before the deadline: every request slot was taken"
            )
            .count(),
        4,
        "{table}"
    );
}

#[test]
fn https_urls_go_through_tls() {
    // A plain-HTTP server spoken to with TLS: the handshake is tried, and fails saying so.
    let url = fixed(200, &[], "{}").replacen("http://", "https://", 1);
    let output = gate(&["--deadline", "1s", "--interval", "100ms", &url], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let table = stdout(&output);
    let detail = table.lines().nth(1).unwrap().rsplit("  ").next().unwrap();
    assert_eq!(
        detail, "TLS handshake failed: received corrupt message of type InvalidContentType",
        "{table}"
    );
}

/// Runs the gate with `args` and returns its exit status, stdout and stderr.
fn usage(args: &[&str]) -> (Option<i32>, String, String) {
    let output = gate(args, &[]);
    (output.status.code(), stdout(&output), stderr(&output))
}

#[test]
fn a_command_line_it_cannot_run_is_one_line_on_stderr_and_exit_2() {
    let no_file = scratch("no-such-dir").join("urls.txt");
    let cases: [(&[&str], String); 8] = [
        (
            &[],
            "error: no endpoint to poll: give one or more URLs, e.g. \
             https://pod-1:8080/smoketest/, or --file PATH (see --help)"
                .into(),
        ),
        (
            &["pod-1:8080/smoketest/"],
            "error: \"pod-1:8080/smoketest/\" is not an http:// or https:// URL; write e.g. \
             https://pod-1:8080/smoketest/ (see --help)"
                .into(),
        ),
        (
            &["https://deploy:hunter2@pod-1/smoketest/"],
            "error: \"https://***@pod-1/smoketest/\" has a user or password in it, which the \
             gate would print; give the URL without it and the token in $SMOKETEST_TOKEN \
             (--token-env) (see --help)"
                .into(),
        ),
        (
            &["--deadline", "soon", "http://a/"],
            "error: --deadline \"soon\" is not a duration (expected number at 0); write e.g. \
             --deadline 5m (see --help)"
                .into(),
        ),
        (
            &["--tier", "slow", "http://a/"],
            "error: unknown flag `--tier` (see --help)".into(),
        ),
        (
            &["--token", "s3cret", "http://a/"],
            "error: unknown flag `--token` (see --help)".into(),
        ),
        (
            &["--file", no_file.to_str().unwrap()],
            format!(
                "error: --file {}: cannot read it (No such file or directory (os error 2)) \
                 (see --help)",
                no_file.display()
            ),
        ),
        (
            &["--junit", no_file.to_str().unwrap(), "http://a/"],
            format!(
                "error: --junit {}: cannot write the JUnit file (No such file or directory (os \
                 error 2)); give a path in a writable directory (see --help)",
                no_file.display()
            ),
        ),
    ];
    for (args, message) in cases {
        assert_eq!(
            usage(args),
            (Some(2), String::new(), format!("{message}\n")),
            "{args:?}"
        );
    }
}

#[test]
fn urls_come_from_a_file_too_in_the_order_given() {
    let first = fixed(
        200,
        &[],
        r#"{"status":"PASS","tests_run":1,"tests_passed":1,"tests_failed":0,"tests_errored":0,"time":2}"#,
    );
    let second = fixed(
        200,
        &[],
        r#"{"status":"PASS","tests_run":3,"tests_passed":3,"tests_failed":0,"tests_errored":0,"time":12.25,"run_id":"r-2"}"#,
    );
    let file = scratch("urls.txt");
    std::fs::write(&file, format!("# the fleet\n\n  {second}  # pod 2\n")).unwrap();
    let output = gate(&["--file", file.to_str().unwrap(), &first], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let width = first.len();
    assert_eq!(
        stdout(&output),
        format!(
            "{:width$}  STATUS  TESTS  TIME    RUN ID  DETAIL\n\
             {first}  PASS    1/1    2.0ms   -       -\n\
             {second}  PASS    3/3    12.2ms  r-2     -\n",
            "INSTANCE"
        )
    );
    let duplicate = usage(&["--file", file.to_str().unwrap(), &second]);
    assert_eq!(
        duplicate,
        (
            Some(2),
            String::new(),
            format!(
                "error: {second} is given twice (line 3 of {}); give each instance once (see \
                 --help)\n",
                file.display()
            )
        )
    );
}

#[test]
fn help_and_version() {
    let (code, help, errors) = usage(&["--help"]);
    assert_eq!((code, errors.as_str()), (Some(0), ""));
    assert!(
        help.contains("\nUsage: smoketest-gate [OPTIONS] [URL]...\n"),
        "{help}"
    );
    for flag in [
        "--file PATH",
        "--slow",
        "--token-env NAME",
        "--deadline DURATION",
        "--interval DURATION",
        "--timeout DURATION",
        "--junit PATH",
        "--ca-cert FILE",
        "-h, --help",
        "-V, --version",
    ] {
        assert!(
            help.contains(&format!("  {flag}")),
            "{flag} missing from\n{help}"
        );
    }
    assert_eq!(
        usage(&["--version"]),
        (
            Some(0),
            format!("smoketest-gate {}\n", env!("CARGO_PKG_VERSION")),
            String::new()
        )
    );
}
