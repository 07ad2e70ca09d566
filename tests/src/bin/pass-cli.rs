//! Runs the passing fixture and the otherwise-unused `fixture_linked` through `run_cli`.

// The one line a binary adds for a library crate whose smoke tests it does not otherwise use.
use fixture_linked as _;

fn main() -> std::process::ExitCode {
    smoketest::Runner::new()
        .with_state(fixture_pass::Config {
            api_url: "https://api.example".into(),
        })
        .run_cli()
}
