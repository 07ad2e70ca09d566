//! The README quotes this package — its dependencies, `src/smoke.rs`, `src/main.rs` and what
//! `check` prints — and lists the dependencies of other stacks. These tests fail when the README
//! and the code disagree, and say which block to update and how.
//!
//! A quoted block is marked by the line right above its opening fence:
//! `<!-- quoted: PATH -->` (the whole file, relative to the workspace root) or
//! `<!-- quoted: PATH (REGION) -->` (the lines between `# readme: begin REGION` and
//! `# readme: end REGION` in the file, `// readme: …` in a Rust file). In quoted text, the
//! paths to this workspace's crates are written as the `git` dependency a user outside the
//! workspace writes.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

/// The quotes the README must have: a removed marker fails as loudly as a stale block.
const QUOTES: [&str; 6] = [
    "examples/quickstart/Cargo.toml (dependencies)",
    "examples/quickstart/src/smoke.rs",
    "examples/quickstart/src/main.rs",
    "tests/tests/checks/readme.rs (checks)",
    "tests/tests/traces.rs (subscriber)",
    "smoketest-http/examples/history.rs",
];

fn workspace_file(relative: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", relative]
        .iter()
        .collect();
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn readme() -> String {
    workspace_file("README.md")
}

/// The workspace's `repository`, which the README's `git` dependencies name.
fn repository() -> String {
    let manifest = workspace_file("Cargo.toml");
    let (_, value) = table(&manifest, "workspace.package")
        .into_iter()
        .find(|(key, _)| key == "repository")
        .expect("the workspace Cargo.toml has a repository");
    value.trim_matches('"').to_owned()
}

/// A fenced code block of the README.
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    /// The line above the opening fence.
    above: String,
    info: String,
    text: String,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(info) = lines[i].strip_prefix("```") {
            let start = i;
            i += 1;
            let mut text = String::new();
            while i < lines.len() && lines[i] != "```" {
                text.push_str(lines[i]);
                text.push('\n');
                i += 1;
            }
            assert!(
                i < lines.len(),
                "README.md: the block at line {} is not closed",
                start + 1
            );
            blocks.push(Block {
                line: start + 1,
                above: if start > 0 { lines[start - 1] } else { "" }.to_owned(),
                info: info.to_owned(),
                text,
            });
        }
        i += 1;
    }
    blocks
}

/// What a `<!-- quoted: … -->` marker quotes, as the README must show it.
fn quoted_text(quote: &str) -> String {
    let (path, region) = match quote.split_once(" (") {
        Some((path, region)) => (path, region.strip_suffix(')')),
        None => (quote, None),
    };
    let file = workspace_file(path);
    let text = match region {
        None => file,
        Some(region) => {
            // `#` in a manifest, `//` in Rust, where the region is indented as its code is.
            let comment = if path.ends_with(".rs") { "//" } else { "#" };
            let begin = format!("{comment} readme: begin {region}");
            let end = format!("{comment} readme: end {region}");
            let lines: Vec<&str> = file.lines().collect();
            let find = |marker: &str| {
                lines
                    .iter()
                    .position(|line| line.trim() == marker)
                    .unwrap_or_else(|| panic!("{path} has no line `{marker}`"))
            };
            let (first, last) = (find(&begin) + 1, find(&end));
            let indent = lines[first].len() - lines[first].trim_start().len();
            lines[first..last]
                .iter()
                .map(|line| format!("{}\n", line.get(indent..).unwrap_or(line.trim_start())))
                .collect()
        }
    };
    let git = format!("git = \"{}\"", repository());
    text.replace("path = \"../../smoketest-http\"", &git)
        .replace("path = \"../../smoketest\"", &git)
}

#[test]
fn every_quoted_block_is_the_text_of_its_file() {
    let readme = readme();
    let mut found = Vec::new();
    for block in blocks(&readme) {
        let Some(quote) = block
            .above
            .strip_prefix("<!-- quoted: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        found.push(quote.to_owned());
        let expected = quoted_text(quote);
        if block.text == expected {
            continue;
        }
        let (number, (shown, actual)) = block
            .text
            .lines()
            .map(Some)
            .chain(std::iter::repeat(None))
            .zip(expected.lines().map(Some).chain(std::iter::repeat(None)))
            .enumerate()
            .find(|(_, (shown, actual))| shown != actual)
            .expect("texts that differ differ in a line");
        panic!(
            "README.md: the block at line {} quotes {quote}, but differs from it at line {} of the \
             block:\n  README: {shown:?}\n  file:   {actual:?}\nCopy the file's text into the \
             block (for a region: the lines between its `# readme: begin` and `# readme: end` \
             markers, with `git = \"{}\"` in place of the paths to this workspace's crates), or \
             change the file back.",
            block.line,
            number + 1,
            repository(),
        );
    }
    assert_eq!(
        found, QUOTES,
        "README.md should quote these files, in this order, each in a block right below a \
         `<!-- quoted: … -->` line"
    );
}

/// The report with its `time:` and `run id:` lines, which change every run, replaced by
/// `time: <ms>` and `run id: <uuid>`.
fn with_time_masked(report: &str) -> String {
    report
        .lines()
        .map(|line| {
            if line.starts_with("time: ") && line.ends_with("ms") {
                "time: <ms>\n".to_owned()
            } else if line.strip_prefix("run id: ").is_some_and(is_run_id) {
                "run id: <uuid>\n".to_owned()
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

/// Whether `id` is a run id: a UUID of version 7, hyphenated, in lower case.
fn is_run_id(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(at, byte)| match at {
            8 | 13 | 18 | 23 => byte == b'-',
            14 => byte == b'7',
            19 => matches!(byte, b'8' | b'9' | b'a' | b'b'),
            _ => byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte),
        })
}

#[test]
fn the_readme_shows_what_check_prints() {
    let readme = readme();
    let mut commands = 0;
    for block in blocks(&readme)
        .iter()
        .filter(|block| block.info == "console")
    {
        let lines: Vec<&str> = block.text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(command) = line.strip_prefix("$ ") else {
                continue;
            };
            let mut words = command.split(' ').peekable();
            let mut env = Vec::new();
            while let Some((name, value)) = words.peek().and_then(|word| word.split_once('=')) {
                env.push((name, value));
                words.next();
            }
            let words: Vec<&str> = words.collect();
            let Some(args) =
                words.strip_prefix(&["cargo", "run", "-p", "example-quickstart", "--"][..])
            else {
                continue;
            };
            if args.first() != Some(&"check") {
                continue;
            }
            commands += 1;
            let shown: String = lines[i + 1..]
                .iter()
                .take_while(|line| !line.starts_with("$ "))
                .map(|line| format!("{line}\n"))
                .collect();
            let output = Command::new(env!("CARGO_BIN_EXE_example-quickstart"))
                .args(args)
                .env_remove("PUBLIC_URL")
                // The ambient selection variables would change which tests run.
                .env_remove("SMOKETEST_APPS")
                .env_remove("SMOKETEST_SKIP_APPS")
                .env_remove("SMOKETEST_TAGS")
                .envs(env)
                .output()
                .unwrap();
            let printed = String::from_utf8(output.stdout).unwrap();
            assert_eq!(
                with_time_masked(&shown),
                with_time_masked(&printed),
                "README.md, the block at line {}: `{command}` prints something else now; copy \
                 its output into the README:\n{printed}",
                block.line,
            );
        }
    }
    assert!(
        commands >= 2,
        "README.md should show `check` passing and failing (`$ [VAR=value ]cargo run -p \
         example-quickstart -- check` lines, each followed by its output); found {commands}"
    );
}

/// The `key = value` lines of a manifest's `[header]` table.
fn table(manifest: &str, header: &str) -> Vec<(String, String)> {
    manifest
        .lines()
        .skip_while(|line| line.trim() != format!("[{header}]"))
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once(" = "))
        .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
        .collect()
}

/// The strings of `features = [ … ]` in a dependency's value.
fn features(value: &str) -> Vec<String> {
    let Some((_, rest)) = value.split_once("features = [") else {
        return Vec::new();
    };
    let list = rest.split(']').next().unwrap_or_default();
    list.split(',')
        .map(|feature| feature.trim().trim_matches('"').to_owned())
        .filter(|feature| !feature.is_empty())
        .collect()
}

/// The version requirement in a dependency's value: `"1"` or `{ version = "1", … }`.
fn version(value: &str) -> Option<String> {
    let quoted = match value.strip_prefix('"') {
        Some(rest) => rest,
        None => value.split_once("version = \"")?.1,
    };
    quoted.split('"').next().map(str::to_owned)
}

#[test]
fn dependencies_per_stack_name_real_features_and_the_versions_smoketest_is_built_for() {
    let readme = readme();
    let section = readme
        .split("\n## Dependencies per stack\n")
        .nth(1)
        .expect("README.md has a `## Dependencies per stack` section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let workspace = table(&workspace_file("Cargo.toml"), "workspace.dependencies");
    let git = format!("git = \"{}\"", repository());
    let mut http_features = BTreeSet::new();
    let mut problems = Vec::new();
    for block in blocks(section).iter().filter(|block| block.info == "toml") {
        for (name, value) in table(&block.text, "dependencies") {
            let ours = match name.as_str() {
                "smoketest" => Some("smoketest/Cargo.toml"),
                "smoketest-http" => Some("smoketest-http/Cargo.toml"),
                _ => None,
            };
            if let Some(manifest) = ours {
                if !value.contains(&git) {
                    problems.push(format!("`{name}` should be `{{ {git}, … }}`: {value}"));
                }
                let defined = table(&workspace_file(manifest), "features");
                for feature in features(&value) {
                    if !defined.iter().any(|(key, _)| *key == feature) {
                        problems.push(format!("{manifest} has no feature `{feature}`"));
                    }
                    if name == "smoketest-http" {
                        http_features.insert(feature);
                    }
                }
                continue;
            }
            let built_for = workspace
                .iter()
                .find(|(key, _)| *key == name)
                .and_then(|(_, value)| version(value));
            if built_for.is_none() || version(&value) != built_for {
                problems.push(format!(
                    "`{name} = {value}`: the workspace builds smoketest against {}",
                    built_for.map_or("no such crate".to_owned(), |v| format!("version {v}"))
                ));
            }
        }
    }
    let frameworks: BTreeSet<String> =
        table(&workspace_file("smoketest-http/Cargo.toml"), "features")
            .into_iter()
            .map(|(key, _)| key)
            .filter(|key| key != "default")
            .collect();
    if http_features != frameworks {
        problems.push(format!(
            "the stacks should cover each framework feature of smoketest-http, {frameworks:?}; \
             they use {http_features:?}"
        ));
    }
    assert!(
        problems.is_empty(),
        "README.md, section `Dependencies per stack`, disagrees with the manifests:\n{}",
        problems.join("\n")
    );
}
