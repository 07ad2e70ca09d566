//! The strict answer to "should a smoke test ever commit?": no.
//! [`Runner::forbid_state`](crate::Runner::forbid_state) errors every test that takes a
//! committing handle (a pool, a connection) directly instead of its rolled-back transaction.

use std::any::{Any, TypeId, type_name};

use crate::registry::TestCase;

/// The message of a test that takes the forbidden `&T`, pointing at the handle `H` to take.
pub(crate) fn forbidden_message<T: Any, H: Any>() -> String {
    format!(
        "takes `&{}` directly, which could commit, and this runner forbids it \
         (`Runner::forbid_state`); write through a rolled-back transaction instead: \
         `#[smoke_test(rolled_back)] fn …(tx: &mut {})`",
        type_name::<T>(),
        type_name::<H>()
    )
}

/// `tests`, with those that take `&T` marked errored (a problem found at collection, so they
/// are reported without being run; an earlier problem of the same test is kept).
pub(crate) fn forbid<T: Any, H: Any>(tests: &[TestCase]) -> Vec<TestCase> {
    let forbidden = TypeId::of::<T>();
    tests
        .iter()
        .cloned()
        .map(|mut case| {
            let takes_it = (case.test.params)()
                .iter()
                .any(|param| !param.exclusive && (param.type_id)() == forbidden);
            if takes_it && case.collection_error.is_none() {
                case.collection_error = Some(forbidden_message::<T, H>());
            }
            case
        })
        .collect()
}
