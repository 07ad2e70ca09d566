//! An HTTP endpoint whose runner is isolated (`Runner::isolate`) lives through tests that end the
//! process: a real axum server on 127.0.0.1 answers with the report, twice, and its other routes
//! go on answering.
//!
//! The child process is this test binary itself, started with the arguments that run only
//! [`isolated_child`], which hands the run to `run_cli_from` as an app's check subcommand would.
//! What the test harness prints on the child's stdout is passed on to stderr by the parent, like
//! any test output.
#![cfg(unix)]

#[path = "http/axum.rs"]
mod server;

use fixture_crash as _;
use reqwest::Client;
use smoketest::Runner;

/// The runner of both processes: the crash fixture's fast tier, one test at a time so that each
/// test that ends the child is told apart.
fn runner() -> Runner {
    Runner::new().apps(["fixture_crash"]).concurrency(1)
}

/// In the child (`SMOKETEST_ISOLATED` set): runs the requested tests and exits. Elsewhere, nothing.
#[test]
fn isolated_child() {
    if std::env::var_os("SMOKETEST_ISOLATED").is_none() {
        return;
    }
    // The parent reads the events, not the exit code: exit 0 once the run is over, before the test
    // harness prints its own summary.
    let _ = runner().run_cli_from(Vec::<String>::new());
    std::process::exit(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_isolated_endpoint_survives_tests_that_end_the_process() {
    let isolated = runner().isolate(["isolated_child", "--exact", "--test-threads=1"]);
    let origin = server::start(isolated, Runner::new().filter("no test has this name")).await;
    let client = Client::new();
    let name = |function: &str| format!("fixture_crash::smoke::{function}");
    let expected_lines = [
        format!(
            "{} errored: the test process exited with status 0 while this test ran (at \
             tests/fixtures/crash/src/smoke.rs:{})",
            name("b_exits"),
            fixture_crash::smoke::EXITS_LINE
        ),
        format!(
            "{} errored: the test process was killed by signal 6 (SIGABRT) while this test ran \
             (at tests/fixtures/crash/src/smoke.rs:{})",
            name("d_aborts"),
            fixture_crash::smoke::ABORTS_LINE
        ),
    ];
    for attempt in 1..=2 {
        let reply = client
            .get(format!("{origin}/smoketest/"))
            .send()
            .await
            .unwrap();
        let status = reply.status().as_u16();
        let body = reply.text().await.unwrap();
        assert_eq!(status, 500, "attempt {attempt}: {body}");
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(&lines[..3], ["FAIL", "test classes: 1", "tests run: 8"]);
        for line in &expected_lines {
            assert!(lines.contains(&line.as_str()), "{line}\n{body}");
        }
        assert!(
            !lines.iter().any(|line| line.starts_with(&name("a_passes"))),
            "a_passes passed: {body}"
        );
        // The server is the same process, still answering its own routes.
        let ordinary = client.get(format!("{origin}/static")).send().await.unwrap();
        assert_eq!(ordinary.status().as_u16(), 200);
        assert_eq!(ordinary.text().await.unwrap(), "ok");
    }
}
