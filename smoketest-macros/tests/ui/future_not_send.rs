use std::rc::Rc;

use smoketest::smoke_test;

async fn tick() {}

// The runner may poll a test on any thread of the app's runtime: its future must be `Send`.
#[smoke_test]
async fn holds_an_rc() {
    let shared = Rc::new(1);
    tick().await;
    assert_eq!(*shared, 1);
}

struct Config;

#[smoke_test]
async fn holds_an_rc_with_state(_config: &Config) {
    let shared = Rc::new(1);
    tick().await;
    assert_eq!(*shared, 1);
}

fn main() {}
