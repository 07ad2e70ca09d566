//! `examples/kubernetes/`: the manifests validate against Kubernetes' schemas
//! (`kubernetes-validate`), the alert rules pass `promtool check rules` and their unit tests
//! (`promtool test rules`), the PrometheusRule carries the same rules, and the paths that the
//! probes and the ServiceMonitor ask for are served by the example binary, started with a token
//! as the Deployment starts it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use example_common::testing::{Server, external_tool, probes_in_yaml, readme_probes};

const BINARY: &str = env!("CARGO_BIN_EXE_example-axum");
const PROMTOOL_INSTALL: &str = "apt-get update && apt-get install -y prometheus";
const VALIDATE_INSTALL: &str = "python3 -m pip install kubernetes-validate==1.37.0";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../kubernetes")
}

fn read(name: &str) -> String {
    let path = dir().join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn run(program: &str, args: &[&str], cwd: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {program}: {error}"))
}

/// stdout and stderr together, for exact comparisons and messages.
fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_alert_rules_pass_promtool_check_and_their_unit_tests() {
    let test = "the_alert_rules_pass_promtool_check_and_their_unit_tests";
    if !external_tool(test, "promtool", PROMTOOL_INSTALL) {
        return;
    }
    let rules = dir().join("prometheus");
    let checked = run("promtool", &["check", "rules", "alerts.yml"], &rules);
    assert_eq!(
        (checked.status.code(), said(&checked).as_str()),
        (Some(0), "Checking alerts.yml\n  SUCCESS: 6 rules found\n\n")
    );
    let tested = run("promtool", &["test", "rules", "alerts.test.yml"], &rules);
    assert_eq!(
        (tested.status.code(), said(&tested).as_str()),
        (Some(0), "Unit Testing:  alerts.test.yml\n  SUCCESS\n\n")
    );
}

#[test]
fn the_prometheusrule_carries_the_rules_of_alerts_yml() {
    let rules = read("prometheus/alerts.yml");
    let groups = &rules[rules.find("\ngroups:").expect("alerts.yml has `groups:`") + 1..];
    let resource = read("prometheusrule.yaml");
    let (head, spec) = resource
        .split_once("\nspec:\n")
        .expect("prometheusrule.yaml has a `spec:`");
    assert!(
        head.contains("\nkind: PrometheusRule\n")
            && head.contains("\napiVersion: monitoring.coreos.com/v1\n"),
        "{head}"
    );
    let dedented: String = spec
        .split_inclusive('\n')
        .map(|line| {
            line.strip_prefix("  ").unwrap_or_else(|| {
                assert_eq!(line.trim(), "", "a line of spec not indented: {line:?}");
                line
            })
        })
        .collect();
    assert!(
        dedented == groups,
        "prometheusrule.yaml's spec is not prometheus/alerts.yml's groups: copy them over, \
         indented by two spaces"
    );
}

#[test]
fn the_manifests_validate_against_kubernetes_schemas() {
    let test = "the_manifests_validate_against_kubernetes_schemas";
    if !external_tool(test, "kubernetes-validate", VALIDATE_INSTALL) {
        return;
    }
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .expect("examples/kubernetes is a directory")
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "deployment.yaml",
            "prometheusrule.yaml",
            "service.yaml",
            "servicemonitor.yaml"
        ]
    );
    let mut args = vec!["--strict", "--kubernetes-version", "1.37.0"];
    args.extend(files.iter().map(String::as_str));
    let output = run("kubernetes-validate", &args, &dir());
    // The plain resources strictly (no unknown field); the Prometheus Operator's resources have
    // no schema there, which it says: the rules are checked by promtool above, the
    // ServiceMonitor's endpoints against the server below.
    let version = "1.37";
    let crd = |file: &str, kind: &str| {
        format!(
            "WARN {file} Couldn't find schema for kind {kind} with api version \
             monitoring.coreos.com/v1 for kubernetes version {version}\n"
        )
    };
    let expected = format!(
        "INFO deployment.yaml passed for resource deployment/bookshop against version \
         {version}\n{}INFO service.yaml passed for resource service/bookshop against version \
         {version}\n{}",
        crd("prometheusrule.yaml", "PrometheusRule"),
        crd("servicemonitor.yaml", "ServiceMonitor"),
    );
    assert_eq!((output.status.code(), said(&output)), (Some(0), expected));

    // And it does refuse a field Kubernetes does not know.
    let bad = std::env::temp_dir().join(format!("smoketest-bad-{}.yaml", std::process::id()));
    std::fs::write(
        &bad,
        read("service.yaml").replace("  selector:\n", "  selektor: {}\n  selector:\n"),
    )
    .expect("a temporary file");
    let refused = run(
        "kubernetes-validate",
        &[
            "--strict",
            "--kubernetes-version",
            "1.37.0",
            &bad.to_string_lossy(),
        ],
        &dir(),
    );
    let _ = std::fs::remove_file(&bad);
    assert_eq!(refused.status.code(), Some(1), "{}", said(&refused));
    assert!(
        said(&refused).contains("('selektor' was unexpected)"),
        "{}",
        said(&refused)
    );
}

/// The `path:` values of the ServiceMonitor's endpoints, and that each asks for
/// `format: [prometheus]` with the token of the Secret the Deployment reads.
fn scrape_paths(monitor: &str) -> Vec<String> {
    let endpoints = monitor
        .split_once("\n  endpoints:\n")
        .expect("servicemonitor.yaml has endpoints")
        .1;
    endpoints
        .split("\n    - ")
        .map(|endpoint| {
            for line in [
                "port: http",
                "format: [prometheus]",
                "name: bookshop-smoketest",
                "key: token",
            ] {
                assert!(endpoint.contains(line), "{line:?} in {endpoint}");
            }
            let path = endpoint
                .lines()
                .find_map(|line| line.trim().strip_prefix("path: "))
                .unwrap_or_else(|| panic!("an endpoint without a path: {endpoint}"));
            path.to_owned()
        })
        .collect()
}

#[test]
fn the_probes_and_scrapes_of_the_manifests_are_served_with_a_token() {
    let deployment = read("deployment.yaml");
    let probes = probes_in_yaml(&deployment, false);
    let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    assert_eq!(probes, readme_probes(readme), "the README's probes");
    for (secret, key) in [
        ("name: SMOKETEST_TOKEN", "key: token"),
        ("name: DATABASE_URL", "key: database-url"),
    ] {
        let env = deployment
            .split_once(secret)
            .unwrap_or_else(|| panic!("no {secret} in deployment.yaml"))
            .1;
        assert!(
            env.trim_start()
                .starts_with(&format!("valueFrom:\n                secretKeyRef:\n                  name: bookshop-smoketest\n                  {key}")),
            "{secret} comes from the Secret bookshop-smoketest: {env}"
        );
    }
    let paths = scrape_paths(&read("servicemonitor.yaml"));
    assert_eq!(paths, ["/smoketest/", "/smoketest/slow/"]);

    let token = "k8s-token-from-a-secret";
    let mut server = Server::spawn_with_env(BINARY, &[], &[("SMOKETEST_TOKEN", token)]);
    // The kubelet sends no token: the same status, a summary without names.
    for (kind, path) in &probes {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{kind} {path}: {body}");
        assert!(body.starts_with("PASS\ntest classes: "), "{kind}: {body}");
        assert!(!body.contains("smoketest_demo::"), "{kind}: {body}");
    }
    let bearer = format!("Bearer {token}");
    for path in &paths {
        let scrape = format!("{path}?format=prometheus");
        let (status, body) = server.request_with("GET", &scrape, &[("authorization", &bearer)]);
        assert_eq!(status, 200, "{scrape}: {body}");
        assert!(
            body.contains("\nsmoketest_test_passed{tier=\""),
            "{scrape}: per-test series with the token: {body}"
        );
        let (status, anonymous) = server.get(&scrape);
        assert_eq!(status, 200, "{scrape}: {anonymous}");
        assert!(
            anonymous.starts_with("# smoketest run id ")
                && anonymous.contains("\n# HELP smoketest_run_passed ")
                && !anonymous.contains("smoketest_test_passed"),
            "{scrape}: run totals only without the token: {anonymous}"
        );
        let (status, _) = server.request_with("GET", &scrape, &[("authorization", "Bearer nope")]);
        assert_eq!(status, 401, "{scrape} with a wrong token");
    }
    let status = server.terminate();
    assert_eq!(status.code(), Some(0), "{status}");
}
