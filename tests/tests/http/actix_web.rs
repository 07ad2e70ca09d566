//! An actix-web 4 server with the two mounts the contract checks: `/smoketest` serving `passing`,
//! `/failing` serving `failing` (or any list of mounts), and an ordinary route `GET /static`
//! answering `ok`.
#![allow(dead_code, unreachable_pub)]

use actix_web::{App, HttpServer, web};
use smoketest_http::SmokeEndpoint;

/// Starts the server on `127.0.0.1` (ephemeral port) with two workers and returns its origin,
/// `http://127.0.0.1:PORT`, once it accepts connections.
///
/// actix-web runs its own runtimes (one current-thread tokio runtime per worker), so the server
/// gets a thread with its own actix `System`, and lives as long as the test process.
pub async fn start(passing: smoketest::Runner, failing: smoketest::Runner) -> String {
    start_with_workers(2, passing, failing).await
}

/// [`start`] with `workers` worker threads (1 shows that a run does not hold its worker).
pub async fn start_with_workers(
    workers: usize,
    passing: smoketest::Runner,
    failing: smoketest::Runner,
) -> String {
    let mounts = vec![("/smoketest", passing.into()), ("/failing", failing.into())];
    serve(workers, mounts).await
}

/// Starts the server with each endpoint at its mount point and `GET /static`; returns its origin.
pub async fn start_with(mounts: impl IntoIterator<Item = (&'static str, SmokeEndpoint)>) -> String {
    serve(2, mounts.into_iter().collect()).await
}

async fn serve(workers: usize, mounts: Vec<(&'static str, SmokeEndpoint)>) -> String {
    let (bound, address) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("actix-web-server".into())
        .spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                // Built once, outside the app factory: every worker shares the endpoints' runs.
                let server = HttpServer::new(move || {
                    mounts.iter().fold(
                        App::new().route("/static", web::get().to(|| async { "ok" })),
                        |app, (path, endpoint)| {
                            app.service(smoketest_http::actix_web::scope(path, endpoint.clone()))
                        },
                    )
                })
                .workers(workers)
                .disable_signals()
                .bind(("127.0.0.1", 0))
                .expect("binding 127.0.0.1:0");
                let address = server.addrs()[0];
                let server = server.run();
                // The socket listens already: connections wait in its backlog until the accept
                // loop, started by the `await` below, takes them.
                let _ = bound.send(address);
                server.await
            })
        })
        .expect("spawning the actix-web server thread");
    let address = address.await.expect("the actix-web server starts");
    format!("http://{address}")
}
