//! A test that hangs holds one thread, however often its tier runs: counted, not timed.
//!
//! A sync test past its limit is reported `timed out after 50ms` and its thread abandoned until
//! the call returns; while it is stuck, later runs report it errored at once instead of starting
//! it again, and every run joins the workers it did not abandon. So 1 000 runs (or 200 polls over
//! HTTP) leave exactly the one stuck thread, the hung test is entered exactly once, and when it
//! finally returns its thread goes too and the next run starts it again.
//!
//! One `#[test]`: thread counts are the process's, and a second test of this binary, run by
//! libtest alongside, would start and end threads in the middle of a count.

#[path = "threads/gate.rs"]
mod gate;
#[path = "threads/stuck.rs"]
mod stuck;
mod support;
#[path = "threads/count.rs"]
mod threads;

use std::time::Duration;

use gate::Gate;
use smoketest::{Report, Runner, Tier, smoke_test};
use support::{at, with_time_masked};

const FILE: &str = "tests/tests/hung_threads.rs";

// The hung tests block on a gate that no one opens before the counting is over — a lock never
// released, as far as the runs can tell — so that the end of the test can show what happens when
// the call finally returns.
static DIRECT_GATE: Gate = Gate::new();
static HTTP_GATE: Gate = Gate::new();

const DIRECT_HANGS_LINE: u32 = line!() + 2;
#[smoke_test(timeout = "50ms")]
fn direct_hangs() {
    DIRECT_GATE.wait();
}

#[smoke_test]
fn direct_passes() {}

const HTTP_HANGS_LINE: u32 = line!() + 2;
#[smoke_test(timeout = "50ms")]
fn http_hangs() {
    HTTP_GATE.wait();
}

#[smoke_test]
fn http_passes() {}

/// `/proc/self/task` shows `smoketest-worker` cut to 15 bytes.
const WORKER: &str = "smoketest-worke";
/// The thread of a `Runner::spawn` run, which `smoketest-http` starts for each run.
const RUN_THREAD: &str = "smoketest-run";

const PASSING_REPORT: &str = "PASS\ntest classes: 1\ntests run: 2\ntests passed: 2\n\
                              tests failed: 0\ntests errored: 0\ntime: <ms>\nrun id: <uuid>\n";

/// The text report of a run where `name` (its function at `line`) errored with `message` and
/// the other test passed.
fn failing_report(name: &str, message: &str, line: u32) -> String {
    format!(
        "FAIL\ntest classes: 1\ntests run: 2\ntests passed: 1\ntests failed: 0\n\
         tests errored: 1\ntime: <ms>\nrun id: <uuid>\n\n{name} errored: {message} {}\n",
        at(FILE, line)
    )
}

/// Checks that `text`, a report's text, says `name` is still running from an earlier run;
/// returns for how long.
fn still_running(text: &str, name: &str, line: u32, run: usize) -> Duration {
    let errored_line = text
        .lines()
        .find(|line| line.starts_with(name))
        .unwrap_or_else(|| panic!("run {run}: no line for {name} in\n{text}"));
    let message = errored_line
        .strip_prefix(&format!("{name} errored: "))
        .and_then(|rest| rest.strip_suffix(&format!(" {}", at(FILE, line))))
        .unwrap_or_else(|| panic!("run {run}: {errored_line}"));
    let for_how_long = stuck::still_running_for(message)
        .unwrap_or_else(|| panic!("run {run}: not the still-running message: {errored_line}"));
    assert_eq!(
        with_time_masked(text),
        failing_report(name, message, line),
        "run {run}"
    );
    for_how_long
}

#[test]
fn a_hung_test_holds_one_thread_however_often_its_tier_runs() {
    runs_from_main();
    polls_over_http();
}

/// 1 000 runs of `Runner::run`.
fn runs_from_main() {
    let runner = Runner::new().filter("hung_threads::direct_");
    assert_eq!(
        runner.test_names(Tier::Fast),
        ["hung_threads::direct_hangs", "hung_threads::direct_passes"]
    );
    assert_eq!(smoketest::abandoned_threads(), 0);
    let before = threads::steady();

    let first: Report = runner.run(Tier::Fast);
    assert_eq!(
        with_time_masked(&first.to_text()),
        failing_report(
            "hung_threads::direct_hangs",
            "timed out after 50ms",
            DIRECT_HANGS_LINE
        )
    );
    let after_first = threads::steady();
    assert_eq!(
        after_first,
        before + 1,
        "run 1 leaves the hung test's thread and no other: {:?}",
        threads::names()
    );
    assert_eq!(threads::named(WORKER), 1, "{:?}", threads::names());

    let mut last = Duration::ZERO;
    for run in 2..=1000 {
        let text = runner.run(Tier::Fast).to_text();
        let for_how_long =
            still_running(&text, "hung_threads::direct_hangs", DIRECT_HANGS_LINE, run);
        assert!(for_how_long >= last, "run {run}: {text}");
        last = for_how_long;
    }
    let after_last = threads::settle_to(after_first);
    eprintln!(
        "Runner::run: {before} threads before run 1, {after_first} after run 1, \
         {after_last} after run 1000 (hung for {last:?} by then)"
    );
    assert_eq!(
        after_last,
        after_first,
        "runs 2 to 1000 join every worker they start: {:?}",
        threads::names()
    );
    assert_eq!(smoketest::abandoned_threads(), 1);
    assert_eq!(
        (DIRECT_GATE.entered(), DIRECT_GATE.waiting()),
        (1, 1),
        "the hung test was started once in 1000 runs, and still blocks"
    );

    // The call returns: its thread finishes the job and leaves, and the test runs again.
    DIRECT_GATE.open();
    assert!(threads::wait_until(|| smoketest::abandoned_threads() == 0));
    assert_eq!(threads::settle_to(before), before, "{:?}", threads::names());
    assert_eq!(
        with_time_masked(&runner.run(Tier::Fast).to_text()),
        PASSING_REPORT
    );
    assert_eq!(threads::settle_to(before), before, "{:?}", threads::names());
}

/// 200 polls of `GET /smoketest/` on an axum server, with the endpoint's defaults (single-flight,
/// no cache), from a reqwest client; server and client on one multi-threaded tokio runtime.
fn polls_over_http() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let runner = Runner::new().filter("hung_threads::http_");
    assert_eq!(
        runner.test_names(Tier::Fast),
        ["hung_threads::http_hangs", "hung_threads::http_passes"]
    );
    let app = axum::Router::new()
        .route("/", axum::routing::get(|| async { "ok" }))
        .nest_service("/smoketest", smoketest_http::axum::service(runner));
    let origin = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an ephemeral port on 127.0.0.1");
        let address = listener.local_addr().expect("the bound address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{address}")
    });
    let client = reqwest::Client::new();
    let poll = |path: &str| {
        runtime.block_on(async {
            let response = client
                .get(format!("{origin}{path}"))
                .send()
                .await
                .expect("the server answers");
            let status = response.status().as_u16();
            (status, response.text().await.expect("a text body"))
        })
    };
    // The run thread of each poll hands over its report and then ends: counts are taken once no
    // run thread is left.
    let between_polls = || {
        assert!(
            threads::wait_gone(RUN_THREAD),
            "a run's thread stays: {:?}",
            threads::names()
        );
        threads::steady()
    };

    let (status, text) = poll("/smoketest/");
    assert_eq!(status, 500);
    assert_eq!(
        with_time_masked(&text),
        failing_report(
            "hung_threads::http_hangs",
            "timed out after 50ms",
            HTTP_HANGS_LINE
        )
    );
    let mut after_10 = 0;
    let mut last = Duration::ZERO;
    for poll_number in 2..=200 {
        let (status, text) = poll("/smoketest/");
        assert_eq!(status, 500, "poll {poll_number}: {text}");
        let for_how_long = still_running(
            &text,
            "hung_threads::http_hangs",
            HTTP_HANGS_LINE,
            poll_number,
        );
        assert!(for_how_long >= last, "poll {poll_number}: {text}");
        last = for_how_long;
        if poll_number == 10 {
            after_10 = between_polls();
            assert_eq!(threads::named(WORKER), 1, "{:?}", threads::names());
        }
    }
    assert!(threads::wait_gone(RUN_THREAD), "{:?}", threads::names());
    let after_200 = threads::settle_to(after_10);
    eprintln!(
        "over HTTP: {after_10} threads after poll 10, {after_200} after poll 200 \
         (hung for {last:?} by then): {:?}",
        threads::names()
    );
    assert_eq!(
        after_200,
        after_10,
        "polls 11 to 200 leave no thread: {:?}",
        threads::names()
    );
    assert_eq!(threads::named(WORKER), 1, "{:?}", threads::names());
    assert_eq!(smoketest::abandoned_threads(), 1);
    assert_eq!(
        (HTTP_GATE.entered(), HTTP_GATE.waiting()),
        (1, 1),
        "the hung test was started once in 200 polls, and still blocks"
    );

    HTTP_GATE.open();
    assert!(threads::wait_until(|| smoketest::abandoned_threads() == 0));
    assert_eq!(
        threads::settle_to(after_10 - 1),
        after_10 - 1,
        "{:?}",
        threads::names()
    );
    let (status, text) = poll("/smoketest/");
    assert_eq!(
        (status, with_time_masked(&text).as_str()),
        (200, PASSING_REPORT)
    );
    let (status, text) = poll("/");
    assert_eq!((status, text.as_str()), (200, "ok"));
}
