//! `retries = N`: how many more attempts a failed or errored test gets within the run.

use syn::meta::ParseNestedMeta;
use syn::{Expr, ExprLit, ExprUnary, Lit, LitInt, Token, UnOp};

use super::constant_note;

/// The most `retries` a test may ask for: each attempt may take the whole timeout, and a run must
/// stay bounded in time.
const MAX_RETRIES: u32 = 10;

/// Reads the value of `retries`: an integer literal from 0 to [`MAX_RETRIES`].
pub(super) fn parse(meta: &ParseNestedMeta<'_>) -> syn::Result<u32> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(
            "`retries` needs a number: how many more attempts a failed test gets, e.g. `retries = 2`",
        ));
    }
    let value: Expr = meta.value()?.parse()?;
    match &value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => integer(int),
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => {
            let text = literal.value();
            let message = match text.trim().parse::<u32>() {
                Ok(number) => {
                    format!("`retries` is a number, not a string: write `retries = {number}`")
                }
                Err(_) => "`retries` is a number, not a string, e.g. `retries = 2`".to_owned(),
            };
            Err(syn::Error::new(literal.span(), message))
        }
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_), ..
        }) => Err(syn::Error::new_spanned(
            value,
            format_args!(
                "`retries` can't be negative: it counts the attempts after the first, from 0 to \
                 {MAX_RETRIES}, e.g. `retries = 2`"
            ),
        )),
        Expr::Lit(ExprLit {
            lit: Lit::Float(_), ..
        }) => Err(syn::Error::new_spanned(
            value,
            format_args!(
                "`retries` is a whole number of attempts, from 0 to {MAX_RETRIES}, e.g. `retries = 2`"
            ),
        )),
        _ => Err(syn::Error::new_spanned(
            &value,
            format_args!(
                "`retries` takes an integer literal, e.g. `retries = 2`{}",
                constant_note(&value)
            ),
        )),
    }
}

fn integer(int: &LitInt) -> syn::Result<u32> {
    if !int.suffix().is_empty() {
        return Err(syn::Error::new(
            int.span(),
            format_args!(
                "`retries` is written without a type suffix: `retries = {}`",
                int.base10_digits()
            ),
        ));
    }
    match int.base10_parse::<u32>() {
        Ok(retries) if retries <= MAX_RETRIES => Ok(retries),
        _ => Err(syn::Error::new(
            int.span(),
            format_args!(
                "at most {MAX_RETRIES} retries: each attempt may take the whole timeout, and a \
                 run must stay short; write `retries = {MAX_RETRIES}` or less (a slow dependency \
                 needs a longer `timeout`, not more attempts)"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::super::test_support::{messages, parse_ok};

    const TOO_MANY: &str = "at most 10 retries: each attempt may take the whole timeout, and a \
                            run must stay short; write `retries = 10` or less (a slow \
                            dependency needs a longer `timeout`, not more attempts)";

    #[test]
    fn retries_are_a_number_from_0_to_10() {
        assert_eq!(parse_ok(quote!()).retries, None);
        assert_eq!(parse_ok(quote!(retries = 0)).retries, Some(0));
        assert_eq!(parse_ok(quote!(retries = 2)).retries, Some(2));
        assert_eq!(parse_ok(quote!(retries = 10)).retries, Some(10));
        assert_eq!(parse_ok(quote!(retries = 0x3)).retries, Some(3));
        assert_eq!(parse_ok(quote!(retries = 1_0)).retries, Some(10));
    }

    #[test]
    fn more_than_10_retries_are_refused() {
        assert_eq!(messages(quote!(retries = 11)), [TOO_MANY]);
        assert_eq!(messages(quote!(retries = 4294967296)), [TOO_MANY]);
    }

    #[test]
    fn retries_need_an_integer_literal() {
        assert_eq!(
            messages(quote!(retries)),
            [
                "`retries` needs a number: how many more attempts a failed test gets, e.g. `retries = 2`"
            ]
        );
        assert_eq!(
            messages(quote!(retries(2))),
            [
                "`retries` needs a number: how many more attempts a failed test gets, e.g. `retries = 2`"
            ]
        );
        assert_eq!(
            messages(quote!(retries = "2")),
            ["`retries` is a number, not a string: write `retries = 2`"]
        );
        assert_eq!(
            messages(quote!(retries = "two")),
            ["`retries` is a number, not a string, e.g. `retries = 2`"]
        );
        assert_eq!(
            messages(quote!(retries = -1)),
            [
                "`retries` can't be negative: it counts the attempts after the first, from 0 to 10, \
              e.g. `retries = 2`"
            ]
        );
        assert_eq!(
            messages(quote!(retries = 2.5)),
            ["`retries` is a whole number of attempts, from 0 to 10, e.g. `retries = 2`"]
        );
        assert_eq!(
            messages(quote!(retries = 2u8)),
            ["`retries` is written without a type suffix: `retries = 2`"]
        );
        assert_eq!(
            messages(quote!(retries = RETRIES)),
            [
                "`retries` takes an integer literal, e.g. `retries = 2`; a macro can't read the value \
              of a constant"
            ]
        );
        assert_eq!(
            messages(quote!(retries = true)),
            ["`retries` takes an integer literal, e.g. `retries = 2`"]
        );
    }

    #[test]
    fn retries_are_given_once() {
        assert_eq!(
            messages(quote!(retries = 1, retries = 2)),
            ["duplicate argument `retries`; give it once"]
        );
    }
}
