#![deny(warnings)]

use smoketest::smoke_test;

#[smoke_test]
fn sync_test() {}

#[smoke_test]
async fn async_test() {}

#[smoke_test]
async fn awaits_something() {
    std::future::ready(()).await;
}

fn main() {}
