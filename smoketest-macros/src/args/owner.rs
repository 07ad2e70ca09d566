//! `owner = "team-payments"`: who answers for the test, shown next to it in reports.

use syn::meta::ParseNestedMeta;
use syn::{Expr, ExprLit, Lit};

use super::{bare_word, constant_note, value};

const EXAMPLE: &str = "`owner = \"team-payments\"`";

/// Reads the value of `owner`: a non-blank string on one line, without spaces around it.
pub(super) fn parse(meta: &ParseNestedMeta<'_>) -> syn::Result<String> {
    let literal = match value(meta, "owner", EXAMPLE)? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => literal,
        other => {
            let message = match bare_word(&other) {
                Some(word) => format!("`owner` takes a string literal: write `owner = \"{word}\"`"),
                None => format!(
                    "`owner` takes a string literal, e.g. {EXAMPLE}{}",
                    constant_note(&other)
                ),
            };
            return Err(syn::Error::new_spanned(other, message));
        }
    };
    let owner = literal.value();
    let error = |message: String| Err(syn::Error::new(literal.span(), message));
    if owner.trim().is_empty() {
        return error(format!(
            "the owner is empty; write who answers for this test, e.g. {EXAMPLE}"
        ));
    }
    // Reports put the owner on the test's line (text, verbose probes, JUnit properties).
    if owner.contains(char::is_control) {
        return error(format!(
            "the owner {owner:?} has a line break or control character; reports show it on one \
             line: write e.g. {EXAMPLE}"
        ));
    }
    if owner.trim() != owner {
        return error(format!(
            "the owner {owner:?} has spaces around it: write `owner = {:?}`",
            owner.trim()
        ));
    }
    Ok(owner)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::super::test_support::{messages, parse_ok};

    #[test]
    fn the_owner_is_any_string_on_one_line() {
        assert_eq!(parse_ok(quote!()).owner, None);
        for owner in [
            "team-payments",
            "Payments Team",
            "payments@example.com",
            "@acme/payments",
            "équipe paiements",
        ] {
            assert_eq!(
                parse_ok(quote!(owner = #owner)).owner.as_deref(),
                Some(owner)
            );
        }
    }

    #[test]
    fn the_owner_is_a_string_literal() {
        assert_eq!(
            messages(quote!(owner)),
            ["`owner` needs a value, e.g. `owner = \"team-payments\"`"]
        );
        assert_eq!(
            messages(quote!(owner = team_payments)),
            ["`owner` takes a string literal: write `owner = \"team_payments\"`"]
        );
        assert_eq!(
            messages(quote!(owner = OWNER)),
            [
                "`owner` takes a string literal, e.g. `owner = \"team-payments\"`; a macro can't \
              read the value of a constant"
            ]
        );
        assert_eq!(
            messages(quote!(owner = 42)),
            ["`owner` takes a string literal, e.g. `owner = \"team-payments\"`"]
        );
        assert_eq!(
            messages(quote!(owner = teams::PAYMENTS)),
            [
                "`owner` takes a string literal, e.g. `owner = \"team-payments\"`; a macro can't \
              read the value of a constant"
            ]
        );
        assert_eq!(
            messages(quote!(owner = ["a", "b"])),
            ["`owner` takes a string literal, e.g. `owner = \"team-payments\"`"]
        );
    }

    #[test]
    fn the_owner_is_not_blank_and_on_one_line() {
        for blank in ["", "  "] {
            assert_eq!(
                messages(quote!(owner = #blank)),
                ["the owner is empty; write who answers for this test, e.g. \
                  `owner = \"team-payments\"`"]
            );
        }
        assert_eq!(
            messages(quote!(owner = "team\npayments")),
            [
                "the owner \"team\\npayments\" has a line break or control character; reports show \
              it on one line: write e.g. `owner = \"team-payments\"`"
            ]
        );
        assert_eq!(
            messages(quote!(owner = " team-payments ")),
            [
                "the owner \" team-payments \" has spaces around it: write `owner = \"team-payments\"`"
            ]
        );
    }

    #[test]
    fn the_owner_is_given_once() {
        assert_eq!(
            messages(quote!(owner = "a", owner = "b")),
            ["duplicate argument `owner`; give it once"]
        );
    }
}
