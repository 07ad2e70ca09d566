//! Shared by the database tests (`db_*.rs`, each including this file with `#[path]`): where
//! PostgreSQL is, what to do when it isn't there, and temporary SQLite files.

#![allow(dead_code)] // each test binary uses its own part of this

use std::fmt::Display;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Where the PostgreSQL tests connect: `SMOKETEST_PG_URL`, or the role and database that
/// `.ci/run` (and the README's one-liner) create.
pub(crate) fn pg_url() -> String {
    std::env::var("SMOKETEST_PG_URL")
        .unwrap_or_else(|_| "postgres://smoketest:smoketest@127.0.0.1:5432/smoketest".to_owned())
}

/// `pg_url()` with another password, for the tests of a failed BEGIN.
pub(crate) fn pg_url_with_password(password: &str) -> String {
    let url = pg_url();
    let (scheme, rest) = url.split_once("://").expect("SMOKETEST_PG_URL is a URL");
    let (userinfo, host) = rest
        .split_once('@')
        .expect("SMOKETEST_PG_URL has user@host");
    let user = userinfo.split(':').next().unwrap_or(userinfo);
    format!("{scheme}://{user}:{password}@{host}")
}

/// The README's one-liner (drop `sudo` as root).
const HOW_TO_START: &str = "sudo pg_ctlcluster 15 main start && \
     sudo -u postgres psql -c \"CREATE ROLE smoketest LOGIN PASSWORD 'smoketest'\" \
     -c \"CREATE DATABASE smoketest OWNER smoketest\" (or point SMOKETEST_PG_URL at a PostgreSQL)";

/// The first connection to PostgreSQL, or what to do without one: with `CI=true` the test
/// fails saying how to start PostgreSQL; elsewhere it prints a loud `SKIPPED` line to stderr
/// and the caller returns. Never silent.
pub(crate) fn postgres_or_skip<T, E: Display>(connected: Result<T, E>) -> Option<T> {
    let error = match connected {
        Ok(value) => return Some(value),
        Err(error) => error,
    };
    let url = smoketest::redact_credentials(&pg_url());
    // libpq's messages span lines.
    let error = error.to_string().trim().replace('\n', " ");
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!(
            "PostgreSQL not reachable at {url} ({error}); CI=true requires it. Start it with: {HOW_TO_START}"
        );
    }
    // Straight to stderr: the test harness captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: PostgreSQL not reachable at {url} ({error}); start it with: {HOW_TO_START}"
    );
    None
}

/// A fresh SQLite file path in the temp directory, removed (with its journal) on drop.
pub(crate) struct TempDb(pub(crate) PathBuf);

impl TempDb {
    pub(crate) fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("smoketest-{name}-{}.db", std::process::id()));
        let db = TempDb(path);
        db.remove();
        db
    }

    fn remove(&self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Polls `check` until it returns `true` or `limit` is up; returns its last answer.
pub(crate) fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The outcome and message of the test whose name ends with `::{function}`.
pub(crate) fn outcome_of(
    report: &smoketest::Report,
    function: &str,
) -> (smoketest::Outcome, String) {
    let suffix = format!("::{function}");
    let test = report
        .tests
        .iter()
        .find(|test| test.name.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no test named …{suffix} in {:?}", report.tests));
    (test.outcome, test.message.clone().unwrap_or_default())
}
