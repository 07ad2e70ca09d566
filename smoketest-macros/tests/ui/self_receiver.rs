use smoketest::smoke_test;

struct Checks;

impl Checks {
    #[smoke_test]
    fn checks_self(&self) {}
}

fn main() {}
