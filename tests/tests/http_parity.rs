//! axum, actix-web and warp answer every request byte for byte the same (the HTTP contract), apart
//! from the `time` line of text reports, the `time` and `started` keys of JSON ones and the
//! `observedValue` and `time` of each health+json check.

#[path = "http/actix_web.rs"]
mod actix_web_server;
#[path = "http/axum.rs"]
mod axum_server;
#[path = "http/contract.rs"]
mod contract;
#[path = "http/warp.rs"]
mod warp_server;

use contract::{
    Reply, failing_runner, hostile_requests, passing_runner, raw, request, without_times,
};
use reqwest::Method;

/// The headers the endpoint sets; frameworks may add others (`date`), which are not compared.
const COMPARED_HEADERS: [&str; 6] = [
    "content-type",
    "content-length",
    "cache-control",
    "allow",
    "vary",
    "x-content-type-options",
];

fn comparable(reply: &Reply) -> (u16, Vec<(String, Option<String>)>, String) {
    let headers = COMPARED_HEADERS
        .iter()
        .map(|name| {
            let value = reply
                .headers
                .get(*name)
                .map(|v| v.to_str().unwrap().to_owned());
            // A report's length varies with its `time` line: compare lengths of 4xx answers only.
            let is_report = matches!(reply.status.as_u16(), 200 | 500);
            let value = if *name == "content-length" && is_report {
                None
            } else {
                value
            };
            ((*name).to_owned(), value)
        })
        .collect();
    (reply.status.as_u16(), headers, without_times(&reply.body))
}

/// A request to send to every server: method, path, headers.
type Case = (
    Method,
    &'static str,
    &'static [(&'static str, &'static [u8])],
);

/// The three servers, each with `/smoketest` and `/failing` mounted, and their origins.
async fn start_all() -> [(&'static str, String); 3] {
    [
        (
            "axum",
            axum_server::start(passing_runner(), failing_runner()).await,
        ),
        (
            "actix-web",
            actix_web_server::start(passing_runner(), failing_runner()).await,
        ),
        (
            "warp",
            warp_server::start(passing_runner(), failing_runner()).await,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_three_frameworks_answer_identically() {
    let origins = start_all().await;
    let client = reqwest::Client::new();
    let cases: Vec<Case> = vec![
        (Method::GET, "/smoketest/", &[]),
        (Method::GET, "/smoketest", &[]),
        (Method::GET, "/smoketest/slow/", &[]),
        (Method::GET, "/smoketest/slow", &[]),
        (Method::HEAD, "/smoketest/", &[]),
        (
            Method::GET,
            "/smoketest/",
            &[("accept", b"application/json")],
        ),
        (
            Method::GET,
            "/smoketest/",
            &[("accept", b"application/json;q=0, */*")],
        ),
        (
            Method::GET,
            "/smoketest/",
            &[("accept", b"application/\xffjson")],
        ),
        (Method::GET, "/smoketest/?format=json", &[]),
        (
            Method::GET,
            "/smoketest/slow/?format=text",
            &[("accept", b"application/json")],
        ),
        (Method::POST, "/smoketest/", &[]),
        (Method::DELETE, "/smoketest/slow/", &[]),
        (Method::from_bytes(b"BREW").unwrap(), "/smoketest/", &[]),
        (Method::GET, "/smoketest/nope", &[]),
        (Method::GET, "/smoketest//", &[]),
        (Method::GET, "/smoketest/?bogus=1", &[]),
        (Method::GET, "/smoketest/?format=%ZZ", &[]),
        (Method::GET, "/smoketest/?format=json&format=json", &[]),
        (Method::GET, "/failing/", &[]),
        (Method::GET, "/failing/?format=json", &[]),
        (Method::HEAD, "/failing/slow/", &[]),
        (Method::GET, "/smoketest/?format=health", &[]),
        (
            Method::GET,
            "/smoketest/slow/",
            &[("accept", b"application/json;q=0.5, application/health+json")],
        ),
        (
            Method::GET,
            "/smoketest/",
            &[("accept", b"application/health+json;q=0, */*")],
        ),
        (Method::HEAD, "/smoketest/?format=health", &[]),
        (Method::GET, "/smoketest/?format=Health", &[]),
        (Method::GET, "/failing/?format=health", &[]),
        (
            Method::GET,
            "/failing/slow/",
            &[("accept", b"application/health+json")],
        ),
    ];
    for (method, path, headers) in cases {
        let mut answers = Vec::new();
        for (framework, origin) in &origins {
            let reply = request(&client, method.clone(), &format!("{origin}{path}"), headers).await;
            answers.push((framework, comparable(&reply)));
        }
        let (first, expected) = &answers[0];
        for (framework, answer) in &answers[1..] {
            assert_eq!(
                answer, expected,
                "{method} {path} {headers:?}: {framework} differs from {first}"
            );
        }
    }
}

/// Requests sent as raw bytes, which no client library would send: the whole response but its
/// `date` compared, every header included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_three_frameworks_answer_hostile_requests_identically() {
    let origins = start_all().await;
    for (request, _) in hostile_requests() {
        let mut answers = Vec::new();
        for (framework, origin) in &origins {
            answers.push((framework, raw(origin, &request).await));
        }
        let (first, expected) = &answers[0];
        for (framework, answer) in &answers[1..] {
            assert_eq!(
                answer, expected,
                "{request:?}: {framework} differs from {first}"
            );
        }
    }
}
