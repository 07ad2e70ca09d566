use smoketest::smoke_test;

#[smoke_test]
fn counts() -> Result<u32, String> {
    Ok(1)
}

fn main() {}
