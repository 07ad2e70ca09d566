//! The HTTP contract (README, "Over HTTP") through warp 0.4: `smoketest_http::warp::filter("smoketest", runner).or(other_routes)`.

#[path = "http/contract.rs"]
mod contract;
#[path = "http/in_flight.rs"]
mod in_flight;
#[path = "http/warp.rs"]
mod server;

use std::time::Duration;

use reqwest::{Client, Method};
use smoketest_http::SmokeEndpoint;
use warp::Filter as _;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warp_serves_contract_section_5() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    contract::check_contract(&origin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warp_serves_the_history_thresholds_and_hooks_of_section_8() {
    let (mounts, hooks) = contract::history_contract::mounts();
    let origin = server::start_with(mounts).await;
    contract::history_contract::check_history(&origin, &hooks).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warp_serves_the_probe_routes_of_section_7() {
    let origin = server::start_with(contract::probes::mounts()).await;
    contract::probe_contract::check_probes(&origin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_in_flight_does_not_block_other_routes() {
    // As many hanging runs as the runtime has workers: a glue that blocked a worker would stall
    // it. The runs take at least 200 ms, during which a series of ordinary requests must all be
    // answered (one could slip through as the runs end).
    let origin = server::start(in_flight::hanging_runner(), contract::failing_runner()).await;
    let load = in_flight::Load {
        runs: 2,
        head_start: Duration::from_millis(20),
        ordinary_requests: 5,
    };
    in_flight::check(&origin, load).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_composes_with_or_and_nests_under_other_paths() {
    let routes = warp::path!("smoketest" / "version")
        .map(|| "1.0")
        .or(smoketest_http::warp::filter(
            "smoketest",
            contract::passing_runner(),
        ))
        .or(warp::path("api").and(smoketest_http::warp::filter(
            "smoketest",
            contract::passing_runner(),
        )))
        .or(smoketest_http::warp::filter(
            "/internal/smoketest/",
            contract::passing_runner(),
        ))
        .or(warp::path!("static").map(|| "ok"));
    let origin = server::serve(routes).await;
    let client = Client::new();
    let tests_run = |body: &str| body.lines().nth(2).unwrap_or_default().to_owned();

    // A more specific route before the filter still wins; the filter answers the rest of its prefix.
    assert_eq!(
        contract::get(&client, &format!("{origin}/smoketest/version"))
            .await
            .body,
        "1.0"
    );
    for (path, expected) in [
        ("/smoketest", "tests run: 4"),
        ("/api/smoketest", "tests run: 4"),
        ("/api/smoketest/slow/", "tests run: 5"),
        ("/internal/smoketest/", "tests run: 4"),
        ("/internal/smoketest/slow", "tests run: 5"),
    ] {
        let reply = contract::get(&client, &format!("{origin}{path}")).await;
        assert_eq!(reply.status, 200, "{path}: {reply:?}");
        assert_eq!(tests_run(&reply.body), expected, "{path}");
    }

    // Below a prefix, unknown paths are the endpoint's 404 (with its headers) ...
    for path in [
        "/smoketest/nope",
        "/api/smoketest/nope",
        "/internal/smoketest/slow/x",
    ] {
        let reply = contract::get(&client, &format!("{origin}{path}")).await;
        assert_eq!(reply.status, 404, "{path}: {reply:?}");
        assert_eq!(reply.header("cache-control"), "no-store", "{path}");
    }
    // ... and outside every prefix they are rejected, so later routes match and warp answers the rest.
    assert_eq!(
        contract::get(&client, &format!("{origin}/static"))
            .await
            .body,
        "ok"
    );
    for path in [
        "/smoketests",
        "/smoke",
        "/api",
        "/api/smoketests",
        "/internal",
        "/internal/smoketestx",
        "/",
    ] {
        let reply = contract::get(&client, &format!("{origin}{path}")).await;
        assert_eq!(reply.status, 404, "{path}: {reply:?}");
        assert!(
            reply.headers.get("cache-control").is_none(),
            "{path}: {reply:?}"
        );
    }
}

/// A request below `/smoketest`: method, path, query, headers.
type Case = (
    Method,
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static [u8])],
);

/// Headers of a response as comparable text, without `date`, which only the server adds.
fn comparable_headers(headers: &http::HeaderMap) -> Vec<(String, Vec<u8>)> {
    let mut headers: Vec<_> = headers
        .iter()
        .filter(|(name, _)| *name != http::header::DATE)
        .map(|(name, value)| {
            let value = match name.as_str() {
                // Each run's own: the same on both sides once masked, a UUID v7.
                "x-smoketest-run-id" => {
                    contract::without_run_ids(value.to_str().unwrap()).into_bytes()
                }
                _ => value.as_bytes().to_vec(),
            };
            (name.to_string(), value)
        })
        .collect();
    headers.sort();
    headers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_the_endpoints_byte_for_byte() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    let endpoint = SmokeEndpoint::new(contract::passing_runner());
    let client = Client::new();
    let weird = Method::from_bytes(b"BREW").unwrap();
    let cases: [Case; 14] = [
        (Method::GET, "", None, &[]),
        (Method::GET, "/", None, &[]),
        (Method::HEAD, "/", None, &[]),
        (Method::HEAD, "/slow", Some("format=json"), &[]),
        (
            Method::GET,
            "/slow/",
            None,
            &[("accept", b"application/json")],
        ),
        (
            Method::GET,
            "/",
            None,
            &[("accept", b"application/\xffjson")],
        ),
        (Method::GET, "/", Some(""), &[]),
        (Method::GET, "/", Some("format=%FF&x"), &[]),
        (Method::POST, "/slow", None, &[]),
        (weird, "/", None, &[]),
        (Method::HEAD, "/nope", None, &[]),
        (Method::GET, "//", Some("format=json"), &[]),
        (Method::GET, "/%ZZ", None, &[]),
        (Method::OPTIONS, "/nope", Some("bogus"), &[]),
    ];
    for (method, path, query, headers) in cases {
        let url = match query {
            Some(query) => format!("{origin}/smoketest{path}?{query}"),
            None => format!("{origin}/smoketest{path}"),
        };
        let served = contract::request(&client, method.clone(), &url, headers).await;

        let mut header_map = http::HeaderMap::new();
        for (name, value) in headers {
            header_map.append(*name, http::HeaderValue::from_bytes(value).unwrap());
        }
        let expected = endpoint.respond(&method, path, query, &header_map).await;

        let case = format!("{method} {path:?} {query:?} {headers:?}");
        assert_eq!(served.status, expected.status(), "{case}");
        assert_eq!(
            contract::without_times(&served.body),
            contract::without_times(expected.body()),
            "{case}"
        );
        let mut served_headers = comparable_headers(&served.headers);
        let mut expected_headers = comparable_headers(expected.headers());
        if expected.headers().contains_key(http::header::VARY) {
            // A report's length varies with the digits of its times (one in text, one per test in
            // JSON): compare it loosely, and everything else exactly.
            let length = |headers: &mut Vec<(String, Vec<u8>)>| {
                let at = headers
                    .iter()
                    .position(|(name, _)| name == "content-length")
                    .expect("content-length");
                String::from_utf8(headers.remove(at).1)
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            };
            let (served_length, expected_length) =
                (length(&mut served_headers), length(&mut expected_headers));
            let tolerance = 3 + expected_length / 20;
            assert!(
                served_length.abs_diff(expected_length) <= tolerance,
                "{case}: {served_length} vs {expected_length}"
            );
            if method == Method::GET {
                assert_eq!(served_length, served.body.len(), "{case}");
            }
        }
        assert_eq!(served_headers, expected_headers, "{case}");
    }
}
