use smoketest::smoke_test;

struct Config;

#[smoke_test(fast, timeout = "soon")]
fn checks<T>(_config: Config, _tx: &mut T) -> Option<()> {
    None
}

fn main() {}
