use smoketest::smoke_test;

#[smoke_test(warn_only = true)]
fn with_true() {}

#[smoke_test(warn_only = false)]
fn with_false() {}

#[smoke_test(warn_only("yes"))]
fn in_parentheses() {}

#[smoke_test(warn_only, slow, warn_only)]
fn twice() {}

fn main() {}
