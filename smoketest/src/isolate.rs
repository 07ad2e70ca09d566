//! Process isolation ([`Runner::isolate`], `--isolate`): a run happens in a child process of the
//! same program, so that a test that ends the process — `std::process::exit`, `abort`, a panic
//! while panicking, a stack overflow — is reported instead of taking the report, or the service,
//! with it. Nothing in-process can survive those.
//!
//! # Protocol
//!
//! The parent starts [`std::env::current_exe`] with the runner's `isolate` arguments (which lead
//! the program to [`Runner::run_cli_from`]), with:
//! - the environment variable `SMOKETEST_ISOLATED=<nonce>`: a random token that marks the process
//!   as a child and prefixes every line it writes for the parent, so that what tests print can't
//!   be taken for one;
//! - the environment variable `SMOKETEST_RUN_ID`: the run's id, which the child's run takes as
//!   its own, so that the child's logs and spans (if its `main` installs a subscriber) carry it;
//! - on stdin, the request: the tier (`fast` or `slow`) on the first line, then the names of the
//!   tests to run, one per line. The names are the parent's selection, so that what the parent's
//!   runner selects in code (filters, exclusions) holds in the child too; stdin rather than the
//!   environment because a long list would exceed the limits on environment variables.
//!
//! The child selects tests as its command line says, keeps only those named, runs them with an
//! observer and writes on stdout, one line each:
//! - `<nonce> started <name>` when a job starts (a test, or `<suite>::tear_down_suite`);
//! - `<nonce> attempt <n> <name>` when a test with `retries` starts its attempt number n (2 or
//!   more);
//! - `<nonce> report <the job's TestReport as JSON>` when a job ends with a report;
//! - `<nonce> ended <name>` when a job ends with nothing to report;
//! - `<nonce> done` when the run is over.
//!
//! Anything else on its stdout is the tests' own output, which the parent passes on to its stderr
//! (the child's stderr is the parent's already). On unix, the CLI keeps that apart in the first
//! place: the child writes its events to the original stdout and points stdout at stderr. If the child ends without `done`, the jobs it
//! started and did not end are errored with how it ended, and a new child runs the tests not
//! reported yet; a child that reports no test at all ends the run, its tests errored, since the
//! next one would do the same. A test that ends the process is not retried, whatever its
//! `retries`: the next attempt would most likely end the next child too (its message says which
//! attempt it was).
//!
//! # Spans
//!
//! The parent's spans are the run's trace, whatever the children do: the run's span, and one
//! span per job, begun at its `started` and ended at its report (or `ended`), so that a test
//! that ends its process still has its span, errored. Attempts have no spans of their own here
//! (the test's `attempts` says how many were made).

use std::collections::HashSet;
use std::collections::hash_map::RandomState;
use std::ffi::OsString;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufRead, BufReader, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Instant, SystemTime};

use std::sync::Arc;

use tracing::Span;

use crate::outcome::Outcome;
use crate::redact::Redactor;
use crate::registry::TestCase;
use crate::report::{Report, TestReport};
use crate::tier::Tier;
use crate::trace;

/// The environment variable that makes the program an isolated child; its value is the nonce.
pub(crate) const NONCE_VAR: &str = "SMOKETEST_ISOLATED";

/// The environment variable that gives an isolated child its parent's run id.
const RUN_ID_VAR: &str = "SMOKETEST_RUN_ID";

/// Whether this process is an isolated child. A child never isolates again: its runs happen
/// in-process whatever its runner says, so a misconfigured program can't start children forever.
pub(crate) fn is_child() -> bool {
    child_nonce().is_some()
}

/// In an isolated child, the id of its parent's run, which its own run takes.
pub(crate) fn parent_run_id() -> Option<String> {
    if !is_child() {
        return None;
    }
    std::env::var(RUN_ID_VAR).ok().filter(|id| !id.is_empty())
}

pub(crate) fn child_nonce() -> Option<String> {
    std::env::var(NONCE_VAR)
        .ok()
        .filter(|nonce| !nonce.is_empty())
}

/// The arguments `--isolate` starts the child with: the program's own, minus `--isolate`. The
/// whole command line rather than the flags `run_cli_from` was given, because the child needs the
/// app's subcommand in front of them (`myapp check …`).
pub(crate) fn cli_child_args() -> Vec<OsString> {
    std::env::args_os()
        .skip(1)
        .filter(|arg| arg != "--isolate")
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The parent
// ---------------------------------------------------------------------------------------------

/// Runs `tier` of the `selected` tests in children started with `args`, as many as it takes;
/// with `failfast`, stops at the first child that reports a failure. `span` is the run's, whose
/// id is `run_id`; messages go into spans redacted with `redactor`.
pub(crate) fn run(
    selected: Vec<&TestCase>,
    failfast: bool,
    args: &[OsString],
    tier: Tier,
    span: &Span,
    redactor: &Arc<Redactor>,
    run_id: &str,
) -> Report {
    let started = Instant::now();
    let mut left = selected;
    let mut reports = Vec::with_capacity(left.len());
    // Tests reported without having started in a child: their spans begin and end at once.
    let not_started = |reports: &mut Vec<TestReport>, message: &str, left: &[&TestCase]| {
        for case in left {
            let report = errored(case, message, started);
            trace::reported(span, tier, &report, redactor);
            reports.push(report);
        }
    };
    let run = Run {
        args,
        tier,
        span,
        redactor,
        run_id,
    };
    while !left.is_empty() {
        let child = match Child::run(&run, &left) {
            Ok(child) => child,
            Err(error) => {
                let message = format!("could not start the test process: {error}");
                not_started(&mut reports, &message, &left);
                break;
            }
        };
        let failed = child
            .reports
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Failed | Outcome::Errored));
        let reported: HashSet<&str> = child.reports.iter().map(|r| &*r.name).collect();
        let before = left.len();
        left.retain(|case| !reported.contains(case.name));
        reports.extend(child.reports);
        let Some(how) = child.died else {
            // The child got to the end of the run. Tests it did not report (failfast aside, whose
            // tests not started are not reported), its own selection left out: its command line
            // or its `main` chose differently. Say so rather than drop them.
            if !(failfast && failed) {
                let message = "not run by the test process: its own selection (its arguments, \
                               its `main`) leaves this test out";
                not_started(&mut reports, message, &left);
            }
            break;
        };
        if failfast && failed {
            // As in-process: the tests not started are not reported.
            break;
        }
        if left.len() == before {
            // Not one test reported: the next child would do the same.
            let message = format!("the test process {how} before running this test");
            not_started(&mut reports, &message, &left);
            break;
        }
    }
    Report::new(tier, reports, started.elapsed())
}

/// What every child of a run is started with.
struct Run<'a> {
    args: &'a [OsString],
    tier: Tier,
    /// The run's span, which the jobs' are children of.
    span: &'a Span,
    redactor: &'a Arc<Redactor>,
    run_id: &'a str,
}

/// What one child process did.
struct Child {
    /// The reports of the jobs that ended, and of those the child's end cut short.
    reports: Vec<TestReport>,
    /// How it ended (`exited with status 0`) when it ended without `done`.
    died: Option<String>,
}

impl Child {
    /// Runs the tests `tests` of `run` in a child, to its end.
    fn run(run: &Run<'_>, tests: &[&TestCase]) -> io::Result<Child> {
        let (args, tier) = (run.args, run.tier);
        let nonce = nonce();
        let mut process = Command::new(std::env::current_exe()?)
            .args(args)
            .env(NONCE_VAR, &nonce)
            .env(RUN_ID_VAR, run.run_id)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut request = format!("{tier}\n");
        for case in tests {
            request.push_str(case.name);
            request.push('\n');
        }
        let stdin = process.stdin.take();
        let stdout = process.stdout.take();
        let mut stream = Stream::new(run.span.clone(), tier, run.redactor.clone());
        let read = std::thread::scope(|scope| {
            // The request is written while the events are read, so that neither process can wait
            // on the other with a full pipe. Closing stdin ends the request.
            let write = move || {
                if let Some(mut stdin) = stdin {
                    let _ = stdin.write_all(request.as_bytes());
                }
            };
            std::thread::Builder::new()
                .name("smoketest-isolate".into())
                .spawn_scoped(scope, write)?;
            if let Some(stdout) = stdout {
                stream.read(BufReader::new(stdout), &nonce);
            }
            Ok(())
        });
        if let Err(error) = read {
            let _ = process.kill();
            let _ = process.wait();
            return Err(error);
        }
        // Reading stopped at `done` or at the end of stdout; either way the pipe is closed now,
        // so a child writing more can't block on it. After `done` the report is whole, but the
        // child's own shutdown may hang (a runtime waiting for a blocking task a stuck test left
        // behind): it gets a moment, then is killed.
        let status = if stream.done {
            wait_or_kill(&mut process, CHILD_EXIT_GRACE)?
        } else {
            process.wait()?
        };
        Ok(stream.into_child(tests, status))
    }
}

/// How long a child that finished its run has to exit before it is killed.
const CHILD_EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

fn wait_or_kill(
    process: &mut std::process::Child,
    grace: std::time::Duration,
) -> io::Result<ExitStatus> {
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Some(status) = process.try_wait()? {
            return Ok(status);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = process.kill();
    process.wait()
}

/// What the parent has read of a child's events.
struct Stream {
    reports: Vec<TestReport>,
    /// Jobs started and not ended, with when they started, their current attempt and their span.
    running: Vec<(String, Instant, u32, Span)>,
    done: bool,
    /// The run's span and tier, for the jobs' spans, and what their messages are redacted with.
    span: Span,
    tier: Tier,
    redactor: Arc<Redactor>,
}

/// One line of a child's event stream, after the nonce.
#[derive(Debug, PartialEq)]
enum Message {
    Started(String),
    Attempt(u32, String),
    Report(Box<TestReport>),
    Ended(String),
    Done,
}

impl Message {
    fn parse(text: &str) -> Option<Message> {
        let (kind, rest) = text.split_once(' ').unwrap_or((text, ""));
        match kind {
            "started" => Some(Message::Started(rest.to_owned())),
            "attempt" => {
                let (attempt, name) = rest.split_once(' ')?;
                Some(Message::Attempt(attempt.parse().ok()?, name.to_owned()))
            }
            "report" => serde_json::from_str(rest).ok().map(Message::Report),
            "ended" => Some(Message::Ended(rest.to_owned())),
            "done" if rest.is_empty() => Some(Message::Done),
            _ => None,
        }
    }
}

/// Splits a line of the child's stdout into what a test printed and the event after the nonce,
/// if there is one. A test that printed without a newline leaves its text in front of the nonce.
fn split_line<'a>(line: &'a [u8], nonce: &str) -> (&'a [u8], Option<&'a [u8]>) {
    let nonce = nonce.as_bytes();
    let Some(at) = line.windows(nonce.len()).position(|window| window == nonce) else {
        return (line, None);
    };
    let event = &line[at + nonce.len()..];
    let event = event.strip_prefix(b" ").unwrap_or(event);
    let event = event.strip_suffix(b"\n").unwrap_or(event);
    (&line[..at], Some(event))
}

impl Stream {
    fn new(span: Span, tier: Tier, redactor: Arc<Redactor>) -> Self {
        Stream {
            reports: Vec::new(),
            running: Vec::new(),
            done: false,
            span,
            tier,
            redactor,
        }
    }

    /// Reads events until `done` or the end of the stream; the tests' output goes to stderr.
    fn read(&mut self, mut stdout: impl BufRead, nonce: &str) {
        let mut line = Vec::new();
        loop {
            line.clear();
            match stdout.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let (output, event) = split_line(&line, nonce);
            let message = event.and_then(|event| Message::parse(&String::from_utf8_lossy(event)));
            match message {
                None => forward(&line),
                Some(message) => {
                    if !output.is_empty() {
                        forward(output);
                        forward(b"\n");
                    }
                    if self.take(message) {
                        return;
                    }
                }
            }
        }
    }

    /// Takes in one event; `true` at the end of the run.
    fn take(&mut self, message: Message) -> bool {
        let mut end = |name: &str, report: Option<&TestReport>| {
            if let Some(at) = self
                .running
                .iter()
                .position(|(running, ..)| running == name)
            {
                let (.., span) = self.running.swap_remove(at);
                trace::end_job(&span, report, &self.redactor);
            }
        };
        match message {
            Message::Started(name) => {
                let span = match name.strip_suffix("::tear_down_suite") {
                    Some(suite) => trace::tear_down_suite(self.span.id(), suite),
                    None => trace::test(self.span.id(), &name, self.tier),
                };
                self.running.push((name, Instant::now(), 1, span));
            }
            Message::Attempt(attempt, name) => {
                let running = self
                    .running
                    .iter_mut()
                    .find(|(running, ..)| *running == name);
                if let Some((_, _, current, _)) = running {
                    *current = attempt;
                }
            }
            Message::Ended(name) => end(&name, None),
            Message::Report(report) => {
                end(&report.name, Some(&report));
                self.reports.push(*report);
            }
            Message::Done => self.done = true,
        }
        self.done
    }

    /// The child's reports, with the jobs it left running errored, saying why.
    fn into_child(mut self, tests: &[&TestCase], status: ExitStatus) -> Child {
        let died = (!self.done).then(|| how_it_ended(status));
        let why = |what: &str| match &died {
            Some(how) => format!("the test process {how} while {what} ran"),
            // Only a garbled event line can lose a report.
            None => format!("the test process ended the run without reporting {what}"),
        };
        for (name, since, attempt, span) in self.running {
            let report = match tests.iter().find(|case| case.name == name) {
                Some(case) => crate::scheduler::ended_process(
                    case,
                    &why("this test"),
                    since.elapsed(),
                    attempt,
                ),
                None => errored_job(name, &why("it"), since),
            };
            trace::end_job(&span, Some(&report), &self.redactor);
            self.reports.push(report);
        }
        Child {
            reports: self.reports,
            died,
        }
    }
}

/// Passes on a test's output to stderr.
fn forward(bytes: &[u8]) {
    let _ = io::stderr().lock().write_all(bytes);
}

/// The report of a test errored with `message`, its time counted from `since`.
fn errored(case: &TestCase, message: &str, since: Instant) -> TestReport {
    crate::scheduler::errored(case, message, since.elapsed())
}

/// The report of a job that is not one of the tests sent: a `<suite>::tear_down_suite`, reported
/// as the scheduler reports a failing one.
fn errored_job(name: String, message: &str, since: Instant) -> TestReport {
    let suite = name
        .rsplit_once("::")
        .map_or("", |(suite, _)| suite)
        .to_owned();
    let message = match name.ends_with("::tear_down_suite") {
        true => format!("tear_down_suite failed: {message}"),
        false => message.to_owned(),
    };
    TestReport {
        name: name.into(),
        suite: suite.into(),
        outcome: Outcome::Errored,
        time: since.elapsed().as_secs_f64() * 1000.0,
        message: Some(message),
        location: None,
        slow: false,
        rolled_back: false,
        attempts: 1,
        tags: Vec::new(),
        owner: None,
        runbook: None,
        backtrace: None,
        output: Vec::new(),
    }
}

/// How a process ended: `exited with status 0`, `was killed by signal 6 (SIGABRT)`.
fn how_it_ended(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return match signal_name(signal) {
                Some(name) => format!("was killed by signal {signal} ({name})"),
                None => format!("was killed by signal {signal}"),
            };
        }
    }
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => format!("ended with {status}"),
    }
}

/// The names of the signals with the same number on every unix, and `SIGBUS`.
#[cfg(unix)]
fn signal_name(signal: i32) -> Option<&'static str> {
    const SIGBUS: i32 = if cfg!(any(target_os = "linux", target_os = "android")) {
        7
    } else {
        10
    };
    Some(match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        SIGBUS => "SIGBUS",
        _ => return None,
    })
}

/// 128 random bits in hex, from std's randomly keyed hasher.
fn nonce() -> String {
    let half = || {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        if let Ok(now) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
            hasher.write_u128(now.as_nanos());
        }
        hasher.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONCE: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn event_lines_are_told_from_what_tests_print() {
        let line = format!("{NONCE} started app::smoke::x\n");
        assert_eq!(
            split_line(line.as_bytes(), NONCE),
            (&b""[..], Some(&b"started app::smoke::x"[..]))
        );
        let line = format!("no newline{NONCE} done\n");
        assert_eq!(
            split_line(line.as_bytes(), NONCE),
            (&b"no newline"[..], Some(&b"done"[..]))
        );
        assert_eq!(
            split_line(b"started app::smoke::x\n", NONCE),
            (&b"started app::smoke::x\n"[..], None)
        );
        assert_eq!(Message::parse("done"), Some(Message::Done));
        assert_eq!(
            Message::parse("attempt 2 app::smoke::x"),
            Some(Message::Attempt(2, "app::smoke::x".into()))
        );
        assert_eq!(Message::parse("attempt two app::smoke::x"), None);
        assert_eq!(
            Message::parse("ended s::tear_down_suite"),
            Some(Message::Ended("s::tear_down_suite".into()))
        );
        assert_eq!(Message::parse("report {not json"), None);
        assert_eq!(Message::parse("finished"), None);
    }

    #[test]
    fn a_report_line_round_trips() {
        let test = TestReport {
            name: "app::smoke::x".into(),
            suite: "app::smoke".into(),
            outcome: Outcome::Failed,
            time: 1.5,
            message: Some("two\nlines".into()),
            location: Some("src/smoke.rs:3".into()),
            slow: false,
            rolled_back: true,
            attempts: 1,
            tags: Vec::new(),
            owner: None,
            runbook: None,
            backtrace: None,
            output: vec!["INFO x".into()],
        };
        let line = format!("report {}", serde_json::to_string(&test).unwrap());
        assert_eq!(Message::parse(&line), Some(Message::Report(Box::new(test))));
    }

    #[cfg(unix)]
    #[test]
    fn how_a_process_ended_is_said_with_the_signal_name() {
        use std::os::unix::process::ExitStatusExt;
        // Raw wait statuses: a signal in the low bits, an exit code in the second byte.
        assert_eq!(
            how_it_ended(ExitStatus::from_raw(6)),
            "was killed by signal 6 (SIGABRT)"
        );
        assert_eq!(
            how_it_ended(ExitStatus::from_raw(9)),
            "was killed by signal 9 (SIGKILL)"
        );
        assert_eq!(
            how_it_ended(ExitStatus::from_raw(0)),
            "exited with status 0"
        );
        assert_eq!(
            how_it_ended(ExitStatus::from_raw(3 << 8)),
            "exited with status 3"
        );
        assert_eq!(
            how_it_ended(ExitStatus::from_raw(33)),
            "was killed by signal 33"
        );
    }

    #[test]
    fn nonces_differ() {
        let (a, b) = (nonce(), nonce());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
