use smoketest::smoke_test;

#[smoke_test(slow, crate)]
fn checks_something() {}

fn main() {}
