//! The child's side of process isolation (see `isolate` for the protocol): the CLI, started by
//! a parent with `SMOKETEST_ISOLATED` set, runs what the parent asks and reports each job.

use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use crate::isolate::{NONCE_VAR, child_nonce};
use crate::runner::Runner;
use crate::scheduler::Event;
use crate::sync::lock;
use crate::tier::Tier;

/// In an isolated child: runs what the parent asks (see the module's documentation) with
/// `runner`, set up from the command line, and writes the events to `events`: the pipe to the
/// parent, which the CLI keeps apart from the stdout tests print on.
pub(crate) async fn serve(runner: Runner, events: Box<dyn Write + Send>) -> ExitCode {
    let Some(nonce) = child_nonce() else {
        return ExitCode::from(2);
    };
    let mut request = String::new();
    let request = io::stdin()
        .lock()
        .read_to_string(&mut request)
        .map(|_| request);
    let mut lines = request.as_deref().unwrap_or_default().lines();
    let tier = match lines.next() {
        Some("fast") => Tier::Fast,
        Some("slow") => Tier::Slow,
        _ => {
            eprintln!("error: {NONCE_VAR} is set, but stdin holds no run request of smoketest's");
            return ExitCode::from(2);
        }
    };
    let wanted: HashSet<&str> = lines.collect();
    let unwanted: Vec<String> = runner
        .test_names(tier)
        .into_iter()
        .filter(|name| !wanted.contains(name))
        .map(str::to_owned)
        .collect();
    let runner = unwanted.into_iter().fold(runner, Runner::exclude);
    let events = Arc::new(Mutex::new(events));
    let emit = move |line: &str| {
        // At once, whole, one line at a time: the process may end right after it, and jobs end
        // on several threads.
        let mut events = lock(&events);
        let _ = events.write_all(line.as_bytes());
        let _ = events.flush();
    };
    let prefix = nonce.clone();
    let observe = emit.clone();
    let runner = runner.observe(Arc::new(move |event: Event<'_>| {
        let line = match event {
            Event::Started(name) => format!("{prefix} started {name}\n"),
            Event::Attempt(name, attempt) => format!("{prefix} attempt {attempt} {name}\n"),
            Event::Ended(_, Some(report)) => {
                let json = serde_json::to_string(report).expect("a TestReport always serialises");
                format!("{prefix} report {json}\n")
            }
            Event::Ended(name, None) => format!("{prefix} ended {name}\n"),
        };
        observe(&line);
    }));
    runner.run_async(tier).await;
    emit(&format!("{nonce} done\n"));
    ExitCode::SUCCESS
}
