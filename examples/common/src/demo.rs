//! The demo bookshop as the examples serve it.

use smoketest::Runner;
use smoketest::rollback::sqlx::SqlxRollback;
use smoketest_demo::{Config, Store};

/// The demo bookshop's store, for the examples' own routes, and the runner of its smoke tests,
/// for the mount.
pub struct Demo {
    /// The bookshop's database, opened (and created and seeded on first start).
    pub store: Store,
    /// The bookshop's smoke tests, with the store and the [`Config`] as their state, and the
    /// store's pool as the rollback provider of the `rolled_back` ones.
    pub runner: Runner,
}

impl Demo {
    /// Opens the bookshop the way its own binary does: the database is `$DATABASE_URL`, else
    /// `$SMOKETEST_DEMO_DB`, else a SQLite file in the temporary directory (see
    /// [`Config::from_env`]), SQLite or PostgreSQL.
    ///
    /// Call it on the runtime that serves the requests: the store's connections live there.
    /// The error is one line naming the database (without its password).
    ///
    /// ```no_run
    /// # async fn serve() -> Result<(), String> {
    /// let demo = example_common::Demo::open().await?;
    /// assert!(demo.runner.test_names(smoketest::Tier::Fast).len() > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn open() -> Result<Demo, String> {
        let config = Config::from_env().map_err(|error| error.to_string())?;
        let store = Store::open(&config.database).await.map_err(|error| {
            let reason = smoketest::redact_credentials(&error.to_string());
            format!(
                "cannot open the database {}: {}",
                config.database,
                reason.trim().replace('\n', " ")
            )
        })?;
        let runner = Runner::new()
            .rollback_async(SqlxRollback::new(store.pool().clone()))
            .with_state(store.clone())
            .with_state(config);
        Ok(Demo { store, runner })
    }
}
