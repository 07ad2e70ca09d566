//! The throwaway cluster: started when nothing else is there, usable with the role, database
//! and password the tests expect, and gone (server and directory) once its process exits.
//!
//! The cluster lives until its process exits, so a child process (this test binary, running
//! only `child`) starts it and exits, and the parent checks what it left.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use smoketest_pg_harness::{Cluster, DEFAULT_URL, URL_VAR, answers, throwaway, with_password};

/// Tells `child` what to do: `url` (call `url()`), `start` (`Cluster::start()` directly).
const CHILD_MODE: &str = "SMOKETEST_PG_HARNESS_CHILD";

/// Runs `child` in a new process of this test binary with `envs` set.
fn run_child(envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command.args(["child", "--exact", "--include-ignored", "--nocapture"]);
    command.env_remove(URL_VAR);
    command.envs(envs.iter().copied());
    let output = command.output().expect("the child runs");
    assert!(
        output.status.success(),
        "child failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The value of the `{key}=` line the child printed (libtest may print `test child ... ` on the
/// same line first).
fn printed(output: &Output, key: &str) -> Option<String> {
    let marker = format!("{key}=");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| Some(line.split_once(&marker)?.1.to_owned()))
}

/// Runs `sql` with `psql` at `url`: its trimmed output, or its error.
fn psql(cluster: &Cluster, url: &str, sql: &str) -> Result<String, String> {
    let output = Command::new(cluster.bin_dir().join("psql"))
        .args(["--no-psqlrc", "--quiet", "--tuples-only", "--no-align"])
        .args([
            "--set",
            "ON_ERROR_STOP=1",
            "--dbname",
            url,
            "--command",
            sql,
        ])
        .output()
        .map_err(|error| format!("cannot run psql: {error}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}

#[test]
#[ignore = "the child process of the tests below, which run it"]
fn child() {
    let started = Instant::now();
    let cluster: &Cluster = match std::env::var(CHILD_MODE).as_deref() {
        Ok("env") => {
            println!("url={}", smoketest_pg_harness::url().expect("a URL"));
            assert!(throwaway().is_none(), "a cluster was started");
            return;
        }
        Ok("url") => {
            let Some(url) = smoketest_pg_harness::url() else {
                println!("skipped=no PostgreSQL");
                return;
            };
            let cluster = throwaway().expect("url() started a throwaway cluster");
            assert_eq!(url, cluster.url());
            cluster
        }
        _ => match Cluster::start() {
            // Kept until the process exits, as `url()` keeps its cluster.
            Ok(cluster) => Box::leak(Box::new(cluster)),
            Err(error) => {
                smoketest_pg_harness::skip_or_fail(&format!("cannot start a cluster: {error}"));
                println!("skipped={error}");
                return;
            }
        },
    };
    let elapsed = started.elapsed();
    let _ = writeln!(
        std::io::stderr(),
        "started a throwaway cluster in {elapsed:.2?}"
    );
    assert!(cluster.dir().join("data/PG_VERSION").is_file());

    let url = cluster.url();
    assert_eq!(
        psql(
            cluster,
            url,
            "CREATE TABLE harness_rows (n int); \
             INSERT INTO harness_rows SELECT generate_series(1, 3); \
             SELECT count(*) FROM harness_rows"
        ),
        Ok("3".to_owned())
    );
    assert_eq!(
        psql(
            cluster,
            url,
            "SELECT current_user || ' ' || current_database() || ' ' || rolsuper \
             FROM pg_roles WHERE rolname = current_user"
        ),
        Ok("smoketest smoketest false".to_owned())
    );
    let refused = psql(cluster, &with_password(url, "wrong"), "SELECT 1").unwrap_err();
    assert!(
        refused.contains("password authentication failed for user \"smoketest\""),
        "{refused}"
    );

    println!("dir={}", cluster.dir().display());
    println!("port={}", cluster.port());
    println!("started_in_ms={}", elapsed.as_millis());
    // The test harness now exits the process without dropping the cluster.
}

/// Whether a PostgreSQL other than a throwaway one would be chosen here.
fn another_postgres_is_there() -> bool {
    std::env::var_os(URL_VAR).is_some_and(|url| !url.is_empty())
        || answers(SocketAddr::from((Ipv4Addr::LOCALHOST, 5432)))
}

#[test]
fn a_throwaway_cluster_serves_sql_and_is_removed_when_its_process_exits() {
    // With nothing at SMOKETEST_PG_URL or the default port, through `url()`'s choice; else
    // (a developer's server) `Cluster::start()` itself.
    let mode = if another_postgres_is_there() {
        let _ = writeln!(
            std::io::stderr(),
            "note: a PostgreSQL answers at {URL_VAR} or 127.0.0.1:5432, so this checks \
             Cluster::start() directly rather than url() choosing a throwaway cluster"
        );
        "start"
    } else {
        "url"
    };
    let output = run_child(&[(CHILD_MODE, mode)]);
    if printed(&output, "skipped").is_some() {
        return;
    }
    let dir = PathBuf::from(printed(&output, "dir").expect("the child printed its directory"));
    let port: u16 = printed(&output, "port")
        .expect("the child printed its port")
        .parse()
        .unwrap();
    let started_in = printed(&output, "started_in_ms").unwrap_or_default();
    let _ = writeln!(
        std::io::stderr(),
        "throwaway cluster started in {started_in} ms"
    );

    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + Duration::from_secs(30);
    while (dir.exists() || answers(address)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !dir.exists(),
        "{} still exists after its process exited",
        dir.display()
    );
    assert!(
        !answers(address),
        "the server still listens on {address} after its process exited"
    );
}

#[test]
fn smoketest_pg_url_is_used_as_it_is() {
    // Port 1: nothing listens there, and nothing should try it before a test connects.
    let url = "postgres://someone:secret@127.0.0.1:1/elsewhere";
    let output = run_child(&[(CHILD_MODE, "env"), (URL_VAR, url)]);
    assert_eq!(printed(&output, "url").as_deref(), Some(url));
}

#[test]
fn the_default_url_is_the_documented_one() {
    assert_eq!(
        DEFAULT_URL,
        "postgres://smoketest:smoketest@127.0.0.1:5432/smoketest"
    );
}
