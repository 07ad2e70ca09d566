//! `application/health+json`, the format of the IETF draft "Health Check Response Format for
//! HTTP APIs" (draft-inadarei-api-health-check-06): the run's status, the service, and a check
//! per test with its time as the measurement.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{Detail, Options, Spec};
use crate::outcome::Outcome;
use crate::report::{Report, Status, TestReport};

pub(super) const SPEC: Spec = Spec {
    name: "health",
    content_type: "application/health+json",
    render,
};

/// The measurement every check reports: the test's time, as the draft's own `responseTime`.
const MEASUREMENT: &str = "responseTime";

/// The root object, its keys in the draft's order. `None` and empty fields are left out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Health<'a> {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    release_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    /// Absent in summary, which names no test.
    #[serde(skip_serializing_if = "Option::is_none")]
    checks: Option<BTreeMap<String, Vec<Check<'a>>>>,
}

/// One test, as a "component details" object of the draft.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Check<'a> {
    /// The exact test name, which the key had to give up its colons for.
    component_id: &'a str,
    component_type: &'static str,
    observed_value: f64,
    observed_unit: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Links<'a>>,
}

/// A check's links. `help` is the registered link relation (IANA) closest to a runbook; the
/// draft asks for registered relations or URIs, which a bare `runbook` is not.
#[derive(Serialize)]
struct Links<'a> {
    help: &'a str,
}

fn render(report: &Report, options: &Options) -> String {
    let service = options.service.as_deref();
    // Empty values are left out as unset ones are: see `Service`.
    let described = |pick: fn(&super::Service) -> &Option<String>| {
        service
            .and_then(|service| pick(service).as_deref())
            .filter(|value| !value.is_empty())
    };
    let health = Health {
        status: run_status(report),
        version: described(|service| &service.version),
        release_id: described(|service| &service.release_id),
        notes: notes(report),
        output: run_output(report),
        service_id: described(|service| &service.service_id),
        description: described(|service| &service.description),
        checks: (options.detail == Detail::Full).then(|| checks(report)),
    };
    // Strings, numbers and maps with string keys only: serialisation cannot fail.
    serde_json::to_string(&health).expect("a health report always serialises")
}

/// The draft's notes: `run id: <uuid>`, then the run's warnings. The draft's root object has
/// no key for an id of its own (only component details take extra keys), and a note is shown by
/// whatever shows the report.
fn notes(report: &Report) -> Vec<String> {
    let run_id = (!report.run_id.is_empty()).then(|| format!("run id: {}", report.run_id));
    run_id
        .into_iter()
        .chain(report.warnings.iter().cloned())
        .collect()
}

/// `fail` for a `FAIL` report, `warn` for a `PASS` one with warned tests, else `pass`.
fn run_status(report: &Report) -> &'static str {
    match report.status {
        Status::Fail => "fail",
        Status::Pass if report.tests_warned > 0 => "warn",
        Status::Pass => "pass",
    }
}

/// What made the run not pass, naming no test: `3 tests run: 1 failed, 1 errored, 1 warned`,
/// and `0 tests selected, fewer than the 1 required` when too few tests ran. `None` on a pass.
fn run_output(report: &Report) -> Option<String> {
    let mut parts = Vec::new();
    let counts = [
        (report.tests_failed, "failed"),
        (report.tests_errored, "errored"),
        (report.tests_warned, "warned"),
    ];
    let broken: Vec<String> = counts
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, word)| format!("{count} {word}"))
        .collect();
    if !broken.is_empty() {
        let noun = if report.tests_run == 1 {
            "test"
        } else {
            "tests"
        };
        parts.push(format!(
            "{} {noun} run: {}",
            report.tests_run,
            broken.join(", ")
        ));
    }
    parts.extend(report.too_few_tests_reason());
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// One check per test, keyed `"{componentName}:responseTime"`.
fn checks(report: &Report) -> BTreeMap<String, Vec<Check<'_>>> {
    let mut checks: BTreeMap<String, Vec<Check<'_>>> = BTreeMap::new();
    for test in &report.tests {
        let key = format!("{}:{MEASUREMENT}", component_name(&test.name));
        checks
            .entry(key)
            .or_default()
            .push(check(test, report.started.as_deref()));
    }
    checks
}

/// The draft's componentName for a test: its full name with `::`, and any other `:`, written
/// `.`, as neither part of a check's key may hold the colon that separates them.
fn component_name(test_name: &str) -> String {
    test_name.replace("::", ".").replace(':', ".")
}

fn check<'a>(test: &'a TestReport, started: Option<&'a str>) -> Check<'a> {
    let status = match test.outcome {
        Outcome::Passed => "pass",
        Outcome::Warned => "warn",
        Outcome::Failed | Outcome::Errored => "fail",
    };
    Check {
        component_id: &test.name,
        component_type: "component",
        observed_value: test.time,
        observed_unit: "ms",
        status,
        time: started,
        output: (test.outcome != Outcome::Passed).then(|| test_output(test)),
        links: test
            .runbook
            .as_deref()
            .map(|runbook| Links { help: runbook }),
    }
}

/// Why a test did not pass: its message and where it happened, `2 != 3 (at src/smoke.rs:7)`,
/// or its outcome when it has no message.
fn test_output(test: &TestReport) -> String {
    let mut output = test
        .message
        .clone()
        .unwrap_or_else(|| test.outcome.as_str().to_owned());
    if let Some(location) = &test.location {
        // Writing to a String cannot fail.
        let _ = write!(output, " (at {location})");
    }
    output
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::render::{self, Format, Service};
    use crate::report::tests::{RUN_ID, sample, test};
    use crate::tier::Tier;

    const STARTED: &str = "2018-01-17T03:36:48.007Z";

    fn health(report: &Report, options: &Options) -> String {
        let rendered = render::render(report, Format::Health, options);
        assert_eq!(rendered.content_type, "application/health+json");
        rendered.body
    }

    fn at_a_fixed_time(mut report: Report) -> Report {
        report.started = Some(STARTED.to_owned());
        report
    }

    #[test]
    fn a_failing_run_is_fail_with_a_check_per_test_and_the_output_of_each_broken_one() {
        let body = health(&at_a_fixed_time(sample()), &Options::new());
        let check = |name: &str, status: &str, output: Option<&str>| {
            let output = output.map_or(String::new(), |output| format!(r#","output":{output}"#));
            format!(
                r#""{key}:responseTime":[{{"componentId":"{name}","componentType":"component","observedValue":1.5,"observedUnit":"ms","status":"{status}","time":"{STARTED}"{output}}}]"#,
                key = name.replace("::", "."),
            )
        };
        let expected = format!(
            r#"{{"status":"fail","notes":["run id: {RUN_ID}"],"output":"4 tests run: 2 failed, 1 errored","checks":{{{},{},{},{}}}}}"#,
            check("app::smoke::A::a", "pass", None),
            check(
                "app::smoke::A::b",
                "fail",
                Some(r#""1 != 2 (at src/smoke.rs:7)""#)
            ),
            check(
                "app::smoke::B::c",
                "fail",
                Some(r#""no (at src/smoke.rs:7)""#)
            ),
            check(
                "app::smoke::B::z",
                "fail",
                Some(r#""panicked: x\ny (at src/smoke.rs:7)""#)
            ),
        );
        assert_eq!(body, expected);
    }

    #[test]
    fn a_passing_run_is_pass_with_the_service_and_no_output() {
        let mut passed = test("app::smoke::a", "app::smoke", Outcome::Passed, None);
        passed.time = 0.25;
        let report = at_a_fixed_time(Report::new(Tier::Fast, vec![passed], Duration::ZERO));
        let service = Service::new()
            .service_id("f03e522f-1f44-4062-9b55-9587f91c9c41")
            .version("1")
            .release_id("1.2.2")
            .description("health of authz service");
        assert_eq!(
            health(&report, &Options::new().service(service)),
            concat!(
                r#"{"status":"pass","version":"1","releaseId":"1.2.2","#,
                r#""serviceId":"f03e522f-1f44-4062-9b55-9587f91c9c41","#,
                r#""description":"health of authz service","checks":{"app.smoke.a:responseTime":"#,
                r#"[{"componentId":"app::smoke::a","componentType":"component","#,
                r#""observedValue":0.25,"observedUnit":"ms","status":"pass","#,
                r#""time":"2018-01-17T03:36:48.007Z"}]}}"#
            )
        );
    }

    #[test]
    fn a_warned_test_makes_a_passing_run_warn_and_its_runbook_is_a_help_link() {
        let mut warned = test(
            "app::smoke::flaky",
            "app::smoke",
            Outcome::Warned,
            Some("timed out after 2s"),
        );
        warned.runbook = Some("https://runbooks.example/flaky".into());
        warned.owner = Some("team-search".into());
        let passed = test("app::smoke::steady", "app::smoke", Outcome::Passed, None);
        let report = at_a_fixed_time(Report::new(
            Tier::Fast,
            vec![warned, passed],
            Duration::ZERO,
        ));
        assert_eq!(
            health(&report, &Options::new()),
            concat!(
                r#"{"status":"warn","output":"2 tests run: 1 warned","checks":{"#,
                r#""app.smoke.flaky:responseTime":[{"componentId":"app::smoke::flaky","#,
                r#""componentType":"component","observedValue":1.5,"observedUnit":"ms","#,
                r#""status":"warn","time":"2018-01-17T03:36:48.007Z","#,
                r#""output":"timed out after 2s (at src/smoke.rs:7)","#,
                r#""links":{"help":"https://runbooks.example/flaky"}}],"#,
                r#""app.smoke.steady:responseTime":[{"componentId":"app::smoke::steady","#,
                r#""componentType":"component","observedValue":1.5,"observedUnit":"ms","#,
                r#""status":"pass","time":"2018-01-17T03:36:48.007Z"}]}}"#
            )
        );
    }

    #[test]
    fn a_summary_has_the_status_the_service_the_counts_and_the_run_id_but_no_checks_or_warnings() {
        let mut report = at_a_fixed_time(sample());
        report.warnings = vec![r#"excluded name "app::smoke::gone" matches no test"#.into()];
        let options = Options::new()
            .detail(Detail::Summary)
            .service(Service::new().service_id("bookshop"));
        assert_eq!(
            health(&report, &options),
            format!(
                r#"{{"status":"fail","notes":["run id: {RUN_ID}"],"output":"4 tests run: 2 failed, 1 errored","serviceId":"bookshop"}}"#
            )
        );
    }

    #[test]
    fn warnings_are_notes_and_a_run_with_too_few_tests_says_why_it_fails() {
        let mut report = Report::new(Tier::Fast, vec![], Duration::ZERO).require(1, 0);
        report.started = None;
        report.warnings = vec![r#"excluded name "app::smoke::gone" matches no test"#.into()];
        assert_eq!(
            health(&report, &Options::new()),
            concat!(
                r#"{"status":"fail","notes":["excluded name \"app::smoke::gone\" matches no test"],"#,
                r#""output":"0 tests selected, fewer than the 1 required","checks":{}}"#
            )
        );
        let one = Report::new(
            Tier::Fast,
            vec![test("app::smoke::x", "app::smoke", Outcome::Failed, None)],
            Duration::ZERO,
        )
        .require(2, 1);
        let body = health(&one, &Options::new());
        assert!(
            body.starts_with(
                r#"{"status":"fail","output":"1 test run: 1 failed; 1 test selected, fewer than the 2 required","#
            ),
            "{body}"
        );
        // No message and no location: the outcome stands for the output.
        assert!(body.contains(r#""status":"fail","time":""#), "{body}");
        assert!(body.ends_with(r#","output":"failed"}]}}"#), "{body}");
    }

    #[test]
    fn colons_leave_the_component_name_and_names_that_meet_share_a_key() {
        assert_eq!(
            component_name("app::smoke::Db::counts"),
            "app.smoke.Db.counts"
        );
        assert_eq!(component_name("check:dns:::x"), "check.dns..x");
        let report = Report::new(
            Tier::Fast,
            vec![
                test("a::b", "a", Outcome::Passed, None),
                test("a:b", "a", Outcome::Passed, None),
            ],
            Duration::ZERO,
        );
        let body: serde_json::Value =
            serde_json::from_str(&health(&report, &Options::new())).unwrap();
        let checks = body["checks"].as_object().unwrap();
        assert_eq!(checks.len(), 1);
        let shared = checks["a.b:responseTime"].as_array().unwrap();
        let ids: Vec<&str> = shared
            .iter()
            .map(|check| check["componentId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["a::b", "a:b"]);
    }

    #[test]
    fn empty_service_fields_are_left_out() {
        let report = at_a_fixed_time(Report::new(Tier::Fast, vec![], Duration::ZERO));
        let service = Service::new()
            .version("")
            .release_id("abc123")
            .description("");
        assert_eq!(
            health(&report, &Options::new().service(service)),
            r#"{"status":"pass","releaseId":"abc123","checks":{}}"#
        );
    }

    #[test]
    fn hostile_messages_stay_inside_their_strings() {
        let hostile = "\"}],\"status\":\"pass\",\"x\":[{\"\u{1b}[2J\u{0}\n\u{2028}";
        let mut report = sample();
        report.tests[1].message = Some(hostile.to_owned());
        let body = health(&report, &Options::new());
        assert!(!body.chars().any(char::is_control), "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["status"], "fail");
        assert_eq!(
            json["checks"]["app.smoke.A.b:responseTime"][0]["output"],
            format!("{hostile} (at src/smoke.rs:7)")
        );
    }
}
