//! The arguments of `#[smoke_test(...)]`: `slow`, `rolled_back`, `timeout = "2s"`,
//! `tags = [...]`, `warn_only`, `retries = N`, `owner = "..."`, `runbook = "https://..."` and
//! `crate = path`. This module reads the list and the flags; each argument with a value has a
//! module of its own that parses and checks it.

mod krate;
mod owner;
mod retries;
mod runbook;
mod tags;
mod timeout;

use std::time::Duration;

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, ExprLit, Lit, LitStr, Path, Token};

use crate::errors::Errors;

/// Every argument, as the errors show it.
const ARGUMENTS: [(&str, &str); 9] = [
    ("slow", "`slow`"),
    ("rolled_back", "`rolled_back`"),
    ("timeout", "`timeout = \"2s\"`"),
    ("tags", "`tags = [\"ready\"]`"),
    ("warn_only", "`warn_only`"),
    ("retries", "`retries = 2`"),
    ("owner", "`owner = \"team\"`"),
    ("runbook", "`runbook = \"https://...\"`"),
    ("crate", "`crate = path`"),
];

/// The parsed arguments. Spans are kept where a later check needs to point at the argument.
#[derive(Default)]
pub(crate) struct Args {
    /// `slow`: only in the slow tier.
    pub(crate) slow: Option<Span>,
    /// `rolled_back`: the test writes through a transaction that is rolled back.
    pub(crate) rolled_back: Option<Span>,
    /// `timeout = "..."`, parsed.
    pub(crate) timeout: Option<Duration>,
    /// `crate = path`: where the expansion finds the smoketest crate when it is renamed or
    /// re-exported; `::smoketest` when absent.
    pub(crate) krate: Option<Path>,
    /// `tags = ["a", "b"]`, checked.
    pub(crate) tags: Option<Vec<String>>,
    /// `warn_only`: failures make the run warn, not fail.
    pub(crate) warn_only: Option<Span>,
    /// `retries = N`.
    pub(crate) retries: Option<u32>,
    /// `owner = "team"`.
    pub(crate) owner: Option<String>,
    /// `runbook = "https://..."`, checked to be an absolute http(s) URL.
    pub(crate) runbook: Option<String>,
}

/// Parses the arguments, recording every bad one in `errors` and keeping the good ones, so that
/// one typo does not hide the problems the signature check would find.
pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        if let Err(error) = args.parse_one(&meta) {
            errors.push(error);
            skip_to_next_argument(meta.input)?;
        }
        Ok(())
    });
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
    }
    args
}

impl Args {
    fn parse_one(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let path = &meta.path;
        if path.is_ident("slow") {
            flag(&mut self.slow, meta)
        } else if path.is_ident("rolled_back") {
            flag(&mut self.rolled_back, meta)
        } else if path.is_ident("timeout") {
            let timeout = timeout::parse(meta)?;
            set_once(&mut self.timeout, timeout, path)
        } else if path.is_ident("crate") {
            let krate = krate::parse(meta)?;
            set_once(&mut self.krate, krate, path)
        } else if path.is_ident("tags") {
            let tags = tags::parse(meta)?;
            if self.tags.is_some() {
                return Err(syn::Error::new_spanned(
                    path,
                    "duplicate argument `tags`; list all the tags in one `tags = [...]`",
                ));
            }
            self.tags = Some(tags);
            Ok(())
        } else if path.is_ident("warn_only") {
            flag(&mut self.warn_only, meta)
        } else if path.is_ident("retries") {
            let retries = retries::parse(meta)?;
            set_once(&mut self.retries, retries, path)
        } else if path.is_ident("owner") {
            let owner = owner::parse(meta)?;
            set_once(&mut self.owner, owner, path)
        } else if path.is_ident("runbook") {
            let runbook = runbook::parse(meta)?;
            set_once(&mut self.runbook, runbook, path)
        } else {
            Err(meta.error(unknown(&path_to_string(path))))
        }
    }
}

/// The message for an unknown argument: the argument it most likely meant, or else all of them.
fn unknown(name: &str) -> String {
    if let Some((_, example)) = ARGUMENTS.iter().find(|(known, _)| looks_like(name, known)) {
        return format!("unknown argument `{name}`; did you mean {example}?");
    }
    let (last, rest) = ARGUMENTS.split_last().expect("ARGUMENTS is not empty");
    let rest: Vec<&str> = rest.iter().map(|(_, example)| *example).collect();
    format!(
        "unknown argument `{name}`; expected {} or {}",
        rest.join(", "),
        last.1
    )
}

/// A misspelling of `known`: at most two edits away (`tag`, `retires`, `Slow`), or the same
/// first four letters (`retry`, `warn`, `runbook_url`, `timeout_ms`).
fn looks_like(name: &str, known: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let prefix = |text: &str| text.chars().take(4).collect::<String>();
    edit_distance(&name, known) <= 2 || (name.len() >= 4 && prefix(&name) == prefix(known))
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, b) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a != *b);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// `name = "string"`: the literal, or an error saying how to write it (`example` is a whole
/// argument, e.g. `` `runbook = "https://..."` ``).
fn string(meta: &ParseNestedMeta<'_>, name: &str, example: &str) -> syn::Result<LitStr> {
    match value(meta, name, example)? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => Ok(literal),
        other => Err(syn::Error::new_spanned(
            &other,
            format_args!(
                "`{name}` takes a string literal, e.g. {example}{}",
                constant_note(&other)
            ),
        )),
    }
}

/// The expression after `name =`, or an error saying how to write the argument.
fn value(meta: &ParseNestedMeta<'_>, name: &str, example: &str) -> syn::Result<Expr> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format_args!("`{name}` needs a value, e.g. {example}")));
    }
    meta.value()?.parse()
}

/// What to add to an error about a value that is a path: most likely a constant, which the
/// macro cannot see through.
fn constant_note(value: &Expr) -> &'static str {
    if matches!(value, Expr::Path(_)) {
        "; a macro can't read the value of a constant"
    } else {
        ""
    }
}

/// A lowercase word such as `ready` or `team_payments` where a string belongs: most likely the
/// string without its quotes (an uppercase `READY` is more likely a constant, which the macro
/// cannot read).
fn bare_word(value: &Expr) -> Option<String> {
    let Expr::Path(path) = value else {
        return None;
    };
    let word = path.path.get_ident()?.to_string();
    word.contains(|c: char| c.is_lowercase()).then_some(word)
}

fn set_once<T>(slot: &mut Option<T>, value: T, path: &Path) -> syn::Result<()> {
    if slot.is_some() {
        return Err(duplicate(path));
    }
    *slot = Some(value);
    Ok(())
}

/// `slow`, `rolled_back` and `warn_only`: a bare word, at most once.
fn flag(slot: &mut Option<Span>, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if !(meta.input.is_empty() || meta.input.peek(Token![,])) {
        let value = take_to_next_argument(meta.input)?.to_string();
        let name = path_to_string(&meta.path);
        // The span covers the name and the value just consumed.
        return Err(if value == "= false" {
            meta.error(format_args!(
                "`{name}` is off unless it is written: leave `{name}` out"
            ))
        } else {
            meta.error(format_args!("`{name}` takes no value; write just `{name}`"))
        });
    }
    if slot.is_some() {
        return Err(duplicate(&meta.path));
    }
    *slot = Some(syn::spanned::Spanned::span(&meta.path));
    Ok(())
}

fn duplicate(path: &Path) -> syn::Error {
    syn::Error::new_spanned(
        path,
        format_args!(
            "duplicate argument `{}`; give it once",
            path_to_string(path)
        ),
    )
}

/// Consumes the rest of a bad argument (up to the next top-level comma) so parsing can go on
/// with the next one.
fn skip_to_next_argument(input: ParseStream<'_>) -> syn::Result<()> {
    take_to_next_argument(input).map(drop)
}

/// The tokens up to the next top-level comma, consumed.
fn take_to_next_argument(input: ParseStream<'_>) -> syn::Result<TokenStream> {
    input.step(|cursor| {
        let mut tokens = TokenStream::new();
        let mut rest = *cursor;
        while let Some((token, next)) = rest.token_tree() {
            if matches!(&token, proc_macro2::TokenTree::Punct(punct) if punct.as_char() == ',') {
                break;
            }
            tokens.extend([token]);
            rest = next;
        }
        Ok((tokens, rest))
    })
}

fn path_to_string(path: &Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}

/// Helpers for the tests of every argument.
#[cfg(test)]
mod test_support {
    use proc_macro2::TokenStream;

    use super::{Args, parse};
    use crate::errors::Errors;

    /// The arguments, which must parse without error.
    pub(super) fn parse_ok(tokens: TokenStream) -> Args {
        let mut errors = Errors::default();
        let args = parse(tokens, &mut errors);
        if let Err(error) = errors.into_result() {
            panic!("unexpected error: {error}");
        }
        args
    }

    /// The message of every error, in order.
    pub(super) fn messages(tokens: TokenStream) -> Vec<String> {
        let mut errors = Errors::default();
        parse(tokens, &mut errors);
        match errors.into_result() {
            Ok(()) => Vec::new(),
            Err(error) => error.into_iter().map(|error| error.to_string()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::test_support::{messages, parse_ok};
    use super::*;

    const EXPECTED: &str = "expected `slow`, `rolled_back`, `timeout = \"2s\"`, \
                            `tags = [\"ready\"]`, `warn_only`, `retries = 2`, `owner = \"team\"`, \
                            `runbook = \"https://...\"` or `crate = path`";

    #[test]
    fn no_arguments_mean_a_fast_test_with_the_default_timeout_and_no_metadata() {
        let args = parse_ok(quote!());
        assert!(args.slow.is_none());
        assert!(args.rolled_back.is_none());
        assert_eq!(args.timeout, None);
        assert!(args.krate.is_none());
        assert_eq!(args.tags, None);
        assert!(args.warn_only.is_none());
        assert_eq!(args.retries, None);
        assert_eq!(args.owner, None);
        assert_eq!(args.runbook, None);
    }

    #[test]
    fn arguments_combine_in_any_order() {
        for tokens in [
            quote!(slow, rolled_back, timeout = "2s"),
            quote!(timeout = "2s", rolled_back, slow),
            quote!(rolled_back, timeout = "2s", slow,),
        ] {
            let args = parse_ok(tokens);
            assert!(args.slow.is_some());
            assert!(args.rolled_back.is_some());
            assert_eq!(args.timeout, Some(Duration::from_secs(2)));
        }
    }

    #[test]
    fn all_arguments_together() {
        for tokens in [
            quote!(
                slow,
                rolled_back,
                timeout = "2s",
                tags = ["ready", "db"],
                warn_only,
                retries = 2,
                owner = "team-payments",
                runbook = "https://wiki.example.com/runbooks/payments",
                crate = kit::smoketest
            ),
            quote!(
                crate = kit::smoketest,
                runbook = "https://wiki.example.com/runbooks/payments",
                owner = "team-payments",
                retries = 2,
                warn_only,
                tags = ["ready", "db"],
                timeout = "2s",
                rolled_back,
                slow,
            ),
        ] {
            let args = parse_ok(tokens);
            assert!(args.slow.is_some());
            assert!(args.rolled_back.is_some());
            assert_eq!(args.timeout, Some(Duration::from_secs(2)));
            assert_eq!(
                args.tags.as_deref(),
                Some(&["ready".to_owned(), "db".to_owned()][..])
            );
            assert!(args.warn_only.is_some());
            assert_eq!(args.retries, Some(2));
            assert_eq!(args.owner.as_deref(), Some("team-payments"));
            assert_eq!(
                args.runbook.as_deref(),
                Some("https://wiki.example.com/runbooks/payments")
            );
            assert_eq!(
                args.krate.as_ref().map(path_to_string).as_deref(),
                Some("kit::smoketest")
            );
        }
    }

    #[test]
    fn an_unknown_argument_lists_the_allowed_ones() {
        assert_eq!(
            messages(quote!(fast)),
            [format!("unknown argument `fast`; {EXPECTED}")]
        );
        assert_eq!(
            messages(quote!(smoketest::slow)),
            [format!("unknown argument `smoketest::slow`; {EXPECTED}")]
        );
    }

    #[test]
    fn a_misspelt_argument_gets_the_one_it_looks_like() {
        for (written, meant) in [
            (quote!(tag = ["ready"]), "`tags = [\"ready\"]`"),
            (quote!(Slow), "`slow`"),
            (quote!(rollback), "`rolled_back`"),
            (quote!(timeout_ms = 200), "`timeout = \"2s\"`"),
            (quote!(warn), "`warn_only`"),
            (quote!(warn_on_failure), "`warn_only`"),
            (quote!(retry = 2), "`retries = 2`"),
            (quote!(retires = 2), "`retries = 2`"),
            (quote!(owners = "team"), "`owner = \"team\"`"),
            (
                quote!(runbook_url = "https://x"),
                "`runbook = \"https://...\"`",
            ),
            (quote!(krate = st), "`crate = path`"),
        ] {
            let name = written.to_string();
            let name = name.split(' ').next().unwrap_or_default().to_owned();
            assert_eq!(
                messages(written),
                [format!("unknown argument `{name}`; did you mean {meant}?")]
            );
        }
    }

    #[test]
    fn every_bad_argument_is_reported_and_good_ones_are_kept() {
        let mut errors = Errors::default();
        let args = parse(
            quote!(
                fast = 3,
                slow,
                timeout = 2,
                slow,
                retries(3),
                rolled_back,
                tags = ["db"]
            ),
            &mut errors,
        );
        let messages: Vec<String> = errors
            .into_result()
            .unwrap_err()
            .into_iter()
            .map(|error| error.to_string())
            .collect();
        assert_eq!(
            messages,
            [
                format!("unknown argument `fast`; {EXPECTED}"),
                "the timeout is a string: write `timeout = \"2s\"`".to_owned(),
                "duplicate argument `slow`; give it once".to_owned(),
                "`retries` needs a number: how many more attempts a failed test gets, \
                 e.g. `retries = 2`"
                    .to_owned(),
            ]
        );
        assert!(args.slow.is_some());
        assert!(args.rolled_back.is_some());
        assert_eq!(args.tags, Some(vec!["db".to_owned()]));
    }

    #[test]
    fn duplicates_are_errors() {
        assert_eq!(
            messages(quote!(rolled_back, rolled_back)),
            ["duplicate argument `rolled_back`; give it once"]
        );
        assert_eq!(
            messages(quote!(timeout = "1s", timeout = "2s")),
            ["duplicate argument `timeout`; give it once"]
        );
        assert_eq!(
            messages(quote!(warn_only, slow, warn_only)),
            ["duplicate argument `warn_only`; give it once"]
        );
    }

    #[test]
    fn flags_take_no_value() {
        assert_eq!(
            messages(quote!(slow = true)),
            ["`slow` takes no value; write just `slow`"]
        );
        assert_eq!(
            messages(quote!(warn_only = true, rolled_back("yes"))),
            [
                "`warn_only` takes no value; write just `warn_only`",
                "`rolled_back` takes no value; write just `rolled_back`",
            ]
        );
        assert_eq!(
            messages(quote!(warn_only = false)),
            ["`warn_only` is off unless it is written: leave `warn_only` out"]
        );
        let args = parse_ok(quote!(warn_only));
        assert!(args.warn_only.is_some());
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("tags", "tags"), 0);
        assert_eq!(edit_distance("tag", "tags"), 1);
        assert_eq!(edit_distance("retires", "retries"), 2);
        assert_eq!(edit_distance("", "slow"), 4);
        assert_eq!(edit_distance("fast", "slow"), 4);
    }
}
