//! The tiers' thresholds, what is recorded (a tier's own runs, scheduled ones included; never a
//! client's narrowing) and the bounds of the configuration.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_executor::block_on;
use http::Request;
use smoketest::{Runner, Tier};

use crate::SmokeEndpoint;

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
    assert_eq!(status, 200, "{body}");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines[0], "PASS");
    assert_eq!(lines[5], "tests errored: 1");
    assert!(
        lines[8].starts_with("tracking::switch errored: off (at "),
        "{body}"
    );
    assert_eq!(
        &lines[9..],
        [
            "",
            "warning: failed run 1 of 2 in a row: reported as PASS until 2 runs in a row fail"
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
    assert_eq!(status, 500, "{body}");
    assert!(body.contains(
        r#""warnings":["passed run 1 of 2 in a row: reported as FAIL until 2 runs in a row pass"]"#
    ), "{body}");
    assert_eq!(get(&endpoint, "/").0, 200);
    assert_eq!(
        fast_history(&endpoint),
        ["FAIL/PASS", "FAIL/FAIL", "PASS/FAIL", "PASS/PASS"]
    );
    // Each tier on its own: the slow tier has its own count.
    off.store(true, Ordering::SeqCst);
    assert_eq!(get(&endpoint, "/slow/").0, 200);
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
    use crate::Group;
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
