//! Run history, thresholds and `on_change` hooks (section 8), checked against a server serving
//! [`mounts`], whatever its framework: `GET /history/` after a scripted sequence of runs, the
//! status codes flap damping gives, the hooks' calls counted, a hook that hangs and one that
//! panics, and hostile requests on `/history/`.
#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, Method};
use serde_json::{Value, json};
use smoketest::{Check, Runner};
use smoketest_http::{Detail, Group, SmokeEndpoint, StatusChange};

use super::{Reply, get, request};

/// Whether `hist::flaky` passes in its run `n` (from 0); it passes in every run after these.
pub const SCRIPT: [bool; 7] = [true, false, false, true, false, true, true];

/// The bearer token of the `/hist-summary` endpoint.
pub const TOKEN: &str = "history-token";

/// Status changes as hooks received them, as log lines.
pub type Seen = Arc<Mutex<Vec<String>>>;

/// What the hooks of one server's endpoints saw and how often.
#[derive(Clone, Default)]
pub struct Hooks {
    /// The `ready` group's own hook.
    pub ready: Seen,
    /// The `/hist` endpoint's hook: every tier and group.
    pub endpoint: Seen,
    /// Calls of the hook that hangs, and of the one that panics.
    pub hanging: Arc<AtomicUsize>,
    pub panicking: Arc<AtomicUsize>,
}

fn recording(seen: &Seen) -> impl Fn(&StatusChange) + Send + Sync + 'static {
    let seen = Arc::clone(seen);
    move |change| seen.lock().unwrap().push(change.to_string())
}

/// A check that follows [`SCRIPT`], one step per run, failing with `not ready (run N)`.
fn scripted() -> impl Fn() -> Result<(), String> + Send + Sync + 'static {
    let runs = AtomicUsize::new(0);
    move || {
        let run = runs.fetch_add(1, Ordering::SeqCst);
        match SCRIPT.get(run).copied().unwrap_or(true) {
            true => Ok(()),
            false => Err(format!("not ready (run {run})")),
        }
    }
}

/// The endpoint at `/hist`: `hist::flaky` ([`SCRIPT`]), `hist::steady` (passes) and
/// `hist::cold` (`warn_only`, always warns). Groups `ready` (`flaky` and `steady`; FAIL after 2
/// failing runs in a row, PASS after 2 passing ones, its own hook) and `live` (`steady`). It
/// keeps 6 runs per tier and group; its own hook sees every change.
pub fn endpoint(hooks: &Hooks) -> SmokeEndpoint {
    let runner = Runner::new()
        .apps(["hist"])
        .check("hist::flaky", Check::new(scripted()).tags(["ready"]))
        .check("hist::steady", Check::new(|| {}).tags(["ready", "live"]))
        .check(
            "hist::cold",
            Check::new(|| Err::<(), _>("cold cache")).warn_only(),
        );
    let ready = Group::new()
        .tags(["ready"])
        .fail_after(2)
        .pass_after(2)
        .on_change(recording(&hooks.ready));
    SmokeEndpoint::new(runner)
        .group("ready", ready)
        .group("live", Group::new().tags(["live"]))
        .history(6)
        .on_change(recording(&hooks.endpoint))
}

/// A check that fails on its even runs (0, 2, …) and passes on its odd ones.
fn toggling() -> impl Fn() -> Result<(), &'static str> + Send + Sync + 'static {
    let runs = AtomicUsize::new(0);
    move || match runs.fetch_add(1, Ordering::SeqCst) % 2 {
        0 => Err("down"),
        _ => Ok(()),
    }
}

/// The endpoint at `/hooks`: groups `hang` and `panic`, each over a check of its own that
/// fails and passes in turn, so that each of their runs changes their status; the hook of
/// `hang` never returns from its first call, the hook of `panic` panics on every call.
pub fn hooks_endpoint(hooks: &Hooks) -> SmokeEndpoint {
    let runner = Runner::new()
        .apps(["hooks"])
        .check("hooks::hang", Check::new(toggling()).tags(["hang"]))
        .check("hooks::panic", Check::new(toggling()).tags(["panic"]));
    let hanging = Arc::clone(&hooks.hanging);
    let panicking = Arc::clone(&hooks.panicking);
    let hang = Group::new().tags(["hang"]).on_change(move |_| {
        hanging.fetch_add(1, Ordering::SeqCst);
        // As a hook blocked on a webhook that never answers.
        loop {
            std::thread::park();
        }
    });
    let panic = Group::new().tags(["panic"]).on_change(move |change| {
        panicking.fetch_add(1, Ordering::SeqCst);
        panic!("a hook with a bug, called for {}", change.run_id);
    });
    SmokeEndpoint::new(runner)
        .group("hang", hang)
        .group("panic", panic)
}

/// The startup grace of the `/graced` endpoint's group: long enough for a loaded machine to
/// start the server and send a first request within it, short enough to wait out.
pub const GRACED: Duration = Duration::from_secs(2);

/// The endpoint at `/graced`: one check, `graced::down`, that always fails, and a group `ready`
/// over it with a startup grace of [`GRACED`] (from when the endpoint is made) that fails after
/// 3 failing runs in a row; it keeps 100 runs.
pub fn graced_endpoint() -> SmokeEndpoint {
    let runner = Runner::new()
        .apps(["graced"])
        .check("graced::down", || Err::<(), _>("down"));
    let ready = Group::new().startup_grace(GRACED).fail_after(3);
    // Room for every run of the check, however many the grace sees.
    SmokeEndpoint::new(runner)
        .group("ready", ready)
        .history(100)
}

/// The endpoints of the history checks at their mount points, and what their hooks see.
pub fn mounts() -> (Vec<(&'static str, SmokeEndpoint)>, Hooks) {
    let hooks = Hooks::default();
    let summary = endpoint(&Hooks::default())
        .bearer_token(TOKEN)
        .anonymous(Detail::Summary);
    let mounts = vec![
        ("/hist", endpoint(&hooks)),
        ("/hist-summary", summary),
        ("/hooks", hooks_endpoint(&hooks)),
        ("/graced", graced_endpoint()),
    ];
    (mounts, hooks)
}

/// A history document with each entry's `time`, `run_id` and `duration` blanked.
pub fn without_entry_times(body: &str) -> String {
    let mut json: Value = serde_json::from_str(body).unwrap();
    for kind in ["tiers", "groups"] {
        for entries in json[kind]
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            for entry in entries.as_array_mut().into_iter().flatten() {
                entry["time"] = "<time>".into();
                entry["run_id"] = "<run_id>".into();
                entry["duration"] = 0.into();
            }
        }
    }
    json.to_string()
}

/// An entry of the history, times blanked: the run's own status, the reported one, and
/// whether `hist::flaky` failed.
fn entry(run: bool, reported: bool, warned: bool) -> Value {
    let status = |passed: bool| if passed { "PASS" } else { "FAIL" };
    let tests = 2 + usize::from(warned);
    json!({
        "time": "<time>", "run_id": "<run_id>", "status": status(run),
        "reported": status(reported), "tests_run": tests,
        "tests_passed": if run { 2 } else { 1 }, "tests_failed": 0,
        "tests_errored": usize::from(!run), "tests_warned": usize::from(warned),
        "duration": 0,
        "failing": if run { json!([]) } else { json!(["hist::flaky"]) },
        "warned": if warned { json!(["hist::cold"]) } else { json!([]) },
    })
}

fn history_json(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.header("cache-control"), "no-store");
    serde_json::from_str(&without_entry_times(&reply.body)).unwrap()
}

/// Waits until `seen` holds `count` lines (hooks run on threads of their own), then a little
/// longer to see that no more come.
async fn settled(seen: &Seen, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.lock().unwrap().len() < count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    seen.lock().unwrap().clone()
}

/// Every history check against a server at `origin` serving [`mounts`], with the `hooks`
/// [`mounts`] returned.
pub async fn check_history(origin: &str, hooks: &Hooks) {
    let client = Client::new();
    // First: its grace started with the server.
    check_grace_then_damping(&client, &format!("{origin}/graced")).await;
    check_runs_thresholds_and_hooks(&client, &format!("{origin}/hist"), hooks).await;
    check_summary_callers(&client, &format!("{origin}/hist-summary")).await;
    check_hostile_requests(&client, &format!("{origin}/hist")).await;
    check_hooks_that_hang_or_panic(&client, &format!("{origin}/hooks"), hooks).await;
}

async fn check_runs_thresholds_and_hooks(client: &Client, base: &str, hooks: &Hooks) {
    let empty = json!({"limit": 6, "tiers": {"fast": [], "slow": []},
                       "groups": {"ready": [], "live": []}});
    for path in ["/history/", "/history"] {
        assert_eq!(
            history_json(&get(client, &format!("{base}{path}")).await),
            empty
        );
    }

    // `ready` fails after 2 failing runs in a row and passes after 2 passing ones.
    let mut statuses = Vec::new();
    let mut bodies = Vec::new();
    for _ in SCRIPT {
        let reply = get(client, &format!("{base}/ready/?format=json")).await;
        statuses.push(reply.status.as_u16());
        bodies.push(serde_json::from_str::<Value>(&reply.body).unwrap());
    }
    assert_eq!(statuses, [200, 200, 503, 503, 503, 503, 200]);
    // Thresholds damp the status code only: every report is its run's own.
    let own: Vec<&Value> = bodies.iter().map(|body| &body["status"]).collect();
    assert_eq!(
        own,
        ["PASS", "FAIL", "FAIL", "PASS", "FAIL", "PASS", "PASS"]
    );
    // A damped run says why its code is not its status.
    assert_eq!(
        bodies[1]["warnings"],
        json!(["failed run 1 of 2 in a row: answered 200 until 2 runs in a row fail"])
    );
    assert_eq!(bodies[1]["errored_tests"], json!(["hist::flaky"]));
    assert_eq!(bodies[1]["tests_errored"], 1);
    assert_eq!(
        bodies[3]["warnings"],
        json!([
            "passed run 1 of 2 in a row: answered with the failure status until 2 runs in a row pass"
        ])
    );
    assert_eq!(bodies[3]["tests_errored"], 0);
    assert_eq!(bodies[5]["warnings"], bodies[3]["warnings"]);
    for undamped in [0, 2, 4, 6] {
        assert_eq!(bodies[undamped].get("warnings"), None, "run {undamped}");
    }
    let ready = format!("{base}/ready/");

    // The last 6 of the 7 runs, oldest first; `/history/` itself ran nothing.
    let history = get(client, &format!("{base}/history/")).await;
    let expected_ready = [
        entry(false, true, false),
        entry(false, false, false),
        entry(true, false, false),
        entry(false, false, false),
        entry(true, false, false),
        entry(true, true, false),
    ];
    assert_eq!(
        history_json(&history),
        json!({"limit": 6, "tiers": {"fast": [], "slow": []},
               "groups": {"ready": expected_ready, "live": []}})
    );
    let raw: Value = serde_json::from_str(&history.body).unwrap();
    let ids: Vec<&str> = raw["groups"]["ready"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["run_id"].as_str().unwrap())
        .collect();
    let reports: Vec<&str> = bodies[1..]
        .iter()
        .map(|body| body["run_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids, reports,
        "the history keeps the runs the reports came from"
    );
    assert!(
        raw["groups"]["ready"][0]["time"]
            .as_str()
            .is_some_and(|time| time.ends_with('Z') && time.len() == 24),
        "{raw}"
    );

    // Two changes, each seen by the group's hook and the endpoint's, with the run that made it.
    let changes = [
        format!(
            "group \"ready\" changed from PASS to FAIL (run {}, started {}): hist::flaky",
            bodies[2]["run_id"].as_str().unwrap(),
            bodies[2]["started"].as_str().unwrap()
        ),
        format!(
            "group \"ready\" changed from FAIL to PASS (run {}, started {})",
            bodies[6]["run_id"].as_str().unwrap(),
            bodies[6]["started"].as_str().unwrap()
        ),
    ];
    assert_eq!(settled(&hooks.ready, 2).await, changes);
    assert_eq!(settled(&hooks.endpoint, 2).await, changes);

    // The fast tier has a history of its own; its first run passes (warned), no change.
    let fast = get(client, &format!("{base}/?format=json")).await;
    assert_eq!(fast.status, 200, "{fast:?}");
    // A narrowed run is neither recorded nor damped.
    let narrowed = get(client, &format!("{base}/?tag=ready")).await;
    assert_eq!(narrowed.status, 200, "{narrowed:?}");
    let one = get(client, &format!("{base}/test/hist::steady")).await;
    assert_eq!(one.status, 200, "{one:?}");
    let history = history_json(&get(client, &format!("{base}/history/")).await);
    assert_eq!(
        history["tiers"],
        json!({"fast": [entry(true, true, true)], "slow": []})
    );
    assert_eq!(history["groups"]["ready"], json!(expected_ready));
    assert_eq!(settled(&hooks.endpoint, 2).await.len(), 2);

    // The HTML page: `hist::flaky` went F, P, F, P, P and now P in the last 6 runs of `ready`.
    let page = get(client, &format!("{ready}?format=html")).await;
    assert_eq!(page.status, 200, "{page:?}");
    let flaky = page
        .body
        .split("<code>hist::<wbr>flaky</code>")
        .nth(1)
        .expect("a row for hist::flaky");
    let row = &flaky[..flaky.find("</tr>").unwrap()];
    assert!(
        row.starts_with(
            "<span class=\"flaky\" title=\"changed between passing and not passing 3 times in \
             its last 6 runs\">flaky</span><div class=\"meta\">tags: ready</div></td>"
        ),
        "{row}"
    );
    let cells: Vec<&str> = row
        .split("<li class=\"")
        .skip(1)
        .map(|cell| &cell[..cell.find('"').unwrap()])
        .collect();
    assert_eq!(
        cells,
        ["errored", "passed", "errored", "passed", "passed", "passed"]
    );
    assert!(row.contains(" aria-label=\"20"), "{row}");
    let steady = page
        .body
        .split("<code>hist::<wbr>steady</code>")
        .nth(1)
        .unwrap();
    let steady = &steady[..steady.find("</tr>").unwrap()];
    assert!(!steady.contains("flaky"), "steady is not flaky: {steady}");
    assert_eq!(
        steady.matches("<li class=\"passed\"").count(),
        6,
        "{steady}"
    );
}

/// The lines of a text report of `graced::down` failing, its `time` and run id blanked, with
/// the run's `warnings`.
fn graced_failure(body: &str, warnings: &[String]) -> Vec<String> {
    let body = super::without_times(body);
    let mut lines: Vec<String> = body.lines().map(str::to_owned).collect();
    // The message's location is this file's line of the check.
    assert!(
        lines[9].starts_with("graced::down errored: down (at tests/tests/http/"),
        "{body}"
    );
    lines[9] = "graced::down errored: down".into();
    let mut expected: Vec<String> = [
        "FAIL",
        "test classes: 1",
        "tests run: 1",
        "tests passed: 0",
        "tests failed: 0",
        "tests errored: 1",
        "time: <ms>",
        "run id: <uuid>",
        "",
        "graced::down errored: down",
    ]
    .map(str::to_owned)
    .to_vec();
    if !warnings.is_empty() {
        expected.push(String::new());
        expected.extend(warnings.iter().map(|warning| format!("warning: {warning}")));
    }
    assert_eq!(lines, expected, "{body}");
    lines
}

/// A group with a startup grace and `fail_after(3)` over a check that always fails: `starting:`
/// (503) until the grace is over, whatever the number of runs; then two runs answered 200 with
/// their FAIL reports, then the failure status. The grace's runs are kept, and do not count.
async fn check_grace_then_damping(client: &Client, base: &str) {
    let url = format!("{base}/ready/");
    let starting =
        format!("starting: probe group \"ready\" has not passed yet (startup grace: {GRACED:?})\n");
    let deadline = Instant::now() + GRACED + Duration::from_secs(10);
    let mut in_grace = 0;
    let first = loop {
        let reply = get(client, &url).await;
        if !reply.body.starts_with("starting:") || Instant::now() > deadline {
            break reply;
        }
        assert_eq!((reply.status.as_u16(), &reply.body), (503, &starting));
        in_grace += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        in_grace >= 1,
        "the grace of {GRACED:?} was over before the first request: too slow a machine?"
    );
    let damped = |run: u32| {
        vec![format!(
            "failed run {run} of 3 in a row: answered 200 until 3 runs in a row fail"
        )]
    };
    assert_eq!(first.status, 200, "{first:?}");
    graced_failure(&first.body, &damped(1));
    let second = get(client, &url).await;
    assert_eq!(second.status, 200, "{second:?}");
    graced_failure(&second.body, &damped(2));
    let third = get(client, &url).await;
    assert_eq!(third.status, 503, "{third:?}");
    graced_failure(&third.body, &[]);

    let history = history_json(&get(client, &format!("{base}/history/")).await);
    let reported: Vec<String> = history["groups"]["ready"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| format!("{}/{}", entry["status"], entry["reported"]).replace('"', ""))
        .collect();
    let mut expected = vec!["FAIL/FAIL"; in_grace];
    expected.extend(["FAIL/PASS", "FAIL/PASS", "FAIL/FAIL"]);
    assert_eq!(reported, expected);
}

async fn check_summary_callers(client: &Client, base: &str) {
    // Anonymous callers see the summary of a report, and of the history: no test names.
    let first = get(client, &format!("{base}/ready/")).await; // SCRIPT[0]: passes
    assert_eq!(first.status, 200, "{first:?}");
    let anonymous = get(client, &format!("{base}/history/")).await;
    let summary = history_json(&anonymous);
    assert_eq!(summary["detail"], "summary");
    let mut entry = entry(true, true, false);
    let object = entry.as_object_mut().unwrap();
    object.remove("failing");
    object.remove("warned");
    assert_eq!(summary["groups"]["ready"], json!([entry]));
    assert!(!anonymous.body.contains("hist::"), "{}", anonymous.body);
    assert_eq!(anonymous.header("vary"), "authorization");
    // With the token, everything.
    let bearer = format!("Bearer {TOKEN}");
    let full = request(
        client,
        Method::GET,
        &format!("{base}/history/"),
        &[("authorization", bearer.as_bytes())],
    )
    .await;
    let full = history_json(&full);
    assert_eq!(full.get("detail"), None);
    assert_eq!(full["groups"]["ready"][0]["failing"], json!([]));
    // A wrong token is refused whatever the policy, as on every route.
    let wrong = request(
        client,
        Method::GET,
        &format!("{base}/history/"),
        &[("authorization", b"Bearer nope")],
    )
    .await;
    assert_eq!(wrong.status, 401, "{wrong:?}");
    assert_eq!(wrong.body, "unauthorized: the bearer token is not valid\n");
}

async fn check_hostile_requests(client: &Client, base: &str) {
    let url = format!("{base}/history/");
    let head = request(client, Method::HEAD, &url, &[]).await;
    let got = get(client, &url).await;
    assert_eq!((head.status.as_u16(), head.body.as_str()), (200, ""));
    assert_eq!(head.header("content-length"), got.body.len().to_string());
    assert_eq!(head.header("content-type"), "application/json");

    for method in [
        Method::POST,
        Method::DELETE,
        Method::from_bytes(b"BREW").unwrap(),
    ] {
        let reply = request(client, method.clone(), &url, &[]).await;
        assert_eq!(reply.status, 405, "{method}: {reply:?}");
        assert_eq!(reply.header("allow"), "GET, HEAD");
        assert_eq!(
            reply.body,
            format!("method \"{method}\" not allowed; use GET or HEAD\n")
        );
    }
    for (query, name) in [
        ("x=1", "x"),
        ("format=json", "format"),
        ("tag=ready", "tag"),
        ("verbose", "verbose"),
        ("%3Cb%3E=1", "<b>"),
    ] {
        let reply = get(client, &format!("{url}?{query}")).await;
        assert_eq!(reply.status, 400, "{query}: {reply:?}");
        assert_eq!(reply.header("x-content-type-options"), "nosniff");
        assert_eq!(
            reply.body,
            format!(
                "unknown query parameter \"{name}\"; /history/ takes none (it is always JSON)\n"
            )
        );
    }
    // An empty query asks for nothing.
    assert_eq!(get(client, &format!("{url}?")).await.status, 200);
    assert_eq!(get(client, &format!("{url}?&")).await.status, 200);
    for path in [
        "/history/extra",
        "/history//",
        "/history/ready/",
        "/%68istory/",
    ] {
        let reply = get(client, &format!("{base}{path}")).await;
        assert_eq!(reply.status, 404, "{path}: {reply:?}");
        assert_eq!(reply.body, format!("not found: \"{path}\"\n"));
    }
    // Still nothing ran: the last `ready` run is still the one before.
    let history: Value = serde_json::from_str(&get(client, &url).await.body).unwrap();
    assert_eq!(history["groups"]["ready"].as_array().unwrap().len(), 6);
    assert_eq!(history["groups"]["live"], json!([]));
    assert_eq!(got.body, get(client, &url).await.body);
}

async fn check_hooks_that_hang_or_panic(client: &Client, base: &str, hooks: &Hooks) {
    const RUNS: usize = 40;
    let timeout = Duration::from_secs(10);
    for run in 0..RUNS {
        // Runs fail and pass in turn: every one is a change of status, for each hook.
        let expected = if run % 2 == 0 { 503 } else { 200 };
        for group in ["hang", "panic"] {
            let reply = tokio::time::timeout(timeout, get(client, &format!("{base}/{group}/")))
                .await
                .unwrap_or_else(|_| {
                    panic!("{group} run {run} was not answered within {timeout:?}")
                });
            assert_eq!(reply.status, expected, "{group} run {run}: {reply:?}");
        }
        // The panicking hook gets every change, one after the other: it panicked on the last.
        let deadline = Instant::now() + timeout;
        while hooks.panicking.load(Ordering::SeqCst) <= run && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(hooks.panicking.load(Ordering::SeqCst), run + 1);
    }
    // The hanging hook got its first change, and never returned.
    assert_eq!(hooks.hanging.load(Ordering::SeqCst), 1);
    // The server is whole: both groups keep their history.
    let history: Value =
        serde_json::from_str(&get(client, &format!("{base}/history/")).await.body).unwrap();
    assert_eq!(history["limit"], 20);
    assert_eq!(history["groups"]["hang"].as_array().unwrap().len(), 20);
    assert_eq!(history["groups"]["panic"].as_array().unwrap().len(), 20);
}
