//! The PostgreSQL the workspace's tests run against, with nothing to start by hand.
//!
//! [`url`] decides once per process, in this order:
//!
//! 1. `SMOKETEST_PG_URL`, when set: used as it is. If it doesn't answer, the test's first
//!    connection fails and [`connected_or_skip`] says so.
//! 2. [`DEFAULT_URL`], when something listens on its port (127.0.0.1:5432).
//! 3. Otherwise a throwaway [`Cluster`]: `initdb` into a temporary directory, then `postgres` on
//!    a free port of 127.0.0.1, with role `smoketest` (password `smoketest`) owning database
//!    `smoketest`. It is shared by the process's tests and removed when the process exits.
//!
//! Without any of them (no PostgreSQL binaries, or the cluster would not start) a test gets
//! `None` after a loud `SKIPPED:` line on stderr, or panics under `CI=true`.
//!
//! # Cleanup
//!
//! A test binary ends with `std::process::exit`, which runs no destructor of a static, and it
//! may be killed. So each cluster has a watchdog: a small `sh` process whose standard input is
//! a pipe held only by the test process. Once the test process is gone, however it went, the
//! pipe reads end-of-file and the watchdog stops the server (immediate shutdown) and removes the
//! directory. Watchdog and server run in process groups of their own, so a Ctrl-C aimed at the
//! test run reaches the watchdog only through the closed pipe, after the test process is gone.

use std::fmt::Display;
use std::fs::File;
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The environment variable naming the PostgreSQL to use instead of finding or starting one.
pub const URL_VAR: &str = "SMOKETEST_PG_URL";

/// The URL used when `SMOKETEST_PG_URL` is unset and a server listens on its port: the role and
/// database the README's manual setup creates.
pub const DEFAULT_URL: &str = "postgres://smoketest:smoketest@127.0.0.1:5432/smoketest";

/// What to do about a missing PostgreSQL, appended to every skip or failure message.
const HOW_TO_GET_ONE: &str = "install PostgreSQL's server binaries (Debian: apt-get install \
     postgresql), or point SMOKETEST_PG_URL at a PostgreSQL with role smoketest (password \
     smoketest) owning database smoketest";

/// How long a cluster may take to start before the attempt is given up.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The outcome of the one decision per process: a URL (and the cluster behind it, kept alive
/// until the process exits), or why there is none.
static CHOSEN: OnceLock<Result<(String, Option<Cluster>), String>> = OnceLock::new();

/// The URL of the PostgreSQL for this process's tests (see the crate documentation for which),
/// starting a throwaway cluster on the first call if needed; later calls wait for that start
/// and share the cluster.
///
/// `None` after printing `SKIPPED: …` straight to stderr (the test then returns); with
/// `CI=true` it panics instead. A URL is no promise that connecting works: pass the test's first
/// connection to [`connected_or_skip`].
pub fn url() -> Option<String> {
    match CHOSEN.get_or_init(choose) {
        Ok((url, _)) => Some(url.clone()),
        Err(reason) => {
            skip_or_fail(&format!("no PostgreSQL for the tests: {reason}"));
            None
        }
    }
}

/// The throwaway cluster [`url`] started in this process, if it started one.
pub fn throwaway() -> Option<&'static Cluster> {
    CHOSEN.get()?.as_ref().ok()?.1.as_ref()
}

/// The test's first connection to `url`, or, when it failed, `None` after a loud `SKIPPED:`
/// line on stderr (a panic under `CI=true`) naming the URL without its password and the error.
pub fn connected_or_skip<T, E: Display>(url: &str, connected: Result<T, E>) -> Option<T> {
    let error = match connected {
        Ok(value) => return Some(value),
        Err(error) => error,
    };
    // libpq's messages span lines.
    let error = error.to_string().trim().replace('\n', " ");
    skip_or_fail(&format!(
        "PostgreSQL not reachable at {} ({error})",
        redact_password(url)
    ));
    None
}

/// `url` with its password replaced by `password`, for tests of a refused login.
///
/// # Panics
///
/// If `url` has no `scheme://user…@host` form.
pub fn with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url
        .split_once("://")
        .unwrap_or_else(|| panic!("{} is not a URL", redact_password(url)));
    let (userinfo, host) = rest
        .split_once('@')
        .unwrap_or_else(|| panic!("{} has no user@host", redact_password(url)));
    let user = userinfo.split(':').next().unwrap_or(userinfo);
    format!("{scheme}://{user}:{password}@{host}")
}

/// Whether a TCP connection to `address` succeeds within a second.
pub fn answers(address: SocketAddr) -> bool {
    TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok()
}

fn choose() -> Result<(String, Option<Cluster>), String> {
    if let Some(url) = std::env::var(URL_VAR).ok().filter(|url| !url.is_empty()) {
        return Ok((url, None));
    }
    if answers(SocketAddr::from((Ipv4Addr::LOCALHOST, 5432))) {
        return Ok((DEFAULT_URL.to_owned(), None));
    }
    let started = Instant::now();
    let cluster = Cluster::start().map_err(|error| {
        format!(
            "{URL_VAR} is unset, nothing answers at 127.0.0.1:5432, and a throwaway cluster \
             could not be started: {error}"
        )
    })?;
    // Straight to stderr, like the skip lines: which PostgreSQL a run used is worth seeing.
    let _ = writeln!(
        std::io::stderr(),
        "note: {URL_VAR} is unset and nothing answers at 127.0.0.1:5432: started a throwaway \
         PostgreSQL at 127.0.0.1:{} in {:.2?} ({})",
        cluster.port,
        started.elapsed(),
        cluster.dir.display()
    );
    Ok((cluster.url().to_owned(), Some(cluster)))
}

/// What a test does without PostgreSQL: panics under `CI=true`; elsewhere prints
/// `SKIPPED: {reason}` and what to install straight to stderr (the test harness captures
/// `eprintln!` of passing tests), and the test then returns.
pub fn skip_or_fail(reason: &str) {
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{reason}; CI=true requires PostgreSQL: {HOW_TO_GET_ONE}");
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {reason}; to run these tests, {HOW_TO_GET_ONE}"
    );
}

/// `url` with the password of its `user:password@` part shown as `***`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// A PostgreSQL server of its own in a temporary directory, on a free port of 127.0.0.1, with
/// role `smoketest` (password `smoketest`, checked over TCP) owning database `smoketest`.
///
/// Dropping it stops the server and removes the directory, through the watchdog that also does
/// so when the process exits without dropping it (see the crate documentation).
#[derive(Debug)]
pub struct Cluster {
    url: String,
    port: u16,
    dir: PathBuf,
    bin_dir: PathBuf,
    postmaster: Child,
    /// The pipe whose closing tells the watchdog to clean up.
    watchdog: Option<ChildStdin>,
}

impl Cluster {
    /// Starts a cluster: `initdb`, the role and database (`postgres --single`), then the
    /// server, as the `postgres` user when this process runs as root (`initdb` refuses root).
    /// Takes a second or two. The error says which step failed, with the end of its log.
    pub fn start() -> Result<Cluster, String> {
        let bin_dir = find_bin_dir().ok_or(
            "no PostgreSQL server binaries (initdb and postgres) on PATH or in \
             /usr/lib/postgresql/*/bin",
        )?;
        let owner = if running_as_root()? {
            Some(postgres_user()?)
        } else {
            None
        };
        let dir = make_temp_dir(owner)?;
        // From here on, returning drops the pipe and the watchdog removes the directory.
        let watchdog = spawn_watchdog(&dir)?;
        let data = dir.join("data");
        let run = |program: &str| {
            let mut command = Command::new(bin_dir.join(program));
            // initdb, run as `postgres`, fails in a working directory it cannot read.
            command.current_dir(&dir);
            if let Some((uid, gid)) = owner {
                command.uid(uid).gid(gid);
            }
            command
        };

        let mut initdb = run("initdb");
        initdb
            .arg("--pgdata")
            .arg(&data)
            .args(["--username=postgres", "--auth=trust"])
            .args(["--encoding=UTF8", "--locale=C", "--no-sync"]);
        run_logged(&mut initdb, None, &dir.join("initdb.log"), "initdb")?;
        // Passwords over TCP, as on a real server: the tests check a wrong one is refused.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n",
        )
        .map_err(|error| format!("cannot write pg_hba.conf: {error}"))?;

        let mut single = run("postgres");
        single
            .arg("--single")
            .arg("-D")
            .arg(&data)
            // An error in a statement ends the session with a non-zero status.
            .args(["-c", "exit_on_error=on", "-c", "fsync=off", "postgres"]);
        run_logged(
            &mut single,
            Some(
                "CREATE ROLE smoketest LOGIN PASSWORD 'smoketest'\n\
                 CREATE DATABASE smoketest OWNER smoketest\n",
            ),
            &dir.join("single.log"),
            "creating the role and database (postgres --single)",
        )?;

        let deadline = Instant::now() + START_TIMEOUT;
        let log_path = dir.join("postgres.log");
        // The free port is found by binding port 0 and letting it go, so another process may
        // take it before the server binds it: then the server exits and another port is tried.
        for _ in 0..5 {
            let port = free_port()?;
            let log = File::create(&log_path)
                .map_err(|error| format!("cannot create {}: {error}", log_path.display()))?;
            let mut server = run("postgres");
            server
                .arg("-D")
                .arg(&data)
                .args(["-c", "listen_addresses=127.0.0.1", "-c"])
                .arg(format!("port={port}"))
                .arg("-c")
                .arg(format!("unix_socket_directories={}", dir.display()))
                .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
                .args(["-c", "full_page_writes=off", "-c", "shared_buffers=16MB"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .process_group(0);
            let mut postmaster = server
                .spawn()
                .map_err(|error| format!("cannot run postgres: {error}"))?;
            match wait_until_ready(&mut postmaster, &data, deadline) {
                Ok(()) => {
                    return Ok(Cluster {
                        url: format!("postgres://smoketest:smoketest@127.0.0.1:{port}/smoketest"),
                        port,
                        dir,
                        bin_dir,
                        postmaster,
                        watchdog: Some(watchdog),
                    });
                }
                Err(Exit::Exited) if log_tail(&log_path).contains("could not bind") => continue,
                Err(Exit::Exited) => {
                    return Err(format!(
                        "postgres exited while starting: {}",
                        log_tail(&log_path)
                    ));
                }
                Err(Exit::TimedOut) => {
                    let _ = postmaster.kill();
                    let _ = postmaster.wait();
                    return Err(format!(
                        "postgres not ready after {START_TIMEOUT:?}: {}",
                        log_tail(&log_path)
                    ));
                }
            }
        }
        Err("postgres could not bind a free port in 5 attempts".to_owned())
    }

    /// `postgres://smoketest:smoketest@127.0.0.1:{port}/smoketest`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The TCP port the server listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The temporary directory: the data directory `data/`, the Unix socket, and the logs.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The directory of the PostgreSQL programs the cluster runs (`psql` is usually there too).
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // The postmaster is this process's child, so its pid is still its own until reaped:
        // signal it (immediate shutdown) and reap it, then let the watchdog remove the directory.
        let _ = Command::new("kill")
            .args(["-QUIT", &self.postmaster.id().to_string()])
            .status();
        let _ = self.postmaster.wait();
        drop(self.watchdog.take());
    }
}

/// Why a server did not become ready.
enum Exit {
    Exited,
    TimedOut,
}

/// Waits until the server says in `postmaster.pid` that it accepts connections.
fn wait_until_ready(postmaster: &mut Child, data: &Path, deadline: Instant) -> Result<(), Exit> {
    loop {
        if !matches!(postmaster.try_wait(), Ok(None)) {
            return Err(Exit::Exited);
        }
        // The eighth line is the server's status, `ready` once it accepts connections.
        let status = std::fs::read_to_string(data.join("postmaster.pid")).unwrap_or_default();
        if status
            .lines()
            .nth(7)
            .is_some_and(|line| line.trim() == "ready")
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(Exit::TimedOut);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs `command` to completion with `input` on its stdin and its output in `log`; an error
/// with the end of the log if it fails.
fn run_logged(
    command: &mut Command,
    input: Option<&str>,
    log: &Path,
    what: &str,
) -> Result<(), String> {
    let file =
        File::create(log).map_err(|error| format!("cannot create {}: {error}", log.display()))?;
    let stderr = file
        .try_clone()
        .map_err(|error| format!("cannot share {}: {error}", log.display()))?;
    let mut child = command
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(file)
        .stderr(stderr)
        .spawn()
        .map_err(|error| format!("{what}: cannot run {:?}: {error}", command.get_program()))?;
    // Closed once written, so the program sees end-of-file. A program that fails early breaks
    // the pipe: its log says why, so the exit status is checked first.
    let written = match (input, child.stdin.take()) {
        (Some(input), Some(mut stdin)) => stdin.write_all(input.as_bytes()),
        _ => Ok(()),
    };
    let status = child.wait().map_err(|error| format!("{what}: {error}"))?;
    if !status.success() {
        return Err(format!("{what} failed ({status}): {}", log_tail(log)));
    }
    written.map_err(|error| format!("{what}: cannot write its input: {error}"))
}

/// The last lines of a log, on one line.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    lines[lines.len().saturating_sub(6)..].join(" | ")
}

/// The directory holding `initdb` and `postgres`: the one `initdb` on PATH resolves to, or the
/// newest `/usr/lib/postgresql/*/bin` (Debian keeps them off PATH).
fn find_bin_dir() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|path| {
        std::env::split_paths(&path)
            .filter_map(|dir| std::fs::canonicalize(dir.join("initdb")).ok())
            .filter_map(|initdb| initdb.parent().map(Path::to_path_buf))
            .collect::<Vec<_>>()
    });
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    debian.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    on_path
        .chain(debian.into_iter().map(|(_, dir)| dir))
        .find(|dir| has_both(dir))
}

fn running_as_root() -> Result<bool, String> {
    Ok(id(&["-u"])? == 0)
}

/// The uid and gid of the `postgres` user, which runs the cluster when this process is root.
fn postgres_user() -> Result<(u32, u32), String> {
    let uid = id(&["-u", "postgres"]).map_err(|error| {
        format!("running as root, and initdb refuses root, but there is no postgres user to run it as: {error}")
    })?;
    Ok((uid, id(&["-g", "postgres"])?))
}

/// A number `id` prints.
fn id(args: &[&str]) -> Result<u32, String> {
    let output = Command::new("id")
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .map_err(|error| format!("cannot run id: {error}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim().parse().map_err(|_| {
        format!(
            "`id {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )
    })
}

/// A new directory in the system temp directory, owned by `owner` when given.
fn make_temp_dir(owner: Option<(u32, u32)>) -> Result<PathBuf, String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let base = std::env::temp_dir();
    let mut attempt = 0;
    let dir = loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("smoketest-pg-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => break dir,
            // Left by an earlier process with the same pid.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(error) => return Err(format!("cannot create {}: {error}", dir.display())),
        }
    };
    let set_up = || -> std::io::Result<()> {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))?;
        }
        Ok(())
    };
    set_up().map_err(|error| {
        let _ = std::fs::remove_dir(&dir);
        format!("cannot set up {}: {error}", dir.display())
    })?;
    // The watchdog compares it with the server's working directory, which has no symlinks.
    std::fs::canonicalize(&dir)
        .map_err(|error| format!("cannot resolve {}: {error}", dir.display()))
}

/// The watchdog's script: `$1` is the cluster's directory. It waits for end-of-file on its
/// stdin, stops the server with SIGQUIT (immediate shutdown) if `postmaster.pid` names a live
/// process whose working directory is the data directory (so a stale file never has it signal
/// an unrelated process), waits up to 10 s for the server to go, then removes the directory.
const WATCHDOG: &str = r#"
cat >/dev/null
pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null)
if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/cwd")" = "$1/data" ]; then
    kill -QUIT "$pid" 2>/dev/null
    i=0
    while [ -e "$1/data/postmaster.pid" ] && [ "$i" -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
fi
rm -rf "$1"
"#;

/// Starts the watchdog of `dir`; the returned pipe is its stdin, and closing it (or this
/// process ending) starts the cleanup.
fn spawn_watchdog(dir: &Path) -> Result<ChildStdin, String> {
    let spawned = Command::new("sh")
        .arg("-c")
        .arg(WATCHDOG)
        .arg("smoketest-pg-watchdog")
        .arg(dir)
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
    match spawned {
        Ok(mut watchdog) => Ok(watchdog.stdin.take().expect("stdin is piped")),
        Err(error) => {
            let _ = std::fs::remove_dir_all(dir);
            Err(format!("cannot start the watchdog (sh): {error}"))
        }
    }
}

/// A port of 127.0.0.1 that nothing listened on a moment ago.
fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|error| format!("cannot find a free port: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_password_replaces_only_the_password() {
        assert_eq!(
            with_password(
                "postgres://smoketest:smoketest@127.0.0.1:5432/smoketest",
                "x"
            ),
            "postgres://smoketest:x@127.0.0.1:5432/smoketest"
        );
        assert_eq!(
            with_password("postgres://me@db:5432/d?sslmode=disable", "x"),
            "postgres://me:x@db:5432/d?sslmode=disable"
        );
    }

    #[test]
    fn redact_password_hides_only_the_password() {
        assert_eq!(
            redact_password("postgres://smoketest:hunter2@127.0.0.1:5432/smoketest"),
            "postgres://smoketest:***@127.0.0.1:5432/smoketest"
        );
        assert_eq!(redact_password("postgres://me@db/d"), "postgres://me@db/d");
        assert_eq!(redact_password("not a url"), "not a url");
    }
}
