//! `?format=prometheus` and its `Accept` type: every exposition validated by `promtool check
//! metrics` and read back (`prometheus/exposition.rs`), every sample checked, for passing,
//! failing, warned and retried runs, odd test names, no tests and huge messages.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use http::{Request, Response};
use smoketest::{Error, Result, Runner};
use smoketest_http::SmokeEndpoint;

#[path = "prometheus/exposition.rs"]
mod exposition;

use exposition::{Family, parse, promtool_check};

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[smoketest::smoke_test]
fn prometheus_passing_one() {}

#[smoketest::smoke_test]
fn prometheus_passing_two() {
    std::thread::sleep(Duration::from_millis(5));
}

#[smoketest::smoke_test]
fn prometheus_failing() {
    smoketest::assert_equal!(1 + 1, 3, "arithmetic is \"broken\"");
}

#[smoketest::smoke_test]
fn prometheus_erroring() -> Result {
    Err(Error::msg("upstream said\n<html>503</html>"))
}

#[smoketest::smoke_test(slow)]
fn prometheus_slow_passing() {}

const PASSING: [&str; 2] = [
    "prometheus::prometheus_passing_one",
    "prometheus::prometheus_passing_two",
];

fn endpoint(tests: &[&str]) -> SmokeEndpoint {
    let runner = tests
        .iter()
        .fold(Runner::new(), |runner, test| runner.filter(*test));
    SmokeEndpoint::new(runner)
}

fn passing() -> SmokeEndpoint {
    endpoint(&PASSING)
}

fn failing() -> SmokeEndpoint {
    endpoint(&[
        "prometheus::prometheus_passing_one",
        "prometheus::prometheus_failing",
        "prometheus::prometheus_erroring",
    ])
}

async fn get(endpoint: &SmokeEndpoint, uri: &str, accept: Option<&str>) -> Response<String> {
    let mut request = Request::get(uri);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    endpoint.handle(&request.body(()).unwrap()).await
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn value(families: &BTreeMap<String, Family>, name: &str, pairs: &[(&str, &str)]) -> f64 {
    let family = families
        .get(name)
        .unwrap_or_else(|| panic!("no family {name}"));
    *family
        .samples
        .get(&labels(pairs))
        .unwrap_or_else(|| panic!("no {name}{pairs:?} in {:?}", family.samples))
}

const FAMILIES: [&str; 8] = [
    "smoketest_run_passed",
    "smoketest_run_duration_seconds",
    "smoketest_abandoned_threads",
    "smoketest_tests",
    "smoketest_test_passed",
    "smoketest_test_outcome",
    "smoketest_test_duration_seconds",
    "smoketest_test_attempts",
];

/// Checks every per-test sample of `tests` (name, outcome) in the `tier`, and that there are no
/// others.
fn assert_tests(families: &BTreeMap<String, Family>, tier: &str, tests: &[(&str, &str)]) {
    for (name, outcome) in tests {
        let test = [("tier", tier), ("suite", "prometheus"), ("test", name)];
        let passed = f64::from(u8::from(*outcome == "passed"));
        assert_eq!(
            value(families, "smoketest_test_passed", &test),
            passed,
            "{name}"
        );
        for state in ["passed", "failed", "errored", "warned"] {
            let mut with_outcome = test.to_vec();
            with_outcome.push(("outcome", state));
            let had = f64::from(u8::from(state == *outcome));
            assert_eq!(
                value(families, "smoketest_test_outcome", &with_outcome),
                had,
                "{name} {state}"
            );
        }
        let seconds = value(families, "smoketest_test_duration_seconds", &test);
        assert!((0.0..10.0).contains(&seconds), "{name}: {seconds}");
        // No test here retries.
        assert_eq!(value(families, "smoketest_test_attempts", &test), 1.0);
    }
    assert_eq!(families["smoketest_test_passed"].samples.len(), tests.len());
    assert_eq!(
        families["smoketest_test_outcome"].samples.len(),
        4 * tests.len()
    );
    for family in ["smoketest_test_duration_seconds", "smoketest_test_attempts"] {
        assert_eq!(families[family].samples.len(), tests.len(), "{family}");
    }
}

#[tokio::test]
async fn a_passing_run_exposes_every_sample() {
    let response = get(&passing(), "/?format=prometheus", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], CONTENT_TYPE);
    let families = parse(response.body());
    assert_eq!(
        families.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        FAMILIES.into_iter().collect()
    );
    let fast = [("tier", "fast")];
    assert_eq!(value(&families, "smoketest_run_passed", &fast), 1.0);
    for (outcome, count) in [
        ("passed", 2.0),
        ("failed", 0.0),
        ("errored", 0.0),
        ("warned", 0.0),
    ] {
        let pairs = [("tier", "fast"), ("outcome", outcome)];
        assert_eq!(
            value(&families, "smoketest_tests", &pairs),
            count,
            "{outcome}"
        );
    }
    assert_eq!(value(&families, "smoketest_abandoned_threads", &fast), 0.0);
    let run = value(&families, "smoketest_run_duration_seconds", &fast);
    assert!((0.005..10.0).contains(&run), "{run}");
    let slower = value(
        &families,
        "smoketest_test_duration_seconds",
        &[
            ("tier", "fast"),
            ("suite", "prometheus"),
            ("test", "prometheus::prometheus_passing_two"),
        ],
    );
    assert!(slower >= 0.005, "{slower}");
    assert_tests(
        &families,
        "fast",
        &[(PASSING[0], "passed"), (PASSING[1], "passed")],
    );
    assert!(
        families["smoketest_test_passed"]
            .help
            .starts_with("Whether the test passed (1)"),
        "{:?}",
        families["smoketest_test_passed"].help
    );
}

#[tokio::test]
async fn a_failing_run_is_data_answered_with_200() {
    let response = get(&failing(), "/?format=prometheus", None).await;
    assert_eq!(
        response.status(),
        200,
        "a scrape of a FAIL run still succeeds"
    );
    assert_eq!(response.headers()["content-type"], CONTENT_TYPE);
    let families = parse(response.body());
    assert_eq!(
        value(&families, "smoketest_run_passed", &[("tier", "fast")]),
        0.0
    );
    for (outcome, count) in [
        ("passed", 1.0),
        ("failed", 1.0),
        ("errored", 1.0),
        ("warned", 0.0),
    ] {
        let pairs = [("tier", "fast"), ("outcome", outcome)];
        assert_eq!(
            value(&families, "smoketest_tests", &pairs),
            count,
            "{outcome}"
        );
    }
    assert_tests(
        &families,
        "fast",
        &[
            ("prometheus::prometheus_erroring", "errored"),
            ("prometheus::prometheus_failing", "failed"),
            ("prometheus::prometheus_passing_one", "passed"),
        ],
    );
    // Messages are not labels: they would make a new series of every distinct failure.
    assert!(!response.body().contains("broken"), "{}", response.body());
    assert!(!response.body().contains("upstream"), "{}", response.body());

    // The other formats keep the report's status.
    let text = get(&failing(), "/", None).await;
    assert_eq!(text.status(), 500);
}

#[tokio::test]
async fn the_slow_tier_is_labelled_slow() {
    let endpoint = endpoint(&[PASSING[0], "prometheus::prometheus_slow_passing"]);
    let response = get(&endpoint, "/slow/?format=prometheus", None).await;
    let families = parse(response.body());
    assert_eq!(
        value(&families, "smoketest_run_passed", &[("tier", "slow")]),
        1.0
    );
    assert_tests(
        &families,
        "slow",
        &[
            (PASSING[0], "passed"),
            ("prometheus::prometheus_slow_passing", "passed"),
        ],
    );
}

#[tokio::test]
async fn accept_selects_prometheus_only_with_its_version_or_openmetrics() {
    let endpoint = passing();
    for accept in [
        "text/plain;version=0.0.4",
        // Prometheus 2.x's scrape header, then 3.x's.
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;\
         q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,\
         application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;\
         escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
        "application/openmetrics-text",
    ] {
        let response = get(&endpoint, "/", Some(accept)).await;
        assert_eq!(response.headers()["content-type"], CONTENT_TYPE, "{accept}");
        parse(response.body());
    }
    for accept in ["text/plain", "*/*", "text/plain; charset=utf-8", "text/*"] {
        let response = get(&endpoint, "/", Some(accept)).await;
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; charset=utf-8",
            "{accept}"
        );
        assert!(response.body().starts_with("PASS\n"), "{accept}");
    }
    // `?format=` wins over Accept, both ways.
    let response = get(&endpoint, "/?format=text", Some("text/plain;version=0.0.4")).await;
    assert!(response.body().starts_with("PASS\n"));
    let response = get(&endpoint, "/?format=prometheus", Some("application/json")).await;
    assert_eq!(response.headers()["content-type"], CONTENT_TYPE);
}

#[tokio::test]
async fn a_stored_report_says_how_old_it_is() {
    let endpoint = passing().cache_for(Duration::from_secs(60));
    let first = get(&endpoint, "/?format=prometheus", None).await;
    let second = get(&endpoint, "/?format=prometheus", None).await;
    for response in [&first, &second] {
        let families = parse(response.body());
        let age = value(
            &families,
            "smoketest_report_age_seconds",
            &[("tier", "fast")],
        );
        let header: f64 = response.headers()["age"].to_str().unwrap().parse().unwrap();
        assert_eq!(age, header);
    }
    // Without a cache or schedule every report is fresh: no age.
    let fresh = get(&passing(), "/?format=prometheus", None).await;
    assert!(!parse(fresh.body()).contains_key("smoketest_report_age_seconds"));
}

#[tokio::test]
async fn head_has_the_length_and_no_body() {
    let request = Request::head("/?format=prometheus").body(()).unwrap();
    let response = failing().handle(&request).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "");
    assert_ne!(response.headers()["content-length"], "0");
}

/// Through a real server and client, as a scraper sees it.
#[cfg(feature = "axum-08")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_through_axum_reads_the_failing_run() {
    let app =
        axum::Router::new().nest_service("/smoketest", smoketest_http::axum::service(failing()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let response = reqwest::Client::new()
        .get(format!("http://{address}/smoketest/"))
        .header(
            "accept",
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
             version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], CONTENT_TYPE);
    let families = parse(&response.text().await.unwrap());
    assert_eq!(
        value(&families, "smoketest_run_passed", &[("tier", "fast")]),
        0.0
    );
    assert_eq!(families["smoketest_test_passed"].samples.len(), 3);
}

/// The run-level families, which every exposition has.
const RUN_FAMILIES: [&str; 4] = [
    "smoketest_run_passed",
    "smoketest_run_duration_seconds",
    "smoketest_abandoned_threads",
    "smoketest_tests",
];

/// Names a scraper must read back exactly: quotes, backslashes, braces and commas that look like
/// the format's own syntax, non-ASCII letters and symbols, a line break (which makes the check
/// errored, under its name all the same) and a name over the 512-byte limit (errored too, its
/// name cut).
fn odd_names() -> Vec<String> {
    vec![
        "odd::a \"quoted\" name".to_owned(),
        "odd::back\\slash\\".to_owned(),
        "odd::braces {x=\"1\",y} and, commas".to_owned(),
        "odd::unicode café ☃ 日本 ✓".to_owned(),
        "odd::new\nline".to_owned(),
        format!("odd::{}", "long".repeat(130)),
    ]
}

#[tokio::test]
async fn odd_names_are_escaped_so_that_promtool_reads_them_back() {
    let names = odd_names();
    let runner = names
        .iter()
        .fold(Runner::new().filter("odd::"), |runner, name| {
            runner.check(name.clone(), || {})
        });
    let response = get(&SmokeEndpoint::new(runner), "/?format=prometheus", None).await;
    assert_eq!(response.status(), 200);
    let families = parse(response.body());
    let outcomes: BTreeMap<String, f64> = families["smoketest_test_passed"]
        .samples
        .iter()
        .map(|(labels, value)| {
            assert_eq!(labels["suite"], "odd", "{labels:?}");
            (labels["test"].clone(), *value)
        })
        .collect();
    // The two names a check may not have make their checks errored, not missing; the one too
    // long is shown cut, one byte past the limit.
    let expected: BTreeMap<String, f64> = names
        .iter()
        .map(|name| {
            let allowed = !name.contains('\n') && name.len() <= 512;
            let shown = &name[..name.len().min(513)];
            (shown.to_owned(), f64::from(u8::from(allowed)))
        })
        .collect();
    assert_eq!(outcomes, expected);
    assert!(
        response.body().contains("test=\"odd::new\\nline\""),
        "{}",
        response.body()
    );
    assert!(
        response
            .body()
            .contains("test=\"odd::braces {x=\\\"1\\\",y} and, commas\""),
        "{}",
        response.body()
    );
}

#[tokio::test]
async fn a_run_of_no_tests_has_the_run_families_only() {
    let runner = Runner::new().filter("no test has this name");
    let response = get(&SmokeEndpoint::new(runner), "/?format=prometheus", None).await;
    assert_eq!(response.status(), 200);
    let families = parse(response.body());
    assert_eq!(
        families.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        RUN_FAMILIES.into_iter().collect()
    );
    let fast = [("tier", "fast")];
    assert_eq!(value(&families, "smoketest_run_passed", &fast), 1.0);
    for outcome in ["passed", "failed", "errored", "warned"] {
        let pairs = [("tier", "fast"), ("outcome", outcome)];
        assert_eq!(
            value(&families, "smoketest_tests", &pairs),
            0.0,
            "{outcome}"
        );
    }
}

fn panics_with_a_huge_message() {
    panic!("{}", "y".repeat(4 << 20));
}

#[tokio::test]
async fn huge_messages_stay_out_of_the_exposition() {
    let huge = "x".repeat(4 << 20);
    let runner = Runner::new()
        .filter("huge::")
        .check("huge::errs", move || Err::<(), _>(huge.clone()))
        .check("huge::panics", panics_with_a_huge_message);
    let response = get(&SmokeEndpoint::new(runner), "/?format=prometheus", None).await;
    assert_eq!(response.status(), 200);
    let body = response.body();
    // Counted, not timed: the two tests' samples, whatever their messages weigh.
    assert!(body.len() < 6 * 1024, "{} bytes:\n{body}", body.len());
    assert!(!body.contains("xxxx") && !body.contains("yyyy"), "{body}");
    let families = parse(body);
    assert_eq!(
        value(&families, "smoketest_run_passed", &[("tier", "fast")]),
        0.0
    );
    for (test, outcome) in [("huge::errs", "errored"), ("huge::panics", "errored")] {
        let pairs = [
            ("tier", "fast"),
            ("suite", "huge"),
            ("test", test),
            ("outcome", outcome),
        ];
        assert_eq!(value(&families, "smoketest_test_outcome", &pairs), 1.0);
    }
}

#[tokio::test]
async fn a_warned_test_and_a_retried_one_read_back_through_promtool() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let attempts = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&attempts);
    let runner = Runner::new()
        .filter("app::a::")
        .check(
            "app::a::cache_warm",
            smoketest::Check::new(|| Err::<(), _>("cold"))
                .warn_only()
                .owner("team-cache"),
        )
        .check(
            "app::a::flaky",
            smoketest::Check::new(move || {
                // Fails twice, then passes: three attempts.
                if counted.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err("not yet")
                } else {
                    Ok(())
                }
            })
            .retries(3),
        );
    let response = get(&SmokeEndpoint::new(runner), "/?format=prometheus", None).await;
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    let families = parse(response.body());
    assert_eq!(
        families.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        FAMILIES.into_iter().collect()
    );
    let fast = [("tier", "fast")];
    assert_eq!(value(&families, "smoketest_run_passed", &fast), 1.0);
    let warned = [("tier", "fast"), ("outcome", "warned")];
    assert_eq!(value(&families, "smoketest_tests", &warned), 1.0);
    let cache = [
        ("tier", "fast"),
        ("suite", "app::a"),
        ("test", "app::a::cache_warm"),
    ];
    let flaky = [
        ("tier", "fast"),
        ("suite", "app::a"),
        ("test", "app::a::flaky"),
    ];
    assert_eq!(value(&families, "smoketest_test_passed", &cache), 0.0);
    for (state, had) in [
        ("passed", 0.0),
        ("failed", 0.0),
        ("errored", 0.0),
        ("warned", 1.0),
    ] {
        let mut with_outcome = cache.to_vec();
        with_outcome.push(("outcome", state));
        assert_eq!(
            value(&families, "smoketest_test_outcome", &with_outcome),
            had,
            "{state}"
        );
    }
    assert_eq!(value(&families, "smoketest_test_attempts", &cache), 1.0);
    assert_eq!(value(&families, "smoketest_test_attempts", &flaky), 3.0);
    assert_eq!(value(&families, "smoketest_test_passed", &flaky), 1.0);
}

#[test]
fn a_broken_exposition_is_refused() {
    // The reading itself can fail: a family without help, a bad escape, a series twice.
    for broken in [
        "# TYPE smoketest_x gauge\nsmoketest_x{tier=\"fast\"} 1\n",
        "# HELP smoketest_x a gauge with a help text\n# TYPE smoketest_x gauge\n\
         smoketest_x{tier=\"f\\ast\"} 1\n",
        "# HELP smoketest_x a gauge with a help text\n# TYPE smoketest_x gauge\n\
         smoketest_x{tier=\"fast\"} 1\nsmoketest_x{tier=\"fast\"} 2\n",
    ] {
        let result = std::panic::catch_unwind(|| parse(broken));
        assert!(result.is_err(), "accepted:\n{broken}");
    }
}

#[test]
fn promtool_lint_fails_the_check() {
    // Valid syntax that the reader takes, but promtool's linter does not: a gauge named like a
    // counter.
    let linted = "# HELP smoketest_runs_total a gauge with a help text\n\
                  # TYPE smoketest_runs_total gauge\nsmoketest_runs_total{tier=\"fast\"} 1\n";
    parse(&linted.replace("runs_total", "runs"));
    match std::panic::catch_unwind(|| promtool_check(linted)) {
        Ok(true) => panic!("promtool accepted:\n{linted}"),
        // Skipped, loudly.
        Ok(false) => {}
        Err(_) => {}
    }
}
