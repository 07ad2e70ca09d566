//! The bookshop's smoke tests: what must hold in production, checked without touching its data.
//!
//! The module is the crate's convention (as `smoke.py` is a Django app's): `#[smoke_test]`
//! functions here are collected at link time by any binary that links this crate, and run by
//! `smoketest-demo check`. They read [`Store`] and [`Config`] from the runner's state.
//!
//! Two suites group tests that share set-up: [`CatalogSuite`] (synchronous hooks, a read-only
//! connection of its own) and [`MaintenanceSuite`] (asynchronous hooks, the files under the store).
//! The remaining tests are free functions; their suite is this module. Tests marked `slow` read
//! the whole database and only run with `--slow`, after a deploy rather than every few minutes.

use std::io::ErrorKind;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use smoketest::{AsyncSuite, Error, Result, State, Suite, smoke_test};

use crate::{Config, SEED_BOOKS, Store};

/// The database answers a trivial query quickly: the file is reachable and not locked.
#[smoke_test(timeout = "2s")]
fn database_answers(store: &Store) -> Result {
    store.ping()?;
    Ok(())
}

/// The database was migrated to the schema this build of the bookshop expects.
#[smoke_test]
fn schema_version_matches(store: &Store) -> Result {
    smoketest::assert_equal!(
        store.schema_version()?,
        Store::SCHEMA_VERSION,
        "the database at {} has another schema than this build; run the migration",
        store.path().display()
    );
    Ok(())
}

/// The currency setting was deployed as an ISO 4217 code, not left empty or misspelt.
#[smoke_test]
fn currency_is_configured(config: &Config) {
    smoketest::assert_regex!(
        &config.currency,
        "^[A-Z]{3}$",
        "set {} to an ISO 4217 code such as EUR",
        Config::CURRENCY_VAR
    );
}

/// Async request handlers reach the database through tokio's blocking pool, as the app's do.
#[smoke_test]
async fn store_answers_from_async_code(store: &Store) -> Result {
    let store = store.clone();
    let count = tokio::task::spawn_blocking(move || store.count_books()).await??;
    smoketest::assert_greater!(count, 0, "the catalogue is empty");
    Ok(())
}

/// The catalogue as customers see it, read through a read-only connection of the suite's own.
///
/// Opening a second connection proves the file can be opened again (permissions, locks), and a
/// read-only one guarantees the suite's tests cannot change production data.
pub struct CatalogSuite {
    catalog: Store,
}

impl Suite for CatalogSuite {
    fn set_up_suite(state: &State) -> Result<Self> {
        let store = state.require::<Store>()?;
        let catalog = Store::open_read_only(store.path()).map_err(|error| {
            Error::from(error).context(format!("opening {} read-only", store.path().display()))
        })?;
        Ok(CatalogSuite { catalog })
    }

    fn set_up(&self) -> Result {
        self.catalog.ping().map_err(|error| {
            Error::from(error).context("the read-only connection stopped answering")
        })
    }

    fn tear_down(&self) -> Result {
        // The suite's tests share one connection; a transaction left open would pin an old
        // snapshot of the catalogue for every test after it.
        if self.catalog.in_transaction() {
            return Err(Error::msg(
                "a test left a transaction open on the catalogue connection",
            ));
        }
        Ok(())
    }
}

/// Every book the shop was seeded with is still in the catalogue.
#[smoke_test]
fn seed_books_are_present(suite: &CatalogSuite) -> Result {
    for seed in SEED_BOOKS {
        let book = suite.catalog.book_by_isbn(seed.isbn)?;
        smoketest::assert_is_some!(book, "seed book {} ({}) is missing", seed.isbn, seed.title);
    }
    Ok(())
}

/// The product-page query, a lookup by id, returns the book that id belongs to.
#[smoke_test]
fn books_are_found_by_id(suite: &CatalogSuite) -> Result {
    let seed = &SEED_BOOKS[0];
    let Some(by_isbn) = suite.catalog.book_by_isbn(seed.isbn)? else {
        return Err(Error::msg(format!("seed book {} is missing", seed.isbn)));
    };
    let by_id = suite.catalog.book(by_isbn.id)?;
    smoketest::assert_equal!(by_id, Some(by_isbn), "looking up book {} by id", seed.isbn);
    Ok(())
}

/// Every row of the catalogue decodes into a sellable book (a full table scan, hence slow).
#[smoke_test(slow)]
fn every_book_is_readable(suite: &CatalogSuite) -> Result {
    let books = suite.catalog.books()?;
    smoketest::assert_equal!(
        books.len() as u64,
        suite.catalog.count_books()?,
        "rows read vs. rows counted"
    );
    for book in &books {
        smoketest::assert_false!(
            book.title.trim().is_empty(),
            "book {} has no title",
            book.id
        );
        smoketest::assert_greater_equal!(
            book.price_cents,
            0,
            "book {} has a negative price",
            book.id
        );
    }
    Ok(())
}

/// Checks of the files under the store: its data directory and the database file.
pub struct MaintenanceSuite {
    store: Store,
    probe: PathBuf,
}

/// How long the data directory may take to answer `stat` before set-up gives up.
const STAT_TIMEOUT: Duration = Duration::from_secs(1);

impl AsyncSuite for MaintenanceSuite {
    async fn set_up_suite(state: &State) -> Result<Self> {
        let store = state.require::<Store>()?.clone();
        let data_dir = store.data_dir().to_owned();
        // A stale network mount hangs `stat` instead of failing it; give up quickly, so each of
        // the suite's tests is errored with this reason rather than timing out one by one.
        let metadata = tokio::time::timeout(STAT_TIMEOUT, tokio::fs::metadata(&data_dir))
            .await
            .map_err(|_| {
                Error::msg(format!(
                    "data directory {} did not answer within {STAT_TIMEOUT:?}",
                    data_dir.display()
                ))
            })?
            .map_err(|error| {
                Error::from(error).context(format!("data directory {}", data_dir.display()))
            })?;
        if !metadata.is_dir() {
            return Err(Error::msg(format!(
                "data directory {} is not a directory",
                data_dir.display()
            )));
        }
        // One probe name per run, so concurrent runs in one process never remove each other's.
        static RUNS: AtomicU64 = AtomicU64::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let probe = data_dir.join(format!(".smoketest-probe-{}-{run}", std::process::id()));
        Ok(MaintenanceSuite { store, probe })
    }

    async fn tear_down_suite(&self) -> Result {
        // A write test that failed half-way must not leave its probe in production's data
        // directory. Not in `tear_down`: that runs after every test, concurrently with the others.
        match tokio::fs::remove_file(&self.probe).await {
            Err(error) if error.kind() != ErrorKind::NotFound => Err(Error::from(error)
                .context(format!("removing the probe file {}", self.probe.display()))),
            _ => Ok(()),
        }
    }
}

/// The data directory accepts writes, as SQLite's journal needs: write, read back, remove a probe.
#[smoke_test(timeout = "2s")]
async fn data_dir_is_writable(suite: &MaintenanceSuite) -> Result {
    let contents = format!("smoketest probe of pid {}", std::process::id());
    tokio::fs::write(&suite.probe, &contents).await?;
    let read_back = tokio::fs::read_to_string(&suite.probe).await?;
    tokio::fs::remove_file(&suite.probe).await?;
    smoketest::assert_equal!(
        read_back,
        contents,
        "{} read back differently",
        suite.probe.display()
    );
    Ok(())
}

/// The database file is there and not empty, not shadowed by an empty mount or a bad restore.
#[smoke_test]
async fn database_file_is_not_empty(suite: &MaintenanceSuite) -> Result {
    let metadata = tokio::fs::metadata(suite.store.path()).await?;
    smoketest::assert_true!(
        metadata.is_file(),
        "{} is not a file",
        suite.store.path().display()
    );
    smoketest::assert_greater!(
        metadata.len(),
        0,
        "{} is empty",
        suite.store.path().display()
    );
    Ok(())
}

/// SQLite's integrity check finds no corruption (reads every page, hence slow).
#[smoke_test(slow, timeout = "30s")]
async fn integrity_check(suite: &MaintenanceSuite) -> Result {
    let store = suite.store.clone();
    let problems = tokio::task::spawn_blocking(move || store.integrity_check()).await??;
    smoketest::assert_equal!(problems, ["ok"], "PRAGMA integrity_check found corruption");
    Ok(())
}
