//! The runner's own tests: collection errors and the app-prefix rules.

use super::*;
use crate::{Outcome, Result, Suite, TestReport, smoke_test};

/// A suite that a test wrongly takes by `&mut`.
struct Shared;
impl Suite for Shared {
    fn set_up_suite(_: &State) -> Result<Self> {
        Ok(Shared)
    }
}

#[smoke_test(rolled_back)]
fn takes_a_suite_by_mut(_suite: &mut Shared) {}

/// A transaction type no rollback provider is registered for.
struct Transaction;

#[smoke_test(rolled_back)]
fn writes_without_a_provider(_tx: &mut Transaction) {}

fn report_of(test: &str) -> TestReport {
    let report = Runner::new().filter(test).run(Tier::Fast);
    assert_eq!(report.tests.len(), 1, "{test}");
    report.tests.into_iter().next().unwrap()
}

#[test]
fn an_error_found_while_collecting_a_test_makes_it_errored() {
    let test = report_of("takes_a_suite_by_mut");
    let suite = std::any::type_name::<Shared>();
    assert_eq!(test.outcome, Outcome::Errored);
    assert_eq!(
        test.message.unwrap(),
        format!("takes `&mut {suite}`, but suites are shared by their tests: take `&{suite}`")
    );
    assert!(test.rolled_back);
}

#[test]
fn a_rolled_back_test_without_a_provider_is_errored_with_what_to_do() {
    let test = report_of("writes_without_a_provider");
    assert_eq!(test.outcome, Outcome::Errored);
    assert_eq!(
        test.message.unwrap(),
        format!(
            "no rollback provider registered for `{}`; register one with \
             `Runner::rollback(provider)` (or `rollback_async` for async clients)",
            std::any::type_name::<Transaction>()
        )
    );
}

#[test]
fn app_prefixes_match_whole_path_segments() {
    let under = |name: &str, prefix: &str| under_path(name, &app_path(prefix));
    assert!(under("app::smoke::x", "app"));
    assert!(under("app::smoke::x", "app::smoke"));
    assert!(under("app::smoke::x", "app::smoke::"));
    assert!(!under("application::smoke::x", "app"));
    assert!(under("my_app::smoke::x", "my-app"));
}

#[test]
fn app_lists_are_comma_separated_and_trimmed() {
    assert_eq!(
        split_list(" a, b::c ,,"),
        vec!["a".to_owned(), "b::c".to_owned()]
    );
}
