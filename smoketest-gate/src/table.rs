//! The table on stdout at the end: one line per instance, in the order given.
//!
//! ```text
//! INSTANCE                         STATUS       TESTS  TIME   RUN ID  DETAIL
//! http://10.0.0.7:8080/smoketest/  PASS         3/3    1.2ms  0192…   -
//! http://10.0.0.8:8080/smoketest/  FAIL         2/3    0.9ms  0192…   app::smoke::db
//! http://10.0.0.9:8080/smoketest/  UNREACHABLE  -      -      -       connection refused
//! ```
//!
//! Every cell comes from the network, so each is made safe for a terminal and a log first:
//! control characters (a hostile report's escape sequences) are written as Rust escapes, and
//! cells are cut to a length that keeps one instance on one line.

use std::fmt::Write as _;

use crate::answer::Answer;
use crate::targets::Target;
use crate::verdict::Verdict;

/// The longest cell, in characters.
const MAX_CELL: usize = 200;
/// The most failing test names listed for an instance; the rest are counted.
const MAX_NAMES: usize = 10;

const HEADER: [&str; 6] = ["INSTANCE", "STATUS", "TESTS", "TIME", "RUN ID", "DETAIL"];

/// The table, header included, each line ending in `\n`.
pub(crate) fn render(targets: &[Target], answers: &[Option<Answer>]) -> String {
    let mut rows: Vec<[String; 6]> = vec![HEADER.map(str::to_owned)];
    for (target, answer) in targets.iter().zip(answers) {
        rows.push(row(target, answer.as_ref()));
    }
    let mut widths = [0; 6];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut table = String::new();
    for row in &rows {
        for (column, cell) in row.iter().enumerate() {
            if column + 1 == row.len() {
                table.push_str(cell);
            } else {
                // Writing to a String cannot fail.
                let _ = write!(table, "{cell:<width$}  ", width = widths[column]);
            }
        }
        table.push('\n');
    }
    table
}

fn row(target: &Target, answer: Option<&Answer>) -> [String; 6] {
    let verdict = Verdict::of(answer).as_str().to_owned();
    let instance = cell(&target.url);
    let dash = || "-".to_owned();
    match answer {
        Some(Answer::Report(report)) => {
            let detail = if !report.failing.is_empty() {
                names(&report.failing)
            } else if report.summary_only && report.tests_passed < report.tests_run {
                "names withheld: the endpoint shows this caller a summary (send its token)"
                    .to_owned()
            } else {
                dash()
            };
            [
                instance,
                verdict,
                format!("{}/{}", report.tests_passed, report.tests_run),
                report.time.map_or_else(dash, |ms| format!("{ms:.1}ms")),
                report.run_id.as_deref().map_or_else(dash, cell),
                detail,
            ]
        }
        Some(Answer::NoReport(reason)) => [instance, verdict, dash(), dash(), dash(), cell(reason)],
        None => [
            instance,
            verdict,
            dash(),
            dash(),
            dash(),
            "not asked before the deadline: every request slot was taken".to_owned(),
        ],
    }
}

/// At most [`MAX_NAMES`] names, comma-separated, then how many more.
fn names(names: &[String]) -> String {
    let mut listed: Vec<String> = names
        .iter()
        .take(MAX_NAMES)
        .map(|name| cell(name))
        .collect();
    if names.len() > MAX_NAMES {
        listed.push(format!("and {} more", names.len() - MAX_NAMES));
    }
    listed.join(", ")
}

/// `text` safe to print: control characters escaped, at most [`MAX_CELL`] characters.
pub(crate) fn cell(text: &str) -> String {
    let mut safe = String::with_capacity(text.len().min(4 * MAX_CELL));
    for (count, c) in text.chars().enumerate() {
        if count == MAX_CELL {
            safe.push('…');
            break;
        }
        if c.is_control() {
            let _ = write!(safe, "\\u{{{:x}}}", u32::from(c));
        } else {
            safe.push(c);
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_move_the_cursor_or_wrap_the_line() {
        assert_eq!(cell("a\u{1b}[2Jb\nc"), "a\\u{1b}[2Jb\\u{a}c");
        let long = "é".repeat(500);
        assert_eq!(cell(&long), format!("{}…", "é".repeat(200)));
    }

    #[test]
    fn many_names_are_counted() {
        let many: Vec<String> = (0..12).map(|n| format!("t{n}")).collect();
        assert_eq!(
            names(&many),
            "t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, and 2 more"
        );
    }
}
