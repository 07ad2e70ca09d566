use smoketest::smoke_test;

struct Transaction;

#[smoke_test]
fn writes(_tx: &mut Transaction) {}

fn main() {}
