//! Coalescing through a real axum server: 50 concurrent HTTP requests of `/smoketest/` cause one
//! run, a request after it another; the cache's headers arrive as sent.

mod support;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use http::{Request, Response};
use smoketest::Runner;
use smoketest_http::SmokeEndpoint;
use smoketest_http::axum::SmokeService;
use tower_service::Service;

use support::{Probe, counting_first_poll, serve, until};

/// The axum glue, counting the requests whose response future has been polled once: those have
/// joined (or started) their run.
#[derive(Clone)]
struct Counted(SmokeService, &'static AtomicUsize);

impl Service<Request<Body>> for Counted {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Service::<Request<Body>>::poll_ready(&mut self.0, cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let response = self.0.call(request);
        let polled = self.1;
        Box::pin(counting_first_poll(response, polled))
    }
}

static OVER_HTTP: Probe = Probe::gated();

#[smoketest::smoke_test]
async fn shared_http_run_probe() {
    OVER_HTTP.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_http_requests_cause_one_run() {
    static POLLED: AtomicUsize = AtomicUsize::new(0);
    let service = smoketest_http::axum::service(Runner::new().filter("shared_http_run_probe"));
    let origin = serve(Router::new().nest_service("/smoketest", Counted(service, &POLLED))).await;
    let client = reqwest::Client::new();
    let requests: Vec<_> = (0..50)
        .map(|_| {
            let request = client.get(format!("{origin}/smoketest/")).send();
            tokio::spawn(async move {
                let response = request.await.expect("the server answers");
                (response.status(), response.text().await.expect("a body"))
            })
        })
        .collect();
    until("all 50 requests joined the run", || {
        POLLED.load(Ordering::SeqCst) == 50
    })
    .await;
    OVER_HTTP.open(1);
    let mut bodies = Vec::new();
    for request in requests {
        let (status, body) = request.await.expect("the request completes");
        assert_eq!(status, 200, "{body}");
        bodies.push(body);
    }
    assert_eq!(OVER_HTTP.runs(), 1);
    assert!(bodies.iter().all(|body| *body == bodies[0]));

    // Once that run is over, the next request runs the tests again.
    OVER_HTTP.open(1);
    let next = client
        .get(format!("{origin}/smoketest"))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(next.status(), 200);
    assert_eq!(OVER_HTTP.runs(), 2);
}

static CACHED_OVER_HTTP: Probe = Probe::open_gate();

#[smoketest::smoke_test]
async fn cached_over_http_probe() {
    CACHED_OVER_HTTP.run().await;
}

#[tokio::test]
async fn cached_reports_carry_max_age_and_age() {
    let endpoint = SmokeEndpoint::new(Runner::new().filter("cached_over_http_probe"))
        .cache_for(Duration::from_secs(120));
    let origin =
        serve(Router::new().nest_service("/smoketest", smoketest_http::axum::service(endpoint)))
            .await;
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let response = client
            .get(format!("{origin}/smoketest/?format=json"))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "max-age=120");
        let age = response.headers()["age"].to_str().unwrap().to_owned();
        let body = response.text().await.expect("a body");
        let report: serde_json::Value = serde_json::from_str(&body).expect("a JSON report");
        assert_eq!(report["age"].to_string(), age);
    }
    assert_eq!(CACHED_OVER_HTTP.runs(), 1);
}
