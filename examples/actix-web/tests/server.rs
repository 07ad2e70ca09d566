//! The built `example-actix-web` binary: serves the demo's smoke tests and its own route, and stops
//! cleanly on SIGTERM.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server process, killed if a test fails before it is stopped.
struct Server {
    child: Child,
    origin: String,
    db: PathBuf,
}

impl Server {
    /// Starts the binary on an ephemeral port with a fresh database and waits for its
    /// `listening on` line.
    fn start(name: &str) -> Server {
        let db = std::env::temp_dir().join(format!(
            "example-actix-web-{name}-{}.sqlite3",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&db);
        let mut child = Command::new(env!("CARGO_BIN_EXE_example-actix-web"))
            .args(["--addr", "127.0.0.1:0"])
            .env("SMOKETEST_DEMO_DB", &db)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the example binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server prints a line");
        let origin = line
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
        assert!(
            !origin.ends_with(":0"),
            "the real port is printed: {origin}"
        );
        Server { child, origin, db }
    }

    /// Sends `signal` (`-TERM`, `-INT`) and waits up to `limit` for the process to exit.
    fn stop(&mut self, signal: &str, limit: Duration) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited on") {
                return status;
            }
            assert!(
                start.elapsed() < limit,
                "the server did not exit within {limit:?} of kill {signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.db);
    }
}

async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.expect("a text body"))
}

fn first_lines(body: &str, n: usize) -> Vec<&str> {
    body.lines().take(n).collect()
}

#[tokio::test]
async fn serves_the_demo_smoke_tests_and_stops_on_sigterm() {
    let mut server = Server::start("serves");
    let client = reqwest::Client::new();

    let (status, body) = get(&client, &format!("{}/smoketest/", server.origin)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        first_lines(&body, 3),
        ["PASS", "test classes: 3", "tests run: 8"]
    );

    let (status, body) = get(&client, &format!("{}/smoketest/slow/", server.origin)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        first_lines(&body, 3)[..],
        ["PASS", "test classes: 3", "tests run: 10"][..]
    );

    let (status, body) = get(&client, &format!("{}/smoketest", server.origin)).await;
    assert_eq!((status, first_lines(&body, 1)), (200, vec!["PASS"]));

    let (status, body) = get(&client, &format!("{}/", server.origin)).await;
    assert_eq!((status, body.as_str()), (200, "bookshop is up\n"));

    // actix's graceful stop waits for open connections, idle keep-alive ones included (they close
    // after 5 s); a client that has hung up lets it stop at once. The wait blocks, so it runs off
    // this runtime, which has to stay free to close the client's connection.
    drop(client);
    let status = tokio::task::spawn_blocking(move || server.stop("-TERM", Duration::from_secs(5)))
        .await
        .expect("the wait does not panic");
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn stops_on_sigterm_right_after_start() {
    let mut server = Server::start("sigterm");
    let status = server.stop("-TERM", Duration::from_secs(5));
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn stops_on_ctrl_c() {
    let mut server = Server::start("sigint");
    let status = server.stop("-INT", Duration::from_secs(5));
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn a_bad_addr_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_example-actix-web"))
        .args(["--addr", "not-an-address"])
        .output()
        .expect("the example binary starts");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--addr"), "{stderr}");
}
