//! What the HTTP examples (`example-axum`, `example-actix-web`, `example-warp`) share besides
//! their framework, so that each example's `main.rs` shows only what differs: mounting the smoke
//! tests next to an ordinary route, and serving until a signal.
//!
//! - [`run`]: the whole command line, `PROGRAM [--addr HOST:PORT] [--header-timeout DURATION]`,
//!   with its exit codes, and [`HEADER_READ_TIMEOUT`], the same in every example;
//! - [`Demo::open`]: the demo bookshop's store and the runner of its smoke tests;
//! - [`endpoint`]: the endpoint they mount at `/smoketest`, with the `live` and `ready` probe
//!   groups Kubernetes polls, and the token from `SMOKETEST_TOKEN` when it is set;
//! - [`announce`]: the `listening on http://ADDR` line the tests and scripts wait for;
//! - [`shutdown_signal`]: SIGTERM or Ctrl-C, installed before the address is announced;
//! - `serve` (feature `hyper`): the HTTP/1 server of the axum and warp examples, which has the
//!   header-read timeout their frameworks' own `serve` cannot be given;
//! - `testing` (feature `testing`): starts an example's binary from its tests and talks to it,
//!   and `shared_binary_tests!` declares the tests of the command line and the signals.
//!
//! ```no_run
//! use std::process::ExitCode;
//!
//! fn main() -> ExitCode {
//!     example_common::run("example-minimal", |options| {
//!         let runtime = tokio::runtime::Runtime::new().map_err(|error| error.to_string())?;
//!         runtime.block_on(async {
//!             let shutdown = example_common::shutdown_signal()?;
//!             let demo = example_common::Demo::open().await?;
//!             // ... bind `options.addr` with the framework, mount `endpoint(demo.runner)`, then:
//!             example_common::announce(options.addr)?;
//!             // ... serve, with `options.header_timeout`, until `shutdown` resolves.
//! #           let _ = (shutdown, demo);
//!             Ok(())
//!         })
//!     })
//! }
//! ```

mod cli;
mod demo;
mod lifecycle;
mod probes;
#[cfg(feature = "hyper")]
mod server;
#[cfg(feature = "testing")]
pub mod testing;

pub use cli::{Command, DEFAULT_ADDR, HEADER_READ_TIMEOUT, Options, run, usage};
pub use demo::Demo;
pub use lifecycle::{announce, shutdown_signal};
pub use probes::{READY_GRACE, TOKEN_VAR, endpoint};
#[cfg(feature = "hyper")]
pub use server::serve;
