//! The README's example (`readme.rs`) with two upstreams from "configuration": one answering
//! 200, one 503, on a real server.

use std::time::Duration;

use smoketest::{Outcome, Tier};

use crate::http::upstream;
use crate::readme::{Upstream, runner};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_example_registers_a_check_per_upstream() {
    let server = upstream().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let upstreams = [
        Upstream {
            name: "payments".into(),
            health_url: format!("{}/ok", server.base),
            budget: Duration::from_secs(2),
        },
        Upstream {
            name: "search".into(),
            health_url: format!("{}/unavailable", server.base),
            budget: Duration::from_secs(2),
        },
    ];
    let runner = runner(&upstreams, dir.path().to_str().unwrap());
    assert_eq!(
        runner.test_names(Tier::Fast),
        [
            "config::env",
            "config::upstreams",
            "disk::free",
            "disk::writable",
            "upstream::payments",
            "upstream::search",
        ]
    );
    let report = runner
        .apps(["upstream", "config::upstreams", "disk::writable"])
        .run_async(Tier::Fast)
        .await;
    let seen: Vec<(&str, Outcome, u32)> = report
        .tests
        .iter()
        .map(|test| (&*test.name, test.outcome, test.attempts))
        .collect();
    assert_eq!(
        seen,
        [
            ("config::upstreams", Outcome::Passed, 1),
            ("disk::writable", Outcome::Passed, 1),
            ("upstream::payments", Outcome::Passed, 1),
            ("upstream::search", Outcome::Failed, 2),
        ]
    );
    let search = &report.tests[3];
    let message = search.message.as_deref().unwrap();
    let url = &upstreams[1].health_url;
    assert!(
        message.starts_with(&format!("GET {url} answered 503 in "))
            && message.ends_with(" ms, expected 200 (attempt 2 of 2)"),
        "{message}"
    );
}
