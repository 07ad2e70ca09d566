use smoketest::smoke_test;

#[smoke_test(timeout = 2)]
fn checks_a_number() {}

#[smoke_test(timeout = TIMEOUT)]
fn checks_a_constant() {}

const TIMEOUT: &str = "2s";

fn main() {}
