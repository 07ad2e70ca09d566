//! `timeout = "2s"`: the test's own time limit, a human duration.

use std::time::Duration;

use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Expr, ExprLit, Lit, LitStr, Token};

use super::constant_note;

/// Reads the value of `timeout`.
pub(super) fn parse(meta: &ParseNestedMeta<'_>) -> syn::Result<Duration> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error("`timeout` needs a value, e.g. `timeout = \"2s\"`"));
    }
    let value: Expr = meta.value()?.parse()?;
    let literal = match &value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => literal,
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => {
            return Err(number(int, int.base10_digits(), int.suffix()));
        }
        Expr::Lit(ExprLit {
            lit: Lit::Float(float),
            ..
        }) => {
            return Err(number(float, float.base10_digits(), float.suffix()));
        }
        _ => {
            return Err(syn::Error::new_spanned(
                &value,
                format_args!(
                    "the timeout is a string literal, e.g. `timeout = \"2s\"`{}",
                    constant_note(&value)
                ),
            ));
        }
    };
    parse_duration(literal)
}

/// `timeout = 2` or `timeout = 2s`: suggests the string, in seconds if the number has no unit.
fn number(literal: impl ToTokens, digits: &str, unit: &str) -> syn::Error {
    let unit = if unit.is_empty() { "s" } else { unit };
    syn::Error::new_spanned(
        literal,
        format_args!("the timeout is a string: write `timeout = \"{digits}{unit}\"`"),
    )
}

/// Parses a human duration (`"500ms"`, `"2s"`, `"1m"`); zero is refused because it would make
/// every run of the test time out.
fn parse_duration(literal: &LitStr) -> syn::Result<Duration> {
    let text = literal.value();
    match humantime::parse_duration(&text) {
        Ok(duration) if duration.is_zero() => Err(syn::Error::new(
            literal.span(),
            "timeout must be greater than zero",
        )),
        Ok(duration) => Ok(duration),
        Err(error) => Err(syn::Error::new(
            literal.span(),
            format_args!(
                "invalid timeout {text:?}: {error}; write e.g. \"500ms\", \"2s\" or \"1m\""
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use quote::quote;

    use super::super::test_support::{messages, parse_ok};

    #[test]
    fn timeouts_are_human_durations() {
        let timeout = |text: &str| parse_ok(quote!(timeout = #text)).timeout;
        assert_eq!(timeout("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(timeout("2s"), Some(Duration::from_secs(2)));
        assert_eq!(timeout("1m"), Some(Duration::from_secs(60)));
        assert_eq!(timeout("1m 30s"), Some(Duration::from_secs(90)));
    }

    #[test]
    fn malformed_and_zero_durations_are_errors() {
        // The middle is humantime's own message, which names the units it supports.
        let [message] = &messages(quote!(timeout = "2 parsecs"))[..] else {
            panic!("one error expected");
        };
        assert!(
            message.starts_with("invalid timeout \"2 parsecs\": unknown time unit \"parsecs\""),
            "{message}"
        );
        assert!(
            message.ends_with("; write e.g. \"500ms\", \"2s\" or \"1m\""),
            "{message}"
        );
        assert_eq!(
            messages(quote!(timeout = "0s")),
            ["timeout must be greater than zero"]
        );
    }

    #[test]
    fn the_timeout_must_be_a_string() {
        assert_eq!(
            messages(quote!(timeout = 2s)),
            ["the timeout is a string: write `timeout = \"2s\"`"]
        );
        assert_eq!(
            messages(quote!(timeout = 2)),
            ["the timeout is a string: write `timeout = \"2s\"`"]
        );
        assert_eq!(
            messages(quote!(timeout = 1.5)),
            ["the timeout is a string: write `timeout = \"1.5s\"`"]
        );
        assert_eq!(
            messages(quote!(timeout = SECONDS)),
            [
                "the timeout is a string literal, e.g. `timeout = \"2s\"`; a macro can't read the \
              value of a constant"
            ]
        );
        assert_eq!(
            messages(quote!(timeout = ["2s"])),
            ["the timeout is a string literal, e.g. `timeout = \"2s\"`"]
        );
        assert_eq!(
            messages(quote!(timeout)),
            ["`timeout` needs a value, e.g. `timeout = \"2s\"`"]
        );
    }
}
