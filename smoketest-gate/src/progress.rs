//! The progress line on stderr while the gate waits: `waiting: 2 of 3 instances pass, 41s left`.
//!
//! On a terminal the line is rewritten in place. Anywhere else (a CI log) each line is kept, so
//! one is written only when it says something new: once every instance has answered (or after
//! [`FIRST_LINE_AFTER`], whichever is first), then when the number passing changes, and at
//! least every [`HEARTBEAT`], so a log that has been quiet for long still shows the gate alive.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::answer::Answer;

const FIRST_LINE_AFTER: Duration = Duration::from_secs(5);
const HEARTBEAT: Duration = Duration::from_secs(30);

pub(crate) struct Progress<W> {
    out: W,
    terminal: bool,
    started: Instant,
    deadline: Instant,
    /// The number passing and when, of the last line written.
    last: Option<(usize, Instant)>,
    /// What the terminal shows, to leave it alone when nothing changed.
    shown: String,
}

impl<W: Write> Progress<W> {
    pub(crate) fn new(out: W, terminal: bool, deadline: Instant) -> Self {
        Progress {
            out,
            terminal,
            started: Instant::now(),
            deadline,
            last: None,
            shown: String::new(),
        }
    }

    /// Shows where the polling stands, if the gate is waiting for an instance.
    pub(crate) fn update(&mut self, answers: &[Option<Answer>]) {
        let passing = answers.iter().flatten().filter(|a| a.passed()).count();
        let waiting = answers
            .iter()
            .any(|a| !a.as_ref().is_some_and(Answer::passed));
        let everyone_answered = answers.iter().all(Option::is_some);
        let now = Instant::now();
        if !waiting || !(everyone_answered || now - self.started >= FIRST_LINE_AFTER) {
            return;
        }
        let line = line(
            passing,
            answers.len(),
            self.deadline.saturating_duration_since(now),
        );
        // Writes to stderr fail only when it is closed, which is no reason to stop the gate.
        if self.terminal {
            if line != self.shown {
                let _ = write!(self.out, "\r\x1b[2K{line}");
                let _ = self.out.flush();
                self.shown = line;
            }
            return;
        }
        let due = match self.last {
            None => true,
            Some((before, at)) => before != passing || now - at >= HEARTBEAT,
        };
        if due {
            let _ = writeln!(self.out, "{line}");
            self.last = Some((passing, now));
        }
    }

    /// Clears the line on a terminal, before the table is printed.
    pub(crate) fn finish(&mut self) {
        if self.terminal && !self.shown.is_empty() {
            let _ = write!(self.out, "\r\x1b[2K");
            let _ = self.out.flush();
        }
    }
}

/// `waiting: 2 of 3 instances pass, 41s left`, the time in whole seconds, rounded up.
fn line(passing: usize, total: usize, left: Duration) -> String {
    let mut seconds = left.as_secs();
    if left.subsec_nanos() > 0 {
        seconds += 1;
    }
    let left = humantime::format_duration(Duration::from_secs(seconds));
    let instances = if total == 1 {
        "instance passes"
    } else {
        "instances pass"
    };
    format!("waiting: {passing} of {total} {instances}, {left} left")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_and_rounds_the_time_up() {
        assert_eq!(
            line(2, 3, Duration::from_millis(40_001)),
            "waiting: 2 of 3 instances pass, 41s left"
        );
        assert_eq!(
            line(0, 1, Duration::from_secs(281)),
            "waiting: 0 of 1 instance passes, 4m 41s left"
        );
        assert_eq!(
            line(0, 2, Duration::ZERO),
            "waiting: 0 of 2 instances pass, 0s left"
        );
    }
}
