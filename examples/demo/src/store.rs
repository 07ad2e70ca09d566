//! The bookshop's store: books and orders in SQLite or PostgreSQL, through one sqlx `Any` pool,
//! created and seeded on first start.
//!
//! One code path serves both databases: every statement is plain SQL both understand, with `$N`
//! placeholders (PostgreSQL's own, and one of the forms SQLite accepts). The one difference,
//! how a table gets an auto-incrementing key, is [`id_column`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Row as _};

use crate::database::{Access, Database};

/// One book of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Book {
    /// The row id: the key of the product page.
    pub id: i64,
    /// The ISBN-13, with hyphens.
    pub isbn: String,
    /// The title.
    pub title: String,
    /// The author or authors.
    pub author: String,
    /// The price in cents of the configured currency.
    pub price_cents: i64,
    /// Copies in stock.
    pub stock: i64,
}

/// A book the store is seeded with on first start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedBook {
    /// The ISBN-13, with hyphens.
    pub isbn: &'static str,
    /// The title.
    pub title: &'static str,
    /// The author or authors.
    pub author: &'static str,
    /// The price in cents.
    pub price_cents: i64,
    /// Copies in stock.
    pub stock: i64,
}

/// The catalogue a new database starts with.
pub const SEED_BOOKS: &[SeedBook] = &[
    SeedBook {
        isbn: "978-1718503106",
        title: "The Rust Programming Language",
        author: "Steve Klabnik, Carol Nichols",
        price_cents: 3999,
        stock: 12,
    },
    SeedBook {
        isbn: "978-1492052593",
        title: "Programming Rust",
        author: "Jim Blandy, Jason Orendorff, Leonora Tindall",
        price_cents: 5999,
        stock: 4,
    },
    SeedBook {
        isbn: "978-1718501850",
        title: "Rust for Rustaceans",
        author: "Jon Gjengset",
        price_cents: 3499,
        stock: 7,
    },
    SeedBook {
        isbn: "978-1098119447",
        title: "Rust Atomics and Locks",
        author: "Mara Bos",
        price_cents: 4499,
        stock: 0,
    },
    SeedBook {
        isbn: "978-0135957059",
        title: "The Pragmatic Programmer",
        author: "David Thomas, Andrew Hunt",
        price_cents: 4299,
        stock: 3,
    },
];

/// The schema version, one row. Named `demo_*` like every table of the bookshop, so that it can
/// share a PostgreSQL database with other applications (and the rollback tests' `smoketest_*`).
const CREATE_SCHEMA_TABLE: &str = "CREATE TABLE IF NOT EXISTS demo_schema (
    id      BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
)";

/// The bookshop's tables, `{id}` standing for [`id_column`].
const CREATE_TABLES: [&str; 2] = [
    "CREATE TABLE demo_books (
        id          {id},
        isbn        TEXT   NOT NULL UNIQUE,
        title       TEXT   NOT NULL,
        author      TEXT   NOT NULL,
        price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
        stock       BIGINT NOT NULL CHECK (stock >= 0)
    )",
    "CREATE TABLE demo_orders (
        id          {id},
        book_id     BIGINT NOT NULL REFERENCES demo_books (id),
        quantity    BIGINT NOT NULL CHECK (quantity > 0),
        total_cents BIGINT NOT NULL CHECK (total_cents >= 0)
    )",
];

const BOOK_COLUMNS: &str = "id, isbn, title, author, price_cents, stock";

/// How long a query waits for a free connection (or SQLite's write lock) before failing: a
/// smoke test must report a stuck database, not hang on it.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The book store: a pool of connections to SQLite or PostgreSQL, cheap to clone and shareable
/// across tasks (clones share the pool).
///
/// [`Store::open`] creates the tables and seeds [`SEED_BOOKS`] on first start; the reads are
/// methods, the writes are the functions of [`orders`](crate::orders), which take the caller's
/// connection or transaction. [`Store::pool`] is what a
/// [`SqlxRollback`](smoketest::rollback::sqlx::SqlxRollback) begins its transactions on.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    database: Arc<Database>,
}

impl Store {
    /// The schema version this build reads and writes, kept in the `demo_schema` table.
    pub const SCHEMA_VERSION: i64 = 1;

    /// Opens `database` (creating a missing SQLite file, not its directory), creating the tables
    /// and seeding the [`SEED_BOOKS`] if it has no schema yet. Opening a database that has one
    /// changes nothing, whatever its version: a mismatch is for the `schema_version_matches`
    /// smoke test to report, not a reason to refuse to start.
    ///
    /// Seeding is safe when several processes start on a new database at once: exactly one of
    /// them seeds.
    pub async fn open(database: &Database) -> sqlx::Result<Store> {
        let store = Store::connect(database, Access::ReadWrite).await?;
        if store.schema_version().await.ok().flatten().is_none() {
            store.create_and_seed().await?;
        }
        Ok(store)
    }

    /// Opens an existing database read-only: writes through it fail, and a missing SQLite file
    /// is an error rather than a new empty database.
    pub async fn open_read_only(database: &Database) -> sqlx::Result<Store> {
        Store::connect(database, Access::ReadOnly).await
    }

    async fn connect(database: &Database, access: Access) -> sqlx::Result<Store> {
        sqlx::any::install_default_drivers();
        let query_only = access == Access::ReadOnly && matches!(database, Database::Sqlite(_));
        let pool = AnyPoolOptions::new()
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    if query_only {
                        sqlx::query("PRAGMA query_only = ON")
                            .execute(connection)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&database.url(access))
            .await?;
        Ok(Store {
            pool,
            database: Arc::new(database.clone()),
        })
    }

    /// The database this store is connected to.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The connection pool, for a rollback provider or the app's own transactions.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes the pool's connections, waiting for those in use to come back.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs `SELECT 1`: the cheapest proof that the database answers.
    pub async fn ping(&self) -> sqlx::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }

    /// The schema version of the database, `None` if it has none yet.
    pub async fn schema_version(&self) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar("SELECT version FROM demo_schema WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
    }

    /// The number of books in the catalogue.
    pub async fn count_books(&self) -> sqlx::Result<u64> {
        count(&self.pool, "SELECT COUNT(*) FROM demo_books").await
    }

    /// The number of orders placed.
    pub async fn count_orders(&self) -> sqlx::Result<u64> {
        count(&self.pool, "SELECT COUNT(*) FROM demo_orders").await
    }

    /// The book with this id, if there is one.
    pub async fn book(&self, id: i64) -> sqlx::Result<Option<Book>> {
        sqlx::query(&format!(
            "SELECT {BOOK_COLUMNS} FROM demo_books WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| book_from_row(&row))
        .transpose()
    }

    /// The book with this ISBN, if there is one.
    pub async fn book_by_isbn(&self, isbn: &str) -> sqlx::Result<Option<Book>> {
        sqlx::query(&format!(
            "SELECT {BOOK_COLUMNS} FROM demo_books WHERE isbn = $1"
        ))
        .bind(isbn)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| book_from_row(&row))
        .transpose()
    }

    /// Every book, by id. Reads the whole table.
    pub async fn books(&self) -> sqlx::Result<Vec<Book>> {
        sqlx::query(&format!(
            "SELECT {BOOK_COLUMNS} FROM demo_books ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(book_from_row)
        .collect()
    }

    async fn create_and_seed(&self) -> sqlx::Result<()> {
        if sqlx::query(CREATE_SCHEMA_TABLE)
            .execute(&self.pool)
            .await
            .is_err()
        {
            // Two PostgreSQL sessions creating the same table at once: the second fails on the
            // catalogue's unique index even with IF NOT EXISTS. Once the first has committed, the
            // statement is a no-op; any other error comes back again.
            sqlx::query(CREATE_SCHEMA_TABLE).execute(&self.pool).await?;
        }
        let mut transaction = self.pool.begin().await?;
        // The version row is written first: a second process starting at the same time waits
        // here (on the row lock in PostgreSQL, SQLite's write lock) until the first has
        // committed, then inserts nothing and leaves the seeding to it.
        let first = sqlx::query(
            "INSERT INTO demo_schema (id, version) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(Store::SCHEMA_VERSION)
        .execute(&mut *transaction)
        .await?
        .rows_affected()
            == 1;
        if first {
            let id = id_column(&self.database);
            for create in CREATE_TABLES {
                sqlx::query(&create.replace("{id}", id))
                    .execute(&mut *transaction)
                    .await?;
            }
            for book in SEED_BOOKS {
                sqlx::query(
                    "INSERT INTO demo_books (isbn, title, author, price_cents, stock) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(book.isbn)
                .bind(book.title)
                .bind(book.author)
                .bind(book.price_cents)
                .bind(book.stock)
                .execute(&mut *transaction)
                .await?;
            }
        }
        transaction.commit().await
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("database", &self.database)
            .finish_non_exhaustive()
    }
}

/// The one piece of SQL the two databases spell differently: an auto-incrementing primary key.
/// (In SQLite exactly `INTEGER PRIMARY KEY` makes the column the rowid.)
fn id_column(database: &Database) -> &'static str {
    match database {
        Database::Sqlite(_) => "INTEGER PRIMARY KEY",
        Database::Postgres(_) => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    }
}

async fn count(pool: &AnyPool, query: &str) -> sqlx::Result<u64> {
    let count: i64 = sqlx::query_scalar(query).fetch_one(pool).await?;
    u64::try_from(count).map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

pub(crate) fn book_from_row(row: &AnyRow) -> sqlx::Result<Book> {
    Ok(Book {
        id: row.try_get(0)?,
        isbn: row.try_get(1)?,
        title: row.try_get(2)?,
        author: row.try_get(3)?,
        price_cents: row.try_get(4)?,
        stock: row.try_get(5)?,
    })
}

/// The book with this ISBN, read on `connection` (inside the caller's transaction).
pub(crate) async fn book_by_isbn_on(
    connection: &mut AnyConnection,
    isbn: &str,
) -> sqlx::Result<Option<Book>> {
    sqlx::query(&format!(
        "SELECT {BOOK_COLUMNS} FROM demo_books WHERE isbn = $1"
    ))
    .bind(isbn)
    .fetch_optional(connection)
    .await?
    .map(|row| book_from_row(&row))
    .transpose()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// A SQLite database of its own for each test, removed when dropped.
    struct TempDb(PathBuf);

    impl TempDb {
        fn new(test: &str) -> TempDb {
            let path = std::env::temp_dir().join(format!(
                "smoketest-demo-unit-{}-{test}.sqlite3",
                std::process::id()
            ));
            let _ = std::fs::remove_file(&path);
            TempDb(path)
        }

        fn database(&self) -> Database {
            Database::Sqlite(self.0.clone())
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[tokio::test]
    async fn open_creates_the_schema_and_seeds_the_catalogue() {
        let db = TempDb::new("creates");
        let store = Store::open(&db.database()).await.unwrap();
        assert!(db.0.is_file());
        assert_eq!(
            store.schema_version().await.unwrap(),
            Some(Store::SCHEMA_VERSION)
        );
        assert_eq!(store.count_books().await.unwrap(), SEED_BOOKS.len() as u64);
        assert_eq!(store.count_orders().await.unwrap(), 0);
        let isbns: Vec<String> = store
            .books()
            .await
            .unwrap()
            .into_iter()
            .map(|book| book.isbn)
            .collect();
        let seeded: Vec<&str> = SEED_BOOKS.iter().map(|book| book.isbn).collect();
        assert_eq!(isbns, seeded);
    }

    #[tokio::test]
    async fn reopening_seeds_nothing_twice() {
        let db = TempDb::new("reopen");
        Store::open(&db.database()).await.unwrap().close().await;
        let store = Store::open(&db.database()).await.unwrap();
        assert_eq!(store.count_books().await.unwrap(), SEED_BOOKS.len() as u64);
    }

    #[tokio::test]
    async fn concurrent_first_starts_seed_once() {
        let db = TempDb::new("concurrent");
        let opens: Vec<_> = (0..4)
            .map(|_| {
                let database = db.database();
                tokio::spawn(async move { Store::open(&database).await })
            })
            .collect();
        for open in opens {
            let store = open.await.unwrap().unwrap();
            assert_eq!(store.count_books().await.unwrap(), SEED_BOOKS.len() as u64);
        }
    }

    #[tokio::test]
    async fn a_newer_schema_is_left_alone_for_the_smoke_test_to_report() {
        let db = TempDb::new("newer");
        {
            let store = Store::connect(&db.database(), Access::ReadWrite)
                .await
                .unwrap();
            sqlx::query(CREATE_SCHEMA_TABLE)
                .execute(store.pool())
                .await
                .unwrap();
            sqlx::query("INSERT INTO demo_schema (id, version) VALUES (1, 7)")
                .execute(store.pool())
                .await
                .unwrap();
            store.close().await;
        }
        let store = Store::open(&db.database()).await.unwrap();
        assert_eq!(store.schema_version().await.unwrap(), Some(7));
        assert!(store.count_books().await.is_err(), "seeded a newer schema");
    }

    #[tokio::test]
    async fn books_are_found_by_id_and_by_isbn() {
        let db = TempDb::new("lookup");
        let store = Store::open(&db.database()).await.unwrap();
        let by_isbn = store.book_by_isbn("978-1718501850").await.unwrap().unwrap();
        assert_eq!(by_isbn.title, "Rust for Rustaceans");
        assert_eq!(by_isbn.author, "Jon Gjengset");
        assert_eq!(store.book(by_isbn.id).await.unwrap(), Some(by_isbn));
        assert_eq!(store.book(-1).await.unwrap(), None);
        assert_eq!(store.book_by_isbn("978-0000000000").await.unwrap(), None);
        store.ping().await.unwrap();
    }

    #[tokio::test]
    async fn a_read_only_store_reads_but_cannot_write_or_create() {
        let db = TempDb::new("read-only");
        Store::open(&db.database()).await.unwrap().close().await;
        let store = Store::open_read_only(&db.database()).await.unwrap();
        assert_eq!(store.count_books().await.unwrap(), SEED_BOOKS.len() as u64);
        let write = sqlx::query("DELETE FROM demo_books")
            .execute(store.pool())
            .await;
        assert!(write.is_err(), "a read-only connection deleted rows");

        let missing = TempDb::new("read-only-missing");
        assert!(Store::open_read_only(&missing.database()).await.is_err());
        assert!(!missing.0.exists());
    }

    #[tokio::test]
    async fn a_file_in_a_missing_directory_is_not_created() {
        let path = std::env::temp_dir()
            .join(format!("smoketest-demo-unit-{}-no-dir", std::process::id()))
            .join("books.sqlite3");
        let error = Store::open(&Database::Sqlite(path.clone()))
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("unable to open database file"),
            "{error}"
        );
        assert!(!path.parent().unwrap().exists());
    }
}
