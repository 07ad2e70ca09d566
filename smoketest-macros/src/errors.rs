//! Collects every problem with one `#[smoke_test]` so the user sees them all in one build.

/// Errors found so far, combined into one `syn::Error` that expands to one `compile_error!` each.
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
    count: usize,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.count += 1;
        match &mut self.combined {
            Some(errors) => errors.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// How many problems were found so far.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    pub(crate) fn into_result(self) -> syn::Result<()> {
        self.combined.map_or(Ok(()), Err)
    }
}
