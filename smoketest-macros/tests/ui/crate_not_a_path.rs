use smoketest::smoke_test;

#[smoke_test(crate = 5)]
fn checks_something() {}

#[smoke_test(crate = Vec<u8>, slow)]
fn checks_something_else() {}

fn main() {}
