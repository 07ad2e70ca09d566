//! A passing run over two library crates: exact text and JSON, tiers, selection.

mod support;

use fixture_linked as _;
use smoketest::{Runner, Status, Tier};
use support::with_time_masked;

fn runner() -> Runner {
    Runner::new()
        .with_state(fixture_pass::Config {
            api_url: "https://api.example".into(),
        })
        .apps(["fixture_pass", "fixture_linked"])
}

#[test]
fn tests_of_two_library_crates_are_collected_sorted_by_name() {
    assert_eq!(
        runner().test_names(Tier::Slow),
        [
            "fixture_linked::smoke::linked_crate_is_collected",
            "fixture_pass::smoke::Catalog::catalog_has_items",
            "fixture_pass::smoke::Catalog::catalog_lists_apple",
            "fixture_pass::smoke::Catalog::full_scan",
            "fixture_pass::smoke::Remote::remote_answers",
            "fixture_pass::smoke::config_is_set",
        ]
    );
}

#[test]
fn the_fast_tier_leaves_out_slow_tests_and_reports_pass() {
    let report = runner().run(Tier::Fast);
    assert_eq!(
        with_time_masked(&report.to_text()),
        "PASS\ntest classes: 4\ntests run: 5\ntests passed: 5\ntests failed: 0\ntests errored: 0\n\
         time: <ms>\nrun id: <uuid>\n"
    );
}

#[test]
fn the_slow_tier_runs_every_test() {
    let report = runner().run(Tier::Slow);
    assert_eq!(
        with_time_masked(&report.to_text()),
        "PASS\ntest classes: 4\ntests run: 6\ntests passed: 6\ntests failed: 0\ntests errored: 0\n\
         time: <ms>\nrun id: <uuid>\n"
    );
    let slow: Vec<&str> = report
        .tests
        .iter()
        .filter(|t| t.slow)
        .map(|t| &*t.name)
        .collect();
    assert_eq!(slow, ["fixture_pass::smoke::Catalog::full_scan"]);
}

#[test]
fn json_has_the_contract_keys_and_per_test_details() {
    let report = runner().run(Tier::Fast);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["status"], "PASS");
    assert_eq!(json["test_classes"], 4);
    assert_eq!(json["tests_run"], 5);
    assert_eq!(json["tests_passed"], 5);
    assert_eq!(json["tests_failed"], 0);
    assert_eq!(json["tests_errored"], 0);
    assert_eq!(json["failed_tests"], serde_json::json!([]));
    assert_eq!(json["errored_tests"], serde_json::json!([]));
    assert!(json["time"].as_f64().unwrap() > 0.0);
    assert_eq!(json["tier"], "fast");
    assert_eq!(json["abandoned_threads"], 0);
    let remote = &json["tests"][3];
    assert_eq!(
        remote["name"],
        "fixture_pass::smoke::Remote::remote_answers"
    );
    assert_eq!(remote["suite"], "fixture_pass::smoke::Remote");
    assert_eq!(remote["outcome"], "passed");
    assert_eq!(remote["message"], serde_json::Value::Null);
    assert_eq!(remote["slow"], false);
    assert_eq!(remote["rolled_back"], false);
    assert!(
        remote["time"].as_f64().unwrap() >= 5.0,
        "waited on a 5 ms timer: {remote}"
    );
    let back: smoketest::Report = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(back, report);
}

#[test]
fn zero_selected_tests_is_a_pass_with_all_counts_zero() {
    let report = runner().filter("no test is called this").run(Tier::Slow);
    assert_eq!(report.status, Status::Pass);
    assert_eq!(
        with_time_masked(&report.to_text()),
        "PASS\ntest classes: 0\ntests run: 0\ntests passed: 0\ntests failed: 0\ntests errored: 0\n\
         time: <ms>\nrun id: <uuid>\n"
    );
}

#[test]
fn apps_skip_apps_and_filters_select_by_path_and_name() {
    assert_eq!(
        runner().apps(["fixture_linked"]).test_names(Tier::Fast),
        ["fixture_linked::smoke::linked_crate_is_collected"]
    );
    assert_eq!(
        runner()
            .apps(["fixture_pass::smoke::Remote"])
            .test_names(Tier::Fast),
        ["fixture_pass::smoke::Remote::remote_answers"]
    );
    assert_eq!(
        runner().skip_apps(["fixture-pass"]).test_names(Tier::Fast),
        ["fixture_linked::smoke::linked_crate_is_collected"]
    );
    assert_eq!(
        runner()
            .filter("catalog_")
            .filter("config")
            .test_names(Tier::Fast),
        [
            "fixture_pass::smoke::Catalog::catalog_has_items",
            "fixture_pass::smoke::Catalog::catalog_lists_apple",
            "fixture_pass::smoke::config_is_set",
        ]
    );
    assert_eq!(
        runner().apps(["fixture"]).test_names(Tier::Fast),
        Vec::<&str>::new()
    );
}

#[test]
fn test_classes_counts_only_suites_with_a_selected_test() {
    let report = runner()
        .filter("catalog_has_items")
        .filter("config_is_set")
        .run(Tier::Fast);
    assert_eq!(report.test_classes, 2);
    assert_eq!(report.tests_run, 2);
}
