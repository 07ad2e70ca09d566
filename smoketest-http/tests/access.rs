//! Access control and the slow tier's rate limit at the endpoint itself: the cases a real server
//! can't stage on demand (a run in flight, a run its caller left) and the parts of a request only the
//! core sees (`HEAD`, the client's address). Runs are counted by the smoke tests themselves.
//! Also what configuration alone decides: the runner's minimum of tests, an empty bearer token.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use http::{HeaderMap, HeaderValue, Method, Request};
use smoketest::Runner;
use smoketest_http::{Detail, PeerAddr, SmokeEndpoint};

use support::{Probe, get, header, until};

#[smoketest::smoke_test]
fn access_plain_probe() {}

static IN_FLIGHT: Probe = Probe::gated();

#[smoketest::smoke_test(slow)]
async fn access_in_flight_probe() {
    IN_FLIGHT.run().await;
}

static ABANDONED: Probe = Probe::gated();

#[smoketest::smoke_test(slow)]
async fn access_abandoned_probe() {
    ABANDONED.run().await;
}

fn limited(test: &str, interval: Duration) -> SmokeEndpoint {
    SmokeEndpoint::new(Runner::new().filter(test)).slow_tier_interval(interval)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn within_the_interval_a_request_waits_for_the_run_in_flight() {
    let endpoint = limited("access_in_flight_probe", Duration::from_secs(60));
    let first = tokio::spawn({
        let endpoint = endpoint.clone();
        async move { get(&endpoint, "/slow/", None, None).await }
    });
    until("the first run started", || IN_FLIGHT.runs() == 1).await;
    let second = tokio::spawn({
        let endpoint = endpoint.clone();
        async move { get(&endpoint, "/slow/", None, None).await }
    });
    IN_FLIGHT.open(2);
    let (first, second) = (first.await.unwrap(), second.await.unwrap());
    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 200);
    assert_eq!(first.body(), second.body(), "one run, one report");
    assert_eq!(IN_FLIGHT.runs(), 1);
    // And once it finished, within the interval, the stored report.
    let third = get(&endpoint, "/slow/", None, None).await;
    assert_eq!(third.body(), first.body());
    assert!(header(&third, "age").is_some());
    assert_eq!(IN_FLIGHT.runs(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn within_the_interval_the_report_of_a_run_its_caller_left_is_served_not_429() {
    let endpoint = limited("access_abandoned_probe", Duration::from_secs(60));
    let abandoned = tokio::spawn({
        let endpoint = endpoint.clone();
        async move { get(&endpoint, "/slow/", None, None).await }
    });
    until("the run started", || ABANDONED.runs() == 1).await;
    abandoned.abort();
    assert!(abandoned.await.unwrap_err().is_cancelled());
    ABANDONED.open(1);
    until("the run finished", || ABANDONED.finished() == 1).await;

    let response = get(&endpoint, "/slow/", None, None).await;
    assert_eq!(response.status(), 200, "{}", response.body());
    assert!(header(&response, "age").is_some());
    assert!(
        response
            .body()
            .starts_with("PASS\ntest classes: 1\ntests run: 1\n")
    );
    assert_eq!(header(&response, "retry-after"), None);
    assert_eq!(
        (ABANDONED.runs(), ABANDONED.cancelled()),
        (1, 0),
        "no new run within the interval"
    );
    // The fast tier is not limited.
    assert_eq!(get(&endpoint, "/", None, None).await.status(), 200);
}

#[tokio::test]
async fn head_of_a_refused_request_keeps_status_headers_and_length() {
    let endpoint = SmokeEndpoint::new(Runner::new().filter("access_plain_probe")).bearer_token("t");
    let response = endpoint
        .respond(&Method::HEAD, "/", None, &HeaderMap::new())
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.body(), "");
    assert_eq!(
        header(&response, "content-length"),
        Some(
            "unauthorized: send the token in an `Authorization: Bearer <token>` header\n"
                .len()
                .to_string()
                .as_str()
        )
    );
    assert_eq!(
        header(&response, "www-authenticate"),
        Some(r#"Bearer realm="smoketest""#)
    );
}

#[tokio::test]
async fn the_clients_address_reaches_the_predicate() {
    let endpoint = SmokeEndpoint::new(Runner::new().filter("access_plain_probe"))
        .authorize(|caller| caller.peer.is_some_and(|peer| peer.port() == 4242));
    let allowed: SocketAddr = "192.0.2.1:4242".parse().unwrap();
    let refused: SocketAddr = "192.0.2.1:4243".parse().unwrap();
    let headers = HeaderMap::new();
    for (peer, status) in [(Some(allowed), 200), (Some(refused), 403), (None, 403)] {
        let response = endpoint
            .respond_with_peer(&Method::GET, "/", None, &headers, peer)
            .await;
        assert_eq!(response.status(), status, "{peer:?}");
    }
    let mut request = Request::get("/").body(()).unwrap();
    request.extensions_mut().insert(PeerAddr(allowed));
    assert_eq!(endpoint.handle(&request).await.status(), 200);
    assert_eq!(
        endpoint
            .handle_under("/smoketest", &{
                let mut request = Request::get("/smoketest/").body(()).unwrap();
                request.extensions_mut().insert(PeerAddr(allowed));
                request
            })
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_summary_in_any_format_names_no_test() {
    let endpoint = SmokeEndpoint::new(Runner::new().filter("access_plain_probe"))
        .bearer_token("t")
        .anonymous(Detail::Summary);
    for format in ["text", "json", "prometheus", "html"] {
        let response = get(&endpoint, "/", Some(&format!("format={format}")), None).await;
        assert_eq!(response.status(), 200, "{format}");
        assert!(
            !response.body().contains("access_plain_probe"),
            "{format}: {}",
            response.body()
        );
    }
    // The same request with the token names it.
    let mut headers = HeaderMap::new();
    headers.insert("authorization", HeaderValue::from_static("Bearer t"));
    let full = endpoint
        .respond(&Method::GET, "/", Some("format=prometheus"), &headers)
        .await;
    assert!(
        full.body().contains("access_plain_probe"),
        "{}",
        full.body()
    );
}

#[tokio::test]
async fn a_runner_with_fewer_tests_than_its_minimum_answers_the_fail_status_with_the_note() {
    let endpoint = SmokeEndpoint::new(Runner::new().filter("access_plain_probe").min_tests(5));
    let text = get(&endpoint, "/", None, None).await;
    assert_eq!(text.status(), 500);
    let body = text.body();
    assert!(
        body.starts_with(
            "FAIL\ntest classes: 1\ntests run: 1\ntests passed: 1\ntests failed: 0\n\
             tests errored: 0\ntime: "
        ),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "ms\nrun id: {}\n",
            text.headers()["x-smoketest-run-id"].to_str().unwrap()
        )) && body.ends_with(
            "\n\nnote: 1 test selected, fewer than the 5 required \
             (--min-tests / Runner::min_tests)\n"
        ),
        "{body}"
    );
    let json = get(&endpoint, "/", Some("format=json"), None).await;
    assert_eq!(json.status(), 500);
    let json: serde_json::Value = serde_json::from_str(json.body()).unwrap();
    assert_eq!(json["status"], "FAIL");
    assert_eq!(json["min_tests"], 5);
    assert_eq!(json["tests_selected"], 1);
    let nagios = get(&endpoint, "/", Some("format=nagios"), None).await;
    assert!(
        nagios
            .body()
            .starts_with("SMOKETEST UNKNOWN - 1 test selected, fewer than the 5 required | "),
        "{}",
        nagios.body()
    );
    // The fail status is the endpoint's, and a minimum that is met changes nothing.
    let endpoint = SmokeEndpoint::new(Runner::new().filter("access_plain_probe").min_tests(1))
        .fail_status(http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(get(&endpoint, "/", None, None).await.status(), 200);
    let endpoint = SmokeEndpoint::new(Runner::new().filter("access_plain_probe").min_tests(2))
        .fail_status(http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(get(&endpoint, "/", None, None).await.status(), 503);
}

/// Set in the child process of the test below.
const EMPTY_TOKEN_CHILD: &str = "SMOKETEST_HTTP_EMPTY_TOKEN_CHILD";

#[test]
fn an_empty_bearer_token_warns_once_on_stderr_and_answers_401() {
    if std::env::var_os(EMPTY_TOKEN_CHILD).is_some() {
        // Two endpoints, as an app building one per worker would: one warning.
        for _ in 0..2 {
            let endpoint = SmokeEndpoint::new(Runner::new().filter("access_plain_probe"))
                .bearer_token(std::env::var("UNSET_SMOKE_TOKEN").unwrap_or_default());
            let request = Request::get("/").body(()).unwrap();
            let response = futures_executor::block_on(endpoint.handle(&request));
            assert_eq!(response.status(), 401);
        }
        return;
    }
    // The warning goes to the process's stderr once: seen from a child running this test alone.
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "an_empty_bearer_token_warns_once_on_stderr_and_answers_401",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(EMPTY_TOKEN_CHILD, "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("warning:"))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: smoketest-http: SmokeEndpoint::bearer_token(\"\") matches no request: every \
          request will be answered 401, unless another token, an authorize predicate or an \
          anonymous policy lets it through"
        ]
    );
}
