//! [`sqlx_pool`], [`sqlx_migrations`] and [`sqlx_migrations_ahead`]: an sqlx 0.8 pool of any
//! database answers, and its schema is the one the binary was built for.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::{Migrate, Migrator};
use sqlx::{Database, Executor, Pool};

use super::{DEFAULT_GIVE_UP_AFTER, chain, check_options, millis, within};
use crate::check::Check;
use crate::outcome::Failure;
use crate::registry::Body;

/// Checks that `pool` answers `SELECT 1` within 5 seconds
/// ([`give_up_after`](SqlxPool::give_up_after)). Any database sqlx supports; async, on the
/// runtime the pool belongs to (run it with `run_async`, `run_cli_async` or over HTTP).
///
/// ```no_run
/// use smoketest::{checks, Runner};
/// # async fn run(pool: sqlx::PgPool) {
/// let report = Runner::new()
///     .check("db::answers", checks::sqlx_pool(pool.clone()))
///     .run_async(smoketest::Tier::Fast)
///     .await;
/// # }
/// ```
pub fn sqlx_pool<DB: Database>(pool: Pool<DB>) -> SqlxPool<DB> {
    SqlxPool {
        pool,
        give_up_after: DEFAULT_GIVE_UP_AFTER,
    }
}

/// The check [`sqlx_pool`] makes; its options, then [`Check`]'s.
#[derive(Debug)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct SqlxPool<DB: Database> {
    pool: Pool<DB>,
    give_up_after: Duration,
}

impl<DB: Database> SqlxPool<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    /// When the check stops waiting for a connection and the answer (default 5 s).
    pub fn give_up_after(mut self, limit: Duration) -> Self {
        self.give_up_after = limit;
        self
    }

    fn into_check_now(self) -> Check {
        let SqlxPool {
            pool,
            give_up_after,
        } = self;
        Check::from_body(Body::CheckAsync(Arc::new(move || {
            let pool = pool.clone();
            Box::pin(async move {
                let answer = within(give_up_after, sqlx::raw_sql("SELECT 1").execute(&pool));
                match answer.await {
                    Some(Ok(_)) => Ok(()),
                    Some(Err(error)) => Err(Failure::failed(format!(
                        "expected the database to answer SELECT 1; it said: {}",
                        chain(&error)
                    ))),
                    None => Err(Failure::failed(format!(
                        "expected the database to answer SELECT 1 within {}; no answer in \
                         that time",
                        millis(give_up_after)
                    ))),
                }
            })
        })))
    }
}

check_options!(impl[DB: Database] SqlxPool<DB> where[for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>]);

/// Checks that the database is not behind the binary: every migration `migrator` holds
/// (`sqlx::migrate!()`, or `Migrator::new(path)` leaked to `'static`) is in
/// `_sqlx_migrations`, applied successfully, with the checksum of the binary's file.
///
/// Failures name the versions: `the database is behind the binary: migrations 3, 4 not
/// applied`, `migration 2 failed when it was applied`, `migration 1 was changed after it was
/// applied: its checksum differs from the binary's`. Migrations the database has and the
/// binary does not know are no failure here: a rollout, or a rollback to the binary before,
/// runs an older binary against a newer schema on purpose. Check that with
/// [`sqlx_migrations_ahead`].
///
/// The check only reads: it never creates the migrations table or takes the migration lock.
///
/// ```no_run
/// use smoketest::{checks, Runner};
/// use sqlx::migrate::Migrator;
///
/// // The migrations the binary was built with (sqlx's `macros` feature):
/// // static MIGRATOR: Migrator = sqlx::migrate!("./migrations");
/// # static MIGRATOR: Migrator = Migrator::DEFAULT;
/// # fn runner(pool: sqlx::PgPool) -> Runner {
/// Runner::new()
///     .check("db::migrations", checks::sqlx_migrations(pool.clone(), &MIGRATOR))
///     .check("db::schema_newer", checks::sqlx_migrations_ahead(pool, &MIGRATOR).warn_only())
/// # }
/// ```
pub fn sqlx_migrations<DB: Database>(
    pool: Pool<DB>,
    migrator: &'static Migrator,
) -> SqlxMigrations<DB> {
    SqlxMigrations {
        pool,
        migrator,
        ahead: false,
        give_up_after: DEFAULT_GIVE_UP_AFTER,
    }
}

/// Checks that the database is not ahead of the binary: every version in `_sqlx_migrations`
/// is one `migrator` holds. Fails with `the database is ahead of the binary: migration 5 is
/// not known to it` — expected for a while during a rollout or after a rollback, so it is
/// usually registered [`warn_only`](SqlxMigrations::warn_only).
pub fn sqlx_migrations_ahead<DB: Database>(
    pool: Pool<DB>,
    migrator: &'static Migrator,
) -> SqlxMigrations<DB> {
    SqlxMigrations {
        ahead: true,
        ..sqlx_migrations(pool, migrator)
    }
}

/// The check [`sqlx_migrations`] and [`sqlx_migrations_ahead`] make; its options, then
/// [`Check`]'s.
#[derive(Debug)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct SqlxMigrations<DB: Database> {
    pool: Pool<DB>,
    migrator: &'static Migrator,
    ahead: bool,
    give_up_after: Duration,
}

impl<DB: Database> SqlxMigrations<DB>
where
    DB::Connection: Migrate,
{
    /// When the check stops waiting for a connection and the answer (default 5 s).
    pub fn give_up_after(mut self, limit: Duration) -> Self {
        self.give_up_after = limit;
        self
    }

    fn into_check_now(self) -> Check {
        let SqlxMigrations {
            pool,
            migrator,
            ahead,
            give_up_after,
        } = self;
        Check::from_body(Body::CheckAsync(Arc::new(move || {
            let pool = pool.clone();
            Box::pin(async move {
                let Some(applied) = within(give_up_after, applied(&pool)).await else {
                    return Err(Failure::failed(format!(
                        "expected to read the database's migrations within {}; no answer in \
                         that time",
                        millis(give_up_after)
                    )));
                };
                let applied = applied.map_err(Failure::failed)?;
                let known = migrator
                    .iter()
                    .filter(|migration| migration.migration_type.is_up_migration());
                let known: BTreeMap<i64, &[u8]> = known
                    .map(|migration| (migration.version, &*migration.checksum))
                    .collect();
                let problems = if ahead {
                    ahead_of(&known, &applied)
                } else {
                    behind(&known, &applied)
                };
                match problems.is_empty() {
                    true => Ok(()),
                    false => Err(Failure::failed(problems.join("; "))),
                }
            })
        })))
    }
}

check_options!(impl[DB: Database] SqlxMigrations<DB> where[DB::Connection: Migrate]);

/// What `_sqlx_migrations` holds: version → (checksum, success).
type Applied = BTreeMap<i64, (Vec<u8>, bool)>;

/// The applied migrations, or why they cannot be read. A database without the table has
/// none: every migration the binary knows is then missing.
async fn applied<DB: Database>(pool: &Pool<DB>) -> Result<Applied, String>
where
    DB::Connection: Migrate,
{
    let mut connection = pool.acquire().await.map_err(|error| {
        format!(
            "expected to read the database's migrations; {}",
            chain(&error)
        )
    })?;
    let listed = connection.list_applied_migrations().await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(error) if is_missing_table(&error) => return Ok(Applied::new()),
        Err(error) => {
            return Err(format!(
                "expected to read the database's migrations from _sqlx_migrations; {}",
                chain(&error)
            ));
        }
    };
    let failed = connection.dirty_version().await.map_err(|error| {
        format!(
            "expected to read the database's failed migrations; {}",
            chain(&error)
        )
    })?;
    Ok(listed
        .into_iter()
        .map(|migration| {
            let success = Some(migration.version) != failed;
            (
                migration.version,
                (migration.checksum.into_owned(), success),
            )
        })
        .collect())
}

/// Whether `error` says `_sqlx_migrations` does not exist: PostgreSQL's `undefined_table`,
/// MySQL's `ER_NO_SUCH_TABLE` (SQLSTATE 42S02), SQLite's `no such table`.
fn is_missing_table(error: &sqlx::migrate::MigrateError) -> bool {
    let sqlx::migrate::MigrateError::Execute(sqlx::Error::Database(error)) = error else {
        return false;
    };
    matches!(error.code().as_deref(), Some("42P01" | "42S02"))
        || error.message().starts_with("no such table")
}

/// Versions the binary knows that are missing, failed, or changed in the database.
fn behind(known: &BTreeMap<i64, &[u8]>, applied: &Applied) -> Vec<String> {
    let mut missing = Vec::new();
    let mut failed = Vec::new();
    let mut changed = Vec::new();
    for (version, checksum) in known {
        match applied.get(version) {
            None => missing.push(*version),
            Some((_, false)) => failed.push(*version),
            Some((applied, true)) if applied.as_slice() != *checksum => changed.push(*version),
            Some(_) => {}
        }
    }
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "the database is behind the binary: {} not applied",
            versions(&missing)
        ));
    }
    if !failed.is_empty() {
        problems.push(format!(
            "{} failed when {} applied",
            versions(&failed),
            if failed.len() == 1 {
                "it was"
            } else {
                "they were"
            }
        ));
    }
    if !changed.is_empty() {
        problems.push(format!(
            "{} changed after {} applied: the checksum in _sqlx_migrations differs from the \
             binary's",
            versions(&changed),
            if changed.len() == 1 {
                "it was"
            } else {
                "they were"
            }
        ));
    }
    problems
}

/// Versions the database has that the binary does not know.
fn ahead_of(known: &BTreeMap<i64, &[u8]>, applied: &Applied) -> Vec<String> {
    let unknown: Vec<i64> = applied
        .keys()
        .filter(|version| !known.contains_key(version))
        .copied()
        .collect();
    if unknown.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "the database is ahead of the binary: {} not known to it",
        match unknown.len() {
            1 => format!("{} is", versions(&unknown)),
            _ => format!("{} are", versions(&unknown)),
        }
    )]
}

/// `migration 3` or `migrations 3, 4`.
fn versions(versions: &[i64]) -> String {
    let list: Vec<String> = versions.iter().map(i64::to_string).collect();
    match versions.len() {
        1 => format!("migration {}", list[0]),
        _ => format!("migrations {}", list.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_names_missing_failed_and_changed_versions() {
        let known: BTreeMap<i64, &[u8]> = [(1, &b"a"[..]), (2, b"b"), (3, b"c"), (4, b"d")].into();
        let applied: Applied = [(1, (b"x".to_vec(), true)), (2, (b"b".to_vec(), false))].into();
        assert_eq!(
            behind(&known, &applied),
            [
                "the database is behind the binary: migrations 3, 4 not applied",
                "migration 2 failed when it was applied",
                "migration 1 changed after it was applied: the checksum in _sqlx_migrations \
                 differs from the binary's",
            ]
        );
        let applied: Applied = [(1, (b"a".to_vec(), true)), (7, (b"g".to_vec(), true))].into();
        assert_eq!(
            ahead_of(&known, &applied),
            ["the database is ahead of the binary: migration 7 is not known to it"]
        );
    }
}
