//! unittest's set-up and tear-down rules, checked by recording the order hooks run in.

use std::time::Duration;

use smoketest::{Outcome, Runner, Tier};

#[test]
fn hooks_run_in_unittest_order_and_tear_down_follows_every_set_up() {
    let report = Runner::new()
        .apps(["fixture_lifecycle"])
        .concurrency(1)
        .run(Tier::Fast);
    // The timed-out sync test keeps sleeping on its abandoned thread; its tear_down runs when it ends.
    std::thread::sleep(Duration::from_millis(800));
    let mut events = fixture_lifecycle::take_events();
    // Whatever the machine's speed, the timed-out test's tear_down comes after its body ended.
    let finished = events
        .iter()
        .position(|e| e == "sync e_times_out finished")
        .expect("body ended");
    events.remove(finished);
    let its_tear_down = finished
        + events[finished..]
            .iter()
            .position(|e| e == "sync tear_down")
            .expect("tear_down after the body");
    events.remove(its_tear_down);
    let expected_run = [
        "sync set_up_suite",
        "sync set_up",
        "sync a_passes",
        "sync tear_down",
        "sync set_up",
        "sync b_fails",
        "sync tear_down",
        "sync set_up",
        "sync c_errors",
        "sync tear_down",
        "sync set_up",
        "sync d_panics",
        "sync tear_down",
        "sync set_up",
        "sync e_times_out started",
        "async set_up_suite",
        "async set_up",
        "async a_passes_async",
        "async tear_down",
        "async set_up",
        "async b_panics_async",
        "async tear_down",
        "async set_up",
        "async c_times_out_async started",
        "async tear_down",
        "sync tear_down_suite",
        "async tear_down_suite",
    ];
    assert_eq!(events, expected_run);

    let outcomes: Vec<(&str, Outcome)> = report
        .tests
        .iter()
        .map(|t| (t.name.rsplit("::").next().unwrap(), t.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("a_passes", Outcome::Passed),
            ("b_fails", Outcome::Failed),
            ("c_errors", Outcome::Errored),
            ("d_panics", Outcome::Errored),
            ("e_times_out", Outcome::Errored),
            ("a_passes_async", Outcome::Passed),
            ("b_panics_async", Outcome::Errored),
            ("c_times_out_async", Outcome::Errored),
        ]
    );
}
