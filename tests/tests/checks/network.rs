//! `checks::tcp_connect` against a real listener, a closed port and a listener whose queue is
//! full; `checks::dns_resolve` of `localhost` and of a name under `.invalid` (RFC 6761: never
//! resolves), through the system's resolver.

use std::net::{IpAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use smoketest::checks;

use crate::common::{closed_port, errored, failed, passed, run};

#[test]
fn a_listening_port_passes_and_a_closed_one_fails_with_the_os_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = listener.local_addr().expect("its address").to_string();
    assert_eq!(run(checks::tcp_connect(&address)), passed());

    let address = format!("127.0.0.1:{}", closed_port());
    assert_eq!(
        run(checks::tcp_connect(&address)),
        failed(format!(
            "expected a TCP connection to {address} within 5000 ms; {address}: Connection \
             refused (os error 111)"
        ))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_that_never_completes_the_handshake_fails_within_its_limit() {
    // A queue of one that nobody accepts from: once it is full, the kernel drops further
    // connection requests, and a connect waits.
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket.bind("127.0.0.1:0".parse().unwrap()).expect("bound");
    let listener = socket.listen(1).expect("listening");
    let address = listener.local_addr().expect("its address");
    let mut queued = Vec::new();
    let full = loop {
        match TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => queued.push(stream),
            Err(_) => break true,
        }
        if queued.len() > 64 {
            break false;
        }
    };
    if !full {
        let skipped = "SKIPPED: this system's TCP stack accepted 64 connections on a queue of 1, \
                       so no connect can be made to wait here";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{skipped}");
        eprintln!("{skipped}");
        return;
    }
    let started = Instant::now();
    let check = checks::tcp_connect(address.to_string()).within(Duration::from_millis(300));
    let seen = tokio::task::spawn_blocking(move || run(check))
        .await
        .unwrap();
    assert_eq!(
        seen,
        failed(format!(
            "expected a TCP connection to {address} within 300 ms; {address}: no answer in time"
        ))
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    drop(queued);
}

#[test]
fn an_address_without_a_port_errors_saying_what_to_write() {
    for bad in ["db.internal", "db.internal:http", ":5432", ""] {
        assert_eq!(
            run(checks::tcp_connect(bad)),
            errored(format!(
                "cannot run: {bad:?} is not host:port; write e.g. \"db.internal:5432\" or \
                 \"[::1]:6379\""
            ))
        );
    }
}

/// What the system's resolver says `localhost` is, as std sees it.
fn localhost() -> Vec<IpAddr> {
    let mut addresses: Vec<IpAddr> = ("localhost", 0)
        .to_socket_addrs()
        .expect("localhost resolves")
        .map(|address| address.ip())
        .collect();
    addresses.sort();
    addresses.dedup();
    addresses
}

#[test]
fn localhost_resolves_and_an_invalid_name_fails_with_the_resolvers_answer() {
    let addresses = localhost();
    assert_eq!(run(checks::dns_resolve("localhost")), passed());
    assert_eq!(
        run(checks::dns_resolve("localhost").address(addresses[0])),
        passed()
    );
    let elsewhere: IpAddr = "127.0.0.254".parse().unwrap();
    let seen: Vec<String> = addresses.iter().map(IpAddr::to_string).collect();
    assert_eq!(
        run(checks::dns_resolve("localhost").address(elsewhere)),
        failed(format!(
            "expected localhost to resolve to 127.0.0.254; it resolved to {}",
            seen.join(", ")
        ))
    );

    let (outcome, message) = run(checks::dns_resolve("smoketest-check.invalid"));
    assert_eq!(outcome, smoketest::Outcome::Failed);
    let error = ("smoketest-check.invalid", 0)
        .to_socket_addrs()
        .unwrap_err();
    assert_eq!(
        message,
        format!("expected smoketest-check.invalid to resolve; the resolver said: {error}")
    );
}

#[test]
fn a_name_that_is_not_a_host_name_errors() {
    for bad in ["", "db internal", "db.internal:5432"] {
        assert_eq!(
            run(checks::dns_resolve(bad)),
            errored(format!(
                "cannot run: {bad:?} is not a host name; write e.g. \"db.internal\" (no port, \
                 no scheme)"
            ))
        );
    }
}
