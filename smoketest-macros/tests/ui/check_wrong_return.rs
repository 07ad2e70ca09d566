// A closure given to `Runner::check` returns `()` or `Result<(), E: Display>`.
fn main() {
    let _runner = smoketest::Runner::new().check("upstream::payments", || 5);
}
