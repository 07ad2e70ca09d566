// The error of a check's `Result` must be `Display`: it becomes the report's message.
struct Opaque;

fn main() {
    let _runner = smoketest::Runner::new().check("upstream::payments", || Err::<(), _>(Opaque));
}
