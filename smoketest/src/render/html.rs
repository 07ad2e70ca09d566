//! The report as an HTML page for browsers: self-contained (inline CSS, no script, no external
//! asset, and a Content-Security-Policy that forbids them), readable at a glance — a PASS/FAIL
//! banner, the counts, then one row per test, failed, errored and warned ones first and
//! highlighted. A `PASS` with warned tests has an amber banner: the run passed, but somebody
//! should look.
//!
//! Every string from the report goes through [`escape`]: test names are code, but messages carry
//! whatever a failing check saw, such as the body of an upstream error page.

use std::fmt::Write as _;

mod strip;

use self::strip::{HISTORY_STYLE, flaky, shown, strip};
use super::{History, Options, Spec};
use crate::outcome::Outcome;
use crate::report::{Report, Status, TestReport};

pub(super) const SPEC: Spec = Spec {
    name: "html",
    content_type: "text/html; charset=utf-8",
    render,
};

const STYLE: &str = "\
body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;background:#fff}
.banner{padding:18px 24px;color:#fff}
.banner.pass{background:#1a7f37}
.banner.fail{background:#cf222e}
.banner.warn{background:#9a6700}
.banner h1{margin:0;font-size:34px;letter-spacing:.06em}
.banner p{margin:4px 0 0;font-size:16px}
main{padding:16px 24px 32px}
.counts{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0 0 18px;padding:0}
.counts div{display:flex;gap:6px;align-items:baseline}
.counts dt{color:#59636e}
.counts dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.note{padding:8px 12px;background:#fff8c5;border:1px solid #d4a72c;border-radius:6px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid #d1d9e0}
th{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#59636e}
.time{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.message{white-space:pre-wrap;overflow-wrap:anywhere}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:break-word}
tr.failed{background:#ffebe9}
tr.errored{background:#fff1e5}
tr.warned{background:#fff8c5}
.meta{margin-top:2px;font-size:13px;color:#59636e;overflow-wrap:anywhere}
.attempts{display:block;margin-top:2px;font-size:12px;color:#59636e;white-space:nowrap}
.badge{display:inline-block;min-width:4.5em;text-align:center;padding:1px 8px;border-radius:10px;font-size:13px;font-weight:600;color:#fff}
.passed .badge{background:#1a7f37}
.failed .badge{background:#cf222e}
.errored .badge{background:#bc4c00}
.warned .badge{background:#9a6700}
footer{padding:0 24px 24px;font-size:13px;color:#59636e}
";

/// The page: `<title>` and banner say PASS or FAIL, and how old a stored report is; the run's
/// warnings as notes; one `<tr>` per test, with its recent outcomes when there is a history; the
/// run id in the footer.
fn render(report: &Report, options: &Options) -> String {
    let status = report.status.as_str();
    let tier = report.tier.as_str();
    let mut page = String::with_capacity(4096 + 300 * report.tests.len());
    // Writing to a String cannot fail.
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<link rel=\"icon\" href=\"data:,\">\n\
         <title>{status} · smoke tests, {tier} tier</title>\n<style>\n{STYLE}{history_style}</style>\n\
         </head>\n<body>\n<header class=\"banner {class}\">\n<h1>{status}</h1>\n<p>{summary}</p>\n",
        history_style = if options.history.is_some() {
            HISTORY_STYLE
        } else {
            ""
        },
        class = banner_class(report),
        summary = summary(report),
    );
    if let Some(age) = options.age_secs() {
        let unit = if age == 1 { "second" } else { "seconds" };
        let _ = writeln!(
            page,
            "<p class=\"age\">from a run that finished {age} {unit} ago</p>"
        );
    }
    page.push_str("</header>\n<main>\n");
    page.push_str("<dl class=\"counts\">\n");
    // As in the text report: a warned count only when a test warned.
    let warned =
        (report.tests_warned > 0).then(|| ("tests warned", report.tests_warned.to_string()));
    let counts = [
        ("test classes", report.test_classes.to_string()),
        ("tests run", report.tests_run.to_string()),
        ("tests passed", report.tests_passed.to_string()),
        ("tests failed", report.tests_failed.to_string()),
        ("tests errored", report.tests_errored.to_string()),
    ];
    let time = ("time", milliseconds(report.time));
    for (term, value) in counts.into_iter().chain(warned).chain([time]) {
        let _ = writeln!(page, "<div><dt>{term}</dt><dd>{value}</dd></div>");
    }
    page.push_str("</dl>\n");
    if !report.panics_caught {
        page.push_str(
            "<p class=\"note\">Built with <code>panic = \"abort\"</code>: a panicking test aborts \
             the process instead of being reported.</p>\n",
        );
    }
    if let Some(reason) = report.too_few_tests_reason() {
        // Says why a run without failures is FAIL; it names no test, so summaries show it too.
        let _ = writeln!(
            page,
            "<p class=\"note\">{reason} (<code>--min-tests</code> / \
             <code>Runner::min_tests</code>).</p>"
        );
    }
    for warning in &report.warnings {
        let _ = writeln!(page, "<p class=\"note\">Warning: {}</p>", escape(warning));
    }
    if report.tests.is_empty() {
        // A summary-only report (see the endpoint's detail levels) has counts but no tests.
        page.push_str(if report.tests_run == 0 {
            "<p>No tests ran.</p>\n"
        } else {
            "<p>Per-test details are not shown.</p>\n"
        });
    } else {
        let shown = options.history.as_deref().map(shown);
        let history = shown.as_ref();
        let recent = if history.is_some() {
            "<th>recent runs</th>"
        } else {
            ""
        };
        let _ = write!(
            page,
            "<table>\n<thead><tr><th>outcome</th><th>test</th><th class=\"time\">time</th><th>message</th>\
             <th>location</th>{recent}</tr></thead>\n<tbody>\n",
        );
        for test in in_display_order(&report.tests) {
            row(&mut page, test, history);
        }
        page.push_str("</tbody>\n</table>\n");
    }
    page.push_str("</main>\n");
    if !report.run_id.is_empty() {
        // The id to quote when looking for this run in logs, traces and history.
        let _ = writeln!(
            page,
            "<footer>run id <code>{}</code></footer>",
            escape(&report.run_id)
        );
    }
    page.push_str("</body>\n</html>\n");
    page
}

/// `pass`, `fail`, or `pass warn` for a pass in which a `warn_only` test warned.
fn banner_class(report: &Report) -> &'static str {
    match report.status {
        Status::Pass if report.tests_warned > 0 => "pass warn",
        Status::Pass => "pass",
        Status::Fail => "fail",
    }
}

/// `2 of 5 tests did not pass · fast tier · 12.345 ms`, with `, 1 warned` (`, 1 more warned`
/// after failures) when a `warn_only` test warned.
fn summary(report: &Report) -> String {
    let not_passed = report.tests_failed + report.tests_errored;
    let tests = if report.tests_run == 1 {
        "test"
    } else {
        "tests"
    };
    let what = if not_passed == 0 {
        format!(
            "{} of {} {tests} passed",
            report.tests_passed, report.tests_run
        )
    } else {
        format!("{not_passed} of {} {tests} did not pass", report.tests_run)
    };
    let what = match (report.tests_warned, not_passed) {
        (0, _) => what,
        (warned, 0) => format!("{what}, {warned} warned"),
        (warned, _) => format!("{what}, {warned} more warned"),
    };
    format!(
        "{what} · {} tier · {}",
        report.tier.as_str(),
        milliseconds(report.time)
    )
}

/// Failed tests first, then errored, then warned, then passed; by name within each (the
/// report's order).
fn in_display_order(tests: &[TestReport]) -> Vec<&TestReport> {
    let rank = |outcome: Outcome| match outcome {
        Outcome::Failed => 0,
        Outcome::Errored => 1,
        Outcome::Warned => 2,
        Outcome::Passed => 3,
    };
    let mut ordered: Vec<&TestReport> = tests.iter().collect();
    ordered.sort_by_key(|test| rank(test.outcome));
    ordered
}

/// One test: its outcome (and how many attempts it took, when more than one), its name (and
/// owner, runbook and tags, when it has them), time, message and location; with a history, its
/// strip of recent outcomes and, when it flipped more than once, the flaky mark.
fn row(page: &mut String, test: &TestReport, history: Option<&History>) {
    let outcome = test.outcome.as_str();
    let attempts = if test.attempts > 1 {
        format!(
            "<span class=\"attempts\">after {} attempts</span>",
            test.attempts
        )
    } else {
        String::new()
    };
    // Writing to a String cannot fail.
    let _ = writeln!(
        page,
        "<tr class=\"{outcome}\"><td><span class=\"badge\">{outcome}</span>{attempts}</td>\
         <td class=\"name\"><code>{name}</code>{flaky}{meta}</td><td class=\"time\">{time}</td>\
         <td class=\"message\">{message}</td><td class=\"location\"><code>{location}</code></td>\
         {strip}</tr>",
        name = breakable(&test.name),
        flaky = history
            .map(|history| flaky(history, &test.name))
            .unwrap_or_default(),
        strip = history
            .map(|history| strip(history, &test.name))
            .unwrap_or_default(),
        meta = meta(test),
        time = milliseconds(test.time),
        message = escape(test.message.as_deref().unwrap_or("")),
        location = breakable(test.location.as_deref().unwrap_or("")),
    );
}

/// `<div class="meta">owner: team · runbook: <a href="…">…</a> · tags: ready, db</div>`, with
/// the parts the test has; nothing when it has none.
fn meta(test: &TestReport) -> String {
    let mut parts = Vec::new();
    if let Some(owner) = &test.owner {
        parts.push(format!("owner: {}", escape(owner)));
    }
    if let Some(runbook) = &test.runbook {
        parts.push(format!("runbook: {}", link(runbook)));
    }
    if !test.tags.is_empty() {
        let tags: Vec<String> = test.tags.iter().map(|tag| escape(tag)).collect();
        parts.push(format!("tags: {}", tags.join(", ")));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("<div class=\"meta\">{}</div>", parts.join(" · "))
}

/// A link to `url` when it is an absolute http(s) URL, plain text otherwise. The attribute
/// checks runbooks at compile time, but a report read back from JSON can hold anything, and a
/// `javascript:` or `data:` link would run in the page's origin when clicked.
fn link(url: &str) -> String {
    let web = ["http://", "https://"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    });
    if web {
        format!(
            "<a href=\"{}\" rel=\"noreferrer\">{}</a>",
            escape(url),
            breakable(url)
        )
    } else {
        format!("<code>{}</code>", breakable(url))
    }
}

fn milliseconds(ms: f64) -> String {
    format!("{ms:.3} ms")
}

/// A path (`app::smoke::Db::counts`, `src/smoke.rs:12`) escaped, with line-break opportunities
/// after its separators, so a long one wraps between its parts rather than mid-word.
fn breakable(path: &str) -> String {
    escape(path).replace("::", "::<wbr>").replace('/', "/<wbr>")
}

/// Text made safe for HTML element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("plain text: ü ✓"), "plain text: ü ✓");
    }

    fn report_with(tests: Vec<TestReport>) -> Report {
        let json = serde_json::json!({
            "status": "FAIL", "test_classes": 1, "tests_run": tests.len(),
            "tests_passed": tests.iter().filter(|t| t.outcome == Outcome::Passed).count(),
            "tests_failed": tests.iter().filter(|t| t.outcome == Outcome::Failed).count(),
            "tests_errored": tests.iter().filter(|t| t.outcome == Outcome::Errored).count(),
            "failed_tests": [], "errored_tests": [], "time": 12.5, "tier": "fast",
            "panics_caught": true, "tests": tests,
        });
        serde_json::from_value(json).expect("a valid report")
    }

    pub(super) fn test(name: &str, outcome: Outcome, message: Option<&str>) -> TestReport {
        let json = serde_json::json!({
            "name": name, "suite": "app::smoke", "outcome": outcome, "time": 1.25,
            "message": message, "location": message.map(|_| "src/smoke.rs:7"),
            "slow": false, "rolled_back": false,
        });
        serde_json::from_value(json).expect("a valid test report")
    }

    pub(super) fn render_full(report: &Report) -> String {
        render(report, &Options::new())
    }

    #[test]
    fn every_dynamic_string_is_escaped() {
        let page = render_full(&report_with(vec![test(
            "app::smoke::<b>",
            Outcome::Failed,
            Some("got <script>alert(1)</script> & \"more\""),
        )]));
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<b>"), "{page}");
        assert!(page.contains(
            "<td class=\"message\">got &lt;script&gt;alert(1)&lt;/script&gt; &amp; \
             &quot;more&quot;</td>"
        ));
        assert!(page.contains("<code>app::<wbr>smoke::<wbr>&lt;b&gt;</code>"));
    }

    #[test]
    fn the_run_id_is_in_the_footer() {
        let mut report = report_with(vec![]);
        report.run_id = "0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b".into();
        assert!(render_full(&report).ends_with(
            "</main>\n<footer>run id <code>0192f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b</code></footer>\n\
             </body>\n</html>\n"
        ));
        report.run_id = "<b>".into();
        assert!(render_full(&report).contains("<code>&lt;b&gt;</code>"));
        report.run_id = String::new();
        assert!(render_full(&report).ends_with("</main>\n</body>\n</html>\n"));
    }

    #[test]
    fn failed_then_errored_then_passed() {
        let page = render_full(&report_with(vec![
            test("app::a", Outcome::Passed, None),
            test("app::b", Outcome::Errored, Some("boom")),
            test("app::c", Outcome::Failed, Some("1 != 2")),
        ]));
        let at = |name: &str| page.find(&breakable(name)).expect(name);
        assert!(at("app::c") < at("app::b") && at("app::b") < at("app::a"));
        assert_eq!(page.matches("<tr class=").count(), 3);
        assert!(page.contains("<title>FAIL · smoke tests, fast tier</title>"));
        assert!(page.contains("<p>2 of 3 tests did not pass · fast tier · 12.500 ms</p>"));
    }

    #[test]
    fn too_few_tests_is_a_fail_banner_with_a_note() {
        let report =
            crate::report::Report::new(crate::tier::Tier::Fast, vec![], std::time::Duration::ZERO)
                .require(1, 0);
        let page = render_full(&report);
        assert!(
            page.contains("<header class=\"banner fail\">\n<h1>FAIL</h1>"),
            "{page}"
        );
        assert!(page.contains(
            "<p class=\"note\">0 tests selected, fewer than the 1 required (<code>--min-tests\
             </code> / <code>Runner::min_tests</code>).</p>\n<p>No tests ran.</p>"
        ));
    }

    #[test]
    fn the_age_of_a_stored_report_shows_in_the_banner() {
        let options = Options::new().age(Some(std::time::Duration::from_millis(42_900)));
        let page = render(&report_with(vec![]), &options);
        assert!(page.contains("<p>No tests ran.</p>"));
        assert!(page.contains(
            "<p>0 of 0 tests passed · fast tier · 12.500 ms</p>\n\
             <p class=\"age\">from a run that finished 42 seconds ago</p>\n</header>"
        ));
        let fresh = render(&report_with(vec![]), &Options::new());
        assert!(fresh.contains("12.500 ms</p>\n</header>"));
    }
    pub(super) fn run(tests: Vec<TestReport>) -> Report {
        Report::new(
            crate::tier::Tier::Fast,
            tests,
            std::time::Duration::from_micros(12_500),
        )
    }

    #[test]
    fn warned_tests_have_their_own_rows_after_errored_ones_and_count() {
        let page = render_full(&run(vec![
            test("app::a", Outcome::Passed, None),
            test("app::b", Outcome::Warned, Some("cold")),
            test("app::c", Outcome::Errored, Some("boom")),
            test("app::d", Outcome::Failed, Some("1 != 2")),
        ]));
        let at = |name: &str| page.find(&breakable(name)).expect(name);
        assert!(at("app::d") < at("app::c") && at("app::c") < at("app::b"));
        assert!(at("app::b") < at("app::a"));
        assert!(page.contains(
            "<tr class=\"warned\"><td><span class=\"badge\">warned</span></td>\
             <td class=\"name\"><code>app::<wbr>b</code></td><td class=\"time\">1.250 ms</td>\
             <td class=\"message\">cold</td><td class=\"location\"><code>src/<wbr>smoke.rs:7</code>\
             </td></tr>\n"
        ));
        assert!(page.contains("<header class=\"banner fail\">"), "{page}");
        assert!(
            page.contains(
                "<p>2 of 4 tests did not pass, 1 more warned · fast tier · 12.500 ms</p>"
            )
        );
        assert!(page.contains(
            "<div><dt>tests errored</dt><dd>1</dd></div>\n\
             <div><dt>tests warned</dt><dd>1</dd></div>\n<div><dt>time</dt>"
        ));
    }

    #[test]
    fn a_pass_with_warned_tests_has_an_amber_banner() {
        let page = render_full(&run(vec![
            test("app::a", Outcome::Passed, None),
            test("app::b", Outcome::Warned, Some("cold")),
        ]));
        assert!(page.contains("<title>PASS · smoke tests, fast tier</title>"));
        assert!(page.contains(
            "<header class=\"banner pass warn\">\n<h1>PASS</h1>\n\
             <p>1 of 2 tests passed, 1 warned · fast tier · 12.500 ms</p>\n"
        ));
        assert!(STYLE.contains(".banner.warn{background:#9a6700}\n"));
        assert!(STYLE.contains("tr.warned{background:#fff8c5}\n"));
        // No warned test, no warned count.
        let plain = render_full(&run(vec![test("app::a", Outcome::Passed, None)]));
        assert!(
            plain.contains("<header class=\"banner pass\">\n"),
            "{plain}"
        );
        assert!(!plain.contains("tests warned"), "{plain}");
    }

    #[test]
    fn attempts_owner_runbook_and_tags_show_in_the_row() {
        let mut warned = test("app::b", Outcome::Warned, Some("cold"));
        warned.attempts = 3;
        warned.owner = Some("team <cache>".into());
        warned.runbook = Some("https://runbooks.example.com/cache?a=1&b=\"2\"".into());
        warned.tags = vec!["ready".into(), "db".into()];
        let page = render_full(&run(vec![warned]));
        assert!(
            page.contains(
                "<tr class=\"warned\"><td><span class=\"badge\">warned</span>\
                 <span class=\"attempts\">after 3 attempts</span></td>\
                 <td class=\"name\"><code>app::<wbr>b</code><div class=\"meta\">owner: team \
                 &lt;cache&gt; · runbook: <a href=\"https://runbooks.example.com/cache?a=1&amp;\
                 b=&quot;2&quot;\" rel=\"noreferrer\">https:/<wbr>/<wbr>runbooks.example.com/\
                 <wbr>cache?a=1&amp;b=&quot;2&quot;</a> · tags: ready, db</div></td>"
            ),
            "{page}"
        );
    }

    #[test]
    fn a_runbook_that_is_not_http_is_text_not_a_link() {
        for url in [
            "javascript:alert(1)",
            "data:text/html,x",
            " https://x",
            "httpx://y",
        ] {
            let mut odd = test("app::b", Outcome::Failed, Some("no"));
            odd.runbook = Some(url.into());
            let page = render_full(&run(vec![odd]));
            assert!(!page.contains("<a "), "{url}: {page}");
            assert!(
                page.contains(&format!("runbook: <code>{}</code>", breakable(url))),
                "{url}: {page}"
            );
        }
        let mut upper = test("app::b", Outcome::Failed, Some("no"));
        upper.runbook = Some("HTTPS://X.example".into());
        assert!(render_full(&run(vec![upper])).contains("<a href=\"HTTPS://X.example\""));
    }

    #[test]
    fn the_runs_warnings_are_notes_escaped() {
        let mut report = run(vec![test("app::a", Outcome::Passed, None)]);
        report.warnings = vec!["excluded name \"<b>x</b>\" matches no test".into()];
        let page = render_full(&report);
        assert!(
            page.contains(
                "</dl>\n<p class=\"note\">Warning: excluded name &quot;&lt;b&gt;x&lt;/b&gt;&quot; \
                 matches no test</p>\n<table>"
            ),
            "{page}"
        );
    }
}
