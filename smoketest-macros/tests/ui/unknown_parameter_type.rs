use smoketest::smoke_test;

#[smoke_test]
fn checks_config(_config: &Config) {}

fn main() {}
