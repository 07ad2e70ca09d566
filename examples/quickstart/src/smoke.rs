//! The service's smoke tests, collected at link time: `check` and `/smoketest/` run them.

use smoketest::{smoke_test, Result};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::Config;

/// The database answers, through the pool the service uses.
#[smoke_test]
async fn database_answers(pool: &SqlitePool) -> Result {
    let (notes,): (i64,) = sqlx::query_as("SELECT count(*) FROM notes")
        .fetch_one(pool)
        .await?;
    smoketest::assert_greater!(notes, 0, "the notes table is empty");
    Ok(())
}

/// The deployment sets the environment the service needs.
#[smoke_test]
fn public_url_is_https(config: &Config) {
    smoketest::assert_true!(
        config.public_url.starts_with("https://"),
        "PUBLIC_URL must be an https URL, is {:?}",
        config.public_url
    );
}

/// The service can write. The runner rolls the transaction back, whatever the test does.
#[smoke_test(rolled_back)]
async fn can_add_a_note(tx: &mut Transaction<'static, Sqlite>) -> Result {
    sqlx::query("INSERT INTO notes (body) VALUES ('smoke')")
        .execute(&mut **tx)
        .await?;
    let (notes,): (i64,) = sqlx::query_as("SELECT count(*) FROM notes")
        .fetch_one(&mut **tx)
        .await?;
    smoketest::assert_equal!(notes, 2, "the new note is not visible");
    Ok(())
}
