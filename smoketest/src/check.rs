//! Tests made at run time: [`Runner::check`](crate::Runner::check) and its [`Check`] builder,
//! for checks whose targets are only known at start-up (a list of URLs from configuration).

use std::borrow::Cow;
use std::fmt::Display;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

use crate::intern;
use crate::outcome::Failure;
use crate::registry::{Body, BodyResult, Param, SmokeTest, TestCase};

/// The most retries a test may ask for, as `#[smoke_test(retries = N)]` allows: each attempt may
/// take the test's whole timeout, and a run must stay short.
pub(crate) const MAX_RETRIES: u32 = 10;

/// The longest name a check may have, in bytes: it is a line of every report.
const MAX_NAME_BYTES: usize = 512;

/// A test built at run time from a closure, with the options `#[smoke_test(...)]` takes.
///
/// Give it to [`Runner::check`](crate::Runner::check); a bare closure works there too when the
/// defaults suit. The closure is sync or async and returns `()` or `Result<(), E>` with
/// `E: Display`; an `Err` makes the test *errored* with the error's message, a panic (a failed
/// assertion of this crate's among them) is reported as it is for `#[smoke_test]` functions.
///
/// ```
/// use std::time::Duration;
/// use smoketest::{Check, Runner, Tier};
///
/// let upstreams = ["payments", "search"]; // from the app's configuration
/// let mut runner = Runner::new().filter("upstream::");
/// for name in upstreams {
///     runner = runner.check(
///         format!("upstream::{name}"),
///         Check::new(move || -> Result<(), String> {
///             // e.g. GET https://{name}.internal/health
///             if name.is_empty() { return Err("no host".into()) }
///             Ok(())
///         })
///         .timeout(Duration::from_secs(2))
///         .retries(1)
///         .tags(["ready"])
///         .owner("team-platform"),
///     );
/// }
/// let report = runner.run(Tier::Fast);
/// assert_eq!(report.tests_passed, 2);
/// ```
#[derive(Clone)]
#[must_use = "a check does nothing until it is given to `Runner::check`"]
pub struct Check {
    body: Body,
    slow: bool,
    timeout: Option<Duration>,
    tags: Vec<String>,
    warn_only: bool,
    retries: u32,
    owner: Option<String>,
    runbook: Option<String>,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check")
            .field("async", &!self.body.is_sync())
            .field("slow", &self.slow)
            .field("timeout", &self.timeout)
            .field("tags", &self.tags)
            .field("warn_only", &self.warn_only)
            .field("retries", &self.retries)
            .field("owner", &self.owner)
            .field("runbook", &self.runbook)
            .finish()
    }
}

impl Check {
    /// A check running `f`: `|| ...` or `|| async { ... }`, returning `()` or
    /// `Result<(), E: Display>`.
    pub fn new<M>(f: impl CheckFn<M>) -> Self {
        Check::from_body(f.into_body())
    }

    /// A check running `body`, which reports failed or errored as it chooses: the ready-made
    /// checks fail when the thing checked is not as expected, where a closure's `Err` errors.
    #[cfg_attr(not(feature = "checks"), allow(dead_code))]
    pub(crate) fn from_body(body: Body) -> Self {
        Check {
            body,
            slow: false,
            timeout: None,
            tags: Vec::new(),
            warn_only: false,
            retries: 0,
            owner: None,
            runbook: None,
        }
    }

    /// Only in the slow tier, as `#[smoke_test(slow)]`.
    pub fn slow(mut self) -> Self {
        self.slow = true;
        self
    }

    /// Its own time limit instead of the runner's default, as `timeout = "2s"`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Tags it is selected by (`--tag`, `SMOKETEST_TAGS`, `?tag=`, probe groups), as
    /// `tags = ["ready"]`: ASCII letters, digits, `-`, `_` and `.`, starting with a letter or
    /// digit. Adds to the tags given before.
    pub fn tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Its failures and errors make the run warn, not fail, as `warn_only`.
    pub fn warn_only(mut self) -> Self {
        self.warn_only = true;
        self
    }

    /// How many more attempts a failed or errored attempt gets (at most 10), as `retries = N`.
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Who to call when it fails, as `owner = "team"`: one non-blank line.
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// What to do when it fails, as `runbook = "https://..."`: an absolute http(s) URL.
    pub fn runbook(mut self, runbook: impl Into<String>) -> Self {
        self.runbook = Some(runbook.into());
        self
    }

    /// The test this check is, named `name` and registered at `at`. What is wrong with its
    /// name or options does not stop the program: the test is reported errored, saying what.
    ///
    /// Names and metadata are interned (kept for the life of the process, one copy per distinct
    /// value), those of a refused check aside: only its name, cut to the longest a name may be.
    pub(crate) fn into_case(self, name: &str, at: &'static Location<'static>) -> TestCase {
        let name = cut(name);
        let problem = self.problem(name);
        let refused = problem.is_some();
        // A check's suite is the path its name is under, as a test function's is its module.
        let (suite, function) = match name.rsplit_once("::") {
            Some((suite, function)) if !suite.is_empty() => (suite, function),
            _ => (name, name),
        };
        let tags = if refused {
            &[]
        } else {
            intern::list(&self.tags)
        };
        let metadata =
            |value: Option<String>| value.filter(|_| !refused).map(|v| intern::string(&v));
        let suite_name = intern::string(suite);
        let test = SmokeTest {
            module_path: suite_name,
            function: intern::string(function),
            file: at.file(),
            line: at.line(),
            slow: self.slow,
            rolled_back: false,
            timeout: self.timeout,
            tags,
            warn_only: self.warn_only,
            retries: self.retries.min(MAX_RETRIES),
            owner: metadata(self.owner),
            runbook: metadata(self.runbook),
            params: no_params,
            body: self.body,
        };
        TestCase {
            name: intern::string(name),
            suite_name,
            suite: None,
            test: Cow::Owned(test),
            handle: None,
            collection_error: problem,
        }
    }

    /// What is wrong with the name or an option, in words that say what to write instead.
    fn problem(&self, name: &str) -> Option<String> {
        let prefix = |message: String| Some(format!("check {name:?} cannot run: {message}"));
        if name.trim().is_empty() {
            return prefix("its name is empty; name it, e.g. \"upstream::payments\"".into());
        }
        if name.len() > MAX_NAME_BYTES {
            return prefix(format!(
                "its name is longer than {MAX_NAME_BYTES} bytes; keep it to that"
            ));
        }
        if name.chars().any(char::is_control) {
            return prefix("its name has a control character (a line break?); use one line".into());
        }
        for tag in &self.tags {
            if let Some(message) = tag_problem(tag) {
                return prefix(message);
            }
        }
        if self.retries > MAX_RETRIES {
            return prefix(format!(
                "{} retries asked for, at most {MAX_RETRIES}: each attempt may take the whole \
                 timeout, and a run must stay short",
                self.retries
            ));
        }
        if let Some(owner) = &self.owner
            && (owner.trim().is_empty() || owner.chars().any(char::is_control))
        {
            return prefix(format!(
                "owner {owner:?} must be one non-blank line, e.g. \"team-payments\""
            ));
        }
        if let Some(runbook) = &self.runbook
            && !is_http_url(runbook)
        {
            return prefix(format!(
                "runbook {runbook:?} is not an absolute http(s) URL, e.g. \
                 \"https://wiki.example.com/runbooks/payments\""
            ));
        }
        None
    }
}

/// `name`, or, when it is longer than [`MAX_NAME_BYTES`], its first characters up to one past
/// that: still too long, so refused, and the report shows its start rather than all of it.
fn cut(name: &str) -> &str {
    if name.len() <= MAX_NAME_BYTES {
        return name;
    }
    let mut end = MAX_NAME_BYTES + 1;
    while !name.is_char_boundary(end) {
        end += 1;
    }
    &name[..end]
}

fn no_params() -> Vec<Param> {
    Vec::new()
}

/// The rule `tags = [...]` follows: names that need no quoting in `--tag`, `SMOKETEST_TAGS` or
/// a URL, and never read as an option.
fn tag_problem(tag: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let starts_well = tag
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    (!starts_well || !tag.chars().all(allowed)).then(|| {
        format!(
            "tag {tag:?} is not a tag: tags are made of ASCII letters, digits, `-`, `_` and `.`, \
             starting with a letter or digit, e.g. \"ready\""
        )
    })
}

/// `http://host...` or `https://host...`, one token: what the HTML page makes a link of.
fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with(['/', '?', '#'])
            && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// What [`Runner::check`](crate::Runner::check) takes: a [`Check`], a ready-made check of
/// `smoketest::checks`, or a closure ([`CheckFn`]) with the default options.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a check",
    label = "expected a closure `|| ...` or `|| async {{ ... }}` returning `()` or `Result<(), E>` with `E: Display`, or a `smoketest::Check`",
    note = "a closure must return `()` or `Result<(), E>` where `E: Display` (a `String`, `std::io::Error`, `anyhow::Error`, ...), and be `Send + Sync + 'static`: move what it uses into it (`move || ...`)"
)]
pub trait IntoCheck<Marker> {
    /// The check.
    fn into_check(self) -> Check;
}

impl IntoCheck<Check> for Check {
    fn into_check(self) -> Check {
        self
    }
}

impl<F: CheckFn<M>, M> IntoCheck<M> for F {
    fn into_check(self) -> Check {
        Check::new(self)
    }
}

/// A closure that can be a check: `Fn() -> R` or `Fn() -> impl Future<Output = R>`, where `R`
/// is `()` or `Result<(), E: Display>`, `Send + Sync + 'static` (it runs on the runner's
/// threads, once per run). `Marker` only tells the two forms apart; it is inferred.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a check",
    label = "expected a closure `|| ...` or `|| async {{ ... }}` returning `()` or `Result<(), E>` with `E: Display`",
    note = "the closure must be `Send + Sync + 'static`: move what it uses into it (`move || ...`)"
)]
pub trait CheckFn<Marker>: Send + Sync + 'static {
    /// The test body that calls it.
    #[doc(hidden)]
    fn into_body(self) -> Body;
}

/// Marks the synchronous form of [`CheckFn`].
#[doc(hidden)]
pub struct Blocking<R>(PhantomData<fn() -> R>);

/// Marks the async form of [`CheckFn`].
#[doc(hidden)]
pub struct Polled<R>(PhantomData<fn() -> R>);

impl<F, R> CheckFn<Blocking<R>> for F
where
    F: Fn() -> R + Send + Sync + 'static,
    R: CheckResult,
{
    fn into_body(self) -> Body {
        Body::CheckSync(Arc::new(move || self().into_body_result()))
    }
}

impl<F, Fut> CheckFn<Polled<Fut::Output>> for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: CheckResult,
{
    fn into_body(self) -> Body {
        Body::CheckAsync(Arc::new(move || {
            let future = self();
            Box::pin(async move { future.await.into_body_result() })
        }))
    }
}

/// What a check's closure may return: `()` or `Result<(), E: Display>`.
#[diagnostic::on_unimplemented(
    message = "a check returns `()` or `Result<(), E>` where `E: Display`, not `{Self}`",
    label = "unsupported return type"
)]
pub trait CheckResult {
    /// The result the runner records.
    #[doc(hidden)]
    fn into_body_result(self) -> BodyResult;
}

impl CheckResult for () {
    fn into_body_result(self) -> BodyResult {
        Ok(())
    }
}

impl<E: Display> CheckResult for Result<(), E> {
    fn into_body_result(self) -> BodyResult {
        self.map_err(|error| Failure::errored(error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(check: Check, name: &str) -> Option<String> {
        check.problem(name)
    }

    #[test]
    fn names_and_options_are_checked_with_what_to_write_instead() {
        let ok = || Check::new(|| ());
        assert_eq!(problem(ok(), "upstream::payments"), None);
        assert_eq!(
            problem(ok(), " "),
            Some(
                "check \" \" cannot run: its name is empty; name it, e.g. \"upstream::payments\""
                    .into()
            )
        );
        assert_eq!(
            problem(ok(), "a\nb"),
            Some(
                "check \"a\\nb\" cannot run: its name has a control character (a line break?); \
                 use one line"
                    .into()
            )
        );
        assert!(
            problem(ok(), &"x".repeat(513))
                .unwrap()
                .ends_with("its name is longer than 512 bytes; keep it to that")
        );
        assert_eq!(
            problem(ok().tags(["ready", "-x"]), "c"),
            Some(
                "check \"c\" cannot run: tag \"-x\" is not a tag: tags are made of ASCII letters, \
                 digits, `-`, `_` and `.`, starting with a letter or digit, e.g. \"ready\""
                    .into()
            )
        );
        assert!(
            problem(ok().retries(11), "c")
                .unwrap()
                .contains("11 retries asked for, at most 10")
        );
        assert!(
            problem(ok().owner(" "), "c")
                .unwrap()
                .contains("owner \" \"")
        );
        for bad in [
            "ftp://x",
            "https://",
            "https:///path",
            "https://a b",
            "wiki/page",
        ] {
            assert!(
                problem(ok().runbook(bad), "c")
                    .unwrap()
                    .contains("is not an absolute http(s) URL"),
                "{bad}"
            );
        }
        assert_eq!(
            problem(ok().runbook("http://wiki.local:8080/x?y#z"), "c"),
            None
        );
    }

    #[test]
    fn a_huge_name_is_cut_and_refused_and_a_refused_check_keeps_no_metadata() {
        let at = Location::caller();
        let huge = "é".repeat(5_000_000);
        let case = Check::new(|| ())
            .owner("team")
            .tags(["ready"])
            .into_case(&huge, at);
        assert_eq!(case.name.len(), 514);
        assert!(huge.starts_with(case.name));
        let error = case.collection_error.unwrap();
        assert!(error.len() < 700, "{}", error.len());
        assert!(error.ends_with("its name is longer than 512 bytes; keep it to that"));
        assert_eq!((case.test.owner, case.test.tags), (None, &[][..]));
    }

    #[test]
    fn a_name_is_split_into_its_suite_and_function() {
        let at = Location::caller();
        let case = Check::new(|| ()).into_case("app::upstream::payments", at);
        assert_eq!(
            (case.name, case.suite_name, case.test.function),
            ("app::upstream::payments", "app::upstream", "payments")
        );
        let case = Check::new(|| ()).into_case("payments", at);
        assert_eq!((case.name, case.suite_name), ("payments", "payments"));
        assert_eq!(
            case.location(),
            crate::outcome::format_location(at.file(), at.line())
        );
    }
}
