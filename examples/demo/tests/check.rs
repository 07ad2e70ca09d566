//! `smoketest-demo check`, run as a user runs it: the built binary against a fresh SQLite
//! database, and against PostgreSQL: at `SMOKETEST_PG_URL`, else on the default URL, else a
//! throwaway cluster this test binary starts (`smoketest_pg_harness`). Without any, those tests
//! print a loud `SKIPPED` line to stderr and pass, except with `CI=true`, where they fail.
//!
//! After each run a separate connection counts the rows the rolled-back tests wrote: none.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use smoketest_demo::SEED_BOOKS;
use sqlx::Connection as _;

/// A database path of the test's own, removed when dropped.
struct TempDb(PathBuf);

impl TempDb {
    fn new(test: &str) -> TempDb {
        let path = std::env::temp_dir().join(format!(
            "smoketest-demo-check-{}-{test}.sqlite3",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        TempDb(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs the binary with `args`, isolated from the developer's environment, plus `env`.
fn run<I, S>(args: I, env: &[(&str, &OsStr)]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_smoketest-demo"));
    command.args(args);
    for variable in [
        "DATABASE_URL",
        "SMOKETEST_DEMO_DB",
        "SMOKETEST_DEMO_CURRENCY",
        "SMOKETEST_APPS",
        "SMOKETEST_SKIP_APPS",
    ] {
        command.env_remove(variable);
    }
    command.envs(env.iter().copied());
    command.output().expect("the smoketest-demo binary runs")
}

fn check(db: &TempDb, flags: &[&str]) -> Output {
    let mut args = vec![
        OsStr::new("check"),
        OsStr::new("--db"),
        db.path().as_os_str(),
    ];
    args.extend(flags.iter().map(OsStr::new));
    run(args, &[])
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Checks the report's first eight lines: status, counts, a `time: <ms>ms` line and the run id
/// (a UUID v7).
fn assert_report(
    output: &Output,
    status: &str,
    classes: u32,
    run: u32,
    passed: u32,
    failed: u32,
    errored: u32,
) {
    let stdout = stdout(output);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.len() >= 8,
        "short report:\n{stdout}\nstderr:\n{}",
        stderr(output)
    );
    let expected = [
        status.to_owned(),
        format!("test classes: {classes}"),
        format!("tests run: {run}"),
        format!("tests passed: {passed}"),
        format!("tests failed: {failed}"),
        format!("tests errored: {errored}"),
    ];
    assert_eq!(
        lines[..6],
        expected,
        "report:\n{stdout}\nstderr:\n{}",
        stderr(output)
    );
    let time = lines[6]
        .strip_prefix("time: ")
        .and_then(|time| time.strip_suffix("ms"))
        .unwrap_or_else(|| panic!("not a time line: {:?}", lines[6]));
    let (_, decimals) = time.split_once('.').expect("time has decimals");
    assert_eq!(decimals.len(), 6, "time {time:?}");
    time.parse::<f64>().expect("time is a number");
    let id = lines[7]
        .strip_prefix("run id: ")
        .unwrap_or_else(|| panic!("not a run id line: {:?}", lines[7]));
    let version_7 = id.len() == 36
        && id.bytes().enumerate().all(|(at, byte)| match at {
            8 | 13 | 18 | 23 => byte == b'-',
            14 => byte == b'7',
            _ => byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase(),
        });
    assert!(version_7, "not a UUID v7: {id}");
}

#[test]
fn check_creates_the_database_and_passes_the_fast_tier() {
    let db = TempDb::new("fast");
    let output = check(&db, &[]);
    assert_report(&output, "PASS", 3, 8, 8, 0, 0);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        db.path().is_file(),
        "{} was not created",
        db.path().display()
    );
}

#[test]
fn check_slow_also_runs_the_slow_tests() {
    let db = TempDb::new("slow");
    let output = check(&db, &["--slow"]);
    assert_report(&output, "PASS", 3, 10, 10, 0, 0);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn db_may_come_after_the_runner_flags() {
    let db = TempDb::new("db-last");
    let output = run(
        [
            OsStr::new("check"),
            OsStr::new("--slow"),
            OsStr::new("--db"),
            db.path().as_os_str(),
        ],
        &[],
    );
    assert_report(&output, "PASS", 3, 10, 10, 0, 0);
    assert!(db.path().is_file());
}

#[test]
fn a_second_check_reuses_the_seeded_database() {
    let db = TempDb::new("twice");
    assert_eq!(check(&db, &[]).status.code(), Some(0));
    let output = check(&db, &["--slow"]);
    assert_report(&output, "PASS", 3, 10, 10, 0, 0);
}

#[test]
fn the_database_path_comes_from_the_environment_without_db() {
    let db = TempDb::new("env");
    let output = run(["check"], &[("SMOKETEST_DEMO_DB", db.path().as_os_str())]);
    assert_report(&output, "PASS", 3, 8, 8, 0, 0);
    assert!(
        db.path().is_file(),
        "{} was not created",
        db.path().display()
    );
}

#[test]
fn a_misconfigured_currency_fails_its_smoke_test() {
    let db = TempDb::new("currency");
    let output = run(
        [
            OsStr::new("check"),
            OsStr::new("--db"),
            db.path().as_os_str(),
        ],
        &[("SMOKETEST_DEMO_CURRENCY", OsStr::new("euro"))],
    );
    assert_report(&output, "FAIL", 3, 8, 7, 1, 0);
    assert_eq!(output.status.code(), Some(1));
    let stdout = stdout(&output);
    let failure = stdout.lines().nth(9).unwrap_or_default();
    assert!(
        failure.starts_with(
            "smoketest_demo::smoke::currency_is_configured failed: \
             set SMOKETEST_DEMO_CURRENCY to an ISO 4217 code such as EUR"
        ),
        "report:\n{stdout}"
    );
}

#[test]
fn db_without_a_value_is_a_usage_error() {
    let output = run(["check", "--db"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "smoketest-demo: `--db` needs a path or URL\n"
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn a_database_that_cannot_be_opened_is_a_usage_error() {
    let missing_dir = std::env::temp_dir().join(format!(
        "smoketest-demo-check-{}-no-such-dir",
        std::process::id()
    ));
    let path = missing_dir.join("books.sqlite3");
    let output = run(
        [OsStr::new("check"), OsStr::new("--db"), path.as_os_str()],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr:?}");
    assert!(
        stderr.starts_with(&format!(
            "smoketest-demo: cannot open the database {}: ",
            path.display()
        )),
        "stderr: {stderr:?}"
    );
    assert!(!missing_dir.exists());
}

#[test]
fn a_missing_or_unknown_subcommand_is_a_usage_error() {
    for args in [&[][..], &["serve"]] {
        let output = run(args, &[]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&output).lines().count(),
            1,
            "{args:?}: {:?}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}

#[test]
fn help_prints_the_usage_and_succeeds() {
    let output = run(["--help"], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).starts_with("Usage: smoketest-demo check [--db PATH|URL] [OPTIONS]\n\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn check_help_is_the_same_help_with_smoketests_options_and_needs_no_database() {
    let help = stdout(&run(["--help"], &[]));
    let output = run(["check", "--help"], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), help);
    assert_eq!(stderr(&output), "");
    for option in [
        "\n  --db PATH|URL       the database: ",
        "\n  --junit PATH        also write the report as JUnit XML to PATH\n",
        "\n  --isolate           run the tests in a child process of this program, ",
    ] {
        assert!(help.contains(option), "{option:?} in\n{help}");
    }
}

#[test]
fn a_runner_usage_error_with_nagios_is_unknown_on_stdout() {
    let output = run(["check", "--nagios", "--concurrency", "0"], &[]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stdout(&output),
        "SMOKETEST UNKNOWN - --concurrency \"0\" is not a number of tests, 1 or more\n"
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn an_unknown_runner_flag_is_a_usage_error() {
    let db = TempDb::new("unknown-flag");
    let output = check(&db, &["--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output).lines().count(), 1, "{:?}", stderr(&output));
}

#[test]
fn help_documents_where_the_database_comes_from() {
    let stdout = stdout(&run(["--help"], &[]));
    assert!(
        stdout.contains(
            "The database is the first of these that is set and not empty:
  1. --db
  2. $DATABASE_URL
  3. $SMOKETEST_DEMO_DB
  4. smoketest-demo.sqlite3 in the system's temporary directory
"
        ),
        "{stdout}"
    );
}

#[test]
fn database_url_wins_over_smoketest_demo_db() {
    let chosen = TempDb::new("database-url");
    let ignored = TempDb::new("database-url-ignored");
    let url = format!("sqlite://{}", chosen.path().display());
    let output = run(
        ["check"],
        &[
            ("DATABASE_URL", OsStr::new(&url)),
            ("SMOKETEST_DEMO_DB", ignored.path().as_os_str()),
        ],
    );
    assert_report(&output, "PASS", 3, 8, 8, 0, 0);
    assert!(chosen.path().is_file(), "{url} was not created");
    assert!(!ignored.path().exists(), "SMOKETEST_DEMO_DB was used");
}

#[test]
fn a_database_of_another_kind_is_a_usage_error_without_its_password() {
    let from_flag = run(["check", "--db", "mysql://shop:hunter2@db/shop"], &[]);
    let from_env = run(
        ["check"],
        &[("DATABASE_URL", OsStr::new("mysql://shop:hunter2@db/shop"))],
    );
    for (output, prefix) in [
        (&from_flag, "smoketest-demo: `--db`: "),
        (&from_env, "smoketest-demo: DATABASE_URL: "),
    ] {
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            stderr(output),
            format!(
                "{prefix}`mysql://shop:***@db/shop` is a `mysql` URL; the demo runs on SQLite \
                 and PostgreSQL; give a file path, sqlite://PATH or \
                 postgres://USER:PASSWORD@HOST/DATABASE\n"
            )
        );
        assert_eq!(stdout(output), "");
    }
}

#[test]
fn db_outranks_a_malformed_database_url() {
    let db = TempDb::new("db-outranks");
    let output = run(
        [
            OsStr::new("check"),
            OsStr::new("--db"),
            db.path().as_os_str(),
        ],
        &[("DATABASE_URL", OsStr::new("mysql://db/shop"))],
    );
    assert_report(&output, "PASS", 3, 8, 8, 0, 0);
}

/// The rolled-back tests' lines of a `--verbose` report, which must say `passed`.
fn assert_rolled_back_tests_passed(output: &Output) {
    let stdout = stdout(output);
    for test in ["can_place_an_order", "can_update_stock"] {
        let line = format!("smoketest_demo::smoke::{test} ... passed (");
        assert!(
            stdout.lines().any(|report| report.starts_with(&line)),
            "{test} did not pass:\n{stdout}\nstderr:\n{}",
            stderr(output)
        );
    }
}

/// What a connection of the test's own sees in the bookshop's tables after a run.
#[derive(Debug, PartialEq, Eq)]
struct Rows {
    orders: i64,
    /// `(isbn, stock)` of every book, by id.
    stock: Vec<(String, i64)>,
}

impl Rows {
    /// The tables as seeded, with no order placed.
    fn seeded() -> Rows {
        Rows {
            orders: 0,
            stock: SEED_BOOKS
                .iter()
                .map(|book| (book.isbn.to_owned(), book.stock))
                .collect(),
        }
    }
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

/// Counts, through a new connection to `url`, the rows the smoke tests could have left.
fn rows(url: &str) -> Rows {
    sqlx::any::install_default_drivers();
    block_on(async {
        let mut connection = sqlx::AnyConnection::connect(url)
            .await
            .unwrap_or_else(|error| panic!("connecting to {url}: {error}"));
        let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM demo_orders")
            .fetch_one(&mut connection)
            .await
            .expect("counting orders");
        let stock: Vec<(String, i64)> =
            sqlx::query_as("SELECT isbn, stock FROM demo_books ORDER BY id")
                .fetch_all(&mut connection)
                .await
                .expect("reading the stock");
        connection.close().await.expect("closing the connection");
        Rows { orders, stock }
    })
}

#[test]
fn the_rolled_back_tests_leave_no_rows_in_the_sqlite_file() {
    let db = TempDb::new("rolled-back");
    let output = check(&db, &["--slow", "--verbose"]);
    assert_report(&output, "PASS", 3, 10, 10, 0, 0);
    assert_rolled_back_tests_passed(&output);
    let url = format!("sqlite://{}?mode=ro", db.path().display());
    assert_eq!(rows(&url), Rows::seeded());
}

/// The URL of the PostgreSQL these tests use (`smoketest_pg_harness::url`), if it answers.
/// Otherwise, with `CI=true`, the test fails saying what is missing; elsewhere it prints a loud
/// `SKIPPED` line to stderr and the caller returns.
fn postgres_or_skip() -> Option<String> {
    let url = smoketest_pg_harness::url()?;
    sqlx::any::install_default_drivers();
    let connected = block_on(async {
        let connection = sqlx::AnyConnection::connect(&url).await?;
        connection.close().await
    });
    smoketest_pg_harness::connected_or_skip(&url, connected)?;
    Some(url)
}

#[test]
fn check_runs_on_postgres_with_db_and_leaves_no_rows() {
    let Some(url) = postgres_or_skip() else {
        return;
    };
    let output = run(["check", "--db", &url, "--slow", "--verbose"], &[]);
    assert_report(&output, "PASS", 3, 10, 10, 0, 0);
    assert_eq!(output.status.code(), Some(0));
    assert_rolled_back_tests_passed(&output);
    assert_eq!(rows(&url), Rows::seeded());
}

#[test]
fn check_runs_on_postgres_from_database_url_and_leaves_no_rows() {
    let Some(url) = postgres_or_skip() else {
        return;
    };
    let ignored = TempDb::new("postgres-ignored");
    let output = run(
        ["check", "--verbose"],
        &[
            ("DATABASE_URL", OsStr::new(&url)),
            ("SMOKETEST_DEMO_DB", ignored.path().as_os_str()),
        ],
    );
    assert_report(&output, "PASS", 3, 8, 8, 0, 0);
    assert_rolled_back_tests_passed(&output);
    assert!(!ignored.path().exists(), "SMOKETEST_DEMO_DB was used");
    assert_eq!(rows(&url), Rows::seeded());
}

#[test]
fn a_wrong_postgres_password_is_a_usage_error_that_hides_it() {
    let Some(url) = postgres_or_skip() else {
        return;
    };
    let wrong = smoketest_pg_harness::with_password(&url, "not-the-password");
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (userinfo, host) = rest.split_once('@').expect("user@host");
    let user = userinfo.split(':').next().unwrap_or(userinfo);
    let output = run(["check", "--db", &wrong], &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(
        stderr.starts_with(&format!(
            "smoketest-demo: cannot open the database {scheme}://{user}:***@{host}: "
        )),
        "{stderr:?}"
    );
    assert!(!stderr.contains("not-the-password"), "{stderr:?}");
}
