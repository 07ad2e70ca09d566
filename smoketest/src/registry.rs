//! The link-time registry: every `#[smoke_test]` of every linked crate, collected by `linkme`.

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
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
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum Body {
    /// A plain `fn`: run on a worker thread.
    Sync(fn(&mut Context) -> BodyResult),
    /// An `async fn`: polled on the runner's executor.
    Async(for<'a> fn(&'a mut Context) -> BoxFuture<'a, BodyResult>),
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

    /// A `&mut T` parameter.
    pub fn exclusive<T: Any>() -> Self {
        Param {
            type_name: type_name::<T>,
            type_id: TypeId::of::<T>,
            exclusive: true,
            suite: None,
        }
    }
}

/// The static record `#[smoke_test]` emits for one test function.
#[doc(hidden)]
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
    /// Its parameters, in order.
    pub params: fn() -> Vec<Param>,
    /// The body.
    pub body: Body,
}

/// Every `#[smoke_test]` in the linked program. The name carries the crate's major version so two
/// incompatible copies of smoketest in one binary keep separate registries.
#[doc(hidden)]
#[distributed_slice]
pub static SMOKE_TESTS_V0: [SmokeTest];

/// A registered test, resolved: its full name, suite, and anything wrong with its declaration.
#[derive(Clone)]
pub(crate) struct TestCase {
    pub(crate) name: String,
    /// The suite's name: the suite type's path, or the module path of a free test.
    pub(crate) suite_name: String,
    pub(crate) suite: Option<SuiteVTable>,
    pub(crate) test: &'static SmokeTest,
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
fn resolve(test: &'static SmokeTest) -> TestCase {
    let params = (test.params)();
    let mut suites = params.iter().filter_map(|param| param.suite.map(|suite| (param, suite)));
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
            (Some((suite.name)().to_owned()), Some(suite))
        }
        None => (None, None),
    };
    if let Some((_, other)) = second {
        collection_error = Some(format!(
            "takes two suites, `{}` and `{}`; a test belongs to one suite",
            suite_name.as_deref().unwrap_or_default(),
            (other.name)()
        ));
    }
    let suite_name = suite_name.unwrap_or_else(|| test.module_path.to_owned());
    TestCase {
        name: format!("{suite_name}::{}", test.function),
        suite_name,
        suite,
        test,
        collection_error,
    }
}

/// Resolves and sorts tests by name; duplicate names are marked, not dropped.
pub(crate) fn collect(tests: impl IntoIterator<Item = &'static SmokeTest>) -> Vec<TestCase> {
    let mut cases: Vec<TestCase> = tests.into_iter().map(resolve).collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.location().cmp(&b.location())));
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for case in &cases {
        by_name.entry(case.name.clone()).or_default().push(case.location());
    }
    for case in &mut cases {
        let locations = &by_name[&case.name];
        if locations.len() > 1 {
            let own = case.location();
            let others: Vec<&str> = locations.iter().filter(|l| **l != own).map(String::as_str).collect();
            case.collection_error = Some(format!(
                "duplicate smoke test name: also defined at {}",
                others.join(", ")
            ));
        }
    }
    cases
}

/// The linked tests, resolved once per process.
pub(crate) fn linked() -> Arc<[TestCase]> {
    static LINKED: OnceLock<Arc<[TestCase]>> = OnceLock::new();
    LINKED.get_or_init(|| collect(SMOKE_TESTS_V0.iter()).into()).clone()
}
