//! The HTML page's strips of recent outcomes and its flaky mark, shown when the rendering has
//! a [`History`]: of its last [`STRIP_RUNS`] runs, however many it keeps.

use std::fmt::Write as _;

use super::escape;
use crate::history::History;

/// Only on pages with a history: the strips of recent outcomes and the flaky mark.
pub(super) const HISTORY_STYLE: &str = "\
ol.strip{display:flex;gap:2px;margin:0;padding:0;list-style:none}
ol.strip li{width:8px;height:18px;border-radius:2px;background:#1a7f37}
ol.strip li.failed{background:#cf222e}
ol.strip li.errored{background:#bc4c00}
ol.strip li.warned{background:#9a6700}
.flaky{display:inline-block;margin-left:6px;padding:0 6px;border-radius:8px;font-size:12px;font-weight:600;color:#fff;background:#8250df}
";

/// The most runs a strip shows. A history may keep up to a thousand runs, and each cell of a
/// strip is some hundred bytes: a page for every run kept would be megabytes, and no one reads
/// that far back in a strip.
pub(super) const STRIP_RUNS: usize = 30;

/// The runs of `history` the page shows: its last [`STRIP_RUNS`]. The flaky mark counts flips in
/// these too, so that it says what the strip shows, and a test that settled down long ago is
/// no longer marked.
pub(super) fn shown(history: &History) -> History {
    let runs = history.runs();
    History::new(
        runs[runs.len().saturating_sub(STRIP_RUNS)..]
            .iter()
            .cloned(),
    )
}

/// `<span class="flaky" title="…">flaky</span>` when `test` went from passing to not passing or
/// back more than once in `history`; nothing otherwise.
pub(super) fn flaky(history: &History, test: &str) -> String {
    if !history.is_flaky(test) {
        return String::new();
    }
    let runs = history.outcomes(test).count();
    format!(
        "<span class=\"flaky\" title=\"changed between passing and not passing {} times in \
         its last {runs} runs\">flaky</span>",
        history.flips(test)
    )
}

/// The cell with `test`'s outcomes in the runs of `history` it ran in, oldest first: one
/// coloured `<li>` per run, its start and outcome in `title` (for pointers) and `aria-label`
/// (for screen readers).
pub(super) fn strip(history: &History, test: &str) -> String {
    let mut cell = String::from(
        "<td class=\"recent\"><ol class=\"strip\" aria-label=\"recent runs, oldest first\">",
    );
    for (run, outcome) in history.outcomes(test) {
        let when = match run.started() {
            Some(started) => escape(started),
            None => format!("run {}", escape(run.run_id())),
        };
        let outcome = outcome.as_str();
        // Writing to a String cannot fail.
        let _ = write!(
            cell,
            "<li class=\"{outcome}\" title=\"{when}: {outcome}\" aria-label=\"{when}: {outcome}\"></li>"
        );
    }
    cell.push_str("</ol></td>");
    cell
}

#[cfg(test)]
mod tests {
    use super::super::tests::{render_full, run, test};
    use super::super::{Options, render};
    use super::*;
    use crate::outcome::Outcome;
    use crate::report::Report;

    /// A run of `tests` that started at second `second` of 2024-05-01T12:00, with run id `id`.
    fn past(second: u32, id: &str, tests: &[(&str, Outcome)]) -> Report {
        let mut report = run(tests
            .iter()
            .map(|(name, outcome)| test(name, *outcome, None))
            .collect());
        report.started = Some(format!("2024-05-01T12:00:{second:02}.000Z"));
        report.run_id = id.to_owned();
        report
    }

    fn history_of(reports: &[Report]) -> super::History {
        let runs = reports
            .iter()
            .map(|report| std::sync::Arc::new(crate::history::PastRun::new(report)));
        super::History::new(runs)
    }

    #[test]
    fn with_a_history_each_test_has_a_strip_oldest_first_and_flaky_ones_are_marked() {
        use Outcome::{Errored, Failed, Passed};
        let reports = [
            past(1, "r1", &[("app::a", Passed), ("app::b", Failed)]),
            past(2, "r2", &[("app::a", Failed), ("app::b", Failed)]),
            past(3, "r3", &[("app::a", Passed), ("app::b", Errored)]),
            past(4, "r4", &[("app::a", Passed), ("app::b", Passed)]),
        ];
        let mut last = reports[3].clone();
        last.started = None;
        let mut all = reports.to_vec();
        all[3] = last.clone();
        let options = Options::new().history(history_of(&all));
        let page = render(&last, &options);
        assert!(
            page.contains("<th>location</th><th>recent runs</th></tr></thead>"),
            "{page}"
        );
        assert!(page.contains(HISTORY_STYLE), "{page}");
        // `app::a` passed, failed, passed, passed: two flips, flaky.
        assert!(
            page.contains(
                "<tr class=\"passed\"><td><span class=\"badge\">passed</span></td>\
             <td class=\"name\"><code>app::<wbr>a</code><span class=\"flaky\" title=\"changed \
             between passing and not passing 2 times in its last 4 runs\">flaky</span></td>\
             <td class=\"time\">1.250 ms</td><td class=\"message\"></td><td class=\"location\">\
             <code></code></td><td class=\"recent\"><ol class=\"strip\" aria-label=\"recent runs, \
             oldest first\"><li class=\"passed\" title=\"2024-05-01T12:00:01.000Z: passed\" \
             aria-label=\"2024-05-01T12:00:01.000Z: passed\"></li><li class=\"failed\" \
             title=\"2024-05-01T12:00:02.000Z: failed\" aria-label=\"2024-05-01T12:00:02.000Z: \
             failed\"></li><li class=\"passed\" title=\"2024-05-01T12:00:03.000Z: passed\" \
             aria-label=\"2024-05-01T12:00:03.000Z: passed\"></li><li class=\"passed\" \
             title=\"run r4: passed\" aria-label=\"run r4: passed\"></li></ol></td></tr>\n"
            ),
            "{page}"
        );
        // `app::b` failed, failed, errored, passed: it broke and was fixed, once: not flaky.
        let b = page
            .split("<code>app::<wbr>b</code>")
            .nth(1)
            .expect("a row for app::b");
        assert!(b.starts_with("</td>"), "{b}");
        assert_eq!(page.matches("class=\"flaky\"").count(), 1, "{page}");
        assert!(
            b.contains(
                "<li class=\"errored\" title=\"2024-05-01T12:00:03.000Z: errored\" \
             aria-label=\"2024-05-01T12:00:03.000Z: errored\"></li>"
            ),
            "{b}"
        );
    }

    #[test]
    fn without_a_history_there_is_no_strip_and_a_summary_shows_none() {
        let report = past(1, "r1", &[("app::a", Outcome::Passed)]);
        let page = render_full(&report);
        assert!(!page.contains("recent runs"), "{page}");
        assert!(!page.contains("strip"), "{page}");
        let options = Options::new()
            .history(history_of(std::slice::from_ref(&report)))
            .detail(crate::render::Detail::Summary);
        let summary = crate::render::render(&report, crate::render::Format::Html, &options).body;
        assert!(
            summary.contains("<p>Per-test details are not shown.</p>"),
            "{summary}"
        );
        assert!(!summary.contains("<ol"), "{summary}");
        assert!(!summary.contains("app::a"), "{summary}");
    }

    #[test]
    fn a_run_id_in_a_strip_is_escaped() {
        let mut report = past(1, "r1", &[("app::a", Outcome::Passed)]);
        report.started = None;
        report.run_id = "<x\"y>".into();
        let page = render(
            &report,
            &Options::new().history(history_of(std::slice::from_ref(&report))),
        );
        assert!(
            page.contains("title=\"run &lt;x&quot;y&gt;: passed\""),
            "{page}"
        );
        assert!(!page.contains("<x"), "{page}");
    }

    #[test]
    fn a_thousand_runs_show_the_last_thirty_and_only_their_flips_count() {
        use Outcome::{Failed, Passed};
        // `app::a` flips on every run but the last 30, in which it passes; `app::b` passes but
        // twice in the last 30, where it fails.
        let reports: Vec<Report> = (0..1000)
            .map(|i| {
                let a = if i < 970 && i % 2 == 1 {
                    Failed
                } else {
                    Passed
                };
                let b = if i == 980 || i == 990 { Failed } else { Passed };
                let mut report = past(0, &format!("r{i}"), &[("app::a", a), ("app::b", b)]);
                // Titles name the run by its id.
                report.started = None;
                report
            })
            .collect();
        let history = history_of(&reports);
        assert_eq!(history.runs().len(), 1000);
        assert!(history.is_flaky("app::a"));
        let page = render(&reports[999], &Options::new().history(history));
        // Two rows of 30 cells, the oldest shown being run 970.
        assert_eq!(page.matches("<li class=").count(), 2 * STRIP_RUNS, "{page}");
        assert_eq!(page.matches("<li class=\"failed\"").count(), 2, "{page}");
        assert!(!page.contains("run r969"), "{page}");
        assert_eq!(page.matches("title=\"run r970: passed\"").count(), 2);
        // `app::a`'s flips are older than the strip: not flaky; `app::b` flipped 4 times in it.
        assert_eq!(page.matches("class=\"flaky\"").count(), 1, "{page}");
        let b = page.split("<code>app::<wbr>b</code>").nth(1).unwrap();
        assert!(
            b.starts_with(
                "<span class=\"flaky\" title=\"changed between passing and not passing 4 times \
                 in its last 30 runs\">flaky</span>"
            ),
            "{b}"
        );
    }
}
