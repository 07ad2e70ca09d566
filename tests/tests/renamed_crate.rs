//! `#[smoke_test(crate = ...)]` in a crate that depends on smoketest under another name and
//! through a re-export: its tests are collected, run and reported like any others.

mod support;

use fixture_renamed::smoke as fx;
use smoketest::{Runner, Tier};
use support::{at, with_time_masked};

const FILE: &str = "tests/fixtures/renamed/src/smoke.rs";

fn runner() -> Runner {
    Runner::new()
        .with_state(fixture_renamed::Config { region: "eu" })
        .apps(["fixture_renamed"])
}

#[test]
fn every_test_of_the_renamed_crate_is_collected() {
    assert_eq!(
        runner().test_names(Tier::Slow),
        [
            "fixture_renamed::smoke::Warehouse::counts_shelves",
            "fixture_renamed::smoke::Warehouse::miscounts_shelves",
            "fixture_renamed::smoke::bails",
            "fixture_renamed::smoke::plain",
            "fixture_renamed::smoke::plain_async",
            "fixture_renamed::smoke::takes_state",
        ]
    );
}

#[test]
fn the_report_is_exact() {
    let report = runner().run(Tier::Slow);
    let expected = [
        "FAIL".to_owned(),
        "test classes: 2".into(),
        "tests run: 6".into(),
        "tests passed: 4".into(),
        "tests failed: 1".into(),
        "tests errored: 1".into(),
        "time: <ms>".into(),
        "run id: <uuid>".into(),
        String::new(),
        format!(
            "fixture_renamed::smoke::Warehouse::miscounts_shelves failed: 3 != 4 {}",
            at(FILE, fx::MISCOUNT_LINE)
        ),
        format!(
            "fixture_renamed::smoke::bails errored: stock service said 503 {}",
            at(FILE, fx::BAIL_LINE)
        ),
        String::new(),
    ]
    .join("\n");
    assert_eq!(with_time_masked(&report.to_text()), expected);
}
