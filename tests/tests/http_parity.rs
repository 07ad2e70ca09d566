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
    Reply, failing_runner, history_contract, hostile_requests, passing_runner, probes, raw,
    request, without_run_ids, without_times,
};
use reqwest::Method;
use smoketest_http::SmokeEndpoint;

/// The headers the endpoint sets; frameworks may add others (`date`), which are not compared.
const COMPARED_HEADERS: [&str; 7] = [
    "content-type",
    "content-length",
    "cache-control",
    "allow",
    "vary",
    "x-content-type-options",
    "x-smoketest-run-id",
];

fn comparable(reply: &Reply, method: &Method) -> (u16, Vec<(String, Option<String>)>, String) {
    let headers = COMPARED_HEADERS
        .iter()
        .map(|name| {
            let value = reply
                .headers
                .get(*name)
                .map(|v| v.to_str().unwrap().to_owned());
            // A report's length varies with its `time`: compare the lengths of bodies without one
            // (errors, the Kubernetes text, `starting:`), and of `HEAD` answers that are errors.
            let timed = if *method == Method::HEAD {
                matches!(reply.status.as_u16(), 200 | 500 | 503)
            } else {
                without_times(&reply.body) != reply.body
            };
            let value = if *name == "content-length" && timed {
                None
            } else if *name == "x-smoketest-run-id" {
                // Each run's own: present, a UUID v7, is what must be the same.
                value.map(|id| without_run_ids(&id))
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

/// The endpoints every server mounts: the contract's two and the probe endpoints.
fn mounts() -> Vec<(&'static str, SmokeEndpoint)> {
    let mut mounts = vec![
        ("/smoketest", passing_runner().into()),
        ("/failing", failing_runner().into()),
    ];
    mounts.extend(probes::mounts());
    mounts.extend(history_contract::mounts().0);
    mounts
}

/// The three servers, each with every endpoint of [`mounts`], and their origins.
async fn start_all() -> [(&'static str, String); 3] {
    [
        ("axum", axum_server::start_with(mounts()).await),
        ("actix-web", actix_web_server::start_with(mounts()).await),
        ("warp", warp_server::start_with(mounts()).await),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_three_frameworks_answer_identically() {
    let origins = start_all().await;
    let queue = probes::name("queue_answers");
    let up = probes::name("process_is_up");
    let long = "x".repeat(2000);
    let owned = [
        format!("/probes/?exclude={queue}&exclude=nope&verbose"),
        format!("/probes/ready/?exclude={up}&format=json"),
        format!("/probes/test/{up}"),
        format!("/probes/test/{}?verbose", up.replace("::", "%3a%3A")),
        format!("/probes/test/{queue}?verbose"),
        format!("/probes/test/{}?format=json", probes::name("database_scan")),
        format!("/probes/test/{long}"),
        format!("/probes/{long}/"),
    ];
    // `/starting/ready/` answers `starting:`, then its first PASS, then a FAIL report: the
    // same sequence from every server, each with an endpoint of its own.
    let probe_cases = [
        "/probes/live/",
        "/probes/live",
        "/probes/ready/?verbose",
        "/probes/queue/",
        "/probes/queue/?verbose=1",
        "/probes/queue-500?format=json",
        "/probes/db-all/?verbose",
        "/probes/?verbose",
        "/probes/slow?verbose=true",
        "/probes/?tag=db",
        "/probes/slow/?tag=db&tag=live&format=json",
        "/probes/?tag=nope&format=json",
        "/probes/ready/?tag=queue&tag=nope&verbose",
        "/probes/test/nope",
        "/probes/test/fixture_pass::smoke::config_is_set",
        "/probes/test/%ZZ",
        "/probes/test/a%4",
        "/probes/test/%FF%FE",
        "/probes/test/",
        "/probes/test",
        "/probes/nope/",
        "/probes/history/",
        "/probes/%72eady/",
        "/probes/ready//",
        "/probes/ready/?tag=",
        "/probes/?exclude=a&exclude=a",
        "/probes/?verbose&format=json",
        "/probes/ready/?verbose=no",
        "/summary/queue/?verbose",
        "/starting/ready/?verbose",
        "/starting/ready/",
        "/starting/ready/?verbose",
        "/starting/cold/?format=json",
        "/starting/expired/",
        // `ready` of `/hist` follows a script: PASS, a damped FAIL, FAIL, a damped PASS, …
        "/hist/history/",
        "/hist/ready/",
        "/hist/ready/?format=json",
        "/hist/ready/",
        "/hist/ready/?format=json",
        "/hist/ready/?verbose",
        "/hist/?format=json",
        "/hist/history/",
        "/hist/history",
        "/hist/history/?x=1",
        "/hist/history/?format=json",
        "/hist/history/extra",
        "/hist/history//",
        "/hist-summary/ready/",
        "/hist-summary/history/",
    ];
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
        (Method::HEAD, "/probes/ready/?verbose", &[]),
        (Method::HEAD, "/probes/test/%ZZ", &[]),
        (Method::POST, "/probes/ready/", &[]),
        (Method::DELETE, "/probes/test/x", &[]),
        (Method::from_bytes(b"BREW").unwrap(), "/probes/live", &[]),
        (Method::HEAD, "/hist/history/", &[]),
        (Method::POST, "/hist/history/", &[]),
        (Method::DELETE, "/hist/history", &[]),
        (
            Method::GET,
            "/hist-summary/history/",
            &[("authorization", b"Bearer history-token")],
        ),
    ];
    let probe_cases = probe_cases.iter().map(|path| (*path).to_owned());
    let cases = cases
        .into_iter()
        .map(|(method, path, headers)| (method, path.to_owned(), headers))
        .chain(
            probe_cases
                .chain(owned)
                .map(|path| (Method::GET, path, &[][..])),
        );
    // The code and the first line (JSON: the status) of each answer of `/hist/ready/`, alike
    // from every server.
    let mut hist_ready = Vec::new();
    for (method, path, headers) in cases {
        let mut answers = Vec::new();
        for (framework, origin) in &origins {
            let reply = request(&client, method.clone(), &format!("{origin}{path}"), headers).await;
            answers.push((framework, comparable(&reply, &method)));
        }
        let (first, expected) = &answers[0];
        for (framework, answer) in &answers[1..] {
            assert_eq!(
                answer, expected,
                "{method} {path} {headers:?}: {framework} differs from {first}"
            );
        }
        if path.starts_with("/hist/ready/") {
            let (status, _, body) = expected;
            let first = match body.starts_with('{') {
                true => {
                    serde_json::from_str::<serde_json::Value>(body).unwrap()["status"].to_string()
                }
                // Without the Kubernetes line's location.
                false => body
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .split(" (at ")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            };
            hist_ready.push((*status, first));
        }
    }
    // Thresholds damp the code, never the report: PASS, a FAIL answered 200, a FAIL, a PASS
    // answered 503, a FAIL.
    assert_eq!(
        hist_ready,
        [
            (200, "PASS".to_owned()),
            (200, r#""FAIL""#.to_owned()),
            (503, "FAIL".to_owned()),
            (503, r#""PASS""#.to_owned()),
            (503, "[-]hist::flaky failed: not ready (run 4)".to_owned()),
        ]
    );
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
