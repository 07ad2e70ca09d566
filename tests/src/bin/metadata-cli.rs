//! Runs the metadata fixture (tags, `warn_only`, retries) through `run_cli`.

use fixture_metadata as _;

fn main() -> std::process::ExitCode {
    smoketest::Runner::new().run_cli()
}
