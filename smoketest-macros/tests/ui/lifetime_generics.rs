use smoketest::smoke_test;

struct Config;

#[smoke_test]
fn checks_config<'a>(_config: &'a Config) {}

fn main() {}
