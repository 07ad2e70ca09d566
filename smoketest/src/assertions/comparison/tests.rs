//! The comparison assertions' messages, exactly.

use std::rc::Rc;

use super::super::testing::{check, fails};

#[test]
fn assert_equal_passes_on_equal_values_of_different_types() {
    crate::assert_equal!(String::from("ok"), "ok");
    crate::assert_equal!(vec![1, 2], [1, 2],);
}

#[test]
fn assert_equal_shows_both_values() {
    check(fails! { crate::assert_equal!(1 + 1, 3) }, "2 != 3");
}

#[test]
fn assert_equal_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_equal!("a", "b", "user {} missing", 7) },
        "user 7 missing: \"a\" != \"b\"",
    );
}

#[test]
fn assert_not_equal_passes_on_different_values() {
    crate::assert_not_equal!(1, 2);
}

#[test]
fn assert_not_equal_shows_both_values() {
    check(
        fails! { crate::assert_not_equal!("a", "a") },
        r#""a" == "a""#,
    );
}

#[test]
fn assert_not_equal_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_not_equal!(1, 1, "same {}", "ids",) },
        "same ids: 1 == 1",
    );
}

#[test]
fn assert_true_passes_on_true() {
    crate::assert_true!(1 < 2);
}

#[test]
fn assert_true_names_the_expression() {
    let free_gb = 1;
    check(
        fails! { crate::assert_true!(free_gb > 2) },
        "`free_gb > 2` is not true",
    );
}

#[test]
fn assert_true_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_true!(false, "disk {}", "full") },
        "disk full: `false` is not true",
    );
}

#[test]
fn assert_false_passes_on_false() {
    crate::assert_false!(1 > 2);
}

#[test]
fn assert_false_names_the_expression() {
    check(
        fails! { crate::assert_false!(0 < 1) },
        "`0 < 1` is not false",
    );
}

#[test]
fn assert_false_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_false!(true, "title {}", 7) },
        "title 7: `true` is not false",
    );
}

#[test]
fn assert_is_passes_on_the_same_object() {
    let value = 5;
    let shared = Rc::new(String::from("x"));
    let items = [1, 2, 3];
    crate::assert_is!(&value, &value);
    crate::assert_is!(shared, Rc::clone(&shared));
    crate::assert_is!(&items[..2], &items[..2]);
}

#[test]
fn assert_is_shows_both_values() {
    let (first, second) = (String::from("a"), String::from("a"));
    check(
        fails! { crate::assert_is!(&first, &second) },
        r#""a" is not "a""#,
    );
}

#[test]
fn assert_is_custom_message_comes_before_the_default() {
    let items = [1, 2, 3];
    check(
        fails! { crate::assert_is!(&items[..1], &items[..2], "{}", 1) },
        "1: [1] is not [1, 2]",
    );
}

#[test]
fn assert_is_not_passes_on_equal_values_at_different_addresses() {
    crate::assert_is_not!(Box::new(1), Box::new(1));
}

#[test]
fn assert_is_not_shows_the_value() {
    let shared = Rc::new(vec![1]);
    check(
        fails! { crate::assert_is_not!(shared, shared.clone()) },
        "unexpectedly identical: [1]",
    );
}

#[test]
fn assert_is_not_custom_message_comes_before_the_default() {
    let value = 1;
    check(
        fails! { crate::assert_is_not!(&value, &value, "{}", 2) },
        "2: unexpectedly identical: 1",
    );
}

#[test]
fn assert_is_none_passes_on_none() {
    crate::assert_is_none!(None::<String>);
}

#[test]
fn assert_is_none_shows_the_value() {
    check(
        fails! { crate::assert_is_none!(Some(3)) },
        "Some(3) is not None",
    );
}

#[test]
fn assert_is_none_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_is_none!(Some(3), "lock {}", 3) },
        "lock 3: Some(3) is not None",
    );
}

#[test]
fn assert_is_not_none_passes_on_some_without_moving_it() {
    let name = Some(String::from("x"));
    crate::assert_is_not_none!(name);
    crate::assert_is_some!(name);
    drop(name);
}

#[test]
fn assert_is_not_none_says_unexpectedly_none() {
    check(
        fails! { crate::assert_is_not_none!(None::<u8>) },
        "unexpectedly None",
    );
}

#[test]
fn assert_is_not_none_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_is_not_none!(None::<u8>, "{}", 1) },
        "1: unexpectedly None",
    );
}

#[test]
fn assert_is_some_says_unexpectedly_none() {
    check(
        fails! { crate::assert_is_some!(None::<u8>) },
        "unexpectedly None",
    );
}

#[test]
fn assert_is_some_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_is_some!(None::<u8>, "book {}", 9) },
        "book 9: unexpectedly None",
    );
}

#[test]
fn assert_greater_passes_when_greater() {
    crate::assert_greater!(2, 1);
}

#[test]
fn assert_greater_shows_both_values() {
    check(
        fails! { crate::assert_greater!(1, 1) },
        "1 not greater than 1",
    );
}

#[test]
fn assert_greater_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_greater!(0, 1, "{} books", 0) },
        "0 books: 0 not greater than 1",
    );
}

#[test]
fn assert_greater_equal_passes_when_equal() {
    crate::assert_greater_equal!(1, 1);
}

#[test]
fn assert_greater_equal_shows_both_values() {
    check(
        fails! { crate::assert_greater_equal!(0.5, 1.0) },
        "0.5 not greater than or equal to 1.0",
    );
}

#[test]
fn assert_greater_equal_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_greater_equal!(0, 1, "x") },
        "x: 0 not greater than or equal to 1",
    );
}

#[test]
fn assert_less_passes_when_less() {
    crate::assert_less!("a", "b");
}

#[test]
fn assert_less_shows_both_values() {
    check(fails! { crate::assert_less!(2, 1) }, "2 not less than 1");
}

#[test]
fn assert_less_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_less!(2, 1, "slow: {} ms", 2) },
        "slow: 2 ms: 2 not less than 1",
    );
}

#[test]
fn assert_less_equal_passes_when_equal() {
    crate::assert_less_equal!(1, 1);
}

#[test]
fn assert_less_equal_shows_both_values() {
    check(
        fails! { crate::assert_less_equal!(f64::NAN, 1.0) },
        "NaN not less than or equal to 1.0",
    );
}

#[test]
fn assert_less_equal_custom_message_comes_before_the_default() {
    check(
        fails! { crate::assert_less_equal!(2, 1, "{}", "q") },
        "q: 2 not less than or equal to 1",
    );
}
