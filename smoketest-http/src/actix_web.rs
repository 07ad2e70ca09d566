//! Glue for actix-web 4: a [`Scope`] that serves a [`SmokeEndpoint`].
//!
//! ```no_run
//! use actix_web::{App, HttpServer};
//!
//! # async fn serve() -> std::io::Result<()> {
//! // Built once, outside the app factory, so every worker shares one run per tier.
//! let endpoint = smoketest_http::SmokeEndpoint::new(smoketest::Runner::new());
//! HttpServer::new(move || {
//!     App::new().service(smoketest_http::actix_web::scope("/smoketest", endpoint.clone()))
//! })
//! .bind("127.0.0.1:8000")?
//! .run()
//! .await
//! # }
//! ```
//!
//! actix-web 4 speaks `http` 0.2 types; the request's method, path, query and headers are handed
//! over to the core as they came in, and its response handed back byte for byte: actix adds no
//! `content-type`, answers no 404 or 405 of its own below the prefix, and keeps the core's
//! `content-length` on `HEAD`.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use ::actix_web::body::{BodySize, BoxBody, MessageBody};
use ::actix_web::http::StatusCode;
use ::actix_web::http::header::{HeaderName, HeaderValue};
use ::actix_web::web::{self, Bytes};
use ::actix_web::{HttpRequest, HttpResponse, Scope};

use crate::SmokeEndpoint;

/// A [`Scope`] at `path` (e.g. `/smoketest`) answering every request below it with `endpoint`:
/// `GET {path}/` runs the fast tier, `GET {path}/slow/` every test, with or without the trailing
/// slash; any other path below `path` is the core's 404, any other method its 405.
///
/// `endpoint` is a [`SmokeEndpoint`] or a [`smoketest::Runner`]. actix-web calls the app factory
/// once per worker: build the endpoint once, outside it, and pass clones, so that concurrent
/// requests on every worker share one run per tier (clones share the endpoint's in-flight runs,
/// cache and schedule; a runner passed here makes a separate endpoint per worker):
///
/// ```no_run
/// use actix_web::{App, HttpResponse, HttpServer, web};
/// use smoketest_http::SmokeEndpoint;
///
/// # async fn serve() -> std::io::Result<()> {
/// // Answer 503 on FAIL, so the load balancer takes the instance out.
/// let endpoint = SmokeEndpoint::new(smoketest::Runner::new())
///     .fail_status(http::StatusCode::SERVICE_UNAVAILABLE);
/// HttpServer::new(move || {
///     App::new()
///         .service(smoketest_http::actix_web::scope("/smoketest", endpoint.clone()))
///         .route("/", web::get().to(|| async { HttpResponse::Ok().body("up\n") }))
/// })
/// .bind("127.0.0.1:8000")?
/// .run()
/// .await
/// # }
/// ```
///
/// The scope nests like any other: inside `web::scope("/admin")` it serves `/admin/smoketest/`.
pub fn scope(path: &str, endpoint: impl Into<SmokeEndpoint>) -> Scope {
    let endpoint = Arc::new(endpoint.into());
    // A trailing slash in `path` would keep the scope from matching `{path}` itself.
    web::scope(path.trim_end_matches('/')).default_service(web::to(move |request: HttpRequest| {
        let endpoint = Arc::clone(&endpoint);
        async move { respond(&endpoint, &request).await }
    }))
}

/// Converts the request to `http` 1 types, asks the core, and converts its answer back.
async fn respond(endpoint: &SmokeEndpoint, request: &HttpRequest) -> HttpResponse {
    // http 1 accepts every method token http 0.2 does, so this cannot fail; were it to, the
    // request is still no GET or HEAD, and the core answers it with its 405.
    let method = http::Method::from_bytes(request.method().as_str().as_bytes())
        .unwrap_or(http::Method::CONNECT);
    let mut headers = http::HeaderMap::with_capacity(request.headers().len());
    for (name, value) in request.headers() {
        let name = http::HeaderName::from_bytes(name.as_str().as_bytes());
        let value = http::HeaderValue::from_bytes(value.as_bytes());
        if let (Ok(name), Ok(value)) = (name, value) {
            headers.append(name, value);
        }
    }
    let path = path_below_scope(request);
    let query = request.uri().query();
    let response = endpoint
        .respond_with_peer(&method, path, query, &headers, request.peer_addr())
        .await;

    let (parts, body) = response.into_parts();
    // Every status the core answers is in 100..=999, which http 0.2 accepts too.
    let status =
        StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = if method == http::Method::HEAD {
        // actix writes `content-length` from the body's size and drops any set by hand, so a
        // HEAD reply's body must claim the length of the GET body it stands for.
        let length = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse().ok())
            .unwrap_or(0);
        BoxBody::new(HeadBody(length))
    } else {
        BoxBody::new(Bytes::from(body))
    };
    let mut reply = HttpResponse::with_body(status, body);
    for (name, value) in &parts.headers {
        let name = HeaderName::from_bytes(name.as_str().as_bytes());
        let value = HeaderValue::from_bytes(value.as_bytes());
        if let (Ok(name), Ok(value)) = (name, value) {
            reply.headers_mut().append(name, value);
        }
    }
    reply
}

/// The request's path below the scope, as it came in: `""`, `/`, `/slow/`, `/%41`.
///
/// actix matches scopes against a copy of the path with some percent-escapes decoded, and
/// [`match_info().unprocessed()`](::actix_web::dev::Path::unprocessed) is the rest of that copy;
/// the core must see the raw path so it answers as it does behind other frameworks. The copy
/// never decodes `%2F`, so it has the raw path's slashes, and the matched prefix — which ends at
/// a segment boundary — ends right before the raw path's slash of the same number.
fn path_below_scope(request: &HttpRequest) -> &str {
    let raw = request.path();
    let info = request.match_info();
    let matched = info.as_str().len().saturating_sub(info.unprocessed().len());
    let slashes = info
        .as_str()
        .get(..matched)
        .map_or(0, |prefix| prefix.matches('/').count());
    match raw.match_indices('/').nth(slashes) {
        Some((start, _)) => &raw[start..],
        None => "",
    }
}

/// The body of a `HEAD` reply: sends nothing, sized as the `GET` body it stands for, so actix
/// writes that `content-length` (on `HEAD`, actix writes the head and never the body's bytes).
struct HeadBody(u64);

impl MessageBody for HeadBody {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.0)
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(None)
    }
}
