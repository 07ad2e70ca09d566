//! The axum glue under load (issue 5, 1d): 200 concurrent clients send a fixed number of
//! requests to `/smoketest/` of a server on 127.0.0.1, serving five trivial smoke tests with the
//! default settings (single-flight on); the baseline is a static route, `GET /static`, of the
//! same server. Every answer must be a 200 (a transport error or another status counts as an
//! error, and there must be none); the throughput of each route and their ratio are printed.
//! For comparison, the same load on a mount with single-flight off (each request runs the tests,
//! at most 2 runs at once: the default bound), and on one with a one-second result cache
//! (`cache_for`), what a monitor polling at high rates should use.
//!
//! ```console
//! $ cargo bench -p smoketest-http --bench axum_load
//! ```
//!
//! Server and clients share one multi-threaded tokio runtime on the same machine (a shared
//! reqwest `Client`, keep-alive, one connection per client), so the numbers are relative: the
//! ratio is the result, not the absolute rate.

#![allow(missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use smoketest::{Runner, Tier, smoke_test};
use smoketest_http::SmokeEndpoint;

const CLIENTS: usize = 200;
const REQUESTS: usize = 20_000;
const WARM_UP: usize = 2_000;
/// Requests per route when run as a test (`cargo test --benches`): only checks that it works.
const QUICK: usize = 400;
/// Rounds over the routes; each route's median round is its result.
const ROUNDS: usize = 3;

#[smoke_test]
fn trivial_sync_1() {}

#[smoke_test]
fn trivial_sync_2() {
    assert_eq!(std::hint::black_box(1) + 1, 2);
}

#[smoke_test]
async fn trivial_async_1() {}

#[smoke_test]
async fn trivial_async_2() {}

#[smoke_test]
async fn trivial_async_3() {
    std::hint::black_box(());
}

/// What a load run measured.
struct Measured {
    requests: usize,
    errors: usize,
    elapsed: Duration,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// Sends `requests` GETs of `url` from `CLIENTS` concurrent tasks sharing `client`; an answer
/// that is not a 200 whose body starts with `expected` is an error.
async fn load(client: &reqwest::Client, url: &str, requests: usize, expected: &str) -> Measured {
    let tickets = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, url, expected) = (client.clone(), url.to_owned(), expected.to_owned());
            let (tickets, errors) = (Arc::clone(&tickets), Arc::clone(&errors));
            tokio::spawn(async move {
                while tickets.fetch_add(1, Ordering::Relaxed) < requests {
                    let ok = match client.get(&url).send().await {
                        Ok(response) if response.status() == 200 => response
                            .text()
                            .await
                            .is_ok_and(|body| body.starts_with(&expected)),
                        Ok(_) | Err(_) => false,
                    };
                    if !ok {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for client in clients {
        client.await.expect("a client task does not panic");
    }
    Measured {
        requests,
        errors: errors.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    }
}

fn report(route: &str, measured: &Measured) {
    println!(
        "{route:<28} {:>7} requests  {:>3} errors  {:>8.3} s  {:>9.0} requests/s",
        measured.requests,
        measured.errors,
        measured.elapsed.as_secs_f64(),
        measured.per_second()
    );
}

async fn bench(requests: usize, warm_up: usize) -> bool {
    let runner = Runner::new().filter("trivial_");
    assert_eq!(runner.test_names(Tier::Fast).len(), 5);
    let uncoalesced = SmokeEndpoint::new(runner.clone()).single_flight(false);
    let cached = SmokeEndpoint::new(runner.clone()).cache_for(Duration::from_secs(1));
    let app = Router::new()
        .route("/static", get(|| async { "PASS static\n" }))
        .nest_service("/smoketest", smoketest_http::axum::service(runner))
        .nest_service("/uncoalesced", smoketest_http::axum::service(uncoalesced))
        .nest_service("/cached", smoketest_http::axum::service(cached));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral port on 127.0.0.1");
    let origin = format!(
        "http://{}",
        listener.local_addr().expect("the bound address")
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("a reqwest client");
    let routes = [
        ("GET /static", format!("{origin}/static")),
        ("GET /smoketest/", format!("{origin}/smoketest/")),
        ("GET /uncoalesced/", format!("{origin}/uncoalesced/")),
        ("GET /cached/", format!("{origin}/cached/")),
    ];
    for (_, url) in &routes {
        load(&client, url, warm_up, "PASS").await;
    }
    println!(
        "{CLIENTS} concurrent clients, {requests} requests per route, 5 trivial smoke tests\n"
    );
    // Rounds over the routes in turn, so that no route is favoured by when it runs; each route's
    // median round is the result.
    let mut rounds: Vec<Vec<Measured>> = routes.iter().map(|_| Vec::new()).collect();
    for round in 1..=ROUNDS {
        for ((route, url), measured) in routes.iter().zip(&mut rounds) {
            let this = load(&client, url, requests, "PASS").await;
            report(&format!("{route} (round {round})"), &this);
            measured.push(this);
        }
    }
    let mut results: Vec<Measured> = Vec::new();
    println!("\nmedian round:");
    for ((route, _), mut measured) in routes.iter().zip(rounds) {
        measured.sort_by_key(|measured| measured.elapsed);
        let median = measured.swap_remove(measured.len() / 2);
        report(route, &median);
        let errors = measured.iter().map(|other| other.errors).sum::<usize>();
        results.push(Measured {
            errors: median.errors + errors,
            ..median
        });
    }
    let [static_route, coalesced, uncoalesced, cached] = &results[..] else {
        unreachable!("four routes were measured")
    };
    println!(
        "\n/smoketest/ (single-flight on) vs /static: {:.2}",
        coalesced.per_second() / static_route.per_second()
    );
    println!(
        "/uncoalesced/ (single-flight off) vs /static: {:.2}",
        uncoalesced.per_second() / static_route.per_second()
    );
    println!(
        "/cached/ (1 s result cache) vs /static: {:.2}",
        cached.per_second() / static_route.per_second()
    );
    println!(
        "errors in all rounds: {}",
        results
            .iter()
            .map(|measured| measured.errors)
            .sum::<usize>()
    );
    results.iter().all(|measured| measured.errors == 0)
}

fn main() -> std::process::ExitCode {
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`) a quick run only checks
    // that every answer is right.
    let (requests, warm_up) = if std::env::args().any(|arg| arg == "--bench") {
        (REQUESTS, WARM_UP)
    } else {
        (QUICK, 0)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    if runtime.block_on(bench(requests, warm_up)) {
        std::process::ExitCode::SUCCESS
    } else {
        eprintln!("errors: see the table above");
        std::process::ExitCode::FAILURE
    }
}
