use smoketest::smoke_test;

#[smoke_test]
struct Checks;

fn main() {}
