//! The endpoint: a request below the mount point in, a report response out.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use http::header::{AGE, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, VARY};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use smoketest::{Runner, Tier};

use crate::coalesce::{Runs, Served};
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
/// # Runs are shared
///
/// A poll storm runs the tests once: requests for a tier that arrive while a run of it is in
/// flight wait for that run and are answered with its report ([single-flight](Self::single_flight),
/// on by default). A request arriving after the run finished starts a new one. If every request
/// waiting for a run goes away (clients hang up), the run is dropped, which cancels it. Clones
/// of an endpoint share their runs, as frameworks clone it per worker or per request: build the
/// endpoint once and clone it, rather than building one per worker from the runner.
///
/// Opt-in on top of that: a [result cache](Self::cache_for) answering from a report younger than
/// a TTL, a [background schedule](Self::schedule) running a tier every so often so that requests
/// are answered from its latest report, and a [bound](Self::max_runs) on the runs in flight at
/// once, across tiers (default 2: one per tier). A report served from the cache or the schedule
/// says how old it is, in an `Age` header and, in JSON, an `age` key (seconds).
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
    runs: Runs,
}

impl fmt::Debug for SmokeEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmokeEndpoint")
            .field("runner", &self.runner)
            .field("fail_status", &self.fail_status)
            .field("cache_control", &self.cache_control)
            .field("runs", &self.runs)
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
            runs: Runs::default(),
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

    /// Whether requests for a tier share the run in flight (single-flight). On by default: N
    /// concurrent requests run the tests once, and each gets the report of that run, rendered in
    /// its own format. Off, each request runs the tests itself (within [`max_runs`](Self::max_runs)).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// use smoketest_http::SmokeEndpoint;
    ///
    /// static RUNS: AtomicUsize = AtomicUsize::new(0);
    ///
    /// #[smoketest::smoke_test]
    /// async fn counts_its_runs() {
    ///     RUNS.fetch_add(1, Ordering::SeqCst);
    ///     futures_timer::Delay::new(std::time::Duration::from_millis(50)).await;
    /// }
    ///
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new().filter("counts_its_runs"));
    /// let request = http::Request::get("/").body(()).unwrap();
    /// let (a, b) = futures_executor::block_on(futures_util::future::join(
    ///     endpoint.handle(&request),
    ///     endpoint.clone().handle(&request),
    /// ));
    /// assert_eq!(a.status(), 200);
    /// assert_eq!(b.status(), 200);
    /// assert_eq!(RUNS.load(Ordering::SeqCst), 1);
    /// ```
    pub fn single_flight(mut self, on: bool) -> Self {
        self.runs.single_flight(on);
        self
    }

    /// Answers requests from a report younger than `ttl` instead of running the tests again: the
    /// same status and body (its `time` is that of the stored run). Off by default (a zero `ttl`
    /// turns it off): a smoke test report should say how things are now.
    ///
    /// Report responses then carry `Cache-Control: max-age=<ttl in seconds>` and `Age: <seconds
    /// since the run finished>` (a fresh run is `Age: 0`), so HTTP caches on the way keep them for
    /// what is left of the TTL, as HTTP computes it (max-age minus Age); JSON reports get an `age`
    /// key with the same number. This `Cache-Control` replaces [`cache_control`](Self::cache_control)'s
    /// on reports; 400, 404 and 405 answers keep `cache_control`'s (`no-store` by default).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use smoketest_http::SmokeEndpoint;
    ///
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new()).cache_for(Duration::from_secs(30));
    /// let request = http::Request::get("/").body(()).unwrap();
    /// let response = futures_executor::block_on(endpoint.handle(&request));
    /// assert_eq!(response.headers()["cache-control"], "max-age=30");
    /// assert_eq!(response.headers()["age"], "0");
    /// ```
    pub fn cache_for(mut self, ttl: Duration) -> Self {
        self.runs.cache_for(ttl);
        self
    }

    /// At most `max` runs in flight at once for this endpoint and its clones, whatever their
    /// tiers; requests beyond it wait their turn (first come, first served). Default 2: with
    /// single-flight there is at most one run per tier anyway, so the default never holds a
    /// request back, while with single-flight off a storm queues instead of running the tests
    /// once per request at the same time. `1` keeps the fast and the slow tier from running
    /// together (the fast tier then waits behind a slow run: mind probe timeouts). 0 is taken as 1.
    ///
    /// ```
    /// let endpoint = smoketest_http::SmokeEndpoint::new(smoketest::Runner::new()).max_runs(1);
    /// # let _ = endpoint;
    /// ```
    pub fn max_runs(mut self, max: usize) -> Self {
        self.runs.max_runs(max);
        self
    }

    /// A future that runs `tier` every `every`, for as long as it is polled: spawn it on the app's
    /// runtime (it needs no particular one). Requests for that tier are then answered with the
    /// latest scheduled report, with its age (`Age` header, `age` key in JSON), without running
    /// anything: polls cost nothing. Until the first scheduled run finishes, requests wait for
    /// it (with single-flight on; otherwise they run the tests themselves).
    ///
    /// The next run starts `every` after the previous one started, or as soon as it finished if
    /// it took longer; scheduled runs are shared with requests and count towards
    /// [`max_runs`](Self::max_runs). Dropping the future (aborting its task) stops the schedule:
    /// requests then run the tests again. The report keeps `cache_control`'s `Cache-Control`
    /// (`no-store`), unless [`cache_for`](Self::cache_for) is set too.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use smoketest::Tier;
    /// use smoketest_http::SmokeEndpoint;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new());
    /// let schedule = tokio::spawn(endpoint.schedule(Tier::Fast, Duration::from_secs(60)));
    /// // ... serve `endpoint` (or clones of it) as usual:
    /// let request = http::Request::get("/").body(()).unwrap();
    /// let response = endpoint.handle(&request).await;
    /// assert!(response.headers().contains_key("age"));
    /// schedule.abort();
    /// # }
    /// ```
    pub fn schedule(
        &self,
        tier: Tier,
        every: Duration,
    ) -> impl Future<Output = ()> + Send + 'static {
        self.runs.schedule(self.runner.clone(), tier, every)
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
        let served = self.runs.report(&self.runner, tier).await;
        self.report_response(method, format, &served)
    }

    /// The response carrying a report.
    fn report_response(
        &self,
        method: &Method,
        format: Format,
        served: &Served,
    ) -> Response<String> {
        let status = if served.finished.report().passed() {
            StatusCode::OK
        } else {
            self.fail_status
        };
        let mut body = served.finished.body(format).to_owned();
        let age = served.age.map(|age| age.as_secs());
        if let (Some(age), Format::Json) = (age, format) {
            // A JSON report is one object: the key goes before its closing brace.
            if body.ends_with('}') {
                body.pop();
                body.push_str(&format!(",\"age\":{age}}}"));
            }
        }
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        headers.insert(VARY, HeaderValue::from_static("accept"));
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
    fn finish(&self, method: &Method, response: Response<String>) -> Response<String> {
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
