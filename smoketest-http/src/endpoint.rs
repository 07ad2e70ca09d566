//! The endpoint: a request below the mount point in, a report response out.

use std::fmt;

use http::header::{ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, VARY};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use smoketest::{Runner, Tier};

use crate::negotiate::{Format, negotiate};
use crate::query;

/// Serves smoke test reports over HTTP, framework-free: [`handle`](SmokeEndpoint::handle) takes an
/// [`http::Request`] whose path is relative to where the endpoint is mounted and returns an
/// [`http::Response`].
///
/// | request | response |
/// | --- | --- |
/// | `GET /` (or empty path) | runs the fast tier (tests not marked `slow`) |
/// | `GET /slow` or `/slow/` | runs every test |
/// | `HEAD` of either | the same status and headers, no body |
/// | another method | 405, `Allow: GET, HEAD` |
/// | another path | 404 |
/// | a bad query | 400 with a one-line reason naming the parameter |
///
/// The report is JSON when `Accept` prefers `application/json`, text otherwise; `?format=text` or
/// `?format=json` overrides. Status 200 on PASS, 500 on FAIL ([configurable](Self::fail_status)),
/// with `Cache-Control: no-store` ([configurable](Self::cache_control)).
///
/// ```
/// use smoketest_http::SmokeEndpoint;
///
/// let endpoint = SmokeEndpoint::new(smoketest::Runner::new());
/// let request = http::Request::get("/?format=json").body(()).unwrap();
/// let response = futures_executor::block_on(endpoint.handle(&request));
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.headers()["content-type"], "application/json");
/// ```
#[derive(Clone)]
pub struct SmokeEndpoint {
    runner: Runner,
    fail_status: StatusCode,
    cache_control: Option<HeaderValue>,
}

impl fmt::Debug for SmokeEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmokeEndpoint")
            .field("runner", &self.runner)
            .field("fail_status", &self.fail_status)
            .field("cache_control", &self.cache_control)
            .finish()
    }
}

impl From<Runner> for SmokeEndpoint {
    fn from(runner: Runner) -> Self {
        SmokeEndpoint::new(runner)
    }
}

/// The routes below the mount point.
fn tier_of(path: &str) -> Option<Tier> {
    match path {
        "" | "/" => Some(Tier::Fast),
        "/slow" | "/slow/" => Some(Tier::Slow),
        _ => None,
    }
}

fn plain(status: StatusCode, message: String) -> Response<String> {
    let mut response = Response::new(format!("{message}\n"));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

impl SmokeEndpoint {
    /// An endpoint running `runner`'s tests, answering 500 on FAIL, with `Cache-Control: no-store`.
    pub fn new(runner: Runner) -> Self {
        SmokeEndpoint {
            runner,
            fail_status: StatusCode::INTERNAL_SERVER_ERROR,
            cache_control: Some(HeaderValue::from_static("no-store")),
        }
    }

    /// The status of a FAIL report: 500 by default (what django-smoketest answers); 503 suits
    /// load balancers that treat it as "take this instance out".
    pub fn fail_status(mut self, status: StatusCode) -> Self {
        self.fail_status = status;
        self
    }

    /// The `Cache-Control` header of reports and errors; `None` sends none. Default `no-store`:
    /// a cached report would hide a broken deployment.
    pub fn cache_control(mut self, value: Option<HeaderValue>) -> Self {
        self.cache_control = value;
        self
    }

    /// The runner whose tests are served.
    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// Answers a request whose URI path is relative to the mount point (`/`, `/slow/`): how the
    /// framework glue calls it, and how `Router::nest_service`-style mounting presents requests.
    pub async fn handle<B>(&self, request: &Request<B>) -> Response<String> {
        let uri = request.uri();
        self.respond(request.method(), uri.path(), uri.query(), request.headers())
            .await
    }

    /// Answers a request whose path still includes the mount point `prefix` (e.g. `/smoketest`),
    /// for servers without nesting, such as plain hyper. A path outside `prefix` is a 404.
    pub async fn handle_under<B>(&self, prefix: &str, request: &Request<B>) -> Response<String> {
        let uri = request.uri();
        let prefix = prefix.trim_end_matches('/');
        match uri.path().strip_prefix(prefix) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                self.respond(request.method(), rest, uri.query(), request.headers())
                    .await
            }
            _ => self.finish(
                &Method::GET,
                plain(
                    StatusCode::NOT_FOUND,
                    format!("not found: {}", query::quoted(uri.path())),
                ),
            ),
        }
    }

    /// Answers from the parts of a request: method, path below the mount point, raw query string
    /// and headers (only `Accept` is read).
    pub async fn respond(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
    ) -> Response<String> {
        let Some(tier) = tier_of(path) else {
            return self.finish(
                method,
                plain(
                    StatusCode::NOT_FOUND,
                    format!("not found: {}", query::quoted(path)),
                ),
            );
        };
        if method != Method::GET && method != Method::HEAD {
            let mut response = plain(
                StatusCode::METHOD_NOT_ALLOWED,
                format!(
                    "method {} not allowed; use GET or HEAD",
                    query::quoted(method.as_str())
                ),
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            return self.finish(method, response);
        }
        let format = match query::parse(query) {
            Ok(Some(format)) => format,
            Ok(None) => {
                // A header that is not visible ASCII can't name a media type: treated as absent.
                let accept = headers
                    .get_all(http::header::ACCEPT)
                    .iter()
                    .filter_map(|value| value.to_str().ok());
                let accept: Vec<&str> = accept.collect();
                negotiate((!accept.is_empty()).then(|| accept.join(", ")).as_deref())
            }
            Err(bad) => {
                return self.finish(method, plain(StatusCode::BAD_REQUEST, bad.to_string()));
            }
        };
        let report = self.runner.run_async(tier).await;
        let status = if report.passed() {
            StatusCode::OK
        } else {
            self.fail_status
        };
        let body = match format {
            Format::Text => report.to_text(),
            Format::Json => report.to_json(),
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        response
            .headers_mut()
            .insert(VARY, HeaderValue::from_static("accept"));
        self.finish(method, response)
    }

    /// Adds the common headers, and for `HEAD` drops the body but keeps its length.
    fn finish(&self, method: &Method, mut response: Response<String>) -> Response<String> {
        if let Some(cache_control) = &self.cache_control {
            response
                .headers_mut()
                .insert(CACHE_CONTROL, cache_control.clone());
        }
        let length = HeaderValue::from(response.body().len());
        response.headers_mut().insert(CONTENT_LENGTH, length);
        if method == Method::HEAD {
            response.body_mut().clear();
        }
        response
    }
}
