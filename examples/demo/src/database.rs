//! Where the bookshop's data lives: a SQLite file or a PostgreSQL server.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// The bookshop's database: a SQLite file (created on first start) or a PostgreSQL database
/// (whose tables are created on first start).
///
/// Parsed from what `--db`, `DATABASE_URL` and `SMOKETEST_DEMO_DB` hold: a file path,
/// `sqlite://PATH` (or `sqlite:PATH`), or a `postgres://` (or `postgresql://`) URL, which is
/// handed to sqlx as it is. Displayed as a path or as the URL with its password replaced by `***`,
/// so it can appear in messages.
///
/// ```
/// use smoketest_demo::Database;
///
/// let sqlite: Database = "/var/lib/bookshop/books.sqlite3".parse()?;
/// assert_eq!(sqlite, Database::Sqlite("/var/lib/bookshop/books.sqlite3".into()));
/// assert_eq!(sqlite, "sqlite:///var/lib/bookshop/books.sqlite3".parse()?);
///
/// let postgres: Database = "postgres://shop:hunter2@db.internal/shop".parse()?;
/// assert_eq!(postgres.to_string(), "postgres://shop:***@db.internal/shop");
///
/// assert!("mysql://db.internal/shop".parse::<Database>().is_err());
/// # Ok::<(), smoketest_demo::ParseDatabaseError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite database file; a relative path is relative to the working directory.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its connection URL.
    Postgres(String),
}

/// Whether a connection may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Read and write; a missing SQLite file is created.
    ReadWrite,
    /// Reads only: a missing SQLite file is an error, and every PostgreSQL transaction is
    /// `READ ONLY`.
    ReadOnly,
}

impl Database {
    /// `smoketest-demo.sqlite3` in the system's temporary directory, so the demo runs anywhere.
    pub fn default_sqlite() -> Database {
        Database::Sqlite(std::env::temp_dir().join("smoketest-demo.sqlite3"))
    }

    /// The directory the bookshop must be able to write files in: the SQLite file's, where
    /// SQLite also writes its journal; with PostgreSQL, the system's temporary directory.
    pub fn data_dir(&self) -> PathBuf {
        match self {
            Database::Sqlite(path) => match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
                _ => PathBuf::from("."),
            },
            Database::Postgres(_) => std::env::temp_dir(),
        }
    }

    /// The sqlx `Any` URL of this database, opened with `access`.
    pub(crate) fn url(&self, access: Access) -> String {
        match self {
            Database::Sqlite(path) => {
                // Read-only is `PRAGMA query_only` on a read-write connection (see `Store`), not
                // `mode=ro`: a `mode=ro` reader that meets a writer's journal at the wrong moment
                // fails with "attempt to write a readonly database" instead of waiting.
                let mode = match access {
                    Access::ReadWrite => "rwc",
                    Access::ReadOnly => "rw",
                };
                // `Database::from_str` only makes UTF-8 paths; sqlx percent-decodes the path, so
                // `%`, `?` and `#` in a file name must be escaped to reach the file system as is.
                let path = path
                    .to_string_lossy()
                    .replace('%', "%25")
                    .replace('?', "%3F")
                    .replace('#', "%23");
                format!("sqlite://{path}?mode={mode}")
            }
            Database::Postgres(url) => match access {
                Access::ReadWrite => url.clone(),
                Access::ReadOnly => {
                    let separator = if url.contains('?') { '&' } else { '?' };
                    format!("{url}{separator}options[default_transaction_read_only]=on")
                }
            },
        }
    }
}

impl FromStr for Database {
    type Err = ParseDatabaseError;

    fn from_str(value: &str) -> Result<Database, ParseDatabaseError> {
        let error = |reason: &str| {
            Err(ParseDatabaseError(format!(
                "`{}` {reason}; give a file path, sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE",
                smoketest::redact_credentials(value)
            )))
        };
        if value.is_empty() {
            return Err(ParseDatabaseError(
                "the database is empty; give a file path, sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE"
                    .to_owned(),
            ));
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            return Ok(Database::Postgres(value.to_owned()));
        }
        if let Some(path) = value
            .strip_prefix("sqlite://")
            .or_else(|| value.strip_prefix("sqlite:"))
        {
            if path.contains('?') {
                return error(
                    "has query parameters, which the demo does not take (it always opens the file read-write, creating it)",
                );
            }
            if path.is_empty() {
                return error("names no file");
            }
            return Ok(Database::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = value.split_once("://") {
            return error(&format!(
                "is a `{scheme}` URL; the demo runs on SQLite and PostgreSQL"
            ));
        }
        Ok(Database::Sqlite(PathBuf::from(value)))
    }
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => f.write_str(&smoketest::redact_credentials(url)),
        }
    }
}

impl fmt::Debug for Database {
    // Never the password, even in debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Database::Postgres(_) => f.debug_tuple("Postgres").field(&self.to_string()).finish(),
        }
    }
}

/// A database setting that is neither a path nor a `sqlite:` or `postgres:` URL; the message
/// says what to give instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDatabaseError(String);

impl fmt::Display for ParseDatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseDatabaseError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Result<Database, String> {
        value
            .parse()
            .map_err(|error: ParseDatabaseError| error.to_string())
    }

    #[test]
    fn paths_and_sqlite_urls_are_sqlite_files() {
        let expected = Ok(Database::Sqlite(PathBuf::from("/srv/books.sqlite3")));
        assert_eq!(parse("/srv/books.sqlite3"), expected);
        assert_eq!(parse("sqlite:///srv/books.sqlite3"), expected);
        assert_eq!(parse("sqlite:/srv/books.sqlite3"), expected);
        assert_eq!(
            parse("books.sqlite3"),
            Ok(Database::Sqlite(PathBuf::from("books.sqlite3")))
        );
    }

    #[test]
    fn postgres_urls_are_kept_whole() {
        for url in [
            "postgres://shop:secret@db/shop",
            "postgresql://db/shop?sslmode=disable",
        ] {
            assert_eq!(parse(url), Ok(Database::Postgres(url.to_owned())));
        }
    }

    #[test]
    fn other_urls_say_what_to_give_and_hide_the_password() {
        assert_eq!(
            parse("mysql://shop:secret@db/shop"),
            Err("`mysql://shop:***@db/shop` is a `mysql` URL; the demo runs on SQLite and \
                 PostgreSQL; give a file path, sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE"
                .to_owned())
        );
        assert!(
            parse("sqlite://x.db?mode=rw")
                .unwrap_err()
                .contains("query parameters")
        );
        assert!(parse("sqlite://").unwrap_err().contains("names no file"));
        assert!(parse("").unwrap_err().starts_with("the database is empty"));
    }

    #[test]
    fn display_and_debug_never_show_the_password() {
        let database = Database::Postgres("postgres://shop:secret@db/shop".to_owned());
        assert_eq!(database.to_string(), "postgres://shop:***@db/shop");
        assert_eq!(
            format!("{database:?}"),
            "Postgres(\"postgres://shop:***@db/shop\")"
        );
    }

    #[test]
    fn urls_open_files_as_asked_and_escape_what_sqlx_would_decode() {
        let file = Database::Sqlite(PathBuf::from("/tmp/50%?#.db"));
        assert_eq!(
            file.url(Access::ReadWrite),
            "sqlite:///tmp/50%25%3F%23.db?mode=rwc"
        );
        assert_eq!(
            file.url(Access::ReadOnly),
            "sqlite:///tmp/50%25%3F%23.db?mode=rw"
        );
        let postgres = Database::Postgres("postgres://db/shop?sslmode=disable".to_owned());
        assert_eq!(
            postgres.url(Access::ReadWrite),
            "postgres://db/shop?sslmode=disable"
        );
        assert_eq!(
            postgres.url(Access::ReadOnly),
            "postgres://db/shop?sslmode=disable&options[default_transaction_read_only]=on"
        );
    }

    #[test]
    fn the_data_dir_is_the_sqlite_files_directory() {
        assert_eq!(
            Database::Sqlite(PathBuf::from("/srv/shop/books.sqlite3")).data_dir(),
            PathBuf::from("/srv/shop")
        );
        assert_eq!(
            Database::Sqlite(PathBuf::from("books.sqlite3")).data_dir(),
            PathBuf::from(".")
        );
        assert_eq!(
            Database::Postgres("postgres://db/shop".to_owned()).data_dir(),
            std::env::temp_dir()
        );
    }
}
