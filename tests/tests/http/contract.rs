//! The HTTP contract (README, "Over HTTP"), checked against a running server whatever its framework. Each framework's test
//! file starts its server on 127.0.0.1 (ephemeral port) with two mounts — `/smoketest` serving
//! `fixture_pass` and `/failing` serving a failing selection of `fixture_fail` (see
//! [`passing_runner`] and [`failing_runner`]) — and calls [`check_contract`]; with the probe
//! endpoints of [`probes::mounts`] too, it calls [`probe_contract::check_probes`] for section 7's routes.
#![allow(dead_code, unreachable_pub)]

#[path = "probe_contract.rs"]
pub mod probe_contract;
#[path = "probes.rs"]
pub mod probes;

// `failing_runner` selects this crate's tests by name only, so link it explicitly.
use fixture_fail as _;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Client, Method, StatusCode};

/// The runner behind `/smoketest`: the passing fixture (fast tier: 4 tests in 3 classes; slow: 5).
pub fn passing_runner() -> smoketest::Runner {
    smoketest::Runner::new()
        .with_state(fixture_pass::Config {
            api_url: "https://api.example".into(),
        })
        .apps(["fixture_pass"])
}

/// The runner behind `/failing`: two tests of the failing fixture, one failing, one passing.
pub fn failing_runner() -> smoketest::Runner {
    smoketest::Runner::new()
        .apps(["fixture_fail"])
        .filter("assert_default_message")
        .filter("fixture_fail::smoke::passes")
}

/// A response with its body read.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
            .to_str()
            .unwrap()
    }
}

pub async fn request(
    client: &Client,
    method: Method,
    url: &str,
    headers: &[(&str, &[u8])],
) -> Reply {
    let mut builder = client.request(method, url);
    for (name, value) in headers {
        builder = builder.header(*name, HeaderValue::from_bytes(value).unwrap());
    }
    let response = builder
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(client: &Client, url: &str) -> Reply {
    request(client, Method::GET, url, &[]).await
}

/// Replaces the text report's `time:` line and the JSON `time` values, the only parts that differ
/// between two runs of the same tests.
pub fn without_times(body: &str) -> String {
    if body.starts_with('{') {
        let mut json: serde_json::Value = serde_json::from_str(body).unwrap();
        json["time"] = 0.into();
        for test in json["tests"].as_array_mut().unwrap() {
            test["time"] = 0.into();
        }
        json.to_string()
    } else {
        body.lines()
            .map(|line| {
                if line.starts_with("time: ") {
                    "time: <ms>"
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

const FAST_PASS: &str = "PASS\ntest classes: 3\ntests run: 4\ntests passed: 4\ntests failed: 0\ntests errored: 0\ntime: <ms>";
const SLOW_PASS: &str = "PASS\ntest classes: 3\ntests run: 5\ntests passed: 5\ntests failed: 0\ntests errored: 0\ntime: <ms>";

fn assert_text_report(reply: &Reply, status: u16, expected: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(reply.header("cache-control"), "no-store");
    assert_eq!(without_times(&reply.body), expected);
    assert!(reply.body.ends_with('\n'));
}

fn assert_json_report(reply: &Reply, tests_run: u64) {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.header("cache-control"), "no-store");
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["status"], "PASS");
    assert_eq!(json["tests_run"], tests_run);
}

fn assert_plain_error(reply: &Reply, status: u16, line: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(reply.header("cache-control"), "no-store");
    assert_eq!(reply.body, format!("{line}\n"));
}

/// Every point of the HTTP contract against a server at `origin` (`http://127.0.0.1:PORT`).
pub async fn check_contract(origin: &str) {
    let client = Client::new();
    let base = format!("{origin}/smoketest");

    // Tiers, with and without the trailing slash.
    for path in ["/", ""] {
        assert_text_report(
            &get(&client, &format!("{base}{path}")).await,
            200,
            FAST_PASS,
        );
    }
    for path in ["/slow/", "/slow"] {
        assert_text_report(
            &get(&client, &format!("{base}{path}")).await,
            200,
            SLOW_PASS,
        );
    }

    // HEAD: GET's status and headers, no body.
    let got = get(&client, &format!("{base}/")).await;
    let head = request(&client, Method::HEAD, &format!("{base}/"), &[]).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "");
    assert_eq!(head.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(head.header("cache-control"), "no-store");
    assert_eq!(head.header("content-length"), got.body.len().to_string());

    // Negotiation.
    let with_accept = |accept: &'static str| {
        let client = client.clone();
        let url = format!("{base}/");
        async move { request(&client, Method::GET, &url, &[("accept", accept.as_bytes())]).await }
    };
    assert_json_report(&with_accept("application/json").await, 4);
    assert_json_report(&with_accept("text/plain;q=0.5, application/json").await, 4);
    assert_json_report(&with_accept("*/*, text/plain;q=0").await, 4);
    assert_text_report(&with_accept("*/*").await, 200, FAST_PASS);
    assert_text_report(
        &with_accept("application/json;q=0, */*").await,
        200,
        FAST_PASS,
    );
    assert_text_report(&with_accept("image/png").await, 200, FAST_PASS);
    let page = with_accept("text/html").await;
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    let odd_bytes = request(
        &client,
        Method::GET,
        &format!("{base}/"),
        &[("accept", b"application/\xffjson")],
    )
    .await;
    assert_text_report(&odd_bytes, 200, FAST_PASS);
    assert_json_report(&get(&client, &format!("{base}/?format=json")).await, 4);
    assert_json_report(&get(&client, &format!("{base}/slow/?format=json")).await, 5);
    let text_anyway = request(
        &client,
        Method::GET,
        &format!("{base}/?format=text"),
        &[("accept", b"application/json")],
    )
    .await;
    assert_text_report(&text_anyway, 200, FAST_PASS);
    // JUnit and Nagios by name only: their media types are not negotiated.
    let junit = get(&client, &format!("{base}/?format=junit")).await;
    assert_eq!(junit.status, 200, "{junit:?}");
    assert_eq!(junit.header("content-type"), "application/xml");
    assert!(
        junit.body.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"smoketest\" \
             tests=\"4\" failures=\"0\" errors=\"0\" time=\""
        ),
        "{}",
        junit.body
    );
    assert_eq!(junit.body.matches("<testcase ").count(), 4);
    let nagios = get(&client, &format!("{base}/slow/?format=nagios")).await;
    assert_eq!(nagios.status, 200, "{nagios:?}");
    assert_eq!(nagios.header("content-type"), "text/plain; charset=utf-8");
    assert!(
        nagios.body.starts_with("SMOKETEST OK - 5 tests passed in ")
            && nagios
                .body
                .contains(" | tests=5;;;0 passed=5;;;0 failed=0;;;0 errored=0;;;0 time="),
        "{}",
        nagios.body
    );
    assert_text_report(&with_accept("application/xml").await, 200, FAST_PASS);

    // Other methods: 405 with Allow.
    for method in [
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
    ] {
        let reply = request(&client, method.clone(), &format!("{base}/"), &[]).await;
        assert_plain_error(
            &reply,
            405,
            &format!("method \"{method}\" not allowed; use GET or HEAD"),
        );
        assert_eq!(reply.header("allow"), "GET, HEAD");
    }

    // Other paths: 404.
    for path in ["/nope", "/slow/extra", "/slowly", "//"] {
        let reply = get(&client, &format!("{base}{path}")).await;
        assert_eq!(reply.status, 404, "{path}: {reply:?}");
        assert_eq!(reply.header("cache-control"), "no-store");
    }

    // Bad queries: 400 with a one-line reason naming the parameter.
    for (query, line) in [
        (
            "bogus=1",
            "unknown query parameter \"bogus\"; use format=text|json|prometheus|html|junit|nagios|kubernetes, verbose, tag=NAME or exclude=NAME",
        ),
        (
            "format=xml",
            "query parameter \"format\" has unknown value \"xml\"; use text, json, prometheus, html, junit, nagios or kubernetes",
        ),
        (
            "format=json&format=text",
            "query parameter \"format\" is given more than once",
        ),
        (
            "format=%ZZ",
            "query parameter \"format\" has unknown value \"%ZZ\"; use text, json, prometheus, html, junit, nagios or kubernetes",
        ),
        (
            "format=%FF",
            "query parameter \"format\" has unknown value \"\u{FFFD}\"; use text, json, prometheus, html, junit, nagios or kubernetes",
        ),
    ] {
        assert_plain_error(&get(&client, &format!("{base}/?{query}")).await, 400, line);
    }
    let huge = format!("{base}/?format={}", "j".repeat(3000));
    assert_plain_error(
        &get(&client, &huge).await,
        400,
        "query string too long (3007 bytes; at most 1024)",
    );

    // A failing run: 500 and the FAIL report, in both formats.
    let failing = get(&client, &format!("{origin}/failing/")).await;
    assert_eq!(failing.status, 500);
    assert_eq!(failing.header("content-type"), "text/plain; charset=utf-8");
    let expected_fail = "FAIL\ntest classes: 1\ntests run: 2\ntests passed: 1\ntests failed: 1\ntests errored: 0\ntime: <ms>\n\n\
        fixture_fail::smoke::assert_default_message failed: 2 != 3 (at tests/fixtures/fail/src/smoke.rs:";
    assert!(
        without_times(&failing.body).starts_with(expected_fail),
        "{}",
        failing.body
    );
    let failing_json = get(&client, &format!("{origin}/failing/?format=json")).await;
    assert_eq!(failing_json.status, 500);
    let json: serde_json::Value = serde_json::from_str(&failing_json.body).unwrap();
    assert_eq!(json["status"], "FAIL");
    assert_eq!(
        json["failed_tests"],
        serde_json::json!(["fixture_fail::smoke::assert_default_message"])
    );
    let failing_nagios = get(&client, &format!("{origin}/failing/?format=nagios")).await;
    assert_eq!(failing_nagios.status, 500);
    assert!(
        failing_nagios.body.starts_with(
            "SMOKETEST CRITICAL - 1 of 2 tests failed or errored: \
             fixture_fail::smoke::assert_default_message | tests=2;;;0 passed=1;;;0 failed=1;;;0 \
             errored=0;;;0 time="
        ),
        "{}",
        failing_nagios.body
    );
}
