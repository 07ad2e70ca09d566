//! The built `example-actix-web` binary: serves the demo's smoke tests and its own route, and stops
//! cleanly on SIGTERM.

use example_common::testing::{Server, first_lines};

const BINARY: &str = env!("CARGO_BIN_EXE_example-actix-web");

// The command line, the signals and a request without a path, as every example handles them.
example_common::shared_binary_tests!(BINARY);

#[test]
fn serves_the_demo_smoke_tests_and_stops_on_sigterm() {
    let mut server = Server::spawn(BINARY);
    let addr = server.addr();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    assert!(!addr.ends_with(":0"), "the real port is printed: {addr}");

    let (status, body) = server.get("/smoketest/");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        first_lines(&body, 3),
        ["PASS", "test classes: 3", "tests run: 8"]
    );

    let (status, body) = server.get("/smoketest/slow/");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        first_lines(&body, 3)[..],
        ["PASS", "test classes: 3", "tests run: 10"][..]
    );

    let (status, body) = server.get("/smoketest");
    assert_eq!((status, first_lines(&body, 1)), (200, vec!["PASS"]));

    let (status, body) = server.get("/");
    assert_eq!((status, body.as_str()), (200, "bookshop is up\n"));

    // actix's graceful stop waits for open connections; every request above closed its own.
    let status = server.terminate();
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn unfinished_requests_are_closed_after_the_header_timeout() {
    // Past the header timeout, actix-web answers 408, empty, then closes.
    let timed_out = "HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\ndate: <date>\r\n\r\n";
    example_common::testing::check_unfinished_requests(BINARY, timed_out);
}
