//! Excluded names ([`Runner::exclude`](crate::Runner::exclude), `--exclude`, `?exclude=`): exact
//! full test names a run leaves out, and the warning for each one that names no test.
//!
//! An exclusion that matches nothing is most likely a typo or a renamed test: the test meant to
//! be left out runs after all. The run still goes on as asked, but its report says so.

use std::collections::HashSet;

/// How many characters of an excluded name a warning quotes: names come from whoever calls (a
/// URL's query, say), and the report stays bounded.
const QUOTED_CHARS: usize = 200;

/// How many excluded names matching nothing are named one by one; one more line counts the rest.
const NAMED: usize = 100;

/// The names of `excluded` as a set, to look each test up in once.
pub(crate) fn set(excluded: &[String]) -> HashSet<&str> {
    excluded.iter().map(String::as_str).collect()
}

/// One warning per name of `excluded` that is the name of none of the `linked` tests, in the
/// order given, each name once: `excluded name "NAME" matches no test`. After [`NAMED`] of them,
/// one line says how many more there are: `3 more excluded names match no test`.
pub(crate) fn warnings<'a>(
    excluded: &[String],
    linked: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    if excluded.is_empty() {
        return Vec::new();
    }
    let linked: HashSet<&str> = linked.collect();
    let mut seen = HashSet::new();
    let mut warnings = Vec::new();
    let mut more = 0_usize;
    for name in excluded {
        if linked.contains(name.as_str()) || !seen.insert(name.as_str()) {
            continue;
        }
        if warnings.len() < NAMED {
            warnings.push(warning(name));
        } else {
            more += 1;
        }
    }
    match more {
        0 => {}
        1 => warnings.push("1 more excluded name matches no test".to_owned()),
        more => warnings.push(format!("{more} more excluded names match no test")),
    }
    warnings
}

/// `excluded name "NAME" matches no test`, the name escaped as Rust's `escape_debug` does and
/// cut after [`QUOTED_CHARS`] characters with `…`.
pub(crate) fn warning(name: &str) -> String {
    format!("excluded name \"{}\" matches no test", quoted(name))
}

fn quoted(name: &str) -> String {
    let mut escaped_chars = 0;
    for (at, c) in name.char_indices() {
        escaped_chars += c.escape_debug().len();
        if escaped_chars > QUOTED_CHARS {
            return format!("{}…", name[..at].escape_debug());
        }
    }
    name.escape_debug().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| (*word).to_owned()).collect()
    }

    #[test]
    fn each_excluded_name_that_matches_no_test_is_named_once_in_the_order_given() {
        let linked = ["app::smoke::a", "app::smoke::b"];
        assert_eq!(
            warnings(
                &names(&["zz", "app::smoke::a", "aa", "zz", "app::smoke"]),
                linked.into_iter()
            ),
            [
                "excluded name \"zz\" matches no test",
                "excluded name \"aa\" matches no test",
                "excluded name \"app::smoke\" matches no test",
            ]
        );
        assert!(warnings(&names(&["app::smoke::b"]), linked.into_iter()).is_empty());
    }

    #[test]
    fn a_name_is_escaped_and_cut() {
        assert_eq!(
            warning("a\"b\nc\u{7}"),
            "excluded name \"a\\\"b\\nc\\u{7}\" matches no test"
        );
        let long = "x".repeat(QUOTED_CHARS + 1);
        assert_eq!(
            warning(&long),
            format!(
                "excluded name \"{}…\" matches no test",
                "x".repeat(QUOTED_CHARS)
            )
        );
        assert_eq!(
            warning(&long[1..]),
            format!(
                "excluded name \"{}\" matches no test",
                "x".repeat(QUOTED_CHARS)
            )
        );
        // Never inside an escape: `\n` is two characters, and the second would be one too many.
        let newlines = format!("{}\n", "x".repeat(QUOTED_CHARS - 1));
        assert_eq!(
            warning(&newlines),
            format!(
                "excluded name \"{}…\" matches no test",
                "x".repeat(QUOTED_CHARS - 1)
            )
        );
    }

    #[test]
    fn past_a_hundred_names_one_line_counts_the_rest() {
        let many: Vec<String> = (0..NAMED + 3).map(|i| format!("n{i}")).collect();
        let warnings = warnings(&many, std::iter::empty());
        assert_eq!(warnings.len(), NAMED + 1);
        assert_eq!(warnings[NAMED - 1], "excluded name \"n99\" matches no test");
        assert_eq!(warnings[NAMED], "3 more excluded names match no test");
    }

    #[test]
    fn a_hundred_thousand_excluded_names_take_linear_time() {
        // Quadratic work would be 10^10 comparisons here: far beyond the bound.
        let many: Vec<String> = (0..100_000).map(|i| format!("app::smoke::t{i}")).collect();
        let linked: Vec<&str> = many.iter().map(String::as_str).collect();
        let started = std::time::Instant::now();
        assert!(warnings(&many, linked.iter().copied()).is_empty());
        assert_eq!(set(&many).len(), 100_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
