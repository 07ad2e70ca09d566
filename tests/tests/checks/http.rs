//! `checks::http_get` against a real axum server on 127.0.0.1 that answers 200, 503, slowly,
//! with a redirect, with a body of a gigabyte, and never.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::routing::get;
use futures_util::StreamExt;
use smoketest::checks;

use crate::common::{closed_port, errored, failed, millis_after, passed, run_async};

const CHUNK: usize = 64 * 1024;
/// What `/huge` would send if it were read to the end.
const HUGE: u64 = 1 << 30;

/// The upstream: its base URL and how many body bytes `/huge` has produced.
pub(crate) struct Upstream {
    pub(crate) base: String,
    produced: Arc<AtomicU64>,
}

pub(crate) async fn upstream() -> Upstream {
    let produced = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&produced);
    let app = Router::new()
        .route("/ok", get(|| async { "ok\n" }))
        .route(
            "/unavailable",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "down\n") }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(400)).await;
                "ok\n"
            }),
        )
        .route(
            "/moved",
            get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/ok")]) }),
        )
        .route("/hang", get(std::future::pending::<&'static str>))
        .route(
            "/stall",
            get(|| async {
                // The headers and a first chunk, then nothing more, ever.
                let first = futures_util::stream::once(async {
                    Ok::<_, Infallible>(Bytes::from_static(b"{\"status\":"))
                });
                Body::from_stream(first.chain(futures_util::stream::pending()))
            }),
        )
        .route(
            "/huge",
            get(move || {
                let counter = Arc::clone(&counter);
                async move {
                    let chunks = futures_util::stream::unfold(0u64, move |sent| {
                        let counter = Arc::clone(&counter);
                        async move {
                            if sent >= HUGE {
                                return None;
                            }
                            counter.fetch_add(CHUNK as u64, Ordering::SeqCst);
                            let chunk = Bytes::from(vec![b'x'; CHUNK]);
                            Some((Ok::<_, Infallible>(chunk), sent + CHUNK as u64))
                        }
                    });
                    Body::from_stream(chunks)
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Upstream { base, produced }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2xx_passes_and_another_status_fails_with_the_status_and_time() {
    let upstream = upstream().await;
    let ok = format!("{}/ok", upstream.base);
    assert_eq!(run_async(checks::http_get(&ok)).await, passed());
    assert_eq!(run_async(checks::http_get(&ok).status(200)).await, passed());

    let url = format!("{}/unavailable", upstream.base);
    let (outcome, message) = run_async(checks::http_get(&url).status(200)).await;
    let took = millis_after(&message, " in ");
    assert_eq!(
        (outcome, message),
        failed(format!("GET {url} answered 503 in {took} ms, expected 200"))
    );
    let (_, message) = run_async(checks::http_get(&url)).await;
    assert!(message.ends_with("ms, expected 2xx"), "{message}");
    let (_, message) = run_async(checks::http_get(&ok).status(201).status(204)).await;
    assert!(message.ends_with("ms, expected 201 or 204"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_over_its_budget_fails_saying_how_long_it_took() {
    let upstream = upstream().await;
    let url = format!("{}/slow", upstream.base);
    let budget = Duration::from_millis(100);
    let (outcome, message) = run_async(checks::http_get(&url).within(budget)).await;
    let took = millis_after(&message, " took ");
    assert!(took >= 400, "{message}");
    assert_eq!(
        (outcome, message),
        failed(format!("GET {url} took {took} ms, budget 100 ms"))
    );
    let roomy = checks::http_get(&url).within(Duration::from_secs(3));
    assert_eq!(run_async(roomy).await, passed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_not_followed_unless_asked() {
    let upstream = upstream().await;
    let url = format!("{}/moved", upstream.base);
    let (outcome, message) = run_async(checks::http_get(&url)).await;
    let took = millis_after(&message, " in ");
    assert_eq!(
        (outcome, message),
        failed(format!(
            "GET {url} answered 301 in {took} ms, expected 2xx (redirected to \"/ok\"; \
             redirects are not followed unless follow_redirects is set)"
        ))
    );
    let followed = checks::http_get(&url).follow_redirects(1);
    assert_eq!(run_async(followed).await, passed());
    assert_eq!(
        run_async(checks::http_get(&url).status(301)).await,
        passed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_body_is_read_only_up_to_the_bound() {
    let upstream = upstream().await;
    let url = format!("{}/huge", upstream.base);
    let started = Instant::now();
    assert_eq!(run_async(checks::http_get(&url)).await, passed());
    let (outcome, message) = run_async(checks::http_get(&url).body_contains("needle")).await;
    let took = millis_after(&message, " in ");
    assert_eq!(
        (outcome, message),
        failed(format!(
            "GET {url} answered 200 in {took} ms, expected the body to contain \"needle\"; its \
             first 65536 bytes do not"
        ))
    );
    let small = checks::http_get(&url)
        .max_body_bytes(10)
        .body_contains("xxxxxxxxxxx");
    let (_, message) = run_async(small).await;
    assert!(message.ends_with("its first 10 bytes do not"), "{message}");
    // Once the check has closed the connection, the server stops producing: counted, of the
    // gigabyte it would send, what fits in the sockets' buffers at most.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let produced = upstream.produced.load(Ordering::SeqCst);
    assert!(produced < 3 * 16 * 1024 * 1024, "produced {produced} bytes");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_is_given_up_on_in_time() {
    let upstream = upstream().await;
    let url = format!("{}/hang", upstream.base);
    let started = Instant::now();
    let check = checks::http_get(&url).give_up_after(Duration::from_millis(300));
    assert_eq!(
        run_async(check).await,
        failed(format!("GET {url} did not answer within 300 ms"))
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_halfway_is_given_up_on_in_time() {
    let upstream = upstream().await;
    let url = format!("{}/stall", upstream.base);
    let started = Instant::now();
    let check = checks::http_get(&url).give_up_after(Duration::from_millis(300));
    let (outcome, message) = run_async(check).await;
    let took = millis_after(&message, " in ");
    assert_eq!(
        (outcome, message),
        failed(format!(
            "GET {url} answered 200 in {took} ms, then its body did not arrive within 300 ms"
        ))
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_port_fails_with_the_connection_error() {
    let url = format!("http://127.0.0.1:{}/health", closed_port());
    let (outcome, message) = run_async(checks::http_get(&url)).await;
    assert_eq!(outcome, smoketest::Outcome::Failed);
    assert!(
        message.starts_with(&format!(
            "GET {url} got no answer: error sending request for url"
        )) && message.ends_with("Connection refused (os error 111)"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_url_errors_saying_what_to_write() {
    for bad in ["payments/health", "ftp://payments/health", ""] {
        assert_eq!(
            run_async(checks::http_get(bad)).await,
            errored(format!(
                "cannot run: {bad:?} is not an http(s) URL; write e.g. \
                 \"https://payments.internal/health\""
            ))
        );
    }
    let bad_root = checks::http_get("https://payments.internal/").add_root_certificate_pem("nope");
    assert_eq!(
        run_async(bad_root).await,
        errored("cannot run: a root certificate PEM holds no CERTIFICATE block")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_options_chain_after_its_own() {
    let upstream = upstream().await;
    let url = format!("{}/unavailable", upstream.base);
    let report = smoketest::Runner::new()
        .apps(["checked"])
        .check(
            "checked::warned",
            checks::http_get(&url)
                .status(200)
                .tags(["ready"])
                .retries(1)
                .warn_only(),
        )
        .run_async(smoketest::Tier::Fast)
        .await;
    let test = &report.tests[0];
    assert_eq!(
        (test.outcome, test.attempts, test.tags.as_slice()),
        (smoketest::Outcome::Warned, 2, &["ready".into()][..])
    );
    assert_eq!(report.status, smoketest::Status::Pass);
}
