//! Membership, same-items-any-order and map-subset assertions.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt::{Arguments, Debug, Write as _};

use super::fail;

/// Asserts that a container holds a member, like unittest's `assertIn`.
///
/// | container | member |
/// |---|---|
/// | `str`, `String` | a substring (`&str`, `String`) or a `char` |
/// | slices, arrays, `Vec`, `VecDeque`, `HashSet`, `BTreeSet` | an element, compared with `==` |
/// | `HashMap`, `BTreeMap` | a key, compared with `==` |
///
/// References to any of these work too. Elements and keys are compared with `==`, so the member
/// may have another type than the elements (`"apple"` in a `Vec<String>`). Both operands are
/// borrowed, not moved. Default message: `{member:?} not found in {container:?}`.
///
/// ```
/// let regions = vec![String::from("eu-west-1"), String::from("us-east-1")];
/// smoketest::assert_in!("eu-west-1", regions);
/// smoketest::assert_in!('@', "ops@example.com", "the alert address is not an e-mail");
/// ```
#[macro_export]
macro_rules! assert_in {
    ($member:expr, $container:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::is_in(
            &$member,
            &$container,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that a container does not hold a member, like unittest's `assertNotIn`; see
/// [`assert_in!`](crate::assert_in) for the containers.
///
/// Default message: `{member:?} unexpectedly found in {container:?}`.
///
/// ```
/// use std::collections::HashMap;
///
/// let settings = HashMap::from([("currency", "EUR")]);
/// smoketest::assert_not_in!("debug", settings);
/// smoketest::assert_not_in!("TODO", "Welcome to the shop", "placeholder text on the home page");
/// ```
#[macro_export]
macro_rules! assert_not_in {
    ($member:expr, $container:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::not_in(
            &$member,
            &$container,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that two collections have the same items, in any order, each the same number of
/// times, like unittest's `assertCountEqual`.
///
/// The operands are anything `IntoIterator`, taken by value: pass `&v` to keep `v` (then both
/// sides yield references). Items need only `PartialEq` and `Debug`, not `Hash` or `Ord`, and the
/// two sides may have different item types when the first is `PartialEq` to the second. The
/// default message lists each item whose counts differ, as unittest does:
///
/// ```text
/// Element counts were not equal:
/// First has 1, Second has 0:  "x"
/// First has 0, Second has 2:  "y"
/// ```
///
/// ```
/// let granted = vec!["read", "write"];
/// smoketest::assert_count_equal!(&granted, &["write", "read"]);
/// smoketest::assert_count_equal!(granted, ["write", "read"], "role {} has other grants", 7);
/// ```
#[macro_export]
macro_rules! assert_count_equal {
    ($first:expr, $second:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::count_equal(
            $first,
            $second,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Asserts that every key of `subset` is in `map` with an equal value, like unittest's
/// `assertDictContainsSubset`.
///
/// Both are `HashMap`s or `BTreeMap`s (of either kind, or references to them), borrowed, not
/// moved. Keys and values are compared with `==`, so they may have other types on each side
/// (`&str` keys in the subset, `String` keys in the map). The default message names the missing
/// keys and the mismatched values, each in the subset's order (sorted for a `HashMap`):
/// `Missing: "region"; Mismatched values: "currency", expected: "EUR", actual: "USD"`.
///
/// ```
/// use std::collections::HashMap;
///
/// let health = HashMap::from([
///     (String::from("database"), String::from("ok")),
///     (String::from("cache"), String::from("ok")),
///     (String::from("version"), String::from("2.1.0")),
/// ]);
/// smoketest::assert_map_subset!(HashMap::from([("database", "ok")]), health);
/// smoketest::assert_map_subset!(
///     HashMap::from([("database", "ok"), ("cache", "ok")]),
///     health,
///     "unhealthy dependencies",
/// );
/// ```
#[macro_export]
macro_rules! assert_map_subset {
    ($subset:expr, $map:expr $(, $($message:tt)*)?) => {
        $crate::__private::assert::map_subset(
            &$subset,
            &$map,
            $crate::__assert_message!($($($message)*)?),
        )
    };
}

/// Containers `assert_in!` can look into for a `M`.
#[diagnostic::on_unimplemented(
    message = "`assert_in!` cannot look for a `{M}` in a `{Self}`",
    label = "not a container of `{M}`",
    note = "`assert_in!` looks for a `&str`, `String` or `char` in a `str` or `String`, an element \
            in a slice, array, `Vec`, `VecDeque`, `HashSet` or `BTreeSet`, and a key in a \
            `HashMap` or `BTreeMap`; elements and keys are compared with `==`"
)]
pub trait Contains<M: ?Sized> {
    /// Whether `member` is in `self`.
    fn contains_member(&self, member: &M) -> bool;
}

impl<M: ?Sized, C: Contains<M> + ?Sized> Contains<M> for &C {
    fn contains_member(&self, member: &M) -> bool {
        (**self).contains_member(member)
    }
}

impl<M: ?Sized, C: Contains<M> + ?Sized> Contains<M> for &mut C {
    fn contains_member(&self, member: &M) -> bool {
        (**self).contains_member(member)
    }
}

impl Contains<&str> for str {
    fn contains_member(&self, member: &&str) -> bool {
        self.contains(*member)
    }
}

impl Contains<String> for str {
    fn contains_member(&self, member: &String) -> bool {
        self.contains(member.as_str())
    }
}

impl Contains<&String> for str {
    fn contains_member(&self, member: &&String) -> bool {
        self.contains(member.as_str())
    }
}

impl Contains<char> for str {
    fn contains_member(&self, member: &char) -> bool {
        self.contains(*member)
    }
}

impl<M: ?Sized> Contains<M> for String
where
    str: Contains<M>,
{
    fn contains_member(&self, member: &M) -> bool {
        self.as_str().contains_member(member)
    }
}

impl<T: PartialEq<M>, M> Contains<M> for [T] {
    fn contains_member(&self, member: &M) -> bool {
        self.iter().any(|element| element == member)
    }
}

impl<T: PartialEq<M>, M, const N: usize> Contains<M> for [T; N] {
    fn contains_member(&self, member: &M) -> bool {
        self.iter().any(|element| element == member)
    }
}

impl<T: PartialEq<M>, M> Contains<M> for Vec<T> {
    fn contains_member(&self, member: &M) -> bool {
        self.iter().any(|element| element == member)
    }
}

impl<T: PartialEq<M>, M> Contains<M> for VecDeque<T> {
    fn contains_member(&self, member: &M) -> bool {
        self.iter().any(|element| element == member)
    }
}

// Sets and maps are searched by `==` rather than by hash or order, so that `"a"` can be looked
// for among `String`s; smoke-test collections are small enough for a scan.
impl<T: PartialEq<M>, M, S> Contains<M> for HashSet<T, S> {
    fn contains_member(&self, member: &M) -> bool {
        self.iter().any(|element| element == member)
    }
}

impl<T: PartialEq<M>, M> Contains<M> for BTreeSet<T> {
    fn contains_member(&self, member: &M) -> bool {
        self.iter().any(|element| element == member)
    }
}

impl<K: PartialEq<M>, V, M, S> Contains<M> for HashMap<K, V, S> {
    fn contains_member(&self, member: &M) -> bool {
        self.keys().any(|key| key == member)
    }
}

impl<K: PartialEq<M>, V, M> Contains<M> for BTreeMap<K, V> {
    fn contains_member(&self, member: &M) -> bool {
        self.keys().any(|key| key == member)
    }
}

/// `assert_in!`.
#[track_caller]
pub fn is_in<M, C>(member: &M, container: &C, message: Option<Arguments<'_>>)
where
    M: Debug + ?Sized,
    C: Contains<M> + Debug + ?Sized,
{
    if !container.contains_member(member) {
        fail(
            message,
            format_args!("{member:?} not found in {container:?}"),
        );
    }
}

/// `assert_not_in!`.
#[track_caller]
pub fn not_in<M, C>(member: &M, container: &C, message: Option<Arguments<'_>>)
where
    M: Debug + ?Sized,
    C: Contains<M> + Debug + ?Sized,
{
    if container.contains_member(member) {
        fail(
            message,
            format_args!("{member:?} unexpectedly found in {container:?}"),
        );
    }
}

/// `assert_count_equal!`: unittest's `_count_diff_all_purpose`, which needs only `==`.
#[track_caller]
pub fn count_equal<A, B>(first: A, second: B, message: Option<Arguments<'_>>)
where
    A: IntoIterator,
    B: IntoIterator,
    A::Item: PartialEq + PartialEq<B::Item> + Debug,
    B::Item: PartialEq + Debug,
{
    let first: Vec<A::Item> = first.into_iter().collect();
    let second: Vec<B::Item> = second.into_iter().collect();
    let mut first_counted = vec![false; first.len()];
    let mut second_counted = vec![false; second.len()];
    let mut report = String::new();
    for (index, item) in first.iter().enumerate() {
        if first_counted[index] {
            continue;
        }
        let first_count = count_and_mark(&first[index..], &mut first_counted[index..], item);
        let second_count = count_and_mark(&second, &mut second_counted, item);
        if first_count != second_count {
            let _ = write!(
                report,
                "\nFirst has {first_count}, Second has {second_count}:  {item:?}"
            );
        }
    }
    for (index, item) in second.iter().enumerate() {
        if second_counted[index] {
            continue;
        }
        let second_count = count_and_mark(&second[index..], &mut second_counted[index..], item);
        let _ = write!(
            report,
            "\nFirst has 0, Second has {second_count}:  {item:?}"
        );
    }
    if !report.is_empty() {
        fail(
            message,
            format_args!("Element counts were not equal:{report}"),
        );
    }
}

/// Counts the not yet counted items of `items` equal to `item`, and marks them counted.
fn count_and_mark<T, U: PartialEq<T>>(items: &[T], counted: &mut [bool], item: &U) -> usize {
    let mut count = 0;
    for (candidate, counted) in items.iter().zip(counted) {
        if !*counted && item == candidate {
            *counted = true;
            count += 1;
        }
    }
    count
}

/// Maps `assert_map_subset!` compares.
#[diagnostic::on_unimplemented(
    message = "`assert_map_subset!` compares maps, and `{Self}` is not one",
    label = "not a map",
    note = "`assert_map_subset!` takes `HashMap`s and `BTreeMap`s, or references to them"
)]
pub trait Map {
    /// The key type.
    type Key;
    /// The value type.
    type Value;
    /// Whether the iteration order means nothing, so messages list entries sorted instead.
    const UNORDERED: bool;
    /// Every entry.
    fn entries(&self) -> impl Iterator<Item = (&Self::Key, &Self::Value)>;
}

impl<M: Map + ?Sized> Map for &M {
    type Key = M::Key;
    type Value = M::Value;
    const UNORDERED: bool = M::UNORDERED;
    fn entries(&self) -> impl Iterator<Item = (&Self::Key, &Self::Value)> {
        (**self).entries()
    }
}

impl<K, V, S> Map for HashMap<K, V, S> {
    type Key = K;
    type Value = V;
    const UNORDERED: bool = true;
    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
}

impl<K, V> Map for BTreeMap<K, V> {
    type Key = K;
    type Value = V;
    const UNORDERED: bool = false;
    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
}

/// `assert_map_subset!`: unittest's `assertDictContainsSubset`.
#[track_caller]
pub fn map_subset<S, M>(subset: &S, map: &M, message: Option<Arguments<'_>>)
where
    S: Map + ?Sized,
    M: Map + ?Sized,
    S::Key: Debug,
    S::Value: Debug,
    M::Key: PartialEq<S::Key>,
    M::Value: PartialEq<S::Value> + Debug,
{
    let mut missing = Vec::new();
    let mut mismatched = Vec::new();
    for (key, expected) in subset.entries() {
        match map.entries().find(|(candidate, _)| *candidate == key) {
            None => missing.push(format!("{key:?}")),
            Some((_, actual)) if actual != expected => {
                mismatched.push(format!(
                    "{key:?}, expected: {expected:?}, actual: {actual:?}"
                ));
            }
            Some(_) => {}
        }
    }
    if missing.is_empty() && mismatched.is_empty() {
        return;
    }
    if S::UNORDERED {
        missing.sort();
        mismatched.sort();
    }
    let mut report = String::new();
    if !missing.is_empty() {
        let _ = write!(report, "Missing: {}", missing.join(", "));
    }
    if !mismatched.is_empty() {
        let separator = if report.is_empty() { "" } else { "; " };
        let _ = write!(
            report,
            "{separator}Mismatched values: {}",
            mismatched.join("; ")
        );
    }
    fail(message, format_args!("{report}"));
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

    use super::super::testing::{check, fails};

    #[test]
    fn assert_in_finds_substrings_and_chars() {
        let text = String::from("hello world");
        crate::assert_in!("lo w", text);
        crate::assert_in!(String::from("world"), "hello world");
        crate::assert_in!(&String::from("hell"), text.as_str());
        crate::assert_in!('w', &text);
    }

    #[test]
    fn assert_in_finds_elements_and_keys() {
        crate::assert_in!(2, [1, 2, 3]);
        crate::assert_in!(2, &[1, 2, 3][..]);
        crate::assert_in!("b", vec![String::from("a"), String::from("b")]);
        crate::assert_in!(3, VecDeque::from([3]));
        crate::assert_in!("x", HashSet::from(["x"]));
        crate::assert_in!('x', BTreeSet::from(['x']));
        crate::assert_in!("key", HashMap::from([(String::from("key"), 1)]));
        crate::assert_in!(1, BTreeMap::from([(1, "one")]));
    }

    #[test]
    fn assert_in_shows_member_and_container() {
        check(
            fails! { crate::assert_in!("x", "abc") },
            r#""x" not found in "abc""#,
        );
        check(
            fails! { crate::assert_in!(4, vec![1, 2]) },
            "4 not found in [1, 2]",
        );
    }

    #[test]
    fn assert_in_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_in!('x', "abc", "no {}", 'x') },
            "no x: 'x' not found in \"abc\"",
        );
    }

    #[test]
    fn assert_not_in_passes_when_absent() {
        crate::assert_not_in!("z", "abc");
        crate::assert_not_in!(0, BTreeSet::from([1, 2]));
    }

    #[test]
    fn assert_not_in_shows_member_and_container() {
        check(
            fails! { crate::assert_not_in!("b", BTreeMap::from([("b", 2)])) },
            r#""b" unexpectedly found in {"b": 2}"#,
        );
    }

    #[test]
    fn assert_not_in_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_not_in!(1, [1], "{}!", "found") },
            "found!: 1 unexpectedly found in [1]",
        );
    }

    #[test]
    fn assert_count_equal_passes_on_same_items_in_any_order() {
        let first = vec![vec![1], vec![2], vec![1]];
        crate::assert_count_equal!(&first, &[vec![1], vec![1], vec![2]]);
        crate::assert_count_equal!(vec![String::from("a"), String::from("b")], ["b", "a"]);
        crate::assert_count_equal!(Vec::<u8>::new(), [0_u8; 0]);
        crate::assert_count_equal!(0..3, [2, 1, 0]);
    }

    #[test]
    fn assert_count_equal_lists_differing_counts() {
        let message = "Element counts were not equal:\n\
            First has 1, Second has 0:  \"x\"\n\
            First has 2, Second has 1:  \"a\"\n\
            First has 0, Second has 2:  \"y\"";
        check(
            fails! { crate::assert_count_equal!(["x", "a", "a"], ["a", "y", "y"]) },
            message,
        );
    }

    #[test]
    fn assert_count_equal_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_count_equal!([1], [2], "grants of {}", 7) },
            "grants of 7: Element counts were not equal:\nFirst has 1, Second has 0:  1\nFirst has 0, Second has 1:  2",
        );
    }

    #[test]
    fn assert_map_subset_passes_on_a_subset() {
        let map = HashMap::from([(String::from("a"), 1), (String::from("b"), 2)]);
        crate::assert_map_subset!(HashMap::from([("a", 1)]), map);
        crate::assert_map_subset!(BTreeMap::<&str, i32>::new(), &map);
        crate::assert_map_subset!(
            BTreeMap::from([(1, "x")]),
            BTreeMap::from([(1, "x"), (2, "y")])
        );
    }

    #[test]
    fn assert_map_subset_names_missing_keys_and_mismatched_values() {
        let subset = HashMap::from([("d", 4), ("a", 9), ("c", 3), ("b", 8)]);
        let map = BTreeMap::from([("a", 1), ("b", 2)]);
        let message = concat!(
            r#"Missing: "c", "d"; "#,
            r#"Mismatched values: "a", expected: 9, actual: 1; "b", expected: 8, actual: 2"#,
        );
        check(fails! { crate::assert_map_subset!(subset, map) }, message);
        let message = "Mismatched values: 2, expected: 'x', actual: 'y'";
        check(
            fails! { crate::assert_map_subset!(BTreeMap::from([(2, 'x')]), map_of_one()) },
            message,
        );
    }

    fn map_of_one() -> BTreeMap<i32, char> {
        BTreeMap::from([(2, 'y')])
    }

    #[test]
    fn assert_map_subset_custom_message_comes_before_the_default() {
        let (subset, empty) = (BTreeMap::from([("a", 1)]), BTreeMap::<&str, i32>::new());
        check(
            fails! { crate::assert_map_subset!(subset, empty, "health {}", 1) },
            "health 1: Missing: \"a\"",
        );
    }
}
