use smoketest::smoke_test;

#[smoke_test(runbook = "/runbooks/db")]
fn relative() {}

#[smoke_test(runbook = "wiki.example.com/runbooks/db")]
fn without_scheme() {}

#[smoke_test(runbook = "ftp://files.example.com/runbooks/db.pdf")]
fn ftp() {}

#[smoke_test(runbook = "mailto:payments@example.com")]
fn mailto() {}

#[smoke_test(runbook = "see the wiki")]
fn not_a_url() {}

#[smoke_test(runbook = "https://")]
fn no_host() {}

#[smoke_test(runbook = "https://wiki.example.com/run books")]
fn a_space() {}

#[smoke_test(runbook = "https://ops:hunter2@wiki.example.com/runbooks/db")]
fn credentials() {}

#[smoke_test(runbook = "https://wiki.example.com:99999/runbooks/db")]
fn a_bad_port() {}

#[smoke_test(runbook = RUNBOOK)]
fn not_a_string() {}

#[smoke_test(runbook = "https://wiki.example.com/a", runbook = "https://wiki.example.com/b")]
fn twice() {}

#[smoke_test(runbook)]
fn no_value() {}

const RUNBOOK: &str = "https://wiki.example.com/runbooks/db";

fn main() {}
