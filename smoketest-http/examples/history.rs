//! Flap damping, status-change hooks and the run history of a probe group.
use std::sync::atomic::{AtomicBool, Ordering};

use smoketest::{Check, Runner};
use smoketest_http::{Group, SmokeEndpoint, StatusChange};

static API_DOWN: AtomicBool = AtomicBool::new(true);

fn main() {
    let api_answers = Check::new(|| match API_DOWN.load(Ordering::SeqCst) {
        true => Err("connection refused"),
        false => Ok(()),
    });
    let runner = Runner::new()
        .apps(["payments"])
        .check("payments::api_answers", api_answers.tags(["ready"]));
    // A webhook: the hook only queues the change; a task of the app posts it.
    let (webhook, _to_post) = std::sync::mpsc::channel::<StatusChange>();
    let webhook = std::sync::Mutex::new(webhook);
    let ready = Group::new()
        .tags(["ready"])
        .fail_after(3) // 503 only after 3 failing runs in a row,
        .pass_after(2) // then 200 again only after 2 passing ones
        .on_change(move |change| {
            eprintln!("smoke tests: {change}"); // a log line
            let _ = webhook.lock().unwrap().send(change.clone());
        });
    let endpoint = SmokeEndpoint::new(runner).group("ready", ready).history(50); // runs kept per tier and group (default 20)
    let get = |path: &str| {
        let request = http::Request::get(path).body(()).unwrap();
        futures_executor::block_on(endpoint.handle(&request))
    };

    // The API is down for 3 runs, then up for 2: the codes are 200, 200, 503, 503, 200, while
    // every report says how its run went (FAIL, FAIL, FAIL, PASS, PASS), with a warning when
    // the code is not its status.
    for run in 0..5 {
        API_DOWN.store(run < 3, Ordering::SeqCst);
        let response = get("/ready/");
        let body = response.body();
        let warning = body.lines().find(|line| line.starts_with("warning: "));
        let first = body.lines().next().unwrap_or_default();
        println!(
            "GET /ready/: {} {first} {}",
            response.status(),
            warning.unwrap_or("")
        );
    }
    println!("GET /history/: {}", get("/history/").body());
}
