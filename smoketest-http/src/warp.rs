//! Glue for [warp](https://docs.rs/warp) 0.4: a [`Filter`] that serves the smoke tests below a
//! path prefix, mounted in one line next to the app's other routes.
//!
//! ```
//! use warp::Filter;
//!
//! let index = warp::path::end().map(|| "bookshop is up\n");
//! let routes = smoketest_http::warp::filter("smoketest", smoketest::Runner::new()).or(index);
//! // then, with warp's `server` feature: warp::serve(routes).run(([127, 0, 0, 1], 8000)).await;
//! # let _ = warp::service(routes);
//! ```
//!
//! `examples/warp` in the repository is a whole server, with graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use ::warp::filters::path::{Peek, Tail};
use ::warp::{Filter, Rejection};
use http::{HeaderMap, Method, Response};

use crate::{PeerAddr, SmokeEndpoint};

/// A filter answering every request whose path starts with the segments of `prefix`, whatever its
/// method, sub-path, query or headers: `GET /{prefix}/` runs the fast tier, `GET /{prefix}/slow/`
/// every test, and the rest is answered as [`SmokeEndpoint`] describes (404, 405, 400 — never a
/// rejection, so routes after it in an `or` chain see nothing below the prefix; a route before it
/// can still claim a sub-path). Requests outside `prefix` are rejected as not found, so the filter
/// composes with [`or`](::warp::Filter::or).
///
/// `prefix` is one or more path segments (`"smoketest"`, `"/internal/smoketest/"`); slashes at
/// either end are ignored. It is matched below whatever earlier filters matched, so
/// `warp::path("api").and(filter("smoketest", runner))` serves `/api/smoketest/`. An empty prefix
/// (`""` or `"/"`) serves everything that reaches the filter.
///
/// The response is the endpoint's, unchanged; runs are awaited, so a slow run holds only its own
/// request. An [`authorize`](SmokeEndpoint::authorize) predicate sees the client's address: a
/// [`PeerAddr`] in the request's extensions (set by a server or middleware of the app's own),
/// else the one `warp::serve` records.
///
/// A request whose target has no path (the authority form, `CONNECT host:443`) is not below any
/// prefix: it is rejected as not found (or, for an empty prefix, answered as `/`).
///
/// ```
/// use warp::Filter;
///
/// let health = warp::path("health").map(|| "ok");
/// let routes = smoketest_http::warp::filter("smoketest", smoketest::Runner::new()).or(health);
/// # let _ = warp::service(routes);
/// ```
///
/// With a non-default FAIL status:
///
/// ```
/// use http::StatusCode;
/// use smoketest_http::SmokeEndpoint;
///
/// let endpoint = SmokeEndpoint::new(smoketest::Runner::new()).fail_status(StatusCode::SERVICE_UNAVAILABLE);
/// let smoke = smoketest_http::warp::filter("/internal/smoketest/", endpoint);
/// # let _ = smoke;
/// ```
pub fn filter(
    prefix: &'static str,
    endpoint: impl Into<SmokeEndpoint>,
) -> impl Filter<Extract = (Response<String>,), Error = Rejection> + Clone {
    let endpoint = Arc::new(endpoint.into());
    let prefix = prefix.trim_matches('/');
    // warp's `peek` and `tail` panic on a request target without a path (`CONNECT host:443`, the
    // authority form), which `end` sees as nothing left to match: such a request, like any whose
    // path earlier filters matched whole, is answered without them.
    let unmatched = ::warp::path::end()
        .map(String::new)
        .or(::warp::path::peek()
            // Everything below the prefix is this filter's: mark the whole path as matched.
            .and(::warp::path::tail())
            .map(|unmatched: Peek, _: Tail| unmatched.as_str().to_owned()))
        .unify();
    let below_prefix = unmatched.and_then(move |unmatched: String| {
        std::future::ready(below(prefix, &unmatched).ok_or_else(::warp::reject::not_found))
    });
    // `query::raw` rejects a request without a query; that is no query, not a bad one.
    let query = ::warp::query::raw()
        .map(Some)
        .or(::warp::any().map(|| None))
        .unify();
    // A `PeerAddr` set by the app (e.g. a server of its own, or from a trusted proxy's header)
    // wins over the address warp's own server records.
    let peer = ::warp::ext::optional::<PeerAddr>()
        .and(::warp::addr::remote())
        .map(|set: Option<PeerAddr>, remote: Option<SocketAddr>| set.map(|peer| peer.0).or(remote));
    below_prefix
        .and(::warp::method())
        .and(query)
        .and(::warp::header::headers_cloned())
        .and(peer)
        .then(move |path, method, query, headers, peer| {
            respond(Arc::clone(&endpoint), path, method, query, headers, peer)
        })
}

/// Awaits the endpoint's answer, so that a run holds only its own request.
async fn respond(
    endpoint: Arc<SmokeEndpoint>,
    path: String,
    method: Method,
    query: Option<String>,
    headers: HeaderMap,
    peer: Option<SocketAddr>,
) -> Response<String> {
    endpoint
        .respond_with_peer(&method, &path, query.as_deref(), &headers, peer)
        .await
}

/// The path below `prefix` as the endpoint expects it (`""`, `"/"`, `"/slow"` …), given the part of
/// the request path earlier filters left unmatched, which warp gives without its leading slash.
fn below(prefix: &str, unmatched: &str) -> Option<String> {
    if prefix.is_empty() {
        return Some(format!("/{unmatched}"));
    }
    let rest = unmatched.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then(|| rest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_below_the_prefix_keep_their_slashes() {
        assert_eq!(below("smoketest", "smoketest").as_deref(), Some(""));
        assert_eq!(below("smoketest", "smoketest/").as_deref(), Some("/"));
        assert_eq!(
            below("smoketest", "smoketest/slow/").as_deref(),
            Some("/slow/")
        );
        assert_eq!(below("smoketest", "smoketest//").as_deref(), Some("//"));
        assert_eq!(
            below("internal/smoketest", "internal/smoketest/slow").as_deref(),
            Some("/slow")
        );
        assert_eq!(below("", "slow").as_deref(), Some("/slow"));
        assert_eq!(below("", "").as_deref(), Some("/"));
    }

    #[test]
    fn paths_outside_the_prefix_are_not_below_it() {
        assert_eq!(below("smoketest", "smoketests"), None);
        assert_eq!(below("smoketest", "smoke"), None);
        assert_eq!(below("smoketest", ""), None);
        assert_eq!(below("smoketest", "api/smoketest"), None);
        assert_eq!(below("internal/smoketest", "internal"), None);
    }
}
