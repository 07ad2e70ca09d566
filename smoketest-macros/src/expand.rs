//! The code `#[smoke_test]` generates: the user's function unchanged, then a `const _` block
//! registering it in the runtime's link-time registry.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Item, Signature, Visibility};

use crate::args::{self, Args};
use crate::errors::Errors;
use crate::signature::{self, Returns, TestFn};

/// Expands `#[smoke_test(args)] item`. On any error the item is still emitted unchanged next to
/// the errors, so the rest of the crate (and the IDE) keep seeing the function.
pub(crate) fn smoke_test(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::parse(args, &mut errors);
    let sig = match signature_of(&item) {
        Some(sig) => Some(sig),
        // Not `fn name(...) ... { ... }`: parse it as an item (the slow path, taken only on a
        // compile error) to say what it is.
        None => match syn::parse2::<Item>(item.clone()) {
            Ok(Item::Fn(function)) => Some(function.sig),
            Ok(other) => {
                errors.push(syn::Error::new_spanned(
                    other,
                    "`#[smoke_test]` goes on a free `fn` or `async fn`",
                ));
                None
            }
            Err(error) => {
                errors.push(error);
                None
            }
        },
    };
    let test = sig
        .as_ref()
        .and_then(|sig| signature::analyse(sig, &args, &mut errors));
    match (errors.into_result(), test) {
        (Ok(()), Some(test)) => {
            let registration = registration(&args, &test);
            quote!(#item #registration)
        }
        (result, ..) => {
            let errors = result.err().map(|error| error.into_compile_error());
            quote!(#item #errors)
        }
    }
}

/// The signature of a function item, parsed without looking into its body: the item's last
/// top-level token must be the `{ ... }` body, and everything before it parses as attributes,
/// visibility and signature. The body is emitted unchanged and rustc parses it anyway; leaving it
/// out keeps the macro's work proportional to the signature rather than to the test (syn would
/// otherwise copy every token of the body out of the compiler). `None` when the item is not of
/// that shape.
fn signature_of(item: &TokenStream) -> Option<Signature> {
    let mut head: Vec<TokenTree> = item.clone().into_iter().collect();
    match head.pop() {
        Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace => {}
        _ => return None,
    }
    syn::parse2::<Head>(head.into_iter().collect())
        .ok()
        .map(|Head(sig)| sig)
}

/// Attributes, visibility and signature: a function item without its body.
struct Head(Signature);

impl Parse for Head {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        input.call(Attribute::parse_outer)?;
        input.parse::<Visibility>()?;
        Ok(Head(input.parse()?))
    }
}

/// The `const _` block: a `SmokeTest` record in the registry, a function listing the parameters
/// (`Vec::new` when there are none) and a function calling the test with them — or, for the
/// common test without parameters returning `()`, the test function itself. Everything is named
/// through the runtime's `__private` module, `::smoketest::__private` or `path::__private` with
/// `crate = path`, so the user's crate needs no dependency but smoketest, under any name (linkme
/// included: the registration macro is reached through smoketest too); the block keeps the names
/// from clashing with other tests in the module.
///
/// The record goes into the distributed slice through the `macro_rules!` that linkme's
/// `#[distributed_slice]` declaration generates next to `SMOKE_TESTS_V0` (and that linkme's own
/// element attribute expands to): it places the static in the slice's link section on every
/// platform linkme supports. Calling it directly skips the element attribute's second proc-macro
/// pass and type-check closures, the largest part of a test's compile time; the record's type is
/// fixed here, so that check has nothing to catch. The macro comes from the same linkme as the
/// declaration, so the section it writes is by construction the one the slice reads; a linkme
/// release that changed the macro's input would make this a compile error, never a lost test.
/// Being linkme's internal interface, it is pinned: the workspace requires linkme at the exact
/// release it was checked against, and smoketest/tests/linkme_protocol.rs fails, saying what to
/// re-verify, when that version changes or a registered test is missing from the slice.
fn registration(args: &Args, test: &TestFn<'_>) -> TokenStream {
    let private = match &args.krate {
        Some(krate) => quote!(#krate::__private),
        None => quote!(::smoketest::__private),
    };
    let private = &private;
    let ident = test.ident;
    let name = ident.unraw().to_string();
    let line = quote_spanned!(ident.span()=> ::core::line!());
    let slow = args.slow.is_some();
    let rolled_back = args.rolled_back.is_some();
    let timeout = match args.timeout {
        Some(timeout) => {
            let (secs, nanos) = (timeout.as_secs(), timeout.subsec_nanos());
            quote!(::core::option::Option::Some(::core::time::Duration::new(#secs, #nanos)))
        }
        None => quote!(::core::option::Option::None),
    };
    let tags = args.tags.as_deref().unwrap_or_default();
    let warn_only = args.warn_only.is_some();
    let retries = args.retries.unwrap_or(0);
    let owner = optional_str(args.owner.as_deref());
    let runbook = optional_str(args.runbook.as_deref());
    // A test without parameters lists none: `Vec::new` (one instantiation for the whole crate)
    // instead of a function of its own.
    let (params_fn, params) = if test.params.is_empty() {
        (quote!(::std::vec::Vec::new), None)
    } else {
        (quote!(__smoketest_params), Some(params(test, private)))
    };
    // Without parameters and returning `()`, the function is its own body.
    let (body, wrapper) = match (test.params.is_empty(), &test.returns, test.is_async) {
        (true, Returns::Unit, false) => (quote!(PlainSync(#ident)), None),
        (true, Returns::Unit, true) => (quote!(PlainAsync(&#ident)), None),
        (_, _, false) => (quote!(Sync(__smoketest_body)), Some(body(test, private))),
        (_, _, true) => (quote!(Async(__smoketest_body)), Some(body(test, private))),
    };
    quote! {
        const _: () = {
            #private::SMOKE_TESTS_V0! {
                #![linkme_macro = #private::SMOKE_TESTS_V0]
                static __SMOKETEST: #private::SmokeTest = #private::SmokeTest {
                    module_path: ::core::module_path!(),
                    function: #name,
                    file: ::core::file!(),
                    line: #line,
                    slow: #slow,
                    rolled_back: #rolled_back,
                    timeout: #timeout,
                    tags: &[#(#tags),*],
                    warn_only: #warn_only,
                    retries: #retries,
                    owner: #owner,
                    runbook: #runbook,
                    params: #params_fn,
                    body: #private::Body::#body,
                };
            }
            #params
            #wrapper
        };
    }
}

fn optional_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

/// `fn __smoketest_params() -> Vec<Param>` for a test with parameters: what the runner must
/// provide, and which parameter (if any) is a suite, found by the runtime's autoref probe.
fn params(test: &TestFn<'_>, private: &TokenStream) -> TokenStream {
    let params = test.params.iter().map(|param| {
        let ty = param.ty;
        // `&mut` parameters are probed too, so a suite taken by `&mut` is reported as such.
        let constructor = if param.exclusive {
            quote!(exclusive)
        } else {
            quote!(shared)
        };
        quote! {
            #private::Param::#constructor::<#ty>(
                (&&&#private::probe::Probe::<#ty>::new()).suite_vtable()
            )
        }
    });
    quote! {
        fn __smoketest_params() -> ::std::vec::Vec<#private::Param> {
            #[allow(unused_imports)]
            use #private::probe::{ViaAsyncSuite as _, ViaSuite as _, ViaState as _};
            ::std::vec![#(#params),*]
        }
    }
}

/// `fn __smoketest_body`: resolves the parameters from the runner's `Context`, calls the test and
/// turns its result into the runner's.
fn body(test: &TestFn<'_>, private: &TokenStream) -> TokenStream {
    let ident = test.ident;
    let vars: Vec<_> = (0..test.params.len())
        .map(|index| format_ident!("__p{index}"))
        .collect();
    let any_shared = test.params.iter().any(|param| !param.exclusive);
    let any_exclusive = test.params.iter().any(|param| param.exclusive);
    let shared = if any_shared {
        quote!(__shared)
    } else {
        quote!(_)
    };
    let exclusive = if any_exclusive {
        quote!(__exclusive)
    } else {
        quote!(_)
    };
    let ctx = if test.params.is_empty() {
        quote!(_)
    } else {
        quote!(__ctx)
    };
    let split =
        (!test.params.is_empty()).then(|| quote!(let (#shared, #exclusive) = __ctx.split();));
    let resolve = test.params.iter().zip(&vars).map(|(param, var)| {
        let ty = param.ty;
        if param.exclusive {
            quote!(let #var = __exclusive.get_mut::<#ty>()?;)
        } else {
            quote!(let #var = __shared.get::<#ty>()?;)
        }
    });
    let dot_await = test.is_async.then(|| quote!(.await));
    let call = quote!(#ident(#(#vars),*) #dot_await);
    let finish = match test.returns {
        Returns::Unit => quote! {
            #call;
            ::core::result::Result::Ok(())
        },
        Returns::Result(ty) => {
            // Located at the return type (but still part of the expansion, so lints treat it as
            // generated code): a `Result` that is not `Result<(), E: Display>` is reported there.
            let at_return = Span::call_site().located_at(ty.span());
            let result = quote_spanned!(at_return=> __result);
            let private_at_return = located_at(private, ty.span());
            let into_test_result = quote_spanned! {at_return=>
                #private_at_return::IntoTestResult::into_test_result(#result)
            };
            // The `Display` check comes first and on its own, so a missing `Display` is one
            // error worded for the user; the probe then always resolves.
            let describe = quote_spanned! {at_return=>
                #private_at_return::error_displays(&__error);
                (&&&&&&#private_at_return::describe::ErrorProbe(&__error)).describe()
            };
            quote! {
                let #result = #call;
                match #into_test_result {
                    ::core::result::Result::Ok(()) => ::core::result::Result::Ok(()),
                    ::core::result::Result::Err(__error) => ::core::result::Result::Err({
                        #[allow(unused_imports)]
                        use #private::describe::{
                            ViaOwnError as _, ViaStdError as _, ViaSendSyncDynError as _,
                            ViaDynError as _, ViaDisplay as _, ViaAnything as _,
                        };
                        #describe
                    }),
                }
            }
        }
    };
    let statements = quote! {
        #split
        #(#resolve)*
        #finish
    };
    if test.is_async {
        quote! {
            fn __smoketest_body(#ctx: &mut #private::Context)
                -> #private::BoxFuture<'_, #private::BodyResult>
            {
                ::std::boxed::Box::pin(async move { #statements })
            }
        }
    } else {
        quote! {
            fn __smoketest_body(#ctx: &mut #private::Context)
                -> #private::BodyResult
            {
                #statements
            }
        }
    }
}

/// The tokens of a path moved to `location`, each keeping how it resolves (a `crate = $crate::x`
/// written in a user's `macro_rules!` still names that macro's crate).
fn located_at(path: &TokenStream, location: Span) -> TokenStream {
    path.clone()
        .into_iter()
        .map(|mut token| {
            token.set_span(token.span().located_at(location));
            token
        })
        .collect()
}
