use smoketest::smoke_test;

#[smoke_test]
fn fails() -> Result<(), ()> {
    Err(())
}

fn main() {}
