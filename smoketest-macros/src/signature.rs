//! What `#[smoke_test]` accepts as a test function, and what the expansion needs to know about it.

use proc_macro2::Ident;
use quote::ToTokens;
use syn::{FnArg, GenericParam, ReturnType, Signature, Type};

use crate::args::Args;
use crate::errors::Errors;

/// A test function that passed every check.
pub(crate) struct TestFn<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) is_async: bool,
    pub(crate) params: Vec<Param<'a>>,
    pub(crate) returns: Returns<'a>,
}

/// One parameter: `&T` (state or a suite) or `&mut T` (the rolled-back transaction).
pub(crate) struct Param<'a> {
    /// The `T`, with the user's spans, so type errors point at the parameter.
    pub(crate) ty: &'a Type,
    /// The whole `&T` or `&mut T`, for errors about the borrow itself.
    reference: &'a Type,
    pub(crate) exclusive: bool,
}

/// What the test returns.
pub(crate) enum Returns<'a> {
    /// Nothing, or `()`.
    Unit,
    /// A type named `Result`; whether it is `Result<(), E: Display>` is checked at type level.
    Result(&'a Type),
}

/// Checks the function's signature, recording each problem in `errors`. `None` if there was any.
pub(crate) fn analyse<'a>(
    sig: &'a Signature,
    args: &Args,
    errors: &mut Errors,
) -> Option<TestFn<'a>> {
    let before = errors.len();

    if !sig.generics.params.is_empty() {
        let only_lifetimes = sig
            .generics
            .params
            .iter()
            .all(|param| matches!(param, GenericParam::Lifetime(_)));
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            if only_lifetimes {
                "a smoke test cannot have lifetime parameters: its parameters are borrowed for the \
                 test's duration, so write `&T` without a lifetime"
            } else {
                "a smoke test cannot be generic: the runner calls it with concrete types"
            },
        ));
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        errors.push(syn::Error::new_spanned(
            where_clause,
            "a smoke test cannot have a `where` clause: the runner calls it with concrete types",
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new_spanned(
            unsafety,
            "a smoke test cannot be an `unsafe fn`: the runner cannot uphold its safety \
             contract; use an `unsafe` block inside the test",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "a smoke test cannot have an `extern` ABI: the runner calls it as a Rust function",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "a smoke test cannot be variadic",
        ));
    }

    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => errors.push(syn::Error::new_spanned(
                receiver,
                "a smoke test is a free function and cannot take `self`; to share set-up, take \
                 a suite as a parameter, e.g. `suite: &MySuite`",
            )),
            FnArg::Typed(typed) => match borrowed(&typed.ty) {
                Ok(param) => params.push(param),
                Err(error) => errors.push(error),
            },
        }
    }
    check_exclusive(&params, args, errors);

    let returns = match &sig.output {
        ReturnType::Default => Some(Returns::Unit),
        ReturnType::Type(_, ty) => match returns(ty) {
            Ok(returns) => Some(returns),
            Err(error) => {
                errors.push(error);
                None
            }
        },
    };

    match returns {
        Some(returns) if errors.len() == before => Some(TestFn {
            ident: &sig.ident,
            is_async: sig.asyncness.is_some(),
            params,
            returns,
        }),
        _ => None,
    }
}

/// A parameter must be `&T` or `&mut T` with an elided lifetime: the runner lends it for the
/// test's duration only.
fn borrowed(ty: &Type) -> syn::Result<Param<'_>> {
    match ungroup(ty) {
        Type::Reference(reference) => {
            if let Some(lifetime) = &reference.lifetime {
                return Err(syn::Error::new_spanned(
                    lifetime,
                    format_args!(
                        "smoke test parameters are borrowed from the runner for the test's \
                         duration only: remove the lifetime and take `&{}`",
                        type_to_string(&reference.elem)
                    ),
                ));
            }
            if let Type::ImplTrait(_) = ungroup(&reference.elem) {
                return Err(impl_trait(&reference.elem));
            }
            Ok(Param {
                ty: &reference.elem,
                reference: ty,
                exclusive: reference.mutability.is_some(),
            })
        }
        Type::ImplTrait(_) => Err(impl_trait(ty)),
        by_value => Err(syn::Error::new_spanned(
            ty,
            format_args!(
                "smoke test parameters are borrowed from the runner: take `&{}` (state or a \
                 suite) or, in a `rolled_back` test, `&mut Transaction`",
                type_to_string(by_value)
            ),
        )),
    }
}

fn impl_trait(ty: &Type) -> syn::Error {
    syn::Error::new_spanned(
        ty,
        "smoke test parameters have concrete types, not `impl Trait`: take e.g. `&Config` (state \
         or a suite) or, in a `rolled_back` test, `&mut Transaction`",
    )
}

/// `&mut` is the rolled-back transaction: exactly one in a `rolled_back` test, none otherwise.
fn check_exclusive(params: &[Param<'_>], args: &Args, errors: &mut Errors) {
    let mut exclusive = params.iter().filter(|param| param.exclusive);
    match (exclusive.next(), args.rolled_back) {
        (Some(first), None) => errors.push(syn::Error::new_spanned(
            first.reference,
            "`&mut` parameters receive the rolled-back transaction; add `rolled_back`: \
             `#[smoke_test(rolled_back)]`",
        )),
        // A transaction or connection taken by `&` is the likely mistake: point at it.
        (None, Some(rolled_back)) => {
            match params.iter().find(|param| looks_like_handle(param.ty)) {
                Some(shared) => errors.push(syn::Error::new_spanned(
                    shared.reference,
                    format_args!(
                        "a `rolled_back` test takes its transaction as `&mut` of the provider's \
                     handle, not `&{}`: {HANDLES}",
                        type_to_string(shared.ty)
                    ),
                )),
                None => errors.push(syn::Error::new(
                    rolled_back,
                    format_args!(
                        "a `rolled_back` test takes its transaction as a `&mut` parameter of the \
                     provider's handle: {HANDLES}"
                    ),
                )),
            }
        }
        _ => {}
    }
    for extra in exclusive {
        errors.push(syn::Error::new_spanned(
            extra.reference,
            "a smoke test takes at most one `&mut` parameter: the transaction of a \
             `rolled_back` test; take other values by `&`",
        ));
    }
}

/// The handles of the providers smoketest ships, as a test names them.
const HANDLES: &str = "`&mut sqlx::Transaction<'static, DB>` (SqlxRollback), \
                       `&mut rusqlite::Connection` (RusqliteRollback), \
                       `&mut diesel::PgConnection` / `&mut diesel::SqliteConnection` \
                       (DieselRollback), or `&mut` the `Handle` of your own `RollbackProvider`";

/// Whether a type is named like a database transaction or connection (`Transaction<'_>`,
/// `sqlx::PgConnection`, `rusqlite::Connection`): the parameter a `rolled_back` test that
/// forgot `mut` meant as its handle.
fn looks_like_handle(ty: &Type) -> bool {
    match ungroup(ty) {
        Type::Path(path) => path.path.segments.last().is_some_and(|segment| {
            let name = segment.ident.to_string();
            name.ends_with("Transaction") || name.ends_with("Connection")
        }),
        _ => false,
    }
}

/// `()` or a type named `Result`, whose error type the runtime's `IntoTestResult` then checks.
fn returns(ty: &Type) -> syn::Result<Returns<'_>> {
    match ungroup(ty) {
        Type::Tuple(tuple) if tuple.elems.is_empty() => Ok(Returns::Unit),
        Type::Path(path)
            if path.qself.is_none()
                && path
                    .path
                    .segments
                    .last()
                    .is_some_and(|segment| segment.ident == "Result") =>
        {
            Ok(Returns::Result(ty))
        }
        _ => Err(syn::Error::new_spanned(
            ty,
            "a smoke test returns `()` or `Result<(), E>` where `E: Display`",
        )),
    }
}

/// Looks through the invisible groups `macro_rules!` puts around `$ty` and through parentheses.
fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => ungroup(&group.elem),
        Type::Paren(paren) => ungroup(&paren.elem),
        ty => ty,
    }
}

/// A type as a user would write it: `Vec<u8>`, not `Vec < u8 >`.
fn type_to_string(ty: &Type) -> String {
    let text = ty.to_token_stream().to_string();
    [
        (" :: ", "::"),
        (":: ", "::"),
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
    ]
    .iter()
    .fold(text, |text, (from, to)| text.replace(from, to))
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::*;

    /// Whether the test is async, and its parameters' types with whether they are `&mut`.
    type Checked = (bool, Vec<(String, bool)>);

    fn check(args: TokenStream, function: TokenStream) -> Result<Checked, Vec<String>> {
        let mut errors = Errors::default();
        let args = crate::args::parse(args, &mut errors);
        let function: syn::ItemFn = syn::parse2(function).expect("a function");
        let test = analyse(&function.sig, &args, &mut errors);
        match errors.into_result() {
            Ok(()) => {
                let test = test.expect("no errors, so a test");
                let params = test
                    .params
                    .iter()
                    .map(|param| (type_to_string(param.ty), param.exclusive))
                    .collect();
                Ok((test.is_async, params))
            }
            Err(error) => {
                assert!(test.is_none());
                Err(error.into_iter().map(|error| error.to_string()).collect())
            }
        }
    }

    #[test]
    fn shared_and_exclusive_parameters_keep_their_types() {
        let (is_async, params) = check(
            quote!(rolled_back),
            quote!(
                async fn f(config: &Config, tx: &mut rusqlite::Transaction<'static>) {}
            ),
        )
        .unwrap();
        assert!(is_async);
        assert_eq!(
            params,
            [
                ("Config".to_owned(), false),
                ("rusqlite::Transaction<'static>".to_owned(), true)
            ]
        );
    }

    #[test]
    fn unit_and_result_returns_are_accepted() {
        for function in [
            quote!(
                fn f() {}
            ),
            quote!(
                fn f() -> () {}
            ),
            quote!(
                fn f() -> Result<()> {}
            ),
            quote!(
                fn f() -> anyhow::Result<()> {}
            ),
            quote!(
                fn f() -> std::io::Result<()> {}
            ),
            quote!(
                fn f() -> smoketest::Result {}
            ),
            quote!(
                fn f() -> Result<(), Box<dyn std::error::Error>> {}
            ),
        ] {
            assert!(check(quote!(), function).is_ok());
        }
    }

    #[test]
    fn other_returns_are_rejected() {
        for function in [
            quote!(
                fn f() -> u32 {}
            ),
            quote!(
                fn f() -> Option<()> {}
            ),
        ] {
            assert_eq!(
                check(quote!(), function).unwrap_err(),
                ["a smoke test returns `()` or `Result<(), E>` where `E: Display`"]
            );
        }
    }

    #[test]
    fn by_value_parameters_suggest_a_borrow_of_their_type() {
        assert_eq!(
            check(
                quote!(),
                quote!(
                    fn f(config: Vec<u8>) {}
                )
            )
            .unwrap_err(),
            [
                "smoke test parameters are borrowed from the runner: take `&Vec<u8>` (state or a \
                 suite) or, in a `rolled_back` test, `&mut Transaction`"
            ]
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let errors = check(
            quote!(rolled_back),
            quote!(
                unsafe extern "C" fn f<T>(&self, a: T, b: &'static T) -> u32
                where
                    T: Copy,
                {
                }
            ),
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "a smoke test cannot be generic: the runner calls it with concrete types",
                "a smoke test cannot have a `where` clause: the runner calls it with concrete types",
                "a smoke test cannot be an `unsafe fn`: the runner cannot uphold its safety \
                 contract; use an `unsafe` block inside the test",
                "a smoke test cannot have an `extern` ABI: the runner calls it as a Rust function",
                "a smoke test is a free function and cannot take `self`; to share set-up, take a \
                 suite as a parameter, e.g. `suite: &MySuite`",
                "smoke test parameters are borrowed from the runner: take `&T` (state or a suite) \
                 or, in a `rolled_back` test, `&mut Transaction`",
                "smoke test parameters are borrowed from the runner for the test's duration only: \
                 remove the lifetime and take `&T`",
                format!(
                    "a `rolled_back` test takes its transaction as a `&mut` parameter of the \
                     provider's handle: {HANDLES}"
                )
                .as_str(),
                "a smoke test returns `()` or `Result<(), E>` where `E: Display`",
            ]
        );
    }

    #[test]
    fn mut_parameters_need_rolled_back_and_one_at_most() {
        assert_eq!(
            check(
                quote!(),
                quote!(
                    fn f(tx: &mut Tx) {}
                )
            )
            .unwrap_err(),
            [
                "`&mut` parameters receive the rolled-back transaction; add `rolled_back`: \
                 `#[smoke_test(rolled_back)]`"
            ]
        );
        assert_eq!(
            check(
                quote!(rolled_back),
                quote!(
                    fn f(a: &mut Tx, b: &mut Tx) {}
                )
            )
            .unwrap_err(),
            [
                "a smoke test takes at most one `&mut` parameter: the transaction of a \
                 `rolled_back` test; take other values by `&`"
            ]
        );
        assert_eq!(
            check(
                quote!(rolled_back),
                quote!(
                    fn f(config: &Config) {}
                )
            )
            .unwrap_err(),
            [format!(
                "a `rolled_back` test takes its transaction as a `&mut` parameter of the \
                 provider's handle: {HANDLES}"
            )]
        );
        assert_eq!(
            check(
                quote!(rolled_back),
                quote!(
                    fn f(config: &Config, tx: &rusqlite::Transaction<'_>) {}
                )
            )
            .unwrap_err(),
            [format!(
                "a `rolled_back` test takes its transaction as `&mut` of the provider's handle, \
                 not `&rusqlite::Transaction<'_>`: {HANDLES}"
            )]
        );
    }
}
