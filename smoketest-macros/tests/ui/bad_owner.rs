use smoketest::smoke_test;

#[smoke_test(owner = team_payments)]
fn a_word_without_quotes() {}

#[smoke_test(owner = 42)]
fn a_number() {}

#[smoke_test(owner = "")]
fn empty() {}

#[smoke_test(owner = "team\npayments")]
fn two_lines() {}

#[smoke_test(owner = " team-payments ")]
fn spaces_around() {}

#[smoke_test(owner = "team-payments", owner = "team-platform")]
fn twice() {}

#[smoke_test(owner)]
fn no_value() {}

fn main() {}
