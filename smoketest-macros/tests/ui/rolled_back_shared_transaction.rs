use smoketest::smoke_test;

mod rusqlite {
    pub struct Transaction<'conn>(pub &'conn ());
}

struct Config;

#[smoke_test(rolled_back)]
fn writes(_config: &Config, _tx: &rusqlite::Transaction<'_>) {}

fn main() {}
