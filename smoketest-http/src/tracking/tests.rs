//! The tiers' thresholds, what is recorded (a tier's own runs, scheduled ones included; never a
//! client's narrowing) and the bounds of the configuration.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_executor::block_on;
use http::Request;
use smoketest::{Runner, Tier};

use crate::{Group, SmokeEndpoint};

/// An endpoint over one check, `tracking::switch`, failing with `off` while `off` is set.
fn switched(off: &Arc<AtomicBool>) -> SmokeEndpoint {
    let off = Arc::clone(off);
    let runner = Runner::new()
        .apps(["tracking"])
        .check("tracking::switch", move || {
            match off.load(Ordering::SeqCst) {
                true => Err("off"),
                false => Ok(()),
            }
        });
    SmokeEndpoint::new(runner)
}

fn get(endpoint: &SmokeEndpoint, uri: &str) -> (u16, String) {
    let request = Request::get(uri).body(()).expect("a valid URI");
    let response = block_on(endpoint.handle(&request));
    (response.status().as_u16(), response.into_body())
}

/// The `reported` status of each run the fast tier kept.
fn fast_history(endpoint: &SmokeEndpoint) -> Vec<String> {
    let (status, body) = get(endpoint, "/history/");
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["tiers"]["fast"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            format!(
                "{}/{}",
                entry["status"].as_str().unwrap(),
                entry["reported"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_tier_fails_after_k_runs_in_a_row_and_the_text_report_says_why_before() {
    let off = Arc::new(AtomicBool::new(true));
    let endpoint = switched(&off).fail_after(2).pass_after(2);
    let (status, body) = get(&endpoint, "/");
    // Damped: 200, but the report is the run's own, FAIL, and says why the code is 200.
    assert_eq!(status, 200, "{body}");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[..6],
        [
            "FAIL",
            "test classes: 1",
            "tests run: 1",
            "tests passed: 0",
            "tests failed: 0",
            "tests errored: 1"
        ]
    );
    assert!(
        lines[9].starts_with("tracking::switch errored: off (at "),
        "{body}"
    );
    assert_eq!(
        &lines[10..],
        [
            "",
            "warning: failed run 1 of 2 in a row: answered 200 until 2 runs in a row fail"
        ]
    );
    let (status, body) = get(&endpoint, "/");
    assert_eq!(status, 500, "{body}");
    assert!(
        body.starts_with("FAIL\n") && !body.contains("warning:"),
        "{body}"
    );
    off.store(false, Ordering::SeqCst);
    let (status, body) = get(&endpoint, "/?format=json");
    // Damped the other way: the failure status, with the run's own PASS report.
    assert_eq!(status, 500, "{body}");
    assert!(body.starts_with(r#"{"status":"PASS","#), "{body}");
    assert!(body.contains(
        r#""warnings":["passed run 1 of 2 in a row: answered with the failure status until 2 runs in a row pass"]"#
    ), "{body}");
    let (status, body) = get(&endpoint, "/");
    assert_eq!(status, 200);
    assert!(
        body.starts_with("PASS\n") && !body.contains("warning:"),
        "{body}"
    );
    assert_eq!(
        fast_history(&endpoint),
        ["FAIL/PASS", "FAIL/FAIL", "PASS/FAIL", "PASS/PASS"]
    );
    // Each tier on its own: the slow tier has its own count.
    off.store(true, Ordering::SeqCst);
    assert_eq!(get(&endpoint, "/slow/").0, 200);
}

#[test]
fn a_damped_run_is_its_own_report_in_every_format_with_the_code_of_the_threshold() {
    let off = Arc::new(AtomicBool::new(true));
    let endpoint = switched(&off).fail_after(1000);
    let warning = |run: u32| {
        format!("failed run {run} of 1000 in a row: answered 200 until 1000 runs in a row fail")
    };
    let answer = |format: &str| get(&endpoint, &format!("/?format={format}"));

    let (status, json) = answer("json");
    assert_eq!(status, 200, "{json}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["status"], "FAIL");
    assert_eq!(json["tests_errored"], 1);
    assert_eq!(
        json["errored_tests"],
        serde_json::json!(["tracking::switch"])
    );
    assert_eq!(json["warnings"], serde_json::json!([warning(1)]));

    // health+json's status follows the report, `fail`; the code follows the threshold.
    let (status, health) = answer("health");
    assert_eq!(status, 200, "{health}");
    let health: serde_json::Value = serde_json::from_str(&health).unwrap();
    assert_eq!(health["status"], "fail");
    assert_eq!(health["notes"][1], warning(2));

    // The metric is the run's own: alerting rules damp with `for:`.
    let (status, metrics) = answer("prometheus");
    assert_eq!(status, 200);
    assert!(
        metrics.contains("\nsmoketest_run_passed{tier=\"fast\"} 0\n"),
        "{metrics}"
    );

    let (status, nagios) = answer("nagios");
    assert_eq!(status, 200);
    assert!(
        nagios
            .starts_with("SMOKETEST CRITICAL - 1 of 1 test failed or errored: tracking::switch | "),
        "{nagios}"
    );
    assert!(
        nagios.ends_with(&format!("\nwarning: {}", warning(4))),
        "{nagios}"
    );

    let (status, kubernetes) = get(&endpoint, "/?verbose");
    assert_eq!(status, 200);
    assert!(
        kubernetes.starts_with("[-]tracking::switch failed: off (at ")
            && kubernetes.ends_with(&format!("\nwarn: {}\nfast check failed\n", warning(5))),
        "{kubernetes}"
    );

    let (status, junit) = answer("junit");
    assert_eq!(status, 200);
    assert!(junit.contains(&warning(6)), "{junit}");
    assert!(
        junit.contains(
            "<testsuites name=\"smoketest\" tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"1\""
        ),
        "{junit}"
    );
    assert_eq!(fast_history(&endpoint), ["FAIL/PASS"; 6]);
}
#[test]
fn narrowed_runs_are_reported_as_they_are_and_not_recorded() {
    let off = Arc::new(AtomicBool::new(true));
    let endpoint = switched(&off).fail_after(3);
    assert_eq!(get(&endpoint, "/?exclude=nope").0, 500);
    assert_eq!(get(&endpoint, "/").0, 200);
    assert_eq!(get(&endpoint, "/test/tracking::switch").0, 500);
    assert_eq!(get(&endpoint, "/?tag=nope").0, 200);
    assert_eq!(get(&endpoint, "/").0, 200);
    assert_eq!(fast_history(&endpoint), ["FAIL/PASS", "FAIL/PASS"]);
    assert_eq!(get(&endpoint, "/").0, 500);
}

#[test]
fn scheduled_runs_are_recorded_without_any_request_for_the_tier() {
    let off = Arc::new(AtomicBool::new(false));
    let endpoint = switched(&off).history(3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap();
    let schedule = runtime.spawn(endpoint.schedule(Tier::Fast, Duration::from_millis(5)));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while fast_history(&endpoint).len() < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    schedule.abort();
    // However many runs the schedule made, three are kept.
    assert_eq!(fast_history(&endpoint), ["PASS/PASS"; 3]);
}

#[test]
fn zero_runs_keeps_no_history_but_thresholds_still_hold() {
    let off = Arc::new(AtomicBool::new(true));
    let endpoint = switched(&off).history(0).fail_after(2);
    assert_eq!(get(&endpoint, "/").0, 200);
    assert_eq!(get(&endpoint, "/").0, 500);
    assert_eq!(
        get(&endpoint, "/history/"),
        (
            200,
            r#"{"limit":0,"tiers":{"fast":[],"slow":[]},"groups":{}}"#.to_owned()
        )
    );
}

#[test]
#[should_panic(
    expected = "SmokeEndpoint::history(1001): at most 1000 runs are kept per tier and group; \
                the default is 20"
)]
fn more_than_a_thousand_runs_is_refused_saying_the_bound() {
    let _ = SmokeEndpoint::new(Runner::new()).history(1001);
}

#[test]
#[should_panic(
    expected = "SmokeEndpoint::pass_after(0): the number of runs in a row is 1 to 1000; 1 (the \
                default) reports every run as it is"
)]
fn a_threshold_of_zero_is_refused_saying_what_to_write() {
    let _ = SmokeEndpoint::new(Runner::new()).pass_after(0);
}

#[test]
fn groups_added_before_or_after_the_settings_get_them_alike() {
    let off = Arc::new(AtomicBool::new(true));
    let before = switched(&off).group("all", Group::new()).history(1);
    let after = switched(&off).history(1).group("all", Group::new());
    for endpoint in [before, after] {
        get(&endpoint, "/all/");
        get(&endpoint, "/all/");
        let (_, body) = get(&endpoint, "/history/");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["groups"]["all"].as_array().unwrap().len(), 1, "{body}");
    }
}

/// The `status/reported` of each run the group `ready` kept.
fn ready_history(endpoint: &SmokeEndpoint) -> Vec<String> {
    let (_, body) = get(endpoint, "/history/");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["groups"]["ready"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| format!("{}/{}", entry["status"], entry["reported"]).replace('"', ""))
        .collect()
}

/// An endpoint whose group `ready` (every test) has a startup grace of `grace` and fails after
/// 3 failing runs in a row; the changes its hook hears, as log lines.
fn graced(off: &Arc<AtomicBool>, grace: Duration) -> (SmokeEndpoint, Arc<Mutex<Vec<String>>>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let hook = Arc::clone(&heard);
    let ready = Group::new()
        .startup_grace(grace)
        .fail_after(3)
        .on_change(move |change| hook.lock().unwrap().push(change.to_string()));
    (switched(off).group("ready", ready), heard)
}

/// What `heard` holds once the hooks' thread is done (a change takes it microseconds).
fn settled(heard: &Mutex<Vec<String>>, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while heard.lock().unwrap().len() < count && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(20));
    heard.lock().unwrap().clone()
}

#[test]
fn a_failing_app_is_starting_through_its_grace_then_damped_then_failing() {
    // Long enough for five in-process runs on a loaded machine.
    const GRACE: Duration = Duration::from_secs(3);
    let off = Arc::new(AtomicBool::new(true));
    let added = Instant::now();
    let (endpoint, heard) = graced(&off, GRACE);
    let starting = "starting: probe group \"ready\" has not passed yet (startup grace: 3s)\n";
    // During the grace: the `starting:` line, 503, however many runs; health+json its `fail`
    // document with the group's status.
    for _ in 0..4 {
        assert_eq!(get(&endpoint, "/ready/"), (503, starting.to_owned()));
    }
    let (status, health) = get(&endpoint, "/ready/?format=health");
    assert_eq!(status, 503, "{health}");
    assert!(health.starts_with(r#"{"status":"fail","#), "{health}");
    assert!(
        added.elapsed() < GRACE,
        "too slow a machine for this test: the grace was over before its runs"
    );
    std::thread::sleep(GRACE.saturating_sub(added.elapsed()) + Duration::from_millis(10));
    // The grace is over; its runs did not count: two damped runs, then the failure status.
    for run in 1..=2 {
        let (status, body) = get(&endpoint, "/ready/");
        assert_eq!(status, 200, "{body}");
        assert!(body.starts_with("FAIL\n"), "{body}");
        assert!(
            body.ends_with(&format!(
                "\n\nwarning: failed run {run} of 3 in a row: answered 200 until 3 runs in a \
                 row fail\n"
            )),
            "{body}"
        );
    }
    let (status, body) = get(&endpoint, "/ready/?format=json");
    assert_eq!(status, 503, "{body}");
    assert!(body.starts_with(r#"{"status":"FAIL","#), "{body}");
    assert!(!body.contains("warnings"), "{body}");
    let (status, body) = get(&endpoint, "/ready/");
    assert_eq!(status, 503);
    assert!(body.starts_with("FAIL\n"), "{body}");
    assert_eq!(
        ready_history(&endpoint),
        [
            "FAIL/FAIL",
            "FAIL/FAIL",
            "FAIL/FAIL",
            "FAIL/FAIL",
            "FAIL/FAIL",
            "FAIL/PASS",
            "FAIL/PASS",
            "FAIL/FAIL",
            "FAIL/FAIL"
        ]
    );
    // One change, with the third failing run after the grace; none during it.
    let heard = settled(&heard, 1);
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert!(
        heard[0].starts_with("group \"ready\" changed from PASS to FAIL (run "),
        "{heard:?}"
    );
    assert!(heard[0].ends_with("): tracking::switch"), "{heard:?}");
}

#[test]
fn a_pass_ends_the_grace_and_later_failures_are_damped_as_usual() {
    let off = Arc::new(AtomicBool::new(true));
    let (endpoint, heard) = graced(&off, Duration::from_secs(3600));
    assert_eq!(get(&endpoint, "/ready/").0, 503);
    // A narrowed pass does not end the grace; the group's own does.
    off.store(false, Ordering::SeqCst);
    assert_eq!(get(&endpoint, "/ready/?tag=nope&exclude=x").0, 200);
    off.store(true, Ordering::SeqCst);
    let (status, body) = get(&endpoint, "/ready/?exclude=x");
    assert_eq!(status, 503);
    assert!(body.starts_with("starting: "), "{body}");
    off.store(false, Ordering::SeqCst);
    assert_eq!(get(&endpoint, "/ready/").0, 200);
    off.store(true, Ordering::SeqCst);
    let codes: Vec<u16> = (0..4).map(|_| get(&endpoint, "/ready/").0).collect();
    assert_eq!(codes, [200, 200, 503, 503]);
    assert_eq!(
        ready_history(&endpoint),
        [
            "FAIL/FAIL",
            "PASS/PASS",
            "FAIL/PASS",
            "FAIL/PASS",
            "FAIL/FAIL",
            "FAIL/FAIL"
        ]
    );
    assert_eq!(settled(&heard, 1).len(), 1);
}

#[test]
fn without_thresholds_the_first_failure_after_the_start_answers_the_failure_status() {
    let off = Arc::new(AtomicBool::new(true));
    let endpoint = switched(&off).group("ready", Group::new());
    let (status, body) = get(&endpoint, "/ready/");
    assert_eq!(status, 503);
    assert!(
        body.starts_with("FAIL\n") && !body.contains("warning"),
        "{body}"
    );
    let (status, body) = get(&endpoint, "/");
    assert_eq!(status, 500);
    assert!(
        body.starts_with("FAIL\n") && !body.contains("warning"),
        "{body}"
    );
}
