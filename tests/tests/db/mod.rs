//! Shared by the database tests (`db_*.rs`, each including this file with `#[path]`): where
//! PostgreSQL is, what to do when it isn't there, and temporary SQLite files.

#![allow(dead_code)] // each test binary uses its own part of this

use std::fmt::Display;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The PostgreSQL the tests use: `SMOKETEST_PG_URL`, a server on the default URL, or a
/// throwaway cluster this test binary starts (see `smoketest_pg_harness`). `None` after a loud
/// `SKIPPED` line (a panic under `CI=true`): the caller returns.
pub(crate) fn pg_url() -> Option<String> {
    smoketest_pg_harness::url()
}

/// `pg_url()` in a test that has already connected to it.
pub(crate) fn known_pg_url() -> String {
    pg_url().expect("a PostgreSQL URL, as when the test first connected")
}

/// `known_pg_url()` with another password, for the tests of a failed BEGIN.
pub(crate) fn pg_url_with_password(password: &str) -> String {
    smoketest_pg_harness::with_password(&known_pg_url(), password)
}

/// The first connection to `pg_url()`, or what to do without one: with `CI=true` the test
/// fails saying what is missing; elsewhere it prints a loud `SKIPPED` line to stderr and the
/// caller returns. Never silent.
pub(crate) fn postgres_or_skip<T, E: Display>(connected: Result<T, E>) -> Option<T> {
    smoketest_pg_harness::connected_or_skip(&known_pg_url(), connected)
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
