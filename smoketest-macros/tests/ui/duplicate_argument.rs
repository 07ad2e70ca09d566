use smoketest::smoke_test;

#[smoke_test(slow, timeout = "1s", slow)]
fn checks_something() {}

fn main() {}
