//! The crate's sources stay readable: its top-level modules form layers (no module uses,
//! directly or through others, a module that uses it), and no file grows past a few hundred
//! lines. A module's uses are read from the sources: the `crate::name` paths in its files (its
//! submodules included; comments and test modules left out), with the names `lib.rs` re-exports
//! at the root (`crate::Report`) counted as uses of the module they come from.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// `source` without comments and without its `#[cfg(test)] mod … { … }` blocks.
fn without_comments_and_tests(source: &str) -> String {
    let code: Vec<&str> = source
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect();
    let code = code.join("\n");
    match code.find("#[cfg(test)]\nmod tests {") {
        Some(at) => code[..at].to_owned(),
        None => code,
    }
}

/// The identifiers after each `crate::` (and inside `crate::{…}` groups).
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let group = match rest.strip_prefix('{') {
            Some(inner) => &inner[..inner.find('}').unwrap_or(inner.len())],
            None => rest,
        };
        for part in group.split(',') {
            let name: String = part
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
            if !rest.starts_with('{') {
                break;
            }
        }
    }
    names
}

/// Root names re-exported by `lib.rs` (`pub use crate::report::{Report, Status}`), by module.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use crate::") else {
            continue;
        };
        let (module, items) = path.split_once("::").unwrap_or((path, ""));
        let items = items.trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let exported = item.split(" as ").last().unwrap_or_default().trim();
            if !exported.is_empty() {
                exports.insert(exported.to_owned(), module.to_owned());
            }
        }
    }
    exports
}

/// A circle in `uses`, as the path around it (first module repeated last), if there is one:
/// a depth-first search from every module, where a module met again on the current path closes
/// a circle.
fn circle(uses: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        uses: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|seen| seen == module) {
            let mut circle = path[at..].to_vec();
            circle.push(module.to_owned());
            return Some(circle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for used in uses.get(module).into_iter().flatten() {
            if let Some(circle) = visit(used, uses, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    uses.keys()
        .find_map(|module| visit(module, uses, &mut Vec::new(), &mut done))
}

/// Whether `file` is a test module of its parent (`#[cfg(test)] mod tests;` in `parent.rs` or
/// `parent/mod.rs`): test code may use anything.
fn is_test_module(file: &Path) -> bool {
    let (Some(dir), Some(stem)) = (file.parent(), file.file_stem().and_then(|s| s.to_str())) else {
        return false;
    };
    let declaration = format!("#[cfg(test)]\nmod {stem};");
    [dir.with_extension("rs"), dir.join("mod.rs")]
        .iter()
        .filter_map(|parent| fs::read_to_string(parent).ok())
        .any(|parent| parent.contains(&declaration))
}

#[test]
fn the_modules_form_layers_without_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let exports = root_exports(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src/");
        let first = relative.components().next().expect("a path");
        let module = Path::new(first.as_os_str())
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("a UTF-8 file name")
            .to_owned();
        if module == "lib" || is_test_module(file) {
            continue;
        }
        let code = without_comments_and_tests(&fs::read_to_string(file).expect("a source file"));
        let entry = uses.entry(module.clone()).or_default();
        for name in crate_paths(&code) {
            let used = exports.get(&name).cloned().unwrap_or(name);
            if used != module {
                entry.insert(used);
            }
        }
    }
    let modules: BTreeSet<String> = uses.keys().cloned().collect();
    for used in uses.values_mut() {
        used.retain(|name| modules.contains(name));
    }
    if let Some(circle) = circle(&uses) {
        panic!(
            "module circle: {}; move what the lower module needs into a module below both",
            circle.join(" -> ")
        );
    }
    // The layers, for whoever reads the test's output.
    for (module, used) in &uses {
        let used: Vec<&str> = used.iter().map(String::as_str).collect();
        println!("{module} -> {}", used.join(", "));
    }
}

#[test]
fn a_circle_is_found() {
    // The parser on a made-up crate: `b` uses `a` through a root re-export, `a` uses `b`.
    let exports = root_exports("pub use crate::a::{Alpha, Beta as B};\npub use crate::b::Gamma;");
    assert_eq!(exports["Alpha"], "a");
    assert_eq!(exports["B"], "a");
    assert_eq!(exports["Gamma"], "b");
    let code = without_comments_and_tests(
        "use crate::{Alpha, c::X}; // crate::d\nfn f() {}\n#[cfg(test)]\nmod tests {\nuse crate::e;\n}",
    );
    assert_eq!(
        crate_paths(&code),
        BTreeSet::from(["Alpha".to_owned(), "c".to_owned()])
    );
    let graph = |edges: &[(&str, &str)]| {
        let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in edges {
            uses.entry((*from).to_owned())
                .or_default()
                .insert((*to).to_owned());
            uses.entry((*to).to_owned()).or_default();
        }
        uses
    };
    assert_eq!(circle(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    assert_eq!(
        circle(&graph(&[("a", "b"), ("b", "c"), ("c", "a")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

/// A file a reader can hold in their head: past this, split it by concept.
const MAX_LINES: usize = 650;

#[test]
fn every_source_file_is_short_enough_to_read() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = fs::read_to_string(file)
                .expect("a source file")
                .lines()
                .count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "longer than {MAX_LINES} lines: {}",
        long.join(", ")
    );
}
