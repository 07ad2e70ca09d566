mod kit {
    pub use smoketest;
}

#[kit::smoketest::smoke_test(crate = kit::smoketest, slow, crate = "kit::smoketest")]
fn checks_something() {}

fn main() {}
