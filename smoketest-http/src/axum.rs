//! Glue for [axum](https://docs.rs/axum) 0.8 (feature `axum-08`): a tower [`Service`] to mount
//! with `Router::nest_service`, in one line.
//!
//! ```
//! use axum::Router;
//!
//! let app: Router = Router::new()
//!     .route("/", axum::routing::get(|| async { "bookshop is up\n" }))
//!     .nest_service("/smoketest", smoketest_http::axum::service(smoketest::Runner::new()));
//! ```
//!
//! `/smoketest` and `/smoketest/` run the fast tier, `/smoketest/slow` and `/smoketest/slow/`
//! every test; any other path below the mount point is a 404. The mount point may be nested
//! further (`Router::nest`) and hold path parameters (`/{tenant}/smoketest`).
//!
//! `nest_service` strips the mount point from the request's URI, and with it the slash that
//! follows (`/smoketest//` arrives as `/`, just like `/smoketest/`), so the service reads the
//! path below the mount point from axum's `OriginalUri` and `NestedPath` request extensions
//! instead — which is why this feature turns on axum's `original-uri` feature. Outside an axum
//! `Router` (no such extensions) the request's path is taken as relative to the mount point.
//!
//! An [`authorize`](SmokeEndpoint::authorize) predicate sees the client's address when the app
//! is served with `axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())`
//! (axum's `ConnectInfo`), or when a middleware inserted a [`PeerAddr`].
//!
//! # Without axum: plain hyper 1
//!
//! A server that does not nest services hands the whole request, mount point included, to
//! [`SmokeEndpoint::handle_under`], which answers 404 for paths outside the mount point (route
//! before calling it if the server has other pages). With `hyper` (features `server`, `http1`),
//! `hyper-util` (feature `tokio`) and `tokio`:
//!
//! ```ignore
//! use std::convert::Infallible;
//!
//! use hyper::body::Incoming;
//! use hyper::service::service_fn;
//! use hyper::{Request, Response};
//! use smoketest_http::SmokeEndpoint;
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let endpoint = SmokeEndpoint::new(smoketest::Runner::new());
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//!     loop {
//!         let (stream, _) = listener.accept().await?;
//!         let endpoint = endpoint.clone();
//!         tokio::spawn(async move {
//!             let service = service_fn(move |request: Request<Incoming>| {
//!                 let endpoint = endpoint.clone();
//!                 async move {
//!                     let response: Response<String> =
//!                         endpoint.handle_under("/smoketest", &request).await;
//!                     Ok::<_, Infallible>(response)
//!                 }
//!             });
//!             let io = hyper_util::rt::TokioIo::new(stream);
//!             let _ = hyper::server::conn::http1::Builder::new()
//!                 .serve_connection(io, service)
//!                 .await;
//!         });
//!     }
//! }
//! ```

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{ConnectInfo, NestedPath, OriginalUri};
use http::request::Parts;
use http::{Request, Response};
use tower_service::Service;

use crate::{PeerAddr, SmokeEndpoint};

/// A tower [`Service`] serving `endpoint` below wherever it is nested: mount it with
/// `Router::nest_service`.
///
/// `endpoint` is a [`smoketest::Runner`] or a configured [`SmokeEndpoint`]:
///
/// ```
/// use axum::Router;
/// use smoketest_http::SmokeEndpoint;
///
/// let endpoint = SmokeEndpoint::new(smoketest::Runner::new())
///     .fail_status(http::StatusCode::SERVICE_UNAVAILABLE);
/// let app: Router = Router::new().nest_service("/smoketest", smoketest_http::axum::service(endpoint));
/// ```
///
/// Called directly, the service answers requests whose path is relative to the mount point:
///
/// ```
/// use tower_service::Service;
///
/// let mut service = smoketest_http::axum::service(smoketest::Runner::new());
/// let request = http::Request::get("/slow/?format=json").body(()).unwrap();
/// let response = futures_executor::block_on(service.call(request)).unwrap();
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.headers()["content-type"], "application/json");
/// ```
pub fn service(endpoint: impl Into<SmokeEndpoint>) -> SmokeService {
    SmokeService {
        endpoint: Arc::new(endpoint.into()),
    }
}

/// The [`Service`] made by [`service`]: answers any request (whatever its body, which is never
/// read) with the [`SmokeEndpoint`]'s response, and never fails.
///
/// Cloning it is cheap: clones share the endpoint.
///
/// ```
/// fn assert_mountable<T: Clone + Send + Sync + 'static>(_: &T) {}
///
/// let service = smoketest_http::axum::service(smoketest::Runner::new());
/// assert_mountable(&service);
/// ```
#[derive(Clone)]
pub struct SmokeService {
    endpoint: Arc<SmokeEndpoint>,
}

impl fmt::Debug for SmokeService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmokeService")
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

impl SmokeService {
    /// The endpoint this service answers with.
    ///
    /// ```
    /// let service = smoketest_http::axum::service(smoketest::Runner::new().filter("database"));
    /// let fast_tests = service.endpoint().runner().test_names(smoketest::Tier::Fast);
    /// assert!(fast_tests.iter().all(|name| name.contains("database")));
    /// ```
    pub fn endpoint(&self) -> &SmokeEndpoint {
        &self.endpoint
    }
}

impl<B> Service<Request<B>> for SmokeService {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let endpoint = Arc::clone(&self.endpoint);
        // The body is never read: dropping it here keeps the future `Send` for any body type.
        let (parts, _body) = request.into_parts();
        Box::pin(async move {
            let path = path_below_mount(&parts);
            let query = parts.uri.query();
            // A `PeerAddr` set by the app (e.g. from a trusted proxy's header) wins.
            let peer = match parts.extensions.get::<PeerAddr>() {
                Some(peer) => Some(peer.0),
                None => (parts.extensions.get::<ConnectInfo<SocketAddr>>()).map(|info| info.0),
            };
            let response = endpoint
                .respond_with_peer(&parts.method, path, query, &parts.headers, peer)
                .await;
            Ok(response.map(Body::from))
        })
    }
}

/// The request's path below the mount point: when an axum `Router` nested the service, the
/// original path without the mount point's segments; otherwise the request's own path.
fn path_below_mount(parts: &Parts) -> &str {
    let stripped = parts.uri.path();
    let nested = parts.extensions.get::<NestedPath>();
    let original = parts.extensions.get::<OriginalUri>();
    match (nested, original) {
        // Unrelated only if a middleware rewrote the URI after routing; then axum's stripped
        // path is the best there is.
        (Some(mount), Some(OriginalUri(original))) => {
            below(mount.as_str(), original.path()).unwrap_or(stripped)
        }
        _ => stripped,
    }
}

/// `path` without its leading segments matching `mount` (a route path, where `{name}` matches
/// any non-empty segment), or `None` when they don't match.
fn below<'a>(mount: &str, path: &'a str) -> Option<&'a str> {
    let mut rest = path;
    for expected in mount.split('/').filter(|segment| !segment.is_empty()) {
        let after_slash = rest.strip_prefix('/')?;
        let end = after_slash.find('/').unwrap_or(after_slash.len());
        let (segment, tail) = after_slash.split_at(end);
        let is_parameter =
            expected.starts_with('{') && expected.ends_with('}') && !expected.starts_with("{{");
        let matches = segment == expected || (is_parameter && !segment.is_empty());
        if !matches {
            return None;
        }
        rest = tail;
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::below;

    #[test]
    fn the_path_below_the_mount_point_keeps_every_slash() {
        assert_eq!(below("/smoketest", "/smoketest"), Some(""));
        assert_eq!(below("/smoketest", "/smoketest/"), Some("/"));
        assert_eq!(below("/smoketest", "/smoketest//"), Some("//"));
        assert_eq!(below("/smoketest", "/smoketest/slow/"), Some("/slow/"));
        assert_eq!(below("/smoketest/", "/smoketest/slow"), Some("/slow"));
        assert_eq!(
            below("/ops/smoketest", "/ops/smoketest/slow"),
            Some("/slow")
        );
        assert_eq!(below("/{tenant}/smoketest", "/acme/smoketest/"), Some("/"));
    }

    #[test]
    fn a_path_outside_the_mount_point_is_none() {
        assert_eq!(below("/smoketest", "/elsewhere/"), None);
        assert_eq!(below("/smoketest", "/smoke"), None);
        assert_eq!(below("/smoketest", "/smoketests/"), None);
        assert_eq!(below("/{tenant}/smoketest", "//smoketest/"), None);
        assert_eq!(below("/smoketest", ""), None);
    }
}
