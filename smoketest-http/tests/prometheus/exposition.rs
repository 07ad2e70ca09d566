//! Reads a Prometheus text exposition back: first validated by `promtool check metrics` (the
//! Prometheus project's own parser and linter), then read into families and samples by a reader
//! that only has to understand what promtool accepted, and that adds the checks promtool 2.x
//! does not make (a series given twice, a family split in two, a family whose samples have
//! different label names).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};

/// One family as read back: its help and its samples as label sets → value.
#[derive(Debug)]
pub(crate) struct Family {
    pub(crate) help: String,
    pub(crate) samples: BTreeMap<BTreeMap<String, String>, f64>,
}

const INSTALL: &str = "apt-get update && apt-get install -y prometheus";

/// Runs `promtool check metrics` on `body` and asserts that it exits 0 and prints nothing: no
/// parse error and no lint (missing help, a counter without `_total`, an abbreviated unit...).
/// Without promtool: under CI (`CI=true`) the test fails saying how to install it; elsewhere
/// the validation is skipped, loudly on stderr, and the test goes on with its own checks.
/// Returns whether promtool ran.
pub(crate) fn promtool_check(body: &str) -> bool {
    let child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("promtool does not run ({error}); install it with `{INSTALL}`")
        }
        Err(error) => {
            // Straight to stderr, past the test harness's capture of `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED `promtool check metrics`: promtool does not run ({error}); \
                 install it with `{INSTALL}` ***\n"
            );
            return false;
        }
    };
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // On a thread: promtool may answer before reading all of a large body.
    let body_owned = body.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(body_owned.as_bytes()));
    let output = child.wait_with_output().expect("promtool can be waited on");
    writer
        .join()
        .expect("the writer does not panic")
        .expect("promtool reads its stdin");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && said.is_empty(),
        "promtool check metrics ({}) says:\n{said}\non:\n{body}",
        output.status
    );
    true
}

/// Validates `body` with [`promtool_check`], then reads it: every family a gauge with a help
/// of more than 20 characters, `# HELP` then `# TYPE` then its samples, each family once, each
/// series once, every sample of a family with the same label names.
pub(crate) fn parse(body: &str) -> BTreeMap<String, Family> {
    promtool_check(body);
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut label_names: Option<Vec<String>> = None;
    let mut lines = body.lines();
    while let Some(line) = lines.next() {
        // The run id is a comment of its own, the first line: no family, no sample.
        if let Some(id) = line.strip_prefix("# smoketest run id ") {
            assert!(
                families.is_empty() && id.len() == 36,
                "the run id comment comes first and holds a UUID: {line:?}"
            );
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest
                .split_once(' ')
                .unwrap_or_else(|| panic!("a help line without text: {line:?}"));
            assert!(
                !families.contains_key(name),
                "family {name} given twice:\n{body}"
            );
            assert_eq!(
                lines.next(),
                Some(format!("# TYPE {name} gauge").as_str()),
                "{name}"
            );
            assert!(help.len() > 20, "{name} has help: {help:?}");
            families.insert(
                name.to_owned(),
                Family {
                    help: unescape(help),
                    samples: BTreeMap::new(),
                },
            );
            current = Some(name.to_owned());
            label_names = None;
            continue;
        }
        let (name, labels, value) = sample(line);
        let family = current
            .as_deref()
            .unwrap_or_else(|| panic!("a sample before any family: {line:?}"));
        assert_eq!(name, family, "a sample of another family: {line:?}");
        let names: Vec<String> = labels.keys().cloned().collect();
        match &label_names {
            Some(expected) => assert_eq!(&names, expected, "{line:?}"),
            None => label_names = Some(names),
        }
        let samples = &mut families.get_mut(family).expect("inserted above").samples;
        assert!(
            samples.insert(labels, value).is_none(),
            "series given twice: {line:?}"
        );
    }
    families
}

/// `name{label="value",...} value` → its parts, label values unescaped.
fn sample(line: &str) -> (&str, BTreeMap<String, String>, f64) {
    let (name, mut rest) = line
        .split_once('{')
        .unwrap_or_else(|| panic!("a sample without labels: {line:?}"));
    let mut labels = BTreeMap::new();
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            let value = after
                .strip_prefix(' ')
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("no value after the labels: {line:?}"));
            return (name, labels, value);
        }
        rest = rest.strip_prefix(',').unwrap_or(rest);
        let (label, after) = rest
            .split_once("=\"")
            .unwrap_or_else(|| panic!("a label without a quoted value: {line:?}"));
        // The value ends at the first quote not escaped by a backslash.
        let mut escaped = false;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                let ends = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                ends
            })
            .map(|(index, _)| index)
            .unwrap_or_else(|| panic!("an unterminated label value: {line:?}"));
        let previous = labels.insert(label.to_owned(), unescape(&after[..end]));
        assert!(previous.is_none(), "label {label} twice: {line:?}");
        rest = &after[end + 1..];
    }
}

/// A label value or help text with `\\`, `\"` and `\n` turned back into what they stand for.
fn unescape(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('n') => out.push('\n'),
            other => panic!("a bad escape \\{other:?} in {escaped:?}"),
        }
    }
    out
}
