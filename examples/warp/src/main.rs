//! `example-warp [--addr HOST:PORT]`: the demo bookshop on warp 0.4, with its smoke tests at
//! `/smoketest/` (fast tier) and `/smoketest/slow/` (every test), and the probe groups
//! `/smoketest/live/` and `/smoketest/ready/` for Kubernetes.
//!
//! Mounting the smoke tests is the one line building `routes` in [`serve`]. The bookshop's database
//! is `$DATABASE_URL`, else `$SMOKETEST_DEMO_DB`: SQLite or PostgreSQL (created and seeded on first
//! start). Prints `listening on http://ADDR` once it accepts connections, and shuts down gracefully
//! on SIGTERM or Ctrl-C. What is not about warp — the command line, opening the bookshop, that
//! line, the signals — is `example_common`, shared with the axum and actix-web examples.
//!
//! ```text
//! $ example-warp --addr 127.0.0.1:8000 &
//! listening on http://127.0.0.1:8000
//! $ curl http://127.0.0.1:8000/smoketest/
//! PASS
//! test classes: 3
//! tests run: 8
//! ...
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;

use example_common::Demo;
use smoketest_demo::Store;
use warp::Filter as _;

fn main() -> ExitCode {
    example_common::run("example-warp", |addr| {
        tokio::runtime::Runtime::new()
            .map_err(|error| format!("cannot start the tokio runtime: {error}"))?
            .block_on(serve(addr))
    })
}

/// Serves the bookshop on `addr` until SIGTERM or Ctrl-C.
async fn serve(addr: SocketAddr) -> Result<(), String> {
    let shutdown = example_common::shutdown_signal()?;
    let Demo { store, runner } = Demo::open().await?;

    let index = warp::get()
        .and(warp::path::end())
        .map(|| "bookshop is up\n");
    let books = warp::get()
        .and(warp::path!("books"))
        .then(move || list_books(store.clone()));
    let routes = smoketest_http::warp::filter("smoketest", example_common::endpoint(runner))
        .or(index)
        .or(books);

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| format!("cannot listen on {addr}: {error}"))?;
    let bound = listener
        .local_addr()
        .map_err(|error| format!("cannot read the bound address: {error}"))?;
    example_common::announce(bound)?;

    warp::serve(routes)
        .incoming(listener)
        .graceful(shutdown)
        .run()
        .await;
    Ok(())
}

/// `GET /books`: one title per line.
async fn list_books(store: Store) -> warp::reply::Response {
    use warp::Reply as _;
    match store.books().await {
        Ok(books) => books
            .iter()
            .map(|book| format!("{}\n", book.title))
            .collect::<String>()
            .into_response(),
        Err(error) => {
            let reply = format!("cannot list books: {error}\n");
            warp::reply::with_status(reply, warp::http::StatusCode::INTERNAL_SERVER_ERROR)
                .into_response()
        }
    }
}
