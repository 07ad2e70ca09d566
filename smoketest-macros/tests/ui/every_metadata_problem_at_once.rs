use smoketest::smoke_test;

// One bad value per argument, and a bad signature: every problem is reported in one build, and
// the good arguments do not hide the bad ones.
#[smoke_test(
    slow,
    tags = ["ready", "ready"],
    warn_only = 1,
    retries = 11,
    owner = "",
    runbook = "/runbooks/db",
    tag = ["db"],
)]
fn checks<T>() {}

fn main() {}
