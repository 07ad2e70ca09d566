//! `smoketest-demo check [--db PATH|URL] [OPTIONS]`: runs the bookshop's smoke tests.
//!
//! Opens the database the way the bookshop does (creating and seeding it on first start),
//! registers the [`Store`] and the [`Config`] as the runner's state and the store's pool as the
//! rollback provider of the `rolled_back` tests, and hands every other flag to smoketest's
//! [`Args`], with which the runner prints the report and chooses the exit code: 0 PASS, 1 FAIL,
//! 2 usage.

use std::ffi::OsString;
use std::fmt::Display;
use std::process::ExitCode;

use smoketest::Runner;
use smoketest::cli::Args;
use smoketest::rollback::sqlx::SqlxRollback;
use smoketest_demo::{Config, Database, Store};

/// The first line of the help, also shown with a missing subcommand.
const USAGE_LINE: &str = "Usage: smoketest-demo check [--db PATH|URL] [OPTIONS]";

const ABOUT: &str = "\
Runs the bookshop's smoke tests against its database, creating and seeding it on first start.
The tests that write (placing an order, updating stock) run in transactions that are always
rolled back. Prints the report on stdout (what the tests print goes to stderr); exits 0 on PASS,
1 on FAIL, 2 on a usage error.

Database:
  --db PATH|URL       the database: a SQLite file path, sqlite://PATH, or
                      postgres://USER:PASSWORD@HOST[:PORT]/DATABASE

The database is the first of these that is set and not empty:
  1. --db
  2. $DATABASE_URL
  3. $SMOKETEST_DEMO_DB
  4. smoketest-demo.sqlite3 in the system's temporary directory
";

const ENVIRONMENT: &str = "\
Environment:
  DATABASE_URL              the database, when --db is not given (a path or a URL)
  SMOKETEST_DEMO_DB         the database, when neither --db nor DATABASE_URL is given
  SMOKETEST_DEMO_CURRENCY   ISO 4217 code prices are shown in (default EUR)
";

/// The help of `smoketest-demo --help` and `smoketest-demo check --help`: the demo's own part,
/// then smoketest's options.
fn help() -> String {
    format!("{USAGE_LINE}\n\n{ABOUT}\n{}\n{ENVIRONMENT}", Args::OPTIONS)
}

fn main() -> ExitCode {
    match parse(std::env::args_os().skip(1)) {
        Ok(Command::Help) => {
            print!("{}", help());
            ExitCode::SUCCESS
        }
        Ok(Command::Check(check_args)) => check(check_args),
        Err(message) => usage_error(message),
    }
}

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Check(CheckArgs),
}

/// The arguments of `check`.
#[derive(Debug, PartialEq, Eq)]
struct CheckArgs {
    db: Option<Database>,
    /// Everything but `--db`, for smoketest's [`Args`].
    runner_args: Vec<String>,
}

fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let Some(subcommand) = args.next() else {
        return Err(format!("missing subcommand; {USAGE_LINE}"));
    };
    match subcommand.to_str() {
        Some("--help" | "-h" | "help") => return Ok(Command::Help),
        Some("check") => {}
        _ => {
            return Err(format!(
                "unknown subcommand `{}`; try `smoketest-demo --help`",
                subcommand.to_string_lossy()
            ));
        }
    }
    let mut db = None;
    let mut runner_args = Vec::new();
    while let Some(arg) = args.next() {
        let arg = utf8(arg)?;
        let value = if arg == "--db" {
            Some(args.next().map(utf8).transpose()?)
        } else {
            arg.strip_prefix("--db=")
                .map(|value| Some(value.to_owned()))
        };
        if let Some(value) = value {
            let value = value
                .filter(|value| !value.is_empty() && !value.starts_with('-'))
                .ok_or("`--db` needs a path or URL")?;
            let database = value
                .parse::<Database>()
                .map_err(|error| format!("`--db`: {error}"))?;
            if db.replace(database).is_some() {
                return Err("`--db` given twice".to_owned());
            }
            continue;
        }
        // A runner flag's value is never taken for `--db` (`--filter --db`).
        let takes_value = Args::takes_value(&arg);
        runner_args.push(arg);
        if takes_value {
            if let Some(value) = args.next() {
                runner_args.push(utf8(value)?);
            }
        }
    }
    Ok(Command::Check(CheckArgs { db, runner_args }))
}

/// Whether a run of `args` needs the database: `--help` and `--list` print without running.
fn needs_database(args: &Args) -> bool {
    !(args.help || args.list)
}

fn utf8(arg: OsString) -> Result<String, String> {
    arg.into_string()
        .map_err(|arg| format!("argument `{}` is not valid UTF-8", arg.to_string_lossy()))
}

fn check(check_args: CheckArgs) -> ExitCode {
    let args = match Args::parse_from(&check_args.runner_args) {
        Ok(args) => args,
        Err(error) => return error.print(),
    };
    if args.help {
        print!("{}", help());
        return ExitCode::SUCCESS;
    }
    if !needs_database(&args) {
        // Opening (and maybe creating) a database just to list test names would be a surprise;
        // the runner needs no state for it.
        return Runner::new().run_args(args);
    }
    // `--db` outranks the database variables, so a malformed one does not matter then.
    let db_given = check_args.db.is_some();
    let mut config = match Config::from_lookup(|name| {
        let outranked = db_given && [Config::DATABASE_URL_VAR, Config::DB_VAR].contains(&name);
        if outranked {
            None
        } else {
            std::env::var(name).ok()
        }
    }) {
        Ok(config) => config,
        Err(error) => return usage_error(error),
    };
    if let Some(db) = check_args.db {
        config.database = db;
    }
    // The store's pool lives on this runtime, so the async tests run on it too.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("smoketest-demo: cannot start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let store = match Store::open(&config.database).await {
            Ok(store) => store,
            Err(error) => {
                let reason = smoketest::redact_credentials(&error.to_string());
                return usage_error(format!(
                    "cannot open the database {}: {}",
                    config.database,
                    reason.trim().replace('\n', " ")
                ));
            }
        };
        let exit_code = Runner::new()
            .rollback_async(SqlxRollback::new(store.pool().clone()))
            .with_state(store.clone())
            .with_state(config)
            .run_args_async(args)
            .await;
        store.close().await;
        exit_code
    })
}

fn usage_error(message: impl Display) -> ExitCode {
    eprintln!("smoketest-demo: {message}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from))
    }

    fn check_args(db: Option<&str>, runner_args: &[&str]) -> Command {
        Command::Check(CheckArgs {
            db: db.map(|db| db.parse().expect("a database")),
            runner_args: runner_args.iter().map(|arg| (*arg).to_owned()).collect(),
        })
    }

    #[test]
    fn db_may_appear_anywhere_after_check() {
        assert_eq!(
            parse_strs(&["check", "--slow", "--db", "/srv/books.sqlite3", "--json"]),
            Ok(check_args(
                Some("/srv/books.sqlite3"),
                &["--slow", "--json"]
            ))
        );
        assert_eq!(
            parse_strs(&["check", "--db=/srv/books.sqlite3"]),
            Ok(check_args(Some("/srv/books.sqlite3"), &[]))
        );
        assert_eq!(parse_strs(&["check"]), Ok(check_args(None, &[])));
    }

    #[test]
    fn db_takes_sqlite_and_postgres_urls_but_no_other() {
        assert_eq!(
            parse_strs(&["check", "--db", "postgres://shop:secret@db/shop"]),
            Ok(Command::Check(CheckArgs {
                db: Some(Database::Postgres(
                    "postgres://shop:secret@db/shop".to_owned()
                )),
                runner_args: Vec::new(),
            }))
        );
        assert_eq!(
            parse_strs(&["check", "--db=sqlite://books.sqlite3"]),
            Ok(check_args(Some("books.sqlite3"), &[]))
        );
        let error = parse_strs(&["check", "--db", "mysql://shop:secret@db/shop"]).unwrap_err();
        assert!(
            error.starts_with("`--db`: `mysql://shop:***@db/shop` is a `mysql` URL"),
            "{error}"
        );
    }

    #[test]
    fn a_runner_flag_value_is_not_taken_for_db() {
        assert_eq!(
            parse_strs(&["check", "--filter", "--db", "--db", "x.sqlite3"]),
            Ok(check_args(Some("x.sqlite3"), &["--filter", "--db"]))
        );
    }

    #[test]
    fn help_and_list_need_no_database_but_a_filter_value_does_not_count() {
        let prints_only = |args: &[&str]| match parse_strs(args) {
            Ok(Command::Check(check_args)) => {
                !needs_database(&Args::parse_from(check_args.runner_args).unwrap())
            }
            other => panic!("{other:?}"),
        };
        assert!(prints_only(&["check", "--list"]));
        assert!(prints_only(&["check", "--slow", "-h"]));
        assert!(!prints_only(&["check", "--filter", "--help"]));
        assert!(!prints_only(&["check", "--filter=--list"]));
    }

    #[test]
    fn the_help_shows_smoketests_options() {
        let help = help();
        assert!(help.starts_with(&format!("{USAGE_LINE}\n\n")), "{help}");
        assert!(help.contains(Args::OPTIONS), "{help}");
        assert!(help.contains("  --junit PATH  "), "{help}");
    }

    #[test]
    fn db_without_a_path_is_a_usage_error() {
        for args in [
            &["check", "--db"][..],
            &["check", "--db", "--slow"],
            &["check", "--db="],
        ] {
            assert_eq!(
                parse_strs(args),
                Err("`--db` needs a path or URL".to_owned()),
                "{args:?}"
            );
        }
        assert_eq!(
            parse_strs(&["check", "--db", "a", "--db", "b"]),
            Err("`--db` given twice".to_owned())
        );
    }

    #[test]
    fn help_missing_and_unknown_subcommands() {
        assert_eq!(parse_strs(&["--help"]), Ok(Command::Help));
        assert!(
            parse_strs(&[])
                .unwrap_err()
                .starts_with("missing subcommand")
        );
        assert_eq!(
            parse_strs(&["serve"]),
            Err("unknown subcommand `serve`; try `smoketest-demo --help`".to_owned())
        );
    }
}
