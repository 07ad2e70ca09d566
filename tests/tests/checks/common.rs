//! Runs one check through a real `Runner` and reads what its report says.

use smoketest::{IntoCheck, Outcome, Report, Runner, Tier};

/// The name every check is registered under here.
pub(crate) const NAME: &str = "checked::target";

/// A runner over `check` alone: `apps` leaves out whatever `#[smoke_test]` is linked.
fn runner<M>(check: impl IntoCheck<M>) -> Runner {
    Runner::new().apps(["checked"]).check(NAME, check)
}

/// Runs `check` on this thread's runtime-free runner (`Runner::run`).
pub(crate) fn run<M>(check: impl IntoCheck<M>) -> (Outcome, String) {
    seen(&runner(check).run(Tier::Fast))
}

/// Runs `check` inside the calling tokio runtime (`Runner::run_async`), where the targets
/// the test started live.
pub(crate) async fn run_async<M>(check: impl IntoCheck<M>) -> (Outcome, String) {
    seen(&runner(check).run_async(Tier::Fast).await)
}

/// The check's outcome and message, after checking the text report shows them on its line.
fn seen(report: &Report) -> (Outcome, String) {
    assert_eq!(report.tests_run, 1, "{report:?}");
    let test = &report.tests[0];
    let message = test.message.clone().unwrap_or_default();
    if test.outcome != Outcome::Passed {
        let line = format!("{NAME} {}: {}", test.outcome, message.replace('\n', "\\n"));
        let text = report.to_text();
        assert!(
            text.lines().any(|shown| shown.starts_with(&line)),
            "the text report should show `{line}`:\n{text}"
        );
    }
    (test.outcome, message)
}

/// `(Passed, "")`: what a passing check reports.
pub(crate) fn passed() -> (Outcome, String) {
    (Outcome::Passed, String::new())
}

/// `(Failed, message)`.
pub(crate) fn failed(message: impl Into<String>) -> (Outcome, String) {
    (Outcome::Failed, message.into())
}

/// `(Errored, message)`.
pub(crate) fn errored(message: impl Into<String>) -> (Outcome, String) {
    (Outcome::Errored, message.into())
}

/// A port on 127.0.0.1 that nothing listens on: bound, then closed.
pub(crate) fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// The whole milliseconds in a message's `took N ms` / `in N ms`, after `before`.
pub(crate) fn millis_after(message: &str, before: &str) -> u128 {
    let rest = &message[message.find(before).expect(before) + before.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("a number after {before:?} in {message:?}"))
}
