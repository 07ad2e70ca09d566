//! `example-quickstart check [OPTIONS]` runs the smoke tests once, prints the report and exits
//! 0 on PASS, 1 on FAIL, 2 on a usage error. `example-quickstart serve [ADDR]` serves the app on
//! ADDR (default 127.0.0.1:3000) with the same tests at `/smoketest/` and `/smoketest/slow/`.

use std::process::ExitCode;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use smoketest::rollback::sqlx::SqlxRollback;
use smoketest::Runner;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::SqlitePool;

mod smoke;

/// The service's configuration, from the environment; a smoke test checks it.
#[derive(Clone, Debug)]
struct Config {
    /// `PUBLIC_URL`: where users reach the service.
    public_url: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let config = Config {
        public_url: std::env::var("PUBLIC_URL").unwrap_or_default(),
    };
    let pool = match connect().await {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("cannot open the database: {error}");
            return ExitCode::FAILURE;
        }
    };
    // One runner for the `check` subcommand and the HTTP endpoint: the tests take the pool and
    // the config as state, and `rolled_back` tests get a transaction on the same pool.
    let runner = Runner::new()
        .with_state(pool.clone())
        .with_state(config)
        .rollback_async(SqlxRollback::new(pool.clone()));

    match args.get(1).map(String::as_str) {
        // Awaited inside this runtime, so the async tests run where the pool lives. The words
        // before the first flag (`check`) are the app's: smoketest reads the flags after them.
        Some("check") => runner.run_cli_async().await,
        Some("serve") => {
            let addr = args.get(2).map_or("127.0.0.1:3000", String::as_str);
            match serve(addr, pool, runner).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("cannot serve on {addr}: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: example-quickstart check [OPTIONS] | serve [ADDR]");
            ExitCode::from(2)
        }
    }
}

/// An in-memory database keeps the example self-contained. It lives as long as its connection,
/// so the pool holds one and never closes it; a real service connects to its `DATABASE_URL`.
async fn connect() -> Result<SqlitePool, sqlx::Error> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect("sqlite::memory:")
        .await?;
    sqlx::query("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    sqlx::query("INSERT INTO notes (body) VALUES ('hello')")
        .execute(&pool)
        .await?;
    Ok(pool)
}

/// The app (`GET /notes`) with its smoke tests below `/smoketest`.
async fn serve(addr: &str, pool: SqlitePool, runner: Runner) -> std::io::Result<()> {
    let app = Router::new()
        .route("/notes", get(count_notes))
        .with_state(pool)
        .nest_service("/smoketest", smoketest_http::axum::service(runner));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    // With port 0 the system picks the port: this line says which.
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}

/// `GET /notes`: how many notes there are.
async fn count_notes(State(pool): State<SqlitePool>) -> Result<String, (StatusCode, String)> {
    match sqlx::query_as::<_, (i64,)>("SELECT count(*) FROM notes")
        .fetch_one(&pool)
        .await
    {
        Ok((notes,)) => Ok(format!("{notes}\n")),
        Err(error) => Err((StatusCode::INTERNAL_SERVER_ERROR, format!("{error}\n"))),
    }
}
