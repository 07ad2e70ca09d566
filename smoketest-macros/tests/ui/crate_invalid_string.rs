use smoketest::smoke_test;

#[smoke_test(crate = "my kit::smoketest")]
fn checks_something() {}

#[smoke_test(crate = "")]
fn checks_something_else() {}

fn main() {}
