//! The runner (stub, being written).
#![allow(missing_docs)]
#[derive(Default)]
pub struct Runner {}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier { Fast, Slow }
impl Runner {
    pub fn new() -> Self { Runner {} }
    pub fn with_state<T: std::any::Any + Send + Sync>(self, _value: T) -> Self { self }
}
