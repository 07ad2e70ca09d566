//! The built `example-actix-web` binary: serves the demo's smoke tests and its own route, and stops
//! cleanly on SIGTERM.

use example_common::testing::{HalfSent, Server, first_lines};

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
fn half_sent_requests_are_closed_after_the_header_timeout() {
    // Past the header timeout, actix-web answers 408, empty, then closes.
    let ends = example_common::testing::check_half_sent_requests_are_closed(BINARY, 50);
    let expected: Vec<HalfSent> = (0..50).map(|_| HalfSent::Closed("HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\ndate: <date>\r\n\r\n".to_owned())).collect();
    assert_eq!(ends, expected);
}

#[test]
fn silent_and_preface_connections_are_closed_after_the_header_timeout() {
    // Past the header timeout, actix-web answers a connection that sent nothing 408, as a half-sent request.
    let silent = example_common::testing::check_unfinished_requests_are_closed(BINARY, 20, b"");
    let closed = "HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\ndate: <date>\r\n\r\n".to_owned();
    assert_eq!(silent, vec![HalfSent::Closed(closed); 20]);
    // The start of HTTP/2's preface is no HTTP/1.1 request: a 400 at once, not a wait for more.
    let preface = b"PRI * HTTP/2.0\r\n";
    let ends = example_common::testing::check_unfinished_requests_are_closed(BINARY, 20, preface);
    let bad = "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\
               date: <date>\r\n\r\n";
    assert_eq!(ends, vec![HalfSent::Closed(bad.to_owned()); 20]);
}
