//! Helpers shared by the integration tests (included with `mod support;`).
#![allow(dead_code, unreachable_pub)]

/// Splits a text report into its lines after checking the `time:` line's format
/// (`time: <ms with six decimals>ms`), which is replaced by `time: <ms>`, and the `run id:` line
/// after the counts (a UUID v7), which is replaced by `run id: <uuid>`.
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
    // After the seven lines, and `tests warned: N` when a test warned.
    let at = if lines[7].starts_with("tests warned: ") {
        8
    } else {
        7
    };
    lines[at] = format!("run id: {}", masked_run_id(&lines[at]));
    lines.join("\n")
}

/// `<uuid>` for `run id: <a UUID v7>` (a report's run id line, as text and Nagios write it),
/// after checking it is one.
pub fn masked_run_id(line: &str) -> &'static str {
    let id = line
        .strip_prefix("run id: ")
        .unwrap_or_else(|| panic!("not a run id line: {line:?}"));
    assert_run_id(id);
    "<uuid>"
}

/// `id` is a run id: a UUID of version 7, hyphenated, in lower case.
pub fn assert_run_id(id: &str) {
    let uuid = uuid::Uuid::parse_str(id).unwrap_or_else(|error| panic!("{id:?}: {error}"));
    assert_eq!(uuid.get_version_num(), 7, "not a UUID v7: {id}");
    assert_eq!(
        uuid.hyphenated().to_string(),
        id,
        "not lower-case hyphenated"
    );
}

/// `file:line` of a fixture source file, as the report writes it.
pub fn at(file: &str, line: u32) -> String {
    format!("(at {file}:{line})")
}
