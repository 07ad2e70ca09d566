//! An `async fn` test that blocks its thread (`std::thread::sleep`, a lock) still times out, the
//! run still ends, and the application's executor is never blocked: async tests are driven on
//! the runner's worker threads, and one that does not give its thread back within the 250 ms
//! cancel grace after its limit is abandoned like a sync one.
//!
//! The executor's freedom is shown by order, not by time: the app answers `GET /` while a flag
//! of the blocked test says it is still blocked, and while its run cannot have ended.

#[path = "threads/gate.rs"]
mod gate;
mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use smoketest::{Report, Runner, Tier};
use support::{at, with_time_masked};

const FILE: &str = "tests/tests/blocking_async.rs";

/// The sleep of the `sleeps_two_seconds` tests, which their run must not wait for.
const SLEEP: Duration = Duration::from_secs(2);

/// Run by `Runner::run_async` on a current-thread runtime. Each runtime flavour has tests of its
/// own: a test stuck from an earlier run is not started again, so sharing them would make the
/// second run report them still running instead of timing them out.
mod current_thread {
    use smoketest::smoke_test;

    use crate::gate::Gate;

    pub(crate) static RELEASE: Gate = Gate::new();

    pub(crate) const BLOCKS_LINE: u32 = line!() + 2;
    #[smoke_test(timeout = "300ms")]
    async fn blocks_until_released() {
        RELEASE.wait();
    }

    pub(crate) const SLEEPS_LINE: u32 = line!() + 2;
    #[smoke_test(timeout = "300ms")]
    async fn sleeps_two_seconds() {
        std::thread::sleep(crate::SLEEP);
    }
}

/// Run by `Runner::run_async` on a multi-thread runtime.
mod multi_thread {
    use smoketest::smoke_test;

    use crate::gate::Gate;

    pub(crate) static RELEASE: Gate = Gate::new();

    pub(crate) const BLOCKS_LINE: u32 = line!() + 2;
    #[smoke_test(timeout = "300ms")]
    async fn blocks_until_released() {
        RELEASE.wait();
    }

    pub(crate) const SLEEPS_LINE: u32 = line!() + 2;
    #[smoke_test(timeout = "300ms")]
    async fn sleeps_two_seconds() {
        std::thread::sleep(crate::SLEEP);
    }
}

/// Served over HTTP by an app on a current-thread runtime.
mod http {
    use std::sync::atomic::{AtomicBool, Ordering};

    use smoketest::smoke_test;

    use crate::gate::Gate;

    /// Holds `blocks_its_thread` until the end of the test.
    pub(crate) static BODY: Gate = Gate::new();
    /// Holds `holds_the_run_open` (and so the run, and the request) until `GET /` was answered.
    pub(crate) static RUN: Gate = Gate::new();
    /// Set by `blocks_its_thread` when its blocking call returned.
    pub(crate) static RETURNED: AtomicBool = AtomicBool::new(false);

    pub(crate) const BLOCKS_LINE: u32 = line!() + 2;
    #[smoke_test(timeout = "300ms")]
    async fn blocks_its_thread() {
        BODY.wait();
        RETURNED.store(true, Ordering::SeqCst);
    }

    // A minute: it is opened long before, and until then the run cannot end.
    #[smoke_test(timeout = "1m")]
    fn holds_the_run_open() {
        RUN.wait();
    }
}

/// The report of a run of `module`'s two tests, both timed out, with their lines.
fn both_timed_out(module: &str, blocks_line: u32, sleeps_line: u32) -> String {
    format!(
        "FAIL\ntest classes: 1\ntests run: 2\ntests passed: 0\ntests failed: 0\n\
         tests errored: 2\ntime: <ms>\nrun id: <uuid>\n\n\
         blocking_async::{module}::blocks_until_released errored: timed out after 300ms {}\n\
         blocking_async::{module}::sleeps_two_seconds errored: timed out after 300ms {}\n",
        at(FILE, blocks_line),
        at(FILE, sleeps_line)
    )
}

/// The run ended before the sleeping test could have returned: its own clock says so.
fn ended_before_the_sleep(report: &Report) {
    assert!(
        report.time < SLEEP.as_secs_f64() * 1000.0,
        "the run took {}ms, as long as the test's sleep",
        report.time
    );
}

#[test]
fn run_async_on_a_current_thread_runtime_times_out_a_blocking_async_test() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let runner = Runner::new().filter("blocking_async::current_thread::");
    let report = runtime.block_on(runner.run_async(Tier::Fast));
    eprintln!("current-thread runtime: the run took {:.1}ms", report.time);
    assert_eq!(
        with_time_masked(&report.to_text()),
        both_timed_out(
            "current_thread",
            current_thread::BLOCKS_LINE,
            current_thread::SLEEPS_LINE
        )
    );
    ended_before_the_sleep(&report);
    // Reported while still blocked: the run did not wait for it.
    assert_eq!(current_thread::RELEASE.waiting(), 1);
    current_thread::RELEASE.open();
}

#[test]
fn run_async_on_a_multi_thread_runtime_times_out_a_blocking_async_test() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let runner = Runner::new().filter("blocking_async::multi_thread::");
    let report = runtime.block_on(runner.run_async(Tier::Fast));
    eprintln!("multi-thread runtime: the run took {:.1}ms", report.time);
    assert_eq!(
        with_time_masked(&report.to_text()),
        both_timed_out(
            "multi_thread",
            multi_thread::BLOCKS_LINE,
            multi_thread::SLEEPS_LINE
        )
    );
    ended_before_the_sleep(&report);
    assert_eq!(multi_thread::RELEASE.waiting(), 1);
    multi_thread::RELEASE.open();
}

/// Serves `GET /` (`ok`) and `/smoketest` (the `http` module's tests) on a current-thread tokio
/// runtime of its own thread, like an app's `#[tokio::main(flavor = "current_thread")]`;
/// returns its origin and a sender that stops it.
fn serve_on_a_current_thread_runtime() -> (String, tokio::sync::oneshot::Sender<()>) {
    let (origin_tx, origin_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::Builder::new()
        .name("app".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            runtime.block_on(async move {
                let runner = Runner::new().filter("blocking_async::http::");
                let app = axum::Router::new()
                    .route("/", axum::routing::get(|| async { "ok" }))
                    .nest_service("/smoketest", smoketest_http::axum::service(runner));
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind an ephemeral port on 127.0.0.1");
                let address = listener.local_addr().expect("the bound address");
                origin_tx
                    .send(format!("http://{address}"))
                    .expect("the test waits");
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await
                    .expect("the server runs");
            });
        })
        .expect("start the app's thread");
    let origin = origin_rx.recv().expect("the app starts");
    (origin, stop_tx)
}

#[tokio::test(flavor = "current_thread")]
async fn a_current_thread_app_answers_while_an_async_test_blocks_a_thread() {
    let (origin, stop) = serve_on_a_current_thread_runtime();
    // A bound on every request, so that a blocked executor fails the test instead of hanging it.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client");

    let smoke = tokio::spawn({
        let (client, url) = (client.clone(), format!("{origin}/smoketest/"));
        async move {
            let response = client.get(url).send().await.expect("the smoke run answers");
            let status = response.status().as_u16();
            (status, response.text().await.expect("a text body"))
        }
    });
    // The test's body is blocked on its worker: the gate counts it in.
    while http::BODY.waiting() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    let response = client
        .get(format!("{origin}/"))
        .send()
        .await
        .expect("GET / is answered while an async test blocks a thread");
    // Read as the answer arrives: the test is still blocked, and its run cannot have ended, since
    // `holds_the_run_open` waits for the gate opened below.
    let blocked = http::BODY.waiting() == 1 && !http::RETURNED.load(Ordering::SeqCst);
    let run_in_flight = !smoke.is_finished();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("a text body"), "ok");
    assert!(
        blocked,
        "GET / was answered after the test stopped blocking"
    );
    assert!(
        run_in_flight,
        "GET / was answered after the smoke run ended"
    );

    http::RUN.open();
    let (status, text) = smoke.await.expect("the smoke request completes");
    assert_eq!(status, 500);
    assert_eq!(
        with_time_masked(&text),
        format!(
            "FAIL\ntest classes: 1\ntests run: 2\ntests passed: 1\ntests failed: 0\n\
             tests errored: 1\ntime: <ms>\nrun id: <uuid>\n\n\
             blocking_async::http::blocks_its_thread errored: timed out after 300ms {}\n",
            at(FILE, http::BLOCKS_LINE)
        )
    );
    // Reported without waiting for the blocked call, which returns only now.
    assert!(!http::RETURNED.load(Ordering::SeqCst));
    http::BODY.open();
    let _ = stop.send(());
}
