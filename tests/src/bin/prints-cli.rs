//! Runs the fixture whose tests print on stdout through `run_cli`.

use fixture_prints as _;

fn main() -> std::process::ExitCode {
    smoketest::Runner::new().run_cli()
}
