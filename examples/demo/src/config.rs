//! The bookshop's settings, read from the environment.

use std::path::PathBuf;

/// The bookshop's settings.
///
/// Read with [`Config::from_env`]; every setting has a default, so a missing variable never stops
/// the service from starting — which is why the smoke tests check the values instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The SQLite database: `$SMOKETEST_DEMO_DB`, else [`Config::default_db_path`].
    pub db_path: PathBuf,
    /// The ISO 4217 code prices are shown in: `$SMOKETEST_DEMO_CURRENCY`, else `EUR`.
    pub currency: String,
}

impl Config {
    /// The variable naming the database file.
    pub const DB_PATH_VAR: &'static str = "SMOKETEST_DEMO_DB";
    /// The variable holding the currency code.
    pub const CURRENCY_VAR: &'static str = "SMOKETEST_DEMO_CURRENCY";
    /// The currency when [`CURRENCY_VAR`](Config::CURRENCY_VAR) is unset.
    pub const DEFAULT_CURRENCY: &'static str = "EUR";

    /// The settings from the process environment.
    pub fn from_env() -> Config {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings from `lookup`, which returns a variable's value or `None` when it is unset.
    ///
    /// An empty database path counts as unset (there is no file to open). An empty currency is
    /// kept: it is a deploy mistake that the `currency_is_configured` smoke test reports.
    ///
    /// ```
    /// use smoketest_demo::Config;
    ///
    /// let config = Config::from_lookup(|name| (name == Config::CURRENCY_VAR).then(|| "CHF".to_owned()));
    /// assert_eq!(config.currency, "CHF");
    /// assert_eq!(config.db_path, Config::default_db_path());
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Config {
        let db_path = lookup(Config::DB_PATH_VAR)
            .filter(|path| !path.is_empty())
            .map_or_else(Config::default_db_path, PathBuf::from);
        let currency =
            lookup(Config::CURRENCY_VAR).unwrap_or_else(|| Config::DEFAULT_CURRENCY.to_owned());
        Config { db_path, currency }
    }

    /// `smoketest-demo.sqlite3` in the system's temporary directory, so the demo runs anywhere.
    pub fn default_db_path() -> PathBuf {
        std::env::temp_dir().join("smoketest-demo.sqlite3")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_variables_give_the_defaults() {
        let config = Config::from_lookup(|_| None);
        assert_eq!(
            config.db_path,
            std::env::temp_dir().join("smoketest-demo.sqlite3")
        );
        assert_eq!(config.currency, "EUR");
    }

    #[test]
    fn set_variables_win() {
        let config = Config::from_lookup(|name| match name {
            "SMOKETEST_DEMO_DB" => Some("/srv/books.sqlite3".to_owned()),
            "SMOKETEST_DEMO_CURRENCY" => Some("GBP".to_owned()),
            _ => None,
        });
        assert_eq!(config.db_path, PathBuf::from("/srv/books.sqlite3"));
        assert_eq!(config.currency, "GBP");
    }

    #[test]
    fn an_empty_db_path_is_unset_but_an_empty_currency_is_kept() {
        let config = Config::from_lookup(|_| Some(String::new()));
        assert_eq!(config.db_path, Config::default_db_path());
        assert_eq!(config.currency, "");
    }
}
