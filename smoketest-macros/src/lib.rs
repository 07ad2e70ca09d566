//! The `#[smoke_test]` attribute of [`smoketest`](https://docs.rs/smoketest).
//!
//! Use it through `smoketest::smoke_test`: the code it generates names the runtime by absolute
//! path (`::smoketest::__private`, or the path given with `crate = path`), so a crate that uses
//! it depends on `smoketest` only.
//!
//! The crate is laid out like the expansion: `args` parses the attribute's arguments,
//! `signature` checks the function, `expand` generates the registration.

mod args;
mod errors;
mod expand;
mod signature;

use proc_macro::TokenStream;

/// Marks a function as a smoke test, collected at link time by the `smoketest` runner.
///
/// Put it on a free `fn` or `async fn`. Arguments, in any order and combination:
///
/// - `slow`: the test runs only in the slow tier (`--slow`, or `{prefix}/slow/` over HTTP).
/// - `rolled_back`: the test writes through a transaction that the runner rolls back afterwards;
///   the transaction is its one `&mut` parameter.
/// - `timeout = "2s"`: its own timeout, a human duration such as `"500ms"`, `"2s"` or `"1m"`,
///   instead of the runner's default.
/// - `crate = path`: where the generated code finds smoketest, for a crate that depends on it
///   under another name (`st = { package = "smoketest", ... }` in Cargo.toml: `crate = st`) or
///   reaches it through a re-export (`crate = my_kit::smoketest`). A path without generic
///   arguments, bare or in a string (`crate = "my_kit::smoketest"`); by default `::smoketest`.
///
/// Parameters are borrowed from the runner: `&T` is a suite (a type implementing `Suite` or
/// `AsyncSuite`) or a value registered with `Runner::with_state`; `&mut T` is the transaction of
/// a `rolled_back` test. The test returns `()` or `Result<(), E>` where `E: Display` (such as
/// `smoketest::Result`, `anyhow::Result<()>` or `Result<(), Box<dyn Error>>`); an `Err` makes the
/// test *errored*.
///
/// ```
/// use smoketest::{smoke_test, Result};
///
/// struct Config {
///     upstream: String,
/// }
///
/// #[smoke_test]
/// fn upstream_is_https(config: &Config) {
///     assert!(config.upstream.starts_with("https://"), "{} is not https", config.upstream);
/// }
///
/// #[smoke_test(slow, timeout = "30s")]
/// async fn report_renders() -> Result {
///     let text = std::fs::read_to_string("/etc/hostname")?;
///     assert_ne!(text.trim(), "", "the host has no name");
///     Ok(())
/// }
/// ```
///
/// Through a re-export, for instance a testing kit that bundles smoketest for its users:
///
/// ```
/// mod kit {
///     pub use smoketest;
/// }
///
/// #[kit::smoketest::smoke_test(crate = kit::smoketest)]
/// fn reached_through_the_kit() {}
/// # fn main() {}
/// ```
///
/// Anything else — an unknown or repeated argument, a malformed timeout, generics, a `self`
/// receiver, a by-value parameter, another return type — is a compile error pointing at the
/// offending token.
#[proc_macro_attribute]
pub fn smoke_test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::smoke_test(args.into(), item.into()).into()
}
