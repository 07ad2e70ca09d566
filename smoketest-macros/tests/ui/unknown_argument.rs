use smoketest::smoke_test;

#[smoke_test(fast)]
fn checks_something() {}

fn main() {}
