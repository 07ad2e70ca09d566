//! Coalescing: concurrent requests for a tier share one run, the optional cache and schedule
//! serve stored reports, and a bound holds the runs in flight. Runs are counted by the smoke
//! tests themselves, which wait at gates the tests open: what is checked is counts and order,
//! never how long anything took.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::future::join_all;
use http::StatusCode;
use smoketest::{Runner, Tier};
use smoketest_http::SmokeEndpoint;

use support::{Probe, counting_first_poll, get, header, until};

fn endpoint(test: &str) -> SmokeEndpoint {
    SmokeEndpoint::new(Runner::new().filter(test))
}

fn json(response: &http::Response<String>) -> serde_json::Value {
    serde_json::from_str(response.body()).expect("a JSON report")
}

static SHARED: Probe = Probe::gated();

#[smoketest::smoke_test]
async fn shared_run_probe() {
    SHARED.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_requests_cause_exactly_one_run() {
    static POLLED: AtomicUsize = AtomicUsize::new(0);
    let endpoint = endpoint("shared_run_probe");
    // Each request on its own task and its own clone of the endpoint, as a server has them.
    let requests: Vec<_> = (0..50)
        .map(|i| {
            let endpoint = endpoint.clone();
            let accept = (i % 2 == 1).then_some("application/json");
            tokio::spawn(async move {
                counting_first_poll(get(&endpoint, "/", None, accept), &POLLED).await
            })
        })
        .collect();
    until("all 50 requests joined the run", || {
        POLLED.load(Ordering::SeqCst) == 50
    })
    .await;
    until("the run started", || SHARED.runs() == 1).await;
    SHARED.open(1);

    let mut responses = Vec::new();
    for request in requests {
        responses.push(request.await.expect("the request completes"));
    }
    assert_eq!(SHARED.runs(), 1);
    assert_eq!(SHARED.finished(), 1);
    let (as_json, text): (Vec<_>, Vec<_>) = responses
        .iter()
        .partition(|response| header(response, "content-type") == Some("application/json"));
    assert_eq!((as_json.len(), text.len()), (25, 25));
    for response in &responses {
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(response, "cache-control"), Some("no-store"));
        assert_eq!(header(response, "age"), None);
    }
    // One run: every text body is the same, time line included, and so is every JSON body.
    assert!(
        text.iter()
            .all(|response| response.body() == text[0].body())
    );
    assert!(
        as_json
            .iter()
            .all(|response| response.body() == as_json[0].body())
    );
    assert!(
        text[0]
            .body()
            .starts_with("PASS\ntest classes: 1\ntests run: 1\n")
    );
    assert_eq!(json(as_json[0])["tests_run"], 1);
}

static AGAIN: Probe = Probe::open_gate();

#[smoketest::smoke_test]
async fn rerun_probe() {
    AGAIN.run().await;
}

#[tokio::test]
async fn a_request_after_a_run_finished_starts_a_new_run() {
    let endpoint = endpoint("rerun_probe");
    let first = get(&endpoint, "/", None, None).await;
    assert_eq!(AGAIN.runs(), 1);
    let second = get(&endpoint, "/", Some("format=json"), None).await;
    assert_eq!(AGAIN.runs(), 2);

    // Without cache or schedule, a request is answered as it always was.
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(header(&first, "cache-control"), Some("no-store"));
    assert_eq!(header(&first, "age"), None);
    assert_eq!(header(&second, "age"), None);
    assert_eq!(json(&second).get("age"), None);
}

static LEFT: Probe = Probe::gated();

#[smoketest::smoke_test]
async fn abandoned_run_probe() {
    LEFT.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_every_request_left_goes_on_and_the_next_request_joins_it() {
    static POLLED: AtomicUsize = AtomicUsize::new(0);
    // One run at a time: the run keeps its place until it ends.
    let endpoint = endpoint("abandoned_run_probe").max_runs(1);
    let abandoned = tokio::spawn({
        let endpoint = endpoint.clone();
        async move { get(&endpoint, "/", None, None).await }
    });
    until("the run started", || LEFT.runs() == 1).await;
    abandoned.abort();
    assert!(abandoned.await.unwrap_err().is_cancelled());

    let next =
        tokio::spawn(
            async move { counting_first_poll(get(&endpoint, "/", None, None), &POLLED).await },
        );
    until("the next request arrived", || {
        POLLED.load(Ordering::SeqCst) == 1
    })
    .await;
    assert_eq!(LEFT.runs(), 1, "it joined the run in flight");
    LEFT.open(1);
    let response = next.await.expect("the request completes");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .body()
            .starts_with("PASS\ntest classes: 1\ntests run: 1\n")
    );
    assert_eq!((LEFT.runs(), LEFT.finished(), LEFT.cancelled()), (1, 1, 0));
}

static UNWATCHED: Probe = Probe::gated();

#[smoketest::smoke_test]
async fn unwatched_run_probe() {
    UNWATCHED.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_nobody_waits_for_any_more_still_stores_its_report() {
    let endpoint = endpoint("unwatched_run_probe").cache_for(Duration::from_secs(3600));
    let abandoned = tokio::spawn({
        let endpoint = endpoint.clone();
        async move { get(&endpoint, "/", None, None).await }
    });
    until("the run started", || UNWATCHED.runs() == 1).await;
    abandoned.abort();
    assert!(abandoned.await.unwrap_err().is_cancelled());
    UNWATCHED.open(1);
    until("the run finished", || UNWATCHED.finished() == 1).await;

    // Its report, stored (or, were it being stored right now, the run it joins).
    let response = get(&endpoint, "/", None, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "age").is_some());
    assert!(
        response
            .body()
            .starts_with("PASS\ntest classes: 1\ntests run: 1\n")
    );
    assert_eq!(
        (
            UNWATCHED.runs(),
            UNWATCHED.finished(),
            UNWATCHED.cancelled()
        ),
        (1, 1, 0)
    );
}

static OWN: Probe = Probe::gated();

#[smoketest::smoke_test]
async fn own_run_probe() {
    OWN.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_single_flight_each_request_runs_within_the_bound() {
    static POLLED: AtomicUsize = AtomicUsize::new(0);
    let endpoint = endpoint("own_run_probe").single_flight(false).max_runs(3);
    let requests: Vec<_> = (0..5)
        .map(|_| {
            let endpoint = endpoint.clone();
            tokio::spawn(async move {
                counting_first_poll(get(&endpoint, "/", None, None), &POLLED).await
            })
        })
        .collect();
    until("all 5 requests arrived", || {
        POLLED.load(Ordering::SeqCst) == 5
    })
    .await;
    until("3 runs started", || OWN.runs() == 3).await;
    // The gate is shut, so no run ends and no fourth can start.
    assert_eq!(OWN.runs(), 3);
    OWN.open(5);
    for request in requests {
        let response = request.await.expect("the request completes");
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!((OWN.runs(), OWN.finished(), OWN.peak()), (5, 5, 3));
}

static SERIAL_FAST: Probe = Probe::gated();
static SERIAL_SLOW: Probe = Probe::open_gate();

#[smoketest::smoke_test]
async fn serial_tiers_fast() {
    SERIAL_FAST.run().await;
}

#[smoketest::smoke_test(slow)]
async fn serial_tiers_slow() {
    SERIAL_SLOW.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_max_runs_1_the_tiers_run_one_after_the_other() {
    static POLLED: AtomicUsize = AtomicUsize::new(0);
    let endpoint = endpoint("serial_tiers_").max_runs(1);
    let fast = tokio::spawn({
        let endpoint = endpoint.clone();
        async move { get(&endpoint, "/", None, None).await }
    });
    until("the fast run started", || SERIAL_FAST.runs() == 1).await;
    let slow = tokio::spawn(async move {
        counting_first_poll(get(&endpoint, "/slow/", None, None), &POLLED).await
    });
    until("the slow request arrived", || {
        POLLED.load(Ordering::SeqCst) == 1
    })
    .await;
    // The fast run holds the only place: the slow run has not started.
    assert_eq!((SERIAL_FAST.runs(), SERIAL_SLOW.runs()), (1, 0));

    SERIAL_FAST.open(2); // one for each tier's run of it
    assert_eq!(fast.await.unwrap().status(), StatusCode::OK);
    assert_eq!(slow.await.unwrap().status(), StatusCode::OK);
    assert_eq!((SERIAL_FAST.runs(), SERIAL_SLOW.runs()), (2, 1));
    assert_eq!(SERIAL_FAST.peak(), 1);
}

static PARALLEL_FAST: Probe = Probe::gated();
static PARALLEL_SLOW: Probe = Probe::open_gate();

#[smoketest::smoke_test]
async fn parallel_tiers_fast() {
    PARALLEL_FAST.run().await;
}

#[smoketest::smoke_test(slow)]
async fn parallel_tiers_slow() {
    PARALLEL_SLOW.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn by_default_the_fast_and_the_slow_tier_run_together() {
    let endpoint = endpoint("parallel_tiers_");
    let fast = tokio::spawn({
        let endpoint = endpoint.clone();
        async move { get(&endpoint, "/", None, None).await }
    });
    until("the fast run started", || PARALLEL_FAST.runs() == 1).await;
    let slow = tokio::spawn(async move { get(&endpoint, "/slow/", None, None).await });
    until("the slow run started alongside", || {
        PARALLEL_FAST.runs() == 2
    })
    .await;
    PARALLEL_FAST.open(2);
    assert_eq!(fast.await.unwrap().status(), StatusCode::OK);
    assert_eq!(slow.await.unwrap().status(), StatusCode::OK);
    assert_eq!(PARALLEL_FAST.peak(), 2);
}

static CACHED: Probe = Probe::open_gate();

#[smoketest::smoke_test]
async fn cached_report_probe() {
    CACHED.run().await;
}

#[tokio::test]
async fn the_cache_serves_a_report_younger_than_its_ttl() {
    let endpoint = endpoint("cached_report_probe").cache_for(Duration::from_secs(3600));
    let fresh = get(&endpoint, "/", None, None).await;
    assert_eq!(CACHED.runs(), 1);
    assert_eq!(fresh.status(), StatusCode::OK);
    assert_eq!(header(&fresh, "cache-control"), Some("max-age=3600"));
    assert_eq!(header(&fresh, "age"), Some("0"));

    let again = get(&endpoint, "/", None, None).await;
    let as_json = get(&endpoint, "/", None, Some("application/json")).await;
    assert_eq!(CACHED.runs(), 1);
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.body(), fresh.body(), "the same report, time included");
    assert_eq!(header(&again, "cache-control"), Some("max-age=3600"));
    let age: u64 = header(&as_json, "age").unwrap().parse().unwrap();
    assert_eq!(json(&as_json)["age"], age);
    assert_eq!(json(&as_json)["tests_run"], 1);

    // Answers that are no report keep `cache_control`'s value.
    let missing = get(&endpoint, "/elsewhere", None, None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, "cache-control"), Some("no-store"));
    assert_eq!(header(&missing, "age"), None);
}

static CACHED_FAILURE: Probe = Probe::open_gate();

#[smoketest::smoke_test]
async fn cached_failure_probe() {
    CACHED_FAILURE.run().await;
    panic!("the database is down");
}

#[tokio::test]
async fn a_cached_failure_keeps_its_status() {
    let endpoint = endpoint("cached_failure_probe")
        .fail_status(StatusCode::SERVICE_UNAVAILABLE)
        .cache_for(Duration::from_secs(60));
    let fresh = get(&endpoint, "/", None, None).await;
    let again = get(&endpoint, "/", None, None).await;
    assert_eq!(CACHED_FAILURE.runs(), 1);
    assert_eq!(fresh.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(again.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(again.body(), fresh.body());
    assert!(again.body().starts_with("FAIL\n"));
}

static EXPIRED: Probe = Probe::open_gate();

#[smoketest::smoke_test]
async fn expired_report_probe() {
    EXPIRED.run().await;
}

#[tokio::test]
async fn after_the_ttl_a_request_runs_the_tests_again() {
    let ttl = Duration::from_millis(200);
    let endpoint = endpoint("expired_report_probe").cache_for(ttl);
    let fresh = get(&endpoint, "/", None, None).await;
    assert_eq!(EXPIRED.runs(), 1);
    // A TTL under a second is `max-age=0`: HTTP counts whole seconds.
    assert_eq!(header(&fresh, "cache-control"), Some("max-age=0"));
    tokio::time::sleep(ttl).await; // the report is now at least `ttl` old
    let rerun = get(&endpoint, "/", None, None).await;
    assert_eq!(EXPIRED.runs(), 2);
    assert_eq!(header(&rerun, "age"), Some("0"));
}

static SCHEDULED: Probe = Probe::open_gate();

#[smoketest::smoke_test]
async fn scheduled_report_probe() {
    SCHEDULED.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_serves_its_latest_report_without_running() {
    let endpoint = endpoint("scheduled_report_probe");
    let schedule = tokio::spawn(endpoint.schedule(Tier::Fast, Duration::from_secs(3600)));
    until("the first scheduled run finished", || {
        SCHEDULED.finished() == 1
    })
    .await;

    let responses = join_all((0..50).map(|_| get(&endpoint, "/", None, None))).await;
    assert_eq!(SCHEDULED.runs(), 1, "requests ran nothing");
    for response in &responses {
        assert_eq!(response.status(), StatusCode::OK);
        assert!(header(response, "age").is_some());
        assert_eq!(header(response, "cache-control"), Some("no-store"));
    }

    tokio::time::sleep(Duration::from_secs(1)).await; // the report is now at least 1 s old
    let aged = get(&endpoint, "/", Some("format=json"), None).await;
    let age: u64 = header(&aged, "age").unwrap().parse().unwrap();
    assert!(age >= 1, "age {age}");
    assert_eq!(json(&aged)["age"], age);
    assert_eq!(SCHEDULED.runs(), 1);

    // Stopping the schedule: requests run the tests again.
    schedule.abort();
    assert!(schedule.await.unwrap_err().is_cancelled());
    let unscheduled = get(&endpoint, "/", None, None).await;
    assert_eq!(SCHEDULED.runs(), 2);
    assert_eq!(header(&unscheduled, "age"), None);
}

static FIRST: Probe = Probe::gated();

#[smoketest::smoke_test]
async fn first_scheduled_run_probe() {
    FIRST.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_wait_for_the_first_scheduled_run() {
    static POLLED: AtomicUsize = AtomicUsize::new(0);
    let endpoint = endpoint("first_scheduled_run_probe");
    let schedule = tokio::spawn(endpoint.schedule(Tier::Fast, Duration::from_secs(3600)));
    until("the first scheduled run started", || FIRST.runs() == 1).await;
    let requests: Vec<_> = (0..10)
        .map(|_| {
            let endpoint = endpoint.clone();
            tokio::spawn(async move {
                counting_first_poll(get(&endpoint, "/", None, None), &POLLED).await
            })
        })
        .collect();
    until("all 10 requests arrived", || {
        POLLED.load(Ordering::SeqCst) == 10
    })
    .await;
    FIRST.open(1);
    for request in requests {
        let response = request.await.expect("the request completes");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(header(&response, "age").is_some());
    }
    assert_eq!(FIRST.runs(), 1);
    schedule.abort();
}

static ROUNDS: Probe = Probe::gated();

/// Passes on odd runs, fails on even ones.
#[smoketest::smoke_test]
async fn schedule_rounds_probe() {
    ROUNDS.run().await;
    assert!(ROUNDS.runs() % 2 == 1, "even run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_next_scheduled_run_is_in_flight_the_latest_report_is_served() {
    let endpoint = endpoint("schedule_rounds_probe");
    // Back to back: each run starts as soon as the previous one finished.
    let schedule = tokio::spawn(endpoint.schedule(Tier::Fast, Duration::ZERO));
    ROUNDS.open(1);
    // The second run starts only once the first one's report is stored.
    until("the second scheduled run started", || ROUNDS.runs() == 2).await;
    let first = get(&endpoint, "/", None, None).await;
    assert_eq!(first.status(), StatusCode::OK, "{}", first.body());

    ROUNDS.open(1);
    until("the third scheduled run started", || ROUNDS.runs() == 3).await;
    let second = get(&endpoint, "/", None, None).await;
    assert_eq!(second.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(second.body().contains("even run"), "{}", second.body());
    assert_eq!(ROUNDS.runs(), 3, "requests ran nothing");

    // The third run, waiting at the gate, goes on when the schedule stops.
    schedule.abort();
    let _ = schedule.await;
    ROUNDS.open(1);
    until("the third run finished", || ROUNDS.finished() == 3).await;
    assert_eq!((ROUNDS.runs(), ROUNDS.cancelled()), (3, 0));
}

static SAME_SELECTION: Probe = Probe::gated();

#[smoketest::smoke_test(tags = ["ready"])]
async fn same_selection_probe() {
    SAME_SELECTION.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_for_the_same_selection_share_one_run_whatever_the_order_of_its_values() {
    static POLLED: AtomicUsize = AtomicUsize::new(0);
    let endpoint = SmokeEndpoint::new(Runner::new().filter("same_selection_probe"))
        .group("ready", smoketest_http::Group::new().tags(["ready"]));
    // The same selection written three ways, and the group, each asked for by four requests:
    // two runs, one of `?tag=ready&tag=db` and one of the group.
    let queries = [
        ("/", "tag=ready&tag=db&format=json"),
        ("/", "tag=db&tag=ready"),
        ("/", "verbose&tag=db&tag=ready"),
        ("/ready/", ""),
    ];
    let requests: Vec<_> = (0..16)
        .map(|i| {
            let endpoint = endpoint.clone();
            let (path, query) = queries[i % 4];
            tokio::spawn(async move {
                counting_first_poll(get(&endpoint, path, Some(query), None), &POLLED).await
            })
        })
        .collect();
    until("all 16 requests joined a run", || {
        POLLED.load(Ordering::SeqCst) == 16
    })
    .await;
    until("both runs started", || SAME_SELECTION.runs() == 2).await;
    SAME_SELECTION.open(2);
    for request in requests {
        let response = request.await.expect("the request completes");
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!((SAME_SELECTION.runs(), SAME_SELECTION.finished()), (2, 2));
}

static DISTINCT: Probe = Probe::gated();

#[smoketest::smoke_test]
async fn distinct_selections_probe() {
    DISTINCT.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn distinct_selections_run_apart_within_max_runs() {
    static POLLED: AtomicUsize = AtomicUsize::new(0);
    let endpoint = endpoint("distinct_selections_probe").max_runs(2);
    // Six selections no request shares (each excludes a name of its own, which matches no
    // test): six runs, at most two at once.
    let requests: Vec<_> = (0..6)
        .map(|i| {
            let endpoint = endpoint.clone();
            tokio::spawn(async move {
                let query = format!("exclude=no-such-test-{i}");
                counting_first_poll(get(&endpoint, "/", Some(&query), None), &POLLED).await
            })
        })
        .collect();
    until("all 6 requests arrived", || {
        POLLED.load(Ordering::SeqCst) == 6
    })
    .await;
    until("2 runs started", || DISTINCT.runs() == 2).await;
    // The gate is shut, so no run ends and no third can start.
    assert_eq!(DISTINCT.runs(), 2);
    DISTINCT.open(6);
    for request in requests {
        let response = request.await.expect("the request completes");
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(
        (DISTINCT.runs(), DISTINCT.finished(), DISTINCT.peak()),
        (6, 6, 2)
    );
}

static SLOW_BY_NAME: Probe = Probe::open_gate();

#[smoketest::smoke_test(slow)]
async fn slow_by_name_probe() {
    SLOW_BY_NAME.run().await;
}

#[tokio::test]
async fn a_slow_test_run_by_name_counts_against_the_slow_tier_interval() {
    let endpoint = endpoint("slow_by_name_probe").slow_tier_interval(Duration::from_secs(3600));
    let by_name = "/test/coalescing::slow_by_name_probe";
    let first = get(&endpoint, by_name, None, None).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(header(&first, "age"), Some("0"));
    // Within the interval: its own report again, not another run...
    let again = get(&endpoint, by_name, Some("format=json"), None).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(json(&again)["tier"], "slow");
    // ... and no run of another selection of the slow tier, which has no report to serve.
    let slow = get(&endpoint, "/slow/", None, None).await;
    assert_eq!(slow.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(header(&slow, "retry-after").is_some());
    assert_eq!(SLOW_BY_NAME.runs(), 1);
    // The fast tier is not limited.
    assert_eq!(
        get(&endpoint, "/", None, None).await.status(),
        StatusCode::OK
    );
}
