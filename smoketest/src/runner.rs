//! The runner: selects tests, runs them concurrently within their time limits, builds the report.

use std::any::Any;
use std::ffi::OsString;
use std::fmt;
use std::panic::Location;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::State;
use crate::apps::{app_path, split_list, under_path};
use crate::check::IntoCheck;
use crate::driver::Driver;
use crate::limits::{
    DEFAULT_CONCURRENCY, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_THREADS, DEFAULT_STACK_SIZE,
    DEFAULT_TIMEOUT,
};
use crate::redact::Redactor;
use crate::registry::{self, TestCase, Tests};
use crate::report::{Report, new_run_id};
use crate::rollback::{AsyncRollbackProvider, Provider, RollbackProvider, Rollbacks};
use crate::scheduler::{self, Observer, Plan};
use crate::tier::Tier;
use crate::trace;

/// Runs smoke tests: which ones (tier, apps, filters), with what state, under which limits.
///
/// ```
/// use std::time::Duration;
/// use smoketest::{Runner, Tier};
///
/// struct Config { region: &'static str }
///
/// let report = Runner::new()
///     .with_state(Config { region: "eu-west-1" })
///     .apps(["my_app"])                       // only tests under the `my_app` crate
///     .default_timeout(Duration::from_secs(5))
///     .run(Tier::Fast);
/// println!("{}", report.to_text());
/// ```
///
/// From `main`, [`run_cli`](Runner::run_cli) does the same with flags read from the command line.
#[derive(Clone)]
pub struct Runner {
    tests: Tests,
    state: Arc<State>,
    rollbacks: Arc<Rollbacks>,
    apps: Vec<String>,
    skip_apps: Vec<String>,
    tags: Vec<String>,
    filters: Vec<String>,
    excluded: Vec<String>,
    pub(crate) failfast: bool,
    min_tests: usize,
    timeout: Duration,
    concurrency: usize,
    stack_size: usize,
    max_threads: usize,
    max_message_bytes: usize,
    /// Set by [`isolate`](Runner::isolate): the arguments of the child process runs happen in.
    isolate: Option<Arc<[OsString]>>,
    /// Told of every job of a run; set in an isolated child (see [`crate::isolate`]).
    observer: Option<Observer>,
    redactor: Arc<Redactor>,
}

impl Default for Runner {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runner")
            .field("tests", &self.tests.len())
            .field("state", &self.state)
            .field("rollback_providers", &self.rollbacks.len())
            .field("apps", &self.apps)
            .field("skip_apps", &self.skip_apps)
            .field("tags", &self.tags)
            .field("filters", &self.filters)
            .field("excluded", &self.excluded)
            .field("failfast", &self.failfast)
            .field("min_tests", &self.min_tests)
            .field("timeout", &self.timeout)
            .field("concurrency", &self.concurrency)
            .field("stack_size", &self.stack_size)
            .field("max_threads", &self.max_threads)
            .field("max_message_bytes", &self.max_message_bytes)
            .field("isolate", &self.isolate)
            .field("observed", &self.observer.is_some())
            .field("redactor", &self.redactor)
            .finish()
    }
}

impl Runner {
    /// A runner over every test linked into the program, with default options: a 10 s timeout
    /// per test, up to 64 tests at once, the app selection of the `SMOKETEST_APPS` /
    /// `SMOKETEST_SKIP_APPS` environment variables (comma-separated crate or module paths) and
    /// the tag selection of `SMOKETEST_TAGS` (comma-separated tags).
    pub fn new() -> Self {
        let from_env = |name: &str| {
            std::env::var(name)
                .map(|value| split_list(&value).into_iter().map(app_path).collect())
                .unwrap_or_default()
        };
        Runner {
            tests: registry::linked(),
            state: Arc::new(State::new()),
            rollbacks: Arc::new(Rollbacks::new()),
            apps: from_env("SMOKETEST_APPS"),
            skip_apps: from_env("SMOKETEST_SKIP_APPS"),
            tags: std::env::var("SMOKETEST_TAGS")
                .map(|value| split_list(&value))
                .unwrap_or_default(),
            filters: Vec::new(),
            excluded: Vec::new(),
            failfast: false,
            min_tests: 0,
            timeout: DEFAULT_TIMEOUT,
            concurrency: DEFAULT_CONCURRENCY,
            stack_size: DEFAULT_STACK_SIZE,
            max_threads: DEFAULT_MAX_THREADS,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            isolate: None,
            observer: None,
            redactor: Arc::default(),
        }
    }

    /// Registers a value that tests take as a `&T` parameter (a pool, a config, a client) and
    /// suite hooks find in their [`State`]. A second value of the same type replaces the first.
    pub fn with_state<T: Any + Send + Sync>(mut self, value: T) -> Self {
        Arc::make_mut(&mut self.state).insert(value);
        self
    }

    /// Registers a [`RollbackProvider`] (blocking clients: rusqlite, diesel): tests marked
    /// `rolled_back` that take `&mut P::Handle` get a fresh transaction, rolled back after them.
    /// A second provider for the same handle type replaces the first.
    pub fn rollback<P: RollbackProvider>(mut self, provider: P) -> Self {
        let (handle, provider) = Provider::of_sync(provider);
        Arc::make_mut(&mut self.rollbacks).insert(handle, provider);
        self
    }

    /// Registers an [`AsyncRollbackProvider`] (async clients: sqlx), like
    /// [`rollback`](Runner::rollback).
    pub fn rollback_async<P: AsyncRollbackProvider>(mut self, provider: P) -> Self {
        let (handle, provider) = Provider::of_async(provider);
        Arc::make_mut(&mut self.rollbacks).insert(handle, provider);
        self
    }

    /// Forbids tests to take `&T` — a pool or a connection that could commit — so that every
    /// write goes through the rolled-back handle `H` instead: a test taking `&T` is errored
    /// without being run, with a message naming `H`. The strict form of "a smoke test never
    /// commits"; suite hooks still find `T` in their [`State`].
    ///
    /// ```
    /// # struct Pool; struct Transaction;
    /// #[smoketest::smoke_test]
    /// fn writes_directly(_pool: &Pool) {}
    ///
    /// let report = smoketest::Runner::new()
    ///     .with_state(Pool)
    ///     .forbid_state::<Pool, Transaction>()
    ///     .filter("writes_directly")
    ///     .run(smoketest::Tier::Fast);
    /// assert!(report.tests[0].message.as_deref().unwrap().starts_with("takes `&"));
    /// ```
    // Runner change for the rollback providers: the whole logic is in `forbid.rs`.
    pub fn forbid_state<T: Any, H: Any>(mut self) -> Self {
        self.tests = Arc::new(crate::forbid::forbid::<T, H>(&self.tests));
        self
    }

    /// Runs only tests under these crate or module paths (replacing `SMOKETEST_APPS`).
    pub fn apps<I, S>(mut self, apps: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.apps = apps.into_iter().map(app_path).collect();
        self
    }

    /// Skips tests under these crate or module paths (replacing `SMOKETEST_SKIP_APPS`).
    pub fn skip_apps<I, S>(mut self, apps: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.skip_apps = apps.into_iter().map(app_path).collect();
        self
    }

    /// Runs only tests with at least one of these tags (`#[smoke_test(tags = ["ready"])]`),
    /// replacing `SMOKETEST_TAGS`; an empty list selects by no tag.
    ///
    /// ```
    /// let runner = smoketest::Runner::new().tags(["ready"]);
    /// assert_eq!(runner.selected_tags(), ["ready"]);
    /// ```
    pub fn tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// The tags a run selects by (see [`tags`](Runner::tags)); empty when it selects by none.
    pub fn selected_tags(&self) -> &[String] {
        &self.tags
    }

    /// Runs only tests whose name contains `text`. Called several times, a test matching any
    /// of the texts runs.
    pub fn filter(mut self, text: impl Into<String>) -> Self {
        self.filters.push(text.into());
        self
    }

    /// Leaves the test of exactly this full name out of every run; called several times, each
    /// name is left out. A name that is no linked test's is not an error, but the report says so
    /// in its [`warnings`](Report::warnings), once per name, in the order given:
    ///
    /// ```
    /// use smoketest::{Runner, Tier};
    ///
    /// let report = Runner::new()
    ///     .filter("no test has this name")
    ///     .exclude("app::smoke::renamed")
    ///     .run(Tier::Fast);
    /// assert_eq!(report.warnings, ["excluded name \"app::smoke::renamed\" matches no test"]);
    /// assert!(report.passed());
    /// ```
    pub fn exclude(mut self, name: impl Into<String>) -> Self {
        self.excluded.push(name.into());
        self
    }

    /// Stops starting tests after the first failure or error; tests already running finish,
    /// tests not started are not reported. A test with `retries` stops the run only if its last
    /// attempt failed or errored; a `warn_only` test never does.
    pub fn failfast(mut self, failfast: bool) -> Self {
        self.failfast = failfast;
        self
    }

    /// Makes a run that selects fewer than `min` tests `FAIL`, whatever its tests did: a
    /// selection that matches nothing (a misspelt `--apps`, a crate of tests the binary no
    /// longer links) is then a failure rather than a silent pass with every count at zero.
    /// Default 0, no minimum. Every format says why (the text report in a `note:` line, JSON in
    /// `min_tests` and `tests_selected`, Nagios as `UNKNOWN`); over HTTP the report gets the
    /// failure status. The CLI's `--min-tests N` sets it.
    ///
    /// ```
    /// use smoketest::{Runner, Tier};
    ///
    /// let report = Runner::new().apps(["no_such_crate"]).min_tests(1).run(Tier::Fast);
    /// assert!(!report.passed());
    /// assert!(report.to_text().ends_with(
    ///     "\nnote: 0 tests selected, fewer than the 1 required (--min-tests / Runner::min_tests)\n"
    /// ));
    /// ```
    pub fn min_tests(mut self, min: usize) -> Self {
        self.min_tests = min;
        self
    }

    /// The fewest tests a run must select ([`min_tests`](Runner::min_tests)); 0 for no minimum.
    pub fn required_tests(&self) -> usize {
        self.min_tests
    }

    /// Time limit for tests that don't set their own with `timeout = "…"`. Default 10 s.
    /// A zero duration is taken as the default.
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = if timeout.is_zero() {
            DEFAULT_TIMEOUT
        } else {
            timeout
        };
        self
    }

    /// How many tests may run at once; 1 runs them one after another. Default 64; 0 is taken as 1.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Stack size of the threads tests run on, in bytes. Default 8 MiB, a main thread's; 0 is
    /// taken as the default.
    pub fn stack_size(mut self, bytes: usize) -> Self {
        // 0 would be the platform's minimum, a few KiB: ordinary tests would overflow it.
        self.stack_size = if bytes == 0 {
            DEFAULT_STACK_SIZE
        } else {
            bytes
        };
        self
    }

    /// Bound on the threads the process's runs hold at once, counted over every runner: workers
    /// running tests, and workers stuck in timed-out tests that have not returned (a blocking
    /// call on a dead connection: Rust cannot stop a thread). A run starts a worker only under
    /// the bound, so at most this many threads can ever be stuck; once that many are, runs start
    /// no test (each is errored, saying so) until some of them return. Default 64; the number
    /// stuck is in every report (`abandoned_threads`). 0 is taken as 1.
    ///
    /// A test still stuck from an earlier run is never started again meanwhile: it is errored
    /// at once, so one hung test holds one thread however often the tier is polled.
    pub fn max_threads(mut self, max: usize) -> Self {
        self.max_threads = max.max(1);
        self
    }

    /// Runs every run of this runner in a child process: the program itself
    /// ([`std::env::current_exe`]) started with `args`, the arguments that make it run its smoke
    /// tests through [`run_cli_from`](Runner::run_cli_from) (e.g. `["check"]` for `myapp check`).
    /// A test that ends the process — `std::process::exit`, `abort`, a panic while panicking, a
    /// stack overflow — is then reported *errored* with how the process ended (`the test process
    /// was killed by signal 6 (SIGABRT) while this test ran`); the tests not run yet go on in a
    /// new child, and the caller lives on. [`run`](Runner::run), [`run_async`](Runner::run_async)
    /// and [`spawn`](Runner::spawn) all honour it; so does `smoketest-http`.
    ///
    /// The child runs the tests this runner selects (tier, apps, filters, exclusions), with the
    /// state, limits and options its own `main` sets up for `args`: put flags such as
    /// `--concurrency 1` or `--timeout 5s` in `args`. It prints its progress on stdout; what tests
    /// print there goes to this process's stderr. The cost is a process start per run (and one
    /// more per test that ends the process). A program that is itself an isolated child runs
    /// in-process instead of starting children of its own.
    ///
    /// ```no_run
    /// use smoketest::{Runner, Tier};
    ///
    /// fn main() -> std::process::ExitCode {
    ///     let args: Vec<String> = std::env::args().skip(1).collect();
    ///     if args.first().map(String::as_str) == Some("check") {
    ///         // The child: runs the smoke tests as told by its parent.
    ///         return Runner::new().run_cli_from(&args[1..]);
    ///     }
    ///     // The service: its smoke test runs survive a test that aborts.
    ///     let report = Runner::new().isolate(["check"]).run(Tier::Fast);
    ///     println!("{}", report.to_text());
    ///     std::process::ExitCode::SUCCESS
    /// }
    /// ```
    ///
    /// From the command line, `--isolate` does this with the program's own arguments.
    pub fn isolate<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.isolate = Some(args.into_iter().map(Into::into).collect());
        self
    }

    /// Tells `observer` of every job of this runner's runs.
    pub(crate) fn observe(mut self, observer: Observer) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Bound on each test's message in reports, in bytes (default 4 KiB): a longer one is cut
    /// at a character boundary and ends with `… [cut N bytes]`. Names and counts are never cut.
    ///
    /// A report's size is bounded by its number of tests: per test, its name and location, the
    /// message (at most this bound plus the marker), a backtrace when `RUST_BACKTRACE` asks for
    /// one (at most 16 KiB plus the marker) and, with a `CaptureLayer`, its captured output (at
    /// most 1000 lines and 64 KiB, then one line saying how much was dropped). With the defaults,
    /// a failed test adds at most about 85 KiB to the JSON report and 4 KiB plus its name and
    /// location to the text report; a passed test, its name and numbers.
    pub fn max_message_bytes(mut self, max: usize) -> Self {
        self.max_message_bytes = max;
        self
    }

    /// Hides the app's own secrets (and, always, what [`redact_credentials`] hides) in the
    /// messages the runner puts into its `tracing` spans and events, which an exporter sends out
    /// of the process. [`run_cli`](Self::run_cli) redacts its output with it too, and
    /// `smoketest-http`'s endpoint its reports. The report [`run`](Self::run) returns is not
    /// redacted: redact it with [`redacts_with`](Self::redacts_with) before it leaves the process.
    ///
    /// ```
    /// use smoketest::{Redactor, Runner, Tier};
    ///
    /// let api_key = "sk_live_0123456789"; // from the app's configuration
    /// let runner = Runner::new()
    ///     .filter("upstream::")
    ///     .check("upstream::api", move || Err::<(), _>(format!("401 with key {api_key}")))
    ///     .redactor(Redactor::new().secret(api_key));
    /// let report = runner.run(Tier::Fast).redacted(runner.redacts_with());
    /// assert_eq!(report.tests[0].message.as_deref(), Some("401 with key ***"));
    /// ```
    ///
    /// [`redact_credentials`]: crate::redact_credentials
    pub fn redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = Arc::new(redactor);
        self
    }

    /// The redactor set with [`redactor`](Self::redactor): by default, one that hides what
    /// [`redact_credentials`](crate::redact_credentials) hides.
    pub fn redacts_with(&self) -> &Redactor {
        &self.redactor
    }

    /// Adds a test made at run time: `check`, a [`Check`](crate::Check) or a closure (`|| ...`,
    /// `|| async { ... }`) returning `()` or `Result<(), E: Display>`, reported under `name`
    /// exactly as a `#[smoke_test]` function is. Its suite is the path `name` is under
    /// (`upstream` for `upstream::payments`), which `apps` and `skip_apps` select by.
    ///
    /// Nothing about a check stops the program: a name given twice (here or by a
    /// `#[smoke_test]`), an empty name, a bad tag or runbook make the test *errored*, saying
    /// what to write instead, and its location is this call's.
    ///
    /// Names, tags, owners and runbooks are kept for the life of the process, one copy per
    /// distinct value, as linked tests' are: a runner built again with the same checks costs no
    /// more memory, but names made anew on every build (a timestamp in them) would add up.
    ///
    /// ```
    /// use smoketest::{Runner, Tier};
    ///
    /// let hosts = vec!["127.0.0.1:1".to_owned()]; // from the app's configuration
    /// let mut runner = Runner::new().filter("tcp::");
    /// for host in hosts {
    ///     runner = runner.check(format!("tcp::{host}"), move || {
    ///         std::net::TcpStream::connect(&host).map(drop)
    ///     });
    /// }
    /// let report = runner.run(Tier::Fast);
    /// assert_eq!(report.errored_tests, ["tcp::127.0.0.1:1"]);
    /// ```
    #[track_caller]
    pub fn check<M>(mut self, name: impl Into<String>, check: impl IntoCheck<M>) -> Self {
        let case = check
            .into_check()
            .into_case(&name.into(), Location::caller());
        registry::add(&mut self.tests, case);
        self
    }

    /// The names of the tests a run of `tier` would include, sorted.
    pub fn test_names(&self, tier: Tier) -> Vec<&str> {
        self.selected(tier).map(|case| case.name).collect()
    }

    /// The names of every test linked into the program, whatever the selection, sorted.
    pub(crate) fn linked_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.tests.iter().map(|case| case.name)
    }

    /// The tags of the tests linked into the program, whatever the selection, with repeats.
    pub(crate) fn linked_tags(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.tests
            .iter()
            .flat_map(|case| case.test.tags.iter().copied())
    }

    /// What a run's report warns about its selection: each excluded name that matches no
    /// linked test (see [`exclude`](Runner::exclude)).
    pub(crate) fn selection_warnings(&self) -> Vec<String> {
        crate::exclusions::warnings(&self.excluded, self.linked_names())
    }

    pub(crate) fn selected(&self, tier: Tier) -> impl Iterator<Item = &TestCase> {
        self.selected_indices(tier).map(|index| &self.tests[index])
    }

    fn selected_indices(&self, tier: Tier) -> impl Iterator<Item = usize> + '_ {
        // A set: an isolated child excludes every test its parent did not send, thousands maybe.
        let excluded = crate::exclusions::set(&self.excluded);
        self.tests
            .iter()
            .enumerate()
            .filter_map(move |(index, case)| {
                let name = case.name;
                let module = case.test.module_path;
                let under =
                    |prefix: &String| under_path(name, prefix) || under_path(module, prefix);
                let selected = (tier == Tier::Slow || !case.test.slow)
                    && (self.apps.is_empty() || self.apps.iter().any(under))
                    && !self.skip_apps.iter().any(under)
                    && (self.tags.is_empty()
                        || case
                            .test
                            .tags
                            .iter()
                            .any(|tag| self.tags.iter().any(|t| t == tag)))
                    && (self.filters.is_empty()
                        || self.filters.iter().any(|text| name.contains(text.as_str())))
                    && !excluded.contains(name);
                selected.then_some(index)
            })
    }

    /// Runs a tier and waits for the report.
    ///
    /// Every test runs on a worker thread of the runner's (see [`run_async`](Runner::run_async));
    /// with the `tokio` feature, async tests are driven inside a tokio runtime the runner keeps
    /// for the process. Inside an async context, use [`run_async`](Runner::run_async) instead.
    pub fn run(&self, tier: Tier) -> Report {
        self.run_with(tier, Driver::detached())
    }

    /// Runs a tier without blocking the caller's executor, so async tests can use the app's
    /// runtime (with the `tokio` feature: the runtime this is awaited in).
    ///
    /// Tests run on the runner's worker threads, at most [`concurrency`](Runner::concurrency) at
    /// once, async ones included: an `async fn` test that blocks its thread (a synchronous
    /// driver called from async code) costs that worker, never the app's executor threads, and
    /// still times out at its limit. The run goes on to its end on a thread of its own even if
    /// this future is dropped.
    pub async fn run_async(&self, tier: Tier) -> Report {
        let (sender, receiver) = futures_channel::oneshot::channel();
        self.spawn(tier, move |report| {
            // The caller may have stopped waiting: then the report has nowhere to go.
            let _ = sender.send(report);
        });
        match receiver.await {
            Ok(report) => report,
            // `spawn` calls its callback whatever happens, unless the run's thread panicked,
            // which would be a bug of the runner's: say so rather than hang or run again here.
            Err(_canceled) => self.not_run(tier, "the run's thread ended without a report"),
        }
    }

    /// Starts a run of `tier` on a thread of its own and returns at once; `then` is called with
    /// the report on that thread when the run ends, whether or not anyone still waits for it.
    /// Async tests are driven with the caller's tokio runtime when there is one (feature
    /// `tokio`). This is how `smoketest-http` makes runs outlive the requests that started them.
    ///
    /// ```
    /// let (send, receive) = std::sync::mpsc::channel();
    /// smoketest::Runner::new()
    ///     .filter("no test has this name")
    ///     .spawn(smoketest::Tier::Fast, move |report| send.send(report.status).unwrap());
    /// assert_eq!(receive.recv().unwrap(), smoketest::Status::Pass);
    /// ```
    pub fn spawn<F>(&self, tier: Tier, then: F)
    where
        F: FnOnce(Report) + Send + 'static,
    {
        let runner = self.clone();
        let driver = Driver::current();
        // Shared with the thread so that, if it can't start, `then` is still called here.
        let then = Arc::new(Mutex::new(Some(then)));
        let on_thread = then.clone();
        let spawned = std::thread::Builder::new()
            .name("smoketest-run".into())
            .spawn(trace::propagate(move || {
                if let Some(then) = crate::sync::lock(&on_thread).take() {
                    then(runner.run_with(tier, driver));
                }
            }));
        if let Err(error) = spawned {
            if let Some(then) = crate::sync::lock(&then).take() {
                then(self.not_run(tier, &format!("could not start the run's thread: {error}")));
            }
        }
    }

    /// The report of a run that could not happen: each test it would have run errored, saying why.
    fn not_run(&self, tier: Tier, why: &str) -> Report {
        let tests = self
            .selected(tier)
            .map(|case| crate::scheduler::errored(case, why, Duration::ZERO))
            .collect::<Vec<_>>();
        let selected = tests.len();
        self.finish(
            Report::new(tier, tests, Duration::ZERO),
            selected,
            new_run_id(),
        )
    }

    /// A run's report, with what the runner knows of the run: its id, its minimum of tests
    /// (`selected` were), and the warnings about its selection.
    fn finish(&self, mut report: Report, selected: usize, run_id: String) -> Report {
        report.run_id = run_id;
        report.warnings.extend(self.selection_warnings());
        report.require(self.min_tests, selected)
    }

    /// A run, in its span: the run id is made as it starts, for the span, and carried into the
    /// report (an isolated child takes its parent's).
    fn run_with(&self, tier: Tier, driver: Driver) -> Report {
        let run_id = crate::isolate::parent_run_id().unwrap_or_else(new_run_id);
        let started = Instant::now();
        let selected: Vec<usize> = self.selected_indices(tier).collect();
        let count = selected.len();
        let span = trace::run(&run_id, tier, count);
        let report = match &self.isolate {
            Some(args) if !crate::isolate::is_child() => {
                let cases: Vec<&TestCase> = selected.iter().map(|&i| &self.tests[i]).collect();
                let (failfast, redactor) = (self.failfast, &self.redactor);
                crate::isolate::run(cases, failfast, args, tier, &span, redactor, &run_id)
            }
            _ => self.run_here(tier, driver, selected, started, &span),
        };
        let report = self.finish(report, count, run_id);
        trace::end_run(&span, &report);
        report
    }

    /// A run of the `selected` tests in this process, started at `started`.
    fn run_here(
        &self,
        tier: Tier,
        driver: Driver,
        selected: Vec<usize>,
        started: Instant,
        span: &tracing::Span,
    ) -> Report {
        crate::panic::install_hook();
        let plan = Plan {
            tests: self.tests.clone(),
            state: self.state.clone(),
            rollbacks: self.rollbacks.clone(),
            default_timeout: self.timeout,
            failfast: self.failfast,
            concurrency: self.concurrency,
            stack_size: self.stack_size,
            max_threads: self.max_threads,
            max_message_bytes: self.max_message_bytes,
            driver,
            observer: self.observer.clone(),
            span: span.id(),
            tier,
            redactor: self.redactor.clone(),
        };
        let tests = scheduler::run(plan, selected);
        Report::new(tier, tests, started.elapsed())
    }
}

#[cfg(test)]
// linkme's `link_section` counts as unsafe code when its macro is expanded inside this crate
// (in user crates it comes from an external macro and the lint stays quiet).
#[allow(unsafe_code)]
mod tests;
