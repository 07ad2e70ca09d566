use smoketest::smoke_test;

struct Config;

#[smoke_test(slow, rolled_back)]
fn writes(_config: &Config) {}

fn main() {}
