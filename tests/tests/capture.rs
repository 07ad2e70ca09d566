//! Per-test output capture: what a test logs through `tracing` (or `log`) lands in its own report
//! entry — in the JSON details always, in verbose text under failed and errored tests — while the
//! app's own subscriber still sees every event.
//!
//! One run of the fixture, on a multi-threaded tokio runtime, serves every test below: the
//! subscriber is process-wide, as in an app.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use smoketest::{CaptureLayer, Report, Runner, Tier};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};

const PREFIX: &str = "fixture_capture::smoke::";

/// The app's own layer: records the message of every event it sees.
#[derive(Clone, Default)]
struct AppLayer {
    messages: Arc<Mutex<Vec<String>>>,
}

struct MessageVisitor(String);

impl Visit for MessageVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for AppLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut visitor = MessageVisitor(String::new());
        event.record(&mut visitor);
        self.messages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(visitor.0);
    }
}

struct Run {
    report: Report,
    /// Every message the app's layer saw during the run.
    app_saw: Vec<String>,
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let app = AppLayer::default();
        let subscriber = tracing_subscriber::registry()
            .with(CaptureLayer::new())
            .with(app.clone());
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        tracing_log::LogTracer::init().expect("the only logger");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .expect("a runtime");
        // Spawned, so that async tests are polled by the runtime's workers, moving between them.
        let runner = Runner::new().apps(["fixture_capture"]);
        let report = runtime
            .block_on(runtime.spawn(async move { runner.run_async(Tier::Fast).await }))
            .expect("the run finished");
        let app_saw = app
            .messages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Run { report, app_saw }
    })
}

/// Each test's `output` in the JSON details, by short name; `[]` where the key is absent.
fn outputs() -> BTreeMap<String, Vec<String>> {
    let json: serde_json::Value = serde_json::from_str(&run().report.to_json()).unwrap();
    json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|test| {
            let name = test["name"].as_str().unwrap();
            let output = match test.get("output") {
                Some(lines) => serde_json::from_value(lines.clone()).unwrap(),
                None => Vec::new(),
            };
            (name.strip_prefix(PREFIX).unwrap().to_owned(), output)
        })
        .collect()
}

fn lines(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|line| (*line).to_owned()).collect()
}

fn steps(label: &str) -> Vec<String> {
    (0..3)
        .map(|step| format!("INFO fixture_capture::smoke: {label} step={step}"))
        .collect()
}

#[test]
fn each_test_has_exactly_its_own_lines_in_the_json_details() {
    let mut outputs = outputs();
    let flood = outputs.remove("floods_the_log").unwrap();
    assert_eq!(flood.len(), 1001, "checked in its own test");
    let expected: BTreeMap<String, Vec<String>> = [
        (
            "Cache::logs_in_an_async_suite",
            lines(&[
                "INFO fixture_capture::smoke: Cache set_up",
                "INFO fixture_capture::smoke: Cache body",
                "INFO fixture_capture::smoke: Cache tear_down",
            ]),
        ),
        (
            "Db::logs_in_a_sync_suite",
            lines(&[
                "INFO fixture_capture::smoke: Db set_up",
                "INFO fixture_capture::smoke: Db body",
                "INFO fixture_capture::smoke: Db tear_down",
            ]),
        ),
        (
            "errors_after_logging",
            lines(&["ERROR fixture_capture::smoke: payment API unavailable status=503"]),
        ),
        (
            "fails_after_logging",
            lines(&["INFO fixture_capture::smoke: counted users users=2"]),
        ),
        ("interleaved_async_a", steps("a")),
        ("interleaved_async_b", steps("b")),
        ("interleaved_sync_c", steps("c")),
        ("interleaved_sync_d", steps("d")),
        (
            "logs_across_awaits_and_tasks",
            lines(&[
                "INFO fixture_capture::smoke: before the await",
                "INFO fixture_capture::smoke: after the await",
                "INFO fixture_capture::smoke: from a task carrying the test's span",
                "INFO fixture_capture::smoke: from a joined future",
            ]),
        ),
        (
            "logs_through_the_log_crate",
            lines(&[
                "INFO fixture_capture::smoke: through the log crate",
                "WARN payments: gateway slow: 2400ms",
            ]),
        ),
        (
            "logs_with_fields",
            lines(&[
                "INFO fixture_capture::smoke: connected host=\"db-1\" port=5432",
                "WARN fixture_capture::smoke: slow answer retries=2",
            ]),
        ),
        ("stays_quiet", Vec::new()),
    ]
    .into_iter()
    .map(|(name, output)| (name.to_owned(), output))
    .collect();
    assert_eq!(outputs, expected);
}

#[test]
fn a_test_without_output_has_no_output_key() {
    let json: serde_json::Value = serde_json::from_str(&run().report.to_json()).unwrap();
    let quiet = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|test| test["name"] == format!("{PREFIX}stays_quiet"))
        .unwrap();
    assert_eq!(quiet.get("output"), None);
}

#[test]
fn the_apps_own_layer_still_sees_every_event() {
    let saw = &run().app_saw;
    let count = |message: &str| saw.iter().filter(|seen| *seen == message).count();
    assert_eq!(count("flood"), fixture_capture::FLOOD_LINES);
    for message in [
        "connected",
        "slow answer",
        "counted users",
        "payment API unavailable",
        "before the await",
        "after the await",
        "from a task carrying the test's span",
        // Not attributed to its test, but the app sees it.
        "from a bare task",
        "from a joined future",
        "through the log crate",
        "gateway slow: 2400ms",
        // Suite-wide hooks are not captured either.
        "Db set_up_suite",
        "Db tear_down_suite",
        "Cache set_up_suite",
        "Db set_up",
        "Db body",
        "Db tear_down",
        "Cache set_up",
        "Cache body",
        "Cache tear_down",
    ] {
        assert_eq!(count(message), 1, "{message}");
    }
    for label in ["a", "b", "c", "d"] {
        assert_eq!(count(label), 3, "{label}");
    }
}

#[test]
fn a_flooding_test_keeps_its_first_1000_lines_then_a_truncation_marker() {
    let flood = &outputs()["floods_the_log"];
    let expected: Vec<String> = (0..1000)
        .map(|line| format!("INFO fixture_capture::smoke: flood line={line}"))
        .chain(["… output truncated (9000 more lines)".to_owned()])
        .collect();
    assert_eq!(flood, &expected);
}

/// Replaces each `(<digits>.<digits>ms)` with `(<ms>)`.
fn mask_times(text: &str) -> String {
    text.lines()
        .map(|line| match line.rsplit_once(" (") {
            Some((head, time))
                if time.ends_with("ms)")
                    && time
                        .trim_end_matches("ms)")
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.') =>
            {
                format!("{head} (<ms>)")
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn verbose_text_shows_the_output_of_failed_and_errored_tests_only() {
    let text = mask_times(
        &smoketest::render::render(
            &run().report,
            smoketest::render::Format::Text,
            &smoketest::render::Options::new().verbose(true),
        )
        .body,
    );
    let per_test = text
        .split_once(&format!("\n\n{PREFIX}Cache"))
        .map(|(_, rest)| format!("{PREFIX}Cache{rest}"))
        .expect("one line per test after a blank line");
    let expected = [
        "Cache::logs_in_an_async_suite ... passed (<ms>)",
        "Db::logs_in_a_sync_suite ... passed (<ms>)",
        "errors_after_logging ... errored (<ms>)",
        "    ERROR fixture_capture::smoke: payment API unavailable status=503",
        "fails_after_logging ... failed (<ms>)",
        "    INFO fixture_capture::smoke: counted users users=2",
        "floods_the_log ... passed (<ms>)",
        "interleaved_async_a ... passed (<ms>)",
        "interleaved_async_b ... passed (<ms>)",
        "interleaved_sync_c ... passed (<ms>)",
        "interleaved_sync_d ... passed (<ms>)",
        "logs_across_awaits_and_tasks ... passed (<ms>)",
        "logs_through_the_log_crate ... passed (<ms>)",
        "logs_with_fields ... passed (<ms>)",
        "stays_quiet ... passed (<ms>)",
    ]
    .map(|line| match line.strip_prefix("    ") {
        Some(output) => format!("    {output}"),
        None => format!("{PREFIX}{line}"),
    })
    .join("\n");
    assert_eq!(per_test, expected);
}

#[test]
fn the_text_report_and_failure_lines_are_unchanged_by_output() {
    let text = run().report.to_text();
    let failures = text
        .split_once("\n\n")
        .expect("failures after the summary")
        .1;
    assert_eq!(
        failures,
        format!(
            "{PREFIX}fails_after_logging failed: expected 3 users: 2 != 3 (at \
             tests/fixtures/capture/src/smoke.rs:{})\n\
             {PREFIX}errors_after_logging errored: payment API unreachable (at \
             tests/fixtures/capture/src/smoke.rs:{})\n",
            fixture_capture::smoke::FAILS_LINE,
            fixture_capture::smoke::ERRORS_LINE,
        )
    );
}
