//! The link-time registry: every `#[smoke_test]` of every linked crate, collected by `linkme`.

use std::any::{Any, TypeId, type_name};
use std::borrow::Cow;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use linkme::distributed_slice;

use crate::context::Context;
use crate::outcome::Failure;
use crate::suite::{BoxFuture, SuiteVTable};

/// What a test body returns to the runner.
#[doc(hidden)]
pub type BodyResult = Result<(), Failure>;

/// A test body with its parameters resolved from a [`Context`].
///
/// The two `Plain*` forms are the common case, a test without parameters returning `()`: the
/// macro registers the function itself, with no wrapper to compile per test. The two `Check*`
/// forms are the closures of [`Runner::check`](crate::Runner::check).
#[doc(hidden)]
#[derive(Clone)]
pub enum Body {
    /// A plain `fn`: run on a worker thread.
    Sync(fn(&mut Context) -> BodyResult),
    /// An `async fn`: driven on a worker thread.
    Async(for<'a> fn(&'a mut Context) -> BoxFuture<'a, BodyResult>),
    /// `fn name()`, called as it is.
    PlainSync(fn()),
    /// `async fn name()`, called through [`PlainAsync`].
    PlainAsync(&'static dyn PlainAsync),
    /// A synchronous closure given to [`Runner::check`](crate::Runner::check).
    CheckSync(Arc<dyn Fn() -> BodyResult + Send + Sync>),
    /// An async closure given to [`Runner::check`](crate::Runner::check).
    CheckAsync(Arc<dyn Fn() -> BoxFuture<'static, BodyResult> + Send + Sync>),
}

impl Body {
    /// Called directly (rather than driven as a future).
    pub(crate) fn is_sync(&self) -> bool {
        matches!(
            self,
            Body::Sync(_) | Body::PlainSync(_) | Body::CheckSync(_)
        )
    }

    /// Calls a synchronous body.
    ///
    /// # Panics
    ///
    /// On an async body (callers check [`is_sync`](Body::is_sync) first).
    pub(crate) fn call_sync(&self, context: &mut Context) -> BodyResult {
        match self {
            Body::Sync(body) => body(context),
            Body::PlainSync(function) => {
                function();
                Ok(())
            }
            Body::CheckSync(check) => check(),
            Body::Async(_) | Body::PlainAsync(_) | Body::CheckAsync(_) => {
                unreachable!("an async body called as sync")
            }
        }
    }

    /// Starts an async body.
    ///
    /// # Panics
    ///
    /// On a synchronous body (callers check [`is_sync`](Body::is_sync) first).
    pub(crate) fn call_async<'a>(&self, context: &'a mut Context) -> BoxFuture<'a, BodyResult> {
        match self {
            Body::Async(body) => body(context),
            Body::PlainAsync(function) => {
                let future = function.call();
                Box::pin(async move {
                    future.await;
                    Ok(())
                })
            }
            Body::CheckAsync(check) => check(),
            Body::Sync(_) | Body::PlainSync(_) | Body::CheckSync(_) => {
                unreachable!("a sync body called as async")
            }
        }
    }
}

/// An `async fn()` returning `()`, as [`Body::PlainAsync`] holds it: `&name` coerces to
/// `&dyn PlainAsync`, so the generic code is written once here instead of once per test.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a smoke test: its future must be `Send` and `'static`",
    label = "the future this `async fn` returns is not `Send`"
)]
pub trait PlainAsync: Sync {
    /// Calls the function.
    fn call(&self) -> BoxFuture<'static, ()>;
}

impl<F, Fut> PlainAsync for F
where
    F: Fn() -> Fut + Sync,
    Fut: Future<Output = ()> + Send + 'static,
{
    fn call(&self) -> BoxFuture<'static, ()> {
        Box::pin(self())
    }
}

/// One parameter of a test, as the macro saw it.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Param {
    /// `type_name` of the referenced type.
    pub type_name: fn() -> &'static str,
    /// `TypeId` of the referenced type.
    pub type_id: fn() -> TypeId,
    /// `&mut T` (a rolled-back handle) rather than `&T` (state or suite).
    pub exclusive: bool,
    /// `Some` when `T` is a suite.
    pub suite: Option<SuiteVTable>,
}

impl Param {
    /// A `&T` parameter; `suite` comes from the [`probe`](crate::suite::probe).
    pub fn shared<T: Any>(suite: Option<SuiteVTable>) -> Self {
        Param {
            type_name: type_name::<T>,
            type_id: TypeId::of::<T>,
            exclusive: false,
            suite,
        }
    }

    /// A `&mut T` parameter; `suite` comes from the probe too, to report a suite taken by `&mut`.
    pub fn exclusive<T: Any>(suite: Option<SuiteVTable>) -> Self {
        Param {
            type_name: type_name::<T>,
            type_id: TypeId::of::<T>,
            exclusive: true,
            suite,
        }
    }
}

/// The static record `#[smoke_test]` emits for one test function; [`Runner::check`] makes one
/// at run time.
///
/// [`Runner::check`]: crate::Runner::check
#[doc(hidden)]
#[derive(Clone)]
pub struct SmokeTest {
    /// `module_path!()` where the function is defined.
    pub module_path: &'static str,
    /// The function's name.
    pub function: &'static str,
    /// `file!()` of the function.
    pub file: &'static str,
    /// `line!()` of the function.
    pub line: u32,
    /// Marked `slow`: only in the slow tier.
    pub slow: bool,
    /// Marked `rolled_back`.
    pub rolled_back: bool,
    /// Its own timeout, overriding the runner's default.
    pub timeout: Option<Duration>,
    /// `tags = [...]`: the names `--tag`, `SMOKETEST_TAGS` and `?tag=` select it by.
    pub tags: &'static [&'static str],
    /// `warn_only`: its failures and errors make the run warn, not fail.
    pub warn_only: bool,
    /// `retries = N`: how many more attempts a failed or errored attempt gets.
    pub retries: u32,
    /// `owner = "..."`: who to call when it fails.
    pub owner: Option<&'static str>,
    /// `runbook = "https://..."`: what to do when it fails.
    pub runbook: Option<&'static str>,
    /// Its parameters, in order.
    pub params: fn() -> Vec<Param>,
    /// The body.
    pub body: Body,
}

/// Every `#[smoke_test]` in the linked program. The name carries the crate's major version so two
/// incompatible copies of smoketest in one binary keep separate registries.
///
/// `#[smoke_test]` adds its records through the `SMOKE_TESTS_V0!` macro that this declaration
/// generates (what linkme's own element attribute expands to), not through that attribute, which
/// costs most of a test's compile time (see `smoketest-macros`' `expand.rs`).
#[doc(hidden)]
#[distributed_slice]
pub static SMOKE_TESTS_V0: [SmokeTest];

/// A registered test, resolved: its full name, suite, and anything wrong with its declaration.
#[derive(Clone)]
pub(crate) struct TestCase {
    pub(crate) name: &'static str,
    /// The suite's name: the suite type's path, or the module path of a free test.
    pub(crate) suite_name: &'static str,
    pub(crate) suite: Option<SuiteVTable>,
    /// Borrowed from the link-time registry, or owned for a [`Runner::check`](crate::Runner::check).
    pub(crate) test: Cow<'static, SmokeTest>,
    /// The `&mut` parameter: the handle a rolled-back test writes through.
    pub(crate) handle: Option<Param>,
    /// A problem found while collecting it (duplicate name, a `&mut` suite, two suites): the test
    /// is reported as errored with this message instead of being run.
    pub(crate) collection_error: Option<String>,
}

impl TestCase {
    pub(crate) fn location(&self) -> String {
        crate::outcome::format_location(self.test.file, self.test.line)
    }
}

/// Resolves one registered test. `None` suite means a free test whose suite is its module.
pub(crate) fn resolve(test: Cow<'static, SmokeTest>) -> TestCase {
    let params = (test.params)();
    let mut suites = params
        .iter()
        .filter_map(|param| param.suite.map(|suite| (param, suite)));
    let first = suites.next();
    let second = suites.next();
    let mut collection_error = None;
    let (suite_name, suite) = match first {
        Some((param, suite)) => {
            if param.exclusive {
                collection_error = Some(format!(
                    "takes `&mut {}`, but suites are shared by their tests: take `&{}`",
                    (param.type_name)(),
                    (param.type_name)()
                ));
            }
            (Some((suite.name)()), Some(suite))
        }
        None => (None, None),
    };
    if let Some((_, other)) = second {
        collection_error = Some(format!(
            "takes two suites, `{}` and `{}`; a test belongs to one suite",
            suite_name.unwrap_or_default(),
            (other.name)()
        ));
    }
    let suite_name = suite_name.unwrap_or(test.module_path);
    let handle = params.iter().find(|param| param.exclusive).copied();
    TestCase {
        name: crate::intern::string(&format!("{suite_name}::{}", test.function)),
        suite_name,
        suite,
        test,
        handle,
        collection_error,
    }
}

/// Resolves and sorts tests by name; duplicate names are marked, not dropped.
pub(crate) fn collect(tests: impl IntoIterator<Item = &'static SmokeTest>) -> Vec<TestCase> {
    let cases: Vec<TestCase> = tests
        .into_iter()
        .map(|test| resolve(Cow::Borrowed(test)))
        .collect();
    sorted(cases)
}

/// The tests of a runner and of a run: sorted by name, shared until a runner adds to them.
pub(crate) type Tests = Arc<Vec<TestCase>>;

/// Adds `case` in its place by name, and marks the copies of its name if it is taken: one
/// insertion, so adding checks one by one from a long list stays linear in the copying.
pub(crate) fn add(tests: &mut Tests, case: TestCase) {
    let tests = Arc::make_mut(tests);
    let name = case.name;
    let first = tests.partition_point(|other| other.name < name);
    let same = tests[first..].partition_point(|other| other.name == name);
    tests.insert(first + same, case);
    if same > 0 {
        mark_duplicates(&mut tests[first..=first + same]);
    }
}

const DUPLICATE: &str = "duplicate smoke test name: also defined at ";

/// Sorts tests by name and marks each copy of a name given more than once.
fn sorted(mut cases: Vec<TestCase>) -> Vec<TestCase> {
    cases.sort_by(|a, b| {
        a.name
            .cmp(b.name)
            .then_with(|| a.location().cmp(&b.location()))
    });
    let mut start = 0;
    while start < cases.len() {
        let name = cases[start].name;
        let same = cases[start..].partition_point(|case| case.name == name);
        if same > 1 {
            mark_duplicates(&mut cases[start..start + same]);
        }
        start += same;
    }
    cases
}

/// Marks each of `copies`, tests of one name, with where the others are defined.
fn mark_duplicates(copies: &mut [TestCase]) {
    let locations: Vec<String> = copies.iter().map(TestCase::location).collect();
    for (at, case) in copies.iter_mut().enumerate() {
        // The others may share this copy's line (a check added in a loop).
        let others: Vec<&str> = (locations.iter().enumerate())
            .filter(|(other, _)| *other != at)
            .map(|(_, location)| location.as_str())
            .collect();
        case.collection_error = Some(format!("{DUPLICATE}{}", others.join(", ")));
    }
}

/// The linked tests, resolved once per process.
pub(crate) fn linked() -> Tests {
    static LINKED: OnceLock<Tests> = OnceLock::new();
    LINKED
        .get_or_init(|| Arc::new(collect(SMOKE_TESTS_V0.iter())))
        .clone()
}

#[cfg(test)]
// The probe needs its exact number of `&`s: method resolution picks the impl by them.
#[allow(clippy::needless_borrow)]
mod tests {
    use super::*;
    use crate::suite::probe::{Probe, ViaState as _, ViaSuite as _};
    use crate::{Result, State, Suite};

    struct Db;
    impl Suite for Db {
        fn set_up_suite(_: &State) -> Result<Self> {
            Ok(Db)
        }
    }
    struct Cache;
    impl Suite for Cache {
        fn set_up_suite(_: &State) -> Result<Self> {
            Ok(Cache)
        }
    }

    fn body(_: &mut Context) -> BodyResult {
        Ok(())
    }

    fn no_params() -> Vec<Param> {
        Vec::new()
    }
    fn db_param() -> Vec<Param> {
        vec![
            Param::shared::<u32>((&&&Probe::<u32>::new()).suite_vtable()),
            Param::shared::<Db>((&&&Probe::<Db>::new()).suite_vtable()),
        ]
    }
    fn mut_db_param() -> Vec<Param> {
        let mut param = Param::shared::<Db>((&&&Probe::<Db>::new()).suite_vtable());
        param.exclusive = true;
        vec![param]
    }
    fn two_suites() -> Vec<Param> {
        vec![
            Param::shared::<Db>((&&&Probe::<Db>::new()).suite_vtable()),
            Param::shared::<Cache>((&&&Probe::<Cache>::new()).suite_vtable()),
        ]
    }

    const fn entry(function: &'static str, line: u32, params: fn() -> Vec<Param>) -> SmokeTest {
        SmokeTest {
            module_path: "app::smoke",
            function,
            file: "src/smoke.rs",
            line,
            slow: false,
            rolled_back: false,
            timeout: None,
            tags: &[],
            warn_only: false,
            retries: 0,
            owner: None,
            runbook: None,
            params,
            body: Body::Sync(body),
        }
    }

    static FREE: SmokeTest = entry("free", 1, no_params);
    static DUPLICATE_A: SmokeTest = entry("twice", 10, no_params);
    static DUPLICATE_B: SmokeTest = entry("twice", 20, no_params);
    static IN_SUITE: SmokeTest = entry("in_suite", 30, db_param);
    static MUT_SUITE: SmokeTest = entry("mut_suite", 40, mut_db_param);
    static TWO_SUITES: SmokeTest = entry("two_suites", 50, two_suites);

    #[test]
    fn names_are_module_or_suite_paths_and_sorted() {
        let cases = collect([&IN_SUITE, &FREE]);
        let names: Vec<&str> = cases.iter().map(|case| case.name).collect();
        let suite = std::any::type_name::<Db>();
        assert_eq!(
            names,
            ["app::smoke::free".to_owned(), format!("{suite}::in_suite")]
        );
        assert_eq!(cases[0].suite_name, "app::smoke");
        assert_eq!(cases[1].suite_name, suite);
        assert!(cases.iter().all(|case| case.collection_error.is_none()));
    }

    #[test]
    fn duplicate_names_are_reported_on_each_copy_not_a_panic() {
        let cases = collect([&DUPLICATE_B, &FREE, &DUPLICATE_A]);
        let errors: Vec<Option<&str>> = cases
            .iter()
            .map(|case| case.collection_error.as_deref())
            .collect();
        assert_eq!(
            errors,
            [
                None,
                Some("duplicate smoke test name: also defined at src/smoke.rs:20"),
                Some("duplicate smoke test name: also defined at src/smoke.rs:10"),
            ]
        );
    }

    #[test]
    fn an_added_test_takes_its_place_by_name_and_a_taken_name_marks_every_copy() {
        let mut tests: Tests = Arc::new(collect([&FREE, &DUPLICATE_A]));
        let shared = tests.clone();
        add(&mut tests, resolve(Cow::Borrowed(&IN_SUITE)));
        add(&mut tests, resolve(Cow::Borrowed(&DUPLICATE_B)));
        let names: Vec<&str> = tests.iter().map(|case| case.name).collect();
        let suite = std::any::type_name::<Db>();
        assert_eq!(
            names,
            [
                "app::smoke::free".to_owned(),
                "app::smoke::twice".to_owned(),
                "app::smoke::twice".to_owned(),
                format!("{suite}::in_suite"),
            ]
        );
        let errors: Vec<Option<&str>> = (tests.iter())
            .map(|case| case.collection_error.as_deref())
            .collect();
        assert_eq!(
            errors,
            [
                None,
                Some("duplicate smoke test name: also defined at src/smoke.rs:20"),
                Some("duplicate smoke test name: also defined at src/smoke.rs:10"),
                None,
            ]
        );
        // Another runner's tests are left as they were.
        assert_eq!(shared.len(), 2);
        assert!(shared.iter().all(|case| case.collection_error.is_none()));
    }

    #[test]
    fn a_mut_suite_or_two_suites_is_a_collection_error() {
        let cases = collect([&MUT_SUITE, &TWO_SUITES]);
        let db = std::any::type_name::<Db>();
        let cache = std::any::type_name::<Cache>();
        assert_eq!(
            cases
                .iter()
                .map(|case| case.collection_error.clone().unwrap())
                .collect::<Vec<_>>(),
            [
                format!("takes `&mut {db}`, but suites are shared by their tests: take `&{db}`"),
                format!("takes two suites, `{db}` and `{cache}`; a test belongs to one suite"),
            ]
        );
    }
}
