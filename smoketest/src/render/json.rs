//! The JSON format of the contract: the report as serde writes it, or in summary the keys that
//! name no test; an `age` key when the report is a stored one.

use serde::Serialize;

use super::{Detail, Options, Spec};
use crate::report::{Report, Status};
use crate::tier::Tier;

pub(super) const SPEC: Spec = Spec {
    name: "json",
    content_type: "application/json",
    render,
};

/// The summary: the contract's keys that name no test, in the full report's order.
#[derive(Serialize)]
struct Summary<'a> {
    status: Status,
    test_classes: usize,
    tests_run: usize,
    tests_passed: usize,
    tests_failed: usize,
    tests_errored: usize,
    /// Only when a `warn_only` test warned, as the text summary's eighth line.
    #[serde(skip_serializing_if = "Option::is_none")]
    tests_warned: Option<usize>,
    time: f64,
    /// As in the full report: an id names no test. Absent for a report without one.
    #[serde(skip_serializing_if = "str::is_empty")]
    run_id: &'a str,
    tier: Tier,
    /// The minimum of tests and how many were selected, when a minimum is set: they can make a
    /// run without failures `FAIL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    min_tests: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tests_selected: Option<usize>,
    /// Says why the names are missing.
    detail: &'a str,
}

/// A report (or its summary) and, after its keys, the report's age in seconds when it has one.
#[derive(Serialize)]
struct Aged<T> {
    #[serde(flatten)]
    report: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    age: Option<u64>,
}

fn render(report: &Report, options: &Options) -> String {
    let age = options.age_secs();
    // Numbers, strings, booleans and unit enums only: serialisation cannot fail.
    match options.detail {
        Detail::Full => serde_json::to_string(&Aged { report, age }),
        Detail::Summary => serde_json::to_string(&Aged {
            report: Summary {
                status: report.status,
                test_classes: report.test_classes,
                tests_run: report.tests_run,
                tests_passed: report.tests_passed,
                tests_failed: report.tests_failed,
                tests_errored: report.tests_errored,
                tests_warned: (report.tests_warned > 0).then_some(report.tests_warned),
                time: report.time,
                run_id: &report.run_id,
                tier: report.tier,
                min_tests: (report.min_tests > 0).then_some(report.min_tests),
                tests_selected: (report.min_tests > 0).then_some(report.tests_selected),
                detail: "summary",
            },
            age,
        }),
    }
    .expect("a report always serialises")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::outcome::Outcome;
    use crate::report::tests::{sample, test};

    #[test]
    fn json_has_the_contract_keys_and_round_trips() {
        let report = sample();
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["status"], "FAIL");
        assert_eq!(json["test_classes"], 2);
        assert_eq!(json["tests_run"], 4);
        assert_eq!(json["tests_passed"], 1);
        assert_eq!(json["tests_failed"], 2);
        assert_eq!(json["tests_errored"], 1);
        assert_eq!(
            json["failed_tests"],
            serde_json::json!(["app::smoke::A::b", "app::smoke::B::c"])
        );
        assert_eq!(
            json["errored_tests"],
            serde_json::json!(["app::smoke::B::z"])
        );
        assert_eq!(json["time"], 1200.307);
        assert_eq!(json["tests"][2]["outcome"], "failed");
        assert_eq!(json["tests"][0]["message"], serde_json::Value::Null);
        let back: Report = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn too_few_tests_shows_in_the_json_and_round_trips() {
        let report = Report::new(Tier::Fast, vec![], Duration::ZERO).require(1, 0);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["status"], "FAIL");
        assert_eq!(json["min_tests"], 1);
        assert_eq!(json["tests_selected"], 0);
        assert_eq!(json["tests_failed"], 0);
        let back: Report = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(back, report);
        assert!(back.too_few_tests());

        let summary = super::super::render(
            &report,
            super::super::Format::Json,
            &Options::new().detail(Detail::Summary),
        );
        assert!(
            summary.body.ends_with(
                r#","tier":"fast","min_tests":1,"tests_selected":0,"detail":"summary"}"#
            ),
            "{}",
            summary.body
        );

        // A report written before these keys existed reads back without a minimum.
        let mut old: serde_json::Value = serde_json::from_str(&sample().to_json()).unwrap();
        let object = old.as_object_mut().unwrap();
        object.remove("min_tests");
        object.remove("tests_selected");
        let old: Report = serde_json::from_value(old).unwrap();
        assert!(!old.too_few_tests());
        assert_eq!(old.min_tests, 0);
    }

    #[test]
    fn times_round_trip_exactly_through_json() {
        // Floats whose shortest representation serde_json's default parser would misread.
        let report = Report::new(Tier::Fast, vec![], Duration::from_nanos(10_948_443));
        let mut report = report;
        for time in [10.948443, 0.1 + 0.2, 1e-7, 123_456.789_012_345] {
            report.time = time;
            let back: Report = serde_json::from_str(&report.to_json()).unwrap();
            assert_eq!(back.time.to_bits(), time.to_bits(), "{time}");
        }
    }

    #[test]
    fn output_is_in_the_json_details_only_when_there_is_some() {
        let mut report = sample();
        report.tests[1].output = vec!["INFO app::smoke: hello".into()];
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(
            json["tests"][1]["output"],
            serde_json::json!(["INFO app::smoke: hello"])
        );
        assert!(json["tests"][0].get("output").is_none());
        let back: Report = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn hostile_messages_stay_inside_their_strings() {
        let hostile = "\"},\"status\":\"PASS\",\"x\":{\"\u{1b}[2J\u{0}\n\r\u{2028}</script>";
        let mut report = sample();
        report.tests[1].message = Some(hostile.to_owned());
        let json = report.to_json();
        // Every control character is a JSON escape: the document is one line.
        assert!(!json.chars().any(char::is_control), "{json}");
        assert!(
            json.contains(r#""message":"\"},\"status\":\"PASS\",\"x\":{\"\u001b[2J\u0000\n\r"#)
        );
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back.tests[1].message.as_deref(), Some(hostile));
        assert_eq!(back.status, crate::report::Status::Fail);
    }
    /// Two warned tests among the sample's; one retried, one with an owner, a runbook and tags.
    fn with_warned() -> Report {
        let mut tests = sample().tests;
        for (name, message) in [("app::smoke::C::w", "late"), ("app::smoke::C::v", "slow")] {
            tests.push(test(name, "app::smoke::C", Outcome::Warned, Some(message)));
        }
        tests[0].attempts = 3;
        let mut report = Report::new(Tier::Fast, tests, Duration::from_micros(1_200_307));
        let owned = &mut report.tests[1];
        owned.owner = Some("team-payments".into());
        owned.runbook = Some("https://runbooks.example.com/pay".into());
        owned.tags = vec!["ready".into(), "db".into()];
        report.warnings = vec!["excluded name \"x\" matches no test".into()];
        report
    }

    #[test]
    fn warned_tests_follow_the_errored_ones_in_the_keys_and_round_trip() {
        let report = with_warned();
        let json = report.to_json();
        assert!(
            json.starts_with(
                "{\"status\":\"FAIL\",\"test_classes\":3,\"tests_run\":6,\"tests_passed\":1,\
                 \"tests_failed\":2,\"tests_errored\":1,\"tests_warned\":2,\
                 \"failed_tests\":[\"app::smoke::A::b\",\"app::smoke::B::c\"],\
                 \"errored_tests\":[\"app::smoke::B::z\"],\
                 \"warned_tests\":[\"app::smoke::C::v\",\"app::smoke::C::w\"],\"time\":1200.307,"
            ),
            "{json}"
        );
        assert!(
            json.contains(
                ",\"warnings\":[\"excluded name \\\"x\\\" matches no test\"],\"tests\":[{"
            ),
            "{json}"
        );
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn per_test_attempts_owner_runbook_and_tags_are_in_the_details() {
        let raw = with_warned().to_json();
        // In the order of `TestReport`'s fields, after the ones that were always there.
        assert!(
            raw.contains(
                "{\"name\":\"app::smoke::A::b\",\"suite\":\"app::smoke::A\",\"outcome\":\"failed\",\
                 \"time\":1.5,\"message\":\"1 != 2\",\"location\":\"src/smoke.rs:7\",\"slow\":false,\
                 \"rolled_back\":false,\"attempts\":1,\"tags\":[\"ready\",\"db\"],\
                 \"owner\":\"team-payments\",\"runbook\":\"https://runbooks.example.com/pay\"}"
            ),
            "{raw}"
        );
        let json: serde_json::Value = serde_json::from_str(&raw).unwrap();
        let tests = json["tests"].as_array().unwrap();
        assert_eq!(tests[0]["name"], "app::smoke::A::a");
        assert_eq!(tests[0]["attempts"], 3);
        assert_eq!(tests[4]["outcome"], "warned");
        assert_eq!(tests[4]["message"], "slow");
        // No metadata, no keys, but attempts always.
        assert_eq!(tests[2].get("owner"), None);
        assert_eq!(tests[2].get("tags"), None);
        assert_eq!(tests[2]["attempts"], 1);
    }

    #[test]
    fn a_report_without_the_warned_keys_reads_back_with_none_warned() {
        let new = sample();
        let mut old: serde_json::Value = serde_json::from_str(&new.to_json()).unwrap();
        let object = old.as_object_mut().unwrap();
        assert_eq!(object.remove("run_id"), Some(serde_json::json!(new.run_id)));
        assert_eq!(object.remove("tests_warned"), Some(serde_json::json!(0)));
        assert_eq!(object.remove("warned_tests"), Some(serde_json::json!([])));
        assert_eq!(object.get("warnings"), None);
        for test in object["tests"].as_array_mut().unwrap() {
            test.as_object_mut().unwrap().remove("attempts");
        }
        let old: Report = serde_json::from_value(old).unwrap();
        assert_eq!(old.run_id, "");
        assert_eq!(
            Report {
                run_id: new.run_id.clone(),
                ..old
            },
            new
        );
    }

    #[test]
    fn a_summary_has_the_warned_count_only_when_a_test_warned() {
        let summary = |report: &Report| {
            super::super::render(
                report,
                super::super::Format::Json,
                &Options::new().detail(Detail::Summary),
            )
            .body
        };
        assert_eq!(
            summary(&with_warned()),
            "{\"status\":\"FAIL\",\"test_classes\":3,\"tests_run\":6,\"tests_passed\":1,\
             \"tests_failed\":2,\"tests_errored\":1,\"tests_warned\":2,\"time\":1200.307,\
             \"tier\":\"fast\",\"detail\":\"summary\"}"
        );
        assert_eq!(
            summary(&sample()),
            "{\"status\":\"FAIL\",\"test_classes\":2,\"tests_run\":4,\"tests_passed\":1,\
             \"tests_failed\":2,\"tests_errored\":1,\"time\":1200.307,\
             \"run_id\":\"0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b\",\"tier\":\"fast\",\
             \"detail\":\"summary\"}"
        );
    }
}
