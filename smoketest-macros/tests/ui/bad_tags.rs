use smoketest::smoke_test;

#[smoke_test(tags = "ready")]
fn one_tag_without_a_list() {}

#[smoke_test(tags = "ready, db")]
fn a_list_in_a_string() {}

#[smoke_test(tags = [1])]
fn a_number() {}

#[smoke_test(tags = [ready])]
fn a_word_without_quotes() {}

#[smoke_test(tags = [READY_TAG])]
fn a_constant() {}

#[smoke_test(tags = READY_TAGS)]
fn a_constant_list() {}

#[smoke_test(tags = [])]
fn no_tag() {}

#[smoke_test(tags = [""])]
fn an_empty_tag() {}

#[smoke_test(tags = ["re ady"])]
fn a_space() {}

#[smoke_test(tags = ["a,b"])]
fn a_comma() {}

#[smoke_test(tags = ["team/payments"])]
fn a_slash() {}

#[smoke_test(tags = ["-ready"])]
fn a_leading_dash() {}

#[smoke_test(tags = ["ready", "db", "ready"])]
fn a_tag_twice() {}

#[smoke_test(tags = [1, "", "ok"])]
fn every_bad_tag_at_once() {}

#[smoke_test(tags = ["ready"], slow, tags = ["db"])]
fn tags_twice() {}

#[smoke_test(tags)]
fn no_value() {}

#[smoke_test(tags("ready"))]
fn parentheses() {}

const READY_TAG: &str = "ready";
const READY_TAGS: [&str; 1] = ["ready"];

fn main() {}
