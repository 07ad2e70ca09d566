//! `example-actix-web [--addr HOST:PORT] [--header-timeout DURATION]`: the demo bookshop, served
//! with actix-web 4, with its smoke tests at `/smoketest/` (fast tier) and `/smoketest/slow/`
//! (every test), and the probe groups `/smoketest/live/` and `/smoketest/ready/` for Kubernetes.
//!
//! Mounting the smoke tests is the one `service(scope(...))` line in [`serve`]. The bookshop's
//! database is `$DATABASE_URL`, else `$SMOKETEST_DEMO_DB`: SQLite or PostgreSQL (created and seeded
//! on first start). Prints `listening on http://ADDR` once it accepts connections, and stops
//! cleanly, exit code 0, on SIGTERM or Ctrl-C. Clients get 10 s (`--header-timeout`) to send a
//! request's headers, as in the other examples. What is not about actix-web — the command line,
//! opening the bookshop, that line, the signals — is `example_common`, shared with the axum and
//! warp examples.
//!
//! ```text
//! $ example-actix-web --addr 127.0.0.1:8000 &
//! listening on http://127.0.0.1:8000
//! $ curl http://127.0.0.1:8000/smoketest/
//! PASS
//! test classes: 3
//! tests run: 8
//! ...
//! ```

use std::process::ExitCode;

use actix_web::{App, HttpResponse, HttpServer, web};
use example_common::{Demo, Options};

fn main() -> ExitCode {
    // actix-web runs on its own runtime: one current-thread tokio runtime per worker, and this
    // one for the server itself.
    example_common::run("example-actix-web", |options| {
        actix_web::rt::System::new().block_on(serve(options))
    })
}

/// Serves the bookshop as `options` say until SIGTERM or Ctrl-C.
async fn serve(options: Options) -> Result<(), String> {
    let addr = options.addr;
    let shutdown = example_common::shutdown_signal()?;
    // Built once, outside the app factory, so every worker shares one run per tier.
    let endpoint = example_common::endpoint(Demo::open().await?.runner);

    let server = HttpServer::new(move || {
        App::new()
            .service(smoketest_http::actix_web::scope(
                "/smoketest",
                endpoint.clone(),
            ))
            .route(
                "/",
                web::get().to(|| async { HttpResponse::Ok().body("bookshop is up\n") }),
            )
    })
    .shutdown_signal(shutdown)
    // actix's own default is 5 s; the examples share one value. A client still sending its
    // headers then gets a 408 and the connection is closed.
    .client_request_timeout(options.header_timeout)
    // In-flight requests get this long to finish after the signal; idle keep-alive connections
    // close by themselves within actix's 5 s keep-alive.
    .shutdown_timeout(5)
    .bind(addr)
    .map_err(|error| format!("cannot listen on {addr}: {error}"))?;
    // One address bound, so one address listed.
    let bound = server.addrs()[0];
    let server = server.run();
    example_common::announce(bound)?;

    server
        .await
        .map_err(|error| format!("serving on {bound} failed: {error}"))
}
