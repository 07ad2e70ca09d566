//! Production smoke tests for Rust services.
//!
//! Unit and integration tests prove the code; smoke tests prove *this deployment*: the database
//! answers, the mount is there, the new environment variable is set, the payment API is reachable.
//! They run inside the deployed service, right after a deploy and every few minutes from
//! monitoring, and they must be safe there: time-bounded, isolated from each other's panics, and
//! (with `rolled_back`) leaving no writes behind.
//!
//! Write tests anywhere in your workspace with [`#[smoke_test]`](smoke_test); they are collected
//! at link time, with no registration code:
//!
//! ```
//! use smoketest::{smoke_test, Result};
//!
//! #[smoke_test]
//! fn temp_dir_is_writable() -> Result {
//!     let path = std::env::temp_dir().join("smoketest-doc-probe");
//!     std::fs::write(&path, b"ok")?;
//!     std::fs::remove_file(&path)?;
//!     Ok(())
//! }
//!
//! #[smoke_test(slow, timeout = "30s")]
//! async fn something_expensive() {
//!     smoketest::assert_equal!(2 + 2, 4, "arithmetic is broken on this host");
//! }
//! ```
//!
//! Then run them from `main` with [`Runner::run_cli`], or serve them over HTTP with the
//! `smoketest-http` crate. The report is the one django-smoketest made familiar:
//!
//! ```text
//! PASS
//! test classes: 1
//! tests run: 2
//! tests passed: 2
//! tests failed: 0
//! tests errored: 0
//! time: 0.412345ms
//! ```
//!
//! Assertions are unittest's, as macros at the crate root (`assert_equal!`, `assert_in!`,
//! `assert_raises!`, …): see [`assertions`] for the whole list.
//!
//! # Features
//! - `tokio` (default): async tests are driven inside the tokio runtime the run was started from
//!   ([`Runner::run_async`]), or one the runner keeps for the process ([`Runner::run`],
//!   [`Runner::run_cli`]), so they can use tokio-based clients (sqlx, reqwest).
//! - `anyhow`: `smoketest::Error` converts into `anyhow::Error`.
//! - `tracing`: `CaptureLayer`, a `tracing-subscriber` layer that keeps the events (and, through
//!   `tracing-log`, the `log` records) each test emits in its report.
//! - `sqlx` (any database), `sqlx-postgres`, `sqlx-sqlite`, `sqlx-mysql`: `SqlxRollback`, for
//!   rolled-back tests on an sqlx 0.8 pool (see [`rollback`]).
//! - `rusqlite`: `RusqliteRollback`, on rusqlite 0.32 connections.
//! - `diesel-postgres`, `diesel-sqlite`: `DieselRollback`, on diesel 2 connections.
//! - `checks`: ready-made checks in `checks` (TCP, DNS, disk space, environment, files);
//!   `checks-http`, `checks-tls`, `checks-sqlx` add HTTP(S) GET, TLS certificate expiry, and an
//!   sqlx pool and its migrations.

// Lets `#[smoke_test]`, which names `::smoketest`, be used in this crate's own tests.
#[allow(unused_extern_crates)]
extern crate self as smoketest;

mod apps;
pub mod assertions;
mod capture;
mod check;
#[cfg(feature = "checks")]
pub mod checks;
pub mod cli;
mod context;
mod driver;
mod error;
mod exclusions;
mod forbid;
mod history;
mod intern;
mod isolate;
mod limits;
mod outcome;
mod panic;
mod redact;
mod registry;
pub mod render;
mod report;
pub mod rollback;
mod runner;
mod scheduler;
mod state;
mod stuck;
mod suite;
mod sync;
mod tier;
mod trace;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[cfg(feature = "tracing")]
pub use crate::capture::CaptureLayer;
pub use crate::check::{Check, CheckFn, CheckResult, IntoCheck};
pub use crate::error::{Error, Result};
pub use crate::limits::{
    DEFAULT_CONCURRENCY, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_THREADS, DEFAULT_STACK_SIZE,
    DEFAULT_TIMEOUT,
};
pub use crate::outcome::Outcome;
pub use crate::redact::Redactor;
pub use crate::redact::redact_credentials;
pub use crate::render::NagiosState;
pub use crate::report::{Report, Status, TestReport};
pub use crate::rollback::{AsyncRollbackProvider, RollbackProvider};
pub use crate::runner::Runner;
pub use crate::state::State;
pub use crate::stuck::count as abandoned_threads;
pub use crate::suite::{AsyncSuite, Suite};
pub use crate::tier::Tier;
pub use smoketest_macros::smoke_test;
