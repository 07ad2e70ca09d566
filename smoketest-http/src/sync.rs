//! A lock that ignores poisoning: the endpoint holds its locks only for short bookkeeping that
//! does not panic (runs and renderings happen outside them), so the data behind a poisoned lock
//! is whole, and refusing it would leave the endpoint unable to answer.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// `mutex.lock()`, poisoned or not.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
