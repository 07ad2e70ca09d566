//! What the HTTP examples (`example-axum`, `example-actix-web`, `example-warp`) share besides
//! their framework, so that each example's `main.rs` shows only what differs: mounting the smoke
//! tests next to an ordinary route, and serving until a signal.
//!
//! - [`run`]: the whole command line, `PROGRAM [--addr HOST:PORT]`, with its exit codes;
//! - [`Demo::open`]: the demo bookshop's store and the runner of its smoke tests;
//! - [`endpoint`]: the endpoint they mount at `/smoketest`, with the `live` and `ready` probe
//!   groups Kubernetes polls;
//! - [`announce`]: the `listening on http://ADDR` line the tests and scripts wait for;
//! - [`shutdown_signal`]: SIGTERM or Ctrl-C, installed before the address is announced;
//! - `testing` (feature `testing`): starts an example's binary from its tests and talks to it,
//!   and `shared_binary_tests!` declares the tests of the command line and the signals.
//!
//! ```no_run
//! use std::process::ExitCode;
//!
//! fn main() -> ExitCode {
//!     example_common::run("example-minimal", |addr| {
//!         let runtime = tokio::runtime::Runtime::new().map_err(|error| error.to_string())?;
//!         runtime.block_on(async {
//!             let shutdown = example_common::shutdown_signal()?;
//!             let demo = example_common::Demo::open().await?;
//!             // ... bind `addr` with the framework, mount `endpoint(demo.runner)`, then:
//!             example_common::announce(addr)?;
//!             // ... serve until `shutdown` resolves.
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
#[cfg(feature = "testing")]
pub mod testing;

pub use cli::{Command, DEFAULT_ADDR, run, usage};
pub use demo::Demo;
pub use lifecycle::{announce, shutdown_signal};
pub use probes::{READY_GRACE, endpoint};
