//! `crate = path`: where the generated code finds smoketest when a crate renames or re-exports it.

use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::{LitStr, Path, Token};

use super::take_to_next_argument;

/// How a `crate` argument is written, for the errors about it.
const EXAMPLE: &str =
    "e.g. `crate = my_reexport::smoketest` or `crate = \"my_reexport::smoketest\"`";

/// Reads `crate = some::path`, or the same path in a string as tokio's and serde's `crate` take
/// it.
pub(super) fn parse(meta: &ParseNestedMeta<'_>) -> syn::Result<Path> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format_args!(
            "`crate` needs a value: the path to the smoketest crate, {EXAMPLE}"
        )));
    }
    let input = meta.value()?;
    if input.peek(LitStr) {
        let literal: LitStr = input.parse()?;
        return literal.parse_with(Path::parse_mod_style).map_err(|_| {
            syn::Error::new(
                literal.span(),
                format_args!(
                    "{:?} is not a path; write the path to the smoketest crate, {EXAMPLE}",
                    literal.value()
                ),
            )
        });
    }
    // Everything up to the next argument, so that `crate = Vec<u8>` is reported as one value
    // rather than as an expression syn fails to parse.
    let value = take_to_next_argument(input)?;
    if value.is_empty() {
        return Err(meta.error(format_args!(
            "`crate` needs a value: the path to the smoketest crate, {EXAMPLE}"
        )));
    }
    Path::parse_mod_style.parse2(value.clone()).map_err(|_| {
        syn::Error::new_spanned(
            value,
            format_args!("`crate` takes the path to the smoketest crate, {EXAMPLE}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::super::path_to_string;
    use super::super::test_support::{messages, parse_ok};

    fn krate(tokens: TokenStream) -> Option<String> {
        parse_ok(tokens).krate.as_ref().map(path_to_string)
    }

    #[test]
    fn the_crate_is_a_path_bare_or_in_a_string() {
        assert_eq!(krate(quote!()), None);
        assert_eq!(krate(quote!(crate = st)).as_deref(), Some("st"));
        assert_eq!(
            krate(quote!(slow, crate = ::my_kit::smoketest, timeout = "1s")).as_deref(),
            Some("::my_kit::smoketest")
        );
        assert_eq!(
            krate(quote!(crate = crate::kit::smoketest)).as_deref(),
            Some("crate::kit::smoketest")
        );
        assert_eq!(
            krate(quote!(crate = "my_kit::smoketest")).as_deref(),
            Some("my_kit::smoketest")
        );
    }

    #[test]
    fn a_crate_that_is_not_a_path_is_an_error() {
        let example = "e.g. `crate = my_reexport::smoketest` or \
                       `crate = \"my_reexport::smoketest\"`";
        assert_eq!(
            messages(quote!(crate)),
            [format!(
                "`crate` needs a value: the path to the smoketest crate, {example}"
            )]
        );
        for tokens in [
            quote!(crate = 5),
            quote!(crate = Vec<u8>),
            quote!(crate = a + b),
        ] {
            assert_eq!(
                messages(tokens),
                [format!(
                    "`crate` takes the path to the smoketest crate, {example}"
                )]
            );
        }
        for text in ["my kit", "", "kit::", "Vec<u8>"] {
            assert_eq!(
                messages(quote!(crate = #text)),
                [format!(
                    "{text:?} is not a path; write the path to the smoketest crate, {example}"
                )]
            );
        }
        assert_eq!(
            messages(quote!(crate = st, crate = "st")),
            ["duplicate argument `crate`; give it once"]
        );
    }
}
