//! Access control, detail levels, redaction and the slow tier's rate limit, through a real axum
//! server on 127.0.0.1 and a real client. The smoke tests are this file's own, selected by name.

#[path = "http/contract.rs"]
mod contract;
#[path = "http/axum.rs"]
mod server;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use contract::{Reply, request};
use reqwest::{Client, Method};
use smoketest::Runner;
use smoketest_http::{Detail, SmokeEndpoint};

const TOKEN: &str = "s3cret-token-0123456789";
const OLD_TOKEN: &str = "old-token-9876543210";

#[smoketest::smoke_test]
fn access_passing_probe() {}

#[smoketest::smoke_test]
fn access_failing_probe() -> smoketest::Result {
    Err(smoketest::Error::msg(
        "cannot reach postgres://u:secret@h/db with token=abc (key my-api-key-value)",
    ))
}

static SLOW_RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoketest::smoke_test(slow)]
fn access_counted_slow_probe() {
    SLOW_RUNS.fetch_add(1, Ordering::SeqCst);
}

/// Both probes of the fast tier: one passes, one errors with credentials in its message.
fn failing_runner() -> Runner {
    Runner::new()
        .filter("access_passing_probe")
        .filter("access_failing_probe")
}

fn passing_runner() -> Runner {
    Runner::new().filter("access_passing_probe")
}

/// Serves `endpoint` at `/smoketest`; returns the origin.
async fn serve(endpoint: SmokeEndpoint) -> String {
    server::serve(Router::new().nest_service("/smoketest", smoketest_http::axum::service(endpoint)))
        .await
}

/// Serves `endpoint` at `/smoketest` with axum's `ConnectInfo`, so predicates see the client's
/// address; returns the origin.
async fn serve_with_peer(endpoint: SmokeEndpoint) -> String {
    let router = Router::new().nest_service("/smoketest", smoketest_http::axum::service(endpoint));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    format!("http://{address}")
}

async fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let headers: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(name, value)| (*name, value.as_bytes()))
        .collect();
    request(&Client::new(), Method::GET, url, &headers).await
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// No test name, no message, no location anywhere in `body`.
fn assert_names_nothing(body: &str) {
    for secret in [
        "access_",
        "http_access",
        "postgres",
        "token=",
        "http_access.rs",
    ] {
        assert!(!body.contains(secret), "{secret:?} in {body:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_the_answer_is_401_and_names_no_test() {
    let origin = serve(SmokeEndpoint::new(failing_runner()).bearer_token(TOKEN)).await;
    for path in [
        "/smoketest/",
        "/smoketest/slow/",
        "/smoketest/?format=json",
        "/smoketest/x",
    ] {
        let reply = get(
            &format!("{origin}{path}"),
            &[("accept", "application/json")],
        )
        .await;
        assert_eq!(reply.status, 401, "{path}: {reply:?}");
        assert_eq!(
            reply.body,
            "unauthorized: send the token in an `Authorization: Bearer <token>` header\n"
        );
        assert_eq!(
            reply.header("www-authenticate"),
            r#"Bearer realm="smoketest""#
        );
        assert_eq!(reply.header("content-type"), "text/plain; charset=utf-8");
        assert_eq!(reply.header("cache-control"), "no-store");
        assert_names_nothing(&reply.body);
    }
    // Another scheme is no bearer token: the same answer.
    let basic = get(
        &format!("{origin}/smoketest/"),
        &[("authorization", "Basic dTpw")],
    )
    .await;
    assert_eq!(basic.status, 401);
    assert_eq!(
        basic.header("www-authenticate"),
        r#"Bearer realm="smoketest""#
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_401_invalid_token() {
    let origin = serve(SmokeEndpoint::new(failing_runner()).bearer_token(TOKEN)).await;
    for wrong in [
        "s3cret-token-0123456788",
        "s3cret-token-012345678",
        "s3cret-token-01234567890",
        "x",
    ] {
        let reply = get(
            &format!("{origin}/smoketest/"),
            &[("authorization", &bearer(wrong))],
        )
        .await;
        assert_eq!(reply.status, 401, "{wrong}: {reply:?}");
        assert_eq!(reply.body, "unauthorized: the bearer token is not valid\n");
        assert_eq!(
            reply.header("www-authenticate"),
            r#"Bearer realm="smoketest", error="invalid_token""#
        );
        assert_names_nothing(&reply.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_token_sees_everything_and_old_and_new_tokens_both_work() {
    let endpoint = SmokeEndpoint::new(failing_runner())
        .bearer_token(OLD_TOKEN)
        .bearer_token(TOKEN);
    let origin = serve(endpoint).await;
    for token in [TOKEN, OLD_TOKEN, "s3cret-token-0123456789"] {
        let reply = get(
            &format!("{origin}/smoketest/"),
            &[("authorization", &bearer(token))],
        )
        .await;
        assert_eq!(reply.status, 500, "{reply:?}");
        assert!(
            reply
                .body
                .contains("http_access::access_failing_probe errored: "),
            "{}",
            reply.body
        );
        assert_eq!(reply.header("vary"), "accept, authorization");
    }
    let lowercase = get(
        &format!("{origin}/smoketest/?format=json"),
        &[("authorization", &format!("bearer {TOKEN}"))],
    )
    .await;
    assert_eq!(lowercase.status, 500);
    let json: serde_json::Value = serde_json::from_str(&lowercase.body).unwrap();
    assert_eq!(
        json["errored_tests"],
        serde_json::json!(["http_access::access_failing_probe"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_predicate_allows_and_denies_by_the_clients_address() {
    let loopback_only = SmokeEndpoint::new(passing_runner())
        .authorize(|caller| caller.peer.is_some_and(|peer| peer.ip().is_loopback()));
    let origin = serve_with_peer(loopback_only).await;
    let allowed = get(&format!("{origin}/smoketest/"), &[]).await;
    assert_eq!(allowed.status, 200, "{allowed:?}");
    assert!(allowed.body.starts_with("PASS\n"), "{}", allowed.body);

    let monitor_only = SmokeEndpoint::new(passing_runner()).authorize(|caller| {
        caller
            .peer
            .is_some_and(|peer| peer.ip().to_string() == "10.0.0.7")
    });
    let origin = serve_with_peer(monitor_only).await;
    let denied = get(&format!("{origin}/smoketest/"), &[]).await;
    assert_eq!(denied.status, 403, "{denied:?}");
    assert_eq!(
        denied.body,
        "forbidden: this client may not see the smoke tests\n"
    );
    assert!(!denied.headers.contains_key("www-authenticate"));
    assert_names_nothing(&denied.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_predicate_may_read_headers_and_a_token_still_works_next_to_it() {
    let endpoint = SmokeEndpoint::new(passing_runner())
        .bearer_token(TOKEN)
        .authorize(|caller| caller.headers.contains_key("x-internal-monitor"));
    let origin = serve(endpoint).await;
    let by_header = get(
        &format!("{origin}/smoketest/"),
        &[("x-internal-monitor", "1")],
    )
    .await;
    assert_eq!(by_header.status, 200);
    let by_token = get(
        &format!("{origin}/smoketest/"),
        &[("authorization", &bearer(TOKEN))],
    )
    .await;
    assert_eq!(by_token.status, 200);
    let neither = get(&format!("{origin}/smoketest/"), &[]).await;
    assert_eq!(neither.status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_callers_get_the_seven_line_summary_and_its_json() {
    let endpoint = SmokeEndpoint::new(failing_runner())
        .bearer_token(TOKEN)
        .anonymous(Detail::Summary);
    let origin = serve(endpoint).await;

    let text = get(&format!("{origin}/smoketest/"), &[]).await;
    assert_eq!(text.status, 500, "{text:?}");
    let lines: Vec<&str> = text.body.lines().collect();
    assert_eq!(
        lines[..6],
        [
            "FAIL",
            "test classes: 1",
            "tests run: 2",
            "tests passed: 1",
            "tests failed: 0",
            "tests errored: 1",
        ]
    );
    assert_eq!(lines.len(), 8, "{}", text.body);
    assert!(lines[6].starts_with("time: ") && lines[6].ends_with("ms"));
    // The run id is no secret: random, and what an operator quotes to find the run.
    assert_eq!(
        lines[7],
        format!("run id: {}", text.header("x-smoketest-run-id"))
    );
    assert_eq!(contract::without_run_ids(lines[7]), "run id: <uuid>");
    assert_names_nothing(&text.body);

    let json = get(
        &format!("{origin}/smoketest/"),
        &[("accept", "application/json")],
    )
    .await;
    assert_eq!(json.status, 500);
    assert_eq!(json.header("content-type"), "application/json");
    assert_names_nothing(&json.body);
    let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let keys: BTreeSet<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = [
        "status",
        "test_classes",
        "tests_run",
        "tests_passed",
        "tests_failed",
        "tests_errored",
        "time",
        "run_id",
        "tier",
        "detail",
    ]
    .into();
    assert_eq!(keys, expected);
    assert_eq!(value["status"], "FAIL");
    assert_eq!(value["tests_run"], 2);
    assert_eq!(value["tests_errored"], 1);
    assert_eq!(value["tier"], "fast");
    assert_eq!(value["detail"], "summary");
    assert!(value["time"].is_f64());

    // The token still sees everything.
    let full = get(
        &format!("{origin}/smoketest/"),
        &[("authorization", &bearer(TOKEN))],
    )
    .await;
    assert!(
        full.body.contains("access_failing_probe errored"),
        "{}",
        full.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_redacted_in_text_and_json() {
    // Without access control (everybody sees everything), with `Detail::Full` for anonymous
    // callers, and for a token holder: the same redacted report.
    let open = SmokeEndpoint::new(failing_runner()).redact(["my-api-key-value"]);
    let anonymous_full = SmokeEndpoint::new(failing_runner())
        .bearer_token(TOKEN)
        .anonymous(Detail::Full)
        .redact(["my-api-key-value"]);
    let with_token = SmokeEndpoint::new(failing_runner())
        .bearer_token(TOKEN)
        .redact(["my-api-key-value"]);
    let expected = "cannot reach postgres://u:***@h/db with token=*** (key ***)";
    for (endpoint, headers) in [
        (open, vec![]),
        (anonymous_full, vec![]),
        (with_token, vec![("authorization", bearer(TOKEN))]),
    ] {
        let origin = serve(endpoint).await;
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let text = get(&format!("{origin}/smoketest/?format=text"), &headers).await;
        assert_eq!(text.status, 500, "{text:?}");
        let line = text
            .body
            .lines()
            .find(|line| line.starts_with("http_access::access_failing_probe errored: "))
            .unwrap_or_else(|| panic!("no error line in {}", text.body));
        assert!(line.contains(expected), "{line}");
        let json = get(&format!("{origin}/smoketest/?format=json"), &headers).await;
        let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        let failing = value["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|test| test["name"] == "http_access::access_failing_probe")
            .unwrap();
        assert_eq!(failing["message"], expected);
        for body in [&text.body, &json.body] {
            for secret in ["secret@", "token=abc", "my-api-key-value"] {
                assert!(!body.contains(secret), "{secret:?} in {body}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_slow_tier_runs_at_most_once_per_interval() {
    let endpoint = SmokeEndpoint::new(Runner::new().filter("access_counted_slow_probe"))
        .slow_tier_interval(Duration::from_millis(500));
    let origin = serve(endpoint).await;
    let url = format!("{origin}/smoketest/slow/?format=json");
    let before = SLOW_RUNS.load(Ordering::SeqCst);

    let first = get(&url, &[]).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.header("age"), "0");
    assert_eq!(SLOW_RUNS.load(Ordering::SeqCst), before + 1);

    // Within the interval: the same report, with its age, and no run.
    let second = get(&url, &[]).await;
    assert_eq!(second.status, 200);
    assert!(second.headers.contains_key("age"), "{second:?}");
    let (first_json, second_json): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&first.body).unwrap(),
        serde_json::from_str(&second.body).unwrap(),
    );
    assert_eq!(second_json["time"], first_json["time"], "the stored report");
    assert!(second_json["age"].is_u64(), "{}", second.body);
    assert_eq!(SLOW_RUNS.load(Ordering::SeqCst), before + 1);

    // The fast tier is not limited (and its report has no age).
    let fast = get(&format!("{origin}/smoketest/"), &[]).await;
    assert!(!fast.headers.contains_key("age"), "{fast:?}");

    // After the interval: a new run.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let third = get(&url, &[]).await;
    assert_eq!(third.status, 200);
    assert_eq!(third.header("age"), "0");
    assert_eq!(SLOW_RUNS.load(Ordering::SeqCst), before + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_access_control_nothing_changes() {
    let origin = serve(SmokeEndpoint::new(failing_runner())).await;
    let reply = get(
        &format!("{origin}/smoketest/"),
        &[("authorization", "Bearer anything")],
    )
    .await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.header("vary"), "accept");
    assert!(!reply.headers.contains_key("www-authenticate"));
    assert!(reply.body.contains("access_failing_probe errored"));
}
