//! `example-warp [--addr HOST:PORT] [--header-timeout DURATION]`: the demo bookshop on warp 0.4,
//! with its smoke tests at `/smoketest/` (fast tier) and `/smoketest/slow/` (every test), and the
//! probe groups `/smoketest/live/` and `/smoketest/ready/` for Kubernetes.
//!
//! Mounting the smoke tests is the one line building `routes` in [`serve`]. The bookshop's database
//! is `$DATABASE_URL`, else `$SMOKETEST_DEMO_DB`: SQLite or PostgreSQL (created and seeded on first
//! start). Prints `listening on http://ADDR` once it accepts connections, and shuts down gracefully
//! on SIGTERM or Ctrl-C. What is not about warp — the command line, opening the bookshop, that
//! line, the signals, and the hyper server that gives clients 10 s (`--header-timeout`) to send
//! a request's headers, which `warp::serve` cannot be asked for — is `example_common`, shared
//! with the axum and actix-web examples.
//!
//! A request whose target has no path (`CONNECT host:443`) is answered 404 before it reaches the
//! routes ([`PathRequired`]), as axum and actix-web answer it.
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

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::task::{Context, Poll};

use example_common::{Demo, Options};
use smoketest_demo::Store;
use tower_service::Service;
use warp::Filter as _;
use warp::Reply as _;
use warp::http::{Request, StatusCode};

fn main() -> ExitCode {
    example_common::run("example-warp", |options| {
        tokio::runtime::Runtime::new()
            .map_err(|error| format!("cannot start the tokio runtime: {error}"))?
            .block_on(serve(options))
    })
}

/// Serves the bookshop as `options` say until SIGTERM or Ctrl-C.
async fn serve(options: Options) -> Result<(), String> {
    let addr = options.addr;
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

    let app = PathRequired(warp::service(routes));
    example_common::serve(listener, app, options.header_timeout, shutdown).await;
    Ok(())
}

/// A warp service in front of which a request whose target has no path — the authority form,
/// `CONNECT host:443`, which a proxy gets — is answered warp's own empty 404, as axum and
/// actix-web answer it. warp 0.4's filters cannot tell such a request from one for `/`, so
/// `warp::path::end()` routes take it for theirs (and some of warp's path filters panic on it).
#[derive(Clone)]
struct PathRequired<S>(S);

impl<S, B> Service<Request<B>> for PathRequired<S>
where
    S: Service<Request<B>, Response = warp::reply::Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = warp::reply::Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if request.uri().path_and_query().is_none() {
            let not_found = warp::reply::with_status(warp::reply(), StatusCode::NOT_FOUND);
            return Box::pin(std::future::ready(Ok(not_found.into_response())));
        }
        Box::pin(self.0.call(request))
    }
}

/// `GET /books`: one title per line.
async fn list_books(store: Store) -> warp::reply::Response {
    match store.books().await {
        Ok(books) => books
            .iter()
            .map(|book| format!("{}\n", book.title))
            .collect::<String>()
            .into_response(),
        Err(error) => {
            let reply = format!("cannot list books: {error}\n");
            warp::reply::with_status(reply, StatusCode::INTERNAL_SERVER_ERROR).into_response()
        }
    }
}
