//! The HTTP contract (README, "Over HTTP") through actix-web 4, plus what is particular to actix: its `http` 0.2 types, its
//! scopes, its matching on a partly decoded path, and its own `HEAD` and 404 handling.

#[path = "http/contract.rs"]
mod contract;
#[path = "http/in_flight.rs"]
mod in_flight;
#[path = "http/actix_web.rs"]
mod server;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use actix_web::{App, test, web};
use reqwest::{Client, Method};

use contract::{Reply, get, request};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_web_serves_contract_section_5() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    contract::check_contract(&origin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_web_serves_the_history_thresholds_and_hooks_of_section_8() {
    let (mounts, hooks) = contract::history_contract::mounts();
    let origin = server::start_with(mounts).await;
    contract::history_contract::check_history(&origin, &hooks).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_web_serves_the_probe_routes_of_section_7() {
    let origin = server::start_with(contract::probes::mounts()).await;
    contract::probe_contract::check_probes(&origin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_in_flight_does_not_block_other_routes() {
    // One worker: were the run to hold its thread, nothing else could be answered.
    let origin =
        server::start_with_workers(1, in_flight::hanging_runner(), contract::failing_runner())
            .await;
    let load = in_flight::Load {
        runs: 1,
        head_start: Duration::from_millis(50),
        ordinary_requests: 1,
    };
    in_flight::check(&origin, load).await;
}

/// Sends `request` as raw bytes and returns the raw response, so nothing between the test and
/// actix normalises the method, the path or a header.
fn raw(origin: &str, request: &str) -> String {
    let address = origin.strip_prefix("http://").expect("an http origin");
    let mut stream = TcpStream::connect(address).expect("the server accepts connections");
    stream
        .write_all(request.as_bytes())
        .expect("the request is sent");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("the response is read");
    response
}

/// The status line and the headers, lower-cased and sorted, but for `date` and `connection`.
fn head_of(raw_response: &str) -> (String, Vec<String>) {
    let (head, _) = raw_response
        .split_once("\r\n\r\n")
        .expect("a complete response head");
    let mut lines = head.lines();
    let status = lines.next().expect("a status line").to_owned();
    let mut headers: Vec<String> = lines
        .map(str::to_ascii_lowercase)
        .filter(|line| !line.starts_with("date:") && !line.starts_with("connection:"))
        .collect();
    headers.sort();
    (status, headers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_keeps_the_get_content_length_on_every_status() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    let client = Client::new();
    // Bodies that are the same on every request, so GET's length is HEAD's.
    for path in [
        "/smoketest/nope",
        "/smoketest/?format=xml",
        "/smoketest/slow/?bogus",
    ] {
        let got = get(&client, &format!("{origin}{path}")).await;
        let head = request(&client, Method::HEAD, &format!("{origin}{path}"), &[]).await;
        assert_eq!(head.status, got.status, "{path}");
        assert_eq!(head.body, "", "{path}");
        assert_eq!(
            head.header("content-length"),
            got.body.len().to_string(),
            "{path}"
        );
        for name in ["content-type", "cache-control"] {
            assert_eq!(head.header(name), got.header(name), "{path}: {name}");
        }
    }
    // Reports: their times vary in length from run to run, so only a report's worth of length.
    for (path, status, content_type) in [
        ("/smoketest/slow?format=json", 200, "application/json"),
        ("/failing", 500, "text/plain; charset=utf-8"),
    ] {
        let head = request(&client, Method::HEAD, &format!("{origin}{path}"), &[]).await;
        assert_eq!(head.status, status, "{path}");
        assert_eq!(head.body, "", "{path}");
        assert_eq!(head.header("content-type"), content_type, "{path}");
        let length: usize = head.header("content-length").parse().expect("a length");
        assert!(length > 100, "{path}: content-length {length}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_adds_no_header_of_its_own_but_date() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    let response = raw(
        &origin,
        "GET /smoketest/nope HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    );
    assert_eq!(
        head_of(&response),
        (
            "HTTP/1.1 404 Not Found".to_owned(),
            vec![
                "cache-control: no-store".to_owned(),
                "content-length: 19".to_owned(),
                "content-type: text/plain; charset=utf-8".to_owned(),
                "x-content-type-options: nosniff".to_owned(),
            ]
        )
    );
    assert!(
        response.ends_with("\r\n\r\nnot found: \"/nope\"\n"),
        "{response}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extension_method_reaches_the_core_as_sent() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    let response = raw(
        &origin,
        "BREW /smoketest/slow/ HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    );
    assert!(
        response.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
        "{response}"
    );
    assert!(response.contains("\r\nallow: GET, HEAD\r\n"), "{response}");
    assert!(
        response.ends_with("\r\n\r\nmethod \"BREW\" not allowed; use GET or HEAD\n"),
        "{response}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_core_sees_the_raw_path_and_query() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    let client = Client::new();
    // actix matches routes on a copy of the path with `%73` decoded to `s`; the core, as behind
    // every other framework, gets the path as sent.
    let escaped: Reply = get(&client, &format!("{origin}/smoketest/%73low/")).await;
    assert_eq!(escaped.status, 404);
    assert_eq!(escaped.body, "not found: \"/%73low/\"\n");
    // The query reaches the core undecoded, and the core decodes it.
    let json = get(&client, &format!("{origin}/smoketest?format=%6Aso%6E")).await;
    assert_eq!(json.status, 200, "{json:?}");
    assert_eq!(json.header("content-type"), "application/json");
    let empty_query = get(&client, &format!("{origin}/smoketest/slow?")).await;
    assert_eq!(empty_query.status, 200, "{empty_query:?}");
    assert!(
        empty_query
            .body
            .starts_with("PASS\ntest classes: 3\ntests run: 5\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scope_ends_at_a_segment_boundary() {
    let origin = server::start(contract::passing_runner(), contract::failing_runner()).await;
    let client = Client::new();
    // Not below the mount: actix's own 404, empty, not the core's.
    let outside = get(&client, &format!("{origin}/smoketest-other/")).await;
    assert_eq!((outside.status.as_u16(), outside.body.as_str()), (404, ""));
    assert!(outside.headers.get("cache-control").is_none());
    let other_route = get(&client, &format!("{origin}/static")).await;
    assert_eq!(other_route.body, "ok");
}

#[test]
fn the_scope_nests_and_takes_a_trailing_slash() {
    actix_web::rt::System::new().block_on(async {
        let app = test::init_service(
            App::new().service(
                web::scope("/admin")
                    .service(smoketest_http::actix_web::scope(
                        "/smoketest/",
                        contract::passing_runner(),
                    ))
                    .route("/other", web::get().to(|| async { "other" })),
            ),
        )
        .await;
        for (path, status, first_line) in [
            ("/admin/smoketest", 200, "PASS"),
            ("/admin/smoketest/", 200, "PASS"),
            ("/admin/smoketest/slow/", 200, "PASS"),
            ("/admin/smoketest/%2e", 404, "not found: \"/%2e\""),
            ("/admin/smoketest//slow", 404, "not found: \"//slow\""),
            ("/admin/other", 200, "other"),
        ] {
            let response =
                test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
            assert_eq!(response.status().as_u16(), status, "{path}");
            let body = test::read_body(response).await;
            let body = String::from_utf8_lossy(&body);
            assert_eq!(body.lines().next(), Some(first_line), "{path}: {body}");
        }
    });
}
