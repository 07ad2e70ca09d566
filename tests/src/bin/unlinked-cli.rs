//! Depends on `fixture-linked` in Cargo.toml but never names it, so its tests are not linked.

fn main() -> std::process::ExitCode {
    smoketest::Runner::new().run_cli()
}
