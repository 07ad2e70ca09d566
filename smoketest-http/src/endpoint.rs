//! The endpoint and its configuration; `respond` answers its requests.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Once};
use std::time::Duration;

use http::{HeaderValue, StatusCode};
use smoketest::render::Service;
use smoketest::{Redactor, Runner, Tier};

use crate::access::{Access, Caller};
use crate::coalesce::Runs;
use crate::detail::Detail;
use crate::group::{Configured, Group};
use crate::rate_limit::SlowTierLimit;
use crate::selection::{Key, Target, prepare};
use crate::tracker::{Tracker, Tracking};

/// What [`SmokeEndpoint::bearer_token`] prints on stderr the first time it is given an empty
/// token. The crate has no logging dependency; stderr reaches the operator in every deployment.
pub(crate) const EMPTY_TOKEN_WARNING: &str = "warning: smoketest-http: \
    SmokeEndpoint::bearer_token(\"\") matches no request: every request will be answered 401, \
    unless another token, an authorize predicate or an anonymous policy lets it through";

/// Serves smoke test reports over HTTP, framework-free: [`handle`](SmokeEndpoint::handle) takes an
/// [`http::Request`] whose path is relative to where the endpoint is mounted and returns an
/// [`http::Response`].
///
/// | request | response |
/// | --- | --- |
/// | `GET /` (or empty path) | runs the fast tier (tests not marked `slow`) |
/// | `GET /slow` or `/slow/` | runs every test |
/// | `GET /{group}` or `/{group}/` | runs a [probe group](Self::group), FAIL answered 503 |
/// | `GET /test/{name}` | runs the test of that full name (percent-decoded), in its tier |
/// | `GET /history` or `/history/` | the last runs of each tier and group as JSON, running nothing: see [`history`](Self::history) |
/// | `?tag=NAME` (repeatable) | only tests with any of these tags, on any route |
/// | `?exclude=NAME` (repeatable) | leaves the test of that full name out, on any route |
/// | `?verbose` | kube-apiserver's text: `[+]{test} ok` … `{route} check passed` |
/// | `HEAD` of any of them | the same status and headers, no body |
/// | another method | 405, `Allow: GET, HEAD` |
/// | another path, an unknown group or test name | 404 |
/// | a bad query, a test name that is not valid percent-encoding | 400 with a one-line reason |
/// | no or a wrong bearer token, when [tokens](Self::bearer_token) are set | 401 (any path) |
/// | refused by the [predicate](Self::authorize) alone | 403 (any path) |
/// | the [slow tier too soon](Self::slow_tier_interval), nothing to serve | 429, `Retry-After` |
///
/// The report is JSON when `Accept` prefers `application/json`, an HTML page when it prefers
/// `text/html` (browsers), Prometheus' text format when it prefers `text/plain;version=0.0.4` or
/// `application/openmetrics-text` (scrapers), `application/health+json` when it prefers that
/// (health dashboards; the app describes itself there with [`service`](Self::service)), text
/// otherwise, `*/*` and `text/plain` included (see [`negotiate`](crate::negotiate));
/// `?format=text|json|prometheus|html|junit|nagios|health|kubernetes` overrides (every
/// [`Format`](smoketest::render::Format), by [name](smoketest::render::Format::name)), and so
/// does `?verbose` (the Kubernetes text; not with `format`). Status 200 on PASS, 500 on FAIL
/// ([configurable](Self::fail_status); a group's own, 503 by default) — except Prometheus, always
/// 200 — with `Cache-Control: no-store` ([configurable](Self::cache_control)). The 400, 404 and
/// 405 answers quote the request (its query, path or method) and carry `X-Content-Type-Options:
/// nosniff`, so that no browser renders what a crafted link put in them as HTML.
///
/// # Selections
///
/// Every route runs a selection of the runner's tests: a tier, a [group](Self::group), one test.
/// `?tag=` narrows it to the tests with any of the tags given, `?exclude=` leaves tests out by
/// full name; both repeat (up to 32 values each) and combine with each other and with
/// `?format=`. A tag that selects no test of the route is named in the report's `warnings`
/// (`tag "nope" matches no test`), so that nothing passes silently with zero tests; the runner
/// names excluded names that match nothing in the same way. An empty or repeated value is a
/// 400.
///
/// ```
/// use smoketest_http::SmokeEndpoint;
///
/// let endpoint = SmokeEndpoint::new(smoketest::Runner::new());
/// let request = http::Request::get("/?tag=no-such-tag&format=json").body(()).unwrap();
/// let response = futures_executor::block_on(endpoint.handle(&request));
/// assert_eq!(response.status(), 200);
/// assert!(response.body().contains(r#""tests_run":0"#));
/// assert!(response.body().contains(r#""warnings":["tag \"no-such-tag\" matches no test"]"#));
/// ```
///
/// With `?verbose`, the answer is kube-apiserver's verbose text (the status is the report's):
/// one line per test, `[+]{name} ok`, `[+]{name} warned: {reason}` or `[-]{name} failed:
/// {reason}`, the reason (message, location, attempts, owner and runbook, on one line) shown to
/// callers allowed full detail and `reason withheld` to the others; `[+]{name} excluded: ok` for
/// each test `?exclude=` left out, `warn: some health checks cannot be excluded: no matches for
/// "x"` for names that match none, `warn: {warning}` for the report's other warnings, and last
/// `{route} check passed` or `{route} check failed`, the route being `fast`, `slow`, the group's
/// name or the test's.
///
/// ```text
/// [+]bookshop::smoke::currency_is_configured ok
/// [-]bookshop::smoke::database_answers failed: reason withheld
/// ready check failed
/// ```
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
    pub(crate) runner: Runner,
    pub(crate) fail_status: StatusCode,
    pub(crate) cache_control: Option<HeaderValue>,
    pub(crate) runs: Runs,
    pub(crate) access: Access,
    pub(crate) slow_limit: SlowTierLimit,
    pub(crate) service: Option<Arc<Service>>,
    pub(crate) groups: Vec<Configured>,
    pub(crate) tracking: Tracking,
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
            .field("service", &self.service)
            .field("groups", &self.groups)
            .field("tracking", &self.tracking)
            .finish()
    }
}

impl From<Runner> for SmokeEndpoint {
    fn from(runner: Runner) -> Self {
        SmokeEndpoint::new(runner)
    }
}

impl SmokeEndpoint {
    /// An endpoint running `runner`'s tests, answering 500 on FAIL, with `Cache-Control: no-store`;
    /// its reports are redacted with the runner's [`Runner::redactor`].
    pub fn new(runner: Runner) -> Self {
        let mut runs = Runs::default();
        *runs.redactor_mut() = runner.redacts_with().clone();
        SmokeEndpoint {
            runner,
            fail_status: StatusCode::INTERNAL_SERVER_ERROR,
            cache_control: Some(HeaderValue::from_static("no-store")),
            runs,
            access: Access::default(),
            slow_limit: SlowTierLimit::default(),
            service: None,
            groups: Vec::new(),
            tracking: Tracking::default(),
        }
    }

    /// Serves `group`, a named selection of the runner's tests, at `/{name}` and `/{name}/`,
    /// with its own failure status (503 by default) and optional startup grace: see [`Group`].
    /// Its runs are shared and stored as a tier's are; `?tag=`, `?exclude=`, `?verbose` and
    /// `?format=` apply as on every route.
    ///
    /// ```
    /// use smoketest_http::{Group, SmokeEndpoint};
    ///
    /// #[smoketest::smoke_test(tags = ["live"])]
    /// fn config_is_loaded() {}
    ///
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new())
    ///     .group("live", Group::new().tags(["live"]))
    ///     .group("ready", Group::new().tags(["ready"]));
    /// let request = http::Request::get("/live/?verbose").body(()).unwrap();
    /// let response = futures_executor::block_on(endpoint.handle(&request));
    /// assert_eq!(response.status(), 200);
    /// assert!(response.body().ends_with("config_is_loaded ok\nlive check passed\n"));
    /// ```
    ///
    /// # Panics
    ///
    /// When `name` is not a valid group name, as routers panic on conflicting routes: it must be
    /// 1 to 64 ASCII letters, digits, `-` or `_`, not `slow`, `test` or `history` (routes of
    /// their own), and not the name of another group of the endpoint. The message says which.
    pub fn group(mut self, name: &str, group: Group) -> Self {
        match Configured::new(name, group, &self.groups) {
            Ok(mut configured) => {
                configured.track(self.tracking.limit, self.tracking.hook.as_ref());
                self.groups.push(configured);
            }
            Err(problem) => panic!("{problem}"),
        }
        self
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
        let runner = self.runner.clone();
        let target = Target::Tier(tier);
        let tracker = self.tracker(&target);
        self.runs.schedule(Key::tier(tier), every, move || {
            prepare(&runner, &target, &[], &[]).tracked(tracker.clone())
        })
    }

    /// Lets requests carrying `Authorization: Bearer <token>` see everything. Call it again to
    /// accept several tokens at once, e.g. the old and the new one while rotating. Tokens are
    /// compared in constant time, each one every time.
    ///
    /// Setting a token (or a [predicate](Self::authorize)) turns access control on: callers
    /// without a valid token then see what [`anonymous`](Self::anonymous) allows, by default
    /// nothing — a 401 with `WWW-Authenticate: Bearer realm="smoketest"` and a one-line body
    /// that names no test. A token that is sent but wrong is a 401 whatever the policy (with
    /// `error="invalid_token"`), so a monitor with a stale token finds out at once.
    ///
    /// An empty token matches nothing: a token read from an unset variable keeps the endpoint
    /// closed rather than open to all. As that is almost always a deployment mistake, the first
    /// empty token of the process prints one line on stderr, when it is configured:
    ///
    /// ```text
    /// warning: smoketest-http: SmokeEndpoint::bearer_token("") matches no request: every request will be answered 401, unless another token, an authorize predicate or an anonymous policy lets it through
    /// ```
    ///
    /// (It is a warning rather than a panic or an error: a service should not fail to start over
    /// its smoke-test endpoint, which fails closed anyway.)
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
        let token = token.into();
        if token.is_empty() {
            // Once per process: apps that build an endpoint per worker would repeat it otherwise.
            static WARNED: Once = Once::new();
            WARNED.call_once(|| eprintln!("{EMPTY_TOKEN_WARNING}"));
        }
        self.access.add_token(token);
        self
    }

    /// Lets requests for which `predicate` returns `true` see everything — an address
    /// allowlist, a header set by the app's own authentication middleware — as a valid
    /// [bearer token](Self::bearer_token) does: a request is authorized by either. Like a
    /// token, it turns access control on. Called again, it replaces the previous predicate.
    ///
    /// The [`Caller`](crate::Caller) holds the method, the path below the mount point, the
    /// headers and, where the framework glue or the server provides it, the client's address
    /// ([`PeerAddr`](crate::PeerAddr)): axum when the app is served with
    /// `into_make_service_with_connect_info::<SocketAddr>()`, actix-web and warp servers always.
    /// Behind a reverse proxy the address is the proxy's: allow the proxy, or have a middleware
    /// insert the real client's [`PeerAddr`](crate::PeerAddr).
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
    /// regular expressions, see [`redactor`](Self::redactor). The runner gets them too, for the
    /// messages it puts into `tracing` spans ([`Runner::redactor`]).
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
        let redactor = redactor.clone();
        self.redactor(redactor)
    }

    /// Redacts reports with `redactor`, in place of the default one (which hides credentials
    /// only; see [`redact`](Self::redact)). The built-in credential rules always apply. The
    /// runner gets it too, for the messages it puts into `tracing` spans ([`Runner::redactor`]).
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
        *self.runs.redactor_mut() = redactor.clone();
        self.runner = self.runner.redactor(redactor);
        self
    }

    /// Runs the slow tier at most once per `interval` for this endpoint and its clones, whoever
    /// asks; a zero `interval` (the default) turns the limit off. The fast tier is not limited.
    /// Every run of the slow tier counts: `/slow/` with any `?tag=` or `?exclude=`, a
    /// [group](Self::group) that is `slow`, and `/test/{name}` of a test marked `slow`.
    ///
    /// Within the interval after a run started, requests for a selection of the slow tier get
    /// that selection's latest report, with its age (`Age` header, `age` key in JSON), or —
    /// while its run is still going — wait for it. A run goes on when every request waiting for
    /// it has gone away, so connecting and hanging up in a loop neither starts expensive runs
    /// nor keeps others from the report. A 429 with `Retry-After` (seconds until the interval
    /// is over) answers when there is no report of the selection to serve and no run to wait
    /// for: another selection of the slow tier ran in this interval (or the interval's run
    /// ended without a report, which should not happen).
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

    /// Describes the service in the reports that have room for it: `application/health+json`
    /// (`?format=health`) shows its `serviceId`, `version`, `releaseId` and `description`, each
    /// one that is set, to every caller (summary callers included: it names no test).
    ///
    /// ```
    /// use smoketest::render::Service;
    /// use smoketest_http::SmokeEndpoint;
    ///
    /// let endpoint = SmokeEndpoint::new(smoketest::Runner::new().filter("no test has this name"))
    ///     .service(Service::new().service_id("bookshop").release_id(env!("CARGO_PKG_VERSION")));
    /// let request = http::Request::get("/?format=health").body(()).unwrap();
    /// let response = futures_executor::block_on(endpoint.handle(&request));
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers()["content-type"], "application/health+json");
    /// let run_id = response.headers()[smoketest_http::RUN_ID_HEADER].to_str().unwrap();
    /// assert_eq!(
    ///     response.body(),
    ///     &format!(
    ///         r#"{{"status":"pass","releaseId":"{}","notes":["run id: {run_id}"],"serviceId":"bookshop","checks":{{}}}}"#,
    ///         env!("CARGO_PKG_VERSION")
    ///     )
    /// );
    /// ```
    pub fn service(mut self, service: Service) -> Self {
        self.service = Some(Arc::new(service));
        self
    }

    /// The runner whose tests are served.
    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// The tracking of `target`'s own runs: a tier's or a group's, not one test's.
    pub(crate) fn tracker(&self, target: &Target) -> Option<Arc<Tracker>> {
        match target {
            Target::Tier(tier) => Some(Arc::clone(self.tracking.tier(*tier))),
            Target::Group(configured) => Some(Arc::clone(&configured.tracker)),
            Target::Test { .. } => None,
        }
    }

    /// Starts the tracking of the tiers and the groups afresh from the configuration, as a
    /// builder method changed it (before anything is served).
    pub(crate) fn retrack(&mut self, tracking: Tracking) {
        for configured in &mut self.groups {
            configured.track(tracking.limit, tracking.hook.as_ref());
        }
        self.tracking = tracking;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(
        expected = "SmokeEndpoint::group(\"slow\"): `/slow` is a route of its own; slow, test and \
                    history cannot be group names"
    )]
    fn a_group_named_like_a_route_is_refused_when_the_endpoint_is_built() {
        let _ = SmokeEndpoint::new(Runner::new()).group("slow", Group::new());
    }

    #[test]
    #[should_panic(
        expected = "SmokeEndpoint::group(\"ready\"): a group of this name is already configured"
    )]
    fn a_group_name_is_taken_once() {
        let _ = SmokeEndpoint::new(Runner::new())
            .group("ready", Group::new())
            .group("ready", Group::new().slow());
    }

    #[test]
    fn the_empty_token_warning_says_what_happens_to_requests() {
        // The same text as in `bearer_token`'s documentation, which operators search for.
        assert_eq!(
            EMPTY_TOKEN_WARNING,
            "warning: smoketest-http: SmokeEndpoint::bearer_token(\"\") matches no request: \
             every request will be answered 401, unless another token, an authorize predicate \
             or an anonymous policy lets it through"
        );
    }
}
