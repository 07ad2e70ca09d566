use smoketest::smoke_test;

#[smoke_test]
fn counts() -> u32 {
    1
}

fn main() {}
