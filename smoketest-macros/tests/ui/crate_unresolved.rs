use smoketest::smoke_test;

// A path that names no crate is rustc's error, at the path the user wrote.
#[smoke_test(crate = not_smoketest)]
fn checks_something() {}

fn main() {}
