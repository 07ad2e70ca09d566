//! The records `#[smoke_test]` puts in the runtime's registry, read back from it.

use std::any::TypeId;
use std::time::Duration;

use smoketest::__private::{Body, SMOKE_TESTS_V0, SmokeTest};
use smoketest::{AsyncSuite, Result, State, Suite, smoke_test};

struct Config;

struct Transaction;

struct Inventory;

impl Suite for Inventory {
    fn set_up_suite(_state: &State) -> Result<Self> {
        Ok(Inventory)
    }
}

struct Api;

impl AsyncSuite for Api {
    async fn set_up_suite(_state: &State) -> Result<Self> {
        Ok(Api)
    }
}

#[smoke_test]
// The recorded line is the function's, not the attribute's.
fn plain() {}

#[smoke_test(slow, timeout = "2s")]
async fn slow_async(_config: &Config, _api: &Api) -> Result {
    Ok(())
}

#[smoke_test(timeout = "1m 500ms", rolled_back)]
fn writes(_inventory: &Inventory, _tx: &mut Transaction) -> std::io::Result<()> {
    Ok(())
}

#[smoke_test]
fn r#type() {}

#[smoke_test(
    tags = ["ready", "payments-db"],
    warn_only,
    retries = 2,
    owner = "team-payments",
    runbook = "https://wiki.example.com/runbooks/payments#db"
)]
fn described() {}

#[smoke_test(retries = 10, tags = ["live"], runbook = "http://wiki.internal:8080/runbooks?page=db")]
async fn most_retries() {}

mod nested {
    use smoketest::smoke_test;

    #[smoke_test]
    fn first() {}

    #[smoke_test]
    async fn second() -> Result<(), String> {
        Ok(())
    }

    #[smoke_test]
    fn third() -> Result<(), String> {
        Ok(())
    }

    #[smoke_test]
    async fn fourth() {}
}

fn registered(module_path: &str, function: &str) -> &'static SmokeTest {
    let mut found = SMOKE_TESTS_V0
        .iter()
        .filter(|test| test.module_path == module_path && test.function == function);
    let test = found
        .next()
        .unwrap_or_else(|| panic!("{module_path}::{function} is not registered"));
    assert!(found.next().is_none(), "{function} registered twice");
    test
}

fn line_of(needle: &str) -> u32 {
    let source = include_str!("registration.rs");
    let index = source
        .lines()
        .position(|line| line.starts_with(needle))
        .expect("the needle is in this file");
    u32::try_from(index + 1).expect("a short file")
}

#[test]
fn a_plain_test_is_fast_free_and_synchronous() {
    let test = registered(module_path!(), "plain");
    assert_eq!(test.file, file!());
    assert_eq!(test.line, line_of("fn plain()"));
    assert!(!test.slow);
    assert!(!test.rolled_back);
    assert_eq!(test.timeout, None);
    assert!((test.params)().is_empty());
    // Registered as it is, without a wrapper.
    assert!(matches!(test.body, Body::PlainSync(_)));
}

#[test]
fn arguments_are_recorded() {
    let test = registered(module_path!(), "slow_async");
    assert_eq!(test.line, line_of("async fn slow_async("));
    assert!(test.slow);
    assert!(!test.rolled_back);
    assert_eq!(test.timeout, Some(Duration::from_secs(2)));
    assert!(matches!(test.body, Body::Async(_)));

    let test = registered(module_path!(), "writes");
    assert!(!test.slow);
    assert!(test.rolled_back);
    assert_eq!(test.timeout, Some(Duration::from_millis(60_500)));
}

#[test]
fn metadata_is_recorded_as_written() {
    let test = registered(module_path!(), "described");
    assert_eq!(test.tags, ["ready", "payments-db"]);
    assert!(test.warn_only);
    assert_eq!(test.retries, 2);
    assert_eq!(test.owner, Some("team-payments"));
    assert_eq!(
        test.runbook,
        Some("https://wiki.example.com/runbooks/payments#db")
    );

    let test = registered(module_path!(), "plain");
    assert!(test.tags.is_empty());
    assert!(!test.warn_only);
    assert_eq!(test.retries, 0);
    assert_eq!((test.owner, test.runbook), (None, None));
}

#[test]
fn each_metadata_argument_is_recorded_on_its_own() {
    let test = registered(module_path!(), "most_retries");
    assert_eq!(test.tags, ["live"]);
    assert_eq!(test.retries, 10);
    assert_eq!(
        test.runbook,
        Some("http://wiki.internal:8080/runbooks?page=db")
    );
    assert_eq!(test.owner, None);
    assert!(!test.warn_only);
    assert!(matches!(test.body, Body::PlainAsync(_)));
}

#[test]
fn parameters_tell_state_suites_and_the_transaction_apart() {
    let params = (registered(module_path!(), "slow_async").params)();
    assert_eq!(params.len(), 2);
    assert_eq!((params[0].type_id)(), TypeId::of::<Config>());
    assert!(!params[0].exclusive);
    assert!(params[0].suite.is_none(), "Config is state");
    assert_eq!((params[1].type_id)(), TypeId::of::<Api>());
    assert_eq!(
        params[1].suite.map(|suite| (suite.type_id)()),
        Some(TypeId::of::<Api>())
    );

    let params = (registered(module_path!(), "writes").params)();
    assert_eq!(params.len(), 2);
    assert_eq!(
        params[0].suite.map(|suite| (suite.name)()),
        Some(std::any::type_name::<Inventory>())
    );
    assert_eq!((params[1].type_id)(), TypeId::of::<Transaction>());
    assert!(params[1].exclusive);
    assert!(params[1].suite.is_none());
}

#[test]
fn a_raw_identifier_is_named_without_its_prefix() {
    registered(module_path!(), "type");
}

#[test]
fn tests_in_a_module_carry_its_path() {
    let nested = concat!(module_path!(), "::nested");
    assert!(matches!(
        registered(nested, "first").body,
        Body::PlainSync(_)
    ));
    assert!(matches!(registered(nested, "second").body, Body::Async(_)));
    assert!(matches!(registered(nested, "third").body, Body::Sync(_)));
    assert!(matches!(
        registered(nested, "fourth").body,
        Body::PlainAsync(_)
    ));
}
