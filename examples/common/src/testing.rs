//! Starts an example's built binary from its `tests/server.rs` and talks to it, with nothing but
//! `std`: one HTTP/1.1 request per connection, signals through `kill`.
//!
//! ```no_run
//! use example_common::testing::Server;
//!
//! // In a test: `env!("CARGO_BIN_EXE_example-axum")`.
//! # fn check(binary: &str) {
//! let mut server = Server::spawn(binary);
//! assert_eq!(server.get("/"), (200, "bookshop is up\n".to_owned()));
//! assert_eq!(server.terminate().code(), Some(0));
//! # }
//! ```

use std::fs::File;
use std::io::{BufRead as _, BufReader, ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a server gets to exit after a signal.
const EXIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a response may take; the slow tier runs every smoke test first.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
/// The header timeout [`check_half_sent_requests_are_closed`] starts a server with: short, so
/// that the test is quick.
const SHORT_HEADER_TIMEOUT: &str = "1s";
/// How long [`check_half_sent_requests_are_closed`] waits for the server to close the
/// connections: far above [`SHORT_HEADER_TIMEOUT`], so that only a server that does not close
/// them fails, however loaded the machine.
const CLOSE_BOUND: Duration = Duration::from_secs(20);

/// A running example binary with a database of its own. Dropping it kills the process (if a
/// test failed before stopping it) and removes the database.
pub struct Server {
    child: Child,
    /// Kept open so that the server never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
    name: String,
    db: PathBuf,
    /// Where the server's stderr goes, for [`Server::stderr`].
    stderr: PathBuf,
    addr: String,
}

impl Server {
    /// Starts `binary` (`env!("CARGO_BIN_EXE_...")`) with `--addr 127.0.0.1:0` and
    /// `SMOKETEST_DEMO_DB` set to a fresh file in the temporary directory (and `DATABASE_URL`,
    /// which would win over it, removed), and returns once it has printed
    /// `listening on http://ADDR`.
    ///
    /// The server's stderr goes to a file, read with [`Server::stderr`] (and shown if the test
    /// fails while the server runs).
    ///
    /// # Panics
    ///
    /// If the binary does not start or its first line is not the `listening on` line.
    pub fn spawn(binary: &str) -> Server {
        Server::spawn_with(binary, &[])
    }

    /// [`Server::spawn`], with `args` after `--addr 127.0.0.1:0`.
    ///
    /// # Panics
    ///
    /// As [`Server::spawn`].
    pub fn spawn_with(binary: &str, args: &[&str]) -> Server {
        Server::spawn_with_env(binary, args, &[])
    }

    /// [`Server::spawn_with`], with the environment variables `env` set for the server
    /// (e.g. [`TOKEN_VAR`](crate::TOKEN_VAR)).
    ///
    /// # Panics
    ///
    /// As [`Server::spawn`].
    pub fn spawn_with_env(binary: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        // Unique within the process (several tests start servers at once) and across runs.
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let name = program(binary);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let db = std::env::temp_dir().join(format!(
            "{name}-{}-{}-{nanos}.sqlite3",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed),
        ));
        let stderr = db.with_extension("stderr");
        let stderr_file = File::create(&stderr)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", stderr.display()));
        let mut child = Command::new(binary)
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .env("SMOKETEST_DEMO_DB", &db)
            .env_remove("DATABASE_URL")
            .env_remove(crate::TOKEN_VAR)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(stderr_file)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {binary}: {error}"));
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .unwrap_or_else(|error| panic!("cannot read the first line of {name}: {error}"));
        let Some(addr) = line.trim_end().strip_prefix("listening on http://") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{name} printed {line:?} instead of \"listening on http://ADDR\"");
        };
        let addr = addr.to_owned();
        Server {
            child,
            _stdout: stdout,
            name,
            db,
            stderr,
            addr,
        }
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read(&self.stderr)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_else(|error| format!("(cannot read {}: {error})", self.stderr.display()))
    }

    /// Sends `request` as raw bytes over a fresh connection and returns all the server sent
    /// until it closed the connection (send `connection: close`).
    ///
    /// # Panics
    ///
    /// If the server does not close the connection within 30 s.
    pub fn raw(&self, request: &str) -> String {
        let mut stream = self.connect();
        stream
            .set_read_timeout(Some(RESPONSE_TIMEOUT))
            .expect("a non-zero timeout");
        let mut response = Vec::new();
        stream
            .write_all(request.as_bytes())
            .and_then(|()| stream.read_to_end(&mut response))
            .unwrap_or_else(|error| panic!("{request:?}: {error}"));
        String::from_utf8_lossy(&response).into_owned()
    }

    fn connect(&self) -> TcpStream {
        TcpStream::connect(&self.addr)
            .unwrap_or_else(|error| panic!("cannot connect to {}: {error}", self.addr))
    }

    /// The address the server printed, `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// `GET path`: the status code and the body.
    pub fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path)
    }

    /// `method path` over a fresh connection (`Connection: close`): the status code and the body
    /// (decoded if chunked).
    ///
    /// # Panics
    ///
    /// If the server does not answer with a complete HTTP/1.1 response within 30 s.
    pub fn request(&self, method: &str, path: &str) -> (u16, String) {
        self.request_with(method, path, &[])
    }

    /// [`Server::request`] with the extra header lines `headers` (`("authorization", "Bearer
    /// t")`).
    ///
    /// # Panics
    ///
    /// As [`Server::request`].
    pub fn request_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        request(&self.addr, method, path, headers)
    }

    /// Sends SIGTERM and waits up to 5 s for the process to exit.
    ///
    /// # Panics
    ///
    /// If `kill` fails or the process is still running after 5 s.
    pub fn terminate(&mut self) -> ExitStatus {
        self.signal("-TERM")
    }

    /// Sends SIGINT (Ctrl-C) and waits up to 5 s for the process to exit.
    ///
    /// # Panics
    ///
    /// If `kill` fails or the process is still running after 5 s.
    pub fn interrupt(&mut self) -> ExitStatus {
        self.signal("-INT")
    }

    fn signal(&mut self, signal: &str) -> ExitStatus {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap_or_else(|error| panic!("cannot run kill: {error}"));
        assert!(killed.success(), "kill {signal} {pid}: {killed}");
        let deadline = Instant::now() + EXIT_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited on") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{} still running {EXIT_TIMEOUT:?} after kill {signal}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("{} stderr:\n{}", self.name, self.stderr());
        }
        let _ = std::fs::remove_file(&self.stderr);
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut path = self.db.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// `method path` to the HTTP/1.1 server at `addr` (`127.0.0.1:PORT`) over a fresh connection
/// (`Connection: close`), with the extra header lines `headers`: the status code and the body
/// (decoded if chunked).
///
/// # Panics
///
/// If the server does not answer with a complete HTTP/1.1 response within 30 s.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr)
        .unwrap_or_else(|error| panic!("cannot connect to {addr}: {error}"));
    stream
        .set_read_timeout(Some(RESPONSE_TIMEOUT))
        .expect("a non-zero timeout");
    let headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let request =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n");
    let mut response = String::new();
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.read_to_string(&mut response))
        .unwrap_or_else(|error| panic!("{method} {path}: {error}"));
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{method} {path}: no end of head in {response:?}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("{method} {path}: no status in {head:?}"));
    let chunked = head
        .lines()
        .any(|line| line.eq_ignore_ascii_case("transfer-encoding: chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, body)
}

/// Whether `program` runs (`program --version`). If it does not: under CI (`CI=true`) this
/// panics saying how to install it (`install`); elsewhere it says on stderr, loudly, that
/// `test` is skipped and how to install it, and returns `false`.
///
/// # Panics
///
/// Under CI, when `program` does not run.
pub fn external_tool(test: &str, program: &str, install: &str) -> bool {
    let error = match Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => return true,
        Ok(status) => format!("`{program} --version` ended with {status}"),
        Err(error) => format!("{program} does not run ({error})"),
    };
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{test}: {error}; install it with `{install}`");
    }
    // Straight to stderr, past the test harness's capture of `eprintln!`.
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED {test}: {error}; install it with `{install}` to run this test ***\n"
    );
    false
}

/// Declares, in an example's `tests/server.rs`, the tests of what its binary shares with every
/// example (the command line, the signals, the answer to a request target without a path, the
/// probes), each calling one `check_` function of this module:
/// `exits_0_on_sigterm_right_after_start`, `exits_0_on_ctrl_c`,
/// `help_prints_the_usage_and_exits_0`, `a_bad_argument_is_a_usage_error`,
/// `a_request_target_without_a_path_is_an_empty_404` and
/// `serves_the_kubernetes_probes_of_the_readme`.
///
/// ```no_run
/// // In tests/server.rs: `env!("CARGO_BIN_EXE_example-axum")`.
/// example_common::shared_binary_tests!("target/debug/example-axum");
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! shared_binary_tests {
    ($binary:expr) => {
        #[test]
        fn exits_0_on_sigterm_right_after_start() {
            $crate::testing::check_exits_0_on_sigterm_right_after_start($binary);
        }

        #[test]
        fn exits_0_on_ctrl_c() {
            $crate::testing::check_exits_0_on_ctrl_c($binary);
        }

        #[test]
        fn help_prints_the_usage_and_exits_0() {
            $crate::testing::check_help($binary);
        }

        #[test]
        fn a_bad_argument_is_a_usage_error() {
            $crate::testing::check_usage_errors($binary);
        }

        #[test]
        fn a_request_target_without_a_path_is_an_empty_404() {
            $crate::testing::check_no_path_is_an_empty_404($binary);
        }

        #[test]
        fn serves_the_kubernetes_probes_of_the_readme() {
            let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
            $crate::testing::check_kubernetes_probes($binary, readme);
        }
    };
}

/// Checks that `binary` answers a request whose target has no path — the authority form of a
/// proxy's `CONNECT host:443`, and the same form with `GET` — with an empty 404, as axum and
/// actix-web do by themselves, then goes on serving, without a panic on its stderr.
///
/// # Panics
///
/// If it does not.
pub fn check_no_path_is_an_empty_404(binary: &str) {
    let server = Server::spawn(binary);
    for request_line in ["CONNECT host:443 HTTP/1.1", "GET host:443 HTTP/1.1"] {
        let request = format!("{request_line}\r\nhost: host:443\r\nconnection: close\r\n\r\n");
        let response = server.raw(&request);
        assert_eq!(
            normalized(&response),
            "HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\ndate: <date>\r\n\r\n",
            "{request_line}: {response:?}"
        );
    }
    assert_eq!(server.get("/"), (200, "bookshop is up\n".to_owned()));
    let stderr = server.stderr();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Checks how `binary` ends requests that never finish, with `--header-timeout 1s`: 50
/// half-sent requests and 20 connections that send nothing are closed past the timeout after
/// `timed_out` ([`normalized`]; empty when the server closes without a word), and 20 that send
/// the start of HTTP/2's preface, which no HTTP/1.1 request starts with, get an empty 400 at once.
///
/// # Panics
///
/// If they are not.
pub fn check_unfinished_requests(binary: &str, timed_out: &str) {
    let closed = |count| vec![HalfSent::Closed(timed_out.to_owned()); count];
    assert_eq!(
        check_half_sent_requests_are_closed(binary, 50),
        closed(50),
        "half-sent requests"
    );
    assert_eq!(
        check_unfinished_requests_are_closed(binary, 20, b""),
        closed(20),
        "connections that send nothing"
    );
    let bad = "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\
               date: <date>\r\n\r\n";
    assert_eq!(
        check_unfinished_requests_are_closed(binary, 20, b"PRI * HTTP/2.0\r\n"),
        vec![HalfSent::Closed(bad.to_owned()); 20],
        "the start of HTTP/2's preface"
    );
}

/// How a connection that sent part of a request's head, never its end, ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HalfSent {
    /// The server closed it after sending this ([`normalized`]).
    Closed(String),
    /// The server reset it after sending this.
    Reset(String),
    /// Still open after 20 s; the server sent this meanwhile.
    Open(String),
}

/// Starts `binary` with `--header-timeout 1s`, opens `count` connections that each send a
/// request line and some headers but never the blank line ending them, checks that a complete
/// request on another connection is still answered, then waits up to 20 s for the server to end
/// the half-sent ones, and returns how each ended, in the order they were opened.
///
/// # Panics
///
/// If a connection cannot be made or written to, or the complete request is not answered.
pub fn check_half_sent_requests_are_closed(binary: &str, count: usize) -> Vec<HalfSent> {
    check_unfinished_requests_are_closed(
        binary,
        count,
        b"GET /smoketest/ HTTP/1.1\r\nhost: example\r\naccept: text/plain\r\n",
    )
}

/// As [`check_half_sent_requests_are_closed`], with connections that send `sent` and then
/// nothing: no byte at all, or the start of HTTP/2's preface, which a server guessing the
/// protocol would wait to complete.
///
/// # Panics
///
/// As [`check_half_sent_requests_are_closed`].
pub fn check_unfinished_requests_are_closed(
    binary: &str,
    count: usize,
    sent: &[u8],
) -> Vec<HalfSent> {
    let server = Server::spawn_with(binary, &["--header-timeout", SHORT_HEADER_TIMEOUT]);
    let half_sent: Vec<TcpStream> = (0..count)
        .map(|_| {
            let mut stream = server.connect();
            stream
                .write_all(sent)
                .unwrap_or_else(|error| panic!("cannot send the start of a request: {error}"));
            stream
        })
        .collect();
    assert_eq!(server.get("/"), (200, "bookshop is up\n".to_owned()));

    let deadline = Instant::now() + CLOSE_BOUND;
    half_sent
        .into_iter()
        .map(|mut stream| {
            let mut received = Vec::new();
            let mut buffer = [0; 1024];
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                let received_text = || normalized(&String::from_utf8_lossy(&received));
                if left.is_zero() {
                    return HalfSent::Open(received_text());
                }
                stream
                    .set_read_timeout(Some(left))
                    .expect("a non-zero timeout");
                match stream.read(&mut buffer) {
                    Ok(0) => return HalfSent::Closed(received_text()),
                    Ok(read) => received.extend_from_slice(&buffer[..read]),
                    Err(error) if error.kind() == ErrorKind::ConnectionReset => {
                        return HalfSent::Reset(received_text());
                    }
                    Err(error)
                        if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                    {
                        return HalfSent::Open(received_text());
                    }
                    Err(error) if error.kind() == ErrorKind::Interrupted => {}
                    Err(error) => panic!("reading a half-sent request's connection: {error}"),
                }
            }
        })
        .collect()
}

/// `response` with its header lines in a fixed order — names lower-cased, sorted — and the
/// value of its `date` header replaced by `<date>`: what is the same in every framework's answer.
///
/// ```
/// use example_common::testing::normalized;
///
/// assert_eq!(
///     normalized("HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 10:50:19 GMT\r\nContent-Length: 3\r\n\r\nok\n"),
///     "HTTP/1.1 200 OK\r\ncontent-length: 3\r\ndate: <date>\r\n\r\nok\n"
/// );
/// ```
pub fn normalized(response: &str) -> String {
    let Some((head, body)) = response.split_once("\r\n\r\n") else {
        return response.to_owned();
    };
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut headers: Vec<String> = lines
        .map(|line| match line.split_once(':') {
            Some((name, _)) if name.eq_ignore_ascii_case("date") => "date: <date>".to_owned(),
            Some((name, value)) => format!("{}: {}", name.to_ascii_lowercase(), value.trim()),
            None => line.to_owned(),
        })
        .collect();
    headers.sort();
    let mut normalized = format!("{status_line}\r\n");
    for header in headers {
        normalized.push_str(&header);
        normalized.push_str("\r\n");
    }
    normalized.push_str("\r\n");
    normalized.push_str(body);
    normalized
}

/// The demo's tests tagged `live`, as the Kubernetes text lists them.
const LIVE: [&str; 1] = ["smoketest_demo::smoke::currency_is_configured"];

/// The demo's tests tagged `ready`, as the Kubernetes text lists them (sorted by name).
const READY: [&str; 4] = [
    "smoketest_demo::smoke::FilesSuite::data_dir_is_writable",
    "smoketest_demo::smoke::currency_is_configured",
    "smoketest_demo::smoke::database_answers",
    "smoketest_demo::smoke::schema_version_matches",
];

/// The `[+]{name} ok` lines of `tests`, then `{group} check passed`.
fn passed(tests: &[&str], group: &str) -> String {
    let lines: String = tests.iter().map(|test| format!("[+]{test} ok\n")).collect();
    format!("{lines}{group} check passed\n")
}

/// Checks that `binary` serves the `live` and `ready` probe groups (the demo's tests tagged so,
/// in kube-apiserver's verbose text too), and that every probe `path` of the `yaml` blocks of
/// `readme`'s "Probes for Kubernetes" section — its `livenessProbe`, `readinessProbe` and
/// `startupProbe` — answers 200, as a probe of a healthy pod sees it.
///
/// # Panics
///
/// If it does not, or the section has not those three probes.
pub fn check_kubernetes_probes(binary: &str, readme: &str) {
    let mut server = Server::spawn(binary);
    for path in ["/smoketest/live/", "/smoketest/live"] {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(
            first_lines(&body, 3),
            ["PASS", "test classes: 1", "tests run: 1"],
            "{path}"
        );
    }
    let (status, body) = server.get("/smoketest/ready/");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        first_lines(&body, 3),
        ["PASS", "test classes: 2", "tests run: 4"]
    );
    assert_eq!(
        server.get("/smoketest/live/?verbose"),
        (200, passed(&LIVE, "live"))
    );
    assert_eq!(
        server.get("/smoketest/ready/?verbose"),
        (200, passed(&READY, "ready"))
    );
    assert_eq!(
        server.get("/smoketest/ready/?tag=db&verbose"),
        (200, passed(&READY[2..], "ready"))
    );

    let (status, body) = server.get("/smoketest/live/?format=health");
    assert_eq!(status, 200, "{body}");
    let described = format!(
        concat!(
            r#"{{"status":"pass","version":"{}","notes":["run id: <uuid>"],"serviceId":"bookshop","#,
            r#""description":"the demo bookshop","checks":{{"#,
            r#""smoketest_demo.smoke.currency_is_configured:responseTime":[{{"#,
            r#""componentId":"smoketest_demo::smoke::currency_is_configured","#,
            r#""componentType":"component","observedValue":"#,
        ),
        env!("CARGO_PKG_VERSION")
    );
    let run_id = body
        .split_once(r#""notes":["run id: "#)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(id, _)| id.to_owned())
        .unwrap_or_else(|| panic!("no run id note in {body}"));
    assert_eq!(run_id.len(), 36, "{run_id}");
    assert!(
        body.replace(&run_id, "<uuid>").starts_with(&described),
        "{body}"
    );

    let probes = readme_probes(readme);
    let kinds: Vec<&str> = probes.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["livenessProbe", "readinessProbe", "startupProbe"]);
    for (kind, path) in &probes {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{kind} {path}: {body}");
    }
    let status = server.terminate();
    assert_eq!(status.code(), Some(0), "{status}");
}

/// The probes of the `yaml` blocks in `readme`'s "Probes for Kubernetes" section: each
/// `…Probe:` key with the `path:` of its `httpGet`.
pub fn readme_probes(readme: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(readme)
        .unwrap_or_else(|error| panic!("cannot read {readme}: {error}"));
    let section = text
        .split("\n## ")
        .find(|section| section.starts_with("Probes for Kubernetes"))
        .unwrap_or_else(|| panic!("{readme} has no \"## Probes for Kubernetes\" section"));
    probes_in_yaml(section, true)
}

/// The probes of `text`: each `…Probe:` key with the `path:` of its `httpGet`, in the order
/// they come; with `fenced`, only those inside ```` ```yaml ```` blocks (of a Markdown text).
///
/// ```
/// let yaml = "livenessProbe:\n  httpGet:\n    path: /smoketest/live/\n";
/// assert_eq!(
///     example_common::testing::probes_in_yaml(yaml, false),
///     [("livenessProbe".to_owned(), "/smoketest/live/".to_owned())]
/// );
/// ```
pub fn probes_in_yaml(text: &str, fenced: bool) -> Vec<(String, String)> {
    let mut probes = Vec::new();
    let mut kind = None;
    let mut in_yaml = !fenced;
    for line in text.lines() {
        match line.trim() {
            "```yaml" => in_yaml = true,
            "```" => in_yaml = false,
            key if in_yaml && key.ends_with("Probe:") => {
                kind = Some(key.trim_end_matches(':').to_owned());
            }
            entry if in_yaml => {
                if let (Some(path), Some(kind)) = (entry.strip_prefix("path:"), &kind) {
                    probes.push((kind.clone(), path.trim().to_owned()));
                }
            }
            _ => {}
        }
    }
    probes
}

/// Checks that `binary`, started with [`Server::spawn`], exits 0 on a SIGTERM sent as soon as it
/// has announced its address: the signal handlers are installed before the announcement.
///
/// # Panics
///
/// If it does not.
pub fn check_exits_0_on_sigterm_right_after_start(binary: &str) {
    let status = Server::spawn(binary).terminate();
    assert_eq!(status.code(), Some(0), "{status}");
}

/// Checks that `binary`, started with [`Server::spawn`], answers `GET /` with 200, then exits 0
/// on Ctrl-C (SIGINT).
///
/// # Panics
///
/// If it does not.
pub fn check_exits_0_on_ctrl_c(binary: &str) {
    let mut server = Server::spawn(binary);
    assert_eq!(server.get("/").0, 200);
    let status = server.interrupt();
    assert_eq!(status.code(), Some(0), "{status}");
}

/// Checks that `binary`, like every example through [`run`](crate::run), prints the usage naming
/// the program on `--help` and `-h`, and exits 0.
///
/// # Panics
///
/// If it does not.
pub fn check_help(binary: &str) {
    let program = program(binary);
    for help in ["--help", "-h"] {
        let output = run(binary, &[help]);
        assert_eq!(output.status.code(), Some(0), "{help}");
        let stdout = String::from_utf8(output.stdout).expect("UTF-8 usage");
        let usage = format!("usage: {program} [--addr HOST:PORT] [--header-timeout DURATION]\n");
        assert!(stdout.starts_with(&usage), "{help}: {stdout}");
    }
}

/// Checks that `binary`, like every example through [`run`](crate::run), answers a missing, bad
/// or unknown argument with one line on stderr (`PROGRAM: ... (see --help)`), nothing on stdout,
/// and exit code 2.
///
/// # Panics
///
/// On the first argument list for which it does not.
pub fn check_usage_errors(binary: &str) {
    let program = program(binary);
    for args in [
        &["--addr"][..],
        &["--addr", "nowhere"],
        &["--addr", "not-an-address"],
        &["--port", "80"],
        &["--header-timeout", "soon"],
    ] {
        let output = run(binary, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).expect("a UTF-8 error");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with(&format!("{program}: ")), "{stderr}");
        assert!(stderr.ends_with(" (see --help)\n"), "{stderr}");
        assert!(stderr.contains(args[0]), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

/// The program name of `binary`, as its messages start with.
fn program(binary: &str) -> String {
    Path::new(binary).file_stem().map_or_else(
        || binary.to_owned(),
        |stem| stem.to_string_lossy().into_owned(),
    )
}

fn run(binary: &str, args: &[&str]) -> std::process::Output {
    Command::new(binary)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {binary}: {error}"))
}

/// The first `count` lines of `body`.
///
/// ```
/// assert_eq!(example_common::testing::first_lines("PASS\ntests run: 8\n", 1), ["PASS"]);
/// ```
pub fn first_lines(body: &str, count: usize) -> Vec<&str> {
    body.lines().take(count).collect()
}

/// A chunked body's content: each chunk is `SIZE-IN-HEX\r\nDATA\r\n`, the last one of size 0.
fn dechunk(mut chunked: &str) -> String {
    let mut body = String::new();
    while let Some((size, rest)) = chunked.split_once("\r\n") {
        let size = size.split(';').next().unwrap_or_default().trim();
        let size =
            usize::from_str_radix(size, 16).unwrap_or_else(|_| panic!("bad chunk size {size:?}"));
        if size == 0 {
            break;
        }
        let data = rest
            .get(..size)
            .unwrap_or_else(|| panic!("a chunk of {size} bytes cut short: {rest:?}"));
        body.push_str(data);
        chunked = rest[size..].strip_prefix("\r\n").unwrap_or(&rest[size..]);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_body_is_joined() {
        assert_eq!(
            dechunk("5\r\nhello\r\n7;x=1\r\n, world\r\n0\r\n\r\n"),
            "hello, world"
        );
    }
}
