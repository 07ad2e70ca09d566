//! The HTTP contract (README, "Over HTTP"), checked against a running server whatever its framework. Each framework's test
//! file starts its server on 127.0.0.1 (ephemeral port) with two mounts — `/smoketest` serving
//! `fixture_pass` and `/failing` serving a failing selection of `fixture_fail` (see
//! [`passing_runner`] and [`failing_runner`]) — and calls [`check_contract`]; with the probe
//! endpoints of [`probes::mounts`] too, it calls [`probe_contract::check_probes`] for section 7's routes.
#![allow(dead_code, unreachable_pub)]

#[path = "history_contract.rs"]
pub mod history_contract;
#[path = "probe_contract.rs"]
pub mod probe_contract;
#[path = "probes.rs"]
pub mod probes;

// `failing_runner` selects this crate's tests by name only, so link it explicitly.
use fixture_fail as _;

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Client, Method, StatusCode};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

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

/// A response read off the wire: what a client that parses nothing sees.
#[derive(Debug, PartialEq, Eq)]
pub struct RawReply {
    pub status_line: String,
    /// `name: value`, names lower-cased, sorted, without `date` (which changes every second).
    pub headers: Vec<String>,
    pub body: String,
}

impl RawReply {
    /// The reply `status_line`, `headers` (any order) and `body`.
    pub fn new(status_line: &str, headers: &[&str], body: &str) -> RawReply {
        let mut headers: Vec<String> = headers.iter().map(|&header| header.to_owned()).collect();
        headers.sort();
        RawReply {
            status_line: status_line.to_owned(),
            headers,
            body: body.to_owned(),
        }
    }
}

/// Sends `request` to `origin` (`http://127.0.0.1:PORT`) as raw bytes, so that no client
/// normalises its method or target, and reads the response until the server closes the
/// connection (send `connection: close`).
///
/// # Panics
///
/// If the server sends no complete response head, or does not close the connection within 30 s.
pub async fn raw(origin: &str, request: &str) -> RawReply {
    let address = origin.strip_prefix("http://").expect("an http origin");
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = tokio::time::timeout(Duration::from_secs(30), exchange)
        .await
        .unwrap_or_else(|_| panic!("{request:?}: no end of response within 30 s"))
        .unwrap_or_else(|error| panic!("{request:?}: {error}"));
    let response = String::from_utf8(response).expect("a UTF-8 response");
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{request:?}: no complete response head in {response:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default().to_owned();
    let mut headers: Vec<String> = lines
        .map(|line| match line.split_once(':') {
            Some((name, value)) => format!("{}: {}", name.to_ascii_lowercase(), value.trim()),
            None => line.to_owned(),
        })
        .filter(|line| !line.starts_with("date: "))
        .collect();
    headers.sort();
    RawReply {
        status_line,
        headers,
        body: body.to_owned(),
    }
}

/// Requests no client library sends, as raw bytes, and what every framework answers them: a
/// request target without a path (the authority form of a proxy's `CONNECT host:port`, or any
/// method with it) is below no mount point, whatever the authority says; the framework answers
/// it 404, empty. `CONNECT` to the mount point is the core's 405.
pub fn hostile_requests() -> Vec<(String, RawReply)> {
    let not_found = || {
        RawReply::new(
            "HTTP/1.1 404 Not Found",
            &["connection: close", "content-length: 0"],
            "",
        )
    };
    let mut cases: Vec<(String, RawReply)> =
        ["CONNECT host:443", "CONNECT smoketest:443", "GET host:443"]
            .into_iter()
            .map(|request_line| {
                let host = request_line.split(' ').nth(1).unwrap_or_default();
                let request =
                    format!("{request_line} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n");
                (request, not_found())
            })
            .collect();
    cases.push((
        "CONNECT /smoketest/ HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".to_owned(),
        RawReply::new(
            "HTTP/1.1 405 Method Not Allowed",
            &[
                "allow: GET, HEAD",
                "cache-control: no-store",
                "connection: close",
                "content-length: 46",
                "content-type: text/plain; charset=utf-8",
                "x-content-type-options: nosniff",
            ],
            "method \"CONNECT\" not allowed; use GET or HEAD\n",
        ),
    ));
    cases
}

/// Replaces the text report's `time:` line, the JSON `time` and `started` values,
/// health+json's `observedValue` and `time` values and every run id (see [`without_run_ids`]),
/// the only parts that differ between two runs of the same tests.
pub fn without_times(body: &str) -> String {
    let body = &without_run_ids(body);
    if body.starts_with("{\"limit\":") {
        history_contract::without_entry_times(body)
    } else if body.starts_with('{') && !body.contains("\"tests_run\":") {
        without_health_times(body)
    } else if body.starts_with('{') {
        let mut json: serde_json::Value = serde_json::from_str(body).unwrap();
        json["time"] = 0.into();
        if json.get("started").is_some() {
            json["started"] = "<started>".into();
        }
        for test in json["tests"].as_array_mut().into_iter().flatten() {
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

/// `body` with every UUID of version 7 in it (a run id, wherever a format puts it) written
/// `<uuid>`.
pub fn without_run_ids(body: &str) -> String {
    let is_run_id = |candidate: &[u8]| {
        candidate.iter().enumerate().all(|(at, &byte)| match at {
            8 | 13 | 18 | 23 => byte == b'-',
            14 => byte == b'7',
            19 => matches!(byte, b'8' | b'9' | b'a' | b'b'),
            _ => byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte),
        })
    };
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    let mut copied = 0;
    while at + 36 <= bytes.len() {
        if is_run_id(&bytes[at..at + 36]) {
            out.push_str(&body[copied..at]);
            out.push_str("<uuid>");
            at += 36;
            copied = at;
        } else {
            at += 1;
        }
    }
    out.push_str(&body[copied..]);
    out
}

/// A Nagios line with its `time=…ms` perfdata written `time=<ms>`.
fn mask_nagios_time(body: &str) -> String {
    let Some(at) = body.find(" time=") else {
        return body.to_owned();
    };
    let end = body[at..]
        .find("ms;")
        .map_or(body.len(), |end| at + end + "ms".len());
    format!("{} time=<ms>{}", &body[..at], &body[end..])
}

/// The `X-Smoketest-Run-Id` of a report's reply: a UUID v7, which the body shows (the
/// Kubernetes text aside, which has no place for it).
pub fn assert_run_id_header(reply: &Reply) -> String {
    let id = reply.header("x-smoketest-run-id").to_owned();
    assert_eq!(without_run_ids(&id), "<uuid>", "not a UUID v7: {id}");
    let kubernetes = reply.body.starts_with("[+]") || reply.body.starts_with("[-]");
    if !reply.body.is_empty() && !kubernetes {
        assert!(reply.body.contains(&id), "{id} not in {reply:?}");
    }
    id
}

/// A health+json body with every `"observedValue":<number>` and `"time":"<date-time>"` blanked,
/// written as it was otherwise: the order of its keys is compared too.
fn without_health_times(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let next = ["\"observedValue\":", "\"time\":\""]
            .into_iter()
            .filter_map(|key| rest.find(key).map(|at| (at, key)))
            .min();
        let Some((at, key)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at + key.len()]);
        rest = &rest[at + key.len()..];
        // A number ends at the next `,` or `}`; a date-time at its closing quote.
        let end = if key.ends_with('"') {
            rest.find('"').expect("a closing quote")
        } else {
            rest.find([',', '}']).expect("the end of a number")
        };
        out.push('_');
        rest = &rest[end..];
    }
}

const FAST_PASS: &str = "PASS\ntest classes: 3\ntests run: 4\ntests passed: 4\ntests failed: 0\ntests errored: 0\ntime: <ms>\nrun id: <uuid>";
const SLOW_PASS: &str = "PASS\ntest classes: 3\ntests run: 5\ntests passed: 5\ntests failed: 0\ntests errored: 0\ntime: <ms>\nrun id: <uuid>";

fn assert_text_report(reply: &Reply, status: u16, expected: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(reply.header("cache-control"), "no-store");
    assert_eq!(without_times(&reply.body), expected);
    assert!(reply.body.ends_with('\n'));
    assert_run_id_header(reply);
}

fn assert_json_report(reply: &Reply, tests_run: u64) {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.header("cache-control"), "no-store");
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["status"], "PASS");
    assert_eq!(json["tests_run"], tests_run);
    assert_eq!(json["run_id"], assert_run_id_header(reply));
}

/// A one-line plain-text answer. Those quoting the request (400, 404, 405) tell browsers not to
/// sniff them as HTML; the others quote only the server's configuration.
fn assert_plain_error(reply: &Reply, status: u16, line: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.header("content-type"), "text/plain; charset=utf-8");
    let sniffing = reply.headers.get("x-content-type-options");
    if matches!(status, 400 | 404 | 405) {
        assert_eq!(reply.header("x-content-type-options"), "nosniff");
    } else {
        assert_eq!(sniffing, None, "{reply:?}");
    }
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
            && nagios.body.contains(
                " | tests=5;;;0 passed=5;;;0 failed=0;;;0 errored=0;;;0 warned=0;;;0 time="
            ),
        "{}",
        nagios.body
    );
    assert_text_report(&with_accept("application/xml").await, 200, FAST_PASS);
    // health+json by name or by `Accept`, with a check per test of the tier.
    for health in [
        get(&client, &format!("{base}/?format=health")).await,
        with_accept("application/health+json").await,
    ] {
        assert_eq!(health.status, 200, "{health:?}");
        assert_eq!(health.header("content-type"), "application/health+json");
        assert_eq!(health.header("cache-control"), "no-store");
        assert!(
            without_run_ids(&health.body)
                .starts_with(r#"{"status":"pass","notes":["run id: <uuid>"],"checks":{""#),
            "{}",
            health.body
        );
        assert_run_id_header(&health);
        assert_eq!(health.body.matches(":responseTime\":[{").count(), 4);
    }

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
        assert_plain_error(&reply, 404, &format!("not found: \"{path}\""));
    }
    // A path made to look like HTML is still plain text.
    let markup = get(&client, &format!("{base}/%3Cb%3Ehi%3C/b%3E?%3Cscript%3E=1")).await;
    assert_plain_error(&markup, 404, "not found: \"/%3Cb%3Ehi%3C/b%3E\"");
    let markup = get(&client, &format!("{base}/?%3Cscript%3E=1")).await;
    assert_plain_error(
        &markup,
        400,
        "unknown query parameter \"<script>\"; use format=text|json|prometheus|html|junit|nagios|health|kubernetes, verbose, tag=NAME or exclude=NAME",
    );

    // Requests no client library sends: the framework's or the core's answer, never a dropped
    // connection.
    for (request, expected) in hostile_requests() {
        assert_eq!(raw(origin, &request).await, expected, "{request:?}");
    }

    // Bad queries: 400 with a one-line reason naming the parameter.
    for (query, line) in [
        (
            "bogus=1",
            "unknown query parameter \"bogus\"; use format=text|json|prometheus|html|junit|nagios|health|kubernetes, verbose, tag=NAME or exclude=NAME",
        ),
        (
            "format=xml",
            "query parameter \"format\" has unknown value \"xml\"; use text, json, prometheus, html, junit, nagios, health or kubernetes",
        ),
        (
            "format=json&format=text",
            "query parameter \"format\" is given more than once",
        ),
        (
            "format=%ZZ",
            "query parameter \"format\" has unknown value \"%ZZ\"; use text, json, prometheus, html, junit, nagios, health or kubernetes",
        ),
        (
            "format=%FF",
            "query parameter \"format\" has unknown value \"\u{FFFD}\"; use text, json, prometheus, html, junit, nagios, health or kubernetes",
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
    // Every format names its run: the id of the `X-Smoketest-Run-Id` header, in the body
    // (but the Kubernetes text, whose lines are kube-apiserver's); each run its own.
    let mut ids = std::collections::HashSet::new();
    for format in [
        "text",
        "json",
        "html",
        "junit",
        "nagios",
        "prometheus",
        "health",
        "kubernetes",
    ] {
        let reply = get(&client, &format!("{origin}/failing/?format={format}")).await;
        let id = assert_run_id_header(&reply);
        let shown = match format {
            "text" => format!("\ntime: <ms>\nrun id: {id}\n\n"),
            // The status line, then long text.
            "nagios" => format!(
                " | tests=2;;;0 passed=1;;;0 failed=1;;;0 errored=0;;;0 warned=0;;;0 time=<ms>;;;0\nrun id: {id}"
            ),
            "json" => format!(r#""run_id":"{id}""#),
            "html" => format!("<footer>run id <code>{id}</code></footer>"),
            "junit" => format!(r#"<property name="run_id" value="{id}"/>"#),
            "prometheus" => format!("# smoketest run id {id}\n"),
            "health" => format!(r#""notes":["run id: {id}"]"#),
            _ => String::new(),
        };
        let body = without_times(&reply.body).replace("<uuid>", &id);
        let body = match format {
            "nagios" => mask_nagios_time(&body),
            _ => body,
        };
        assert!(body.contains(&shown), "{format}: {shown} not in {reply:?}");
        assert!(ids.insert(id), "{format}: a run id seen before");
    }

    let expected_fail = "FAIL\ntest classes: 1\ntests run: 2\ntests passed: 1\ntests failed: 1\ntests errored: 0\ntime: <ms>\nrun id: <uuid>\n\n\
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
    let failing_health = get(&client, &format!("{origin}/failing/?format=health")).await;
    assert_eq!(failing_health.status, 500);
    assert!(
        without_run_ids(&failing_health.body).starts_with(
            r#"{"status":"fail","notes":["run id: <uuid>"],"output":"2 tests run: 1 failed","checks":{"fixture_fail.smoke.assert_default_message:responseTime":[{"componentId":"fixture_fail::smoke::assert_default_message","componentType":"component","observedValue":"#
        ),
        "{}",
        failing_health.body
    );
    let failing_nagios = get(&client, &format!("{origin}/failing/?format=nagios")).await;
    assert_eq!(failing_nagios.status, 500);
    assert!(
        failing_nagios.body.starts_with(
            "SMOKETEST CRITICAL - 1 of 2 tests failed or errored: \
             fixture_fail::smoke::assert_default_message | tests=2;;;0 passed=1;;;0 failed=1;;;0 \
             errored=0;;;0 warned=0;;;0 time="
        ),
        "{}",
        failing_nagios.body
    );
}
