//! A tiny bookshop on SQLite or PostgreSQL, with production smoke tests: the runnable example of
//! `smoketest`.
//!
//! The application is deliberately small — a [`Store`] of books, the [`orders`] that write to it,
//! and a [`Config`] read from the environment — so that what stands out is how smoke tests sit
//! next to it: in a [`smoke`] module of the crate (as `smoke.py` sits in a Django app), collected
//! at link time, and run by the `smoketest-demo check` binary after a deploy or from monitoring.
//! Two of them place an order and update stock in production's own tables, inside transactions
//! the runner always rolls back (`#[smoke_test(rolled_back)]`).
//!
//! The store runs on sqlx's `Any` driver, so one code path serves a SQLite file (created on
//! first start, the default) and PostgreSQL. The database is, from the first that is set:
//! `--db PATH_OR_URL`, `$DATABASE_URL`, `$SMOKETEST_DEMO_DB`, else `smoketest-demo.sqlite3` in the
//! system's temporary directory (see [`Config::database`] and [`Database`]).
//!
//! ```
//! use smoketest_demo::{Database, Store};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> sqlx::Result<()> {
//! let path = std::env::temp_dir().join(format!("smoketest-demo-doc-{}.sqlite3", std::process::id()));
//! # let _ = std::fs::remove_file(&path);
//! let store = Store::open(&Database::Sqlite(path.clone())).await?; // creates and seeds on first start
//! assert_eq!(store.count_books().await?, smoketest_demo::SEED_BOOKS.len() as u64);
//! let book = store.book_by_isbn("978-1718503106").await?.expect("a seed book");
//! assert_eq!(book.title, "The Rust Programming Language");
//! # store.close().await;
//! # std::fs::remove_file(&path).unwrap();
//! # Ok(())
//! # }
//! ```
//!
//! Running the smoke tests, with the rolled-back ones, as the binary does:
//!
//! ```no_run
//! use smoketest::rollback::sqlx::SqlxRollback;
//! use smoketest_demo::{Config, Store};
//!
//! # async fn check() -> Result<std::process::ExitCode, Box<dyn std::error::Error>> {
//! let config = Config::from_env()?;
//! let store = Store::open(&config.database).await?;
//! let exit_code = smoketest::Runner::new()
//!     .rollback_async(SqlxRollback::new(store.pool().clone()))
//!     .with_state(store.clone())
//!     .with_state(config)
//!     .run_cli_async()
//!     .await;
//! store.close().await;
//! # Ok(exit_code)
//! # }
//! ```
//!
//! ```text
//! $ smoketest-demo check --db postgres://shop:secret@db.internal/shop
//! PASS
//! test classes: 3
//! tests run: 8
//! tests passed: 8
//! tests failed: 0
//! tests errored: 0
//! time: 31.415926ms
//! ```

mod config;
mod database;
pub mod orders;
pub mod smoke;
mod store;

pub use crate::config::{Config, ConfigError};
pub use crate::database::{Database, ParseDatabaseError};
pub use crate::store::{Book, SEED_BOOKS, SeedBook, Store};
