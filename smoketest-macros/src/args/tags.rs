//! `tags = ["ready", "db"]`: names that select the test with `--tag`, `SMOKETEST_TAGS`, `?tag=`
//! and the probe groups.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Expr, ExprArray, ExprLit, Lit, Token};

use super::{bare_word, constant_note};

const EXAMPLE: &str = "e.g. `tags = [\"ready\", \"db\"]`";

/// Reads the value of `tags`: an array of string literals, each a valid tag, none twice. Every
/// bad element is reported, not only the first.
pub(super) fn parse(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<String>> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format_args!(
            "`tags` needs a list of tags: write `tags = [...]`, {EXAMPLE}"
        )));
    }
    let value: Expr = meta.value()?.parse()?;
    let elements = match &value {
        Expr::Array(ExprArray { elems, .. }) if elems.is_empty() => {
            return Err(syn::Error::new_spanned(
                value,
                "`tags = []` lists no tag; name at least one, e.g. `tags = [\"ready\"]`, \
                 or leave `tags` out",
            ));
        }
        Expr::Array(ExprArray { elems, .. }) => elems,
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => {
            // `tags = "a, b"` is most likely a list written as one string.
            let list: Vec<String> = literal
                .value()
                .split(',')
                .map(|tag| format!("{:?}", tag.trim()))
                .collect();
            return Err(syn::Error::new(
                literal.span(),
                format_args!(
                    "`tags` is a list, even of one tag: write `tags = [{}]`",
                    list.join(", ")
                ),
            ));
        }
        _ => {
            return Err(syn::Error::new_spanned(
                &value,
                format_args!(
                    "`tags` takes a list of string literals, {EXAMPLE}{}",
                    constant_note(&value)
                ),
            ));
        }
    };
    let mut tags: Vec<String> = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut report = |error: syn::Error| match &mut errors {
        Some(errors) => errors.combine(error),
        None => errors = Some(error),
    };
    for element in elements {
        let literal = match element {
            Expr::Lit(ExprLit {
                lit: Lit::Str(literal),
                ..
            }) => literal,
            other => {
                report(not_a_string(other));
                continue;
            }
        };
        let tag = literal.value();
        if let Err(error) = check(&tag, literal.span()) {
            report(error);
        } else if tags.contains(&tag) {
            report(syn::Error::new(
                literal.span(),
                format_args!("tag {tag:?} is listed twice; remove this one"),
            ));
        } else {
            tags.push(tag);
        }
    }
    match errors {
        Some(errors) => Err(errors),
        None => Ok(tags),
    }
}

/// An element of the list that is not a string literal: the word or number in quotes if that is
/// what it looks like.
fn not_a_string(element: &Expr) -> syn::Error {
    let quoted = match element {
        Expr::Path(_) => bare_word(element),
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => Some(int.to_string()),
        _ => None,
    };
    let message = match quoted {
        Some(text) => format!("a tag is a string literal: write `\"{text}\"`"),
        None => format!(
            "a tag is a string literal, {EXAMPLE}{}",
            constant_note(element)
        ),
    };
    syn::Error::new_spanned(element, message)
}

/// Tags are selected by `--tag`, by the comma-separated `SMOKETEST_TAGS` and by `?tag=` in a URL,
/// so they are kept to characters that need no quoting in any of them, and start with a letter
/// or digit so that `--tag NAME` never reads as an option.
fn check(tag: &str, span: Span) -> syn::Result<()> {
    const ALLOWED: &str = "tags are made of ASCII letters, digits, `-`, `_` and `.`";
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let error = |message: String| Err(syn::Error::new(span, message));
    let Some(first) = tag.chars().next().filter(|_| !tag.trim().is_empty()) else {
        return error("a tag can't be empty; write a name, e.g. \"ready\"".to_owned());
    };
    if tag.contains(',') {
        let parts: Vec<String> = tag
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| format!("{part:?}"))
            .collect();
        return error(format!(
            "tag {tag:?} has a comma, which separates tags in `SMOKETEST_TAGS`; write each tag \
             as its own string: {}",
            parts.join(", ")
        ));
    }
    if tag.contains(char::is_whitespace) {
        let dashed: String = tag.split_whitespace().collect::<Vec<_>>().join("-");
        return error(format!(
            "tag {tag:?} has a space; {ALLOWED}: write e.g. {dashed:?}"
        ));
    }
    if let Some(bad) = tag.chars().find(|c| !allowed(*c)) {
        return error(format!(
            "tag {tag:?} has the character {bad:?}; {ALLOWED}, e.g. \"ready\" or \"payments-db\""
        ));
    }
    if !first.is_ascii_alphanumeric() {
        let trimmed = tag.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
        let suggestion = if trimmed.is_empty() { "ready" } else { trimmed };
        return error(format!(
            "tag {tag:?} starts with {first:?}; a tag starts with a letter or digit, so that \
             `--tag {tag}` does not read as an option: write e.g. {suggestion:?}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::super::test_support::{messages, parse_ok};

    fn tags(tokens: proc_macro2::TokenStream) -> Option<Vec<String>> {
        parse_ok(tokens).tags
    }

    #[test]
    fn tags_are_a_list_of_names_kept_in_order() {
        assert_eq!(tags(quote!()), None);
        assert_eq!(
            tags(quote!(tags = ["ready"])),
            Some(vec!["ready".to_owned()])
        );
        assert_eq!(
            tags(quote!(
                tags = ["ready", "payments-db", "v2.api", "team_a", "7"],
            )),
            Some(
                ["ready", "payments-db", "v2.api", "team_a", "7"]
                    .map(str::to_owned)
                    .to_vec()
            )
        );
        // A trailing comma in the list, and tags differing only in case, are fine.
        assert_eq!(
            tags(quote!(tags = ["db", "DB",])),
            Some(vec!["db".to_owned(), "DB".to_owned()])
        );
        assert_eq!(
            tags(quote!(tags = [r"ready"])),
            Some(vec!["ready".to_owned()])
        );
    }

    #[test]
    fn tags_need_a_list() {
        assert_eq!(
            messages(quote!(tags)),
            [
                "`tags` needs a list of tags: write `tags = [...]`, e.g. `tags = [\"ready\", \"db\"]`"
            ]
        );
        assert_eq!(
            messages(quote!(tags("ready"))),
            [
                "`tags` needs a list of tags: write `tags = [...]`, e.g. `tags = [\"ready\", \"db\"]`"
            ]
        );
        assert_eq!(
            messages(quote!(tags = "ready")),
            ["`tags` is a list, even of one tag: write `tags = [\"ready\"]`"]
        );
        assert_eq!(
            messages(quote!(tags = "ready, db")),
            ["`tags` is a list, even of one tag: write `tags = [\"ready\", \"db\"]`"]
        );
        assert_eq!(
            messages(quote!(tags = READY)),
            [
                "`tags` takes a list of string literals, e.g. `tags = [\"ready\", \"db\"]`; a macro \
              can't read the value of a constant"
            ]
        );
        assert_eq!(
            messages(quote!(tags = ("ready", "db"))),
            ["`tags` takes a list of string literals, e.g. `tags = [\"ready\", \"db\"]`"]
        );
        assert_eq!(
            messages(quote!(tags = [])),
            [
                "`tags = []` lists no tag; name at least one, e.g. `tags = [\"ready\"]`, or leave \
              `tags` out"
            ]
        );
    }

    #[test]
    fn a_tag_is_a_string_literal() {
        assert_eq!(
            messages(quote!(tags = [ready])),
            ["a tag is a string literal: write `\"ready\"`"]
        );
        assert_eq!(
            messages(quote!(tags = [1])),
            ["a tag is a string literal: write `\"1\"`"]
        );
        assert_eq!(
            messages(quote!(tags = [READY])),
            [
                "a tag is a string literal, e.g. `tags = [\"ready\", \"db\"]`; a macro can't read \
              the value of a constant"
            ]
        );
        assert_eq!(
            messages(quote!(tags = [b"ready"])),
            ["a tag is a string literal, e.g. `tags = [\"ready\", \"db\"]`"]
        );
        assert_eq!(
            messages(quote!(tags = [crate::READY])),
            [
                "a tag is a string literal, e.g. `tags = [\"ready\", \"db\"]`; a macro can't read \
              the value of a constant"
            ]
        );
    }

    #[test]
    fn a_tag_has_only_characters_that_need_no_quoting() {
        assert_eq!(
            messages(quote!(tags = [""])),
            ["a tag can't be empty; write a name, e.g. \"ready\""]
        );
        assert_eq!(
            messages(quote!(tags = ["re ady"])),
            [
                "tag \"re ady\" has a space; tags are made of ASCII letters, digits, `-`, `_` and \
              `.`: write e.g. \"re-ady\""
            ]
        );
        assert_eq!(
            messages(quote!(tags = [" "])),
            ["a tag can't be empty; write a name, e.g. \"ready\""]
        );
        assert_eq!(
            messages(quote!(tags = ["a,b"])),
            [
                "tag \"a,b\" has a comma, which separates tags in `SMOKETEST_TAGS`; write each tag \
              as its own string: \"a\", \"b\""
            ]
        );
        assert_eq!(
            messages(quote!(tags = ["café"])),
            [
                "tag \"café\" has the character 'é'; tags are made of ASCII letters, digits, `-`, \
              `_` and `.`, e.g. \"ready\" or \"payments-db\""
            ]
        );
        assert_eq!(
            messages(quote!(tags = ["team/payments"])),
            [
                "tag \"team/payments\" has the character '/'; tags are made of ASCII letters, \
              digits, `-`, `_` and `.`, e.g. \"ready\" or \"payments-db\""
            ]
        );
        assert_eq!(
            messages(quote!(tags = ["-ready"])),
            [
                "tag \"-ready\" starts with '-'; a tag starts with a letter or digit, so that \
              `--tag -ready` does not read as an option: write e.g. \"ready\""
            ]
        );
        assert_eq!(
            messages(quote!(tags = ["."])),
            [
                "tag \".\" starts with '.'; a tag starts with a letter or digit, so that \
              `--tag .` does not read as an option: write e.g. \"ready\""
            ]
        );
    }

    #[test]
    fn every_bad_tag_is_reported() {
        assert_eq!(
            messages(quote!(tags = ["ready", 1, "", "ready", "db", "db"])),
            [
                "a tag is a string literal: write `\"1\"`",
                "a tag can't be empty; write a name, e.g. \"ready\"",
                "tag \"ready\" is listed twice; remove this one",
                "tag \"db\" is listed twice; remove this one",
            ]
        );
    }

    #[test]
    fn tags_are_given_once() {
        assert_eq!(
            messages(quote!(tags = ["ready"], slow, tags = ["db"])),
            ["duplicate argument `tags`; list all the tags in one `tags = [...]`"]
        );
    }
}
