//! Runs the failing fixture through `run_cli`.

use fixture_fail as _;

fn main() -> std::process::ExitCode {
    smoketest::Runner::new().run_cli()
}
