//! A real Prometheus server (Debian's `prometheus`) scraping the example binary every second,
//! with examples/kubernetes/prometheus/alerts.yml loaded: what its HTTP API answers about the
//! smoke tests, with the token and without.

use std::fmt::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use example_common::testing::{Server, external_tool, request};
use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_example-axum");
const TOKEN: &str = "prometheus-scrape-token";
/// How long Prometheus gets to start, scrape both targets and evaluate the rules.
const READY_BOUND: Duration = Duration::from_secs(20);

/// A running `prometheus` with a directory of its own. Dropping it kills the process (also when
/// the test panics) and removes the directory, showing Prometheus' log if the test failed.
struct Prometheus {
    child: Child,
    dir: PathBuf,
    addr: String,
}

impl Prometheus {
    /// Starts `prometheus` on a free port of 127.0.0.1 with `config` and its storage in `dir`.
    fn start(dir: PathBuf, config: &str) -> Prometheus {
        std::fs::create_dir_all(&dir).expect("a directory for Prometheus");
        let config_file = dir.join("prometheus.yml");
        std::fs::write(&config_file, config).expect("the configuration is written");
        // Free now; Prometheus binds it right after.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let log = std::fs::File::create(dir.join("log")).expect("a log file");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config_file.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start prometheus: {error}"));
        Prometheus { child, dir, addr }
    }

    /// `GET path` of Prometheus' HTTP API, its `data` once it answered 200 with
    /// `"status": "success"`, else `None` (not up yet).
    fn api(&self, path: &str) -> Option<Value> {
        // Connecting, not binding: a probe holding the port could make Prometheus fail to bind.
        if TcpStream::connect(&self.addr).is_err() {
            return None; // Nothing listens yet.
        }
        let (status, body) = request(&self.addr, "GET", path, &[]);
        if status != 200 {
            return None;
        }
        let answer: Value = serde_json::from_str(&body)
            .unwrap_or_else(|error| panic!("{path}: not JSON ({error}): {body}"));
        assert_eq!(answer["status"], "success", "{path}: {body}");
        Some(answer["data"].clone())
    }

    /// The samples of an instant query: each series' labels and value.
    fn query(&self, query: &str) -> Vec<(Value, String)> {
        let data = self
            .api(&format!("/api/v1/query?query={}", encode(query)))
            .unwrap_or_else(|| panic!("{query}: Prometheus does not answer"));
        assert_eq!(data["resultType"], "vector", "{query}: {data}");
        let mut samples: Vec<(Value, String)> = data["result"]
            .as_array()
            .expect("a vector")
            .iter()
            .map(|sample| {
                let value = sample["value"][1].as_str().expect("a value").to_owned();
                (sample["metric"].clone(), value)
            })
            .collect();
        samples.sort_by_key(|(labels, _)| labels.to_string());
        samples
    }

    /// Polls `check` every 200 ms until it returns `Some`, for at most [`READY_BOUND`].
    fn wait_for<T>(&self, what: &str, mut check: impl FnMut(&Prometheus) -> Option<T>) -> T {
        let deadline = Instant::now() + READY_BOUND;
        loop {
            if let Some(found) = check(self) {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within {READY_BOUND:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            eprintln!("prometheus log:\n{log}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `text` percent-encoded for a query string.
fn encode(text: &str) -> String {
    text.bytes().fold(String::new(), |mut out, byte| {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
        out
    })
}

/// Two jobs scraping the same instance every second: `smoketest` with the token, as the
/// ServiceMonitor of examples/kubernetes does, and `anonymous` without it.
fn config(target: &str, rules: &Path) -> String {
    format!(
        r#"global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: ["{rules}"]
scrape_configs:
  - job_name: smoketest
    metrics_path: /smoketest/
    params: {{ format: [prometheus] }}
    authorization: {{ type: Bearer, credentials: "{TOKEN}" }}
    static_configs: [{{ targets: ["{target}"] }}]
  - job_name: anonymous
    metrics_path: /smoketest/
    params: {{ format: [prometheus] }}
    static_configs: [{{ targets: ["{target}"] }}]
"#,
        rules = rules.display()
    )
}

#[test]
fn prometheus_scrapes_the_example_and_answers_for_every_test() {
    let test = "prometheus_scrapes_the_example_and_answers_for_every_test";
    if !external_tool(
        test,
        "prometheus",
        "apt-get update && apt-get install -y prometheus",
    ) {
        return;
    }
    let server = Server::spawn_with_env(BINARY, &[], &[("SMOKETEST_TOKEN", TOKEN)]);
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kubernetes/prometheus/alerts.yml");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "prometheus-{}-{}",
        std::process::id(),
        server.addr().replace([':', '.'], "-")
    ));
    let prometheus = Prometheus::start(dir, &config(server.addr(), &rules));

    let started = Instant::now();
    prometheus.wait_for("both targets up", |prometheus| {
        let targets = prometheus.api("/api/v1/targets?state=active")?;
        let health: Vec<(String, String)> = targets["activeTargets"]
            .as_array()?
            .iter()
            .map(|target| {
                (
                    target["labels"]["job"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    target["health"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let up = |job: &str| health.contains(&(job.to_owned(), "up".to_owned()));
        (up("smoketest") && up("anonymous")).then_some(())
    });
    let ready = started.elapsed();
    eprintln!("prometheus scraped both targets {ready:?} after it started");

    let instance = server.addr();
    assert_eq!(
        prometheus.query("smoketest_run_passed"),
        [
            (
                json!({"__name__": "smoketest_run_passed", "instance": instance,
                       "job": "anonymous", "tier": "fast"}),
                "1".to_owned()
            ),
            (
                json!({"__name__": "smoketest_run_passed", "instance": instance,
                       "job": "smoketest", "tier": "fast"}),
                "1".to_owned()
            ),
        ]
    );
    let name = "smoketest_demo::smoke::database_answers";
    let outcome = |outcome: &str, value: &str| {
        (
            json!({"__name__": "smoketest_test_outcome", "instance": instance,
                   "job": "smoketest", "tier": "fast", "suite": "smoketest_demo::smoke",
                   "test": name, "outcome": outcome}),
            value.to_owned(),
        )
    };
    // Only the job with the token has per-test series.
    assert_eq!(
        prometheus.query(&format!("smoketest_test_outcome{{test=\"{name}\"}}")),
        [
            outcome("errored", "0"),
            outcome("failed", "0"),
            outcome("passed", "1"),
            outcome("warned", "0"),
        ]
    );
    assert_eq!(
        prometheus.query("count by (job) (smoketest_test_passed == 1)"),
        [(json!({"job": "smoketest"}), "8".to_owned())]
    );
    assert_eq!(
        prometheus.query("smoketest_tests{outcome=\"passed\"}"),
        [
            (
                json!({"__name__": "smoketest_tests", "instance": instance, "job": "anonymous",
                       "tier": "fast", "outcome": "passed"}),
                "8".to_owned()
            ),
            (
                json!({"__name__": "smoketest_tests", "instance": instance, "job": "smoketest",
                       "tier": "fast", "outcome": "passed"}),
                "8".to_owned()
            ),
        ]
    );

    // The shipped rules load, evaluate without error on real series, and none fires or stays
    // pending for a healthy instance.
    let rules = prometheus.wait_for("the rules evaluated", |prometheus| {
        let data = prometheus.api("/api/v1/rules")?;
        let rules: Vec<Value> = data["groups"][0]["rules"].as_array()?.clone();
        let evaluated = rules.iter().all(|rule| {
            rule["lastEvaluation"]
                .as_str()
                .is_some_and(|at| !at.starts_with("0001-"))
        });
        (!rules.is_empty() && evaluated).then_some(rules)
    });
    let names: Vec<(&str, &str)> = rules
        .iter()
        .map(|rule| {
            (
                rule["name"].as_str().unwrap_or_default(),
                rule["health"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("SmokeTestFailing", "ok"),
            ("SmokeTestWarning", "ok"),
            ("SmokeTestSlowTierFailingAfterDeploy", "ok"),
            ("SmokeTestReportStale", "ok"),
            ("SmokeTestNotRunning", "ok"),
            ("SmokeTestNoTargets", "ok"),
        ]
    );
    // Evaluations before the first scrape saw no target at all (SmokeTestNoTargets pending):
    // the first evaluation with the targets up clears it.
    prometheus.wait_for("no alert firing or pending", |prometheus| {
        let alerts = prometheus.api("/api/v1/alerts")?;
        (alerts == json!({"alerts": []})).then_some(())
    });
    eprintln!("test done {:?} after Prometheus started", started.elapsed());
}
