//! The probe routes of the HTTP contract (section 7): groups, `/test/{name}`, `?tag=`,
//! `?exclude=`, `?verbose` and the startup grace, checked against a server serving
//! [`probes::mounts`](super::probes::mounts), whatever its framework.
#![allow(dead_code, unreachable_pub)]

use reqwest::{Client, Method};

use super::probes::{FILE, GRACE, QUEUE_FAILS_AT, TOKEN, WARMUP_FAILS_AT, name};
use super::{Reply, assert_plain_error, get, request, without_times};

/// The text report's seven lines for `run` tests of which `errored` errored, the time hidden.
fn summary(run: usize, errored: usize) -> String {
    let status = if errored == 0 { "PASS" } else { "FAIL" };
    format!(
        "{status}\ntest classes: 1\ntests run: {run}\ntests passed: {}\ntests failed: 0\n\
         tests errored: {errored}\ntime: <ms>\nrun id: <uuid>",
        run - errored
    )
}

/// The line `queue_answers` (which returns an error) fails with in the text report.
fn queue_failure_line() -> String {
    format!(
        "{} errored: connection refused by queue.internal:5672\\nafter 3 tries (at {FILE}:{QUEUE_FAILS_AT})",
        name("queue_answers"),
    )
}

/// Its line in the Kubernetes text, in full detail: kube-apiserver knows only `failed`.
fn queue_check_line() -> String {
    format!(
        "[-]{} failed: connection refused by queue.internal:5672\\nafter 3 tries (at {FILE}:{QUEUE_FAILS_AT}; \
         owner: team-queue; runbook: https://runbooks.example/queue)",
        name("queue_answers"),
    )
}

fn ok(test: &str) -> String {
    format!("[+]{} ok", name(test))
}

fn assert_text(reply: &Reply, status: u16, expected: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(reply.header("cache-control"), "no-store");
    assert_eq!(without_times(&reply.body), expected, "{reply:?}");
    assert!(reply.body.ends_with('\n'), "{reply:?}");
}

/// A Kubernetes text: `lines`, each ending in `\n`.
fn assert_verbose(reply: &Reply, status: u16, lines: &[String]) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.header("content-type"), "text/plain; charset=utf-8");
    let expected: String = lines.iter().map(|line| format!("{line}\n")).collect();
    assert_eq!(reply.body, expected);
}

fn json(reply: &Reply) -> serde_json::Value {
    assert_eq!(
        reply.header("content-type"),
        "application/json",
        "{reply:?}"
    );
    serde_json::from_str(&reply.body).unwrap()
}

/// Every probe route of the contract against a server at `origin` serving
/// [`probes::mounts`](super::probes::mounts).
pub async fn check_probes(origin: &str) {
    let client = Client::new();
    check_groups(&client, &format!("{origin}/probes")).await;
    check_tags_and_excludes(&client, &format!("{origin}/probes")).await;
    check_one_test(&client, &format!("{origin}/probes")).await;
    check_verbose_detail(&client, &format!("{origin}/summary")).await;
    check_hostile_requests(&client, &format!("{origin}/probes")).await;
    check_startup_grace(&client, &format!("{origin}/starting")).await;
}

async fn check_groups(client: &Client, base: &str) {
    for path in ["/live/", "/live"] {
        let reply = get(client, &format!("{base}{path}")).await;
        assert_text(&reply, 200, &summary(1, 0));
    }
    for path in ["/ready/", "/ready"] {
        let reply = get(client, &format!("{base}{path}")).await;
        assert_text(&reply, 200, &summary(2, 0));
    }
    // A failing group answers its own failure status: 503 by default.
    let queue = format!("{}\n\n{}", summary(1, 1), queue_failure_line());
    assert_text(&get(client, &format!("{base}/queue/")).await, 503, &queue);
    assert_text(
        &get(client, &format!("{base}/queue-500")).await,
        500,
        &queue,
    );
    let all_db = json(&get(client, &format!("{base}/db-all/?format=json")).await);
    assert_eq!(all_db["tier"], "slow");
    assert_eq!(
        all_db["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|test| test["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>(),
        [name("database_answers"), name("database_scan")]
    );

    // `?verbose` on groups and tiers: kube-apiserver's text, with the report's status.
    let ready = get(client, &format!("{base}/ready/?verbose")).await;
    assert_verbose(
        &ready,
        200,
        &[
            ok("database_answers"),
            ok("process_is_up"),
            "ready check passed".into(),
        ],
    );
    let head = request(client, Method::HEAD, &format!("{base}/ready/?verbose"), &[]).await;
    assert_eq!((head.status.as_u16(), head.body.as_str()), (200, ""));
    assert_eq!(head.header("content-length"), ready.body.len().to_string());
    assert_verbose(
        &get(client, &format!("{base}/queue/?verbose=1")).await,
        503,
        &[queue_check_line(), "queue check failed".into()],
    );
    assert_verbose(
        &get(client, &format!("{base}/?verbose")).await,
        500,
        &[
            ok("database_answers"),
            ok("process_is_up"),
            queue_check_line(),
            "fast check failed".into(),
        ],
    );
    assert_verbose(
        &get(client, &format!("{base}/slow?verbose=true")).await,
        500,
        &[
            ok("database_answers"),
            ok("database_scan"),
            ok("process_is_up"),
            queue_check_line(),
            "slow check failed".into(),
        ],
    );
    assert_verbose(
        &get(client, &format!("{base}/db-all/?verbose")).await,
        200,
        &[
            ok("database_answers"),
            ok("database_scan"),
            "db-all check passed".into(),
        ],
    );
}

async fn check_tags_and_excludes(client: &Client, base: &str) {
    // Any of the tags, on every route, with any format.
    assert_text(
        &get(client, &format!("{base}/?tag=db")).await,
        200,
        &summary(1, 0),
    );
    let tagged = json(&get(client, &format!("{base}/slow/?tag=db&tag=live&format=json")).await);
    assert_eq!(tagged["tests_run"], 3);
    assert_eq!(tagged.get("warnings"), None);
    assert_verbose(
        &get(client, &format!("{base}/ready/?tag=live&verbose")).await,
        200,
        &[ok("process_is_up"), "ready check passed".into()],
    );

    // A tag that selects nothing says so, rather than passing silently with zero tests.
    let unknown = get(client, &format!("{base}/?tag=nope&format=json")).await;
    assert_eq!(unknown.status, 200);
    let unknown = json(&unknown);
    assert_eq!(unknown["tests_run"], 0);
    assert_eq!(
        unknown["warnings"],
        serde_json::json!(["tag \"nope\" matches no test"])
    );
    // `queue` exists, but not in the `ready` group.
    assert_verbose(
        &get(client, &format!("{base}/ready/?tag=queue&tag=nope&verbose")).await,
        200,
        &[
            "warn: tag \"queue\" matches no test".into(),
            "warn: tag \"nope\" matches no test".into(),
            "ready check passed".into(),
        ],
    );

    // Excluded tests leave the run, and the Kubernetes text lists them as kube-apiserver does.
    let queue = name("queue_answers");
    assert_text(
        &get(client, &format!("{base}/?exclude={queue}")).await,
        200,
        &summary(2, 0),
    );
    assert_verbose(
        &get(
            client,
            &format!("{base}/?exclude={queue}&exclude=nope&verbose"),
        )
        .await,
        200,
        &[
            ok("database_answers"),
            ok("process_is_up"),
            format!("[+]{queue} excluded: ok"),
            "warn: some health checks cannot be excluded: no matches for \"nope\"".into(),
            "fast check passed".into(),
        ],
    );
    let excluded = get(
        client,
        &format!(
            "{base}/ready/?exclude={}&format=json",
            name("process_is_up")
        ),
    )
    .await;
    assert_eq!(json(&excluded)["tests_run"], 1);
}

async fn check_one_test(client: &Client, base: &str) {
    let up = name("process_is_up");
    for path in [
        format!("/test/{up}"),
        format!("/test/{up}/"),
        format!("/test/{}", up.replace("::", "%3A%3A")),
    ] {
        let reply = get(client, &format!("{base}{path}")).await;
        assert_text(&reply, 200, &summary(1, 0));
    }
    // A slow test runs in the slow tier.
    let scan = json(
        &get(
            client,
            &format!("{base}/test/{}?format=json", name("database_scan")),
        )
        .await,
    );
    assert_eq!(
        (scan["tier"].as_str(), scan["tests_run"].as_u64()),
        (Some("slow"), Some(1))
    );
    // The endpoint's failure status, and the test's name in the Kubernetes text.
    let queue = name("queue_answers");
    assert_verbose(
        &get(client, &format!("{base}/test/{queue}?verbose")).await,
        500,
        &[queue_check_line(), format!("{queue} check failed")],
    );
    // `?exclude=` applies here too.
    assert_verbose(
        &get(
            client,
            &format!("{base}/test/{queue}?verbose&exclude={queue}"),
        )
        .await,
        200,
        &[
            format!("[+]{queue} excluded: ok"),
            format!("{queue} check passed"),
        ],
    );

    // Only the tests the endpoint serves: 404 for any other name, a linked test included.
    assert_plain_error(
        &get(client, &format!("{base}/test/nope")).await,
        404,
        "not found: no test named \"nope\"",
    );
    assert_plain_error(
        &get(
            client,
            &format!("{base}/test/fixture_pass::smoke::config_is_set"),
        )
        .await,
        404,
        "not found: no test named \"fixture_pass::smoke::config_is_set\"",
    );
    let warm = name("warming::cache_is_warm");
    assert_plain_error(
        &get(client, &format!("{base}/test/{warm}")).await,
        404,
        &format!("not found: no test named \"{warm}\""),
    );
}

async fn check_verbose_detail(client: &Client, base: &str) {
    // Summary callers see the names, and every reason withheld.
    let anonymous = get(client, &format!("{base}/queue/?verbose")).await;
    assert_verbose(
        &anonymous,
        503,
        &[
            format!("[-]{} failed: reason withheld", name("queue_answers")),
            "queue check failed".into(),
        ],
    );
    assert_eq!(anonymous.header("vary"), "accept, authorization");
    let authorization = format!("Bearer {TOKEN}");
    let authorized = request(
        client,
        Method::GET,
        &format!("{base}/queue/?verbose"),
        &[("authorization", authorization.as_bytes())],
    )
    .await;
    assert_verbose(
        &authorized,
        503,
        &[queue_check_line(), "queue check failed".into()],
    );
}

async fn check_hostile_requests(client: &Client, base: &str) {
    // Unknown groups and names, however long: a 404 that shows at most 64 characters of them.
    assert_plain_error(
        &get(client, &format!("{base}/nope/")).await,
        404,
        "not found: \"/nope/\"",
    );
    // `/history/` is a route of its own (see `history_contract`).
    for reserved in ["/test", "/test/"] {
        let reply = get(client, &format!("{base}{reserved}")).await;
        assert_eq!(reply.status, 404, "{reserved}: {reply:?}");
    }
    let long = "x".repeat(2000);
    assert_plain_error(
        &get(client, &format!("{base}/{long}")).await,
        404,
        &format!("not found: \"/{}…\"", "x".repeat(63)),
    );
    assert_plain_error(
        &get(client, &format!("{base}/test/{long}")).await,
        404,
        &format!("not found: no test named \"{}…\"", "x".repeat(64)),
    );
    // An escaped group name is another path, as `/%73low` is not `/slow`.
    assert_eq!(get(client, &format!("{base}/%72eady/")).await.status, 404);

    // A test name that is not valid percent-encoded UTF-8: 400, saying so.
    assert_plain_error(
        &get(client, &format!("{base}/test/%ZZ")).await,
        400,
        "bad test name in path \"/test/%ZZ\": a `%` not followed by two hex digits",
    );
    assert_plain_error(
        &get(client, &format!("{base}/test/a%4")).await,
        400,
        "bad test name in path \"/test/a%4\": a `%` not followed by two hex digits",
    );
    assert_plain_error(
        &get(client, &format!("{base}/test/%FF%FE")).await,
        400,
        "bad test name in path \"/test/%FF%FE\": not UTF-8 once percent-decoded",
    );
    let head = request(client, Method::HEAD, &format!("{base}/test/%ZZ"), &[]).await;
    assert_eq!((head.status.as_u16(), head.body.as_str()), (400, ""));

    // Other methods: 405 on every new route.
    for path in [
        "/ready/".to_owned(),
        format!("/test/{}", name("process_is_up")),
    ] {
        for method in [
            Method::POST,
            Method::DELETE,
            Method::from_bytes(b"BREW").unwrap(),
        ] {
            let reply = request(client, method.clone(), &format!("{base}{path}"), &[]).await;
            assert_plain_error(
                &reply,
                405,
                &format!("method \"{method}\" not allowed; use GET or HEAD"),
            );
            assert_eq!(reply.header("allow"), "GET, HEAD");
        }
    }

    // Bad queries: 400 with a reason naming the parameter.
    for (query, line) in [
        ("tag=", "query parameter \"tag\" has an empty value"),
        ("exclude", "query parameter \"exclude\" has an empty value"),
        (
            "tag=db&tag=db",
            "query parameter \"tag\" has the value \"db\" more than once",
        ),
        (
            "verbose&format=json",
            "query parameters \"format\" and \"verbose\" both choose the format; give one of them",
        ),
        (
            "verbose=no",
            "query parameter \"verbose\" has unknown value \"no\"; give it no value, or 1 or true",
        ),
        (
            "verbose&verbose",
            "query parameter \"verbose\" is given more than once",
        ),
    ] {
        for path in ["/ready/", "/"] {
            let reply = get(client, &format!("{base}{path}?{query}")).await;
            assert_plain_error(&reply, 400, line);
        }
    }
    let too_many: Vec<String> = (0..33).map(|i| format!("exclude=x{i}")).collect();
    assert_plain_error(
        &get(client, &format!("{base}/ready/?{}", too_many.join("&"))).await,
        400,
        "query parameter \"exclude\" is given more than 32 times",
    );
}

async fn check_startup_grace(client: &Client, base: &str) {
    let starting = |group: &str| {
        format!("starting: probe group \"{group}\" has not passed yet (startup grace: {GRACE:?})")
    };
    // The first run fails: `starting:`, 503, whatever the format.
    let first = get(client, &format!("{base}/ready/?verbose")).await;
    assert_plain_error(&first, 503, &starting("ready"));
    // The second passes, which ends the grace...
    let second = get(client, &format!("{base}/ready/")).await;
    assert_text(&second, 200, &summary(1, 0));
    // ... so the third run's failure is reported as such.
    let third = get(client, &format!("{base}/ready/?verbose")).await;
    assert_verbose(
        &third,
        503,
        &[
            format!(
                "[-]{} failed: the cache is cold (run 2) (at {FILE}:{WARMUP_FAILS_AT})",
                name("warming::cache_is_warm"),
            ),
            "ready check failed".into(),
        ],
    );
    // A group that never passed is still starting; one whose grace is zero reports at once.
    for _ in 0..2 {
        assert_plain_error(
            &get(client, &format!("{base}/cold/?format=json")).await,
            503,
            &starting("cold"),
        );
    }
    // Machines that parse the answer get their format: Prometheus its metrics with 200,
    // health+json its `fail` document with the group's status.
    let scraped = get(client, &format!("{base}/cold/?format=prometheus")).await;
    assert_eq!(scraped.status, 200, "{scraped:?}");
    assert!(
        scraped
            .body
            .contains("\nsmoketest_run_passed{tier=\"fast\"} 0\n"),
        "{}",
        scraped.body
    );
    let health = get(client, &format!("{base}/cold/?format=health")).await;
    assert_eq!(health.status, 503, "{health:?}");
    assert_eq!(health.header("content-type"), "application/health+json");
    assert!(
        health.body.starts_with(r#"{"status":"fail","#),
        "{}",
        health.body
    );
    let expired = get(client, &format!("{base}/expired/")).await;
    assert_eq!(expired.status, 503, "{expired:?}");
    assert!(expired.body.starts_with("FAIL\n"), "{}", expired.body);
}
