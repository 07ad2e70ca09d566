//! The bookshop's settings, read from the environment.

use std::fmt;

use crate::database::{Database, ParseDatabaseError};

/// The bookshop's settings.
///
/// Read with [`Config::from_env`]. Every setting has a default, so a missing variable never stops
/// the service from starting — which is why the smoke tests check the values instead. Only a
/// database setting that cannot be a database at all (`mysql://…`) is an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The database, from the first of these that is set and not empty:
    ///
    /// 1. `--db` (the `smoketest-demo` binary sets this field from it);
    /// 2. `$DATABASE_URL`, the variable sqlx and most hosting platforms use;
    /// 3. `$SMOKETEST_DEMO_DB`;
    /// 4. [`Database::default_sqlite`], a SQLite file in the system's temporary directory.
    ///
    /// Each holds a file path, `sqlite://PATH` or `postgres://…` (see [`Database`]).
    pub database: Database,
    /// The ISO 4217 code prices are shown in: `$SMOKETEST_DEMO_CURRENCY`, else `EUR`.
    pub currency: String,
}

impl Config {
    /// The conventional variable holding the database URL; wins over
    /// [`DB_VAR`](Config::DB_VAR).
    pub const DATABASE_URL_VAR: &'static str = "DATABASE_URL";
    /// The demo's own variable naming the database (a path or a URL).
    pub const DB_VAR: &'static str = "SMOKETEST_DEMO_DB";
    /// The variable holding the currency code.
    pub const CURRENCY_VAR: &'static str = "SMOKETEST_DEMO_CURRENCY";
    /// The currency when [`CURRENCY_VAR`](Config::CURRENCY_VAR) is unset.
    pub const DEFAULT_CURRENCY: &'static str = "EUR";

    /// The settings from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings from `lookup`, which returns a variable's value or `None` when it is unset.
    ///
    /// An empty database variable counts as unset (there is nothing to open). An empty currency
    /// is kept: it is a deploy mistake that the `currency_is_configured` smoke test reports.
    ///
    /// ```
    /// use smoketest_demo::{Config, Database};
    ///
    /// let config = Config::from_lookup(|name| match name {
    ///     "DATABASE_URL" => Some("postgres://shop@db.internal/shop".to_owned()),
    ///     "SMOKETEST_DEMO_DB" => Some("/srv/books.sqlite3".to_owned()),
    ///     "SMOKETEST_DEMO_CURRENCY" => Some("CHF".to_owned()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(config.database, Database::Postgres("postgres://shop@db.internal/shop".to_owned()));
    /// assert_eq!(config.currency, "CHF");
    ///
    /// let defaults = Config::from_lookup(|_| None)?;
    /// assert_eq!(defaults.database, Database::default_sqlite());
    /// # Ok::<(), smoketest_demo::ConfigError>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut database = Database::default_sqlite();
        for variable in [Config::DATABASE_URL_VAR, Config::DB_VAR] {
            if let Some(value) = lookup(variable).filter(|value| !value.is_empty()) {
                database = value
                    .parse()
                    .map_err(|error| ConfigError { variable, error })?;
                break;
            }
        }
        let currency =
            lookup(Config::CURRENCY_VAR).unwrap_or_else(|| Config::DEFAULT_CURRENCY.to_owned());
        Ok(Config { database, currency })
    }
}

/// A variable of the environment holds something that is not a database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The variable, e.g. `DATABASE_URL`.
    pub variable: &'static str,
    /// What is wrong with its value.
    pub error: ParseDatabaseError,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.error)
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn unset_variables_give_the_defaults() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(
            config.database,
            Database::Sqlite(std::env::temp_dir().join("smoketest-demo.sqlite3"))
        );
        assert_eq!(config.currency, "EUR");
    }

    #[test]
    fn set_variables_win() {
        let config = Config::from_lookup(|name| match name {
            "SMOKETEST_DEMO_DB" => Some("/srv/books.sqlite3".to_owned()),
            "SMOKETEST_DEMO_CURRENCY" => Some("GBP".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            config.database,
            Database::Sqlite(PathBuf::from("/srv/books.sqlite3"))
        );
        assert_eq!(config.currency, "GBP");
    }

    #[test]
    fn database_url_wins_over_the_demos_own_variable() {
        let config = Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some("postgres://db/shop".to_owned()),
            "SMOKETEST_DEMO_DB" => Some("/srv/books.sqlite3".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            config.database,
            Database::Postgres("postgres://db/shop".to_owned())
        );
        let empty_url = Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some(String::new()),
            "SMOKETEST_DEMO_DB" => Some("sqlite:///srv/books.sqlite3".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            empty_url.database,
            Database::Sqlite(PathBuf::from("/srv/books.sqlite3"))
        );
    }

    #[test]
    fn an_empty_database_is_unset_but_an_empty_currency_is_kept() {
        let config = Config::from_lookup(|_| Some(String::new())).unwrap();
        assert_eq!(config.database, Database::default_sqlite());
        assert_eq!(config.currency, "");
    }

    #[test]
    fn a_database_url_of_another_kind_names_its_variable() {
        let error = Config::from_lookup(|name| {
            (name == "DATABASE_URL").then(|| "mysql://db/shop".to_owned())
        })
        .unwrap_err();
        assert_eq!(error.variable, "DATABASE_URL");
        assert!(
            error
                .to_string()
                .starts_with("DATABASE_URL: `mysql://db/shop` is a `mysql` URL"),
            "{error}"
        );
    }
}
