use smoketest::smoke_test;

#[smoke_test(timeout = "0ms")]
fn checks_something() {}

fn main() {}
