//! The bookshop's smoke tests: what must hold in production, checked without leaving a trace in
//! its data.
//!
//! The module is the crate's convention (as `smoke.py` is a Django app's): `#[smoke_test]`
//! functions here are collected at link time by any binary that links this crate, and run by
//! `smoketest-demo check`. They read [`Store`] and [`Config`] from the runner's state, and they
//! pass on SQLite and on PostgreSQL alike.
//!
//! Two suites group tests that share set-up: [`CatalogSuite`] (asynchronous hooks, a read-only
//! connection pool of its own) and [`FilesSuite`] (synchronous hooks, the directory the bookshop
//! writes in). The remaining tests are free functions; their suite is this module. Among them,
//! `can_place_an_order` and `can_update_stock` write: they are `rolled_back`, so they take a
//! transaction that the runner always rolls back, and need a provider registered with
//! `Runner::rollback_async(SqlxRollback::new(store.pool().clone()))`. Tests marked `slow` read
//! whole tables and only run with `--slow`, after a deploy rather than every few minutes.
//!
//! Tags say which probe runs what. `live`: the process itself works (its configuration was
//! deployed), what a Kubernetes `livenessProbe` may restart the pod over; never a dependency,
//! or an outage of the database would restart every pod in a loop. `ready`: the process can
//! serve, its dependencies answer (the database, the data directory), what a `readinessProbe`
//! takes the pod out of the load balancer over. `db`: every test that reads or writes the
//! database, for `--tag db` / `?tag=db`.

use std::io::ErrorKind;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use smoketest::{AsyncSuite, Error, Result, State, Suite, smoke_test};
use sqlx::{Any, Transaction};

use crate::{Config, SEED_BOOKS, Store, orders};

/// The database answers a trivial query quickly: it is reachable, and not locked.
#[smoke_test(timeout = "2s", tags = ["ready", "db"])]
async fn database_answers(store: &Store) -> Result {
    store.ping().await?;
    Ok(())
}

/// The database was migrated to the schema this build of the bookshop expects.
#[smoke_test(tags = ["ready", "db"])]
async fn schema_version_matches(store: &Store) -> Result {
    smoketest::assert_equal!(
        store.schema_version().await?,
        Some(Store::SCHEMA_VERSION),
        "the database {} has another schema than this build; run the migration",
        store.database()
    );
    Ok(())
}

/// The currency setting was deployed as an ISO 4217 code, not left empty or misspelt.
#[smoke_test(tags = ["live", "ready"])]
fn currency_is_configured(config: &Config) {
    smoketest::assert_regex!(
        &config.currency,
        "^[A-Z]{3}$",
        "set {} to an ISO 4217 code such as EUR",
        Config::CURRENCY_VAR
    );
}

/// A customer can order a book: the checkout's own code takes the copy from stock and records
/// the order, which reads back as placed. Restocking one copy first makes the test independent
/// of what production has sold. All of it is rolled back.
#[smoke_test(rolled_back, tags = ["db"])]
async fn can_place_an_order(tx: &mut Transaction<'static, Any>) -> Result {
    let isbn = SEED_BOOKS[0].isbn;
    let in_stock = orders::restock(tx, isbn, 1).await?;
    let placed = orders::place_order(tx, isbn, 1).await?;
    smoketest::assert_equal!(placed.quantity, 1);
    let read_back = orders::order(tx, placed.id).await?;
    smoketest::assert_equal!(read_back, Some(placed), "order read back");
    smoketest::assert_equal!(
        orders::stock(tx, isbn).await?,
        Some(in_stock - 1),
        "stock of {isbn} after the order"
    );
    Ok(())
}

/// Stock can be updated, as deliveries do, even for a sold-out book; the update is rolled back.
#[smoke_test(rolled_back, tags = ["db"])]
async fn can_update_stock(tx: &mut Transaction<'static, Any>) -> Result {
    let Some(sold_out) = SEED_BOOKS.iter().find(|book| book.stock == 0) else {
        return Err(Error::msg("the seed catalogue has no sold-out book"));
    };
    let stock = orders::restock(tx, sold_out.isbn, 5).await?;
    smoketest::assert_greater_equal!(stock, 5, "stock of {} after 5 arrived", sold_out.isbn);
    smoketest::assert_equal!(
        orders::stock(tx, sold_out.isbn).await?,
        Some(stock),
        "stock of {} read back",
        sold_out.isbn
    );
    Ok(())
}

/// Every ISBN in the catalogue is a valid ISBN-13: a typo in the catalogue makes a book
/// unorderable through the distributor (reads the whole table, hence slow).
#[smoke_test(slow, timeout = "30s", tags = ["db"])]
async fn every_isbn_is_valid(store: &Store) -> Result {
    for book in store.books().await? {
        smoketest::assert_true!(
            isbn13_is_valid(&book.isbn),
            "book {} has the invalid ISBN {:?}",
            book.id,
            book.isbn
        );
    }
    Ok(())
}

/// Whether `isbn` has 13 digits (hyphens aside) and the right check digit.
fn isbn13_is_valid(isbn: &str) -> bool {
    let digits: Vec<u32> = isbn
        .chars()
        .filter(|&c| c != '-')
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if digits.len() != 13 {
        return false;
    }
    let weighted: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, digit)| if i % 2 == 0 { *digit } else { digit * 3 })
        .sum();
    weighted % 10 == 0
}

/// The catalogue as customers see it, read through a read-only pool of the suite's own.
///
/// Connecting a second time proves the database accepts new connections (credentials, limits,
/// locks), and a read-only one guarantees the suite's tests cannot change production data.
pub struct CatalogSuite {
    catalog: Store,
}

impl AsyncSuite for CatalogSuite {
    async fn set_up_suite(state: &State) -> Result<Self> {
        let database = state.require::<Store>()?.database().clone();
        let catalog = Store::open_read_only(&database)
            .await
            .map_err(|error| Error::from(error).context(format!("opening {database} read-only")))?;
        Ok(CatalogSuite { catalog })
    }

    async fn set_up(&self) -> Result {
        self.catalog.ping().await.map_err(|error| {
            Error::from(error).context("the read-only connection stopped answering")
        })
    }

    async fn tear_down_suite(&self) -> Result {
        // Each run opens its own pool: close it, or every run would leave connections behind.
        self.catalog.close().await;
        Ok(())
    }
}

/// Every book the shop was seeded with is still in the catalogue.
#[smoke_test(tags = ["db"])]
async fn seed_books_are_present(suite: &CatalogSuite) -> Result {
    for seed in SEED_BOOKS {
        let book = suite.catalog.book_by_isbn(seed.isbn).await?;
        smoketest::assert_is_some!(book, "seed book {} ({}) is missing", seed.isbn, seed.title);
    }
    Ok(())
}

/// The product-page query, a lookup by id, returns the book that id belongs to.
#[smoke_test(tags = ["db"])]
async fn books_are_found_by_id(suite: &CatalogSuite) -> Result {
    let seed = &SEED_BOOKS[0];
    let Some(by_isbn) = suite.catalog.book_by_isbn(seed.isbn).await? else {
        return Err(Error::msg(format!("seed book {} is missing", seed.isbn)));
    };
    let by_id = suite.catalog.book(by_isbn.id).await?;
    smoketest::assert_equal!(by_id, Some(by_isbn), "looking up book {} by id", seed.isbn);
    Ok(())
}

/// Every row of the catalogue decodes into a sellable book (a full table scan, hence slow).
#[smoke_test(slow, tags = ["db"])]
async fn every_book_is_readable(suite: &CatalogSuite) -> Result {
    let books = suite.catalog.books().await?;
    smoketest::assert_equal!(
        books.len() as u64,
        suite.catalog.count_books().await?,
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

/// The directory the bookshop writes in: SQLite's (for its journal), else the temporary one.
///
/// Its hooks are synchronous, as plain file-system calls are: they run on the runner's worker
/// threads, never blocking the async tests.
pub struct FilesSuite {
    data_dir: PathBuf,
    probe: PathBuf,
}

impl Suite for FilesSuite {
    fn set_up_suite(state: &State) -> Result<Self> {
        let data_dir = state.require::<Config>()?.database.data_dir();
        let metadata = std::fs::metadata(&data_dir).map_err(|error| {
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
        Ok(FilesSuite { data_dir, probe })
    }

    fn tear_down_suite(&self) -> Result {
        // A write test that failed half-way must not leave its probe in production's data
        // directory. Not in `tear_down`: that runs after every test, concurrently with the others.
        match std::fs::remove_file(&self.probe) {
            Err(error) if error.kind() != ErrorKind::NotFound => Err(Error::from(error)
                .context(format!("removing the probe file {}", self.probe.display()))),
            _ => Ok(()),
        }
    }
}

/// The data directory accepts writes: write, read back and remove a probe file.
#[smoke_test(timeout = "2s", tags = ["ready"])]
fn data_dir_is_writable(suite: &FilesSuite) -> Result {
    let contents = format!("smoketest probe of pid {}", std::process::id());
    std::fs::write(&suite.probe, &contents)?;
    let read_back = std::fs::read_to_string(&suite.probe)?;
    std::fs::remove_file(&suite.probe)?;
    smoketest::assert_equal!(
        read_back,
        contents,
        "{} read back differently in {}",
        suite.probe.display(),
        suite.data_dir.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_isbns_are_valid_and_typos_are_not() {
        for book in SEED_BOOKS {
            assert!(isbn13_is_valid(book.isbn), "{}", book.isbn);
        }
        assert!(!isbn13_is_valid("978-1718503107"));
        assert!(!isbn13_is_valid("978-171850310"));
        assert!(!isbn13_is_valid("978-171850310X"));
    }
}
