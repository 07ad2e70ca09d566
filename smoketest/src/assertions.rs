//! Assertions (stub, being written).
#[doc(hidden)]
pub mod support {}
