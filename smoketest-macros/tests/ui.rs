//! Compile-time behaviour of `#[smoke_test]`: what it accepts, and the error every misuse gets.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
