//! The built `example-warp` binary: serves the demo's smoke tests and its own route, and exits 0
//! on SIGTERM.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The server process, killed if a test fails before it exits, and its database file.
struct Server {
    child: Child,
    db: PathBuf,
    /// `127.0.0.1:PORT`, from the `listening on http://...` line.
    addr: String,
}

impl Server {
    fn start() -> Server {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let db = std::env::temp_dir().join(format!(
            "example-warp-{}-{nanos}.sqlite3",
            std::process::id()
        ));
        let mut child = Command::new(env!("CARGO_BIN_EXE_example-warp"))
            .args(["--addr", "127.0.0.1:0"])
            .env("SMOKETEST_DEMO_DB", &db)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start example-warp");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .trim_end()
            .to_owned();
        Server { child, db, addr }
    }

    /// `GET path` over a fresh connection: the status code and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, body.to_owned())
    }

    /// Sends `signal` (`"-TERM"`, `"-INT"`) and waits for the exit.
    fn signal(&mut self, signal: &str) -> ExitStatus {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "example-warp still running 5 s after kill {signal}"
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

fn first_lines(body: &str, count: usize) -> Vec<&str> {
    body.lines().take(count).collect()
}

#[test]
fn serves_the_smoke_tests_and_the_bookshop_then_exits_0_on_sigterm() {
    let mut server = Server::start();

    let (status, body) = server.get("/smoketest/");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        first_lines(&body, 3),
        ["PASS", "test classes: 3", "tests run: 8"]
    );

    let (status, body) = server.get("/smoketest/slow/");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        first_lines(&body, 3),
        ["PASS", "test classes: 3", "tests run: 10"]
    );

    assert_eq!(server.get("/"), (200, "bookshop is up\n".to_owned()));
    let (status, books) = server.get("/books");
    assert_eq!(status, 200);
    assert!(
        books
            .lines()
            .any(|title| title == "The Rust Programming Language"),
        "{books}"
    );

    let status = server.signal("-TERM");
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn exits_0_on_ctrl_c() {
    let mut server = Server::start();
    assert_eq!(server.get("/").0, 200);
    let status = server.signal("-INT");
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn a_bad_addr_is_a_usage_error() {
    for args in [&["--addr"][..], &["--addr", "nowhere"], &["--port", "80"]] {
        let output = Command::new(env!("CARGO_BIN_EXE_example-warp"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(output.stdout.is_empty());
    }
}
