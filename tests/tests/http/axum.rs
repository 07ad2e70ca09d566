//! The axum 0.8 server of the HTTP tests: endpoints mounted with
//! `smoketest_http::axum::service` (`/smoketest` and `/failing`, or any list of mounts), next to
//! an ordinary route `GET /static` answering `ok`.
#![allow(dead_code, unreachable_pub)]

use axum::Router;
use axum::routing::get;
use smoketest_http::SmokeEndpoint;

/// The app [`start`] serves, for tests that nest it further.
pub fn app(passing: smoketest::Runner, failing: smoketest::Runner) -> Router {
    app_with([("/smoketest", passing.into()), ("/failing", failing.into())])
}

/// `GET /static` and each endpoint at its mount point.
pub fn app_with(mounts: impl IntoIterator<Item = (&'static str, SmokeEndpoint)>) -> Router {
    mounts.into_iter().fold(
        Router::new().route("/static", get(|| async { "ok" })),
        |app, (path, endpoint)| app.nest_service(path, smoketest_http::axum::service(endpoint)),
    )
}

/// Serves `router` on an ephemeral port of 127.0.0.1 in the background of the current tokio
/// runtime; returns its origin, `http://127.0.0.1:PORT`.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral port on 127.0.0.1");
    let address = listener.local_addr().expect("the bound address");
    // The listener is already listening: connections made from now on queue until accepted.
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

/// Starts the server with `/smoketest` serving `passing`, `/failing` serving `failing` and
/// `GET /static` answering `ok`; returns its origin once it accepts connections.
pub async fn start(passing: smoketest::Runner, failing: smoketest::Runner) -> String {
    serve(app(passing, failing)).await
}

/// Starts the server with each endpoint at its mount point and `GET /static`; returns its origin.
pub async fn start_with(mounts: impl IntoIterator<Item = (&'static str, SmokeEndpoint)>) -> String {
    serve(app_with(mounts)).await
}
