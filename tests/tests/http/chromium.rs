//! Headless Chromium (Debian's `chromium` package) as a test client: loads a URL and returns the
//! DOM it built, or takes a screenshot.
#![allow(dead_code, unreachable_pub)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Where Debian's package puts it.
const CHROMIUM: &str = "/usr/bin/chromium";
/// A page load that takes longer than this is a hang.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The browser, if installed. Without it: under CI (`CI=true`) the test fails saying how to
/// install it; elsewhere it says loudly on stderr that it is skipped, and `None` is returned.
pub fn find(test: &str) -> Option<PathBuf> {
    let path = Path::new(CHROMIUM);
    if path.exists() {
        return Some(path.to_owned());
    }
    let install = "apt-get update && apt-get install -y chromium";
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{test}: {CHROMIUM} not found; install Debian's chromium package: {install}");
    }
    // Straight to stderr: the test harness captures `eprintln!` of passing tests.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "\n*** SKIPPED {test}: {CHROMIUM} not found; install it with `{install}` to run this \
             test ***\n\n"
        )
        .as_bytes(),
    );
    None
}

/// Loads `url` and returns the DOM Chromium built from it, serialised (`--dump-dom`).
pub fn dump_dom(chromium: &Path, url: &str) -> String {
    run(chromium, &["--dump-dom", url])
}

/// Loads `url` in a `width`×`height` window and saves a PNG screenshot to `png`.
pub fn screenshot(chromium: &Path, url: &str, png: &Path, (width, height): (u32, u32)) {
    let screenshot = format!("--screenshot={}", png.display());
    let size = format!("--window-size={width},{height}");
    run(chromium, &[&screenshot, &size, "--hide-scrollbars", url]);
}

/// Runs Chromium headless on a profile of its own, without any network access but the page's
/// (no sync, updates or background fetches); returns its stdout.
fn run(chromium: &Path, args: &[&str]) -> String {
    static PROFILES: AtomicUsize = AtomicUsize::new(0);
    let profile = std::env::temp_dir().join(format!(
        "smoketest-chromium-{}-{}",
        std::process::id(),
        PROFILES.fetch_add(1, Ordering::Relaxed)
    ));
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            // The tests run as root in CI, where Chromium's sandbox refuses to start.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("start {}: {error}", chromium.display()));
    // Both pipes drained on threads of their own, so that neither can fill up and block it.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut output = String::new();
            let _ = pipe.read_to_string(&mut output);
            output
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = stderr.join().unwrap_or_default();
            panic!("chromium {args:?} did not finish in {TIMEOUT:?}; stderr:\n{stderr}");
        }
        thread::sleep(Duration::from_millis(50));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        status.success(),
        "chromium {args:?} failed ({status}); stderr:\n{stderr}"
    );
    stdout
}
