//! The built `example-warp` binary: serves the demo's smoke tests and its own route, and exits 0
//! on SIGTERM.

use example_common::testing::{Server, first_lines};

const BINARY: &str = env!("CARGO_BIN_EXE_example-warp");

// The command line, the signals and a request without a path, as every example handles them.
example_common::shared_binary_tests!(BINARY);

#[test]
fn serves_the_smoke_tests_and_the_bookshop_then_exits_0_on_sigterm() {
    let mut server = Server::spawn(BINARY);

    let (status, body) = server.get("/smoketest/");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        first_lines(&body, 3),
        ["PASS", "test classes: 3", "tests run: 8"]
    );

    let (status, body) = server.get("/smoketest/slow/");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        first_lines(&body, 3),
        ["PASS", "test classes: 3", "tests run: 10"]
    );

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
fn unfinished_requests_are_closed_after_the_header_timeout() {
    // Past the header timeout, hyper closes the connection without a word.
    let timed_out = "";
    example_common::testing::check_unfinished_requests(BINARY, timed_out);
}
