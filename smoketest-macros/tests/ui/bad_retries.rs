use smoketest::smoke_test;

#[smoke_test(retries = "2")]
fn a_string() {}

#[smoke_test(retries = -1)]
fn negative() {}

#[smoke_test(retries = 2.5)]
fn a_float() {}

#[smoke_test(retries = 2u8)]
fn a_suffix() {}

#[smoke_test(retries = 11)]
fn more_than_ten() {}

#[smoke_test(retries = RETRIES)]
fn a_path() {}

#[smoke_test(retries = 1, retries = 2)]
fn twice() {}

#[smoke_test(retries)]
fn no_value() {}

const RETRIES: u32 = 2;

fn main() {}
