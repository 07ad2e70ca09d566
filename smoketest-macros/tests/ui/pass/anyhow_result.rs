#![deny(warnings)]

use anyhow::Context as _;
use smoketest::smoke_test;

#[smoke_test]
fn anyhow_result() -> anyhow::Result<()> {
    std::fs::metadata("/").context("reading the root")?;
    Ok(())
}

#[smoke_test(timeout = "2s")]
async fn async_anyhow_result() -> anyhow::Result<()> {
    anyhow::ensure!(1 + 1 == 2, "arithmetic");
    Ok(())
}

fn main() {}
