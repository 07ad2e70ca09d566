//! Helpers shared by the integration tests (included with `mod support;`).
#![allow(dead_code, unreachable_pub)]

/// Splits a text report into its lines after checking the `time:` line's format
/// (`time: <ms with six decimals>ms`), which is replaced by `time: <ms>`.
pub fn with_time_masked(text: &str) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let time = &lines[6];
    let number = time
        .strip_prefix("time: ")
        .and_then(|rest| rest.strip_suffix("ms"))
        .unwrap_or_else(|| panic!("bad time line {time:?}"));
    let (whole, decimals) = number
        .split_once('.')
        .unwrap_or_else(|| panic!("bad time {number:?}"));
    assert!(
        whole.chars().all(|c| c.is_ascii_digit()) && !whole.is_empty(),
        "bad time {number:?}"
    );
    assert_eq!(decimals.len(), 6, "six decimals in {number:?}");
    assert!(
        decimals.chars().all(|c| c.is_ascii_digit()),
        "bad time {number:?}"
    );
    lines[6] = "time: <ms>".into();
    lines.join("\n")
}

/// `file:line` of a fixture source file, as the report writes it.
pub fn at(file: &str, line: u32) -> String {
    format!("(at {file}:{line})")
}
