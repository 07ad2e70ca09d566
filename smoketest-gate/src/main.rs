//! `smoketest-gate`: the deploy gate. A CD pipeline runs it after a rollout with the smoketest
//! endpoint of every instance; it polls them until all answer PASS or a deadline passes, prints
//! a table, and exits 0 (all PASS), 1 (an instance FAILs) or 2 (usage error, or an instance
//! without a report). See `smoketest-gate --help` and the README's "Deploy gate".
//!
//! The layers, each a module: `args` (the command line, which uses `targets` to check URLs
//! and `ca` to read `--ca-cert` files),
//! `fetch` (one HTTP poll, read by `answer`), `poll` (the schedule over all instances),
//! `verdict`, and the outputs: `progress` (stderr), `table` (stdout), `junit` (the file).

mod answer;
mod args;
mod ca;
mod fetch;
mod junit;
mod poll;
mod progress;
mod table;
mod targets;
mod verdict;

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::time::Instant;

use args::Command;
use verdict::Verdict;

fn main() -> ExitCode {
    let command = args::parse(std::env::args_os().skip(1), |name| std::env::var_os(name));
    let args = match command {
        Ok(Command::Gate(args)) => args,
        Ok(Command::Help) => {
            // A closed stdout (`| head`) is no reason to fail.
            let _ = std::io::stdout().write_all(args::HELP.as_bytes());
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("smoketest-gate {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    // An unwritable path is found now, not after minutes of polling.
    if let Some(path) = &args.junit {
        if let Err(error) = std::fs::File::create(path) {
            eprintln!(
                "error: --junit {}: cannot write the JUnit file ({error}); give a path in a \
                 writable directory (see --help)",
                path.display()
            );
            return ExitCode::from(2);
        }
    }
    let started = Instant::now();
    let pace = poll::Pace {
        deadline: started + args.deadline,
        interval: args.interval,
        timeout: args.timeout,
    };
    let client = fetch::Client::new(args.token, args.ca_certs);
    let stderr = std::io::stderr();
    let terminal = stderr.is_terminal();
    let mut progress = progress::Progress::new(stderr.lock(), terminal, pace.deadline);
    let answers = poll::run(&args.targets, &client, pace, |answers| {
        progress.update(answers)
    });
    progress.finish();
    drop(progress);
    let _ = std::io::stdout().write_all(table::render(&args.targets, &answers).as_bytes());
    let status = verdict::exit_status(answers.iter().map(|answer| Verdict::of(answer.as_ref())));
    if let Some(path) = &args.junit {
        let xml = junit::render(&args.targets, &answers, started.elapsed().as_secs_f64());
        if let Err(error) = std::fs::write(path, xml) {
            eprintln!(
                "error: --junit {}: cannot write the JUnit file ({error})",
                path.display()
            );
            // The verdict wins over the missing file: a FAIL stays 1.
            return ExitCode::from(if status == 1 { 1 } else { 2 });
        }
    }
    ExitCode::from(status)
}
