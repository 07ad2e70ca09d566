//! What happened to one test: passed, failed or errored, and why.

use std::fmt;
use std::panic::Location;

use serde::{Deserialize, Serialize};

/// The outcome of one smoke test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The body returned normally or `Ok(())`, and its `tear_down` succeeded.
    Passed,
    /// An assertion of this crate failed, or std's `assert!`/`assert_eq!`/`assert_ne!` panicked.
    Failed,
    /// The test returned `Err`, panicked otherwise, timed out, or its set-up, tear-down or state
    /// was missing.
    Errored,
    /// A `warn_only` test failed or errored: the run warns instead of failing.
    Warned,
}

impl Outcome {
    /// The word the text report uses: `passed`, `failed`, `errored`, `warned`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Errored => "errored",
            Outcome::Warned => "warned",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a test did not pass: a failed assertion or an error, with where it happened.
///
/// Generated code and the runner make these; users see them as lines of the report.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// `Failed` or `Errored`, never `Passed`.
    pub outcome: Outcome,
    /// The message, possibly spanning lines (the text report escapes newlines).
    pub message: String,
    /// `file:line` where it happened, when known.
    pub location: Option<String>,
    /// A captured backtrace, when `RUST_BACKTRACE` asked for one.
    pub backtrace: Option<String>,
}

impl Failure {
    /// A failed assertion.
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            outcome: Outcome::Failed,
            message: message.into(),
            location: None,
            backtrace: None,
        }
    }

    /// An error.
    pub fn errored(message: impl Into<String>) -> Self {
        Failure {
            outcome: Outcome::Errored,
            message: message.into(),
            location: None,
            backtrace: None,
        }
    }

    /// Sets the location from a `std::panic::Location`.
    pub fn at(mut self, location: &Location<'_>) -> Self {
        self.location = Some(format_location(location.file(), location.line()));
        self
    }

    /// Sets the location from a file and line.
    pub fn at_file_line(mut self, file: &str, line: u32) -> Self {
        self.location = Some(format_location(file, line));
        self
    }

    /// Sets the location unless one is already known.
    pub(crate) fn or_at_file_line(self, file: &str, line: u32) -> Self {
        if self.location.is_some() {
            self
        } else {
            self.at_file_line(file, line)
        }
    }

    /// Prefixes the message, e.g. `set_up failed: `.
    pub(crate) fn prefixed(mut self, prefix: &str) -> Self {
        self.message = format!("{prefix}{}", self.message);
        self
    }
}

/// The `file:line` form used in messages and the JSON `location` key.
pub(crate) fn format_location(file: &str, line: u32) -> String {
    format!("{file}:{line}")
}

impl From<crate::Error> for Failure {
    fn from(error: crate::Error) -> Self {
        Failure::errored(error.message()).at(error.location())
    }
}
