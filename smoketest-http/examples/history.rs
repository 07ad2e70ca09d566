//! Flap damping, status-change hooks and the run history of a probe group.
use smoketest::{Check, Runner};
use smoketest_http::{Group, SmokeEndpoint, StatusChange};

fn main() {
    let runner = Runner::new().apps(["payments"]).check(
        "payments::api_answers",
        Check::new(|| Ok::<(), String>(())).tags(["ready"]),
    );
    // A webhook: the hook only queues the change; a task of the app posts it.
    let (webhook, _to_post) = std::sync::mpsc::channel::<StatusChange>();
    let webhook = std::sync::Mutex::new(webhook);
    let ready = Group::new()
        .tags(["ready"])
        .fail_after(3) // FAIL only after 3 failing runs in a row,
        .pass_after(2) // then PASS again only after 2 passing ones
        .on_change(move |change| {
            eprintln!("smoke tests: {change}"); // a log line
            let _ = webhook.lock().unwrap().send(change.clone());
        });
    let endpoint = SmokeEndpoint::new(runner).group("ready", ready).history(50); // runs kept per tier and group (default 20)

    for path in ["/ready/", "/history/"] {
        let request = http::Request::get(path).body(()).unwrap();
        let response = futures_executor::block_on(endpoint.handle(&request));
        println!("GET {path}: {}\n{}", response.status(), response.body());
    }
}
