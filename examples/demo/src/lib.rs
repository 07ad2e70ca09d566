//! A tiny bookshop on SQLite, with production smoke tests: the runnable example of `smoketest`.
//!
//! The application is deliberately small — a [`Store`] of books and a [`Config`] read from the
//! environment — so that what stands out is how smoke tests sit next to it: in a [`smoke`]
//! module of the crate (as `smoke.py` sits in a Django app), collected at link time, and run by
//! the `smoketest-demo check` binary after a deploy or from monitoring.
//!
//! ```
//! use smoketest_demo::Store;
//!
//! # fn main() -> rusqlite::Result<()> {
//! let path = std::env::temp_dir().join(format!("smoketest-demo-doc-{}.sqlite3", std::process::id()));
//! # let _ = std::fs::remove_file(&path);
//! let store = Store::open(&path)?; // creates the schema and seeds the catalogue on first start
//! assert_eq!(store.count_books()?, smoketest_demo::SEED_BOOKS.len() as u64);
//! let book = store.book_by_isbn("978-1718503106")?.expect("a seed book");
//! assert_eq!(book.title, "The Rust Programming Language");
//! # drop(store);
//! # std::fs::remove_file(&path).unwrap();
//! # Ok(())
//! # }
//! ```
//!
//! Running the smoke tests of a freshly created database:
//!
//! ```text
//! $ smoketest-demo check --db /var/lib/bookshop/books.sqlite3
//! PASS
//! test classes: 3
//! tests run: 8
//! tests passed: 8
//! tests failed: 0
//! tests errored: 0
//! time: 3.141592ms
//! ```

mod config;
pub mod smoke;
mod store;

pub use crate::config::Config;
pub use crate::store::{Book, SEED_BOOKS, SeedBook, Store};
