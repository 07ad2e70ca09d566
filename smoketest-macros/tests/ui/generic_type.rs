use smoketest::smoke_test;

#[smoke_test]
fn checks_any<T: Default>() {
    let _ = T::default();
}

fn main() {}
