use smoketest::smoke_test;

struct Config;

#[smoke_test]
fn checks_config(_config: Config) {}

fn main() {}
