use smoketest::smoke_test;

#[derive(Debug)]
struct Opaque;

#[smoke_test]
fn fails() -> Result<(), Opaque> {
    Err(Opaque)
}

fn main() {}
