//! The bookshop's store: one SQLite table of books, created and seeded on first start.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension as _, Row, TransactionBehavior, params};

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

const SCHEMA: &str = "
    CREATE TABLE books (
        id          INTEGER PRIMARY KEY,
        isbn        TEXT    NOT NULL UNIQUE,
        title       TEXT    NOT NULL,
        author      TEXT    NOT NULL,
        price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
        stock       INTEGER NOT NULL CHECK (stock >= 0)
    );
";

const BOOK_COLUMNS: &str = "id, isbn, title, author, price_cents, stock";

/// How long a statement waits for another process's write lock before failing with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The book store: a SQLite database behind a mutex, cheap to clone and shareable across threads.
///
/// Clones share one connection, so a clone can move into `tokio::task::spawn_blocking`.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    connection: Mutex<Connection>,
}

impl Store {
    /// The schema version this build reads and writes, kept in SQLite's `user_version`.
    pub const SCHEMA_VERSION: i64 = 1;

    /// Opens the database at `path`, creating it with the schema and the [`SEED_BOOKS`] if it is
    /// new. Opening an existing database changes nothing, whatever its schema version: a
    /// mismatch is for the `schema_version_matches` smoke test to report, not a reason to refuse
    /// to start.
    pub fn open(path: impl AsRef<Path>) -> rusqlite::Result<Store> {
        let path = path.as_ref();
        let mut connection = Connection::open(path)?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        if user_version(&connection)? == 0 {
            create_and_seed(&mut connection)?;
        }
        Ok(Store::new(path, connection))
    }

    /// Opens an existing database read-only: writes through it fail, and a missing file is an
    /// error rather than a new empty database.
    pub fn open_read_only(path: impl AsRef<Path>) -> rusqlite::Result<Store> {
        let path = path.as_ref();
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        Ok(Store::new(path, connection))
    }

    fn new(path: &Path, connection: Connection) -> Store {
        Store {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                connection: Mutex::new(connection),
            }),
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The directory holding the database file, where SQLite also writes its journal.
    pub fn data_dir(&self) -> &Path {
        match self.inner.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        }
    }

    /// Runs `SELECT 1`: the cheapest proof that the database answers.
    pub fn ping(&self) -> rusqlite::Result<()> {
        self.connection().query_row("SELECT 1", [], |_| Ok(()))
    }

    /// The schema version of the database (SQLite's `user_version`).
    pub fn schema_version(&self) -> rusqlite::Result<i64> {
        user_version(&self.connection())
    }

    /// The number of books in the catalogue.
    pub fn count_books(&self) -> rusqlite::Result<u64> {
        self.connection()
            .query_row("SELECT COUNT(*) FROM books", [], |row| row.get(0))
    }

    /// The book with this id, if there is one.
    pub fn book(&self, id: i64) -> rusqlite::Result<Option<Book>> {
        self.connection()
            .query_row(
                &format!("SELECT {BOOK_COLUMNS} FROM books WHERE id = ?1"),
                [id],
                book_from_row,
            )
            .optional()
    }

    /// The book with this ISBN, if there is one.
    pub fn book_by_isbn(&self, isbn: &str) -> rusqlite::Result<Option<Book>> {
        self.connection()
            .query_row(
                &format!("SELECT {BOOK_COLUMNS} FROM books WHERE isbn = ?1"),
                [isbn],
                book_from_row,
            )
            .optional()
    }

    /// Every book, by id. Reads the whole table.
    pub fn books(&self) -> rusqlite::Result<Vec<Book>> {
        let connection = self.connection();
        let mut statement =
            connection.prepare(&format!("SELECT {BOOK_COLUMNS} FROM books ORDER BY id"))?;
        statement.query_map([], book_from_row)?.collect()
    }

    /// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound database, else one line per
    /// problem. Reads every page of the file.
    pub fn integrity_check(&self) -> rusqlite::Result<Vec<String>> {
        let connection = self.connection();
        let mut statement = connection.prepare("PRAGMA integrity_check")?;
        statement.query_map([], |row| row.get(0))?.collect()
    }

    /// Whether a transaction is open on the connection (nobody should leave one open).
    pub fn in_transaction(&self) -> bool {
        !self.connection().is_autocommit()
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A caller that panicked while holding the lock poisons it, but the connection stays
        // usable: every method here finishes or drops its statement before returning, and a
        // dropped rusqlite transaction rolls back. So later callers carry on.
        self.inner
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

fn user_version(connection: &Connection) -> rusqlite::Result<i64> {
    connection.pragma_query_value(None, "user_version", |row| row.get(0))
}

fn create_and_seed(connection: &mut Connection) -> rusqlite::Result<()> {
    // IMMEDIATE takes the write lock before the version is read again, so two processes starting
    // on a new file at once cannot both create the table and seed it twice.
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if user_version(&transaction)? != 0 {
        return Ok(());
    }
    transaction.execute_batch(SCHEMA)?;
    {
        let mut insert = transaction.prepare(
            "INSERT INTO books (isbn, title, author, price_cents, stock) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for book in SEED_BOOKS {
            insert.execute(params![
                book.isbn,
                book.title,
                book.author,
                book.price_cents,
                book.stock
            ])?;
        }
    }
    transaction.pragma_update(None, "user_version", Store::SCHEMA_VERSION)?;
    transaction.commit()
}

fn book_from_row(row: &Row<'_>) -> rusqlite::Result<Book> {
    Ok(Book {
        id: row.get(0)?,
        isbn: row.get(1)?,
        title: row.get(2)?,
        author: row.get(3)?,
        price_cents: row.get(4)?,
        stock: row.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database path of its own for each test, removed when dropped.
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
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn open_creates_the_schema_and_seeds_the_catalogue() {
        let db = TempDb::new("creates");
        let store = Store::open(&db.0).unwrap();
        assert!(db.0.is_file());
        assert_eq!(store.schema_version().unwrap(), Store::SCHEMA_VERSION);
        assert_eq!(store.count_books().unwrap(), SEED_BOOKS.len() as u64);
        let isbns: Vec<String> = store
            .books()
            .unwrap()
            .into_iter()
            .map(|book| book.isbn)
            .collect();
        let seeded: Vec<&str> = SEED_BOOKS.iter().map(|book| book.isbn).collect();
        assert_eq!(isbns, seeded);
    }

    #[test]
    fn reopening_seeds_nothing_twice() {
        let db = TempDb::new("reopen");
        drop(Store::open(&db.0).unwrap());
        let store = Store::open(&db.0).unwrap();
        assert_eq!(store.count_books().unwrap(), SEED_BOOKS.len() as u64);
    }

    #[test]
    fn a_newer_schema_is_left_alone_for_the_smoke_test_to_report() {
        let db = TempDb::new("newer");
        {
            let connection = Connection::open(&db.0).unwrap();
            connection.pragma_update(None, "user_version", 7).unwrap();
        }
        let store = Store::open(&db.0).unwrap();
        assert_eq!(store.schema_version().unwrap(), 7);
    }

    #[test]
    fn books_are_found_by_id_and_by_isbn() {
        let db = TempDb::new("lookup");
        let store = Store::open(&db.0).unwrap();
        let by_isbn = store.book_by_isbn("978-1718501850").unwrap().unwrap();
        assert_eq!(by_isbn.title, "Rust for Rustaceans");
        assert_eq!(by_isbn.author, "Jon Gjengset");
        assert_eq!(store.book(by_isbn.id).unwrap(), Some(by_isbn));
        assert_eq!(store.book(-1).unwrap(), None);
        assert_eq!(store.book_by_isbn("978-0000000000").unwrap(), None);
    }

    #[test]
    fn a_sound_database_passes_the_integrity_check() {
        let db = TempDb::new("integrity");
        let store = Store::open(&db.0).unwrap();
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
        store.ping().unwrap();
        assert!(!store.in_transaction());
    }

    #[test]
    fn a_read_only_store_reads_but_cannot_write_or_create() {
        let db = TempDb::new("read-only");
        drop(Store::open(&db.0).unwrap());
        let store = Store::open_read_only(&db.0).unwrap();
        assert_eq!(store.count_books().unwrap(), SEED_BOOKS.len() as u64);
        let write = store.connection().execute("DELETE FROM books", []);
        assert!(write.is_err(), "a read-only connection deleted rows");

        let missing = TempDb::new("read-only-missing");
        assert!(Store::open_read_only(&missing.0).is_err());
        assert!(!missing.0.exists());
    }

    #[test]
    fn the_data_dir_is_the_directory_of_the_file() {
        let db = TempDb::new("data-dir");
        let store = Store::open(&db.0).unwrap();
        assert_eq!(store.data_dir(), std::env::temp_dir().as_path());
    }
}
