//! Every format a report is shown in, from one seam: a [`Report`] and the [`Options`] of a
//! rendering in, a [`Rendered`] body and its content type out.
//!
//! Each format is one module with one `render(report, options) -> String`; [`Format`] lists
//! them. The CLI and the HTTP endpoint choose a format and call [`render`]; neither knows how a
//! format is laid out. Redaction is not a rendering option: a report is
//! [redacted](Report::redacted) once, when its run ends, and every rendering is made from the
//! redacted report.

mod health;
mod html;
mod json;
mod junit;
mod kubernetes;
mod nagios;
mod prometheus;
mod service;
mod text;

use std::sync::Arc;
use std::time::Duration;

use crate::report::Report;

pub use self::kubernetes::Probe;
pub use self::nagios::NagiosState;
pub(crate) use self::nagios::unknown_line;
pub use self::service::Service;
pub use crate::history::{History, PastRun};

/// A format a report can be rendered in.
///
/// ```
/// use smoketest::render::Format;
///
/// assert_eq!(Format::from_name("json"), Some(Format::Json));
/// assert_eq!(Format::Json.content_type(), "application/json");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// django-smoketest's text report ([`Report::to_text`]): seven summary lines (and `tests
    /// warned: N` when a `warn_only` test warned), `run id: <uuid>` (the [run
    /// id](Report::run_id)), then one line per failed, errored and warned
    /// test, each message on one line with every control character and Unicode line break
    /// escaped (`\n`, `\u{1b}`), then a `warning: …` line per [warning](Report::warnings) of the
    /// run. With [`Options::verbose`], a line per test follows with its attempts when it ran
    /// more than once, and under one that did not pass its owner, runbook and the lines it
    /// logged.
    Text,
    /// The report as JSON ([`Report::to_json`]): the contract's keys (with `tests_warned` and
    /// `warned_tests`), the `run_id`, every test's details (`attempts`, `tags`, `owner`,
    /// `runbook`) and the run's `warnings`; it reads back into a [`Report`].
    Json,
    /// Prometheus' text exposition format (version 0.0.4), for scrapers: a comment with the
    /// run id (`# smoketest run id <uuid>`: a label would be a new series every run), gauges
    /// labelled with the tier (`smoketest_run_passed`, `smoketest_tests{outcome}`, run duration, abandoned
    /// threads), then per test `smoketest_test_passed`, `smoketest_test_outcome{outcome}` (1 for
    /// the outcome it had, 0 for the others; outcomes `passed`, `failed`, `errored`, `warned`),
    /// `smoketest_test_duration_seconds` and `smoketest_test_attempts`.
    Prometheus,
    /// A self-contained HTML page for browsers (inline CSS, no script, a Content-Security-Policy
    /// forbidding anything else): a PASS/FAIL banner (amber for a PASS with warned tests), the
    /// counts, the run's warnings, one row per test, failed, errored and warned first, with its
    /// attempts, owner, runbook (a link) and tags; the run id in the footer. Every string from
    /// the report is escaped.
    Html,
    /// JUnit XML, the Ant / Jenkins / Surefire format CI systems read: one `<testsuite>` per
    /// suite, one `<testcase>` per test (`classname` the suite, `name` the function), a
    /// `<failure>` or `<error>` with the message, location and backtrace, a warned test
    /// `<skipped message="warned: …">`; per test `<properties>` `owner`, `runbook`, `attempts`,
    /// `tags`; each `<testsuite>` has the property `run_id`; times in seconds. Characters XML 1.0 cannot hold are written as Rust escapes
    /// (`\u{1b}`).
    JUnit,
    /// One Nagios plugin status line with performance data (`SMOKETEST OK - 8 tests passed in
    /// 12.3ms | tests=8;;;0 …`), naming at most three broken (or, on `WARNING`, warned) tests,
    /// and as long text `run id: <uuid>` and the run's warnings; see [`NagiosState`] for the
    /// exit code.
    Nagios,
    /// `application/health+json`, the IETF draft "Health Check Response Format for HTTP APIs"
    /// (draft-inadarei-api-health-check-06), for health-check dashboards and load balancers
    /// that read it:
    ///
    /// - `status`: `fail` when the report is `FAIL`, `warn` when it is `PASS` with
    ///   [warned](Report::tests_warned) tests, else `pass`;
    /// - `version`, `releaseId`, `serviceId`, `description`: the app's [`Service`], each only
    ///   when set ([`Options::service`]);
    /// - `output`, when not `pass`: the counts that made it so (`3 tests run: 1 failed, 1
    ///   warned`), or why too few tests ran;
    /// - `notes`: `run id: <uuid>` (the draft's root object has no key for an id, and takes no
    ///   other), then the report's [warnings](Report::warnings);
    /// - `checks`: one per test, keyed `"{componentName}:responseTime"`. The draft reserves the
    ///   colon for that separator, so the component name is the test's full name with every
    ///   `::` (and any other `:`) written `.`: `app::smoke::Db::counts` is
    ///   `"app.smoke.Db.counts:responseTime"`. Its value is an array of one object:
    ///   `componentId` (the test's exact name), `componentType` `"component"`, `observedValue`
    ///   (the test's time in milliseconds), `observedUnit` `"ms"`, `status` (`pass`, `fail`, or
    ///   `warn` for a warned test), `time` (when the run started, RFC 3339), `output` when not
    ///   `pass` (the message and where it happened, as in the text report but unescaped) and
    ///   `links` `{"help": runbook}` when the test has a `runbook` (`help` being the
    ///   registered link relation for it). Two names that map to the same key share its
    ///   array, told apart by `componentId`.
    ///
    /// In [summary](Detail::Summary), `checks` and the warnings among the `notes` are left
    /// out: the status, the service, the run id and the `output` name no test.
    ///
    /// ```
    /// use smoketest::render::{self, Format, Options, Service};
    ///
    /// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
    /// let service = Service::new().service_id("bookshop").version("2");
    /// let rendered = render::render(&report, Format::Health, &Options::new().service(service));
    /// assert_eq!(rendered.content_type, "application/health+json");
    /// assert_eq!(
    ///     rendered.body,
    ///     format!(
    ///         r#"{{"status":"pass","version":"2","notes":["run id: {}"],"serviceId":"bookshop","checks":{{}}}}"#,
    ///         report.run_id,
    ///     )
    /// );
    /// ```
    Health,
    /// kube-apiserver's verbose health text (`/readyz?verbose`), for Kubernetes probes and the
    /// people reading them: a line per test, `[+]{name} ok` or `[-]{name} failed: {reason}`,
    /// then `{name} check passed` or `{name} check failed`, the name being the [`Probe`]'s
    /// (else the tier's). Reasons are shown in full detail only: a summary shows the names
    /// with `reason withheld`, as kube-apiserver always does. The only format without the run
    /// id: its lines are kube-apiserver's, which has none (over HTTP, the response's
    /// `X-Smoketest-Run-Id` header has it).
    Kubernetes,
}

/// What makes a format: its name and media type, and the function that lays it out.
struct Spec {
    name: &'static str,
    content_type: &'static str,
    render: fn(&Report, &Options) -> String,
}

impl Format {
    /// Every format, in a server's order of preference when a client likes several equally:
    /// text first, so that `*/*` and a bare `text/plain` get the text report.
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Json,
        Format::Prometheus,
        Format::Html,
        Format::JUnit,
        Format::Nagios,
        Format::Health,
        Format::Kubernetes,
    ];

    fn spec(self) -> &'static Spec {
        match self {
            Format::Text => &text::SPEC,
            Format::Json => &json::SPEC,
            Format::Prometheus => &prometheus::SPEC,
            Format::Html => &html::SPEC,
            Format::JUnit => &junit::SPEC,
            Format::Nagios => &nagios::SPEC,
            Format::Health => &health::SPEC,
            Format::Kubernetes => &kubernetes::SPEC,
        }
    }

    /// Its name: `text`, `json`, `prometheus`, `html`, `junit`, `nagios`, `health` or
    /// `kubernetes` (the value of the HTTP endpoint's `?format=`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The format with this [name](Self::name), if any.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }

    /// The `Content-Type` of a body in this format, e.g. `text/plain; charset=utf-8`.
    pub fn content_type(self) -> &'static str {
        self.spec().content_type
    }
}

/// How much of a report a rendering shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Detail {
    /// Everything: test names, messages, locations, captured output.
    #[default]
    Full,
    /// The status and the counts, no test names or messages: the text report's seven lines (the
    /// eighth, `tests warned: N`, when a test warned, and the `note:` of a run with too few
    /// tests); JSON with only `status`, `test_classes`, `tests_run`, `tests_passed`,
    /// `tests_failed`, `tests_errored`, `tests_warned` (when a test warned), `time`, `tier`,
    /// `min_tests` and `tests_selected` (when a [minimum](crate::Runner::min_tests) is set) and
    /// `"detail": "summary"`; [health+json](Format::Health) with its status, the service and
    /// the counts in `output`, without `checks` or `notes`; the [Kubernetes](Format::Kubernetes)
    /// text its lines with every reason withheld (test names included, as kube-apiserver shows
    /// its checks to anybody); the other formats as for a report without its tests (and without
    /// its [warnings](Report::warnings), which can quote test names).
    Summary,
}

/// The options of one rendering.
///
/// ```
/// use std::time::Duration;
/// use smoketest::render::{Detail, Options};
///
/// let options = Options::new().detail(Detail::Summary).age(Some(Duration::from_secs(30)));
/// assert_eq!(options.detail, Detail::Summary);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// How much of the report is shown.
    pub detail: Detail,
    /// A line per test in the text format.
    pub verbose: bool,
    /// How long ago the run of a stored report finished.
    pub age: Option<Duration>,
    /// The service the report is about, for the formats that describe it (health+json). Shared,
    /// as one service description serves every rendering.
    pub service: Option<Arc<Service>>,
    /// What the probe that asked for the report named and left out, for the Kubernetes format.
    pub probe: Option<Arc<Probe>>,
    /// The recent runs of the report's selection, this one included, for the HTML page's
    /// strips of recent outcomes.
    pub history: Option<Arc<History>>,
}

impl Options {
    /// Full detail, not verbose, no age, no service description, no probe, no history.
    pub fn new() -> Self {
        Options::default()
    }

    /// Shows `detail` of the report.
    pub fn detail(mut self, detail: Detail) -> Self {
        self.detail = detail;
        self
    }

    /// Adds a line per test to the text format (the CLI's `--verbose`); other formats ignore it.
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.verbose = verbose;
        self
    }

    /// The report is a stored one, from a run that finished `age` ago (a cache, a schedule):
    /// JSON gets an `age` key, Prometheus a `smoketest_report_age_seconds` gauge and HTML a line
    /// in its banner, each in whole seconds.
    pub fn age(mut self, age: Option<Duration>) -> Self {
        self.age = age;
        self
    }

    /// Describes the service in the formats that have room for it: health+json's `serviceId`,
    /// `version`, `releaseId` and `description`. Takes a [`Service`] or an `Arc` of one.
    ///
    /// ```
    /// use smoketest::render::{Options, Service};
    ///
    /// let options = Options::new().service(Service::new().version(env!("CARGO_PKG_VERSION")));
    /// assert_eq!(options.service.unwrap().version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    /// ```
    pub fn service(mut self, service: impl Into<Arc<Service>>) -> Self {
        self.service = Some(service.into());
        self
    }

    /// The report answers `probe`: the [Kubernetes](Format::Kubernetes) format names it in its
    /// last line and lists the tests it excluded; other formats ignore it.
    ///
    /// ```
    /// use smoketest::render::{self, Format, Options, Probe};
    ///
    /// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
    /// let options = Options::new().probe(Probe::new("ready"));
    /// assert_eq!(render::render(&report, Format::Kubernetes, &options).body, "ready check passed\n");
    /// ```
    pub fn probe(mut self, probe: impl Into<Arc<Probe>>) -> Self {
        self.probe = Some(probe.into());
        self
    }

    /// The recent runs of the report's selection, oldest first and this run last: the
    /// [HTML](Format::Html) page adds a column with each test's strip of recent outcomes, one
    /// cell per run it ran in among the last 30, and marks a test whose outcome flipped between
    /// passing and not passing more than once in those as *flaky*. Other formats ignore it.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// use smoketest::render::{self, Format, History, Options, PastRun};
    ///
    /// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
    /// let history = History::new([Arc::new(PastRun::new(&report))]);
    /// let page = render::render(&report, Format::Html, &Options::new().history(history)).body;
    /// assert!(page.contains("<p>No tests ran.</p>"));
    /// ```
    pub fn history(mut self, history: impl Into<Arc<History>>) -> Self {
        self.history = Some(history.into());
        self
    }

    /// The age in whole seconds, as every format shows it.
    fn age_secs(&self) -> Option<u64> {
        self.age.map(|age| age.as_secs())
    }
}

/// A rendered report: its body and the body's `Content-Type`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rendered {
    /// The report in the format asked for.
    pub body: String,
    /// The format's media type, e.g. `application/json`.
    pub content_type: &'static str,
}

/// `report` in `format`, with `options`.
///
/// ```
/// use smoketest::render::{self, Detail, Format, Options};
///
/// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
/// let rendered = render::render(&report, Format::Json, &Options::new().detail(Detail::Summary));
/// assert_eq!(rendered.content_type, "application/json");
/// assert!(rendered.body.ends_with(r#","tier":"fast","detail":"summary"}"#));
/// ```
pub fn render(report: &Report, format: Format, options: &Options) -> Rendered {
    let spec = format.spec();
    let body = match options.detail {
        // The Kubernetes text names every test whoever asks, as kube-apiserver names its
        // checks, and withholds the reasons itself.
        Detail::Summary if format != Format::Kubernetes => {
            (spec.render)(&without_tests(report), options)
        }
        Detail::Full | Detail::Summary => (spec.render)(report, options),
    };
    Rendered {
        body,
        content_type: spec.content_type,
    }
}

impl Report {
    /// The report in `format`, in full: `render(self, format, &Options::new()).body`.
    ///
    /// ```
    /// use smoketest::render::Format;
    ///
    /// let report = smoketest::Runner::new().filter("no test has this name").run(smoketest::Tier::Fast);
    /// assert!(report.render(Format::Nagios).starts_with("SMOKETEST OK - 0 tests passed in "));
    /// ```
    pub fn render(&self, format: Format) -> String {
        render(self, format, &Options::new()).body
    }

    /// The text format: seven summary lines (and `tests warned: N` when a `warn_only` test
    /// warned), then (if anything failed, errored or warned) a blank line and one line per failed
    /// test, then per errored test, then per warned test, each sorted by name, each on one line
    /// whatever its message holds (control characters and line breaks are escaped); then, after
    /// a blank line, a `warning: …` line per [warning](Report::warnings) of the run:
    ///
    /// ```text
    /// FAIL
    /// test classes: 1
    /// tests run: 3
    /// tests passed: 1
    /// tests failed: 1
    /// tests errored: 1
    /// time: 12.503311ms
    ///
    /// app::smoke::Db::counts failed: 0 not greater than 0 (at src/smoke.rs:12)
    /// app::smoke::Db::writes errored: panicked: disk full (at src/smoke.rs:20)
    /// ```
    ///
    /// With a `warn_only` test that failed, and an `--exclude` that matched nothing:
    ///
    /// ```text
    /// PASS
    /// test classes: 1
    /// tests run: 3
    /// tests passed: 2
    /// tests failed: 0
    /// tests errored: 0
    /// time: 12.503311ms
    /// tests warned: 1
    ///
    /// app::smoke::Cache::warm warned: 0 not greater than 0 (at src/smoke.rs:31)
    ///
    /// warning: excluded name "app::smoke::old" matches no test
    /// ```
    pub fn to_text(&self) -> String {
        self.render(Format::Text)
    }

    /// The JSON format: an object with `status`, `test_classes`, `tests_run`, `tests_passed`,
    /// `tests_failed`, `tests_errored`, `tests_warned`, `failed_tests`, `errored_tests`,
    /// `warned_tests`, `time`, and the details (`started`, `tier`, `panics_caught`,
    /// `abandoned_threads`, `min_tests`, `tests_selected`, `warnings` when there are any,
    /// `tests`). It reads back into a `Report`.
    pub fn to_json(&self) -> String {
        self.render(Format::Json)
    }
}

/// `report`'s status and counts without its tests: no names, no messages.
fn without_tests(report: &Report) -> Report {
    Report {
        status: report.status,
        test_classes: report.test_classes,
        tests_run: report.tests_run,
        tests_passed: report.tests_passed,
        tests_failed: report.tests_failed,
        tests_errored: report.tests_errored,
        tests_warned: report.tests_warned,
        failed_tests: Vec::new(),
        errored_tests: Vec::new(),
        warned_tests: Vec::new(),
        time: report.time,
        started: report.started.clone(),
        run_id: report.run_id.clone(),
        tier: report.tier,
        panics_caught: report.panics_caught,
        abandoned_threads: report.abandoned_threads,
        min_tests: report.min_tests,
        tests_selected: report.tests_selected,
        warnings: Vec::new(),
        tests: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_a_distinct_name_that_reads_back() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        let mut names: Vec<&str> = Format::ALL.iter().map(|format| format.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Format::ALL.len());
        assert_eq!(Format::from_name("xml"), None);
    }
}
