//! The message of a test not started because an earlier run's copy of it still runs, read back:
//! `still running from an earlier run (for 52ms): not started again until it returns`.
#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

const PREFIX: &str = "still running from an earlier run (for ";
const SUFFIX: &str = "): not started again until it returns";

/// How long the message says the test has been running, if `message` is exactly such a message
/// with a duration as the runner writes it (whole ms under a second, else whole seconds, in
/// humantime's `1m 5s` form).
pub fn still_running_for(message: &str) -> Option<Duration> {
    let shown = message.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let mut total = Duration::ZERO;
    for part in shown.split(' ') {
        let digits = part.find(|c: char| !c.is_ascii_digit())?;
        let (number, unit) = part.split_at(digits);
        let number: u64 = number.parse().ok()?;
        total += match unit {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(60 * number),
            "h" => Duration::from_secs(3600 * number),
            _ => return None,
        };
    }
    // Rebuilt from the parts, it must be the very message: no stray text anywhere.
    (message == format!("{PREFIX}{shown}{SUFFIX}")).then_some(total)
}
