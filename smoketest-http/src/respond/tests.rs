//! The answers of the endpoint that no framework changes, and what it keeps, counted: the number
//! of selections it holds state for, the runs of a group in its startup grace.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures_executor::block_on;
use smoketest::Runner;

use super::*;
use crate::coalesce::MAX_CLIENT_SELECTIONS;
use crate::finished::Finished;
use crate::group::Group;

#[test]
fn too_many_requests_says_when_to_come_back() {
    let response = too_many_requests(RetryAfter {
        wait: Duration::from_millis(59_500),
        interval: Duration::from_secs(60),
    });
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()[RETRY_AFTER], "60");
    assert_eq!(
        response.body(),
        "too many requests: the slow tier runs at most once every 60s; retry after 60 s\n"
    );
}

fn get(endpoint: &SmokeEndpoint, uri: &str) -> Response<String> {
    let request = Request::get(uri).body(()).expect("a valid URI");
    block_on(endpoint.handle(&request))
}

#[smoketest::smoke_test]
fn respond_bounded_probe() {}

#[test]
fn ten_thousand_distinct_excludes_keep_a_bounded_number_of_selections() {
    let endpoint = SmokeEndpoint::new(Runner::new().filter("respond_bounded_probe"));
    assert_eq!(get(&endpoint, "/").status(), StatusCode::OK);
    for i in 0..10_000 {
        let response = get(
            &endpoint,
            &format!("/?exclude=no-such-test-{i}&format=json"),
        );
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.body().contains(r#""tests_run":1,"#), "{i}");
    }
    // The configured route, and the most recent client selections.
    assert_eq!(endpoint.runs.kept_selections(), 1 + MAX_CLIENT_SELECTIONS);
    let latest = get(&endpoint, "/?exclude=no-such-test-9999&verbose");
    assert!(latest.body().ends_with("fast check passed\n"));
    assert_eq!(endpoint.runs.kept_selections(), 1 + MAX_CLIENT_SELECTIONS);
}

static GRACE_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Fails on its first, third and fifth run.
#[smoketest::smoke_test(tags = ["respond-grace"])]
fn respond_grace_probe() -> smoketest::Result {
    let run = GRACE_RUNS.fetch_add(1, Ordering::SeqCst);
    smoketest::ensure!(run % 2 == 1, "run {run} fails");
    Ok(())
}

#[test]
fn only_a_pass_of_the_whole_group_ends_its_startup_grace() {
    let grace = Group::new()
        .tags(["respond-grace"])
        .startup_grace(Duration::from_secs(3600));
    let endpoint =
        SmokeEndpoint::new(Runner::new().filter("respond_grace_probe")).group("ready", grace);
    let starting = "starting: probe group \"ready\" has not passed yet (startup grace: 3600s)\n";
    let answer = |uri: &str| {
        let response = get(&endpoint, uri);
        (response.status().as_u16(), response.into_body())
    };
    // Run 0 fails: starting.
    assert_eq!(answer("/ready/"), (503, starting.to_owned()));
    // Run 1 passes, but with `?exclude=`: the grace goes on.
    let (status, body) = answer("/ready/?exclude=other");
    assert_eq!(status, 200);
    assert!(body.starts_with("PASS\n"), "{body}");
    // Run 2 fails: still starting.
    assert_eq!(answer("/ready?verbose"), (503, starting.to_owned()));
    // Run 3 passes: the grace is over, so run 4's failure is reported as such.
    assert_eq!(answer("/ready/").0, 200);
    let (status, body) = answer("/ready/");
    assert_eq!(status, 503);
    assert!(body.starts_with("FAIL\n"), "{body}");
    assert_eq!(GRACE_RUNS.load(Ordering::SeqCst), 5);
}

/// A stored report, as a run of a `warn_only` test that failed leaves it: `PASS`, one test
/// warned.
fn warned() -> Served {
    let report = serde_json::json!({
        "status": "PASS", "test_classes": 1, "tests_run": 1, "tests_passed": 0,
        "tests_failed": 0, "tests_errored": 0, "tests_warned": 1,
        "failed_tests": [], "errored_tests": [], "warned_tests": ["app::smoke::flaky"],
        "time": 2.5, "started": "2024-05-01T12:00:00.000Z", "tier": "fast",
        "panics_caught": true,
        "tests": [{
            "name": "app::smoke::flaky", "suite": "app::smoke", "outcome": "warned",
            "time": 2.5, "message": "cold cache", "location": null, "slow": false,
            "rolled_back": false
        }]
    });
    Served {
        finished: Arc::new(Finished::new(
            serde_json::from_value(report).unwrap(),
            Arc::new(smoketest::render::Probe::new("fast")),
        )),
        age: None,
    }
}

#[test]
fn a_warned_run_is_health_warn_with_200_whatever_the_failure_status() {
    let endpoint = SmokeEndpoint::new(smoketest::Runner::new());
    let response = endpoint.report_response(
        &Method::GET,
        Format::Health,
        Grant::Full,
        StatusCode::SERVICE_UNAVAILABLE,
        &warned(),
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/health+json");
    assert_eq!(
        response.body(),
        concat!(
            r#"{"status":"warn","output":"1 test run: 1 warned","checks":{"#,
            r#""app.smoke.flaky:responseTime":[{"componentId":"app::smoke::flaky","#,
            r#""componentType":"component","observedValue":2.5,"observedUnit":"ms","#,
            r#""status":"warn","time":"2024-05-01T12:00:00.000Z","output":"cold cache"}]}}"#
        )
    );
}

#[test]
fn errors_quoting_the_request_forbid_sniffing() {
    let endpoint = SmokeEndpoint::new(smoketest::Runner::new());
    let headers = HeaderMap::new();
    for (method, path, query, status, body) in [
        (Method::GET, "/<b>", None, 404, "not found: \"/<b>\"\n"),
        (
            Method::GET,
            "/",
            Some("%3Cscript%3E=1"),
            400,
            "unknown query parameter \"<script>\"; use format=text|json|prometheus|html|junit|nagios|health|kubernetes, verbose, tag=NAME or exclude=NAME\n",
        ),
        (
            Method::POST,
            "/",
            None,
            405,
            "method \"POST\" not allowed; use GET or HEAD\n",
        ),
    ] {
        let response = futures_executor::block_on(endpoint.respond(&method, path, query, &headers));
        assert_eq!(response.status(), status, "{method} {path}");
        assert_eq!(response.body(), body);
        assert_eq!(
            response.headers()[CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        assert_eq!(response.headers()[X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}

#[smoketest::smoke_test(tags = ["respond-minimum"])]
fn respond_minimum_probe() {}

#[test]
fn the_runners_minimum_holds_for_tiers_and_narrower_selections_need_one_test() {
    let runner = Runner::new().filter("respond_minimum_probe").min_tests(3);
    let endpoint = SmokeEndpoint::new(runner)
        .group("probe", Group::new().tags(["respond-minimum"]))
        .group("empty", Group::new().tags(["no-test-has-this-tag"]));
    let first_line = |uri: &str| {
        let response = get(&endpoint, uri);
        let first = response
            .body()
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        (response.status().as_u16(), first)
    };
    // One test selected, three required: the tier fails as the runner says.
    assert_eq!(first_line("/"), (500, "FAIL".to_owned()));
    assert_eq!(first_line("/probe/"), (200, "PASS".to_owned()));
    assert_eq!(
        first_line("/test/smoketest_http::respond::tests::respond_minimum_probe"),
        (200, "PASS".to_owned())
    );
    assert_eq!(
        first_line("/?tag=respond-minimum"),
        (200, "PASS".to_owned())
    );
    // A group that selects nothing is not a silent pass.
    let empty = get(&endpoint, "/empty/");
    assert_eq!(empty.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        empty
            .body()
            .contains("\nnote: 0 tests selected, fewer than the 1 required"),
        "{}",
        empty.body()
    );
}
