use smoketest::smoke_test;

#[smoke_test]
fn checks_anything(_thing: &impl std::fmt::Display) {}

fn main() {}
