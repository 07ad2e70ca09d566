//! The runner's default limits: what a run may cost in time and threads unless told otherwise.

use std::time::Duration;

/// Default time limit of one test, unless the runner or the test sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default number of tests running at once. Smoke tests mostly wait on I/O, so running them
/// together makes a run cost about what its slowest test costs.
pub const DEFAULT_CONCURRENCY: usize = 64;

/// Default stack size of the threads tests run on: a main thread's on Linux, so that a test
/// that works in `main` does not overflow a smaller worker stack.
pub const DEFAULT_STACK_SIZE: usize = 8 * 1024 * 1024;

/// Default bound on one test's message in a report, in bytes: a failure that quotes a whole
/// response body is cut here, with a marker saying how much was cut.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4096;

/// Default bound on the threads the process's runs hold at once: workers running tests, and
/// workers stuck in timed-out tests that never returned (a blocking call on a dead connection).
pub const DEFAULT_MAX_THREADS: usize = 64;

/// Bound on one test's backtrace in a report, in bytes (a backtrace is only there when
/// `RUST_BACKTRACE` asks for one): deep enough for the frames that matter, cut like a message.
pub(crate) const MAX_BACKTRACE_BYTES: usize = 16 * 1024;
