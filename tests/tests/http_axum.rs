//! The HTTP contract (README, "Over HTTP") through axum 0.8: `Router::nest_service("/smoketest", smoketest_http::axum::service(runner))`.

#[path = "http/contract.rs"]
mod contract;
#[path = "http/in_flight.rs"]
mod in_flight;
#[path = "http/axum.rs"]
mod server;

use std::time::Duration;

use axum::Router;
use reqwest::{Client, Method};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_serves_contract_section_5() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    contract::check_contract(&origin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_serves_the_history_thresholds_and_hooks_of_section_8() {
    let (mounts, hooks) = contract::history_contract::mounts();
    let origin = server::start_with(mounts).await;
    contract::history_contract::check_history(&origin, &hooks).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_serves_the_probe_routes_of_section_7() {
    let origin = server::start_with(contract::probes::mounts()).await;
    contract::probe_contract::check_probes(&origin).await;
}

// One thread for the server and the client: a glue that blocked it while tests run would hold
// back the static reply.
#[tokio::test(flavor = "current_thread")]
async fn a_run_in_flight_does_not_block_other_routes() {
    let origin = server::start(in_flight::hanging_runner(), contract::failing_runner()).await;
    let load = in_flight::Load {
        runs: 1,
        head_start: Duration::from_millis(50),
        ordinary_requests: 1,
    };
    in_flight::check(&origin, load).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mount_works_inside_a_nested_router() {
    let app = Router::new().nest(
        "/ops",
        server::app(contract::passing_runner(), contract::failing_runner()),
    );
    let origin = server::serve(app).await;
    let client = Client::new();
    for (path, tests_run) in [
        ("/ops/smoketest", "tests run: 4"),
        ("/ops/smoketest/", "tests run: 4"),
        ("/ops/smoketest/slow", "tests run: 5"),
        ("/ops/smoketest/slow/", "tests run: 5"),
    ] {
        let reply = contract::get(&client, &format!("{origin}{path}")).await;
        assert_eq!(reply.status, 200, "{path}: {reply:?}");
        assert_eq!(reply.body.lines().nth(2), Some(tests_run), "{path}");
    }
    // `nest` strips `/ops` too: the extra slash must still be seen below the mount point.
    let double_slash = contract::get(&client, &format!("{origin}/ops/smoketest//")).await;
    assert_eq!(double_slash.status, 404, "{double_slash:?}");
    let outside = contract::get(&client, &format!("{origin}/smoketest/")).await;
    assert_eq!(outside.status, 404, "{outside:?}");
    let static_route = contract::get(&client, &format!("{origin}/ops/static")).await;
    assert_eq!(
        (static_route.status.as_u16(), static_route.body.as_str()),
        (200, "ok")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mount_point_may_hold_a_path_parameter() {
    let service = smoketest_http::axum::service(contract::passing_runner());
    let origin = server::serve(Router::new().nest_service("/{tenant}/smoketest", service)).await;
    let client = Client::new();
    for (path, status) in [
        ("/acme/smoketest", 200),
        ("/acme/smoketest/", 200),
        ("/acme/smoketest/slow", 200),
        ("/acme/smoketest/slow/", 200),
        ("/acme/smoketest/nope", 404),
        ("/acme/smoketest//", 404),
    ] {
        let reply = contract::get(&client, &format!("{origin}{path}")).await;
        assert_eq!(reply.status, status, "{path}: {reply:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mount_works_in_a_router_with_state() {
    #[derive(Clone)]
    struct AppState {
        greeting: &'static str,
    }
    let app = Router::new()
        .route(
            "/static",
            axum::routing::get(
                |axum::extract::State(state): axum::extract::State<AppState>| async move {
                    state.greeting
                },
            ),
        )
        .nest_service(
            "/smoketest",
            smoketest_http::axum::service(contract::passing_runner()),
        )
        .with_state(AppState { greeting: "ok" });
    let origin = server::serve(app).await;
    let client = Client::new();
    let reply = contract::get(&client, &format!("{origin}/smoketest/")).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(reply.body.starts_with("PASS\n"), "{}", reply.body);
    assert_eq!(
        contract::get(&client, &format!("{origin}/static"))
            .await
            .body,
        "ok"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_requests_get_the_cores_answers_not_a_500() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    let client = Client::new();
    let base = format!("{origin}/smoketest");

    // A method axum's method router would not know, and a body the glue never reads.
    let brew = Method::from_bytes(b"BREW").unwrap();
    let reply = contract::request(&client, brew, &format!("{base}/"), &[]).await;
    assert_eq!(reply.status, 405, "{reply:?}");
    assert_eq!(reply.body, "method \"BREW\" not allowed; use GET or HEAD\n");
    assert_eq!(reply.header("allow"), "GET, HEAD");
    let post = client
        .post(format!("{base}/slow/"))
        .body("format=json")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);

    // HEAD of the slow tier and of the bare mount point.
    for path in ["", "/slow"] {
        let head = contract::request(&client, Method::HEAD, &format!("{base}{path}"), &[]).await;
        assert_eq!(head.status, 200, "{path}: {head:?}");
        assert_eq!(head.body, "");
        assert_ne!(head.header("content-length"), "0");
    }

    // Paths are not decoded on the way: an escaped `slow` is another path.
    let escaped = contract::get(&client, &format!("{base}/%73low/")).await;
    assert_eq!(escaped.status, 404, "{escaped:?}");
    assert_eq!(escaped.body, "not found: \"/%73low/\"\n");

    // A query on the bare mount point survives the prefix stripping.
    let json = contract::get(&client, &format!("{base}?format=json")).await;
    assert_eq!(json.header("content-type"), "application/json");
}
