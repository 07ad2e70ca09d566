//! The warp 0.4 server of the HTTP tests: endpoints mounted with `smoketest_http::warp::filter`
//! (`/smoketest` and `/failing`, or any list of mounts), next to an ordinary route `GET /static`
//! answering `ok`.
#![allow(dead_code, unreachable_pub)]

use smoketest_http::SmokeEndpoint;
use warp::filters::BoxedFilter;
use warp::{Filter, Rejection, Reply};

/// Serves `routes` on an ephemeral port of 127.0.0.1 in the background of the current tokio
/// runtime; returns its origin, `http://127.0.0.1:PORT`.
pub async fn serve<F, R>(routes: F) -> String
where
    F: Filter<Extract = (R,), Error = Rejection> + Clone + Send + Sync + 'static,
    R: Reply,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral port on 127.0.0.1");
    let address = listener.local_addr().expect("the bound address");
    // The listener is already listening: connections made from now on queue until accepted.
    tokio::spawn(warp::serve(routes).incoming(listener).run());
    format!("http://{address}")
}

/// Starts the server with `/smoketest` serving `passing`, `/failing` serving `failing` and
/// `GET /static` answering `ok`; returns its origin once it accepts connections.
pub async fn start(passing: smoketest::Runner, failing: smoketest::Runner) -> String {
    // The path before the method, as warp's examples route: a request no route's path matches
    // is then warp's empty 404, as in axum and actix-web, rather than a 405 of the method filter.
    let routes = smoketest_http::warp::filter("smoketest", passing)
        .or(smoketest_http::warp::filter("failing", failing))
        .or(warp::path!("static").and(warp::get()).map(|| "ok"));
    serve(routes).await
}

/// Starts the server with each endpoint at its mount point (`/probes`) and `GET /static`;
/// returns its origin.
pub async fn start_with(mounts: impl IntoIterator<Item = (&'static str, SmokeEndpoint)>) -> String {
    // The path before the method, as in `start`.
    let ok = warp::path!("static")
        .and(warp::get())
        .map(|| warp::reply::Reply::into_response("ok"))
        .boxed();
    let routes: BoxedFilter<(warp::reply::Response,)> =
        mounts.into_iter().fold(ok, |routes, (path, endpoint)| {
            smoketest_http::warp::filter(path, endpoint)
                .map(warp::reply::Reply::into_response)
                .or(routes)
                .unify()
                .boxed()
        });
    serve(routes).await
}
