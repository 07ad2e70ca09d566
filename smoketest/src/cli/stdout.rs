//! Keeps the CLI's stdout for the report: during a run, what tests print on stdout goes to
//! stderr, so that a test printing `SMOKETEST OK` can't pass for the Nagios status line, nor
//! break the JSON a script parses.
//!
//! On unix, file descriptor 1 is pointed at stderr for the run (so that it holds for `println!`
//! and for a child process inheriting it alike), and the report is written to a duplicate of the
//! original stdout. On other platforms nothing is redirected, and
//! what tests print comes before the report on stdout.

use std::io::{self, Write};

/// Stdout pointed at stderr until dropped; [`original`](Redirect::original) writes to the stdout
/// the process had before.
pub(crate) struct Redirect {
    /// The original stdout, while fd 1 points at stderr; `None` when it could not be redirected.
    #[cfg(unix)]
    saved: Option<std::os::fd::OwnedFd>,
}

impl Redirect {
    /// Points stdout at stderr. If that fails (no stdout or no stderr to begin with), nothing
    /// is redirected and [`original`](Redirect::original) is stdout itself.
    pub(crate) fn stdout_to_stderr() -> Redirect {
        // What was printed before the run belongs before it.
        let _ = io::stdout().flush();
        Redirect {
            #[cfg(unix)]
            saved: point_stdout_at_stderr(),
        }
    }

    /// A writer to the original stdout, unbuffered: for the report, or an isolated child's
    /// events. Fd 1 still points at stderr meanwhile, so that a thread a test left behind can't
    /// print into the report either.
    pub(crate) fn original(&self) -> Box<dyn Write + Send> {
        #[cfg(unix)]
        if let Some(Ok(fd)) = self.saved.as_ref().map(|fd| fd.try_clone()) {
            return Box::new(std::fs::File::from(fd));
        }
        Box::new(io::stdout())
    }
}

impl Drop for Redirect {
    /// Points stdout back at the original, also when a panic unwinds through the run.
    fn drop(&mut self) {
        // Output still buffered was printed during the run: it goes to stderr with the rest.
        let _ = io::stdout().flush();
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            let _ = rustix::stdio::dup2_stdout(saved);
        }
    }
}

/// Points fd 1 at stderr; a duplicate of the original, or `None` if nothing was redirected.
#[cfg(unix)]
fn point_stdout_at_stderr() -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::AsFd as _;
    // Close-on-exec, so that processes the tests start don't hold the report's stream open.
    let saved = rustix::io::fcntl_dupfd_cloexec(io::stdout().as_fd(), 0).ok()?;
    rustix::stdio::dup2_stdout(io::stderr().as_fd()).ok()?;
    Some(saved)
}
