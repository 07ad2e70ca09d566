//! `application/health+json` from a real axum server on 127.0.0.1, asked for with
//! `?format=health` or `Accept`: its status codes, its exact bodies for a passing and a failing
//! run and for a caller allowed only the summary, and every body valid against a JSON Schema
//! written from the draft's text (`tests/health/schema.json`), which in turn rejects documents
//! the draft rules out.

mod support;

use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use jsonschema::Validator;
use reqwest::StatusCode;
use serde_json::{Value, json};
use smoketest::render::Service;
use smoketest::{Error, Result, Runner};
use smoketest_http::{Detail, SmokeEndpoint};

#[smoketest::smoke_test]
fn health_passes() {}

#[smoketest::smoke_test(runbook = "https://runbooks.example/health/steady")]
fn health_has_a_runbook() {}

/// The line of `health_fails`' assertion, which its output names.
const FAILS_AT: u32 = line!() + 6;
#[smoketest::smoke_test(
    owner = "team-health",
    runbook = "https://runbooks.example/health/fails"
)]
fn health_fails() {
    smoketest::assert_equal!(1 + 1, 3, "arithmetic is broken");
}

/// The line of `health_errors`' error.
const ERRORS_AT: u32 = line!() + 3;
#[smoketest::smoke_test]
fn health_errors() -> Result {
    Err(Error::msg("upstream said\n503"))
}

/// The line of `health_warns`' error.
const WARNS_AT: u32 = line!() + 3;
#[smoketest::smoke_test(warn_only)]
fn health_warns() -> Result {
    Err(Error::msg("the cache is cold"))
}

const TOKEN: &str = "s3cret-token";

fn runner(tests: &[&str]) -> Runner {
    tests.iter().fold(Runner::new(), |runner, test| {
        runner.filter(format!("health::{test}"))
    })
}

fn bookshop() -> Service {
    Service::new()
        .service_id("bookshop")
        .version("2")
        .release_id("2.4.1+3f9c2e1")
        .description("the bookshop's catalogue and orders")
}

/// `/passing`: two passing tests, the service fully described; `/failing`: a pass, a failure
/// and an error, answered 503; `/guarded`: the failing tests again, in full for the token and in
/// summary for anyone else; `/cached`: the failing tests, a report served for a minute;
/// `/warning`: a pass and a `warn_only` test that errors.
async fn server() -> String {
    let passing =
        SmokeEndpoint::new(runner(&["health_passes", "health_has_a_runbook"])).service(bookshop());
    let failing_tests = ["health_passes", "health_fails", "health_errors"];
    let failing = SmokeEndpoint::new(runner(&failing_tests))
        .fail_status(http::StatusCode::SERVICE_UNAVAILABLE);
    let guarded = SmokeEndpoint::new(runner(&failing_tests))
        .service(Service::new().service_id("bookshop"))
        .bearer_token(TOKEN)
        .anonymous(Detail::Summary);
    let cached = SmokeEndpoint::new(runner(&failing_tests))
        .fail_status(http::StatusCode::SERVICE_UNAVAILABLE)
        .cache_for(Duration::from_secs(60));
    let warning = SmokeEndpoint::new(runner(&["health_passes", "health_warns"]));
    let router = Router::new()
        .nest_service("/passing", smoketest_http::axum::service(passing))
        .nest_service("/failing", smoketest_http::axum::service(failing))
        .nest_service("/guarded", smoketest_http::axum::service(guarded))
        .nest_service("/cached", smoketest_http::axum::service(cached))
        .nest_service("/warning", smoketest_http::axum::service(warning));
    support::serve(router).await
}

/// The schema of `tests/health/schema.json`, with `format` checked (`date-time`, `uri`).
fn schema() -> &'static Validator {
    static SCHEMA: OnceLock<Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = include_str!("health/schema.json");
        let schema: Value = serde_json::from_str(text).expect("the schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the schema is a valid JSON Schema")
    })
}

/// The schema's complaints about `document`, one line each; empty when it is valid.
fn violations(document: &Value) -> Vec<String> {
    schema()
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

/// A response, read.
struct Reply {
    status: StatusCode,
    content_type: String,
    body: String,
}

async fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = response.status();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.text().await.unwrap();
    Reply {
        status,
        content_type,
        body,
    }
}

/// A health+json response: its status code, its content type, and a body the schema accepts.
async fn health(url: &str, headers: &[(&str, &str)]) -> Reply {
    let reply = get(url, headers).await;
    assert_eq!(reply.content_type, "application/health+json", "{url}");
    let document: Value = serde_json::from_str(&reply.body).expect("the body is JSON");
    assert_eq!(
        violations(&document),
        Vec::<String>::new(),
        "{}",
        reply.body
    );
    reply
}

/// `body` with its run id (in the first note: `run id: <a UUID v7>`) written `<uuid>`.
fn without_run_id(body: &str) -> String {
    let document: Value = serde_json::from_str(body).unwrap();
    let note = document["notes"][0].as_str().expect("a first note");
    let id = note.strip_prefix("run id: ").expect("the run id note");
    let uuid = uuid::Uuid::parse_str(id).expect("a UUID");
    assert_eq!(uuid.get_version_num(), 7, "{id}");
    body.replace(id, "<uuid>")
}

/// `body` with each check's `observedValue` written `<ms>`, its `time` `<started>` and the run
/// id `<uuid>`, the only parts that change from run to run, after checking them: a time in
/// milliseconds, under 10 s, and the same start for every check, which the schema checked is
/// an RFC 3339 date-time.
fn steady(body: &str) -> String {
    let body = without_run_id(body);
    let body = body.as_str();
    let document: Value = serde_json::from_str(body).unwrap();
    let mut started = None;
    for check in document["checks"]
        .as_object()
        .into_iter()
        .flat_map(|checks| checks.values())
    {
        let check = &check[0];
        let ms = check["observedValue"].as_f64().expect("a number");
        assert!((0.0..10_000.0).contains(&ms), "{ms}");
        let time = check["time"].as_str().expect("a time");
        assert_eq!(*started.get_or_insert(time), time);
    }
    let mut steady = String::new();
    let mut rest = body;
    while let Some(at) = ["\"observedValue\":", "\"time\":"]
        .iter()
        .filter_map(|key| rest.find(key).map(|at| (at, *key)))
        .min()
    {
        let (at, key) = at;
        steady.push_str(&rest[..at + key.len()]);
        rest = &rest[at + key.len()..];
        if key == "\"time\":" {
            // A quoted RFC 3339 date-time, which holds no escaped quote.
            let end = rest[1..].find('"').expect("a closing quote") + 2;
            steady.push_str("<started>");
            rest = &rest[end..];
        } else {
            let end = rest.find([',', '}']).expect("the end of the number");
            steady.push_str("<ms>");
            rest = &rest[end..];
        }
    }
    steady.push_str(rest);
    steady
}

/// The check of one passing test: `{"componentName:responseTime": [...]}` without braces.
fn passed(name: &str) -> String {
    format!(
        r#""health.{name}:responseTime":[{{"componentId":"health::{name}","componentType":"component","observedValue":<ms>,"observedUnit":"ms","status":"pass","time":<started>}}]"#
    )
}

#[tokio::test]
async fn a_passing_run_is_pass_with_200_the_service_and_a_check_per_test() {
    let origin = server().await;
    let reply = health(&format!("{origin}/passing/?format=health"), &[]).await;
    assert_eq!(reply.status, 200);
    let runbook = passed("health_has_a_runbook").replace(
        r#""time":<started>}"#,
        r#""time":<started>,"links":{"help":"https://runbooks.example/health/steady"}}"#,
    );
    assert_eq!(
        steady(&reply.body),
        format!(
            r#"{{"status":"pass","version":"2","releaseId":"2.4.1+3f9c2e1","notes":["run id: <uuid>"],"serviceId":"bookshop","description":"the bookshop's catalogue and orders","checks":{{{runbook},{}}}}}"#,
            passed("health_passes")
        )
    );
}

#[tokio::test]
async fn a_failing_run_is_fail_with_the_failure_status_and_why_each_test_broke() {
    let origin = server().await;
    let reply = health(&format!("{origin}/failing/?format=health"), &[]).await;
    assert_eq!(reply.status, 503);
    let broken = |name: &str, output: &str, links: &str| {
        format!(
            r#""health.{name}:responseTime":[{{"componentId":"health::{name}","componentType":"component","observedValue":<ms>,"observedUnit":"ms","status":"fail","time":<started>,"output":{output}{links}}}]"#
        )
    };
    let file = "smoketest-http/tests/health.rs";
    let errors = broken(
        "health_errors",
        &format!(r#""upstream said\n503 (at {file}:{ERRORS_AT})""#),
        "",
    );
    let fails = broken(
        "health_fails",
        &format!(r#""arithmetic is broken: 2 != 3 (at {file}:{FAILS_AT})""#),
        r#","links":{"help":"https://runbooks.example/health/fails"}"#,
    );
    assert_eq!(
        steady(&reply.body),
        format!(
            r#"{{"status":"fail","notes":["run id: <uuid>"],"output":"3 tests run: 1 failed, 1 errored","checks":{{{errors},{fails},{}}}}}"#,
            passed("health_passes")
        )
    );
}

#[tokio::test]
async fn accept_application_health_json_chooses_it_by_quality() {
    let origin = server().await;
    let url = format!("{origin}/passing/");
    for accept in [
        "application/health+json",
        "application/json;q=0.5, application/health+json",
        "text/plain;q=0.9, application/health+json",
    ] {
        let reply = health(&url, &[("accept", accept)]).await;
        assert_eq!(reply.status, 200, "{accept}");
        assert!(reply.body.starts_with(r#"{"status":"pass","#), "{accept}");
    }
    for (accept, content_type) in [
        (
            "application/health+json;q=0.5, application/json",
            "application/json",
        ),
        (
            "application/health+json;q=0, */*",
            "text/plain; charset=utf-8",
        ),
        ("application/*", "application/json"),
        ("*/*", "text/plain; charset=utf-8"),
    ] {
        let reply = get(&url, &[("accept", accept)]).await;
        assert_eq!(reply.content_type, content_type, "{accept}");
    }
    // `?format=` wins over `Accept`, either way.
    let reply = health(
        &format!("{url}?format=health"),
        &[("accept", "application/json")],
    )
    .await;
    assert_eq!(reply.status, 200);
    let reply = get(
        &format!("{url}?format=json"),
        &[("accept", "application/health+json")],
    )
    .await;
    assert_eq!(reply.content_type, "application/json");
}

#[tokio::test]
async fn a_summary_caller_sees_the_status_the_service_and_the_counts_but_no_checks() {
    let origin = server().await;
    let url = format!("{origin}/guarded/?format=health");
    let anonymous = health(&url, &[]).await;
    assert_eq!(anonymous.status, 500);
    assert_eq!(
        without_run_id(&anonymous.body),
        r#"{"status":"fail","notes":["run id: <uuid>"],"output":"3 tests run: 1 failed, 1 errored","serviceId":"bookshop"}"#
    );
    let bearer = format!("Bearer {TOKEN}");
    let authorized = health(&url, &[("authorization", &bearer)]).await;
    assert_eq!(authorized.status, 500);
    let checks: Value = serde_json::from_str(&authorized.body).unwrap();
    let names: Vec<&str> = checks["checks"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        [
            "health.health_errors:responseTime",
            "health.health_fails:responseTime",
            "health.health_passes:responseTime"
        ]
    );
}

#[tokio::test]
async fn head_answers_as_get_without_a_body() {
    // A cached report, so that both requests are answered from the same run.
    let origin = server().await;
    let url = format!("{origin}/cached/?format=health");
    let got = health(&url, &[]).await;
    assert_eq!(got.status, 503);
    let head = reqwest::Client::new().head(&url).send().await.unwrap();
    assert_eq!(head.status(), 503);
    let headers = head.headers();
    assert_eq!(headers["content-type"], "application/health+json");
    assert_eq!(headers["cache-control"], "max-age=60");
    assert_eq!(
        headers["content-length"],
        got.body.len().to_string().as_str()
    );
    assert_eq!(head.text().await.unwrap(), "");
}

#[tokio::test]
async fn a_warn_only_failure_is_warn_with_200() {
    let origin = server().await;
    let reply = health(&format!("{origin}/warning/?format=health"), &[]).await;
    assert_eq!(reply.status, 200);
    let warned = format!(
        r#""health.health_warns:responseTime":[{{"componentId":"health::health_warns","componentType":"component","observedValue":<ms>,"observedUnit":"ms","status":"warn","time":<started>,"output":"the cache is cold (at smoketest-http/tests/health.rs:{WARNS_AT})"}}]"#
    );
    assert_eq!(
        steady(&reply.body),
        format!(
            r#"{{"status":"warn","notes":["run id: <uuid>"],"output":"2 tests run: 1 warned","checks":{{{},{warned}}}}}"#,
            passed("health_passes")
        )
    );
}

/// A document in the draft's shape using every field it defines, several nodes per check,
/// a URI as a link relation and a key of its own.
fn complete() -> Value {
    json!({
        "status": "warn",
        "version": "3",
        "releaseId": "3.0.7",
        "notes": ["the replica lags"],
        "output": "one replica lags behind",
        "serviceId": "9a3f0c52-6f6e-4a5e-9d6b-2c1f2f4f7a10",
        "description": "the orders service",
        "checks": {
            "postgres:responseTime": [{
                "componentId": "primary",
                "componentType": "datastore",
                "observedValue": 12.5,
                "observedUnit": "ms",
                "status": "pass",
                "time": "2024-05-01T12:00:00Z"
            }, {
                "componentId": "replica",
                "componentType": "datastore",
                "observedValue": 840,
                "observedUnit": "ms",
                "status": "warn",
                "affectedEndpoints": ["/orders/{orderId}"],
                "time": "2024-05-01T12:00:00.250+02:00",
                "output": "slow",
                "links": {"self": "https://orders.example/replica/health"},
                "node": 2
            }],
            "uptime": [{"componentType": "system", "observedValue": 86400, "observedUnit": "s"}]
        },
        "links": {
            "about": "https://orders.example/about",
            "https://orders.example/rel/thresholds": "https://orders.example/thresholds"
        }
    })
}

#[test]
fn the_schema_accepts_every_field_the_draft_defines() {
    assert_eq!(violations(&complete()), Vec::<String>::new());
    assert_eq!(violations(&json!({"status": "pass"})), Vec::<String>::new());
    // The draft's own example sends an empty output with `pass`.
    assert_eq!(
        violations(&json!({"status": "pass", "output": ""})),
        Vec::<String>::new()
    );
}

#[test]
fn the_schema_rejects_what_the_draft_rules_out_where_it_breaks_the_rule() {
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut document = complete();
        change(&mut document);
        document
    };
    let rekey = |to: &'static str| {
        move |document: &mut Value| {
            let checks = document["checks"].as_object_mut().unwrap();
            let check = checks.remove("postgres:responseTime").unwrap();
            checks.insert(to.to_owned(), check);
        }
    };
    let without = |pointer: &'static str, key: &'static str| {
        move |document: &mut Value| {
            let object = document.pointer_mut(pointer).unwrap();
            object.as_object_mut().unwrap().remove(key);
        }
    };
    let postgres = "/checks/postgres:responseTime/0";
    // What is wrong, the document, and where the schema says it is (a JSON pointer).
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "a key with two colons",
            broken(&rekey("postgres::responseTime")),
            "/checks",
        ),
        (
            "a component name with a colon",
            broken(&rekey("a:b:responseTime")),
            "/checks",
        ),
        (
            "status ok",
            broken(&|d| d["status"] = json!("ok")),
            "/status",
        ),
        (
            "status PASS",
            broken(&|d| d["status"] = json!("PASS")),
            "/status",
        ),
        (
            "a check's status up",
            broken(&|d| d["checks"]["uptime"][0]["status"] = json!("up")),
            "/checks/uptime/0/status",
        ),
        ("no status", broken(&without("", "status")), ""),
        (
            "output on pass",
            json!({"status": "pass", "output": "all good"}),
            "/output",
        ),
        (
            "a field the draft does not define",
            broken(&|d| d["uptime"] = json!(5)),
            "",
        ),
        (
            "a check that is not an array",
            broken(&|d| d["checks"]["uptime"] = json!({"status": "pass"})),
            "/checks/uptime",
        ),
        (
            "an empty check object",
            broken(&|d| d["checks"]["uptime"] = json!([{}])),
            "/checks/uptime/0",
        ),
        (
            "a named component without a type",
            broken(&without(postgres, "componentType")),
            postgres,
        ),
        (
            "a value without its unit",
            broken(&without("/checks/uptime/0", "observedUnit")),
            "/checks/uptime/0",
        ),
        (
            "a time that is not RFC 3339",
            broken(&|d| d["checks"]["uptime"][0]["time"] = json!("2024-05-01 12:00")),
            "/checks/uptime/0/time",
        ),
        (
            "affected endpoints of a passing check",
            broken(&|d| {
                d["checks"]["postgres:responseTime"][0]["affectedEndpoints"] = json!(["/"])
            }),
            postgres,
        ),
        (
            "a link that is not a URI",
            broken(&|d| d["links"]["about"] = json!("about us")),
            "/links/about",
        ),
        (
            "a relation neither registered-style nor a URI",
            broken(&|d| d["links"]["Run Book"] = json!("https://orders.example/runbook")),
            "/links",
        ),
        (
            "notes that are not strings",
            broken(&|d| d["notes"] = json!([1])),
            "/notes/0",
        ),
    ];
    for (what, document, at) in cases {
        let paths: Vec<String> = schema()
            .iter_errors(&document)
            .map(|error| error.instance_path().to_string())
            .collect();
        assert_eq!(paths, [at], "{what}: {:?}", violations(&document));
    }
}
