//! The endpoint: a request below the mount point in, a report response out.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::header::{
    AGE, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, VARY, WWW_AUTHENTICATE,
};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use smoketest::render::{self, Format};
use smoketest::{Redactor, Runner, Tier};

use crate::access::{Access, Caller, Denial, Grant, PeerAddr};
use crate::coalesce::{Runs, Served};
use crate::detail::Detail;
use crate::negotiate::negotiate;
use crate::query;
use crate::rate_limit::{RetryAfter, SlowTierLimit};

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
/// | no or a wrong bearer token, when [tokens](Self::bearer_token) are set | 401 (any path) |
/// | refused by the [predicate](Self::authorize) alone | 403 (any path) |
/// | the [slow tier too soon](Self::slow_tier_interval), nothing to serve | 429, `Retry-After` |
///
/// The report is JSON when `Accept` prefers `application/json`, an HTML page when it prefers
/// `text/html` (browsers), Prometheus' text format when it prefers `text/plain;version=0.0.4` or
/// `application/openmetrics-text` (scrapers), JUnit XML when it prefers `application/xml`, text
/// otherwise, `*/*` and `text/plain` included (see [`negotiate`](crate::negotiate));
/// `?format=text|json|prometheus|html|junit|nagios` overrides (every
/// [`Format`](smoketest::render::Format), by [name](smoketest::render::Format::name)). Status
/// 200 on PASS, 500 on FAIL ([configurable](Self::fail_status)) — except Prometheus, always 200 —
/// with `Cache-Control: no-store` ([configurable](Self::cache_control)).
///
/// # Runs are shared
///
/// A poll storm runs the tests once: requests for a tier that arrive while a run of it is in
/// flight wait for that run and are answered with its report ([single-flight](Self::single_flight),
/// on by default). A request arriving after the run finished starts a new one. A run, once
/// started, goes on to its end and its report is stored even if every request waiting for it
/// goes away (clients hang up): requests arriving meanwhile join it rather than start another.
/// Clones of an endpoint share their runs, as frameworks clone it per worker or per request:
/// build the endpoint once and clone it, rather than building one per worker from the runner.
///
/// Opt-in on top of that: a [result cache](Self::cache_for) answering from a report younger than
/// a TTL, a [background schedule](Self::schedule) running a tier every so often so that requests
/// are answered from its latest report, and a [bound](Self::max_runs) on the runs in flight at
/// once, across tiers (default 2: one per tier). A report served from the cache or the schedule
/// says how old it is, in an `Age` header and, in JSON, an `age` key (seconds). The slow tier
/// can be [rate-limited](Self::slow_tier_interval) to one run per interval, whoever asks.
///
/// # Tests that end the process
///
/// A test that calls `std::process::exit`, aborts or overflows its stack takes the whole process
/// down, server included; no in-process isolation can stop it. With a runner built with
/// [`Runner::isolate`], every run of the endpoint happens in a child process of the server's
/// program, started with the arguments given (its smoke-test subcommand): such a test is then
/// reported *errored* with how the child ended, and the server lives on. It costs a process
/// start per run.
///
/// ```no_run
/// // `myapp check` runs the smoke tests with `Runner::run_cli_from`; the server's runs use it.
/// let endpoint = smoketest_http::SmokeEndpoint::new(smoketest::Runner::new().isolate(["check"]));
/// ```
///
/// # Who sees what
///
/// Without access control (the default), everybody sees everything. A [bearer
/// token](Self::bearer_token) or an [`authorize`](Self::authorize) predicate turns it on:
/// authorized callers see everything, the others what the [`anonymous`](Self::anonymous) policy
/// allows — nothing (401/403, the default), the status and counts only, or everything. Every
/// report is [redacted](Self::redact) before it is rendered, for every caller and every format:
/// passwords in URLs, `password=`/`token=`-style values and `Authorization` credentials always,
/// and the app's own secrets when configured.
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
    access: Access,
    slow_limit: SlowTierLimit,
}

impl fmt::Debug for SmokeEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmokeEndpoint")
            .field("runner", &self.runner)
            .field("fail_status", &self.fail_status)
            .field("cache_control", &self.cache_control)
            .field("runs", &self.runs)
            .field("access", &self.access)
            .field("slow_limit", &self.slow_limit)
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
    /// An endpoint running `runner`'s tests, answering 500 on FAIL, with `Cache-Control: no-store`.
    pub fn new(runner: Runner) -> Self {
        SmokeEndpoint {
            runner,
            fail_status: StatusCode::INTERNAL_SERVER_ERROR,
            cache_control: Some(HeaderValue::from_static("no-store")),
            runs: Runs::default(),
            access: Access::default(),
            slow_limit: SlowTierLimit::default(),
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
    /// tiers; requests beyond it wait until a run ends (a waiting request that goes away holds
    /// nothing, and a run only starts once it has its place). Default 2: with single-flight
    /// there is at most one run per tier anyway, so the default never holds a request back,
    /// while with single-flight off a storm queues instead of running the tests once per
    /// request at the same time. `1` keeps the fast and the slow tier from running
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
    /// [`max_runs`](Self::max_runs). Dropping the future (aborting its task) stops the schedule
    /// (a scheduled run in flight still finishes): requests then run the tests again. The report
    /// keeps `cache_control`'s `Cache-Control` (`no-store`), unless [`cache_for`](Self::cache_for)
    /// is set too.
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

    /// Lets requests carrying `Authorization: Bearer <token>` see everything. Call it again to
    /// accept several tokens at once, e.g. the old and the new one while rotating. Tokens are
    /// compared in constant time, each one every time.
    ///
    /// Setting a token (or a [predicate](Self::authorize)) turns access control on: callers
    /// without a valid token then see what [`anonymous`](Self::anonymous) allows, by default
    /// nothing — a 401 with `WWW-Authenticate: Bearer realm="smoketest"` and a one-line body
    /// that names no test. A token that is sent but wrong is a 401 whatever the policy (with
    /// `error="invalid_token"`), so a monitor with a stale token finds out at once. An empty
    /// token matches nothing: a token read from an unset variable keeps the endpoint closed.
    ///
    /// ```
    /// use smoketest_http::SmokeEndpoint;
    ///
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new()).bearer_token("s3cret-token");
    /// let anonymous = http::Request::get("/").body(()).unwrap();
    /// let response = futures_executor::block_on(endpoint.handle(&anonymous));
    /// assert_eq!(response.status(), 401);
    /// assert_eq!(response.headers()["www-authenticate"], r#"Bearer realm="smoketest""#);
    ///
    /// let authorized = http::Request::get("/")
    ///     .header("authorization", "Bearer s3cret-token")
    ///     .body(())
    ///     .unwrap();
    /// let response = futures_executor::block_on(endpoint.handle(&authorized));
    /// assert_eq!(response.status(), 200);
    /// ```
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.access.add_token(token.into());
        self
    }

    /// Lets requests for which `predicate` returns `true` see everything — an address
    /// allowlist, a header set by the app's own authentication middleware — as a valid
    /// [bearer token](Self::bearer_token) does: a request is authorized by either. Like a
    /// token, it turns access control on. Called again, it replaces the previous predicate.
    ///
    /// The [`Caller`](crate::Caller) holds the method, the path below the mount point, the
    /// headers and, where the framework glue or the server provides it, the client's address
    /// ([`PeerAddr`]): axum when the app is served with
    /// `into_make_service_with_connect_info::<SocketAddr>()`, actix-web and warp servers always.
    /// Behind a reverse proxy the address is the proxy's: allow the proxy, or have a middleware
    /// insert the real client's [`PeerAddr`].
    ///
    /// With only a predicate (no token), a refused caller gets a 403, as no credential could help.
    ///
    /// ```
    /// use std::net::SocketAddr;
    ///
    /// use smoketest_http::{PeerAddr, SmokeEndpoint};
    ///
    /// // Only the monitoring host may run the tests.
    /// let monitor: std::net::IpAddr = "10.0.0.7".parse().unwrap();
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new())
    ///     .authorize(move |caller| caller.peer.is_some_and(|peer| peer.ip() == monitor));
    ///
    /// let mut request = http::Request::get("/").body(()).unwrap();
    /// let peer: SocketAddr = "10.0.0.7:51234".parse().unwrap();
    /// request.extensions_mut().insert(PeerAddr(peer));
    /// assert_eq!(futures_executor::block_on(endpoint.handle(&request)).status(), 200);
    ///
    /// let stranger = http::Request::get("/").body(()).unwrap();
    /// assert_eq!(futures_executor::block_on(endpoint.handle(&stranger)).status(), 403);
    /// ```
    pub fn authorize(
        mut self,
        predicate: impl Fn(&Caller<'_>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.access.set_predicate(Arc::new(predicate));
        self
    }

    /// What callers who are not authorized see: [`Detail::None`] (the default once a token or
    /// a predicate is set), [`Detail::Summary`] (the status and the counts, with the report's
    /// status code) or [`Detail::Full`] (the default without access control: everybody sees
    /// everything). Set without a token or a predicate, it applies to every caller.
    ///
    /// ```
    /// use smoketest_http::{Detail, SmokeEndpoint};
    ///
    /// // The load balancer polls anonymously; the on-call engineer has the token.
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new())
    ///     .bearer_token("s3cret-token")
    ///     .anonymous(Detail::Summary);
    /// let request = http::Request::get("/?format=json").body(()).unwrap();
    /// let response = futures_executor::block_on(endpoint.handle(&request));
    /// assert_eq!(response.status(), 200);
    /// assert!(response.body().contains(r#""detail":"summary""#));
    /// assert!(!response.body().contains("failed_tests"));
    /// ```
    pub fn anonymous(mut self, detail: Detail) -> Self {
        self.access.set_anonymous(detail);
        self
    }

    /// Also hides these values (API keys, passwords from the app's configuration) wherever they
    /// appear in a report: every occurrence becomes `***`. Empty values are ignored.
    ///
    /// Every report the endpoint serves — in every format, to every caller — is redacted first:
    /// messages, locations, backtraces and captured output always lose passwords in URLs,
    /// `password=`/`token=`/`secret=`/`api_key=`-style values and `Authorization` credentials
    /// ([`smoketest::redact_credentials`]); this adds the app's own secrets. For keys and
    /// regular expressions, see [`redactor`](Self::redactor).
    ///
    /// ```
    /// let api_key = "my-api-key-value"; // e.g. from the app's configuration
    /// let endpoint = smoketest_http::SmokeEndpoint::new(smoketest::Runner::new()).redact([api_key]);
    /// # let _ = endpoint;
    /// ```
    pub fn redact<S: Into<String>>(mut self, secrets: impl IntoIterator<Item = S>) -> Self {
        let redactor = self.runs.redactor_mut();
        for secret in secrets {
            *redactor = std::mem::take(redactor).secret(secret);
        }
        self
    }

    /// Redacts reports with `redactor`, in place of the default one (which hides credentials
    /// only; see [`redact`](Self::redact)). The built-in credential rules always apply.
    ///
    /// ```
    /// use smoketest::Redactor;
    ///
    /// let redactor = Redactor::new().key("session").pattern(r"sk_live_[0-9a-zA-Z]+")?;
    /// let endpoint = smoketest_http::SmokeEndpoint::new(smoketest::Runner::new()).redactor(redactor);
    /// # let _ = endpoint;
    /// # Ok::<(), smoketest::Error>(())
    /// ```
    pub fn redactor(mut self, redactor: Redactor) -> Self {
        *self.runs.redactor_mut() = redactor;
        self
    }

    /// Runs the slow tier at most once per `interval` for this endpoint and its clones, whoever
    /// asks; a zero `interval` (the default) turns the limit off. The fast tier is not limited.
    ///
    /// Within the interval after a run started, requests for the slow tier get the latest
    /// report, with its age (`Age` header, `age` key in JSON), or — while the first run is
    /// still going — wait for it. A run goes on when every request waiting for it has gone
    /// away, so connecting and hanging up in a loop neither starts expensive runs nor keeps
    /// others from the report. A 429 with `Retry-After` (seconds until the interval is over)
    /// answers only when there is no report to serve and no run to wait for, which happens only
    /// if the interval's run ended without a report.
    ///
    /// Every slow-tier report then says how old it is (a fresh one `Age: 0`). After the
    /// interval, the next request starts a new run (never two at once).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let endpoint = smoketest_http::SmokeEndpoint::new(smoketest::Runner::new())
    ///     .slow_tier_interval(Duration::from_secs(300));
    /// let request = http::Request::get("/slow/").body(()).unwrap();
    /// let first = futures_executor::block_on(endpoint.handle(&request));
    /// let second = futures_executor::block_on(endpoint.handle(&request)); // not run again
    /// assert_eq!(first.headers()["age"], "0");
    /// assert_eq!(second.status(), first.status());
    /// assert!(second.headers().contains_key("age"));
    /// ```
    pub fn slow_tier_interval(mut self, interval: Duration) -> Self {
        self.slow_limit.set_interval(interval);
        self
    }

    /// The runner whose tests are served.
    pub fn runner(&self) -> &Runner {
        &self.runner
    }

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
                plain(
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
        let limit = self.slow_limit.interval_for(tier);
        let served = match self.runs.report(&self.runner, tier, limit).await {
            Ok(served) => served,
            Err(retry) => return self.finish(method, too_many_requests(retry)),
        };
        self.report_response(method, format, grant, &served)
    }

    /// The response carrying a report, in as much detail as `grant` allows.
    fn report_response(
        &self,
        method: &Method,
        format: Format,
        grant: Grant,
        served: &Served,
    ) -> Response<String> {
        // Prometheus gets 200 either way: scrapers take any other status for a failed scrape and
        // drop its samples, while a failing run is exactly what the metrics should show.
        let status = if served.finished.report().passed() || format == Format::Prometheus {
            StatusCode::OK
        } else {
            self.fail_status
        };
        let detail = match grant {
            Grant::Summary => render::Detail::Summary,
            Grant::Full | Grant::Denied(_) => render::Detail::Full,
        };
        // Whole seconds, as every format shows it and as the `Age` header counts.
        let age = served.age.map(|age| age.as_secs());
        let options = render::Options::new()
            .detail(detail)
            .age(age.map(Duration::from_secs));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_requests_says_when_to_come_back() {
        let response = too_many_requests(RetryAfter {
            wait: Duration::from_millis(59_500),
            interval: Duration::from_secs(60),
        });
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[RETRY_AFTER], "60");
        assert_eq!(
            response.body(),
            "too many requests: the slow tier runs at most once every 60s; retry after 60 s\n"
        );
    }
}
