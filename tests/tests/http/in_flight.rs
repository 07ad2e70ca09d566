//! A run of the smoke tests in flight must not hold back the server's other routes: the check
//! each framework's test file makes against its server, with `/smoketest` serving
//! [`hanging_runner`] and `GET /static` answering `ok`.
//!
//! The including test file declares `mod contract` (`http/contract.rs`) next to this module.
#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use reqwest::Client;

use crate::contract::get;

/// Two tests of the failing fixture that hang until their 200 ms time limit.
pub fn hanging_runner() -> smoketest::Runner {
    smoketest::Runner::new()
        .apps(["fixture_fail"])
        .filter("hangs_")
}

/// How hard [`check`] leans on the server.
pub struct Load {
    /// Concurrent requests of `/smoketest/`, each taking at least 200 ms.
    pub runs: usize,
    /// How long the runs get to reach the server before the ordinary requests start.
    pub head_start: Duration,
    /// `GET /static` requests, one after the other, that must all be answered while the runs
    /// are still in flight.
    pub ordinary_requests: usize,
}

/// Sends `load.runs` requests of `{origin}/smoketest/`, then, after `load.head_start`,
/// `load.ordinary_requests` of `{origin}/static`: every `/static` reply is `200 ok` and comes
/// before any run's, and every run's is the `500` report of its two timed-out tests.
pub async fn check(origin: &str, load: Load) {
    let client = Client::new();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();

    let runs: Vec<_> = (0..load.runs)
        .map(|_| {
            let (client, url, done) = (
                client.clone(),
                format!("{origin}/smoketest/"),
                done_tx.clone(),
            );
            tokio::spawn(async move {
                let reply = get(&client, &url).await;
                done.send("smoketest").unwrap();
                reply
            })
        })
        .collect();
    // What is checked is the order of the replies, not their times: the head start only lets the
    // runs begin before the ordinary requests.
    tokio::time::sleep(load.head_start).await;
    for _ in 0..load.ordinary_requests {
        let ordinary = get(&client, &format!("{origin}/static")).await;
        assert_eq!(
            (ordinary.status.as_u16(), ordinary.body.as_str()),
            (200, "ok")
        );
    }
    done_tx.send("static").unwrap();

    for run in runs {
        let reply = run.await.expect("the run's request completes");
        assert_eq!(reply.status, 500, "{reply:?}");
        assert!(reply.body.contains("tests errored: 2\n"), "{}", reply.body);
        assert!(
            reply.body.contains("timed out after 200ms"),
            "{}",
            reply.body
        );
    }
    let mut order = Vec::new();
    while let Ok(route) = done_rx.try_recv() {
        order.push(route);
    }
    let mut expected = vec!["static"];
    expected.resize(1 + load.runs, "smoketest");
    assert_eq!(order, expected);
}
