//! The HTML page for browsers, loaded by headless Chromium from a real axum server: the DOM the
//! browser built has the title, the banner, one row per test, and messages as text, never markup.

#[path = "http/chromium.rs"]
mod chromium;
#[path = "http/contract.rs"]
mod contract;
#[path = "http/axum.rs"]
mod server;

use std::path::PathBuf;

use reqwest::Client;

/// Its message is markup an upstream might well send back; the page must show it as text.
#[smoketest::smoke_test]
fn upstream_answered_markup() -> smoketest::Result {
    Err(smoketest::Error::msg(
        "upstream answered <script>document.title='pwned'</script> & <b>bold</b>\nsecond line",
    ))
}

/// `/smoketest` (passing), `/failing`, and `/markup` serving [`upstream_answered_markup`].
async fn start() -> String {
    let markup = smoketest::Runner::new().filter("http_html::upstream_answered_markup");
    let app = server::app(contract::passing_runner(), contract::failing_runner())
        .nest_service("/markup", smoketest_http::axum::service(markup));
    server::serve(app).await
}

/// The DOM of `url` as Chromium built it, or `None` when Chromium is missing outside CI.
async fn dom(test: &str, url: String) -> Option<String> {
    let chromium = chromium::find(test)?;
    let dom = tokio::task::spawn_blocking(move || chromium::dump_dom(&chromium, &url))
        .await
        .expect("chromium ran");
    Some(dom)
}

/// The `<tr>` rows of the test table, in order.
fn rows(dom: &str) -> Vec<&str> {
    dom.split("<tr class=\"").skip(1).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_gets_a_failing_run_as_a_page_failures_first() {
    let origin = start().await;
    // No `?format=`: Chromium's own Accept header asks for HTML.
    let Some(dom) = dom("http_html", format!("{origin}/failing/")).await else {
        return;
    };
    assert!(
        dom.contains("<title>FAIL · smoke tests, fast tier</title>"),
        "{dom}"
    );
    assert!(dom.contains("<header class=\"banner fail\">"), "{dom}");
    assert!(dom.contains("<h1>FAIL</h1>"), "{dom}");
    assert!(
        dom.contains("<p>1 of 2 tests did not pass · fast tier · "),
        "{dom}"
    );
    assert!(dom.contains("<dt>tests failed</dt><dd>1</dd>"), "{dom}");
    assert!(dom.contains("<dt>tests passed</dt><dd>1</dd>"), "{dom}");
    let rows = rows(&dom);
    assert_eq!(rows.len(), 2, "{dom}");
    assert!(rows[0].starts_with("failed\">"), "{}", rows[0]);
    assert!(rows[0].contains("<code>fixture_fail::<wbr>smoke::<wbr>assert_default_message</code>"));
    assert!(
        rows[0].contains("<td class=\"message\">2 != 3</td>"),
        "{}",
        rows[0]
    );
    assert!(rows[0].contains("src/<wbr>smoke.rs:"), "{}", rows[0]);
    assert!(rows[1].starts_with("passed\">"), "{}", rows[1]);
    assert!(rows[1].contains("<code>fixture_fail::<wbr>smoke::<wbr>passes</code>"));
    assert!(!dom.contains("<script"), "{dom}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_gets_a_passing_run_with_one_row_per_test() {
    let origin = start().await;
    let Some(dom) = dom("http_html", format!("{origin}/smoketest/slow/")).await else {
        return;
    };
    assert!(
        dom.contains("<title>PASS · smoke tests, slow tier</title>"),
        "{dom}"
    );
    assert!(dom.contains("<header class=\"banner pass\">"), "{dom}");
    assert!(
        dom.contains("<p>5 of 5 tests passed · slow tier · "),
        "{dom}"
    );
    let rows = rows(&dom);
    assert_eq!(rows.len(), 5, "{dom}");
    assert!(rows.iter().all(|row| row.starts_with("passed\">")), "{dom}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_a_message_is_shown_as_text() {
    let origin = start().await;
    let Some(dom) = dom("http_html", format!("{origin}/markup/?format=html")).await else {
        return;
    };
    // Had the message been pasted in as markup, Chromium would have run the script (changing the
    // title) and the DOM would hold a <script> and a <b> element.
    assert!(
        dom.contains("<title>FAIL · smoke tests, fast tier</title>"),
        "{dom}"
    );
    assert!(!dom.contains("<script"), "{dom}");
    assert!(!dom.contains("<b>"), "{dom}");
    assert!(
        dom.contains(
            "<td class=\"message\">upstream answered &lt;script&gt;document.title='pwned'\
             &lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;\nsecond line</td>"
        ),
        "{dom}"
    );
    let rows = rows(&dom);
    assert_eq!(rows.len(), 1, "{dom}");
    assert!(rows[0].starts_with("errored\">"), "{}", rows[0]);
}

/// What the browser is sent: status, type, a page that needs nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_self_contained_with_the_reports_status() {
    let origin = start().await;
    let client = Client::new();
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    for (path, status) in [("/smoketest/", 200), ("/failing/", 500)] {
        let reply = contract::request(
            &client,
            reqwest::Method::GET,
            &format!("{origin}{path}"),
            &[("accept", browser.as_bytes())],
        )
        .await;
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.header("content-type"), "text/html; charset=utf-8");
        assert_eq!(reply.header("cache-control"), "no-store");
        let page = &reply.body;
        assert!(page.starts_with("<!DOCTYPE html>\n"), "{page}");
        assert!(page.contains("<meta charset=\"utf-8\">"), "{page}");
        assert!(page.contains("Content-Security-Policy"), "{page}");
        for external in ["<script", "src=", "http://", "https://", "@import", "url("] {
            assert!(!page.contains(external), "{path}: {external} in {page}");
        }
    }
    // curl and other clients that accept anything still get the text report.
    let curl = contract::request(
        &client,
        reqwest::Method::GET,
        &format!("{origin}/smoketest/"),
        &[("accept", b"*/*")],
    )
    .await;
    assert!(curl.body.starts_with("PASS\n"), "{}", curl.body);
}

/// Not a check: saves a screenshot of the failing page for a person to look at, when
/// `SMOKETEST_SCREENSHOT` names a PNG file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshot_on_request() {
    let Some(png) = std::env::var_os("SMOKETEST_SCREENSHOT").map(PathBuf::from) else {
        return;
    };
    let origin = start().await;
    let Some(chromium) = chromium::find("http_html screenshot") else {
        return;
    };
    let url = format!("{origin}/failing/");
    tokio::task::spawn_blocking(move || chromium::screenshot(&chromium, &url, &png, (1100, 520)))
        .await
        .expect("chromium ran");
}
