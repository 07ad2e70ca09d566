//! Runs the fixture whose failures carry credentials through `run_cli`.

use fixture_secrets as _;

fn main() -> std::process::ExitCode {
    smoketest::Runner::new().run_cli()
}
