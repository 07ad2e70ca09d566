//! Strings that live as long as the program, one copy per distinct value.
//!
//! Test names and metadata are `&'static str` everywhere a report borrows them: linked tests'
//! come from the binary, and those of [`Runner::check`](crate::Runner::check) are interned here,
//! so a process that builds its runner again and again (a test suite, a config reload) keeps
//! one copy of each distinct name instead of one per build.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use crate::sync::lock;

static STRINGS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
static LISTS: OnceLock<Mutex<HashSet<&'static [&'static str]>>> = OnceLock::new();

/// The program's copy of `text`.
pub(crate) fn string(text: &str) -> &'static str {
    let mut strings = lock(STRINGS.get_or_init(Default::default));
    if let Some(interned) = strings.get(text) {
        return interned;
    }
    let interned: &'static str = Box::leak(text.to_owned().into_boxed_str());
    strings.insert(interned);
    interned
}

/// The program's copy of a list of strings (a test's tags).
pub(crate) fn list<S: AsRef<str>>(items: &[S]) -> &'static [&'static str] {
    let items: Vec<&'static str> = items.iter().map(|item| string(item.as_ref())).collect();
    let mut lists = lock(LISTS.get_or_init(Default::default));
    if let Some(interned) = lists.get(items.as_slice()) {
        return interned;
    }
    let interned: &'static [&'static str] = Box::leak(items.into_boxed_slice());
    lists.insert(interned);
    interned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_and_lists_share_one_copy() {
        let a = string(&String::from("app::check"));
        let b = string(&String::from("app::check"));
        assert!(std::ptr::eq(a, b));
        let one = list(&["ready", "db"]);
        let two = list(&[String::from("ready"), String::from("db")]);
        assert!(std::ptr::eq(one, two));
        assert_eq!(one, ["ready", "db"]);
        assert!(!std::ptr::eq(list(&["db", "ready"]), one));
    }
}
