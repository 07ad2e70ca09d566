use smoketest::smoke_test;

#[smoke_test(tag = ["ready"])]
fn tag() {}

#[smoke_test(retry = 2)]
fn retry() {}

#[smoke_test(warn)]
fn warn() {}

#[smoke_test(runbook_url = "https://wiki.example.com/runbooks/db")]
fn runbook_url() {}

fn main() {}
