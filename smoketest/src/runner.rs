//! The runner: selects tests, runs them concurrently within their time limits, builds the report.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::future::poll_fn;
use std::task::Poll;

use futures_timer::Delay;
use futures_util::lock::Mutex as AsyncMutex;
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt as _, StreamExt as _};
use serde::{Deserialize, Serialize};

use crate::State;
use crate::execute::{self, SuiteRun};
use crate::lane::{self, Lane};
use crate::outcome::{Failure, Outcome};
use crate::registry::{self, TestCase};
use crate::report::{Report, TestReport};
use crate::rollback::{AsyncRollbackProvider, Provider, RollbackProvider, Rollbacks};

/// Which tests a run includes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Tests not marked `slow`: cheap enough for monitoring to run every few minutes.
    #[default]
    Fast,
    /// All tests, `slow` ones included: for after a deploy.
    Slow,
}

impl Tier {
    /// `"fast"` or `"slow"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Fast => "fast",
            Tier::Slow => "slow",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Default time limit of one test, unless the runner or the test sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default number of tests running at once. Smoke tests mostly wait on I/O, so running them
/// together makes a run cost about what its slowest test costs.
pub const DEFAULT_CONCURRENCY: usize = 64;

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
    tests: Arc<[TestCase]>,
    state: Arc<State>,
    rollbacks: Arc<Rollbacks>,
    apps: Vec<String>,
    skip_apps: Vec<String>,
    filters: Vec<String>,
    failfast: bool,
    timeout: Duration,
    concurrency: usize,
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
            .field("filters", &self.filters)
            .field("failfast", &self.failfast)
            .field("timeout", &self.timeout)
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

/// Splits a comma-separated list of crate or module paths, as `--apps` and `SMOKETEST_APPS` take.
pub(crate) fn split_apps(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|app| !app.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `name` lies under the crate or module path `prefix`, segment-wise: `app` selects
/// `app::smoke::x` but not `application::x`. Cargo package names work too: `my-app` is `my_app`.
fn under_path(name: &str, prefix: &str) -> bool {
    name == prefix
        || name
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with("::"))
}

/// An app prefix as [`under_path`] compares it, normalised once when it is set rather than for
/// every test of every run: no trailing `::`, and a Cargo package name's `-` as the crate's `_`.
fn app_path(prefix: impl Into<String>) -> String {
    let prefix: String = prefix.into();
    prefix.trim_end_matches("::").replace('-', "_")
}

impl Runner {
    /// A runner over every test linked into the program, with default options: a 10 s timeout
    /// per test, up to 64 tests at once, and the app selection of the `SMOKETEST_APPS` /
    /// `SMOKETEST_SKIP_APPS` environment variables (comma-separated crate or module paths).
    pub fn new() -> Self {
        let from_env = |name: &str| {
            std::env::var(name)
                .map(|value| split_apps(&value).into_iter().map(app_path).collect())
                .unwrap_or_default()
        };
        Runner {
            tests: registry::linked(),
            state: Arc::new(State::new()),
            rollbacks: Arc::new(Rollbacks::new()),
            apps: from_env("SMOKETEST_APPS"),
            skip_apps: from_env("SMOKETEST_SKIP_APPS"),
            filters: Vec::new(),
            failfast: false,
            timeout: DEFAULT_TIMEOUT,
            concurrency: DEFAULT_CONCURRENCY,
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
    // Runner change for the rollback providers: the whole logic is in `rollback/forbid.rs`.
    pub fn forbid_state<T: Any, H: Any>(mut self) -> Self {
        self.tests = crate::rollback::forbid::forbid::<T, H>(&self.tests);
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

    /// Runs only tests whose name contains `text`. Called several times, a test matching any
    /// of the texts runs.
    pub fn filter(mut self, text: impl Into<String>) -> Self {
        self.filters.push(text.into());
        self
    }

    /// Stops starting tests after the first failure or error; tests already running finish,
    /// tests not started are not reported.
    pub fn failfast(mut self, failfast: bool) -> Self {
        self.failfast = failfast;
        self
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

    /// The names of the tests a run of `tier` would include, sorted.
    pub fn test_names(&self, tier: Tier) -> Vec<&str> {
        self.selected(tier).map(|case| case.name).collect()
    }

    fn selected(&self, tier: Tier) -> impl Iterator<Item = &TestCase> {
        self.selected_indices(tier).map(|index| &self.tests[index])
    }

    fn selected_indices(&self, tier: Tier) -> impl Iterator<Item = usize> + '_ {
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
                    && (self.filters.is_empty()
                        || self.filters.iter().any(|text| name.contains(text.as_str())));
                selected.then_some(index)
            })
    }

    /// Runs a tier and waits for the report, driving async tests on the current thread.
    ///
    /// With the `tokio` feature, the run happens inside a tokio runtime made for it. Inside an
    /// async context, use [`run_async`](Runner::run_async) instead.
    pub fn run(&self, tier: Tier) -> Report {
        block_on(self.run_async(tier))
    }

    /// Runs a tier on the caller's executor (the app's runtime), so async tests can use it.
    ///
    /// Synchronous tests and hooks run on the runner's worker threads; async ones are polled by
    /// this future. The future is `Send`, so it can be spawned or awaited in a web handler.
    pub async fn run_async(&self, tier: Tier) -> Report {
        crate::panic::install_hook();
        let started = Instant::now();
        let selected: Vec<usize> = self.selected_indices(tier).collect();
        // Free synchronous tests take the lane (see `lane`), unless tests must run one by one in
        // name order; everything else runs as a future of its own.
        let (lane_order, others): (Vec<usize>, Vec<usize>) = selected
            .into_iter()
            .partition(|&index| self.concurrency > 1 && lane::eligible(&self.tests[index]));
        let others: Vec<&TestCase> = others.iter().map(|&index| &self.tests[index]).collect();
        let suites = SuiteSlots::new(&others);
        let lane = (!lane_order.is_empty()).then(|| {
            Lane::new(
                self.tests.clone(),
                lane_order,
                self.state.clone(),
                self.timeout,
                self.failfast,
            )
        });
        let mut tick = None;
        if let Some(lane) = &lane {
            lane.start_worker();
            tick = Some(Delay::new(lane::GROWTH_DELAY));
        }
        let mut results = Vec::with_capacity(others.len());
        let mut pending = others.iter();
        let mut running = FuturesUnordered::new();
        let mut stop = false;
        loop {
            let lane_workers = lane.as_ref().map_or(0, |lane| lane.workers());
            while !stop && running.len() + lane_workers < self.concurrency {
                let Some(case) = pending.next() else { break };
                running.push(self.run_case(case, &suites));
            }
            let event = poll_fn(|cx| {
                if let Poll::Ready(Some(report)) = running.poll_next_unpin(cx) {
                    return Poll::Ready(Some(report));
                }
                if let Some(lane) = &lane {
                    let ticked = tick
                        .as_mut()
                        .is_some_and(|tick| tick.poll_unpin(cx).is_ready());
                    if ticked {
                        tick = None;
                    }
                    if lane.poll_news(cx).is_ready() || ticked {
                        return Poll::Ready(None);
                    }
                }
                let lane_done = lane.as_ref().is_none_or(|lane| lane.is_done());
                let nothing_to_start = stop || pending.len() == 0;
                if running.is_empty() && lane_done && nothing_to_start {
                    return Poll::Ready(None);
                }
                Poll::Pending
            })
            .await;
            match event {
                Some(report) => {
                    if self.failfast && report.outcome != Outcome::Passed {
                        stop = true;
                        if let Some(lane) = &lane {
                            lane.stop();
                        }
                    }
                    results.push(report);
                }
                None => {
                    let Some(lane) = &lane else { break };
                    let now = Instant::now();
                    let (wanted, next_check) = lane.check(now);
                    let room = self
                        .concurrency
                        .saturating_sub(running.len() + lane.workers());
                    // Keep the lane moving even when its only worker just timed out or exited.
                    let floor = usize::from(lane.workers() == 0);
                    for _ in 0..wanted.max(floor).min(room) {
                        lane.start_worker();
                    }
                    tick = next_check.map(|at| Delay::new(at.saturating_duration_since(now)));
                    if lane.stopped_by_failure() {
                        stop = true;
                    }
                    let lane_done = lane.is_done();
                    if running.is_empty() && lane_done && (stop || pending.len() == 0) {
                        break;
                    }
                }
            }
        }
        drop(running);
        if let Some(lane) = &lane {
            // Usually the lane ran nearly everything: take its results rather than copy them.
            let mut lane_results = lane.take_results();
            if lane_results.len() > results.len() {
                std::mem::swap(&mut results, &mut lane_results);
            }
            results.append(&mut lane_results);
        }
        results.extend(suites.tear_down_all(self.timeout).await);
        Report::new(tier, results, started.elapsed())
    }

    fn run_case<'a>(
        &'a self,
        case: &'a TestCase,
        suites: &'a SuiteSlots,
    ) -> Pin<Box<dyn Future<Output = TestReport> + Send + 'a>> {
        Box::pin(async move {
            let suite = match &case.suite {
                Some(_) if case.collection_error.is_some() => None,
                Some(vtable) => Some(
                    suites
                        .get(*vtable, case.suite_name, &self.state, self.timeout)
                        .await,
                ),
                None => None,
            };
            let limit = case.test.timeout.unwrap_or(self.timeout);
            execute::run_test(case, self.state.clone(), suite, &self.rollbacks, limit).await
        })
    }

    /// Parses `std::env::args()`, runs, prints the report to stdout and returns the exit code:
    /// 0 PASS, 1 FAIL, 2 usage error (one line on stderr saying which).
    ///
    /// Flags: `--slow`, `--json`, `--verbose`, `--failfast`, `--apps a,b`, `--skip-apps a,b`,
    /// `--filter TEXT`, `--timeout 5s`, `--concurrency N`, `--list`, `--help`.
    ///
    /// ```no_run
    /// fn main() -> std::process::ExitCode {
    ///     smoketest::Runner::new().run_cli()
    /// }
    /// ```
    pub fn run_cli(self) -> std::process::ExitCode {
        self.run_cli_from(std::env::args().skip(1))
    }

    /// [`run_cli`](Runner::run_cli) with the flags given (without the program name), for apps
    /// that have their own arguments in front, like `myapp check --slow`.
    pub fn run_cli_from<I, S>(self, args: I) -> std::process::ExitCode
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        block_on(self.run_cli_async_from(args))
    }

    /// The async twin of [`run_cli`](Runner::run_cli), for an async `main` whose tests need the
    /// app's runtime (with tokio: `#[tokio::main] async fn main() -> ExitCode { … }`):
    ///
    /// ```no_run
    /// async fn check() -> std::process::ExitCode {
    ///     smoketest::Runner::new().run_cli_async().await
    /// }
    /// ```
    pub async fn run_cli_async(self) -> std::process::ExitCode {
        self.run_cli_async_from(std::env::args().skip(1)).await
    }

    /// [`run_cli_async`](Runner::run_cli_async) with the flags given (without the program name).
    pub async fn run_cli_async_from<I, S>(self, args: I) -> std::process::ExitCode
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        crate::cli::run(self, args.into_iter().map(Into::into).collect()).await
    }
}

/// Blocks on a future: in a tokio runtime with the `tokio` feature, else on this thread.
fn block_on<F: Future>(future: F) -> F::Output {
    #[cfg(feature = "tokio")]
    {
        match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => return runtime.block_on(future),
            Err(error) => eprintln!(
                "smoketest: could not start a tokio runtime ({error}); running without one"
            ),
        }
    }
    futures_executor::block_on(future)
}

/// Per-run state of each suite: set up by its first test, shared by the rest, torn down at the end.
struct SuiteSlots {
    slots: HashMap<&'static str, AsyncMutex<Option<Result<SuiteRun, Failure>>>>,
}

impl SuiteSlots {
    fn new(cases: &[&TestCase]) -> Self {
        let slots = cases
            .iter()
            .filter(|case| case.suite.is_some())
            .map(|case| (case.suite_name, AsyncMutex::new(None)))
            .collect();
        SuiteSlots { slots }
    }

    /// The suite set up for this run; the first caller runs `set_up_suite`, the others wait for it.
    async fn get(
        &self,
        vtable: crate::suite::SuiteVTable,
        name: &str,
        state: &Arc<State>,
        limit: Duration,
    ) -> Result<SuiteRun, Failure> {
        let Some(slot) = self.slots.get(name) else {
            return Err(Failure::errored("suite was not selected (runner bug)"));
        };
        let mut slot = slot.lock().await;
        if slot.is_none() {
            let result = execute::set_up_suite(vtable, state.clone(), limit)
                .await
                .map(|instance| SuiteRun { vtable, instance });
            *slot = Some(result);
        }
        slot.clone().expect("set just above")
    }

    /// Runs `tear_down_suite` of every suite that was set up; a failure becomes an errored entry
    /// named `<suite>::tear_down_suite`, so it is counted and visible like a test.
    async fn tear_down_all(self, limit: Duration) -> Vec<TestReport> {
        let mut reports = Vec::new();
        let mut names: Vec<&'static str> = self.slots.keys().copied().collect();
        names.sort_unstable();
        let mut slots = self.slots;
        for name in names {
            let Some(slot) = slots.remove(name) else {
                continue;
            };
            let Some(Ok(suite)) = slot.into_inner() else {
                continue;
            };
            let started = Instant::now();
            if let Err(failure) = execute::tear_down_suite(&suite, limit).await {
                reports.push(TestReport {
                    name: format!("{name}::tear_down_suite").into(),
                    suite: name.into(),
                    outcome: Outcome::Errored,
                    time: started.elapsed().as_secs_f64() * 1000.0,
                    message: Some(format!("tear_down_suite failed: {}", failure.message)),
                    location: failure.location,
                    slow: false,
                    rolled_back: false,
                    backtrace: failure.backtrace,
                    output: Vec::new(),
                });
            }
        }
        reports
    }
}

#[cfg(test)]
// linkme's `link_section` counts as unsafe code when its macro is expanded inside this crate
// (in user crates it comes from an external macro and the lint stays quiet).
#[allow(unsafe_code)]
mod tests {
    use super::*;
    use crate::{Result, Suite, smoke_test};

    /// A suite that a test wrongly takes by `&mut`.
    struct Shared;
    impl Suite for Shared {
        fn set_up_suite(_: &State) -> Result<Self> {
            Ok(Shared)
        }
    }

    #[smoke_test(rolled_back)]
    fn takes_a_suite_by_mut(_suite: &mut Shared) {}

    /// A transaction type no rollback provider is registered for.
    struct Transaction;

    #[smoke_test(rolled_back)]
    fn writes_without_a_provider(_tx: &mut Transaction) {}

    fn report_of(test: &str) -> TestReport {
        let report = Runner::new().filter(test).run(Tier::Fast);
        assert_eq!(report.tests.len(), 1, "{test}");
        report.tests.into_iter().next().unwrap()
    }

    #[test]
    fn an_error_found_while_collecting_a_test_makes_it_errored() {
        let test = report_of("takes_a_suite_by_mut");
        let suite = std::any::type_name::<Shared>();
        assert_eq!(test.outcome, Outcome::Errored);
        assert_eq!(
            test.message.unwrap(),
            format!("takes `&mut {suite}`, but suites are shared by their tests: take `&{suite}`")
        );
        assert!(test.rolled_back);
    }

    #[test]
    fn a_rolled_back_test_without_a_provider_is_errored_with_what_to_do() {
        let test = report_of("writes_without_a_provider");
        assert_eq!(test.outcome, Outcome::Errored);
        assert_eq!(
            test.message.unwrap(),
            format!(
                "no rollback provider registered for `{}`; register one with \
                 `Runner::rollback(provider)` (or `rollback_async` for async clients)",
                std::any::type_name::<Transaction>()
            )
        );
    }

    #[test]
    fn app_prefixes_match_whole_path_segments() {
        let under = |name: &str, prefix: &str| under_path(name, &app_path(prefix));
        assert!(under("app::smoke::x", "app"));
        assert!(under("app::smoke::x", "app::smoke"));
        assert!(under("app::smoke::x", "app::smoke::"));
        assert!(!under("application::smoke::x", "app"));
        assert!(under("my_app::smoke::x", "my-app"));
    }

    #[test]
    fn app_lists_are_comma_separated_and_trimmed() {
        assert_eq!(
            split_apps(" a, b::c ,,"),
            vec!["a".to_owned(), "b::c".to_owned()]
        );
    }
}
