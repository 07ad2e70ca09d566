//! Text assertions: regular expressions and multi-line diffs.

use std::fmt::Arguments;

use regex_lite::Regex;
use similar::TextDiff;

use super::fail;

/// Asserts that a regular expression matches somewhere in a text, like unittest's
/// `assertRegex` (a search, not a full match: anchor with `^` and `$`).
///
/// The text is anything `AsRef<str>` and the pattern a string in the syntax of the
/// [`regex-lite`](https://docs.rs/regex-lite) crate. An invalid pattern fails the test with
/// `invalid regex "(": ...`, whatever the custom message. Default message:
/// `Regex didn't match: "^a" not found in "bcd"`.
///
/// ```
/// let currency = String::from("EUR");
/// smoketest::assert_regex!(currency, "^[A-Z]{3}$");
/// smoketest::assert_regex!(&currency, "^[A-Z]{3}$", "set {} to an ISO 4217 code", "CURRENCY");
/// ```
#[macro_export]
macro_rules! assert_regex {
    ($text:expr, $regex:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::regex(
            &$text,
            &$regex,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that a regular expression matches nowhere in a text, like unittest's
/// `assertNotRegex`; see [`assert_regex!`](crate::assert_regex).
///
/// Default message: `Regex matched: "a" matches "^a" in "abc"` (the matched part, the pattern,
/// the text).
///
/// ```
/// let page = "<h1>Welcome</h1>";
/// smoketest::assert_not_regex!(page, "(?i)traceback|exception");
/// smoketest::assert_not_regex!(page, r"\{\{.*\}\}", "unrendered template tags");
/// ```
#[macro_export]
macro_rules! assert_not_regex {
    ($text:expr, $regex:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::not_regex(
            &$text,
            &$regex,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that two strings are equal, and shows a line diff when they are not, like
/// unittest's `assertMultiLineEqual`.
///
/// The operands are anything `AsRef<str>`, borrowed. The default message is `first != second:`
/// followed by a unified diff of the lines, from `first` to `second`:
///
/// ```text
/// first != second:
/// --- first
/// +++ second
/// @@ -1,2 +1,2 @@
///  [server]
/// -port = 80
/// +port = 8080
/// ```
///
/// ```
/// let rendered = "[server]\nport = 8080\n";
/// smoketest::assert_multi_line_equal!(rendered, "[server]\nport = 8080\n");
/// smoketest::assert_multi_line_equal!(rendered, String::from(rendered), "config drift");
/// ```
#[macro_export]
macro_rules! assert_multi_line_equal {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::multi_line_equal(
            &$first,
            &$second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// `assert_regex!`.
#[track_caller]
pub fn regex<T, R>(text: &T, regex: &R, message: Option<Arguments<'_>>)
where
    T: AsRef<str> + ?Sized,
    R: AsRef<str> + ?Sized,
{
    search(text.as_ref(), regex.as_ref(), true, message);
}

/// `assert_not_regex!`.
#[track_caller]
pub fn not_regex<T, R>(text: &T, regex: &R, message: Option<Arguments<'_>>)
where
    T: AsRef<str> + ?Sized,
    R: AsRef<str> + ?Sized,
{
    search(text.as_ref(), regex.as_ref(), false, message);
}

/// Fails unless `pattern` is found in `text` exactly when `expected`.
#[track_caller]
fn search(text: &str, pattern: &str, expected: bool, message: Option<Arguments<'_>>) {
    let regex = match Regex::new(pattern) {
        Ok(regex) => regex,
        Err(error) => crate::panic::assertion_failed(format!("invalid regex {pattern:?}: {error}")),
    };
    match (regex.find(text), expected) {
        (None, true) => fail(
            message,
            format_args!("Regex didn't match: {pattern:?} not found in {text:?}"),
        ),
        (Some(found), false) => fail(
            message,
            format_args!(
                "Regex matched: {:?} matches {pattern:?} in {text:?}",
                found.as_str()
            ),
        ),
        _ => {}
    }
}

/// `assert_multi_line_equal!`.
#[track_caller]
pub fn multi_line_equal<A, B>(first: &A, second: &B, message: Option<Arguments<'_>>)
where
    A: AsRef<str> + ?Sized,
    B: AsRef<str> + ?Sized,
{
    compare_lines(first.as_ref(), second.as_ref(), message);
}

#[track_caller]
fn compare_lines(first: &str, second: &str, message: Option<Arguments<'_>>) {
    if first == second {
        return;
    }
    let diff = TextDiff::from_lines(first, second);
    let diff = diff.unified_diff().header("first", "second").to_string();
    fail(
        message,
        format_args!("first != second:\n{}", diff.trim_end_matches('\n')),
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, fails};

    #[test]
    fn assert_regex_passes_on_a_match_anywhere() {
        crate::assert_regex!("abc", "b");
        crate::assert_regex!(String::from("EUR"), String::from("^[A-Z]{3}$"));
        let currency = String::from("EUR");
        crate::assert_regex!(&currency, r"^\w+$",);
    }

    #[test]
    fn assert_regex_shows_pattern_and_text() {
        check(
            fails! { crate::assert_regex!("bcd", "^a") },
            r#"Regex didn't match: "^a" not found in "bcd""#,
        );
    }

    #[test]
    fn assert_regex_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_regex!("bcd", "^a", "set {}", "X") },
            "set X: Regex didn't match: \"^a\" not found in \"bcd\"",
        );
    }

    #[test]
    fn assert_regex_fails_on_an_invalid_regex() {
        let caught = fails! { crate::assert_regex!("abc", "(", "not shown") };
        let message = &caught.failure.message;
        assert!(message.starts_with(r#"invalid regex "(": "#), "{message}");
        assert_eq!(caught.failure.location.line(), caught.line);
    }

    #[test]
    fn assert_not_regex_passes_without_a_match() {
        crate::assert_not_regex!("abc", "^b");
    }

    #[test]
    fn assert_not_regex_shows_the_match() {
        let message = r#"Regex matched: "ab" matches "^ab?" in "abc""#;
        check(fails! { crate::assert_not_regex!("abc", "^ab?") }, message);
    }

    #[test]
    fn assert_not_regex_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_not_regex!("abc", "b", "{}", 1) },
            "1: Regex matched: \"b\" matches \"b\" in \"abc\"",
        );
    }

    #[test]
    fn assert_multi_line_equal_passes_on_equal_text() {
        crate::assert_multi_line_equal!("a\nb\n", String::from("a\nb\n"));
    }

    #[test]
    fn assert_multi_line_equal_shows_a_unified_diff() {
        let first = "[server]\nhost = a\nport = 80\n";
        let second = "[server]\nhost = a\nport = 8080\n";
        let message = "first != second:\n--- first\n+++ second\n@@ -1,3 +1,3 @@\n\
            \x20[server]\n host = a\n-port = 80\n+port = 8080";
        check(
            fails! { crate::assert_multi_line_equal!(first, second) },
            message,
        );
    }

    #[test]
    fn assert_multi_line_equal_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_multi_line_equal!("a", "b", "drift in {}", "x") },
            "drift in x: first != second:\n--- first\n+++ second\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file",
        );
    }
}
