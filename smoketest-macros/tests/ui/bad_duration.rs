use smoketest::smoke_test;

#[smoke_test(timeout = "2 parsecs")]
fn checks_something() {}

fn main() {}
