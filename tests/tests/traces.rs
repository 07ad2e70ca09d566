//! Every run is a trace and every test a span in it, as an app exporting its `tracing` spans with
//! `tracing-opentelemetry` sees them: a real runner over tests that pass, fail, error, time out
//! (cancelled, and stuck on their thread), retry and warn, with the OpenTelemetry SDK's
//! in-memory exporter behind a `tracing-opentelemetry` layer, and the exported spans read back.
//! With `Runner::isolate`, the child process is this test binary itself, started with the
//! arguments that run only [`isolated_child`]. The endpoint's runs are served by a real axum
//! server on 127.0.0.1 and asked for with a real client.

#[path = "http/axum.rs"]
mod server;

use fixture_crash as _;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier, OnceLock};
use std::time::{Duration, Instant};

use opentelemetry::trace::{SpanId, Status, TraceId, TracerProvider as _};
use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use smoketest::{Check, Outcome, Redactor, Report, Runner, Tier};
use tracing_subscriber::layer::SubscriberExt as _;

/// The exporter behind this binary's global subscriber, installed once.
fn exporter() -> &'static InMemorySpanExporter {
    static EXPORTER: OnceLock<InMemorySpanExporter> = OnceLock::new();
    EXPORTER.get_or_init(|| {
        let exporter = InMemorySpanExporter::default();
        // readme: begin subscriber
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let tracer = provider.tracer("smoketest-tests");
        let subscriber =
            tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer));
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        // readme: end subscriber
        exporter
    })
}

/// The exported spans of the trace `trace`, waiting up to 5 s until `ready` holds of them
/// (spans are exported as they end; a stuck test's when its thread returns).
fn spans_of(trace: TraceId, ready: impl Fn(&[SpanData]) -> bool) -> Vec<SpanData> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let spans: Vec<SpanData> = exporter()
            .get_finished_spans()
            .expect("the exporter is up")
            .into_iter()
            .filter(|span| span.span_context.trace_id() == trace)
            .collect();
        if ready(&spans) || Instant::now() > deadline {
            return spans;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The span of the run whose id is `run_id`, waiting up to 5 s for it to be exported.
fn run_span(run_id: &str) -> SpanData {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found = exporter()
            .get_finished_spans()
            .expect("the exporter is up")
            .into_iter()
            .find(|span| span.name == "smoketest.run" && attribute(span, "run_id") == run_id);
        match found {
            Some(span) => return span,
            None if Instant::now() > deadline => panic!("no span of the run {run_id} exported"),
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// An attribute of `span` as a string ("" when it has none).
fn attribute(span: &SpanData, key: &str) -> String {
    attribute_of(&span.attributes, key)
}

fn attribute_of(attributes: &[KeyValue], key: &str) -> String {
    attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| match &kv.value {
            Value::String(text) => text.to_string(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

/// A run over one test of each kind; returns its report.
fn run_of_every_kind() -> Report {
    static FLAKY: AtomicU32 = AtomicU32::new(0);
    Runner::new()
        .filter("traces::")
        .default_timeout(Duration::from_secs(5))
        .check("traces::passes", || {})
        .check("traces::fails", || {
            assert_eq!(1 + 1, 3, "the cache is cold")
        })
        .check("traces::errors", || {
            Err::<(), _>("could not connect to postgres://app:hunter2@db/app")
        })
        .check(
            "traces::times_out",
            Check::new(|| async { tokio::time::sleep(Duration::from_secs(30)).await })
                .timeout(Duration::from_millis(100)),
        )
        .check(
            "traces::stuck",
            Check::new(|| std::thread::sleep(Duration::from_millis(400)))
                .timeout(Duration::from_millis(50)),
        )
        .check(
            "traces::flaky",
            Check::new(|| match FLAKY.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => Err("not yet"),
                _ => Ok(()),
            })
            .retries(2)
            .owner("team-payments"),
        )
        .check(
            "traces::warns",
            Check::new(|| Err::<(), _>("disk 91% full")).warn_only(),
        )
        .run(Tier::Fast)
}

#[test]
fn a_run_is_one_trace_with_a_span_per_test_its_outcome_and_errors_as_otel_sees_them() {
    exporter();
    let report = run_of_every_kind();
    assert_eq!(report.tests_run, 7);
    let run = run_span(&report.run_id);
    let trace = run.span_context.trace_id();

    // The run: a root span, with the report's id, tier, selection and counts.
    assert_eq!(
        run.parent_span_id,
        SpanId::INVALID,
        "a run is a trace of its own"
    );
    assert_eq!(attribute(&run, "tier"), "fast");
    assert_eq!(attribute(&run, "selected"), "7");
    assert_eq!(attribute(&run, "status"), "FAIL");
    assert_eq!(attribute(&run, "tests_run"), "7");
    assert_eq!(attribute(&run, "tests_passed"), "2");
    assert_eq!(attribute(&run, "tests_failed"), "1");
    assert_eq!(attribute(&run, "tests_errored"), "3");
    assert_eq!(attribute(&run, "tests_warned"), "1");
    assert_eq!(run.status, Status::error("1 failed, 3 errored"));
    uuid_v7(&report.run_id);

    // The tests: children of the run's span, in its trace, one each.
    let spans = spans_of(trace, |spans| {
        spans.iter().filter(|s| s.name == "smoketest.test").count() == 7
    });
    let tests: HashMap<String, &SpanData> = spans
        .iter()
        .filter(|span| span.name == "smoketest.test")
        .map(|span| (attribute(span, "name"), span))
        .collect();
    assert_eq!(tests.len(), 7, "{:#?}", spans);
    for test in &report.tests {
        let span = tests[&*test.name];
        let name = &test.name;
        assert_eq!(span.parent_span_id, run.span_context.span_id(), "{name}");
        assert_eq!(attribute(span, "tier"), "fast", "{name}");
        assert_eq!(attribute(span, "suite"), "traces", "{name}");
        assert_eq!(attribute(span, "outcome"), test.outcome.as_str(), "{name}");
        assert_eq!(
            attribute(span, "attempts"),
            test.attempts.to_string(),
            "{name}"
        );
        let duration: f64 = attribute(span, "duration_ms").parse().expect("a number");
        assert_eq!(duration, test.time, "{name}");
        let expected = match test.outcome {
            Outcome::Passed => Status::Ok,
            Outcome::Warned => Status::Unset,
            _ => Status::error(smoketest::redact_credentials(
                test.message.as_deref().expect("a message"),
            )),
        };
        assert_eq!(span.status, expected, "{name}");
    }

    let outcome = |name: &str| {
        let span = tests[name];
        (attribute(span, "outcome"), span.status.clone())
    };
    assert_eq!(outcome("traces::passes"), ("passed".into(), Status::Ok));
    assert_eq!(
        outcome("traces::times_out"),
        ("errored".into(), Status::error("timed out after 100ms"))
    );
    // Reported by the runner at its limit while its thread slept on: the span ends with the
    // outcome the report gave.
    assert_eq!(
        outcome("traces::stuck"),
        ("errored".into(), Status::error("timed out after 50ms"))
    );
    // Credentials never leave in a trace.
    let Status::Error { description } = &tests["traces::errors"].status else {
        panic!("errored without an error status");
    };
    assert_eq!(
        description,
        "could not connect to postgres://app:***@db/app"
    );
    assert_eq!(attribute(tests["traces::flaky"], "owner"), "team-payments");

    // A failure is also an `exception` event with its message, a warning a `warning` one.
    let failed = tests["traces::fails"];
    let message = report
        .tests
        .iter()
        .find(|t| t.name == "traces::fails")
        .unwrap();
    let message = message.message.as_deref().unwrap();
    assert!(
        message.starts_with("assertion `left == right` failed: the cache is cold"),
        "{message}"
    );
    let events: Vec<_> = failed.events.iter().collect();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].name, "exception");
    assert_eq!(
        attribute_of(&events[0].attributes, "exception.message"),
        message
    );
    let warned: Vec<_> = tests["traces::warns"].events.iter().collect();
    assert_eq!(warned.len(), 1, "{warned:#?}");
    assert_eq!(
        attribute_of(&warned[0].attributes, "warning"),
        "disk 91% full"
    );

    // Each attempt of a retried test is a child of the test's body span, which follows from the
    // test's span: a trace of its own, linked to the test's.
    let flaky_body = body_of(tests["traces::flaky"]);
    let body_trace = flaky_body.span_context.trace_id();
    let flaky = flaky_body.span_context.span_id();
    let body_spans = spans_of(body_trace, |spans| spans.len() == 4);
    assert_eq!(
        body_spans.len(),
        4,
        "the body and its 3 attempts: {body_spans:#?}"
    );
    let mut attempts: Vec<(String, String, Status)> = body_spans
        .iter()
        .filter(|span| span.name != "smoketest.test.body")
        .filter(|span| span.name == "smoketest.attempt")
        .map(|span| {
            assert_eq!(span.parent_span_id, flaky, "an attempt of another test");
            (
                attribute(span, "attempt"),
                attribute(span, "outcome"),
                span.status.clone(),
            )
        })
        .collect();
    attempts.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        attempts,
        [
            ("1".into(), "errored".into(), Status::error("not yet")),
            ("2".into(), "errored".into(), Status::error("not yet")),
            ("3".into(), "passed".into(), Status::Ok),
        ]
    );
    // Nothing else in the trace: no span of other runs, no test's body.
    assert_eq!(spans.len(), 1 + 7, "{spans:#?}");
}

/// The exported body span of the test whose span is `test`: a root that follows from it (a link
/// to it), waiting up to 5 s for it to be exported.
fn body_of(test: &SpanData) -> SpanData {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found = exporter()
            .get_finished_spans()
            .expect("the exporter is up")
            .into_iter()
            .find(|span| {
                span.name == "smoketest.test.body"
                    && span
                        .links
                        .iter()
                        .any(|link| link.span_context == test.span_context)
            });
        match found {
            Some(span) => {
                assert_eq!(span.parent_span_id, SpanId::INVALID, "{span:#?}");
                assert_eq!(attribute(&span, "name"), attribute(test, "name"));
                return span;
            }
            None if Instant::now() > deadline => panic!("no body span of {test:#?} exported"),
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

#[test]
fn a_run_with_a_test_hung_in_a_blocking_call_is_exported_when_it_returns_with_the_test_timed_out() {
    exporter();
    let release = Arc::new(Barrier::new(2));
    let hung = release.clone();
    let report = Runner::new()
        .filter("traces::hung::")
        .check(
            "traces::hung::blocks",
            Check::new(move || {
                tracing::info!(target: "app::lock", "waiting for the lock");
                hung.wait();
                tracing::info!(target: "app::lock", "got the lock");
            })
            .timeout(Duration::from_millis(100)),
        )
        .check("traces::hung::passes", || {})
        .run(Tier::Fast);
    assert_eq!(report.errored_tests, ["traces::hung::blocks"]);
    let hung_report = report
        .tests
        .iter()
        .find(|t| t.name == "traces::hung::blocks");
    let message = hung_report.and_then(|test| test.message.as_deref());
    assert_eq!(message, Some("timed out after 100ms"));

    // The body is still blocked: the run's span and both tests' are exported all the same.
    let run = run_span(&report.run_id);
    assert_eq!(run.status, Status::error("0 failed, 1 errored"));
    let spans = spans_of(run.span_context.trace_id(), |spans| spans.len() == 3);
    let test = |name: &str| {
        spans
            .iter()
            .find(|span| span.name == "smoketest.test" && attribute(span, "name") == name)
            .unwrap_or_else(|| panic!("no span of {name} exported: {spans:#?}"))
    };
    let blocked = test("traces::hung::blocks");
    assert_eq!(blocked.parent_span_id, run.span_context.span_id());
    assert_eq!(attribute(blocked, "outcome"), "errored");
    assert_eq!(blocked.status, Status::error("timed out after 100ms"));
    let events: Vec<_> = blocked.events.iter().collect();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(
        attribute_of(&events[0].attributes, "exception.message"),
        "timed out after 100ms"
    );
    assert_eq!(test("traces::hung::passes").status, Status::Ok);
    assert_eq!(spans.len(), 3, "{spans:#?}");
    // Only the hung body's own span is still open: not exported.
    let bodies = |name: &str| {
        let spans = exporter().get_finished_spans().expect("the exporter is up");
        let body = |span: &&SpanData| {
            span.name == "smoketest.test.body" && attribute(span, "name") == name
        };
        spans.iter().filter(body).count()
    };
    assert_eq!(bodies("traces::hung::blocks"), 0);
    assert_eq!(bodies("traces::hung::passes"), 1);

    // Once the call returns, the body's span ends too, with what the body did, linked to its
    // test's span.
    release.wait();
    let body = body_of(blocked);
    let said: Vec<String> = body
        .events
        .iter()
        .map(|event| event.name.to_string())
        .collect();
    assert_eq!(said, ["waiting for the lock", "got the lock"]);
}

/// The app's secret, in the messages of the checks below: never in a span or event.
const SECRET: &str = "sk_live_Z3kq9TRACE";

/// Every exported span and event that mentions `text`, as text.
fn mentions(text: &str) -> Vec<String> {
    let spans = exporter().get_finished_spans().expect("the exporter is up");
    let mut found = Vec::new();
    for span in spans {
        let events = span.events.iter().flat_map(|event| {
            let name = std::iter::once(event.name.to_string());
            name.chain(event.attributes.iter().map(|kv| kv.value.to_string()))
        });
        let attributes = span.attributes.iter().map(|kv| kv.value.to_string());
        let status = match &span.status {
            Status::Error { description } => description.to_string(),
            _ => String::new(),
        };
        let texts: Vec<String> = attributes.chain(events).chain([status]).collect();
        if texts.iter().any(|t| t.contains(text)) {
            found.push(format!("{}: {texts:?}", span.name));
        }
    }
    found
}

/// Checks whose messages quote the secret: an error, a failure after a retry, a warning.
fn runner_quoting(secret: &'static str, prefix: &str) -> Runner {
    Runner::new()
        .filter(prefix)
        .check(format!("{prefix}errors"), move || {
            Err::<(), _>(format!("upstream answered 401 to key {secret}"))
        })
        .check(
            format!("{prefix}retried"),
            Check::new(move || assert_eq!(secret, "", "key {secret} rejected")).retries(1),
        )
        .check(
            format!("{prefix}warns"),
            Check::new(move || Err::<(), _>(format!("key {secret} expires soon"))).warn_only(),
        )
}

/// The spans of the run `run_id`'s tests, by name, once all three are exported.
fn test_spans(run_id: &str) -> HashMap<String, SpanData> {
    let run = run_span(run_id);
    let spans = spans_of(run.span_context.trace_id(), |spans| spans.len() == 4);
    spans
        .into_iter()
        .filter(|span| span.name == "smoketest.test")
        .map(|span| (attribute(&span, "name"), span))
        .collect()
}

#[test]
fn the_runner_s_redactor_hides_the_app_s_secrets_in_every_span_and_event() {
    exporter();
    let report = runner_quoting(SECRET, "traces::secret::")
        .redactor(Redactor::new().secret(SECRET))
        .run(Tier::Fast);
    assert_eq!(report.tests_run, 3, "{}", report.to_text());
    // The report is the app's, in the process: as the checks said it.
    let errored = report
        .tests
        .iter()
        .find(|t| t.name == "traces::secret::errors");
    let message = errored.and_then(|test| test.message.as_deref());
    assert_eq!(
        message,
        Some("upstream answered 401 to key sk_live_Z3kq9TRACE")
    );

    let tests = test_spans(&report.run_id);
    assert_eq!(
        tests["traces::secret::errors"].status,
        Status::error("upstream answered 401 to key ***")
    );
    let Status::Error { description } = &tests["traces::secret::retried"].status else {
        panic!("failed without an error status: {tests:#?}");
    };
    assert!(description.contains("key *** rejected"), "{description}");
    let warned = &tests["traces::secret::warns"].events;
    assert_eq!(
        attribute_of(&warned[0].attributes, "warning"),
        "key *** expires soon"
    );
    // The retried test's attempts, in its body's trace, are redacted too.
    let body = body_of(&tests["traces::secret::retried"]);
    let attempts = spans_of(body.span_context.trace_id(), |spans| spans.len() == 3);
    assert_eq!(attempts.len(), 3, "{attempts:#?}");
    assert_eq!(mentions(SECRET), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_s_redaction_hides_the_app_s_secrets_in_its_runs_spans() {
    const ENDPOINT_SECRET: &str = "sk_live_Q8wENDPOINT";
    exporter();
    let endpoint =
        smoketest_http::SmokeEndpoint::new(runner_quoting(ENDPOINT_SECRET, "traces::endpoint::"))
            .redact([ENDPOINT_SECRET]);
    let origin = server::serve(server::app_with([("/smoketest", endpoint)])).await;
    let reply = reqwest::get(format!("{origin}/smoketest/?format=json"))
        .await
        .expect("the server answers");
    assert_eq!(reply.status(), 500);
    let body = reply.text().await.expect("a body");
    assert!(!body.contains(ENDPOINT_SECRET), "{body}");
    assert!(body.contains("upstream answered 401 to key ***"), "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let run_id = json["run_id"].as_str().expect("a run id").to_owned();

    let tests = tokio::task::spawn_blocking(move || test_spans(&run_id))
        .await
        .expect("the spans");
    assert_eq!(
        tests["traces::endpoint::errors"].status,
        Status::error("upstream answered 401 to key ***")
    );
    assert_eq!(mentions(ENDPOINT_SECRET), Vec::<String>::new());
}

#[test]
fn each_run_is_a_trace_of_its_own_with_its_report_s_run_id() {
    exporter();
    let runner = Runner::new()
        .filter("traces::other::")
        .check("traces::other::passes", || {});
    let (first, second) = (runner.run(Tier::Slow), runner.run(Tier::Slow));
    assert_ne!(first.run_id, second.run_id);
    let (a, b) = (run_span(&first.run_id), run_span(&second.run_id));
    assert_ne!(a.span_context.trace_id(), b.span_context.trace_id());
    for (report, run) in [(&first, &a), (&second, &b)] {
        assert_eq!(run.status, Status::Ok);
        assert_eq!(attribute(run, "tier"), "slow");
        let spans = spans_of(run.span_context.trace_id(), |spans| spans.len() == 2);
        let names: Vec<&str> = spans.iter().map(|span| &*span.name).collect();
        assert_eq!(names, ["smoketest.test", "smoketest.run"], "{report:?}");
    }
}

/// The isolated runner: the crash fixture's fast tier, one test at a time.
fn crash_runner() -> Runner {
    Runner::new().apps(["fixture_crash"]).concurrency(1)
}

/// In the child (`SMOKETEST_ISOLATED` set): runs the requested tests and exits. Elsewhere, nothing.
#[test]
fn isolated_child() {
    if std::env::var_os("SMOKETEST_ISOLATED").is_none() {
        return;
    }
    let _ = crash_runner().run_cli_from(Vec::<String>::new());
    std::process::exit(0);
}

#[cfg(unix)]
#[test]
fn an_isolated_run_is_one_trace_in_the_parent_with_a_span_per_test_even_one_that_ends_its_process()
{
    exporter();
    let report = crash_runner()
        .isolate(["isolated_child", "--exact", "--test-threads=1"])
        .run(Tier::Fast);
    assert!(report.tests_errored >= 2, "{}", report.to_text());
    let run = run_span(&report.run_id);
    assert_eq!(run.parent_span_id, SpanId::INVALID);
    let trace = run.span_context.trace_id();
    let spans = spans_of(trace, |spans| spans.len() > report.tests.len());
    assert_eq!(spans.len(), 1 + report.tests.len(), "{spans:#?}");
    for test in &report.tests {
        let span = spans
            .iter()
            .find(|span| span.name == "smoketest.test" && attribute(span, "name") == *test.name)
            .unwrap_or_else(|| panic!("no span of {}", test.name));
        assert_eq!(span.parent_span_id, run.span_context.span_id());
        assert_eq!(attribute(span, "outcome"), test.outcome.as_str());
        if test.outcome == Outcome::Errored {
            let message = test.message.as_deref().unwrap();
            assert!(message.contains("the test process"), "{message}");
            assert_eq!(span.status, Status::error(message.to_owned()));
        }
    }
}

/// `id` is a UUID of version 7 in its hyphenated lowercase form.
fn uuid_v7(id: &str) {
    let groups: Vec<&str> = id.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
    assert_eq!(lengths, [8, 4, 4, 4, 12], "{id}");
    assert!(
        id.chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "{id}"
    );
    assert!(groups[2].starts_with('7'), "not version 7: {id}");
}
