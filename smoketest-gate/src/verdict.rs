//! What each instance's final answer means, and the exit status of the whole gate.

use crate::answer::{Answer, Status};

/// An instance's status in the table and the JUnit file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It answered PASS.
    Pass,
    /// Its last report said FAIL.
    Fail,
    /// No report could be had: not reachable, no answer in time, or an answer that is not a
    /// smoketest report (a 401, a 404, a page of HTML, too large).
    Unreachable,
}

impl Verdict {
    pub(crate) fn of(answer: Option<&Answer>) -> Verdict {
        match answer {
            Some(Answer::Report(report)) if report.status == Status::Pass => Verdict::Pass,
            Some(Answer::Report(_)) => Verdict::Fail,
            Some(Answer::NoReport(_)) | None => Verdict::Unreachable,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Unreachable => "UNREACHABLE",
        }
    }
}

/// 0 when every instance passed; 1 when one failed, even if others were unreachable, because
/// a FAIL is a verdict on the rollout and an unreachable instance only the lack of one (a
/// pipeline rolling back on 1 must roll back); else 2, for an instance without a report.
pub(crate) fn exit_status(verdicts: impl IntoIterator<Item = Verdict>) -> u8 {
    let mut status = 0;
    for verdict in verdicts {
        match verdict {
            Verdict::Pass => {}
            Verdict::Fail => return 1,
            Verdict::Unreachable => status = 2,
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::*;

    #[test]
    fn a_failure_outranks_an_unreachable_instance() {
        assert_eq!(exit_status([Pass, Pass]), 0);
        assert_eq!(exit_status([Pass, Fail]), 1);
        assert_eq!(exit_status([Unreachable, Pass]), 2);
        assert_eq!(exit_status([Unreachable, Fail, Unreachable]), 1);
        assert_eq!(exit_status([]), 0);
    }
}
