//! The scheduler's rules, each on a handful of tests made here, without the CLI or HTTP layers.
//!
//! Tests that leave work stuck hold `SERIAL` and release their work before they end: the count of
//! stuck work is process-wide, and the others read it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::{Plan, run};
use crate::driver::Driver;
use crate::registry::{self, Body, Param, SmokeTest};
use crate::report::TestReport;
use crate::rollback::Rollbacks;
use crate::suite::SuiteVTable;
use crate::{AsyncSuite, Outcome, Result, State, Suite, stuck};

mod retries;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A door that blocked bodies wait at until the test opens it.
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    const fn new() -> Self {
        Gate {
            open: Mutex::new(false),
            opened: Condvar::new(),
        }
    }

    fn wait(&self) {
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
    }

    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

/// Waits (bounded) until the work stuck on abandoned threads has returned.
fn until_nothing_is_stuck() {
    let started = Instant::now();
    while stuck::count() > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "work still stuck"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

const fn test(function: &'static str, timeout_ms: u64, body: Body) -> SmokeTest {
    SmokeTest {
        module_path: "sched",
        function,
        file: "src/scheduler/tests.rs",
        line: 1,
        slow: false,
        rolled_back: false,
        timeout: Some(Duration::from_millis(timeout_ms)),
        tags: &[],
        warn_only: false,
        retries: 0,
        owner: None,
        runbook: None,
        params: no_params,
        body,
    }
}

fn no_params() -> Vec<Param> {
    Vec::new()
}

fn plan(tests: &[&'static SmokeTest]) -> (Plan, Vec<usize>) {
    let tests = Arc::new(registry::collect(tests.iter().copied()));
    let selected = (0..tests.len()).collect();
    let plan = Plan {
        tests,
        state: Arc::new(State::new()),
        rollbacks: Arc::new(Rollbacks::new()),
        default_timeout: Duration::from_millis(100),
        failfast: false,
        concurrency: 64,
        stack_size: crate::DEFAULT_STACK_SIZE,
        max_threads: crate::DEFAULT_MAX_THREADS,
        max_message_bytes: crate::DEFAULT_MAX_MESSAGE_BYTES,
        driver: Driver::Plain,
        observer: None,
        span: None,
        tier: crate::Tier::Fast,
        redactor: Arc::default(),
    };
    (plan, selected)
}

fn outcomes(reports: &[TestReport]) -> Vec<(String, Outcome, Option<String>)> {
    let mut outcomes: Vec<_> = reports
        .iter()
        .map(|r| (r.name.to_string(), r.outcome, r.message.clone()))
        .collect();
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    outcomes
}

fn passed(name: &str) -> (String, Outcome, Option<String>) {
    (format!("sched::{name}"), Outcome::Passed, None)
}

fn errored(name: &str, message: &str) -> (String, Outcome, Option<String>) {
    (
        format!("sched::{name}"),
        Outcome::Errored,
        Some(message.to_owned()),
    )
}

fn nothing() {}

static TRIVIAL: [SmokeTest; 4] = [
    test("t0", 1000, Body::PlainSync(nothing)),
    test("t1", 1000, Body::PlainSync(nothing)),
    test("t2", 1000, Body::PlainSync(nothing)),
    test("t3", 1000, Body::PlainSync(nothing)),
];

#[test]
fn every_test_is_reported_exactly_once() {
    let (plan, selected) = plan(&TRIVIAL.iter().collect::<Vec<_>>());
    let reports = run(plan, selected);
    assert_eq!(
        outcomes(&reports),
        [passed("t0"), passed("t1"), passed("t2"), passed("t3")]
    );
}

/// Tests that count how many of them run at once.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static MOST_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

fn counted() {
    let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
    MOST_IN_FLIGHT.fetch_max(now, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(20));
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
}

static COUNTED: [SmokeTest; 8] = [
    test("c0", 1000, Body::PlainSync(counted)),
    test("c1", 1000, Body::PlainSync(counted)),
    test("c2", 1000, Body::PlainSync(counted)),
    test("c3", 1000, Body::PlainSync(counted)),
    test("c4", 1000, Body::PlainSync(counted)),
    test("c5", 1000, Body::PlainSync(counted)),
    test("c6", 1000, Body::PlainSync(counted)),
    test("c7", 1000, Body::PlainSync(counted)),
];

#[test]
fn blocking_tests_run_side_by_side_up_to_the_concurrency_cap() {
    let (mut plan, selected) = plan(&COUNTED.iter().collect::<Vec<_>>());
    plan.concurrency = 3;
    let reports = run(plan, selected);
    assert_eq!(reports.len(), 8);
    assert!(reports.iter().all(|r| r.outcome == Outcome::Passed));
    assert_eq!(MOST_IN_FLIGHT.load(Ordering::SeqCst), 3);
}

static ORDER: Mutex<Vec<&str>> = Mutex::new(Vec::new());

fn record_b() {
    ORDER.lock().unwrap().push("b");
}
fn record_a() {
    ORDER.lock().unwrap().push("a");
}
fn record_c() {
    ORDER.lock().unwrap().push("c");
}

static ORDERED: [SmokeTest; 3] = [
    test("order_b", 1000, Body::PlainSync(record_b)),
    test("order_c", 1000, Body::PlainSync(record_c)),
    test("order_a", 1000, Body::PlainSync(record_a)),
];

#[test]
fn with_concurrency_one_tests_run_one_after_another_in_name_order() {
    let (mut plan, selected) = plan(&ORDERED.iter().collect::<Vec<_>>());
    plan.concurrency = 1;
    let reports = run(plan, selected);
    assert_eq!(*ORDER.lock().unwrap(), ["a", "b", "c"]);
    let names: Vec<&str> = reports.iter().map(|r| &*r.name).collect();
    assert_eq!(
        names,
        ["sched::order_a", "sched::order_b", "sched::order_c"]
    );
}

fn fails() {
    crate::assert_true!(false, "broken");
}

static FAILFAST: [SmokeTest; 4] = [
    test("ff_a", 1000, Body::PlainSync(nothing)),
    test("ff_b", 1000, Body::PlainSync(fails)),
    test("ff_c", 1000, Body::PlainSync(nothing)),
    test("ff_d", 1000, Body::PlainSync(nothing)),
];

#[test]
fn failfast_starts_no_test_after_the_first_failure() {
    let (mut plan, selected) = plan(&FAILFAST.iter().collect::<Vec<_>>());
    plan.failfast = true;
    plan.concurrency = 1;
    let reports = run(plan, selected);
    let names: Vec<(&str, Outcome)> = reports.iter().map(|r| (&*r.name, r.outcome)).collect();
    assert_eq!(
        names,
        [
            ("sched::ff_a", Outcome::Passed),
            ("sched::ff_b", Outcome::Failed)
        ]
    );
}

static HUNG_GATE: Gate = Gate::new();

fn hangs() {
    HUNG_GATE.wait();
}

static HUNG_AMONG_FAST: [SmokeTest; 4] = [
    test("fast_0", 1000, Body::PlainSync(nothing)),
    test("fast_1", 1000, Body::PlainSync(nothing)),
    test("hung", 50, Body::PlainSync(hangs)),
    test("fast_2", 1000, Body::PlainSync(nothing)),
];

#[test]
fn a_hung_test_is_reported_at_its_limit_and_never_started_twice() {
    let _serial = serial();
    let tests: Vec<_> = HUNG_AMONG_FAST.iter().collect();
    let (plan_1, selected) = plan(&tests);
    let first = run(plan_1, selected.clone());
    assert_eq!(
        outcomes(&first),
        [
            passed("fast_0"),
            passed("fast_1"),
            passed("fast_2"),
            errored("hung", "timed out after 50ms"),
        ]
    );
    assert_eq!(stuck::count(), 1);

    // The next run does not start it again: errored at once, still one thread.
    let (plan_2, selected) = plan(&tests);
    let second = run(plan_2, selected);
    let hung = second.iter().find(|r| r.name == "sched::hung").unwrap();
    let message = hung.message.as_deref().unwrap();
    assert!(
        message.starts_with("still running from an earlier run (for ")
            && message.ends_with("): not started again until it returns"),
        "{message}"
    );
    assert_eq!(stuck::count(), 1);

    HUNG_GATE.open();
    until_nothing_is_stuck();
}

static BOUND_GATE: Gate = Gate::new();

fn hangs_at_the_bound() {
    BOUND_GATE.wait();
}

static HOLDS_A_THREAD: SmokeTest = test("holds_a_thread", 20, Body::PlainSync(hangs_at_the_bound));
static AFTER_THE_BOUND: SmokeTest = test("after_the_bound", 1000, Body::PlainSync(nothing));

#[test]
fn with_max_threads_stuck_no_test_starts() {
    let _serial = serial();
    let (plan_1, selected) = plan(&[&HOLDS_A_THREAD]);
    run(plan_1, selected);
    assert_eq!(stuck::count(), 1);
    let (mut plan_2, selected) = plan(&[&AFTER_THE_BOUND]);
    plan_2.max_threads = 1;
    assert_eq!(
        outcomes(&run(plan_2, selected)),
        [errored(
            "after_the_bound",
            "not started: 1 thread is stuck in timed-out tests, all the runner allows \
             (`Runner::max_threads(1)`); they are freed when those tests return"
        )]
    );
    BOUND_GATE.open();
    until_nothing_is_stuck();
}

static BLOCKING_ASYNC_GATE: Gate = Gate::new();

async fn blocks_its_thread() {
    BLOCKING_ASYNC_GATE.wait();
}

async fn awaits_forever() {
    std::future::pending::<()>().await;
}

static ASYNC_HANGS: [SmokeTest; 2] = [
    test(
        "blocks_its_thread",
        50,
        Body::PlainAsync(&blocks_its_thread),
    ),
    test("awaits_forever", 50, Body::PlainAsync(&awaits_forever)),
];

#[test]
fn async_tests_time_out_whether_they_await_or_block_their_thread() {
    let _serial = serial();
    let (plan, selected) = plan(&ASYNC_HANGS.iter().collect::<Vec<_>>());
    let reports = run(plan, selected);
    assert_eq!(
        outcomes(&reports),
        [
            errored("awaits_forever", "timed out after 50ms"),
            errored("blocks_its_thread", "timed out after 50ms"),
        ]
    );
    // The awaiting one was cancelled and gave its thread back; the blocking one could not.
    assert_eq!(stuck::since("sched::awaits_forever"), None);
    assert!(stuck::since("sched::blocks_its_thread").is_some());
    BLOCKING_ASYNC_GATE.open();
    until_nothing_is_stuck();
}

/// Suites whose hooks hang, one hook each.
static SUITE_GATE: Gate = Gate::new();
static SET_UP_SUITES: AtomicUsize = AtomicUsize::new(0);

struct HangsInSetUpSuite;
impl Suite for HangsInSetUpSuite {
    fn set_up_suite(_: &State) -> Result<Self> {
        SET_UP_SUITES.fetch_add(1, Ordering::SeqCst);
        SUITE_GATE.wait();
        Ok(HangsInSetUpSuite)
    }
}

struct HangsInTearDown;
impl Suite for HangsInTearDown {
    fn set_up_suite(_: &State) -> Result<Self> {
        Ok(HangsInTearDown)
    }
    fn tear_down(&self) -> Result {
        SUITE_GATE.wait();
        Ok(())
    }
}

struct HangsInTearDownSuite;
impl Suite for HangsInTearDownSuite {
    fn set_up_suite(_: &State) -> Result<Self> {
        Ok(HangsInTearDownSuite)
    }
    fn tear_down_suite(&self) -> Result {
        SUITE_GATE.wait();
        Ok(())
    }
}

fn in_suite<S: Suite>() -> Vec<Param> {
    vec![Param::shared::<S>(Some(SuiteVTable::of_sync::<S>()))]
}

fn suite_body(_: &mut crate::context::Context) -> crate::registry::BodyResult {
    Ok(())
}

const fn suite_test(function: &'static str, params: fn() -> Vec<Param>) -> SmokeTest {
    let mut test = test(function, 50, Body::Sync(suite_body));
    test.params = params;
    test
}

static HUNG_SUITES: [SmokeTest; 5] = [
    suite_test("first", in_suite::<HangsInSetUpSuite>),
    suite_test("second", in_suite::<HangsInSetUpSuite>),
    suite_test("third", in_suite::<HangsInSetUpSuite>),
    suite_test("torn_down", in_suite::<HangsInTearDown>),
    suite_test("kept", in_suite::<HangsInTearDownSuite>),
];

#[test]
fn suites_whose_hooks_hang_are_reported_and_cost_one_thread_each() {
    let _serial = serial();
    let (mut plan, selected) = plan(&HUNG_SUITES.iter().collect::<Vec<_>>());
    plan.default_timeout = Duration::from_millis(50);
    let mut reports = run(plan, selected);
    reports.sort_by(|a, b| a.name.cmp(&b.name));
    let lines: Vec<String> = reports
        .iter()
        .map(|r| {
            let short = r.name.rsplit("::").take(2).collect::<Vec<_>>();
            format!(
                "{}::{}: {}",
                short[1],
                short[0],
                r.message.as_deref().unwrap_or("passed")
            )
        })
        .collect();
    let set_up_suite_failed = "set_up_suite failed: timed out after 50ms";
    assert_eq!(
        lines,
        [
            format!("HangsInSetUpSuite::first: {set_up_suite_failed}"),
            format!("HangsInSetUpSuite::second: {set_up_suite_failed}"),
            format!("HangsInSetUpSuite::third: {set_up_suite_failed}"),
            "HangsInTearDown::torn_down: tear_down failed: timed out after 50ms".to_owned(),
            "HangsInTearDownSuite::kept: passed".to_owned(),
            "HangsInTearDownSuite::tear_down_suite: tear_down_suite failed: timed out after 50ms"
                .to_owned(),
        ]
    );
    // Set up once, by one thread, which is the one left stuck with it; one thread per hook.
    assert_eq!(SET_UP_SUITES.load(Ordering::SeqCst), 1);
    assert_eq!(stuck::count(), 3);
    SUITE_GATE.open();
    until_nothing_is_stuck();
}

static OBSERVED_GATE: Gate = Gate::new();

fn waits_for_the_gate() {
    OBSERVED_GATE.wait();
}

static OBSERVED: [SmokeTest; 3] = [
    test("obs_passes", 1000, Body::PlainSync(nothing)),
    test("obs_fails", 1000, Body::PlainSync(fails)),
    test("obs_hangs", 50, Body::PlainSync(waits_for_the_gate)),
];

#[test]
fn the_observer_is_told_when_each_job_starts_and_ends() {
    let _serial = serial();
    let events = Arc::new(Mutex::new(Vec::new()));
    let (mut plan, selected) = plan(&OBSERVED.iter().collect::<Vec<_>>());
    let seen = events.clone();
    plan.observer = Some(Arc::new(move |event: super::Event<'_>| {
        let line = match event {
            super::Event::Started(name) => format!("started {name}"),
            super::Event::Attempt(name, attempt) => format!("attempt {attempt} {name}"),
            super::Event::Ended(name, report) => {
                let outcome = report.map(|report| (report.name.to_string(), report.outcome));
                format!("ended {name} {outcome:?}")
            }
        };
        seen.lock().unwrap().push(line);
    }));
    let reports = run(plan, selected);
    assert_eq!(reports.len(), 3);
    let events = std::mem::take(&mut *events.lock().unwrap());
    // Each job's two events in order; jobs may interleave.
    let position = |line: &str| events.iter().position(|event| event == line).unwrap();
    for (name, outcome) in [
        ("obs_passes", Outcome::Passed),
        ("obs_fails", Outcome::Failed),
        // Ended by the coordinator, which reported it when it timed out.
        ("obs_hangs", Outcome::Errored),
    ] {
        let name = format!("sched::{name}");
        let ended = format!("ended {name} {:?}", Some((name.clone(), outcome)));
        assert!(position(&format!("started {name}")) < position(&ended));
    }
    assert_eq!(events.len(), 6, "{events:?}");
    OBSERVED_GATE.open();
    until_nothing_is_stuck();
}

static UNBOUNDED: SmokeTest = test("unbounded", u64::MAX, Body::PlainSync(nothing));

#[test]
fn a_limit_too_large_for_a_deadline_is_no_limit() {
    let (plan, selected) = plan(&[&UNBOUNDED]);
    assert_eq!(outcomes(&run(plan, selected)), [passed("unbounded")]);
}

/// An async suite whose set-up blocks its thread past its limit, then succeeds.
static LATE_GATE: Gate = Gate::new();
static LATE_TORN_DOWN: AtomicUsize = AtomicUsize::new(0);

struct SetUpLate;
impl AsyncSuite for SetUpLate {
    async fn set_up_suite(_: &State) -> Result<Self> {
        LATE_GATE.wait();
        Ok(SetUpLate)
    }
    async fn tear_down_suite(&self) -> Result {
        // An `.await` that a leftover cancellation would end.
        futures_timer::Delay::new(Duration::from_millis(1)).await;
        LATE_TORN_DOWN.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn in_late_suite() -> Vec<Param> {
    vec![Param::shared::<SetUpLate>(Some(SuiteVTable::of_async::<
        SetUpLate,
    >()))]
}

static LATE: SmokeTest = suite_test("late", in_late_suite);

#[test]
fn a_suite_set_up_after_its_limit_still_gets_its_tear_down() {
    let _serial = serial();
    let (mut plan, selected) = plan(&[&LATE]);
    plan.default_timeout = Duration::from_millis(50);
    let reports = run(plan, selected);
    assert_eq!(
        reports[0].message.as_deref(),
        Some("set_up_suite failed: timed out after 50ms")
    );
    assert_eq!(stuck::count(), 1);
    LATE_GATE.open();
    until_nothing_is_stuck();
    assert_eq!(LATE_TORN_DOWN.load(Ordering::SeqCst), 1);
}

fn fails_with_ten_megabytes() -> crate::Result {
    Err(crate::Error::msg("x".repeat(10 << 20)))
}

fn ten_megabytes(_: &mut crate::context::Context) -> crate::registry::BodyResult {
    fails_with_ten_megabytes().map_err(crate::outcome::Failure::from)
}

static HUGE_MESSAGE: SmokeTest = test("huge_message", 1000, Body::Sync(ten_megabytes));

#[test]
fn a_huge_message_is_cut_to_the_bound_with_a_marker() {
    let (plan, selected) = plan(&[&HUGE_MESSAGE]);
    let reports = run(plan, selected);
    let message = reports[0].message.as_deref().unwrap();
    let kept = "x".repeat(crate::DEFAULT_MAX_MESSAGE_BYTES);
    assert_eq!(
        message,
        format!("{kept}… [cut {} bytes]", (10 << 20) - 4096)
    );
}

fn returns_late() {
    std::thread::sleep(Duration::from_millis(20));
}

static RETURNS_LATE: SmokeTest = test("returns_late", 1, Body::PlainSync(returns_late));

/// The coordinator may see the step past its deadline (and abandon its worker) or not, if it
/// is not scheduled in time on a loaded machine; then the worker reports the overrun itself.
/// Either way the test is timed out, never passed.
#[test]
fn a_test_that_returns_after_its_limit_is_timed_out_whoever_sees_it() {
    let _serial = serial();
    for _ in 0..10 {
        let (plan, selected) = plan(&[&RETURNS_LATE]);
        assert_eq!(
            outcomes(&run(plan, selected)),
            [errored("returns_late", "timed out after 1ms")]
        );
        // Abandoned by the coordinator, it is stuck until it returns.
        until_nothing_is_stuck();
    }
}
