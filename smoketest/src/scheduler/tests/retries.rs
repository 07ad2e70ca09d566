//! The rules of retries and `warn_only` (see `attempts`), each counted on tests made here.

use std::sync::atomic::{AtomicU32, Ordering};

use super::*;

const fn retried(function: &'static str, timeout_ms: u64, retries: u32, body: Body) -> SmokeTest {
    let mut test = test(function, timeout_ms, body);
    test.retries = retries;
    test
}

fn attempts(reports: &[TestReport]) -> Vec<(String, Outcome, u32, Option<String>)> {
    let mut attempts: Vec<_> = reports
        .iter()
        .map(|r| (r.name.to_string(), r.outcome, r.attempts, r.message.clone()))
        .collect();
    attempts.sort_by(|a, b| a.0.cmp(&b.0));
    attempts
}

fn entry(
    name: &str,
    outcome: Outcome,
    attempts: u32,
    message: Option<&str>,
) -> (String, Outcome, u32, Option<String>) {
    (
        format!("sched::{name}"),
        outcome,
        attempts,
        message.map(str::to_owned),
    )
}

static FLAKY_RUNS: AtomicU32 = AtomicU32::new(0);

/// Fails its first two attempts, passes the third.
fn flaky() {
    let attempt = FLAKY_RUNS.fetch_add(1, Ordering::SeqCst) + 1;
    crate::assert_greater!(attempt, 2, "attempt {attempt}");
}

static ALWAYS_RUNS: AtomicU32 = AtomicU32::new(0);

fn always_fails() {
    ALWAYS_RUNS.fetch_add(1, Ordering::SeqCst);
    crate::assert_true!(false, "broken");
}

static PANIC_RUNS: AtomicU32 = AtomicU32::new(0);

fn always_panics() {
    PANIC_RUNS.fetch_add(1, Ordering::SeqCst);
    panic!("boom");
}

static RETRIED: [SmokeTest; 3] = [
    retried("flaky", 1000, 2, Body::PlainSync(flaky)),
    retried("always_fails", 1000, 2, Body::PlainSync(always_fails)),
    retried("always_panics", 1000, 1, Body::PlainSync(always_panics)),
];

#[test]
fn a_failed_attempt_runs_again_until_one_passes_or_none_is_left() {
    let (plan, selected) = plan(&RETRIED.iter().collect::<Vec<_>>());
    let reports = run(plan, selected);
    assert_eq!(
        attempts(&reports),
        [
            entry(
                "always_fails",
                Outcome::Failed,
                3,
                Some("broken: `false` is not true (attempt 3 of 3)")
            ),
            entry(
                "always_panics",
                Outcome::Errored,
                2,
                Some("panicked: boom (attempt 2 of 2)")
            ),
            entry("flaky", Outcome::Passed, 3, None),
        ]
    );
    assert_eq!(FLAKY_RUNS.load(Ordering::SeqCst), 3);
    assert_eq!(ALWAYS_RUNS.load(Ordering::SeqCst), 3);
    assert_eq!(PANIC_RUNS.load(Ordering::SeqCst), 2);
}

static SUITE_EVENTS: Mutex<Vec<&str>> = Mutex::new(Vec::new());
static SUITE_ATTEMPTS: AtomicU32 = AtomicU32::new(0);

struct Hooked;
impl Suite for Hooked {
    fn set_up_suite(_: &State) -> Result<Self> {
        SUITE_EVENTS.lock().unwrap().push("set_up_suite");
        Ok(Hooked)
    }
    fn set_up(&self) -> Result {
        SUITE_EVENTS.lock().unwrap().push("set_up");
        Ok(())
    }
    fn tear_down(&self) -> Result {
        SUITE_EVENTS.lock().unwrap().push("tear_down");
        Ok(())
    }
    fn tear_down_suite(&self) -> Result {
        SUITE_EVENTS.lock().unwrap().push("tear_down_suite");
        Ok(())
    }
}

fn hooked_body(_: &mut crate::context::Context) -> crate::registry::BodyResult {
    let attempt = SUITE_ATTEMPTS.fetch_add(1, Ordering::SeqCst) + 1;
    SUITE_EVENTS.lock().unwrap().push("body");
    match attempt {
        1 | 2 => Err(crate::outcome::Failure::errored("not yet")),
        _ => Ok(()),
    }
}

static HOOKED: SmokeTest = {
    let mut test = retried("hooked", 1000, 2, Body::Sync(hooked_body));
    test.params = in_suite::<Hooked>;
    test
};

#[test]
fn each_attempt_has_its_own_set_up_and_tear_down_and_the_suite_is_set_up_once() {
    let (plan, selected) = plan(&[&HOOKED]);
    let reports = run(plan, selected);
    assert_eq!(
        attempts(&reports),
        [(
            format!("{}::hooked", std::any::type_name::<Hooked>()),
            Outcome::Passed,
            3,
            None
        )]
    );
    let attempt = ["set_up", "body", "tear_down"];
    assert_eq!(
        *SUITE_EVENTS.lock().unwrap(),
        [
            &["set_up_suite"][..],
            &attempt,
            &attempt,
            &attempt,
            &["tear_down_suite"]
        ]
        .concat()
    );
}

static HUNG_RETRY_GATE: Gate = Gate::new();
static HUNG_RETRY_RUNS: AtomicU32 = AtomicU32::new(0);

fn hangs_every_time() {
    HUNG_RETRY_RUNS.fetch_add(1, Ordering::SeqCst);
    HUNG_RETRY_GATE.wait();
}

static AWAIT_RUNS: AtomicU32 = AtomicU32::new(0);

async fn awaits_forever_counted() {
    AWAIT_RUNS.fetch_add(1, Ordering::SeqCst);
    std::future::pending::<()>().await;
}

static HANGING_RETRIED: [SmokeTest; 2] = [
    retried("hangs_sync", 50, 3, Body::PlainSync(hangs_every_time)),
    retried(
        "awaits_forever",
        50,
        2,
        Body::PlainAsync(&awaits_forever_counted),
    ),
];

#[test]
fn a_timed_out_attempt_is_retried_only_if_it_gave_its_thread_back() {
    let _serial = serial();
    let (plan, selected) = plan(&HANGING_RETRIED.iter().collect::<Vec<_>>());
    let reports = run(plan, selected);
    assert_eq!(
        attempts(&reports),
        [
            // Cancelled at each deadline, on the same worker.
            entry(
                "awaits_forever",
                Outcome::Errored,
                3,
                Some("timed out after 50ms (attempt 3 of 3)")
            ),
            // Abandoned, still running: one thread, one attempt.
            entry(
                "hangs_sync",
                Outcome::Errored,
                1,
                Some("timed out after 50ms (attempt 1 of 4; still running, so not retried)")
            ),
        ]
    );
    assert_eq!(AWAIT_RUNS.load(Ordering::SeqCst), 3);
    assert_eq!(HUNG_RETRY_RUNS.load(Ordering::SeqCst), 1);
    assert_eq!(stuck::count(), 1);
    assert!(stuck::since("sched::hangs_sync").is_some());
    HUNG_RETRY_GATE.open();
    until_nothing_is_stuck();
    // The attempt that came back late is not retried then either.
    assert_eq!(HUNG_RETRY_RUNS.load(Ordering::SeqCst), 1);
}

static WARNED_RUNS: AtomicU32 = AtomicU32::new(0);

const WARNED_ASSERTION_LINE: u32 = line!() + 4;

fn warned_fails() {
    WARNED_RUNS.fetch_add(1, Ordering::SeqCst);
    crate::assert_true!(false, "degraded");
}

fn warned_errs() -> std::result::Result<(), crate::outcome::Failure> {
    Err(crate::outcome::Failure::errored("cache down"))
}

fn warned_errs_body(_: &mut crate::context::Context) -> crate::registry::BodyResult {
    warned_errs()
}

const fn warn_only(mut test: SmokeTest) -> SmokeTest {
    test.warn_only = true;
    test
}

static WARN_HANG_GATE: Gate = Gate::new();

fn warned_hangs() {
    WARN_HANG_GATE.wait();
}

static WARN_ONLY: [SmokeTest; 4] = [
    warn_only(retried(
        "warned_fails",
        1000,
        1,
        Body::PlainSync(warned_fails),
    )),
    warn_only(test("warned_errs", 1000, Body::Sync(warned_errs_body))),
    warn_only(test("warned_hangs", 50, Body::PlainSync(warned_hangs))),
    warn_only(test("warned_passes", 1000, Body::PlainSync(nothing))),
];

#[test]
fn a_warn_only_test_that_does_not_pass_is_warned_with_its_message_and_location() {
    let _serial = serial();
    let (plan, selected) = plan(&WARN_ONLY.iter().collect::<Vec<_>>());
    let reports = run(plan, selected);
    assert_eq!(
        attempts(&reports),
        [
            entry("warned_errs", Outcome::Warned, 1, Some("cache down"),),
            entry(
                "warned_fails",
                Outcome::Warned,
                2,
                Some("degraded: `false` is not true (attempt 2 of 2)")
            ),
            entry(
                "warned_hangs",
                Outcome::Warned,
                1,
                Some("timed out after 50ms")
            ),
            entry("warned_passes", Outcome::Passed, 1, None),
        ]
    );
    assert_eq!(WARNED_RUNS.load(Ordering::SeqCst), 2);
    let located = |name: &str| {
        let report = reports.iter().find(|r| r.name.ends_with(name)).unwrap();
        report.location.clone()
    };
    WARN_HANG_GATE.open();
    until_nothing_is_stuck();
    // The assertion's own line; the test's line for an error without one.
    assert_eq!(
        located("warned_fails"),
        Some(format!("{}:{}", file!(), WARNED_ASSERTION_LINE))
    );
    assert_eq!(
        located("warned_errs").as_deref(),
        Some("src/scheduler/tests.rs:1")
    );
}

static FF_FLAKY_RUNS: AtomicU32 = AtomicU32::new(0);

fn ff_flaky() {
    let attempt = FF_FLAKY_RUNS.fetch_add(1, Ordering::SeqCst) + 1;
    crate::assert_greater!(attempt, 1);
}

static FAILFAST_RETRIED: [SmokeTest; 5] = [
    retried("ff_a_flaky", 1000, 1, Body::PlainSync(ff_flaky)),
    warn_only(test("ff_b_warned", 1000, Body::PlainSync(fails))),
    retried("ff_c_fails", 1000, 1, Body::PlainSync(fails)),
    test("ff_d_not_started", 1000, Body::PlainSync(nothing)),
    test("ff_e_not_started", 1000, Body::PlainSync(nothing)),
];

#[test]
fn failfast_stops_at_a_test_that_fails_the_run_after_its_retries() {
    let (mut plan, selected) = plan(&FAILFAST_RETRIED.iter().collect::<Vec<_>>());
    plan.failfast = true;
    plan.concurrency = 1;
    let reports = run(plan, selected);
    let outcomes: Vec<(&str, Outcome, u32)> = reports
        .iter()
        .map(|r| (&*r.name, r.outcome, r.attempts))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("sched::ff_a_flaky", Outcome::Passed, 2),
            ("sched::ff_b_warned", Outcome::Warned, 1),
            ("sched::ff_c_fails", Outcome::Failed, 2),
        ]
    );
}

static OBSERVED_RUNS: AtomicU32 = AtomicU32::new(0);

fn observed_flaky() {
    let attempt = OBSERVED_RUNS.fetch_add(1, Ordering::SeqCst) + 1;
    crate::assert_greater!(attempt, 2);
}

static OBSERVED_RETRIED: SmokeTest = retried("observed", 1000, 5, Body::PlainSync(observed_flaky));

#[test]
fn the_observer_is_told_of_each_retry() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let (mut plan, selected) = plan(&[&OBSERVED_RETRIED]);
    let seen = events.clone();
    plan.observer = Some(Arc::new(move |event: super::super::Event<'_>| {
        let line = match event {
            super::super::Event::Started(name) => format!("started {name}"),
            super::super::Event::Attempt(name, attempt) => format!("attempt {attempt} {name}"),
            super::super::Event::Ended(name, report) => {
                format!("ended {name} {:?}", report.map(|r| (r.outcome, r.attempts)))
            }
        };
        seen.lock().unwrap().push(line);
    }));
    run(plan, selected);
    assert_eq!(
        *events.lock().unwrap(),
        [
            "started sched::observed",
            "attempt 2 sched::observed",
            "attempt 3 sched::observed",
            "ended sched::observed Some((Passed, 3))",
        ]
    );
}
