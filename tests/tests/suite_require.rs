//! A suite whose `set_up_suite` requires a state that was never registered: its tests are errored
//! with the missing type, located at the user's `require` call, not inside smoketest.

mod support;

use smoketest::{Result, Runner, State, Suite, Tier, smoke_test};
use support::{at, with_time_masked};

/// Never registered.
struct Pool;

struct Orders;

/// Line of the `state.require::<Pool>()?` below.
const REQUIRE_LINE: u32 = line!() + 3;
impl Suite for Orders {
    fn set_up_suite(state: &State) -> Result<Self> {
        state.require::<Pool>()?;
        Ok(Orders)
    }
}

#[smoke_test]
fn lists_orders(_orders: &Orders) {}

#[test]
fn a_missing_state_in_set_up_suite_is_located_at_the_require_call() {
    let report = Runner::new().apps(["suite_require"]).run(Tier::Fast);
    let text = with_time_masked(&report.to_text());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[9..],
        [format!(
            "suite_require::Orders::lists_orders errored: set_up_suite failed: no state of type \
             `suite_require::Pool` is registered; register it with `Runner::with_state(value)` {}",
            at("tests/tests/suite_require.rs", REQUIRE_LINE)
        )]
    );
}
