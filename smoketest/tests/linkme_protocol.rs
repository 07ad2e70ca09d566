//! The contract between `#[smoke_test]` and linkme.
//!
//! The expansion registers a test by calling the hidden `macro_rules!` that linkme generates
//! beside the `#[distributed_slice]` declaration of `SMOKE_TESTS_V0`, not linkme's public element
//! attribute (see `registration` in smoketest-macros/src/expand.rs). That macro is linkme's
//! internal interface, so the workspace pins linkme exactly, and these tests fail with what to
//! re-verify when the version or the protocol changes.

use smoketest::__private::{Body, SMOKE_TESTS_V0, SmokeTest};
use smoketest::{Result, Runner, State, Status, Suite, Tier, smoke_test};

/// The linkme release whose generated `macro_rules!` the expansion was checked against.
const VERIFIED_LINKME: &str = "0.3.37";

/// How `#[smoke_test]` reaches the slice, for the failure messages.
const PROTOCOL: &str = "\
`#[smoke_test]` registers a test by calling the hidden `macro_rules!` that linkme generates beside \
the `#[distributed_slice]` declaration of `SMOKE_TESTS_V0` (in linkme-impl's src/declaration.rs), \
with `#![linkme_macro = <the slice's path>]` and one `static` item (`registration` in \
smoketest-macros/src/expand.rs). That macro is linkme's internal interface, not its API.";

/// What a maintainer does to move to another linkme release.
const TO_UPGRADE: &str = "\
To move to another linkme release: compare that macro in the new linkme-impl (its \
`#![linkme_macro = $macro:path] $item:item` arm and the `link_section` attributes it emits) with \
the verified release's; adapt `registration` if its input changed; set the exact version in the \
root Cargo.toml (`linkme = \"=X.Y.Z\"`) and VERIFIED_LINKME in smoketest/tests/linkme_protocol.rs; \
then run `cargo test -p smoketest --test linkme_protocol` and \
`cargo test -p smoketest-macros --test ui`.";

/// What to check when registered tests are missing.
fn when_lost() -> String {
    format!(
        "{PROTOCOL}\nCheck that Cargo.lock resolves linkme {VERIFIED_LINKME} (the test \
         `linkme_is_the_release_the_expansion_was_verified_against`) and that `registration` \
         still gives the macro the input its arm matches.\n{TO_UPGRADE}"
    )
}

/// One test of every shape the expansion emits a different record for.
mod registered {
    use super::*;

    pub(crate) struct Config;

    pub(crate) struct Inventory;

    impl Suite for Inventory {
        fn set_up_suite(_state: &State) -> Result<Self> {
            Ok(Inventory)
        }
    }

    #[smoke_test]
    fn plain_sync() {}

    #[smoke_test]
    async fn plain_async() {}

    #[smoke_test(slow, timeout = "5s")]
    fn returns_result() -> Result {
        Ok(())
    }

    #[smoke_test]
    async fn takes_state(_config: &Config) -> Result {
        Ok(())
    }

    #[smoke_test]
    fn in_suite(_inventory: &Inventory) {}
}

/// Registered through linkme's own element attribute, the public route into the same slice.
#[smoketest::__private::linkme::distributed_slice(SMOKE_TESTS_V0)]
#[linkme(crate = smoketest::__private::linkme)]
static THROUGH_LINKME: SmokeTest = SmokeTest {
    module_path: concat!(module_path!(), "::public_route"),
    function: "through_linkme",
    file: file!(),
    line: line!(),
    slow: false,
    rolled_back: false,
    timeout: None,
    tags: &[],
    warn_only: false,
    retries: 0,
    owner: None,
    runbook: None,
    params: Vec::new,
    body: Body::PlainSync(through_linkme),
};

fn through_linkme() {}

const REGISTERED: [&str; 5] = [
    "in_suite",
    "plain_async",
    "plain_sync",
    "returns_result",
    "takes_state",
];

/// `version` of every `[[package]]` named `name` in a Cargo.lock.
fn locked_versions<'a>(lock: &'a str, name: &str) -> Vec<&'a str> {
    let name_line = format!("name = \"{name}\"");
    lock.split("[[package]]")
        .filter(|package| package.lines().any(|line| line == name_line))
        .filter_map(|package| {
            package
                .lines()
                .find_map(|line| line.strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
        })
        .collect()
}

#[test]
fn linkme_is_the_release_the_expansion_was_verified_against() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");
    let lock = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"));
    // linkme requires its proc-macro half at the same exact version; both carry the protocol.
    for name in ["linkme", "linkme-impl"] {
        let versions = locked_versions(&lock, name);
        assert!(
            versions == [VERIFIED_LINKME],
            "Cargo.lock resolves {name} to {versions:?}, but `#[smoke_test]` is verified against \
             linkme {VERIFIED_LINKME} only, and any release may change what it relies on.\n\
             {PROTOCOL}\n{TO_UPGRADE}"
        );
    }
}

#[test]
fn every_test_the_macro_registers_is_in_the_slice() {
    let module = concat!(module_path!(), "::registered");
    let mut found: Vec<&str> = SMOKE_TESTS_V0
        .iter()
        .filter(|test| test.module_path == module)
        .map(|test| test.function)
        .collect();
    found.sort_unstable();
    assert!(
        found == REGISTERED,
        "SMOKE_TESTS_V0 holds {found:?} of the #[smoke_test] functions in {module}, expected \
         exactly {REGISTERED:?}: the records `#[smoke_test]` passes to `SMOKE_TESTS_V0!` do not \
         all reach the link section that linkme's slice reads, so tests are silently lost.\n{}",
        when_lost()
    );
}

#[test]
fn the_macro_and_linkme_s_own_attribute_fill_the_same_slice() {
    let via_attribute = SMOKE_TESTS_V0
        .iter()
        .any(|test| std::ptr::eq(test, &THROUGH_LINKME));
    let via_macro = SMOKE_TESTS_V0
        .iter()
        .any(|test| test.function == "plain_sync");
    assert!(
        via_attribute && via_macro,
        "in SMOKE_TESTS_V0: the record of linkme's #[distributed_slice] element attribute \
         {}, the record of #[smoke_test] {}; both routes must write the slice's link section.\n{}",
        if via_attribute { "found" } else { "missing" },
        if via_macro { "found" } else { "missing" },
        when_lost(),
    );
}

#[test]
fn the_runner_collects_and_runs_what_the_macro_registered() {
    let module = concat!(module_path!(), "::registered");
    let runner = Runner::new().with_state(registered::Config).apps([module]);
    let expected: Vec<String> = REGISTERED
        .iter()
        .map(|function| match *function {
            "in_suite" => format!(
                "{}::in_suite",
                std::any::type_name::<registered::Inventory>()
            ),
            _ => format!("{module}::{function}"),
        })
        .collect();
    let mut names = runner.test_names(Tier::Slow);
    names.sort_unstable();
    let mut expected_sorted: Vec<&str> = expected.iter().map(String::as_str).collect();
    expected_sorted.sort_unstable();
    assert_eq!(
        names,
        expected_sorted,
        "the runner does not list exactly the tests registered in {module}.\n{}",
        when_lost()
    );
    let report = runner.run(Tier::Slow);
    assert_eq!(report.status, Status::Pass, "{}", report.to_text());
    assert_eq!(report.tests_run, REGISTERED.len());
}
