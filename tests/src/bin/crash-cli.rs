//! An app whose smoke tests end the process: `crash-cli check [flags]` runs them through
//! `run_cli_from`, as a service's check subcommand does; `crash-cli run`, `spawn` and
//! `misconfigured` run them isolated through the library API and print the report as JSON.

use smoketest::{Runner, Tier};

use fixture_crash as _;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // What the child runs: the app's own smoke-test subcommand, one test at a time.
    let isolated = || Runner::new().isolate(["check", "--concurrency", "1"]);
    let report = match args.first().map(String::as_str) {
        Some("check") => return Runner::new().run_cli_from(&args[1..]),
        // The parent's selection holds in the child.
        Some("run") => isolated()
            .exclude("fixture_crash::smoke::h_passes")
            .run(Tier::Fast),
        // The tier is the parent's, whatever the child's arguments say.
        Some("spawn") => {
            let (send, receive) = std::sync::mpsc::channel();
            isolated().spawn(Tier::Slow, move |report| send.send(report).unwrap());
            receive.recv().unwrap()
        }
        // A child whose own selection is narrower than the parent's.
        Some("narrower") => Runner::new()
            .isolate(["check", "--filter", "a_passes"])
            .run(Tier::Fast),
        // Arguments that don't lead the child to its smoke tests.
        Some("misconfigured") => Runner::new().isolate(["chek"]).run(Tier::Fast),
        _ => {
            eprintln!("usage: crash-cli check [flags] | run | spawn | narrower | misconfigured");
            return std::process::ExitCode::from(2);
        }
    };
    println!("{}", report.to_json());
    std::process::ExitCode::SUCCESS
}
