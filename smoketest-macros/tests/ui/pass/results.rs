#![deny(warnings)]

use std::error::Error;
use std::fmt;

use smoketest::smoke_test;

#[smoke_test]
#[allow(clippy::unused_unit)]
fn explicit_unit() -> () {}

#[smoke_test]
fn own_result() -> smoketest::Result {
    std::fs::metadata("/")?;
    Ok(())
}

#[smoke_test]
fn own_result_with_unit() -> smoketest::Result<()> {
    Err(smoketest::Error::msg("no"))
}

#[smoke_test]
fn io_result() -> std::io::Result<()> {
    std::fs::metadata("/")?;
    Ok(())
}

#[smoke_test]
fn boxed_error() -> Result<(), Box<dyn Error>> {
    let _: u32 = "1".parse()?;
    Ok(())
}

#[smoke_test]
async fn boxed_send_sync_error() -> Result<(), Box<dyn Error + Send + Sync>> {
    let _: u32 = "1".parse()?;
    Ok(())
}

#[smoke_test]
fn string_error() -> Result<(), String> {
    Err("no".to_owned())
}

#[smoke_test]
async fn display_only_error() -> Result<(), NotAnError> {
    Err(NotAnError)
}

struct NotAnError;

impl fmt::Display for NotAnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("displayed")
    }
}

mod aliased {
    use smoketest::smoke_test;

    type Result<T = (), E = std::fmt::Error> = std::result::Result<T, E>;

    #[smoke_test]
    fn through_a_local_alias() -> Result {
        Ok(())
    }
}

fn main() {}
