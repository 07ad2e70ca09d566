//! `example-axum [--addr HOST:PORT] [--header-timeout DURATION]`: the demo bookshop on axum 0.8,
//! with its smoke tests at `/smoketest/` (fast tier) and `/smoketest/slow/` (every test), and the
//! probe groups `/smoketest/live/` and `/smoketest/ready/` for Kubernetes.
//!
//! Mounting the smoke tests is the one `nest_service` line in [`app`]. The bookshop's database is
//! `$DATABASE_URL`, else `$SMOKETEST_DEMO_DB`: SQLite or PostgreSQL (created and seeded on first
//! start). Prints `listening on http://ADDR` once it accepts connections, and shuts down gracefully
//! on SIGTERM or Ctrl-C. What is not about axum — the command line, opening the bookshop, that
//! line, the signals, and the hyper server that gives clients 10 s (`--header-timeout`) to send
//! a request's headers, which `axum::serve` cannot be asked for — is `example_common`, shared
//! with the actix-web and warp examples.
//!
//! ```text
//! $ example-axum --addr 127.0.0.1:8000 &
//! listening on http://127.0.0.1:8000
//! $ curl http://127.0.0.1:8000/smoketest/
//! PASS
//! test classes: 3
//! tests run: 8
//! ...
//! ```

use std::process::ExitCode;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use example_common::{Demo, Options};
use smoketest_demo::Store;

fn main() -> ExitCode {
    example_common::run("example-axum", |options| {
        tokio::runtime::Runtime::new()
            .map_err(|error| format!("cannot start the tokio runtime: {error}"))?
            .block_on(serve(options))
    })
}

/// The bookshop: `GET /`, `GET /books`, and its smoke tests below `/smoketest`.
fn app(demo: Demo) -> Router {
    Router::new()
        .route("/", get(|| async { "bookshop is up\n" }))
        .route("/books", get(list_books))
        .with_state(demo.store)
        .nest_service(
            "/smoketest",
            smoketest_http::axum::service(example_common::endpoint(demo.runner)),
        )
}

/// Serves the bookshop as `options` say until SIGTERM or Ctrl-C.
async fn serve(options: Options) -> Result<(), String> {
    let addr = options.addr;
    let shutdown = example_common::shutdown_signal()?;
    let demo = Demo::open().await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| format!("cannot listen on {addr}: {error}"))?;
    let bound = listener
        .local_addr()
        .map_err(|error| format!("cannot read the bound address: {error}"))?;
    example_common::announce(bound)?;

    example_common::serve(listener, app(demo), options.header_timeout, shutdown).await;
    Ok(())
}

/// `GET /books`: one title per line.
async fn list_books(State(store): State<Store>) -> Result<String, (StatusCode, String)> {
    match store.books().await {
        Ok(books) => Ok(books
            .iter()
            .map(|book| format!("{}\n", book.title))
            .collect()),
        Err(error) => Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot list books: {error}\n"),
        )),
    }
}
