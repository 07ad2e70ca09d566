//! Real servers on 127.0.0.1 for the gate to poll, and a way to run the real binary.
//!
//! The servers run on one tokio runtime kept for the test process; the tests themselves are
//! plain `#[test]` functions that wait for the `smoketest-gate` process they start.

#![allow(dead_code, unreachable_pub)]

pub mod tls;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::Body;
use smoketest_http::SmokeEndpoint;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

pub const GATE: &str = env!("CARGO_BIN_EXE_smoketest-gate");
pub const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/schema/junit.xsd");

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

fn listener() -> (std::net::TcpListener, SocketAddr) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    (listener, address)
}

/// Serves `router` over HTTP/1 with axum; returns `http://127.0.0.1:PORT`.
pub fn serve(router: Router) -> String {
    let (listener, address) = listener();
    runtime().spawn(async move {
        let listener = TcpListener::from_std(listener).unwrap();
        axum::serve(listener, router).await.unwrap();
    });
    format!("http://{address}")
}

/// A smoketest endpoint over `endpoint`, mounted at `/smoketest`, as a service serves it.
/// Returns the endpoint's URL, `http://127.0.0.1:PORT/smoketest/`.
pub fn smoke(endpoint: impl Into<SmokeEndpoint>) -> String {
    let service = smoketest_http::axum::service(endpoint);
    let origin = serve(Router::new().nest_service("/smoketest", service));
    format!("{origin}/smoketest/")
}

/// A check that counts its runs, to see how often an instance was asked.
pub fn counted(runs: &Arc<AtomicUsize>) -> impl Fn() + Send + Sync + 'static {
    let runs = Arc::clone(runs);
    move || {
        runs.fetch_add(1, Ordering::SeqCst);
    }
}

/// A server that answers every request with this status, headers and body.
pub fn fixed(status: u16, headers: &[(&str, &str)], body: &str) -> String {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let body = body.to_owned();
    let response = builder.body(()).unwrap();
    let router = Router::new().fallback(move || {
        let (parts, ()) = response.clone().into_parts();
        let body = body.clone();
        async move { http::Response::from_parts(parts, Body::from(body)) }
    });
    format!("{}/smoketest/", serve(router))
}

/// A URL where nothing listens: the port was just released.
pub fn closed_port() -> String {
    let (listener, address) = listener();
    drop(listener);
    format!("http://{address}/smoketest/")
}

/// What a [`silent`] server saw.
#[derive(Default)]
pub struct Silent {
    open: AtomicUsize,
    /// Connections accepted.
    pub accepted: AtomicUsize,
    /// The most connections open at once.
    pub most_open: AtomicUsize,
    /// The request lines received (`GET /smoketest/?n=3 HTTP/1.1`).
    pub requests: Mutex<BTreeSet<String>>,
}

/// A server that accepts connections, reads the requests, and never answers. Each connection
/// is counted open until the client closes it.
pub fn silent() -> (String, Arc<Silent>) {
    let (listener, address) = listener();
    let seen = Arc::new(Silent::default());
    let counters = Arc::clone(&seen);
    runtime().spawn(async move {
        let listener = TcpListener::from_std(listener).unwrap();
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                continue;
            };
            let seen = Arc::clone(&counters);
            seen.accepted.fetch_add(1, Ordering::SeqCst);
            let open = seen.open.fetch_add(1, Ordering::SeqCst) + 1;
            seen.most_open.fetch_max(open, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut received = Vec::new();
                let mut buffer = [0; 1024];
                // Until the client hangs up.
                while let Ok(read) = socket.read(&mut buffer).await {
                    if read == 0 {
                        break;
                    }
                    received.extend_from_slice(&buffer[..read]);
                    if let Some(end) = received.windows(2).position(|w| w == b"\r\n") {
                        let line = String::from_utf8_lossy(&received[..end]).into_owned();
                        seen.requests.lock().unwrap().insert(line);
                        received.clear();
                        received.extend_from_slice(b"seen");
                    }
                }
                seen.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (format!("http://{address}/smoketest/"), seen)
}

/// A server whose answer is a 200 with a JSON content type and `length` bytes of body (`None`:
/// without end), written as fast as the client reads.
pub fn flood(length: Option<usize>) -> String {
    let (listener, address) = listener();
    runtime().spawn(async move {
        let listener = TcpListener::from_std(listener).unwrap();
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let mut request = [0; 1024];
                let _ = socket.read(&mut request).await;
                let head = match length {
                    Some(length) => format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         content-length: {length}\r\n\r\n"
                    ),
                    None => "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                             connection: close\r\n\r\n"
                        .to_owned(),
                };
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = [b' '; 64 * 1024];
                let mut left = length.unwrap_or(usize::MAX);
                while left > 0 {
                    let part = left.min(chunk.len());
                    if socket.write_all(&chunk[..part]).await.is_err() {
                        return;
                    }
                    left -= part;
                }
            });
        }
    });
    format!("http://{address}/smoketest/")
}

/// Runs the gate with `args`, without the token variable unless `env` sets it, and without
/// proxies (the servers are on 127.0.0.1).
pub fn gate(args: &[&str], env: &[(&str, &str)]) -> Output {
    gate_in(args, env, None)
}

pub fn gate_in(args: &[&str], env: &[(&str, &str)], dir: Option<&Path>) -> Output {
    let mut command = Command::new(GATE);
    command.args(args);
    for variable in [
        "SMOKETEST_TOKEN",
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(variable);
    }
    command.envs(env.iter().copied());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    command.output().expect("the smoketest-gate binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// The table's lines cut into cells (they are separated by two spaces or more), after checking
/// that every column starts at the same place in every line.
pub fn cells(table: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = table.lines().collect();
    let header = lines.first().expect("a header line");
    let starts: Vec<usize> = ["INSTANCE", "STATUS", "TESTS", "TIME", "RUN ID", "DETAIL"]
        .iter()
        .map(|name| header.find(name).expect("every column in the header"))
        .collect();
    lines
        .iter()
        .map(|line| {
            let chars: Vec<char> = line.chars().collect();
            starts
                .iter()
                .enumerate()
                .map(|(column, &start)| {
                    let end = starts.get(column + 1).copied().unwrap_or(chars.len());
                    assert!(
                        start == 0 || chars[start - 1] == ' ',
                        "column {column} does not start at {start} in {line:?}"
                    );
                    let cell: String = chars[start..end.min(chars.len())].iter().collect();
                    let cell = cell.trim_end().to_owned();
                    assert!(!cell.starts_with(' '), "misaligned cell in {line:?}");
                    cell
                })
                .collect()
        })
        .collect()
}

/// Whether `text` is a UUID of version 7, as smoketest's run ids are.
pub fn is_run_id(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && text.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        && groups[2].starts_with('7')
}

/// Whether `text` is a time cell: milliseconds with one decimal.
pub fn is_time(text: &str) -> bool {
    text.strip_suffix("ms")
        .and_then(|number| number.split_once('.'))
        .is_some_and(|(whole, tenths)| {
            !whole.is_empty()
                && whole.chars().all(|c| c.is_ascii_digit())
                && tenths.len() == 1
                && tenths.chars().all(|c| c.is_ascii_digit())
        })
}

/// A fresh path for a JUnit file, under cargo's scratch directory for integration tests.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("smoketest-gate");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

/// Validates the file with `xmllint --schema` against the JUnit schema smoketest's own JUnit
/// files are checked with (Debian's `libxml2-utils`). Without xmllint: under CI (`CI=true`) the
/// test fails saying how to install it; elsewhere the validation is skipped, loudly on stderr,
/// and the test goes on with its own checks of the document.
pub fn assert_valid_junit(path: &Path) {
    let install = "apt-get update && apt-get install -y libxml2-utils";
    let output = match Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA])
        .arg(path)
        .output()
    {
        Ok(output) => output,
        Err(error) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("xmllint does not run ({error}); install it with `{install}`")
        }
        Err(error) => {
            // Straight to stderr, past the test harness's capture: a skip is said even when the
            // test passes.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED schema validation of {}: xmllint does not run ({error}); install \
                 it with `{install}` ***\n",
                path.display()
            );
            return;
        }
    };
    assert!(
        output.status.success(),
        "{} does not validate against {SCHEMA}:\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}
