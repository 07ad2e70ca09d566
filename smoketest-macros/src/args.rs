//! The arguments of `#[smoke_test(...)]`: `slow`, `rolled_back`, `timeout = "2s"`,
//! `tags = [...]`, `warn_only`, `retries = N`, `owner = "..."`, `runbook = "https://..."` and
//! `crate = path`.

use std::time::Duration;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, ExprArray, ExprLit, Lit, LitInt, LitStr, Path, Token};

use crate::errors::Errors;

const EXPECTED: &str = "expected `slow`, `rolled_back`, `timeout = \"2s\"`, `tags = [\"ready\"]`, \
                        `warn_only`, `retries = 2`, `owner = \"team\"`, `runbook = \"https://...\"` \
                        or `crate = path`";

/// The most `retries` a test may ask for: each attempt may take the whole timeout, and a run must
/// stay bounded in time.
pub(crate) const MAX_RETRIES: u32 = 10;

/// How a `crate` argument is written, for the errors about it.
const CRATE_EXAMPLE: &str =
    "e.g. `crate = my_reexport::smoketest` or `crate = \"my_reexport::smoketest\"`";

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
        if meta.path.is_ident("slow") {
            flag(&mut self.slow, meta)
        } else if meta.path.is_ident("rolled_back") {
            flag(&mut self.rolled_back, meta)
        } else if meta.path.is_ident("timeout") {
            self.parse_timeout(meta)
        } else if meta.path.is_ident("crate") {
            self.parse_crate(meta)
        } else if meta.path.is_ident("tags") {
            self.parse_tags(meta)
        } else if meta.path.is_ident("warn_only") {
            flag(&mut self.warn_only, meta)
        } else if meta.path.is_ident("retries") {
            self.parse_retries(meta)
        } else if meta.path.is_ident("owner") {
            let owner = string(meta, "owner", "`owner = \"team-payments\"`")?;
            if owner.value().trim().is_empty() {
                return Err(syn::Error::new(
                    owner.span(),
                    "the owner is empty; write who answers for this test, e.g. `owner = \"team-payments\"`",
                ));
            }
            set_once(&mut self.owner, owner.value(), &meta.path)
        } else if meta.path.is_ident("runbook") {
            let runbook = string(
                meta,
                "runbook",
                "`runbook = \"https://wiki.example.com/runbooks/payments\"`",
            )?;
            check_runbook(&runbook)?;
            set_once(&mut self.runbook, runbook.value(), &meta.path)
        } else {
            Err(meta.error(format_args!(
                "unknown argument `{}`; {EXPECTED}",
                path_to_string(&meta.path)
            )))
        }
    }

    fn parse_timeout(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if !meta.input.peek(Token![=]) {
            return Err(meta.error("`timeout` needs a value, e.g. `timeout = \"2s\"`"));
        }
        let value: Expr = meta.value()?.parse()?;
        if self.timeout.is_some() {
            return Err(duplicate(&meta.path));
        }
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
                    value,
                    "the timeout is a string literal, e.g. `timeout = \"2s\"`",
                ));
            }
        };
        self.timeout = Some(parse_timeout(literal)?);
        Ok(())
    }

    /// `crate = some::path`, or the same path in a string as tokio's and serde's `crate` take it.
    fn parse_crate(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if !meta.input.peek(Token![=]) {
            return Err(meta.error(format_args!(
                "`crate` needs a value: the path to the smoketest crate, {CRATE_EXAMPLE}"
            )));
        }
        let input = meta.value()?;
        let path = if input.peek(LitStr) {
            let literal: LitStr = input.parse()?;
            literal.parse_with(Path::parse_mod_style).map_err(|_| {
                syn::Error::new(
                    literal.span(),
                    format_args!(
                        "{:?} is not a path; write the path to the smoketest crate, {CRATE_EXAMPLE}",
                        literal.value()
                    ),
                )
            })?
        } else {
            // Everything up to the next argument, so that `crate = Vec<u8>` is reported as one
            // value rather than as an expression syn fails to parse.
            let value = take_to_next_argument(input)?;
            if value.is_empty() {
                return Err(meta.error(format_args!(
                    "`crate` needs a value: the path to the smoketest crate, {CRATE_EXAMPLE}"
                )));
            }
            Path::parse_mod_style.parse2(value.clone()).map_err(|_| {
                syn::Error::new_spanned(
                    value,
                    format_args!("`crate` takes the path to the smoketest crate, {CRATE_EXAMPLE}"),
                )
            })?
        };
        if self.krate.is_some() {
            return Err(duplicate(&meta.path));
        }
        self.krate = Some(path);
        Ok(())
    }
}

impl Args {
    /// `tags = ["ready", "db"]`: an array of string literals, each a name `--tag` can select.
    fn parse_tags(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        const EXAMPLE: &str = "e.g. `tags = [\"ready\", \"db\"]`";
        if !meta.input.peek(Token![=]) {
            return Err(meta.error(format_args!("`tags` needs a list of names, {EXAMPLE}")));
        }
        let value: Expr = meta.value()?.parse()?;
        let elements = match &value {
            Expr::Array(ExprArray { elems, .. }) => elems,
            Expr::Lit(ExprLit {
                lit: Lit::Str(literal),
                ..
            }) => {
                return Err(syn::Error::new(
                    literal.span(),
                    format_args!(
                        "`tags` is a list, even of one name: write `tags = [{:?}]`",
                        literal.value()
                    ),
                ));
            }
            _ => {
                return Err(syn::Error::new_spanned(
                    value,
                    format_args!("`tags` takes a list of string literals, {EXAMPLE}"),
                ));
            }
        };
        let mut tags: Vec<String> = Vec::new();
        for element in elements {
            let Expr::Lit(ExprLit {
                lit: Lit::Str(literal),
                ..
            }) = element
            else {
                return Err(syn::Error::new_spanned(
                    element,
                    format_args!("a tag is a string literal, {EXAMPLE}"),
                ));
            };
            let tag = literal.value();
            check_tag(&tag, literal.span())?;
            if tags.contains(&tag) {
                return Err(syn::Error::new(
                    literal.span(),
                    format_args!("tag {tag:?} is listed twice"),
                ));
            }
            tags.push(tag);
        }
        if self.tags.is_some() {
            return Err(duplicate(&meta.path));
        }
        self.tags = Some(tags);
        Ok(())
    }

    /// `retries = 2`: an integer from 0 to [`MAX_RETRIES`].
    fn parse_retries(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if !meta.input.peek(Token![=]) {
            return Err(meta.error(
                "`retries` needs a number: how many more attempts a failed test gets, e.g. `retries = 2`",
            ));
        }
        let value: Expr = meta.value()?.parse()?;
        let retries = match &value {
            Expr::Lit(ExprLit {
                lit: Lit::Int(int), ..
            }) => parse_retries(int)?,
            Expr::Lit(ExprLit {
                lit: Lit::Str(literal),
                ..
            }) => {
                return Err(syn::Error::new(
                    literal.span(),
                    format_args!(
                        "`retries` is a number, not a string: write `retries = {}`",
                        literal.value()
                    ),
                ));
            }
            _ => {
                return Err(syn::Error::new_spanned(
                    value,
                    "`retries` takes an integer literal, e.g. `retries = 2`",
                ));
            }
        };
        if self.retries.is_some() {
            return Err(duplicate(&meta.path));
        }
        self.retries = Some(retries);
        Ok(())
    }
}

fn parse_retries(int: &LitInt) -> syn::Result<u32> {
    let too_many = || {
        syn::Error::new(
            int.span(),
            format_args!(
                "at most {MAX_RETRIES} retries: every attempt may take the whole timeout, and a run \
                 must stay short; fix the flakiness, or raise the test's `timeout`"
            ),
        )
    };
    if !int.suffix().is_empty() {
        return Err(syn::Error::new(
            int.span(),
            format_args!(
                "write the number without a suffix: `retries = {}`",
                int.base10_digits()
            ),
        ));
    }
    match int.base10_parse::<u32>() {
        Ok(retries) if retries <= MAX_RETRIES => Ok(retries),
        _ => Err(too_many()),
    }
}

/// Tags are selected by `--tag`, by the comma-separated `SMOKETEST_TAGS` and by `?tag=` in a URL,
/// so they are kept to characters that need no quoting in any of them.
fn check_tag(tag: &str, span: Span) -> syn::Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if tag.is_empty() {
        return Err(syn::Error::new(span, "a tag can't be empty"));
    }
    if let Some(bad) = tag.chars().find(|c| !allowed(*c)) {
        return Err(syn::Error::new(
            span,
            format_args!(
                "tag {tag:?} has the character {bad:?}; tags are made of ASCII letters, digits, \
                 `-`, `_` and `.`, e.g. \"ready\" or \"payments-db\""
            ),
        ));
    }
    Ok(())
}

/// A runbook is a link operators follow from a failing test: it must be an absolute `http` or
/// `https` URL (parsed as the `http` crate parses request URIs).
fn check_runbook(runbook: &LitStr) -> syn::Result<()> {
    let text = runbook.value();
    let error = |why: &str| {
        syn::Error::new(
            runbook.span(),
            format_args!(
                "runbook {text:?} {why}; write an absolute http(s) URL, e.g. \
                 `runbook = \"https://wiki.example.com/runbooks/payments\"`"
            ),
        )
    };
    let uri: http::Uri = text.parse().map_err(|_| error("is not a URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(_) => return Err(error("is not an http(s) URL")),
        None => return Err(error("is not an absolute URL")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(error("has no host"));
    }
    Ok(())
}

/// `name = "string"`: the literal, or an error saying how to write it.
fn string(meta: &ParseNestedMeta<'_>, name: &str, example: &str) -> syn::Result<LitStr> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format_args!("`{name}` needs a value, e.g. {example}")));
    }
    let value: Expr = meta.value()?.parse()?;
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => Ok(literal),
        other => Err(syn::Error::new_spanned(
            other,
            format_args!("`{name}` takes a string literal, e.g. {example}"),
        )),
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T, path: &Path) -> syn::Result<()> {
    if slot.is_some() {
        return Err(duplicate(path));
    }
    *slot = Some(value);
    Ok(())
}

/// `slow` and `rolled_back`: a bare word, at most once.
fn flag(slot: &mut Option<Span>, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if !(meta.input.is_empty() || meta.input.peek(Token![,])) {
        skip_to_next_argument(meta.input)?;
        let name = path_to_string(&meta.path);
        return Err(meta.error(format_args!("`{name}` takes no value; write just `{name}`")));
    }
    if slot.is_some() {
        return Err(duplicate(&meta.path));
    }
    *slot = Some(syn::spanned::Spanned::span(&meta.path));
    Ok(())
}

/// `timeout = 2` or `timeout = 2s`: suggests the string, in seconds if the number has no unit.
fn number(literal: impl ToTokens, digits: &str, unit: &str) -> syn::Error {
    let unit = if unit.is_empty() { "s" } else { unit };
    syn::Error::new_spanned(
        literal,
        format_args!("the timeout is a string: write `timeout = \"{digits}{unit}\"`"),
    )
}

fn duplicate(path: &Path) -> syn::Error {
    syn::Error::new_spanned(
        path,
        format_args!("duplicate argument `{}`", path_to_string(path)),
    )
}

/// Parses a human duration (`"500ms"`, `"2s"`, `"1m"`); zero is refused because it would make
/// every run of the test time out.
fn parse_timeout(literal: &LitStr) -> syn::Result<Duration> {
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

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn parse_ok(tokens: TokenStream) -> Args {
        let mut errors = Errors::default();
        let args = parse(tokens, &mut errors);
        if let Err(error) = errors.into_result() {
            panic!("unexpected error: {error}");
        }
        args
    }

    fn messages(tokens: TokenStream) -> Vec<String> {
        let mut errors = Errors::default();
        parse(tokens, &mut errors);
        match errors.into_result() {
            Ok(()) => Vec::new(),
            Err(error) => error.into_iter().map(|error| error.to_string()).collect(),
        }
    }

    #[test]
    fn no_arguments_mean_a_fast_test_with_the_default_timeout() {
        let args = parse_ok(quote!());
        assert!(args.slow.is_none());
        assert!(args.rolled_back.is_none());
        assert_eq!(args.timeout, None);
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
    fn timeouts_are_human_durations() {
        let timeout = |text: &str| parse_ok(quote!(timeout = #text)).timeout;
        assert_eq!(timeout("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(timeout("2s"), Some(Duration::from_secs(2)));
        assert_eq!(timeout("1m"), Some(Duration::from_secs(60)));
        assert_eq!(timeout("1m 30s"), Some(Duration::from_secs(90)));
    }

    #[test]
    fn an_unknown_argument_lists_the_allowed_ones() {
        assert_eq!(
            messages(quote!(fast)),
            [
                "unknown argument `fast`; expected `slow`, `rolled_back`, `timeout = \"2s\"` or `crate = path`"
            ]
        );
    }

    #[test]
    fn every_bad_argument_is_reported_and_good_ones_are_kept() {
        let mut errors = Errors::default();
        let args = parse(
            quote!(fast = 3, slow, timeout = 2, slow, retries(3), rolled_back),
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
                "unknown argument `fast`; expected `slow`, `rolled_back`, `timeout = \"2s\"` or `crate = path`",
                "the timeout is a string: write `timeout = \"2s\"`",
                "duplicate argument `slow`",
                "unknown argument `retries`; expected `slow`, `rolled_back`, `timeout = \"2s\"` or `crate = path`",
            ]
        );
        assert!(args.slow.is_some());
        assert!(args.rolled_back.is_some());
    }

    #[test]
    fn duplicates_are_errors() {
        assert_eq!(
            messages(quote!(rolled_back, rolled_back)),
            ["duplicate argument `rolled_back`"]
        );
        assert_eq!(
            messages(quote!(timeout = "1s", timeout = "2s")),
            ["duplicate argument `timeout`"]
        );
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
            messages(quote!(timeout = SECONDS)),
            ["the timeout is a string literal, e.g. `timeout = \"2s\"`"]
        );
        assert_eq!(
            messages(quote!(timeout)),
            ["`timeout` needs a value, e.g. `timeout = \"2s\"`"]
        );
    }

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
            ["duplicate argument `crate`"]
        );
    }

    #[test]
    fn flags_take_no_value() {
        assert_eq!(
            messages(quote!(slow = true)),
            ["`slow` takes no value; write just `slow`"]
        );
    }
}
