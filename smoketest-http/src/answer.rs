//! How a finished run is answered: `starting:` while its group starts, or with the status code
//! of a PASS or a FAIL — the run's own, or its tier's or group's after their thresholds. The
//! report's body is always the run's own; this is the one place that decides the status code.

use http::StatusCode;
use smoketest::Status;
use smoketest::render::Format;

use crate::grace::Grace;

/// How a run is answered, decided once when it ends and the same for every request it serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A failing run of a group in its startup grace: the `starting:` line, 503.
    Starting,
    /// The report, with the status code of this status: the run's own unless thresholds damp it.
    As(Status),
}

impl Answer {
    /// The answer to a run no thresholds apply to (a client's narrowing with `?tag=`,
    /// `?exclude=`, or `/test/{name}`): its own status, or `starting:` when it failed while its
    /// group's `grace` is active. Such a run never ends the grace: only the whole group's does.
    pub(crate) fn own(run: Status, grace: Option<&Grace>) -> Self {
        match grace {
            Some(grace) if grace.covers(run) => Answer::Starting,
            _ => Answer::As(run),
        }
    }

    /// Whether the answer in `format` is the `starting:` line rather than the report: in every
    /// format but two that machines parse. Scrapers want their metrics (with 200) and
    /// health+json readers a document they can parse, starting or not.
    pub(crate) fn is_starting_line(self, format: Format) -> bool {
        self == Answer::Starting && !matches!(format, Format::Prometheus | Format::Health)
    }

    /// The status code of the answer in `format`, `fail_status` being the selection's failure
    /// status.
    ///
    /// Prometheus gets 200 either way: scrapers take any other status for a failed scrape and
    /// drop its samples, while a failing run is exactly what the metrics should show. Every other
    /// format follows the answer, health+json included: its `warn` is a PASS report, so it gets
    /// the 2xx its draft requires; a FAIL that thresholds damp is its `fail` document (the run's
    /// truth) answered 200, as every format answers it while the tier or group reports PASS.
    pub(crate) fn status_code(self, format: Format, fail_status: StatusCode) -> StatusCode {
        match self {
            _ if format == Format::Prometheus => StatusCode::OK,
            Answer::As(Status::Pass) => StatusCode::OK,
            Answer::As(Status::Fail) => fail_status,
            Answer::Starting if self.is_starting_line(format) => StatusCode::SERVICE_UNAVAILABLE,
            Answer::Starting => fail_status,
        }
    }

    /// The status the tier or group reported with this answer, as the history's `reported`
    /// keeps it: a `starting:` answer is a failure status.
    pub(crate) fn reported(self) -> Status {
        match self {
            Answer::Starting => Status::Fail,
            Answer::As(status) => status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_code_follows_the_answer_in_every_format_but_prometheus() {
        let teapot = StatusCode::IM_A_TEAPOT;
        for format in Format::ALL {
            let code = |answer: Answer| answer.status_code(format, teapot).as_u16();
            let prometheus = format == Format::Prometheus;
            assert_eq!(code(Answer::As(Status::Pass)), 200, "{format:?}");
            assert_eq!(
                code(Answer::As(Status::Fail)),
                if prometheus { 200 } else { 418 },
                "{format:?}"
            );
            let starting = match format {
                Format::Prometheus => 200,
                Format::Health => 418,
                _ => 503,
            };
            assert_eq!(code(Answer::Starting), starting, "{format:?}");
            assert_eq!(
                Answer::Starting.is_starting_line(format),
                starting == 503,
                "{format:?}"
            );
            assert!(!Answer::As(Status::Fail).is_starting_line(format));
        }
    }

    #[test]
    fn a_narrowed_run_is_starting_only_when_it_fails_in_an_active_grace() {
        let active = Grace::new(Duration::from_secs(3600));
        let over = Grace::new(Duration::ZERO);
        assert_eq!(Answer::own(Status::Fail, Some(&active)), Answer::Starting);
        assert_eq!(
            Answer::own(Status::Pass, Some(&active)),
            Answer::As(Status::Pass)
        );
        // A narrowed pass does not end the grace.
        assert!(active.is_active());
        assert_eq!(
            Answer::own(Status::Fail, Some(&over)),
            Answer::As(Status::Fail)
        );
        assert_eq!(Answer::own(Status::Fail, None), Answer::As(Status::Fail));
        assert_eq!(Answer::Starting.reported(), Status::Fail);
    }
}
