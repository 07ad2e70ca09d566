//! The `#[smoke_test]` attribute of [`smoketest`](https://docs.rs/smoketest).
//!
//! Use it through `smoketest::smoke_test`: the code it generates names the runtime by absolute
//! path (`::smoketest::__private`, or the path given with `crate = path`), so a crate that uses
//! it depends on `smoketest` only.
//!
//! The crate is laid out like the expansion: `args` parses the attribute's arguments (one
//! module per argument that takes a value), `signature` checks the function, `expand` generates
//! the registration.

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
/// - `tags = ["ready", "db"]`: names that select the test: `--tag NAME` on the command line
///   (repeatable; a test is selected when it has any of the names), `SMOKETEST_TAGS=ready,db` in
///   the environment, `?tag=NAME` over HTTP, and the probe groups of `smoketest-http` (a
///   readiness probe serving the tests tagged `ready`). A tag is made of ASCII letters, digits,
///   `-`, `_` and `.`, starts with a letter or digit, and is compared case-sensitively.
/// - `warn_only`: for a non-critical check. Its failure or error makes the run *warn* instead of
///   fail: the status stays `PASS` (HTTP 200); the text report keeps its seven summary lines,
///   then says `tests warned: N` and lists `{name} warned: {message}` after the errored tests;
///   JSON adds `tests_warned` and `warned_tests`; Nagios says WARNING.
/// - `retries = N`: for a check over a flaky network. A failed or errored attempt runs again, up
///   to `N` more times (at most 10) within the same run, after a fresh `set_up` and, with
///   `rolled_back`, in a fresh transaction; the test passes if an attempt passes. The report
///   shows how many attempts it took (JSON `attempts`), so flakiness stays visible.
/// - `owner = "team-payments"`: who answers for the test, on one line.
/// - `runbook = "https://..."`: the page that says what to do when the test fails: an absolute
///   `http` or `https` URL with a host and no credentials. Owner and runbook are shown in the
///   reports (JSON `owner` and `runbook`, HTML with the runbook as a link, health+json `links`,
///   JUnit properties).
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
/// Tags for probes, a non-critical check, and a flaky one, each with who to call and what to
/// read when it fails:
///
/// ```
/// use std::net::{TcpStream, ToSocketAddrs};
/// use std::time::Duration;
///
/// use smoketest::{smoke_test, Result};
///
/// /// Part of readiness: an instance that cannot reach its database should get no traffic.
/// #[smoke_test(
///     tags = ["ready", "db"],
///     owner = "team-payments",
///     runbook = "https://wiki.example.com/runbooks/payments-db"
/// )]
/// fn database_port_is_open() -> Result {
///     let address = ("db.internal", 5432).to_socket_addrs()?.next();
///     smoketest::ensure!(address.is_some(), "db.internal has no address");
///     Ok(())
/// }
///
/// /// Without recommendations the shop still sells: worth a warning, not a failed deploy.
/// #[smoke_test(warn_only, owner = "team-discovery")]
/// fn recommendations_resolve() -> Result {
///     ("recommendations.internal", 443).to_socket_addrs()?;
///     Ok(())
/// }
///
/// /// The provider's edge drops the odd connection: two more attempts before it counts.
/// #[smoke_test(retries = 2, timeout = "5s", runbook = "https://wiki.example.com/runbooks/psp")]
/// fn payment_provider_accepts_connections() -> Result {
///     let address = ("psp.example.com", 443).to_socket_addrs()?.next();
///     let address = address.ok_or_else(|| smoketest::Error::msg("psp.example.com has no address"))?;
///     TcpStream::connect_timeout(&address, Duration::from_secs(2))?;
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
/// Anything else — an unknown or repeated argument, a malformed timeout, a tag with other
/// characters or listed twice, more than 10 retries, a runbook that is not an absolute http(s)
/// URL, generics, a `self` receiver, a by-value parameter, another return type — is a compile
/// error pointing at the offending token and saying what to write instead.
#[proc_macro_attribute]
pub fn smoke_test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::smoke_test(args.into(), item.into()).into()
}
