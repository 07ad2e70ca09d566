//! A crate in edition 2021: every form of test runs and reports as in the workspace's 2024.

mod support;

use smoketest::{Runner, Tier};
use support::{at, with_time_masked};

#[test]
fn an_edition_2021_crate_runs_sync_async_state_and_result_tests() {
    let report = Runner::new()
        .with_state(fixture_edition2021::Limits { page_size: 100 })
        .apps(["fixture_edition2021"])
        .run(Tier::Fast);
    assert_eq!(
        with_time_masked(&report.to_text()),
        format!(
            "FAIL\ntest classes: 1\ntests run: 5\ntests passed: 4\ntests failed: 1\n\
             tests errored: 0\ntime: <ms>\nrun id: <uuid>\n\n\
             fixture_edition2021::smoke::page_fits_the_screen failed: a page holds at most 50 \
             items: 100 not less than or equal to 50 {}\n",
            at(
                "tests/fixtures/edition2021/src/smoke.rs",
                fixture_edition2021::smoke::PAGE_FITS_LINE
            )
        )
    );
}
