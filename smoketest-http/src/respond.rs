//! Answering a request: the route, the caller's access, the query, then the report in the
//! negotiated format, or the error that says what was wrong.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::header::{
    AGE, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, VARY, WWW_AUTHENTICATE,
    X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use smoketest::Tier;
use smoketest::render::{self, Format};

use crate::SmokeEndpoint;
use crate::access::{Caller, Denial, Grant, PeerAddr};
use crate::coalesce::Served;
use crate::negotiate::negotiate;
use crate::query::{self, Query};
use crate::rate_limit::RetryAfter;
use crate::route::{self, BadPath, Route};
use crate::selection::{Key, Target, no_such_test, prepare};

/// `X-Smoketest-Run-Id`: the header every report response carries, the
/// [run id](smoketest::Report::run_id) of the report's run.
///
/// ```
/// assert_eq!(smoketest_http::RUN_ID_HEADER.as_str(), "x-smoketest-run-id");
/// ```
pub const RUN_ID: HeaderName = HeaderName::from_static("x-smoketest-run-id");

fn plain(status: StatusCode, message: String) -> Response<String> {
    let mut response = Response::new(format!("{message}\n"));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// A one-line error quoting part of the request (its path, query or method), with
/// `X-Content-Type-Options: nosniff`: the quoted text is the client's to choose, and a browser
/// that guessed HTML from it would render whatever markup a crafted link put there.
pub(crate) fn echoing(status: StatusCode, message: String) -> Response<String> {
    let mut response = plain(status, message);
    response
        .headers_mut()
        .insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The 405 answer to a method other than `GET` and `HEAD`, if it is one.
pub(crate) fn method_not_allowed(method: &Method) -> Option<Response<String>> {
    if method == Method::GET || method == Method::HEAD {
        return None;
    }
    let mut response = echoing(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "method {} not allowed; use GET or HEAD",
            query::quoted(method.as_str())
        ),
    );
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    Some(response)
}

/// The answer to a caller who may see nothing: one line that names no test.
fn denied(denial: Denial) -> Response<String> {
    let (status, message, challenge) = match denial {
        Denial::MissingToken => (
            StatusCode::UNAUTHORIZED,
            "unauthorized: send the token in an `Authorization: Bearer <token>` header",
            Some(r#"Bearer realm="smoketest""#),
        ),
        Denial::InvalidToken => (
            StatusCode::UNAUTHORIZED,
            "unauthorized: the bearer token is not valid",
            Some(r#"Bearer realm="smoketest", error="invalid_token""#),
        ),
        Denial::Forbidden => (
            StatusCode::FORBIDDEN,
            "forbidden: this client may not see the smoke tests",
            None,
        ),
    };
    let mut response = plain(status, message.to_owned());
    if let Some(challenge) = challenge {
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    response
}

/// The answer to a request for a group whose run failed in its startup grace, with `status`
/// (503): the grace configured (not what is left of it: every server of a fleet answers alike).
fn starting(status: StatusCode, group: &str, grace: Duration) -> Response<String> {
    plain(
        status,
        format!(
            "starting: probe group {} has not passed yet (startup grace: {grace:?})",
            query::quoted(group)
        ),
    )
}

/// The answer to a request for the slow tier too soon after its last run, with no report to
/// serve.
fn too_many_requests(retry: RetryAfter) -> Response<String> {
    let seconds = retry.seconds();
    let mut response = plain(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "too many requests: the slow tier runs at most once every {:?}; retry after {seconds} s",
            retry.interval
        ),
    );
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}

impl SmokeEndpoint {
    /// Answers a request whose URI path is relative to the mount point (`/`, `/slow/`): how the
    /// framework glue calls it, and how `Router::nest_service`-style mounting presents requests.
    /// A [`PeerAddr`] in the request's extensions is the client's address.
    pub async fn handle<B>(&self, request: &Request<B>) -> Response<String> {
        let uri = request.uri();
        let peer = request.extensions().get::<PeerAddr>().map(|peer| peer.0);
        self.respond_with_peer(
            request.method(),
            uri.path(),
            uri.query(),
            request.headers(),
            peer,
        )
        .await
    }

    /// Answers a request whose path still includes the mount point `prefix` (e.g. `/smoketest`),
    /// for servers without nesting, such as plain hyper. A path outside `prefix` is a 404.
    pub async fn handle_under<B>(&self, prefix: &str, request: &Request<B>) -> Response<String> {
        let uri = request.uri();
        let prefix = prefix.trim_end_matches('/');
        match uri.path().strip_prefix(prefix) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                let peer = request.extensions().get::<PeerAddr>().map(|peer| peer.0);
                self.respond_with_peer(request.method(), rest, uri.query(), request.headers(), peer)
                    .await
            }
            _ => self.finish(
                request.method(),
                echoing(
                    StatusCode::NOT_FOUND,
                    format!("not found: {}", query::quoted(uri.path())),
                ),
            ),
        }
    }

    /// Answers from the parts of a request: method, path below the mount point, raw query string
    /// and headers (`Accept`, and `Authorization` when a [token](Self::bearer_token) is set), for
    /// a client whose address is unknown.
    pub async fn respond(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
    ) -> Response<String> {
        self.respond_with_peer(method, path, query, headers, None)
            .await
    }

    /// [`respond`](Self::respond) for a client at `peer`, which an
    /// [`authorize`](Self::authorize) predicate sees as [`Caller::peer`](crate::Caller::peer).
    pub async fn respond_with_peer(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
    ) -> Response<String> {
        // First, so that a caller who may see nothing learns nothing, not even which paths exist.
        let caller = Caller {
            method,
            path,
            headers,
            peer,
        };
        let grant = self.access.grant(&caller);
        if let Grant::Denied(denial) = grant {
            return self.finish(method, denied(denial));
        }
        if route::parse(path) == Ok(Route::History) {
            return self.history_response(method, query, grant);
        }
        let target = match self.target(path) {
            Ok(target) => target,
            Err((status, reason)) => return self.finish(method, echoing(status, reason)),
        };
        if let Some(refused) = method_not_allowed(method) {
            return self.finish(method, refused);
        }
        let query = match query::parse(query) {
            Ok(query) => query,
            Err(bad) => {
                return self.finish(method, echoing(StatusCode::BAD_REQUEST, bad.to_string()));
            }
        };
        let format = query.chosen_format().unwrap_or_else(|| {
            // A header that is not visible ASCII can't name a media type: treated as absent.
            let accept = headers
                .get_all(http::header::ACCEPT)
                .iter()
                .filter_map(|value| value.to_str().ok());
            let accept: Vec<&str> = accept.collect();
            negotiate((!accept.is_empty()).then(|| accept.join(", ")).as_deref())
        });
        let Query { tags, excludes, .. } = &query;
        let key = Key::new(&target, tags, excludes);
        let limit = self.slow_limit.interval_for(target.tier());
        let runner = &self.runner;
        // Only a tier's or a group's own runs are tracked: client selections are countless.
        let tracker = key.is_configured().then(|| self.tracker(&target)).flatten();
        let answer = self
            .runs
            .report(&key, limit, || {
                prepare(runner, &target, tags, excludes).tracked(tracker.clone())
            })
            .await;
        let served = match answer {
            Ok(served) => served,
            Err(retry) => return self.finish(method, too_many_requests(retry)),
        };
        let fail_status = match &target {
            Target::Group(configured) => configured.group.fail_status,
            Target::Tier(_) | Target::Test { .. } => self.fail_status,
        };
        let answer = served.finished.answer();
        if let (Target::Group(configured), true) = (&target, answer.is_starting_line(format)) {
            if let Some(grace) = &configured.grace {
                let status = answer.status_code(format, fail_status);
                let line = starting(status, &configured.name, grace.length());
                return self.finish(method, line);
            }
        }
        self.report_response(method, format, grant, fail_status, &served)
    }

    /// What `path` asks to run, or the status (404, or 400) and reason of the answer that says
    /// it names nothing.
    fn target(&self, path: &str) -> Result<Target, (StatusCode, String)> {
        let not_found = || {
            (
                StatusCode::NOT_FOUND,
                format!("not found: {}", query::quoted(path)),
            )
        };
        match route::parse(path) {
            Ok(Route::Tier(tier)) => Ok(Target::Tier(tier)),
            Ok(Route::Named(name)) => self
                .groups
                .iter()
                .find(|configured| &*configured.name == name)
                .map(|configured| Target::Group(configured.clone()))
                .ok_or_else(not_found),
            // Answered before a target is asked for: it runs nothing.
            Ok(Route::History) => Err(not_found()),
            Ok(Route::Test(name)) => {
                let in_tier = |tier| self.runner.test_names(tier).binary_search(&&*name).is_ok();
                let tier = if in_tier(Tier::Fast) {
                    Tier::Fast
                } else if in_tier(Tier::Slow) {
                    Tier::Slow
                } else {
                    return Err((StatusCode::NOT_FOUND, no_such_test(&name)));
                };
                Ok(Target::Test {
                    name: Arc::from(name),
                    tier,
                })
            }
            Err(BadPath::NotFound) => Err(not_found()),
            Err(BadPath::Malformed(reason)) => Err((
                StatusCode::BAD_REQUEST,
                format!("bad test name in path {}: {reason}", query::quoted(path)),
            )),
        }
    }

    /// The response carrying a report, in as much detail as `grant` allows, with its run's id in
    /// [`RUN_ID`].
    fn report_response(
        &self,
        method: &Method,
        format: Format,
        grant: Grant,
        fail_status: StatusCode,
        served: &Served,
    ) -> Response<String> {
        let status = served.finished.answer().status_code(format, fail_status);
        let detail = match grant {
            Grant::Summary => render::Detail::Summary,
            Grant::Full | Grant::Denied(_) => render::Detail::Full,
        };
        // Whole seconds, as every format shows it and as the `Age` header counts.
        let age = served.age.map(|age| age.as_secs());
        let mut options = render::Options::new()
            .detail(detail)
            .age(age.map(Duration::from_secs))
            .probe(Arc::clone(served.finished.probe()));
        if let Some(service) = &self.service {
            options = options.service(Arc::clone(service));
        }
        if let Some(history) = served.finished.history() {
            options = options.history(Arc::clone(history));
        }
        let body = served.finished.body(format, &options).to_string();
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        let vary = if self.access.varies() {
            "accept, authorization"
        } else {
            "accept"
        };
        headers.insert(VARY, HeaderValue::from_static(vary));
        // The id of the run the report comes from (a cached one's is that run's), in every
        // format, for every caller: it is random, and what an operator quotes to find the run
        // in logs and traces.
        let run_id = &served.finished.report().run_id;
        if let (false, Ok(value)) = (run_id.is_empty(), HeaderValue::from_str(run_id)) {
            headers.insert(RUN_ID, value);
        }
        if let Some(age) = age {
            headers.insert(AGE, HeaderValue::from(age));
        }
        match self.runs.cache_ttl() {
            Some(ttl) => {
                let max_age = HeaderValue::from_str(&format!("max-age={}", ttl.as_secs()))
                    // Cannot fail: ASCII letters, `-`, `=` and digits.
                    .expect("max-age=N is a valid header value");
                self.finish_with(method, response, Some(&max_age))
            }
            None => self.finish(method, response),
        }
    }

    /// Adds the common headers, and for `HEAD` drops the body but keeps its length.
    pub(crate) fn finish(&self, method: &Method, response: Response<String>) -> Response<String> {
        self.finish_with(method, response, self.cache_control.as_ref())
    }

    /// [`finish`](Self::finish) with this `Cache-Control`.
    fn finish_with(
        &self,
        method: &Method,
        mut response: Response<String>,
        cache_control: Option<&HeaderValue>,
    ) -> Response<String> {
        if let Some(cache_control) = cache_control {
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

#[cfg(test)]
mod tests;
