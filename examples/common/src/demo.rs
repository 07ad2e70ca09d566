//! The demo bookshop as the examples serve it.

use smoketest::Runner;
use smoketest_demo::{Config, Store};

/// The demo bookshop's store, for the examples' own routes, and the runner of its smoke tests,
/// for the mount.
pub struct Demo {
    /// The bookshop's database, opened (and created and seeded on first start).
    pub store: Store,
    /// The bookshop's smoke tests, with the store and the [`Config`] as their state.
    pub runner: Runner,
}

impl Demo {
    /// Opens the bookshop the way its own binary does: the database is `$SMOKETEST_DEMO_DB`
    /// (see [`Config::from_env`]).
    ///
    /// The error is one line naming the database file.
    ///
    /// ```no_run
    /// let demo = example_common::Demo::open()?;
    /// assert!(demo.runner.test_names(smoketest::Tier::Fast).len() > 0);
    /// # Ok::<(), String>(())
    /// ```
    pub fn open() -> Result<Demo, String> {
        let config = Config::from_env();
        let store = Store::open(&config.db_path).map_err(|error| {
            format!(
                "cannot open the database {}: {error}",
                config.db_path.display()
            )
        })?;
        let runner = Runner::new().with_state(store.clone()).with_state(config);
        Ok(Demo { store, runner })
    }
}
