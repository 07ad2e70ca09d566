//! Clients that hang up, through a real axum server: a run goes on when every request for it is
//! gone, so requests that connect and hang up start one run, never one alongside another, and
//! the next request gets that run's report. The smoke tests here are synchronous and block
//! their thread until the test opens their gate, as a long sync test does: such a run can't be
//! cancelled. Everything checked is a count; the server's side of each request is watched
//! (arrived, dropped unfinished) so that nothing depends on timing.

mod support;

use std::convert::Infallible;
use std::future::Future;
use std::io::Write as _;
use std::net::{SocketAddr, TcpStream};
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

use support::{BlockingProbe, counting_first_poll, until};

/// What the server saw of the requests.
struct Seen {
    /// Requests that reached the endpoint: their response future was polled once, so they have
    /// joined a run, started one, or are waiting for a place.
    arrived: AtomicUsize,
    /// Requests whose response future was dropped before it finished: their client hung up.
    abandoned: AtomicUsize,
}

impl Seen {
    const fn new() -> Self {
        Seen {
            arrived: AtomicUsize::new(0),
            abandoned: AtomicUsize::new(0),
        }
    }

    fn arrived(&self) -> usize {
        self.arrived.load(Ordering::SeqCst)
    }

    fn abandoned(&self) -> usize {
        self.abandoned.load(Ordering::SeqCst)
    }
}

/// Counts a response future dropped before it finished.
struct Abandoned(&'static Seen, bool);

impl Drop for Abandoned {
    fn drop(&mut self) {
        if !self.1 {
            self.0.abandoned.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The axum glue, watched.
#[derive(Clone)]
struct Watched(SmokeService, &'static Seen);

impl Service<Request<Body>> for Watched {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Service::<Request<Body>>::poll_ready(&mut self.0, cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let response = self.0.call(request);
        let seen = self.1;
        Box::pin(async move {
            let mut abandoned = Abandoned(seen, false);
            let response = counting_first_poll(response, &seen.arrived).await;
            abandoned.1 = true;
            response
        })
    }
}

/// Serves `endpoint` at `/smoketest` on an ephemeral port of 127.0.0.1.
async fn serve(endpoint: SmokeEndpoint, seen: &'static Seen) -> SocketAddr {
    let service = Watched(smoketest_http::axum::service(endpoint), seen);
    let router = Router::new().nest_service("/smoketest", service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral port on 127.0.0.1");
    let address = listener.local_addr().expect("the bound address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// Clients that, one after the other, connect, send `GET {path}`, and hang up without reading
/// once the server has the request; each is gone from the server before the next connects.
async fn hang_up(address: SocketAddr, path: &str, seen: &Seen, clients: usize) {
    for _ in 0..clients {
        let before = seen.arrived();
        let mut stream = TcpStream::connect(address).expect("connect to the server");
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n").expect("send a request");
        until("the server has the request", || {
            seen.arrived() == before + 1
        })
        .await;
        drop(stream);
        until("the server dropped the request", || {
            seen.abandoned() == before + 1
        })
        .await;
    }
}

/// `GET {path}`, read to the end: the status, the `Age` header, the body.
async fn get(address: SocketAddr, path: &str) -> (u16, Option<String>, String) {
    let response = reqwest::get(format!("http://{address}{path}"))
        .await
        .expect("the server answers");
    let age = response
        .headers()
        .get("age")
        .map(|age| age.to_str().expect("an ASCII header").to_owned());
    (
        response.status().as_u16(),
        age,
        response.text().await.expect("a body"),
    )
}

static SHARED: BlockingProbe = BlockingProbe::gated();

#[smoketest::smoke_test]
fn hang_ups_shared_probe() {
    SHARED.run();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_clients_that_hang_up_start_one_run_and_the_next_request_joins_it() {
    static SEEN: Seen = Seen::new();
    let endpoint = SmokeEndpoint::new(Runner::new().filter("hang_ups_shared_probe"));
    let address = serve(endpoint, &SEEN).await;

    hang_up(address, "/smoketest/", &SEEN, 20).await;
    // The run goes on on its own threads: its test may start a moment after the last hang-up.
    until("the run's test started", || SHARED.runs() >= 1).await;
    assert_eq!(SHARED.runs(), 1, "one run for the 20 requests");
    assert_eq!(SEEN.abandoned(), 20);

    // A request while that run is in flight joins it.
    let next = tokio::spawn(get(address, "/smoketest/"));
    until("the next request arrived", || SEEN.arrived() == 21).await;
    assert_eq!(SHARED.runs(), 1, "the next request started no run");
    SHARED.open(1);
    let (status, age, body) = next.await.expect("the request completes");
    assert_eq!(status, 200, "{body}");
    assert_eq!(age, None);
    assert!(
        body.starts_with("PASS\ntest classes: 1\ntests run: 1\n"),
        "{body}"
    );
    assert_eq!((SHARED.runs(), SHARED.finished(), SHARED.peak()), (1, 1, 1));

    // Once it is over, a request starts a new run.
    SHARED.open(1);
    let (status, _, body) = get(address, "/smoketest/").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((SHARED.runs(), SHARED.finished(), SHARED.peak()), (2, 2, 1));
}

static CACHED: BlockingProbe = BlockingProbe::gated();

#[smoketest::smoke_test]
fn hang_ups_cached_probe() {
    CACHED.run();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_of_a_run_every_client_left_is_cached_for_the_next_request() {
    static SEEN: Seen = Seen::new();
    let endpoint = SmokeEndpoint::new(Runner::new().filter("hang_ups_cached_probe"))
        .cache_for(Duration::from_secs(3600));
    let address = serve(endpoint, &SEEN).await;

    hang_up(address, "/smoketest/", &SEEN, 20).await;
    CACHED.open(1);
    until("the run finished", || CACHED.finished() == 1).await;
    let (status, age, body) = get(address, "/smoketest/").await;
    assert_eq!(status, 200, "{body}");
    assert!(age.is_some(), "a stored report says how old it is");
    assert!(
        body.starts_with("PASS\ntest classes: 1\ntests run: 1\n"),
        "{body}"
    );
    assert_eq!((CACHED.runs(), CACHED.finished(), CACHED.peak()), (1, 1, 1));
}

static OWN: BlockingProbe = BlockingProbe::gated();

#[smoketest::smoke_test]
fn hang_ups_own_probe() {
    OWN.run();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_single_flight_twenty_clients_that_hang_up_run_within_max_runs() {
    static SEEN: Seen = Seen::new();
    let endpoint = SmokeEndpoint::new(Runner::new().filter("hang_ups_own_probe"))
        .single_flight(false)
        .max_runs(1);
    let address = serve(endpoint, &SEEN).await;

    // The first starts a run, which keeps the only place; the other 19 wait for it and leave.
    hang_up(address, "/smoketest/", &SEEN, 20).await;
    until("the run's test started", || OWN.runs() >= 1).await;
    assert_eq!((OWN.runs(), OWN.peak()), (1, 1));
    OWN.open(1);
    until("the run finished", || OWN.finished() == 1).await;

    // The requests that left while waiting left nothing behind: the next request runs alone.
    OWN.open(1);
    let (status, _, body) = get(address, "/smoketest/").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((OWN.runs(), OWN.finished(), OWN.peak()), (2, 2, 1));
}

static SLOW: BlockingProbe = BlockingProbe::gated();

#[smoketest::smoke_test(slow)]
fn hang_ups_slow_probe() {
    SLOW.run();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_run_its_caller_left_serves_the_interval_instead_of_429() {
    static SEEN: Seen = Seen::new();
    let endpoint = SmokeEndpoint::new(Runner::new().filter("hang_ups_slow_probe"))
        .slow_tier_interval(Duration::from_secs(60));
    let address = serve(endpoint, &SEEN).await;

    hang_up(address, "/smoketest/slow/", &SEEN, 1).await;
    until("the run's test started", || SLOW.runs() >= 1).await;
    assert_eq!(SLOW.runs(), 1);
    SLOW.open(1);
    until("the run finished", || SLOW.finished() == 1).await;

    for _ in 0..2 {
        let (status, age, body) = get(address, "/smoketest/slow/").await;
        assert_eq!(status, 200, "{body}");
        assert!(age.is_some(), "the report says how old it is");
        assert!(
            body.starts_with("PASS\ntest classes: 1\ntests run: 1\n"),
            "{body}"
        );
    }
    assert_eq!(
        (SLOW.runs(), SLOW.finished()),
        (1, 1),
        "one run in the interval"
    );
}
