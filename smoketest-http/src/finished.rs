//! A finished run: its report, how it is answered, what its probe asked for, when it finished,
//! and the renderings requests have asked for.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use smoketest::Report;
use smoketest::render::{self, Format, History, Options, Probe};

use crate::answer::Answer;

/// A finished run, shared by every request served from it. Each rendering is made once, when
/// first asked for, and then served to every request that asks for the same format, detail and
/// age (in whole seconds, as formats show it).
#[derive(Debug)]
pub(crate) struct Finished {
    report: Report,
    /// How it is answered: decided when the run ended, by its group's grace and its thresholds.
    answer: Answer,
    /// The check's name and what the selection left out, for the Kubernetes text.
    probe: Arc<Probe>,
    /// The selection's recent runs up to this one, when it is a tier's or a group's own.
    history: Option<Arc<History>>,
    finished_at: Instant,
    /// At most one per format and detail level: a rendering showing an older age is replaced.
    renderings: Mutex<Vec<(Format, Options, Arc<str>)>>,
}

impl Finished {
    pub(crate) fn new(report: Report, probe: Arc<Probe>) -> Self {
        Finished {
            answer: Answer::As(report.status),
            report,
            probe,
            history: None,
            finished_at: Instant::now(),
            renderings: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn report(&self) -> &Report {
        &self.report
    }

    /// How the run is answered: its own status unless [`answered`](Self::answered) said
    /// otherwise.
    pub(crate) fn answer(&self) -> Answer {
        self.answer
    }

    /// Answered as `answer`.
    pub(crate) fn answered(mut self, answer: Answer) -> Self {
        self.answer = answer;
        self
    }

    pub(crate) fn probe(&self) -> &Arc<Probe> {
        &self.probe
    }

    /// With `history`, the recent runs of its selection up to this one.
    pub(crate) fn with_history(mut self, history: Option<Arc<History>>) -> Self {
        self.history = history;
        self
    }

    pub(crate) fn history(&self) -> Option<&Arc<History>> {
        self.history.as_ref()
    }

    /// When the run finished.
    pub(crate) fn finished_at(&self) -> Instant {
        self.finished_at
    }

    /// How long ago the run finished.
    pub(crate) fn age(&self) -> Duration {
        self.finished_at.elapsed()
    }

    /// The report rendered in `format` with `options`.
    pub(crate) fn body(&self, format: Format, options: &Options) -> Arc<str> {
        let mut renderings = crate::sync::lock(&self.renderings);
        if let Some((_, _, body)) = renderings
            .iter()
            .find(|(f, o, _)| (*f, o) == (format, options))
        {
            return Arc::clone(body);
        }
        let body: Arc<str> = render::render(&self.report, format, options).body.into();
        renderings.retain(|(f, o, _)| (*f, o.detail) != (format, options.detail));
        renderings.push((format, options.clone(), Arc::clone(&body)));
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smoketest::render::Detail;

    #[test]
    fn a_rendering_is_reused_and_one_per_format_and_detail_is_kept() {
        let finished = Finished::new(
            smoketest::Runner::new()
                .filter("no test has this name")
                .run(smoketest::Tier::Fast),
            Arc::new(Probe::new("fast")),
        );
        let aged = |secs| Options::new().age(Some(Duration::from_secs(secs)));
        let first = finished.body(Format::Json, &aged(1));
        assert!(first.ends_with(",\"age\":1}"), "{first}");
        assert!(Arc::ptr_eq(&first, &finished.body(Format::Json, &aged(1))));
        let later = finished.body(Format::Json, &aged(2));
        assert!(later.ends_with(",\"age\":2}"), "{later}");
        finished.body(Format::Json, &aged(2).detail(Detail::Summary));
        finished.body(Format::Text, &Options::new());
        assert_eq!(finished.renderings.lock().unwrap().len(), 3);
    }
}
