use smoketest::smoke_test;

struct Transaction;

#[smoke_test(rolled_back)]
fn writes_twice(_first: &mut Transaction, _second: &mut Transaction) {}

fn main() {}
