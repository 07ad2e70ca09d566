//! The quickstart binary as a real process: `check` prints the report and exits with its status;
//! `serve` answers `/smoketest/` over HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Output, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_example-quickstart");

/// `example-quickstart ARGS`, with `PUBLIC_URL` set to `public_url` or unset.
fn quickstart(public_url: Option<&str>, args: &[&str]) -> Command {
    let mut command = Command::new(BINARY);
    command.args(args).env_remove("PUBLIC_URL");
    // The ambient selection variables would change which tests run.
    for name in ["SMOKETEST_APPS", "SMOKETEST_SKIP_APPS", "SMOKETEST_TAGS"] {
        command.env_remove(name);
    }
    if let Some(url) = public_url {
        command.env("PUBLIC_URL", url);
    }
    command
}

fn run(public_url: Option<&str>, args: &[&str]) -> Output {
    quickstart(public_url, args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {BINARY}: {error}"))
}

/// The report with its `time:` and `run id:` lines, which change every run, replaced by
/// `time: <ms>` and `run id: <uuid>`.
fn with_time_masked(report: &str) -> String {
    report
        .lines()
        .map(|line| match line.strip_prefix("time: ") {
            Some(time) => {
                let ms = time.strip_suffix("ms").expect("the time is in ms");
                assert!(ms.parse::<f64>().is_ok(), "bad time line {line:?}");
                "time: <ms>"
            }
            None => match line.strip_prefix("run id: ") {
                Some(id) => {
                    assert!(is_run_id(id), "bad run id line {line:?}");
                    "run id: <uuid>"
                }
                None => line,
            },
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Whether `id` is a run id: a UUID of version 7, hyphenated, in lower case.
fn is_run_id(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(at, byte)| match at {
            8 | 13 | 18 | 23 => byte == b'-',
            14 => byte == b'7',
            19 => matches!(byte, b'8' | b'9' | b'a' | b'b'),
            _ => byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte),
        })
}

/// The line of `src/smoke.rs` that holds `text`, as the report's `(at …)` names it.
fn line_in_smoke_rs(text: &str) -> usize {
    let source = include_str!("../src/smoke.rs");
    1 + source
        .lines()
        .position(|line| line.contains(text))
        .unwrap_or_else(|| panic!("src/smoke.rs has no line with {text:?}"))
}

const PASS: &str = "\
PASS
test classes: 1
tests run: 3
tests passed: 3
tests failed: 0
tests errored: 0
time: <ms>
run id: <uuid>
";

#[test]
fn check_passes_and_exits_0_when_the_deployment_is_complete() {
    let output = run(Some("https://notes.example"), &["check"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(with_time_masked(&stdout), PASS);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn check_fails_and_exits_1_naming_the_missing_variable() {
    let output = run(None, &["check"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let line = line_in_smoke_rs("smoketest::assert_true!(");
    assert_eq!(
        with_time_masked(&stdout),
        format!(
            "FAIL\ntest classes: 1\ntests run: 3\ntests passed: 2\ntests failed: 1\ntests errored: 0\n\
             time: <ms>\nrun id: <uuid>\n\n\
             example_quickstart::smoke::public_url_is_https failed: PUBLIC_URL must be an https \
             URL, is \"\": `config.public_url.starts_with(\"https://\")` is not true \
             (at examples/quickstart/src/smoke.rs:{line})\n"
        )
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn check_passes_its_flags_to_smoketest() {
    let output = run(Some("https://notes.example"), &["check", "--list"]);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "example_quickstart::smoke::can_add_a_note\n\
         example_quickstart::smoke::database_answers\n\
         example_quickstart::smoke::public_url_is_https\n"
    );
    assert_eq!(output.status.code(), Some(0));

    let output = run(Some("https://notes.example"), &["check", "--bogus"]);
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: unknown flag `--bogus` (see --help)\n"
    );
    assert_eq!(output.status.code(), Some(2));
}

/// A served quickstart, killed when dropped so a failing test leaves no server behind.
struct Server {
    child: Child,
    url: String,
    /// Kept open, so that anything the server prints later does not hit a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start(public_url: &str) -> Server {
        let mut child = quickstart(Some(public_url), &["serve", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {BINARY}: {error}"));
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server {
            child,
            url,
            _stdout: stdout,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn serve_answers_smoketest_with_the_report_and_the_rollback_leaves_no_note() {
    let server = Server::start("https://notes.example");
    let client = reqwest::Client::new();

    let response = client
        .get(format!("{}/smoketest/", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(with_time_masked(&response.text().await.unwrap()), PASS);

    // `can_add_a_note` inserted a note in a transaction that was rolled back.
    let notes = client
        .get(format!("{}/notes", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(notes.status(), 200);
    assert_eq!(notes.text().await.unwrap(), "1\n");
}

#[tokio::test]
async fn serve_answers_500_when_a_smoke_test_fails() {
    let server = Server::start("http://notes.example");
    let response = reqwest::get(format!("{}/smoketest/", server.url))
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let body = with_time_masked(&response.text().await.unwrap());
    assert!(
        body.starts_with("FAIL\n") && body.contains(
            "example_quickstart::smoke::public_url_is_https failed: PUBLIC_URL must be an https \
             URL, is \"http://notes.example\""
        ),
        "{body}"
    );
}
