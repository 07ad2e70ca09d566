use smoketest::smoke_test;

#[smoke_test]
unsafe fn checks_raw_memory() {}

fn main() {}
