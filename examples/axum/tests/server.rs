//! The built `example-axum` binary: serves the demo's smoke tests and its own routes, and exits 0
//! on SIGTERM and Ctrl-C.

use example_common::testing::{HalfSent, Server, first_lines};

const BINARY: &str = env!("CARGO_BIN_EXE_example-axum");

// The command line, the signals and a request without a path, as every example handles them.
example_common::shared_binary_tests!(BINARY);

#[test]
fn serves_the_smoke_tests_and_the_bookshop_then_exits_0_on_sigterm() {
    let mut server = Server::spawn(BINARY);

    for path in ["/smoketest/", "/smoketest"] {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(
            first_lines(&body, 3),
            ["PASS", "test classes: 3", "tests run: 8"],
            "{path}"
        );
    }
    for path in ["/smoketest/slow/", "/smoketest/slow"] {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(
            first_lines(&body, 3),
            ["PASS", "test classes: 3", "tests run: 10"],
            "{path}"
        );
    }
    assert_eq!(server.request("HEAD", "/smoketest/"), (200, String::new()));
    assert_eq!(server.get("/smoketest/nope").0, 404);

    assert_eq!(server.get("/"), (200, "bookshop is up\n".to_owned()));
    let (status, books) = server.get("/books");
    assert_eq!(status, 200);
    assert!(
        books
            .lines()
            .any(|title| title == "The Rust Programming Language"),
        "{books}"
    );

    let status = server.terminate();
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn half_sent_requests_are_closed_after_the_header_timeout() {
    // Past the header timeout, hyper closes the connection without a word.
    let ends = example_common::testing::check_half_sent_requests_are_closed(BINARY, 50);
    let expected: Vec<HalfSent> = (0..50).map(|_| HalfSent::Closed(String::new())).collect();
    assert_eq!(ends, expected);
}

#[test]
fn silent_and_preface_connections_are_closed_after_the_header_timeout() {
    // Past the header timeout, hyper closes a connection that sent nothing without a word.
    let silent = example_common::testing::check_unfinished_requests_are_closed(BINARY, 20, b"");
    let closed = String::new();
    assert_eq!(silent, vec![HalfSent::Closed(closed); 20]);
    // The start of HTTP/2's preface is no HTTP/1.1 request: a 400 at once, not a wait for more.
    let preface = b"PRI * HTTP/2.0\r\n";
    let ends = example_common::testing::check_unfinished_requests_are_closed(BINARY, 20, preface);
    let bad = "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\
               date: <date>\r\n\r\n";
    assert_eq!(ends, vec![HalfSent::Closed(bad.to_owned()); 20]);
}
