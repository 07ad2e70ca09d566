//! A test that fails with a 10 MB message, served by a real axum server in every format: each
//! body holds the message's first 4 KiB and says how much was cut, and its size is bounded by
//! the test count, not by the message.

mod support;

use axum::Router;
use smoketest::Runner;
use smoketest::render::Format;
use smoketest_http::axum::service;

use support::serve;

const MESSAGE_BYTES: usize = 10 * 1024 * 1024;

#[smoketest::smoke_test]
fn bounded_fails_with_ten_megabytes() -> smoketest::Result {
    Err(smoketest::Error::msg("x".repeat(MESSAGE_BYTES)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_megabyte_message_is_cut_in_every_format() {
    let runner = Runner::new().filter("bounded_fails_with_ten_megabytes");
    let origin = serve(Router::new().nest_service("/smoketest", service(runner))).await;
    let client = reqwest::Client::new();
    let marker = format!(
        "… [cut {} bytes]",
        MESSAGE_BYTES - smoketest::DEFAULT_MAX_MESSAGE_BYTES
    );
    let kept = "x".repeat(smoketest::DEFAULT_MAX_MESSAGE_BYTES);
    for format in Format::ALL {
        let url = format!("{origin}/smoketest/?format={}", format.name());
        let response = client.get(&url).send().await.expect("a response");
        let status = response.status();
        let body = response.text().await.expect("a body");
        assert_eq!(
            status,
            if format == Format::Prometheus {
                200
            } else {
                500
            },
            "{format:?}"
        );
        // The message's first 4 KiB, then the marker, wherever the format shows messages; the
        // HTML page's style sheet is its largest part.
        assert!(body.len() < 12 * 1024, "{format:?}: {} bytes", body.len());
        match format {
            Format::Text
            | Format::Json
            | Format::Html
            | Format::JUnit
            | Format::Health
            | Format::Kubernetes => {
                assert!(body.contains(&format!("{kept}{marker}")), "{format:?}");
            }
            // A status line and metrics: names and counts, no message.
            _ => assert!(!body.contains("xxxx"), "{format:?}"),
        }
    }
}
