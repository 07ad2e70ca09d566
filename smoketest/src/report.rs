//! The report (stub, being written).
#![allow(missing_docs)]
use serde::{Deserialize, Serialize};
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {}
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status { #[serde(rename = "PASS")] Pass, #[serde(rename = "FAIL")] Fail }
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestReport {}
